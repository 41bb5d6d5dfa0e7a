import fc from 'fast-check';

/** A structural schema node (JSON Schema with x-kubernetes-* extensions). */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** Options for {@link arbitraryFromSchema}. */
export interface SchemaArbitraryOptions {
  /** Below this depth only required fields are generated (keeps objects small). @defaultValue 4 */
  readonly maxDepth?: number;
  /** apiVersion and kind to put at the root. */
  readonly apiVersion: string;
  readonly kind: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/;
const INT32_MAX = 2147483647;

function props(node: SchemaNode): Record<string, SchemaNode> {
  return (node['properties'] as Record<string, SchemaNode> | undefined) ?? {};
}

function isType(node: SchemaNode, t: string): boolean {
  return node['type'] === t;
}

function stringArb(node: SchemaNode): fc.Arbitrary<string> {
  const enumValues = node['enum'] as unknown[] | undefined;
  if (enumValues !== undefined) return fc.constantFrom(...(enumValues.filter((v) => typeof v === 'string') as string[]));
  const minLength = (node['minLength'] as number | undefined) ?? 0;
  const maxLength = Math.min((node['maxLength'] as number | undefined) ?? 24, minLength + 24);
  const pattern = node['pattern'] as string | undefined;
  const format = node['format'] as string | undefined;
  let arb: fc.Arbitrary<string>;
  if (pattern !== undefined) {
    const re = new RegExp(pattern, 'u');
    arb = fc.stringMatching(re);
  } else if (format === 'date-time') {
    arb = fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  } else if (format === 'byte') {
    arb = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
  } else if (format === 'uuid') {
    arb = fc.uuid();
  } else if (format === 'ipv4') {
    arb = fc.ipV4();
  } else {
    arb = fc.string({ unit: 'grapheme-ascii', minLength, maxLength });
  }
  // Lengths are in code points, as Go counts them.
  return arb.filter((s) => {
    const n = [...s].length;
    return n >= minLength && n <= ((node['maxLength'] as number | undefined) ?? Infinity);
  });
}

function integerArb(node: SchemaNode): fc.Arbitrary<number> {
  const enumValues = node['enum'] as unknown[] | undefined;
  if (enumValues !== undefined) return fc.constantFrom(...(enumValues as number[]));
  let min = (node['minimum'] as number | undefined) ?? -1000;
  let max = (node['maximum'] as number | undefined) ?? Math.max(min + 1000, 1000);
  if (node['exclusiveMinimum'] === true) min += 1;
  if (node['exclusiveMaximum'] === true) max -= 1;
  if (node['format'] === 'int32') max = Math.min(max, INT32_MAX);
  return fc.integer({ min: Math.max(min, -INT32_MAX), max: Math.min(max, INT32_MAX) });
}

function jsonLeaf(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -100, max: 100 }), fc.boolean());
}

