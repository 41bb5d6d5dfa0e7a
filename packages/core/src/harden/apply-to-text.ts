// `capi-gen harden` on manifests users already have: run the hardening transforms on the objects
// of a YAML text and write back only what they changed, so everything else the user wrote
// (comments, key order, quoting, blank lines, clusterctl `${VAR}` placeholders and `$${VAR}`
// escapes, their own files and commands in their order) stays byte for byte.
//
// How: parse every document with npm `yaml` (YAML 1.1 schema, as Kubernetes reads plain scalars),
// read each one's value from its AST, run the transforms on the values, and diff old against new
// structurally (keys added, scalars replaced, items appended, inserted or removed). Each difference
// becomes a text edit at the AST node's offsets: a new key is a block of lines after the last
// pair of its mapping, a new item a `- ...` block after the last item (or before the item it
// precedes), a changed scalar a replacement of exactly that scalar's text, keeping its quoting.
// Inserted values are rendered with the emitter's pinned options (YAML 1.1 quoting, `lineWidth:
// 0`, literal block scalars for scripts) and indented to their place. Every edited document is
// parsed again and must read as the expected value; where an edit cannot be made in place (flow
// collections, anchors, a key sharing its line) or does not read back right, that one document is
// re-emitted from its edited AST instead (comments kept, layout normalised) and a warning says so.
//
// clusterctl templates are masked before parsing (placeholders.ts) so that `[${X:= }]` parses;
// the masks have the same length, so offsets are those of the original text, and unmasking the
// final text restores every placeholder. Injected strings are escaped for clusterctl's envsubst.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, stringify } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Issue } from '../errors.ts';
import { CapiGenError } from '../errors.ts';
import type { KubeObject } from '../emit/to-yaml.ts';
import { defaultTemplatesDir } from '../flavors/flavor.ts';
import { detectClusterctlTemplate } from '../yaml/clusterctl-template.ts';
import { canMaskPlaceholders, findPlaceholders, maskPlaceholders, unmaskPlaceholders } from '../yaml/placeholders.ts';
import type { HardenContext, Transform } from './registry.ts';
import { TRANSFORMS } from './registry.ts';
import { hardenTargetOf } from './targets.ts';
import { loadDocuments } from '../yaml/load.ts';
import { childPointer } from '../validate/pointer.ts';

/** Options of {@link hardenText}. */
export interface HardenTextOptions {
  /** Name of the input, used in messages. @defaultValue `'<text>'` */
  readonly file?: string;
  /** Hardening options; values set here are explicit and win over values in the manifests. */
  readonly hardening: HardenContext['hardening'];
  /** The @capi-gen/templates folder (node scripts). @defaultValue the built-in templates */
  readonly templatesDir?: string;
  /**
   * Treat the text as a clusterctl template: placeholders are masked while parsing and every `$`
   * in injected text is escaped for envsubst. `'auto'` (default): when a key or a one-line string
   * contains `${` (yaml/clusterctl-template.ts; as `capi-gen lint` decides it).
   */
  readonly clusterctlTemplate?: boolean | 'auto';
  /** The transforms to run, in order. @defaultValue {@link TRANSFORMS} */
  readonly transforms?: readonly Transform[];
}

/** One difference written into the text. */
export interface HardenChange {
  /** `Kind/name` of the object. */
  readonly object: string;
  /** 0-based index of the document in the input. */
  readonly document: number;
  /** JSON pointer of what was added, replaced or removed (in the hardened object). */
  readonly path: string;
  readonly op: 'add' | 'replace' | 'remove';
  /** Short text of the new value (`add`, `replace`) or of the removed one (`remove`). */
  readonly value: string;
  /** 1-based line of the input the change is at (or after). */
  readonly line: number;
}

/** What {@link hardenText} returns. */
export interface HardenTextResult {
  /** The hardened text; equal to the input when nothing changed. */
  readonly text: string;
  readonly changes: readonly HardenChange[];
  /** What the user must know about the changes (rollouts, templates, re-emitted documents). */
  readonly warnings: readonly string[];
  /** Whether the text was treated as a clusterctl template. */
  readonly clusterctlTemplate: boolean;
  /**
   * How many objects are of a kind and API version the transforms harden (kubeadm and MicroK8s
   * bootstrap and control-plane kinds): with no changes, 0 means "nothing to harden" and more
   * means "already hardened". Objects of those kinds in other API versions get a warning instead.
   */
  readonly targets: number;
}

/** Warning for a KubeadmControlPlane whose kubeadmConfigSpec changed. */
export const KCP_ROLLOUT_WARNING = "changing a live KubeadmControlPlane's kubeadmConfigSpec rolls out every control-plane machine";
/**
 * Warning for a MicroK8sControlPlane whose controlPlaneConfig changed: the MicroK8s control-plane
 * provider replaces machines only when `spec.version` changes (RollingUpgrade; InPlaceUpgrade
 * refreshes the snap and re-bootstraps nothing), see controllers/reconcile.go reconcileMachines in
 * canonical/cluster-api-control-plane-provider-microk8s@ade5fcbf.
 */
