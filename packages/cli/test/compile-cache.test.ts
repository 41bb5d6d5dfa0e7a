// The built CLI compiles the CRD validators through src/compile-cache.ts (V8 code cache): the
// output is the same with the cache cold, warm, corrupted, unwritable or turned off, and the
// cache is written where the environment says, once per validator.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'capi-gen-compile-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureBuilt();
}, 120_000);

// Two kinds with validators, one finding each (an unknown field, a bad enum value).
const MANIFEST = `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: c1
spec:
  pausd: true
---
apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: KubeadmControlPlane
metadata:
  name: cp
spec:
  version: v1.33.0
  rollout:
    strategy: {type: Sideways}
`;
const file = join(work, 'm.yaml');
writeFileSync(file, MANIFEST);

/** The environment with caching pointed at `dir` (or turned off). */
function env(dir: string | undefined, off = false): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CAPI_GEN_CACHE_DIR: dir ?? '' };
  if (dir === undefined) delete e['CAPI_GEN_CACHE_DIR'];
  if (off) e['CAPI_GEN_COMPILE_CACHE'] = '0';
  else delete e['CAPI_GEN_COMPILE_CACHE'];
  return e;
}

function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.bin')).sort();
}

describe('compile cache of the CRD validators', () => {
  it('gives the same findings cold, warm, corrupted and off, and writes one entry per validator used', async () => {
    // Arrange
    const dir = join(work, 'cache');
    // Act
    const off = await runCli(['lint', file, '--format', 'json'], { env: env(dir, true), cwd: REPO_DIR });
    const afterOff = entries(dir);
    const cold = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR });
    const written = entries(dir);
    const warm = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR });
    for (const e of written) writeFileSync(join(dir, e), 'not a V8 code cache');
    const corrupted = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR });
    // Assert
    expect(off.code).toBe(1);
    expect(off.stdout).toContain('"schema/unknown-field"');
    expect(off.stdout).toContain('/spec/rollout/strategy/type');
    expect(afterOff).toEqual([]);
    for (const run of [cold, warm, corrupted]) {
      expect(run.stderr).toBe(off.stderr);
      expect(run.stdout).toBe(off.stdout);
      expect(run.code).toBe(1);
    }
    // Cluster and KubeadmControlPlane v1beta2, in a folder named by capi-gen and Node version.
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(new RegExp(`^v8-[^/]+-node${process.versions.node.replace(/\./g, '\\.')}/[0-9a-f]{24}\\.bin$`));
    // The rejected entries were rewritten.
    for (const e of written) expect(readFileSync(join(dir, e), 'utf8')).not.toBe('not a V8 code cache');
  });

  it('works when the cache folder cannot be created, and honours XDG_CACHE_HOME', async () => {
    // Arrange: a file where the folder would go
    const blocked = join(work, 'blocked');
    writeFileSync(blocked, '');
    const xdg = join(work, 'xdg');
    mkdirSync(xdg);
    // Act
    const run = await runCli(['lint', file], { env: env(join(blocked, 'sub')), cwd: REPO_DIR });
    const viaXdg = await runCli(['lint', file], { env: { ...env(undefined), XDG_CACHE_HOME: xdg }, cwd: REPO_DIR });
    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\d+ errors, \d+ warnings, \d+ info in 1 file\n$/);
    expect(run.stdout).toContain('schema/unknown-field');
    expect(viaXdg.stdout).toBe(run.stdout);
    expect(viaXdg.stderr).toBe(run.stderr);
    expect(entries(join(xdg, 'capi-gen'))).toHaveLength(2);
  });
});
