// Telling a clusterctl template from a plain manifest that capi-gen hardened before. `${` in the
// text is the sign of a template, but capi-gen's own node scripts contain `${VAR:-default}` too:
// once a plain manifest is hardened, a second run would take it for a template and escape what it
// writes (`${` -> `$${`, `$$` -> `$$$$`), which breaks the scripts of a manifest that clusterctl
// never sees. So `${` on a line that is, trimmed, a line of one of capi-gen's node scripts (as
// written into a plain manifest: unescaped, in a literal block scalar) does not count. In a
// template those lines are escaped (`$${`) and count again, as do the user's own placeholders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTemplatesDir } from '../flavors/flavor.ts';

const cache = new Map<string, ReadonlySet<string>>();

/** Trimmed lines containing `${` of every file in `<dir>/scripts/`. */
function scriptLines(dir: string): ReadonlySet<string> {
  const folder = join(dir, 'scripts');
  const cached = cache.get(folder);
  if (cached !== undefined) return cached;
  const lines = new Set<string>();
  if (existsSync(folder)) {
    for (const name of readdirSync(folder).sort()) {
      let text: string;
      try {
        text = readFileSync(join(folder, name), 'utf8');
      } catch {
        continue; // a folder or an unreadable file holds no script line
      }
      for (const line of text.split('\n')) if (line.includes('${')) lines.add(line.trim());
    }
  }
  cache.set(folder, lines);
  return lines;
}

/** The built-in scripts' lines; none where the templates package cannot be resolved (the CLI bundle passes its own folder). */
function builtinLines(): ReadonlySet<string> {
  try {
    return scriptLines(defaultTemplatesDir());
  } catch {
    return new Set();
  }
}

/**
 * Whether `text` looks like a clusterctl template: it has a `${` on a line that is not a line of
 * capi-gen's node scripts (those of `templatesDir` and the built-in ones).
 */
export function looksLikeClusterctlTemplate(text: string, templatesDir: string | undefined): boolean {
  if (!text.includes('${')) return false;
  const ours = [builtinLines()];
  if (templatesDir !== undefined) ours.push(scriptLines(templatesDir));
  return text.split('\n').some((line) => {
    if (!line.includes('${')) return false;
    const t = line.trim();
    return !ours.some((s) => s.has(t));
  });
}
