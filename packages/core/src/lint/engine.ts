// The lint engine: text -> LintContext -> every rule + the validator's findings -> config
// severities -> suppressions -> sorted findings. Never throws on bad input, and a rule that
// throws is reported as a finding (lint/internal-error), not a crash.
import type { Issue, Severity } from '../errors.ts';
import type { DocumentResult, ValidationResult } from '../validate/types.ts';
import { objectLabel } from '../validate/validate-object.ts';
import { validateLoaded, validateText } from '../validate/validate-text.ts';
import { detectClusterctlTemplate } from '../yaml/clusterctl-template.ts';
import { loadDocuments } from '../yaml/load.ts';
import { placeholderNames } from '../yaml/placeholders.ts';
import { DEFAULT_LINT_CONFIG, isIgnored, type LintConfig } from './config.ts';
import { RULES } from './rules/index.ts';
import { substituteDefaults, type SubstitutedText } from './substitute.ts';
import { findSuppressions, indexSuppressions } from './suppress.ts';
import type { LintContext, LintDocument, LintFinding, LintRule, RuleFinding } from './types.ts';
import { ENGINE_RULES, INTERNAL_ERROR_RULE, UNKNOWN_SUPPRESSION_RULE, VALIDATOR_RULES, validatorRuleFor, type LintRuleInfo } from './validator-rules.ts';

/** Options of {@link lintText}. */
export interface LintTextOptions {
  /** Name used in findings (a path, or `-` for stdin). */
  readonly file: string;
  /** Severity overrides and disabled rules; `ignore` is applied by {@link lintTexts}, not here. */
  readonly config?: LintConfig;
  /**
   * Whether the text is a clusterctl template: `auto` (default) when a `${` appears outside
   * multi-line strings (see yaml/clusterctl-template.ts).
   */
  readonly clusterctlTemplate?: 'auto' | 'on' | 'off';
  /** The rules to run instead of {@link RULES} (tests). Validator and engine rules always run. */
  readonly rules?: readonly LintRule[];
}

/** What lint found in one text. */
export interface LintResult {
  readonly file: string;
  /** Sorted by file, line, column, rule id. */
  readonly findings: readonly LintFinding[];
  /** Names of the clusterctl placeholders the text uses (sorted, unique); empty unless a template. */
  readonly placeholders: readonly string[];
  readonly clusterctlTemplate: boolean;
}

/** One input of {@link lintTexts}. */
export interface LintInput {
  readonly file: string;
  readonly text: string;
  readonly clusterctlTemplate?: 'auto' | 'on' | 'off';
}

/** Every rule's metadata (RULES, then the validator's, then the engine's), for outputs and docs. */
export function allLintRules(rules: readonly LintRule[] = RULES): LintRuleInfo[] {
  return [...rules, ...VALIDATOR_RULES, ...ENGINE_RULES].map(({ id, severity, summary, fix, docs }) => ({ id, severity, summary, fix, docs }));
}

