import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { SHARED_DIR } from './shared.ts';

/** One text of the upstream corpus, named by its path under corpus/ (and entry, for snapshots). */
export interface CorpusText {
  readonly file: string;
  readonly text: string;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []))
    .sort();
}

/**
 * Every manifest text of ../shared/corpus, read in place. helm-unittest snapshots
 * (`*.snap.yaml`) wrap manifests in strings: each wrapped manifest is its own text, named
 * `<file>#<test>/<n>`.
 */
export function corpusTexts(): CorpusText[] {
  const corpus = join(SHARED_DIR, 'corpus');
  return yamlFiles(corpus).flatMap((path) => {
    const label = relative(corpus, path);
    const text = readFileSync(path, 'utf8');
    if (!path.endsWith('.snap.yaml')) return [{ file: label, text }];
    const snap = parse(text) as Record<string, Record<string, string>>;
    return Object.entries(snap).flatMap(([test, docs]) => Object.entries(docs).map(([n, manifest]) => ({ file: `${label}#${test}/${n}`, text: manifest })));
  });
}

/** The group a fresh finding lands in when a reviewed-findings fixture is rewritten; the corpus tests reject it. */
export const UNREVIEWED = 'UNREVIEWED: give these a reason';

/** Findings listed under the reason for their class in a reviewed-findings fixture (`groups:`). */
export interface ReasonGroup {
  reason: string;
  findings: string[];
}

/**
 * The groups of a reviewed-findings fixture (test/fixtures/*corpus-expected.yaml) as they are on
 * disk. With `update`, the fixture is then rewritten from `findings`: groups keep the findings
 * still found, new findings (and those still unreviewed) go under UNREVIEWED, the header stays.
 */
export function reviewedGroups(fixture: string, findings: readonly string[], update: boolean): ReasonGroup[] {
  const text = readFileSync(fixture, 'utf8');
  const expected = (parse(text) as { groups: ReasonGroup[] | null }).groups ?? [];
  if (update) {
    // why: findings still under UNREVIEWED stay there on a second update run instead of vanishing.
    const listed = new Set(expected.filter((g) => g.reason !== UNREVIEWED).flatMap((g) => g.findings));
    const kept = expected
      .map((g) => ({ reason: g.reason, findings: g.findings.filter((f) => findings.includes(f)) }))
      .filter((g) => g.reason !== UNREVIEWED && g.findings.length > 0);
    const fresh = findings.filter((f) => !listed.has(f));
    if (fresh.length > 0) kept.push({ reason: UNREVIEWED, findings: fresh });
    writeFileSync(fixture, `${text.split('\ngroups:')[0]}\n${stringify({ groups: kept }, { lineWidth: 0 })}`);
  }
  return expected;
}
