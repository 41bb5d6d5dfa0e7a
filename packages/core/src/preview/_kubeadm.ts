// What CAPI's kubeadm bootstrap provider (CABPK) writes into a machine's cloud-config user-data,
// rebuilt from reading bootstrap/kubeadm/pkg/cloudinit/*.go, util/secret/certificates.go and
// bootstrap/kubeadm/reconcilers/kubeadmconfig/kubeadmconfig_controller.go at CAPI_COMMIT (facts
// only, no code or prose taken). Summary (also ../shared/notes/capi-facts.md section c):
// - write_files: on init and control-plane join the CA material (ca, etcd/ca, front-proxy-ca, sa;
//   certificates 0640, keys 0600), then the user's files (contentFrom resolved, Template rendered),
//   then /run/kubeadm/kubeadm.yaml (init) or /run/kubeadm/kubeadm-join-config.yaml (join), then
//   /run/cluster-api/placeholder.
// - bootcmd = bootCommands; runcmd = preKubeadmCommands, the kubeadm command chained with the
//   success sentinel, postKubeadmCommands; then ntp, users, disk_setup, fs_setup, mounts.
// - commands are written with Go's %q (double-quoted YAML); the init line is single-quoted.
import { stringify } from 'yaml';
import {
  capiSource,
  emitCloudConfig,
  isCapiGenCommand,
  isCapiGenPath,
  placeholderPem,
  PLACEHOLDERS,
  rec,
  str,
  strings,
  type BootstrapInput,
  type BuiltUserData,
  type CommandStyle,
  type MachineRole,
  type SourceCitation,
  type UserDataStep,
} from './_common.ts';

export type KubeadmRole = MachineRole;

/** The KubeadmConfigSpec of the machine (spec) and what the controller adds from other objects. */
export interface KubeadmInput extends BootstrapInput {
  /** The control plane's version (the `.controlPlane.version` of Template files). */
  readonly controlPlaneVersion: string | undefined;
  readonly cluster: Record<string, unknown> | undefined;
  /** The input uses CAPD's Docker / Dev infrastructure kinds. */
  readonly capd?: boolean;
}

const TEMPLATE_OF_ROLE: Readonly<Record<KubeadmRole, string>> = {
  init: 'bootstrap/kubeadm/pkg/cloudinit/controlplane_init.go',
  join: 'bootstrap/kubeadm/pkg/cloudinit/controlplane_join.go',
  worker: 'bootstrap/kubeadm/pkg/cloudinit/node.go',
};
const CERTS = capiSource('util/secret/certificates.go');
const CONTROLLER = capiSource('bootstrap/kubeadm/reconcilers/kubeadmconfig/kubeadmconfig_controller.go');
const BASE = capiSource('bootstrap/kubeadm/pkg/cloudinit/cloudinit.go');
export const KUBEADM_SENTINEL = 'echo success > /run/cluster-api/bootstrap-success.complete';

/** kubeadm's config API for a Kubernetes version (v1beta4 from 1.31, v1beta3 from 1.22; pkg/types/utils.go). */
function kubeadmApiVersion(version: string | undefined, notes: string[]): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (m === null) {
    notes.push(`the Kubernetes version ${JSON.stringify(version ?? '')} is not a version yet: kubeadm.k8s.io/v1beta4 is assumed for /run/kubeadm/*.yaml`);
    return 'kubeadm.k8s.io/v1beta4';
  }
  return Number(m[1]) > 1 || Number(m[2]) >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}

/** extraArgs as the kubeadm API version wants them: [{name, value}] in v1beta4, {flag: value} before. */
function shapeArgs(v: unknown, list: boolean): unknown {
  if (Array.isArray(v)) {
    if (list) return v.map((x) => shapeArgs(x, list));
    const pairs = v.map(rec);
    if (pairs.every((p) => p !== undefined && typeof p['name'] === 'string')) return Object.fromEntries(pairs.map((p) => [p!['name'], p!['value'] ?? '']));
    return v.map((x) => shapeArgs(x, list));
  }
  const r = rec(v);
  if (r === undefined) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(r)) {
    if ((k === 'extraArgs' || k === 'kubeletExtraArgs') && list && rec(x) !== undefined) {
      out[k] = Object.entries(rec(x)!).map(([name, value]) => ({ name, value }));
    } else out[k] = shapeArgs(x, list);
  }
  return out;
}

function endpointOf(cluster: Record<string, unknown> | undefined): string | undefined {
  const ep = rec(rec(cluster?.['spec'])?.['controlPlaneEndpoint']);
  const host = str(ep?.['host']);
  if (host === undefined || host === '') return undefined;
  const port = ep?.['port'];
  return `${host}:${typeof port === 'number' || typeof port === 'string' ? String(port) : '6443'}`;
}

