// A V8 code cache for the generated CRD validators in the CLI bundle.
//
// The Ajv standalone validators are large functions (the KubeadmControlPlane one is about 500 KB
// of code): on every run V8 parses them and compiles each one the first time it is called, which
// is most of what `capi-gen lint` or `validate` spends on a small file. Node 22 has
// module.enableCompileCache for this; Node 20 (which capi-gen supports) has not, so the build
// (scripts/build.mjs) turns each validator module into a stub that calls compiledModule() with
// the validator's code as text, and this module compiles it with vm.Script and a cache entry.
//
// The code that runs is the same; only its compilation is cached. V8 checks that an entry
// belongs to this exact source text, V8 version and flags, and ignores it otherwise. Entries
// come from two places, tried in this order:
// - the user's cache: $CAPI_GEN_CACHE_DIR, else $XDG_CACHE_HOME/capi-gen, else ~/.cache/capi-gen,
//   one file per validator per capi-gen and Node version, written when the process exits
//   (atomically: temp file + rename) for each validator that had no usable entry;
// - the seed the build wrote into dist/v8-seed/<Node version>/ (every validator, compiled and
//   run once at build time), so that a first run from a built checkout (every CI job on a fresh
//   machine) is as fast as a warm one. The npm tarball leaves it out (package.json `files`): it is
//   about 10 MB and fits only the exact Node build that made it. It is only read, never written. When V8 accepts it, no user entry is
//   written (the seed serves every later run too); when it is missing (capi-gen built with
//   another Node version) or rejected (other V8 flags, e.g. --max-old-space-size in NODE_OPTIONS;
//   a damaged file), the validator compiles from scratch and its user entry is written, as
//   without a seed.
// Any problem with the user's folder (read-only home, no home) turns writing off for the run,
// never the command. CAPI_GEN_COMPILE_CACHE=0 turns both off.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// Replaced at bundle time by scripts/build.mjs with the version in package.json.
declare const CAPI_GEN_VERSION: string;

type ModuleExports = Record<string, unknown>;
/** What a validator's code evaluates to: a CommonJS-style factory. */
type Factory = (require: (specifier: string) => unknown, module: { exports: ModuleExports }, exports: ModuleExports) => void;

/** Cache folder of this run; null when there is none (caching off, no home). */
let folder: string | null | undefined;
/** Whether V8 verifies the checksum of cache entries (set before the first one is read). */
let checksums = false;
/** Seed folder of this Node version; null when caching is off. */
let seedFolder: string | null | undefined;
/** Scripts compiled without a usable cache entry: written at exit, after their functions ran. */
const toWrite: { file: string; script: Script }[] = [];

function cacheFolder(): string | null {
  if (folder !== undefined) return folder;
  const env = process.env;
  if (env['CAPI_GEN_COMPILE_CACHE'] === '0') return (folder = null);
  let base = env['CAPI_GEN_CACHE_DIR'];
  if (base === undefined || base === '') {
    const xdg = env['XDG_CACHE_HOME'];
    let home = '';
    try {
      home = homedir();
    } catch {
      home = '';
    }
    if ((xdg === undefined || xdg === '') && home === '') return (folder = null);
    base = join(xdg !== undefined && xdg !== '' ? xdg : join(home, '.cache'), 'capi-gen');
  }
  return (folder = join(base, `v8-${CAPI_GEN_VERSION}-node${process.versions.node}`));
}

function seedFolderOf(): string | null {
  if (seedFolder !== undefined) return seedFolder;
  if (process.env['CAPI_GEN_COMPILE_CACHE'] === '0') return (seedFolder = null);
  // why: this module is bundled into dist/chunks/ (scripts/build.mjs checks), the seed is in
  // dist/v8-seed/<node version>/.
  return (seedFolder = fileURLToPath(new URL(`../v8-seed/${process.versions.node}/`, import.meta.url)));
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeEntries(): void {
  for (const { file, script } of toWrite) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, file);
    } catch {
      // why: a cache that cannot be written only costs speed; leave no temp file behind.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The folder itself is not there (or not a folder): nothing was written.
      }
    }
  }
  toWrite.length = 0;
}

/**
 * Evaluates a module's code (CommonJS form, wrapped as `(function (require, module, exports) {...})`)
 * with V8's code cache. `hash` names the code (the build computes it from the text), `deps` are
 * the modules its `require` calls may ask for.
 */
export function compiledModule(name: string, hash: string, code: string, deps: Readonly<Record<string, unknown>>): ModuleExports {
  const dir = cacheFolder();
  const file = dir === null ? undefined : join(dir, `${hash}.bin`);
  if (!checksums && (dir !== null || seedFolderOf() !== null)) {
    // why: V8 release builds do not verify an entry's checksum, and a damaged payload crashes the
    // process (SIGSEGV) instead of being rejected. The flag makes V8 check it (about 0.03 ms for
    // the 640 KB KubeadmControlPlane entry); it is part of V8's flag hash, so entries written
    // without it (and the seed, if the build did not set it) are rejected, not misread.
    setFlagsFromString('--verify-snapshot-checksum');
    checksums = true;
  }
  // The user's entry first (written when the seed was missing or rejected), else the seed.
  let cachedData = file === undefined ? undefined : readOrUndefined(file);
  const seeds = cachedData === undefined ? seedFolderOf() : null;
  if (seeds !== null) cachedData = readOrUndefined(join(seeds, `${hash}.bin`));
  const script = new Script(code, { filename: `capi-gen:${name}`, ...(cachedData === undefined ? {} : { cachedData }) });
  // An accepted entry (user's or seed) is not written again; a missing or rejected one is.
  if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    if (toWrite.length === 0) process.once('exit', writeEntries);
    toWrite.push({ file, script });
  }
  const factory = script.runInThisContext() as Factory;
  const module = { exports: {} as ModuleExports };
  factory(
    (specifier) => {
      if (!Object.hasOwn(deps, specifier)) throw new Error(`capi-gen: ${name} requires ${specifier}, which the build did not provide`);
      return deps[specifier];
    },
    module,
    module.exports,
  );
  return module.exports;
}
