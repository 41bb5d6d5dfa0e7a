// Arbitraries of VALID cluster specs, one family per flavor: every spec they produce passes
// checkClusterSpec and the flavor's own needs (OpenStack sections, bootstrap-specific options),
// for every contract the flavor declares. They lean on the edges a renderer gets wrong: odd but
// legal names (1 and 40 characters, digits, dashes), optional fields on and off, 0-3 worker
// pools, unicode and YAML 1.1 look-alikes (`yes`, `0755`, `1:30`) in free text that reaches
// files and commands, and shell metacharacters where the schema lets them through.
import fc from 'fast-check';
import { defaultTemplatesDir, loadFlavor, type Contract, type Flavor } from '../flavors/flavor.ts';
import { BUILTIN_FLAVORS } from '../flavors/registry.ts';
import type { ClusterSpec } from '../model/cluster-spec.ts';

/** One flavor and contract pair a spec can be rendered with. */
export interface RenderTarget {
  readonly flavor: string;
  readonly bootstrap: Flavor['bootstrap'];
  readonly infrastructure: Flavor['infrastructure'];
  readonly contract: Contract;
  readonly infrastructureContract: Contract;
}

/** Options for {@link arbitraryClusterSpec}. */
export interface SpecArbitraryOptions {
  /** Only these flavors. @defaultValue BUILTIN_FLAVORS */
  readonly flavors?: readonly string[];
  /** Where the flavors live. @defaultValue the built-in templates */
  readonly templatesDir?: string;
}

/**
 * Every (flavor, contract, infrastructure contract) combination of the given flavors, in
 * registry order. The infrastructure contract varies only for OpenStack flavors (it is CAPO's
 * API version); other flavors get their default.
 */
export function renderTargets(flavors: readonly string[] = BUILTIN_FLAVORS, templatesDir: string = defaultTemplatesDir()): RenderTarget[] {
  const out: RenderTarget[] = [];
  for (const id of flavors) {
    const f = loadFlavor(id, templatesDir);
    const infra = f.infrastructure === 'openstack' ? f.infrastructureContracts : f.infrastructureContracts.slice(0, 1);
    for (const contract of f.contracts) {
      for (const infrastructureContract of infra) {
        out.push({ flavor: id, bootstrap: f.bootstrap, infrastructure: f.infrastructure, contract, infrastructureContract });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Code points, as Ajv (and Go) count string lengths. */
function cpLength(s: string): number {
  return [...s].length;
}

const LOWER_DIGIT = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A DNS-1123 label of 1..max characters, with the odd-but-legal ones made likely. */
function dnsLabel(max: number): fc.Arbitrary<string> {
  const edge = fc.constantFrom('a', '0', '9', 'a'.repeat(max), `${'0'.repeat(max - 1)}z`, '0-0', 'a--b', '123', 'x-1');
  const general = fc
    .tuple(fc.constantFrom(...LOWER_DIGIT), fc.string({ unit: fc.constantFrom(...LOWER_DIGIT, '-'), maxLength: max - 2 }), fc.constantFrom(...LOWER_DIGIT))
    .map(([a, mid, z]) => `${a}${mid}${z}`);
  return fc.oneof(edge, general, fc.constantFrom(...LOWER_DIGIT));
}

/** Text users write in files and commands: unicode, YAML 1.1 look-alikes, shell and YAML metacharacters. */
function freeText(maxLength: number, options: { multiline?: boolean; minLength?: number } = {}): fc.Arbitrary<string> {
  const minLength = options.minLength ?? 0;
  const tricky = fc.constantFrom(
    'yes',
    'no',
    'on',
    'off',
    'y',
    'N',
    '~',
    'null',
    '0755',
    '0o17',
    '1:30',
    '1_000',
    '1e3',
    '.inf',
    '2001-12-14',
    '<<',
    '=',
    '- item',
    '? key',
    '{a: b}',
    '[x]',
    '# not a comment',
    'a: b',
    '&anchor',
    '*alias',
    '!tag',
    '%YAML',
    '|',
    '>-',
    '"double"',
    "'single'",
    '\\backslash\\',
    '$(id)',
    '`uname -a`',
    '${HOME}',
    'echo "$PATH" | tr : "\\n"',
    'a && b || c; d',
    'naïve café — 日本語 — 🚀👩‍👩‍👧',
    '\u00a0nbsp\u00a0',
    'trailing space ',
    ' leading space',
    '\ttab',
  );
  const grapheme = fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 24) });
  const ascii = fc.string({ unit: 'grapheme-ascii', minLength, maxLength: Math.min(maxLength, 40) });
  const line = fc.oneof({ weight: 3, arbitrary: tricky }, { weight: 2, arbitrary: ascii }, { weight: 2, arbitrary: grapheme });
  const text = options.multiline === true ? fc.oneof(line, fc.array(line, { minLength: 2, maxLength: 5 }).map((ls) => ls.join('\n'))) : line;
  // YAML line breaks other than \n (NEL, LS, PS, CR) are the emitter's business, but a
  // single-line field must not hold a \n; multi-line text keeps them.
  return text.filter((s) => cpLength(s) >= minLength && cpLength(s) <= maxLength && (options.multiline === true || !/[\n\r\u0085\u2028\u2029]/.test(s)));
}

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const v4Cidr = fc.tuple(fc.constantFrom(10, 172, 192), octet, fc.constantFrom(8, 12, 16, 20, 24)).map(([a, b, p]) => `${a}.${b}.0.0/${p}`);
const v6Cidr = fc.integer({ min: 0, max: 0xffff }).map((x) => `fd00:${x.toString(16)}::/${x % 2 === 0 ? 56 : 108}`);
const cidrs = fc.oneof(v4Cidr.map((c) => [c]), fc.tuple(v4Cidr, v6Cidr));
const dnsName = fc.array(dnsLabel(20), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
const host = fc.oneof(ipv4, dnsName, fc.constant('localhost'));

/** Optional field: present or absent (never `undefined`, which exactOptionalPropertyTypes forbids). */
function opt<K extends string, V>(key: K, arb: fc.Arbitrary<V>): fc.Arbitrary<Partial<Record<K, V>>> {
  return fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : ({ [key]: v } as Record<K, V>)));
}

