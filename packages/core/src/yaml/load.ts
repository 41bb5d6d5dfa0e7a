// Loading (multi-document) YAML text the way Kubernetes reads it, with positions on demand.
//
// Two parsers, each where it is good (measured in /work/shared/notes/validators.md section 8):
// - js-yaml with KUBERNETES_SCHEMA is the fast path: about 5x cheaper than npm `yaml`'s document
//   model and it rejects duplicate keys, but it gives no positions.
// - npm `yaml` (parseDocument + LineCounter) is the slow path, used only for a document that
//   needs positions: one js-yaml rejects, one with a YAML 1.1 hazard, and any document whose
//   locate() is called.

import yaml from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Pair, Scalar } from 'yaml';
import type { Issue } from '../errors.ts';
import { fastLocate, linePos, lineTable, type LineTable } from './fast-locate.ts';
import { canMaskPlaceholders, findPlaceholders, isMasked, maskPlaceholders, unmaskPlaceholders } from './placeholders.ts';
import type { LineCol, LoadedDocument, LoadOptions } from './types.ts';
import { describeHazard, KUBERNETES_SCHEMA, kubernetesKeyOfPlain, resolvePlainScalar, takeResolverFlags, yaml11Hazard } from './yaml11.ts';
import { isRecord } from '../util/record.ts';

/**
 * Splits a YAML text into documents and reads each one as Kubernetes does (YAML 1.1 scalars, see
 * {@link KUBERNETES_SCHEMA}), collecting YAML_SYNTAX, YAML_DUPLICATE_KEY and YAML_11_HAZARD
 * issues. Never throws on bad input.
 *
 * Documents are numbered as `yaml.parseAllDocuments` numbers them: a `---` always starts one (so
 * `a: 1\n---\n` has two, the second empty), comments before the first `---` belong to it, a
 * text of only comments has none. An empty document has value `undefined`.
 *
 * With `placeholders`, clusterctl placeholders are masked before parsing (so
 * `tags: [ ${TAGS:= } ]` parses as a one-item list) and every string and key of the result carries
 * the original `${...}` text.
 *
 * A document with a duplicate key gets a YAML_DUPLICATE_KEY error and still has a value, in which
 * the later key wins (as in the API server's non-strict decoding), so that the rest of it can be
 * checked. A document with a syntax error has value `undefined`.
 */
export function loadDocuments(text: string, options: LoadOptions): LoadedDocument[] {
  let source = text;
  let masked = false;
  // why: a text that already holds mask characters could not be unmasked exactly; it is parsed as is.
  if (options.placeholders && text.includes('${') && canMaskPlaceholders(text)) {
    const found = findPlaceholders(text);
    if (found.length > 0) {
      source = maskPlaceholders(text, found);
      masked = true;
    }
  }
  return splitDocuments(source).map((chunk, index) => loadChunk(source.slice(chunk.start, chunk.end), chunk, index, masked, options));
}

// --- splitting --------------------------------------------------------------------------------

/** One document's slice of the text: [start, end) offsets, its first line, and whether it has content. */
interface Chunk {
  readonly start: number;
  readonly end: number;
  readonly startLine: number;
  readonly hasContent: boolean;
}

type LineKind = 'start' | 'end' | 'directive' | 'trivia' | 'content';

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d;

/**
 * Splits at column-0 markers as the YAML stream grammar does (and as parseAllDocuments counts):
 * `---` opens a document; `...` closes the open one, or makes an empty one when none is open;
 * content after a `...` opens a bare document; comments and `%` directives outside a document
 * belong to the next one.
 */
