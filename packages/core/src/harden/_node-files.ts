// Internal helpers of the transforms that ship node scripts (kubeadm-cert-checks, microk8s-cert-guard,
// microk8s-ca-verification, leader-election-microk8s): put capi-gen's files and commands into a
// bootstrap config's lists without touching the user's, and, for the certificate checks, write the
// script, units and /etc/capi-gen/certs.env and their commands the same way for both providers.
// objectAt and updateAt are the object-walking helpers of every transform in harden/ (isRecord and
// valueAt, which they build on, are core's util/record.ts).
import type { KubeObject } from '../emit/to-yaml.ts';
import { loadNodeScript, type ScriptDirs } from '../scripts/load-script.ts';
import { buildCertsEnv, explicitCertsEnv } from './certificate-options.ts';
import { CERTS_ENV_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, type CertsEnvKey } from './node-certs-contract.ts';
import type { HardenContext } from './registry.ts';
import { isRecord, valueAt } from '../util/record.ts';

/** A file entry as both providers take it (MicroK8s requires all four fields). */
export interface NodeFile {
  readonly path: string;
  readonly owner: string;
  readonly permissions: string;
  readonly content: string;
}

/**
 * `files` with each of `ours` in it once: an entry with the same path is replaced where it stands
 * by ours (entirely: a leftover `encoding`, `contentFrom` or `append` would change what our
 * content means), later entries with that path are dropped, and paths not there yet are appended
 * in the order given. Every other entry keeps its place. With `merge`, the replaced entry keeps
 * its other fields and ours are written over them.
 */
export function upsertFiles(files: readonly unknown[], ours: readonly NodeFile[], options: { readonly merge?: boolean } = {}): unknown[] {
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
    // why: merge keeps the other fields of the user's entry (the MicroK8sControlPlane transforms always did).
    out.push(options.merge === true ? { ...(f as Record<string, unknown>), ...mine } : { ...mine });
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
  return appendLastOf(commands, command, (c) => isOurCommand(c, script, mode));
}

/** {@link appendLast} with the test for an earlier copy of ours given. */
export function appendLastOf(commands: readonly unknown[], command: string, isOurs: (c: unknown) => boolean): unknown[] {
  return [...commands.filter((c) => !isOurs(c)), command];
}

/** `commands` with `command` once: in place of the first of ours (later ones removed), else appended. */
export function upsertCommand(commands: readonly unknown[], command: string, isOurs: (c: unknown) => boolean): unknown[] {
  const first = commands.findIndex(isOurs);
  return first < 0 ? [...commands, command] : commands.flatMap((c, i) => (i === first ? [command] : isOurs(c) ? [] : [c]));
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

/**
 * Walks `keys` from `root` like {@link objectAt}, but puts a new plain object wherever something
 * on the way is not one. Mutates `root`: call it on a copy.
 */
export function forceObjectAt(root: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  let at = root;
  for (const k of keys) {
    const v = at[k];
    const next = isRecord(v) ? v : {};
    at[k] = next;
    at = next;
  }
  return at;
}

/**
 * Returns a copy of `root` with `keys` (all plain objects) created where missing or null and the value at
 * the end replaced by `update(old)`; undefined when something on the way is not an object
 * (left for validation to report, never overwritten).
 */
export function updateAt(root: Record<string, unknown>, keys: readonly string[], update: (old: unknown) => unknown): Record<string, unknown> | undefined {
  const [head, ...rest] = keys;
  if (head === undefined) return undefined;
  const child = root[head];
  if (rest.length === 0) {
    const next = update(child);
    return next === undefined ? undefined : { ...root, [head]: next };
  }
  if (child !== undefined && child !== null && !isRecord(child)) return undefined;
  const next = updateAt(isRecord(child) ? child : {}, rest, update);
  return next === undefined ? undefined : { ...root, [head]: next };
}

/** `Kind/name` of an object, for notes. */
export function objectLabel(o: KubeObject): string {
  return `${String(o.kind)}/${String(isRecord(o.metadata) ? o.metadata['name'] : '')}`;
}

/** The first of `lists` that `config` holds as something other than a list (null and absent are fine). */
function nonListField<K extends string>(config: unknown, lists: readonly K[]): K | undefined {
  return isRecord(config) ? lists.find((l) => config[l] !== undefined && config[l] !== null && !Array.isArray(config[l])) : undefined;
}

/** The certificate checks' node files of one provider: file names in templates/scripts/, or their loaded texts. */
export interface CertCheckFiles {
  readonly script: string;
  readonly service: string;
  readonly timer: string;
}

/** Loads the script, service and timer of `files` from the templates. */
export function loadCertCheckFiles(dirs: string | ScriptDirs, files: CertCheckFiles): CertCheckFiles {
  return { script: loadNodeScript(dirs, files.script), service: loadNodeScript(dirs, files.service), timer: loadNodeScript(dirs, files.timer) };
}

/** Where one provider's bootstrap config takes the certificate checks. */
export interface CertChecksPlacement {
  /** The files list: `files` (kubeadm) or `extraWriteFiles` (MicroK8s). */
  readonly filesKey: string;
  /** Where the script lands on the node. */
  readonly scriptPath: string;
  /** The certs.env keys this provider's script reads. */
  readonly envKeys: readonly CertsEnvKey[];
  /** Each command list, our command for it and that command's mode (the script's first argument), in the order written. */
  readonly commands: readonly (readonly [list: string, command: string, mode: string])[];
}

/**
 * A copy of `o` with the certificate checks in its bootstrap config at `keys` (created where
 * missing): the script (0700), the service, the timer and certs.env (0644), all root:root, at
 * their paths (replaced where they stand, else appended), certs.env from the options, `fixed`
 * values and the file already there; then our command last in each command list, once.
 * `o` itself, with a note, when one of those lists is something other than a list.
 */
export function withCertChecks(
  o: KubeObject,
  keys: readonly string[],
  placement: CertChecksPlacement,
  loaded: CertCheckFiles,
  context: HardenContext,
  fixed: Partial<Record<CertsEnvKey, string>>,
  note: (m: string) => void,
): KubeObject {
  // why: a list field that is not a list (a clusterctl placeholder for the whole list) cannot be
  // merged into; validation reports it when it is wrong, and it is left as written.
  const bad = nonListField(valueAt(o, keys), [placement.filesKey, ...placement.commands.map(([list]) => list)]);
  if (bad !== undefined) {
    note(`${objectLabel(o)}: /${[...keys, bad].join('/')} is not a list; the certificate checks were not added to this object`);
    return o;
  }
  const out = structuredClone(o) as KubeObject;
  const config = objectAt(out, keys);
  if (config === undefined) return o;
  const list = (k: string): unknown[] => (Array.isArray(config[k]) ? (config[k] as unknown[]) : []);
  const files = list(placement.filesKey);
  const env = buildCertsEnv(placement.envKeys, explicitCertsEnv(context.hardening?.certificates), fixed, contentAt(files, CERTS_ENV_PATH));
  config[placement.filesKey] = upsertFiles(files, [
    { path: placement.scriptPath, owner: 'root:root', permissions: '0700', content: loaded.script },
    { path: CERTS_SERVICE_PATH, owner: 'root:root', permissions: '0644', content: loaded.service },
    { path: CERTS_TIMER_PATH, owner: 'root:root', permissions: '0644', content: loaded.timer },
    { path: CERTS_ENV_PATH, owner: 'root:root', permissions: '0644', content: env },
  ]);
  for (const [key, command, mode] of placement.commands) config[key] = appendLast(list(key), command, placement.scriptPath, mode);
  return out;
}
