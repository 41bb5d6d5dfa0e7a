import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
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