export const MICROK8S_CP_WARNING = 'the MicroK8s control-plane provider does not roll machines for a changed controlPlaneConfig: only control-plane machines created later (scale-up, remediation, a rolling version upgrade) get the change';
/** Warning for a changed `*Template` object. */
export const TEMPLATE_WARNING = 'edited templates do not reach existing machines; give the template a new name (and update its references) to roll them';

/**
 * Escapes text for clusterctl's envsubst (drone/envsubst), so that substitution gives it back
 * unchanged: `$$` is read as `$` anywhere and `${` opens a placeholder, so every `$` of a run of
 * two or more, and a single `$` before `{`, is doubled (`${` -> `$${`, `$$` -> `$$$$`). A lone `$`
 * before anything else is literal for envsubst and is kept.
 *
 * @example
 * escapeForEnvsubst('echo ${HOME} $$ $x') // 'echo $${HOME} $$$$ $x'
 */
export function escapeForEnvsubst(text: string): string {
  return text.replace(/\$\$+|\$(?=\{)/g, (run) => run + run);
}

/**
 * Hardens every document of a (multi-document) YAML text with the registered transforms and
 * writes back only the differences (see the module comment). Idempotent: hardening the result
 * again changes nothing.
 *
 * @throws CapiGenError with YAML_SYNTAX issues when a document cannot be parsed (nothing is
 * hardened then), and whatever a transform throws for refused options (REFUSED_OPTION).
 */
export function hardenText(text: string, options: HardenTextOptions): HardenTextResult {
  const file = options.file ?? '<text>';
  // why: not text.includes('${'): plain manifests hold shell scripts with ${VAR:-x} (see yaml/clusterctl-template.ts).
  const cc = options.clusterctlTemplate === undefined || options.clusterctlTemplate === 'auto' ? detectClusterctlTemplate(text, file).template : options.clusterctlTemplate;
  let source = text;
  if (cc && canMaskPlaceholders(text)) {
    const found = findPlaceholders(text);
    if (found.length > 0) source = maskPlaceholders(text, found);
  }
  const docs = parseAllLocated(source, text, file, cc);

  // Values as the transforms see them: placeholders restored and, in a clusterctl template, `$$`
  // read as `$` (what clusterctl makes of them), so a transform recognises what it injected before.
  const befores = docs.map((d) => valueOf(d.contents, d, cc));
  const objectAt: number[] = [];
  const objects: KubeObject[] = [];
  befores.forEach((v, i) => {
    if (isObject(v)) {
      objectAt.push(i);
      objects.push(structuredClone(v) as KubeObject);
    }
  });
  const notes: string[] = [];
  const context: HardenContext = { hardening: options.hardening, templatesDir: options.templatesDir ?? defaultTemplatesDir(), note: (m) => notes.includes(m) || notes.push(m) };
  let hardened: KubeObject[] = objects;
  for (const t of options.transforms ?? TRANSFORMS) {
    const next = t.apply(hardened, context);
    if (next.length !== hardened.length) {
      throw new Error(`transform ${t.id} returned ${next.length} objects for ${hardened.length}; capi-gen harden can only apply transforms that edit objects in place`);
    }
    hardened = next;
  }

  // Diff every object.
  const plans: DocPlan[] = [];
  objectAt.forEach((docIndex, k) => {
    const doc = docs[docIndex]!;
    const after = hardened[k];
    const before = befores[docIndex];
    const state: DiffState = { cc, ops: [], docIndex, raw: (node) => valueOf(node, doc, false) };
    const expected = diffValue(doc.contents, before, after, '', { parent: 'root' }, false, state);
    if (state.ops.length > 0) plans.push({ docIndex, doc, ops: state.ops, expected, object: labelOf(after ?? before), fallback: undefined });
  });

  // Write: in place where possible; a document that cannot be edited in place, or does not read
  // back as expected, is re-emitted from its AST.
  let masked = source;
  for (let attempt = 0; attempt < 2; attempt++) {
    const edits: Edit[] = [];
    for (const plan of plans) {
      if (plan.fallback === undefined) {
        try {
          // why: a file written with CRLF line ends gets CRLF in what is inserted too.
          const crlf = source.includes('\r\n');
          edits.push(...checkedEdits(textEdits(source, plan)).map((e) => (crlf ? { ...e, text: e.text.replace(/\r?\n/g, '\r\n') } : e)));
          continue;
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
          plan.fallback = err.message;
        }
      }
      edits.push(astEdit(source, plan, docs));
    }
    masked = applyEdits(source, edits);
    const check = readBack(masked, file, docs.length);
    const failed = plans.filter((p) => p.fallback === undefined && !check(p.docIndex, p.expected));
    if (failed.length === 0) break;
    if (attempt === 1) throw new Error(`capi-gen harden could not write the changes to ${failed.map((p) => p.object).join(', ')}`);
    for (const p of failed) p.fallback = 'the in-place edit did not read back as intended';
  }
  const check = readBack(masked, file, docs.length);
  docs.forEach((doc, i) => {
    const plan = plans.find((p) => p.docIndex === i);
    if (!check(i, plan === undefined ? valueOf(doc.contents, doc, false) : plan.expected)) {
      throw new Error(`capi-gen harden could not write the changes to ${plan?.object ?? `document ${i + 1}`} (document ${i + 1})`);
    }
  });

  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const changes: HardenChange[] = [];
  const warnings: string[] = [];
  for (const plan of plans) {
    for (const op of plan.ops) {
      changes.push({ object: plan.object, document: plan.docIndex, path: op.path, op: op.change, value: summarize(op.change === 'remove' ? op.old : op.value), line: lines.linePos(op.at).line });
    }
    const kind = kindOf(hardened[objectAt.indexOf(plan.docIndex)]);
    if (plan.fallback !== undefined) {
      warnings.push(`${plan.object}: could not add the changes in place (${plan.fallback}); this document was re-written with its comments kept, but its layout may differ from the input`);
    }
    if (kind === 'KubeadmControlPlane' && plan.ops.some((o) => o.path.startsWith('/spec/kubeadmConfigSpec/') || o.path === '/spec/kubeadmConfigSpec')) {
      warnings.push(`${plan.object}: ${KCP_ROLLOUT_WARNING}`);
    }
    if (kind === 'MicroK8sControlPlane' && plan.ops.some((o) => o.path.startsWith('/spec/controlPlaneConfig/') || o.path === '/spec/controlPlaneConfig')) {
      warnings.push(`${plan.object}: ${MICROK8S_CP_WARNING}`);
    }
    if (kind.endsWith('Template')) warnings.push(`${plan.object}: ${TEMPLATE_WARNING}`);
  }
  warnings.push(...notes);
  let targets = 0;
  for (const o of objects) {
    const t = hardenTargetOf(o);
    if (t.kind === 'target') targets++;
    else if (t.kind === 'left-alone') warnings.push(t.warning);
  }
  // why: only a masked text is unmasked; a text that was not masked may hold those characters itself.
  return { text: plans.length === 0 ? text : source !== text ? unmaskPlaceholders(masked) : masked, changes, warnings, clusterctlTemplate: cc, targets };
}

// --- parsing ----------------------------------------------------------------------------------

const PARSE_OPTIONS = { version: '1.1', uniqueKeys: false, prettyErrors: false } as const;

/**
 * {@link parseAll} of the input, with a syntax error reported as `capi-gen validate` reports it
 * (yaml/load.ts: the position inside the document, its `Kind/name` and the pointer of the node),
 * not at the end of the stream where npm yaml notices an unclosed bracket.
 */
function parseAllLocated(source: string, text: string, file: string, cc: boolean): Document.Parsed[] {
  try {
    return parseAll(source, file);
  } catch (err) {
    if (!(err instanceof CapiGenError)) throw err;
    const located = loadDocuments(text, { file, placeholders: cc })
      .flatMap((d) => d.issues)
      .filter((i) => i.code === 'YAML_SYNTAX')
      .map((i) => ({ ...i, message: i.message.replace(/; Kubernetes cannot read this document, so it was not checked: fix the YAML syntax here$/, '; nothing was hardened: fix the YAML syntax here') }));
    // why: the two readers could disagree on a text; then npm yaml's own findings still stand.
    if (located.length === 0) throw err;
    throw new CapiGenError(located);
  }
}

function parseAll(source: string, file: string): Document.Parsed[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source, { ...PARSE_OPTIONS, lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];
  const issues: Issue[] = [];
  docs.forEach((d, i) => {
    for (const e of d.errors) {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      issues.push({
        code: 'YAML_SYNTAX',
        severity: 'error',
        object: `document ${i + 1}`,
        path: '',
        message: `${unmaskPlaceholders(e.message).replace(/\s+/g, ' ').trim()} (${e.code}); nothing was hardened: fix the YAML syntax here`,
        source: { file, line, col },
      });
    }
  });
  if (!Array.isArray(parsed)) {
    issues.push({ code: 'YAML_SYNTAX', severity: 'error', object: 'document 1', path: '', message: 'the text is not a YAML stream', source: { file, line: 1, col: 1 } });
  }
  if (issues.length > 0) throw new CapiGenError(issues);
  return docs;
}

// --- values -----------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function keyOf(key: unknown, unescape: boolean): string {
  const k = isScalar(key) ? unmaskPlaceholders(String(key.value)) : key === null || key === undefined ? '' : unmaskPlaceholders(String(key));
  return unescape ? unescapeDollars(k) : k;
}

