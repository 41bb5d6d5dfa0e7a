// A `.capi-gen.yaml` (and the --config file) is a lint config, not a manifest: `capi-gen lint .`
// and `capi-gen validate .` in the folder that holds it never read it as one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';
import { CLEAN } from './_manifests.ts';

let dir: string;
let project: string;
let ci: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-gen-config-file-'));
  project = join(dir, 'project');
  ci = join(dir, 'ci');
  mkdirSync(join(project, 'sub'), { recursive: true });
  mkdirSync(ci);
  mkdirSync(join(dir, 'only-config'));
  writeFileSync(join(project, '.capi-gen.yaml'), 'rules:\n  yaml/yaml11-hazard: error\n');
  writeFileSync(join(project, 'a.yaml'), CLEAN);
  // A second config deeper down, found while walking.
  writeFileSync(join(project, 'sub', '.capi-gen.yaml'), 'ignore:\n  - vendor\n');
  writeFileSync(join(project, 'sub', 'b.yaml'), CLEAN);
  // A config under another name, in use through --config.
  writeFileSync(join(ci, 'lint.yaml'), 'rules:\n  api/unknown-version: off\n');
  writeFileSync(join(ci, 'c.yaml'), CLEAN);
  writeFileSync(join(dir, 'only-config', '.capi-gen.yaml'), 'rules: {}\n');
  await ensureBuilt();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filesOf = (stdout: string): string[] => (JSON.parse(stdout) as { files: { file: string }[] }).files.map((f) => f.file);

describe('capi-gen lint never lints a config file', () => {
  it('lint . skips the .capi-gen.yaml in use and one found while walking', async () => {
    // Act
    const run = await runCli(['lint', '--format', 'json', '.'], { cwd: project });
    // Assert
    expect(run.code).toBe(0);
    expect(filesOf(run.stdout)).toEqual(['a.yaml', 'sub/b.yaml']);
  });

  it('lint --config lint.yaml . skips the config in use', async () => {
    // Act
    const run = await runCli(['lint', '--config', 'lint.yaml', '.'], { cwd: ci });
    // Assert
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '0 errors, 0 warnings, 0 info in 1 file\n' });
  });

  it('a glob that matches the config in use skips it; a .capi-gen.yaml named on the command line gets a note', async () => {
    // Act
    const run = await runCli(['lint', '--format', 'json', '--config', 'lint.yaml', '*.yaml', '../project/.capi-gen.yaml'], { cwd: ci });
    // Assert
    expect(run.code).toBe(0);
    expect(filesOf(run.stdout)).toEqual(['c.yaml']);
    expect(run.stderr).toBe('capi-gen: note: ../project/.capi-gen.yaml is a lint config file, not a manifest; not linted\n');
  });

  it('a directory holding only a .capi-gen.yaml has no manifests (exit 2)', async () => {
    // Act
    const run = await runCli(['lint', 'only-config'], { cwd: dir });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('capi-gen: no *.yaml or *.yml files in directory only-config besides the lint config (.capi-gen.yaml); pass a directory that holds manifests, or the files themselves');
  });
});

describe('capi-gen validate never validates a .capi-gen.yaml found in a directory', () => {
  it('validate . checks only the manifests and is clean', async () => {
    // Act
    const run = await runCli(['validate', '--format', 'json', '.'], { cwd: project });
    // Assert
    expect(run.code).toBe(0);
    expect(filesOf(run.stdout)).toEqual(['a.yaml', 'sub/b.yaml']);
  });
});
