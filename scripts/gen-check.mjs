// `pnpm gen:check`: the committed generated files (packages/crds) must be what `pnpm gen`
// writes from the upstream CRDs. Regenerates, then fails (exit 1) listing every file that
// changed. Skips (exit 0) when the shared CRD folder is not there to regenerate from.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The same lookup as packages/crds/scripts/generate.ts.
const sharedDir = process.env['CAPI_GEN_SHARED'] ?? resolve(root, '..', 'shared');

if (!existsSync(join(sharedDir, 'crds'))) {
  console.log(`skipped: ${process.env['CAPI_GEN_SHARED'] === undefined ? '../shared/crds' : join(sharedDir, 'crds')} not found`);
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
console.log('gen:check: generated files are up to date');

// The cluster spec's JSON Schema (packages/core/cluster-spec.schema.json) is generated too.
const spec = spawnSync('node', [join(root, 'packages/core/scripts/write-spec-schema.mjs'), '--check'], { cwd: root, stdio: 'inherit' });
if (spec.status !== 0) process.exit(1);
console.log('gen:check: cluster-spec.schema.json is up to date');
