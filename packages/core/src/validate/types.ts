import type { Issue } from '../errors.ts';

/** Options for {@link validateText}. */
export interface ValidateTextOptions {
  /** Name used in findings; defaults to `<text>`. */
  readonly file?: string;
  /**
   * clusterctl placeholders (`${VAR}`, `${VAR:=default}`, ...): `auto` (default) treats them as
   * placeholders when a key or a one-line value contains `${` (yaml/clusterctl-template.ts; `${`
   * only inside multi-line scripts does not count); `on` always; `off` never.
   */
  readonly placeholders?: 'auto' | 'on' | 'off';
}

/** What was found in one document of a text. */
export interface DocumentResult {
  /** 0-based index of the document in the text. */
  readonly index: number;
  /** `Kind/name`, `Kind`, or `document N` when there is no kind. */
  readonly object: string;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  /**
   * True when a vendored CRD schema checked the object. False for kinds outside the vendored
   * CRDs (v1/Secret, AWSCluster, ...), which are reported as skipped rather than as errors.
   */
  readonly checked: boolean;
  readonly issues: readonly Issue[];
}

/** The result of validating one text. */
export interface ValidationResult {
  readonly file: string;
  readonly documents: readonly DocumentResult[];
  /** Every issue of every document, in document order, then by position. */
  readonly issues: readonly Issue[];
  /** Names of the clusterctl placeholders the text uses, sorted, without duplicates. */
  readonly placeholders: readonly string[];
}

/** Options for {@link validateObject}. */
export interface ValidateObjectOptions {
  /**
   * Suppress findings on string values that hold clusterctl placeholders (their value is
   * only known after `clusterctl generate`). Default false.
   */
  readonly placeholders?: boolean;
}
