import { describe, expect, it } from 'vitest';
import { CRDS } from '@capi-gen/crds';
import { lintText } from '../../src/lint/engine.ts';
import { LIFECYCLE_RULES } from '../../src/lint/rules/lifecycle.ts';
import { check, dedent, lintWith, ruleById, where } from './_context.ts';

const deprecated = ruleById(LIFECYCLE_RULES, 'api/deprecated-version');
const removed = ruleById(LIFECYCLE_RULES, 'api/removed-kind');
const docker = ruleById(LIFECYCLE_RULES, 'api/docker-kind-removed');
const microk8s = ruleById(LIFECYCLE_RULES, 'api/microk8s-contract');

const object = (apiVersion: string, kind: string, name = 'x'): string => dedent`
  apiVersion: ${apiVersion}
  kind: ${kind}
  metadata:
    name: ${name}
`;

describe('api/deprecated-version', () => {
  it('passes for v1beta2 CAPI objects and for MicroK8s v1beta1 (served, not deprecated)', async () => {
    const text = [object('cluster.x-k8s.io/v1beta2', 'Cluster'), object('bootstrap.cluster.x-k8s.io/v1beta1', 'MicroK8sConfigTemplate')].join('---\n');
    expect(await lintWith(deprecated, text)).toEqual([]);
  });

  it('reports a v1beta1 Cluster as a warning at apiVersion, naming the replacement version', async () => {
    // Arrange
    const text = object('cluster.x-k8s.io/v1beta2', 'Cluster', 'new') + '---\n' + object('cluster.x-k8s.io/v1beta1', 'Cluster', 'old');
    // Act
    const found = await lintWith(deprecated, text);
    // Assert
    expect(where(found)).toEqual(['6:13 /apiVersion']);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.object).toBe('Cluster/old');
    expect(found[0]!.message).toContain('use cluster.x-k8s.io/v1beta2');
    expect(found[0]!.message).toContain('v1.11');
  });

  it('follows the registry: every deprecated entry is reported, every other one is not (Docker* go to api/docker-kind-removed)', async () => {
    for (const crd of CRDS) {
      // Act
      const found = await check(deprecated, object(`${crd.group}/${crd.version}`, crd.kind));
      // Assert
      const expected = crd.deprecated && !crd.kind.startsWith('Docker') ? 1 : 0;
      expect(found.length, `${crd.group}/${crd.version} ${crd.kind}`).toBe(expected);
    }
  });

  it('tells MicroK8s users to keep v1beta1 for now instead of moving to v1beta2', async () => {
    // Arrange
    const text = object('cluster.x-k8s.io/v1beta1', 'Cluster') + '---\n' + object('controlplane.cluster.x-k8s.io/v1beta1', 'MicroK8sControlPlane');
    // Act
    const found = await lintWith(deprecated, text);
    // Assert
    expect(where(found)).toEqual(['1:13 /apiVersion']);
    expect(found[0]!.message).toContain('keep v1beta1');
  });
});

/** A Dev* kind and a served CAPO version: neither removal rule may report them. */
const SERVED_INFRA = [object('infrastructure.cluster.x-k8s.io/v1beta2', 'DevCluster'), object('infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackCluster')].join('---\n');

describe('api/removed-kind', () => {
  it('passes for Dev* kinds and served CAPO versions', async () => {
    const text = SERVED_INFRA;
    expect(await lintWith(removed, text)).toEqual([]);
  });

  it('reports removed CAPI and CAPO versions of kinds the validator does not know (Machine, OpenStackMachine)', async () => {
    // Arrange
    const text = object('cluster.x-k8s.io/v1alpha4', 'Machine') + '---\n' + object('infrastructure.cluster.x-k8s.io/v1alpha6', 'OpenStackMachine');
    // Act
    const found = await lintWith(removed, text);
    // Assert
    expect(where(found)).toEqual(['1:13 /apiVersion', '6:13 /apiVersion']);
    expect(found[0]!.message).toContain('cluster.x-k8s.io/v1beta2');
    expect(found[1]!.message).toContain('CAPO');
  });

  it('leaves removed versions the validator already reports to api/unknown-version: one finding, not two', async () => {
    // Arrange: CAPO v1alpha7 OpenStackCluster is a vendored kind, so the validator reports the version
    const text = object('infrastructure.cluster.x-k8s.io/v1alpha7', 'OpenStackCluster');
    // Act
    const all = (await lintText(text, { file: 'test.yaml', rules: LIFECYCLE_RULES })).findings;
    // Assert
    expect(all.map((f) => `${f.source.line}:${f.source.col} ${f.ruleId}`)).toEqual(['1:13 api/unknown-version']);
  });
});

describe('api/docker-kind-removed', () => {
  it('passes for Dev* kinds and other infrastructure kinds', async () => {
    const text = SERVED_INFRA;
    expect(await lintWith(docker, text)).toEqual([]);
  });

  it('reports Docker* kinds as warnings at apiVersion, naming the Dev* kind; api/removed-kind stays silent on them', async () => {
    // Arrange
    const text = object('infrastructure.cluster.x-k8s.io/v1beta2', 'DevCluster') + '---\n' + object('infrastructure.cluster.x-k8s.io/v1beta1', 'DockerMachineTemplate');
    // Act
    const found = await lintWith(docker, text);
    const byRemoved = await lintWith(removed, text);
    // Assert
    expect(where(found)).toEqual(['6:13 /apiVersion']);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toContain('v1.15');
    expect(found[0]!.message).toContain('DevMachineTemplate');
    expect(byRemoved).toEqual([]);
  });
});

describe('api/microk8s-contract', () => {
  const mkCluster = (version: string): string => dedent`
    apiVersion: cluster.x-k8s.io/${version}
    kind: Cluster
    metadata:
      name: mk
    ---
    apiVersion: controlplane.cluster.x-k8s.io/v1beta1
    kind: MicroK8sControlPlane
    metadata:
      name: mk-cp
  `;

  it('passes for MicroK8s objects with v1beta1 core objects, and for v1beta2 files without MicroK8s', async () => {
    expect(await lintWith(microk8s, mkCluster('v1beta1'))).toEqual([]);
    expect(await lintWith(microk8s, object('cluster.x-k8s.io/v1beta2', 'Cluster'))).toEqual([]);
  });

  it('reports a v1beta2 Cluster in a file with MicroK8s objects, at its apiVersion', async () => {
    // Act
    const found = await lintWith(microk8s, mkCluster('v1beta2'));
    // Assert
    expect(where(found)).toEqual(['1:13 /apiVersion']);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('v1beta1 contract');
  });

  it('reports a v1beta2 MachineDeployment whose configRef is a MicroK8sConfigTemplate, even when the template is elsewhere', async () => {
    // Arrange
    const text = dedent`
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: MachineDeployment
      metadata:
        name: md
      spec:
        clusterName: mk
        template:
          spec:
            clusterName: mk
            bootstrap:
              configRef:
                apiGroup: bootstrap.cluster.x-k8s.io
                kind: MicroK8sConfigTemplate
                name: md
    `;
    // Act
    const found = await lintWith(microk8s, text);
    // Assert
    expect(where(found)).toEqual(['1:13 /apiVersion']);
    expect(found[0]!.message).toContain('MicroK8sConfigTemplate');
  });
});
