// The lint engine: validator findings as rules (with positions), config severities, disabled
// rules and ignore globs, suppression comments, rule crashes, clusterctl placeholders, order;
// and docs/lint.md documenting every rule.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LINT_CONFIG, findLintConfigFile, globMatcher, isIgnored, loadLintConfigFile, parseLintConfig, type LintConfig } from '../../src/lint/config.ts';
import { allLintRules, knownRuleIds, lintText, lintTexts } from '../../src/lint/engine.ts';
import { RULES } from '../../src/lint/rules/index.ts';
import { substituteDefaults } from '../../src/lint/substitute.ts';
import type { LintFinding, LintRule, RuleFinding } from '../../src/lint/types.ts';
import { ENGINE_RULES, VALIDATOR_RULES } from '../../src/lint/validator-rules.ts';
import { dedent } from './_context.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `line:col severity rule path` per finding. */
const brief = (findings: readonly LintFinding[]): string[] => findings.map((f) => `${f.source.line}:${f.source.col} ${f.severity} ${f.ruleId} ${f.path}`);

/** Lints with no lint rules: the validator's and the engine's findings only. */
const lintBare = (text: string, options: { config?: LintConfig; rules?: readonly LintRule[] } = {}) =>
  lintText(text, { file: 'test.yaml', rules: options.rules ?? [], ...(options.config === undefined ? {} : { config: options.config }) });

const VALID = dedent`
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
  kind: DevCluster
  metadata:
    name: c
    namespace: default
  spec:
    backend:
      docker: {}
`;

/** A rule that reports each document's metadata.name (at the key), for engine behaviour tests. */
const NAME_RULE: LintRule = {
  id: 'test/name',
  severity: 'info',
  summary: 'reports names',
  fix: 'nothing',
  docs: '#test-name',
  check: (ctx) => ctx.documents.filter((d) => d.value !== undefined).map((d): RuleFinding => ({ document: d.index, path: '/metadata/name', atKey: true, message: 'a name' })),
};

function configOf(text: string, rules: readonly LintRule[] = [NAME_RULE], file = join(tmpdir(), '.capi-gen.yaml')): LintConfig {
  const outcome = parseLintConfig(text, { file, knownRules: knownRuleIds(rules) });
  if (outcome.config === undefined) throw new Error(JSON.stringify(outcome.problems));
  return outcome.config;
}

describe('validator findings as rules', () => {
  const cases: readonly [string, string, string][] = [
    [
      'schema/unknown-field',
      dedent`
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata:
          name: a
        spec:
          pausd: true
      `,
      '6:3 error schema/unknown-field /spec/pausd',
    ],
    [
      'schema/openapi',
      dedent`
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata:
          name: a
        spec:
          clusterNetwork:
            pods:
              cidrBlocks: 192.168.0.0/16
      `,
      '8:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks',
    ],
    [
      'schema/cel-rule',
      dedent`
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
        kind: OpenStackCluster
        metadata:
          name: osc
        spec:
          identityRef:
            name: creds
            cloudName: openstack
          managedRouter: {}
      `,
      '9:18 error schema/cel-rule /spec/managedRouter',
    ],
    ['schema/metadata', dedent`
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata:
          name: Not_A_Name
      `, '4:9 error schema/metadata /metadata/name'],
    ['schema/not-an-object', 'just: text\n', '1:1 error schema/not-an-object '],
    ['yaml/syntax', 'a: [1\n', '1:5 error yaml/syntax /a/0'],
    ['yaml/duplicate-key', 'apiVersion: v1\nkind: Secret\nkind: Secret\n', '3:1 error yaml/duplicate-key /kind'],
    [
      'yaml/yaml11-hazard',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  mode: "x"\n  on: "y"\n',
      '7:3 warning yaml/yaml11-hazard /data/true',
    ],
    ['api/unknown-version', 'apiVersion: infrastructure.cluster.x-k8s.io/v1alpha7\nkind: OpenStackCluster\nmetadata:\n  name: old\n', '1:13 error api/unknown-version /apiVersion'],
    ['api/wrong-group', 'apiVersion: cluster.x-k8s.io.cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: g\n', '1:13 error api/wrong-group /apiVersion'],
  ];

  it.each(cases)('%s is reported with its line and column', async (ruleId, text, expected) => {
    // Act
    const result = await lintBare(text);
    // Assert
    expect(brief(result.findings).filter((f) => f.includes(` ${ruleId} `))).toEqual([expected]);
  });

  it('gives every validator finding the rule fix hint and the object', async () => {
    // Act
    const result = await lintBare(cases[0]![1]);
    // Assert
    expect(result.findings[0]).toMatchObject({ object: 'Cluster/a', fix: VALIDATOR_RULES.find((r) => r.id === 'schema/unknown-field')?.fix });
  });

  it('reports nothing for a valid object', async () => {
    // Act
    const result = await lintBare(VALID);
    // Assert
    expect(result.findings).toEqual([]);
  });
});

