// Telling a clusterctl template from a plain manifest (the `auto` mode of `capi-gen harden`).
// `${` in the text is the sign of a template, but shell scripts use `${VAR:-default}` too: capi-gen's
// own node scripts, once a plain manifest is hardened, and the user's scripts in `files[].content`.
// Taking such a manifest for a template would escape what harden writes (`${` -> `$${`, `$$` ->
// `$$$$`), which breaks the scripts of a manifest that clusterctl never sees. clusterctl templates
// name their objects and versions with placeholders on one line, so, as `capi-gen lint` decides it
// (lint/engine.ts detectTemplate): a text is a template when a key or a one-line string holds `${`,
// or when it does not parse without masking its placeholders (`[${X:= }]`); `${` only inside
// multi-line strings does not count.
import { loadDocuments } from '../yaml/load.ts';

/** True when a key or a one-line string of a value holds `${`. */
function hasOneLinePlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${') && !v.includes('\n');
  if (Array.isArray(v)) return v.some(hasOneLinePlaceholder);
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (k.includes('${') || hasOneLinePlaceholder(x)) return true;
  }
  return false;
}

/** Whether `text` looks like a clusterctl template (see the module comment). */
export function looksLikeClusterctlTemplate(text: string): boolean {
  if (!text.includes('${')) return false;
  return loadDocuments(text, { file: '<text>', placeholders: false }).some((d) => d.issues.some((i) => i.code === 'YAML_SYNTAX') || hasOneLinePlaceholder(d.value));
}
