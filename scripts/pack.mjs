// `pnpm pack:all`: builds, then packs the publishable packages into dist-pack/:
//   dist-pack/capi-gen-<version>.tgz            the CLI; a self-contained bundle, no dependencies
//   dist-pack/capi-gen-core-<version>.tgz       @capi-gen/core
//   dist-pack/capi-gen-crds-<version>.tgz       @capi-gen/crds
// pnpm pack replaces `workspace:*` ranges with the real versions.
//
//   node scripts/pack.mjs [--no-build] [--out <dir>] [--cli-only]
// --no-build packs what is built already (the pack test builds the CLI itself, and a full build
// would delete dist/ under tests running in parallel); --cli-only packs only the CLI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'no-build': { type: 'boolean' },
    out: { type: 'string' },
    'cli-only': { type: 'boolean' },
  },
  strict: true,
});
const outDir = resolve(values.out ?? join(root, 'dist-pack'));
const packages = values['cli-only'] === true ? ['packages/cli'] : ['packages/crds', 'packages/core', 'packages/cli'];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    console.error(`pack: \`${cmd} ${args.join(' ')}\` failed in ${cwd}${r.error === undefined ? '' : `: ${r.error.message}`}`);
    process.exit(1);
  }
  return r.stdout;
}

if (values['no-build'] !== true) {
  const r = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('pack: pnpm build failed; fix the build first');
    process.exit(1);
  }
}

mkdirSync(outDir, { recursive: true });
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const tgz = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
  run('pnpm', ['pack', '--pack-destination', outDir], join(root, dir));
  console.log(join(outDir, tgz));
}
