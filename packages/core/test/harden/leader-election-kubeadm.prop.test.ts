// Properties of leader-election timings and the leader-election-kubeadm transform:
// - checkLeaderElectionTimings agrees with a direct re-implementation of client-go's rule
//   (leaderelection.NewLeaderElector) over Go's time.ParseDuration, both written here from the Go
//   sources, not from the code under test;
// - the transform is idempotent, keeps v1beta2 arg names unique, keeps every other arg, applies
//   the precedence explicit > user value > default, and every output still validates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import { checkEffectiveTimings, leaderElectionKubeadm, readLeaderElectionArgs } from '../../src/harden/leader-election-kubeadm.ts';
import { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS, parseDuration, type LeaderElectionTimings } from '../../src/harden/leader-election-options.ts';
import type { ClusterSpec } from '../../src/model/cluster-spec.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

// ---------------------------------------------------------------------------------------------
// Reference: Go's time.ParseDuration (src/time/format.go), in BigInt nanoseconds.

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC Greek small letter mu
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};
const MAX_INT64 = (1n << 63n) - 1n;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's ParseDuration: nanoseconds, or undefined where Go returns an error. */
function goParseDuration(orig: string): bigint | undefined {
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return undefined;
    // leadingInt
    let v = 0n;
    let i = 0;
    for (; i < s.length && isDigit(s[i]); i++) {
      if (v > (1n << 63n) / 10n) return undefined;
      v = v * 10n + BigInt(s[i]!);
      if (v > 1n << 63n) return undefined;
    }
    const pre = i > 0;
    s = s.slice(i);
    // leadingFraction: digits past 2^63 are read but ignored
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      let j = 0;
      for (; j < s.length && isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > MAX_INT64 / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s[j]!);
        if (y > 1n << 63n) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return undefined;
    // unit: everything up to the next digit or '.'
    let k = 0;
    while (k < s.length && s[k] !== '.' && !isDigit(s[k])) k++;
    if (k === 0) return undefined;
    const unit = GO_UNITS[s.slice(0, k)];
    s = s.slice(k);
    if (unit === undefined) return undefined;
    if (v > (1n << 63n) / unit) return undefined;
    v *= unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), truncated toward zero
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) return undefined;
    }
    d += v;
    if (d > 1n << 63n) return undefined;
  }
  if (neg) return -d;
  if (d > MAX_INT64) return undefined;
  return d;
}

// Reference: client-go leaderelection.NewLeaderElector, whose checks are
//   LeaseDuration <= RenewDeadline                                  -> error
//   RenewDeadline <= time.Duration(JitterFactor*float64(RetryPeriod)) -> error (JitterFactor 1.2)
//   LeaseDuration < 1, RenewDeadline < 1, RetryPeriod < 1            -> error
// plus the flag parser refusing anything ParseDuration refuses.
type Field = keyof LeaderElectionTimings;
const FIELDS: readonly Field[] = ['leaseDuration', 'renewDeadline', 'retryPeriod'];

/** Every check client-go (and the flag parser before it) fails, as `field:kind`. */
function clientGoViolations(t: LeaderElectionTimings): string[] {
  const ns: Partial<Record<Field, bigint>> = {};
  const out: string[] = [];
  for (const f of FIELDS) {
    const v = goParseDuration(t[f]);
    if (v === undefined) out.push(`${f}:syntax`);
    else ns[f] = v;
  }
  const { leaseDuration: lease, renewDeadline: renew, retryPeriod: retry } = ns;
  if (lease !== undefined && renew !== undefined && lease <= renew) out.push('leaseDuration:order');
  if (renew !== undefined && retry !== undefined && renew <= BigInt(Math.trunc(1.2 * Number(retry)))) out.push('renewDeadline:jitter');
  for (const f of FIELDS) if (ns[f] !== undefined && ns[f]! < 1n) out.push(`${f}:positive`);
  return out.sort();
}

