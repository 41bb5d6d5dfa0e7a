// Telling a clusterctl template from a plain manifest: the one rule for the `auto` mode of
// `capi-gen lint`, `capi-gen harden` (hardenText) and `capi-gen validate` (validateText). `${` in
// the text is the sign of a template, but shell scripts use `${VAR:-default}` too: capi-gen's own
// node scripts in `capi-gen render` and `capi-gen harden` output, and users' scripts in
// `files[].content`. Taking such a manifest for a template would list the scripts' variables as
// placeholders and, in harden, escape what it writes (`${` -> `$${`), which breaks the scripts of
// a manifest clusterctl never sees. clusterctl templates name their objects and versions with
// placeholders on one line, so a text is a template when a key or a one-line string holds `${`,
// or when it does not parse until its placeholders are masked (`[${X:= }]`); `${` only inside
// multi-line strings does not count.
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
 * Whether `text` is a clusterctl template (see the module comment). When it is not, `loaded` holds
 * its documents read without placeholders (`loadDocuments(text, { file, placeholders: false })`)
 * for the caller to reuse instead of reading the text again.
 */
export function detectClusterctlTemplate(text: string, file: string): { readonly template: boolean; readonly loaded?: LoadedDocument[] } {
  if (!text.includes('${')) return { template: false };
  const loaded = loadDocuments(text, { file, placeholders: false });
  const template = loaded.some((d) => d.issues.some((i) => i.code === 'YAML_SYNTAX') || hasOneLinePlaceholder(d.value));
  return template ? { template } : { template, loaded };
}
