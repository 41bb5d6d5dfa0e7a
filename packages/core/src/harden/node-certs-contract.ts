// The contract between the certificate node scripts (templates/scripts/{microk8s,kubeadm}-certs.sh,
// templates/scripts/capi-gen-certs*.{service,timer}) and the code that wires them into bootstrap objects (the
// microk8s-cert-guard and kubeadm-cert-checks transforms), the cloud-init preview and lint
// (issue 5 items 4-7, issue 7 hardening rules). Both sides import these names; a change here is a
// change of what is on the node, so the sandbox tests and goldens follow.

/** Folder of capi-gen's node scripts (root-owned, 0700 scripts). */
export const NODE_SCRIPT_DIR = '/capi-gen';

/** MicroK8s: one script, several modes (see MICROK8S_CERTS_MODES). */
export const MICROK8S_CERTS_SCRIPT_PATH = '/capi-gen/microk8s-certs.sh';
/** kubeadm: one script, several modes (see KUBEADM_CERTS_MODES). */
export const KUBEADM_CERTS_SCRIPT_PATH = '/capi-gen/kubeadm-certs.sh';

/**
 * Modes of microk8s-certs.sh:
 * - `first-boot`: preRunCommand on every MicroK8s node, before the provider installs the snap:
 *   bounded wait for time sync (warning on timeout, never fails), then enables the units.
 * - `boot-check`: the systemd service, every boot and daily: bounded wait for time sync, then
 *   server.crt and front-proxy-client.crt: notBefore > now + tolerance or notAfter within the
 *   warning days -> `microk8s refresh-certs --cert <name>`; writes the textfile metrics.
 * - `verify-node`: postRunCommand on every MicroK8s node after join/init: CA is the cluster CA,
 *   server.crt chains to it and is valid now (control planes); workers what they have.
 *   Fails loudly (log line, marker file, `microk8s stop`, exit 1).
 */
export const MICROK8S_CERTS_MODES = ['first-boot', 'boot-check', 'verify-node'] as const;

/**
 * Modes of kubeadm-certs.sh:
 * - `pre`: preKubeadmCommand: bounded wait for time sync (warning on timeout: CAPD has no NTP),
 *   the CA files CAPI wrote are valid now and each key matches its certificate (exit 1 if not).
 * - `post`: postKubeadmCommand: the API server certificate chains to the CA and is valid now
 *   (control planes), kubelet's client certificate (every node); then enables the daily timer.
 * - `daily`: the systemd service: every certificate under the PKI dir and every kubeconfig's
 *   client certificate (following its own paths), days left logged, textfile metrics written,
 *   opt-in renewal (`kubeadm certs renew all` + static pod restart) when RENEW=1.
 */
export const KUBEADM_CERTS_MODES = ['pre', 'post', 'daily'] as const;

/** The runcmd lines. `|| exit 1` stops cloud-init's runcmd script (it has no `set -e`). */
export const MICROK8S_FIRST_BOOT_COMMAND = '/capi-gen/microk8s-certs.sh first-boot';
export const MICROK8S_VERIFY_NODE_COMMAND = '/capi-gen/microk8s-certs.sh verify-node || exit 1';
export const KUBEADM_PRE_COMMAND = '/capi-gen/kubeadm-certs.sh pre || exit 1';
export const KUBEADM_POST_COMMAND = '/capi-gen/kubeadm-certs.sh post || exit 1';

/** systemd units (same names on both distributions; the service content differs). */
export const CERTS_SERVICE_NAME = 'capi-gen-certs.service';
export const CERTS_TIMER_NAME = 'capi-gen-certs.timer';
export const CERTS_SERVICE_PATH = '/etc/systemd/system/capi-gen-certs.service';
export const CERTS_TIMER_PATH = '/etc/systemd/system/capi-gen-certs.timer';

/**
 * Options file, KEY=VALUE lines, read by the scripts with a parser that accepts only these keys
 * and validates each value (never sourced). Written by the transforms from the hardening options.
 */
export const CERTS_ENV_PATH = '/etc/capi-gen/certs.env';
export const CERTS_ENV_KEYS = {
  /** Seconds to wait for time synchronisation (bounded; a warning when it runs out). */
  TIME_SYNC_TIMEOUT: 180,
  /** Seconds a certificate's notBefore may lie in the future before it counts as minted ahead. */
  SKEW_TOLERANCE: 300,
  /** Days before notAfter at which a certificate is refreshed (MicroK8s) or warned about / renewed (kubeadm). */
  EXPIRY_WARN_DAYS: 30,
  /** kubeadm only: 1 = renew on the node (`kubeadm certs renew all`, restart static pods). */
  RENEW: 0,
  /** Prometheus node-exporter textfile-collector folder. */
  TEXTFILE_DIR: '/var/lib/node_exporter/textfile_collector',
  /** kubeadm only: clusterConfiguration.certificatesDir. */
  PKI_DIR: '/etc/kubernetes/pki',
} as const;
export type CertsEnvKey = keyof typeof CERTS_ENV_KEYS;

/** Where the scripts record state (markers of visible failures). */
export const STATE_DIR = '/var/lib/capi-gen';
/** Textfile-collector file name. */
export const TEXTFILE_NAME = 'capi_gen_certificates.prom';
