import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { convertObjects } from '../../src/convert/index.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const toV1beta1 = (objects: KubeObject[]): KubeObject[] => convertObjects(objects, { capi: 'v1beta1', infrastructure: 'v1beta1' });

describe('convertObjects: CAPD Dev* v1beta2 to Docker* v1beta1', () => {
  it('turns a DevCluster into a DockerCluster with failure domains as a map', async () => {
    // Arrange
    const dc: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DevCluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { backend: { docker: { failureDomains: [{ name: 'fd1', controlPlane: true }] } }, controlPlaneEndpoint: { host: '10.0.0.1', port: 6443 } },
    };

    // Act
    const [out] = toV1beta1([dc]);

    // Assert
    expect(out).toEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'DockerCluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { failureDomains: { fd1: { controlPlane: true } }, controlPlaneEndpoint: { host: '10.0.0.1', port: 6443 } },
    });
    expect(await validateObject(out)).toEqual([]);
  });

  it('turns a DevMachineTemplate into a DockerMachineTemplate and renames references to it', () => {
    // Arrange
    const dmt: KubeObject = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DevMachineTemplate',
      metadata: { name: 'c-cp', namespace: 'ns' },
      spec: { template: { spec: { backend: { docker: { customImage: 'kindest/node:v1.33.1' } } } } },
    };
    const kcp: KubeObject = {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmControlPlane',
      metadata: { name: 'c-cp', namespace: 'ns' },
      spec: { version: 'v1.33.1', machineTemplate: { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevMachineTemplate', name: 'c-cp' } } }, kubeadmConfigSpec: {} },
    };

    // Act
    const [outKcp, outDmt] = toV1beta1([kcp, dmt]);

    // Assert
    expect(outDmt!.kind).toBe('DockerMachineTemplate');
    expect(outDmt!.spec).toEqual({ template: { spec: { customImage: 'kindest/node:v1.33.1' } } });
    expect(outKcp!.spec).toMatchObject({
      machineTemplate: { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 'c-cp', namespace: 'ns' } },
    });
  });

  it('throws for the in-memory backend, which Docker* kinds cannot express', () => {
    // Arrange
    const dc: KubeObject = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DevCluster', metadata: { name: 'c' }, spec: { backend: { inMemory: {} } } };

    // Act
    const act = (): unknown => toV1beta1([dc]);

    // Assert
    expect(act).toThrowErrorMatchingInlineSnapshot(`[Error: cannot convert DevCluster/c (infrastructure.cluster.x-k8s.io/v1beta2) to CAPD v1beta1 (Docker* kinds): /spec/backend/inMemory: this field has no equivalent in the target API version]`);
  });
});
