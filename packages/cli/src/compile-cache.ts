// A V8 code cache for the generated CRD validators in the CLI bundle.
//
// The Ajv standalone validators are large functions (the KubeadmControlPlane one is about 500 KB
// of code): on every run V8 parses them and compiles each one the first time it is called, which
// is most of what `capi-gen lint` or `validate` spends on a small file. Node 22 has
// module.enableCompileCache for this; Node 20 (which capi-gen supports) has not, so the build
// (scripts/build.mjs) turns each validator module into a stub that calls compiledModule() with
// the validator's code as text, and this module compiles it with vm.Script, reusing the code V8
// cached on an earlier run.
//
// The code that runs is the same; only its compilation is cached. V8 checks that a cache entry
// belongs to this exact source text, V8 version and flags, and ignores it otherwise (then the
// entry is rewritten). Entries live in $CAPI_GEN_CACHE_DIR, else $XDG_CACHE_HOME/capi-gen, else
// ~/.cache/capi-gen, one file per validator per capi-gen and Node version, written when the
// process exits (atomically: temp file + rename). Any problem with the folder (read-only home,
// no home) turns caching off for the run, never the command. CAPI_GEN_COMPILE_CACHE=0 turns it
// off. The first run that uses a validator is slower (the cache entry is written).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';

// Replaced at bundle time by scripts/build.mjs with the version in package.json.
declare const CAPI_GEN_VERSION: string;

type ModuleExports = Record<string, unknown>;
/** What a validator's code evaluates to: a CommonJS-style factory. */
type Factory = (require: (specifier: string) => unknown, module: { exports: ModuleExports }, exports: ModuleExports) => void;

/** Cache folder of this run; null when caching is off. */
let folder: string | null | undefined;
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
  let cachedData: Buffer | undefined;
  if (file !== undefined) {
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(code, { filename: `capi-gen:${name}`, ...(cachedData === undefined ? {} : { cachedData }) });
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
