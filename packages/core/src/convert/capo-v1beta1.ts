// CAPO v1beta2 (v0.15) -> v1beta1 (v0.14): OpenStackCluster, OpenStackMachineTemplate,
// OpenStackClusterTemplate. Mapping derived path by path from the vendored schemas:
//   OpenStackCluster spec.apiServer.managedLoadBalancer   -> apiServerLoadBalancer
//                    spec.apiServer.fixedIP / floatingIP  -> apiServerFixedIP / apiServerFloatingIP
//                    spec.apiServer.port                  -> apiServerPort
//                    spec.apiServer.enableFloatingIP      -> disableAPIServerFloatingIP (negated)
//                    spec.enableExternalNetwork           -> disableExternalNetwork (negated)
//                    spec.managedNetwork.enablePortSecurity -> disablePortSecurity (negated)
//                    spec.managedNetwork.mtu              -> networkMTU
//                    spec.managedRouter.externalIPs       -> externalRouterIPs
//                    managedSecurityGroups.clusterNodesSecurityGroupRules -> allNodesSecurityGroupRules
//   machine spec (templates and bastion) flavor {filter: {name}} -> flavor (string)
//                                        flavor {id}             -> flavorID
//                                        ports[].enablePortSecurity -> ports[].disablePortSecurity (negated)
// Every other field has the same path and shape in both versions.
import type { KubeObject } from '../emit/to-yaml.ts';
import { flatten, isRecord, list, negated, NoEquivalentError, obj, type Conv, type Fields } from './_fields.ts';

const GROUP = 'infrastructure.cluster.x-k8s.io';
const KINDS = ['OpenStackCluster', 'OpenStackClusterTemplate', 'OpenStackMachineTemplate'];

/** True when this module converts the object (a CAPO v1beta2 kind). */
export function isCapoV1beta2(o: KubeObject): boolean {
  return o.apiVersion === `${GROUP}/v1beta2` && KINDS.includes(o.kind);
}

const flavor = obj({
  filter: { write: (v, at, out) => Object.assign(out, obj({ name: { to: 'flavor' } })(v, at)) },
  id: { to: 'flavorID' },
});

const port = obj({
  adminStateUp: true,
  allowedAddressPairs: true,
  description: true,
  enablePortSecurity: negated('disablePortSecurity'),
  fixedIPs: true,
  hostID: true,
  macAddress: true,
  nameSuffix: true,
  network: true,
  profile: true,
  propagateUplinkStatus: true,
  securityGroups: true,
  tags: true,
  trunk: true,
  valueSpecs: true,
  vnicType: true,
});

/** OpenStackMachineSpec (machine templates and the bastion). */
export const machineSpec: Conv = obj({
  flavor: {
    write: (v, at, out) => {
      if (!isRecord(v)) throw new NoEquivalentError(at, 'expected {filter: {name}} or {id}');
      Object.assign(out, flavor(v, at));
    },
  },
  additionalBlockDevices: true,
  configDrive: true,
  floatingIPPoolRef: true,
  identityRef: true,
  image: true,
  ports: list(port),
  providerID: true,
  rootVolume: true,
  schedulerHintAdditionalProperties: true,
  securityGroups: true,
  serverGroup: true,
  serverMetadata: true,
  sshKeyName: true,
  tags: true,
  trunk: true,
});

const securityGroupsFields: Fields = {
  allowAllInClusterTraffic: true,
  clusterNodesSecurityGroupRules: { to: 'allNodesSecurityGroupRules' },
  controlPlaneNodesSecurityGroupRules: true,
  workerNodesSecurityGroupRules: true,
};

/** OpenStackClusterSpec. */
export const clusterSpec: Conv = obj({
  apiServer: flatten({
    managedLoadBalancer: { to: 'apiServerLoadBalancer' },
    fixedIP: { to: 'apiServerFixedIP' },
    floatingIP: { to: 'apiServerFloatingIP' },
    port: { to: 'apiServerPort' },
    enableFloatingIP: negated('disableAPIServerFloatingIP'),
  }),
  enableExternalNetwork: negated('disableExternalNetwork'),
  managedNetwork: flatten({ enablePortSecurity: negated('disablePortSecurity'), mtu: { to: 'networkMTU' } }),
  managedRouter: flatten({ externalIPs: { to: 'externalRouterIPs' } }),
  managedSecurityGroups: obj(securityGroupsFields),
  bastion: obj({ enabled: true, availabilityZone: true, floatingIP: true, spec: machineSpec }),
  controlPlaneAvailabilityZones: true,
  controlPlaneEndpoint: true,
  controlPlaneOmitAvailabilityZone: true,
  externalNetwork: true,
  identityRef: true,
  managedSubnets: true,
  network: true,
  primarySubnet: true,
  router: true,
  subnets: true,
  tags: true,
});

const metadata = obj({ name: true, namespace: true, labels: true, annotations: true });
const templateMetadata = obj({ labels: true, annotations: true });

/** Converts one CAPO v1beta2 object to v1beta1. */
export function convertCapoV1beta1(o: KubeObject): KubeObject {
  const spec: Conv =
    o.kind === 'OpenStackCluster'
      ? clusterSpec
      : o.kind === 'OpenStackClusterTemplate'
        ? obj({ template: obj({ spec: clusterSpec }) })
        : obj({ template: obj({ metadata: templateMetadata, spec: machineSpec }) });
  return obj({ apiVersion: () => `${GROUP}/v1beta1`, kind: true, metadata, spec })(o, '') as KubeObject;
}