describe('config: severities and disabled rules', () => {
  const UNKNOWN_FIELD = 'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: a\nspec:\n  pausd: true\n';

  it('overrides the severity of a validator rule and of a lint rule', async () => {
    // Arrange
    const config = configOf('rules:\n  schema/unknown-field: warning\n  test/name: error\n');
    // Act
    const result = await lintBare(UNKNOWN_FIELD, { config, rules: [NAME_RULE] });
    // Assert
    expect(brief(result.findings)).toEqual(['4:3 error test/name /metadata/name', '6:3 warning schema/unknown-field /spec/pausd']);
  });

  it('drops findings of rules set to off, and does not run a disabled lint rule', async () => {
    // Arrange
    let ran = false;
    const spy: LintRule = { ...NAME_RULE, check: (ctx) => ((ran = true), NAME_RULE.check(ctx)) };
    const config = configOf('rules:\n  schema/unknown-field: off\n  test/name: off\n');
    // Act
    const result = await lintBare(UNKNOWN_FIELD, { config, rules: [spy] });
    // Assert
    expect(result.findings).toEqual([]);
    expect(ran).toBe(false);
  });

  it('reports unknown keys, unknown rule ids and bad severities with file:line:col', () => {
    // Arrange
    const text = 'rules:\n  schema/unknown-field: fatal\n  no/such-rule: off\nignore: vendor\nextra: 1\n';
    // Act
    const outcome = parseLintConfig(text, { file: 'c.yaml', knownRules: knownRuleIds([]) });
    // Assert
    expect(outcome.problems?.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)).toEqual([
      'c.yaml:2:25 rule schema/unknown-field: must be error, warning, info or off, got "fatal"',
      'c.yaml:3:3 unknown rule id "no/such-rule"; capi-gen lint --list-rules and docs/lint.md list the ids',
      'c.yaml:4:9 ignore must be a list of globs (e.g. - vendor/**)',
      'c.yaml:5:1 unknown key "extra"; allowed: rules, ignore',
    ]);
  });

  it('reports YAML errors in the config (a duplicate key) with their position', () => {
    // Act
    const outcome = parseLintConfig('rules: {}\nrules: {}\n', { file: 'c.yaml', knownRules: new Set() });
    // Assert
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems?.[0]).toMatchObject({ line: 2, col: 1 });
  });

  it('accepts an empty config file', () => {
    // Act
    const outcome = parseLintConfig('# nothing yet\n', { file: 'c.yaml', knownRules: new Set() });
    // Assert
    expect(outcome.config?.rules.size).toBe(0);
    expect(outcome.config?.ignore).toEqual([]);
  });

  it('reports an unreadable config file', () => {
    // Act
    const outcome = loadLintConfigFile(join(tmpdir(), 'no-such-dir-capi-gen', '.capi-gen.yaml'), new Set());
    // Assert
    expect(outcome.problems?.[0]?.message).toBe('cannot read the config file: no such file');
  });
});

