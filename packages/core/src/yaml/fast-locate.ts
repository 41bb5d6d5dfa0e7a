// Positions of JSON pointers in plain block-style YAML without building npm `yaml`'s document
// model: most findings point into documents that are nothing but block mappings, block
// sequences and one-line scalars, and parsing such a document with npm `yaml` only to find one
// key costs more than all the checks of that document together.
//
// The answer must be exactly what load.ts's `locateIn` (npm `yaml` AST) answers, so this reader
// accepts only a conservative subset and says "not sure" (undefined) for anything else; the caller
// then takes the slow path. Not accepted (whole document): tabs in indentation, anchors, aliases,
// tags, explicit `?` keys, directives, content on the `---` line, a second document marker, quoted
// scalars or flow collections that do not end on their line, double-quoted keys with escapes, and
// comment lines in front of a nested collection. test/yaml/fast-locate.prop.test.ts holds the
// two readers to the same answers on the whole upstream corpus and on generated documents.
import { unmaskPlaceholders } from './placeholders.ts';
import { kubernetesKeyOfPlain } from './yaml11.ts';

/** One line of the document as the locator needs it. */
interface Line {
  /** Offset of the first character of the line. */
  readonly start: number;
  /** Offset just after the last character (before `\n`, and before `\r` of `\r\n`). */
  readonly end: number;
  /** Offset of the first non-space character, or `end` for a blank line. */
  readonly content: number;
  /** True for blank lines, comment lines and lines of a block scalar's content. */
  readonly skip: boolean;
}

/** The lines of a document, or undefined when it holds something this reader does not accept. */
export type LineTable = readonly Line[] | undefined;

const SP = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/** Characters that may not start a node this reader accepts (anchors, aliases, tags, `?`, `%`, reserved). */
const REFUSED_START = new Set(['&', '*', '!', '?', '%', '@', '`']);

const isBreakOrEnd = (text: string, i: number, end: number): boolean => i >= end || text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB;

function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && text.charCodeAt(i) === SP) i++;
  return i;
}

/** True when a `-` at `i` is a sequence entry indicator (followed by a space or the end of the line). */
function isDash(text: string, i: number, end: number): boolean {
  return text.charCodeAt(i) === DASH && (i + 1 >= end || text.charCodeAt(i + 1) === SP);
}

/** Offset after the closing quote of a quoted scalar starting at `i`, or -1 when it does not close on this line. */
function quotedEnd(text: string, i: number, end: number): number {
  const q = text.charCodeAt(i);
  let j = i + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (q === 0x22 /* " */ && c === 0x5c /* \ */) {
      j += 2;
      continue;
    }
    if (c === q) {
      if (q === 0x27 /* ' */ && text.charCodeAt(j + 1) === 0x27) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}

/** Offset after a flow collection starting at `i` that closes on this line, or -1. */
function flowEnd(text: string, i: number, end: number): number {
  let depth = 0;
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 0x22 || c === 0x27) {
      const k = quotedEnd(text, j, end);
      if (k < 0) return -1;
      j = k;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === HASH && (text.charCodeAt(j - 1) === SP || text.charCodeAt(j - 1) === TAB)) return -1;
    j++;
  }
  return -1;
}

/** True when only spaces or a comment follow `i` on the line. */
function restIsEmpty(text: string, i: number, end: number): boolean {
  const j = skipSpaces(text, i, end);
  return j >= end || text.charCodeAt(j) === HASH;
}

/** A mapping key at `i` on its line: its text as written (quotes removed) and where its value starts looking. */
interface KeyAt {
  readonly raw: string;
  readonly plain: boolean;
  /** Offset just after the `:`. */
  readonly afterColon: number;
}

/**
 * Reads `key:` at `i` when the node at `i` is a mapping key. Returns null when the node is not a
 * key (a scalar or flow collection), undefined when it is something this reader does not accept.
 */
