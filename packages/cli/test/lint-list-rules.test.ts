// `capi-gen lint --list-rules`: the rule ids a suppression comment or .capi-gen.yaml can name,
// which the lint/unknown-suppression hint points to.
import { beforeAll, describe, expect, it } from 'vitest';
import { allLintRules } from '../../core/src/lint/engine.ts';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt, 180_000);

describe('capi-gen lint --list-rules', () => {
  it('prints one aligned line per rule: id, default severity, summary', async () => {
    // Act
    const run = await runCli(['lint', '--list-rules']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(allLintRules().length);
    expect(lines).toContainEqual(expect.stringMatching(/^lint\/unknown-suppression +warning +A capi-gen-disable comment names a rule id that does not exist/));
    expect(new Set(lines.map((l) => l.search(/ (error|warning|info) /)))).toHaveProperty('size', 1);
  });

  it('--format json lists id, severity, summary, fix and docs of every rule', async () => {
    // Act
    const run = await runCli(['lint', '--list-rules', '--format', 'json']);
    // Assert
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { version: number; rules: { id: string; severity: string; summary: string; fix: string; docs: string }[] };
    expect(doc.version).toBe(1);
    expect(doc.rules.map((r) => r.id)).toEqual(allLintRules().map((r) => r.id).sort());
    expect(doc.rules.find((r) => r.id === 'schema/not-an-object')).toMatchObject({ severity: 'error', docs: 'docs/lint.md#schema-not-an-object' });
  });

  it('the unknown-suppression hint names --list-rules, which lists the ids', async () => {
    // Arrange
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # capi-gen-disable-line no/such-rule\n';
    // Act
    const run = await runCli(['lint', '-'], { input: text });
    // Assert
    expect(run.stdout).toContain('(fix: correct the rule id (capi-gen lint --list-rules lists them) or remove the comment)');
  });

  it('refuses inputs, other formats and lint options beside --list-rules (exit 2)', async () => {
    // Act
    const withInput = await runCli(['lint', '--list-rules', 'x.yaml']);
    const sarif = await runCli(['lint', '--list-rules', '--format', 'sarif']);
    const failOn = await runCli(['lint', '--list-rules', '--fail-on', 'warning']);
    // Assert
    expect(withInput.code).toBe(2);
    expect(withInput.stderr.split('\n')[0]).toBe('capi-gen: lint --list-rules takes no arguments, got x.yaml; run capi-gen lint --list-rules alone, or lint the inputs without it');
    expect(sarif.code).toBe(2);
    expect(sarif.stderr.split('\n')[0]).toBe('capi-gen: --format must be text or json, got "sarif"; use e.g. --format text');
    expect(failOn.code).toBe(2);
    expect(failOn.stderr.split('\n')[0]).toBe('capi-gen: --list-rules cannot be combined with --fail-on; drop them; --list-rules takes only --format text|json');
  });
});
