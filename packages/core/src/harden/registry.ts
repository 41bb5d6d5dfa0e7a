// Hardening transforms over CAPI objects, run by render and by `capi-gen harden` on manifests
// users already have. Each is pure and idempotent, and the whole list applied twice gives what
// it gives once (the order below matters where two transforms append to the same list).
import type { ClusterSpec } from '../model/cluster-spec.ts';
import type { KubeObject } from '../emit/to-yaml.ts';
import { certificateRotationKubeadm } from './certificate-rotation-kubeadm.ts';
import { leaderElectionKubeadm } from './leader-election-kubeadm.ts';
import { leaderElectionMicroK8s } from './leader-election-microk8s.ts';
import { kubeadmCertChecks } from './kubeadm-cert-checks.ts';
import { microk8sCaVerification } from './microk8s-ca-verification.ts';
import { microk8sCertGuard } from './microk8s-cert-guard.ts';

/** What a transform may read besides the objects. */
export interface HardenContext {
  /**
   * The hardening options: the spec's `hardening` section when rendering, or built from the
   * command-line options by `capi-gen harden`. A value that is set counts as explicit and wins
   * over a value already in the manifests; unset values fall back to defaults that only fill gaps.
   */
  readonly hardening: ClusterSpec['hardening'] | undefined;
  /** The @capi-gen/templates folder; node scripts are read from its scripts/ folder. */
  readonly templatesDir: string;
  /**
   * Where node scripts missing from `templatesDir/scripts/` are read (a `--templates` folder
   * without scripts/). @defaultValue the built-in templates (package resolution of @capi-gen/templates)
   */
  readonly builtinTemplatesDir?: string;
  /**
   * Receives what the user should know about objects a transform left alone on purpose (an
   * Ignition config, a list that is a placeholder); `capi-gen harden` prints them as warnings.
   */
  readonly note?: (message: string) => void;
}

/** One hardening transform. */
export interface Transform {
  readonly id: string;
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[];
}

/**
 * The transforms render runs, in order: sorted by id. That order also puts microk8s-cert-guard
 * after microk8s-ca-verification and leader-election-microk8s, so its first-boot command is the
 * last preRunCommand and verify-node the last postRunCommand (see microk8s-cert-guard.ts).
 */
export const TRANSFORMS: readonly Transform[] = [
  certificateRotationKubeadm,
  kubeadmCertChecks,
  leaderElectionKubeadm,
  leaderElectionMicroK8s,
  microk8sCaVerification,
  microk8sCertGuard,
];
