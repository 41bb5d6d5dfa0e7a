/**
 * The structural semantics of kube-apiserver for custom resources that a JSON Schema validator
 * (the precompiled Ajv validators of `@capi-gen/crds`) does not have:
 *
 * - {@link applyDefaults}: null pruning and `default:` values, applied before validation;
 * - {@link checkListTypes}: `x-kubernetes-list-type: set | map` uniqueness;
 * - {@link evaluateRules}: `x-kubernetes-validations` CEL rules.
 *
 * The apiserver runs them in this order on CREATE: decode → prune unknown fields → prune nulls and
 * default (apiextensions-apiserver pkg/apiserver/schema/defaulting) → OpenAPI validation → list
 * types (pkg/apiserver/schema/listtype) → CEL (pkg/apiserver/schema/cel). Callers should do the
 * same: pass the result of `applyDefaults` to the other two.
 *
 * @packageDocumentation
 */
import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import type { StructuralSchema } from '@capi-gen/crds';
import { isRecord } from '../util/record.ts';

/** One problem found by {@link checkListTypes} or {@link evaluateRules}. */
export interface StructuralFinding {
  /** `LIST_TYPE` for list-type set/map uniqueness, `CEL_RULE` for x-kubernetes-validations. */
  readonly code: 'LIST_TYPE' | 'CEL_RULE';
  /** RFC 6901 JSON pointer into the validated value; `''` is the root. */
  readonly path: string;
  /** What is wrong, in words a user can act on. */
  readonly message: string;
  /** For `CEL_RULE`: the rule text as written in the CRD. */
  readonly rule?: string;
}

// ---------------------------------------------------------------------------------------------
// Schema digest
// ---------------------------------------------------------------------------------------------

/** The value kinds a structural schema node can declare. `any`: no type (preserve-unknown-fields). */
type Kind = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'any';

/** One `x-kubernetes-validations` entry. */
interface Rule {
  readonly rule: string;
  readonly message: string | undefined;
  readonly messageExpression: string | undefined;
  readonly fieldPath: string | undefined;
}

/** What the three functions need to know about one schema node, computed once per node. */
interface Node {
  readonly kind: Kind;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly properties: ReadonlyMap<string, Node> | undefined;
  /** Properties that carry a `default`, in schema order. */
  readonly defaulted: readonly (readonly [string, Node])[];
  readonly additional: Node | undefined;
  readonly items: Node | undefined;
  readonly preserveUnknown: boolean;
  readonly listType: 'set' | 'map' | undefined;
  readonly mapKeys: readonly string[];
  readonly rules: readonly Rule[];
  /**
   * CEL names of properties whose name must be escaped (k8s.io/apiserver/pkg/cel/escaping.go);
   * `null` when the name cannot be escaped, so CEL cannot see the property. Undefined when no
   * property needs it, which is every property of the vendored CRDs.
   */
  readonly celNames: ReadonlyMap<string, string | null> | undefined;
  /** Some node in this subtree has a list-type set or map. */
  readonly anyListType: boolean;
  /** Some node in this subtree has a rule. */
  readonly anyRule: boolean;
  /** Data under this node is already its own CEL value: no integers to turn into BigInt, no names to escape. */
  readonly celPlain: boolean;
}

// why: schemas are module singletons from @capi-gen/crds; a WeakMap keeps the digest alive exactly as long
// as the schema object and needs no invalidation.
const NODES = new WeakMap<object, Node>();

/** CEL reserved words; a property with one of these names is `__name__` in CEL (k8s escaping.go). */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** Kubernetes' property name escaping for CEL; null when the name is not accessible from CEL. */
function celEscape(name: string): string | null {
  if (name === '' || /^[0-9]/.test(name)) return null;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return null;
  return name.replace(/__|[.\-/]/g, (s) =>
    s === '__' ? '__underscores__' : s === '.' ? '__dot__' : s === '-' ? '__dash__' : '__slash__',
  );
}

function kindOf(schema: StructuralSchema): Kind {
  if (schema['x-kubernetes-int-or-string'] === true) return 'int-or-string';
  const t = schema['type'];
  const name = Array.isArray(t) ? t.find((x) => x !== 'null') : t;
  switch (name) {
    case 'object':
    case 'array':
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return name;
    default:
      return 'any';
  }
}