/**
 * clusterctl's reading of `$$` (envsubst turns it into `$` anywhere), for the values transforms see.
 * Placeholders stay as they are.
 */
function unescapeDollars(s: string): string {
  return s.replace(/\$\$/g, '$');
}

/**
 * The value of a node as Kubernetes would see it, with placeholders restored (aliases and merges
 * resolved); with `unescape`, strings and keys as clusterctl leaves them (`$$` -> `$`).
 */
function valueOf(node: unknown, doc: Document.Parsed, unescape: boolean, depth = 0): unknown {
  if (depth > 200) return null;
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return valueOf(node.resolve(doc), doc, unescape, depth + 1);
  if (isScalar(node)) {
    if (typeof node.value !== 'string') return node.value;
    const s = unmaskPlaceholders(node.value);
    return unescape ? unescapeDollars(s) : s;
  }
  if (isSeq(node)) return node.items.map((i) => valueOf(i, doc, unescape, depth + 1));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        const merged = valueOf(pair.value, doc, unescape, depth + 1);
        for (const m of Array.isArray(merged) ? merged : [merged]) {
          if (isObject(m)) for (const [k, v] of Object.entries(m)) if (!Object.hasOwn(out, k)) define(out, k, v);
        }
        continue;
      }
      define(out, keyOf(pair.key, unescape), valueOf(pair.value, doc, unescape, depth + 1));
    }
    return out;
  }
  return null;
}

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

