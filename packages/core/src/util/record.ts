// Reading parsed YAML/JSON values: one definition of "a mapping" for every module in core
// (yaml, validate, convert, harden, lint, model), which each had their own copy.

/** A plain mapping (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at `keys` below `root`, or undefined where a step is not a mapping. */
export function valueAt(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const k of keys) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}
