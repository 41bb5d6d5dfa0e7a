// `capi-gen lint` end to end: the built CLI as a child process. Exit codes 0/1/2, --fail-on,
// each format, directories, globs, stdin, the config file and its errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';
import { CLEAN } from './_manifests.ts';

// One error (unknown field) and one warning (a suppression comment naming no rule).
const BROKEN = `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevCluster
metadata:
  name: c
  namespace: default
  annotations:
    enabled: "yes"
    mode: "0755" # capi-gen-disable-line no/such-rule
spec:
  backend:
    docker: {}
  pausd: true
`;

// Only a warning.
const WARNING_ONLY = CLEAN.replace('  namespace: default\n', '  namespace: default # capi-gen-disable-line no/such-rule\n');

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-gen-lint-cli-'));
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'tree', 'vendor'), { recursive: true });
  mkdirSync(join(dir, 'clean'));
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'clean', 'a.yaml'), CLEAN);
  writeFileSync(join(dir, 'broken.yaml'), BROKEN);
  writeFileSync(join(dir, 'warning.yaml'), WARNING_ONLY);
  writeFileSync(join(dir, 'tree', 'a.yaml'), CLEAN);
  writeFileSync(join(dir, 'tree', 'sub', 'b.yml'), BROKEN);
  writeFileSync(join(dir, 'tree', 'vendor', 'c.yaml'), BROKEN);
  writeFileSync(join(dir, 'tree', 'notes.txt'), 'not yaml: [');
  writeFileSync(join(dir, 'empty', 'notes.txt'), 'nothing');
  await ensureBuilt();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lint = (args: string[], input?: string) => runCli(['lint', ...args], { cwd: dir, ...(input === undefined ? {} : { input }) });
const rulesOf = (stdout: string): string[] => stdout.split('\n').filter((l) => l !== '').map((l) => `${l.split(' ')[0]} ${l.split(' ')[1]} ${l.split(' ')[2]}`);

describe('exit codes', () => {
  it('exits 0 on a clean file, with a summary on stderr', async () => {
    // Act
    const run = await lint(['clean/a.yaml']);
    // Assert
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '0 errors, 0 warnings, 0 info in 1 file\n' });
  });

  it('exits 1 on an error, printing file:line:col severity rule', async () => {
    // Act
    const run = await lint(['broken.yaml']);
    // Assert
    expect(run.code).toBe(1);
    expect(rulesOf(run.stdout)).toEqual(['broken.yaml:8:18 warning lint/unknown-suppression', 'broken.yaml:12:3 error schema/unknown-field']);
    expect(run.stdout.split('\n')[1]).toMatch(/^broken\.yaml:12:3 error schema\/unknown-field DevCluster\/c \/spec\/pausd: unknown field "pausd" .* \(fix: .+\)$/);
  });

  it('--fail-on warning fails on a warning; the default does not', async () => {
    // Act
    const byDefault = await lint(['warning.yaml']);
    const strict = await lint(['warning.yaml', '--fail-on', 'warning']);
    const lenient = await lint(['broken.yaml', '--fail-on', 'info']);
    // Assert
    expect([byDefault.code, strict.code, lenient.code]).toEqual([0, 1, 1]);
  });

  it.each([
    [['--format', 'xml', 'broken.yaml'], '--format must be text, json, sarif or github, got "xml"'],
    [['--fail-on', 'fatal', 'broken.yaml'], '--fail-on must be error, warning or info, got "fatal"'],
    [[], 'lint needs at least one file, directory, glob or - (stdin)'],
    [['--clusterctl-template', '--no-clusterctl-template', 'broken.yaml'], 'contradict each other'],
    [['--bogus', 'broken.yaml'], 'unknown option --bogus for lint'],
    [['missing.yaml'], 'cannot read missing.yaml: no such file or directory'],
    [['empty'], 'no *.yaml or *.yml files in directory empty'],
    [['nothing/**/*.yaml'], 'no files match nothing/**/*.yaml'],
  ])('exits 2 on %j', async (args, message) => {
    // Act
    const run = await lint(args);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });
});

