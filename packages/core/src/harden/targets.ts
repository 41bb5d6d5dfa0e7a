// Which objects `capi-gen harden` works on: the bootstrap and control-plane kinds the transforms in
// registry.ts handle, in the API versions they handle. The transforms keep their own checks; this
// list only lets `capi-gen harden` tell "already hardened" from "nothing to harden", and name the
// objects of a hardened kind left alone because of their API version (CAPI v1alpha4 and older).
import type { KubeObject } from '../emit/to-yaml.ts';

const CONTROL_PLANE = 'controlplane.cluster.x-k8s.io';
const BOOTSTRAP = 'bootstrap.cluster.x-k8s.io';
const KUBEADM_VERSIONS = ['v1beta1', 'v1beta2'] as const;
// The MicroK8s providers serve only v1beta1.
const MICROK8S_VERSIONS = ['v1beta1'] as const;

/** Kind -> the API group and versions the transforms harden. */
const HARDENED: Readonly<Record<string, { readonly group: string; readonly versions: readonly string[] }>> = {
  KubeadmControlPlane: { group: CONTROL_PLANE, versions: KUBEADM_VERSIONS },
  KubeadmControlPlaneTemplate: { group: CONTROL_PLANE, versions: KUBEADM_VERSIONS },
  KubeadmConfig: { group: BOOTSTRAP, versions: KUBEADM_VERSIONS },
  KubeadmConfigTemplate: { group: BOOTSTRAP, versions: KUBEADM_VERSIONS },
  MicroK8sControlPlane: { group: CONTROL_PLANE, versions: MICROK8S_VERSIONS },
  MicroK8sConfig: { group: BOOTSTRAP, versions: MICROK8S_VERSIONS },
  MicroK8sConfigTemplate: { group: BOOTSTRAP, versions: MICROK8S_VERSIONS },
};

/** What capi-gen harden makes of one object. */
export type HardenTarget =
  /** A kind and API version the transforms harden. */
  | { readonly kind: 'target' }
  /** A kind the transforms harden, in an API version they do not: the warning to print. */
  | { readonly kind: 'left-alone'; readonly warning: string }
  /** Anything else (Secrets, Clusters, infrastructure kinds). */
  | { readonly kind: 'other' };

/** Whether the transforms harden `o`, or leave it alone because of its API version. */
export function hardenTargetOf(o: KubeObject): HardenTarget {
  const want = typeof o.kind === 'string' && Object.hasOwn(HARDENED, o.kind) ? HARDENED[o.kind] : undefined;
  if (want === undefined || typeof o.apiVersion !== 'string') return { kind: 'other' };
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const version = o.apiVersion.slice(slash + 1);
  // why: a kind of the same name in another API group is somebody else's; not ours to name.
  if (group !== want.group) return { kind: 'other' };
  if (want.versions.includes(version)) return { kind: 'target' };
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
  return {
    kind: 'left-alone',
    warning: `left alone: ${o.kind}/${name} is ${o.apiVersion}; capi-gen hardens ${want.versions.join('/')}; move it to a served version first`,
  };
}
