// What every capi-gen command does with its argv before its own work: node:util parseArgs with
// our messages, -h/--help, the checks several commands share (one positional, none, non-empty
// values, one-of values, the clusterctl-template pair), and the exit codes outcomes map to.
// main.ts defines the commands with defineCommand and is still the only module that touches
// process.argv, stdout/stderr and process.exitCode: these helpers only push to the arrays given.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes (house style 6.6); main.ts's header says when each is used. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A usage problem: what is wrong and what to do, printed as `capi-gen: <what>; <do>` and the command's usage line. */
export class UsageError extends Error {
  readonly hint: string;
  constructor(what: string, hint: string) {
    super(what);
    this.hint = hint;
  }
}

/** Prints a usage problem and returns the usage exit code. */
export function fail(stderr: string[], what: string, hint: string, usage: string): number {
  stderr.push(`capi-gen: ${what}; ${hint}\n${usage}\n`);
  return EXIT_USAGE;
}

/** Turns node:util parseArgs errors into our own short messages. */
function describeParseError(err: unknown, command: string): UsageError {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const hint = `run 'capi-gen ${command} --help' for the options`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? message;
    return new UsageError(`unknown option ${option} for ${command}`, hint);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
    return new UsageError(option === undefined ? message : `option ${option} needs a value`, hint);
  }
  return new UsageError(message, hint);
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
type Config<O extends Options> = { args: string[]; strict: true; allowPositionals: true; options: O & typeof HELP_OPTION };
/** The values and positionals of a command's argv, typed by its options. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/** A command: its name, usage line, help text, options (-h/--help is added) and what it does with them. */
export interface CommandDefinition<O extends Options> {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  readonly options: O;
  /** Runs after parsing when --help was not given; returns the exit code. */
  readonly run: (parsed: Parsed<O>, stdout: string[], stderr: string[]) => Promise<number>;
}

/** A defined command, its option types erased so that commands can sit in one list. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  /** Parses `args` (throwing {@link UsageError}), prints the help for -h/--help, else runs the command. */
  readonly invoke: (args: string[], stdout: string[], stderr: string[]) => Promise<number>;
}

export function defineCommand<const O extends Options>(def: CommandDefinition<O>): Command {
  return {
    name: def.name,
    usage: def.usage,
    help: def.help,
    async invoke(args, stdout, stderr) {
      let parsed: Parsed<O>;
      try {
        parsed = parseArgs<Config<O>>({ args, strict: true, allowPositionals: true, options: { ...def.options, ...HELP_OPTION } });
      } catch (err) {
        throw describeParseError(err, def.name);
      }
      if ((parsed.values as { help?: boolean }).help === true) {
        stdout.push(def.help);
        return EXIT_OK;
      }
      return def.run(parsed, stdout, stderr);
    },
  };
}

/** `value` when it is one of `allowed`, `fallback` when it is absent; otherwise a usage error. */
export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got "${value}"`, `use e.g. --${option} ${fallback}`);
}

/** Refuses `option ''`: `<option> needs <what>, got an empty string; e.g. <example>`. */
export function notEmpty(option: string, value: string | undefined, what: string, example: string): void {
  if (value === '') throw new UsageError(`${option} needs ${what}, got an empty string`, `e.g. ${example}`);
}

/** The one positional of a command that reads one input (`- ` for stdin); usage error for none or several. */
export function onePositional(command: string, positionals: readonly string[], needs: string, takes: string, example: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? `${command} needs ${needs} or - (stdin)` : `${command} takes ${takes}, got ${positionals.length}: ${positionals.join(' ')}`,
      example,
    );
  }
  return positionals[0]!;
}

/** Refuses positionals for a command that takes none. */
export function noPositionals(command: string, positionals: readonly string[], hint: string): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments, got ${positionals.join(' ')}`, hint);
}

/** `--clusterctl-template` / `--no-clusterctl-template` (harden, lint): on, off, or auto when neither is given. */
export function clusterctlTemplateMode(values: { readonly 'clusterctl-template'?: boolean | undefined; readonly 'no-clusterctl-template'?: boolean | undefined }): 'on' | 'off' | 'auto' {
  const on = values['clusterctl-template'] === true;
  const off = values['no-clusterctl-template'] === true;
  if (on && off) throw new UsageError('--clusterctl-template and --no-clusterctl-template contradict each other', 'give one of them, or neither to detect it');
  return on ? 'on' : off ? 'off' : 'auto';
}

/** A failed outcome: its lines (and the usage line when given) on stderr, exit 2. */
export function failed(stderr: string[], lines: readonly string[], usage?: string): number {
  for (const line of lines) stderr.push(`${line}\n`);
  if (usage !== undefined) stderr.push(`${usage}\n`);
  return EXIT_USAGE;
}

/** What a command that prints its output or writes it into a directory (-o) returns. */
export type PrintedOrWritten =
  | { readonly kind: 'stdout'; readonly text: string }
  | { readonly kind: 'written'; readonly dir: string; readonly files: readonly string[]; readonly notes: readonly string[] }
  | { readonly kind: 'failed'; readonly lines: readonly string[] };

/**
 * render and manager-patches: the text on stdout (exit 0); or the notes and the count of files
 * written on stderr (exit 0); or the failure lines (exit 2).
 */
export function printedOrWritten(stdout: string[], stderr: string[], outcome: PrintedOrWritten): number {
  switch (outcome.kind) {
    case 'stdout':
      stdout.push(outcome.text);
      return EXIT_OK;
    case 'written':
      for (const note of outcome.notes) stderr.push(`${note}\n`);
      stderr.push(`capi-gen: wrote ${outcome.files.length} files to ${outcome.dir}\n`);
      return EXIT_OK;
    case 'failed':
      return failed(stderr, outcome.lines);
  }
}