/** Deep equality of values (keys whose value is undefined count as absent). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = definedKeys(a);
    const kb = definedKeys(b);
    return ka.length === kb.length && kb.every((k) => Object.hasOwn(a, k) && same(a[k], b[k]));
  }
  return false;
}

/**
 * What a value becomes in the text: the parts equal to what the transforms saw (`view`) keep the
 * user's text (`raw`), new strings and keys are escaped for envsubst in a clusterctl template.
 */
function inject(view: unknown, raw: unknown, after: unknown, cc: boolean): unknown {
  if (view !== undefined && same(view, after)) return raw;
  if (typeof after === 'string') return cc ? escapeForEnvsubst(after) : after;
  if (Array.isArray(after)) {
    const oldView = Array.isArray(view) ? view : [];
    const oldRaw = Array.isArray(raw) ? raw : [];
    return after.map((item, i) => {
      const hit = oldView.findIndex((b) => same(b, item));
      return hit >= 0 ? oldRaw[hit] : inject(oldView[i], oldRaw[i], item, cc);
    });
  }
  if (isObject(after)) {
    const oldView = isObject(view) ? view : {};
    const oldRaw = isObject(raw) ? raw : {};
    const rawKeys = Object.keys(oldRaw);
    const viewKeys = Object.keys(oldView);
    const out: Record<string, unknown> = {};
    for (const k of definedKeys(after)) {
      // why: keys are read in the same order in both readings, so a key's position links them.
      const at = viewKeys.indexOf(k);
      const rawKey = at >= 0 ? rawKeys[at] : undefined;
      define(out, rawKey ?? (cc ? escapeForEnvsubst(k) : k), inject(oldView[k], rawKey === undefined ? undefined : oldRaw[rawKey], after[k], cc));
    }
    return out;
  }
  return after;
}

function labelOf(v: unknown): string {
  if (!isObject(v)) return 'document';
  const kind = typeof v['kind'] === 'string' ? v['kind'] : 'object';
  const meta = v['metadata'];
  const name = isObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : undefined;
  return name === undefined ? kind : `${kind}/${name}`;
}

function kindOf(v: unknown): string {
  return isObject(v) && typeof v['kind'] === 'string' ? v['kind'] : '';
}

function summarize(v: unknown): string {
  if (typeof v === 'string' && v.includes('\n')) {
    const first = v.split('\n', 1)[0] ?? '';
    return `${JSON.stringify(first.length > 40 ? `${first.slice(0, 40)}...` : first)} (${v.replace(/\n$/, '').split('\n').length} lines)`;
  }
  const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.includes('\n') ? `<${x.replace(/\n$/, '').split('\n').length} lines>` : x)) ?? String(v);
  return json.length > 100 ? `${json.slice(0, 97)}...` : json;
}

// --- diff -------------------------------------------------------------------------------------

/** Where a node sits, for edits that replace it whole. */
type Place =
  | { readonly parent: 'root' }
  | { readonly parent: 'pair'; readonly map: YAMLMap; readonly pair: Pair }
  | { readonly parent: 'seq'; readonly seq: YAMLSeq; readonly item: unknown };

interface OpBase {
  readonly path: string;
  readonly change: HardenChange['op'];
  /** Offset in the input the change is at, for its line number. */
  readonly at: number;
  readonly value: unknown;
  readonly old: unknown;
}

type Op =
  | (OpBase & { readonly kind: 'set'; readonly node: unknown; readonly place: Place; readonly inFlow: boolean })
  | (OpBase & { readonly kind: 'add'; readonly map: YAMLMap; readonly key: string })
  | (OpBase & { readonly kind: 'insert'; readonly seq: YAMLSeq; readonly before: unknown })
  | (OpBase & { readonly kind: 'delete-key'; readonly map: YAMLMap; readonly pairs: readonly Pair[] })
  | (OpBase & { readonly kind: 'delete-item'; readonly seq: YAMLSeq; readonly item: unknown });

