// `capi-gen lint --list-rules`: every rule id with its default severity and summary, the list a
// suppression comment or `.capi-gen.yaml` names rules from.
import type { LintRuleInfo } from '../validator-rules.ts';
import { LINT_DOCS_PATH } from './sarif.ts';

/** Version of the `--list-rules --format json` document; raised on incompatible changes. */
export const LINT_RULES_JSON_VERSION = 1;

/**
 * Text: one line per rule, `id  severity  summary`, columns aligned, sorted by id.
 * JSON: `{ version, rules: [{ id, severity, summary, fix, docs }] }`, `docs` as `docs/lint.md#anchor`.
 */
export function renderLintRules(rules: readonly LintRuleInfo[], format: 'text' | 'json'): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (format === 'json') {
    const list = sorted.map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, fix: r.fix, docs: `${LINT_DOCS_PATH}${r.docs}` }));
    return `${JSON.stringify({ version: LINT_RULES_JSON_VERSION, rules: list }, null, 2)}\n`;
  }
  const idWidth = Math.max(...sorted.map((r) => r.id.length));
  return sorted.map((r) => `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(7)}  ${r.summary}\n`).join('');
}
