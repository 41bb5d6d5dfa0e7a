// Every difference between API versions lives here. Templates are written in the newest shape
// (CAPI v1beta2, CAPO v1beta2, Dev* kinds); these converters produce the older shapes at the edge,
// one module per direction:
//   capd-v1beta1.ts  DevCluster/DevMachineTemplate v1beta2 -> DockerCluster/DockerMachineTemplate v1beta1
//   capo-v1beta1.ts  CAPO v1beta2 -> v1beta1
//   capi-v1beta1.ts  CAPI core + kubeadm v1beta2 -> v1beta1 (refs get the referenced object's apiVersion,
//                    so it runs last, after the infrastructure objects have their final versions)
// Objects whose apiVersion is not v1beta2 (e.g. the MicroK8s kinds, which only exist in v1beta1)
// and objects of kinds no converter knows are left alone.
import type { Contract } from '../flavors/flavor.ts';
import type { KubeObject } from '../emit/to-yaml.ts';
import { NoEquivalentError } from './_fields.ts';
import { convertCapdV1beta1, isCapdV1beta2, renameCapdRefs } from './capd-v1beta1.ts';
import { convertCapiV1beta1, isCapiV1beta2 } from './capi-v1beta1.ts';
import { convertCapoV1beta1, isCapoV1beta2 } from './capo-v1beta1.ts';

/** Which API versions the output must use. */
export interface TargetContracts {
  /** CAPI core, kubeadm bootstrap/control plane, and CAPD kinds. */
  readonly capi: Contract;
  /** CAPO kinds. */
  readonly infrastructure: Contract;
}

function label(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

function step(objects: readonly KubeObject[], applies: (o: KubeObject) => boolean, convert: (o: KubeObject) => KubeObject, target: string): KubeObject[] {
  return objects.map((o) => {
    if (!applies(o)) return o;
    try {
      return convert(o);
    } catch (e) {
      if (e instanceof NoEquivalentError) {
        throw new Error(`cannot convert ${label(o)} (${o.apiVersion}) to ${target}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  });
}

/**
 * Converts rendered objects (newest shapes) to the target contracts. Pure; returns new objects.
 * Throws an Error naming the object and the JSON pointer of any field the target cannot express.
 */
export function convertObjects(objects: readonly KubeObject[], target: TargetContracts): KubeObject[] {
  let out = objects.map((o) => structuredClone(o));
  if (target.infrastructure === 'v1beta1') out = step(out, isCapoV1beta2, convertCapoV1beta1, 'CAPO v1beta1');
  if (target.capi === 'v1beta1') {
    // CAPD is released with CAPI, so its kinds follow the CAPI contract.
    out = step(out, isCapdV1beta2, convertCapdV1beta1, 'CAPD v1beta1 (Docker* kinds)');
    out = out.map(renameCapdRefs);
    const snapshot = out;
    out = step(out, isCapiV1beta2, convertCapiV1beta1(snapshot), 'CAPI v1beta1');
  }
  return out;
}
