// CAPI v1beta2 -> v1beta1 for the core and kubeadm kinds: Cluster, MachineDeployment,
// KubeadmControlPlane, KubeadmConfigTemplate, KubeadmConfig. Mapping derived path by path from
// the vendored schemas (packages/crds/gen/schemas/*/v1beta{1,2}/<Kind>.js):
//   refs {apiGroup, kind, name}           -> {apiVersion, kind, name, namespace}; the version is
//                                            the referenced object's, found among the rendered objects
//   extraArgs [{name, value}]             -> map {name: value} (apiServer, controllerManager,
//                                            scheduler, etcd.local, nodeRegistration.kubeletExtraArgs)
//   bootstrapTokens[].ttlSeconds          -> ttl (duration)
//   KCP machineTemplate.spec.*            -> machineTemplate.* (infrastructureRef, deletion.*Seconds
//                                            -> node*Timeout durations, readinessGates, taints)
//   KCP rollout.{after,before,strategy}   -> rolloutAfter, rolloutBefore, rolloutStrategy
//   KCP remediation.*Seconds              -> remediationStrategy.* durations
//   machineNaming                         -> machineNamingStrategy
//   MD rollout.after / rollout.strategy   -> rolloutAfter / strategy
//   MD deletion.order                     -> strategy.rollingUpdate.deletePolicy
//   MD remediation.maxInFlight            -> strategy.remediation.maxInFlight
//   MD template.spec.deletion.*Seconds    -> template.spec.node*Timeout durations
// Not mapped (throw): init/join `timeouts`, Cluster topology, MD template.spec.minReadySeconds.
import type { KubeObject } from '../emit/to-yaml.ts';
import { child, flatten, isRecord, list, NoEquivalentError, obj, secondsToDuration, type Conv, type Fields, type FieldRule } from './_fields.ts';

const V1BETA2 = /\/v1beta2$/;

/** The groups this module converts, with their kinds. */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  'cluster.x-k8s.io': ['Cluster', 'MachineDeployment'],
  'controlplane.cluster.x-k8s.io': ['KubeadmControlPlane'],
  'bootstrap.cluster.x-k8s.io': ['KubeadmConfigTemplate', 'KubeadmConfig'],
};

/** True when this module converts the object (a v1beta2 CAPI core or kubeadm kind). */
export function isCapiV1beta2(o: KubeObject): boolean {
  const [group, version] = o.apiVersion.split('/');
  return version === 'v1beta2' && group !== undefined && (KINDS[group]?.includes(o.kind) ?? false);
}

/** `[{name, value}]` -> `{name: value}`; v1beta2 already guarantees unique names. */
const argsToMap: Conv = (v, at) => {
  if (!Array.isArray(v)) throw new NoEquivalentError(at, 'expected a list of {name, value}');
  const out: Record<string, string> = {};
  v.forEach((a, i) => {
    if (!isRecord(a) || typeof a['name'] !== 'string' || typeof a['value'] !== 'string' || Object.keys(a).length !== 2) {
      throw new NoEquivalentError(child(at, i), 'expected {name, value} with string values');
    }
    if (Object.hasOwn(out, a['name'])) throw new NoEquivalentError(child(at, i), `duplicate argument "${a['name']}"`);
    out[a['name']] = a['value'];
  });
  return out;
};

const component = obj({ extraArgs: argsToMap, extraVolumes: true, extraEnvs: true });
const apiServer = obj({ extraArgs: argsToMap, extraVolumes: true, extraEnvs: true, certSANs: true });
const etcd = obj({
  local: obj({ extraArgs: argsToMap, extraEnvs: true, dataDir: true, imageRepository: true, imageTag: true, peerCertSANs: true, serverCertSANs: true }),
  external: true,
});
const nodeRegistration = obj({
  name: true,
  criSocket: true,
  taints: true,
  ignorePreflightErrors: true,
  imagePullPolicy: true,
  imagePullSerial: true,
  kubeletExtraArgs: argsToMap,
});

/** KubeadmConfigSpec: shared by KubeadmConfig, KubeadmConfigTemplate and KubeadmControlPlane. */
export const kubeadmConfigSpec: Conv = obj({
  clusterConfiguration: obj({
    apiServer,
    controllerManager: component,
    scheduler: component,
    etcd,
    dns: true,
    imageRepository: true,
    featureGates: true,
    certificatesDir: true,
    controlPlaneEndpoint: true,
    certificateValidityPeriodDays: true,
    caCertificateValidityPeriodDays: true,
    encryptionAlgorithm: true,
  }),
  initConfiguration: obj({
    nodeRegistration,
    bootstrapTokens: list(obj({ token: true, description: true, expires: true, groups: true, usages: true, ttlSeconds: secondsToDuration('ttl') })),
    localAPIEndpoint: true,
    skipPhases: true,
    patches: true,
  }),
  joinConfiguration: obj({ nodeRegistration, caCertPath: true, controlPlane: true, discovery: true, skipPhases: true, patches: true }),
  files: true,
  users: true,
  ntp: true,
  bootCommands: true,
  preKubeadmCommands: true,
  postKubeadmCommands: true,
  format: true,
  ignition: true,
  diskSetup: true,
  mounts: true,
  verbosity: true,
});

