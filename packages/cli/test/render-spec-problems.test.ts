// `capi-gen render` prints every problem of a spec at once (README): schema errors, spec rules
// and what the flavor cannot use, one file:line:col line each, exit 2, nothing on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';

const SPEC = `name: demo
flavor: kubeadm-docker
kubernetesVersion: v1.31
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

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-gen-render-problems-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  await ensureBuilt();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capi-gen render with several spec problems', () => {
  it('prints the schema error, the rule problems and the flavor mismatch together', async () => {
    // Act
    const run = await runCli(['render', 'spec.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n').map((l) => l.split(' ').slice(0, 5).join(' '))).toEqual([
      'spec.yaml:3:20: error SPEC ClusterSpec/demo /kubernetesVersion:',
      'spec.yaml:5:13: error SPEC_RULE ClusterSpec/demo /controlPlane/replicas:',
      'spec.yaml:11:11: error SPEC_RULE ClusterSpec/demo /workers/1/name:',
      'spec.yaml:15:3: error SPEC_RULE ClusterSpec/demo /microk8s:',
    ]);
  });
});
