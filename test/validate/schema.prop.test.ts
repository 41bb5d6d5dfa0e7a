// Properties of the whole object pipeline (defaults -> schema -> ObjectMeta -> list types -> CEL),
// driven by objects generated from the schemas themselves:
//   1. a shape-valid object gets no finding other than CEL_RULE (the generator does not know
//      CEL; every rule text has hand-written cases in test/validate/kinds.test.ts);
//   2. a single mutation is rejected with a finding at the mutated path.
// This alone would be circular (schema -> generator -> same schema), which is why
// differential.test.ts compares against Ajv on the upstream CRDs and kinds.test.ts has
// hand-written cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRDS, loadSchema } from '@capi-gen/crds';
import { validateObject } from '../../packages/core/src/index.ts';
import { arbitraryFromSchema, listMutations } from '../../packages/core/src/testing/index.ts';

const entries = CRDS.map((c) => [`${c.group}/${c.version} ${c.kind}`, c] as const);

describe('objects generated from a schema validate', () => {
  it.each(entries)('%s', async (_label, c) => {
    // Arrange
    const apiVersion = `${c.group}/${c.version}`;
    const schema = (await loadSchema(apiVersion, c.kind))!;
    const arb = arbitraryFromSchema(schema, { apiVersion, kind: c.kind, maxDepth: 3 });
    // Act / Assert
    await fc.assert(
      fc.asyncProperty(arb, async (obj) => {
        const issues = await validateObject(obj);
        expect(issues.filter((i) => i.code !== 'CEL_RULE')).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('a single mutation is rejected at the mutated path', () => {
  it.each(entries)('%s', async (_label, c) => {
    // Arrange
    const apiVersion = `${c.group}/${c.version}`;
    const schema = (await loadSchema(apiVersion, c.kind))!;
    const arb = arbitraryFromSchema(schema, { apiVersion, kind: c.kind, maxDepth: 3 })
      .map((obj) => ({ obj, mutations: listMutations(obj, schema) }))
      .filter(({ mutations }) => mutations.length > 0)
      .chain(({ obj, mutations }) => fc.constantFrom(...mutations).map((m) => ({ m, mutated: m.apply(obj) })));
    // Act / Assert
    await fc.assert(
      fc.asyncProperty(arb, async ({ m, mutated }) => {
        const issues = await validateObject(mutated);
        const hit = issues.find((i) => i.path === m.path && m.codes.includes(i.code));
        expect(hit, `${m.kind} at ${m.path}; got ${JSON.stringify(issues.map((i) => `${i.code} ${i.path}`))}`).toBeDefined();
      }),
      { numRuns: 30 },
    );
  });
});
