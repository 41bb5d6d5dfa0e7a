// JSON output: one document, keys always in the same order (built explicitly, never spread), so
// that output diffs and snapshots are stable.
import type { LintResult } from '../engine.ts';
import { summarizeLint } from './text.ts';

/** Version of the JSON output's shape; bumped on incompatible changes. */
export const LINT_JSON_VERSION = 1;

/**
 * `{ version, files: [{ file, clusterctlTemplate, placeholders, findings: [{ ruleId, severity,
 * object, path, message, fix, source: { file, line, col } }] }], summary: { files, errors,
 * warnings, info } }`, indented by two spaces, with a final newline.
 */
export function renderLintJson(results: readonly LintResult[]): string {
  const summary = summarizeLint(results);
  const doc = {
    version: LINT_JSON_VERSION,
    files: results.map((r) => ({
      file: r.file,
      clusterctlTemplate: r.clusterctlTemplate,
      placeholders: [...r.placeholders],
      findings: r.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        object: f.object,
        path: f.path,
        message: f.message,
        fix: f.fix,
        source: { file: f.source.file, line: f.source.line, col: f.source.col },
      })),
    })),
    summary: { files: summary.files, errors: summary.errors, warnings: summary.warnings, info: summary.info },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
