// Fuzzing lint: random YAML-ish texts and mutated upstream corpus texts (lines deleted, duplicated,
// swapped, random characters inserted, truncated). lint must never throw, no rule may fail
// (lint/internal-error), every finding must be structured with a position inside the text, and the
// input string must come back unchanged. Seeded by CAPI_GEN_SEED (test/setup/fast-check-seed.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { lintText } from '../../packages/core/src/lint/engine.ts';
import type { LintFinding } from '../../packages/core/src/lint/types.ts';
import { corpusTexts } from '../support/corpus.ts';
import { HAS_SHARED } from '../support/shared.ts';

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** Lines that make the rules' interesting paths reachable: refs, placeholders, patches, MicroK8s, documents. */
const LINE = fc.constantFrom(
  '---', '...', '', '# capi-gen-disable-line ref/unresolved', '# capi-gen-disable-document all',
  'apiVersion: cluster.x-k8s.io/v1beta2', 'apiVersion: cluster.x-k8s.io/v1beta1', 'apiVersion: controlplane.cluster.x-k8s.io/v1beta1',
  'apiVersion: infrastructure.cluster.x-k8s.io/v1alpha7', 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1', 'apiVersion: v1',
  'kind: Cluster', 'kind: MachineDeployment', 'kind: KubeadmControlPlane', 'kind: MicroK8sControlPlane', 'kind: ClusterClass',
  'kind: MachineHealthCheck', 'kind: DockerCluster', 'kind: OpenStackMachineTemplate', 'kind: MicroK8sConfigTemplate',
  'metadata:', '  name: ${CLUSTER_NAME}', '  name: c1', '  namespace: other', '  labels: {a: b}',
  'spec:', '  clusterName: c1', '  controlPlaneRef:', '    apiGroup: controlplane.cluster.x-k8s.io', '    apiVersion: controlplane.cluster.x-k8s.io/v1beta1',
  '    kind: KubeadmControlPlane', '    name: c1', '    namespace: x', '  infrastructureRef: {kind: DevCluster, name: c1}',
  '  machineTemplate:', '    infrastructureTemplate: {kind: X, name: ${ CLUSTER_NAME }}', '    spec: {infrastructureRef: null}',
  '  selector:', '    matchLabels:', '      pool: a', '      matchLabels: []', '  template:', '    spec:', '      bootstrap: {configRef: [1, 2]}',
  '  patches:', '  - name: p', '    definitions:', '    - selector: {kind: KubeadmControlPlaneTemplate}', '      jsonPatches:',
  '      - {op: add, path: /spec/template/spec/kubeadmConfigSpec/files}', '      - {op: replace, path: 7}', '      - op: remove',
  '  version: ${KUBERNETES_VERSION:=v1.33.0}', '  replicas: ${N:=[1, 2]}', '  tags: [ ${TAGS:= } ]', '  key: &a {x: 1}', '  other: *a',
  '  - item', '    preKubeadmCommands: ["echo {{ ds.meta_data.x }}", "${#arr[@]}"]', '  "quoted": \'yes\'', '  on: 0755', 'x: |', '  block', '\t- tab',
);