describe('config: finding the file and ignore globs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capi-gen-lint-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds .capi-gen.yaml in the start directory or the nearest parent', () => {
    // Arrange
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, '.capi-gen.yaml'), 'rules: {}\n');
    // Act
    const found = findLintConfigFile(join(dir, 'a', 'b'));
    // Assert
    expect(found).toBe(join(dir, '.capi-gen.yaml'));
  });

  it.each([
    ['vendor/**', 'vendor/a/b.yaml', true],
    ['vendor', 'vendor/a/b.yaml', true],
    ['vendor/', 'x/vendor/b.yaml', true],
    ['/vendor', 'x/vendor/b.yaml', false],
    ['*.generated.yaml', 'deep/dir/c.generated.yaml', true],
    ['*.generated.yaml', 'deep/dir/c.yaml', false],
    ['templates/*.yaml', 'templates/a.yaml', true],
    ['templates/*.yaml', 'templates/sub/a.yaml', false],
    ['templates/**/*.yaml', 'templates/sub/a.yaml', true],
    ['**/.hidden/*', 'a/.hidden/x.yaml', true],
    ['c?.yaml', 'c1.yaml', true],
    ['{a,b}.yaml', 'b.yaml', true],
  ])('glob %s matches %s: %s', (glob, path, expected) => {
    // Act
    const matched = globMatcher([glob])(path);
    // Assert
    expect(matched).toBe(expected);
  });

  it('skips ignored inputs relative to the config directory, never stdin', async () => {
    // Arrange
    const config = configOf('ignore:\n  - vendor/**\n', [], join(dir, '.capi-gen.yaml'));
    const inputs = [
      { file: join(dir, 'vendor', 'x.yaml'), text: 'a: [1\n' },
      { file: join(dir, 'mine.yaml'), text: VALID },
      { file: '-', text: VALID },
    ];
    // Act
    const results = await lintTexts(inputs, config);
    // Assert
    expect(results.map((r) => r.file)).toEqual([join(dir, 'mine.yaml'), '-']);
    expect(isIgnored(config, join(dir, '..', 'vendor', 'x.yaml'))).toBe(false);
  });
});

describe('suppression comments', () => {
  const TEXT = dedent`
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: Cluster
    metadata:
      name: a
    spec:
      pausd: true
      clusterNetwork:
        pods:
          cidrBlocks: 192.168.0.0/16
  `;
  const suppressed = async (edit: (lines: string[]) => void): Promise<string[]> => {
    const lines = TEXT.split('\n');
    edit(lines);
    return brief((await lintBare(lines.join('\n'))).findings);
  };

  it('without comments reports both findings', async () => {
    // Act / Assert
    expect(await suppressed(() => {})).toEqual(['6:3 error schema/unknown-field /spec/pausd', '9:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks']);
  });

  it('capi-gen-disable-line suppresses its rule on its own line only', async () => {
    // Act
    const found = await suppressed((l) => (l[5] += '  # capi-gen-disable-line schema/unknown-field'));
    // Assert
    expect(found).toEqual(['9:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks']);
  });

  it('capi-gen-disable-line takes a comma list, and a reason after --', async () => {
    // Act
    const found = await suppressed((l) => (l[8] += ' # capi-gen-disable-line schema/unknown-field,schema/openapi -- set by the pipeline'));
    // Assert
    expect(found).toEqual(['6:3 error schema/unknown-field /spec/pausd']);
  });

  it('capi-gen-disable-next-line suppresses on the line below', async () => {
    // Act
    const found = await suppressed((l) => l.splice(5, 0, '  # capi-gen-disable-next-line schema/unknown-field'));
    // Assert
    expect(found).toEqual(['10:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks']);
  });

  it('capi-gen-disable-document applies to the whole document it is in, and only to it', async () => {
    // Arrange
    const text = `${TEXT}# capi-gen-disable-document schema/openapi schema/unknown-field\n---\n${TEXT}`;
    // Act
    const found = brief((await lintBare(text)).findings);
    // Assert
    expect(found).toEqual(['17:3 error schema/unknown-field /spec/pausd', '20:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks']);
  });

  it('all matches every rule', async () => {
    // Act
    const found = await suppressed((l) => l.splice(1, 0, '# capi-gen-disable-document all'));
    // Assert
    expect(found).toEqual([]);
  });

  it('an unknown rule id in a comment is a lint/unknown-suppression warning at the comment', async () => {
    // Act
    const result = await lintBare(TEXT.replace('pausd: true', 'pausd: true # capi-gen-disable-line schema/unknown-feild'));
    // Assert
    expect(brief(result.findings)).toContain('6:15 warning lint/unknown-suppression ');
    expect(result.findings.find((f) => f.ruleId === 'lint/unknown-suppression')?.message).toBe(
      'capi-gen-disable-line names the unknown rule "schema/unknown-feild"; it suppresses nothing',
    );
  });

  it('suppresses lint rule findings too', async () => {
    // Act
    const result = await lintBare(`${VALID.replace('  name: c', '  name: c # capi-gen-disable-line test/name')}`, { rules: [NAME_RULE] });
    // Assert
    expect(result.findings).toEqual([]);
  });
});