interface DiffState {
  readonly cc: boolean;
  readonly ops: Op[];
  /** The user's text of a node's value (placeholders restored, `$$` kept). */
  readonly raw: (node: unknown) => unknown;
  readonly docIndex: number;
}

interface DocPlan {
  readonly docIndex: number;
  readonly doc: Document.Parsed;
  readonly ops: readonly Op[];
  /** The document's value once the edits are in (placeholders restored). */
  readonly expected: unknown;
  readonly object: string;
  /** Why the document is re-emitted instead of edited in place; undefined while in place. */
  fallback: string | undefined;
}

function startOf(node: unknown): number | undefined {
  const r = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  return r !== undefined && r !== null && typeof r[0] === 'number' ? r[0] : undefined;
}

function valueEndOf(node: unknown): number | undefined {
  const r = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  return r !== undefined && r !== null && typeof r[1] === 'number' ? r[1] : undefined;
}

/** Offset after a map's last pair (where a key is appended), for positions. */
function endOfMap(map: YAMLMap): number {
  const last = map.items[map.items.length - 1];
  return (last === undefined ? undefined : (valueEndOf(last.value) ?? valueEndOf(last.key))) ?? valueEndOf(map) ?? 0;
}

/** The offset of the last character of a node ending at `end`, for the line it is on. */
function lastCharBefore(end: number): number {
  return Math.max(0, end - 1);
}

/** A block mapping with at least one plain pair and no merge key: keys can be added in place. */
function isEditableMap(node: unknown): node is YAMLMap {
  return isMap(node) && node.flow !== true && node.items.length > 0 && !node.items.some((p) => isMergeKey(p.key)) && node.anchor === undefined;
}

function isEditableSeq(node: unknown): node is YAMLSeq {
  return isSeq(node) && node.flow !== true && node.items.length > 0 && node.anchor === undefined;
}

function diffValue(node: unknown, before: unknown, after: unknown, path: string, place: Place, inFlow: boolean, st: DiffState): unknown {
  if (same(before, after)) return st.raw(node);
  const flow = inFlow || ((isMap(node) || isSeq(node)) && node.flow === true);
  if (isObject(before) && isObject(after) && isEditableMap(node) && definedKeys(after).length > 0) return diffMap(node, before, after, path, flow, st);
  if (Array.isArray(before) && Array.isArray(after) && isEditableSeq(node) && after.length > 0) return diffSeq(node, before, after, path, flow, st);
  const value = inject(before, st.raw(node), after, st.cc);
  st.ops.push({ kind: 'set', node, place, inFlow, path, change: before === null || before === undefined ? 'add' : 'replace', at: startOf(node) ?? 0, value, old: before });
  return value;
}

function diffMap(map: YAMLMap, before: Record<string, unknown>, after: Record<string, unknown>, path: string, inFlow: boolean, st: DiffState): Record<string, unknown> {
  const pairsByKey = new Map<string, Pair[]>();
  for (const pair of map.items) {
    const k = keyOf(pair.key, st.cc);
    pairsByKey.set(k, [...(pairsByKey.get(k) ?? []), pair]);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(before)) {
    const child = childPointer(path, k);
    const pairs = pairsByKey.get(k) ?? [];
    if (after[k] === undefined) {
      st.ops.push({ kind: 'delete-key', map, pairs, path: child, change: 'remove', at: startOf(pairs[0]?.key) ?? 0, value: undefined, old: before[k] });
      continue;
    }
    // why: with a repeated key the last one wins (as in the API server's non-strict decoding).
    const pair = pairs[pairs.length - 1];
    if (pair === undefined) throw new Error(`capi-gen harden: no pair for ${child}`);
    define(out, keyOf(pair.key, false), diffValue(pair.value, before[k], after[k], child, { parent: 'pair', map, pair }, inFlow, st));
  }
  for (const k of definedKeys(after)) {
    if (Object.hasOwn(before, k)) continue;
    const key = st.cc ? escapeForEnvsubst(k) : k;
    const value = inject(undefined, undefined, after[k], st.cc);
    st.ops.push({ kind: 'add', map, key, path: childPointer(path, k), change: 'add', at: lastCharBefore(endOfMap(map)), value, old: undefined });
    define(out, key, value);
  }
  return out;
}

/**
 * Items that are the same thing in two versions of a list, edited in place: lists, or maps sharing
 * a scalar entry (`name`, `path`). A changed scalar item is removed and the new one inserted at
 * its place, which reads the same and reports what happened.
 */
function related(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) return Object.keys(b).some((k) => Object.hasOwn(a, k) && !isObject(a[k]) && !Array.isArray(a[k]) && same(a[k], b[k]));
  return Array.isArray(a) && Array.isArray(b);
}