function arrayArb(node: SchemaNode, depth: number, maxDepth: number): fc.Arbitrary<unknown[]> {
  const items = node['items'] as SchemaNode | undefined;
  const minItems = (node['minItems'] as number | undefined) ?? 0;
  const maxItems = Math.min((node['maxItems'] as number | undefined) ?? 3, Math.max(minItems, 3));
  const item = items === undefined ? jsonLeaf() : valueArb(items, depth + 1, maxDepth);
  const listType = node['x-kubernetes-list-type'];
  if (listType === 'set') {
    return fc.uniqueArray(item, { minLength: minItems, maxLength: maxItems, selector: (v) => JSON.stringify(v) });
  }
  if (listType === 'map') {
    const keys = (node['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [];
    return fc.uniqueArray(item, {
      minLength: minItems,
      maxLength: maxItems,
      selector: (v) => JSON.stringify(keys.map((k) => (v as Record<string, unknown>)[k])),
    });
  }
  return fc.array(item, { minLength: minItems, maxLength: maxItems });
}

function objectArb(node: SchemaNode, depth: number, maxDepth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = props(node);
  const required = new Set((node['required'] as string[] | undefined) ?? []);
  const minProperties = (node['minProperties'] as number | undefined) ?? 0;
  // Past maxDepth only required fields, unless the object must have more (minProperties).
  const keys = Object.keys(properties).filter((k) => required.has(k) || depth < maxDepth || minProperties > required.size);
  if (keys.length > 0) {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const k of keys) model[k] = valueArb(properties[k]!, depth + 1, maxDepth);
    const requiredKeys = keys.filter((k) => required.has(k));
    const maxProperties = node['maxProperties'] as number | undefined;
    if (maxProperties !== undefined || minProperties > requiredKeys.length) {
      // Pick the optional keys first so that min/maxProperties hold by construction.
      const optional = keys.filter((k) => !required.has(k));
      const room = Math.max(0, (maxProperties ?? keys.length) - requiredKeys.length);
      const need = Math.min(room, Math.max(0, minProperties - requiredKeys.length));
      return fc.subarray(optional, { minLength: need, maxLength: room }).chain((picked) => {
        const chosen: Record<string, fc.Arbitrary<unknown>> = {};
        for (const k of [...requiredKeys, ...picked]) chosen[k] = model[k]!;
        return fc.record(chosen) as fc.Arbitrary<Record<string, unknown>>;
      });
    }
    return fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
  }
  const extra = node['additionalProperties'];
  if (extra !== undefined && typeof extra === 'object' && extra !== null) {
    const keyArb = fc.stringMatching(DNS_LABEL);
    return fc.dictionary(keyArb, valueArb(extra as SchemaNode, depth + 1, maxDepth), {
      minKeys: minProperties,
      maxKeys: Math.max(minProperties, 2),
    });
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    return fc.dictionary(fc.stringMatching(DNS_LABEL), jsonLeaf(), { maxKeys: 2 });
  }
  return fc.constant({});
}

/** An arbitrary of values that satisfy a structural schema node (CEL rules excepted). */
export function valueArb(node: SchemaNode, depth = 0, maxDepth = 4): fc.Arbitrary<unknown> {
  const anyOf = node['anyOf'] as SchemaNode[] | undefined;
  if (node['x-kubernetes-int-or-string'] === true || anyOf !== undefined) {
    const str = node['pattern'] !== undefined ? stringArb(node) : fc.stringMatching(/^[0-9]{1,3}%?$/);
    return fc.oneof(integerArb({ minimum: 0, maximum: 100 }), str);
  }
  if (isType(node, 'string')) return stringArb(node);
  if (isType(node, 'integer')) return integerArb(node);
  if (isType(node, 'number')) return fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true });
  if (isType(node, 'boolean')) return fc.boolean();
  if (isType(node, 'array')) return arrayArb(node, depth, maxDepth);
  if (isType(node, 'object')) return objectArb(node, depth, maxDepth);
  return jsonLeaf();
}

/**
 * An arbitrary of whole objects for one CRD version: apiVersion, kind and a DNS-1123 name,
 * plus values generated from the schema. Shape-valid by construction; CEL rules are not
 * considered, so callers must ignore CEL_RULE findings (rules are tested case by case).
 */
export function arbitraryFromSchema(schema: SchemaNode, options: SchemaArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const maxDepth = options.maxDepth ?? 4;
  const rest = { ...props(schema) };
  delete rest['apiVersion'];
  delete rest['kind'];
  delete rest['metadata'];
  delete rest['status'];
  const required = ((schema['required'] as string[] | undefined) ?? []).filter((k) => k in rest);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(rest)) model[k] = valueArb(v, 1, maxDepth);
  return fc
    .tuple(fc.stringMatching(DNS_LABEL), fc.record(model, { requiredKeys: required }))
    .map(([name, body]) => ({ apiVersion: options.apiVersion, kind: options.kind, metadata: { name }, ...body }));
}
