// Hardening transforms over CAPI objects, run by render (and later by `capi-gen harden` on
// manifests users already have). Each is pure and idempotent. The certificate and
// leader-election transforms register here when they land (issues 5 and 6).
import type { ClusterSpec } from '../model/cluster-spec.ts';
import type { KubeObject } from '../emit/to-yaml.ts';

/** What a transform may read besides the objects. */
export interface HardenContext {
  /** The spec's hardening options, when rendering from a spec. */
  readonly hardening: ClusterSpec['hardening'] | undefined;
}

/** One hardening transform. */
export interface Transform {
  readonly id: string;
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[];
}

/** The transforms render runs, in order. */
export const TRANSFORMS: readonly Transform[] = [];