const metadata = obj({ name: true, namespace: true, labels: true, annotations: true, generateName: true, ownerReferences: true, finalizers: true, uid: true, resourceVersion: true, generation: true, creationTimestamp: true });
const templateMetadata = obj({ labels: true, annotations: true });

// Deep-merges `value` into `out` at `path` (several v1beta2 fields land in one v1beta1 object).
function mergeIn(out: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = out;
  for (const k of path) {
    const next = cur[k];
    cur = isRecord(next) ? next : (cur[k] = {}) as Record<string, unknown>;
  }
  if (!isRecord(value)) throw new Error('mergeIn: expected an object');
  for (const [k, v] of Object.entries(value)) {
    if (isRecord(v) && isRecord(cur[k])) mergeIn(cur, [k], v);
    else cur[k] = v;
  }
}

const deletionTimeouts: Fields = {
  nodeDrainTimeoutSeconds: secondsToDuration('nodeDrainTimeout'),
  nodeVolumeDetachTimeoutSeconds: secondsToDuration('nodeVolumeDetachTimeout'),
  nodeDeletionTimeoutSeconds: secondsToDuration('nodeDeletionTimeout'),
};

/** Builds the converter of one rendered object set (refs are resolved against it). */
export function convertCapiV1beta1(objects: readonly KubeObject[]): (o: KubeObject) => KubeObject {
  const ref =
    (namespace: string | undefined): Conv =>
    (v, at) => {
      if (!isRecord(v)) throw new NoEquivalentError(at, 'expected a reference {apiGroup, kind, name}');
      const { apiGroup, kind, name, ...rest } = v;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) throw new NoEquivalentError(child(at, extra), 'this field has no equivalent in the target API version');
      const target = objects.find(
        (o) => o.kind === kind && o.metadata.name === name && o.apiVersion.split('/')[0] === apiGroup && (o.metadata.namespace ?? namespace) === namespace,
      );
      if (target === undefined) {
        throw new NoEquivalentError(at, `v1beta1 references need an apiVersion, and the ${String(kind)}/${String(name)} (group ${String(apiGroup)}) it refers to is not among the rendered objects`);
      }
      // A target this module converts too ends up in v1beta1 (the whole CAPI contract moves together).
      const apiVersion = isCapiV1beta2(target) ? target.apiVersion.replace(V1BETA2, '/v1beta1') : target.apiVersion;
      return { apiVersion, kind, name, ...(namespace === undefined ? {} : { namespace }) };
    };

  return (o) => {
    const ns = o.metadata.namespace;
    const r = ref(ns);
    let spec: Conv;
    switch (o.kind) {
      case 'Cluster':
        spec = obj({ paused: true, clusterNetwork: true, controlPlaneEndpoint: true, controlPlaneRef: r, infrastructureRef: r, availabilityGates: true });
        break;
      case 'MachineDeployment': {
        // v1beta2 split v1beta1's `strategy` into rollout.strategy, deletion.order and remediation.
        const intoStrategy = (fields: Fields, path: readonly string[]): FieldRule => ({ write: (v, at, out) => mergeIn(out, path, obj(fields)(v, at)) });
        spec = obj({
          clusterName: true,
          replicas: true,
          paused: true,
          selector: true,
          machineNaming: { to: 'machineNamingStrategy' },
          rollout: flatten({ after: { to: 'rolloutAfter' }, strategy: intoStrategy({ type: true, rollingUpdate: true }, ['strategy']) }),
          deletion: intoStrategy({ order: { to: 'deletePolicy' } }, ['strategy', 'rollingUpdate']),
          remediation: intoStrategy({ maxInFlight: true }, ['strategy', 'remediation']),
          template: obj({
            metadata: templateMetadata,
            spec: obj({
              clusterName: true,
              version: true,
              failureDomain: true,
              providerID: true,
              readinessGates: true,
              taints: true,
              bootstrap: obj({ configRef: r, dataSecretName: true }),
              infrastructureRef: r,
              deletion: flatten(deletionTimeouts),
            }),
          }),
        });
        break;
      }
      case 'KubeadmControlPlane':
        spec = obj({
          replicas: true,
          version: true,
          kubeadmConfigSpec,
          machineNaming: { to: 'machineNamingStrategy' },
          machineTemplate: obj({
            metadata: templateMetadata,
            spec: flatten({ infrastructureRef: r, deletion: flatten(deletionTimeouts), readinessGates: true, taints: true }),
          }),
          rollout: flatten({ after: { to: 'rolloutAfter' }, before: { to: 'rolloutBefore' }, strategy: { to: 'rolloutStrategy' } }),
          remediation: {
            to: 'remediationStrategy',
            conv: obj({ maxRetry: true, retryPeriodSeconds: secondsToDuration('retryPeriod'), minHealthyPeriodSeconds: secondsToDuration('minHealthyPeriod') }),
          },
        });
        break;
      case 'KubeadmConfigTemplate':
        spec = obj({ template: obj({ metadata: templateMetadata, spec: kubeadmConfigSpec }) });
        break;
      case 'KubeadmConfig':
        spec = kubeadmConfigSpec;
        break;
      default:
        throw new NoEquivalentError('/kind', `no CAPI v1beta1 converter for ${o.kind}`);
    }
    const converted = obj({ apiVersion: (v) => String(v).replace(V1BETA2, '/v1beta1'), kind: true, metadata, spec })(o, '') as KubeObject;
    return converted;
  };
}