function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  const n = text.length;
  let open: { start: number; startLine: number; hasContent: boolean } | undefined;
  let pendingStart = -1;
  let pendingLine = 0;
  let pos = 0;
  let line = 1;
  const startHere = (hasContent: boolean): { start: number; startLine: number; hasContent: boolean } => {
    const doc = pendingStart >= 0 ? { start: pendingStart, startLine: pendingLine, hasContent } : { start: pos, startLine: line, hasContent };
    pendingStart = -1;
    return doc;
  };
  while (pos < n) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? n : nl;
    const next = nl === -1 ? n : nl + 1;
    // why: a byte-order mark before a leading `---` does not hide the marker.
    const at = pos === 0 && text.charCodeAt(0) === 0xfeff ? 1 : pos;
    switch (lineKind(text, at, lineEnd, open !== undefined)) {
      case 'start':
        if (open !== undefined) chunks.push({ ...open, end: pos });
        open = startHere(hasInlineContent(text, at + 3, lineEnd));
        break;
      case 'end':
        if (open !== undefined) {
          chunks.push({ ...open, end: next });
          open = undefined;
        } else {
          chunks.push({ ...startHere(false), end: next });
        }
        break;
      case 'directive':
      case 'trivia':
        if (open === undefined && pendingStart < 0) {
          pendingStart = pos;
          pendingLine = line;
        }
        break;
      case 'content':
        if (open === undefined) open = startHere(true);
        else open.hasContent = true;
        break;
    }
    pos = next;
    line++;
  }
  if (open !== undefined) {
    chunks.push({ ...open, end: n });
  } else if (pendingStart >= 0 && chunks.length > 0) {
    // Trailing comments after a closed document stay with it.
    const last = chunks[chunks.length - 1];
    if (last !== undefined) chunks[chunks.length - 1] = { ...last, end: n };
  }
  return chunks;
}

function lineKind(text: string, at: number, end: number, inDocument: boolean): LineKind {
  if (at >= end) return 'trivia';
  const c = text.charCodeAt(at);
  if ((c === 0x2d || c === 0x2e) && end - at >= 3 && text.charCodeAt(at + 1) === c && text.charCodeAt(at + 2) === c && (at + 3 === end || isBlank(text.charCodeAt(at + 3)))) {
    return c === 0x2d ? 'start' : 'end';
  }
  if (c === 0x25 /* % */ && !inDocument) return 'directive';
  let i = at;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i === end || text.charCodeAt(i) === 0x23 /* # */ ? 'trivia' : 'content';
}

function hasInlineContent(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i < end && text.charCodeAt(i) !== 0x23;
}

// --- one document -----------------------------------------------------------------------------

/** An issue before its `object` is known. */
type PendingIssue = Omit<Issue, 'object'>;

/** A chunk parsed by npm `yaml`, with what is needed to turn offsets into whole-text positions. */
interface Positioned {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly lineOffset: number;
  readonly masked: boolean;
}

function loadChunk(chunkText: string, chunk: Chunk, index: number, maskedText: boolean, options: LoadOptions): LoadedDocument {
  const masked = maskedText && isMasked(chunkText);
  let positioned: Positioned | undefined;
  const positions = (): Positioned => (positioned ??= parseWithPositions(chunkText, chunk.startLine - 1, masked));
  const pending: PendingIssue[] = [];
  let value: unknown = undefined;
  /** Lines for the fast locator; null until needed, undefined when the document is outside its subset. */
  let lines: LineTable | null = null;
  let readable = false;

  if (chunk.hasContent) {
    takeResolverFlags();
    let loaded: unknown;
    let failed = false;
    try {
      loaded = yaml.load(chunkText, { schema: KUBERNETES_SCHEMA, filename: options.file });
    } catch {
      failed = true;
    }
    const flags = takeResolverFlags();
    readable = !failed;
    if (!failed && flags.hazards === 0 && flags.floatKeys === 0) {
      value = masked ? unmaskValue(loaded) : loaded;
    } else {
      const p = positions();
      const errors = p.doc.errors;
      if (failed && errors.length > 0) {
        // why: npm yaml often reports one fault twice at one place (BLOCK_AS_IMPLICIT_KEY and
        // MULTILINE_IMPLICIT_KEY); keep the first message per position.
        const seen = new Set<number>();
        for (const e of errors) {
          const offset = clampToContent(chunkText, e.pos[0]);
          if (seen.has(offset)) continue;
          seen.add(offset);
          pending.push(syntaxIssue(p, e.message, e.code, offset, options.file));
        }
      } else {
        // js-yaml failed on something npm yaml reads (a duplicate key, an unknown tag), or the
        // document has hazards: read it from the AST, which gives positions for both.
        const converted = convertDocument(p, options.file);
        // why: if js-yaml read the document but npm yaml did not (a partial AST), trust js-yaml on
        // duplicates and take only the hazards from the AST.
        pending.push(...(failed || errors.length === 0 ? converted.issues : converted.issues.filter((i) => i.code === 'YAML_11_HAZARD')));
        value = failed || flags.floatKeys > 0 ? converted.value : masked ? unmaskValue(loaded) : loaded;
      }
    }
  }

  const object = pending.length === 0 ? '' : objectLabel(value, index, positioned);
  return {
    index,
    value,
    issues: pending.map((i) => ({ ...i, object })),
    startLine: chunk.startLine,
    locate(pointer: string, locateOptions?: { readonly key?: boolean }): LineCol {
      if (!chunk.hasContent) return { line: chunk.startLine, col: 1 };
      // why: a document js-yaml could not read is located by the AST reader, which also placed its errors.
      if (readable && positioned === undefined && options.fastLocate !== false) {
        lines ??= lineTable(chunkText);
        if (lines !== undefined) {
          const offset = fastLocate(chunkText, lines, parsePointer(pointer), locateOptions?.key === true, masked);
          if (offset !== undefined) {
            const pos = linePos(lines, offset);
            return { line: pos.line + chunk.startLine - 1, col: pos.col };
          }
        }
      }
      return locateIn(positions(), pointer, locateOptions?.key === true);
    },
  };
}