/** Merges a record of optional-field arbitraries into one object. */
function record<T extends object>(required: { [K in keyof T]?: fc.Arbitrary<T[K]> }, optional: { [K in keyof T]?: fc.Arbitrary<T[K]> } = {}): fc.Arbitrary<T> {
  const parts: fc.Arbitrary<Record<string, unknown>>[] = [];
  for (const [k, a] of Object.entries(required)) parts.push((a as fc.Arbitrary<unknown>).map((v) => ({ [k]: v })));
  for (const [k, a] of Object.entries(optional)) parts.push(opt(k, a as fc.Arbitrary<unknown>));
  return fc.tuple(...parts).map((ps) => Object.assign({}, ...ps) as T);
}

type Machine = ClusterSpec['controlPlane']['machine'];
type OpenStackSection = NonNullable<ClusterSpec['openstack']>;
type MicroK8sSection = NonNullable<ClusterSpec['microk8s']>;
type KubeadmSection = NonNullable<ClusterSpec['kubeadm']>;
type Worker = ClusterSpec['workers'][number];

const openstackMachine = record<NonNullable<Machine['openstack']>>(
  { flavor: fc.oneof(fc.constantFrom('m1.small', 'c4.large', 'gpu:a100'), freeText(255, { minLength: 1 })), image: fc.oneof(fc.constantFrom('ubuntu-22.04', 'Ubuntu 24.04 (2025-01)'), freeText(255, { minLength: 1 })) },
  { rootVolumeSizeGiB: fc.oneof(fc.constantFrom(1, 65536), fc.integer({ min: 1, max: 65536 })) },
);
const dockerMachine = record<NonNullable<Machine['docker']>>({}, { customImage: fc.constantFrom('kindest/node:v1.31.4', 'registry.example:5000/kind/node@sha256:' + 'a'.repeat(64), 'x') });

function machine(infrastructure: Flavor['infrastructure']): fc.Arbitrary<Machine> {
  // The matching section is required for OpenStack; the other one is allowed and ignored.
  return infrastructure === 'openstack'
    ? record<Machine>({ openstack: openstackMachine }, { docker: dockerMachine })
    : record<Machine>({}, { docker: dockerMachine, openstack: openstackMachine });
}

