// The certificate-rotation-kubeadm transform: certificatesExpiryDays on KubeadmControlPlane(Template),
// v1beta1 (spec.rolloutBefore) and v1beta2 (spec.rollout.before); user values kept unless
// hardening.certificates.expiryDays is explicit; every value written is ≥ 7 and below
// certificateValidityPeriodDays when that is set; enabled: false is a no-op; idempotent; other
// kinds untouched; the output validates. Ends with a fast-check property over all of that.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import { certificateRotationKubeadm, defaultExpiryDays } from '../../src/harden/certificate-rotation-kubeadm.ts';
import { TRANSFORMS, type HardenContext } from '../../src/harden/registry.ts';
import type { ClusterSpec } from '../../src/model/cluster-spec.ts';
import { checkClusterSpec } from '../../src/model/load-spec.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

type Version = 'v1beta1' | 'v1beta2';
type Kind = 'KubeadmControlPlane' | 'KubeadmControlPlaneTemplate';
type Cfg = Record<string, unknown>;
type Hardening = ClusterSpec['hardening'];

const KINDS = join(import.meta.dirname, '../../../../test/fixtures/kinds');
const FIXTURES = new Map<string, string>();
function fixture(version: Version, kind: Kind): KubeObject {
  const file = join(KINDS, `controlplane.cluster.x-k8s.io_${version}_${kind}.yaml`);
  if (!FIXTURES.has(file)) FIXTURES.set(file, readFileSync(file, 'utf8'));
  return parse(FIXTURES.get(file)!) as KubeObject;
}

function ctx(hardening?: Hardening): HardenContext {
  return { hardening, templatesDir: defaultTemplatesDir() };
}
function apply(o: KubeObject, hardening?: Hardening): KubeObject {
  return certificateRotationKubeadm.apply([o], ctx(hardening))[0]!;
}

function kcpSpec(o: KubeObject): Cfg {
  const spec = o['spec'] as Cfg;
  return o.kind === 'KubeadmControlPlaneTemplate' ? ((spec['template'] as Cfg)['spec'] as Cfg) : spec;
}
function fieldKeys(version: Version): string[] {
  return version === 'v1beta1' ? ['rolloutBefore', 'certificatesExpiryDays'] : ['rollout', 'before', 'certificatesExpiryDays'];
}
function expiryOf(o: KubeObject, version: Version): unknown {
  let v: unknown = kcpSpec(o);
  for (const k of fieldKeys(version)) v = (v as Cfg | undefined)?.[k];
  return v;
}
/**
 * A copy of the fixture with certificatesExpiryDays removed, or set to `expiry`, and
 * certificateValidityPeriodDays set to `validity` when given.
 */
function make(version: Version, kind: Kind, expiry?: number, validity?: number): KubeObject {
  const o = fixture(version, kind);
  const spec = kcpSpec(o);
  if (version === 'v1beta1') {
    if (expiry === undefined) delete spec['rolloutBefore'];
    else spec['rolloutBefore'] = { certificatesExpiryDays: expiry };
  } else {
    const rollout = (spec['rollout'] ??= {}) as Cfg;
    if (expiry === undefined) delete rollout['before'];
    else rollout['before'] = { certificatesExpiryDays: expiry };
  }
  if (validity !== undefined) {
    const kcs = (spec['kubeadmConfigSpec'] ??= {}) as Cfg;
    const cc = (kcs['clusterConfiguration'] ??= {}) as Cfg;
    cc['certificateValidityPeriodDays'] = validity;
  }
  return o;
}

const ALL: ReadonlyArray<readonly [Version, Kind]> = [
  ['v1beta1', 'KubeadmControlPlane'],
  ['v1beta1', 'KubeadmControlPlaneTemplate'],
  ['v1beta2', 'KubeadmControlPlane'],
  ['v1beta2', 'KubeadmControlPlaneTemplate'],
];