function parseWithPositions(chunkText: string, lineOffset: number, masked: boolean): Positioned {
  const lineCounter = new LineCounter();
  // why: uniqueKeys off: duplicates are found by the Kubernetes key string (convertDocument),
  // where `yes` and `true` collide; npm yaml compares YAML 1.2 values, where they do not.
  const doc = parseDocument(chunkText, { lineCounter, uniqueKeys: false, prettyErrors: false });
  return { doc, lineCounter, lineOffset, masked };
}

function at(p: Positioned, offset: number): LineCol {
  const { line, col } = p.lineCounter.linePos(offset);
  return { line: line + p.lineOffset, col };
}

function syntaxIssue(p: Positioned, message: string, code: string, offset: number, file: string): PendingIssue {
  const text = unmaskPlaceholders(message).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return {
    code: 'YAML_SYNTAX',
    severity: 'error',
    path: pointerAtOffset(p, offset),
    message: `${text} (${code}); Kubernetes cannot read this document, so it was not checked: fix the YAML syntax here`,
    source: { file, ...at(p, offset) },
  };
}

/**
 * Moves an offset at the end of the chunk (an unclosed quote or bracket) back to the last
 * non-blank character, so the position is inside this document and not on the next `---`.
 */
function clampToContent(chunkText: string, offset: number): number {
  let end = chunkText.length;
  while (end > 0 && /\s/.test(chunkText[end - 1] ?? '')) end--;
  return offset >= end && end > 0 ? end - 1 : offset;
}

function objectLabel(value: unknown, index: number, p: Positioned | undefined): string {
  let kind: unknown;
  let name: unknown;
  if (isRecord(value)) {
    kind = value['kind'];
    const meta = value['metadata'];
    name = isRecord(meta) ? meta['name'] : undefined;
  } else if (value === undefined && p !== undefined && isMap(p.doc.contents)) {
    // A document with a syntax error: read what the partial AST has.
    try {
      kind = p.doc.get('kind');
      name = p.doc.getIn(['metadata', 'name']);
    } catch {
      kind = undefined;
    }
    if (typeof kind === 'string' && p.masked) kind = unmaskPlaceholders(kind);
    if (typeof name === 'string' && p.masked) name = unmaskPlaceholders(name);
  }
  if (typeof kind !== 'string' || kind === '') return `document ${index + 1}`;
  return typeof name === 'string' && name !== '' ? `${kind}/${name}` : kind;
}

// --- the AST reader (slow path) ---------------------------------------------------------------

interface Walk {
  readonly p: Positioned;
  readonly file: string;
  readonly issues: PendingIssue[];
  /** Values of anchored nodes already read, so aliases share them (as in js-yaml) instead of expanding. */
  readonly anchors: Map<unknown, unknown>;
  /** >0 while reading an alias target: its problems are reported at the anchor only. */
  inAlias: number;
}

/**
 * Reads a parsed document into the value Kubernetes sees (the same as the js-yaml path), reporting
 * YAML 1.1 hazards and duplicate keys (by Kubernetes key string) with positions.
 */
function convertDocument(p: Positioned, file: string): { value: unknown; issues: PendingIssue[] } {
  const w: Walk = { p, file, issues: [], anchors: new Map(), inAlias: 0 };
  const value = convertNode(p.doc.contents, '', w);
  return { value, issues: w.issues };
}

