// Hardening transforms over CAPI objects, run by render (and later by `capi-gen harden` on
// manifests users already have). Each is pure and idempotent. The certificate and
// leader-election transforms register here when they land (issues 5 and 6).
import type { ClusterSpec } from '../model/cluster-spec.ts';
import type { KubeObject } from '../emit/to-yaml.ts';
import { certificateRotationKubeadm } from './certificate-rotation-kubeadm.ts';
import { leaderElectionKubeadm } from './leader-election-kubeadm.ts';
import { leaderElectionMicroK8s } from './leader-election-microk8s.ts';
import { microk8sCaVerification } from './microk8s-ca-verification.ts';

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
}

/** One hardening transform. */
export interface Transform {
  readonly id: string;
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[];
}

/** The transforms render runs, in order. */
export const TRANSFORMS: readonly Transform[] = [
  certificateRotationKubeadm,
  leaderElectionKubeadm,
  leaderElectionMicroK8s,
  microk8sCaVerification,
];