function keyAt(text: string, i: number, end: number): KeyAt | null | undefined {
  const c = text[i];
  if (c === undefined) return null;
  if (REFUSED_START.has(c)) return undefined;
  if (c === '"' || c === "'") {
    const close = quotedEnd(text, i, end);
    if (close < 0) return undefined;
    const j = skipSpaces(text, close, end);
    if (text.charCodeAt(j) !== COLON) return restIsEmpty(text, close, end) ? null : undefined;
    if (!isBreakOrEnd(text, j + 1, end)) return undefined;
    const inner = text.slice(i + 1, close - 1);
    if (c === '"' && inner.includes('\\')) return undefined;
    return { raw: c === "'" ? inner.replace(/''/g, "'") : inner, plain: false, afterColon: j + 1 };
  }
  if (c === '{' || c === '[') {
    const close = flowEnd(text, i, end);
    if (close < 0) return undefined;
    // why: a flow collection used as a key is a complex key; refuse it.
    return restIsEmpty(text, close, end) ? null : undefined;
  }
  if (c === '|' || c === '>') return null;
  // A plain scalar: a key when `: ` (or `:` at the end) comes before a comment.
  for (let j = i; j < end; j++) {
    const d = text.charCodeAt(j);
    if (d === HASH && j > i && (text.charCodeAt(j - 1) === SP || text.charCodeAt(j - 1) === TAB)) return null;
    if (d === COLON && isBreakOrEnd(text, j + 1, end)) {
      let k = j;
      while (k > i && (text.charCodeAt(k - 1) === SP || text.charCodeAt(k - 1) === TAB)) k--;
      return { raw: text.slice(i, k), plain: true, afterColon: j + 1 };
    }
  }
  return null;
}

/**
 * Checks a scalar or flow value that starts at `i` and must end on this line; returns the
 * column of a block scalar's owner when the value is a block scalar header (its content lines
 * follow), -1 otherwise, or undefined when it is not accepted.
 */
function checkValue(text: string, i: number, end: number, owner: number): number | undefined {
  const c = text[i];
  if (c === undefined) return -1;
  if (REFUSED_START.has(c)) return undefined;
  if (c === '|' || c === '>') return owner;
  if (c === '"' || c === "'") {
    const close = quotedEnd(text, i, end);
    return close >= 0 && restIsEmpty(text, close, end) ? -1 : undefined;
  }
  if (c === '{' || c === '[') {
    const close = flowEnd(text, i, end);
    return close >= 0 && restIsEmpty(text, close, end) ? -1 : undefined;
  }
  // A plain scalar may not hold `: ` here (a second key on one line is a syntax error).
  const k = keyAt(text, i, end);
  return k === null ? -1 : undefined;
}

/**
 * Splits a document into lines and checks that it is in the subset this reader handles (see the
 * file comment). Linear in the length of the text.
 */
