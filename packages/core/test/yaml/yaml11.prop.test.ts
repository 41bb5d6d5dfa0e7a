// Differential test of the hazard detector against the real parsers: PyYAML (Debian python3-yaml,
// as cloud-init uses it) in one python process for the whole run, and npm `yaml` (YAML 1.2 core).
// go-yaml v2 is not installed here; its port is covered by the unit cases in yaml11.test.ts.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { isScalar, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/yaml/load.ts';
import type { ScalarReading } from '../../src/yaml/yaml11.ts';
import { KUBERNETES_SCHEMA, readKubernetes, readPyYAML, readYaml12, resolvePlainScalar, sameReading, yaml11Hazard } from '../../src/yaml/yaml11.ts';

const PYTHON = '/usr/bin/python3';

// Reads JSON-encoded scalars, one a line; writes PyYAML's reading of `v: <scalar>`, one a line.
const PY_SCRIPT = `
import sys, json, datetime, yaml
def enc(x):
    if x is None: return {"t": "null"}
    if isinstance(x, bool): return {"t": "bool", "v": x}
    if isinstance(x, int): return {"t": "number", "v": str(x)}
    if isinstance(x, float): return {"t": "number", "v": repr(x)}
    if isinstance(x, str): return {"t": "string", "v": x}
    if isinstance(x, (datetime.date, datetime.datetime)): return {"t": "timestamp"}
    return {"t": "other", "v": repr(type(x))}
out = []
for line in sys.stdin:
    s = json.loads(line)
    try:
        v = yaml.compose("v: " + s, Loader=yaml.SafeLoader).value[0][1]
        if not isinstance(v, yaml.ScalarNode) or v.style is not None or v.value != s:
            r = {"t": "skip"}
        else:
            try:
                r = enc(yaml.safe_load("v: " + s)["v"])
            except (yaml.YAMLError, ValueError) as e:
                r = {"t": "error", "m": str(e).splitlines()[0]}
    except yaml.YAMLError:
        r = {"t": "skip"}
    out.append(json.dumps(r))
sys.stdout.write("\\n".join(out) + "\\n")
`;

function pyYamlAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
}

interface PyResult {
  readonly t: 'null' | 'bool' | 'number' | 'string' | 'timestamp' | 'error' | 'skip' | 'other';
  readonly v?: unknown;
}