function readRules(raw: unknown): Rule[] {
  if (!Array.isArray(raw)) return [];
  const rules: Rule[] = [];
  for (const r of raw) {
    if (!isRecord(r) || typeof r['rule'] !== 'string') continue;
    rules.push({
      rule: r['rule'],
      message: typeof r['message'] === 'string' && r['message'].trim() !== '' ? r['message'].trim() : undefined,
      messageExpression: typeof r['messageExpression'] === 'string' && r['messageExpression'] !== '' ? r['messageExpression'] : undefined,
      fieldPath: typeof r['fieldPath'] === 'string' && r['fieldPath'] !== '' ? r['fieldPath'] : undefined,
    });
  }
  return rules;
}

/** The digest of a schema passed to an exported function; `api` names the function in the error. */
function rootOf(schema: StructuralSchema, api: string): Node {
  if (!isRecord(schema)) {
    throw new TypeError(`${api}: schema must be a structural schema object (from loadSchema), got ${schema === null ? 'null' : typeof schema}`);
  }
  return nodeOf(schema);
}

/** The digest of a schema node; built for the whole subtree on first use, then cached. */
function nodeOf(schema: StructuralSchema): Node {
  const cached = NODES.get(schema);
  if (cached !== undefined) return cached;

  const kind = kindOf(schema);
  const type = schema['type'];
  const nullable = schema['nullable'] === true || (Array.isArray(type) && type.includes('null'));

  // why: only properties, items and additionalProperties carry structure in a structural schema;
  // anyOf/allOf/oneOf/not may only add value validations, and the apiserver neither defaults
  // nor evaluates rules through them.
  let properties: Map<string, Node> | undefined;
  const defaulted: (readonly [string, Node])[] = [];
  let celNames: Map<string, string | null> | undefined;
  const rawProps = schema['properties'];
  if (isRecord(rawProps)) {
    properties = new Map();
    for (const [name, sub] of Object.entries(rawProps)) {
      if (!isRecord(sub)) continue;
      const child = nodeOf(sub);
      properties.set(name, child);
      if (child.hasDefault) defaulted.push([name, child]);
      const escaped = celEscape(name);
      if (escaped !== name) (celNames ??= new Map()).set(name, escaped);
    }
  }
  const rawAdditional = schema['additionalProperties'];
  const additional = isRecord(rawAdditional) ? nodeOf(rawAdditional) : undefined;
  const rawItems = schema['items'];
  const items = isRecord(rawItems) ? nodeOf(rawItems) : undefined;
  const preserveUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;

  const lt = schema['x-kubernetes-list-type'];
  const listType = lt === 'set' || lt === 'map' ? lt : undefined;
  const rawKeys = schema['x-kubernetes-list-map-keys'];
  const mapKeys = Array.isArray(rawKeys) ? rawKeys.filter((k): k is string => typeof k === 'string') : [];
  const rules = readRules(schema['x-kubernetes-validations']);

  const children = [...(properties?.values() ?? []), ...(additional ? [additional] : []), ...(items ? [items] : [])];
  const anyListType = listType !== undefined || children.some((c) => c.anyListType);
  const anyRule = rules.length > 0 || children.some((c) => c.anyRule);
  let celPlain: boolean;
  switch (kind) {
    case 'string':
    case 'boolean':
    case 'number':
      celPlain = true;
      break;
    case 'object':
      celPlain = !preserveUnknown && celNames === undefined && children.every((c) => c.celPlain);
      break;
    case 'array':
      celPlain = items !== undefined && items.celPlain;
      break;
    default:
      // integer and int-or-string hold integers; an untyped node may hold anything
      celPlain = false;
  }

  const node: Node = {
    kind,
    nullable,
    // why: a `default: null` is no default for the apiserver (Default.Object == nil)
    hasDefault: schema['default'] !== undefined && schema['default'] !== null,
    defaultValue: schema['default'],
    properties,
    defaulted,
    additional,
    items,
    preserveUnknown,
    listType,
    mapKeys,
    rules,
    celNames,
    anyListType,
    anyRule,
    celPlain,
  };
  NODES.set(schema, node);
  return node;
}

