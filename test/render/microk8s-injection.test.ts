// Shell-injection proof for the microk8s-openstack flavor.
//
// The MicroK8s bootstrap provider puts proxies, snapstore fields, addons and the endpoint into
// cloud-init runcmd lines with Go's %q (strconv.Quote), i.e. inside sh double quotes, where
// `$(...)`, backticks and `$VAR` still expand (canonical/cluster-api-bootstrap-provider-microk8s,
// controllers/cloudinit/controlplane_init.go, NewInitControlPlane, commit 71682d3c). capi-gen
// cannot re-quote them, so the spec schema only lets safe characters through.
//
// (a) the schema rejects shell metacharacters in every such field;
// (b) for random allowed values, the runcmd lines the provider would write for the init control
//     plane, executed by /bin/sh inside bubblewrap with fake scripts, deliver every value verbatim
//     as its own argument and create no file but the fakes' log. A deliberately dangerous value
//     (schema bypassed) proves the harness can fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, join } from 'node:path';
import { checkClusterSpec, ClusterSpecSchema, renderCluster, type ClusterSpec, type KubeObject } from '../../packages/core/src/index.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BWRAP, DEFAULT_TOOLS, Sandbox } from '../support/sandbox.ts';

// ----------------------------------------------------------------------------------------------
// A valid base spec and the fields whose values reach runcmd lines (or, for NTP, a file).

function baseSpec(): ClusterSpec {
  return {
    name: 'inj',
    flavor: 'microk8s-openstack',
    kubernetesVersion: 'v1.31.4',
    controlPlane: { replicas: 1, machine: { openstack: { flavor: 'm1.large', image: 'ubuntu-24.04' } } },
    workers: [{ name: 'md-0', replicas: 1, machine: { openstack: { flavor: 'm1.large', image: 'ubuntu-24.04' } } }],
    openstack: { cloudName: 'openstack', identitySecret: 'inj-cloud-config' },
    microk8s: {},
    ntp: { servers: ['pool.ntp.org'] },
  };
}

type Field = 'ntp' | 'httpProxy' | 'httpsProxy' | 'noProxy' | 'snapstoreProxyScheme' | 'snapstoreProxyDomain' | 'snapstoreProxyId' | 'addon' | 'controlPlaneEndpoint';

/** Sets one field; `value` replaces the field's value (a list field gets it as its only item). */
function withField(spec: ClusterSpec, field: Field, value: string): ClusterSpec {
  const s = structuredClone(spec);
  const m = { ...(s.microk8s ?? {}) } as Record<string, unknown>;
  switch (field) {
    case 'ntp':
      return { ...s, ntp: { servers: [value] } };
    case 'controlPlaneEndpoint':
      return { ...s, network: { ...(s.network ?? {}), controlPlaneEndpoint: value } };
    case 'addon':
      m['addons'] = [value];
      break;
    default:
      m[field] = value;
  }
  return { ...s, microk8s: m as NonNullable<ClusterSpec['microk8s']> };
}

/** Where checkClusterSpec reports a bad value of the field. */
const POINTER: Record<Field, string> = {
  ntp: '/ntp/servers/0',
  httpProxy: '/microk8s/httpProxy',
  httpsProxy: '/microk8s/httpsProxy',
  noProxy: '/microk8s/noProxy',
  snapstoreProxyScheme: '/microk8s/snapstoreProxyScheme',
  snapstoreProxyDomain: '/microk8s/snapstoreProxyDomain',
  snapstoreProxyId: '/microk8s/snapstoreProxyId',
  addon: '/microk8s/addons/0',
  controlPlaneEndpoint: '/network/controlPlaneEndpoint',
};

/** A valid value per field, to which the payloads are appended. */
const PREFIX: Record<Field, string> = {
  ntp: 'pool.ntp.org',
  httpProxy: 'http://proxy.example.com:3128/',
  httpsProxy: 'http://proxy.example.com:3128/',
  noProxy: '10.0.0.0/8,.example.com',
  snapstoreProxyScheme: 'http',
  snapstoreProxyDomain: 'snaps.example.com',
  snapstoreProxyId: 'AbC123',
  addon: 'metallb:10.0.0.1-10.0.0.9',
  controlPlaneEndpoint: 'api.example.com',
};

const PAYLOADS: readonly string[] = ['; touch /pwned', '$(touch /pwned)', '`touch /pwned`', '"', '\\', '${IFS}', '\n touch /pwned'];

