// How plain scalars read under YAML 1.1 (Kubernetes, cloud-init) and under YAML 1.2.
//
// Three readers are ported here, each from its source, so the hazard sets are derived and not
// guessed:
// - Kubernetes: sigs.k8s.io/yaml decodes with go-yaml v2 (go.yaml.in/yaml/v2 2.4.x,
//   resolve.go `resolve` + decode.go, where timestamps decoded into interface{} stay strings), then
//   turns map keys into strings (yaml.go `convertToJSONableObject`). go-yaml v2 calls Go's
//   strconv.ParseInt/ParseUint/ParseFloat, ported below from strconv (atoi.go, atof.go).
// - cloud-init: PyYAML's SafeLoader (resolver.py implicit resolvers + constructor.py
//   `construct_yaml_*`), as shipped in Debian python3-yaml 6.0.
// - YAML 1.2 tools: the core schema as npm `yaml` 2.x implements it (schema/core/*.js).
// A plain scalar is a hazard when the Kubernetes or the PyYAML reading differs from the YAML 1.2
// reading. test/yaml/yaml11.prop.test.ts checks the PyYAML and YAML 1.2 ports against the real
// parsers on every run. The go-yaml v2 port was checked once, off the suite, against go-yaml's v2
// branch built with Go 1.19 (about 75,000 generated scalars, values and key spellings, no
// difference); the suite pins what it learned in yaml11.test.ts, so it needs no Go toolchain.

import yaml from 'js-yaml';

/** What one YAML reader makes of a plain scalar. Numbers are not split into int and float: JSON, and so Kubernetes, does not tell `1` from `1.0`. */
export type ScalarReading =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string' }
  /** PyYAML only: a `datetime.date`/`datetime` object. */
  | { readonly kind: 'timestamp' }
  /** The `<<` merge key (as a mapping key). */
  | { readonly kind: 'merge' }
  /** The reader refuses the scalar (PyYAML: `=`, `<<` as a value, `0b_`, `2024-13-01`). */
  | { readonly kind: 'error'; readonly reason: string };

/** A plain scalar that YAML 1.1 readers and YAML 1.2 readers understand differently. */
export interface Yaml11Hazard {
  /** The scalar as written. */
  readonly source: string;
  /** go-yaml v2, as sigs.k8s.io/yaml (kube-apiserver, kubectl, clusterctl) uses it. */
  readonly kubernetes: ScalarReading;
  /** PyYAML SafeLoader (cloud-init, Ansible). */
  readonly pyyaml: ScalarReading;
  /** The YAML 1.2 core schema (npm `yaml`, go-yaml v3 for most values, yq). */
  readonly yaml12: ScalarReading;
}

const NULL: ScalarReading = { kind: 'null' };
const STRING: ScalarReading = { kind: 'string' };
const TRUE: ScalarReading = { kind: 'bool', value: true };
const FALSE: ScalarReading = { kind: 'bool', value: false };
const num = (value: number): ScalarReading => ({ kind: 'number', value });

// --- Kubernetes: go-yaml v2 -------------------------------------------------------------------

// resolve.go resolveMapList. `<<` is handled by decode.go isMerge (by raw value), not here.
const GO_MAP: ReadonlyMap<string, ScalarReading> = new Map<string, ScalarReading>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, TRUE] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, FALSE] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, NULL] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, num(Number.NaN)] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, num(Number.POSITIVE_INFINITY)] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, num(Number.NEGATIVE_INFINITY)] as const),
]);

// resolve.go yamlStyleFloat.
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * How Kubernetes (sigs.k8s.io/yaml on go-yaml v2) reads a plain scalar. `isKey` matters only for
 * `<<`, which is a merge key in key position and the string "<<" elsewhere.
 */
export function readKubernetes(s: string, isKey = false): ScalarReading {
  return goResolve(s, isKey).reading;
}

interface GoResolution {
  readonly reading: ScalarReading;
  /** go-yaml returned a float64 (not an int): decides how a key is spelled, and whether -0 stays -0. */
  readonly float: boolean;
  /** The exact int go-yaml returned (JS numbers lose digits past 2^53; key spellings must not). */
  readonly int?: bigint;
}

