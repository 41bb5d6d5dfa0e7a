import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/yaml/load.ts';

// Multi-document texts made of the lines that decide where documents start and end.
const line = fc.constantFrom(
  '---', '--- ', '--- a', '--- # c', '--- |', '...', '... # c', '# c', '', '  ', '%YAML 1.2', '%TAG ! tag:x,2000:',
  'a: 1', 'b: [1, 2]', 'c: {d: e}', 'k:', '  x: y', '- item', '- 2', 'key: |', '  block text', 'str: "q"', "s: 'q'", 'n: ~', 'x: 1 # c', '  # indented comment',
  'tags: [ ${TAGS:= } ]', 'v: ${A:=${B}-x}',
);
const text = fc
  .tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));

const refDocs = (t: string): Document.Parsed[] => {
  const docs = parseAllDocuments(t);
  return Array.isArray(docs) ? docs : [];
};

describe('loadDocuments (property)', () => {
  it('numbers documents exactly as parseAllDocuments does', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, placeholders) => {
        // Act
        const docs = loadDocuments(t, { file: 'p.yaml', placeholders });
        // Assert
        expect(docs.length).toBe(refDocs(t).length);
        expect(docs.map((d) => d.index)).toEqual(docs.map((_, i) => i));
      }),
    );
  });

  it('reads the same values as npm yaml where both read the document cleanly', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const docs = loadDocuments(t, { file: 'p.yaml', placeholders: false });
        // Assert
        refDocs(t).forEach((ref, i) => {
          const ours = docs[i];
          if (ref.errors.length > 0 || ours === undefined || ours.issues.length > 0) return;
          expect(ours.value ?? null).toEqual(ref.toJSON());
        });
      }),
    );
  });

  it('never reports a syntax error for a document npm yaml reads without errors', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const docs = loadDocuments(t, { file: 'p.yaml', placeholders: false });
        // Assert
        refDocs(t).forEach((ref, i) => {
          if (ref.errors.length === 0) expect(docs[i]?.issues.filter((x) => x.code === 'YAML_SYNTAX')).toEqual([]);
        });
      }),
    );
  });

  it('gives start lines in increasing order, within the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const starts = loadDocuments(t, { file: 'p.yaml', placeholders: true }).map((d) => d.startLine);
        // Assert
        const lines = t.split('\n').length;
        starts.forEach((s, i) => {
          expect(s).toBeGreaterThanOrEqual(1);
          expect(s).toBeLessThanOrEqual(lines);
          if (i > 0) expect(s).toBeGreaterThan(starts[i - 1] ?? 0);
        });
      }),
    );
  });
});
