// The hardening options of the certificate node checks (spec `hardening.certificates`, or
// `capi-gen harden --time-sync-timeout ...`) and the options file they become on the node:
// /etc/capi-gen/certs.env, KEY=VALUE lines (node-certs-contract.ts CERTS_ENV_KEYS), read by the
// scripts with a parser that accepts only known keys and checks every value (never sourced).
//
// The file always lists every key its distribution reads, in the contract's order, with the
// value in effect (not only the keys that differ from the defaults): what a node will do is then
// visible in the manifest, a later capi-gen release changing a script default does not silently
// change nodes hardened before, and the next run can tell the user's edits from defaults.
// Precedence per key, as for leader election: an option given explicitly wins; otherwise a valid
// value already in the manifest's certs.env is kept; otherwise the contract default.
import type { ClusterSpec } from '../model/cluster-spec.ts';
import { CERTS_ENV_KEYS, type CertsEnvKey } from './node-certs-contract.ts';

/** `hardening.certificates` of the spec. */
export type CertificateHardening = NonNullable<NonNullable<ClusterSpec['hardening']>['certificates']>;

/** The keys a MicroK8s node reads (RENEW and PKI_DIR are kubeadm-only). */
export const MICROK8S_CERTS_ENV_KEYS: readonly CertsEnvKey[] = ['TIME_SYNC_TIMEOUT', 'SKEW_TOLERANCE', 'EXPIRY_WARN_DAYS', 'TEXTFILE_DIR'];
/** The keys a kubeadm node reads. */
export const KUBEADM_CERTS_ENV_KEYS: readonly CertsEnvKey[] = ['TIME_SYNC_TIMEOUT', 'SKEW_TOLERANCE', 'EXPIRY_WARN_DAYS', 'RENEW', 'TEXTFILE_DIR', 'PKI_DIR'];

/**
 * An absolute path the scripts accept: `/`-separated segments of letters, digits, `.`, `_`, `-`,
 * none starting with `.` or `-` (no `..`, nothing read as an option), no spaces, quotes or newlines.
 */