const labelName = fc
  .tuple(fc.constantFrom(...'abcXYZ019'), fc.string({ unit: fc.constantFrom(...'abz09-_.AZ'), maxLength: 20 }), fc.constantFrom(...'aZ9'))
  .map(([a, m, z]) => `${a}${m}${z}`);
const labelKey = fc.oneof(labelName, fc.constantFrom('a', 'tier'), fc.tuple(dnsName, labelName).map(([p, n]) => `${p}/${n}`), fc.constantFrom('node-role.kubernetes.io/worker', 'example.com/gpu'));
const labelValue = fc.oneof(fc.constant(''), labelName, fc.constantFrom('true', 'yes', 'on', '0755', '1.0'), fc.constant('v'.repeat(63)));

function worker(infrastructure: Flavor['infrastructure']): fc.Arbitrary<Worker> {
  return record<Worker>(
    { name: dnsLabel(40), replicas: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1000) }), machine: machine(infrastructure) },
    { labels: fc.dictionary(labelKey, labelValue, { minKeys: 0, maxKeys: 3, noNullPrototype: true }) },
  );
}

const network = record<NonNullable<ClusterSpec['network']>>(
  {},
  {
    podCIDRs: cidrs,
    serviceCIDRs: cidrs,
    serviceDomain: fc.oneof(fc.constantFrom('cluster.local', 'k8s', 'a.b.c'), dnsName),
    apiServerPort: fc.oneof(fc.constantFrom(443, 6443, 1, 65535), fc.integer({ min: 1, max: 65535 })),
    apiServerLoadBalancer: fc.boolean(),
    controlPlaneEndpoint: host,
  },
);

const openstack = record<OpenStackSection>(
  { cloudName: fc.oneof(fc.constantFrom('openstack', 'my_cloud.prod-1', 'A'), fc.stringMatching(/^[A-Za-z0-9_.-]{1,30}$/)), identitySecret: dnsLabel(63) },
  {
    externalNetworkId: fc.uuid(),
    nodeCIDR: v4Cidr,
    dnsNameservers: fc.array(ipv4, { minLength: 1, maxLength: 5 }),
    sshKeyName: freeText(255, { minLength: 1 }),
    failureDomain: fc.oneof(fc.constantFrom('nova', 'az-1'), freeText(255, { minLength: 1 })),
  },
);

const url = fc
  .tuple(fc.constantFrom('http', 'https', 'socks5'), fc.option(fc.constantFrom('user:pa%40ss@', "o'brien@"), { nil: '' }), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.constantFrom('', '/', '/path;x=(1)&y=|z', '/ünï'))
  .map(([scheme, auth, h, port, path]) => `${scheme}://${auth}${h}${port === undefined ? '' : `:${port}`}${path}`);
const addon = fc.oneof(
  fc.constantFrom('dns', 'ingress', 'metrics-server', 'hostpath-storage', 'rbac', 'metallb:10.0.0.100-10.0.0.200', 'dns:1.1.1.1,8.8.8.8', 'cert-manager'),
  fc.tuple(dnsLabel(20), fc.option(fc.stringMatching(/^[A-Za-z0-9.,:/=_-]{1,30}$/), { nil: undefined })).map(([n, a]) => (a === undefined ? n : `${n}:${a}`)),
);

