import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadSchema, type StructuralSchema } from '@capi-gen/crds';
import { applyDefaults, checkListTypes, evaluateRules } from '../../src/validate/structural.ts';

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// why: CRD schemas nest 10+ levels deep; below this depth objects are generated empty so values
// stay small while every level that holds defaults in the vendored CRDs is still reached
const MAX_DEPTH = 9;

/**
 * Values shaped by a structural schema: every property optional, any of them possibly `null`
 * (to exercise null pruning), lists of up to 3 items, enums from the enum, and some partial
 * objects under defaulted properties.
 */
function arbitraryFor(schema: StructuralSchema, depth = 0): fc.Arbitrary<unknown> {
  const en = schema['enum'];
  if (Array.isArray(en) && en.length > 0) return fc.constantFrom(...(en as unknown[]));
  if (schema['x-kubernetes-int-or-string'] === true) return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom('10%', 'x'));
  const t = schema['type'];
  const type = Array.isArray(t) ? t.find((x) => x !== 'null') : t;
  switch (type) {
    case 'string':
      return fc.string({ maxLength: 6 });
    case 'integer':
      return fc.integer({ min: -3, max: 100 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = schema['items'];
      if (!isObject(items) || depth >= MAX_DEPTH) return fc.constant([]);
      return fc.array(withNull(arbitraryFor(items, depth + 1), 10), { maxLength: 3 });
    }
    case 'object': {
      if (depth >= MAX_DEPTH) return fc.constant({});
      const props = schema['properties'];
      const additional = schema['additionalProperties'];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      if (isObject(props)) {
        for (const [k, v] of Object.entries(props)) if (isObject(v)) model[k] = withNull(arbitraryFor(v, depth + 1), 8);
      }
      const known = fc.record(model, { requiredKeys: [] });
      if (!isObject(additional)) return known;
      const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), withNull(arbitraryFor(additional, depth + 1), 8), { maxKeys: 2 });
      return fc.tuple(extra, known).map(([e, k]) => ({ ...e, ...k }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** `arb`, or null one time in `freq`. */
function withNull(arb: fc.Arbitrary<unknown>, freq: number): fc.Arbitrary<unknown> {
  return fc.option(arb, { nil: null, freq });
}

/** Every object and array inside `x`. */
function containers(x: unknown, into = new Set<object>()): Set<object> {
  if (typeof x === 'object' && x !== null) {
    into.add(x);
    for (const v of Object.values(x)) containers(v, into);
  }
  return into;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

const SCHEMAS: readonly (readonly [string, string])[] = [
  ['infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackCluster'],
  ['infrastructure.cluster.x-k8s.io/v1beta2', 'OpenStackMachineTemplate'],
  ['controlplane.cluster.x-k8s.io/v1beta1', 'KubeadmControlPlane'],
  ['controlplane.cluster.x-k8s.io/v1beta1', 'MicroK8sControlPlane'],
  ['controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane'],
];

async function schemaOf(apiVersion: string, kind: string): Promise<StructuralSchema> {
  const schema = await loadSchema(apiVersion, kind);
  if (schema === undefined) throw new Error(`no schema for ${apiVersion} ${kind}`);
  return schema;
}

describe.each(SCHEMAS)('applyDefaults on generated %s %s objects', (apiVersion, kind) => {
  it('does not mutate its input and shares no objects with it', async () => {
    // Arrange
    const schema = await schemaOf(apiVersion, kind);
    const spec = schema['properties'];
    if (!isObject(spec) || !isObject(spec['spec'])) throw new Error('no spec');
    const arb = fc.record({ spec: arbitraryFor(spec['spec'], 1) });

    fc.assert(
      fc.property(arb, (value) => {
        const before = structuredClone(value);
        deepFreeze(value);

        // Act
        const out = applyDefaults(value, schema);

        // Assert
        expect(value).toEqual(before);
        const inputs = containers(value);
        expect([...containers(out)].filter((c) => inputs.has(c))).toEqual([]);
      }),
    );
  });

  it('is idempotent', async () => {
    // Arrange
    const schema = await schemaOf(apiVersion, kind);
    const spec = schema['properties'];
    if (!isObject(spec) || !isObject(spec['spec'])) throw new Error('no spec');
    const arb = fc.record({ spec: arbitraryFor(spec['spec'], 1) });

    fc.assert(
      fc.property(arb, (value) => {
        // Act
        const once = applyDefaults(value, schema);
        const twice = applyDefaults(once, schema);

        // Assert
        expect(twice).toEqual(once);
      }),
    );
  });

  it('leaves checkListTypes and evaluateRules total: findings, never exceptions', async () => {
    // Arrange
    const schema = await schemaOf(apiVersion, kind);
    const spec = schema['properties'];
    if (!isObject(spec) || !isObject(spec['spec'])) throw new Error('no spec');
    const arb = fc.record({ spec: arbitraryFor(spec['spec'], 1) });

    fc.assert(
      fc.property(arb, (value) => {
        // Act
        const defaulted = applyDefaults(value, schema);
        const findings = [...checkListTypes(defaulted, schema), ...evaluateRules(defaulted, schema)];

        // Assert
        for (const f of findings) expect(f.path === '' || f.path.startsWith('/')).toBe(true);
      }),
    );
  });
});