function kubeadmConfigText(input: KubeadmInput, notes: string[]): string {
  const apiVersion = kubeadmApiVersion(input.version, notes);
  const list = apiVersion.endsWith('v1beta4');
  const label = '# capi-gen preview: rendered by capi-gen from the spec and the Cluster, not by the controller (same fields, order may differ)';
  const doc = (o: Record<string, unknown>): string => stringify(shapeArgs(o, list), { version: '1.1', lineWidth: 0, blockQuote: 'literal', indentSeq: true, aliasDuplicateObjects: false });
  const clusterSpec = rec(input.cluster?.['spec']);
  const network = rec(clusterSpec?.['clusterNetwork']);
  const cidrs = (k: string): string | undefined => {
    const c = strings(rec(network?.[k])?.['cidrBlocks']);
    return c.length === 0 ? undefined : c.join(',');
  };
  const endpoint = endpointOf(input.cluster);
  const spec = input.spec;
  if (input.role === 'init') {
    const cc: Record<string, unknown> = { apiVersion, kind: 'ClusterConfiguration', ...(rec(spec['clusterConfiguration']) ?? {}) };
    cc['clusterName'] = str(rec(input.cluster?.['metadata'])?.['name']) ?? 'CLUSTER_NAME';
    if (cc['controlPlaneEndpoint'] === undefined) cc['controlPlaneEndpoint'] = endpoint ?? `${PLACEHOLDERS.controlPlaneEndpoint}:6443`;
    cc['kubernetesVersion'] = input.version ?? 'KUBERNETES_VERSION';
    const networking = { ...(rec(cc['networking']) ?? {}) };
    const dns = str(network?.['serviceDomain']);
    if (dns !== undefined) networking['dnsDomain'] = dns;
    if (cidrs('pods') !== undefined) networking['podSubnet'] = cidrs('pods');
    if (cidrs('services') !== undefined) networking['serviceSubnet'] = cidrs('services');
    if (Object.keys(networking).length > 0) cc['networking'] = networking;
    const ic: Record<string, unknown> = { apiVersion, kind: 'InitConfiguration', ...(rec(spec['initConfiguration']) ?? {}) };
    return `---\n${label}\n${doc(cc)}---\n${doc(ic)}`;
  }
  const jc: Record<string, unknown> = { apiVersion, kind: 'JoinConfiguration', ...(rec(spec['joinConfiguration']) ?? {}) };
  const discovery = { ...(rec(jc['discovery']) ?? {}) };
  if (discovery['file'] === undefined) {
    discovery['bootstrapToken'] = {
      apiServerEndpoint: endpoint ?? `${PLACEHOLDERS.controlPlaneEndpoint}:6443`,
      token: PLACEHOLDERS.kubeadmToken,
      caCertHashes: [PLACEHOLDERS.caCertHash],
      ...(rec(discovery['bootstrapToken']) ?? {}),
    };
  }
  jc['discovery'] = discovery;
  if (input.role === 'join' && jc['controlPlane'] === undefined) jc['controlPlane'] = {};
  // why: node.go writes a leading `---` in the worker's join config, controlplane_join.go does not.
  return `${input.role === 'worker' ? '---\n' : ''}${label}\n${doc(jc)}`;
}

/** The CA files CABPK writes on init and control-plane join, in AsFiles' order. */
function caFiles(spec: Record<string, unknown>, notes: string[]): { path: string; perm: string; pem: string; name: string }[] {
  const cc = rec(spec['clusterConfiguration']);
  const dir = (str(cc?.['certificatesDir']) ?? '/etc/kubernetes/pki').replace(/\/+$/, '');
  const external = rec(rec(cc?.['etcd'])?.['external']) !== undefined;
  const pair = (base: string, what: string, keyLabel: 'RSA PRIVATE KEY' | 'PUBLIC KEY' = 'RSA PRIVATE KEY', crtExt = 'crt', crtLabel: 'CERTIFICATE' | 'PUBLIC KEY' = 'CERTIFICATE') => [
    { path: `${dir}/${base}.${crtExt}`, perm: '0640', pem: placeholderPem(crtLabel, what), name: `${base}.${crtExt}` },
    { path: `${dir}/${base}.key`, perm: '0600', pem: placeholderPem(keyLabel, `${what} (key)`), name: `${base}.key` },
  ];
  const out = [...pair('ca', 'the cluster CA (Secret <cluster>-ca)')];
  if (external) notes.push('external etcd: the etcd CA and the apiserver-etcd-client pair come from the user\'s Secrets and are not shown');
  else out.push(...pair('etcd/ca', 'the etcd CA (Secret <cluster>-etcd)'));
  out.push(...pair('front-proxy-ca', 'the front-proxy CA (Secret <cluster>-proxy)'));
  out.push(...pair('sa', 'the service-account key pair (Secret <cluster>-sa)', 'RSA PRIVATE KEY', 'pub', 'PUBLIC KEY'));
  return out;
}

