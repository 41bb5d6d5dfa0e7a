// Differential test: the precompiled (Ajv standalone) validators against Ajv compiling the
// upstream CRDs at test time. The test-side schema is built here, independently of the
// generator: read the upstream CRD file, close every object the way the apiserver prunes,
// compile with ajv-formats (a different format implementation from runtime/formats.js).
// Both must report the same (instancePath, keyword) set on generated and mutated objects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRDS, loadSchema, loadValidator } from '@capi-gen/crds';
import { arbitraryFromSchema, listMutations } from '../../packages/core/src/testing/index.ts';
import { HAS_SHARED, REPO_ROOT, SHARED_DIR } from '../support/shared.ts';

type Node = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const sources = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/crds/sources.json'), 'utf8')) as { sources: { file: string }[] }).sources;

function closeAll(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeAll);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties') {
      out[k] = Object.fromEntries(Object.entries(v as Node).map(([pk, pv]) => [pk, closeAll(pv)]));
    } else if (k === 'default' || k === 'enum' || k === 'x-kubernetes-validations') {
      out[k] = v;
    } else {
      out[k] = closeAll(v);
    }
  }
  if (out['type'] === 'object' && out['additionalProperties'] === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out['additionalProperties'] = false;
  }
  return out;
}

function upstreamSchema(group: string, version: string, kind: string): Node {
  for (const s of sources) {
    const crd = parse(readFileSync(join(SHARED_DIR, 'crds', s.file), 'utf8')) as Node;
    const spec = crd['spec'] as Node;
    if (spec['group'] !== group || (spec['names'] as Node)['kind'] !== kind) continue;
    const v = (spec['versions'] as Node[]).find((x) => x['name'] === version);
    if (v === undefined) break;
    const schema = closeAll((v['schema'] as Node)['openAPIV3Schema']) as Node;
    // metadata is checked by capi-gen's own ObjectMeta schema; the upstream one is just {type: object}.
    (schema['properties'] as Node)['metadata'] = { type: 'object' };
    return schema;
  }
  throw new Error(`no upstream CRD for ${group}/${version} ${kind}`);
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strict: false });
  addFormats(ajv);
  return ajv;
}

function errorSet(errors: readonly { instancePath: string; keyword: string }[] | null | undefined): string[] {
  return [...new Set((errors ?? []).filter((e) => !e.instancePath.startsWith('/metadata')).map((e) => `${e.instancePath} ${e.keyword}`))].sort();
}

describe.skipIf(!HAS_SHARED)('precompiled validators agree with Ajv compiling the upstream CRDs', () => {
  const ajv = makeAjv();
  it.each(CRDS.map((c) => [`${c.group}/${c.version} ${c.kind}`, c] as const))('%s', async (_label, c) => {
    // Arrange
    const apiVersion = `${c.group}/${c.version}`;
    const schema = await loadSchema(apiVersion, c.kind);
    const standalone = await loadValidator(apiVersion, c.kind);
    const runtime = ajv.compile(upstreamSchema(c.group, c.version, c.kind));
    const arb = arbitraryFromSchema(schema!, { apiVersion, kind: c.kind, maxDepth: 3 }).chain((obj) => {
      const mutations = listMutations(obj, schema!).filter((m) => !m.path.startsWith('/metadata'));
      return mutations.length === 0
        ? fc.constant(obj as unknown)
        : fc.oneof(fc.constant(obj as unknown), fc.constantFrom(...mutations).map((m) => m.apply(obj)));
    });
    // Act / Assert
    fc.assert(
      fc.property(arb, (obj) => {
        standalone!(obj);
        const precompiled = errorSet(standalone!.errors);
        runtime(obj);
        expect(precompiled).toEqual(errorSet(runtime.errors));
      }),
      { numRuns: 25 },
    );
  });
});
