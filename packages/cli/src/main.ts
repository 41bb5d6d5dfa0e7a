// The capi-gen command line: argv -> command -> output -> exit code.
// This is the only module that touches process.argv, stdin/stdout/stderr and process.exitCode;
// commands return values and renderers return strings.
//
// Exit codes (house style 6.6):
//   0  every document is valid (warnings allowed)
//   1  at least one finding of severity error in the user's manifests
//   2  usage error, unreadable input, or capi-gen itself failed
import { parseArgs } from 'node:util';

// Replaced at bundle time by scripts/build.mjs with the version in package.json.
declare const CAPI_GEN_VERSION: string;

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

const USAGE = 'usage: capi-gen validate <file|dir|->... [--format text|json] [--placeholders auto|on|off] [--quiet]';

const HELP = `capi-gen: Cluster API manifests, validated the way kube-apiserver would validate them.

Usage:
  capi-gen <command> [options]

Commands:
  validate   check manifests against the vendored Cluster API CRDs

Options:
  -h, --help     show this help (also: capi-gen <command> --help)
  --version      print the version

Exit codes: 0 valid, 1 findings of severity error, 2 usage error or unreadable input.
`;

const VALIDATE_HELP = `Usage:
  capi-gen validate <file|dir|->... [options]

Validates every document of every input like an API server create: the CRD's OpenAPI schema
(with defaults), unknown fields, x-kubernetes-validations CEL rules, list types and ObjectMeta.
Directories are searched recursively for *.yaml and *.yml files (sorted); - reads stdin.
Kinds without a vendored CRD (v1/Secret, ...) are reported as skipped, not as errors.

Options:
  --format text|json           text (default): one line per finding,
                                 file:line:col: severity CODE Kind/name /json/pointer: message
                               and a summary on stderr; json: one JSON document on stdout
  --placeholders auto|on|off   clusterctl \${VAR} placeholders: auto (default) treats a text
                               that contains \${ as a clusterctl template; on always; off never
  -q, --quiet                  text format: print only findings of severity error, no summary
  -h, --help                   show this help

Exit codes: 0 valid (warnings allowed), 1 findings of severity error,
            2 usage error or unreadable input.
`;

/** A usage problem: what is wrong and what to do, printed as `capi-gen: <what>; <do>`. */
class UsageError extends Error {
  readonly hint: string;
  constructor(what: string, hint: string) {
    super(what);
    this.hint = hint;
  }
}

function fail(stderr: string[], what: string, hint: string): number {
  stderr.push(`capi-gen: ${what}; ${hint}\n${USAGE}\n`);
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

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got "${value}"`, `use e.g. --${option} ${fallback}`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function validateCommand(args: string[], stdout: string[], stderr: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        placeholders: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw describeParseError(err, 'validate');
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    stdout.push(VALIDATE_HELP);
    return EXIT_OK;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const placeholders = oneOf('placeholders', values.placeholders, ['auto', 'on', 'off'] as const, 'auto');
  if (positionals.length === 0) {
    throw new UsageError('validate needs at least one file, directory or - (stdin)', 'e.g. capi-gen validate cluster.yaml');
  }

  // Loaded only for this command: core, yaml and the CRD index are the bulk of the bundle.
  const { runValidate } = await import('./commands/validate.ts');
  const outcome = await runValidate({ inputs: positionals, placeholders, readStdin });
  if (outcome.kind === 'unreadable') {
    for (const p of outcome.problems) stderr.push(`capi-gen: ${p.what}; ${p.hint}\n`);
    stderr.push(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (format === 'json') {
    const { renderJson } = await import('./output/json.ts');
    stdout.push(renderJson(outcome.report));
  } else {
    const { renderText } = await import('./output/text.ts');
    const text = renderText(outcome.report, { quiet: values.quiet === true });
    stdout.push(text.stdout);
    stderr.push(text.stderr);
  }
  return outcome.report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** Runs one invocation; collects output so that it is written once, in order. */
async function run(argv: string[], stdout: string[], stderr: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    stderr.push(HELP);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    stdout.push(HELP);
    return EXIT_OK;
  }
  if (first === '--version') {
    stdout.push(`${CAPI_GEN_VERSION}\n`);
    return EXIT_OK;
  }
  try {
    switch (first) {
      case 'validate':
        return await validateCommand(rest, stdout, stderr);
      case 'help':
        if (rest[0] === 'validate') {
          stdout.push(VALIDATE_HELP);
          return EXIT_OK;
        }
        return fail(stderr, `no help for unknown command "${rest[0] ?? ''}"`, "run 'capi-gen --help' for the commands");
      default:
        if (first.startsWith('-')) return fail(stderr, `unknown option ${first}`, "options go after the command; run 'capi-gen --help'");
        return fail(stderr, `unknown command "${first}"`, "run 'capi-gen --help' for the commands");
    }
  } catch (err) {
    if (err instanceof UsageError) return fail(stderr, err.message, err.hint);
    throw err;
  }
}

const stdout: string[] = [];
const stderr: string[] = [];
let code: number;
try {
  code = await run(process.argv.slice(2), stdout, stderr);
} catch (err) {
  // A bug in capi-gen, not a finding: never exit 1, which means "your manifests have errors".
  stderr.push(`capi-gen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}; please report this with the input that caused it\n`);
  code = EXIT_USAGE;
}
if (stdout.length > 0) process.stdout.write(stdout.join(''));
if (stderr.length > 0) process.stderr.write(stderr.join(''));
process.exitCode = code;