/** Builds the cloud-config user-data of one kubeadm machine. */
export function buildKubeadmUserData(input: KubeadmInput): BuiltUserData {
  const notes: string[] = [];
  const spec = input.spec;
  const ptr = input.specPointer;
  const template = capiSource(TEMPLATE_OF_ROLE[input.role]);
  const steps: UserDataStep[] = [];
  const files: Record<string, unknown>[] = [];
  const addFile = (f: { path: string; content: string; permissions?: string; owner?: string; encoding?: string; append?: boolean }, step: Omit<UserDataStep, 'section' | 'text' | 'content'>): void => {
    const entry: Record<string, unknown> = { path: f.path };
    if (f.encoding !== undefined && f.encoding !== '') entry['encoding'] = f.encoding;
    if (f.owner !== undefined && f.owner !== '') entry['owner'] = f.owner;
    if (f.permissions !== undefined && f.permissions !== '') entry['permissions'] = f.permissions;
    if (f.append === true) entry['append'] = true;
    entry['content'] = f.content;
    files.push(entry);
    steps.push({
      section: 'write_files',
      text: f.path,
      content: f.content,
      ...(f.permissions === undefined ? {} : { permissions: f.permissions }),
      ...(f.owner === undefined ? {} : { owner: f.owner }),
      ...step,
    });
  };

  if (input.role !== 'worker') {
    notes.push('the CA files hold placeholders: the controller writes the cluster\'s CA Secrets (<cluster>-ca, -etcd, -proxy, -sa; keys tls.crt, tls.key)');
    for (const f of caFiles(spec, notes)) addFile({ path: f.path, content: f.pem, permissions: f.perm, owner: 'root:root' }, { origin: 'provider', name: f.name, source: CERTS });
  }
  const userFiles = Array.isArray(spec['files']) ? (spec['files'] as unknown[]) : [];
  userFiles.forEach((raw, i) => {
    const f = rec(raw) ?? {};
    const path = str(f['path']) ?? '';
    let content = str(f['content']) ?? '';
    let encoding = str(f['encoding']);
    const secret = rec(rec(f['contentFrom'])?.['secret']);
    if (secret !== undefined) {
      content = `capi-gen preview placeholder: the controller writes the content of Secret ${str(secret['name']) ?? '?'} key ${str(secret['key']) ?? '?'} here\n`;
      encoding = undefined;
      notes.push(`${path}: content comes from Secret ${str(secret['name']) ?? '?'} (contentFrom), shown as a placeholder`);
    } else if (f['contentFormat'] === 'Template') {
      const v = input.controlPlaneVersion ?? 'CONTROL_PLANE_VERSION';
      const rendered = content.replace(/\{\{-?\s*\.controlPlane\.version\s*-?\}\}/g, v);
      if (/\{\{/.test(rendered)) notes.push(`${path}: contentFormat Template with more than {{ .controlPlane.version }}: the rest is shown unrendered`);
      content = rendered;
    }
    addFile(
      { path, content, ...(str(f['permissions']) === undefined ? {} : { permissions: str(f['permissions'])! }), ...(str(f['owner']) === undefined ? {} : { owner: str(f['owner'])! }), ...(encoding === undefined ? {} : { encoding }), ...(f['append'] === true ? { append: true } : {}) },
      { origin: isCapiGenPath(path) ? 'capi-gen' : 'user', slot: 'files', from: `${ptr}/files/${i}`, source: template },
    );
  });
  const configPath = input.role === 'init' ? '/run/kubeadm/kubeadm.yaml' : '/run/kubeadm/kubeadm-join-config.yaml';
  addFile({ path: configPath, content: kubeadmConfigText(input, notes), permissions: '0640', owner: 'root:root' }, { origin: 'provider', name: configPath.slice(configPath.lastIndexOf('/') + 1), source: template });
  addFile(
    { path: '/run/cluster-api/placeholder', content: 'capi-gen preview: the provider writes a one-line note here; the file exists to create /run/cluster-api\n', permissions: '0640', owner: 'root:root' },
    { origin: 'provider', name: 'placeholder', source: template },
  );

  const bootcmd = strings(spec['bootCommands']);
  bootcmd.forEach((c, i) => steps.push({ section: 'bootcmd', text: c, origin: isCapiGenCommand(c) ? 'capi-gen' : 'user', slot: 'boot', from: `${ptr}/bootCommands/${i}`, source: capiSource('bootstrap/kubeadm/pkg/cloudinit/boot_commands.go') }));

  const runcmd: string[] = [];
  const styles: CommandStyle[] = [];
  const user = (key: 'preKubeadmCommands' | 'postKubeadmCommands', slot: 'pre' | 'post'): void => {
    strings(spec[key]).forEach((c, i) => {
      runcmd.push(c);
      styles.push('double');
      steps.push({ section: 'runcmd', text: c, origin: isCapiGenCommand(c) ? 'capi-gen' : 'user', slot, from: `${ptr}/${key}/${i}`, source: capiSource('bootstrap/kubeadm/pkg/cloudinit/commands.go') });
    });
  };
  user('preKubeadmCommands', 'pre');
  const verbosity = typeof spec['verbosity'] === 'number' ? `--v ${String(spec['verbosity'])}` : '';
  // why: both templates put the verbosity flag (or nothing) between the config and `&&`, so an
  // unset verbosity leaves two spaces; the preview keeps that.
  const command =
    input.role === 'init' ? `kubeadm init --config /run/kubeadm/kubeadm.yaml ${verbosity} && ${KUBEADM_SENTINEL}` : `kubeadm join --config /run/kubeadm/kubeadm-join-config.yaml ${verbosity} && ${KUBEADM_SENTINEL}`;
  runcmd.push(command);
  styles.push(input.role === 'init' ? 'single' : 'plain');
  const source: SourceCitation = input.role === 'init' ? template : BASE;
  steps.push({ section: 'runcmd', text: command, origin: 'provider', name: input.role === 'init' ? 'kubeadm init' : 'kubeadm join', source });
  user('postKubeadmCommands', 'post');

  const doc: Record<string, unknown> = { write_files: files };
  if (bootcmd.length > 0) doc['bootcmd'] = bootcmd;
  doc['runcmd'] = runcmd;
  const ntp = rec(spec['ntp']);
  const servers = strings(ntp?.['servers']);
  if (ntp !== undefined && (servers.length > 0 || ntp['enabled'] === true)) {
    doc['ntp'] = { ...(ntp['enabled'] === true ? { enabled: true } : {}), servers };
  }
  const users = Array.isArray(spec['users']) ? (spec['users'] as unknown[]).map(rec).filter((u) => u !== undefined) : [];
  if (users.length > 0) {
    doc['users'] = users.map((u) => {
      const out: Record<string, unknown> = { name: u['name'] };
      const copy = (from: string, to: string): void => {
        if (u[from] !== undefined && u[from] !== '' && u[from] !== false) out[to] = u[from];
      };
      copy('passwd', 'passwd');
      if (rec(u['passwdFrom']) !== undefined) out['passwd'] = 'capi-gen-preview-placeholder-hash';
      copy('gecos', 'gecos');
      copy('groups', 'groups');
      copy('homeDir', 'homedir');
      copy('inactive', 'inactive');
      copy('lockPassword', 'lock_passwd');
      copy('shell', 'shell');
      copy('primaryGroup', 'primary_group');
      copy('sudo', 'sudo');
      const keys = strings(u['sshAuthorizedKeys']);
      if (keys.length > 0) out['ssh_authorized_keys'] = keys;
      return out;
    });
  }
  if (spec['useExperimentalRetryJoin'] === true && input.role !== 'init') {
    notes.push('useExperimentalRetryJoin (v1beta1 only) made CAPI up to v1.10 run kubeadm join through a retry script; the preview shows the plain join of the CAPI it was read from, where the field is gone');
  }
  const diskSetup = rec(spec['diskSetup']);
  if (diskSetup !== undefined) notes.push('diskSetup (disk_setup, fs_setup) is not shown by the preview');
  if (Array.isArray(spec['mounts']) && spec['mounts'].length > 0) doc['mounts'] = spec['mounts'];
  if (input.role !== 'init') notes.push(`bootstrap token and CA hash in the join configuration are placeholders; the controller creates them (${CONTROLLER.file})`);
  if (input.capd === true) notes.push('on CAPD (Docker infrastructure) the node runs only write_files and runcmd of this user-data (bootcmd, ntp and users are ignored), stops at the first failing command, and has no NTP');
  const userData = emitCloudConfig(doc, { runcmd: styles, bootcmd: bootcmd.map(() => 'double') });
  return { userData, steps, notes };
}
