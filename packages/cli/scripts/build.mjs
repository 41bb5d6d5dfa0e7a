// Builds the capi-gen CLI: a `tsc --noEmit` typecheck, then one esbuild bundle in dist/.
//
//   node scripts/build.mjs                 typecheck + bundle (what `pnpm build` runs)
//   node scripts/build.mjs --no-typecheck  bundle only (the CLI tests use this when dist is stale)
//
// The bundle has no runtime dependencies: @capi-gen/core is bundled from its TypeScript sources
// (the `source` export condition) together with yaml, the CEL library and @capi-gen/crds. With
// splitting, every `import()` becomes its own chunk under dist/chunks/: each precompiled CRD
// validator and schema is loaded only when a document of that kind is validated, and the
// validate command itself is loaded only when it runs (`--help` stays cheap). Chunk names are
// content hashes, so two builds of the same sources are byte-identical.
//
// The built-in flavors (the @capi-gen/templates package: flavors/, partials/, scripts/) are
// copied to dist/templates/, and `render` passes that folder to the library explicitly: once the
// CLI is installed alone there is no @capi-gen/templates package to resolve. Files are copied
// in sorted order with their bytes unchanged, so the copy is as deterministic as the bundle.
//
// After bundling, the build writes the V8 code-cache seed of the validators into
// dist/v8-seed/<Node version>/ (see writeSeed), so that a first run is as fast as a warm one.
// Unlike the bundle, the seed differs between two builds in a few thousand bytes per file: V8
// stores string hashes, which use a random seed per process.
//
// Startup time is most of a typical run (`validate` on a few documents must stay under 150 ms
// for the whole process), so the bundle is minified, and yaml is taken as its ES module build
// (see yamlEsm below).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import * as esbuild from 'esbuild';

// `node scripts/build.mjs --write-seed <dir>` is the seed writer (see writeSeed below), which the
// build runs as a child process with the validators as JSON on stdin; it is not for direct use.
if (process.argv[2] === '--write-seed') {
  const dir = process.argv[3];
  if (dir === undefined) throw new Error('capi-gen build: --write-seed needs a folder');
  await writeSeed(dir, JSON.parse(readFileSync(0, 'utf8')));
  process.exit(0);
}

const pkgDir = dirname(dirname(fileURLToPath(import.meta.url)));
const distDir = join(pkgDir, 'dist');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const args = new Set(process.argv.slice(2));

if (!args.has('--no-typecheck')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: pkgDir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('capi-gen build: typecheck failed (tsc -p packages/cli/tsconfig.json); fix the errors above');
    process.exit(1);
  }
}

// yaml's `node` export is CommonJS, which esbuild can neither tree-shake nor load without a
// require() shim; its ES module build (the `default` export, same code) is smaller and faster to
// start. The node platform always applies the `node` condition, so point `yaml` at it directly.
const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, async (a) => {
      const r = await b.resolve('yaml/package.json', { kind: a.kind, resolveDir: a.resolveDir });
      if (r.errors.length > 0) return { errors: r.errors };
      return { path: join(dirname(r.path), 'browser', 'index.js') };
    });
  },
};

