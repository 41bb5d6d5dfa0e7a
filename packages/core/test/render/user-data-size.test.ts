// Bootstrap user-data size against Nova's limit, for every OpenStack flavor: a realistic spec
// stays under, a spec with too much node-side content is refused with USER_DATA_TOO_LARGE.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapiGenError } from '../../src/errors.ts';
import type { ClusterSpec } from '../../src/model/cluster-spec.ts';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { base64Size, checkUserDataSize, MICROK8S_CAPI_SCRIPTS, NOVA_USER_DATA_MAX_BYTES } from '../../src/render/user-data-size.ts';

function example(flavor: string): ClusterSpec {
  const file = new URL(`../../../../examples/${flavor}.yaml`, import.meta.url);
  return parseClusterSpec(readFileSync(file, 'utf8'), `examples/${flavor}.yaml`);
}

/** Deterministic filler that does not compress into anything shorter in the estimate. */
function filler(n: number, seed: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += ((i * 2654435761 + seed) >>> 0).toString(36);
  return s.slice(0, n);
}

async function rejection(spec: ClusterSpec): Promise<CapiGenError> {
  const err = await renderCluster(spec).catch((e: unknown) => e);
  if (!(err instanceof CapiGenError)) throw new Error(`expected a CapiGenError, got ${String(err)}`);
  return err;
}

describe('base64Size', () => {
  it('is 4 * ceil(n / 3), as Nova counts the encoded user_data', () => {
    // Act
    const sizes = [0, 1, 2, 3, 4, 49151, 49152].map(base64Size);
    // Assert
    expect(sizes).toEqual([0, 4, 4, 4, 8, 65536, 65536]);
    expect(Buffer.from('x'.repeat(49151)).toString('base64')).toHaveLength(65536);
  });
});

describe('microk8s-openstack user-data', () => {
  it('stays under the limit for the example spec', async () => {
    // Act
    const r = await renderCluster(example('microk8s-openstack'));
    // Assert
    expect(r.objects.length).toBeGreaterThan(0);
  });

  it('stays under the limit with the most extraKubeletArgs the spec allows (16 of 160 characters)', async () => {
    // Arrange: the spec caps the only free-size MicroK8s input, so no valid spec can exceed Nova's
    // limit on its own; hardening output and hand-written objects are covered below.
    const spec = example('microk8s-openstack');
    spec.microk8s = { ...spec.microk8s, extraKubeletArgs: Array.from({ length: 16 }, (_, i) => `--node-labels=x=${filler(160 - 16, i)}`) };
    // Act
    const r = await renderCluster(spec);
    // Assert
    expect(checkUserDataSize(r.objects, { id: 'microk8s-openstack', bootstrap: 'microk8s', infrastructure: 'openstack', contracts: ['v1beta1'], infrastructureContracts: ['v1beta1'], refusals: {}, dir: '', templates: [] })).toEqual([]);
  });

  it('counts extraWriteFiles of hand-written objects', () => {
    // Arrange
    const big = { path: '/etc/big', owner: 'root:root', permissions: '0644', content: filler(60_000, 7) };
    const cp = {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'MicroK8sControlPlane',
      metadata: { name: 'cp' },
      spec: { replicas: 1, version: 'v1.31.4', controlPlaneConfig: { initConfiguration: { extraWriteFiles: [big] } } },
    };
    const flavor = { id: 'x', bootstrap: 'microk8s', infrastructure: 'openstack', contracts: ['v1beta1'], infrastructureContracts: ['v1beta1'], refusals: {}, dir: '', templates: [] } as const;
    // Act
    const issues = checkUserDataSize([cp], flavor);
    const docker = checkUserDataSize([cp], { ...flavor, infrastructure: 'docker' });
    // Assert
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['USER_DATA_TOO_LARGE', '/spec/controlPlaneConfig/initConfiguration'],
      ['USER_DATA_TOO_LARGE', '/spec/controlPlaneConfig/initConfiguration'],
    ]);
    expect(docker).toEqual([]);
  });
});

describe('kubeadm-openstack user-data', () => {
  it('stays under the limit for the example spec with two small files', async () => {
    // Arrange
    const spec = example('kubeadm-openstack');
    spec.kubeadm = { ...spec.kubeadm, files: [0, 1].map((i) => ({ path: `/etc/capi-gen/f${i}`, content: filler(1000, i) })) };
    // Act
    const r = await renderCluster(spec);
    // Assert
    expect(r.objects.length).toBeGreaterThan(0);
  });

  it('is refused with seven files of 10000 characters (each within the CRD limit of 10240)', async () => {
    // Arrange
    const spec = example('kubeadm-openstack');
    spec.kubeadm = { ...spec.kubeadm, files: Array.from({ length: 7 }, (_, i) => ({ path: `/etc/capi-gen/f${i}`, content: filler(10_000, i) })) };
    // Act
    const err = await rejection(spec);
    // Assert
    const issues = err.issues.filter((i) => i.code === 'USER_DATA_TOO_LARGE');
    expect(issues.map((i) => [i.object.split('/')[0], i.message.split(' user-data')[0]])).toEqual([
      ['KubeadmControlPlane', 'control plane init'],
      ['KubeadmControlPlane', 'control plane join'],
      ['KubeadmConfigTemplate', 'worker'],
      ['KubeadmConfigTemplate', 'worker'],
    ]);
    expect(issues[0]?.message).toMatch(/Nova accepts at most 65535 bytes .*gzip\+base64.*contentFrom\.secret does not help/);
  });
});

// The script sizes are constants; re-measure them when the provider mirror is around.
const MIRROR = '/work/.mirror/canonical+cluster-api-bootstrap-provider-microk8s/repo';
describe.skipIf(!existsSync(MIRROR))('MicroK8s /capi-scripts sizes', () => {
  it('match the provider at 71682d3c', () => {
    // Arrange
    const git = (...args: string[]): string => spawnSync('git', ['--git-dir', MIRROR, ...args], { encoding: 'utf8' }).stdout;
    const names = git('ls-tree', '--name-only', '71682d3c', 'controllers/cloudinit/scripts/').split('\n').filter((p) => p.endsWith('.sh'));
    // Act
    const measured = Object.fromEntries(
      names.map((p) => {
        const text = git('show', `71682d3c:${p}`);
        return [p.split('/').pop()!, [Buffer.byteLength(text), text.split('\n').length - 1]];
      }),
    );
    // Assert
    expect(measured).toEqual(MICROK8S_CAPI_SCRIPTS);
  });
});

it('cites the Nova limit', () => {
  expect(NOVA_USER_DATA_MAX_BYTES).toBe(65535);
});