describe('microk8s-openstack: the spec schema keeps shell metacharacters out of runcmd values', () => {
  const fields = Object.keys(POINTER) as Field[];
  const rows = fields.flatMap((field) => PAYLOADS.flatMap((p) => [{ field, value: PREFIX[field] + p }, { field, value: p }]));

  it('accepts the unpolluted base values', () => {
    // Arrange
    const specs = fields.map((f) => withField(baseSpec(), f, PREFIX[f]));
    // Act
    const issues = specs.flatMap((s) => checkClusterSpec(s));
    // Assert
    expect(issues).toEqual([]);
  });

  it.each(rows)('rejects $field = $value', ({ field, value }) => {
    // Arrange
    const spec = withField(baseSpec(), field, value);
    // Act
    const issues = checkClusterSpec(spec);
    // Assert
    expect(issues.map((i) => i.path)).toContain(POINTER[field]);
  });
});

// ----------------------------------------------------------------------------------------------
// Go's %q (strconv.Quote), re-implemented: printable runes as they are (unicode.IsPrint: letters,
// marks, numbers, punctuation, symbols and U+0020), `"` and `\` escaped, \a\b\f\n\r\t\v, other
// bytes < 0x80 as \xHH, other runes as \uHHHH or \UHHHHHHHH. Lone surrogates cannot come from
// YAML/JSON text; they are quoted as U+FFFD like Go's invalid-rune replacement.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

// ----------------------------------------------------------------------------------------------
// The init control plane's runcmd, as NewInitControlPlane builds it (controlplane_init.go and
// createInstallArgs in utils.go @ 71682d3c), from the rendered MicroK8sControlPlane. Each line
// is paired with the argv the provider intends it to produce.

interface Call {
  readonly program: string;
  readonly args: readonly string[];
}
interface Line {
  readonly text: string;
  /** What the line must run; null for lines that call nothing (set -x). */
  readonly call: Call | null;
}

/** The provider's join token: 32 ASCII letters (getJoinToken in microk8sconfig_controller.go). */
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf';
/** What CAPO fills in when the spec sets no endpoint (the load balancer's floating IP). */
const FALLBACK_ENDPOINT = '203.0.113.10';

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function str(v: unknown, d = ''): string {
  return typeof v === 'string' ? v : d;
}
function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function endpointOf(objects: readonly KubeObject[]): string {
  for (const o of objects) {
    if (o.kind !== 'Cluster' && o.kind !== 'OpenStackCluster') continue;
    const host = rec(rec(o['spec'])['controlPlaneEndpoint'])['host'];
    if (typeof host === 'string' && host !== '') return host;
  }
  return FALLBACK_ENDPOINT;
}

function script(name: string, args: readonly string[], text: string): Line {
  return { text: `/capi-scripts/${name}${text === '' ? '' : ` ${text}`}`, call: { program: name, args } };
}

