// Helpers for rule tests: inline YAML, a LintContext built without the engine, and the engine
// run with one rule so that tests see that rule's findings with line and column.
import { lintText } from '../../src/lint/engine.ts';
import type { LintContext, LintFinding, LintRule, RuleFinding } from '../../src/lint/types.ts';
import { objectLabel } from '../../src/validate/validate-object.ts';
import { validateText } from '../../src/validate/validate-text.ts';
import { loadDocuments } from '../../src/yaml/load.ts';
import { placeholderNames } from '../../src/yaml/placeholders.ts';

/** Removes the common indentation of a template literal and its first and last empty lines. */
export function dedent(strings: TemplateStringsArray | string, ...values: unknown[]): string {
  const raw = typeof strings === 'string' ? strings : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

/** A LintContext as the engine builds it (without default substitution), for calling `rule.check` directly. */
export async function contextOf(text: string, file = 'test.yaml'): Promise<LintContext> {
  const template = text.includes('${');
  const loaded = loadDocuments(text, { file, placeholders: template });
  return {
    file,
    text,
    documents: loaded.map((d) => ({ index: d.index, value: d.value, object: objectLabel(d.value, d.index), locate: (p, o) => d.locate(p, o) })),
    clusterctlTemplate: template,
    placeholders: template ? placeholderNames(text) : [],
    validation: await validateText(text, { file, placeholders: template ? 'on' : 'off' }),
  };
}

/** `rule.check` on a text. */
export async function check(rule: LintRule, text: string): Promise<RuleFinding[]> {
  return rule.check(await contextOf(text));
}

/** The engine's findings of one rule on a text (other rules do not run; validator findings are dropped). */
export async function lintWith(rule: LintRule, text: string): Promise<LintFinding[]> {
  const result = await lintText(text, { file: 'test.yaml', rules: [rule] });
  return result.findings.filter((f) => f.ruleId === rule.id);
}

/** `line:col path` of each finding, for compact assertions. */
export function where(findings: readonly LintFinding[]): string[] {
  return findings.map((f) => `${f.source.line}:${f.source.col} ${f.path}`);
}

/** The rule with an id from a list (fails loudly when it is missing). */
export function ruleById(rules: readonly LintRule[], id: string): LintRule {
  const rule = rules.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`no rule ${id}`);
  return rule;
}