export const CERTS_ENV_PATH_PATTERN = /^(\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;

type Rule = { readonly kind: 'int'; readonly min: number; readonly max: number } | { readonly kind: 'path' };

/** What each key accepts; the spec schema (cluster-spec.ts) has the same bounds. */
export const CERTS_ENV_RULES: Readonly<Record<CertsEnvKey, Rule>> = {
  TIME_SYNC_TIMEOUT: { kind: 'int', min: 0, max: 3600 },
  SKEW_TOLERANCE: { kind: 'int', min: 0, max: 86400 },
  EXPIRY_WARN_DAYS: { kind: 'int', min: 1, max: 365 },
  RENEW: { kind: 'int', min: 0, max: 1 },
  TEXTFILE_DIR: { kind: 'path' },
  PKI_DIR: { kind: 'path' },
};

/** Whether `value` is one the node scripts accept for `key`. */
export function isValidCertsEnvValue(key: CertsEnvKey, value: string): boolean {
  const rule = CERTS_ENV_RULES[key];
  if (rule.kind === 'path') return value.length <= 255 && CERTS_ENV_PATH_PATTERN.test(value);
  if (!/^(0|[1-9][0-9]{0,5})$/.test(value)) return false;
  const n = Number(value);
  return n >= rule.min && n <= rule.max;
}

/** The spec option of each options-file key it sets (PKI_DIR comes from the object itself). */
export const CERTS_ENV_OPTION: Readonly<Partial<Record<CertsEnvKey, keyof CertificateHardening>>> = {
  TIME_SYNC_TIMEOUT: 'timeSyncTimeoutSeconds',
  SKEW_TOLERANCE: 'skewToleranceSeconds',
  EXPIRY_WARN_DAYS: 'expiryWarningDays',
  RENEW: 'renewOnNode',
  TEXTFILE_DIR: 'textfileDir',
};

/** The options given explicitly, as options-file values. */
export function explicitCertsEnv(options: CertificateHardening | undefined): Partial<Record<CertsEnvKey, string>> {
  const out: Partial<Record<CertsEnvKey, string>> = {};
  if (options === undefined) return out;
  for (const [key, option] of Object.entries(CERTS_ENV_OPTION) as [CertsEnvKey, keyof CertificateHardening][]) {
    const v = options[option];
    if (v === undefined) continue;
    out[key] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

/** One option the node scripts would refuse. */
export interface CertificateOptionProblem {
  readonly option: keyof CertificateHardening;
  readonly message: string;
}

/**
 * Checks the certificate options the way the spec schema and the node scripts do (for options
 * built from a command line); an empty list when every option is accepted.
 */
export function checkCertificateOptions(options: CertificateHardening): CertificateOptionProblem[] {
  const out: CertificateOptionProblem[] = [];
  const { expiryDays } = options;
  if (expiryDays !== undefined && (!Number.isInteger(expiryDays) || expiryDays < 7 || expiryDays > 1094)) {
    out.push({ option: 'expiryDays', message: `${String(expiryDays)} is not an integer from 7 to 1094 (KCP refuses fewer than 7 days; certificates live at most 1095 days)` });
  }
  for (const [key, option] of Object.entries(CERTS_ENV_OPTION) as [CertsEnvKey, keyof CertificateHardening][]) {
    const v = options[option];
    if (v === undefined || typeof v === 'boolean') continue;
    const rule = CERTS_ENV_RULES[key];
    if (isValidCertsEnvValue(key, String(v)) && (rule.kind === 'path' || Number.isInteger(v))) continue;
    out.push({
      option,
      message:
        rule.kind === 'path'
          ? `${JSON.stringify(v)} is not an absolute path of letters, digits and . _ - segments (no spaces, quotes, "..", or segments starting with "-"), at most 255 characters`
          : `${String(v)} is not an integer from ${rule.min} to ${rule.max}`,
    });
  }
  return out;
}

/** A whole value that is a clusterctl placeholder (`${TS}`, `${TS:=60}`): clusterctl fills it in. */
const PLACEHOLDER_VALUE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=][^}\n]*)?\}$/;

/**
 * The valid KEY=VALUE lines of an options file (later lines win, as in the scripts' parser). A
 * value that is a clusterctl placeholder counts as valid: it is the user's, for clusterctl to fill.
 */
export function parseCertsEnv(content: string): Partial<Record<CertsEnvKey, string>> {
  const out: Partial<Record<CertsEnvKey, string>> = {};
  for (const line of content.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m === null || !Object.hasOwn(CERTS_ENV_KEYS, m[1]!)) continue;
    const key = m[1] as CertsEnvKey;
    if (isValidCertsEnvValue(key, m[2]!) || PLACEHOLDER_VALUE.test(m[2]!)) out[key] = m[2]!;
  }
  return out;
}

/** First line of the options file (the scripts' parser skips `#` lines). */
export const CERTS_ENV_HEADER = '# capi-gen certificate checks (docs/hardening.md); values edited here are kept by capi-gen harden\n';

/**
 * The options file for `keys`: explicit options, then `fixed` values (facts of the object, such as
 * PKI_DIR), then valid values of the manifest's current file, then the defaults.
 */
export function buildCertsEnv(
  keys: readonly CertsEnvKey[],
  explicit: Partial<Record<CertsEnvKey, string>>,
  fixed: Partial<Record<CertsEnvKey, string>>,
  existing: string | undefined,
): string {
  const current = existing === undefined ? {} : parseCertsEnv(existing);
  return CERTS_ENV_HEADER + keys.map((k) => `${k}=${explicit[k] ?? fixed[k] ?? current[k] ?? String(CERTS_ENV_KEYS[k])}\n`).join('');
}
