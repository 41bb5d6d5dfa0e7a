// CAPD: DevCluster / DevMachineTemplate (infrastructure.cluster.x-k8s.io/v1beta2, backend.docker)
// -> DockerCluster / DockerMachineTemplate v1beta1, the kinds CAPD serves for the v1beta1
// contract (CAPI <= v1.10). Mapping derived from the vendored schemas:
//   spec.backend.docker.*                        -> spec.* (DevCluster: loadBalancer; DevMachineTemplate:
//                                                   bootstrapTimeout, customImage, extraMounts, preLoadImages)
//   DevCluster backend.docker.failureDomains [{name, controlPlane, attributes}]
//                                                -> failureDomains {name: {controlPlane, attributes}}
//   spec.backend.inMemory                        -> throws (no Docker* equivalent)
// References to the renamed kinds ({apiGroup, kind: Dev*, name} in CAPI objects) are renamed too.
import type { KubeObject } from '../emit/to-yaml.ts';
import { child, isRecord, NoEquivalentError, obj, type Conv } from './_fields.ts';

const GROUP = 'infrastructure.cluster.x-k8s.io';
const RENAMES: Readonly<Record<string, string>> = { DevCluster: 'DockerCluster', DevMachineTemplate: 'DockerMachineTemplate' };

/** True when this module converts the object (a v1beta2 DevCluster or DevMachineTemplate). */
export function isCapdV1beta2(o: KubeObject): boolean {
  return o.apiVersion === `${GROUP}/v1beta2` && Object.hasOwn(RENAMES, o.kind);
}

const failureDomains: Conv = (v, at) => {
  if (!Array.isArray(v)) throw new NoEquivalentError(at, 'expected a list of failure domains');
  const out: Record<string, unknown> = {};
  v.forEach((fd, i) => {
    const p = child(at, i);
    if (!isRecord(fd) || typeof fd['name'] !== 'string') throw new NoEquivalentError(p, 'expected {name, controlPlane?, attributes?}');
    const { name, ...rest } = fd;
    out[name] = obj({ controlPlane: true, attributes: true })(rest, p);
  });
  return out;
};

const metadata = obj({ name: true, namespace: true, labels: true, annotations: true });
const dockerOnly = (docker: Conv): Conv => obj({ docker: { write: (v, at, out) => Object.assign(out, docker(v, at)) } });

const clusterSpec = obj({
  controlPlaneEndpoint: true,
  backend: { write: (v, at, out) => Object.assign(out, dockerOnly(obj({ loadBalancer: true, failureDomains }))(v, at)) },
});

const machineSpec = obj({
  providerID: true,
  backend: { write: (v, at, out) => Object.assign(out, dockerOnly(obj({ bootstrapTimeout: true, customImage: true, extraMounts: true, preLoadImages: true }))(v, at)) },
});

/** Converts one DevCluster or DevMachineTemplate to its v1beta1 Docker* kind. */
export function convertCapdV1beta1(o: KubeObject): KubeObject {
  const spec: Conv = o.kind === 'DevCluster' ? clusterSpec : obj({ template: obj({ metadata: obj({ labels: true, annotations: true }), spec: machineSpec }) });
  const out = obj({ apiVersion: () => `${GROUP}/v1beta1`, kind: () => RENAMES[o.kind], metadata, spec })(o, '') as KubeObject;
  return out;
}

/** Renames references to Dev* kinds (in objects still in v1beta2 shape) to the Docker* kinds. */
export function renameCapdRefs(o: KubeObject): KubeObject {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isRecord(v)) return v;
    if (v['apiGroup'] === GROUP && typeof v['kind'] === 'string' && Object.hasOwn(RENAMES, v['kind'])) {
      return { ...v, kind: RENAMES[v['kind']] };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(o) as KubeObject;
}

