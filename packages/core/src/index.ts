// The public API of @capi-gen/core: a short list, chosen. Everything else is internal.
export { CapiGenError, formatIssue, type Issue, type IssueCode, type Severity, type SourcePosition } from './errors.ts';
export { validateText, usesPlaceholders } from './validate/validate-text.ts';
export { validateObject } from './validate/validate-object.ts';
export type { DocumentResult, ValidateObjectOptions, ValidateTextOptions, ValidationResult } from './validate/types.ts';
export { findPlaceholders, hasPlaceholder, placeholderNames } from './yaml/placeholders.ts';
export type { Placeholder } from './yaml/types.ts';
