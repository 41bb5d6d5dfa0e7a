// Estimates the bootstrap user-data each machine role will get, as the bootstrap provider builds
// it, and compares it with what the infrastructure accepts. Only OpenStack has a hard limit that
// capi-gen output can reach: CAPO hands the bootstrap secret to Nova (gophercloud base64-encodes
// it), and Nova rejects a server create whose base64 user_data exceeds 65535 bytes. The machine
// then never boots, long after `kubectl apply` succeeded, so render refuses such output up front.
//
// The estimate is deliberately a little generous (PEM sizes of RSA-2048 material, YAML overhead
// per line and entry); content resolved by controllers at run time (`contentFrom`) is unknown and
// counted as zero, which the message says.
import type { KubeObject } from '../emit/to-yaml.ts';
import type { Issue } from '../errors.ts';
import type { Flavor } from '../flavors/flavor.ts';
import { rec, strings } from '../preview/_common.ts';
import { MICROK8S_PROVIDER_SCRIPTS } from '../preview/_microk8s.ts';

/**
 * Nova server create/rebuild `user_data`: "must be base64 encoded and is restricted to 65535 bytes"
 * https://docs.openstack.org/nova/latest/user/user-data.html (also the compute API reference,
 * https://docs.openstack.org/api-ref/compute/#create-server, parameter user_data).
 */
export const NOVA_USER_DATA_MAX_BYTES = 65535;

/**
 * The 15 scripts the MicroK8s bootstrap provider embeds and writes to /capi-scripts/ on every
 * node (0700 root:root), whatever the role: [bytes, lines] of each file in
 * canonical/cluster-api-bootstrap-provider-microk8s controllers/cloudinit/scripts/ at commit
 * 71682d3c (main, 2025-07-31); see NewBaseCloudConfig in controllers/cloudinit/cloudinit.go.
 * Keyed by name from the preview's table (preview/_microk8s.ts), the one copy of these numbers.
 */
export const MICROK8S_CAPI_SCRIPTS: Readonly<Record<string, readonly [bytes: number, lines: number]>> = Object.fromEntries(
  MICROK8S_PROVIDER_SCRIPTS.map(([name, bytes, lines]) => [name, [bytes, lines] as const]),
);

/** PEM of an RSA-2048 CA certificate (about 1.1 KB; rounded up). */
const RSA2048_CERT_PEM_BYTES = 1200;
/** PEM of an RSA-2048 PKCS#1 private key (1675-1679 bytes). */
const RSA2048_KEY_PEM_BYTES = 1679;
/** PEM of the service-account public key (sa.pub, PKIX RSA-2048). */
const RSA2048_PUB_PEM_BYTES = 451;
/** Lines of a 64-column PEM body of that size, plus header and footer. */
const pemLines = (bytes: number): number => Math.ceil(bytes / 65);

/** The Jinja and cloud-config headers both providers start with. */
const CLOUD_CONFIG_HEADER = '## template: jinja\n#cloud-config\n';
/** kubeadm's generated InitConfiguration + ClusterConfiguration (without user args), rounded up. */
const KUBEADM_INIT_CONFIG_BASE_BYTES = 1500;
/** kubeadm's generated JoinConfiguration (discovery token, CA hash), rounded up. */
const KUBEADM_JOIN_CONFIG_BASE_BYTES = 800;
/** MicroK8s: join token (32 letters) and cluster-agent port in each join URL, quoted. */
const MICROK8S_JOIN_URL_BYTES = '"255.255.255.255:30000/"'.length + 32 + 1;
/** MicroK8s: CAPI auth token in /capi/etc/token (base64 of 16 random bytes). */
const MICROK8S_AUTH_TOKEN_BYTES = 24;

/** Size of `n` bytes once base64-encoded (padding included), as Nova receives it. */
export function base64Size(n: number): number {
  return 4 * Math.ceil(n / 3);
}

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function lines(s: string): number {
  return s === '' ? 1 : s.split('\n').length;
}

/** One write_files entry: keys, values and the content indented `indent` spaces per line. */
function fileEntry(path: string, content: number, contentLines: number, indent: number, extra = 0): number {
  return 60 + utf8(path) + extra + content + contentLines * (indent + 1);
}

