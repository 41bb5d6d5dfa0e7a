// clusterctl template variables: `${VAR}`, `${VAR:=default}`, ... as clusterctl reads them.
//
// clusterctl first rewrites the legacy whitespace forms `${ VAR}`, `${VAR }`, `${ VAR }` to
// `${VAR}` (cmd/clusterctl/client/yamlprocessor `convertLegacyVars`), then runs drone/envsubst
// (parse/scan.go, parse/parse.go). The scanner below follows both, left to right:
// - `$$` is an escaped `$` at the top level, so `$${VAR}` is literal text and `$$${VAR}` is `$`
//   followed by a placeholder;
// - `${` opens a placeholder; inside it only `${` nests and only `}` closes (a bare `{` does not
//   count), so `${A:=${B}-vnet}` is one placeholder;
// - a bare `$var` is plain text.
// Where drone/envsubst would fail with "bad substitution" (no name, `${A B}`, no closing brace) the
// text is not a placeholder. The bash forms drone does not parse (`${A-x}`, `${A+x}`, `${A?x}`) are
// accepted with their operator, so a linter can point at them instead of failing to parse.

import type { Placeholder } from './types.ts';

/** First code unit of the private-use block that masked placeholder characters are mapped to. */
const MASK_BASE = 0xe000;
const MASK_CHAR = /[\uE000-\uE07F]/;
const MASK_CHARS = /[\uE000-\uE07F]/g;

// clusterctl's legacyVariableRegEx, anchored at the `$`. Go's `\s` is ASCII [\t\n\f\r ].
// Its name class also allows `$`, but `${A$B}` then fails in envsubst, so names with `$` are
// left to the general path below (which rejects them, as clusterctl does).
const LEGACY_FORM = /\$\{(?:[\t\n\f\r ]+([A-Za-z0-9_]+)[\t\n\f\r ]*|([A-Za-z0-9_]+)[\t\n\f\r ]+)\}/y;

// drone/envsubst acceptIdent: unicode.IsLetter || unicode.IsDigit || '_'.
const IDENT_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Finds the clusterctl placeholders in a text, outermost only, in text order.
 *
 * `name` is the variable, `operator` what follows it (`:=`, `:-`, `:?`, `:+`, `=`, `-`, `+`, `?`,
 * `%`, `%%`, `#`, `##`, `/`, `//`, `/#`, `/%`, `^`, `^^`, `,`, `,,`, `:` for a substring) and
 * `argument` the raw text after the operator, which may hold nested placeholders. The length form
 * `${#VAR}` has operator `#` and no argument (the prefix-strip form `${VAR#x}` has an argument).
 *
 * @example
 * findPlaceholders('name: ${CLUSTER_NAME}-md-0 # $${NOT_ONE}')
 * // [{ start: 6, end: 21, name: 'CLUSTER_NAME', operator: '', argument: undefined }]
 */
export function findPlaceholders(text: string): Placeholder[] {
  return scan(text, true);
}

/** True if a (string) value contains at least one clusterctl placeholder. */
export function hasPlaceholder(value: string): boolean {
  // why: nearly every string in a manifest has no `${`; skip the scanner for those.
  if (!value.includes('${')) return false;
  return scan(value, true).length > 0;
}

/**
 * Every variable a text references, sorted and unique. Unlike `clusterctl generate cluster
 * --list-variables`, this includes variables used only inside defaults (`CLUSTER_NAME` in
 * `${AZURE_VNET_NAME:=${CLUSTER_NAME}-vnet}`), since those are read whenever the outer one is unset.
 */
export function placeholderNames(text: string): string[] {
  const names = new Set<string>();
  const visit = (s: string, escapes: boolean): void => {
    for (const p of scan(s, escapes)) {
      names.add(p.name);
      // why: drone parses default arguments without `$$` escapes (parseParam has no scanEscape).
      if (p.argument !== undefined && p.argument.includes('${')) visit(p.argument, false);
    }
  };
  visit(text, true);
  return [...names].sort();
}

/**
 * Whether {@link maskPlaceholders} can mask this text reversibly: it must not already contain
 * characters of the mask block U+E000–U+E07F (private use; never seen in manifests).
 */
export function canMaskPlaceholders(text: string): boolean {
  return !MASK_CHAR.test(text);
}

/**
 * Returns a text of the same length (in UTF-16 code units) in which every ASCII character of every
 * placeholder span is replaced by the private-use character U+E000 + its code. Placeholders then
 * read as ordinary plain-scalar characters, so `dnsNameservers: [${OPENSTACK_DNS_NAMESERVERS:= }]`
 * parses as a one-item flow sequence. Line breaks are kept (so line numbers do not move) and
 * non-ASCII characters are kept (none of them is a YAML indicator). {@link unmaskPlaceholders}
 * restores the text exactly.
 *
 * @throws RangeError when the text already contains mask characters (see {@link canMaskPlaceholders}).
 */
