// Telling a clusterctl template from a plain manifest: the one rule for the `auto` mode of
// `capi-gen lint`, `capi-gen harden` (hardenText) and `capi-gen validate` (validateText). `${` in
// the text is the sign of a template, but shell scripts use `${VAR:-default}` too: capi-gen's own
// node scripts in `capi-gen render` and `capi-gen harden` output, and users' scripts in
// `files[].content`. Taking such a manifest for a template would list the scripts' variables as
// placeholders and, in harden, escape what it writes (`${` -> `$${`), which breaks the scripts of
// a manifest clusterctl never sees. clusterctl templates name their objects and versions with
// placeholders on one line, so a text is a template when a key or a one-line string holds `${`,
// or when a document does not parse until its placeholders are masked (`[${X:= }]`); `${` only
// inside multi-line strings does not count. A document that does not parse even with its
// placeholders masked (a pnpm banner piped in before a render, a typo) is no evidence either way:
// it is judged per document, so it does not turn the scripts of the other documents into a template.
import { loadDocuments } from './load.ts';
import type { LoadedDocument } from './types.ts';

/** True when a key or a one-line string of a value holds `${`. */
function hasOneLinePlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${') && !v.includes('\n');
  if (Array.isArray(v)) return v.some(hasOneLinePlaceholder);
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (k.includes('${') || hasOneLinePlaceholder(x)) return true;
  }
  return false;
}

/**
 * Whether `text` is a clusterctl template (see the module comment). When the detector had to read
 * the documents the way the verdict says (`loadDocuments(text, { file, placeholders: template })`),
 * `loaded` holds them for the caller to reuse instead of reading the text again.
 */
export function detectClusterctlTemplate(text: string, file: string): { readonly template: boolean; readonly loaded?: LoadedDocument[] } {
  if (!text.includes('${')) return { template: false };
  const loaded = loadDocuments(text, { file, placeholders: false });
  if (loaded.some((d) => hasOneLinePlaceholder(d.value))) return { template: true };
  const broken = loaded.filter((d) => d.issues.some((i) => i.code === 'YAML_SYNTAX'));
  const masked = broken.length > 0 ? maskingFixes(text, file, broken) : undefined;
  if (masked !== undefined) return { template: true, loaded: masked };
  return { template: false, loaded };
}

/**
 * The documents read with placeholders masked, when masking makes one of the `broken` documents
 * parse (masking keeps every line, so a document starts on the same line either way): only then is
 * its parse failure the sign of a template (`tags: [${TAGS:= }]`) rather than a plain syntax error.
 */
function maskingFixes(text: string, file: string, broken: readonly LoadedDocument[]): LoadedDocument[] | undefined {
  const docs = loadDocuments(text, { file, placeholders: true });
  const masked = new Map(docs.map((d) => [d.startLine, d]));
  const fixed = broken.some((b) => {
    const m = masked.get(b.startLine);
    return m !== undefined && !m.issues.some((i) => i.code === 'YAML_SYNTAX');
  });
  return fixed ? docs : undefined;
}
