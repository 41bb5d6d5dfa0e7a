// JSON output of `capi-gen validate`: one document on stdout, keys in a fixed order and
// absent values as null, so that the output is stable and diffable.
import type { DocumentResult, Issue, ValidationResult } from '@capi-gen/core';
import type { ValidateReport } from '../commands/validate.ts';

/** One finding, with keys in a fixed order. */
export interface JsonIssue {
  readonly code: string;
  readonly severity: string;
  readonly object: string;
  readonly path: string;
  readonly message: string;
  readonly source: { readonly file: string; readonly line: number; readonly col: number } | null;
  readonly rule?: string;
}

/** The shape `capi-gen validate --format json` prints. */
export interface JsonReport {
  readonly files: readonly {
    readonly file: string;
    readonly placeholders: readonly string[];
    readonly documents: readonly {
      readonly index: number;
      readonly object: string;
      readonly apiVersion: string | null;
      readonly kind: string | null;
      readonly checked: boolean;
      readonly issues: readonly JsonIssue[];
    }[];
  }[];
  readonly summary: {
    readonly objects: number;
    readonly checked: number;
    readonly errors: number;
    readonly warnings: number;
    readonly skipped: number;
  };
}

function jsonIssue(issue: Issue): JsonIssue {
  const source = issue.source === undefined ? null : { file: issue.source.file, line: issue.source.line, col: issue.source.col };
  const base = { code: issue.code, severity: issue.severity, object: issue.object, path: issue.path, message: issue.message, source };
  return issue.rule === undefined ? base : { ...base, rule: issue.rule };
}

function jsonDocument(doc: DocumentResult): JsonReport['files'][number]['documents'][number] {
  return {
    index: doc.index,
    object: doc.object,
    apiVersion: doc.apiVersion ?? null,
    kind: doc.kind ?? null,
    checked: doc.checked,
    issues: doc.issues.map(jsonIssue),
  };
}

/** The report as {@link JsonReport}, built field by field so that key order never drifts. */
export function toJsonReport(report: ValidateReport): JsonReport {
  const { objects, checked, errors, warnings, skipped } = report.summary;
  return {
    files: report.results.map((r: ValidationResult) => ({
      file: r.file,
      placeholders: [...r.placeholders],
      documents: r.documents.map(jsonDocument),
    })),
    summary: { objects, checked, errors, warnings, skipped },
  };
}

/** Renders the report as one pretty-printed JSON document and a final newline. */
export function renderJson(report: ValidateReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
