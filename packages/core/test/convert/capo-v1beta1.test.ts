import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { convertObjects } from '../../src/convert/index.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const toCapoV1beta1 = (objects: KubeObject[]): KubeObject[] => convertObjects(objects, { capi: 'v1beta2', infrastructure: 'v1beta1' });

describe('convertObjects to CAPO v1beta1', () => {
  it('flattens apiServer, negates enable* flags and renames node security group rules', async () => {
    // Arrange
    const osc: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'OpenStackCluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: {
        identityRef: { cloudName: 'openstack', name: 'c-cloud-config' },
        apiServer: { managedLoadBalancer: { enabled: true }, port: 6443, enableFloatingIP: true },
        enableExternalNetwork: true,
        managedNetwork: { enablePortSecurity: false, mtu: 1450 },
        managedSubnets: [{ cidr: '10.6.0.0/24' }],
        managedSecurityGroups: {
          allowAllInClusterTraffic: false,
          clusterNodesSecurityGroupRules: [{ name: 'bgp', direction: 'ingress', protocol: 'tcp', portRangeMin: 179, portRangeMax: 179 }],
        },
      },
    };

    // Act
    const [out] = toCapoV1beta1([osc]);

    // Assert
    expect(out).toEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'OpenStackCluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: {
        identityRef: { cloudName: 'openstack', name: 'c-cloud-config' },
        apiServerLoadBalancer: { enabled: true },
        apiServerPort: 6443,
        disableAPIServerFloatingIP: false,
        disableExternalNetwork: false,
        disablePortSecurity: true,
        networkMTU: 1450,
        managedSubnets: [{ cidr: '10.6.0.0/24' }],
        managedSecurityGroups: {
          allowAllInClusterTraffic: false,
          allNodesSecurityGroupRules: [{ name: 'bgp', direction: 'ingress', protocol: 'tcp', portRangeMin: 179, portRangeMax: 179 }],
        },
      },
    });
    expect(await validateObject(out)).toEqual([]);
  });

  it('turns flavor filters into flavor names and ports enablePortSecurity into disablePortSecurity', async () => {
    // Arrange
    const osmt: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'OpenStackMachineTemplate',
      metadata: { name: 'c-cp', namespace: 'ns' },
      spec: {
        template: {
          spec: {
            flavor: { filter: { name: 'm1.large' } },
            image: { filter: { name: 'ubuntu' } },
            rootVolume: { sizeGiB: 50 },
            ports: [{ enablePortSecurity: true }],
            sshKeyName: 'key',
          },
        },
      },
    };

    // Act
    const [out] = toCapoV1beta1([osmt]);

    // Assert
    expect(out!.spec).toEqual({
      template: {
        spec: { flavor: 'm1.large', image: { filter: { name: 'ubuntu' } }, rootVolume: { sizeGiB: 50 }, ports: [{ disablePortSecurity: false }], sshKeyName: 'key' },
      },
    });
    expect(await validateObject(out)).toEqual([]);
  });

  it('maps flavor {id} to flavorID', () => {
    // Arrange
    const osmt: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'OpenStackMachineTemplate',
      metadata: { name: 'x' },
      spec: { template: { spec: { flavor: { id: 'abc' }, image: { id: 'def' } } } },
    };

    // Act
    const [out] = toCapoV1beta1([osmt]);

    // Assert
    expect(out!.spec).toEqual({ template: { spec: { flavorID: 'abc', image: { id: 'def' } } } });
  });

  it('throws naming the field for an unknown v1beta2 field', () => {
    // Arrange
    const osmt: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'OpenStackMachineTemplate',
      metadata: { name: 'x' },
      spec: { template: { spec: { flavor: { filter: { name: 'a' } }, image: { id: 'b' }, newFeature: true } } },
    };

    // Act
    const act = (): unknown => toCapoV1beta1([osmt]);

    // Assert
    expect(act).toThrowErrorMatchingInlineSnapshot(`[Error: cannot convert OpenStackMachineTemplate/x (infrastructure.cluster.x-k8s.io/v1beta2) to CAPO v1beta1: /spec/template/spec/newFeature: this field has no equivalent in the target API version]`);
  });

  it('leaves CAPO objects alone when the infrastructure contract is v1beta2', () => {
    // Arrange
    const osc: KubeObject = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'OpenStackCluster', metadata: { name: 'c' }, spec: { apiServer: { port: 6443 } } };

    // Act
    const out = convertObjects([osc], { capi: 'v1beta1', infrastructure: 'v1beta2' });

    // Assert
    expect(out).toEqual([osc]);
  });
});
