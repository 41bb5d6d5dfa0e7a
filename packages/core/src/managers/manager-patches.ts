// Leader-election timings for the Cluster API manager Deployments of a management cluster
// (issue 6, item 4). `clusterctl init` has no knob for them, so they are set after install: a
// kustomize overlay, `kubectl patch` commands, or cluster-api-operator provider snippets.
//
// The trap (checked with kustomize v5.5, see test/managers/kustomize.test.ts): a strategic-merge
// patch on a container's `args` REPLACES the whole list (args has no patch strategy), so a patch
// carrying only the three flags drops `--leader-elect` and silently turns leader election off; a
// JSON6902 `add .../args/-` duplicates flags on a second run and picks the container by position.
// So every patch here is a strategic-merge patch on the container NAMED `manager` (containers
// merge by name) carrying the FULL new args list: the provider version's args (providers.ts, or
// the live args the user passes) with the three flags replaced in place or added once.
import type { KubeObject } from '../emit/to-yaml.ts';
import { objectsToYaml, objectToYaml } from '../emit/to-yaml.ts';
import { CapiGenError, type Issue } from '../errors.ts';
import { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS, LEADER_ELECTION_FLAGS, type LeaderElectionTimings } from '../harden/leader-election-options.ts';
import { findManagerArgs, isManagerProviderId, liveArgsCommand, MANAGER_PROVIDERS, type ManagerProvider, type ManagerProviderId } from './providers.ts';

export { DEFAULT_MANAGER_PROVIDERS, MANAGER_PROVIDERS, type ManagerProvider, type ManagerProviderId } from './providers.ts';

/** The three output shapes of {@link renderManagerPatches}. */
export type ManagerPatchFormat = 'kustomize' | 'kubectl' | 'operator';

/** Options of {@link renderManagerPatches}. */
export interface ManagerPatchesOptions {
  /** Provider ids (`core`, `kubeadm-bootstrap`, ...; see MANAGER_PROVIDERS). Duplicates are ignored. */
  readonly providers: readonly string[];
  /** Missing timings take LEADER_ELECTION_DEFAULTS (60s / 40s / 5s). */
  readonly timings?: Partial<LeaderElectionTimings>;
  readonly format: ManagerPatchFormat;
  /**
   * The manager container's args as they are on the live cluster, per provider id; they replace
   * the table's list for that provider (the safest source: the patch keeps exactly these).
   */
  readonly currentArgs?: Readonly<Record<string, readonly string[]>>;
  /** Provider versions (`v1.12.3`), per provider id, to pick the table's args list; the newest range otherwise. */
  readonly versions?: Readonly<Record<string, string>>;
}

/** One output file: a path relative to the output directory and its text. */
export interface ManagerPatchFile {
  readonly path: string;
  readonly content: string;
}

/** What {@link renderManagerPatches} produced. */
export interface ManagerPatchesResult {
  readonly format: ManagerPatchFormat;
  /** The timings used (defaults filled in). */
  readonly timings: LeaderElectionTimings;
  /** kustomize: kustomization.yaml first, then one patch per provider; kubectl and operator: one file. */
  readonly files: readonly ManagerPatchFile[];
}

/** The file the kustomize overlay expects each Deployment in, relative to the overlay. */
function kustomizeBasePath(provider: ManagerProvider): string {
  return `base/${provider.deployment}.yaml`;
}

const OPERATOR_API_VERSION = 'operator.cluster.x-k8s.io/v1alpha2';
const FIELDS = Object.keys(LEADER_ELECTION_FLAGS) as (keyof typeof LEADER_ELECTION_FLAGS)[];
const FLAGS = FIELDS.map((field) => LEADER_ELECTION_FLAGS[field]);
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

const UPGRADE_NOTE = [
  '`clusterctl upgrade` (and re-running `clusterctl init`) re-applies the provider manifests and',
  'REVERTS these changes: re-apply them after every upgrade.',
];

function isLeaderElect(arg: string): boolean {
  return arg === '--leader-elect' || arg.startsWith('--leader-elect=');
}

/** Which of the three flags `arg` sets, and whether its value is the next arg (`--flag 60s`). */
function timingFlag(arg: string): { flag: string; separateValue: boolean } | undefined {
  for (const flag of FLAGS) {
    if (arg === `--${flag}`) return { flag, separateValue: true };
    if (arg.startsWith(`--${flag}=`)) return { flag, separateValue: false };
  }
  return undefined;
}