function initRunCommands(cp: KubeObject, endpoint: string): Line[] {
  const spec = rec(cp['spec']);
  const c = rec(rec(spec['controlPlaneConfig'])['initConfiguration']);
  const q = goQuote;
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(str(spec['version'])) ?? [];
  const channel = `${Number(major)}.${Number(minor)}`;
  const risk = str(c['riskLevel']);
  const installArgs =
    str(c['confinement']) === 'strict'
      ? `--channel ${channel}-strict${risk === '' ? '' : `/${risk}`}`
      : `--channel ${channel}${risk === '' ? '' : `/${risk}`} --classic`;
  const scheme = str(c['snapstoreProxyScheme']) === '' ? 'http' : str(c['snapstoreProxyScheme']);
  const [snapHttp, snapHttps, domain, id] = [str(c['snapstoreHTTPProxy']), str(c['snapstoreHTTPSProxy']), str(c['snapstoreProxyDomain']), str(c['snapstoreProxyId'])];
  const [httpProxy, httpsProxy, noProxy] = [str(c['httpProxy']), str(c['httpsProxy']), str(c['noProxy'])];
  const ipinip = c['IPinIP'] === true;
  const noCni = c['disableDefaultCNI'] === true;
  const addons = strs(c['addons']);
  if (!addons.some((a) => a.includes('dns'))) addons.push('dns');
  const endpointType = isIP(endpoint) === 0 ? 'DNS' : 'IP';
  const ttl = typeof c['joinTokenTTLInSecs'] === 'number' ? c['joinTokenTTLInSecs'] : 315569260;
  const [agentPort, dqlitePort] = ['30000', '2379']; // portCompatibilityRemap defaults to true

  const user = (cmd: string): Line => {
    // capi-gen's own pre/post commands are fixed words; split them as sh would.
    const [program = '', ...args] = cmd.split(' ');
    return { text: cmd, call: { program, args } };
  };
  return [
    { text: 'set -x', call: null },
    ...strs(c['preRunCommands']).map(user),
    script('00-configure-snapstore-http-proxy.sh', [snapHttp, snapHttps], `${q(snapHttp)} ${q(snapHttps)}`),
    script('00-configure-snapstore-proxy.sh', [scheme, domain, id], `${q(scheme)} ${q(domain)} ${q(id)}`),
    script('00-disable-host-services.sh', [], ''),
    script('00-install-microk8s.sh', [installArgs, String(noCni)], `${q(installArgs)} ${String(noCni)}`),
    script('10-configure-containerd-proxy.sh', [httpProxy, httpsProxy, noProxy], `${q(httpProxy)} ${q(httpsProxy)} ${q(noProxy)}`),
    script('10-configure-kubelet.sh', [], ''),
    script('50-wait-apiserver.sh', [], ''),
    { text: 'microk8s refresh-certs /var/tmp', call: { program: 'microk8s', args: ['refresh-certs', '/var/tmp'] } },
    script('10-configure-calico-ipip.sh', [String(ipinip)], String(ipinip)),
    script('10-configure-cluster-agent-port.sh', [agentPort], q(agentPort)),
    script('10-configure-dqlite-port.sh', [dqlitePort], q(dqlitePort)),
    script('10-configure-cert-for-lb.sh', [endpointType, endpoint], `${q(endpointType)} ${q(endpoint)}`),
    script('10-configure-apiserver.sh', [], ''),
    script('20-microk8s-enable.sh', addons, addons.map(q).join(' ')),
    { text: `microk8s add-node --token-ttl ${ttl} --token ${q(TOKEN)}`, call: { program: 'microk8s', args: ['add-node', '--token-ttl', String(ttl), '--token', TOKEN] } },
    ...strs(c['postRunCommands']).map(user),
  ];
}

// ----------------------------------------------------------------------------------------------
// The sandbox. The root is bubblewrap's own tmpfs (so `touch /pwned` would succeed and be seen)
// with the host's /usr read-only, /capi-scripts a read-only bind of the fakes, and /work (the
// runcmd script) and /fake-state (the fakes' log) the only host paths that are writable. Real
// /var, /etc and /capi-scripts are never touched.

const SCRIPT_NAMES = [
  '00-configure-snapstore-http-proxy.sh',
  '00-configure-snapstore-proxy.sh',
  '00-disable-host-services.sh',
  '00-install-microk8s.sh',
  '10-configure-apiserver.sh',
  '10-configure-calico-ipip.sh',
  '10-configure-cert-for-lb.sh',
  '10-configure-cluster-agent-port.sh',
  '10-configure-containerd-proxy.sh',
  '10-configure-dqlite-port.sh',
  '10-configure-kubelet.sh',
  '20-microk8s-enable.sh',
  '20-microk8s-join.sh',
  '30-configure-traefik.sh',
  '50-wait-apiserver.sh',
];
const FAKE_COMMANDS = ['microk8s', 'systemctl'];

if (BWRAP === null) {
  console.warn('microk8s-injection: bwrap is missing or cannot create a sandbox here (install bubblewrap; .ci/run does); the execution tests are skipped');
}

/** What one sandboxed run of the runcmd lines did. */
interface RunResult {
  readonly exitCode: number;
  readonly calls: Call[];
  /** Paths that exist after the run but did not before. */
  readonly created: string[];
  readonly stderr: string;
}

/** The log the fakes append to, inside the sandbox; the only file a clean run creates. */
const LOG = '/fake-state/log';

