// The lint rules that are not in RULES: what the validator reports (one rule per IssueCode that
// validateText produces) and the engine's own findings. Their metadata lives here so that the
// outputs (SARIF rules, docs) list them like every other rule; docs/lint.md has a section each.
import type { IssueCode } from '../errors.ts';
import type { LintRule } from './types.ts';

/** A rule's metadata without its check: what outputs and docs need. */
export type LintRuleInfo = Pick<LintRule, 'id' | 'severity' | 'summary' | 'fix' | 'docs'>;

/** `group/name` -> `#group-name`, the anchor docs/lint.md gives the rule's section. */
export function docsAnchor(ruleId: string): string {
  return `#${ruleId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}

function info(id: string, severity: LintRuleInfo['severity'], summary: string, fix: string): LintRuleInfo {
  return { id, severity, summary, fix, docs: docsAnchor(id) };
}

/** The validator's findings as lint rules, keyed by the IssueCode they come from. */
export const VALIDATOR_RULE_BY_CODE: Readonly<Partial<Record<IssueCode, LintRuleInfo>>> = {
  YAML_SYNTAX: info('yaml/syntax', 'error', 'The text is not valid YAML; Kubernetes cannot read the document, so nothing else in it is checked.', 'fix the YAML syntax at this position'),
  YAML_DUPLICATE_KEY: info('yaml/duplicate-key', 'error', 'A mapping has the same key twice; the API server rejects the object.', 'remove one of the two keys'),
  YAML_11_HAZARD: info(
    'yaml/yaml11-hazard',
    'warning',
    'An unquoted value that YAML 1.1 (Kubernetes, cloud-init) and YAML 1.2 tools read differently, such as yes, on, 0755 or 1:30.',
    'quote the value, or write it unambiguously ("0755", true)',
  ),
  NOT_AN_OBJECT: info('schema/not-an-object', 'error', 'A document is not a mapping with string apiVersion and kind.', 'add apiVersion and kind, or remove the document'),
  UNKNOWN_API_VERSION: info('api/unknown-version', 'error', 'A Cluster API kind in a version that no vendored CRD serves (CAPO v1alpha7, CAPI v1alpha4, ...).', 'move the object to a served version; the message names them'),
  WRONG_API_GROUP: info('api/wrong-group', 'error', 'A known kind written with another API group than the one that serves it.', 'use the API group named in the message'),
  SCHEMA: info('schema/openapi', 'error', "A value does not match the CRD's OpenAPI schema (type, enum, pattern, length, range, format, required).", 'change the value to what the message says is allowed'),
  UNKNOWN_FIELD: info(
    'schema/unknown-field',
    'error',
    'A field the schema does not have: the API server drops it silently, kubectl --validate=strict rejects it.',
    'fix the typo or move the field to where this API version has it; the message lists the allowed fields',
  ),
  METADATA: info('schema/metadata', 'error', 'metadata breaks the ObjectMeta rules (name, namespace, label and annotation syntax, unknown keys).', 'change the metadata value as the message says'),
  LIST_TYPE: info('schema/list-type', 'error', 'Duplicate entries in a list the CRD declares a set or a map (x-kubernetes-list-type).', 'remove or merge the duplicate entry'),
  CEL_RULE: info('schema/cel-rule', 'error', "A CRD validation rule (x-kubernetes-validations, CEL) is false for the object; the message is the CRD's own.", 'change the object so that the rule holds; the message says how'),
};

/** The validator's rules in docs order. */
export const VALIDATOR_RULES: readonly LintRuleInfo[] = Object.values(VALIDATOR_RULE_BY_CODE);

/** A rule threw or returned something malformed; lint went on with the other rules. */
export const INTERNAL_ERROR_RULE: LintRuleInfo = info(
  'lint/internal-error',
  'error',
  'A lint rule failed on this file (a capi-gen bug, not a problem in the file); the other rules still ran.',
  'report it with the file that caused it; disable the failing rule in .capi-gen.yaml meanwhile',
);

/** A suppression comment names a rule that does not exist. */
export const UNKNOWN_SUPPRESSION_RULE: LintRuleInfo = info(
  'lint/unknown-suppression',
  'warning',
  'A capi-gen-disable comment names a rule id that does not exist, so it suppresses nothing.',
  'correct the rule id (capi-gen lint --list-rules lists them) or remove the comment',
);

/** The engine's own rules. */
export const ENGINE_RULES: readonly LintRuleInfo[] = [INTERNAL_ERROR_RULE, UNKNOWN_SUPPRESSION_RULE];

/**
 * The rule id of a validator finding. Codes validateText does not produce today fall back to
 * `schema/<code-in-kebab-case>` (and are reported under it with the generic fix below).
 */
export function validatorRuleFor(code: IssueCode): LintRuleInfo {
  return VALIDATOR_RULE_BY_CODE[code] ?? info(`schema/${code.toLowerCase().replace(/_/g, '-')}`, 'error', `Validator finding ${code}.`, 'see the message');
}
