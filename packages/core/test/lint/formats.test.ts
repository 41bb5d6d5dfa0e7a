// Lint outputs: text lines, JSON (stable key order), SARIF 2.1.0 (validated against the official
// schema shipped in @microsoft/jest-sarif), GitHub workflow commands (escaping).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allLintRules, lintText, type LintResult } from '../../src/lint/engine.ts';
import { escapeData, escapeProperty, formatAnnotation, renderLintGithub } from '../../src/lint/format/github.ts';
import { renderLintJson } from '../../src/lint/format/json.ts';
import { artifactUri, renderLintSarif } from '../../src/lint/format/sarif.ts';
import { formatFinding, renderLintSummary, renderLintText } from '../../src/lint/format/text.ts';
import type { LintFinding } from '../../src/lint/types.ts';

const BROKEN = `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: a
  labels:
    on: "x"
spec:
  pausd: true
`;

const finding = (overrides: Partial<LintFinding> = {}): LintFinding => ({
  ruleId: 'schema/unknown-field',
  severity: 'error',
  object: 'Cluster/a',
  path: '/spec/pausd',
  message: 'unknown field "pausd"',
  fix: 'fix the typo',
  source: { file: 'dir/a.yaml', line: 8, col: 3 },
  ...overrides,
});

const resultOf = (findings: LintFinding[], file = 'dir/a.yaml'): LintResult => ({ file, findings, placeholders: [], clusterctlTemplate: false });

async function sampleResults(): Promise<LintResult[]> {
  return [
    await lintText(BROKEN, { file: 'manifests/a b#1.yaml', rules: [] }),
    await lintText('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n', { file: '/abs/path/s.yaml', rules: [] }),
    await lintText('apiVersion: infrastructure.cluster.x-k8s.io/v1beta2\nkind: DevCluster\nmetadata:\n  name: ${N}\nspec:\n  backend:\n    docker: {}\n', { file: '-', rules: [] }),
  ];
}

describe('text', () => {
  it('prints file:line:col severity rule Kind/name /pointer: message (fix: ...)', () => {
    // Act
    const line = formatFinding(finding());
    // Assert
    expect(line).toBe('dir/a.yaml:8:3 error schema/unknown-field Cluster/a /spec/pausd: unknown field "pausd" (fix: fix the typo)');
  });

  it('keeps one finding on one line and leaves out an empty object and path', () => {
    // Act
    const line = formatFinding(finding({ object: '', path: '', message: 'two\nlines' }));
    // Assert
    expect(line).toBe('dir/a.yaml:8:3 error schema/unknown-field two lines (fix: fix the typo)');
  });

  it('prints every finding of every file, and a summary', async () => {
    // Arrange
    const results = await sampleResults();
    // Act
    const text = renderLintText(results);
    // Assert
    expect(text.split('\n').filter((l) => l !== '').map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'manifests/a b#1.yaml:6:5 warning',
      'manifests/a b#1.yaml:8:3 error',
    ]);
    expect(renderLintSummary(results)).toBe('1 error, 1 warning, 0 info in 3 files\n');
  });
});

describe('json', () => {
  it('has a stable key order at every level', async () => {
    // Act
    const doc = JSON.parse(renderLintJson(await sampleResults())) as { files: { findings: Record<string, unknown>[] }[] } & Record<string, unknown>;
    // Assert
    expect(Object.keys(doc)).toEqual(['version', 'files', 'summary']);
    expect(Object.keys(doc.files[0]!)).toEqual(['file', 'clusterctlTemplate', 'placeholders', 'findings']);
    expect(Object.keys(doc.files[0]!.findings[0]!)).toEqual(['ruleId', 'severity', 'object', 'path', 'message', 'fix', 'source']);
    expect(Object.keys(doc.files[0]!.findings[0]!['source'] as object)).toEqual(['file', 'line', 'col']);
    expect(doc['summary']).toEqual({ files: 3, errors: 1, warnings: 1, info: 0 });
  });

  it('lists the placeholders of a template', async () => {
    // Act
    const doc = JSON.parse(renderLintJson(await sampleResults())) as { files: { placeholders: string[]; clusterctlTemplate: boolean }[] };
    // Assert
    expect(doc.files[2]).toMatchObject({ clusterctlTemplate: true, placeholders: ['N'] });
  });
});

