// CA verification on the MicroK8s init node (issue 5, item 3; seed 000). The provider runs
// `microk8s refresh-certs /var/tmp` right before /capi-scripts/10-configure-calico-ipip.sh and
// offers no hook in between, and that refresh can fail and leave the node with its own CA. Its
// /capi-scripts are written before runcmd starts, so a preRunCommand wraps the ipip script in place
// (templates/scripts/microk8s-wrap-calico-ipip.sh; the provider's code is renamed, never copied):
// the wrapper runs templates/scripts/microk8s-verify-ca.sh first, which compares the certificates,
// retries refresh-certs with bounded backoff and, after the last try, fails loudly, writes a marker
// file and stops MicroK8s. Join nodes have no /var/tmp/ca.crt: the check is a no-op there.
import type { KubeObject } from '../emit/to-yaml.ts';
import { loadNodeScript, type ScriptDirs } from '../scripts/load-script.ts';
import { appendLastOf, forceObjectAt, upsertFiles } from './_node-files.ts';
import type { Transform } from './registry.ts';

/** Where the CA check lands on the node. */
export const MICROK8S_VERIFY_CA_SCRIPT_PATH = '/capi-gen/microk8s-verify-ca.sh';
/** Where the wrapper installer lands on the node; also its preRunCommands line. */
export const MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH = '/capi-gen/microk8s-wrap-calico-ipip.sh';
const FILES = [
  [MICROK8S_VERIFY_CA_SCRIPT_PATH, 'microk8s-verify-ca.sh'],
  [MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH, 'microk8s-wrap-calico-ipip.sh'],
] as const;
const API_VERSION = 'controlplane.cluster.x-k8s.io/v1beta1';
/** A script from `<templatesDir>/scripts/`, or from the built-in templates when that folder lacks it. */
export function loadMicroK8sCaVerificationScript(dirs: string | ScriptDirs, file: (typeof FILES)[number][1]): string {
  return loadNodeScript(dirs, file);
}

function harden(o: KubeObject, contents: readonly string[]): KubeObject {
  const out = structuredClone(o) as KubeObject;
  const init = forceObjectAt(out, ['spec', 'controlPlaneConfig', 'initConfiguration']);
  const files = Array.isArray(init['extraWriteFiles']) ? (init['extraWriteFiles'] as unknown[]) : [];
  init['extraWriteFiles'] = upsertFiles(
    files,
    FILES.map(([path], i) => ({ path, permissions: '0700', owner: 'root:root', content: contents[i]! })),
    { merge: true },
  );

  // Ours goes after the user's pre commands (they may prepare the node), once.
  const pre = Array.isArray(init['preRunCommands']) ? (init['preRunCommands'] as unknown[]) : [];
  init['preRunCommands'] = appendLastOf(pre, MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH, (c) => c === MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH);
  return out;
}

/** Adds the CA check, its wrapper installer and the preRunCommand to every MicroK8sControlPlane (v1beta1). */
export const microk8sCaVerification: Transform = {
  id: 'microk8s-ca-verification',
  apply(objects, context) {
    const isTarget = (o: KubeObject): boolean => o.kind === 'MicroK8sControlPlane' && o.apiVersion === API_VERSION;
    // why: hardening.certificates.enabled: false turns every certificate step off.
    if (context.hardening?.certificates?.enabled === false || !objects.some(isTarget)) return [...objects];
    const contents = FILES.map(([, file]) => loadMicroK8sCaVerificationScript(context, file));
    return objects.map((o) => (isTarget(o) ? harden(o, contents) : o));
  },
};