/** The JSON-pointer segment for a key (RFC 6901). */
function seg(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/**
 * Where a walk is: keys and indices from the root. Kept as a stack and only joined into a pointer
 * when there is a finding, since walks visit many nodes and report few.
 */
type Segments = (string | number)[];

/** The JSON pointer for `at`, plus one more index when given. */
function pointer(at: Segments, last?: number): string {
  let p = '';
  for (const s of at) p += `/${typeof s === 'number' ? s : seg(s)}`;
  return last === undefined ? p : `${p}/${last}`;
}

/** A plain JSON object as parsed from YAML/JSON (not a Date, Map or class instance). */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Sets `obj[key]`, also for a key named `__proto__` (which JSON.parse can produce as an own key). */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// Defaulting
// ---------------------------------------------------------------------------------------------

/**
 * Returns a defaulted deep copy of `value`, as kube-apiserver stores it before validating.
 *
 * Follows apiextensions-apiserver (`PruneNonNullableNullsWithoutDefaults`, then `Default`):
 * - an object property or map value that is `null` where the schema is not nullable
 *   (`nullable: true`, or a `type` list with `"null"`) is removed, or replaced by the schema's
 *   `default` when it has one;
 * - in every object present, each absent property whose schema has a `default` gets a deep copy
 *   of it, and defaulting continues inside it (nested defaults apply to defaulted values);
 * - a `null` list item is replaced by the items' `default` when there is one, and kept otherwise
 *   (the apiserver never removes list items; schema validation reports the null);
 * - defaults under anyOf/allOf/oneOf are not applied; keys the schema does not know are copied
 *   as they are (pruning unknown fields is reported by another layer).
 *
 * The input is never mutated. The result shares no plain object or array with the input or the
 * schema, so callers may change it freely.
 *
 * @example
 * ```ts
 * const schema = await loadSchema('infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackCluster');
 * applyDefaults({ spec: { identityRef: { name: 'creds', cloudName: 'c' } } }, schema!);
 * // → { spec: { identityRef: { name: 'creds', cloudName: 'c', type: 'Secret' } } }
 * ```
 */
export function applyDefaults(value: unknown, schema: StructuralSchema): unknown {
  return defaultValue(value, rootOf(schema, 'applyDefaults'), true);
}

/** Deep copy of `value` following `node`; `prune` is false inside injected default values. */
function defaultValue(value: unknown, node: Node | undefined, prune: boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (node === undefined) return copyJson(value);
  if (Array.isArray(value)) {
    const items = node.items;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] =
        v === null && items !== undefined && items.hasDefault && !items.nullable
          ? injectDefault(items)
          : defaultValue(v, items, prune);
    }
    return out;
  }
  if (!isPlainObject(value)) return value;

  const { properties, additional } = node;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    const child = properties?.get(key) ?? additional;
    if (v === null && child !== undefined && !child.nullable) {
      if (child.hasDefault) put(out, key, injectDefault(child));
      // why: PruneNonNullableNullsWithoutDefaults runs before Default and never sees the nulls
      // inside default values, so only nulls that came with the input are pruned.
      else if (!prune) put(out, key, null);
      continue;
    }
    put(out, key, defaultValue(v, child, prune));
  }
  for (const [key, child] of node.defaulted) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) put(out, key, injectDefault(child));
  }
  return out;
}

/** A fresh copy of the node's default, itself defaulted (Default recurses into what it set). */
function injectDefault(node: Node): unknown {
  return defaultValue(node.defaultValue, node, false);
}

/** Deep copy of JSON data that no schema describes. */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) put(out, key, copyJson(value[key]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// List types
// ---------------------------------------------------------------------------------------------

/**
 * Checks `x-kubernetes-list-type` uniqueness everywhere data is present, like the apiserver's
 * `ValidateListSetsAndMaps`.
 *
 * - `set`: an item deep-equal to an earlier item is a finding at the later item's path.
 * - `map`: an item whose `x-kubernetes-list-map-keys` values equal those of an earlier item is a
 *   finding at the later item's path. An absent key counts as a value of its own ("unset"), so
 *   two items that both lack the key collide, as in the apiserver.
 * - `atomic` lists are not checked.
 *
 * Unlike the apiserver, which reports only the second occurrence of each duplicated value, every
 * later occurrence is reported, so one run lists every item to remove.
 */
export function checkListTypes(value: unknown, schema: StructuralSchema): StructuralFinding[] {
  const findings: StructuralFinding[] = [];
  const node = rootOf(schema, 'checkListTypes');
  if (node.anyListType) walkLists(value, node, [], findings);
  return findings;
}

function walkLists(value: unknown, node: Node, at: Segments, out: StructuralFinding[]): void {
  if (Array.isArray(value)) {
    if (node.listType === 'set') checkSet(value, at, out);
    else if (node.listType === 'map') checkMap(value, node.mapKeys, at, out);
    const items = node.items;
    if (items?.anyListType) {
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        walkLists(value[i], items, at, out);
        at.pop();
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    const { properties, additional } = node;
    // why: for-in allocates no key array; JSON data has no inherited enumerable keys
    for (const key in value) {
      const child = properties?.get(key) ?? additional;
      if (child?.anyListType) {
        at.push(key);
        walkLists((value as Record<string, unknown>)[key], child, at, out);
        at.pop();
      }
    }
  }
}

/** JSON equality as the apiserver sees it (Go's json.Marshal output compared): key order does not matter. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/**
 * A string that is equal for two JSON values exactly when {@link jsonEqual} holds: scalars by type
 * and value, objects and lists by their JSON with sorted keys. Used for long lists only.
 */
function identity(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return `s${x}`;
    case 'number':
    case 'bigint':
      return `n${x}`;
    case 'boolean':
      return x ? 'true' : 'false';
    default:
      return x === null || x === undefined ? 'null' : `j${canonicalJson(x)}`;
  }
}

function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (isRecord(x)) {
    const keys = Object.keys(x).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(x[k])}`).join(',')}}`;
  }
  return typeof x === 'bigint' ? x.toString() : (JSON.stringify(x) ?? 'null');
}