describe('inputs', () => {
  it('searches directories recursively for *.yaml and *.yml, sorted', async () => {
    // Act
    const run = await lint(['tree', '--format', 'json']);
    // Assert
    const doc = JSON.parse(run.stdout) as { files: { file: string }[] };
    expect(doc.files.map((f) => f.file)).toEqual([join('tree', 'a.yaml'), join('tree', 'sub', 'b.yml'), join('tree', 'vendor', 'c.yaml')]);
    expect(run.code).toBe(1);
  });

  it('expands quoted globs itself', async () => {
    // Act
    const run = await lint(['tree/**/*.y*ml', '--format', 'json']);
    // Assert
    const doc = JSON.parse(run.stdout) as { files: { file: string }[] };
    expect(doc.files.map((f) => f.file)).toEqual(['tree/a.yaml', 'tree/sub/b.yml', 'tree/vendor/c.yaml']);
  });

  it('reads stdin for -, and detects a clusterctl template there', async () => {
    // Act
    const run = await lint(['-', '--format', 'json'], CLEAN.replace('name: c', 'name: ${CLUSTER_NAME}'));
    // Assert
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ files: [{ file: '-', clusterctlTemplate: true, placeholders: ['CLUSTER_NAME'], findings: [] }] });
  });
});

describe('config', () => {
  it('finds .capi-gen.yaml upwards: severities, off, ignore', async () => {
    // Arrange
    const project = join(dir, 'project');
    mkdirSync(join(project, 'deep'), { recursive: true });
    writeFileSync(join(project, '.capi-gen.yaml'), 'rules:\n  schema/unknown-field: warning\n  lint/unknown-suppression: off\nignore:\n  - vendor\n');
    mkdirSync(join(project, 'deep', 'vendor'));
    writeFileSync(join(project, 'deep', 'b.yaml'), BROKEN);
    writeFileSync(join(project, 'deep', 'vendor', 'x.yaml'), 'a: [1\n');
    // Act
    const run = await runCli(['lint', '.'], { cwd: join(project, 'deep') });
    // Assert
    expect(run.code).toBe(0);
    expect(rulesOf(run.stdout)).toEqual(['b.yaml:12:3 warning schema/unknown-field']);
  });

  it('--config names the file; an unknown rule id in it exits 2 with file:line:col', async () => {
    // Arrange
    writeFileSync(join(dir, 'bad-config.yaml'), 'rules:\n  schema/unknown-feild: off\n');
    // Act
    const run = await lint(['--config', 'bad-config.yaml', 'broken.yaml']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('capi-gen: bad-config.yaml:2:3: unknown rule id "schema/unknown-feild"');
  });

  it('a missing --config file exits 2', async () => {
    // Act
    const run = await lint(['--config', 'nope.yaml', 'broken.yaml']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('capi-gen: nope.yaml: cannot read the config file: no such file');
  });
});

describe('formats', () => {
  it('json: one document with the summary', async () => {
    // Act
    const run = await lint(['broken.yaml', 'clean/a.yaml', '--format', 'json']);
    // Assert
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1, summary: { files: 2, errors: 1, warnings: 1, info: 0 } });
    expect(run.stderr).toBe('');
  });

  it('sarif: version 2.1.0, the rules, a result per finding', async () => {
    // Act
    const run = await lint(['broken.yaml', '--format', 'sarif']);
    // Assert
    const log = JSON.parse(run.stdout) as { version: string; runs: [{ tool: { driver: { name: string; version: string; rules: unknown[] } }; results: { ruleId: string }[] }] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'capi-gen', version: expect.any(String) });
    expect(log.runs[0].results.map((r) => r.ruleId)).toEqual(['lint/unknown-suppression', 'schema/unknown-field']);
    expect(run.code).toBe(1);
  });

  it('github: workflow commands', async () => {
    // Act
    const run = await lint(['broken.yaml', '--format', 'github']);
    // Assert
    expect(run.stdout.split('\n')[1]).toMatch(/^::error file=broken\.yaml,line=12,col=3,title=schema\/unknown-field::DevCluster\/c \/spec\/pausd: /);
  });

  it('lint --help prints the options and exits 0', async () => {
    // Act
    const run = await lint(['--help']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--fail-on error|warning|info');
  });
});
