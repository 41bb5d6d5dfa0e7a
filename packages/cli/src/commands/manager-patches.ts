// `capi-gen manager-patches`: leader-election timings for the Cluster API manager Deployments of
// a management cluster, as a kustomize overlay, kubectl patch commands or cluster-api-operator
// snippets (@capi-gen/core renderManagerPatches). Returns values only; main.ts prints them and
// picks the exit code. Nothing is written unless the whole render succeeded.
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CapiGenError, DEFAULT_MANAGER_PROVIDERS, formatIssue, renderManagerPatches, type Issue, type LeaderElectionTimings, type ManagerPatchFile, type ManagerPatchFormat } from '@capi-gen/core';
import type { PrintedOrWritten } from '../args.ts';

/** Options of {@link runManagerPatches}, already checked by main.ts. */
export interface ManagerPatchesCommandOptions {
  /** `--provider` values; absent means DEFAULT_MANAGER_PROVIDERS. */
  readonly providers?: readonly string[];
  readonly format: ManagerPatchFormat;
  readonly outDir?: string;
  /** The --leader-elect-* timings given; the others take the library's defaults. */
  readonly timings: Partial<LeaderElectionTimings>;
  /** `--provider-args <provider>=<file>`: provider id -> file with the live args. */
  readonly providerArgs: ReadonlyMap<string, string>;
  /** `--provider-version <provider>=<version>`. */
  readonly versions: ReadonlyMap<string, string>;
}

/**
 * Reads a `--provider-args` file: either the JSON array `kubectl ... -o jsonpath='{...args}'`
 * prints, or one arg per line (blank lines and lines starting with # are skipped).
 */
function parseArgsFile(text: string): string[] | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      return `it starts with [ but is not a JSON array (${err instanceof Error ? err.message : String(err)})`;
    }
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) return 'it is JSON but not an array of strings';
    return parsed as string[];
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function optionOf(issue: Issue, options: ManagerPatchesCommandOptions, providers: readonly string[]): string | undefined {
  const m = /^\/(providers|timings|currentArgs|versions)(?:\/([^/]+))?/.exec(issue.path);
  if (m === null) return undefined;
  const [, kind, key] = m;
  switch (kind) {
    case 'providers':
      return key === undefined ? '--provider' : `--provider ${providers[Number(key)] ?? ''}`;
    case 'timings':
      return key === 'leaseDuration'
        ? `--leader-elect-lease-duration ${options.timings.leaseDuration ?? '(default)'}`
        : key === 'renewDeadline'
          ? `--leader-elect-renew-deadline ${options.timings.renewDeadline ?? '(default)'}`
          : `--leader-elect-retry-period ${options.timings.retryPeriod ?? '(default)'}`;
    case 'currentArgs':
      return `--provider-args ${key ?? ''}=${options.providerArgs.get(key ?? '') ?? ''}`;
    default:
      return `--provider-version ${key ?? ''}=${options.versions.get(key ?? '') ?? ''}`;
  }
}

/** The kustomize overlay as one multi-document stream, each file introduced by `# file: <name>`. */
function stream(files: readonly ManagerPatchFile[]): string {
  return files.map((f) => `---\n# file: ${f.path}\n${f.content}`).join('');
}

async function writeFiles(dir: string, files: readonly ManagerPatchFile[], format: ManagerPatchFormat): Promise<PrintedOrWritten> {
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) return { kind: 'failed', lines: [`capi-gen: cannot write to ${dir}: it is not a directory; pass a directory to -o`] };
    for (const f of files) {
      const path = join(dir, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
      if (f.path.endsWith('.sh')) await chmod(path, 0o755);
    }
  } catch (err) {
    return { kind: 'failed', lines: [`capi-gen: cannot write to ${dir}: ${err instanceof Error ? err.message : String(err)}; check the path and its permissions`] };
  }
  const notes =
    format === 'kustomize'
      ? [`capi-gen: note: put the installed Deployments under ${join(dir, 'base')}/ (commands in kustomization.yaml), then kubectl kustomize ${dir} | kubectl apply -f -`]
      : [];
  notes.push('capi-gen: note: clusterctl upgrade (and clusterctl init) revert these changes; re-apply them after every upgrade');
  return { kind: 'written', dir, files: files.map((f) => f.path), notes };
}

/** Reads the args files, renders, and returns the text or writes the files. Never throws for bad input. */
export async function runManagerPatches(options: ManagerPatchesCommandOptions): Promise<PrintedOrWritten> {
  const currentArgs: Record<string, string[]> = {};
  const lines: string[] = [];
  for (const [provider, file] of options.providerArgs) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      lines.push(`capi-gen: --provider-args ${provider}=${file}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}; check the path`);
      continue;
    }
    const args = parseArgsFile(text);
    if (typeof args === 'string') lines.push(`capi-gen: --provider-args ${provider}=${file}: ${args}; write one arg per line or paste the JSON array kubectl prints`);
    else currentArgs[provider] = args;
  }
  if (lines.length > 0) return { kind: 'failed', lines };
  const providers = options.providers ?? DEFAULT_MANAGER_PROVIDERS;
  try {
    const result = renderManagerPatches({
      providers,
      format: options.format,
      timings: options.timings,
      currentArgs,
      versions: Object.fromEntries(options.versions),
    });
    if (options.outDir !== undefined) return await writeFiles(options.outDir, result.files, options.format);
    return { kind: 'stdout', text: options.format === 'kustomize' ? stream(result.files) : result.files.map((f) => f.content).join('') };
  } catch (err) {
    if (!(err instanceof CapiGenError)) throw err;
    return {
      kind: 'failed',
      lines: err.issues.map((i) => {
        const option = optionOf(i, options, providers);
        return option === undefined ? `capi-gen: ${formatIssue(i)}` : `capi-gen: ${option}: ${formatIssue(i)}`;
      }),
    };
  }
}
