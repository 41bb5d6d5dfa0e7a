// SARIF 2.1.0 output (for GitHub code scanning and other SARIF viewers): one run, the tool's rules
// from the rules' metadata, one result per finding.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Severity } from '../../errors.ts';
import type { LintResult } from '../engine.ts';
import type { LintRuleInfo } from '../validator-rules.ts';
import { describeFinding } from './text.ts';

/** Options of {@link renderLintSarif}. */
export interface LintSarifOptions {
  /** Metadata of every rule that can appear (engine `allLintRules()`). */
  readonly rules: readonly LintRuleInfo[];
  /** The tool version written into the log. */
  readonly version?: string;
  /**
   * Absolute URI that `docs/lint.md` is resolved against for each rule's `helpUri` (for example
   * the repository's blob URL ending in `/`). SARIF requires helpUri to be an absolute URI, so
   * without a base there is no helpUri; `help` and `properties.docs` still name the section.
   */
  readonly docsBaseUri?: string;
}

/** The docs file whose sections the rules' anchors point into. */
export const LINT_DOCS_PATH = 'docs/lint.md';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

/** A file name as a SARIF artifact URI: relative paths stay relative (segment-encoded), absolute ones become file: URIs. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** The SARIF log object for a lint run. */
export function buildLintSarif(results: readonly LintResult[], options: LintSarifOptions): Log {
  const ruleIndex = new Map<string, number>();
  const rules: ReportingDescriptor[] = options.rules.map((r, i) => {
    ruleIndex.set(r.id, i);
    const docs = `${LINT_DOCS_PATH}${r.docs}`;
    return {
      id: r.id,
      shortDescription: { text: r.summary },
      help: { text: `${r.fix} (see ${docs})`, markdown: `${r.fix} (see [${docs}](${docs}))` },
      ...(options.docsBaseUri === undefined ? {} : { helpUri: new URL(docs, options.docsBaseUri).href }),
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { docs },
    };
  });
  const sarifResults: Result[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const index = ruleIndex.get(f.ruleId);
      sarifResults.push({
        ruleId: f.ruleId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: LEVEL[f.severity],
        message: { text: describeFinding(f) },
        locations: [
          {
            physicalLocation: {
              artifactLocation: isAbsolute(f.source.file) ? { uri: artifactUri(f.source.file) } : { uri: artifactUri(f.source.file), uriBaseId: '%SRCROOT%' },
              region: { startLine: f.source.line, startColumn: f.source.col },
            },
          },
        ],
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'capi-gen', ...(options.version === undefined ? {} : { version: options.version }), rules } },
        // Columns count UTF-16 code units, as JavaScript strings (and our positions) do.
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
}

/** The SARIF log as JSON text (two-space indent, final newline). */
export function renderLintSarif(results: readonly LintResult[], options: LintSarifOptions): string {
  return `${JSON.stringify(buildLintSarif(results, options), null, 2)}\n`;
}
