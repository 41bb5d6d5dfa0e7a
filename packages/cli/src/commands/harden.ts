// `capi-gen harden`: read one manifest (file or stdin), apply the hardening transforms with
// @capi-gen/core's hardenText, and return the text plus the lines for stderr. Returns values
// only; main.ts prints them, writes files and picks the exit code.
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  CapiGenError,
  checkCertificateOptions,
  checkLeaderElectionTimings,
  type CertificateHardening,
  formatIssue,
  hardenText,
  LEADER_ELECTION_DEFAULTS,
  type ClusterSpec,
  type HardenChange,
} from '@capi-gen/core';
import { readInput, STDIN } from './_read-input.ts';

/** Options of {@link runHarden}, already parsed by main.ts. */
export interface HardenCommandOptions {
  /** A file, or `-` for stdin. */
  readonly input: string;
  /** `auto` (default): a text containing `${` is a clusterctl template. */
  readonly clusterctlTemplate: boolean | 'auto';
  readonly leaderElection: {
    readonly enabled: boolean;
    readonly leaseDuration?: string;
    readonly renewDeadline?: string;
    readonly retryPeriod?: string;
  };
  /** Certificate options as given on the command line (numbers still text); unset ones are absent. */
  readonly certificates: {
    readonly enabled: boolean;
    readonly expiryDays?: string;
    readonly timeSyncTimeout?: string;
    readonly skewTolerance?: string;
    readonly expiryWarningDays?: string;
    readonly renewOnNode?: boolean;
    readonly textfileDir?: string;
  };
  /** Where the text goes: stdout, a file, or back into the input file. */
  readonly output: { readonly kind: 'stdout' } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'in-place' };
  /** The built-in templates folder (node scripts), copied beside the bundle. */
  readonly templatesDir: string;
  readonly readStdin: () => Promise<string>;
}

export type HardenOutcome =
  /** Hardened; `text` goes to stdout unless it was written to `written`. */
  | { readonly kind: 'done'; readonly text: string; readonly written: string | undefined; readonly report: readonly string[] }
  /** Refused options, unreadable input or a YAML syntax error: nothing is printed on stdout. */
  | { readonly kind: 'failed'; readonly lines: readonly string[] };

function changeLine(file: string, c: HardenChange): string {
  const verb = c.op === 'add' ? 'added' : c.op === 'replace' ? 'set' : 'removed';
  return `${file}:${c.line}: ${c.object} ${c.path}: ${verb} ${c.value}`;
}

/** The flag of each certificate option, for messages. */
const CERTIFICATE_FLAGS = {
  expiryDays: '--certificate-expiry-days',
  timeSyncTimeoutSeconds: '--time-sync-timeout',
  skewToleranceSeconds: '--skew-tolerance',
  expiryWarningDays: '--expiry-warning-days',
  renewOnNode: '--renew-on-node',
  textfileDir: '--textfile-dir',
  enabled: '--no-certificates',
} as const satisfies Record<keyof CertificateHardening, string>;

/** The certificate options as the spec has them, or the lines saying why they are refused. */
function certificatesOf(c: HardenCommandOptions['certificates']): { ok: CertificateHardening } | { refused: string[] } {
  const refused: string[] = [];
  const int = (option: 'expiryDays' | 'timeSyncTimeoutSeconds' | 'skewToleranceSeconds' | 'expiryWarningDays', raw: string | undefined): Partial<CertificateHardening> => {
    if (raw === undefined) return {};
    if (!/^[0-9]{1,9}$/.test(raw)) {
      refused.push(`capi-gen: refused ${CERTIFICATE_FLAGS[option]} ${JSON.stringify(raw)}: give a whole number${option.endsWith('Seconds') ? ' of seconds (e.g. 300)' : ' of days (e.g. 30)'}`);
      return {};
    }
    return { [option]: Number(raw) };
  };
  const out: CertificateHardening = {
    enabled: c.enabled,
    ...int('expiryDays', c.expiryDays),
    ...int('timeSyncTimeoutSeconds', c.timeSyncTimeout),
    ...int('skewToleranceSeconds', c.skewTolerance),
    ...int('expiryWarningDays', c.expiryWarningDays),
    ...(c.renewOnNode === true ? { renewOnNode: true } : {}),
    ...(c.textfileDir === undefined ? {} : { textfileDir: c.textfileDir }),
  };
  for (const p of checkCertificateOptions(out)) refused.push(`capi-gen: refused ${CERTIFICATE_FLAGS[p.option]}: ${p.message}`);
  return refused.length > 0 ? { refused } : { ok: out };
}