describe('rules that fail', () => {
  it('a rule that throws becomes lint/internal-error; the other rules still run', async () => {
    // Arrange
    const broken: LintRule = { ...NAME_RULE, id: 'test/broken', check: () => { throw new Error('boom\nat line 2'); } };
    // Act
    const result = await lintBare(VALID, { rules: [broken, NAME_RULE] });
    // Assert
    expect(brief(result.findings)).toEqual(['1:1 error lint/internal-error ', '4:3 info test/name /metadata/name']);
    expect(result.findings[0]?.message).toBe('rule test/broken failed: boom at line 2; its findings for this file are missing');
  });

  it('a finding for a document that does not exist becomes lint/internal-error', async () => {
    // Arrange
    const wrong: LintRule = { ...NAME_RULE, id: 'test/wrong', check: () => [{ document: 7, path: '', message: 'x' }] };
    // Act
    const result = await lintBare(VALID, { rules: [wrong] });
    // Assert
    expect(result.findings.map((f) => f.ruleId)).toEqual(['lint/internal-error']);
    expect(result.findings[0]?.message).toContain('rule test/wrong reported a malformed finding (document 7');
  });
});

describe('clusterctl templates', () => {
  const TEMPLATE = dedent`
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: Cluster
    metadata:
      name: \${CLUSTER_NAME}
      namespace: \${NAMESPACE:=Bad_Namespace}
    spec:
      clusterNetwork:
        pods:
          cidrBlocks: \${POD_CIDRS:-192.168.0.0/16}
        serviceDomain: \${DOMAIN:=\${CLUSTER_NAME}.local}
  `;

  it('reports the placeholder names, also those inside defaults', async () => {
    // Act
    const result = await lintBare(TEMPLATE);
    // Assert
    expect(result.clusterctlTemplate).toBe(true);
    expect(result.placeholders).toEqual(['CLUSTER_NAME', 'DOMAIN', 'NAMESPACE', 'POD_CIDRS']);
  });

  it('checks := and :- defaults as their values, at the placeholder in the original text', async () => {
    // Act
    const result = await lintBare(TEMPLATE);
    // Assert
    expect(brief(result.findings)).toEqual(['5:14 error schema/metadata /metadata/namespace', '9:19 error schema/openapi /spec/clusterNetwork/pods/cidrBlocks']);
    expect(result.findings[0]?.message).toContain('"Bad_Namespace"');
  });

  it('leaves bare placeholders to the validator (no type findings), and rules see the original text', async () => {
    // Arrange
    let seen: unknown;
    const peek: LintRule = { ...NAME_RULE, check: (ctx) => ((seen = ctx.documents[0]?.value), []) };
    // Act
    const result = await lintBare('apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: a\nspec:\n  paused: ${PAUSED}\n', { rules: [peek] });
    // Assert
    expect(result.findings).toEqual([]);
    expect(seen).toMatchObject({ spec: { paused: '${PAUSED}' } });
  });

  it('auto: a text whose only ${ are in multi-line strings (shell scripts of a plain manifest) is not a template', async () => {
    // Arrange: what capi-gen render writes: shell parameter expansions inside files[].content
    const rendered = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: w
      spec:
        template:
          spec:
            files:
              - path: /x.sh
                content: |
                  #!/bin/sh
                  v=\${1:-default}
                  echo "\${v#*=}"
    `;
    const oneLine = rendered.replace('name: w', 'name: \${CLUSTER_NAME}-w');
    const unparsable = rendered.replace('name: w', 'name: w\n  labels: {a: [ \${TAGS:= } ]}');
    // Act
    const plain = await lintBare(rendered);
    const template = await lintBare(oneLine);
    const masked = await lintBare(unparsable);
    const forced = await lintText(rendered, { file: 't.yaml', rules: [], clusterctlTemplate: 'on' });
    // Assert
    expect(plain.clusterctlTemplate).toBe(false);
    expect(plain.placeholders).toEqual([]);
    expect(template.clusterctlTemplate).toBe(true);
    expect(template.placeholders).toEqual(['1', 'CLUSTER_NAME', 'v']);
    expect(masked.clusterctlTemplate).toBe(true);
    expect(forced.clusterctlTemplate).toBe(true);
  });

  it('--no-clusterctl-template reads ${ as text', async () => {
    // Act
    const result = await lintText(TEMPLATE, { file: 't.yaml', rules: [], clusterctlTemplate: 'off' });
    // Assert
    expect(result.clusterctlTemplate).toBe(false);
    expect(result.placeholders).toEqual([]);
  });

  it('maps positions in and after substituted defaults back exactly', () => {
    // Arrange
    const text = 'a: ${X:=hello} b\nc: ${Y:-}${Z} d\n';
    // Act
    const sub = substituteDefaults(text);
    // Assert
    expect(sub.text).toBe('a: hello b\nc: ${Z} d\n');
    expect(sub.toOriginal(1, 4)).toEqual({ line: 1, col: 4 }); // start of the default -> the `$`
    expect(sub.toOriginal(1, 5)).toEqual({ line: 1, col: 10 }); // `e` of hello
    expect(sub.toOriginal(1, 10)).toEqual({ line: 1, col: 16 }); // `b`
    expect(sub.toOriginal(2, 4)).toEqual({ line: 2, col: 4 }); // `${Z}` after an empty default
    expect(sub.toOriginal(2, 9)).toEqual({ line: 2, col: 15 }); // `d`
  });
});

describe('order and purity', () => {
  it('sorts findings by line, column, then rule id', async () => {
    // Arrange
    const z: LintRule = { ...NAME_RULE, id: 'test/z' };
    const a: LintRule = { ...NAME_RULE, id: 'test/a' };
    const text = `${VALID}---\n${VALID}`;
    // Act
    const result = await lintBare(text, { rules: [z, a] });
    // Assert
    expect(brief(result.findings)).toEqual(['4:3 info test/a /metadata/name', '4:3 info test/z /metadata/name', '13:3 info test/a /metadata/name', '13:3 info test/z /metadata/name']);
  });

  it('lists every rule once: RULES, then the validator rules, then the engine rules', () => {
    // Act
    const ids = allLintRules().map((r) => r.id);
    // Assert
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(-2)).toEqual(ENGINE_RULES.map((r) => r.id));
    expect(DEFAULT_LINT_CONFIG.rules.size).toBe(0);
  });
});

describe('docs/lint.md', () => {
  const docs = readFileSync(join(REPO, 'docs', 'lint.md'), 'utf8');
  const rules = [...RULES, ...VALIDATOR_RULES, ...ENGINE_RULES];

  it.each(rules.map((r) => [r.id, r] as const))('documents %s in a section with its anchor', (id, rule) => {
    // Arrange
    const anchor = rule.docs.replace(/^#/, '');
    // Act
    const section = new RegExp(`^<a id="${anchor}"></a>\\n## ${id.replace(/[/.]/g, '\\$&')}$`, 'm');
    // Assert
    expect(rule.docs, `${id}: docs must be "#" + the id with / as -`).toBe(`#${id.replace(/\//g, '-')}`);
    expect(docs, `docs/lint.md needs a section for ${id}:\n<a id="${anchor}"></a>\n## ${id}\n`).toMatch(section);
  });
});
