import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { loadDocuments } from './src/yaml/load.ts';
const one = readFileSync('/work/shared/corpus/cluster-api/test__infrastructure__docker__examples__simple-cluster.yaml', 'utf8');
const sep = one.endsWith('\n') ? '' : '\n';
const text = Array.from({ length: 170 }, () => one + sep + '---\n').join('');
console.log('bytes', text.length, 'docs', loadDocuments(text, { file: 'x', placeholders: true }).length);
const time = (label: string, f: () => unknown) => {
  for (let i = 0; i < 5; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  console.log(label, 'median', ts[7]!.toFixed(1), 'ms min', ts[0]!.toFixed(1));
};
time('loadDocuments placeholders on', () => loadDocuments(text, { file: 'x', placeholders: true }));
time('loadDocuments placeholders off', () => loadDocuments(text, { file: 'x', placeholders: false }));
time('js-yaml loadAll default', () => yaml.loadAll(text));
time('yaml parseAllDocuments toJSON', () => (parseAllDocuments(text) as any[]).map((d) => d.toJSON()));