// The generated CRD validators (@capi-gen/crds gen/validators/**) go into the bundle as text that
// src/compile-cache.ts compiles with V8's code cache: parsing and compiling them is most of a
// small run, and Node 20 has no module compile cache (module.enableCompileCache is Node 22). Each
// validator module becomes a stub that passes its code (as CommonJS, minified) and its imports to
// compiledModule(). The generator's module shape is checked here: anything else fails the build.
const compileCacheModule = join(pkgDir, 'src', 'compile-cache.ts');
/** hash -> the validator's code, name and import paths: input of the seed (writeSeed). */
const seedSources = new Map();
const VALIDATOR_SHAPE = /^(?:\/\/[^\n]*\n)?((?:import \{ [\w, ]+ \} from '[^']+';\n)*)export const validate = (\w+);export default \2;/;
const cachedValidators = {
  name: 'cached-validators',
  setup(b) {
    b.onLoad({ filter: /[\\/]crds[\\/]gen[\\/]validators[\\/].+\.js$/ }, async (a) => {
      const source = await readFile(a.path, 'utf8');
      const shape = VALIDATOR_SHAPE.exec(source);
      if (shape === null) {
        return { errors: [{ text: `${a.path} does not have the shape of a generated validator (imports, then "export const validate = validateN;export default validateN;"); update cachedValidators in scripts/build.mjs` }] };
      }
      const specifiers = [...shape[1].matchAll(/from '([^']+)';/g)].map((m) => m[1]);
      const cjs = await esbuild.transform(source, { format: 'cjs', loader: 'js', minify: true, target: 'node20', platform: 'node', legalComments: 'none' });
      const code = `(function (require, module, exports) {${cjs.code}\n})`;
      const hash = createHash('sha256').update(code).digest('hex').slice(0, 24);
      const name = relative(join(dirname(a.path), '..', '..', '..'), a.path).replace(/\\/g, '/').replace(/\.js$/, '');
      seedSources.set(hash, { name, code, deps: Object.fromEntries(specifiers.map((spec) => [spec, resolve(dirname(a.path), spec)])) });
      const lines = [`import { compiledModule } from ${JSON.stringify(compileCacheModule)};`];
      specifiers.forEach((spec, i) => lines.push(`import * as dep${i} from ${JSON.stringify(spec)};`));
      const deps = specifiers.map((spec, i) => `${JSON.stringify(spec)}: dep${i}`).join(', ');
      lines.push(`const m = compiledModule(${JSON.stringify(name)}, ${JSON.stringify(hash)}, ${JSON.stringify(code)}, { ${deps} });`);
      lines.push('export const validate = m.validate;', 'export default m.default;');
      return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(a.path) };
    });
  },
};

rmSync(distDir, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: pkgDir,
  entryPoints: { 'capi-gen': 'src/main.ts' },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Workspace packages resolve to their TypeScript sources, as in vitest.
  conditions: ['source'],
  plugins: [yamlEsm, cachedValidators],
  // A bundled CommonJS module that calls require() (of a node builtin) needs a real require in
  // an ES module; none does today, the banner keeps a future one from failing at run time.
  banner: { js: "import { createRequire as __capiGenCreateRequire } from 'node:module';\nconst require = __capiGenCreateRequire(import.meta.url);" },
  define: { CAPI_GEN_VERSION: JSON.stringify(pkg.version) },
  // Full minification: about 15% less code for V8 to parse on every run. CAPI_GEN_BUILD_MINIFY=0
  // keeps names readable for `node --cpu-prof` (profiling only; never ship that build).
  minify: process.env['CAPI_GEN_BUILD_MINIFY'] !== '0',
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
});

// Nothing may stay external except node builtins: the packed CLI installs with no dependencies.
const external = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports) {
    const builtin = imp.path.startsWith('node:') || builtinModules.includes(imp.path);
    if (imp.external && !builtin) external.add(imp.path);
  }
}
if (external.size > 0) {
  console.error(`capi-gen build: the bundle imports packages at run time: ${[...external].join(', ')}; bundle them or use node: builtins`);
  process.exit(1);
}

// The templates package, found the way the library finds it: through @capi-gen/core's
// dependencies (package resolution, never ../ paths).
const requireHere = createRequire(import.meta.url);
const coreDir = dirname(requireHere.resolve('@capi-gen/core/package.json'));
const templatesDir = dirname(createRequire(join(coreDir, 'package.json')).resolve('@capi-gen/templates/package.json'));
// Not copied: the package manifest and anything installed into the package.
const SKIP = new Set(['package.json', 'node_modules']);
function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  const entries = readdirSync(from, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let count = 0;
  for (const e of entries) {
    if (SKIP.has(e.name) || e.name.startsWith('.')) continue;
    if (e.isDirectory()) count += copyTree(join(from, e.name), join(to, e.name));
    else if (e.isFile()) {
      copyFileSync(join(from, e.name), join(to, e.name));
      count++;
    } else {
      console.error(`capi-gen build: ${join(from, e.name)} is neither a file nor a directory; templates must be plain files`);
      process.exit(1);
    }
  }
  return count;
}
const templateFiles = copyTree(templatesDir, join(distDir, 'templates'));

