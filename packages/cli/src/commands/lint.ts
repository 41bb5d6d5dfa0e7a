// `capi-gen lint`: resolve inputs (files, directories, globs, stdin) to texts, find the config,
// lint with @capi-gen/core, render the chosen format. Returns values only; main.ts prints them
// and sets the exit code.
import { stat } from 'node:fs/promises';
import {
  allLintRules,
  DEFAULT_LINT_CONFIG,
  findLintConfigFile,
  isIgnored,
  isLintConfigFile,
  knownRuleIds,
  lintTexts,
  loadLintConfigFile,
  renderLintGithub,
  renderLintRules,
  renderLintJson,
  renderLintSarif,
  renderLintSummary,
  renderLintText,
  type LintConfig,
  type LintResult,
  type Severity,
} from '@capi-gen/core/lint';
import picomatch from 'picomatch';
import { filesUnder, readInputs, STDIN } from './_read-input.ts';

export type LintFormat = 'text' | 'json' | 'sarif' | 'github';

/** Options of {@link runLint}, already checked by main.ts. */
export interface LintCommandOptions {
  /** Files, directories, globs, or `-` for stdin, as the user wrote them. */
  readonly inputs: readonly string[];
  readonly format: LintFormat;
  readonly failOn: Severity;
  /** `--config <file>`; otherwise the nearest .capi-gen.yaml from `cwd` up. */
  readonly configFile: string | undefined;
  readonly clusterctlTemplate: 'auto' | 'on' | 'off';
  readonly cwd: string;
  readonly version: string;
  /** Reads all of stdin; called at most once, and only when an input is `-`. */
  readonly readStdin: () => Promise<string>;
}

export type LintOutcome =
  | { readonly kind: 'done'; readonly results: readonly LintResult[]; readonly stdout: string; readonly stderr: string; readonly failed: boolean }
  /** Usage, I/O or config problems: one `capi-gen: ...` line each. */
  | { readonly kind: 'failed'; readonly lines: readonly string[] };

const YAML_FILE = /\.ya?ml$/;
const RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, error: 3 };

function describeFsError(path: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return `cannot read ${path}: no such file or directory; check the path`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${path}: permission denied; check its permissions`;
    case 'EISDIR':
      return `cannot read ${path}: it is a directory; pass the directory itself`;
    default:
      return `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}; check the path`;
  }
}

const toPosix = (p: string): string => p.replace(/\\/g, '/');

/**
 * Expands a glob relative to the working directory with picomatch (the matcher the config's
 * `ignore` uses): the walk starts at the glob's literal base directory.
 */
async function expandGlob(pattern: string): Promise<string[]> {
  const { base } = picomatch.scan(pattern);
  const dot = /(^|\/)\./.test(pattern);
  const isMatch = picomatch(toPosix(pattern), { dot });
  const root = base === '' ? '.' : base;
  const found = await filesUnder(root, (path) => isMatch(toPosix(path)), dot).catch(() => []);
  return found;
}

/**
 * Expands the inputs; directories become their YAML files, globs their matches. Config files
 * (`.capi-gen.yaml`, the `--config` file) are never linted as manifests: a walk or a glob skips
 * them silently, one named on the command line gets a note.
 */
async function resolveInputs(inputs: readonly string[], config: LintConfig, problems: string[], notes: string[]): Promise<string[]> {
  const lintable = (p: string): boolean => !isIgnored(config, p) && !isLintConfigFile(p, config);
  const paths: string[] = [];
  for (const input of inputs) {
    if (input === STDIN) {
      paths.push(STDIN);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (err) {
      if (picomatch.scan(input).isGlob) {
        const found = (await expandGlob(input)).filter(lintable);
        if (found.length === 0) problems.push(`no files match ${input}; check the glob (quote it so the shell does not expand it)`);
        paths.push(...found);
      } else {
        problems.push(describeFsError(input, err));
      }
      continue;
    }
    if (!info.isDirectory()) {
      if (isLintConfigFile(input, config)) notes.push(`capi-gen: note: ${input} is a lint config file, not a manifest; not linted\n`);
      else if (!isIgnored(config, input)) paths.push(input);
      continue;
    }
    try {
      const found = await filesUnder(input, (p) => YAML_FILE.test(p), false);
      const all = found.filter((p) => !isLintConfigFile(p, config));
      if (all.length === 0) {
        const besides = found.length > 0 ? ' besides the lint config (.capi-gen.yaml)' : '';
        problems.push(`no *.yaml or *.yml files in directory ${input}${besides}; pass a directory that holds manifests, or the files themselves`);
      }
      paths.push(...all.filter((p) => !isIgnored(config, p)));
    } catch (err) {
      problems.push(describeFsError(input, err));
    }
  }
  // The same file named twice (or found twice) is linted once.
  return [...new Set(paths)];
}

function loadConfig(options: LintCommandOptions): { config: LintConfig } | { lines: string[] } {
  const file = options.configFile ?? findLintConfigFile(options.cwd);
  if (file === undefined) return { config: DEFAULT_LINT_CONFIG };
  const outcome = loadLintConfigFile(file, knownRuleIds());
  if (outcome.problems !== undefined) {
    return { lines: outcome.problems.map((p) => `capi-gen: ${p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file}: ${p.message}`) };
  }
  return { config: outcome.config };
}

/** `capi-gen lint --list-rules`: every rule id, default severity and summary. */
export function listLintRules(format: 'text' | 'json'): string {
  return renderLintRules(allLintRules(), format);
}

/** Reads the config and every input, lints them, and renders the format. */
export async function runLint(options: LintCommandOptions): Promise<LintOutcome> {
  const loaded = loadConfig(options);
  if ('lines' in loaded) return { kind: 'failed', lines: loaded.lines };
  const { config } = loaded;

  const problems: string[] = [];
  const notes: string[] = [];
  const paths = await resolveInputs(options.inputs, config, problems, notes);
  const reads = await readInputs(paths, options.readStdin, describeFsError);
  const texts: { file: string; text: string; clusterctlTemplate: 'auto' | 'on' | 'off' }[] = [];
  for (const [i, read] of reads.entries()) {
    if ('problem' in read) problems.push(read.problem);
    else texts.push({ file: paths[i] ?? '', text: read.text, clusterctlTemplate: options.clusterctlTemplate });
  }
  if (problems.length > 0) return { kind: 'failed', lines: problems.map((p) => `capi-gen: ${p}`) };

  const results = await lintTexts(texts, config);
  const failed = results.some((r) => r.findings.some((f) => RANK[f.severity] >= RANK[options.failOn]));
  switch (options.format) {
    case 'json':
      return { kind: 'done', results, failed, stdout: renderLintJson(results), stderr: notes.join('') };
    case 'sarif':
      return { kind: 'done', results, failed, stdout: renderLintSarif(results, { rules: allLintRules(), version: options.version }), stderr: notes.join('') };
    case 'github':
      return { kind: 'done', results, failed, stdout: renderLintGithub(results), stderr: notes.join('') + renderLintSummary(results) };
    case 'text':
      return { kind: 'done', results, failed, stdout: renderLintText(results), stderr: notes.join('') + renderLintSummary(results) };
  }
}
