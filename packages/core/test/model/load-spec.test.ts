// Spec checking reports every problem at once (README: "every problem at once"): the schema's,
// the spec rules' and the flavor's (model/flavor-rules.ts), with positions, in one CapiGenError.
import { describe, expect, it } from 'vitest';
import { CapiGenError, type Issue } from '../../src/errors.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import { checkClusterSpec, parseClusterSpecDocument } from '../../src/model/load-spec.ts';
import { renderClusterFromText } from '../../src/render/render-cluster.ts';

// kubeadm-docker with an even replica count, two pools of one name and a MicroK8s section.
const SPEC = `name: demo
flavor: kubeadm-docker
kubernetesVersion: v1.31.4
controlPlane:
  replicas: 2
  machine: {}
workers:
  - name: md
    replicas: 1
    machine: {}
  - name: md
    replicas: 1
    machine: {}
microk8s:
  confinement: classic
`;

function thrown(run: () => unknown): readonly Issue[] {
  try {
    run();
  } catch (err) {
    if (err instanceof CapiGenError) return err.issues;
    throw err;
  }
  throw new Error('the spec was accepted');
}

const summary = (issues: readonly Issue[]): string[] => issues.map((i) => `${i.source?.line ?? 0}:${i.source?.col ?? 0} ${i.code} ${i.path}`);

describe('parseClusterSpecDocument with the flavor', () => {
  it('reports rule problems and the flavor mismatch together, each at its line', () => {
    // Act
    const issues = thrown(() => parseClusterSpecDocument(SPEC, 'spec.yaml', { templatesDir: defaultTemplatesDir() }));
    // Assert
    expect(summary(issues)).toEqual(['5:13 SPEC_RULE /controlPlane/replicas', '11:11 SPEC_RULE /workers/1/name', '15:3 SPEC_RULE /microk8s']);
    expect(issues[2]!.message).toBe('"microk8s" options only apply to MicroK8s flavors; flavor kubeadm-docker bootstraps with kubeadm');
  });

  it('reports schema errors, rule problems and the flavor mismatch together', () => {
    // Arrange
    const text = SPEC.replace('kubernetesVersion: v1.31.4', 'kubernetesVersion: v1.31');
    // Act
    const issues = thrown(() => parseClusterSpecDocument(text, 'spec.yaml', { templatesDir: defaultTemplatesDir() }));
    // Assert
    expect(summary(issues)).toEqual(['3:20 SPEC /kubernetesVersion', '5:13 SPEC_RULE /controlPlane/replicas', '11:11 SPEC_RULE /workers/1/name', '15:3 SPEC_RULE /microk8s']);
  });

  it('reports an unknown flavor with the other problems', () => {
    // Arrange
    const text = SPEC.replace('flavor: kubeadm-docker', 'flavor: kubeadm-dokcer');
    // Act
    const issues = thrown(() => parseClusterSpecDocument(text, 'spec.yaml', { templatesDir: defaultTemplatesDir() }));
    // Assert
    expect(summary(issues)).toEqual(['5:13 SPEC_RULE /controlPlane/replicas', '11:11 SPEC_RULE /workers/1/name', '2:9 REFUSED_OPTION /flavor']);
  });
});

describe('every problem at once through the library render', () => {
  it('renderClusterFromText throws all three problems in one error', async () => {
    // Act
    const err = await renderClusterFromText(SPEC, 'spec.yaml').catch((e: unknown) => e);
    // Assert
    expect(err).toBeInstanceOf(CapiGenError);
    expect(summary((err as CapiGenError).issues)).toEqual(['5:13 SPEC_RULE /controlPlane/replicas', '11:11 SPEC_RULE /workers/1/name', '15:3 SPEC_RULE /microk8s']);
  });

  it('checkClusterSpec with a flavor reports the flavor mismatch beside the rules', () => {
    // Arrange
    const value = { name: 'demo', flavor: 'kubeadm-docker', kubernetesVersion: 'v1.31.4', controlPlane: { replicas: 2, machine: {} }, workers: [], microk8s: {} };
    // Act
    const issues = checkClusterSpec(value, { flavor: { id: 'kubeadm-docker', bootstrap: 'kubeadm', infrastructure: 'docker' } });
    // Assert
    expect(issues.map((i) => i.path)).toEqual(['/controlPlane/replicas', '/microk8s']);
  });
});
