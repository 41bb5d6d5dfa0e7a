// Node scripts are data (templates/scripts/*.sh), loaded here, once per path, for every
// transform that ships one into bootstrap user-data.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTemplatesDir } from '../flavors/flavor.ts';

/** Jinja's default delimiters: cloud-init renders the whole `## template: jinja` user-data. */
const JINJA = /\{[{%#]/;

const scripts = new Map<string, string>();

/**
 * A node script from `<templatesDir>/scripts/<file>`, or from the built-in templates when that
 * folder lacks it (users may pass their own flavor folder). Refuses a script containing a Jinja
 * delimiter, naming the line: the bootstrap user-data of both providers is a Jinja template.
 */
export function loadNodeScript(templatesDir: string, file: string): string {
  const own = join(templatesDir, 'scripts', file);
  const path = existsSync(own) ? own : join(defaultTemplatesDir(), 'scripts', file);
  const cached = scripts.get(path);
  if (cached !== undefined) return cached;
  const text = readFileSync(path, 'utf8');
  const jinja = JINJA.exec(text);
  if (jinja !== null) {
    const line = text.slice(0, jinja.index).split('\n').length;
    throw new Error(
      `${path}:${line}: the script contains the Jinja delimiter "${jinja[0]}"; MicroK8s user-data starts with "## template: jinja", so cloud-init would rewrite it or skip the whole cloud-config. Rewrite that line (for example \${#var} -> $(printf %s "$var" | wc -c))`,
    );
  }
  scripts.set(path, text);
  return text;
}