const GO_STRING: GoResolution = { reading: STRING, float: false };
const goInt = (n: bigint): GoResolution => ({ reading: num(Number(n)), float: false, int: n });
const goFloat = (f: number): GoResolution => ({ reading: num(f), float: true });

/** resolve.go `resolve(tag="", in)` followed by decode.go's treatment of interface{} targets. */
function goResolve(s: string, isKey: boolean): GoResolution {
  if (s === '<<') return isKey ? { reading: { kind: 'merge' }, float: false } : GO_STRING;
  const c = s.charCodeAt(0);
  // resolveTable: only these first bytes are resolved at all ('S'ign, 'D'igit, 'M'ap, '.').
  const hint =
    s === '' ? 'N' : c === 0x2b || c === 0x2d ? 'S' : c >= 0x30 && c <= 0x39 ? 'D' : c === 0x2e ? '.' : 'yYnNtTfFoO~'.includes(s[0] ?? '') ? 'M' : '';
  if (hint === '') return GO_STRING;
  const mapped = GO_MAP.get(s);
  if (mapped !== undefined) return { reading: mapped, float: mapped.kind === 'number' };
  if (hint === 'M' || hint === 'N') return GO_STRING;
  if (hint === '.') {
    const f = goParseFloat(s);
    return f === undefined ? GO_STRING : goFloat(f);
  }
  // 'D' and 'S'. A timestamp (parseTimestamp) would be tried first, but decode.go hands
  // timestamps to interface{} targets as their original string, and no timestamp parses as a
  // number below, so skipping it changes nothing.
  const plain = s.replaceAll('_', '');
  const i = goParseInt(plain, 0);
  if (i !== undefined) return goInt(i);
  const u = goParseUint(plain, 0);
  if (u !== undefined) return goInt(u);
  if (GO_FLOAT.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return goFloat(f);
  }
  // why: kept although ParseInt(…, 0) already reads 0b: ParseInt(plain[2:], 2) also takes a sign,
  // so go-yaml v2 reads "0b-101" as -5.
  if (plain.startsWith('0b')) {
    const b = goParseInt(plain.slice(2), 2) ?? goParseUint(plain.slice(2), 2);
    if (b !== undefined) return goInt(b);
  } else if (plain.startsWith('-0b')) {
    const b = goParseInt('-' + plain.slice(3), 2);
    if (b !== undefined) return goInt(b);
  }
  return GO_STRING;
}

/** The Kubernetes (go-yaml v2) value of a plain scalar: null, a boolean, a number or the text itself. */
export function resolvePlainScalar(s: string): null | boolean | number | string {
  return goValue(s, goResolve(s, false));
}

function goValue(s: string, g: GoResolution): null | boolean | number | string {
  const r = g.reading;
  switch (r.kind) {
    case 'null':
      return null;
    case 'bool':
      return r.value;
    case 'number':
      // why: Go ints have no negative zero; float64 -0 survives into JSON as -0.
      return !g.float && r.value === 0 ? 0 : r.value;
    default:
      return s;
  }
}

/**
 * The JSON object key Kubernetes makes of a plain-scalar key: go-yaml v2 decodes it, then
 * sigs.k8s.io/yaml (convertToJSONableObject) spells bools `true`/`false`, ints in decimal and
 * floats with `strconv.FormatFloat(f, 'g', -1, 32)` (`1e6` gives `1e+06`, `.inf` gives `.inf`).
 * A null key is an error there ("unsupported map key"); it is "null" here, as in js-yaml.
 */
export function kubernetesKeyOfPlain(s: string): string {
  const g = goResolve(s, true);
  const r = g.reading;
  if (r.kind === 'number') return g.float ? goFloat32g(r.value) : (g.int?.toString() ?? goIntString(r.value));
  if (r.kind === 'bool') return r.value ? 'true' : 'false';
  if (r.kind === 'null') return 'null';
  return s;
}