/**
 * The manager args with the three timing flags set exactly once: a flag already present is
 * replaced at its first position (later copies, in either `--f=v` or `--f v` form, are removed);
 * a missing one is added right after `--leader-elect`. `--leader-elect` is added first when
 * absent. Every other arg keeps its text and order. Idempotent.
 */
export function setLeaderElectionArgs(args: readonly string[], timings: LeaderElectionTimings): string[] {
  const value: Record<string, string> = {};
  for (const field of FIELDS) value[LEADER_ELECTION_FLAGS[field]] = `--${LEADER_ELECTION_FLAGS[field]}=${timings[field]}`;
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const hit = timingFlag(arg);
    if (hit === undefined) {
      out.push(arg);
      continue;
    }
    if (hit.separateValue && i + 1 < args.length && !args[i + 1]!.startsWith('-')) i++;
    if (seen.has(hit.flag)) continue;
    seen.add(hit.flag);
    out.push(value[hit.flag]!);
  }
  if (!out.some(isLeaderElect)) out.unshift('--leader-elect');
  const missing = FLAGS.filter((f) => !seen.has(f)).map((f) => value[f]!);
  const at = out.findIndex(isLeaderElect);
  out.splice(at + 1, 0, ...missing);
  return out;
}

interface Target {
  readonly provider: ManagerProvider;
  readonly args: readonly string[];
  /** Where `args` came from, for the output's comments. */
  readonly origin: string;
}

function refused(object: string, path: string, message: string): Issue {
  return { code: 'REFUSED_OPTION', severity: 'error', object, path, message };
}

function microk8sMessage(p: ManagerProvider): string {
  return (
    `the ${p.id} manager (${p.namespace}/${p.deployment}) accepts only --leader-elect: its binary defines no ` +
    `--leader-elect-lease-duration, --leader-elect-renew-deadline or --leader-elect-retry-period, and uses ` +
    `${p.defaultsFixed ?? 'fixed defaults'} (${p.defaults.leaseDuration} / ${p.defaults.renewDeadline} / ${p.defaults.retryPeriod}), ` +
    `which cannot be changed; a patch adding those flags would make the manager exit at start ("unknown flag") and crash-loop. ` +
    `Leave it out of the providers (this applies only to the management-cluster manager; a MicroK8s workload cluster's kube-controller-manager and scheduler do take the timings, through the cluster spec)`
  );
}

function resolveTargets(options: ManagerPatchesOptions, timings: LeaderElectionTimings): Target[] {
  const issues: Issue[] = [];
  const targets: Target[] = [];
  const wanted = new Set<ManagerProviderId>();
  if (options.providers.length === 0) issues.push(refused('ManagerPatches', '/providers', 'no provider given; name at least one (core, kubeadm-bootstrap, ...)'));
  for (const [i, id] of options.providers.entries()) {
    if (!isManagerProviderId(id)) {
      issues.push(refused('ManagerPatches', `/providers/${i}`, `unknown provider "${id}"; known: ${Object.keys(MANAGER_PROVIDERS).join(', ')}`));
      continue;
    }
    if (wanted.has(id)) continue;
    wanted.add(id);
    const provider = MANAGER_PROVIDERS[id];
    const object = `Deployment/${provider.deployment}`;
    if (!provider.acceptsTimingFlags) {
      issues.push(refused(object, `/providers/${i}`, microk8sMessage(provider)));
      continue;
    }
    const live = options.currentArgs?.[id];
    if (live !== undefined) {
      const bad = live.findIndex((a) => typeof a !== 'string' || a.trim() === '' || a !== a.trim());
      if (live.length === 0 || bad >= 0) {
        issues.push(
          refused(object, `/currentArgs/${id}${bad >= 0 ? `/${bad}` : ''}`, `the current args of ${id} must be a non-empty list of non-empty args without surrounding spaces; print them with ${liveArgsCommand(provider)}`),
        );
        continue;
      }
      targets.push({ provider, args: live, origin: 'the args you passed (--provider-args / currentArgs), taken as the live Deployment\'s' });
      continue;
    }
    const version = options.versions?.[id];
    const entry = findManagerArgs(provider, version);
    if (entry === undefined) {
      const known = provider.args.map((e) => `v${e.from}–v${e.to}`).join(', ');
      issues.push(
        refused(object, `/versions/${id}`, `no args list is known for ${id} ${version ?? ''} (known: ${known}); pass the live args instead (--provider-args ${id}=<file>), printed by ${liveArgsCommand(provider)}`),
      );
      continue;
    }
    targets.push({
      provider,
      args: entry.args,
      origin: `capi-gen's table for v${entry.from}–v${entry.to}${version === undefined ? ' (no version named: newest range assumed)' : ` (version ${version})`}; source: ${entry.source}; ASSUMED: ${entry.assumed}`,
    });
  }
  for (const id of Object.keys(options.currentArgs ?? {})) {
    if (!isManagerProviderId(id) || !wanted.has(id)) issues.push(refused('ManagerPatches', `/currentArgs/${id}`, `args were given for "${id}", which is not among the providers to patch; add it or drop the args`));
  }
  for (const id of Object.keys(options.versions ?? {})) {
    if (!isManagerProviderId(id) || !wanted.has(id)) issues.push(refused('ManagerPatches', `/versions/${id}`, `a version was given for "${id}", which is not among the providers to patch; add it or drop the version`));
  }
  for (const t of targets) {
    const off = t.args.find((a) => a.startsWith('--leader-elect=') && FALSE.has(a.slice('--leader-elect='.length)));
    const odd = t.args.find((a) => a.startsWith('--leader-elect=') && !TRUE.has(a.slice('--leader-elect='.length)) && !FALSE.has(a.slice('--leader-elect='.length)));
    if (off !== undefined || odd !== undefined) {
      issues.push(
        refused(`Deployment/${t.provider.deployment}`, `/currentArgs/${t.provider.id}`, `the args of ${t.provider.id} contain ${off ?? odd}, so leader election ${off !== undefined ? 'is off and the timings would have no effect' : 'has a value the binary rejects'}; use --leader-elect`),
      );
    }
  }
  for (const p of checkLeaderElectionTimings(timings)) issues.push(refused('LeaderElectionTimings', `/timings/${p.field}`, p.message));
  if (issues.length > 0) throw new CapiGenError(issues);
  return targets;
}