export function maskPlaceholders(text: string, found: readonly Placeholder[]): string {
  if (found.length === 0) return text;
  if (!canMaskPlaceholders(text)) {
    throw new RangeError('maskPlaceholders: the text already contains characters U+E000–U+E07F, so masking would not be reversible');
  }
  let out = '';
  let last = 0;
  for (const p of found) {
    if (p.start < last || p.end > text.length || p.start > p.end) {
      throw new RangeError(`maskPlaceholders: placeholder span [${p.start}, ${p.end}) is out of order or outside the text`);
    }
    out += text.slice(last, p.start);
    for (let i = p.start; i < p.end; i++) {
      const c = text.charCodeAt(i);
      // why: keep \n and \r so that positions from the masked text are positions in the original.
      out += c < 0x80 && c !== 0x0a && c !== 0x0d ? String.fromCharCode(MASK_BASE + c) : text[i];
    }
    last = p.end;
  }
  return out + text.slice(last);
}

/** Reverses {@link maskPlaceholders}: maps U+E000–U+E07F back to ASCII. */
export function unmaskPlaceholders(s: string): string {
  if (!MASK_CHAR.test(s)) return s;
  return s.replace(MASK_CHARS, (c) => String.fromCharCode(c.charCodeAt(0) - MASK_BASE));
}

/** True if a string holds masked characters (internal fast check for the loader). */
export function isMasked(s: string): boolean {
  return MASK_CHAR.test(s);
}

// --- scanner ---------------------------------------------------------------------------------

function scan(text: string, escapes: boolean): Placeholder[] {
  const found: Placeholder[] = [];
  const n = text.length;
  let i = text.indexOf('$');
  while (i !== -1 && i < n - 1) {
    const next = text.charCodeAt(i + 1);
    if (next === 0x7b /* { */) {
      const p = parseAt(text, i);
      if (p !== undefined) {
        found.push(p);
        i = text.indexOf('$', p.end);
      } else {
        // why: an unparsable `${` is literal text for us; placeholders after it still count.
        i = text.indexOf('$', i + 2);
      }
    } else if (next === 0x24 /* $ */ && escapes) {
      i = text.indexOf('$', i + 2);
    } else {
      i = text.indexOf('$', i + 1);
    }
  }
  return found;
}

/** Parses the placeholder whose `${` is at `start`, or undefined when envsubst would reject it. */
function parseAt(text: string, start: number): Placeholder | undefined {
  LEGACY_FORM.lastIndex = start;
  const legacy = LEGACY_FORM.exec(text);
  if (legacy !== null) {
    const name = legacy[1] ?? legacy[2] ?? '';
    return { start, end: start + legacy[0].length, name, operator: '', argument: undefined };
  }
  const end = closingBrace(text, start + 2);
  if (end === -1) return undefined;
  const body = text.slice(start + 2, end - 1);

  if (body.startsWith('#')) {
    const name = identPrefix(body, 1);
    if (name === '' || 1 + name.length !== body.length) return undefined;
    return { start, end, name, operator: '#', argument: undefined };
  }
  const name = identPrefix(body, 0);
  if (name === '') return undefined;
  const rest = body.slice(name.length);
  const op = operatorOf(rest);
  if (op === undefined) return undefined;
  return { start, end, name, operator: op, argument: op === '' ? undefined : rest.slice(op.length) };
}

/** Offset just past the `}` that closes a placeholder whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x24 /* $ */ && text.charCodeAt(j + 1) === 0x7b /* { */) {
      depth++;
      j++;
    } else if (c === 0x7d /* } */) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function identPrefix(body: string, from: number): string {
  let j = from;
  while (j < body.length) {
    const cp = body.codePointAt(j) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (!IDENT_CHAR.test(ch)) break;
    j += ch.length;
  }
  return body.slice(from, j);
}

/** The operator at the start of what follows the name ('' for none), or undefined if invalid. */
function operatorOf(rest: string): string | undefined {
  if (rest === '') return '';
  const c = rest[0];
  const d = rest[1];
  switch (c) {
    case ':':
      // parseDefaultOrSubstr: `:=`, `:-`, `:?`, `:+` are defaults; anything else is a substring.
      return d === '=' || d === '-' || d === '?' || d === '+' ? `:${d}` : ':';
    case '=':
    case '-':
    case '+':
    case '?':
      return c;
    case '#':
    case '%':
      // acceptHashFunc / acceptPercentFunc: at most two.
      return d === c ? c + c : c;
    case '/':
      // acceptReplaceFunc: `/`, `//`, `/#`, `/%`.
      return d === '/' || d === '#' || d === '%' ? `/${d}` : '/';
    case ',':
    case '^': {
      // acceptCasingFunc: up to two of `,` and `^`, then the closing brace.
      const op = d === ',' || d === '^' ? c + d : c;
      return rest.length === op.length ? op : undefined;
    }
    default:
      return undefined;
  }
}