function diffSeq(seq: YAMLSeq, before: unknown[], after: unknown[], path: string, inFlow: boolean, st: DiffState): unknown[] {
  const n = before.length;
  const m = after.length;
  // Longest common subsequence of equal items.
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = same(before[i], after[j]) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const match = new Array<number>(m).fill(-1);
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (same(before[i], after[j])) {
      match[j] = i;
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  // In each gap between equal items, pair removed and added items that are the same thing
  // (edited in place); the rest are removed or inserted.
  const paired = new Array<number>(m).fill(-1);
  const usedBefore = new Set<number>(match.filter((i) => i >= 0));
  let gapStart = 0;
  let prevI = -1;
  for (let j = 0; j <= m; j++) {
    if (j < m && match[j]! < 0) continue;
    const hi = j < m ? match[j]! : n;
    let next = prevI + 1;
    for (let g = gapStart; g < j; g++) {
      for (let i = next; i < hi; i++) {
        if (!usedBefore.has(i) && related(before[i], after[g])) {
          paired[g] = i;
          usedBefore.add(i);
          next = i + 1;
          break;
        }
      }
    }
    if (j < m) prevI = match[j]!;
    gapStart = j + 1;
  }
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (!usedBefore.has(i)) {
      const item = seq.items[i];
      st.ops.push({ kind: 'delete-item', seq, item, path: `${path}/${i}`, change: 'remove', at: startOf(item) ?? 0, value: undefined, old: before[i] });
    }
  }
  for (let j = 0; j < m; j++) {
    const i = match[j]! >= 0 ? match[j]! : paired[j]!;
    if (i >= 0) {
      const item = seq.items[i];
      out.push(match[j]! >= 0 ? st.raw(item) : diffValue(item, before[i], after[j], `${path}/${j}`, { parent: 'seq', seq, item }, inFlow, st));
      continue;
    }
    // Inserted before the next kept item, else at the end.
    let anchor: unknown;
    for (let k = j + 1; k < m && anchor === undefined; k++) {
      const ik = match[k]! >= 0 ? match[k]! : paired[k]!;
      if (ik >= 0) anchor = seq.items[ik];
    }
    const value = inject(undefined, undefined, after[j], st.cc);
    st.ops.push({ kind: 'insert', seq, before: anchor, path: `${path}/${j}`, change: 'add', at: anchor === undefined ? lastCharBefore(valueEndOf(seq) ?? 0) : (startOf(anchor) ?? 0), value, old: undefined });
    out.push(value);
  }
  return out;
}

// --- writing: in place ------------------------------------------------------------------------

/** An edit the in-place writer cannot make; the document is re-emitted instead. */
class Unsupported extends Error {}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const EMIT_OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false } as const;

/**
 * The value with every multi-line string that a literal block scalar cannot carry exactly (npm
 * yaml writes a whitespace-only line of it as an empty line) turned into a double-quoted scalar.
 */
function blockSafe(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!value.includes('\n') || !value.split('\n').some((line) => /^[ \t]+$/.test(line))) return value;
    const quoted = new Scalar(value);
    quoted.type = 'QUOTE_DOUBLE';
    return quoted;
  }
  if (Array.isArray(value)) return value.map(blockSafe);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, blockSafe(v));
    return out;
  }
  return value;
}

function render(value: unknown, indentSeq: boolean, defaultStringType?: 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'): string {
  return stringify(blockSafe(value), { ...EMIT_OPTIONS, indentSeq, ...(defaultStringType === undefined ? {} : { defaultStringType }) });
}

/** Prefixes every non-empty line but the first with `indent` spaces. */
function indentRest(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text.replace(/\n(?=[^\n])/g, `\n${pad}`);
}

function lineStart(src: string, off: number): number {
  return src.lastIndexOf('\n', off - 1) + 1;
}

/** The offset after the line holding `off - 1` (the start of the next line). */
function afterLine(src: string, off: number): number {
  if (off > 0 && src[off - 1] === '\n') return off;
  const nl = src.indexOf('\n', off);
  return nl === -1 ? src.length : nl + 1;
}

function onlySpacesBefore(src: string, off: number): boolean {
  return /^[ ]*$/.test(src.slice(lineStart(src, off), off));
}

/** The offset of the `- ` indicator of a block sequence item. */
function dashOf(src: string, item: unknown): number {
  const start = startOf(item);
  if (start === undefined) throw new Unsupported('a list item has no position');
  let p = start - 1;
  while (p >= 0 && src[p] === ' ') p--;
  if (src[p] !== '-' || hasProps(item)) throw new Unsupported('a list item does not start with "- " on its line');
  return p;
}

function hasProps(node: unknown): boolean {
  if (isAlias(node)) return true;
  const n = node as { anchor?: unknown; tag?: unknown } | null;
  return n !== null && typeof n === 'object' && (n.anchor !== undefined || n.tag !== undefined);
}