function microk8s(minor: number): fc.Arbitrary<MicroK8sSection> {
  return record<MicroK8sSection>(
    {},
    {
      addons: fc.uniqueArray(addon, { maxLength: 5, selector: (a) => a.split(':')[0] }),
      riskLevel: fc.constantFrom('stable', 'candidate', 'beta', 'edge'),
      // strict confinement needs v1.25+ (a spec rule).
      confinement: minor >= 25 ? fc.constantFrom('classic', 'strict') : fc.constant('classic'),
      httpProxy: url,
      httpsProxy: url,
      noProxy: fc.oneof(fc.constantFrom('', 'localhost,127.0.0.1,.svc,10.0.0.0/8', '*'), fc.stringMatching(/^[A-Za-z0-9.,:/_*-]{0,60}$/)),
      snapstoreProxyScheme: fc.constantFrom('http', 'https'),
      snapstoreProxyDomain: host,
      snapstoreProxyId: fc.stringMatching(/^[A-Za-z0-9]{1,32}$/),
      ipInIp: fc.boolean(),
      disableDefaultCNI: fc.boolean(),
      upgradeStrategy: fc.constantFrom('InPlaceUpgrade', 'RollingUpgrade', 'SmartUpgrade'),
      extraKubeletArgs: fc.uniqueArray(
        fc.tuple(fc.constantFrom('max-pods', 'v', 'node-labels', 'eviction-hard', 'x-1'), fc.option(freeText(60), { nil: undefined })).map(([n, v]) => (v === undefined ? `--${n}` : `--${n}=${v}`)),
        { maxLength: 3, selector: (a) => a.split('=')[0] },
      ),
    },
  );
}

// Flag names users really set, some of which the hardening transforms set too.
const argName = fc.oneof(
  fc.constantFrom('v', 'profiling', 'bind-address', 'audit-log-maxage', 'feature-gates', 'node-labels', 'leader-elect', 'max-pods', 'tls-min-version', 'a', '0'),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/),
);
const extraArgs = fc.dictionary(argName, fc.oneof(fc.constantFrom('true', '0', '127.0.0.1', 'VersionTLS12', 'A=true,B=false'), freeText(120)), { minKeys: 0, maxKeys: 3, noNullPrototype: true });
const filePath = fc.oneof(
  fc.constantFrom('/etc/kubernetes/extra.conf', '/opt/my dir/naïve.sh', '/x', '/etc/a.yaml'),
  fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), { minLength: 1, maxLength: 4 }).map((ss) => `/${ss.join('/')}`),
);
const kubeadmFile = record<NonNullable<KubeadmSection['files']>[number]>(
  // The spec schema allows an empty content and empty commands, but v1beta2 KubeadmConfigSpec
  // does not (minLength 1); until the spec says so, the arbitrary stays inside what renders.
  { path: filePath, content: freeText(2000, { multiline: true, minLength: 1 }) },
  { permissions: fc.constantFrom('0644', '0600', '0755', '644', '4755'), owner: fc.constantFrom('root', 'root:root', 'www-data:adm', '_svc') },
);
const command = freeText(400, { multiline: true, minLength: 1 });

const kubeadm = record<KubeadmSection>(
  {},
  {
    apiServerExtraArgs: extraArgs,
    controllerManagerExtraArgs: extraArgs,
    schedulerExtraArgs: extraArgs,
    kubeletExtraArgs: extraArgs,
    // files[].path is unique per config (the KubeadmConfig webhook and list-map key).
    files: fc.uniqueArray(kubeadmFile, { maxLength: 3, selector: (f) => f.path }),
    preCommands: fc.array(command, { maxLength: 3 }),
    postCommands: fc.array(command, { maxLength: 3 }),
  },
);

const sshKey = fc
  .tuple(fc.constantFrom('ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com'), fc.base64String({ minLength: 4, maxLength: 80 }), fc.option(freeText(60, { minLength: 1 }), { nil: undefined }))
  .map(([t, k, c]) => `${t} ${k === '' ? 'AAAA' : k}${c === undefined ? '' : ` ${c}`}`)
  .filter((s) => /^(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\n]*)?$/.test(s));

// Durations are given all together and in the order leader election needs
// (retryPeriod < renewDeadline < leaseDuration), or not at all.
function durations(retry: number, renew: number, lease: number): { retryPeriod: string; renewDeadline: string; leaseDuration: string } {
  return { retryPeriod: `${retry}s`, renewDeadline: `${renew}s`, leaseDuration: lease >= 60 ? `${Math.floor(lease / 60)}m${lease % 60}s` : `${lease}s` };
}
const leaderElection = fc
  .tuple(fc.option(fc.boolean(), { nil: undefined }), fc.option(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 60 })), { nil: undefined }))
  .map(([enabled, d]) => ({
    ...(enabled === undefined ? {} : { enabled }),
    // renewDeadline = retry + retry/5 + d1 keeps client-go's renewDeadline > 1.2 x retryPeriod.
    ...(d === undefined ? {} : durations(d[0], d[0] + Math.floor(d[0] / 5) + d[1], d[0] + Math.floor(d[0] / 5) + d[1] + d[2])),
  }));