describe('certificate-rotation-kubeadm', () => {
  it.each(ALL)('%s %s: sets 90 days where nothing is set, and the output validates', async (version, kind) => {
    // Arrange
    const input = make(version, kind);
    // Act
    const out = apply(input);
    // Assert
    expect(expiryOf(out, version)).toBe(90);
    expect(expiryOf(input, version)).toBeUndefined(); // the input is not mutated
    expect(await validateObject(out)).toEqual([]);
  });

  it('keeps the other fields of spec.rollout (v1beta2) in place', () => {
    // Arrange: the fixture has rollout.strategy
    const input = make('v1beta2', 'KubeadmControlPlane');
    // Act
    const out = apply(input);
    // Assert
    expect(kcpSpec(out)['rollout']).toEqual({ strategy: (kcpSpec(input)['rollout'] as Cfg)['strategy'], before: { certificatesExpiryDays: 90 } });
  });

  it.each(ALL)('%s %s: keeps a value the user set', (version, kind) => {
    const input = make(version, kind, 21);
    const out = apply(input, { certificates: { enabled: true } });
    expect(out).toBe(input);
    expect(expiryOf(out, version)).toBe(21);
  });

  it.each(ALL)('%s %s: an explicit expiryDays wins over the user value', async (version, kind) => {
    const out = apply(make(version, kind, 21), { certificates: { expiryDays: 60 } });
    expect(expiryOf(out, version)).toBe(60);
    expect(await validateObject(out)).toEqual([]);
  });

  it('keeps a placeholder the user wrote', () => {
    const input = make('v1beta1', 'KubeadmControlPlane');
    kcpSpec(input)['rolloutBefore'] = { certificatesExpiryDays: '${EXPIRY_DAYS}' };
    expect(apply(input)).toBe(input);
  });

  it.each([
    [365, 90],
    [364, 90],
    [200, 50],
    [30, 7],
    [8, 7],
  ])('validity %i days: the default becomes %i (a quarter of it, at least 7, at most 90)', async (validity, want) => {
    const out = apply(make('v1beta2', 'KubeadmControlPlane', undefined, validity));
    expect(expiryOf(out, 'v1beta2')).toBe(want);
    expect(want).toBeLessThan(validity);
    expect(await validateObject(out)).toEqual([]);
  });

  it.each([7, 3, 1])('validity %i days: no valid value exists, the object is left alone', (validity) => {
    const input = make('v1beta1', 'KubeadmControlPlane', undefined, validity);
    expect(apply(input)).toBe(input);
    expect(apply(input, { certificates: { expiryDays: 7 } })).toBe(input);
    expect(defaultExpiryDays(validity)).toBeUndefined();
  });

  it('an explicit value not below the validity period is not applied to that object', () => {
    // Without a user value the default for the validity period fills the gap ...
    expect(expiryOf(apply(make('v1beta2', 'KubeadmControlPlane', undefined, 60), { certificates: { expiryDays: 60 } }), 'v1beta2')).toBe(15);
    // ... with one, the user's value stays.
    const input = make('v1beta2', 'KubeadmControlPlane', 10, 60);
    expect(apply(input, { certificates: { expiryDays: 100 } })).toBe(input);
    // Below it, the explicit value is applied.
    expect(expiryOf(apply(make('v1beta2', 'KubeadmControlPlane', 10, 60), { certificates: { expiryDays: 59 } }), 'v1beta2')).toBe(59);
  });

  it('leaves an object alone whose validity period is a placeholder (the limit is unknown)', () => {
    const input = make('v1beta1', 'KubeadmControlPlane');
    ((kcpSpec(input)['kubeadmConfigSpec'] as Cfg)['clusterConfiguration'] ??= {});
    (((kcpSpec(input)['kubeadmConfigSpec'] as Cfg)['clusterConfiguration']) as Cfg)['certificateValidityPeriodDays'] = '${DAYS}';
    expect(apply(input)).toBe(input);
  });

  it('enabled: false changes nothing', () => {
    const objects = ALL.map(([v, k]) => make(v, k));
    const out = certificateRotationKubeadm.apply(objects, ctx({ certificates: { enabled: false, expiryDays: 30 } }));
    expect(out).toEqual(objects);
    out.forEach((o, i) => expect(o).toBe(objects[i]));
  });

  it('is idempotent', () => {
    for (const [v, k] of ALL) {
      for (const h of [undefined, { certificates: { expiryDays: 30 } }] as Hardening[]) {
        const once = apply(make(v, k), h);
        expect(apply(once, h)).toEqual(once);
      }
    }
  });

  it('leaves other kinds and versions untouched, and a spec that is not an object', () => {
    const others: KubeObject[] = [
      { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'a' }, spec: {} },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'MicroK8sControlPlane', metadata: { name: 'a' }, spec: {} },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha4', kind: 'KubeadmControlPlane', metadata: { name: 'a' }, spec: {} },
      { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfigTemplate', metadata: { name: 'a' }, spec: {} },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'a' }, spec: 'oops' },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlaneTemplate', metadata: { name: 'a' }, spec: {} },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'KubeadmControlPlane', metadata: { name: 'a' }, spec: { rolloutBefore: 'oops' } },
    ];
    const out = certificateRotationKubeadm.apply(others, ctx());
    expect(out).toHaveLength(others.length);
    others.forEach((o, i) => expect(out[i]).toBe(o));
  });

  it('is registered in TRANSFORMS, which stays sorted by id', () => {
    expect(TRANSFORMS).toContain(certificateRotationKubeadm);
    const ids = TRANSFORMS.map((t) => t.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('the spec accepts expiryDays from 7 to 1094 only', () => {
    const base = { name: 'demo', flavor: 'kubeadm-docker' };
    const problems = (days: unknown): number => checkClusterSpec({ ...base, hardening: { certificates: { expiryDays: days } } }).filter((i) => i.path.includes('expiryDays')).length;
    expect(problems(7)).toBe(0);
    expect(problems(1094)).toBe(0);
    expect(problems(6)).toBeGreaterThan(0);
    expect(problems(1095)).toBeGreaterThan(0);
    expect(problems(30.5)).toBeGreaterThan(0);
  });
});

describe('certificate-rotation-kubeadm: properties', () => {
  const cases = fc.record({
    target: fc.constantFrom(...ALL),
    existing: fc.option(fc.integer({ min: 7, max: 1094 }), { nil: undefined }),
    validity: fc.option(fc.integer({ min: 1, max: 1095 }), { nil: undefined }),
    hardening: fc.option(
      fc.record(
        { certificates: fc.record({ enabled: fc.boolean(), expiryDays: fc.integer({ min: 7, max: 1094 }) }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  });

  it('idempotent, precedence kept, written values in [7, validity), output validates', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ target: [version, kind], existing, validity, hardening }) => {
        // Arrange: user values in the manifest are valid for its validity period (else validation
        // would refuse the input already, which is not this transform's business).
        const userValue = existing !== undefined && (validity === undefined || existing < validity) ? existing : undefined;
        const input = make(version, kind, userValue, validity);
        // Act
        const once = apply(input, hardening);
        const twice = apply(once, hardening);
        // Assert
        expect(twice).toEqual(once);
        const got = expiryOf(once, version);
        const cert = hardening?.certificates;
        if (cert?.enabled === false || (validity !== undefined && validity <= 7)) {
          expect(once).toBe(input);
          return;
        }
        const explicit = cert?.expiryDays;
        const explicitFits = explicit !== undefined && (validity === undefined || explicit < validity);
        expect(got).toBe(explicitFits ? explicit : (userValue ?? defaultExpiryDays(validity)));
        expect(typeof got).toBe('number');
        expect(got as number).toBeGreaterThanOrEqual(7);
        if (validity !== undefined) expect(got as number).toBeLessThan(validity);
        expect(await validateObject(once)).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
