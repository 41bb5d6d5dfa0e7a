// Invalid specs are refused before anything is rendered, the same way through the library
// (renderClusterFromText throws a CapiGenError whose issues carry file:line:col) and through the
// built CLI (exit 2, nothing on stdout, one `file:line:col: error CODE ClusterSpec/name /pointer:`
// line per problem on stderr).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapiGenError, formatIssue, renderClusterFromText, type Issue, type RenderOptions } from '../../packages/core/src/index.ts';
import { ensureBuilt, runCli } from '../../packages/cli/test/_built-cli.ts';

const VALID = `name: demo
flavor: kubeadm-docker
kubernetesVersion: v1.31.4
controlPlane:
  replicas: 1
  machine: {}
workers: []
`;

const MICROK8S = `name: edge
flavor: microk8s-openstack
kubernetesVersion: v1.31.4
controlPlane:
  replicas: 3
  machine:
    openstack: { flavor: m1.medium, image: ubuntu-22.04 }
workers: []
openstack:
  cloudName: openstack
  identitySecret: cloud-config
`;

interface Case {
  readonly title: string;
  readonly text: string;
  readonly code: Issue['code'];
  readonly object: string;
  readonly path: string;
  /** Where the offending key or value starts. */
  readonly line: number;
  readonly col: number;
}

const CASES: readonly Case[] = [
  { title: 'an unknown key (at the key)', text: `${VALID}bogus: 1\n`, code: 'SPEC', object: 'ClusterSpec/demo', path: '/bogus', line: 8, col: 1 },
  {
    title: 'an unknown nested key (at the key)',
    text: VALID.replace('  machine: {}', '  machine:\n    dokcer: {}'),
    code: 'SPEC',
    object: 'ClusterSpec/demo',
    path: '/controlPlane/machine/dokcer',
    line: 7,
    col: 5,
  },
  { title: 'a wrong type (at the value)', text: VALID.replace('replicas: 1', 'replicas: "3"'), code: 'SPEC', object: 'ClusterSpec/demo', path: '/controlPlane/replicas', line: 5, col: 13 },
  { title: 'replicas 0', text: VALID.replace('replicas: 1', 'replicas: 0'), code: 'SPEC', object: 'ClusterSpec/demo', path: '/controlPlane/replicas', line: 5, col: 13 },
  { title: 'replicas 2 (even)', text: VALID.replace('replicas: 1', 'replicas: 2'), code: 'SPEC_RULE', object: 'ClusterSpec/demo', path: '/controlPlane/replicas', line: 5, col: 13 },
  { title: 'version 1.31 (a YAML number)', text: VALID.replace('v1.31.4', '1.31'), code: 'SPEC', object: 'ClusterSpec/demo', path: '/kubernetesVersion', line: 3, col: 20 },
  { title: 'version v1.31 (no patch)', text: VALID.replace('v1.31.4', 'v1.31'), code: 'SPEC', object: 'ClusterSpec/demo', path: '/kubernetesVersion', line: 3, col: 20 },
  { title: 'a name that is no DNS label', text: VALID.replace('name: demo', 'name: Prod_Cluster'), code: 'SPEC', object: 'ClusterSpec/Prod_Cluster', path: '/name', line: 1, col: 7 },
  {
    title: 'contract v1beta2 in a MicroK8s spec',
    text: MICROK8S.replace('flavor: microk8s-openstack\n', 'flavor: microk8s-openstack\ncontract: v1beta2\n'),
    code: 'REFUSED_OPTION',
    object: 'ClusterSpec',
    path: '/contract',
    line: 3,
    col: 11,
  },
];

async function renderError(text: string, options: RenderOptions = {}): Promise<CapiGenError> {
  try {
    await renderClusterFromText(text, 'x.yaml', options);
  } catch (err) {
    if (err instanceof CapiGenError) return err;
    throw err;
  }
  throw new Error('renderClusterFromText accepted an invalid spec');
}

describe('renderClusterFromText refuses', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    // Act
    const err = await renderError(c.text);
    // Assert
    const issue = err.issues.find((i) => i.path === c.path);
    expect(issue, formatIssue(err.issues[0]!)).toMatchObject({ code: c.code, severity: 'error', path: c.path });
    expect(issue!.object.startsWith(c.object)).toBe(true);
    // Flavor refusals come without a position from the library; the CLI adds it (below).
    if (c.code !== 'REFUSED_OPTION') expect(issue!.source).toEqual({ file: 'x.yaml', line: c.line, col: c.col });
  });

  it('a MicroK8s flavor with contract v1beta2 as an option, saying why', async () => {
    // Act
    const err = await renderError(MICROK8S, { contract: 'v1beta2' });
    // Assert
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ code: 'REFUSED_OPTION', path: '/contract' });
    expect(err.issues[0]!.message).toMatch(/microk8s-openstack does not support contract v1beta2: .+; supported: v1beta1/);
  });
});

describe('capi-gen render refuses', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'capi-gen-spec-errors-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.title, c] as const))('%s: exit 2, nothing on stdout, file:line:col on stderr', async (_title, c) => {
    // Arrange
    writeFileSync(join(dir, 'x.yaml'), c.text);
    // Act
    const run = await runCli(['render', 'x.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const object = c.code === 'REFUSED_OPTION' ? 'ClusterSpec/edge' : c.object;
    expect(run.stderr).toContain(`x.yaml:${c.line}:${c.col}: error ${c.code} ${object} ${c.path}: `);
  });

  it('--contract v1beta2 for a MicroK8s flavor: exit 2, names the option and says why', async () => {
    // Arrange
    writeFileSync(join(dir, 'x.yaml'), MICROK8S);
    // Act
    const run = await runCli(['render', 'x.yaml', '--contract', 'v1beta2'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^capi-gen: --contract v1beta2: error REFUSED_OPTION ClusterSpec\/edge \/contract: flavor microk8s-openstack does not support contract v1beta2: .+; supported: v1beta1\n$/);
  });

  it('every problem of a spec at once', async () => {
    // Arrange
    writeFileSync(join(dir, 'x.yaml'), VALID.replace('name: demo', 'name: Prod_Cluster').replace('v1.31.4', 'v1.31') + 'bogus: 1\n');
    // Act
    const run = await runCli(['render', 'x.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 4).join(' ')).sort()).toEqual([
      'x.yaml:1:7: error SPEC ClusterSpec/Prod_Cluster',
      'x.yaml:3:20: error SPEC ClusterSpec/Prod_Cluster',
      'x.yaml:8:1: error SPEC ClusterSpec/Prod_Cluster',
    ]);
  });

  it.each([
    ['an unknown flavor', VALID.replace('kubeadm-docker', 'kubeadm-vsphere'), [], /^x\.yaml:2:9: error REFUSED_OPTION ClusterSpec\/demo \/flavor: unknown flavor "kubeadm-vsphere"/],
    ['a missing file', null, [], /^capi-gen: cannot read x\.yaml: no such file or directory/],
    ['a bad option value', VALID, ['--contract', 'v2'], /^capi-gen: --contract must be v1beta1 or v1beta2, got "v2"/],
    ['an unknown option', VALID, ['--flavour', 'x'], /^capi-gen: unknown option --flavour for render/],
  ] as const)('%s: exit 2, nothing on stdout', async (_title, text, args, stderr) => {
    // Arrange
    rmSync(join(dir, 'x.yaml'), { force: true });
    if (text !== null) writeFileSync(join(dir, 'x.yaml'), text);
    // Act
    const run = await runCli(['render', 'x.yaml', ...args], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
  });
});
