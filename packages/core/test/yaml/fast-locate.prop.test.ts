// The fast locator (yaml/fast-locate.ts) must give exactly the positions the npm yaml AST gives
// (load.ts locateIn) wherever it answers. Held on every pointer (and absent tails, and keys) of
// every document of the upstream corpus and of generated documents in many YAML styles.
import fc from 'fast-check';
import yaml from 'js-yaml';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastLocate, lineTable } from '../../src/yaml/fast-locate.ts';
import { loadDocuments } from '../../src/yaml/load.ts';
import { corpusTexts } from '../../../../test/support/corpus.ts';
import { HAS_CORPUS } from './shared-corpus.ts';

const escape = (t: string): string => t.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every pointer of a value, and for each collection an absent child and an absent grandchild. */
function pointers(value: unknown, base = ''): string[] {
  const out = [base];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...pointers(v, `${base}/${i}`)));
    out.push(`${base}/${value.length}`, `${base}/x`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pointers(v, `${base}/${escape(k)}`));
    out.push(`${base}/absent~1key`, `${base}/absent/deeper`);
  } else {
    out.push(`${base}/below`);
  }
  return out;
}

/** `line:col` of every pointer (value and key) with the fast locator on and off; only where they differ. */
function differences(text: string, placeholders: boolean): string[] {
  const fast = loadDocuments(text, { file: 't.yaml', placeholders });
  const slow = loadDocuments(text, { file: 't.yaml', placeholders, fastLocate: false });
  const out: string[] = [];
  fast.forEach((doc, i) => {
    if (doc.value === undefined) return;
    for (const p of pointers(doc.value)) {
      for (const key of [false, true]) {
        const a = doc.locate(p, { key });
        const b = slow[i]!.locate(p, { key });
        if (a.line !== b.line || a.col !== b.col) out.push(`doc ${i} ${p}${key ? ' (key)' : ''}: fast ${a.line}:${a.col}, AST ${b.line}:${b.col}`);
      }
    }
  });
  return out;
}

/** How many pointers (values and keys) of a one-document text the fast locator answers (the rest go to the AST). */
function answered(text: string): { fast: number; all: number } {
  const [doc] = loadDocuments(text, { file: 't.yaml', placeholders: false });
  const lines = lineTable(text);
  let fast = 0;
  let all = 0;
  for (const p of pointers(doc?.value)) {
    const tokens = p === '' ? [] : p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const key of [false, true]) {
      all++;
      if (lines !== undefined && fastLocate(text, lines, tokens, key, false) !== undefined) fast++;
    }
  }
  return { fast, all };
}

describe.skipIf(!HAS_CORPUS)('fast locator on the upstream corpus', () => {
  it('gives the AST positions for every pointer, value and key, of every document', () => {
    // Arrange
    const texts = corpusTexts();
    // Act
    const diffs = texts.flatMap(({ file, text }) => differences(text, text.includes('${')).map((d) => `${file} ${d}`));
    // Assert
    expect(texts.length).toBeGreaterThan(50);
    expect(diffs.slice(0, 20)).toEqual([]);
  });
});

describe('fast locator', () => {
  it('answers for plain block-style documents and refuses anchors, tags, multi-line flow and tabs', () => {
    // Arrange
    const plain = 'a:\n  b: [1, 2]\n  c:\n  - x\n  - v: |\n      text\n    z: "q"\n';
    const refused = ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: [1,\n  2]\n', 'a:\n\tb: 1\n', 'a:\t1\n', 'a: "multi\n  line"\n', '? a\n: 1\n', '--- a: 1\n'];
    // Act
    const accepted = lineTable(plain);
    // Assert
    expect(accepted).toBeDefined();
    expect(fastLocate(plain, accepted!, ['a', 'c', '1', 'z'], false, false)).toBe(plain.indexOf('"q"'));
    expect(fastLocate(plain, accepted!, ['a', 'c', '1', 'v'], false, false)).toBe(plain.indexOf('|'));
    expect(fastLocate(plain, accepted!, ['a', 'c'], true, false)).toBe(plain.indexOf('c:'));
    for (const t of refused) expect(lineTable(t), JSON.stringify(t)).toBeUndefined();
    expect(differences(plain, false)).toEqual([]);
  });

  it('answers most pointers of a typical manifest (the point of having it)', () => {
    // Arrange
    const manifest = yaml.dump({ apiVersion: 'v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: { list: [{ name: 'a', value: '1' }], text: 'line\nline\n' } });
    // Act
    const { fast, all } = answered(manifest);
    // Assert
    expect(all).toBeGreaterThan(20);
    expect(fast).toBe(all);
  });
});

// Keys and scalars that exercise YAML 1.1 key spelling, quoting and comments.
const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'name', 'on', 'yes', '1', '0x10', 'null', 'a b', 'a:b', 'x-y', '~', 'key with # hash', '-k', "it's", 'q"q'), fc.string({ maxLength: 6 }));
const scalarArb = fc.oneof(
  fc.constantFrom('', ' ', 'yes', 'on', '0755', '1e3', 'a: b', '- x', '# c', 'multi\nline\n', 'trail ', "it's", '"', '[x]', '{y}', '*a', '&b', '!t', '|', '>'),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }),
})).map;

/** Text styles: js-yaml (block, flow below some level, sequences at the key's column or indented) and npm yaml. */
const styled = fc.tuple(valueArb, fc.integer({ min: -1, max: 3 }), fc.boolean(), fc.constantFrom(2, 4), fc.constantFrom('js-yaml', 'yaml'), fc.boolean()).map(([v, flowLevel, noArrayIndent, indent, lib, comments]) => {
  const body = lib === 'js-yaml' ? yaml.dump(v, { flowLevel, noArrayIndent, indent, lineWidth: -1, noRefs: true }) : stringify(v, { indent, lineWidth: 0, indentSeq: !noArrayIndent });
  // Comment lines and blank lines at the indentation of the line after them.
  const text = comments ? body.replace(/\n( *)(?=\S)/g, (_m, sp: string) => `\n${sp}# note\n\n${sp}`).replace(/:\n/g, ': # after\n').replace(/-\n/g, '- # after\n') : body;
  return text;
});

describe('fast locator (property)', () => {
  it('gives the AST positions wherever it answers, on generated documents in many styles', () => {
    fc.assert(
      fc.property(styled, fc.boolean(), fc.boolean(), (text, marker, crlf) => {
        // Act
        const body = marker ? `---\n${text}` : text;
        const diffs = differences(crlf ? body.replace(/\n/g, '\r\n') : body, false);
        // Assert
        expect(diffs).toEqual([]);
      }),
    );
  });
});
