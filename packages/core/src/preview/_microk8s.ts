// What the MicroK8s bootstrap provider writes into a machine's user-data, rebuilt from reading its
// controllers/cloudinit/*.go and controllers/microk8sconfig_controller.go at MICROK8S_BOOTSTRAP_COMMIT
// (facts only, no code taken). Summary of those facts (also ../shared/notes/capi-facts.md section c):
// - write_files: its 15 embedded scripts in embed.go's allScripts order (/capi-scripts/<name>,
//   0700 root:root); on the init node /var/tmp/ca.key and /var/tmp/ca.crt (0600); on control planes
//   /capi/etc/token (0600); the user's extraWriteFiles; /var/tmp/extra-kubelet-args (0400) when set.
// - runcmd: `set -x`, preRunCommands, the provider's steps with values formatted with Go's %q / %v,
//   postRunCommands. bootcmd: bootCommands.
// - the cloud-config is gopkg.in/yaml.v2 of struct{write_files, runcmd, bootcmd} after the
//   `## template: jinja` + `#cloud-config` header (cloud-config-template).
import {
  emitCloudConfig,
  goQuote,
  isCapiGenCommand,
  isCapiGenPath,
  microk8sSource,
  placeholderPem,
  PLACEHOLDERS,
  providerScriptPlaceholder,
  rec,
  str,
  strings,
  type BootstrapInput,
  type BuiltUserData,
  type MachineRole,
  type SourceCitation,
  type UserDataStep,
} from './_common.ts';

/**
 * The provider's scripts in the order it writes them (embed.go allScripts) to /capi-scripts/ on
 * every node (0700 root:root), with their size in bytes and lines at the commit
 * (controllers/cloudinit/scripts/; render/user-data-size.ts counts them too).
 */
export const MICROK8S_PROVIDER_SCRIPTS: readonly (readonly [name: string, bytes: number, lines: number])[] = [
  ['00-configure-snapstore-proxy.sh', 910, 36],
  ['00-configure-snapstore-http-proxy.sh', 257, 15],
  ['00-disable-host-services.sh', 190, 12],
  ['00-install-microk8s.sh', 630, 25],
  ['10-configure-cert-for-lb.sh', 621, 26],
  ['10-configure-apiserver.sh', 1506, 49],
  ['10-configure-calico-ipip.sh', 1057, 37],
  ['10-configure-cluster-agent-port.sh', 218, 11],
  ['10-configure-containerd-proxy.sh', 788, 34],
  ['10-configure-dqlite-port.sh', 347, 14],
  ['30-configure-traefik.sh', 1056, 33],
  ['10-configure-kubelet.sh', 530, 26],
  ['20-microk8s-enable.sh', 377, 17],
  ['20-microk8s-join.sh', 1729, 67],
  ['50-wait-apiserver.sh', 218, 13],
];

export type MicroK8sRole = MachineRole;

/** The MicroK8sConfigSpec of the machine (spec) and what the controller adds from other objects. */
export interface MicroK8sInput extends BootstrapInput {
  /** Cluster spec.controlPlaneEndpoint.host, when set. */
  readonly endpointHost: string | undefined;
}

const FILE_OF_ROLE: Readonly<Record<MicroK8sRole, string>> = {
  init: 'controllers/cloudinit/controlplane_init.go',
  join: 'controllers/cloudinit/controlplane_join.go',
  worker: 'controllers/cloudinit/worker_join.go',
};
const CONTROLLER = 'controllers/microk8sconfig_controller.go';

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
}