/** Every rule id that exists (for config and suppression checks). */
export function knownRuleIds(rules: readonly LintRule[] = RULES): Set<string> {
  return new Set(allLintRules(rules).map((r) => r.id));
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders findings by file, line, column, then rule id (stable for the rest). */
export function compareFindings(a: LintFinding, b: LintFinding): number {
  return byCodeUnit(a.source.file, b.source.file) || a.source.line - b.source.line || a.source.col - b.source.col || byCodeUnit(a.ruleId, b.ruleId);
}

/** A finding before config and suppressions, with the document it belongs to. */
interface Pending {
  readonly finding: LintFinding;
  readonly document: number;
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim() || 'no message';
}

/** The validator's result with positions moved from the substituted copy back to the original. */
function mapValidation(result: ValidationResult, sub: SubstitutedText): ValidationResult {
  if (!sub.changed) return result;
  const mapIssue = (issue: Issue): Issue => (issue.source === undefined ? issue : { ...issue, source: { ...issue.source, ...sub.toOriginal(issue.source.line, issue.source.col) } });
  const documents: DocumentResult[] = result.documents.map((d) => ({ ...d, issues: d.issues.map(mapIssue) }));
  return { ...result, documents, issues: documents.flatMap((d) => d.issues) };
}

/**
 * Lints one (multi-document) YAML text: the validator's findings (schema, CEL, YAML) as rules,
 * and every lint rule. Severities and disabled rules come from `config`; suppression comments in
 * the text are applied. Never throws on bad input.
 */
export async function lintText(text: string, options: LintTextOptions): Promise<LintResult> {
  const file = options.file;
  const config = options.config ?? DEFAULT_LINT_CONFIG;
  const rules = options.rules ?? RULES;
  const mode = options.clusterctlTemplate ?? 'auto';
  const detected = mode === 'auto' ? detectClusterctlTemplate(text, file) : { template: mode === 'on' };
  const template = detected.template;
  const placeholders = template ? placeholderNames(text) : [];

  const sub: SubstitutedText | undefined = template ? substituteDefaults(text) : undefined;
  const loaded = detected.loaded ?? loadDocuments(text, { file, placeholders: template });
  // The validator reads the text with `${VAR:=default}` replaced by its default when there is one
  // (its own parse); otherwise it checks the documents the rules see (one parse, shared positions).
  const validation =
    sub?.changed === true ? mapValidation(await validateText(sub.text, { file, placeholders: 'on' }), sub) : await validateLoaded(text, loaded, file, template);

  const documents: LintDocument[] = loaded.map((d) => ({
    index: d.index,
    value: d.value,
    object: objectLabel(d.value, d.index),
    locate: (pointer, locateOptions) => d.locate(pointer, locateOptions),
  }));
  const context: LintContext = { file, text, documents, clusterctlTemplate: template, placeholders, validation };
  const documentOfLine = (line: number): number => {
    let index = 0;
    for (const d of loaded) {
      if (d.startLine <= line) index = d.index;
      else break;
    }
    return index;
  };
  const fileLevel = (rule: LintRuleInfo, message: string, line = 1, col = 1, object = ''): Pending => ({
    finding: { ruleId: rule.id, severity: rule.severity, object, path: '', message, fix: rule.fix, source: { file, line, col } },
    document: documentOfLine(line),
  });

  const pending: Pending[] = [];
  // The validator's findings, one rule per IssueCode.
  for (const doc of validation.documents) {
    for (const issue of doc.issues) {
      const rule = validatorRuleFor(issue.code);
      const source = issue.source ?? { file, line: loaded[doc.index]?.startLine ?? 1, col: 1 };
      pending.push({
        finding: { ruleId: rule.id, severity: issue.severity, object: issue.object, path: issue.path, message: issue.message, fix: rule.fix, source: { file, line: source.line, col: source.col } },
        document: doc.index,
      });
    }
  }
  // The lint rules; one that throws or reports nonsense does not stop the others.
  for (const rule of rules) {
    if (config.rules.get(rule.id) === 'off') continue;
    let found: readonly unknown[];
    try {
      found = rule.check(context);
      if (!Array.isArray(found)) throw new TypeError(`check() returned ${typeof found}, not an array of findings`);
    } catch (err) {
      pending.push(fileLevel(INTERNAL_ERROR_RULE, `rule ${rule.id} failed: ${errorMessage(err)}; its findings for this file are missing`));
      continue;
    }
    for (const f of found as readonly Partial<RuleFinding>[]) {
      const doc = typeof f?.document === 'number' ? documents[f.document] : undefined;
      if (doc === undefined || typeof f.path !== 'string' || typeof f.message !== 'string') {
        pending.push(fileLevel(INTERNAL_ERROR_RULE, `rule ${rule.id} reported a malformed finding (document ${String(f?.document)}, path ${JSON.stringify(f?.path)})`));
        continue;
      }
      let pos: { line: number; col: number };
      try {
        pos = doc.locate(f.path, { key: f.atKey === true });
      } catch (err) {
        pending.push(fileLevel(INTERNAL_ERROR_RULE, `rule ${rule.id}: cannot locate ${f.path} in document ${doc.index + 1}: ${errorMessage(err)}`));
        continue;
      }
      pending.push({
        finding: { ruleId: rule.id, severity: f.severity ?? rule.severity, object: doc.object, path: f.path, message: f.message, fix: rule.fix, source: { file, line: pos.line, col: pos.col } },
        document: doc.index,
      });
    }
  }
  // Suppression comments; an unknown rule id in one is itself a finding.
  const suppressions = findSuppressions(text);
  if (suppressions.length > 0) {
    const known = knownRuleIds(rules);
    for (const s of suppressions) {
      for (const id of s.rules) {
        if (id === 'all' || known.has(id)) continue;
        const doc = documents[documentOfLine(s.line)];
        pending.push(fileLevel(UNKNOWN_SUPPRESSION_RULE, `capi-gen-disable-${s.kind} names the unknown rule ${JSON.stringify(id)}; it suppresses nothing`, s.line, s.col, doc?.object ?? ''));
      }
    }
  }
  const index = indexSuppressions(suppressions, documentOfLine);

  const shown: Pending[] = [];
  for (const { finding, document } of pending) {
    const setting = config.rules.get(finding.ruleId);
    if (setting === 'off') continue;
    if (index.isSuppressed(finding.ruleId, finding.source.line, document)) continue;
    shown.push({ finding: setting === undefined ? finding : { ...finding, severity: setting satisfies Severity }, document });
  }
  // A shown finding that says the same as another one at the same place more helpfully replaces it.
  const replacing = new Map(rules.filter((r) => r.supersedes !== undefined).map((r) => [r.id, r.supersedes!]));
  const superseded = new Set<string>();
  const place = (document: number, path: string, ruleId: string): string => `${document}\u0000${path}\u0000${ruleId}`;
  for (const { finding, document } of shown) for (const id of replacing.get(finding.ruleId) ?? []) superseded.add(place(document, finding.path, id));
  const findings = shown.filter((p) => superseded.size === 0 || !superseded.has(place(p.document, p.finding.path, p.finding.ruleId))).map((p) => p.finding);
  findings.sort(compareFindings);
  return { file, findings, placeholders, clusterctlTemplate: template };
}

/**
 * Lints several texts in order, skipping those the config's `ignore` globs match (relative to
 * the config file's directory). Results keep the input order.
 */
export async function lintTexts(inputs: readonly LintInput[], config: LintConfig = DEFAULT_LINT_CONFIG): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const input of inputs) {
    if (isIgnored(config, input.file)) continue;
    results.push(await lintText(input.text, { file: input.file, config, ...(input.clusterctlTemplate === undefined ? {} : { clusterctlTemplate: input.clusterctlTemplate }) }));
  }
  return results;
}