function runInSandbox(lines: readonly Line[]): RunResult {
  // The shared harness (test/support/sandbox.ts): bubblewrap's tmpfs as /, the host's /usr
  // read-only, PATH=/fake:/tools. `find` is allowlisted for the inventory below.
  const sb = new Sandbox({ paths: ['/work'], tools: [...DEFAULT_TOOLS, 'find'] });
  try {
    // One record per call: the program path, the argument count, then each argument, each
    // terminated by NUL (printf reuses the format for every operand). Sandbox's own call log
    // joins arguments with spaces, which would hide an argument split in two.
    const record = `printf '%s\\0' "$0" "$#" "$@" >> '${LOG}'`;
    for (const n of FAKE_COMMANDS) sb.fake(n, { body: record });
    const scripts = join(sb.dir, 'capi-scripts');
    mkdirSync(scripts);
    for (const n of SCRIPT_NAMES) writeFileSync(join(scripts, n), `#!/bin/sh\n${record}\n`, { mode: 0o755 });
    sb.write('/work/run.sh', `#!/bin/sh\nset -e\n${lines.map((l) => l.text).join('\n')}\n`, 0o755);
    // Inventory of every writable place before and after, NUL-separated, on stdout; the
    // script's own output goes to stderr.
    const inventory = 'find / /tmp /work /fake-state -xdev -print0 2>/dev/null';
    const wrapper = `${inventory}; printf '\\0--run--\\0'; /bin/sh /work/run.sh 1>&2; printf '%s\\0--after--\\0' "$?"; ${inventory}`;
    const r = sb.run(['/bin/sh', '-c', wrapper], { ro: { '/capi-scripts': scripts } });
    const out = r.stdout.split('\0');
    const run = out.indexOf('--run--');
    const after = out.indexOf('--after--');
    if (run < 0 || after < 0) throw new Error(`sandbox failed (exit ${r.status}): ${r.stderr}`);
    const before = new Set(out.slice(0, run));
    const created = [...new Set(out.slice(after + 1).filter((p) => p !== '' && !before.has(p)))].sort();
    const calls: Call[] = [];
    const raw = sb.readState('log').split('\0');
    for (let i = 0; i + 1 < raw.length; ) {
      const n = Number(raw[i + 1]);
      calls.push({ program: basename(raw[i]!), args: raw.slice(i + 2, i + 2 + n) });
      i += 2 + n;
    }
    return { exitCode: Number(out[after - 1]), calls, created, stderr: r.stderr };
  } finally {
    sb.cleanup();
  }
}

/** Everything wrong with a run, as messages; empty when the harness sees nothing bad. */
function problems(lines: readonly Line[], result: RunResult, logPath = 'log'): string[] {
  const out: string[] = [];
  if (result.exitCode !== 0) out.push(`runcmd script exited ${result.exitCode}: ${result.stderr.slice(-500)}`);
  const expected = lines.flatMap((l) => (l.call === null ? [] : [l.call]));
  if (JSON.stringify(result.calls) !== JSON.stringify(expected)) {
    out.push(`calls differ:\n expected ${JSON.stringify(expected)}\n got      ${JSON.stringify(result.calls)}`);
  }
  const unexpected = result.created.filter((p) => basename(p) !== logPath);
  if (unexpected.length > 0) out.push(`files appeared in the sandbox: ${unexpected.join(', ')}`);
  if (result.created.some((p) => basename(p) === 'pwned' || p.includes('pwned'))) out.push('a pwned file appeared');
  return out;
}

// ----------------------------------------------------------------------------------------------
// Allowed values, generated from the spec schema's own patterns (so the test follows the schema).

function pattern(schema: unknown): RegExp {
  const p = (schema as { pattern?: string }).pattern;
  if (p === undefined) throw new Error('schema has no pattern');
  return new RegExp(p);
}
const S = ClusterSpecSchema.properties;
const M = S.microk8s.properties;
const host = fc.stringMatching(pattern(S.ntp.properties.servers.items)).filter((s) => s.length <= 253);
const allowed = {
  ntp: fc.array(host, { minLength: 1, maxLength: 3 }),
  httpProxy: fc.option(fc.stringMatching(pattern(M.httpProxy)).filter((s) => s.length <= (M.httpProxy.maxLength ?? 0)), { nil: undefined }),
  httpsProxy: fc.option(fc.stringMatching(pattern(M.httpsProxy)).filter((s) => s.length <= (M.httpsProxy.maxLength ?? 0)), { nil: undefined }),
  noProxy: fc.option(fc.stringMatching(pattern(M.noProxy)).filter((s) => s.length <= (M.noProxy.maxLength ?? 0)), { nil: undefined }),
  snapstoreProxyScheme: fc.option(fc.constantFrom('http' as const, 'https' as const), { nil: undefined }),
  snapstoreProxyDomain: fc.option(fc.stringMatching(pattern(M.snapstoreProxyDomain)).filter((s) => s.length <= (M.snapstoreProxyDomain.maxLength ?? 0)), { nil: undefined }),
  snapstoreProxyId: fc.option(fc.stringMatching(pattern(M.snapstoreProxyId)).filter((s) => s.length <= (M.snapstoreProxyId.maxLength ?? 0)), { nil: undefined }),
  addons: fc.option(fc.array(fc.stringMatching(pattern(M.addons.items)).filter((s) => s.length <= (M.addons.items.maxLength ?? 0)), { maxLength: 4 }), { nil: undefined }),
  controlPlaneEndpoint: fc.option(fc.stringMatching(pattern(S.network.properties.controlPlaneEndpoint)).filter((s) => s.length <= (S.network.properties.controlPlaneEndpoint.maxLength ?? 0)), { nil: undefined }),
  ipInIp: fc.option(fc.boolean(), { nil: undefined }),
  disableDefaultCNI: fc.option(fc.boolean(), { nil: undefined }),
  riskLevel: fc.option(fc.constantFrom('stable' as const, 'candidate' as const, 'beta' as const, 'edge' as const), { nil: undefined }),
  confinement: fc.option(fc.constantFrom('classic' as const, 'strict' as const), { nil: undefined }),
};