function convertNode(node: unknown, pointer: string, w: Walk): unknown {
  if (isAlias(node)) {
    const target = node.resolve(w.p.doc);
    if (target === undefined) return null;
    if (w.anchors.has(target)) return w.anchors.get(target);
    w.inAlias++;
    const v = convertNode(target, pointer, w);
    w.inAlias--;
    return v;
  }
  if (isScalar(node)) {
    const v = scalarValue(node, pointer, w);
    if (node.anchor !== undefined) w.anchors.set(node, v);
    return v;
  }
  if (isSeq(node)) {
    const arr: unknown[] = [];
    if (node.anchor !== undefined) w.anchors.set(node, arr);
    node.items.forEach((item, i) => arr.push(convertNode(item, `${pointer}/${i}`, w)));
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    if (node.anchor !== undefined) w.anchors.set(node, obj);
    const firstAt = new Map<string, number>();
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      if (isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.tag === undefined && pair.key.source === '<<') {
        reportHazard(pair.key, '<<', pointer, w, true);
        // js-yaml's merge: keys not yet present are added; explicit keys override them later
        // without counting as duplicates (firstAt only records explicit keys).
        const merged = convertNode(pair.value, pointer, w);
        for (const source of Array.isArray(merged) ? merged : [merged]) {
          if (!isRecord(source)) continue;
          for (const k of Object.keys(source)) {
            if (!Object.hasOwn(obj, k)) {
              setProperty(obj, k, source[k]);
            }
          }
        }
        continue;
      }
      const key = keyString(pair.key, pointer, w);
      const child = `${pointer}/${escapeToken(key)}`;
      const keyOffset = nodeStart(pair.key) ?? nodeStart(pair.value) ?? 0;
      const first = firstAt.get(key);
      if (first !== undefined && w.inAlias === 0) {
        w.issues.push({
          code: 'YAML_DUPLICATE_KEY',
          severity: 'error',
          path: child,
          message: `key ${JSON.stringify(key)} appears twice in this mapping (first at line ${at(w.p, first).line}); Kubernetes rejects duplicate keys: remove one`,
          source: { file: w.file, ...at(w.p, keyOffset) },
        });
      }
      if (first === undefined) firstAt.set(key, keyOffset);
      setProperty(obj, key, convertNode(pair.value, child, w));
    }
    return obj;
  }
  // An absent node (`key:` with nothing, an empty document).
  return null;
}

function scalarValue(node: Scalar, pointer: string, w: Walk): unknown {
  const src = typeof node.source === 'string' ? node.source : String(node.value);
  const tag = node.tag;
  if (tag === undefined && node.type === 'PLAIN') {
    reportHazard(node, src, pointer, w, false);
    const v = resolvePlainScalar(src);
    return typeof v === 'string' && w.p.masked ? unmaskPlaceholders(v) : v;
  }
  if (tag === 'tag:yaml.org,2002:null' || tag === 'tag:yaml.org,2002:bool' || tag === 'tag:yaml.org,2002:int' || tag === 'tag:yaml.org,2002:float') {
    const v = resolvePlainScalar(src);
    return typeof v === 'string' && w.p.masked ? unmaskPlaceholders(v) : v;
  }
  // Quoted and block scalars, `!!str`, `!!timestamp`, and tags Kubernetes keeps as text.
  return w.p.masked ? unmaskPlaceholders(src) : src;
}

function reportHazard(node: Scalar, src: string, pointer: string, w: Walk, isKey: boolean): void {
  if (w.inAlias > 0) return;
  const h = yaml11Hazard(src, isKey);
  if (h === undefined) return;
  w.issues.push({
    code: 'YAML_11_HAZARD',
    severity: 'warning',
    path: pointer,
    message: describeHazard(h, isKey),
    source: { file: w.file, ...at(w.p, nodeStart(node) ?? 0) },
  });
}

