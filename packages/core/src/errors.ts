/**
 * Every kind of problem capi-gen reports. A closed union, so callers can switch on it and
 * tests can assert on it; each code is documented in docs/findings.md.
 */
export type IssueCode =
  /** The YAML text does not parse. */
  | 'YAML_SYNTAX'
  /** A mapping has the same key twice (YAML forbids it; Kubernetes' decoder rejects it). */
  | 'YAML_DUPLICATE_KEY'
  /** A plain scalar that YAML 1.1 (Go, cloud-init, Kubernetes) reads differently from YAML 1.2. */
  | 'YAML_11_HAZARD'
  /** A document without apiVersion or kind, or where they are not strings. */
  | 'NOT_AN_OBJECT'
  /** A Cluster API group and kind with no vendored CRD serving that version. */
  | 'UNKNOWN_API_VERSION'
  /** A kind that is served, but in another API group than the one written. */
  | 'WRONG_API_GROUP'
  /** The object does not match the CRD's OpenAPI schema. */
  | 'SCHEMA'
  /** A field the schema does not know (kube-apiserver would prune it; kubectl --validate=strict rejects it). */
  | 'UNKNOWN_FIELD'
  /** metadata violates ObjectMeta rules (name, namespace, labels, annotations). */
  | 'METADATA'
  /** x-kubernetes-list-type set/map uniqueness violated. */
  | 'LIST_TYPE'
  /** An x-kubernetes-validations CEL rule evaluated to false or failed to evaluate. */
  | 'CEL_RULE'
  /** A cluster spec does not match the spec schema (unknown key, wrong type, bad value). */
  | 'SPEC'
  /** A cluster spec is well-formed but asks for something that cannot work (even replicas, missing section). */
  | 'SPEC_RULE'
  /** An option was refused (e.g. --contract v1beta2 with a MicroK8s flavor). */
  | 'REFUSED_OPTION'
  /** A flavor's template did not render or did not produce valid YAML objects. */
  | 'TEMPLATE'
  /** A rendered object failed validation: a capi-gen or flavor bug, never the user's. */
  | 'OUTPUT_INVALID'
  /** A machine's bootstrap user-data would exceed what the infrastructure accepts. */
  | 'USER_DATA_TOO_LARGE';

/** How bad a finding is. Errors make `validate` exit 1; warnings are reported but do not fail. */
export type Severity = 'error' | 'warning' | 'info';

/** Where a finding sits in the user's YAML text. Lines and columns are 1-based. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One finding: what is wrong, where, and what to do. */
export interface Issue {
  readonly code: IssueCode;
  readonly severity: Severity;
  /** `Kind/name` of the object, `Kind` alone when it has no name, or `document N` when it has no kind. */
  readonly object: string;
  /** JSON pointer into the object (RFC 6901), '' for the whole object. */
  readonly path: string;
  /** Says what is wrong and what is allowed. */
  readonly message: string;
  /** Set when the issue comes from text (a file or stdin). */
  readonly source?: SourcePosition;
  /** For CEL_RULE: the rule text as the CRD states it. */
  readonly rule?: string;
}

/** Thrown by library calls that cannot produce a result; carries every issue found. */
export class CapiGenError extends Error {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[], message?: string) {
    super(message ?? issues.map(formatIssue).join('\n'));
    this.name = 'CapiGenError';
    this.issues = issues;
  }
}

/** Formats an issue as `file:line:col: severity CODE Kind/name /path: message`. */
export function formatIssue(issue: Issue): string {
  const where = issue.source === undefined ? '' : `${issue.source.file}:${issue.source.line}:${issue.source.col}: `;
  const path = issue.path === '' ? '' : ` ${issue.path}`;
  return `${where}${issue.severity} ${issue.code} ${issue.object}${path}: ${issue.message}`;
}
