// Text output of `capi-gen validate`: findings on stdout (one per line, greppable and
// clickable as file:line:col), the summary and placeholder notes on stderr.
import { formatIssue } from '@capi-gen/core';
import type { ValidateReport, ValidateSummary } from '../commands/validate.ts';

/** Options of {@link renderText}. */
export interface TextOptions {
  /** Print only findings of severity error, and no summary. */
  readonly quiet: boolean;
}

// The skipped kinds are listed in the summary up to this many, then counted.
const MAX_SKIPPED_KINDS_LISTED = 5;

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `checked 8 of 12 objects in 3 files: 2 errors, 1 warning; 4 objects skipped (no vendored CRD: v1/Secret)` */
export function renderSummary(summary: ValidateSummary, files: number): string {
  const { objects, checked, errors, warnings, skipped, skippedKinds } = summary;
  const what = checked === objects ? count(objects, 'object') : `${checked} of ${count(objects, 'object')}`;
  let line = `checked ${what} in ${count(files, 'file')}: ${count(errors, 'error')}, ${count(warnings, 'warning')}`;
  if (skipped > 0) {
    const listed = skippedKinds.slice(0, MAX_SKIPPED_KINDS_LISTED).join(', ');
    const more = skippedKinds.length > MAX_SKIPPED_KINDS_LISTED ? `, and ${skippedKinds.length - MAX_SKIPPED_KINDS_LISTED} more` : '';
    line += `; ${count(skipped, 'object')} skipped (no vendored CRD: ${listed}${more})`;
  }
  return line;
}

/** Renders the report as text; stdout holds the findings, stderr the notes and summary. */
export function renderText(report: ValidateReport, options: TextOptions): { stdout: string; stderr: string } {
  const out: string[] = [];
  const notes: string[] = [];
  for (const result of report.results) {
    for (const issue of result.issues) {
      if (options.quiet && issue.severity !== 'error') continue;
      out.push(`${formatIssue(issue)}\n`);
    }
    if (!options.quiet && result.placeholders.length > 0) {
      notes.push(`${result.file}: clusterctl template, placeholders: ${result.placeholders.join(', ')}\n`);
    }
  }
  if (!options.quiet) notes.push(`${renderSummary(report.summary, report.results.length)}\n`);
  return { stdout: out.join(''), stderr: notes.join('') };
}