/** The JSON key Kubernetes makes of a mapping key node, reporting a hazard in a plain key. */
function keyString(key: unknown, pointer: string, w: Walk): string {
  if (isScalar(key)) {
    const src = typeof key.source === 'string' ? key.source : String(key.value);
    const plain = key.tag === undefined && key.type === 'PLAIN';
    const k = plain ? kubernetesKeyOfPlain(src) : src;
    const spelled = w.p.masked ? unmaskPlaceholders(k) : k;
    if (plain) reportHazard(key, src, `${pointer}/${escapeToken(spelled)}`, w, true);
    return spelled;
  }
  if (key === null || key === undefined) return 'null';
  // Collection or alias keys: spelled as js-yaml spells them (Kubernetes rejects them).
  const v = convertNode(key, pointer, { ...w, issues: [], inAlias: w.inAlias + 1 });
  return isRecord(v) ? '[object Object]' : String(v);
}

function keyStringForPosition(key: unknown, masked: boolean): string {
  if (isScalar(key)) {
    const src = typeof key.source === 'string' ? key.source : String(key.value);
    const k = key.tag === undefined && key.type === 'PLAIN' ? kubernetesKeyOfPlain(src) : src;
    return masked ? unmaskPlaceholders(k) : k;
  }
  return key === null || key === undefined ? 'null' : String(key);
}

// --- positions --------------------------------------------------------------------------------

function nodeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const r = (node as { range?: readonly number[] | null }).range;
    if (r !== undefined && r !== null && typeof r[0] === 'number') return r[0];
  }
  return undefined;
}

/** True when a value node takes no room in the text (`key:` with nothing after it). */
function isEmptyNode(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const r = (node as { range?: readonly number[] | null }).range;
  return isScalar(node) && node.source === '' && r !== undefined && r !== null && r[0] === r[1];
}

function locateIn(p: Positioned, pointer: string, key: boolean): LineCol {
  const tokens = parsePointer(pointer);
  let node: unknown = p.doc.contents;
  let viaPair: Pair<unknown, unknown> | undefined;
  const fallback = (): LineCol => {
    // An absent tail: the nearest present ancestor, at its key when it is a property.
    if (viaPair !== undefined) return at(p, nodeStart(viaPair.key) ?? nodeStart(viaPair.value) ?? 0);
    return at(p, nodeStart(node) ?? 0);
  };
  for (const token of tokens) {
    if (isAlias(node)) node = node.resolve(p.doc);
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find((it) => keyStringForPosition(it.key, p.masked) === token);
      if (pair === undefined) return fallback();
      viaPair = pair;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = /^(?:0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
      const item = node.items[i];
      if (item === undefined) return fallback();
      viaPair = undefined;
      node = item;
    } else {
      return fallback();
    }
  }
  if (viaPair !== undefined && (key || isEmptyNode(node))) return at(p, nodeStart(viaPair.key) ?? nodeStart(node) ?? 0);
  return at(p, nodeStart(node) ?? 0);
}

/** The deepest JSON pointer whose node spans an offset (for placing a syntax error). */
function pointerAtOffset(p: Positioned, offset: number): string {
  let node: unknown = p.doc.contents;
  let pointer = '';
  const spans = (n: unknown): boolean => {
    const r = (n as { range?: readonly number[] | null } | null)?.range;
    return r !== undefined && r !== null && typeof r[0] === 'number' && typeof r[2] === 'number' && r[0] <= offset && offset < r[2];
  };
  for (let depth = 0; depth < 1000; depth++) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        // why: an error inside a key (often a key made up by error recovery) belongs to the
        // mapping that holds it.
        if (spans(pair.value)) {
          pointer += `/${escapeToken(keyStringForPosition(pair.key, p.masked))}`;
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex(spans);
      if (i >= 0) {
        pointer += `/${i}`;
        next = node.items[i];
      }
    }
    if (next === undefined) return pointer;
    node = next;
  }
  return pointer;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(pointer.startsWith('/') ? 1 : 0)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

// --- values -----------------------------------------------------------------------------------

/** Sets a key as data, also `__proto__` (as js-yaml does). */
function setProperty(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Restores placeholder text in every string and key of a js-yaml value. */
function unmaskValue(v: unknown): unknown {
  if (typeof v === 'string') return unmaskPlaceholders(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = unmaskValue(v[i]);
    return v;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v);
    if (keys.some(isMasked)) {
      const out: Record<string, unknown> = {};
      for (const k of keys) setProperty(out, unmaskPlaceholders(k), unmaskValue(v[k]));
      return out;
    }
    for (const k of keys) v[k] = unmaskValue(v[k]);
  }
  return v;
}
