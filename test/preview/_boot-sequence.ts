// The boot-sequence tables of docs/boot-sequence.md, generated from the preview of the examples:
// each table sits between `<!-- boot-sequence:<example>/<machine> begin -->` and `... end -->`.
// docs.test.ts regenerates them and compares; CAPI_GEN_UPDATE_DOCS=1 writes them.
import {
  CERTS_ENV_PATH,
  CERTS_SERVICE_PATH,
  CERTS_TIMER_PATH,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_POST_COMMAND,
  KUBEADM_PRE_COMMAND,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
  MICROK8S_VERIFY_NODE_COMMAND,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import type { UserDataPreview, UserDataStep } from '../../packages/core/src/index.ts';

/** What capi-gen's injected steps do, by exact command / path, or by prefix for the leader-election line. */
const CAPI_GEN_WHAT: readonly (readonly [(s: UserDataStep) => boolean, string])[] = [
  [(s) => s.text === '/capi-gen/microk8s-wrap-calico-ipip.sh' && s.section === 'runcmd', 'wraps the provider\'s `10-configure-calico-ipip.sh` in place, so that the CA check runs right after `microk8s refresh-certs /var/tmp` (seed 000); no-op check on nodes without `/var/tmp/ca.crt`'],
  [(s) => s.text === MICROK8S_FIRST_BOOT_COMMAND, 'bounded wait for time sync before the snap is installed (warning on timeout, never fails), so MicroK8s mints its certificates with a synced clock; enables the capi-gen-certs units (seed 002)'],
  [(s) => s.text === MICROK8S_VERIFY_NODE_COMMAND, 'after init/join: the CA is the cluster CA, `server.crt` chains to it and is valid now (workers: what they have); on failure a loud log line, a marker file, MicroK8s stopped (`microk8s stop`; workers `snap stop --disable microk8s`), and `exit 1` stops runcmd'],
  [(s) => s.text.startsWith('/capi-gen/microk8s-leader-election.sh '), 'sets the leader-election flags in the snap\'s kube-controller-manager and kube-scheduler args files, restarts kubelite once when something changed'],
  [(s) => s.text === KUBEADM_PRE_COMMAND, 'bounded wait for time sync (skipped in a container such as CAPD\'s, where the host keeps the clock; a warning on timeout), then the CA files CAPI wrote are valid now and each key matches its certificate; `exit 1` stops runcmd before `kubeadm`'],
  [(s) => s.text === KUBEADM_POST_COMMAND, 'the API server certificate chains to the CA and is valid now (control planes), kubelet\'s client certificate; enables the daily timer; `exit 1` on failure'],
  [(s) => s.text === '/capi-gen/microk8s-verify-ca.sh', 'the CA check run by the wrapper: compares `/var/snap/microk8s/current/certs/ca.crt` with `/var/tmp/ca.crt`, retries `microk8s refresh-certs /var/tmp` with backoff, fails loudly'],
  [(s) => s.text === '/capi-gen/microk8s-wrap-calico-ipip.sh' && s.section === 'write_files', 'the wrapper installer run by preRunCommands'],
  [(s) => s.text === MICROK8S_CERTS_SCRIPT_PATH, 'the MicroK8s certificate script (modes first-boot, boot-check, verify-node)'],
  [(s) => s.text === KUBEADM_CERTS_SCRIPT_PATH, 'the kubeadm certificate script (modes pre, post, daily)'],
  [(s) => s.text === '/capi-gen/microk8s-leader-election.sh', 'the leader-election script'],
  [(s) => s.text === CERTS_SERVICE_PATH, 'oneshot service: certificate checks every boot and daily (MicroK8s: refresh of server/front-proxy certificates minted ahead or expiring; kubeadm: days left, opt-in renewal), Prometheus textfile metrics'],
  [(s) => s.text === CERTS_TIMER_PATH, 'daily timer for the service'],
  [(s) => s.text === CERTS_ENV_PATH, 'options of the scripts (KEY=VALUE, parsed, never sourced)'],
];

/** Short notes on provider steps worth a word; the rest say what they are by name. */
const PROVIDER_WHAT: Readonly<Record<string, string>> = {
  'set -x': 'trace every command into the cloud-init log',
  'ca.key': 'cluster CA key from Secret `<cluster>-ca` (a placeholder in the preview)',
  'ca.crt': 'cluster CA certificate from Secret `<cluster>-ca` (a placeholder in the preview)',
  token: 'cluster-agent auth token',
  'extra-kubelet-args': 'the spec\'s extraKubeletArgs, read by 10-configure-kubelet.sh',
  '10-configure-kubelet.sh': 'applies /var/tmp/extra-kubelet-args',
  '10-configure-calico-ipip.sh': 'Calico IPinIP on or off; on control planes capi-gen has wrapped it: the CA check runs first',
  'kubeadm.yaml': 'ClusterConfiguration + InitConfiguration (rendered by capi-gen in the preview)',
  'kubeadm-join-config.yaml': 'JoinConfiguration (rendered by capi-gen in the preview; token and CA hash are placeholders)',
  placeholder: 'creates /run/cluster-api, where the success sentinel goes',
  '00-install-microk8s.sh': 'installs the snap from the channel of spec.version (the snap mints its certificates now)',
  '50-wait-apiserver.sh': 'waits for the API server',
  'microk8s refresh-certs /var/tmp': 'installs the CAPI-held CA from `/var/tmp/ca.{crt,key}` and regenerates the server certificate',
  '10-configure-cert-for-lb.sh': 'adds the endpoint to the server certificate\'s SANs',
  '10-configure-apiserver.sh': 'moves the API server to 6443',
  '20-microk8s-enable.sh': 'enables the addons',
  '20-microk8s-join.sh': 'joins the cluster (`no`: as a control plane, `yes`: as a worker)',
  'microk8s add-node': 'registers the join token for the next nodes',
  'kubeadm init': '`&&` writes the success sentinel only when kubeadm succeeds',
  'kubeadm join': '`&&` writes the success sentinel only when kubeadm succeeds',
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  const t = cell(s.length > 110 ? `${s.slice(0, 107)}...` : s);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function what(s: UserDataStep): string {
  if (s.origin === 'capi-gen') return CAPI_GEN_WHAT.find(([m, d]) => d !== '' && m(s))?.[1] ?? 'capi-gen node file';
  if (s.origin === 'user') return `from the spec (${s.slot === 'files' ? 'files' : s.slot === 'boot' ? 'bootCommands' : s.slot === 'pre' ? 'pre commands' : 'post commands'})`;
  return PROVIDER_WHAT[s.name ?? ''] ?? '';
}

function short(file: string, commit: string): string {
  return `${file.slice(file.lastIndexOf('/') + 1)}@${commit.slice(0, 8)}`;
}

/** The table of one machine: bootcmd, write_files, runcmd (cloud-init's order), capi-gen's steps in bold. */
export function bootSequenceTable(p: UserDataPreview): string {
  const rows: string[] = ['| # | section | step | by | what it does | source |', '|---|---|---|---|---|---|'];
  let n = 0;
  const order = ['bootcmd', 'write_files', 'runcmd'] as const;
  for (const section of order) {
    const steps = p.steps.filter((s) => s.section === section);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      // The provider's 15 scripts are one row: the preview writes placeholders for them.
      if (section === 'write_files' && s.origin === 'provider' && s.text.startsWith('/capi-scripts/')) {
        let j = i;
        while (j + 1 < steps.length && steps[j + 1]!.origin === 'provider' && steps[j + 1]!.text.startsWith('/capi-scripts/')) j++;
        rows.push(`| ${++n} | write_files | \`/capi-scripts/*.sh\` (${j - i + 1} scripts, 0700) | provider | the provider's embedded scripts, run by runcmd below | ${short(s.source.file, s.source.commit)} |`);
        i = j;
        continue;
      }
      const by = s.origin === 'capi-gen' ? '**capi-gen**' : s.origin;
      const text = s.origin === 'capi-gen' ? `**${code(s.text)}**` : code(s.text);
      rows.push(`| ${++n} | ${section} | ${text} | ${by} | ${cell(what(s))} | ${short(s.source.file, s.source.commit)} |`);
    }
  }
  return rows.join('\n');
}

/** The marker pairs the doc must have: example/machine[/pool] ids. */
export const DOC_TABLES: readonly string[] = [
  'microk8s-openstack/init',
  'microk8s-openstack/join',
  'microk8s-openstack/worker/mk8s-prod-general',
  'kubeadm-openstack/init',
  'kubeadm-openstack/join',
  'kubeadm-openstack/worker/prod-general',
];

const MARKER = /<!-- boot-sequence:(\S+) begin -->\n([\s\S]*?)<!-- boot-sequence:\1 end -->/g;

/** The doc with every table between markers replaced by `table(id)`. */
export function updateDoc(doc: string, table: (id: string) => string): string {
  return doc.replace(MARKER, (_m, id: string) => `<!-- boot-sequence:${id} begin -->\n${table(id)}\n<!-- boot-sequence:${id} end -->`);
}

/** The ids of the tables in the doc, in order. */
export function docTableIds(doc: string): string[] {
  return [...doc.matchAll(MARKER)].map((m) => m[1]!);
}