function runPyYAML(scalars: readonly string[]): PyResult[] {
  const input = scalars.map((s) => JSON.stringify(s)).join('\n') + '\n';
  const r = spawnSync(PYTHON, ['-c', PY_SCRIPT], { input, encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as PyResult);
}

function pyNumber(v: unknown): number {
  const s = String(v);
  if (s === 'inf') return Number.POSITIVE_INFINITY;
  if (s === '-inf') return Number.NEGATIVE_INFINITY;
  if (s === 'nan') return Number.NaN;
  return Number(s);
}

function fromPy(r: PyResult): ScalarReading {
  switch (r.t) {
    case 'null':
      return { kind: 'null' };
    case 'bool':
      return { kind: 'bool', value: r.v === true };
    case 'number':
      return { kind: 'number', value: pyNumber(r.v) };
    case 'string':
      return { kind: 'string' };
    case 'timestamp':
      return { kind: 'timestamp' };
    default:
      return { kind: 'error', reason: String(r.v) };
  }
}

/** npm yaml's YAML 1.2 reading of `v: <s>`, or undefined when `s` is not a plain scalar there. */
function yaml12(s: string): ScalarReading | undefined {
  const doc = parseDocument(`v: ${s}`);
  if (doc.errors.length > 0) return undefined;
  const node = doc.get('v', true);
  if (!isScalar(node) || node.type !== 'PLAIN' || node.source !== s) return undefined;
  const v = node.value;
  if (v === null) return { kind: 'null' };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number') return { kind: 'number', value: v };
  return { kind: 'string' };
}

/** Same reading, with numbers compared as JSON numbers (PyYAML ints are exact, JS numbers are not). */
function agree(a: ScalarReading, b: ScalarReading): boolean {
  if (a.kind === 'number' && b.kind === 'number') {
    const [x, y] = [a.value, b.value];
    return x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
  }
  // why: sameReading never equates two dates or two errors (nothing in YAML 1.2 is one); here
  // they are the same outcome of the same reader.
  if (a.kind === b.kind && (a.kind === 'error' || a.kind === 'timestamp')) return true;
  return sameReading(a, b);
}

// --- arbitraries: plain scalars biased to the shapes the resolvers care about ------------------

const word = fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false', 'null', 'nan', 'inf', 'none', 'o', 't', 'f');
const mixedCase = word.chain((w) =>
  fc.array(fc.boolean(), { minLength: w.length, maxLength: w.length }).map((up) => [...w].map((c, i) => (up[i] === true ? c.toUpperCase() : c)).join('')),
);
const digits = (max: number): fc.Arbitrary<string> => fc.array(fc.constantFrom('0', '0', '1', '5', '7', '8', '9', '_'), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const numberShape = fc
  .record({
    sign: fc.constantFrom('', '', '+', '-'),
    prefix: fc.constantFrom('', '', '', '0', '00', '0x', '0X', '0o', '0b', '0B'),
    body: fc.oneof(digits(6), fc.constantFrom('1F', 'ff', 'a', '101', '-101', '+1')),
    sexagesimal: fc.array(fc.tuple(fc.constantFrom(':'), digits(2)).map(([c, d]) => c + d), { maxLength: 2 }),
    fraction: fc.option(digits(3).map((d) => `.${d}`), { nil: '' }),
    exponent: fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(3)).map((p) => p.join('')), { nil: '' }),
  })
  .map((r) => r.sign + r.prefix + r.body + r.sexagesimal.join('') + r.fraction + r.exponent);
const looseNumber = fc
  .array(fc.constantFrom('0', '1', '7', '8', '9', '_', '.', ':', 'e', 'E', '+', '-', 'x', 'o', 'b', 'a', 'f', 'i', 'n'), { minLength: 1, maxLength: 10 })
  .map((a) => a.join(''));
const two = (lo: number, hi: number): fc.Arbitrary<string> => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
const date = fc
  .record({
    y: fc.constantFrom('2024', '2023', '0000', '1999', '2000', '1900'),
    m: fc.oneof(two(0, 13), fc.integer({ min: 1, max: 9 }).map(String)),
    d: fc.oneof(two(0, 32), fc.integer({ min: 1, max: 9 }).map(String)),
    time: fc.option(
      fc
        .record({
          sep: fc.constantFrom('T', 't', ' ', '  '),
          h: fc.oneof(two(0, 25), fc.constantFrom('1', '9')),
          mi: two(0, 61),
          s: two(0, 61),
          frac: fc.constantFrom('', '.', '.1', '.123456789'),
          tz: fc.constantFrom('', 'Z', ' Z', '+01', '-5', '+05:30', '-99', '+23:59', ' +1'),
        })
        .map((t) => `${t.sep}${t.h}:${t.mi}:${t.s}${t.frac}${t.tz}`),
      { nil: '' },
    ),
  })
  .map((r) => `${r.y}-${r.m}-${r.d}${r.time}`);
const special = fc.constantFrom(
  '<<', '=', '~', '.', '-', '+', '._', '.5', '+.5', '-.5', '1.', '1.e5', '1.e+5', '0x', '0b', '0o', '1__0', '_1', '1_', '0b_', '0x_', '0_',
  '99999999999999999999', '18446744073709551615', '18446744073709551616', '9223372036854775807', '-9223372036854775808', '-9223372036854775809',
  '1e400', '-1e400', '1e-400', '0755', '0o755', '0x_1F', '1_000.5', '.5_5', '.5e3', '1E3', '1e+3', '1.0e+3', '1.5E-3', '.inf', '-.Inf', '+.INF', '.NaN', '-.nan', '.nAn',
);
const plainScalar = fc.oneof(word, mixedCase, numberShape, looseNumber, date, special);

