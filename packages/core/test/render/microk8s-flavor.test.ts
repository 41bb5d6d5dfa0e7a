// The microk8s-openstack flavor: CAPI objects come out as v1beta1 (the only contract the MicroK8s
// providers implement), CAPO objects follow infrastructureContract, contract v1beta2 is refused
// with the reason, and every object validates against the vendored CRDs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapiGenError } from '../../src/errors.ts';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const EXAMPLE = new URL('../../../../examples/microk8s-openstack.yaml', import.meta.url);
const spec = parseClusterSpec(readFileSync(EXAMPLE, 'utf8'), 'examples/microk8s-openstack.yaml');

function byKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

describe.each(['v1beta1', 'v1beta2'] as const)('microk8s-openstack with infrastructureContract %s', (infrastructureContract) => {
  it('emits Cluster and MachineDeployments as cluster.x-k8s.io/v1beta1', async () => {
    // Act
    const r = await renderCluster(spec, { infrastructureContract });
    // Assert
    expect(r.contract).toBe('v1beta1');
    expect(byKind(r.objects, 'Cluster').map((o) => o.apiVersion)).toEqual(['cluster.x-k8s.io/v1beta1']);
    expect(byKind(r.objects, 'MachineDeployment').map((o) => o.apiVersion)).toEqual(['cluster.x-k8s.io/v1beta1', 'cluster.x-k8s.io/v1beta1']);
  });

  it('keeps the MicroK8s kinds at v1beta1 and points them at the CAPO version asked for', async () => {
    // Act
    const r = await renderCluster(spec, { infrastructureContract });
    // Assert
    const [cp] = byKind(r.objects, 'MicroK8sControlPlane');
    expect(cp?.apiVersion).toBe('controlplane.cluster.x-k8s.io/v1beta1');
    expect(byKind(r.objects, 'MicroK8sConfigTemplate').map((o) => o.apiVersion)).toEqual(['bootstrap.cluster.x-k8s.io/v1beta1', 'bootstrap.cluster.x-k8s.io/v1beta1']);
    const infra = (cp?.['spec'] as { machineTemplate: { infrastructureTemplate: { apiVersion: string; kind: string } } }).machineTemplate.infrastructureTemplate;
    expect(infra).toMatchObject({ apiVersion: `infrastructure.cluster.x-k8s.io/${infrastructureContract}`, kind: 'OpenStackMachineTemplate' });
    const capo = r.objects.filter((o) => o.kind.startsWith('OpenStack'));
    expect(capo.map((o) => o.apiVersion)).toEqual(Array(capo.length).fill(`infrastructure.cluster.x-k8s.io/${infrastructureContract}`));
  });

  it('maps the MicroK8s options, NTP drop-in included', async () => {
    // Act (hardening adds its own files and commands; they have their own tests)
    const r = await renderCluster(spec, { infrastructureContract, noHardening: true });
    // Assert
    const [cp] = byKind(r.objects, 'MicroK8sControlPlane');
    const s = cp?.['spec'] as Record<string, unknown> & { controlPlaneConfig: { initConfiguration: Record<string, unknown> } };
    expect(s['upgradeStrategy']).toBe('RollingUpgrade');
    expect(s.controlPlaneConfig.initConfiguration).toMatchObject({
      addons: ['dns', 'ingress', 'metrics-server', 'hostpath-storage', 'metallb:10.6.0.200-10.6.0.220'],
      IPinIP: true,
      disableDefaultCNI: false,
      httpProxy: 'http://proxy.corp.example.com:3128',
      snapstoreProxyScheme: 'https',
      snapstoreProxyDomain: 'snapproxy.corp.example.com',
      extraKubeletArgs: ['--max-pods=150', '--serialize-image-pulls=false'],
      extraWriteFiles: [
        {
          path: '/etc/systemd/timesyncd.conf.d/50-capi-gen.conf',
          owner: 'root:root',
          permissions: '0644',
          content: '[Time]\nNTP=ntp1.corp.example.com ntp2.corp.example.com 10.0.0.123\n',
        },
      ],
      preRunCommands: ['systemctl restart systemd-timesyncd'],
    });
  });

  it('renders objects that all validate', async () => {
    // Act
    const r = await renderCluster(spec, { infrastructureContract });
    const issues = (await Promise.all(r.objects.map((o) => validateObject(o)))).flat();
    // Assert
    expect(issues).toEqual([]);
    expect(r.objects.map((o) => o.kind)).toEqual([
      'Cluster',
      'OpenStackCluster',
      'MicroK8sControlPlane',
      'OpenStackMachineTemplate',
      'MachineDeployment',
      'MicroK8sConfigTemplate',
      'OpenStackMachineTemplate',
      'MachineDeployment',
      'MicroK8sConfigTemplate',
      'OpenStackMachineTemplate',
    ]);
  });
});

describe('microk8s-openstack refuses contract v1beta2', () => {
  it('with a REFUSED_OPTION that says why', async () => {
    // Act
    const err = await renderCluster(spec, { contract: 'v1beta2' }).catch((e: unknown) => e);
    // Assert
    expect(err).toBeInstanceOf(CapiGenError);
    const issues = (err as CapiGenError).issues;
    expect(issues.map((i) => [i.code, i.path])).toEqual([['REFUSED_OPTION', '/contract']]);
    expect(issues[0]?.message).toMatch(/does not support contract v1beta2: the MicroK8s bootstrap and control-plane providers .* serve only v1beta1 APIs and implement only the CAPI v1beta1 contract.*; supported: v1beta1$/);
  });
});