/** Builds the hardening options from the command line; every option given is explicit. */
function hardeningOf(le: HardenCommandOptions['leaderElection'], certificates: CertificateHardening): NonNullable<ClusterSpec['hardening']> {
  return { certificates, leaderElection: le };
}

/** Reads, hardens and (with -o or --in-place) writes one manifest. */
export async function runHarden(options: HardenCommandOptions): Promise<HardenOutcome> {
  const le = options.leaderElection;
  if (le.enabled) {
    // why: flags not given fall back to capi-gen's defaults, so the check covers what will be written.
    const problems = checkLeaderElectionTimings({
      leaseDuration: le.leaseDuration ?? LEADER_ELECTION_DEFAULTS.leaseDuration,
      renewDeadline: le.renewDeadline ?? LEADER_ELECTION_DEFAULTS.renewDeadline,
      retryPeriod: le.retryPeriod ?? LEADER_ELECTION_DEFAULTS.retryPeriod,
    });
    if (problems.length > 0) {
      const defaults = `unset timings take capi-gen's defaults ${LEADER_ELECTION_DEFAULTS.leaseDuration} / ${LEADER_ELECTION_DEFAULTS.renewDeadline} / ${LEADER_ELECTION_DEFAULTS.retryPeriod}`;
      return { kind: 'failed', lines: problems.map((p) => `capi-gen: refused --leader-elect-* options: ${p.message}; ${defaults}`) };
    }
  }

  const certificates = certificatesOf(options.certificates);
  if ('refused' in certificates) return { kind: 'failed', lines: certificates.refused };

  const file = options.input === STDIN ? '<stdin>' : options.input;
  const read = await readInput(options.input, options.readStdin, options.input === STDIN ? 'stdin' : options.input);
  if ('problem' in read) return { kind: 'failed', lines: [read.problem] };
  const text = read.text;

  let result;
  try {
    result = hardenText(text, {
      file,
      hardening: hardeningOf(le, certificates.ok),
      templatesDir: options.templatesDir,
      clusterctlTemplate: options.clusterctlTemplate,
    });
  } catch (err) {
    if (err instanceof CapiGenError) return { kind: 'failed', lines: [...err.issues.map(formatIssue), `capi-gen: ${file} was not hardened; fix the problems above`] };
    throw err;
  }

  const report: string[] = [];
  if (options.clusterctlTemplate === 'auto' && result.clusterctlTemplate) {
    report.push('capi-gen: treating input as a clusterctl template (it contains ${); injected $ are escaped for clusterctl. Use --no-clusterctl-template for a plain manifest');
  }
  for (const c of result.changes) report.push(changeLine(file, c));
  for (const w of result.warnings) report.push(`warning: ${w}`);
  const objects = new Set(result.changes.map((c) => c.document)).size;
  report.push(
    result.changes.length > 0
      ? `capi-gen: ${file}: ${result.changes.length} change(s) in ${objects} object(s)`
      : result.targets > 0
        ? `capi-gen: ${file}: already hardened, nothing to change`
        : `capi-gen: ${file}: nothing to harden: no bootstrap/control-plane objects capi-gen hardens`,
  );

  let written: string | undefined;
  if (options.output.kind !== 'stdout') {
    const target = options.output.kind === 'file' ? options.output.path : options.input;
    // why: write beside the target and rename, so a failed write never leaves half a manifest.
    const tmp = join(dirname(target), `.${basename(target)}.capi-gen-${process.pid}.tmp`);
    try {
      await writeFile(tmp, result.text);
      await rename(tmp, target);
    } catch (err) {
      return { kind: 'failed', lines: [`capi-gen: cannot write ${target}: ${err instanceof Error ? err.message : String(err)}; check the path and its permissions`] };
    }
    written = target;
    report.push(`capi-gen: wrote ${target}`);
  }
  return { kind: 'done', text: result.text, written, report };
}
