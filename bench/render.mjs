// `pnpm bench:render`: how long `capi-gen render` takes on the example specs, after `pnpm build`.
//   - cold: the built CLI as a whole process, node start to exit, `capi-gen render <spec>` for
//     every example that renders (median and p90 of RUNS runs), beside a bare `node -e ''` for scale;
//   - warm: renderClusterFromText from @capi-gen/core's dist in this process on the largest example
//     (the most rendered output), after a few warm-up renders (median and p90 of WARM_RUNS renders).
// BENCH_BEFORE=<path to another bin/capi-gen.js> (e.g. a copy of the repository built at an older
// commit) adds its cold rows, run interleaved with this build's, for before/after numbers from one
// session. Not a test: nothing is asserted; the table goes into README "Render timings".
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { bin, requireBuilt, root, RUNS, stats, printTable } from './_lib.mjs';

const WARM_RUNS = Number(process.env['BENCH_WARM_RUNS'] ?? 200);
const before = process.env['BENCH_BEFORE'];
const coreDist = join(root, 'packages', 'core', 'dist', 'index.js');
requireBuilt('bench:render', [join(root, 'packages', 'cli', 'dist', 'capi-gen.js'), coreDist]);

const { renderClusterFromText } = await import(pathToFileURL(coreDist).href);

// The largest example: the spec whose default rendering is longest.
const candidates = [];
for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.yaml')).sort()) {
  const rel = `examples/${f}`;
  const text = readFileSync(join(root, rel), 'utf8');
  try {
    const r = await renderClusterFromText(text, rel);
    candidates.push({ rel, text, bytes: Buffer.byteLength(r.yaml), objects: r.objects.length });
  } catch (err) {
    console.error(`bench:render: skipping ${rel}: ${String(err?.message ?? err).split('\n')[0]}`);
  }
}
if (candidates.length === 0) {
  console.error('bench:render: no example renders; nothing to time');
  process.exit(2);
}
const examples = [...candidates];
const largest = candidates.sort((a, b) => b.bytes - a.bytes)[0];

function wall(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    console.error(`bench:render: node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    process.exit(2);
  }
  return ms;
}

// Cold: interleaved, so that a burst of load affects every case alike.
const builds = before === undefined ? [['', bin]] : [[' (before)', before], ['', bin]];
const cold = { node: [], render: builds.map(() => examples.map(() => [])) };
// Fill the OS file cache and the CLI's V8 code cache of the validators (a first run writes it).
for (const [, b] of builds) for (const e of examples) wall([b, 'render', e.rel]);
for (let i = 0; i < RUNS; i++) {
  cold.node.push(wall(['-e', '']));
  builds.forEach(([, b], k) => examples.forEach((e, j) => cold.render[k][j].push(wall([b, 'render', e.rel]))));
}

// Warm: the library in this process, templates compiled and validators loaded.
for (let i = 0; i < 10; i++) await renderClusterFromText(largest.text, largest.rel);
const warm = [];
for (let i = 0; i < WARM_RUNS; i++) {
  const t0 = performance.now();
  await renderClusterFromText(largest.text, largest.rel);
  warm.push(performance.now() - t0);
}

const ms = (x) => (x >= 10 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const rows = [
  { label: `node -e '' (Node startup alone), ${RUNS} runs`, ...stats(cold.node) },
  ...builds.flatMap(([label], k) => examples.map((e, j) => ({ label: `capi-gen render ${e.rel}${label}, whole process, ${RUNS} runs`, ...stats(cold.render[k][j]) }))),
  { label: `renderClusterFromText, warm, in process, ${WARM_RUNS} renders`, ...stats(warm) },
];
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const load = loadavg()[0]?.toFixed(1) ?? '?';
console.log(`load average ${load}; largest: ${largest.rel}: ${largest.objects} objects, ${Math.round(largest.bytes / 102.4) / 10} KiB of YAML; Node ${process.version}, ${cpus().length} × ${cpu}\n`);
printTable(rows, ms);
