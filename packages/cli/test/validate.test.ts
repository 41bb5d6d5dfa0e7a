// `capi-gen validate` end to end: the built CLI as a child process, against files, directories
// and stdin; exit codes 0/1/2, the text line shape, and JSON equal to validateText's result.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateText, type DocumentResult } from '@capi-gen/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

const EXAMPLE = 'examples/validate/kubeadm-docker-v1beta2.yaml';
const EXAMPLE_TEXT = readFileSync(join(REPO_DIR, EXAMPLE), 'utf8');

// `file:line:col: severity CODE Kind/name /json/pointer: message` (the pointer is absent for the whole object).
const FINDING_LINE = /^[^\s:][^:]*:\d+:\d+: (error|warning|info) [A-Z][A-Z0-9_]* \S+( \/\S*)?: \S.*$/;

// A Cluster whose cidrBlocks is a string instead of a list, and a Secret (no vendored CRD).
const BROKEN = `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: broken
  namespace: default
spec:
  clusterNetwork:
    pods:
      cidrBlocks: 192.168.0.0/16
---
apiVersion: v1
kind: Secret
metadata:
  name: broken-ca
stringData:
  token: x
`;

// A clusterctl template: placeholders in values.
const TEMPLATE = `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevCluster
metadata:
  name: \${CLUSTER_NAME}
  namespace: \${NAMESPACE:=default}
spec:
  backend:
    docker: {}
`;

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-gen-cli-'));
  writeFileSync(join(dir, 'valid.yaml'), EXAMPLE_TEXT);
  writeFileSync(join(dir, 'broken.yaml'), BROKEN);
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'tree', 'b.yaml'), EXAMPLE_TEXT);
  writeFileSync(join(dir, 'tree', 'sub', 'a.yml'), BROKEN);
  writeFileSync(join(dir, 'tree', 'a.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'tree', 'notes.txt'), 'not yaml: [');
  writeFileSync(join(dir, 'empty', 'notes.txt'), 'nothing here');
  await ensureBuilt();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** validateText's documents as the JSON output writes them (absent apiVersion/kind as null). */
function asJson(documents: readonly DocumentResult[]): unknown {
  return JSON.parse(JSON.stringify(documents.map((d) => ({ ...d, apiVersion: d.apiVersion ?? null, kind: d.kind ?? null }))));
}

describe('capi-gen validate', () => {
  it('exits 0 and prints no findings for a valid file', async () => {
    // Act
    const run = await runCli(['validate', EXAMPLE]);
    // Assert
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('checked 7 objects in 1 file: 0 errors, 0 warnings\n');
    expect(run.code).toBe(0);
  });

  it('exits 1 and prints file:line:col findings for a file with errors', async () => {
    // Act
    const run = await runCli(['validate', 'broken.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(FINDING_LINE);
    expect(lines).toContainEqual(expect.stringMatching(/^broken\.yaml:9:\d+: error [A-Z_]+ Cluster\/broken \/spec\/clusterNetwork\/pods\/cidrBlocks: /));
    expect(run.stderr).toMatch(/^checked 1 of 2 objects in 1 file: \d+ errors?, \d+ warnings?; 1 object skipped \(no vendored CRD: v1\/Secret\)\n$/);
  });

  it('prints only errors and no summary with --quiet', async () => {
    // Act
    const run = await runCli(['validate', '--quiet', 'broken.yaml', 'valid.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    for (const line of run.stdout.trimEnd().split('\n')) expect(line).toMatch(/^broken\.yaml:\d+:\d+: error /);
  });

  it('exits 2 and names the file when a file is missing', async () => {
    // Act
    const run = await runCli(['validate', 'valid.yaml', 'missing.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('capi-gen: cannot read missing.yaml: no such file or directory; check the path');
  });

  it('exits 2 for a directory without YAML files', async () => {
    // Act
    const run = await runCli(['validate', 'empty'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('capi-gen: no *.yaml or *.yml files in directory empty; pass a directory that holds manifests, or the files themselves');
  });

  it('reads stdin for -', async () => {
    // Act
    const run = await runCli(['validate', '--format', 'json', '-'], { input: BROKEN });
    // Assert
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { files: { file: string; documents: unknown }[] };
    expect(report.files.map((f) => f.file)).toEqual(['-']);
    expect(report.files[0]?.documents).toEqual(asJson((await validateText(BROKEN, { file: '-' })).documents));
  });

  it('exits 0 for valid text on stdin', async () => {
    // Act
    const run = await runCli(['validate', '-'], { input: EXAMPLE_TEXT });
    // Assert
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'checked 7 objects in 1 file: 0 errors, 0 warnings\n' });
  });

  it('validates the *.yaml and *.yml files of a directory recursively, in sorted order', async () => {
    // Act
    const run = await runCli(['validate', '--format', 'json', 'tree'], { cwd: dir });
    // Assert
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { files: { file: string }[] };
    expect(report.files.map((f) => f.file)).toEqual(['tree/a.yaml', 'tree/b.yaml', 'tree/sub/a.yml']);
  });

  it('names the placeholders of a clusterctl template', async () => {
    // Act
    const run = await runCli(['validate', 'template.yaml'], { cwd: dir });
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('template.yaml: clusterctl template, placeholders: CLUSTER_NAME, NAMESPACE\nchecked 1 object in 1 file: 0 errors, 0 warnings\n');
  });
});

describe('capi-gen validate --format json', () => {
  it('prints exactly what validateText returns, with a summary', async () => {
    // Arrange
    const files = ['broken.yaml', 'valid.yaml', 'template.yaml'];
    const expected = await Promise.all(
      files.map(async (file) => {
        const r = await validateText(readFileSync(join(dir, file), 'utf8'), { file, placeholders: 'auto' });
        return { file, placeholders: r.placeholders, documents: asJson(r.documents) };
      }),
    );
    // Act
    const run = await runCli(['validate', '--format', 'json', ...files], { cwd: dir });
    // Assert
    const report = JSON.parse(run.stdout) as { files: unknown; summary: { objects: number; checked: number; errors: number; skipped: number } };
    expect(report.files).toEqual(expected);
    expect(report.summary).toMatchObject({ objects: 10, checked: 9, skipped: 1 });
    expect(run.code).toBe(report.summary.errors > 0 ? 1 : 0);
  });

  it('writes keys in a stable order and is deterministic', async () => {
    // Act
    const first = await runCli(['validate', '--format', 'json', 'tree'], { cwd: dir });
    const second = await runCli(['validate', '--format', 'json', 'tree'], { cwd: dir });
    // Assert
    expect(second.stdout).toBe(first.stdout);
    const report = JSON.parse(first.stdout) as { files: { documents: object[] }[]; summary: object };
    expect(Object.keys(report)).toEqual(['files', 'summary']);
    expect(Object.keys(report.files[0] ?? {})).toEqual(['file', 'placeholders', 'documents']);
    expect(Object.keys(report.files[0]?.documents[0] ?? {})).toEqual(['index', 'object', 'apiVersion', 'kind', 'checked', 'issues']);
    expect(Object.keys(report.summary)).toEqual(['objects', 'checked', 'errors', 'warnings', 'skipped']);
  });
});
