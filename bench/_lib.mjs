// Shared by the bench scripts (`pnpm bench`, `bench:lint`, `bench:render`): where the built CLI is,
// the refusal to run without a build, quantiles, one timed whole-process run, round-robin timing
// of a list of cases, the bare-yaml-parse floor and the Markdown table they print.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(root, 'packages', 'cli', 'bin', 'capi-gen.js');

/** Exits 2 with `name: <file> is missing; run `pnpm build` first` unless every built file exists. */
export function requireBuilt(name, files = [join(root, 'packages', 'cli', 'dist', 'capi-gen.js')]) {
  for (const built of files) {
    if (!existsSync(built)) {
      console.error(`${name}: ${built} is missing; run \`pnpm build\` first`);
      process.exit(2);
    }
  }
}

/** The q-quantile of xs (nearest rank). */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.ceil(q * s.length) - 1);
  return s[Math.max(0, i)];
}

/** Median and p90 of samples. */
export function stats(xs) {
  return { median: quantile(xs, 0.5), p90: quantile(xs, 0.9) };
}

/**
 * One whole-process run of case `c` ({ label, args, env?, ok? }: env an object or a function
 * called per run, ok the accepted exit codes, [0] unless given); wall time in ms and stderr.
 */
function once(c) {
  const ok = c.ok ?? [0];
  const env = typeof c.env === 'function' ? c.env() : c.env;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!ok.includes(r.status)) {
    console.error(`bench: ${c.label} exited ${r.status}, expected ${ok.join(' or ')}\n${r.stdout.slice(0, 2000)}${r.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  return { ms, stderr: r.stderr };
}

/**
 * Runs every case RUNS times, round-robin (after one warm-up round for the file cache), so that
 * load from other processes on the machine hits all cases alike. Each row: label, median, p90 and
 * the stderr of the last run.
 */
export function timeAll(cases) {
  const times = cases.map(() => []);
  const last = cases.map(() => '');
  for (let i = 0; i <= RUNS; i++) {
    cases.forEach((c, j) => {
      const { ms, stderr } = once(c);
      if (i > 0) times[j].push(ms);
      last[j] = stderr;
    });
  }
  return cases.map((c, j) => ({ label: c.label, ...stats(times[j]), stderr: last[j] }));
}

// The yaml package the library uses (resolved from @capi-gen/core, so the same version).
const yamlUrl = pathToFileURL(createRequire(join(root, 'packages', 'core', 'package.json')).resolve('yaml')).href;

/**
 * `node --input-type=module -e` source that only parses `file` with the npm `yaml` package
 * (parseAllDocuments + toJS) and exits 3 unless it holds `count` documents: the floor for any
 * YAML-reading command.
 */
export function parseOnly(file, count) {
  return `import { parseAllDocuments } from ${JSON.stringify(yamlUrl)};
import { readFileSync } from 'node:fs';
const docs = parseAllDocuments(readFileSync(${JSON.stringify(file)}, 'utf8')).map((d) => d.toJS());
if (docs.length !== ${count}) process.exit(3);`;
}

/** Prints rows ({ label, median, p90 }) as the Markdown table README takes; ms formats a time. */
export function printTable(rows, ms = (x) => `${x.toFixed(0)} ms`) {
  console.log('| case | median | p90 |');
  console.log('|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.label} | ${ms(r.median)} | ${ms(r.p90)} |`);
}