const lower = (c: number): number => c | 0x20;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** strconv.ParseUint(s, base, 64); undefined on any error. */
function goParseUint(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const base0 = base === 0;
  const s0 = s;
  if (base0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s.charCodeAt(1)) : 0;
      if (p === 0x62 /* b */) [base, s] = [2, s.slice(2)];
      else if (p === 0x6f /* o */) [base, s] = [8, s.slice(2)];
      else if (p === 0x78 /* x */) [base, s] = [16, s.slice(2)];
      else [base, s] = [8, s.slice(1)];
    }
  }
  const b = BigInt(base);
  const max = (1n << 64n) - 1n;
  let n = 0n;
  let underscores = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c === 0x5f /* _ */ && base0) {
      underscores = true;
      continue;
    } else if (isDigit(c)) d = c - 0x30;
    else if (lower(c) >= 0x61 && lower(c) <= 0x7a) d = lower(c) - 0x61 + 10;
    else return undefined;
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > max) return undefined;
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n;
}

/** strconv.ParseInt(s, base, 64); undefined on any error. */
function goParseInt(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const neg = s[0] === '-';
  const un = goParseUint(neg || s[0] === '+' ? s.slice(1) : s, base);
  if (un === undefined) return undefined;
  const cutoff = 1n << 63n;
  if ((!neg && un >= cutoff) || (neg && un > cutoff)) return undefined;
  return neg ? -un : un;
}

/**
 * strconv.ParseFloat(s, 64) for decimal input (readFloat + the whole-string check); undefined on a
 * syntax error or on overflow (ErrRange). go-yaml only calls it on strings that start with `.` or
 * match yamlStyleFloat, so Go's hex floats and `inf`/`nan` words never reach it.
 */
function goParseFloat(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  let underscores = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) i++;
  if (i + 2 < n && s[i] === '0' && lower(s.charCodeAt(i + 1)) === 0x78) return undefined;
  let sawdot = false;
  let sawdigits = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      underscores = true;
    } else if (c === 0x2e) {
      if (sawdot) break;
      sawdot = true;
    } else if (isDigit(c)) {
      sawdigits = true;
    } else break;
  }
  if (!sawdigits) return undefined;
  if (i < n && lower(s.charCodeAt(i)) === 0x65 /* e */) {
    i++;
    if (i >= n) return undefined;
    if (s[i] === '+' || s[i] === '-') i++;
    if (i >= n || !isDigit(s.charCodeAt(i))) return undefined;
    for (; i < n && (isDigit(s.charCodeAt(i)) || s[i] === '_'); i++) {
      if (s[i] === '_') underscores = true;
    }
  }
  if (underscores && !underscoreOK(s.slice(0, i))) return undefined;
  if (i !== n) return undefined;
  const v = Number(s.replaceAll('_', ''));
  return Number.isFinite(v) ? v : undefined;
}

