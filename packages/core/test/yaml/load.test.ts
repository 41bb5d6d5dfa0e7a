import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/yaml/load.ts';
import type { LoadedDocument } from '../../src/yaml/types.ts';
import { corpusFiles, HAS_CORPUS, readCorpusFile } from './shared-corpus.ts';

const load = (text: string, placeholders = false): LoadedDocument[] => loadDocuments(text, { file: 'm.yaml', placeholders });
const docCount = (text: string): number => {
  const docs = parseAllDocuments(text);
  return Array.isArray(docs) ? docs.length : 0;
};

// Line numbers are given in comments; the third document starts at line 12.
const THREE = [
  'apiVersion: v1', //                     1
  'kind: ConfigMap', //                    2
  'metadata:', //                          3
  '  name: first', //                      4
  '---', //                                5
  '# second', //                           6
  'kind: Secret', //                       7
  'metadata:', //                          8
  '  name: second', //                     9
  'data: {}', //                           10
  '---', //                                11
  'kind: Cluster', //                      12
  'metadata:', //                          13
  '  name: third', //                      14
  '  labels:', //                          15
  '    a/b: x', //                         16
  '    c~d: y', //                         17
  'spec:', //                              18
  '  items:', //                           19
  '    - name: one', //                    20
  '      port: 80', //                     21
  '    -   name: two', //                  22
  '  empty:', //                           23
  '  list: [1, 2]', //                     24
  '',
].join('\n');

describe('loadDocuments: values', () => {
  it('reads each document with Kubernetes scalars', () => {
    // Arrange
    const text = 'a: yes\nb: 0755\n---\nc: "yes"\n';
    // Act
    const docs = load(text);
    // Assert
    expect(docs.map((d) => d.value)).toEqual([{ a: true, b: 493 }, { c: 'yes' }]);
    expect(docs.map((d) => d.startLine)).toEqual([1, 3]);
  });

  it('numbers documents as parseAllDocuments does, with empty ones undefined', () => {
    // Arrange
    const texts = ['', '# only a comment\n', '---\n', '# c\n---\na: 1\n', 'a: 1\n---\n', 'a: 1\n...\n', 'a: 1\n...\nb: 2\n', '...\n', 'a\n...\n...\n', '%YAML 1.2\n---\na: 1\n', '---\n---\n', '--- a\n', '--- |\n  x\n'];
    // Act
    const counts = texts.map((t) => load(t).length);
    // Assert
    expect(counts).toEqual(texts.map(docCount));
    expect(load('---\n---\nx: 1\n').map((d) => d.value)).toEqual([undefined, { x: 1 }]);
  });

  it('keeps placeholder text in values and keys when placeholders are on', () => {
    // Arrange
    const text = 'tags: [ ${TAGS:= } ]\n${KEY}: v${VERSION}\nescaped: $${NOT}\n';
    // Act
    const [doc] = load(text, true);
    // Assert
    expect(doc?.value).toEqual({ tags: ['${TAGS:= }'], '${KEY}': 'v${VERSION}', escaped: '$${NOT}' });
    expect(doc?.issues).toEqual([]);
  });

  it('names a document Kind/name in its issues', () => {
    // Arrange
    const text = 'kind: Cluster\nmetadata:\n  name: c1\nspec:\n  paused: no\n';
    // Act
    const [doc] = load(text);
    // Assert
    expect(doc?.issues.map((i) => i.object)).toEqual(['Cluster/c1']);
  });
});

