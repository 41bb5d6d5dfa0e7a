// `capi-gen harden` through the BUILT CLI: "already hardened" only when there was something to
// harden, "nothing to harden" otherwise, a warning for each object of a hardened kind in an API
// version capi-gen does not harden, and YAML syntax errors located as `capi-gen validate` locates them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-harden-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const V1ALPHA4 = `apiVersion: controlplane.cluster.x-k8s.io/v1alpha4
kind: KubeadmControlPlane
metadata:
  name: cp
spec:
  replicas: 1
  version: v1.22.0
  kubeadmConfigSpec: {}
---
apiVersion: bootstrap.cluster.x-k8s.io/v1alpha4
kind: KubeadmConfigTemplate
metadata:
  name: md-0
spec:
  template:
    spec: {}
`;

describe('capi-gen harden: what there was to harden', () => {
  it('names every object of a hardened kind in an unhandled API version and says there was nothing to harden (exit 0)', async () => {
    // Arrange
    const path = file('v1alpha4.yaml', V1ALPHA4);
    // Act
    const r = await runCli(['harden', path]);
    // Assert
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(V1ALPHA4);
    expect(r.stderr).toBe(
      [
        'warning: left alone: KubeadmControlPlane/cp is controlplane.cluster.x-k8s.io/v1alpha4; capi-gen hardens v1beta1/v1beta2; move it to a served version first',
        'warning: left alone: KubeadmConfigTemplate/md-0 is bootstrap.cluster.x-k8s.io/v1alpha4; capi-gen hardens v1beta1/v1beta2; move it to a served version first',
        `capi-gen: ${path}: nothing to harden: no bootstrap/control-plane objects capi-gen hardens`,
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a Secret', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n'],
    ['a topology Cluster', 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  topology:\n    class: quick-start\n    version: v1.31.0\n'],
  ])('says "nothing to harden" for %s, without warnings (exit 0)', async (_what, text) => {
    // Arrange
    const path = file('plain.yaml', text);
    // Act
    const r = await runCli(['harden', path]);
    // Assert
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`capi-gen: ${path}: nothing to harden: no bootstrap/control-plane objects capi-gen hardens\n`);
  });

  it('says "already hardened" for hardened targets', async () => {
    // Arrange
    const rendered = await runCli(['render', 'examples/kubeadm-docker.yaml']);
    const path = file('rendered.yaml', rendered.stdout);
    // Act
    const r = await runCli(['harden', path]);
    // Assert
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`capi-gen: ${path}: already hardened, nothing to change\n`);
  });
});

describe('capi-gen harden: YAML syntax errors', () => {
  it('reports an unclosed [ where validate does: the line and column inside the document, its Kind/name and the pointer (exit 2)', async () => {
    // Arrange
    const path = file('bad.yaml', 'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  b: [\n    1\n');
    // Act
    const harden = await runCli(['harden', path]);
    const validate = await runCli(['validate', path]);
    // Assert
    const located = /^(\S+:\d+:\d+: error YAML_SYNTAX X\/a \/metadata\/b\/0: .*\(BAD_INDENT\)); /m;
    const where = located.exec(validate.stdout + validate.stderr)?.[1];
    expect(where).toBeDefined();
    expect(harden.code).toBe(2);
    expect(harden.stdout).toBe('');
    expect(harden.stderr).toBe(`${where}; nothing was hardened: fix the YAML syntax here\ncapi-gen: ${path} was not hardened; fix the problems above\n`);
  });
});
