// Locates the read-only upstream corpus in the steering repo's shared/ folder. Tests that read it
// are skipped (not failed) when it is absent, e.g. in a published tarball or a fresh clone.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared folder: `$CAPI_GEN_SHARED`, else `<repo root>/../shared`. */
export const SHARED_DIR: string = process.env['CAPI_GEN_SHARED'] ?? join(repoRoot, '..', 'shared');

/** The upstream template corpus (55 YAML files). */
export const CORPUS_DIR: string = join(SHARED_DIR, 'corpus');

/** True when the corpus can be read; use with `it.skipIf(!HAS_CORPUS)`. */
export const HAS_CORPUS: boolean = existsSync(CORPUS_DIR);

/** Paths of every corpus YAML file, relative to {@link CORPUS_DIR}, sorted. */
export function corpusFiles(): string[] {
  if (!HAS_CORPUS) return [];
  return readdirSync(CORPUS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** True when one corpus file exists (some tests need a particular file). */
export function hasCorpusFile(relative: string): boolean {
  return existsSync(join(CORPUS_DIR, relative));
}

/** The text of a corpus file, read in place. */
export function readCorpusFile(relative: string): string {
  return readFileSync(join(CORPUS_DIR, relative), 'utf8');
}
