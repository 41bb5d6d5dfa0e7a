// Text output: one finding per line, `file:line:col severity rule Kind/name /pointer: message (fix: ...)`.
import type { LintResult } from '../engine.ts';
import type { LintFinding } from '../types.ts';

/** Counts over every finding of every result. */
export interface LintSummary {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
}

/** Counts the files and the findings by severity. */
export function summarizeLint(results: readonly LintResult[]): LintSummary {
  let errors = 0;
  let warnings = 0;
  let info = 0;
  for (const r of results) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else info++;
    }
  }
  return { files: results.length, errors, warnings, info };
}

/** `Kind/name /pointer: message (fix: ...)`, the part of a finding every format prints. */
export function describeFinding(f: LintFinding): string {
  const subject = [f.object, f.path].filter((s) => s !== '').join(' ');
  return `${subject === '' ? '' : `${subject}: `}${f.message} (fix: ${f.fix})`;
}

/** One finding as one line (line breaks in the message become spaces). */
export function formatFinding(f: LintFinding): string {
  return `${f.source.file}:${f.source.line}:${f.source.col} ${f.severity} ${f.ruleId} ${describeFinding(f).replace(/\r?\n/g, ' ')}`;
}

/** Every finding, one per line, in result order; empty when there is none. */
export function renderLintText(results: readonly LintResult[]): string {
  const lines: string[] = [];
  for (const r of results) for (const f of r.findings) lines.push(formatFinding(f));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The summary line: `2 errors, 1 warning, 0 info in 3 files`. */
export function renderLintSummary(results: readonly LintResult[]): string {
  const s = summarizeLint(results);
  return `${plural(s.errors, 'error', 'errors')}, ${plural(s.warnings, 'warning', 'warnings')}, ${s.info} info in ${plural(s.files, 'file', 'files')}\n`;
}
