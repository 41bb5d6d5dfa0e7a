// GitHub Actions workflow commands: one `::error|warning|notice file=..,line=..,col=..,title=..::msg`
// line per finding, shown as annotations on the pull request.
//
// Escaping as the runner's toolkit does it (actions/toolkit packages/core/src/command.ts):
// message data: % -> %25, \r -> %0D, \n -> %0A; property values additionally : -> %3A, , -> %2C.
import type { Severity } from '../../errors.ts';
import type { LintResult } from '../engine.ts';
import type { LintFinding } from '../types.ts';
import { describeFinding } from './text.ts';

/** Escapes a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

/** One finding as one workflow command line. */
export function formatAnnotation(f: LintFinding): string {
  const props = [`file=${escapeProperty(f.source.file)}`, `line=${f.source.line}`, `col=${f.source.col}`, `title=${escapeProperty(f.ruleId)}`].join(',');
  return `::${COMMAND[f.severity]} ${props}::${escapeData(describeFinding(f))}`;
}

/** Every finding as a workflow command, one per line. */
export function renderLintGithub(results: readonly LintResult[]): string {
  const lines: string[] = [];
  for (const r of results) for (const f of r.findings) lines.push(formatAnnotation(f));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
