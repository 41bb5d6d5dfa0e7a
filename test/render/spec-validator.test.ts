// Differential test: the precompiled spec validator (packages/core/src/model/_gen/, Ajv standalone
// code written by packages/core/scripts/write-spec-schema.mjs) against Ajv compiling the current
// ClusterSpec schema here, with the options load-spec.ts compiled with at run time before it was
// precompiled. Same validity and the same raw Ajv errors (so the same spec error messages) on
// generated specs, their single-point mutations and hand-picked bad values.
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterSpecSchema, checkClusterSpec } from '../../packages/core/src/index.ts';
import { validate as precompiledValidate } from '../../packages/core/src/model/_gen/cluster-spec-validator.ts';
import { arbitraryClusterSpec, listMutations, type SchemaNode } from '../../packages/core/src/testing/index.ts';
import { describeAjvErrors } from '../../packages/core/src/validate/ajv-messages.ts';

interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}
interface Validator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

const schema = ClusterSpecSchema as unknown as SchemaNode;
const precompiled = precompiledValidate as unknown as Validator;
const runtime = new Ajv({ allErrors: true, strict: false }).compile(ClusterSpecSchema) as unknown as Validator;

function outcome(v: Validator, value: unknown): { valid: boolean; errors: AjvError[] } {
  const valid = v(value);
  return { valid, errors: structuredClone(v.errors ?? []) };
}

/**
 * The schema issues (code SPEC) checkClusterSpec must report when the schema rejects `value`, from
 * Ajv's own errors; rule problems (SPEC_RULE) come beside them, every problem at once.
 */
function expectedSchemaIssues(value: unknown, errors: readonly AjvError[]): { path: string; message: string }[] {
  return describeAjvErrors(errors as never, value, schema, 'spec').map((f) => ({ path: f.path, message: f.message }));
}

function assertSame(value: unknown): void {
  const a = outcome(precompiled, value);
  const b = outcome(runtime, value);
  expect(a).toEqual(b);
  if (!b.valid) expect(checkClusterSpec(value).filter((i) => i.code === 'SPEC').map((i) => ({ path: i.path, message: i.message }))).toEqual(expectedSchemaIssues(value, b.errors));
}

const specOrMutation: fc.Arbitrary<unknown> = arbitraryClusterSpec().chain((spec) => {
  const mutations = listMutations(spec, schema);
  return mutations.length === 0 ? fc.constant(spec as unknown) : fc.oneof(fc.constant(spec as unknown), fc.constantFrom(...mutations).map((m) => m.apply(spec)));
});

/** Values the mutations do not produce: a removed required key, a wrong type at the root of a section, long strings with astral characters (maxLength counts code points). */
const roughEdits: fc.Arbitrary<unknown> = fc
  .tuple(arbitraryClusterSpec(), fc.constantFrom('name', 'flavor', 'kubernetesVersion', 'controlPlane', 'workers', 'network', 'hardening', 'openstack'), fc.constantFrom<unknown>(undefined, null, 7, 'x', [], {}, true, '\u{1F600}'.repeat(41), 'a'.repeat(64)))
  .map(([spec, key, v]) => {
    const copy = structuredClone(spec) as Record<string, unknown>;
    if (v === undefined) delete copy[key];
    else copy[key] = v;
    return copy as unknown;
  });

describe('precompiled spec validator agrees with Ajv compiling the current schema', () => {
  it('gives the same errors on generated specs and their mutations', () => {
    // Arrange / Act / Assert
    fc.assert(fc.property(specOrMutation, (value) => assertSame(value)), { numRuns: 200 });
  });

  it('gives the same errors on specs with a key removed or replaced', () => {
    // Arrange / Act / Assert
    fc.assert(fc.property(roughEdits, (value) => assertSame(value)), { numRuns: 200 });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a list', [{ name: 'x' }]],
    ['an empty object', {}],
    ['a name of 40 emoji (40 code points, 80 UTF-16 units)', { name: '\u{1F600}'.repeat(40), flavor: 'kubeadm-docker', kubernetesVersion: 'v1.31.0', controlPlane: { replicas: 1 }, workers: [] }],
  ] as const)('gives the same errors on %s', (_label, value) => {
    // Arrange / Act / Assert
    assertSame(value);
  });
});
