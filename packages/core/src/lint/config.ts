// `.capi-gen.yaml`: rule severities, disabled rules and paths lint skips.
//
//   rules:
//     ref/unresolved: warning      # error | warning | info | off
//     yaml/yaml11-hazard: off
//   ignore:
//     - vendor/**                  # relative to the directory of .capi-gen.yaml
//     - "*.generated.yaml"         # no slash: matches a file or directory name at any depth
//
// Globs are matched with picomatch, not node:path's matchesGlob: that one exists only from Node
// 20.17 (the CLI supports 20.10) and prints an ExperimentalWarning on every run in Node 20 and 22.
// picomatch has no dependencies, is what fdir, vite and chokidar use, and esbuild bundles it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Severity } from '../errors.ts';

/** What `.capi-gen.yaml` can set for a rule. */
export type RuleSetting = Severity | 'off';

/** The lint configuration: from a `.capi-gen.yaml`, or {@link DEFAULT_LINT_CONFIG}. */
export interface LintConfig {
  /** The file it was read from; undefined for the default. */
  readonly file: string | undefined;
  /** The directory `ignore` globs are relative to (the config file's). */
  readonly baseDir: string;
  /** Severity overrides and disabled (`off`) rules, by rule id. */
  readonly rules: ReadonlyMap<string, RuleSetting>;
  /** Globs of paths lint skips. */
  readonly ignore: readonly string[];
}

/** No overrides, nothing ignored. */
export const DEFAULT_LINT_CONFIG: LintConfig = { file: undefined, baseDir: '.', rules: new Map(), ignore: [] };

/** The name lint looks for in the current directory and each parent. */
export const LINT_CONFIG_FILE = '.capi-gen.yaml';

/** A problem in a config file, at `file:line:col` (line 0 when the file could not be read). */
export interface LintConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** Options of {@link parseLintConfig}. */
export interface ParseLintConfigOptions {
  /** Path of the config file (for messages and as the base of `ignore`). */
  readonly file: string;
  /** Every rule id that exists; any other id in `rules` is an error. */
  readonly knownRules: ReadonlySet<string>;
}

export type LintConfigOutcome = { readonly config: LintConfig; readonly problems?: undefined } | { readonly config?: undefined; readonly problems: readonly LintConfigProblem[] };

const SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
const TOP_KEYS = ['rules', 'ignore'];

/**
 * Reads a `.capi-gen.yaml` text. Every problem is reported with its position (unknown keys,
 * unknown rule ids, bad severities, bad globs); nothing throws on bad input.
 */
export function parseLintConfig(text: string, options: ParseLintConfigOptions): LintConfigOutcome {
  const { file, knownRules } = options;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: LintConfigProblem[] = [];
  const at = (node: unknown, message: string): void => {
    const offset = (node as { range?: readonly number[] | null } | null | undefined)?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, col, message });
  };
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    problems.push({ file, line, col, message: `${e.message.replace(/\s+/g, ' ').trim()} (${e.code})` });
  }
  if (problems.length > 0) return { problems };

  const rules = new Map<string, RuleSetting>();
  const ignore: string[] = [];
  const root = doc.contents;
  if (root !== null && !(isScalar(root) && (root.value === null || root.value === ''))) {
    if (!isMap(root)) {
      at(root, `must be a mapping with the keys ${TOP_KEYS.join(' and ')}`);
      return { problems };
    }
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const value = pair.value;
      if (key === 'rules') {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isMap(value)) {
          at(value, 'rules must be a mapping of rule id to error, warning, info or off');
          continue;
        }
        for (const rule of value.items) {
          const id = isScalar(rule.key) ? String(rule.key.value) : undefined;
          if (id === undefined || !knownRules.has(id)) {
            at(rule.key, `unknown rule id ${JSON.stringify(id ?? String(rule.key))}; capi-gen lint --list-rules and docs/lint.md list the ids`);
            continue;
          }
          const setting = isScalar(rule.value) ? rule.value.value : undefined;
          if (typeof setting !== 'string' || !(SETTINGS as readonly string[]).includes(setting)) {
            at(rule.value ?? rule.key, `rule ${id}: must be error, warning, info or off, got ${JSON.stringify(setting ?? null)}`);
            continue;
          }
          rules.set(id, setting as RuleSetting);
        }
      } else if (key === 'ignore') {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isSeq(value)) {
          at(value, 'ignore must be a list of globs (e.g. - vendor/**)');
          continue;
        }
        for (const item of value.items) {
          const glob = isScalar(item) ? item.value : undefined;
          if (typeof glob !== 'string' || glob.trim() === '') at(item, 'ignore: each entry must be a non-empty glob string');
          else if (glob.startsWith('!')) at(item, `ignore: negated globs are not supported, got ${JSON.stringify(glob)}; list only what to skip`);
          else ignore.push(glob);
        }
      } else {
        at(pair.key, `unknown key ${JSON.stringify(key ?? String(pair.key))}; allowed: ${TOP_KEYS.join(', ')}`);
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { config: { file, baseDir: dirname(resolve(file)), rules, ignore } };
}

/** Reads and parses a config file; an unreadable file is a problem at line 0. */
export function loadLintConfigFile(file: string, knownRules: ReadonlySet<string>): LintConfigOutcome {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
    return { problems: [{ file, line: 0, col: 0, message: `cannot read the config file: ${why}` }] };
  }
  return parseLintConfig(text, { file, knownRules });
}

/**
 * Whether a path is a lint config file and not a manifest: any file named `.capi-gen.yaml`, or
 * the config file in use (`--config ci/lint.yaml`). Lint and validate never read one as a
 * manifest, whether a directory walk, a glob or the command line brings it.
 */
export function isLintConfigFile(path: string, config?: LintConfig): boolean {
  if (path === '-') return false;
  if (basename(path) === LINT_CONFIG_FILE) return true;
  return config?.file !== undefined && resolve(path) === resolve(config.file);
}

/** The nearest `.capi-gen.yaml` in `startDir` or one of its parents, or undefined. */
export function findLintConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, LINT_CONFIG_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A matcher for gitignore-like globs: `*` stays in one path segment, `**` spans segments, a
 * leading `/` anchors at the base, a glob without `/` matches a name at any depth, and a match on
 * a directory covers everything under it. Paths are `/`-separated and relative.
 */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const patterns = globs.map((g) => {
    let p = g.trim().replace(/\\/g, '/');
    if (p.endsWith('/')) p = p.slice(0, -1);
    if (p.startsWith('/')) return p.slice(1);
    if (p.startsWith('./')) return p.slice(2);
    return p.includes('/') ? p : `**/${p}`;
  });
  const isMatch = picomatch(patterns, { dot: true });
  return (relativePath: string): boolean => {
    const parts = relativePath.split('/').filter((s) => s !== '' && s !== '.');
    // why: the path itself and every directory above it, so `vendor` skips vendor/a/b.yaml.
    for (let i = parts.length; i > 0; i--) {
      if (isMatch(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

const matchers = new WeakMap<LintConfig, (relativePath: string) => boolean>();

/** Whether `ignore` skips a path (relative to the working directory, or absolute); never stdin. */
export function isIgnored(config: LintConfig, path: string): boolean {
  if (config.ignore.length === 0 || path === '-') return false;
  let match = matchers.get(config);
  if (match === undefined) {
    match = globMatcher(config.ignore);
    matchers.set(config, match);
  }
  const rel = relative(resolve(config.baseDir), isAbsolute(path) ? path : resolve(path));
  // A path outside the config's directory is not covered by its globs.
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return false;
  return match(rel.split(sep).join('/'));
}
