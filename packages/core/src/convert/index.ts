// Every difference between API versions lives here. Templates are written in the newest shape
// (CAPI v1beta2, CAPO v1beta2, Dev* kinds); these converters produce the older shapes at the edge.
import type { Contract } from '../flavors/flavor.ts';
import type { KubeObject } from '../emit/to-yaml.ts';

/** Which API versions the output must use. */
export interface TargetContracts {
  /** CAPI core, kubeadm bootstrap/control plane, and CAPD kinds. */
  readonly capi: Contract;
  /** CAPO kinds. */
  readonly infrastructure: Contract;
}

/** Converts rendered objects (newest shapes) to the target contracts. Pure; returns new objects. */
export function convertObjects(objects: readonly KubeObject[], target: TargetContracts): KubeObject[] {
  if (target.capi === 'v1beta2' && target.infrastructure === 'v1beta2') return objects.map((o) => structuredClone(o));
  throw new Error(`conversion to ${target.capi}/${target.infrastructure} is not implemented yet`);
}
