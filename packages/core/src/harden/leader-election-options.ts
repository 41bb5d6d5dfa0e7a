// Leader-election timings: one option set for kube-controller-manager and kube-scheduler of
// workload clusters and for the Cluster API manager Deployments of the management cluster.
// Checked the way client-go checks them (k8s.io/client-go/tools/leaderelection
// NewLeaderElector): every duration positive, leaseDuration > renewDeadline, and
// renewDeadline > JitterFactor (1.2) x retryPeriod.

/** The three timings, as Kubernetes duration strings (`60s`, `1m30s`). */
export interface LeaderElectionTimings {
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
}

/**
 * capi-gen's defaults: the timings Cluster API itself picked for its KubeadmControlPlane
 * manager (controlplane/kubeadm/main.go: 1m / 40s / 5s), the controller most exposed to
 * API-server latency. Against the upstream 15s / 10s / 2s they tolerate 40 s instead of 10 s
 * without a successful renewal, at the price of up to 60 s (instead of 15 s) before another
 * replica takes over after a crash. The field report (seeds/003) raised them to 120s / 80s by
 * hand; set that explicitly where the API server is that slow.
 */
export const LEADER_ELECTION_DEFAULTS: LeaderElectionTimings = {
  leaseDuration: '60s',
  renewDeadline: '40s',
  retryPeriod: '5s',
};

/** client-go's JitterFactor: renewDeadline must exceed retryPeriod times this. */
export const JITTER_FACTOR = 1.2;

/** The command-line flags of the three timings, the same on every binary that has them. */
export const LEADER_ELECTION_FLAGS = {
  leaseDuration: 'leader-elect-lease-duration',
  renewDeadline: 'leader-elect-renew-deadline',
  retryPeriod: 'leader-elect-retry-period',
} as const;

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_DURATION = (1n << 63n) - 1n;

/**
 * Parses a Go duration (time.ParseDuration syntax: `300ms`, `1.5h`, `2h45m`, `-1s`, `0`) into
 * nanoseconds, with Go's arithmetic: each term is whole nanoseconds (`1.5ns` is 1), and a total
 * beyond int64 is rejected. Returns undefined for anything Go would reject.
 */
export function parseDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (m === null) return undefined;
  let total = 0n;
  for (const part of m[2]!.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = UNIT_NS[part[3]!]!;
    const whole = BigInt(part[1] === '' ? '0' : part[1]!);
    const frac = part[2] ?? '';
    // Go keeps the fraction's digits as an integer over a power of ten, then truncates.
    const fraction = frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += whole * unit + fraction;
    if (total > MAX_DURATION) return undefined;
  }
  return Number(m[1] === '-' ? -total : total);
}

/** A broken client-go rule: which rule, with the values that break it. */
export interface TimingProblem {
  /** The option the problem is reported on. */
  readonly field: keyof LeaderElectionTimings;
  readonly message: string;
}

/** Checks the three timings with client-go's rules; an empty list means client-go accepts them. */
export function checkLeaderElectionTimings(t: LeaderElectionTimings): TimingProblem[] {
  const problems: TimingProblem[] = [];
  const ns: Partial<Record<keyof LeaderElectionTimings, number>> = {};
  for (const field of ['leaseDuration', 'renewDeadline', 'retryPeriod'] as const) {
    const v = parseDuration(t[field]);
    if (v === undefined) {
      problems.push({ field, message: `${field} "${t[field]}" is not a duration; write it like 60s, 1m30s or 500ms` });
    } else if (v <= 0) {
      problems.push({ field, message: `${field} must be greater than zero, got ${t[field]}` });
    } else {
      ns[field] = v;
    }
  }
  const { leaseDuration: lease, renewDeadline: renew, retryPeriod: retry } = ns;
  if (lease !== undefined && renew !== undefined && lease <= renew) {
    problems.push({
      field: 'leaseDuration',
      message: `leaseDuration (${t.leaseDuration}) must be greater than renewDeadline (${t.renewDeadline}) (client-go: "leaseDuration must be greater than renewDeadline")`,
    });
  }
  if (renew !== undefined && retry !== undefined && renew <= JITTER_FACTOR * retry) {
    problems.push({
      field: 'renewDeadline',
      message: `renewDeadline (${t.renewDeadline}) must be greater than ${JITTER_FACTOR} x retryPeriod (${t.retryPeriod}) (client-go: "renewDeadline must be greater than retryPeriod*JitterFactor")`,
    });
  }
  return problems;
}
