// Reading inputs, for every command that takes files: a file, or stdin for `-` (`readInput`,
// `capi-gen harden` and `capi-gen cloud-init`), several of them in parallel (`readInputs`,
// `validate` and `lint`), and the walk of a directory they expand (`filesUnder`).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The input that names stdin. */
export const STDIN = '-';

/** Plain code-unit order, so that output does not depend on the locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text of one input: stdin for `-`, else the file. */
function readText(input: string, readStdin: () => Promise<string>): Promise<string> {
  return input === STDIN ? readStdin() : readFile(input, 'utf8');
}

/** `capi-gen: cannot read <path>: <why>; check the path`. */
function describeReadError(path: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const why =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
  return `capi-gen: cannot read ${path}: ${why}; check the path`;
}

/**
 * The text of `input` (`-` reads stdin), or the line saying why it cannot be read; `label` names
 * the input in that line.
 */
export async function readInput(input: string, readStdin: () => Promise<string>, label: string): Promise<{ readonly text: string } | { readonly problem: string }> {
  try {
    return { text: await readText(input, readStdin) };
  } catch (err) {
    return { problem: describeReadError(label, err) };
  }
}

/**
 * Reads every path in parallel (`-` is stdin), in the order given: its text, or what `describe`
 * makes of the error (the path is `stdin` for `-`).
 */
export function readInputs<P>(paths: readonly string[], readStdin: () => Promise<string>, describe: (path: string, err: unknown) => P): Promise<({ readonly text: string } | { readonly problem: P })[]> {
  return Promise.all(
    paths.map(async (path) => {
      try {
        return { text: await readText(path, readStdin) };
      } catch (err) {
        return { problem: describe(path === STDIN ? 'stdin' : path, err) };
      }
    }),
  );
}

/**
 * Every file under dir, recursively, in code-unit order of names; `keep` filters by path.
 * Links to files and directories are followed (a dangling link is kept, and reported when read);
 * directories whose name starts with a dot are walked only when `dot`.
 */
export async function filesUnder(dir: string, keep: (path: string) => boolean, dot: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => byCodeUnit(a.name, b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      isDir = target?.isDirectory() ?? false;
      isFile = target === undefined || target.isFile();
    }
    if (isDir) {
      if (!dot && entry.name.startsWith('.')) continue;
      files.push(...(await filesUnder(path, keep, dot)));
    } else if (isFile && keep(path)) files.push(path);
  }
  return files;
}