/** One command list item: `- "<Go %q of cmd>"` (JSON quoting is within a few bytes of %q). */
function command(cmd: string): number {
  return 6 + utf8(JSON.stringify(cmd));
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => rec(x) !== undefined) : [];
}

function record(v: unknown): Record<string, unknown> {
  return rec(v) ?? {};
}

/** One role's estimate and where the user's share of it sits. */
interface RoleEstimate {
  readonly role: string;
  /** Raw user-data bytes. */
  readonly raw: number;
  /** JSON pointer to the config the role is built from. */
  readonly path: string;
  /** Some file content comes from Secrets (contentFrom) and is not counted. */
  readonly uncounted?: boolean;
}

// ---------------------------------------------------------------------------------------------
// kubeadm (CABPK, bootstrap/kubeadm/internal/cloudinit): CA material, the user's files, the
// kubeadm config file, a placeholder file; runcmd = pre + kubeadm + post; then users and ntp.

function kubeadmRoles(spec: Record<string, unknown>, base: string, roles: readonly ('init' | 'join' | 'worker')[]): RoleEstimate[] {
  let user = utf8(CLOUD_CONFIG_HEADER);
  let unknownFromSecrets = false;
  for (const f of records(spec['files'])) {
    const content = typeof f['content'] === 'string' ? f['content'] : '';
    if (f['contentFrom'] !== undefined) unknownFromSecrets = true;
    user += fileEntry(String(f['path'] ?? ''), utf8(content), lines(content), 6, utf8(String(f['owner'] ?? '')) + utf8(String(f['permissions'] ?? '')));
  }
  for (const key of ['bootCommands', 'preKubeadmCommands', 'postKubeadmCommands']) for (const c of strings(spec[key])) user += command(c);
  for (const u of records(spec['users'])) user += 80 + utf8(JSON.stringify(u));
  user += utf8(JSON.stringify(spec['ntp'] ?? ''));
  user += 40 + 120; // `runcmd:` and the kubeadm command line with the success sentinel
  user += fileEntry('/run/cluster-api/placeholder', 36, 1, 6);

  // CA material: ca, etcd/ca, front-proxy-ca (cert + key each) and sa.pub + sa.key.
  const ca = 3 * fileEntry('/etc/kubernetes/pki/front-proxy-ca.crt', RSA2048_CERT_PEM_BYTES, pemLines(RSA2048_CERT_PEM_BYTES), 6) +
    3 * fileEntry('/etc/kubernetes/pki/front-proxy-ca.key', RSA2048_KEY_PEM_BYTES, pemLines(RSA2048_KEY_PEM_BYTES), 6) +
    fileEntry('/etc/kubernetes/pki/sa.pub', RSA2048_PUB_PEM_BYTES, pemLines(RSA2048_PUB_PEM_BYTES), 6) +
    fileEntry('/etc/kubernetes/pki/sa.key', RSA2048_KEY_PEM_BYTES, pemLines(RSA2048_KEY_PEM_BYTES), 6);
  const initConfig = KUBEADM_INIT_CONFIG_BASE_BYTES + utf8(JSON.stringify(spec['clusterConfiguration'] ?? {})) + utf8(JSON.stringify(spec['initConfiguration'] ?? {}));
  const joinConfig = KUBEADM_JOIN_CONFIG_BASE_BYTES + utf8(JSON.stringify(spec['joinConfiguration'] ?? {}));
  const perLine = (n: number): number => n + Math.ceil(n / 40) * 7; // indented block lines

  return roles.map((role) => {
    switch (role) {
      case 'init':
        return { role: 'control plane init', raw: user + ca + fileEntry('/run/kubeadm/kubeadm.yaml', perLine(initConfig), 0, 0), path: base, uncounted: unknownFromSecrets };
      case 'join':
        return { role: 'control plane join', raw: user + ca + fileEntry('/run/kubeadm/kubeadm-join-config.yaml', perLine(joinConfig), 0, 0), path: base, uncounted: unknownFromSecrets };
      case 'worker':
        return { role: 'worker', raw: user + fileEntry('/run/kubeadm/kubeadm-join-config.yaml', perLine(joinConfig), 0, 0), path: base, uncounted: unknownFromSecrets };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// MicroK8s (controllers/cloudinit/{controlplane_init,controlplane_join,worker_join}.go @ 71682d3c):
// the 15 scripts, CA (init only), auth token (control plane), extraWriteFiles, the kubelet args
// file; runcmd = `set -x`, pre, about 16 fixed script lines with the user's values, post.
// yaml.v2 writes file contents as literal blocks indented 4 spaces.

function microk8sRoles(init: Record<string, unknown>, base: string, roles: readonly ('init' | 'join' | 'worker')[], controlPlaneReplicas: number): RoleEstimate[] {
  let common = utf8(CLOUD_CONFIG_HEADER) + 'write_files:\nruncmd:\nbootcmd:\n'.length;
  for (const [name, [bytes, n]] of Object.entries(MICROK8S_CAPI_SCRIPTS)) common += fileEntry(`/capi-scripts/${name}`, bytes, n, 4);
  for (const f of records(init['extraWriteFiles'])) {
    const content = typeof f['content'] === 'string' ? f['content'] : '';
    common += fileEntry(String(f['path'] ?? ''), utf8(content), lines(content), 4, utf8(String(f['owner'] ?? '')) + utf8(String(f['permissions'] ?? '')));
  }
  const kubeletArgs = strings(init['extraKubeletArgs']);
  if (kubeletArgs.length > 0) {
    const content = kubeletArgs.join('\n');
    common += fileEntry('/var/tmp/extra-kubelet-args', utf8(content), lines(content), 4);
  }
  for (const key of ['bootCommands', 'preRunCommands', 'postRunCommands']) for (const c of strings(init[key])) common += command(c);
  // Fixed runcmd lines (script paths) plus the user's values they carry.
  common += 16 * 48;
  const values = ['httpProxy', 'httpsProxy', 'noProxy', 'snapstoreProxyScheme', 'snapstoreProxyDomain', 'snapstoreProxyId', 'snapstoreHTTPProxy', 'snapstoreHTTPSProxy'];
  for (const key of values) common += utf8(JSON.stringify(typeof init[key] === 'string' ? init[key] : ''));
  const addons = strings(init['addons']).reduce((n, a) => n + 1 + utf8(JSON.stringify(a)), 0);
  const joinUrls = Math.max(1, controlPlaneReplicas) * (MICROK8S_JOIN_URL_BYTES + 1);
  const token = fileEntry('/capi/etc/token', MICROK8S_AUTH_TOKEN_BYTES, 1, 4);
  const ca = fileEntry('/var/tmp/ca.key', RSA2048_KEY_PEM_BYTES, pemLines(RSA2048_KEY_PEM_BYTES), 4) + fileEntry('/var/tmp/ca.crt', RSA2048_CERT_PEM_BYTES, pemLines(RSA2048_CERT_PEM_BYTES), 4);
  const addNode = 80;

  return roles.map((role) => {
    switch (role) {
      case 'init':
        return { role: 'control plane init', raw: common + ca + token + addons + 8 + addNode, path: base };
      case 'join':
        return { role: 'control plane join', raw: common + token + addons + joinUrls + addNode, path: base };
      case 'worker':
        return { role: 'worker', raw: common + joinUrls + 80, path: base };
    }
  });
}

function estimates(o: KubeObject, flavor: Flavor, controlPlaneReplicas: number): RoleEstimate[] {
  const spec = record(o['spec']);
  if (flavor.bootstrap === 'kubeadm') {
    if (o.kind === 'KubeadmControlPlane') return kubeadmRoles(record(spec['kubeadmConfigSpec']), '/spec/kubeadmConfigSpec', ['init', 'join']);
    if (o.kind === 'KubeadmConfigTemplate') return kubeadmRoles(record(record(spec['template'])['spec']), '/spec/template/spec', ['worker']);
    return [];
  }
  if (o.kind === 'MicroK8sControlPlane') {
    const init = record(record(spec['controlPlaneConfig'])['initConfiguration']);
    return microk8sRoles(init, '/spec/controlPlaneConfig/initConfiguration', ['init', 'join'], controlPlaneReplicas);
  }
  if (o.kind === 'MicroK8sConfigTemplate') {
    const init = record(record(record(spec['template'])['spec'])['initConfiguration']);
    return microk8sRoles(init, '/spec/template/spec/initConfiguration', ['worker'], controlPlaneReplicas);
  }
  return [];
}

/** One machine role's estimated bootstrap user-data. */
export interface UserDataEstimate {
  /** `Kind/name` of the object the role is built from. */
  readonly object: string;
  /** `control plane init`, `control plane join` or `worker`. */
  readonly role: string;
  /** JSON pointer of the bootstrap config in that object. */
  readonly path: string;
  /** Raw user-data bytes. */
  readonly raw: number;
  /** Bytes once base64-encoded, as Nova counts them. */
  readonly encoded: number;
  /** Some file content comes from Secrets (contentFrom) and is not counted. */
  readonly uncounted: boolean;
}

/**
 * Estimates every machine role's bootstrap user-data of the objects, as the flavor's bootstrap
 * provider would build it (whatever the infrastructure; only OpenStack limits it).
 */
export function estimateUserData(objects: readonly KubeObject[], flavor: Flavor): UserDataEstimate[] {
  const cp = objects.find((o) => o.kind === 'MicroK8sControlPlane' || o.kind === 'KubeadmControlPlane');
  const replicas = Number(record(cp?.['spec'])['replicas'] ?? 1);
  return objects.flatMap((o) =>
    estimates(o, flavor, Number.isInteger(replicas) ? replicas : 1).map((e) => ({
      object: `${o.kind}/${o.metadata.name}`,
      role: e.role,
      path: e.path,
      raw: e.raw,
      encoded: base64Size(e.raw),
      uncounted: e.uncounted === true,
    })),
  );
}

/**
 * Estimates each machine role's bootstrap user-data (control plane init, control plane join,
 * each worker pool) as the flavor's bootstrap provider would build it, base64-encoded as Nova
 * receives it, and reports every role over {@link NOVA_USER_DATA_MAX_BYTES}. Non-OpenStack
 * flavors have no such limit and get no issues. Returns errors only.
 */
export function checkUserDataSize(objects: readonly KubeObject[], flavor: Flavor): Issue[] {
  if (flavor.infrastructure !== 'openstack') return [];
  const cp = objects.find((o) => o.kind === 'MicroK8sControlPlane' || o.kind === 'KubeadmControlPlane');
  const replicas = Number(record(cp?.['spec'])['replicas'] ?? 1);
  const issues: Issue[] = [];
  for (const o of objects) {
    for (const e of estimates(o, flavor, Number.isInteger(replicas) ? replicas : 1)) {
      const encoded = base64Size(e.raw);
      if (encoded <= NOVA_USER_DATA_MAX_BYTES) continue;
      // CABPK inlines contentFrom.secret content into write_files (resolveFiles), so a Secret
      // avoids the 10240-character CRD limit but not Nova's; compression or a download does.
      const fix =
        flavor.bootstrap === 'kubeadm'
          ? 'compress large files (files[].encoding: gzip+base64) or download them at boot in preKubeadmCommands; moving content to files[].contentFrom.secret does not help, the controller inlines it into user-data'
          : 'shrink extraWriteFiles, extraKubeletArgs and the run commands (MicroK8s already puts 15 scripts of about 10 KB into every node\'s user-data), or download large files at boot in preRunCommands';
      const partial = e.uncounted === true ? ' (not counting files[].contentFrom content)' : '';
      issues.push({
        code: 'USER_DATA_TOO_LARGE',
        severity: 'error',
        object: `${o.kind}/${o.metadata.name}`,
        path: e.path,
        message: `${e.role} user-data is about ${encoded} bytes base64-encoded (${e.raw} raw)${partial}; Nova accepts at most ${NOVA_USER_DATA_MAX_BYTES} bytes of base64 user_data and the server would fail to create; ${fix}`,
      });
    }
  }
  return issues;
}
