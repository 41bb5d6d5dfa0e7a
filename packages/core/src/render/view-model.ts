// The view model handed to flavor templates: every key present (Handlebars strict mode), null
// where the spec leaves something unset, names derived in one place. Templates only interpolate.
import type { Contract, Flavor } from '../flavors/flavor.ts';
import type { ClusterSpec } from '../model/cluster-spec.ts';

/** Defaults capi-gen picks when the spec leaves a value out (documented in docs/spec.md). */
export const SPEC_DEFAULTS = {
  namespace: 'default',
  podCIDRs: ['192.168.0.0/16'],
  serviceCIDRs: ['10.128.0.0/12'],
  serviceDomain: 'cluster.local',
  apiServerPort: 6443,
  microk8sRiskLevel: 'stable',
  microk8sConfinement: 'classic',
  microk8sUpgradeStrategy: 'SmartUpgrade',
  microk8sAddons: ['dns'],
  // The node subnet CAPO creates when openstack.nodeCIDR is unset (the CIDR CAPO's own templates use).
  openstackNodeCIDR: '10.6.0.0/24',
} as const;

function orNull<T>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

/** Builds the view model of one spec for one flavor and contract pair. */
export function buildViewModel(spec: ClusterSpec, flavor: Flavor, contract: Contract, infrastructureContract: Contract): Record<string, unknown> {
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(spec.kubernetesVersion) ?? [];
  const net = spec.network ?? {};
  const m = spec.microk8s ?? {};
  const k = spec.kubeadm ?? {};
  const machine = (mm: ClusterSpec['controlPlane']['machine']): Record<string, unknown> => ({
    openstack: mm.openstack === undefined ? null : { flavor: mm.openstack.flavor, image: mm.openstack.image, rootVolumeSizeGiB: orNull(mm.openstack.rootVolumeSizeGiB) },
    docker: { customImage: orNull(mm.docker?.customImage) },
  });
  return {
    flavor: flavor.id,
    bootstrap: flavor.bootstrap,
    infrastructure: flavor.infrastructure,
    contract,
    infrastructureContract,
    name: spec.name,
    namespace: spec.namespace ?? SPEC_DEFAULTS.namespace,
    kubernetesVersion: spec.kubernetesVersion,
    kubernetesMinor: `${major}.${minor}`,
    controlPlane: {
      name: `${spec.name}-control-plane`,
      replicas: spec.controlPlane.replicas,
      machineTemplateName: `${spec.name}-control-plane`,
      machine: machine(spec.controlPlane.machine),
    },
    workers: spec.workers.map((w) => ({
      pool: w.name,
      name: `${spec.name}-${w.name}`,
      replicas: w.replicas,
      machineTemplateName: `${spec.name}-${w.name}`,
      bootstrapTemplateName: `${spec.name}-${w.name}`,
      labels: orNull(w.labels),
      machine: machine(w.machine),
    })),
    network: {
      podCIDRs: net.podCIDRs ?? [...SPEC_DEFAULTS.podCIDRs],
      serviceCIDRs: net.serviceCIDRs ?? [...SPEC_DEFAULTS.serviceCIDRs],
      serviceDomain: net.serviceDomain ?? SPEC_DEFAULTS.serviceDomain,
      apiServerPort: net.apiServerPort ?? SPEC_DEFAULTS.apiServerPort,
      apiServerLoadBalancer: net.apiServerLoadBalancer ?? true,
      controlPlaneEndpoint: orNull(net.controlPlaneEndpoint),
    },
    openstack:
      spec.openstack === undefined
        ? null
        : {
            cloudName: spec.openstack.cloudName,
            identitySecret: spec.openstack.identitySecret,
            externalNetworkId: orNull(spec.openstack.externalNetworkId),
            nodeCIDR: orNull(spec.openstack.nodeCIDR),
            managedSubnetCIDR: spec.openstack.nodeCIDR ?? SPEC_DEFAULTS.openstackNodeCIDR,
            dnsNameservers: orNull(spec.openstack.dnsNameservers),
            sshKeyName: orNull(spec.openstack.sshKeyName),
            failureDomain: orNull(spec.openstack.failureDomain),
          },
    microk8s: {
      addons: m.addons ?? [...SPEC_DEFAULTS.microk8sAddons],
      riskLevel: m.riskLevel ?? SPEC_DEFAULTS.microk8sRiskLevel,
      confinement: m.confinement ?? SPEC_DEFAULTS.microk8sConfinement,
      httpProxy: orNull(m.httpProxy),
      httpsProxy: orNull(m.httpsProxy),
      noProxy: orNull(m.noProxy),
      snapstoreProxyScheme: orNull(m.snapstoreProxyScheme),
      snapstoreProxyDomain: orNull(m.snapstoreProxyDomain),
      snapstoreProxyId: orNull(m.snapstoreProxyId),
      ipInIp: m.ipInIp ?? true,
      disableDefaultCNI: m.disableDefaultCNI ?? false,
      upgradeStrategy: m.upgradeStrategy ?? SPEC_DEFAULTS.microk8sUpgradeStrategy,
      extraKubeletArgs: orNull(m.extraKubeletArgs),
    },
    kubeadm: {
      apiServerExtraArgs: toArgList(k.apiServerExtraArgs),
      controllerManagerExtraArgs: toArgList(k.controllerManagerExtraArgs),
      schedulerExtraArgs: toArgList(k.schedulerExtraArgs),
      kubeletExtraArgs: toArgList(k.kubeletExtraArgs),
      files: orNull(k.files),
      preCommands: orNull(k.preCommands),
      postCommands: orNull(k.postCommands),
    },
    ntpServers: orNull(spec.ntp?.servers),
    // MicroK8s has no NTP field: MicroK8s flavors write this systemd-timesyncd drop-in instead.
    ntpTimesyncdDropIn: spec.ntp === undefined ? null : `[Time]\nNTP=${spec.ntp.servers.join(' ')}\n`,
    sshAuthorizedKeys: orNull(spec.sshAuthorizedKeys),
  };
}

// The model holds the newest (v1beta2) shape: a {name, value} list sorted by name, so output
// is deterministic whatever order the user wrote; convert/ turns it into a map for v1beta1.
function toArgList(args: Record<string, string> | undefined): { name: string; value: string }[] | null {
  if (args === undefined) return null;
  return Object.keys(args)
    .sort()
    .map((name) => ({ name, value: args[name]! }));
}