// The seed of the validators' V8 code cache (src/compile-cache.ts): a first run on a machine
// (every CI job on a fresh one) finds no entry in the user's cache and would parse and compile
// the validators from scratch; with the seed it deserializes what the build compiled. V8 accepts
// an entry only from the same V8 version and flags, so the seed sits in a folder named by the
// Node version that built it and is written by a child process of that same node binary without
// NODE_OPTIONS, i.e. with the flags of a plain `capi-gen` run (plus --verify-snapshot-checksum,
// which compile-cache.ts sets before it reads an entry). compile-cache.ts finds the folder
// relative to its own chunk, so that chunk must be in dist/chunks/.
const cacheChunk = Object.entries(result.metafile.outputs).find(([, o]) => Object.hasOwn(o.inputs, 'src/compile-cache.ts'))?.[0];
if (cacheChunk === undefined || dirname(cacheChunk) !== 'dist/chunks') {
  console.error(`capi-gen build: src/compile-cache.ts is bundled into ${cacheChunk ?? 'no output'}, not a chunk in dist/chunks/; it finds the seed at ../v8-seed relative to its chunk, update both`);
  process.exit(1);
}
//
// Every validator is seeded: 9.7 MB for 37 validators (the CLI tarball grows from 0.84 to 3.1 MB,
// 9.0 to 18.8 MB unpacked). Seeding only the newest API version of each kind (5.1 MB, tarball
// 2.1 MB) left the default output of two of the three built-in flavors unseeded (CAPO v1beta1,
// CAPI v1beta1 for MicroK8s), and most manifests in use are still v1beta1.
const seedDir = join(distDir, 'v8-seed', process.versions.node);
const seedEnv = { ...process.env };
delete seedEnv['NODE_OPTIONS'];
const seeded = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--write-seed', seedDir], {
  input: JSON.stringify([...seedSources].map(([hash, v]) => ({ hash, ...v }))),
  stdio: ['pipe', 'inherit', 'inherit'],
  env: seedEnv,
});
if (seeded.status !== 0) {
  console.error('capi-gen build: writing the V8 code-cache seed failed (see above)');
  process.exit(1);
}
const seedFiles = readdirSync(seedDir);
const seedBytes = seedFiles.reduce((n, f) => n + statSync(join(seedDir, f)).size, 0);

// A small size report, useful when watching startup time.
const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => ({ file, bytes: o.bytes }));
const main = sizes.find((s) => s.file === 'dist/capi-gen.js');
const chunks = sizes.filter((s) => s.file.startsWith('dist/chunks/'));
console.log(
  `capi-gen build: dist/capi-gen.js ${Math.round((main?.bytes ?? 0) / 1024)} KiB, ` +
    `${chunks.length} chunks ${Math.round(chunks.reduce((n, s) => n + s.bytes, 0) / 1024)} KiB, ` +
    `${templateFiles} template files in dist/templates, ` +
    `V8 seed ${seedFiles.length} validators ${Math.round(seedBytes / 1024)} KiB in dist/v8-seed/${process.versions.node}`,
);

/**
 * Writes the code-cache seed: each validator's code compiled as compile-cache.ts compiles it
 * (vm.Script, same filename), run once so that V8 has compiled its functions (a lazily compiled
 * function is in the cache only after it ran; each generated validator is one function), then
 * Script#createCachedData() into `<dir>/<hash>.bin`, the name compile-cache.ts looks for.
 */
async function writeSeed(dir, validators) {
  // The flag compile-cache.ts sets before it reads an entry: it is part of V8's flag hash.
  setFlagsFromString('--verify-snapshot-checksum');
  mkdirSync(dir, { recursive: true });
  for (const { hash, name, code, deps } of validators) {
    const modules = {};
    for (const [spec, path] of Object.entries(deps)) modules[spec] = await import(pathToFileURL(path).href);
    const script = new Script(code, { filename: `capi-gen:${name}` });
    const module = { exports: {} };
    script.runInThisContext()((spec) => modules[spec], module, module.exports);
    // An empty object and the shell of an object of the validator's kind: both call every
    // top-level function the validator has.
    const [group, version, kind] = seedKey(name);
    for (const input of [{}, { apiVersion: `${group}/${version}`, kind, metadata: { name: 'seed' }, spec: {} }]) module.exports.validate(input);
    writeFileSync(join(dir, `${hash}.bin`), script.createCachedData());
  }
}

/** `validators/<group>/<version>/<Kind>` -> [group, version, Kind]. */
function seedKey(name) {
  const m = /([^/]+)\/([^/]+)\/([^/]+)$/.exec(name);
  if (m === null) throw new Error(`capi-gen build: unexpected validator name ${name}`);
  return [m[1], m[2], m[3]];
}
