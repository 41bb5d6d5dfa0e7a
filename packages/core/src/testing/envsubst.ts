// clusterctl's variable substitution, emulated for tests that compare a template substituted
// after hardening with the same manifest substituted first.

/**
 * clusterctl's substitution (drone/envsubst) for the forms capi-gen's tests use: `$$` (a literal
 * `$`), `${V}`, `${V:=d}` and `${V:-d}` (the default when V is unset or empty; defaults nest).
 * Variables missing from `env` become the empty string, as in clusterctl without `--strict`.
 *
 * @throws Error on any other `${...}` form, so a test never silently emulates something else.
 * @example envsubst('a-${X:=b} $$HOME', {}) // 'a-b $HOME'
 */
export function envsubst(text: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === '$' && text[j + 1] === '{') {
          depth++;
          j++;
        } else if (text[j] === '}') depth--;
      }
      const body = text.slice(i + 2, j - 1);
      const m = /^([A-Za-z0-9_]+)(?:(:[=-])([\s\S]*))?$/.exec(body);
      if (m === null) throw new Error(`envsubst: bad substitution \${${body}}`);
      const value = env[m[1]!];
      out += value !== undefined && value !== '' ? value : m[2] !== undefined ? envsubst(m[3] ?? '', env) : '';
      i = j;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}