function comment(lines: readonly string[]): string {
  return lines.map((l) => (l === '' ? '#\n' : `# ${l}\n`)).join('');
}

function timingsLine(t: LeaderElectionTimings): string {
  return `Timings: leaseDuration=${t.leaseDuration} renewDeadline=${t.renewDeadline} retryPeriod=${t.retryPeriod} (client-go: lease > renew deadline > 1.2 x retry period).`;
}

function providerLines(t: Target): string[] {
  const p = t.provider;
  return [
    `${p.id}: ${p.namespace}/${p.deployment}, container "${p.container}", lease ${p.namespace}/${p.leaseId};`,
    `  built-in defaults ${p.defaults.leaseDuration} / ${p.defaults.renewDeadline} / ${p.defaults.retryPeriod} (${p.mainGo}).`,
    `  Args kept from: ${t.origin}.`,
    `  Check them: ${liveArgsCommand(p)}`,
  ];
}

const FULL_LIST_NOTE = [
  'A strategic-merge patch REPLACES a container\'s whole `args` list, so each patch below carries the',
  'FULL args of the container named "manager" (matched by name, never by position): the existing',
  'args with the three --leader-elect-* flags set once. It relies on those args being the ones your',
  'provider version runs: compare them with the live Deployment (command per provider below) and',
  'regenerate with --provider-args <provider>=<file> if they differ, or you lose the difference.',
];

function patchObject(t: Target, timings: LeaderElectionTimings): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: t.provider.deployment, namespace: t.provider.namespace },
    spec: { template: { spec: { containers: [{ name: t.provider.container, args: setLeaderElectionArgs(t.args, timings) }] } } },
  };
}

function renderKustomize(targets: readonly Target[], timings: LeaderElectionTimings): ManagerPatchFile[] {
  const patchPath = (t: Target): string => `patch-${t.provider.deployment}.yaml`;
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: targets.map((t) => kustomizeBasePath(t.provider)),
    patches: targets.map((t) => ({ path: patchPath(t) })),
  };
  const header = comment([
    'Generated by capi-gen manager-patches: leader-election timings for Cluster API manager Deployments.',
    timingsLine(timings),
    '',
    'base/ must hold the Deployments as installed, one file each, for example:',
    ...targets.map((t) => `  kubectl -n ${t.provider.namespace} get deployment ${t.provider.deployment} -o yaml > ${kustomizeBasePath(t.provider)}`),
    'Then check and apply:  kubectl kustomize . | kubectl diff -f -;  kubectl kustomize . | kubectl apply -f -',
    '',
    ...FULL_LIST_NOTE,
    '',
    ...UPGRADE_NOTE,
  ]);
  const files: ManagerPatchFile[] = [{ path: 'kustomization.yaml', content: header + objectToYaml(kustomization) }];
  for (const t of targets) {
    const head = comment([
      `Strategic-merge patch (capi-gen manager-patches). ${timingsLine(timings)}`,
      ...providerLines(t),
      'The args list is complete on purpose: a strategic-merge patch replaces the whole list.',
      ...UPGRADE_NOTE,
    ]);
    files.push({ path: patchPath(t), content: head + objectToYaml(patchObject(t, timings)) });
  }
  return files;
}

