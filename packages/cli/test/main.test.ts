// The command line itself: help, version, unknown commands and options, exit code 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIR, ensureBuilt, runCli } from './_built-cli.ts';

const USAGE_LINE = 'usage: capi-gen validate <file|dir|->... [--format text|json] [--placeholders auto|on|off] [--quiet]';
const GENERAL_USAGE_LINE = 'usage: capi-gen <render|validate|schema|manager-patches|harden|lint|cloud-init> [options] | capi-gen --help | capi-gen --version';

beforeAll(ensureBuilt);

describe('capi-gen', () => {
  it('prints help on --help and exits 0', async () => {
    // Act
    const run = await runCli(['--help']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('capi-gen <command> [options]');
    expect(run.stdout).toContain('validate');
  });

  it('prints the package version on --version', async () => {
    // Arrange
    const { version } = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { version: string };
    // Act
    const run = await runCli(['--version']);
    // Assert
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints validate help on validate --help and exits 0', async () => {
    // Act
    const run = await runCli(['validate', '--help']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('capi-gen validate <file|dir|->... [options]');
  });

  it('exits 2 with help on stderr when called without a command', async () => {
    // Act
    const run = await runCli([]);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('capi-gen <command> [options]');
  });

  it('exits 2 on an unknown command, with the general usage line', async () => {
    // Act
    const run = await runCli(['frobnicate', 'x.yaml']);
    // Assert
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `capi-gen: unknown command "frobnicate"; run 'capi-gen --help' for the commands\n${GENERAL_USAGE_LINE}\n`,
    });
  });

  it('exits 2 on a misspelt --version, suggesting it, with the general usage line', async () => {
    // Act
    const run = await runCli(['--versoin']);
    // Assert
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `capi-gen: unknown option --versoin; did you mean --version? options of a command go after it; run 'capi-gen --help'\n${GENERAL_USAGE_LINE}\n`,
    });
  });

  it('suggests a command one typo away and answers help for an unknown command with the general usage', async () => {
    // Act
    const typo = await runCli(['vaildate', 'x.yaml']);
    const help = await runCli(['help', 'frobnicate']);
    // Assert
    expect(typo.stderr).toBe(`capi-gen: unknown command "vaildate"; did you mean validate? run 'capi-gen --help' for the commands\n${GENERAL_USAGE_LINE}\n`);
    expect(help).toMatchObject({ code: 2, stderr: `capi-gen: no help for unknown command "frobnicate"; run 'capi-gen --help' for the commands\n${GENERAL_USAGE_LINE}\n` });
  });

  it('aligns the descriptions of every command and option in --help', async () => {
    // Act
    const run = await runCli(['--help']);
    // Assert
    const section = (title: string): string[] => run.stdout.split(`${title}:\n`)[1]!.split('\n\n')[0]!.split('\n');
    const rows = [...section('Commands'), ...section('Options')];
    const columns = rows.map((row) => /^ {2}\S+(?:, \S+)? {2,}/.exec(row)?.[0].length);
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['render', 'validate', 'schema', 'manager-patches', 'harden', 'lint', 'cloud-init', '-h,', '--version']);
    expect(new Set(columns)).toEqual(new Set([columns[0]]));
    expect(columns[0]).toBeGreaterThan(0);
  });
});

describe('capi-gen validate: usage errors exit 2', () => {
  it('rejects an unknown option', async () => {
    // Act
    const run = await runCli(['validate', '--strict', 'examples/validate/kubeadm-docker-v1beta2.yaml']);
    // Assert
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `capi-gen: unknown option --strict for validate; run 'capi-gen validate --help' for the options\n${USAGE_LINE}\n`,
    });
  });

  it('rejects a bad --format value', async () => {
    // Act
    const run = await runCli(['validate', '--format', 'yaml', 'examples/validate/kubeadm-docker-v1beta2.yaml']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`capi-gen: --format must be text or json, got "yaml"; use e.g. --format text\n${USAGE_LINE}\n`);
  });

  it('rejects a bad --placeholders value', async () => {
    // Act
    const run = await runCli(['validate', '--placeholders=maybe', 'examples/validate/kubeadm-docker-v1beta2.yaml']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`capi-gen: --placeholders must be auto, on or off, got "maybe"; use e.g. --placeholders auto\n${USAGE_LINE}\n`);
  });

  it('rejects an option without its value', async () => {
    // Act
    const run = await runCli(['validate', 'examples/validate/kubeadm-docker-v1beta2.yaml', '--format']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`capi-gen: option --format needs a value; run 'capi-gen validate --help' for the options\n${USAGE_LINE}\n`);
  });

  it('rejects a call without input', async () => {
    // Act
    const run = await runCli(['validate']);
    // Assert
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `capi-gen: validate needs at least one file, directory or - (stdin); e.g. capi-gen validate cluster.yaml\n${USAGE_LINE}\n`,
    });
  });
});
