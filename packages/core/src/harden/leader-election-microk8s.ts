// Leader-election timings for MicroK8s workload clusters (issue 6, item 3). Neither MicroK8s
// provider has a field for kube-controller-manager or kube-scheduler flags: kubelite reads them
// from /var/snap/microk8s/current/args/{kube-controller-manager,kube-scheduler}, which
// `microk8s join` does not copy. So every control-plane machine (init and join: both get
// spec.controlPlaneConfig verbatim) receives templates/scripts/microk8s-leader-election.sh and
// runs it as its last postRunCommand, after the snap is installed; the script edits both files
// idempotently and restarts kubelite once when something changed.
import type { KubeObject } from '../emit/to-yaml.ts';
import { CapiGenError } from '../errors.ts';
import { loadNodeScript, type ScriptDirs } from '../scripts/load-script.ts';
import { forceObjectAt, upsertCommand, upsertFiles } from './_node-files.ts';
import { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS, LEADER_ELECTION_FLAGS, type LeaderElectionTimings } from './leader-election-options.ts';
import type { HardenContext, Transform } from './registry.ts';

/** Where the script lands on the node. */
export const MICROK8S_LEADER_ELECTION_SCRIPT_PATH = '/capi-gen/microk8s-leader-election.sh';
const SCRIPT_FILE = 'microk8s-leader-election.sh';
const API_VERSION = 'controlplane.cluster.x-k8s.io/v1beta1';
/** The script refuses any argument not matching this (exit 2); checked here first so the node never sees one. */
const ARGUMENT = /^--leader-elect-(lease-duration|renew-deadline|retry-period)=[0-9][0-9a-zµ.]*$/;
/** The script text from `<templatesDir>/scripts/`, or from the built-in templates when that folder has none. */
export function loadMicroK8sLeaderElectionScript(dirs: string | ScriptDirs): string {
  return loadNodeScript(dirs, SCRIPT_FILE);
}

function timingsOf(context: HardenContext): LeaderElectionTimings {
  const o = context.hardening?.leaderElection;
  return {
    leaseDuration: o?.leaseDuration ?? LEADER_ELECTION_DEFAULTS.leaseDuration,
    renewDeadline: o?.renewDeadline ?? LEADER_ELECTION_DEFAULTS.renewDeadline,
    retryPeriod: o?.retryPeriod ?? LEADER_ELECTION_DEFAULTS.retryPeriod,
  };
}

/** The postRunCommands line for these timings. */
export function microk8sLeaderElectionCommand(t: LeaderElectionTimings): string {
  const args = (['leaseDuration', 'renewDeadline', 'retryPeriod'] as const).map((k) => `--${LEADER_ELECTION_FLAGS[k]}=${t[k]}`);
  const bad = args.filter((a) => !ARGUMENT.test(a));
  const problems = checkLeaderElectionTimings(t);
  if (bad.length > 0 || problems.length > 0) {
    throw new CapiGenError([
      ...problems.map((p) => ({ code: 'REFUSED_OPTION' as const, severity: 'error' as const, object: 'ClusterSpec', path: `/hardening/leaderElection/${p.field}`, message: p.message })),
      ...bad.map((a) => ({
        code: 'REFUSED_OPTION' as const,
        severity: 'error' as const,
        object: 'ClusterSpec',
        path: '/hardening/leaderElection',
        message: `${a} cannot be passed to the node script; write durations like 60s, 1m30s or 500ms`,
      })),
    ]);
  }
  return [MICROK8S_LEADER_ELECTION_SCRIPT_PATH, ...args].join(' ');
}

function isOurs(command: unknown): boolean {
  return typeof command === 'string' && (command === MICROK8S_LEADER_ELECTION_SCRIPT_PATH || command.startsWith(`${MICROK8S_LEADER_ELECTION_SCRIPT_PATH} `));
}

function harden(o: KubeObject, script: string, command: string): KubeObject {
  const out = structuredClone(o) as KubeObject;
  const init = forceObjectAt(out, ['spec', 'controlPlaneConfig', 'initConfiguration']);
  const files = Array.isArray(init['extraWriteFiles']) ? (init['extraWriteFiles'] as unknown[]) : [];
  init['extraWriteFiles'] = upsertFiles(files, [{ path: MICROK8S_LEADER_ELECTION_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: script }], { merge: true });

  const post = Array.isArray(init['postRunCommands']) ? (init['postRunCommands'] as unknown[]) : [];
  init['postRunCommands'] = upsertCommand(post, command, isOurs);
  return out;
}

/** Adds the leader-election script and its postRunCommand to every MicroK8sControlPlane (v1beta1). */
export const leaderElectionMicroK8s: Transform = {
  id: 'leader-election-microk8s',
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[] {
    const targets = objects.some((o) => o.kind === 'MicroK8sControlPlane' && o.apiVersion === API_VERSION);
    if (context.hardening?.leaderElection?.enabled === false || !targets) return [...objects];
    const command = microk8sLeaderElectionCommand(timingsOf(context));
    const script = loadMicroK8sLeaderElectionScript(context);
    return objects.map((o) => (o.kind === 'MicroK8sControlPlane' && o.apiVersion === API_VERSION ? harden(o, script, command) : o));
  },
};
