// Internal helpers of the certificate transforms (microk8s-cert-guard, kubeadm-cert-checks): put
// capi-gen's files and commands into a bootstrap config's lists without touching the user's.

/** A file entry as both providers take it (MicroK8s requires all four fields). */
export interface NodeFile {
  readonly path: string;
  readonly owner: string;
  readonly permissions: string;
  readonly content: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `files` with each of `ours` in it once: an entry with the same path is replaced where it stands
 * by ours (entirely: a leftover `encoding`, `contentFrom` or `append` would change what our
 * content means), later entries with that path are dropped, and paths not there yet are appended
 * in the order given. Every other entry keeps its place.
 */
export function upsertFiles(files: readonly unknown[], ours: readonly NodeFile[]): unknown[] {
  const byPath = new Map(ours.map((f) => [f.path, f]));
  const placed = new Set<string>();
  const out: unknown[] = [];
  for (const f of files) {
    const path = isRecord(f) && typeof f['path'] === 'string' ? f['path'] : undefined;
    const mine = path === undefined ? undefined : byPath.get(path);
    if (mine === undefined || path === undefined) {
      out.push(f);
      continue;
    }
    if (placed.has(path)) continue;
    placed.add(path);
    out.push({ ...mine });
  }
  for (const f of ours) if (!placed.has(f.path)) out.push({ ...f });
  return out;
}

/** Whether `command` is `<script> <mode>`, possibly with more after it (an older form of ours). */
export function isOurCommand(command: unknown, script: string, mode: string): boolean {
  const head = `${script} ${mode}`;
  return typeof command === 'string' && (command === head || command.startsWith(`${head} `));
}

/**
 * `commands` with `command` once, as the last entry, after every command of the user (which keep
 * their relative order); earlier copies of ours (same script and mode) are removed.
 */
export function appendLast(commands: readonly unknown[], command: string, script: string, mode: string): unknown[] {
  return [...commands.filter((c) => !isOurCommand(c, script, mode)), command];
}

/** The content of the entry at `path` in a files list, if it is a plain string. */
export function contentAt(files: readonly unknown[], path: string): string | undefined {
  const f = files.find((x) => isRecord(x) && x['path'] === path);
  return isRecord(f) && typeof f['content'] === 'string' && f['encoding'] === undefined ? f['content'] : undefined;
}

/**
 * Walks `keys` from `root`, creating plain objects where a key is missing or null, and returns the
 * last one; undefined when something on the way is not an object (left for validation to report).
 * Mutates `root`: call it on a copy.
 */
export function objectAt(root: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> | undefined {
  let at = root;
  for (const k of keys) {
    const v = at[k];
    if (v === undefined || v === null) {
      const made: Record<string, unknown> = {};
      at[k] = made;
      at = made;
    } else if (isRecord(v)) at = v;
    else return undefined;
  }
  return at;
}

/** The value at `keys`, or undefined. */
export function valueAt(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const k of keys) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}
