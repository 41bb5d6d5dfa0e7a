// `pnpm gen:check`: the committed generated files must be what their generators write.
//   - packages/core: cluster-spec.schema.json and src/model/_gen/cluster-spec-validator.ts (from the
//     TypeBox schema), src/render/_gen/precompiled-templates.ts (from the built-in templates).
//     Always checked: they need nothing outside the repository.
//   - packages/crds: what `pnpm gen` writes from the upstream CRDs. Regenerates, then fails
//     (exit 1) listing every file that changed. Skipped when the shared CRD folder is not there
//     to regenerate from.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The same lookup as packages/crds/scripts/generate.ts.
const sharedDir = process.env['CAPI_GEN_SHARED'] ?? resolve(root, '..', 'shared');

// The core package's generated files: each generator's --check exits 1 when its output is stale.
const coreChecks = [
  ['packages/core/scripts/write-spec-schema.mjs', 'cluster-spec.schema.json and the precompiled spec validator are up to date'],
  ['packages/core/scripts/write-precompiled-templates.mjs', 'the precompiled templates are up to date'],
];
let coreStale = false;
for (const [script, ok] of coreChecks) {
  const r = spawnSync(process.execPath, [join(root, script), '--check'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) coreStale = true;
  else console.log(`gen:check: ${ok}`);
}
if (coreStale) process.exit(1);

if (!existsSync(join(sharedDir, 'crds'))) {
  console.log(`gen:check: packages/crds skipped: ${process.env['CAPI_GEN_SHARED'] === undefined ? '../shared/crds' : join(sharedDir, 'crds')} not found`);
  process.exit(0);
}

function git(args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`gen:check: git ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
    process.exit(2);
  }
  return r.stdout;
}

// Changes that were there before regenerating are the author's work in progress, not staleness.
const before = git(['status', '--porcelain', '--untracked-files=all', '--', 'packages/crds']);
if (before !== '') {
  console.error(`gen:check: packages/crds has uncommitted changes; commit or drop them first:\n${before}`);
  process.exit(1);
}

const gen = spawnSync('pnpm', ['gen'], { cwd: root, stdio: 'inherit' });
if (gen.status !== 0) {
  console.error('gen:check: pnpm gen failed');
  process.exit(1);
}

const after = git(['status', '--porcelain', '--untracked-files=all', '--', 'packages/crds']);
if (after !== '') {
  console.error('gen:check: the generated files are stale; run `pnpm gen` and commit the result. Changed:');
  for (const line of after.trimEnd().split('\n')) console.error(`  ${line}`);
  process.exit(1);
}
console.log('gen:check: packages/crds generated files are up to date');
