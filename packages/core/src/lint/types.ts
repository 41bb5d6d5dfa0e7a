// The contract between the lint engine (engine.ts), the rules (rules/*.ts) and the outputs.
import type { Severity, SourcePosition } from '../errors.ts';
import type { ValidationResult } from '../validate/types.ts';

/** One document of a linted text, as rules see it. */
export interface LintDocument {
  /** 0-based index in the file. */
  readonly index: number;
  /** The parsed value (Kubernetes YAML 1.1 reading); undefined for empty or unparsable documents. */
  readonly value: unknown;
  /** `Kind/name` or `document N`. */
  readonly object: string;
  /** Position of a JSON pointer in the file (the key when `key` is true); lazy, cheap to call. */
  locate(pointer: string, options?: { readonly key?: boolean }): { readonly line: number; readonly col: number };
}

/** Everything a rule may read about one file. */
export interface LintContext {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly LintDocument[];
  /** True when the text is a clusterctl template (holds `${` placeholders, or forced by option). */
  readonly clusterctlTemplate: boolean;
  /** Names of the placeholders the text uses. */
  readonly placeholders: readonly string[];
  /** The validator's result for this text (schema, CEL, defaults, YAML findings). */
  readonly validation: ValidationResult;
}

/** What a rule reports, before severity overrides and suppressions. */
export interface RuleFinding {
  /** Index of the document the finding is about. */
  readonly document: number;
  /** JSON pointer inside that document ('' = the whole object). */
  readonly path: string;
  /** Point at the key instead of the value. */
  readonly atKey?: boolean;
  /** What is wrong, specifically (the rule's fix hint is added by the engine). */
  readonly message: string;
  /** Overrides the rule's default severity for this finding (rare). */
  readonly severity?: Severity;
}

/** One lint rule: a stable id, a default severity, a one-line fix hint and a docs entry. */
export interface LintRule {
  /** Stable id, `group/name` (e.g. `ref/unresolved`); never reused for another meaning. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule catches. */
  readonly summary: string;
  /** One line: how to fix it. */
  readonly fix: string;
  /** Anchor in docs/lint.md (`#ref-unresolved`). */
  readonly docs: string;
  /**
   * Rule ids whose finding at the same document and JSON pointer this rule's finding replaces
   * (it says the same thing more helpfully); the other finding is dropped when this one is shown.
   */
  readonly supersedes?: readonly string[];
  check(context: LintContext): RuleFinding[];
}

/** A finding as the outputs print it. */
export interface LintFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly object: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  readonly source: SourcePosition;
}