/** strconv underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && [0x62, 0x6f, 0x78].includes(lower(s.charCodeAt(1)))) {
    i = 2;
    saw = '0';
    hex = lower(s.charCodeAt(1)) === 0x78;
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      saw = '0';
      continue;
    }
    if (c === 0x5f) {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function goIntString(n: number): string {
  // why: Number.prototype.toString switches to exponents at 1e21; Go prints every digit.
  return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
}

/** strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's spelling of the non-finite values. */
function goFloat32g(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [digits, e10] = shortestFloat32Digits(Math.abs(x));
  const sign = x < 0 ? '-' : '';
  // %e when the exponent is < -4 or >= the shortest-precision cutoff (eprec = 6).
  if (e10 < -4 || e10 >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(e10);
    return `${sign}${m}e${e10 < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (e10 < 0) return `${sign}0.${'0'.repeat(-e10 - 1)}${digits}`;
  const intPart = digits.slice(0, e10 + 1).padEnd(e10 + 1, '0');
  const frac = digits.slice(e10 + 1);
  return `${sign}${intPart}${frac === '' ? '' : '.' + frac}`;
}

/**
 * The fewest significant digits (and the decimal exponent of the first) that read back as the
 * float32 `x` (> 0), rounding the exact decimal value half to even as Go's ftoa does on ties.
 */
function shortestFloat32Digits(x: number): [string, number] {
  // Exact decimal expansion of the float32: x = m * 2^e.
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0] ?? 0;
  const exp8 = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  const m = BigInt(exp8 === 0 ? frac : frac | 0x800000);
  const e = exp8 === 0 ? -149 : exp8 - 150;
  // digits × 10^-scale
  const [all, scale] = e >= 0 ? [(m << BigInt(e)).toString(), 0] : [(m * 5n ** BigInt(-e)).toString(), -e];
  const lead = all.length - scale - 1;
  for (let p = 1; p <= 9; p++) {
    let head = all.slice(0, p);
    const rest = all.slice(p);
    const r0 = rest[0] ?? '0';
    const up = r0 > '5' || (r0 === '5' && (/[1-9]/.test(rest.slice(1)) || Number(head[head.length - 1]) % 2 === 1));
    let exponent = lead;
    if (up) {
      const bumped = (BigInt(head) + 1n).toString();
      if (bumped.length > head.length) exponent++;
      head = bumped.slice(0, p);
    }
    const digits = head.replace(/0+$/, '') || '0';
    if (Math.fround(Number(`${digits[0]}.${digits.slice(1)}0e${exponent}`)) === x) return [digits, exponent];
  }
  const fallback = x.toExponential(8).split('e');
  return [(fallback[0] ?? '').replace('.', '').replace(/0+$/, ''), Number(fallback[1])];
}

// --- cloud-init: PyYAML -----------------------------------------------------------------------

// resolver.py Resolver.add_implicit_resolver, in registration order (the first match wins).
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
// constructor.py timestamp_regexp (named groups), which the resolver's regexp implies.
const PY_TIMESTAMP =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)?$/;
const PY_TIMESTAMP_RESOLVER =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** How PyYAML's SafeLoader (cloud-init) reads a plain scalar. */
export function readPyYAML(s: string, isKey = false): ScalarReading {
  const c = s[0] ?? '';
  if (s === '' || c === '~' || c === 'n' || c === 'N') {
    if (PY_BOOL.test(s)) return s.toLowerCase() === 'no' ? FALSE : TRUE;
    return PY_NULL.test(s) ? NULL : STRING;
  }
  if ('yYtTfFoO'.includes(c)) {
    if (!PY_BOOL.test(s)) return STRING;
    const l = s.toLowerCase();
    return l === 'yes' || l === 'true' || l === 'on' ? TRUE : FALSE;
  }
  if ('-+0123456789.'.includes(c)) {
    if (PY_FLOAT.test(s)) return num(pyFloat(s));
    if (c !== '.' && PY_INT.test(s)) return pyInt(s);
    if (isDigit(s.charCodeAt(0)) && PY_TIMESTAMP_RESOLVER.test(s)) return pyTimestamp(s);
    return STRING;
  }
  if (s === '<<') return isKey ? { kind: 'merge' } : { kind: 'error', reason: 'PyYAML has no constructor for the merge tag outside a key' };
  if (s === '=') return { kind: 'error', reason: 'PyYAML resolves "=" to tag:yaml.org,2002:value, which SafeLoader cannot construct' };
  return STRING;
}

/** constructor.py construct_yaml_int. */
function pyInt(s: string): ScalarReading {
  let v = s.replaceAll('_', '');
  const sign = v[0] === '-' ? -1 : 1;
  if (v[0] === '+' || v[0] === '-') v = v.slice(1);
  const bad = { kind: 'error', reason: `PyYAML cannot convert ${s} to an int` } as const;
  if (v === '0') return num(0);
  let n: bigint;
  if (v.startsWith('0b')) {
    if (v.length === 2) return bad;
    n = BigInt(v); // 0b… is BigInt syntax
  } else if (v.startsWith('0x')) {
    if (v.length === 2) return bad;
    n = BigInt(v);
  } else if (v[0] === '0') {
    n = BigInt('0o' + v.slice(1));
  } else if (v.includes(':')) {
    n = 0n;
    for (const part of v.split(':')) n = n * 60n + BigInt(part);
  } else {
    n = BigInt(v);
  }
  const r = Number(n) * sign;
  return num(r === 0 ? 0 : r);
}

/** constructor.py construct_yaml_float. */
function pyFloat(s: string): number {
  let v = s.replaceAll('_', '').toLowerCase();
  const sign = v[0] === '-' ? -1 : 1;
  if (v[0] === '+' || v[0] === '-') v = v.slice(1);
  if (v === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (v === '.nan') return Number.NaN;
  if (v.includes(':')) {
    // Same order of float operations as PyYAML, so the result is bit-identical.
    const digits = v.split(':').map(Number).reverse();
    let base = 1;
    let value = 0.0;
    for (const d of digits) {
      value += d * base;
      base *= 60;
    }
    return sign * value;
  }
  return sign * Number(v);
}

/** constructor.py construct_yaml_timestamp: a date/datetime, or the ValueError Python raises. */
function pyTimestamp(s: string): ScalarReading {
  const m = PY_TIMESTAMP.exec(s);
  const bad = (why: string): ScalarReading => ({ kind: 'error', reason: `PyYAML cannot build a date from ${s}: ${why}` });
  if (m === null) return bad('no match');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1) return bad('year 0');
  if (month < 1 || month > 12) return bad('month out of range');
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day < 1 || day > days) return bad('day out of range');
  if (m[4] === undefined) return { kind: 'timestamp' };
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return bad('time out of range');
  if (m[9] !== undefined) {
    // datetime.timezone(timedelta(hours=h, minutes=m)) needs |offset| < 24h.
    const minutes = Number(m[10]) * 60 + Number(m[11] ?? 0);
    if (minutes >= 24 * 60) return bad('time zone offset out of range');
  }
  return { kind: 'timestamp' };
}

// --- YAML 1.2 core schema (npm yaml) ----------------------------------------------------------

/** How a YAML 1.2 core-schema parser (npm `yaml` by default) reads a plain scalar. */
export function readYaml12(s: string): ScalarReading {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return NULL;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T' ? TRUE : FALSE;
  if (/^0o[0-7]+$/.test(s)) return num(parseInt(s.slice(2), 8));
  if (/^[-+]?[0-9]+$/.test(s)) return num(parseInt(s, 10));
  if (/^0x[0-9a-fA-F]+$/.test(s)) return num(parseInt(s.slice(2), 16));
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return num(s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return num(parseFloat(s));
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return num(parseFloat(s));
  return STRING;
}

// --- hazards ----------------------------------------------------------------------------------

/** True when two readings give the same JSON value for the same source text. */
export function sameReading(a: ScalarReading, b: ScalarReading): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'bool' && b.kind === 'bool') return a.value === b.value;
  if (a.kind === 'number' && b.kind === 'number') {
    return a.value === b.value || (Number.isNaN(a.value) && Number.isNaN(b.value));
  }
  // 'string' readings are the source text itself; errors and timestamps never equal anything.
  return a.kind === 'null' || a.kind === 'string' || a.kind === 'merge';
}

// Only plain scalars starting with one of these can resolve to anything but a string in any of the
// three readers (go-yaml resolveTable, PyYAML's first-character lists, the core regexps).
const RESOLVABLE_FIRST = new Set('yYnNtTfFoO~0123456789+-.<='.split(''));

/**
 * Whether a plain scalar is read differently by Kubernetes or PyYAML (YAML 1.1) than by YAML 1.2,
 * and how. Undefined when all readers agree (or when it is a plain string for all of them).
 */
export function yaml11Hazard(plain: string, isKey = false): Yaml11Hazard | undefined {
  if (plain !== '' && !RESOLVABLE_FIRST.has(plain[0] ?? '')) return undefined;
  const yaml12 = readYaml12(plain);
  const kubernetes = readKubernetes(plain, isKey);
  const pyyaml = readPyYAML(plain, isKey);
  if (sameReading(kubernetes, yaml12) && sameReading(pyyaml, yaml12)) return undefined;
  return { source: plain, kubernetes, pyyaml, yaml12 };
}

/**
 * A one-sentence finding for a hazard: what each reader makes of it and what to write instead.
 *
 * @example
 * describeHazard(yaml11Hazard('yes')!)
 * // 'unquoted yes is read as boolean true by Kubernetes and cloud-init (YAML 1.1) but as the string "yes" by YAML 1.2 tools; quote it ("yes") or write true'
 */
export function describeHazard(h: Yaml11Hazard, isKey = false): string {
  const readers: { who: string; r: ScalarReading }[] = [
    { who: 'Kubernetes', r: h.kubernetes },
    { who: 'cloud-init', r: h.pyyaml },
    { who: 'YAML 1.2 tools', r: h.yaml12 },
  ];
  const groups: { r: ScalarReading; who: string[] }[] = [];
  for (const { who, r } of readers) {
    const g = groups.find((x) => sameReading(x.r, r));
    if (g === undefined) groups.push({ r, who: [who] });
    else g.who.push(who);
  }
  const names = (who: readonly string[]): string =>
    who.join(' and ') + (who.includes('YAML 1.2 tools') ? '' : who.length === 1 && who[0] === 'cloud-init' ? ' (PyYAML, YAML 1.1)' : ' (YAML 1.1)');
  const parts = groups.map((g, i) => `${i === 0 ? '' : i === 1 ? ' but ' : ' and '}as ${readingText(g.r, h.source)} by ${names(g.who)}`);
  const what = isKey ? `unquoted key ${h.source}` : `unquoted ${h.source}`;
  const quoted = JSON.stringify(h.source);
  let advice: string;
  if (h.kubernetes.kind === 'merge') advice = `quote it (${quoted}) if you mean a key named ${quoted}, or spell the merged keys out`;
  else if (h.kubernetes.kind === 'string') advice = `quote it (${quoted}) so every reader sees the same string`;
  else if (isKey) advice = `quote it (${quoted}); Kubernetes names this key ${JSON.stringify(kubernetesKeyOfPlain(h.source))}`;
  else advice = `quote it (${quoted}) or write ${canonical(h.kubernetes)}`;
  return `${what} is read ${parts.join('')}; ${advice}`;
}

function readingText(r: ScalarReading, source: string): string {
  switch (r.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return `boolean ${r.value}`;
    case 'number':
      return `the number ${canonical(r)}`;
    case 'string':
      return `the string ${JSON.stringify(source)}`;
    case 'timestamp':
      return 'a date';
    case 'merge':
      return 'a merge key (<<)';
    case 'error':
      return 'an error';
  }
}

/** The spelling every reader agrees on for a Kubernetes value. */
function canonical(r: ScalarReading): string {
  if (r.kind === 'bool') return String(r.value);
  if (r.kind === 'null') return 'null';
  if (r.kind !== 'number') return '';
  if (Number.isNaN(r.value)) return '.nan';
  if (!Number.isFinite(r.value)) return r.value > 0 ? '.inf' : '-.inf';
  // why: a plain integer, or a float with a dot and a signed exponent, reads alike in 1.1 and 1.2.
  if (Number.isInteger(r.value) && Math.abs(r.value) < 1e21) return goIntString(r.value);
  const s = String(r.value);
  if (!s.includes('e')) return s;
  const [m = '', e = ''] = s.split('e');
  return `${m.includes('.') ? m : m + '.0'}e${e.startsWith('-') || e.startsWith('+') ? e : '+' + e}`;
}

// --- the js-yaml schema -----------------------------------------------------------------------

// Loader hooks for load.ts: js-yaml gives types no position, so the loader only learns that a
// hazard (or a key whose JS spelling differs from Go's) occurred, and then re-reads the document
// with positions. Safe as module state because js-yaml's load() is synchronous.
let hazardsSeen = 0;
let floatKeysSeen = 0;

/** Resets and returns the counters the schema keeps for the loader (internal: used by load.ts only). */
export function takeResolverFlags(): { readonly hazards: number; readonly floatKeys: number } {
  const r = { hazards: hazardsSeen, floatKeys: floatKeysSeen };
  hazardsSeen = 0;
  floatKeysSeen = 0;
  // why: the memo would otherwise hide a repeated scalar from the next document's counters.
  memoSource = undefined;
  return r;
}

// why: js-yaml asks each implicit type in turn about the same scalar; resolve it once.
let memoSource: string | undefined;
let memoKind: ScalarReading['kind'] = 'string';
let memoValue: null | boolean | number | string = '';
let memoFloat = false;

const WORD_FIRST = new Set('yYnNtTfFoO~'.split(''));

function classify(data: unknown): void {
  const s = data === null || data === undefined ? '' : String(data);
  if (s === memoSource) return;
  memoSource = s;
  const c0 = s[0] ?? '';
  // why: the hot path. Most plain scalars (kinds, names, API groups, longer keys such as
  // "namespace") cannot resolve to anything but a string in any reader: skip all three.
  if (s !== '' && (!RESOLVABLE_FIRST.has(c0) || (WORD_FIRST.has(c0) && s.length > 5))) {
    memoKind = 'string';
    memoValue = s;
    memoFloat = false;
    return;
  }
  let c = classified.get(s);
  if (c === undefined) {
    const g = goResolve(s, false);
    const value = goValue(s, g);
    c = {
      kind: g.reading.kind,
      value,
      float: g.float,
      hazard: s === '<<' || yaml11Hazard(s) !== undefined,
      // js-yaml spells keys with String(); Go's float keys read differently (1e6 gives "1e+06").
      floatKey: g.float && typeof value === 'number' && goFloat32g(value) !== String(value),
    };
    if (classified.size >= CLASSIFIED_MAX) classified.clear();
    classified.set(s, c);
  }
  memoKind = c.kind;
  memoValue = c.value;
  memoFloat = c.float;
  if (c.hazard) hazardsSeen++;
  if (c.floatKey) floatKeysSeen++;
}

/** What classify() found for a scalar text (all primitives, so entries can be shared). */
interface Classified {
  readonly kind: ScalarReading['kind'];
  readonly value: null | boolean | number | string;
  readonly float: boolean;
  readonly hazard: boolean;
  readonly floatKey: boolean;
}
// why: manifests repeat the same resolvable scalars ("3", "60s", "0644", versions) in every
// document; reading one takes three readers (Go, PyYAML, YAML 1.2). Bounded: cleared when full.
const classified = new Map<string, Classified>();
const CLASSIFIED_MAX = 4096;

const isKind = (kind: ScalarReading['kind']) => (data: unknown): boolean => {
  classify(data);
  return memoKind === kind;
};
const memoConstruct = (data: unknown): unknown => {
  classify(data);
  return memoValue;
};

const nullType = new yaml.Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: isKind('null'), construct: memoConstruct });
const boolType = new yaml.Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: isKind('bool'), construct: memoConstruct });
// go-yaml v2 gives ints and floats one JSON number type; the int type takes go-yaml's ints and the
// float type every number, so that `!!float 1` works as it does there.
const intType = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => {
    classify(data);
    return memoKind === 'number' && !memoFloat;
  },
  construct: memoConstruct,
});
const floatType = new yaml.Type('tag:yaml.org,2002:float', { kind: 'scalar', resolve: isKind('number'), construct: memoConstruct });
// js-yaml merges mappings under a key whose tag is tag:yaml.org,2002:merge.
const mergeType = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
});
// go-yaml v2 decodes an explicit !!timestamp into interface{} as its text.
const timestampType = new yaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string',
  construct: (data: unknown) => data,
});

/**
 * A js-yaml schema that reads plain scalars as Kubernetes does (sigs.k8s.io/yaml on go-yaml v2,
 * YAML 1.1): FAILSAFE plus implicit null (`~ null Null NULL`, empty), bool
 * (`y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF`), int
 * (decimal, `0x`, `0o`, `0b`, leading-zero octal `0755` = 493, `_` separators) and float
 * (`1.5`, `1e3`, `.inf`, `.nan`), and `<<` merge keys. Timestamps stay strings.
 */
export const KUBERNETES_SCHEMA: yaml.Schema = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType, mergeType],
  explicit: [timestampType],
});
