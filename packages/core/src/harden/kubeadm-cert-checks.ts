// Certificate checks on every kubeadm node (issue 5, items 6 and 7; seeds 001 and 004). Every
// cloud-config KubeadmConfigSpec gets:
//   files                /capi-gen/kubeadm-certs.sh (0700), the systemd service and timer and the
//                        options file /etc/capi-gen/certs.env (0644), all root:root; PKI_DIR is
//                        the spec's clusterConfiguration.certificatesDir when it sets one
//   preKubeadmCommands   `/capi-gen/kubeadm-certs.sh pre || exit 1`: bounded wait for time sync
//                        (a warning on timeout: CAPD containers have no NTP), the CA files CAPI
//                        wrote are valid now and each key matches its certificate
//   postKubeadmCommands  `/capi-gen/kubeadm-certs.sh post || exit 1`: the API server certificate
//                        chains to the CA and is valid now (control planes), the kubelet client
//                        certificate (every node); then it enables the daily timer
// on these kinds, v1beta1 and v1beta2 (the KubeadmConfigSpec fields are the same in both):
//   KubeadmControlPlane          spec.kubeadmConfigSpec          (every control-plane machine)
//   KubeadmControlPlaneTemplate  spec.template.spec.kubeadmConfigSpec
//   KubeadmConfigTemplate        spec.template.spec              (workers)
//   KubeadmConfig                spec                            (one machine)
//
// Ours come after every command of the user, an earlier copy of ours is moved there rather than
// duplicated, files with our paths are replaced where they stand. Left alone, with a note:
// `format: ignition` configs (the scripts are written for cloud-init's runcmd and have not been
// run under Ignition's kubeadm.service), a format that is not a known value (a placeholder), a
// certificatesDir that is not a plain absolute path (a placeholder: the checks would look in the
// wrong folder and `|| exit 1` would stop the bootstrap), and lists that are not lists. Objects
// missing what encloses the KubeadmConfigSpec (a template without spec) are left alone too.
import type { KubeObject } from '../emit/to-yaml.ts';
import { isRecord, valueAt } from '../util/record.ts';
import { loadCertCheckFiles, objectLabel, withCertChecks, type CertCheckFiles, type CertChecksPlacement } from './_node-files.ts';
import { CERTS_ENV_PATH_PATTERN, KUBEADM_CERTS_ENV_KEYS } from './certificate-options.ts';
import { KUBEADM_CERTS_SCRIPT_PATH, KUBEADM_POST_COMMAND, KUBEADM_PRE_COMMAND } from './node-certs-contract.ts';
import type { HardenContext, Transform } from './registry.ts';

/** The template files the kubeadm nodes get (templates/scripts/). */
export const KUBEADM_CERT_CHECKS_FILES = {
  script: 'kubeadm-certs.sh',
  service: 'capi-gen-certs-kubeadm.service',
  timer: 'capi-gen-certs.timer',
} as const;

/** Why Ignition configs are left alone (printed by `capi-gen harden`, in docs/hardening.md). */
export const IGNITION_NOTE =
  'the certificate checks were not added: capi-gen\'s node scripts are written for cloud-init (runcmd, write_files) and have not been run under Ignition';

/** Keys from the object root to the KubeadmConfigSpec of each kubeadm kind capi-gen hardens. */
export function kubeadmConfigSpecKeys(obj: unknown): readonly string[] | undefined {
  if (!isRecord(obj) || typeof obj['apiVersion'] !== 'string') return undefined;
  const [group, version] = obj['apiVersion'].split('/');
  if (version !== 'v1beta1' && version !== 'v1beta2') return undefined;
  const kind = obj['kind'];
  if (group === 'controlplane.cluster.x-k8s.io') {
    if (kind === 'KubeadmControlPlane') return ['spec', 'kubeadmConfigSpec'];
    if (kind === 'KubeadmControlPlaneTemplate') return ['spec', 'template', 'spec', 'kubeadmConfigSpec'];
  }
  if (group === 'bootstrap.cluster.x-k8s.io') {
    if (kind === 'KubeadmConfigTemplate') return ['spec', 'template', 'spec'];
    if (kind === 'KubeadmConfig') return ['spec'];
  }
  return undefined;
}

const PLACEMENT: CertChecksPlacement = {
  filesKey: 'files',
  scriptPath: KUBEADM_CERTS_SCRIPT_PATH,
  envKeys: KUBEADM_CERTS_ENV_KEYS,
  commands: [
    ['preKubeadmCommands', KUBEADM_PRE_COMMAND, 'pre'],
    ['postKubeadmCommands', KUBEADM_POST_COMMAND, 'post'],
  ],
};

function harden(o: KubeObject, keys: readonly string[], loaded: CertCheckFiles, context: HardenContext, note: (m: string) => void): KubeObject {
  const pointer = `/${keys.join('/')}`;
  // why: only a well-formed object is hardened: everything above the KubeadmConfigSpec must exist
  // (the other kubeadm transforms keep the same rule, so the list of transforms stays idempotent:
  // a KubeadmControlPlaneTemplate written without a spec is left as it is, by all of them).
  for (let i = 1; i < keys.length; i++) if (!isRecord(valueAt(o, keys.slice(0, i)))) return o;
  const before = valueAt(o, keys);
  if (before !== undefined && before !== null && !isRecord(before)) return o;
  const spec = isRecord(before) ? before : {};
  const format = spec['format'];
  if (format === 'ignition') {
    note(`${objectLabel(o)}: ${pointer}/format is ignition; ${IGNITION_NOTE}`);
    return o;
  }
  if (format !== undefined && format !== null && format !== 'cloud-config') {
    note(`${objectLabel(o)}: ${pointer}/format is ${JSON.stringify(format)}, not cloud-config; the certificate checks were not added to this object`);
    return o;
  }
  const certificatesDir = valueAt(spec, ['clusterConfiguration', 'certificatesDir']);
  if (certificatesDir !== undefined && certificatesDir !== null && (typeof certificatesDir !== 'string' || !CERTS_ENV_PATH_PATTERN.test(certificatesDir))) {
    note(
      `${objectLabel(o)}: ${pointer}/clusterConfiguration/certificatesDir is ${JSON.stringify(certificatesDir)}, not a plain absolute path; the certificate checks were not added to this object (they would look for the CA in the wrong folder)`,
    );
    return o;
  }
  return withCertChecks(o, keys, PLACEMENT, loaded, context, typeof certificatesDir === 'string' ? { PKI_DIR: certificatesDir } : {}, note);
}

/** Adds the kubeadm certificate checks (script, units, options file, pre and post commands). */
export const kubeadmCertChecks: Transform = {
  id: 'kubeadm-cert-checks',
  apply(objects, context) {
    // why: hardening.certificates.enabled: false turns every certificate step off.
    if (context.hardening?.certificates?.enabled === false || !objects.some((o) => kubeadmConfigSpecKeys(o) !== undefined)) return [...objects];
    const note = context.note ?? ((): void => {});
    const loaded = loadCertCheckFiles(context, KUBEADM_CERT_CHECKS_FILES);
    return objects.map((o) => {
      const keys = kubeadmConfigSpecKeys(o);
      return keys === undefined ? o : harden(o, keys, loaded, context, note);
    });
  },
};
