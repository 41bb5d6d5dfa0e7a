import type { Issue } from '../errors.ts';

/** A 1-based line and column in the user's file. */
export interface LineCol {
  readonly line: number;
  readonly col: number;
}

/** A clusterctl (drone/envsubst) placeholder found in the text. */
export interface Placeholder {
  /** Offset of the `$` in the text, and the offset just past the closing `}`. */
  readonly start: number;
  readonly end: number;
  /** Variable name, e.g. `CLUSTER_NAME` (also for the legacy `${ CLUSTER_NAME }` form). */
  readonly name: string;
  /** The operator after the name (`:=`, `:-`, `=`, `-`, `%`, ...) or '' for a bare `${VAR}`. */
  readonly operator: string;
  /** The raw text after the operator (may itself hold placeholders), or undefined without operator. */
  readonly argument: string | undefined;
}

/** Options for {@link loadDocuments}. */
export interface LoadOptions {
  /** Name used in findings (a path, or `-` for stdin). */
  readonly file: string;
  /**
   * Treat `${...}` as clusterctl placeholders: the text is parsed with each placeholder
   * masked (so `[${X:= }]` parses), and string values keep the original placeholder text.
   */
  readonly placeholders: boolean;
  /**
   * Locate with the line reader of fast-locate.ts where it is sure (default true); false: always
   * from npm yaml's AST (tests compare the two).
   */
  readonly fastLocate?: boolean;
}

/** One YAML document of a (multi-document) text, parsed the way Kubernetes parses it. */
export interface LoadedDocument {
  /** 0-based index of the document in the text. */
  readonly index: number;
  /**
   * The value, with Kubernetes' YAML 1.1 resolution of plain scalars (sigs.k8s.io/yaml):
   * `yes`/`on`/`y` are true, `0755` is 493. Undefined for an empty document or when the
   * document has a syntax error.
   */
  readonly value: unknown;
  /** YAML_SYNTAX, YAML_DUPLICATE_KEY and YAML_11_HAZARD issues, with source positions. */
  readonly issues: readonly Issue[];
  /** 1-based line of the document's first line in the whole text. */
  readonly startLine: number;
  /**
   * Where a JSON pointer sits in the text: the start of the value's node, or of its key when
   * `key` is true. A pointer to something absent resolves to its nearest present ancestor.
   * Parses the document for positions only on first call (positions are only needed for
   * documents that have findings).
   */
  locate(pointer: string, options?: { readonly key?: boolean }): LineCol;
}