/** At most 80 characters of JSON for a message. */
function preview(x: unknown): string {
  const s = typeof x === 'bigint' ? x.toString() : (JSON.stringify(x) ?? String(x));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

// why: lists in manifests are short; comparing pairs is cheaper than building identity strings up
// to about this length, and stays correct (just slower) beyond it.
const PAIRWISE_MAX = 16;

function checkSet(list: readonly unknown[], at: Segments, out: StructuralFinding[]): void {
  const n = list.length;
  if (n < 2) return;
  const seen = n > PAIRWISE_MAX ? new Map<string, number>() : undefined;
  for (let i = 0; i < n; i++) {
    let first = -1;
    if (seen === undefined) {
      for (let j = 0; j < i; j++) {
        if (jsonEqual(list[i], list[j])) {
          first = j;
          break;
        }
      }
    } else {
      const id = identity(list[i]);
      first = seen.get(id) ?? -1;
      if (first === -1) seen.set(id, i);
    }
    if (first === -1) continue;
    out.push({
      code: 'LIST_TYPE',
      path: pointer(at, i),
      message: `duplicate value ${preview(list[i])} (also at index ${first}); items of this list must be unique`,
    });
  }
}

/** Is `k` set in a list-map item? A null item has no keys (the apiserver's unspecified key). */
function hasKey(item: Record<string, unknown> | null, k: string): item is Record<string, unknown> {
  return item !== null && Object.prototype.hasOwnProperty.call(item, k);
}

/** Do two list-map items have the same key tuple? An absent key is a value of its own. */
function sameKeys(a: Record<string, unknown> | null, b: Record<string, unknown> | null, keys: readonly string[]): boolean {
  for (const k of keys) {
    const ha = hasKey(a, k);
    if (ha !== hasKey(b, k)) return false;
    if (ha && !jsonEqual(a![k], b![k])) return false;
  }
  return true;
}

function checkMap(list: readonly unknown[], keys: readonly string[], at: Segments, out: StructuralFinding[]): void {
  const n = list.length;
  if (n < 2 || keys.length === 0) return;
  // why: the apiserver gives up on the uniqueness check when an item is not an object
  // ("must be an object for an array of list-type map"); schema validation reports that item.
  for (const x of list) if (x !== null && !isPlainObject(x)) return;
  const items = list as readonly (Record<string, unknown> | null)[];
  const seen = n > PAIRWISE_MAX ? new Map<string, number>() : undefined;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    let first = -1;
    if (seen === undefined) {
      for (let j = 0; j < i; j++) {
        if (sameKeys(item, items[j]!, keys)) {
          first = j;
          break;
        }
      }
    } else {
      const id = keys.map((k) => (hasKey(item, k) ? identity(item[k]) : 'unset')).join('\u0000');
      first = seen.get(id) ?? -1;
      if (first === -1) seen.set(id, i);
    }
    if (first === -1) continue;
    const described = keys.map((k) => (hasKey(item, k) ? `${k}=${preview(item[k])}` : `${k} unset`)).join(', ');
    out.push({
      code: 'LIST_TYPE',
      path: pointer(at, i),
      message: `duplicate entry with ${described} (also at index ${first}); keys of this list (${keys.join(', ')}) must be unique`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// CEL rules
// ---------------------------------------------------------------------------------------------

// why: `self` is dyn because the rules are checked against the CRD schema by the apiserver when the
// CRD is created; here they only need to run. Optional types (`?.`, `orValue`) are on in
// Kubernetes since 1.29, and list/map literals must be homogeneous there too (the default).
const ENV = new Environment({ enableOptionalTypes: true })
  .registerVariable('self', 'dyn')
  .registerVariable('oldSelf', 'dyn');

/** A compiled rule text: a program, or why it could not be compiled. */
type Compiled =
  | { readonly ok: true; readonly program: (context: { self: unknown }) => unknown; readonly usesOldSelf: boolean }
  | { readonly ok: false; readonly error: string };

// why: 105 rule instances share 17 texts; each is parsed and checked once per process.
const COMPILED = new Map<string, Compiled>();

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const summary = (e as { summary?: unknown }).summary;
    return typeof summary === 'string' && summary !== '' ? summary : e.message;
  }
  return String(e);
}

function compile(text: string): Compiled {
  let c = COMPILED.get(text);
  if (c === undefined) {
    try {
      const parsed = ENV.parse(text);
      const checked = parsed.check();
      c = checked.valid
        ? { ok: true, program: parsed, usesOldSelf: mentionsOldSelf(parsed.ast) }
        : { ok: false, error: checked.error === undefined ? 'type check failed' : errorText(checked.error) };
    } catch (e) {
      c = { ok: false, error: errorText(e) };
    }
    COMPILED.set(text, c);
  }
  return c;
}

/** True when the expression reads the variable `oldSelf` (a transition rule). */
function mentionsOldSelf(ast: ASTNode): boolean {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
    } else if (typeof n === 'object' && n !== null && 'op' in n && 'args' in n) {
      const node = n as { readonly op: unknown; readonly args: unknown };
      if (node.op === 'id' && node.args === 'oldSelf') return true;
      // why: a `value` node holds a literal ('oldSelf' in quotes is no reference), and field
      // names (`self.oldSelf`) are plain strings in args, which the walk skips
      if (node.op !== 'value') stack.push(node.args);
    }
  }
  return false;
}