// renewOnNode is left out: it is a spec error on MicroK8s flavors, and the arbitrary serves every flavor.
const certificates = record<Omit<NonNullable<NonNullable<ClusterSpec['hardening']>['certificates']>, 'renewOnNode'>>(
  {},
  {
    enabled: fc.boolean(),
    timeSyncTimeoutSeconds: fc.integer({ min: 0, max: 3600 }),
    skewToleranceSeconds: fc.integer({ min: 0, max: 86400 }),
    expiryWarningDays: fc.integer({ min: 1, max: 365 }),
    textfileDir: fc.constantFrom('/var/lib/node_exporter/textfile_collector', '/srv/prom_0', '/a'),
  },
);
const hardening = record<NonNullable<ClusterSpec['hardening']>>({}, { certificates, leaderElection });

// ---------------------------------------------------------------------------------------------

function specFor(f: Flavor): fc.Arbitrary<ClusterSpec> {
  return fc.integer({ min: 25, max: 34 }).chain((minor) =>
    fc
      .tuple(
        record<ClusterSpec>(
          {
            name: dnsLabel(40),
            flavor: fc.constant(f.id),
            kubernetesVersion: fc.integer({ min: 0, max: 30 }).map((patch) => `v1.${minor}.${patch}`),
            controlPlane: record<ClusterSpec['controlPlane']>({ replicas: fc.constantFrom(1, 3, 5, 7, 9), machine: machine(f.infrastructure) }),
            workers: fc.uniqueArray(worker(f.infrastructure), { maxLength: 3, selector: (w) => w.name }),
          },
          {
            $schema: fc.constant('../packages/core/cluster-spec.schema.json'),
            namespace: dnsLabel(63),
            contract: fc.constantFrom(...f.contracts),
            infrastructureContract: fc.constantFrom(...f.infrastructureContracts),
            network,
            ntp: fc.array(host, { minLength: 1, maxLength: 3 }).map((servers) => ({ servers })),
            sshAuthorizedKeys: fc.array(sshKey, { maxLength: 2 }),
            hardening,
          },
        ),
        f.infrastructure === 'openstack' ? openstack.map((o) => ({ openstack: o })) : fc.constant({}),
        f.bootstrap === 'microk8s' ? opt('microk8s', microk8s(minor)) : opt('kubeadm', kubeadm),
      )
      .map(([base, o, b]) => withFlavorRules({ ...base, ...o, ...b } as ClusterSpec, f)),
  );
}

// Spec rules that span fields: "<cluster>-<pool>" is a label value (at most 63 characters);
// MicroK8s serves the API on 6443 and has no users field for SSH keys.
function withFlavorRules(spec: ClusterSpec, f: Flavor): ClusterSpec {
  const out: ClusterSpec = { ...spec, workers: spec.workers.filter((w) => spec.name.length + 1 + w.name.length <= 63) };
  if (f.bootstrap === 'microk8s') {
    delete out.sshAuthorizedKeys;
    if (out.network !== undefined) {
      const { apiServerPort: _port, ...rest } = out.network;
      out.network = rest;
    }
  }
  return out;
}

/**
 * Valid cluster specs for the given flavors (default: every built-in flavor), each spec for
 * one flavor and, when it sets `contract`/`infrastructureContract`, one the flavor supports.
 *
 * @example
 * fc.assert(fc.asyncProperty(arbitraryClusterSpec(), async (spec) => { await renderCluster(spec); }));
 */
export function arbitraryClusterSpec(options: SpecArbitraryOptions = {}): fc.Arbitrary<ClusterSpec> {
  const templatesDir = options.templatesDir ?? defaultTemplatesDir();
  const flavors = (options.flavors ?? BUILTIN_FLAVORS).map((id) => loadFlavor(id, templatesDir));
  if (flavors.length === 0) throw new Error('arbitraryClusterSpec: options.flavors is empty; pass at least one flavor id');
  return fc.oneof(...flavors.map(specFor));
}
