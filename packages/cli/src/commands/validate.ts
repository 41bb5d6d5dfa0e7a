// `capi-gen validate`: resolve inputs to texts, validate each with @capi-gen/core, summarize.
// Returns values only; main.ts prints them and picks the exit code.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LINT_CONFIG_FILE, validateText, type ValidationResult } from '@capi-gen/core';
import { byCodeUnit, filesUnder, readInputs, STDIN } from './_read-input.ts';

/** Options of {@link runValidate}, already checked by main.ts. */
export interface ValidateCommandOptions {
  /** Files, directories, or `-` for stdin, as the user wrote them. */
  readonly inputs: readonly string[];
  readonly placeholders: 'auto' | 'on' | 'off';
  /** Reads all of stdin; called at most once, and only when an input is `-`. */
  readonly readStdin: () => Promise<string>;
}

/** Counts over every document of every input. */
export interface ValidateSummary {
  /** Documents that hold something (empty documents are not counted). */
  readonly objects: number;
  /** Objects a vendored CRD schema checked. */
  readonly checked: number;
  readonly errors: number;
  readonly warnings: number;
  /** Objects without a vendored CRD and without errors (v1/Secret, AWSCluster, ...). */
  readonly skipped: number;
  /** `apiVersion/Kind` of the skipped objects, sorted, without duplicates. */
  readonly skippedKinds: readonly string[];
}

/** Everything `validate` found, in input order. */
export interface ValidateReport {
  readonly results: readonly ValidationResult[];
  readonly summary: ValidateSummary;
}

/** An input that could not be read: what is wrong and what to do. */
export interface InputProblem {
  readonly what: string;
  readonly hint: string;
}

export type ValidateOutcome =
  | { readonly kind: 'done'; readonly report: ValidateReport }
  | { readonly kind: 'unreadable'; readonly problems: readonly InputProblem[] };

const YAML_FILE = /\.ya?ml$/;

function describeFsError(path: string, err: unknown): InputProblem {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return { what: `cannot read ${path}: no such file or directory`, hint: 'check the path' };
    case 'EACCES':
    case 'EPERM':
      return { what: `cannot read ${path}: permission denied`, hint: 'check its permissions' };
    case 'EISDIR':
      return { what: `cannot read ${path}: it is a directory`, hint: 'pass the directory itself, not a path inside it' };
    case 'ENOTDIR':
      return { what: `cannot read ${path}: a parent of it is not a directory`, hint: 'check the path' };
    default:
      return { what: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, hint: 'check the path' };
  }
}

/**
 * Every *.yaml / *.yml file under dir, recursively (dot directories too), in sorted order; lint
 * config files (`.capi-gen.yaml`) are not manifests and are left out.
 */
function yamlFilesUnder(dir: string): Promise<string[]> {
  return filesUnder(dir, (path) => YAML_FILE.test(path) && basename(path) !== LINT_CONFIG_FILE, true);
}

/** Expands the inputs to a list of (path, reader); directories become their YAML files. */
async function resolveInputs(inputs: readonly string[], problems: InputProblem[]): Promise<string[]> {
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
      problems.push(describeFsError(input, err));
      continue;
    }
    if (!info.isDirectory()) {
      paths.push(input);
      continue;
    }
    try {
      const found = await yamlFilesUnder(input);
      if (found.length === 0) problems.push({ what: `no *.yaml or *.yml files in directory ${input}`, hint: 'pass a directory that holds manifests, or the files themselves' });
      paths.push(...found);
    } catch (err) {
      problems.push(describeFsError(input, err));
    }
  }
  // The same file named twice (or found through two directories) is validated once.
  return [...new Set(paths)];
}

function summarize(results: readonly ValidationResult[]): ValidateSummary {
  let objects = 0;
  let checked = 0;
  let errors = 0;
  let warnings = 0;
  let skipped = 0;
  const skippedKinds = new Set<string>();
  for (const result of results) {
    for (const doc of result.documents) {
      objects++;
      if (doc.checked) checked++;
      const docErrors = doc.issues.filter((i) => i.severity === 'error').length;
      errors += docErrors;
      warnings += doc.issues.filter((i) => i.severity === 'warning').length;
      if (!doc.checked && docErrors === 0) {
        skipped++;
        skippedKinds.add(doc.apiVersion !== undefined && doc.kind !== undefined ? `${doc.apiVersion}/${doc.kind}` : doc.object);
      }
    }
  }
  return { objects, checked, errors, warnings, skipped, skippedKinds: [...skippedKinds].sort(byCodeUnit) };
}

/**
 * Reads every input and validates it. Unreadable inputs are all collected first, and then
 * nothing is validated: the user gets every problem with the command line at once.
 */
export async function runValidate(options: ValidateCommandOptions): Promise<ValidateOutcome> {
  const problems: InputProblem[] = [];
  const paths = await resolveInputs(options.inputs, problems);
  // Read in parallel, but report problems in input order.
  const reads = await readInputs(paths, options.readStdin, describeFsError);
  const texts: string[] = [];
  for (const read of reads) {
    if ('problem' in read) problems.push(read.problem);
    else texts.push(read.text);
  }
  if (problems.length > 0) return { kind: 'unreadable', problems };

  const results: ValidationResult[] = [];
  for (const [i, path] of paths.entries()) {
    results.push(await validateText(texts[i] ?? '', { file: path, placeholders: options.placeholders }));
  }
  return { kind: 'done', report: { results, summary: summarize(results) } };
}