/**
 * Turns a rule's `fieldPath` (`.spec.foo`, `.map['key.with.dots']`) into a JSON pointer suffix,
 * or undefined when it does not parse (the apiserver would have rejected such a CRD).
 */
function fieldPathPointer(fieldPath: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < fieldPath.length) {
    const c = fieldPath[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(fieldPath.slice(i + 1));
      if (m === null) return undefined;
      out += `/${seg(m[0])}`;
      i += 1 + m[0].length;
    } else if (c === '[') {
      const m = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\d+))\]/.exec(fieldPath.slice(i));
      if (m === null) return undefined;
      const key = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
      out += `/${seg(key)}`;
      i += m[0].length;
    } else {
      return undefined;
    }
  }
  return out;
}

/** Does `value` have the JSON type the node declares? Rules are not run on mistyped data. */
function typeMatches(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int-or-string':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
    case 'any':
      return true;
  }
}

/** Converted values of one evaluateRules call, by data object. */
type Memo = Map<object, { readonly node: Node | undefined; readonly cel: unknown }>;

/**
 * The value CEL sees for `value` under `node`, as the apiserver's UnstructuredToVal builds it:
 * `type: integer` values and integers in int-or-string or untyped data become `int` (BigInt, since
 * the CEL libraries read JS numbers as `double`); `type: number` stays `double`; property names
 * are escaped. Converted objects are memoized so nested rules reuse them.
 */
function celValue(value: unknown, node: Node | undefined, memo: Memo): unknown {
  if (typeof value === 'number') {
    return node?.kind !== 'number' && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (node?.celPlain === true) return value;
  // why: keyed by the data object and checked against the node, since a YAML alias can put one
  // object under two different schema nodes
  const hit = memo.get(value);
  if (hit !== undefined && hit.node === node) return hit.cel;
  let out: unknown;
  if (Array.isArray(value)) {
    const items = node?.items;
    out = value.map((v) => celValue(v, items, memo));
  } else if (isPlainObject(value)) {
    const obj: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const prop = node?.properties?.get(key);
      if (prop !== undefined) {
        const name = node?.celNames?.get(key);
        if (name === null) continue;
        put(obj, name ?? key, celValue(value[key], prop, memo));
      } else {
        put(obj, key, celValue(value[key], node?.additional, memo));
      }
    }
    out = obj;
  } else {
    out = value;
  }
  memo.set(value, { node, cel: out });
  return out;
}