function kindOf(message: string): string {
  if (message.includes('is not a duration')) return 'syntax';
  if (message.includes('greater than zero')) return 'positive';
  if (message.includes('greater than renewDeadline')) return 'order';
  if (message.includes('JitterFactor')) return 'jitter';
  return `unknown: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// Durations: most of them valid and positive, around the values where the rules flip; some
// zero, negative, or refused by Go. Fractions are halves and quarters (exact in binary), see
// "known gaps" below for the others.

const unit = fc.constantFrom('ns', 'us', 'µs', 'μs', 'ms', 's', 's', 's', 'm', 'h');
const number = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 130 }).map(String) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom('.5', '.25', '.75', '.', '.0')).map(([i, f]) => `${i}${f}`) },
  { weight: 1, arbitrary: fc.constantFrom('.5', '.25', '00', '007') },
);
const segment = fc.tuple(number, unit).map(([n, u]) => `${n}${u}`);
const wellFormed = fc
  .tuple(fc.constantFrom('', '', '', '', '-', '+'), fc.array(segment, { minLength: 1, maxLength: 3 }))
  .map(([sign, segs]) => `${sign}${segs.join('')}`);
const refused = fc.oneof(
  fc.constantFrom('1', '1d', 's', '', '1.2.3s', ' 1s', '1s ', '.s', '-', '+', '-.s', '1e3s', '0x10s', '1,5s', '1S', 'Infinitys', '1 s', '1h-1m'),
  fc.stringMatching(/^[-+]?[0-9.]{0,4}[a-zµ]{0,3}[0-9.]{0,3}$/),
);
const duration = fc.oneof({ weight: 8, arbitrary: wellFormed }, { weight: 1, arbitrary: refused }, { weight: 1, arbitrary: fc.constantFrom('0', '-0', '+0', '0s', '-1s') });
const timings = fc.record({ leaseDuration: duration, renewDeadline: duration, retryPeriod: duration });

describe('client-go rule (checkLeaderElectionTimings vs a direct implementation)', () => {
  it('reports exactly the checks client-go fails, for valid and invalid triples', () => {
    fc.assert(
      fc.property(timings, (t) => {
        // Act
        const got = checkLeaderElectionTimings(t).map((p) => `${p.field}:${kindOf(p.message)}`).sort();
        const want = clientGoViolations(t);
        // Assert: accepted exactly when client-go accepts; every finding is a check client-go
        // fails; and the order/jitter rules are reported whenever all three durations are positive.
        expect(got.length === 0).toBe(want.length === 0);
        for (const g of got) expect(want).toContain(g);
        const allPositive = FIELDS.every((f) => (goParseDuration(t[f]) ?? 0n) > 0n);
        if (allPositive) expect(got).toEqual(want);
      }),
    );
  });

  it('agrees around the boundaries: lease = renew, renew = 1.2 x retry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom('ms', 's'), (retry, delta, u) => {
        // Arrange: renew deadline near 1.2 x retry (in tenths to hit the product exactly), lease near renew
        const renew = Math.max(1, Math.floor((12 * retry) / 10) + delta);
        const t = { retryPeriod: `${retry}${u}`, renewDeadline: `${renew}${u}`, leaseDuration: `${Math.max(1, renew + delta)}${u}` };
        // Act
        const got = checkLeaderElectionTimings(t).map((p) => `${p.field}:${kindOf(p.message)}`).sort();
        // Assert
        expect(got).toEqual(clientGoViolations(t));
      }),
    );
  });
});

describe('parseDuration vs Go time.ParseDuration', () => {
  // Results of Go's time.ParseDuration, from its documented grammar: a possibly signed sequence
  // of decimal numbers, each with optional fraction and a unit (ns, us or µs, ms, s, m, h).
  const GO_TABLE: readonly (readonly [string, number | undefined])[] = [
    ['300ms', 300_000_000],
    ['-1.5h', -5_400_000_000_000],
    ['2h45m', 9_900_000_000_000],
    ['1.5µs', 1_500],
    ['1.5μs', 1_500],
    ['1.5us', 1_500],
    ['0', 0],
    ['-0', 0],
    ['+5s', 5_000_000_000],
    ['.5s', 500_000_000],
    ['1.s', 1_000_000_000],
    ['1h0m0s', 3_600_000_000_000],
    ['0s', 0],
    ['1', undefined], // missing unit
    ['00', undefined], // only a bare "0" needs no unit
    ['1d', undefined], // unknown unit
    ['s', undefined],
    ['', undefined],
    ['1.2.3s', undefined], // ".3s" has no unit before it
    [' 1s', undefined],
    ['1s ', undefined], // unit "s " is unknown
    ['.s', undefined],
    ['-', undefined],
    ['1e3s', undefined],
  ];

  it.each(GO_TABLE)('%j -> %s', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
    // The reference agrees with the table too (it is what the property below compares with).
    expect(goParseDuration(text)).toBe(ns === undefined ? undefined : BigInt(ns));
  });

  it('agrees with the reference on generated durations', () => {
    fc.assert(
      fc.property(duration, (text) => {
        const want = goParseDuration(text);
        const got = parseDuration(text);
        // + 0 turns parseDuration's -0 (for "-0s") into the 0 Go returns.
        expect(got === undefined ? undefined : got + 0).toBe(want === undefined ? undefined : Number(want));
      }),
    );
  });

  // Cases where float arithmetic would disagree with Go, which computes whole nanoseconds
  // (fractions truncated, exact decimal arithmetic, int64 range).
  it.each([
    ['1.5ns', 1], // Go truncates to whole nanoseconds
    ['4.1ms', 4_100_000], // 4.1 * 1e6 is 4099999.9999999995 in floats
    ['2.007ms', 2_007_000], // 2.007 * 1e6 is 2007000.0000000002 in floats
    ['2562048h', undefined], // beyond int64 nanoseconds: Go refuses it
  ] as const)('agrees with Go on %j -> %s', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });
});

// ---------------------------------------------------------------------------------------------
// The transform over random KubeadmControlPlane(Template)s.

const KINDS = join(import.meta.dirname, '../../../../test/fixtures/kinds');
const VARIANTS = (['v1beta1', 'v1beta2'] as const).flatMap((version) =>
  (['KubeadmControlPlane', 'KubeadmControlPlaneTemplate'] as const).map((kind) => ({
    version,
    kind,
    object: parse(readFileSync(join(KINDS, `controlplane.cluster.x-k8s.io_${version}_${kind}.yaml`), 'utf8')) as KubeObject,
  })),
);
const LEADER_FLAGS = ['leader-elect-lease-duration', 'leader-elect-renew-deadline', 'leader-elect-retry-period'] as const;
const FLAG_FIELD: Readonly<Record<string, Field>> = {
  'leader-elect-lease-duration': 'leaseDuration',
  'leader-elect-renew-deadline': 'renewDeadline',
  'leader-elect-retry-period': 'retryPeriod',
};

const otherName = fc.oneof(fc.constantFrom('profiling', 'bind-address', 'v', 'feature-gates', 'leader-elect', 'leader-elect-resource-lock'), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/));
const value = fc.oneof(fc.constantFrom('true', 'false', '0', '60s', '', 'A=true,B=false'), fc.string({ maxLength: 20 }));
const leaderEntry = fc.record({ name: fc.constantFrom(...LEADER_FLAGS), value: fc.oneof(wellFormed, value) });
type Entry = { name: string; value: string };
/** An extraArgs list: unique other names, leader-elect flags anywhere, possibly repeated. */
const argList: fc.Arbitrary<Entry[]> = fc
  .tuple(fc.uniqueArray(fc.record({ name: otherName, value }), { selector: (e) => e.name, maxLength: 5 }), fc.array(fc.tuple(leaderEntry, fc.nat()), { maxLength: 5 }))
  .map(([others, leaders]) => {
    const out: Entry[] = others.filter((e) => FLAG_FIELD[e.name] === undefined);
    for (const [e, at] of leaders) out.splice(at % (out.length + 1), 0, e);
    return out;
  });
/** extraArgs of one component: absent, or a list/map built from the same entries. */
const componentArgs = fc.option(argList, { nil: undefined });
const validDuration = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('s', 'ms', 'm')).map(([n, u]) => `${n}${u}`);
const hardening: fc.Arbitrary<ClusterSpec['hardening']> = fc.option(
  fc.record(
    {
      leaderElection: fc.record(
        { enabled: fc.boolean(), leaseDuration: validDuration, renewDeadline: validDuration, retryPeriod: validDuration },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

interface Case {
  readonly input: KubeObject;
  readonly hardening: ClusterSpec['hardening'];
  readonly lists: Readonly<Record<'controllerManager' | 'scheduler', Entry[] | undefined>>;
  readonly shape: 'map' | 'list';
}

function kcsOf(o: Record<string, unknown>, kind: string): Record<string, unknown> {
  const spec = o['spec'] as Record<string, unknown>;
  const holder = kind === 'KubeadmControlPlaneTemplate' ? ((spec['template'] as Record<string, unknown>)['spec'] as Record<string, unknown>) : spec;
  holder['kubeadmConfigSpec'] ??= {};
  return holder['kubeadmConfigSpec'] as Record<string, unknown>;
}

const cases: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom(...VARIANTS), componentArgs, componentArgs, hardening)
  .map(([variant, cm, sched, h]) => {
    const input = structuredClone(variant.object);
    const shape = variant.version === 'v1beta1' ? 'map' : 'list';
    const lists = { controllerManager: cm, scheduler: sched };
    const cc: Record<string, unknown> = {};
    for (const [component, list] of Object.entries(lists)) {
      if (list === undefined) continue;
      // A map cannot repeat a key: there the first entry of a name counts, as in the list.
      const map: Record<string, string> = {};
      for (const e of list) if (!Object.hasOwn(map, e.name)) map[e.name] = e.value;
      const args = shape === 'list' ? list : map;
      cc[component] = { extraArgs: args };
    }
    if (Object.keys(cc).length > 0) kcsOf(input, variant.kind)['clusterConfiguration'] = cc;
    else delete kcsOf(input, variant.kind)['clusterConfiguration'];
    return { input, hardening: h, lists, shape };
  });

function apply(objects: readonly KubeObject[], h: ClusterSpec['hardening']): KubeObject[] {
  return leaderElectionKubeadm.apply(objects, { hardening: h, templatesDir: defaultTemplatesDir() });
}
function argsOf(o: KubeObject, component: 'controllerManager' | 'scheduler'): unknown {
  const cc = kcsOf(o, o.kind)['clusterConfiguration'] as Record<string, Record<string, unknown> | undefined> | undefined;
  return cc?.[component]?.['extraArgs'];
}
function entriesOf(args: unknown): Entry[] {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args as Entry[];
  return Object.entries(args as Record<string, string>).map(([name, v]) => ({ name, value: v }));
}

describe('leader-election-kubeadm transform properties', () => {
  it('is idempotent and does not mutate its input', () => {
    fc.assert(
      fc.property(cases, (c) => {
        // Arrange
        const before = structuredClone(c.input);
        // Act
        const once = apply([c.input], c.hardening);
        const twice = apply(once, c.hardening);
        // Assert
        expect(twice).toEqual(once);
        expect(c.input).toEqual(before);
      }),
    );
  });

  it('keeps every other arg in order, each leader-elect flag once with explicit > user > default', () => {
    fc.assert(
      fc.property(cases, (c) => {
        // Act
        const out = apply([c.input], c.hardening)[0]!;
        // Assert
        const le = c.hardening?.leaderElection;
        for (const component of ['controllerManager', 'scheduler'] as const) {
          const got = entriesOf(argsOf(out, component));
          const given = c.lists[component] ?? [];
          if (le?.enabled === false) {
            expect(out).toBe(c.input);
            continue;
          }
          const names = got.map((e) => e.name);
          expect(new Set(names).size).toBe(names.length);
          expect(got.length).toBeGreaterThan(0);
          expect(got.filter((e) => FLAG_FIELD[e.name] === undefined)).toEqual(given.filter((e) => FLAG_FIELD[e.name] === undefined));
          for (const flag of LEADER_FLAGS) {
            const field = FLAG_FIELD[flag]!;
            const want = le?.[field] ?? given.find((e) => e.name === flag)?.value ?? LEADER_ELECTION_DEFAULTS[field];
            expect(got.filter((e) => e.name === flag)).toEqual([{ name: flag, value: want }]);
          }
          if (c.shape === 'list') {
            // In place: the first entry of each name stays where it was relative to the others.
            const firstNames = given.map((e) => e.name).filter((n, i, all) => all.indexOf(n) === i);
            expect(names.slice(0, firstNames.length)).toEqual(firstNames);
          }
        }
      }),
    );
  });

  it('every output validates, and checkEffectiveTimings agrees with client-go on the flags set', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        // Act
        const out = apply([c.input], c.hardening)[0]!;
        // Assert: disabled, the input comes back as it was (checked above), valid or not; enabled,
        // the output is valid even from inputs with repeated flags or an empty extraArgs list.
        if (c.hardening?.leaderElection?.enabled === false) return;
        expect(await validateObject(out)).toEqual([]);
        for (const found of readLeaderElectionArgs(out)) {
          if (found.leaderElect === 'false') continue;
          const effective = { leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '2s', ...found.values };
          const problems = checkEffectiveTimings(out).filter((p) => p.component === found.component);
          expect(problems.length === 0).toBe(clientGoViolations(effective).length === 0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