type Allowed = { [K in keyof typeof allowed]: (typeof allowed)[K] extends fc.Arbitrary<infer T> ? T : never };

function specFrom(v: Allowed): ClusterSpec {
  const spec = baseSpec();
  const m: Record<string, unknown> = {};
  for (const k of ['httpProxy', 'httpsProxy', 'noProxy', 'snapstoreProxyScheme', 'snapstoreProxyDomain', 'snapstoreProxyId', 'addons', 'ipInIp', 'disableDefaultCNI', 'riskLevel', 'confinement'] as const) {
    if (v[k] !== undefined) m[k] = v[k];
  }
  spec.microk8s = m as NonNullable<ClusterSpec['microk8s']>;
  spec.ntp = { servers: v.ntp };
  if (v.controlPlaneEndpoint !== undefined) spec.network = { controlPlaneEndpoint: v.controlPlaneEndpoint };
  return spec;
}

async function renderInit(spec: ClusterSpec): Promise<{ cp: KubeObject; endpoint: string }> {
  const r = await renderCluster(spec, { noHardening: true });
  const cp = r.objects.find((o) => o.kind === 'MicroK8sControlPlane');
  if (cp === undefined) throw new Error('no MicroK8sControlPlane rendered');
  return { cp, endpoint: endpointOf(r.objects) };
}

describe('microk8s-openstack: init control-plane runcmd executed in a sandbox', () => {
  it('quotes like Go strconv.Quote', () => {
    // Arrange
    const cases: [string, string][] = [
      ['a b', '"a b"'],
      ['"\\', '"\\"\\\\"'],
      ['\n\t\x01\x7f', '"\\n\\t\\x01\\x7f"'],
      ['é\u00a0\u{1F600}\u{E0001}', '"é\\u00a0😀\\U000e0001"'],
    ];
    // Act
    const quoted = cases.map(([s]) => goQuote(s));
    // Assert
    expect(quoted).toEqual(cases.map(([, q]) => q));
  });

  it.skipIf(BWRAP === null)('delivers every allowed value verbatim as one argument and creates no file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record(allowed), async (v) => {
        // Arrange
        const spec = specFrom(v);
        fc.pre(checkClusterSpec(spec).length === 0);
        const { cp, endpoint } = await renderInit(spec);
        const lines = initRunCommands(cp, endpoint);
        // Act
        const result = runInSandbox(lines);
        // Assert
        expect(problems(lines, result)).toEqual([]);
      }),
    );
  });

  it.skipIf(BWRAP === null)('detects $(touch ...) smuggled past the schema', async () => {
    // Arrange: a valid render, then a dangerous proxy written straight into the object.
    const { cp, endpoint } = await renderInit(withField(baseSpec(), 'httpProxy', 'http://proxy.example.com:3128'));
    const c = rec(rec(rec(cp['spec'])['controlPlaneConfig'])['initConfiguration']);
    c['httpProxy'] = 'http://proxy.example.com:3128/$(touch /pwned)';
    const lines = initRunCommands(cp, endpoint);
    // Act
    const found = problems(lines, runInSandbox(lines));
    // Assert
    expect(found.join('\n')).toMatch(/pwned/);
    expect(found.some((p) => p.startsWith('calls differ'))).toBe(true);
  });
});