/** Builds the user-data of one MicroK8s machine. */
export function buildMicroK8sUserData(input: MicroK8sInput): BuiltUserData {
  const notes: string[] = [];
  const roleFile = microk8sSource(FILE_OF_ROLE[input.role]);
  const base = microk8sSource('controllers/cloudinit/cloudinit.go');
  const init = rec(input.spec['initConfiguration']);
  const cluster = rec(input.spec['clusterConfiguration']);
  const initPtr = `${input.specPointer}/initConfiguration`;

  // --- values, as the controller derives them -----------------------------------------------
  // CRD defaults (applied by the API server when initConfiguration / clusterConfiguration exist):
  // riskLevel "stable", joinTokenTTLInSecs 315569260, portCompatibilityRemap true; the controller
  // remaps the ports also when clusterConfiguration is absent, and defaults the proxy scheme to "http".
  const remap = cluster === undefined || cluster['portCompatibilityRemap'] !== false;
  const agentPort = remap ? '30000' : '25000';
  const dqlitePort = remap ? '2379' : '19001';
  const ttl = typeof init?.['joinTokenTTLInSecs'] === 'number' ? String(init['joinTokenTTLInSecs']) : '315569260';
  const riskLevel = str(init?.['riskLevel']) ?? (init === undefined ? '' : 'stable');
  const confinement = str(init?.['confinement']) ?? '';
  const version = /^v?(\d+)\.(\d+)\.(\d+)/.exec(input.version ?? '');
  let majorMinor: string;
  let minor: number | undefined;
  if (version === null) {
    majorMinor = PLACEHOLDERS.majorMinor;
    notes.push(
      `spec.version is ${JSON.stringify(input.version ?? '')}, not a semantic version yet (a clusterctl placeholder?): the snap channel is shown as ${PLACEHOLDERS.majorMinor}`,
    );
  } else {
    majorMinor = `${version[1]}.${version[2]}`;
    minor = Number(version[2]);
  }
  const channel = confinement === 'strict' ? `${majorMinor}-strict` : majorMinor;
  const installArgs = confinement === 'strict' ? `--channel ${channel}${riskLevel === '' ? '' : `/${riskLevel}`}` : `--channel ${channel}${riskLevel === '' ? '' : `/${riskLevel}`} --classic`;
  const endpoint = input.endpointHost ?? PLACEHOLDERS.controlPlaneEndpoint;
  if (input.endpointHost === undefined) {
    notes.push(`Cluster spec.controlPlaneEndpoint.host is not set in the input (the infrastructure provider fills it): shown as ${PLACEHOLDERS.controlPlaneEndpoint}`);
  }
  const endpointType = isIp(endpoint) ? 'IP' : 'DNS';
  const s = (k: string): string => str(init?.[k]) ?? '';
  const scheme = s('snapstoreProxyScheme') === '' ? 'http' : s('snapstoreProxyScheme');
  const bool = (k: string): string => (init?.[k] === true ? 'true' : 'false');
  const q = goQuote;
  const script = (name: string): string => `/capi-scripts/${name}`;

  // --- write_files ---------------------------------------------------------------------------
  const steps: UserDataStep[] = [];
  const files: Record<string, unknown>[] = [];
  const addFile = (step: Omit<UserDataStep, 'section' | 'text'> & { path: string; content: string; permissions: string; owner: string }): void => {
    const { path, ...rest } = step;
    files.push({ content: step.content, path, permissions: step.permissions, owner: step.owner });
    steps.push({ section: 'write_files', text: path, ...rest });
  };
  for (const [name, bytes] of MICROK8S_PROVIDER_SCRIPTS) {
    const src: SourceCitation = microk8sSource(`controllers/cloudinit/scripts/${name}`);
    addFile({ path: script(name), content: providerScriptPlaceholder(src, bytes), permissions: '0700', owner: 'root:root', origin: 'provider', name, source: microk8sSource('controllers/cloudinit/embed.go') });
  }
  if (input.role === 'init') {
    notes.push('/var/tmp/ca.key and /var/tmp/ca.crt hold placeholders: the controller writes the cluster CA from Secret <cluster>-ca (keys crt, key)');
    addFile({ path: '/var/tmp/ca.key', content: placeholderPem('RSA PRIVATE KEY', 'the cluster CA key (Secret <cluster>-ca, key "key")'), permissions: '0600', owner: 'root:root', origin: 'provider', name: 'ca.key', source: roleFile });
    addFile({ path: '/var/tmp/ca.crt', content: placeholderPem('CERTIFICATE', 'the cluster CA certificate (Secret <cluster>-ca, key "crt")'), permissions: '0600', owner: 'root:root', origin: 'provider', name: 'ca.crt', source: roleFile });
  }
  if (input.role !== 'worker') {
    addFile({ path: '/capi/etc/token', content: PLACEHOLDERS.authToken, permissions: '0600', owner: 'root:root', origin: 'provider', name: 'token', source: roleFile });
  }
  const extra = Array.isArray(init?.['extraWriteFiles']) ? (init['extraWriteFiles'] as unknown[]) : [];
  extra.forEach((f, i) => {
    const file = rec(f) ?? {};
    const path = str(file['path']) ?? '';
    addFile({
      path,
      content: str(file['content']) ?? '',
      permissions: str(file['permissions']) ?? '',
      owner: str(file['owner']) ?? '',
      origin: isCapiGenPath(path) ? 'capi-gen' : 'user',
      slot: 'files',
      from: `${initPtr}/extraWriteFiles/${i}`,
      source: roleFile,
    });
  });
  const kubeletArgs = strings(init?.['extraKubeletArgs']);
  if (kubeletArgs.length > 0) {
    addFile({ path: '/var/tmp/extra-kubelet-args', content: kubeletArgs.join('\n'), permissions: '0400', owner: 'root:root', origin: 'provider', name: 'extra-kubelet-args', from: `${initPtr}/extraKubeletArgs`, source: roleFile });
  }

  // --- bootcmd -------------------------------------------------------------------------------
  const bootcmd: string[] = [];
  strings(init?.['bootCommands']).forEach((c, i) => {
    bootcmd.push(c);
    steps.push({ section: 'bootcmd', text: c, origin: isCapiGenCommand(c) ? 'capi-gen' : 'user', slot: 'boot', from: `${initPtr}/bootCommands/${i}`, source: roleFile });
  });
  if (bootcmd.length === 0) {
    notes.push('bootCommands is empty: the provider still writes `bootcmd: []` (yaml.v2 marshals its nil list so), which cloud-init runs as nothing but its schema check rejects ("[] is too short"); the preview leaves the key out');
  }

  // --- runcmd --------------------------------------------------------------------------------
  const runcmd: string[] = [];
  const provider = (text: string, name: string, source: SourceCitation = roleFile): void => {
    runcmd.push(text);
    steps.push({ section: 'runcmd', text, origin: 'provider', name, source });
  };
  const userList = (key: 'preRunCommands' | 'postRunCommands', slot: 'pre' | 'post'): void => {
    strings(init?.[key]).forEach((c, i) => {
      runcmd.push(c);
      steps.push({ section: 'runcmd', text: c, origin: isCapiGenCommand(c) ? 'capi-gen' : 'user', slot, from: `${initPtr}/${key}/${i}`, source: roleFile });
    });
  };
  const named = (name: string, ...args: string[]): void => provider([script(name), ...args].join(' '), name);

  provider('set -x', 'set -x', base);
  userList('preRunCommands', 'pre');
  named('00-configure-snapstore-http-proxy.sh', q(s('snapstoreHTTPProxy')), q(s('snapstoreHTTPSProxy')));
  named('00-configure-snapstore-proxy.sh', q(scheme), q(s('snapstoreProxyDomain')), q(s('snapstoreProxyId')));
  named('00-disable-host-services.sh');
  named('00-install-microk8s.sh', q(installArgs), input.role === 'worker' ? 'false' : bool('disableDefaultCNI'));
  named('10-configure-containerd-proxy.sh', q(s('httpProxy')), q(s('httpsProxy')), q(s('noProxy')));
  named('10-configure-kubelet.sh');
  named('50-wait-apiserver.sh');
  const joinUrl = q(`${PLACEHOLDERS.controlPlaneNodeIp}:${agentPort}/${PLACEHOLDERS.joinToken}`);
  const addons = strings(init?.['addons']);
  if (input.role === 'init') {
    provider('microk8s refresh-certs /var/tmp', 'microk8s refresh-certs /var/tmp');
    named('10-configure-calico-ipip.sh', bool('IPinIP'));
    named('10-configure-cluster-agent-port.sh', q(agentPort));
    named('10-configure-dqlite-port.sh', q(dqlitePort));
    named('10-configure-cert-for-lb.sh', q(endpointType), q(endpoint));
    named('10-configure-apiserver.sh');
    // why: the init node always enables dns; an addon whose name contains "dns" counts as it.
    const initAddons = addons.some((a) => a.includes('dns')) ? addons : [...addons, 'dns'];
    named('20-microk8s-enable.sh', ...initAddons.map(q));
    provider(`microk8s add-node --token-ttl ${ttl} --token ${q(PLACEHOLDERS.joinToken)}`, 'microk8s add-node');
  } else if (input.role === 'join') {
    named('10-configure-calico-ipip.sh', bool('IPinIP'));
    named('10-configure-cluster-agent-port.sh', q(agentPort));
    named('10-configure-dqlite-port.sh', q(dqlitePort));
    named('50-wait-apiserver.sh');
    named('10-configure-cert-for-lb.sh', q(endpointType), q(endpoint));
    named('20-microk8s-join.sh', 'no', joinUrl);
    named('10-configure-apiserver.sh');
    provider(`microk8s add-node --token-ttl ${ttl} --token ${q(PLACEHOLDERS.joinToken)}`, 'microk8s add-node');
    // why: only on main after v0.6.11 (canonical/cluster-api-bootstrap-provider-microk8s#123), and only with addons.
    if (addons.length > 0) named('20-microk8s-enable.sh', ...addons.map(q));
  } else {
    named('10-configure-cluster-agent-port.sh', q(agentPort));
    named('20-microk8s-join.sh', 'yes', joinUrl);
    // why: the provider passes the endpoint unquoted (%s) here; "yes" stops the API server proxy refreshes from 1.25 on.
    if (minor === undefined) notes.push('30-configure-traefik.sh gets "yes" from Kubernetes 1.25 on and "no" before; the version is unknown, "yes" is shown');
    named('30-configure-traefik.sh', endpoint, '6443', minor === undefined || minor > 24 ? 'yes' : 'no');
  }
  userList('postRunCommands', 'post');

  notes.push(
    `join token, cluster-agent auth token and control-plane node addresses are placeholders (${PLACEHOLDERS.joinToken}, ${PLACEHOLDERS.controlPlaneNodeIp}); the controller fills them from Secret <cluster>-jointoken, the auth-token Secret and the Machines' addresses (${CONTROLLER})`,
  );
  const doc: Record<string, unknown> = { write_files: files, runcmd };
  if (bootcmd.length > 0) doc['bootcmd'] = bootcmd;
  return { userData: emitCloudConfig(doc), steps, notes };
}
