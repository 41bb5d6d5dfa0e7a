// Node scripts are data (templates/scripts/*.sh), loaded here, once per path, for every
// transform that ships one into bootstrap user-data.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CapiGenError } from '../errors.ts';
import { defaultTemplatesDir } from '../flavors/flavor.ts';

/** Where node scripts are looked up: the user's templates folder, then the built-in one. */
export interface ScriptDirs {
  /** A templates folder; its `scripts/` is searched first. */
  readonly templatesDir: string;
  /**
   * The built-in templates, searched when `templatesDir/scripts/` lacks a file. A bundle that
   * ships them beside itself (the CLI: dist/templates) passes that folder, since package
   * resolution of @capi-gen/templates fails there. @defaultValue {@link defaultTemplatesDir}
   */
  readonly builtinTemplatesDir?: string;
}

/** Jinja's default delimiters: cloud-init renders the whole `## template: jinja` user-data. */
const JINJA = /\{[{%#]/;

/** KubeadmConfigSpec `files[].content` maxLength (CRD); MicroK8s user-data is smaller still in practice. */
export const MAX_NODE_SCRIPT_CHARS = 10240;

/** `# capi-gen:include <file>`: the whole line is replaced by that file from the same scripts folder. */
const INCLUDE = /^# capi-gen:include (.*)$/;
/** What an included file may be called: a plain file name in the scripts folder, no path. */
const INCLUDE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A refused node script as a CapiGenError (the CLI maps it to exit 2 with the message, not to an
 * internal error): the message starts with `file:line` as before; the issue carries the position.
 */
function scriptError(file: string, line: number | undefined, message: string): CapiGenError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new CapiGenError(
    [{ code: 'TEMPLATE', severity: 'error', object: basename(file), path: '', message, ...(line === undefined ? {} : { source: { file, line, col: 1 } }) }],
    `${where}: ${message}`,
  );
}

const scripts = new Map<string, string>();

/** The built-in templates folder, or a CapiGenError naming the script that is missing. */
function builtinOrFail(own: string): string {
  try {
    return defaultTemplatesDir();
  } catch {
    throw new CapiGenError([
      {
        code: 'REFUSED_OPTION',
        severity: 'error',
        object: own,
        path: '',
        message: `${own} does not exist and the built-in templates (@capi-gen/templates) cannot be found to take it from; add that file to the templates folder`,
      },
    ]);
  }
}

interface Line {
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

function linesOf(path: string, text: string): Line[] {
  const parts = text.split('\n');
  // A final newline ends the last line; it does not start another one.
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ text: t, file: path, line: i + 1 }));
}

/**
 * A node script from `<templatesDir>/scripts/<file>`, or from the built-in templates when that
 * folder lacks it (users may pass their own flavor folder). `# capi-gen:include <name>` lines are
 * replaced by `<name>` from the same folder (one level: an included file includes nothing).
 * Refuses the assembled script when it contains a Jinja delimiter, naming the file and line (the
 * bootstrap user-data of both providers is a Jinja template), or when it is longer than
 * {@link MAX_NODE_SCRIPT_CHARS} characters (the kubeadm `files[].content` limit).
 */
export function loadNodeScript(dirs: string | ScriptDirs, file: string): string {
  const { templatesDir, builtinTemplatesDir } = typeof dirs === 'string' ? { templatesDir: dirs, builtinTemplatesDir: undefined } : dirs;
  const own = join(templatesDir, 'scripts', file);
  const path = existsSync(own) ? own : join(builtinTemplatesDir ?? builtinOrFail(own), 'scripts', file);
  const cached = scripts.get(path);
  if (cached !== undefined) return cached;
  const folder = dirname(path);
  const lines: Line[] = [];
  for (const l of linesOf(path, readFileSync(path, 'utf8'))) {
    const inc = INCLUDE.exec(l.text);
    if (inc === null) {
      lines.push(l);
      continue;
    }
    const name = inc[1]!;
    const where = `${l.file}:${l.line}`;
    if (!INCLUDE_NAME.test(name)) {
      throw scriptError(l.file, l.line, `"# capi-gen:include ${name}": the name must be a file in the same scripts folder (letters, digits, ".", "_", "-"; no "/")`);
    }
    const incPath = join(folder, name);
    if (!existsSync(incPath)) throw scriptError(l.file, l.line, `"# capi-gen:include ${name}": ${incPath} does not exist`);
    for (const il of linesOf(incPath, readFileSync(incPath, 'utf8'))) {
      if (INCLUDE.test(il.text)) {
        throw scriptError(il.file, il.line, `an included file cannot include another (one level only, included from ${where})`);
      }
      lines.push(il);
    }
  }
  const text = lines.map((l) => `${l.text}\n`).join('');
  const jinja = JINJA.exec(text);
  if (jinja !== null) {
    const at = lines[text.slice(0, jinja.index).split('\n').length - 1]!;
    throw scriptError(
      at.file,
      at.line,
      `the script contains the Jinja delimiter "${jinja[0]}"; the bootstrap user-data of both providers (MicroK8s, kubeadm) starts with "## template: jinja", so cloud-init would rewrite it or skip the whole cloud-config. Rewrite that line (for example \${#var} -> $(printf %s "$var" | wc -c))`,
    );
  }
  // The CRD counts characters (code points), not UTF-16 units.
  const chars = [...text].length;
  if (chars > MAX_NODE_SCRIPT_CHARS) {
    throw scriptError(
      path,
      undefined,
      `the assembled script is ${chars} characters, over the ${MAX_NODE_SCRIPT_CHARS}-character limit of KubeadmConfigSpec files[].content; shorten it or its includes`,
    );
  }
  scripts.set(path, text);
  return text;
}
