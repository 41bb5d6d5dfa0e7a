// The built CLI compiles the CRD validators through src/compile-cache.ts (V8 code cache): the
// output is the same with the cache cold, warm, corrupted, unwritable or turned off, the cache is
// written where the environment says, once per validator, and the seed the build puts into
// dist/v8-seed/<Node version>/ serves a cold user cache (nothing is written then) or, missing or
// rejected, changes nothing but speed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CLI_DIR, ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'capi-gen-compile-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The seed folder of a CLI folder (packages/cli or a copy of it). */
const seedOf = (cliDir: string): string => join(cliDir, 'dist', 'v8-seed', process.versions.node);

/** Copies the built CLI (bin, dist, package.json) to `work/<label>`, lets `change` alter its seed, returns the command. */
function cliCopy(label: string, change: (seedDir: string) => void): string[] {
  const dir = join(work, label);
  for (const p of ['bin', 'dist', 'package.json']) cpSync(join(CLI_DIR, p), join(dir, p), { recursive: true });
  change(seedOf(dir));
  return [process.execPath, join(dir, 'bin', 'capi-gen.js')];
}

/** Applies `f` to every seed file of a folder. */
function eachSeed(seedDir: string, f: (file: string) => void): void {
  for (const name of readdirSync(seedDir)) f(join(seedDir, name));
}

let noSeed: string[];
let garbageSeed: string[];
let flippedSeed: string[];
beforeAll(async () => {
  await ensureBuilt();
  // Another Node version built the seed: no folder for this one.
  noSeed = cliCopy('no-seed', (seed) => renameSync(seed, join(seed, '..', '0.0.0')));
  // Not a V8 code cache at all (V8 checks a magic number, its version and flag hash, the length).
  garbageSeed = cliCopy('garbage-seed', (seed) => eachSeed(seed, (f) => writeFileSync(f, 'not a V8 code cache')));
  // A damaged payload behind an intact header: Node 20's V8 crashes on it unless it verifies the checksum.
  flippedSeed = cliCopy('flipped-seed', (seed) =>
    eachSeed(seed, (f) => {
      const data = readFileSync(f);
      for (const at of [5_000, 20_000]) if (at < data.length) data[at] = (data[at] ?? 0) ^ 0xff;
      writeFileSync(f, data);
    }),
  );
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
    // Arrange: a CLI without a seed for this Node version, so that every run uses the user cache
    const dir = join(work, 'cache');
    const command = noSeed;
    // Act
    const off = await runCli(['lint', file, '--format', 'json'], { env: env(dir, true), cwd: REPO_DIR, command });
    const afterOff = entries(dir);
    const cold = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR, command });
    const written = entries(dir);
    const warm = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR, command });
    for (const e of written) writeFileSync(join(dir, e), 'not a V8 code cache');
    const corrupted = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR, command });
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
    // Arrange: a file where the folder would go; a CLI without a seed, so that entries are written
    const blocked = join(work, 'blocked');
    writeFileSync(blocked, '');
    const xdg = join(work, 'xdg');
    mkdirSync(xdg);
    // Act
    const run = await runCli(['lint', file], { env: env(join(blocked, 'sub')), cwd: REPO_DIR, command: noSeed });
    const viaXdg = await runCli(['lint', file], { env: { ...env(undefined), XDG_CACHE_HOME: xdg }, cwd: REPO_DIR, command: noSeed });
    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\d+ errors, \d+ warnings, \d+ info in 1 file\n$/);
    expect(run.stdout).toContain('schema/unknown-field');
    expect(viaXdg.stdout).toBe(run.stdout);
    expect(viaXdg.stderr).toBe(run.stderr);
    expect(entries(join(xdg, 'capi-gen'))).toHaveLength(2);
  });

  it('serves a cold user cache from the seed in dist: same findings, no user entry written, dist unchanged', async () => {
    // Arrange
    const dir = join(work, 'cache-seeded');
    const seed = seedOf(CLI_DIR);
    const seedBefore = readdirSync(seed).map((f) => `${f} ${statSync(join(seed, f)).size} ${statSync(join(seed, f)).mtimeMs}`);
    // Act
    const off = await runCli(['lint', file, '--format', 'json'], { env: env(dir, true), cwd: REPO_DIR });
    const seeded = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR });
    const again = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR });
    // Assert
    expect(seedBefore.length).toBeGreaterThanOrEqual(2);
    for (const run of [seeded, again]) {
      expect(run.stdout).toBe(off.stdout);
      expect(run.stderr).toBe(off.stderr);
      expect(run.code).toBe(1);
    }
    // V8 accepted the seed: a missing or rejected entry would have been written to the user cache.
    expect(entries(dir)).toEqual([]);
    expect(readdirSync(seed).map((f) => `${f} ${statSync(join(seed, f)).size} ${statSync(join(seed, f)).mtimeMs}`)).toEqual(seedBefore);
  });

  it('is not in the npm package: the seed only fits the exact Node build that made it (about 10 MB)', () => {
    // Arrange: npm as on a user's machine, without the npm_config_* variables pnpm exports
    const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    expect(readdirSync(seedOf(CLI_DIR)).length).toBeGreaterThan(0);
    // Act
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: CLI_DIR, encoding: 'utf8', env: npmEnv });
    // Assert
    expect(r.status).toBe(0);
    const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
    const paths = (pack?.files ?? []).map((f) => f.path);
    expect(paths.filter((p) => p.startsWith('dist/chunks/')).length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('dist/v8-seed/'))).toEqual([]);
  });

  it.each([
    ['damaged (not a code cache)', () => garbageSeed],
    ['damaged (payload bytes flipped)', () => flippedSeed],
    ['built with other V8 flags', () => [process.execPath, '--max-old-space-size=3000', BIN]],
  ])('ignores a seed that is %s: same findings, no crash, user entries written', async (_label, command) => {
    // Arrange
    const dir = mkdtempSync(join(work, 'cache-rejected-'));
    // Act
    const off = await runCli(['lint', file, '--format', 'json'], { env: env(dir, true), cwd: REPO_DIR });
    const run = await runCli(['lint', file, '--format', 'json'], { env: env(dir), cwd: REPO_DIR, command: command() });
    // Assert
    expect(run.stderr).toBe(off.stderr);
    expect(run.stdout).toBe(off.stdout);
    expect(run.code).toBe(1);
    expect(entries(dir)).toHaveLength(2);
  });
});
