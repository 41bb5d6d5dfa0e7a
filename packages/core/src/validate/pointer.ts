// RFC 6901 JSON pointers: the one path format of every Issue.

/** Splits a JSON pointer into unescaped reference tokens ('' gives []). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins reference tokens into a JSON pointer, escaping `~` and `/`. */
export function joinPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + String(t).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Appends one token to a pointer. */
export function childPointer(pointer: string, token: string | number): string {
  return pointer + '/' + String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a pointer, or undefined when any step is absent. */
export function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(cur)) {
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.hasOwn(cur, token) ? (cur as Record<string, unknown>)[token] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** The schema node that describes the value at a pointer, following properties/items/additionalProperties. */
export function schemaAt(schema: Readonly<Record<string, unknown>>, pointer: string): Readonly<Record<string, unknown>> | undefined {
  let cur: Readonly<Record<string, unknown>> | undefined = schema;
  for (const token of parsePointer(pointer)) {
    if (cur === undefined) return undefined;
    const props = cur['properties'] as Record<string, Record<string, unknown>> | undefined;
    if (props !== undefined && Object.hasOwn(props, token)) {
      cur = props[token];
    } else if (cur['items'] !== undefined && typeof cur['items'] === 'object') {
      cur = cur['items'] as Record<string, unknown>;
    } else if (cur['additionalProperties'] !== undefined && typeof cur['additionalProperties'] === 'object') {
      cur = cur['additionalProperties'] as Record<string, unknown>;
    } else {
      return undefined;
    }
  }
  return cur;
}