export function lineTable(text: string): LineTable {
  const lines: Line[] = [];
  const n = text.length;
  // why: npm yaml counts a byte-order mark as a column; refuse rather than count it.
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  let pos = 0;
  /** Column of the node that owns an open block scalar; its content lines are deeper than this. */
  let blockOwner = -1;
  let seenMarker = false;
  while (pos <= n) {
    const nl = text.indexOf('\n', pos);
    const next = nl < 0 ? n + 1 : nl + 1;
    let end = nl < 0 ? n : nl;
    if (end > pos && text.charCodeAt(end - 1) === 0x0d) end--;
    let content = pos;
    while (content < end && text.charCodeAt(content) === SP) content++;
    const indent = content - pos;
    const blank = content >= end;
    if (blockOwner >= 0) {
      if (blank || indent > blockOwner) {
        lines.push({ start: pos, end, content, skip: true });
        pos = next;
        continue;
      }
      blockOwner = -1;
    }
    // why: a tab as separation (`a:\t1`) moves where npm yaml starts a node; refuse any tab outside block scalars.
    if (!blank && text.indexOf('\t', content) >= 0 && text.indexOf('\t', content) < end) return undefined;
    if (blank || text.charCodeAt(content) === HASH) {
      lines.push({ start: pos, end, content, skip: true });
      pos = next;
      continue;
    }
    if (indent === 0 && (text.startsWith('---', pos) || text.startsWith('...', pos)) && isBreakOrEnd(text, pos + 3, end)) {
      // One `---` before the content, with nothing after it, is the only marker accepted.
      if (text.startsWith('...', pos) || seenMarker || lines.some((l) => !l.skip) || !restIsEmpty(text, pos + 3, end)) return undefined;
      seenMarker = true;
      lines.push({ start: pos, end, content: end, skip: true });
      pos = next;
      continue;
    }
    if (indent === 0 && text.charCodeAt(pos) === 0x25 /* % */) return undefined;
    // The nodes on this line: `- ` indicators, then a key and its value, or a value.
    let i = content;
    while (isDash(text, i, end)) i = skipSpaces(text, i + 1, end);
    if (i < end && text.charCodeAt(i) !== HASH) {
      const key = keyAt(text, i, end);
      if (key === undefined) return undefined;
      let owner: number | undefined;
      if (key === null) {
        // why: a block scalar right after `- ` belongs to the sequence entry at the dash's column;
        // one that starts a line belongs to a key on an earlier line, whose column is not at hand.
        owner = checkValue(text, i, end, i - pos - 2);
        if (owner !== undefined && owner >= 0 && i === content) return undefined;
      } else {
        const v = skipSpaces(text, key.afterColon, end);
        owner = v >= end || text.charCodeAt(v) === HASH ? -1 : checkValue(text, v, end, i - pos);
      }
      if (owner === undefined) return undefined;
      blockOwner = owner;
    }
    lines.push({ start: pos, end, content, skip: false });
    pos = next;
  }
  return lines;
}

/** A node found while walking a pointer. */
type Node =
  | { readonly type: 'map' | 'seq'; readonly start: number; readonly line: number; readonly col: number }
  /** A scalar, or a flow collection (`flow`: this reader does not look inside it). */
  | { readonly type: 'leaf'; readonly start: number; readonly flow: boolean }
  | { readonly type: 'empty' };

function colOf(lines: readonly Line[], line: number, offset: number): number {
  return offset - lines[line]!.start;
}

/** The node that starts at `offset` on line `line` (a non-space character). */
function nodeAt(text: string, lines: readonly Line[], line: number, offset: number): Node | undefined {
  const l = lines[line]!;
  if (isDash(text, offset, l.end)) return { type: 'seq', start: offset, line, col: colOf(lines, line, offset) };
  const key = keyAt(text, offset, l.end);
  if (key === undefined) return undefined;
  if (key !== null) return { type: 'map', start: offset, line, col: colOf(lines, line, offset) };
  const c = text.charCodeAt(offset);
  return { type: 'leaf', start: offset, flow: c === 0x7b || c === 0x5b };
}

/** The next line after `line` that is not blank, a comment or block scalar content, or -1. */
function nextContentLine(lines: readonly Line[], line: number): number {
  for (let j = line + 1; j < lines.length; j++) if (!lines[j]!.skip) return j;
  return -1;
}

/**
 * The node that follows an indicator (`key:` or `- `) ending at `after` on line `line`: on the same
 * line, or on the next content line when it is deeper than `parentCol` (or, for a mapping value, a
 * sequence at the key's own column). `undefined` when not accepted.
 */