describe('loadDocuments: issues and positions', () => {
  it('places a syntax error in the whole text and drops that document', () => {
    // Arrange
    const text = 'a: 1\n---\nkind: Broken\nspec:\n  x: [1, 2\n---\nb: 2\n';
    // Act
    const docs = load(text);
    // Assert
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, undefined, { b: 2 }]);
    const issue = docs[1]?.issues[0];
    expect(issue?.code).toBe('YAML_SYNTAX');
    expect(issue?.severity).toBe('error');
    expect(issue?.object).toBe('Broken');
    // why: an unclosed bracket is reported at the end of its document, not on the next `---`.
    expect(issue?.source).toEqual({ file: 'm.yaml', line: 5, col: 10 });
    expect(issue?.message).toMatch(/^Flow sequence .* fix the YAML syntax here$/);
    expect(docs[0]?.issues).toEqual([]);
    expect(docs[2]?.issues).toEqual([]);
  });

  it('reports a duplicate key at its second occurrence, naming the first', () => {
    // Arrange
    const text = 'a: 1\n---\nkind: MachineDeployment\nspec:\n  replicas: 1\n  paused: false\n  replicas: 3\n';
    // Act
    const docs = load(text);
    // Assert
    expect(docs[1]?.issues).toEqual([
      {
        code: 'YAML_DUPLICATE_KEY',
        severity: 'error',
        object: 'MachineDeployment',
        path: '/spec/replicas',
        message: 'key "replicas" appears twice in this mapping (first at line 5); Kubernetes rejects duplicate keys: remove one',
        source: { file: 'm.yaml', line: 7, col: 3 },
      },
    ]);
    expect(docs[1]?.value).toEqual({ kind: 'MachineDeployment', spec: { replicas: 3, paused: false } });
  });

  it('counts keys that Kubernetes spells alike as duplicates (yes and true)', () => {
    // Arrange
    const text = 'm:\n  yes: 1\n  true: 2\n';
    // Act
    const [doc] = load(text);
    // Assert
    expect(doc?.issues.map((i) => [i.code, i.path, i.source?.line])).toEqual([
      ['YAML_11_HAZARD', '/m/true', 2],
      ['YAML_DUPLICATE_KEY', '/m/true', 3],
    ]);
  });

  it('reports hazards for values and keys with their pointer and position', () => {
    // Arrange
    const text = 'kind: A\n---\nkind: KubeadmConfig\nspec:\n  files:\n    - permissions: 0755\n  on: x\n';
    // Act
    const docs = load(text);
    // Assert
    expect(docs[1]?.issues.map((i) => [i.code, i.severity, i.path, i.source?.line, i.source?.col])).toEqual([
      ['YAML_11_HAZARD', 'warning', '/spec/files/0/permissions', 6, 20],
      ['YAML_11_HAZARD', 'warning', '/spec/true', 7, 3],
    ]);
    expect(docs[1]?.value).toEqual({ kind: 'KubeadmConfig', spec: { files: [{ permissions: 493 }], true: 'x' } });
  });
});

describe('LoadedDocument.locate', () => {
  const doc = load(THREE)[2];

  it('finds the third document and its start', () => {
    expect(doc?.index).toBe(2);
    expect(doc?.startLine).toBe(11);
  });

  it('finds a value, and its key with key: true', () => {
    expect(doc?.locate('/metadata/name')).toEqual({ line: 14, col: 9 });
    expect(doc?.locate('/metadata/name', { key: true })).toEqual({ line: 14, col: 3 });
  });

  it('unescapes ~1 and ~0 in pointer tokens', () => {
    expect(doc?.locate('/metadata/labels/a~1b')).toEqual({ line: 16, col: 10 });
    expect(doc?.locate('/metadata/labels/c~0d', { key: true })).toEqual({ line: 17, col: 5 });
  });

  it('finds array items and values inside them', () => {
    expect(doc?.locate('/spec/items/1')).toEqual({ line: 22, col: 9 });
    expect(doc?.locate('/spec/items/0/port')).toEqual({ line: 21, col: 13 });
    expect(doc?.locate('/spec/list/1')).toEqual({ line: 24, col: 13 });
  });

  it('gives the key of an empty value', () => {
    expect(doc?.locate('/spec/empty')).toEqual({ line: 23, col: 3 });
  });

  it('falls back to the nearest present ancestor, at its key when it is a property', () => {
    expect(doc?.locate('/spec/missing/deeper')).toEqual({ line: 18, col: 1 });
    expect(doc?.locate('/spec/items/0/missing')).toEqual({ line: 20, col: 7 });
    expect(doc?.locate('/spec/items/7')).toEqual({ line: 19, col: 3 });
    expect(doc?.locate('/nothing')).toEqual({ line: 12, col: 1 });
  });

  it('gives the root node for the empty pointer', () => {
    expect(doc?.locate('')).toEqual({ line: 12, col: 1 });
  });

  it('compares masked keys after unmasking', () => {
    // Arrange
    const [d] = load('a: 1\n${KEY}:\n  b: [${X:= }]\n', true);
    // Act
    const pos = d?.locate('/${KEY}/b/0');
    // Assert
    expect(pos).toEqual({ line: 3, col: 7 });
  });
});