/** Well-formed documents with CAPI-ish shapes and odd values where rules look (so rule logic runs, not only the parser). */
const ODD = fc.oneof(fc.constantFrom('c1', '${CLUSTER_NAME}', 'c1-md', '', 'default', 'other', 'DevCluster', 'KubeadmControlPlane', 'MicroK8sConfigTemplate'), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }));
const REF = fc.oneof(ODD, fc.record({ apiVersion: ODD, apiGroup: ODD, kind: ODD, name: ODD, namespace: ODD }, { requiredKeys: [] }));
const DOC = fc.record(
  {
    apiVersion: fc.constantFrom('cluster.x-k8s.io/v1beta1', 'cluster.x-k8s.io/v1beta2', 'controlplane.cluster.x-k8s.io/v1beta1', 'controlplane.cluster.x-k8s.io/v1beta2', 'bootstrap.cluster.x-k8s.io/v1beta1', 'infrastructure.cluster.x-k8s.io/v1alpha4', 'infrastructure.cluster.x-k8s.io/v1beta2', 'v1'),
    kind: fc.constantFrom('Cluster', 'MachineDeployment', 'MachinePool', 'Machine', 'MachineHealthCheck', 'KubeadmControlPlane', 'MicroK8sControlPlane', 'ClusterClass', 'DockerCluster', 'DevCluster', 'OpenStackMachine', 'MicroK8sConfigTemplate', 'KubeadmConfigTemplate'),
    metadata: fc.oneof(ODD, fc.record({ name: ODD, namespace: ODD, labels: ODD }, { requiredKeys: [] })),
    spec: fc.oneof(
      ODD,
      fc.record(
        {
          clusterName: ODD,
          controlPlaneRef: REF,
          infrastructureRef: REF,
          remediationTemplate: REF,
          selector: fc.oneof(ODD, fc.record({ matchLabels: ODD, matchExpressions: ODD }, { requiredKeys: [] })),
          machineTemplate: fc.oneof(ODD, fc.record({ infrastructureRef: REF, infrastructureTemplate: REF, metadata: fc.record({ labels: ODD }), spec: fc.record({ infrastructureRef: REF }) }, { requiredKeys: [] })),
          template: fc.oneof(ODD, fc.record({ metadata: fc.record({ labels: ODD }), spec: fc.record({ bootstrap: fc.record({ configRef: REF }), infrastructureRef: REF }, { requiredKeys: [] }) }, { requiredKeys: [] })),
          patches: fc.oneof(ODD, fc.array(fc.record({ name: ODD, definitions: fc.oneof(ODD, fc.array(fc.record({ selector: fc.record({ kind: ODD }), jsonPatches: fc.oneof(ODD, fc.array(fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 7), path: fc.oneof(ODD, fc.constantFrom('/spec/template/spec/files', '/spec/template/spec', '/spec/template/spec/kubeadmConfigSpec/files/-', '/')) }), { maxLength: 3 })) }), { maxLength: 2 })) }), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['apiVersion', 'kind'] },
);
const STRUCTURED_TEXT = fc.array(DOC, { minLength: 1, maxLength: 6 }).map((docs) => docs.map((d) => stringify(d)).join('---\n'));

const RANDOM_TEXT = fc.oneof(
  STRUCTURED_TEXT,
  STRUCTURED_TEXT,
  fc.tuple(fc.array(LINE, { maxLength: 40 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** One textual mutation: an operation and where it applies (as fractions of the text). */
type Mutation = { readonly op: 'delete' | 'duplicate' | 'swap' | 'insert' | 'truncate'; readonly at: number; readonly other: number; readonly chars: string };

const MUTATION: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'duplicate', 'swap', 'insert', 'truncate'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  other: fc.double({ min: 0, max: 1, noNaN: true }),
  chars: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom(':', '- ', '---\n', '${', '}', '[', '{', '"', "'", '\t', '#', '&x ', '*x', '\n  ', '|')),
});

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = Math.floor(m.at * lines.length) % Math.max(lines.length, 1);
  const j = Math.floor(m.other * lines.length) % Math.max(lines.length, 1);
  switch (m.op) {
    case 'delete':
      return lines.filter((_, k) => k !== i).join('\n');
    case 'duplicate':
      return [...lines.slice(0, i + 1), lines[i] ?? '', ...lines.slice(i + 1)].join('\n');
    case 'swap': {
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j] ?? '', copy[i] ?? ''];
      return copy.join('\n');
    }
    case 'insert': {
      const at = Math.floor(m.at * text.length);
      return text.slice(0, at) + m.chars + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, Math.floor(m.at * text.length));
  }
}

/** Every way a finding can be malformed or out of place; empty when it is fine. */
function problems(f: LintFinding, text: string, file: string): string[] {
  const lines = Math.max(text.split('\n').length, text.split(/\r\n|\r|\n/).length);
  const out: string[] = [];
  if (typeof f.ruleId !== 'string' || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(f.ruleId)) out.push(`rule id ${String(f.ruleId)}`);
  if (!SEVERITIES.has(f.severity)) out.push(`severity ${String(f.severity)}`);
  if (typeof f.message !== 'string' || f.message === '') out.push('message');
  if (typeof f.fix !== 'string') out.push('fix');
  if (typeof f.path !== 'string' || (f.path !== '' && !f.path.startsWith('/'))) out.push(`path ${String(f.path)}`);
  if (typeof f.object !== 'string') out.push('object');
  if (f.source.file !== file) out.push(`file ${f.source.file}`);
  if (!Number.isInteger(f.source.line) || f.source.line < 1 || f.source.line > lines) out.push(`line ${f.source.line} of ${lines}`);
  if (!Number.isInteger(f.source.col) || f.source.col < 1) out.push(`col ${f.source.col}`);
  if (f.ruleId === 'lint/internal-error') out.push(`a rule failed: ${f.message}`);
  return out.map((p) => `${f.ruleId} ${f.path}: ${p}`);
}

async function lintChecked(text: string): Promise<void> {
  const file = 'fuzz.yaml';
  const result = await lintText(text, { file });
  expect(Array.isArray(result.findings)).toBe(true);
  expect(result.findings.flatMap((f) => problems(f, text, file))).toEqual([]);
  // why: a string argument cannot be changed in place; what lint can get wrong is state kept
  // between runs (caches, global regexes), so the same text must give the same result again.
  expect(await lintText(text, { file })).toEqual(result);
}

describe('lint (fuzz)', () => {
  it('never throws and returns well-formed findings on random YAML-ish text', async () => {
    await fc.assert(fc.asyncProperty(RANDOM_TEXT, lintChecked));
  });

  const corpus = HAS_SHARED ? corpusTexts() : [];
  it.skipIf(corpus.length === 0)('never throws and returns well-formed findings on mutated corpus texts', async () => {
    const source = fc.constantFrom(...corpus.map((c) => c.text));
    const mutated = fc.tuple(source, fc.array(MUTATION, { minLength: 1, maxLength: 4 })).map(([text, ms]) => ms.reduce(mutate, text));
    await fc.assert(fc.asyncProperty(mutated, lintChecked), { numRuns: Math.min(fc.readConfigureGlobal().numRuns ?? 100, 60) });
  });
});
