// Test helper: runs the BUILT capi-gen CLI (bin/capi-gen.js -> dist/) as a child process.
// The bundle is rebuilt (without the typecheck) when it is missing or older than any source it
// is made from; a lock directory keeps parallel test files from building at the same time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR: string = resolve(CLI_DIR, '..', '..');
export const BIN: string = join(CLI_DIR, 'bin', 'capi-gen.js');
const DIST_MAIN = join(CLI_DIR, 'dist', 'capi-gen.js');
const LOCK = join(CLI_DIR, 'node_modules', '.capi-gen-build.lock');
// A lock older than this was left by a killed run.
const STALE_LOCK_MS = 120_000;

const SOURCES = [
  join(CLI_DIR, 'src'),
  join(CLI_DIR, 'scripts', 'build.mjs'),
  join(CLI_DIR, 'package.json'),
  join(REPO_DIR, 'packages', 'core', 'src'),
  join(REPO_DIR, 'packages', 'crds', 'gen'),
  join(REPO_DIR, 'packages', 'crds', 'runtime'),
  join(REPO_DIR, 'templates'),
];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isFresh(): boolean {
  let built: number;
  try {
    built = statSync(DIST_MAIN).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((s) => newestMtime(s) <= built);
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmdirSync(LOCK);
    } catch {
      // Another process removed it first.
    }
    return false;
  }
}

/** Builds dist/ unless it is up to date. Call it in beforeAll. */
export async function ensureBuilt(): Promise<void> {
  while (!isFresh()) {
    if (!tryLock()) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (isFresh()) return;
      const r = spawnSync(process.execPath, ['scripts/build.mjs', '--no-typecheck'], { cwd: CLI_DIR, encoding: 'utf8' });
      if (r.status !== 0) {
        throw new Error(`building the CLI failed (node packages/cli/scripts/build.mjs --no-typecheck); run pnpm build to see why\n${r.stderr}`);
      }
    } finally {
      rmdirSync(LOCK);
    }
  }
}

/** What one run of the CLI printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Working directory; defaults to the repository root. */
  readonly cwd?: string;
  /** Text written to stdin; stdin is closed at once when absent. */
  readonly input?: string;
  /** The command to run instead of `node bin/capi-gen.js` (e.g. an installed one). */
  readonly command?: readonly string[];
  /** The environment; defaults to this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `capi-gen <args>` as a child process and waits for it to exit. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const [cmd, ...pre] = options.command ?? [process.execPath, BIN];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd ?? process.execPath, [...pre, ...args], { cwd: options.cwd ?? REPO_DIR, env: { ...(options.env ?? process.env), NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
