// Inline suppression comments:
//
//   replicas: 2  # capi-gen-disable-line schema/openapi
//   # capi-gen-disable-next-line ref/unresolved, ref/namespace -- shared infra, applied separately
//   # capi-gen-disable-document all
//
// `-line` covers findings on its own line, `-next-line` those on the line below, `-document`
// every finding of the document it is in (wherever in the document it stands). `all` matches
// every rule; no rule at all means `all` too (as in ESLint). Text after ` -- ` is a reason.
//
// Comments are found line by line, not through the YAML parser: a `# capi-gen-disable-...` line
// inside a block scalar (a script in `files[].content`) counts too, which is how a finding on a
// script line is suppressed.

/** One suppression comment. */
export interface Suppression {
  readonly kind: 'line' | 'next-line' | 'document';
  /** 1-based line and column of the `#`. */
  readonly line: number;
  readonly col: number;
  /** Rule ids as written; `all` matches every rule. */
  readonly rules: readonly string[];
}

const DIRECTIVE = /(^|[\s])#\s*capi-gen-disable-(line|next-line|document)(?=$|[\s])([^\n]*)/;

/** Every suppression comment of a text, in text order. */
export function findSuppressions(text: string): Suppression[] {
  const found: Suppression[] = [];
  // why: most texts have none; one indexOf saves splitting every line.
  if (!text.includes('capi-gen-disable-')) return found;
  const lines = text.split('\n');
  for (const [i, lineText] of lines.entries()) {
    if (!lineText.includes('capi-gen-disable-')) continue;
    const m = DIRECTIVE.exec(lineText);
    if (m === null) continue;
    const hash = m.index + (m[1] ?? '').length;
    const rest = (m[3] ?? '').split(/\s--\s|\s--$/)[0] ?? '';
    const rules = rest
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    found.push({ kind: m[2] as Suppression['kind'], line: i + 1, col: hash + 1, rules: rules.length === 0 ? ['all'] : rules });
  }
  return found;
}

/** Answers "is this finding suppressed?" for one text. */
export interface SuppressionIndex {
  isSuppressed(ruleId: string, line: number, document: number): boolean;
}

/**
 * Builds the lookup for a text's suppressions. `documentOfLine` maps a 1-based line to the index
 * of the document it belongs to.
 */
export function indexSuppressions(suppressions: readonly Suppression[], documentOfLine: (line: number) => number): SuppressionIndex {
  const byLine = new Map<number, Set<string>>();
  const byDocument = new Map<number, Set<string>>();
  const add = (map: Map<number, Set<string>>, key: number, rules: readonly string[]): void => {
    let set = map.get(key);
    if (set === undefined) map.set(key, (set = new Set()));
    for (const r of rules) set.add(r);
  };
  for (const s of suppressions) {
    if (s.kind === 'line') add(byLine, s.line, s.rules);
    else if (s.kind === 'next-line') add(byLine, s.line + 1, s.rules);
    else add(byDocument, documentOfLine(s.line), s.rules);
  }
  const hit = (set: Set<string> | undefined, ruleId: string): boolean => set !== undefined && (set.has('all') || set.has(ruleId));
  return {
    isSuppressed: (ruleId, line, document) => hit(byLine.get(line), ruleId) || hit(byDocument.get(document), ruleId),
  };
}