/** Whether the document writes block sequences indented under their key (`key:\n  - a`). */
function indentsSequences(src: string, doc: Document.Parsed): boolean {
  let verdict: boolean | undefined;
  const visit = (node: unknown, keyCol: number | undefined): void => {
    if (verdict !== undefined) return;
    if (isMap(node)) {
      for (const p of node.items) {
        const ks = startOf(p.key);
        visit(p.value, ks === undefined ? undefined : ks - lineStart(src, ks));
      }
    } else if (isSeq(node)) {
      const first = node.items[0];
      if (keyCol !== undefined && node.flow !== true && first !== undefined) {
        try {
          const dash = dashOf(src, first);
          verdict = dash - lineStart(src, dash) > keyCol;
          return;
        } catch {
          // no verdict from this one
        }
      }
      for (const i of node.items) visit(i, undefined);
    }
  };
  visit(doc.contents, undefined);
  return verdict ?? true;
}

function textEdits(src: string, plan: DocPlan): Edit[] {
  const indentSeq = indentsSequences(src, plan.doc);
  const edits: Edit[] = [];
  for (const op of plan.ops) {
    switch (op.kind) {
      case 'set':
        edits.push(setEdit(src, op, indentSeq));
        break;
      case 'add': {
        const first = op.map.items[0]!;
        const ks = startOf(first.key);
        if (ks === undefined || isScalar(first.key) === false) throw new Unsupported('a mapping key is not a plain scalar');
        const col = ks - lineStart(src, ks);
        const at = afterLine(src, endOfMap(op.map));
        const lead = at === src.length && src.length > 0 && !src.endsWith('\n') ? '\n' : '';
        edits.push({ start: at, end: at, text: lead + ' '.repeat(col) + indentRest(render({ [op.key]: op.value }, indentSeq), col) });
        break;
      }
      case 'insert': {
        const dash0 = dashOf(src, op.seq.items[0]);
        const col = dash0 - lineStart(src, dash0);
        const text = ' '.repeat(col) + indentRest(render([op.value], indentSeq), col);
        if (op.before !== undefined) {
          const dash = dashOf(src, op.before);
          if (!onlySpacesBefore(src, dash)) throw new Unsupported('a list item shares its line');
          const at = lineStart(src, dash);
          edits.push({ start: at, end: at, text });
        } else {
          const last = op.seq.items[op.seq.items.length - 1];
          const at = afterLine(src, valueEndOf(last) ?? valueEndOf(op.seq) ?? 0);
          const lead = at === src.length && src.length > 0 && !src.endsWith('\n') ? '\n' : '';
          edits.push({ start: at, end: at, text: lead + text });
        }
        break;
      }
      case 'delete-key':
        for (const pair of op.pairs) {
          const ks = startOf(pair.key);
          if (ks === undefined || !onlySpacesBefore(src, ks)) throw new Unsupported('a removed key shares its line');
          edits.push({ start: lineStart(src, ks), end: afterLine(src, valueEndOf(pair.value) ?? valueEndOf(pair.key) ?? ks), text: '' });
        }
        break;
      case 'delete-item': {
        const dash = dashOf(src, op.item);
        if (!onlySpacesBefore(src, dash)) throw new Unsupported('a removed list item shares its line');
        edits.push({ start: lineStart(src, dash), end: afterLine(src, valueEndOf(op.item) ?? dash), text: '' });
        break;
      }
    }
  }
  return edits;
}

function setEdit(src: string, op: Extract<Op, { kind: 'set' }>, indentSeq: boolean): Edit {
  const { node, value, place } = op;
  const start = startOf(node);
  const end = valueEndOf(node);
  // A scalar replaced by a one-line scalar: replace exactly its text, in its quoting style.
  if (
    isScalar(node) &&
    !hasProps(node) &&
    start !== undefined &&
    end !== undefined &&
    end > start &&
    (node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') &&
    !isObject(value) &&
    !Array.isArray(value) &&
    !(typeof value === 'string' && value.includes('\n'))
  ) {
    const style = op.inFlow && typeof value === 'string' ? 'QUOTE_DOUBLE' : node.type === 'PLAIN' ? undefined : node.type;
    return { start, end, text: render(value, indentSeq, style).replace(/\n$/, '') };
  }
  if (op.inFlow) throw new Unsupported('the change is inside a flow collection ({...} or [...])');
  if (place.parent === 'pair') {
    if (place.map.flow === true || !isScalar(place.pair.key)) throw new Unsupported('the mapping is not a block mapping');
    const keyEnd = valueEndOf(place.pair.key);
    if (keyEnd === undefined) throw new Unsupported('a key has no position');
    let colon = keyEnd;
    while (src[colon] === ' ') colon++;
    if (src[colon] !== ':') throw new Unsupported('a key is not followed by ":"');
    const ks = startOf(place.pair.key) ?? keyEnd;
    const col = ks - lineStart(src, ks);
    const regionEnd = Math.max(colon + 1, end ?? colon + 1);
    const rendered = indentRest(render({ k: value }, indentSeq).slice(2), col);
    return { start: colon + 1, end: regionEnd, text: src[regionEnd - 1] === '\n' ? rendered : rendered.replace(/\n$/, '') };
  }
  if (place.parent === 'seq') {
    const dash = dashOf(src, node);
    const col = dash - lineStart(src, dash);
    const regionEnd = Math.max(dash + 1, end ?? dash + 1);
    const rendered = indentRest(render([value], indentSeq), col);
    return { start: dash, end: regionEnd, text: src[regionEnd - 1] === '\n' ? rendered : rendered.replace(/\n$/, '') };
  }
  throw new Unsupported('the whole document changes');
}

/** The edits of one document, refused when two of them touch the same text. */
function checkedEdits(edits: readonly Edit[]): readonly Edit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) throw new Unsupported('two changes touch the same text');
  }
  return edits;
}

