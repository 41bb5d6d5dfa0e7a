// Certificate checks on every MicroK8s node (issue 5, items 4, 5 and 7; seeds 000 and 002).
// Every MicroK8s bootstrap config gets, in its initConfiguration:
//   extraWriteFiles  /capi-gen/microk8s-certs.sh (0700), the systemd service and timer and the
//                    options file /etc/capi-gen/certs.env (0644), all root:root
//   preRunCommands   `/capi-gen/microk8s-certs.sh first-boot`: a bounded wait for time sync before
//                    the provider's 00-install-microk8s.sh, so the snap mints its certificates
//                    with a synced clock; it also enables the units (boot-check every boot, daily)
//   postRunCommands  `/capi-gen/microk8s-certs.sh verify-node || exit 1`: after init or join, the
//                    node's CA is the cluster CA and server.crt chains to it and is valid now
//                    (control planes), workers check what they have; fails visibly
// on these kinds (all v1beta1, the only version the MicroK8s providers serve):
//   MicroK8sControlPlane   spec.controlPlaneConfig.initConfiguration (copied verbatim into every
//                          control-plane machine's MicroK8sConfig: init and join)
//   MicroK8sConfigTemplate spec.template.spec.initConfiguration (workers)
//   MicroK8sConfig         spec.initConfiguration (a single machine's config)
//
// Order: ours come after every command of the user (their pre commands may set up NTP, as the
// flavor's timesyncd restart does; their post commands are part of what the verification covers).
// first-boot is the last preRunCommand, after microk8s-ca-verification's wrapper installer (the
// registry runs that transform first): the wait then ends right before the provider's snap
// install, and the installer, which needs no clock, is not delayed by it. verify-node is the last
// postRunCommand, after the leader-election script (which restarts kubelite): it is the final
// gate of the bootstrap. An earlier copy of our command is moved there, not duplicated.
import type { KubeObject } from '../emit/to-yaml.ts';
import { isRecord, valueAt } from '../util/record.ts';
import { loadCertCheckFiles, withCertChecks, type CertCheckFiles, type CertChecksPlacement } from './_node-files.ts';
import { MICROK8S_CERTS_ENV_KEYS } from './certificate-options.ts';
import { MICROK8S_CERTS_SCRIPT_PATH, MICROK8S_FIRST_BOOT_COMMAND, MICROK8S_VERIFY_NODE_COMMAND } from './node-certs-contract.ts';
import type { HardenContext, Transform } from './registry.ts';

/** The template files the MicroK8s nodes get (templates/scripts/). */
export const MICROK8S_CERT_GUARD_FILES = {
  script: 'microk8s-certs.sh',
  service: 'capi-gen-certs-microk8s.service',
  timer: 'capi-gen-certs.timer',
} as const;

/** Keys from the object root to the initConfiguration of each MicroK8s kind capi-gen hardens. */
export function microk8sInitConfigurationKeys(obj: unknown): readonly string[] | undefined {
  if (!isRecord(obj)) return undefined;
  const { apiVersion, kind } = obj;
  if (apiVersion === 'controlplane.cluster.x-k8s.io/v1beta1' && kind === 'MicroK8sControlPlane') return ['spec', 'controlPlaneConfig', 'initConfiguration'];
  if (apiVersion === 'bootstrap.cluster.x-k8s.io/v1beta1' && kind === 'MicroK8sConfigTemplate') return ['spec', 'template', 'spec', 'initConfiguration'];
  if (apiVersion === 'bootstrap.cluster.x-k8s.io/v1beta1' && kind === 'MicroK8sConfig') return ['spec', 'initConfiguration'];
  return undefined;
}

const PLACEMENT: CertChecksPlacement = {
  filesKey: 'extraWriteFiles',
  scriptPath: MICROK8S_CERTS_SCRIPT_PATH,
  envKeys: MICROK8S_CERTS_ENV_KEYS,
  commands: [
    ['preRunCommands', MICROK8S_FIRST_BOOT_COMMAND, 'first-boot'],
    ['postRunCommands', MICROK8S_VERIFY_NODE_COMMAND, 'verify-node'],
  ],
};

function harden(o: KubeObject, keys: readonly string[], loaded: CertCheckFiles, context: HardenContext, note: (m: string) => void): KubeObject {
  const before = valueAt(o, keys);
  if (before !== undefined && before !== null && !isRecord(before)) return o;
  return withCertChecks(o, keys, PLACEMENT, loaded, context, {}, note);
}

/** Adds the MicroK8s certificate checks (script, units, options file, first-boot and verify-node commands). */
export const microk8sCertGuard: Transform = {
  id: 'microk8s-cert-guard',
  apply(objects, context) {
    const certificates = context.hardening?.certificates;
    // why: hardening.certificates.enabled: false turns every certificate step off.
    if (certificates?.enabled === false || !objects.some((o) => microk8sInitConfigurationKeys(o) !== undefined)) return [...objects];
    const note = context.note ?? ((): void => {});
    if (certificates?.renewOnNode === true) {
      note('renewOnNode applies to kubeadm nodes only; MicroK8s nodes always refresh certificates near expiry with `microk8s refresh-certs --cert <name>`');
    }
    const loaded = loadCertCheckFiles(context, MICROK8S_CERT_GUARD_FILES);
    return objects.map((o) => {
      const keys = microk8sInitConfigurationKeys(o);
      return keys === undefined ? o : harden(o, keys, loaded, context, note);
    });
  },
};