function valueAfter(text: string, lines: readonly Line[], line: number, after: number, parentCol: number, sameColumnSeq: boolean): Node | undefined {
  const l = lines[line]!;
  const v = skipSpaces(text, after, l.end);
  if (v < l.end && text.charCodeAt(v) !== HASH) return nodeAt(text, lines, line, v);
  // why: a comment after the indicator may or may not be taken into the next node's range; refuse.
  if (v < l.end) return undefined;
  const j = nextContentLine(lines, line);
  if (j < 0) return { type: 'empty' };
  const m = lines[j]!;
  const col = m.content - m.start;
  if (col > parentCol || (sameColumnSeq && col === parentCol && isDash(text, m.content, m.end))) {
    // why: comment lines between the indicator and a nested collection may or may not count as
    // part of that collection's range in npm yaml; refuse rather than guess.
    for (let k = line + 1; k < j; k++) if (lines[k]!.content < lines[k]!.end) return undefined;
    return nodeAt(text, lines, j, m.content);
  }
  return { type: 'empty' };
}

/** The entries of a collection: for a mapping each key, for a sequence each `- `, in order. */
function* entries(text: string, lines: readonly Line[], node: { readonly type: 'map' | 'seq'; readonly start: number; readonly line: number; readonly col: number }): Generator<{ line: number; offset: number }> {
  yield { line: node.line, offset: node.start };
  for (let j = nextContentLine(lines, node.line); j >= 0; j = nextContentLine(lines, j)) {
    const l = lines[j]!;
    const col = l.content - l.start;
    if (col < node.col) return;
    if (col > node.col) continue;
    const dash = isDash(text, l.content, l.end);
    if (node.type === 'seq') {
      if (!dash) return;
      yield { line: j, offset: l.content };
    } else if (!dash) {
      // why: a `- ` at the mapping's column is the sequence value of the key before it.
      yield { line: j, offset: l.content };
    }
  }
}

/**
 * The offset of a pointer's node (or key) in a document, as load.ts's `locateIn` finds it, or
 * undefined when the document is outside the accepted subset.
 */
export function fastLocate(text: string, lines: readonly Line[], tokens: readonly string[], key: boolean, masked: boolean): number | undefined {
  const first = nextContentLine(lines, -1);
  if (first < 0) return undefined;
  let node: Node | undefined = nodeAt(text, lines, first, lines[first]!.content);
  /** The key offset of the pair the current node is the value of. */
  let viaKey: number | undefined;
  const fallback = (): number | undefined => (viaKey !== undefined ? viaKey : node === undefined || node.type === 'empty' ? undefined : node.start);
  for (const token of tokens) {
    if (node === undefined) return undefined;
    if (node.type === 'map') {
      let found: { line: number; offset: number; key: KeyAt } | undefined;
      for (const e of entries(text, lines, node)) {
        const k = keyAt(text, e.offset, lines[e.line]!.end);
        if (k === undefined || k === null) return undefined;
        const spelled = k.plain ? kubernetesKeyOfPlain(k.raw) : k.raw;
        if ((masked ? unmaskPlaceholders(spelled) : spelled) === token) {
          found = { ...e, key: k };
          break;
        }
      }
      if (found === undefined) return fallback();
      viaKey = found.offset;
      node = valueAfter(text, lines, found.line, found.key.afterColon, node.col, true);
    } else if (node.type === 'seq') {
      const i = /^(?:0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
      let n = 0;
      let item: { line: number; offset: number } | undefined;
      for (const e of entries(text, lines, node)) {
        if (n++ === i) {
          item = e;
          break;
        }
      }
      if (item === undefined) return fallback();
      viaKey = undefined;
      node = valueAfter(text, lines, item.line, item.offset + 1, node.col, false);
      // why: npm yaml gives an empty sequence entry a position of its own; refuse rather than guess.
      if (node !== undefined && node.type === 'empty') return undefined;
    } else if (node.type === 'leaf' && node.flow) {
      return undefined;
    } else {
      return fallback();
    }
  }
  if (node === undefined) return undefined;
  if (viaKey !== undefined && (key || node.type === 'empty')) return viaKey;
  return node.type === 'empty' ? undefined : node.start;
}

/** 1-based line and column (UTF-16 code units) of an offset, as npm yaml's LineCounter gives them. */
export function linePos(lines: readonly Line[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - lines[lo]!.start + 1 };
}
