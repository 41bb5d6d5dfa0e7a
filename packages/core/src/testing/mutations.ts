import type { IssueCode } from '../errors.ts';
import { childPointer, parsePointer } from '../validate/pointer.ts';
import type { SchemaNode } from './schema-arbitrary.ts';
import { isRecord } from '../util/record.ts';

/** One single-point change that makes a schema-valid object invalid at a known path. */
export interface Mutation {
  readonly kind: 'unknown-field' | 'wrong-type' | 'enum' | 'pattern' | 'min-items' | 'set-duplicate' | 'max-length';
  /** Where the finding must be reported. */
  readonly path: string;
  /** Codes that count as "rejected at the mutated path". */
  readonly codes: readonly IssueCode[];
  /** Returns a mutated deep copy. */
  apply(value: unknown): unknown;
}

const UNKNOWN_KEY = 'zzNotAField';

function setAt(root: unknown, pointer: string, make: (old: unknown) => unknown): unknown {
  const copy = structuredClone(root);
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return make(copy);
  let cur = copy as Record<string, unknown>;
  for (const t of tokens.slice(0, -1)) cur = cur[t] as Record<string, unknown>;
  const last = tokens[tokens.length - 1]!;
  cur[last] = make(cur[last]);
  return copy;
}

/**
 * Lists every single mutation that the schema says must be rejected, for one value.
 * Nodes that preserve unknown fields, int-or-string nodes and anything under them are
 * skipped, because the schema accepts more there.
 */
export function listMutations(value: unknown, schema: SchemaNode, path = ''): Mutation[] {
  const out: Mutation[] = [];
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-int-or-string'] === true || schema['anyOf'] !== undefined) {
    return out;
  }
  const type = schema['type'];
  if (type === 'object' && isRecord(value)) {
    if (schema['additionalProperties'] === false && path !== '') {
      out.push({
        kind: 'unknown-field',
        path: childPointer(path, UNKNOWN_KEY),
        codes: ['UNKNOWN_FIELD', 'METADATA'],
        apply: (v) => setAt(v, path, (o) => ({ ...(o as object), [UNKNOWN_KEY]: 'x' })),
      });
    }
    const properties = (schema['properties'] as Record<string, SchemaNode> | undefined) ?? {};
    const extra = schema['additionalProperties'];
    for (const [k, v] of Object.entries(value)) {
      const sub = properties[k] ?? (isRecord(extra) ? (extra as SchemaNode) : undefined);
      if (sub !== undefined) out.push(...listMutations(v, sub, childPointer(path, k)));
    }
    return out;
  }
  if (type === 'array' && Array.isArray(value)) {
    const minItems = schema['minItems'] as number | undefined;
    if (minItems !== undefined && minItems >= 1) {
      out.push({ kind: 'min-items', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => []) });
    }
    const maxItems = (schema['maxItems'] as number | undefined) ?? Infinity;
    if (schema['x-kubernetes-list-type'] === 'set' && value.length >= 1 && value.length < maxItems) {
      out.push({
        kind: 'set-duplicate',
        path: childPointer(path, value.length),
        codes: ['LIST_TYPE'],
        apply: (v) => setAt(v, path, (a) => [...(a as unknown[]), structuredClone((a as unknown[])[0])]),
      });
    }
    const items = schema['items'] as SchemaNode | undefined;
    if (items !== undefined) value.forEach((item, i) => out.push(...listMutations(item, items, childPointer(path, i))));
    return out;
  }
  if (path === '' || path === '/apiVersion' || path === '/kind') return out;
  if (type === 'string' && typeof value === 'string') {
    out.push({ kind: 'wrong-type', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => 12345) });
    if (Array.isArray(schema['enum'])) {
      out.push({ kind: 'enum', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => 'NotAnAllowedValue') });
    }
    const pattern = schema['pattern'] as string | undefined;
    if (pattern !== undefined && !new RegExp(pattern, 'u').test('#!~ invalid ~!#')) {
      out.push({ kind: 'pattern', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => '#!~ invalid ~!#') });
    }
    const maxLength = schema['maxLength'] as number | undefined;
    if (maxLength !== undefined && maxLength < 5000) {
      out.push({ kind: 'max-length', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => 'a'.repeat(maxLength + 1)) });
    }
  } else if (type === 'integer' && typeof value === 'number') {
    out.push({ kind: 'wrong-type', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => 'not-a-number') });
  } else if (type === 'boolean' && typeof value === 'boolean') {
    out.push({ kind: 'wrong-type', path, codes: ['SCHEMA', 'METADATA'], apply: (v) => setAt(v, path, () => 'maybe') });
  }
  return out;
}