/** `text` as one single-quoted sh word. */
export function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function renderKubectl(targets: readonly Target[], timings: LeaderElectionTimings): ManagerPatchFile[] {
  let out = '#!/bin/sh\n';
  out += comment([
    'Generated by capi-gen manager-patches: leader-election timings for Cluster API manager Deployments.',
    timingsLine(timings),
    '',
    ...FULL_LIST_NOTE,
    '',
    ...UPGRADE_NOTE,
  ]);
  out += 'set -eu\n';
  for (const t of targets) {
    const patch = patchObject(t, timings);
    const json = JSON.stringify({ spec: patch.spec });
    out += `\n${comment(providerLines(t))}`;
    out += `kubectl -n ${t.provider.namespace} patch deployment ${t.provider.deployment} --type=strategic -p ${shQuote(json)}\n`;
  }
  return [{ path: 'manager-patches.sh', content: out }];
}

function operatorObject(t: Target, timings: LeaderElectionTimings, version: string | undefined): KubeObject {
  return {
    apiVersion: OPERATOR_API_VERSION,
    kind: t.provider.operatorKind,
    metadata: { name: t.provider.clusterctlName, namespace: t.provider.namespace },
    spec: {
      ...(version === undefined ? {} : { version: version.startsWith('v') ? version : `v${version}` }),
      manager: { leaderElection: { leaderElect: true, leaseDuration: timings.leaseDuration, renewDeadline: timings.renewDeadline, retryPeriod: timings.retryPeriod } },
    },
  };
}

function renderOperator(targets: readonly Target[], timings: LeaderElectionTimings, versions: Readonly<Record<string, string>>): ManagerPatchFile[] {
  const head = comment([
    'Generated by capi-gen manager-patches: cluster-api-operator provider snippets with',
    'spec.manager.leaderElection. ' + timingsLine(timings),
    '',
    'NOT SCHEMA-CHECKED: capi-gen vendors no cluster-api-operator CRD; check the apiVersion and fields',
    `against the operator release you run (written for ${OPERATOR_API_VERSION}).`,
    'Merge spec.manager.leaderElection into your existing provider objects (for example with',
    '`kubectl patch <kind> <name> -n <ns> --type=merge`); the operator then owns the Deployment, so do not',
    'combine this with the kustomize or kubectl patches. cluster-api-operator #837: it may pass both',
    '--leader-elect and --leader-elect=true (harmless duplicate of a bool flag).',
    'Upgrades through the operator (spec.version) keep these settings; `clusterctl upgrade` and',
    '`clusterctl init` are not used with the operator and would revert them if run.',
  ]);
  const body = objectsToYaml(targets.map((t) => operatorObject(t, timings, versions[t.provider.id])));
  return [{ path: 'operator-providers.yaml', content: head + body }];
}

/**
 * Renders leader-election patches for Cluster API manager Deployments.
 *
 * @throws CapiGenError (code REFUSED_OPTION) for MicroK8s managers (their binaries accept only
 *   `--leader-elect`), timings client-go would reject, unknown providers or versions, and
 *   unusable current args; every problem is collected before throwing.
 */
export function renderManagerPatches(options: ManagerPatchesOptions): ManagerPatchesResult {
  const timings: LeaderElectionTimings = { ...LEADER_ELECTION_DEFAULTS, ...dropUndefined(options.timings ?? {}) };
  if (!['kustomize', 'kubectl', 'operator'].includes(options.format)) {
    throw new CapiGenError([refused('ManagerPatches', '/format', `unknown format "${String(options.format)}"; use kustomize, kubectl or operator`)]);
  }
  const targets = resolveTargets(options, timings);
  const files =
    options.format === 'kustomize'
      ? renderKustomize(targets, timings)
      : options.format === 'kubectl'
        ? renderKubectl(targets, timings)
        : renderOperator(targets, timings, options.versions ?? {});
  return { format: options.format, timings, files };
}

function dropUndefined(t: Partial<LeaderElectionTimings>): Partial<LeaderElectionTimings> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined));
}
