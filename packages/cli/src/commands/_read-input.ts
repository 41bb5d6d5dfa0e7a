// Reading the one input of `capi-gen harden` and `capi-gen cloud-init`: a file, or stdin for `-`.
import { readFile } from 'node:fs/promises';

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
    return { text: input === '-' ? await readStdin() : await readFile(input, 'utf8') };
  } catch (err) {
    return { problem: describeReadError(label, err) };
  }
}