function seed(): number {
  const s = fc.readConfigureGlobal().seed;
  return typeof s === 'number' ? s : Date.now() ^ (Math.random() * 0x100000000);
}

describe.skipIf(!pyYamlAvailable())('yaml11Hazard against PyYAML and npm yaml (differential)', () => {
  const runSeed = seed();
  const fixed = ['yes', 'Yes', 'y', 'n', 'on', 'OFF', '0755', '1_000', '1:30', '190:20:30.15', '2024-01-01', '1e3', '0o17', '0X1F', '<<', '='];
  const samples = [...new Set([...fixed, ...fc.sample(plainScalar, { numRuns: 3000, seed: runSeed })])];
  // why: one python process for the whole run; spawning one per case would take minutes.
  const py = runPyYAML(samples);
  const cases = samples
    .map((s, i) => ({ s, py: py[i], y12: yaml12(s) }))
    .filter((c): c is { s: string; py: PyResult; y12: ScalarReading } => c.py !== undefined && c.py.t !== 'skip' && c.y12 !== undefined);

  it('has enough cases that both parsers read as plain scalars, many of them hazards', () => {
    expect(cases.length, `seed ${runSeed}`).toBeGreaterThan(samples.length / 2);
    expect(cases.filter((c) => yaml11Hazard(c.s) !== undefined).length, `seed ${runSeed}`).toBeGreaterThan(200);
  });

  it('flags a hazard whenever PyYAML and YAML 1.2 read a scalar differently', () => {
    // Act
    const missed = cases.filter((c) => !agree(fromPy(c.py), c.y12) && yaml11Hazard(c.s) === undefined).map((c) => c.s);
    // Assert
    expect(missed, `seed ${runSeed}`).toEqual([]);
  });

  it('flags exactly the scalars where Kubernetes or PyYAML differ from YAML 1.2', () => {
    // Act
    const wrong = cases
      .filter((c) => {
        const expected = !agree(fromPy(c.py), c.y12) || !agree(readKubernetes(c.s), c.y12);
        return expected !== (yaml11Hazard(c.s) !== undefined);
      })
      .map((c) => c.s);
    // Assert
    expect(wrong, `seed ${runSeed}`).toEqual([]);
  });

  it('ports the PyYAML reader exactly', () => {
    // Act
    const differ = cases.filter((c) => !agree(readPyYAML(c.s), fromPy(c.py))).map((c) => `${c.s} -> ${JSON.stringify(c.py)}`);
    // Assert
    expect(differ, `seed ${runSeed}`).toEqual([]);
  });

  it('ports the YAML 1.2 core reader exactly', () => {
    // Act
    const differ = cases.filter((c) => !agree(readYaml12(c.s), c.y12)).map((c) => c.s);
    // Assert
    expect(differ, `seed ${runSeed}`).toEqual([]);
  });

  it('gives the js-yaml schema the Kubernetes value of each scalar', () => {
    // Act
    const differ = cases
      .filter((c) => {
        const loaded = (yaml.load(`v: ${c.s}`, { schema: KUBERNETES_SCHEMA }) as { v: unknown }).v;
        return !Object.is(loaded, resolvePlainScalar(c.s)) && !(loaded === 0 && resolvePlainScalar(c.s) === 0);
      })
      .map((c) => c.s);
    // Assert
    expect(differ, `seed ${runSeed}`).toEqual([]);
  });

  it('reports YAML_11_HAZARD from loadDocuments exactly for hazards, at the value', () => {
    // Act
    const wrong = cases
      .filter((c) => {
        const issues = loadDocuments(`v: ${c.s}\n`, { file: 't.yaml', placeholders: false })[0]?.issues ?? [];
        const reported = issues.some((i) => i.code === 'YAML_11_HAZARD' && i.path === '/v' && i.source?.line === 1 && i.source.col === 4);
        return reported !== (yaml11Hazard(c.s) !== undefined);
      })
      .map((c) => c.s);
    // Assert
    expect(wrong, `seed ${runSeed}`).toEqual([]);
  });
});
