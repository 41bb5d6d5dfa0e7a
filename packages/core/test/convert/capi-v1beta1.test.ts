import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { convertObjects } from '../../src/convert/index.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const toV1beta1 = (objects: KubeObject[]): KubeObject[] => convertObjects(objects, { capi: 'v1beta1', infrastructure: 'v1beta2' });

const ref = (group: string, kind: string, name: string): Record<string, string> => ({ apiGroup: group, kind, name });

const kcp = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
  kind: 'KubeadmControlPlane',
  metadata: { name: 'c-cp', namespace: 'ns' },
  spec: {
    replicas: 3,
    version: 'v1.33.1',
    machineTemplate: { spec: { infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'OpenStackMachineTemplate', 'c-cp') } },
    kubeadmConfigSpec: {},
    ...spec,
  },
});

const osmt: KubeObject = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'OpenStackMachineTemplate',
  metadata: { name: 'c-cp', namespace: 'ns' },
  spec: { template: { spec: { flavor: { filter: { name: 'm1' } }, image: { filter: { name: 'img' } } } } },
};

describe('convertObjects to CAPI v1beta1', () => {
  it('turns Cluster refs into apiVersion refs with the referenced object version', () => {
    // Arrange
    const cluster: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: {
        clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] } },
        controlPlaneRef: ref('controlplane.cluster.x-k8s.io', 'KubeadmControlPlane', 'c-cp'),
        infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'OpenStackCluster', 'c'),
      },
    };
    const osc: KubeObject = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'OpenStackCluster', metadata: { name: 'c', namespace: 'ns' }, spec: {} };

    // Act
    const [out] = toV1beta1([cluster, kcp(), osc, osmt]);

    // Assert
    expect(out).toEqual({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'ns' },
      spec: {
        clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] } },
        controlPlaneRef: { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'KubeadmControlPlane', name: 'c-cp', namespace: 'ns' },
        infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'OpenStackCluster', name: 'c', namespace: 'ns' },
      },
    });
  });

  it('moves KCP machineTemplate.spec up, renames rollout and remediation, and maps extraArgs', async () => {
    // Arrange
    const input = kcp({
      machineTemplate: {
        spec: { infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'OpenStackMachineTemplate', 'c-cp'), deletion: { nodeDrainTimeoutSeconds: 300 } },
      },
      rollout: { before: { certificatesExpiryDays: 21 } },
      remediation: { maxRetry: 3, retryPeriodSeconds: 60 },
      kubeadmConfigSpec: {
        clusterConfiguration: {
          apiServer: { extraArgs: [{ name: 'profiling', value: 'false' }], certSANs: ['api.example.com'] },
          controllerManager: { extraArgs: [{ name: 'cloud-provider', value: 'external' }] },
          scheduler: { extraArgs: [{ name: 'profiling', value: 'false' }] },
          etcd: { local: { extraArgs: [{ name: 'quota-backend-bytes', value: '8589934592' }] } },
        },
        initConfiguration: { nodeRegistration: { name: 'n', kubeletExtraArgs: [{ name: 'max-pods', value: '110' }] } },
        joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'max-pods', value: '110' }] } },
        preKubeadmCommands: ['true'],
      },
    });

    // Act
    const [out] = toV1beta1([input, osmt]);

    // Assert
    expect(out!.spec).toEqual({
      replicas: 3,
      version: 'v1.33.1',
      machineTemplate: {
        infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'OpenStackMachineTemplate', name: 'c-cp', namespace: 'ns' },
        nodeDrainTimeout: '300s',
      },
      rolloutBefore: { certificatesExpiryDays: 21 },
      remediationStrategy: { maxRetry: 3, retryPeriod: '60s' },
      kubeadmConfigSpec: {
        clusterConfiguration: {
          apiServer: { extraArgs: { profiling: 'false' }, certSANs: ['api.example.com'] },
          controllerManager: { extraArgs: { 'cloud-provider': 'external' } },
          scheduler: { extraArgs: { profiling: 'false' } },
          etcd: { local: { extraArgs: { 'quota-backend-bytes': '8589934592' } } },
        },
        initConfiguration: { nodeRegistration: { name: 'n', kubeletExtraArgs: { 'max-pods': '110' } } },
        joinConfiguration: { nodeRegistration: { kubeletExtraArgs: { 'max-pods': '110' } } },
        preKubeadmCommands: ['true'],
      },
    });
    expect(await validateObject(out)).toEqual([]);
  });

  it('converts MachineDeployment refs and groups rollout, deletion and remediation into strategy', () => {
    // Arrange
    const md: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineDeployment',
      metadata: { name: 'c-md', namespace: 'ns' },
      spec: {
        clusterName: 'c',
        selector: { matchLabels: { a: 'b' } },
        rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        deletion: { order: 'Oldest' },
        remediation: { maxInFlight: 1 },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: {
            clusterName: 'c',
            version: 'v1.33.1',
            bootstrap: { configRef: ref('bootstrap.cluster.x-k8s.io', 'KubeadmConfigTemplate', 'c-md') },
            infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'OpenStackMachineTemplate', 'c-cp'),
          },
        },
      },
    };
    const kct: KubeObject = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: 'c-md', namespace: 'ns' },
      spec: { template: { spec: { joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'a', value: 'b' }] } } } } },
    };

    // Act
    const [outMd, outKct] = toV1beta1([md, kct, osmt]);

    // Assert
    expect(outMd!.spec).toMatchObject({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, deletePolicy: 'Oldest' }, remediation: { maxInFlight: 1 } },
      template: {
        spec: {
          bootstrap: { configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind: 'KubeadmConfigTemplate', name: 'c-md', namespace: 'ns' } },
          infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'OpenStackMachineTemplate', name: 'c-cp', namespace: 'ns' },
        },
      },
    });
    expect(outKct).toEqual({ ...kct, apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', spec: { template: { spec: { joinConfiguration: { nodeRegistration: { kubeletExtraArgs: { a: 'b' } } } } } } });
  });

  it('throws naming the field when a v1beta2 field has no v1beta1 equivalent', () => {
    // Arrange
    const input = kcp({ kubeadmConfigSpec: { initConfiguration: { timeouts: { kubeletHealthCheckSeconds: 60 } } } });

    // Act
    const act = (): unknown => toV1beta1([input, osmt]);

    // Assert
    expect(act).toThrowErrorMatchingInlineSnapshot(`[Error: cannot convert KubeadmControlPlane/c-cp (controlplane.cluster.x-k8s.io/v1beta2) to CAPI v1beta1: /spec/kubeadmConfigSpec/initConfiguration/timeouts: this field has no equivalent in the target API version]`);
  });

  it('throws when a reference points at an object that was not rendered', () => {
    // Arrange
    const input = kcp();

    // Act
    const act = (): unknown => toV1beta1([input]);

    // Assert
    expect(act).toThrowErrorMatchingInlineSnapshot(`[Error: cannot convert KubeadmControlPlane/c-cp (controlplane.cluster.x-k8s.io/v1beta2) to CAPI v1beta1: /spec/machineTemplate/spec/infrastructureRef: v1beta1 references need an apiVersion, and the OpenStackMachineTemplate/c-cp (group infrastructure.cluster.x-k8s.io) it refers to is not among the rendered objects]`);
  });

  it('leaves objects alone whose apiVersion is not v1beta2', () => {
    // Arrange
    const mk8s: KubeObject = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'MicroK8sControlPlane', metadata: { name: 'm' }, spec: { replicas: 1 } };
    const cluster: KubeObject = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'c' }, spec: { paused: true } };

    // Act
    const out = toV1beta1([mk8s, cluster]);

    // Assert
    expect(out).toEqual([mk8s, cluster]);
  });

  it('returns deep copies unchanged when every target is v1beta2', () => {
    // Arrange
    const input = [kcp(), osmt];

    // Act
    const out = convertObjects(input, { capi: 'v1beta2', infrastructure: 'v1beta2' });

    // Assert
    expect(out).toEqual(input);
    expect(out[0]).not.toBe(input[0]);
  });
});
