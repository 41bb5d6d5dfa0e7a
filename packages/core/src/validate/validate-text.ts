import type { Issue } from '../errors.ts';
import { detectClusterctlTemplate } from '../yaml/clusterctl-template.ts';
import { loadDocuments } from '../yaml/load.ts';
import { placeholderNames } from '../yaml/placeholders.ts';
import type { LoadedDocument } from '../yaml/types.ts';
import type { DocumentResult, ValidateTextOptions, ValidationResult } from './types.ts';
import { checkObject, objectLabel } from './validate-object.ts';

function byPosition(a: Issue, b: Issue): number {
  const la = a.source?.line ?? 0;
  const lb = b.source?.line ?? 0;
  return la - lb || (a.source?.col ?? 0) - (b.source?.col ?? 0);
}

/**
 * Whether a text is treated as a clusterctl template under the given option. `auto` (default)
 * decides as lint and harden do (yaml/clusterctl-template.ts): `${` in a key or a one-line value,
 * or a text that only parses with its placeholders masked; `${` only in multi-line strings (node
 * scripts, such as those in capi-gen's own output) does not make a template.
 */
export function usesPlaceholders(text: string, mode: ValidateTextOptions['placeholders']): boolean {
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return detectClusterctlTemplate(text, '<text>').template;
}

/**
 * Validates every document of a (multi-document) YAML text like an API server create, and
 * ties each finding to its file, line and column. YAML problems (syntax, duplicate keys,
 * YAML 1.1 hazards) are findings too; nothing here throws on bad input.
 */
export async function validateText(text: string, options: ValidateTextOptions = {}): Promise<ValidationResult> {
  const file = options.file ?? '<text>';
  const mode = options.placeholders ?? 'auto';
  // why: in auto mode the detector has read a plain text already; its documents are reused.
  const detected = mode === 'auto' ? detectClusterctlTemplate(text, file) : { template: mode === 'on' };
  const placeholders = detected.template;
  return validateLoaded(text, detected.loaded ?? loadDocuments(text, { file, placeholders }), file, placeholders);
}

/**
 * {@link validateText} on documents already loaded from `text` by `loadDocuments(text, { file,
 * placeholders })`, so that a caller that needs the documents too (lint) reads the text once and
 * shares the lazily parsed positions.
 */
export async function validateLoaded(text: string, docs: readonly LoadedDocument[], file: string, placeholders: boolean): Promise<ValidationResult> {
  const documents: DocumentResult[] = [];
  for (const doc of docs) {
    if (doc.value === undefined || doc.value === null) {
      if (doc.issues.length > 0) {
        documents.push({ index: doc.index, object: objectLabel(undefined, doc.index), apiVersion: undefined, kind: undefined, checked: false, issues: doc.issues });
      }
      continue;
    }
    const check = await checkObject(doc.value, { placeholders }, doc.index);
    const located: Issue[] = check.issues.map(({ atKey, ...issue }) => {
      const pos = doc.locate(issue.path, { key: atKey });
      return { ...issue, source: { file, line: pos.line, col: pos.col } };
    });
    const yamlIssues = doc.issues.map((i) => ({ ...i, object: check.object }));
    documents.push({
      index: doc.index,
      object: check.object,
      apiVersion: check.apiVersion,
      kind: check.kind,
      checked: check.checked,
      issues: [...yamlIssues, ...located].sort(byPosition),
    });
  }
  return {
    file,
    documents,
    issues: documents.flatMap((d) => d.issues),
    placeholders: placeholders ? placeholderNames(text) : [],
  };
}
