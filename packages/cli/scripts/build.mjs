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
// Startup time is most of a typical run (`validate` on a few documents must stay under 150 ms
// for the whole process), so the bundle is minified, and yaml is taken as its ES module build
// (see yamlEsm below).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

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

// A small size report, useful when watching startup time.
const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => ({ file, bytes: o.bytes }));
const main = sizes.find((s) => s.file === 'dist/capi-gen.js');
const chunks = sizes.filter((s) => s.file.startsWith('dist/chunks/'));
console.log(
  `capi-gen build: dist/capi-gen.js ${Math.round((main?.bytes ?? 0) / 1024)} KiB, ` +
    `${chunks.length} chunks ${Math.round(chunks.reduce((n, s) => n + s.bytes, 0) / 1024)} KiB, ` +
    `${templateFiles} template files in dist/templates`,
);
