// @capi-gen/core/lint: the lint API alone. The CLI's lint command imports this subpath instead of
// the package root so that its bundle chunk holds only what lint runs (esbuild's code splitting
// puts everything the root index re-exports into the chunk of every command that imports the
// root: render's Handlebars and the spec's Ajv compiler included). The root index exports the
// same names.
export { allLintRules, compareFindings, knownRuleIds, lintText, lintTexts, type LintInput, type LintResult, type LintTextOptions } from './engine.ts';
export { DEFAULT_LINT_CONFIG, findLintConfigFile, globMatcher, isIgnored, isLintConfigFile, LINT_CONFIG_FILE, loadLintConfigFile, parseLintConfig, type LintConfig, type LintConfigOutcome, type LintConfigProblem, type ParseLintConfigOptions, type RuleSetting } from './config.ts';
export { describeFinding, formatFinding, renderLintSummary, renderLintText, summarizeLint, type LintSummary } from './format/text.ts';
export { LINT_JSON_VERSION, renderLintJson } from './format/json.ts';
export { LINT_DOCS_PATH, renderLintSarif, type LintSarifOptions } from './format/sarif.ts';
export { LINT_RULES_JSON_VERSION, renderLintRules } from './format/rules.ts';
export { escapeData, escapeProperty, formatAnnotation, renderLintGithub } from './format/github.ts';
export { docsAnchor, ENGINE_RULES, VALIDATOR_RULES, type LintRuleInfo } from './validator-rules.ts';
export { RULES } from './rules/index.ts';
export type { LintContext, LintDocument, LintFinding, LintRule, RuleFinding } from './types.ts';
export type { Severity, SourcePosition } from '../errors.ts';