/**
 * Evaluates every `x-kubernetes-validations` rule at every schema node where data is present
 * (objects, lists, maps and scalars; `null` values are not validated, as in the apiserver), with
 * `self` bound to that node's value.
 *
 * - A rule that evaluates to anything but `true` is a finding with the rule's `messageExpression`
 *   result, else its `message`, else `failed rule: <rule>`; its path is the node's path plus the
 *   rule's `fieldPath`.
 * - A rule that fails to evaluate (e.g. `no such key`) is a finding `rule evaluation error: …` at
 *   the node's path, as cel-go's runtime errors are in the apiserver. A rule the CEL library cannot
 *   compile is a finding `rule compile error: …`.
 * - Transition rules (those reading `oldSelf`) only run on UPDATE and are skipped.
 * - Nodes whose data has the wrong JSON type are skipped: schema validation reports them, and the
 *   apiserver does not run CEL on an object with type errors.
 *
 * Pass the result of {@link applyDefaults}: some rules depend on defaulted fields. Kubernetes' CEL
 * extension libraries (`isURL`, `quantity`, `ip`, `format.*`, …) are not available, and string
 * formats (`date-time`, `byte`, `duration`) stay strings rather than CEL timestamps/bytes/durations;
 * the vendored CRDs need none of them.
 */
export function evaluateRules(value: unknown, schema: StructuralSchema): StructuralFinding[] {
  const findings: StructuralFinding[] = [];
  const node = rootOf(schema, 'evaluateRules');
  if (node.anyRule) walkRules(value, node, [], findings, new Map());
  return findings;
}

function walkRules(value: unknown, node: Node, at: Segments, out: StructuralFinding[], memo: Memo): void {
  if (value === null || value === undefined || !typeMatches(value, node.kind)) return;
  if (node.rules.length > 0) runRules(value, node, at, out, memo);
  if (Array.isArray(value)) {
    const items = node.items;
    if (items?.anyRule) {
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        walkRules(value[i], items, at, out, memo);
        at.pop();
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    const { properties, additional } = node;
    // why: for-in allocates no key array; JSON data has no inherited enumerable keys
    for (const key in value) {
      const child = properties?.get(key) ?? additional;
      if (child?.anyRule) {
        at.push(key);
        walkRules((value as Record<string, unknown>)[key], child, at, out, memo);
        at.pop();
      }
    }
  }
}

function runRules(value: unknown, node: Node, at: Segments, out: StructuralFinding[], memo: Memo): void {
  let self: unknown;
  let converted = false;
  for (const rule of node.rules) {
    const c = compile(rule.rule);
    if (!c.ok) {
      out.push({ code: 'CEL_RULE', path: pointer(at), message: `rule compile error: ${c.error}`, rule: rule.rule });
      continue;
    }
    if (c.usesOldSelf) continue;
    if (!converted) {
      self = celValue(value, node, memo);
      converted = true;
    }
    let result: unknown;
    try {
      result = c.program({ self });
    } catch (e) {
      out.push({
        code: 'CEL_RULE',
        path: pointer(at),
        message: `rule evaluation error: ${errorText(e)}; evaluating rule: ${rule.message ?? rule.rule}`,
        rule: rule.rule,
      });
      continue;
    }
    if (result === true) continue;
    const where = rule.fieldPath === undefined ? undefined : fieldPathPointer(rule.fieldPath);
    out.push({
      code: 'CEL_RULE',
      path: where === undefined ? pointer(at) : pointer(at) + where,
      message: ruleMessage(rule, self),
      rule: rule.rule,
    });
  }
}

/** messageExpression's result when it is a usable string, else message, else `failed rule: <rule>`. */
function ruleMessage(rule: Rule, self: unknown): string {
  if (rule.messageExpression !== undefined) {
    const c = compile(rule.messageExpression);
    if (c.ok) {
      try {
        const m = c.program({ self });
        // why: the apiserver falls back to `message` when messageExpression gives an empty string
        // or one with line breaks, or fails to evaluate.
        if (typeof m === 'string' && m.trim() !== '' && !/[\r\n]/.test(m)) return m.trim();
      } catch {
        // fall through to message
      }
    }
  }
  return rule.message ?? `failed rule: ${rule.rule.trim()}`;
}