describe('sarif', () => {
  const require = createRequire(import.meta.url);
  // why require: both are CommonJS with `module.exports = fn`, whose default import TypeScript
  // (nodenext) types as the module namespace.
  const AjvDraft04 = require('ajv-draft-04') as new (options: Options) => Ajv;
  const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema is draft-04 (`id`, draft-04 `$schema`): Ajv's draft-04 build, with formats (uri,
  // date-time). unicodeRegExp off: the schema's `language` pattern has a stray `]` that only the
  // `u` flag rejects (JSON Schema patterns are ECMA-262 without it).
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('validates against the SARIF 2.1.0 schema', async () => {
    // Arrange
    const results = await sampleResults();
    // Act
    const log = JSON.parse(renderLintSarif(results, { rules: allLintRules(), version: '0.1.0' })) as unknown;
    const valid = validate(log);
    // Assert
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('still validates with helpUri (docs base given) and with no finding at all', () => {
    // Act
    const withHelp = JSON.parse(renderLintSarif([resultOf([finding({ severity: 'info' })])], { rules: allLintRules(), docsBaseUri: 'https://example.org/capi-gen/blob/main/' })) as unknown;
    const empty = JSON.parse(renderLintSarif([], { rules: allLintRules() })) as unknown;
    // Assert
    expect([validate(withHelp), validate(empty)]).toEqual([true, true]);
  });

  it('lists every rule with its docs anchor, and results with ruleId, level and location', () => {
    // Act
    const log = JSON.parse(renderLintSarif([resultOf([finding({ severity: 'info' })])], { rules: allLintRules(), docsBaseUri: 'https://example.org/capi-gen/blob/main/' })) as {
      runs: [{ tool: { driver: { name: string; rules: { id: string; helpUri: string; properties: { docs: string } }[] } }; results: unknown[] }];
    };
    const run = log.runs[0];
    const rule = run.tool.driver.rules.find((r) => r.id === 'schema/unknown-field');
    // Assert
    expect(run.tool.driver.name).toBe('capi-gen');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(allLintRules().map((r) => r.id));
    expect(rule?.helpUri).toBe('https://example.org/capi-gen/blob/main/docs/lint.md#schema-unknown-field');
    expect(rule?.properties.docs).toBe('docs/lint.md#schema-unknown-field');
    expect(run.results[0]).toEqual({
      ruleId: 'schema/unknown-field',
      ruleIndex: run.tool.driver.rules.indexOf(rule!),
      level: 'note',
      message: { text: 'Cluster/a /spec/pausd: unknown field "pausd" (fix: fix the typo)' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/a.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 3 } } }],
    });
  });

  it('encodes paths as URI references', () => {
    // Act / Assert
    expect(artifactUri('manifests/a b#1.yaml')).toBe('manifests/a%20b%231.yaml');
    expect(artifactUri('/abs/p q.yaml')).toBe('file:///abs/p%20q.yaml');
  });
});

describe('github', () => {
  it('writes one workflow command per finding, notice for info', () => {
    // Act
    const out = renderLintGithub([resultOf([finding(), finding({ severity: 'warning' }), finding({ severity: 'info' })])]);
    // Assert
    expect(out.split('\n').map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::warning', '::notice', '']);
    expect(out.split('\n')[0]).toBe('::error file=dir/a.yaml,line=8,col=3,title=schema/unknown-field::Cluster/a /spec/pausd: unknown field "pausd" (fix: fix the typo)');
  });

  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    // Arrange
    const f = finding({ message: '100% sure\r\nnext: a,b', source: { file: 'C:dir,x%.yaml', line: 1, col: 2 } });
    // Act
    const line = formatAnnotation(f);
    // Assert
    expect(line).toBe('::error file=C%3Adir%2Cx%25.yaml,line=1,col=2,title=schema/unknown-field::Cluster/a /spec/pausd: 100%25 sure%0D%0Anext: a,b (fix: fix the typo)');
    expect(escapeData('a%\r\n:,')).toBe('a%25%0D%0A:,');
    expect(escapeProperty('a%\r\n:,')).toBe('a%25%0D%0A%3A%2C');
  });
});