describe.skipIf(!HAS_CORPUS)('loadDocuments on the upstream corpus', () => {
  const files = corpusFiles();

  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
  });

  it('loads every file without throwing, with placeholders on', () => {
    // Act
    const failures = files.filter((f) => {
      try {
        loadDocuments(readCorpusFile(f), { file: f, placeholders: true });
        return false;
      } catch {
        return true;
      }
    });
    // Assert
    expect(failures).toEqual([]);
  });

  it('counts documents as parseAllDocuments does', () => {
    // Act
    const differ = files.filter((f) => {
      const text = readCorpusFile(f);
      return load(text, true).length !== docCount(text) || load(text, false).length !== docCount(text);
    });
    // Assert
    expect(differ).toEqual([]);
  });

  it('gives the same values as npm yaml toJSON() for documents without hazards', () => {
    // Arrange
    let compared = 0;
    const differ: string[] = [];
    // Act
    for (const f of files) {
      const text = readCorpusFile(f);
      const ours = load(text, false);
      const theirs = parseAllDocuments(text);
      if (!Array.isArray(theirs)) continue;
      theirs.forEach((ref, i) => {
        const doc = ours[i];
        if (ref.errors.length > 0 || doc === undefined || doc.issues.length > 0) return;
        compared++;
        const expected: unknown = ref.toJSON();
        if (JSON.stringify(doc.value ?? null) !== JSON.stringify(expected)) differ.push(`${f} #${i}`);
      });
    }
    // Assert
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(250);
  });

  it('reads documents on the position path (a forced duplicate key) to the same values as the fast path', () => {
    // Arrange: append a duplicate pair to every document, so that js-yaml rejects each one and the
    // npm yaml AST reader produces the value.
    const differ: string[] = [];
    let compared = 0;
    // Act
    for (const f of files) {
      const text = readCorpusFile(f);
      const fast = load(text, true);
      const forced = load(withDuplicateKey(text), true);
      fast.forEach((d, i) => {
        const other = forced[i];
        if (d.value === undefined || typeof d.value !== 'object' || Array.isArray(d.value) || other === undefined) return;
        compared++;
        const { zzDup, ...rest } = other.value as Record<string, unknown>;
        const codes = other.issues.map((x) => x.code);
        if (zzDup !== 1 || JSON.stringify(rest) !== JSON.stringify(d.value) || codes.join() !== 'YAML_DUPLICATE_KEY') differ.push(`${f} #${i} ${codes.join()}`);
      });
    }
    // Assert
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(250);
  });
});

/** Adds `zzDup: 1` twice at the end of every document that has content. */
function withDuplicateKey(text: string): string {
  const out: string[] = [];
  let content = false;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (/^---(\s|$)/.test(line)) {
      if (content) out.push('zzDup: 1', 'zzDup: 1');
      content = /^---\s+[^#\s]/.test(line);
    } else if (!/^\s*(#.*)?$/.test(line)) {
      content = true;
    }
    out.push(line);
  }
  if (content) out.push('zzDup: 1', 'zzDup: 1');
  return out.join('\n') + '\n';
}
