// A small declarative engine for field-by-field conversion. Every converter lists each field it
// accepts; a field that is not listed has no known equivalent in the target version and stops the
// conversion with a NoEquivalentError naming its JSON pointer (nothing is ever dropped silently).
// `true` marks a subtree whose shape is the same in both versions (compared path by path in the
// vendored schemas when the mapping was written; each module's header lists the differences).

/** A value converter: the value at JSON pointer `at` in, the converted value out. */
export type Conv = (value: unknown, at: string) => unknown;

/** How one field converts: copied unchanged, converted in place, renamed, or written by hand. */
export type FieldRule =
  | true
  | Conv
  | { readonly to: string; readonly conv?: Conv }
  | { readonly write: (value: unknown, at: string, out: Record<string, unknown>) => void };

/** The rules of one object level, by field name. */
export type Fields = Readonly<Record<string, FieldRule>>;

/** Thrown for a field that the target version cannot express. */
export class NoEquivalentError extends Error {
  readonly pointer: string;
  constructor(pointer: string, detail: string) {
    super(`${pointer}: ${detail}`);
    this.name = 'NoEquivalentError';
    this.pointer = pointer;
  }
}

import { isRecord } from '../util/record.ts';

export { isRecord };

function escapeToken(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** JSON pointer of a child. */
export function child(at: string, key: string | number): string {
  return `${at}/${escapeToken(String(key))}`;
}

/** Converts an object level by its field rules; unlisted fields throw. */
export function obj(fields: Fields): Conv {
  return (value, at) => {
    if (!isRecord(value)) throw new NoEquivalentError(at, `expected an object, got ${JSON.stringify(value)}`);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const rule = Object.hasOwn(fields, key) ? fields[key] : undefined;
      const p = child(at, key);
      if (rule === undefined) throw new NoEquivalentError(p, 'this field has no equivalent in the target API version');
      if (rule === true) out[key] = structuredClone(v);
      else if (typeof rule === 'function') out[key] = rule(v, p);
      else if ('write' in rule) rule.write(v, p, out);
      else out[rule.to] = rule.conv === undefined ? structuredClone(v) : rule.conv(v, p);
    }
    return out;
  };
}

/** Converts every item of a list. */
export function list(conv: Conv): Conv {
  return (value, at) => {
    if (!Array.isArray(value)) throw new NoEquivalentError(at, `expected a list, got ${JSON.stringify(value)}`);
    return value.map((v, i) => conv(v, child(at, i)));
  };
}

/** A boolean field renamed and negated (v1beta2 `enableX` -> v1beta1 `disableX`). */
export function negated(to: string): FieldRule {
  return {
    to,
    conv: (v, at) => {
      if (typeof v !== 'boolean') throw new NoEquivalentError(at, `expected a boolean, got ${JSON.stringify(v)}`);
      return !v;
    },
  };
}

/** An integer number of seconds renamed into a Go duration string (`60` -> `"60s"`). */
export function secondsToDuration(to: string): FieldRule {
  return {
    to,
    conv: (v, at) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new NoEquivalentError(at, `expected an integer number of seconds, got ${JSON.stringify(v)}`);
      return `${v}s`;
    },
  };
}

/** Writes the converted fields of a v1beta2 sub-object into the parent (v1beta2 grouped what v1beta1 kept flat). */
export function flatten(fields: Fields): FieldRule {
  const conv = obj(fields);
  return {
    write: (v, at, out) => {
      const flat = conv(v, at) as Record<string, unknown>;
      for (const [k, x] of Object.entries(flat)) {
        if (Object.hasOwn(out, k)) throw new NoEquivalentError(at, `converts to "${k}", which another field already set`);
        out[k] = x;
      }
    },
  };
}
