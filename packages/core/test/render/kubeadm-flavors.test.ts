// Every kubeadm flavor x contract (x CAPO contract for OpenStack) renders the example spec and a
// minimal spec into objects that validate, with the kinds and apiVersions of that contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Contract } from '../../src/flavors/flavor.ts';
import type { ClusterSpec } from '../../src/model/cluster-spec.ts';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');

const MINIMAL: Record<string, ClusterSpec> = {
  'kubeadm-docker': { name: 'mini', flavor: 'kubeadm-docker', kubernetesVersion: 'v1.33.1', controlPlane: { replicas: 1, machine: {} }, workers: [] },
  'kubeadm-openstack': {
    name: 'mini',
    flavor: 'kubeadm-openstack',
    kubernetesVersion: 'v1.33.1',
    controlPlane: { replicas: 1, machine: { openstack: { flavor: 'm1.medium', image: 'ubuntu' } } },
    workers: [{ name: 'md-0', replicas: 1, machine: { openstack: { flavor: 'm1.medium', image: 'ubuntu' } } }],
    openstack: { cloudName: 'openstack', identitySecret: 'mini-cloud-config' },
  },
};

interface Combo {
  readonly flavor: 'kubeadm-docker' | 'kubeadm-openstack';
  readonly contract: Contract;
  readonly infrastructureContract: Contract;
}

const COMBOS: Combo[] = [
  { flavor: 'kubeadm-docker', contract: 'v1beta2', infrastructureContract: 'v1beta2' },
  { flavor: 'kubeadm-docker', contract: 'v1beta1', infrastructureContract: 'v1beta2' },
  ...(['v1beta2', 'v1beta1'] as const).flatMap((contract) =>
    (['v1beta1', 'v1beta2'] as const).map((infrastructureContract) => ({ flavor: 'kubeadm-openstack' as const, contract, infrastructureContract })),
  ),
];

function expectedKinds(c: Combo, hasWorkers: boolean): Record<string, string> {
  const capi = c.contract;
  const core = {
    Cluster: `cluster.x-k8s.io/${capi}`,
    KubeadmControlPlane: `controlplane.cluster.x-k8s.io/${capi}`,
    ...(hasWorkers ? { MachineDeployment: `cluster.x-k8s.io/${capi}`, KubeadmConfigTemplate: `bootstrap.cluster.x-k8s.io/${capi}` } : {}),
  };
  if (c.flavor === 'kubeadm-docker') {
    // CAPD is released with CAPI: its kinds follow the CAPI contract (Docker* before v1.11).
    return capi === 'v1beta2'
      ? { ...core, DevCluster: 'infrastructure.cluster.x-k8s.io/v1beta2', DevMachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta2' }
      : { ...core, DockerCluster: 'infrastructure.cluster.x-k8s.io/v1beta1', DockerMachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta1' };
  }
  const infra = `infrastructure.cluster.x-k8s.io/${c.infrastructureContract}`;
  return { ...core, OpenStackCluster: infra, OpenStackMachineTemplate: infra };
}

function emptyListPaths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [at] : v.flatMap((x, i) => emptyListPaths(x, `${at}/${i}`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => emptyListPaths(x, `${at}/${k}`));
  return [];
}

function specs(flavor: Combo['flavor']): [string, ClusterSpec][] {
  const file = join(EXAMPLES, `${flavor}.yaml`);
  return [
    ['example', parseClusterSpec(readFileSync(file, 'utf8'), file)],
    ['minimal', MINIMAL[flavor]!],
  ];
}

describe.each(COMBOS)('$flavor with contract $contract, infrastructure $infrastructureContract', (combo) => {
  it.each(specs(combo.flavor))('renders the %s spec into valid objects of that contract', async (_name, spec) => {
    // Arrange
    const options = { contract: combo.contract, infrastructureContract: combo.infrastructureContract };

    // Act
    const result = await renderCluster(spec, options);
    const again = await renderCluster(spec, options);

    // Assert
    const issues = (await Promise.all(result.objects.map((o) => validateObject(o)))).flat();
    expect(issues).toEqual([]);
    const kinds = Object.fromEntries(result.objects.map((o) => [o.kind, o.apiVersion]));
    expect(kinds).toEqual(expectedKinds(combo, spec.workers.length > 0));
    expect(result.objects.flatMap((o) => emptyListPaths(o).map((p) => `${o.kind}/${o.metadata.name}${p}`))).toEqual([]);
    expect(again.yaml).toBe(result.yaml);
  });
});

describe('kubeadm-openstack cloud-init Jinja', () => {
  it('passes provider-id and node name through exactly as CAPO templates write them', async () => {
    // Arrange
    const spec = MINIMAL['kubeadm-openstack']!;

    // Act
    const result = await renderCluster(spec, { contract: 'v1beta2' });

    // Assert
    const kct = result.objects.find((o) => o.kind === 'KubeadmConfigTemplate')!;
    // why: only joinConfiguration; the certificate checks (kubeadm-cert-checks) add files and commands beside it.
    expect((kct.spec as { template: { spec: { joinConfiguration: unknown } } }).template.spec.joinConfiguration).toEqual({
      nodeRegistration: {
        name: '{{ local_hostname }}',
        kubeletExtraArgs: [
          { name: 'cloud-provider', value: 'external' },
          { name: 'provider-id', value: "openstack:///'{{ instance_id }}'" },
        ],
      },
    });
  });
});