function applyEdits(src: string, edits: readonly Edit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const { e } of sorted) {
    if (e.start < pos) throw new Error('capi-gen harden: overlapping edits');
    out += src.slice(pos, e.start) + e.text;
    pos = Math.max(pos, e.end);
  }
  return out + src.slice(pos);
}

// --- writing: re-emitting a document ----------------------------------------------------------

/** Replaces a document's text with its AST, edited, stringified. */
function astEdit(src: string, plan: DocPlan, docs: readonly Document.Parsed[]): Edit {
  const { doc } = plan;
  const indentSeq = indentsSequences(src, doc);
  // why: the re-emitted document is built from a fresh parse of its own text, so that the
  // original AST (whose offsets the in-place writer uses) is never modified.
  const regionStart = plan.docIndex === 0 ? 0 : (docs[plan.docIndex - 1]!.range[2] ?? 0);
  const regionEnd = doc.range[2];
  const copy = doc.clone();
  const nodes = new Map<unknown, unknown>();
  const link = (a: unknown, b: unknown): void => {
    nodes.set(a, b);
    if (isMap(a) && isMap(b)) a.items.forEach((p, i) => {
      const q = b.items[i]!;
      nodes.set(p, q);
      link(p.key, q.key);
      link(p.value, q.value);
    });
    else if (isSeq(a) && isSeq(b)) a.items.forEach((x, i) => link(x, b.items[i]));
  };
  link(doc.contents, copy.contents);
  const get = <T>(n: T): T => nodes.get(n) as T;
  for (const op of plan.ops) {
    switch (op.kind) {
      case 'set': {
        const fresh = copy.createNode(blockSafe(op.value)) as YamlNode;
        // why: comments belong to the node that is replaced; keep them on the new one.
        const old = get(op.node) as { commentBefore?: string | null; comment?: string | null; spaceBefore?: boolean } | null | undefined;
        if (old !== null && old !== undefined) {
          if (old.commentBefore) fresh.commentBefore = old.commentBefore;
          if (old.comment) fresh.comment = old.comment;
          if (old.spaceBefore === true) fresh.spaceBefore = true;
        }
        if (op.place.parent === 'root') copy.contents = fresh as never;
        else if (op.place.parent === 'pair') get(op.place.pair).value = fresh;
        else {
          const seq = get(op.place.seq);
          seq.items[seq.items.indexOf(get(op.place.item))] = fresh;
        }
        break;
      }
      case 'add':
        get(op.map).items.push(copy.createPair(op.key, blockSafe(op.value)) as Pair<unknown, unknown>);
        break;
      case 'insert': {
        const seq = get(op.seq);
        const at = op.before === undefined ? seq.items.length : seq.items.indexOf(get(op.before));
        seq.items.splice(at < 0 ? seq.items.length : at, 0, copy.createNode(blockSafe(op.value)));
        break;
      }
      case 'delete-key': {
        const map = get(op.map);
        const gone = new Set(op.pairs.map(get));
        map.items = map.items.filter((p) => !gone.has(p));
        break;
      }
      case 'delete-item': {
        const seq = get(op.seq);
        seq.items = seq.items.filter((x) => x !== get(op.item));
        break;
      }
    }
  }
  let text = copy.toString({ lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', indentSeq });
  if (regionEnd < src.length && !text.endsWith('\n')) text += '\n';
  return { start: regionStart, end: regionEnd, text };
}

// --- checking ---------------------------------------------------------------------------------

/** Parses the edited text once; the returned check says whether document i reads as `expected`. */
function readBack(masked: string, file: string, count: number): (i: number, expected: unknown) => boolean {
  let docs: Document.Parsed[] | undefined;
  try {
    docs = parseAll(masked, file);
  } catch {
    docs = undefined;
  }
  const values = docs !== undefined && docs.length === count ? docs.map((d) => valueOf(d.contents, d, false)) : undefined;
  return (i, expected) => values !== undefined && same(values[i], expected);
}
