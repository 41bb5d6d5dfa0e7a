// Leader-election timings for kube-controller-manager and kube-scheduler of kubeadm workload
// clusters (issue 6). The flags go into
//   KubeadmControlPlane          spec.kubeadmConfigSpec.clusterConfiguration.{controllerManager,scheduler}.extraArgs
//   KubeadmControlPlaneTemplate  spec.template.spec.kubeadmConfigSpec.clusterConfiguration.{...}.extraArgs
// which is a map {flag: value} in v1beta1 and a [{name, value}] list in v1beta2 (names unique,
// the list never empty: minItems 1). Transforms run after conversion, so both shapes arrive here.
//
// Precedence per flag: an option given explicitly in hardening.leaderElection wins; otherwise a
// value already in the manifest is kept; otherwise LEADER_ELECTION_DEFAULTS fills the gap.
// Every other arg keeps its value and its place.
import type { KubeObject } from '../emit/to-yaml.ts';
import { childPointer, joinPointer } from '../validate/pointer.ts';
import { isRecord, valueAt } from '../util/record.ts';
import { updateAt } from './_node-files.ts';
import {
  checkLeaderElectionTimings,
  LEADER_ELECTION_DEFAULTS,
  LEADER_ELECTION_FLAGS,
  type LeaderElectionTimings,
} from './leader-election-options.ts';
import type { HardenContext, Transform } from './registry.ts';

/** The two kubeadm control-plane components whose leader election capi-gen tunes. */
export type LeaderElectionComponent = 'controllerManager' | 'scheduler';

type Field = keyof LeaderElectionTimings;

const FIELDS: readonly Field[] = ['leaseDuration', 'renewDeadline', 'retryPeriod'];
const COMPONENTS: readonly LeaderElectionComponent[] = ['controllerManager', 'scheduler'];
const BINARY: Readonly<Record<LeaderElectionComponent, string>> = {
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};
const FLAG_FIELD: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [LEADER_ELECTION_FLAGS[f], f]));

/**
 * What kube-controller-manager and kube-scheduler use when a flag is not given
 * (k8s.io/component-base config RecommendedDefaultLeaderElectionConfiguration: 15s / 10s / 2s).
 * Used to judge manifests that set only some of the flags.
 */
export const KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS: LeaderElectionTimings = {
  leaseDuration: '15s',
  renewDeadline: '10s',
  retryPeriod: '2s',
};

const GROUP = 'controlplane.cluster.x-k8s.io';

type Shape = 'map' | 'list';

/** Where kubeadmConfigSpec lives in a kind we handle, and the shape extraArgs has there. */
interface Target {
  /** Keys from the object root to kubeadmConfigSpec. */
  readonly path: readonly string[];
  readonly shape: Shape;
}

function targetOf(obj: unknown): Target | undefined {
  if (!isRecord(obj) || typeof obj['apiVersion'] !== 'string') return undefined;
  const [group, version] = obj['apiVersion'].split('/');
  if (group !== GROUP) return undefined;
  const shape: Shape | undefined = version === 'v1beta1' ? 'map' : version === 'v1beta2' ? 'list' : undefined;
  if (shape === undefined) return undefined;
  if (obj['kind'] === 'KubeadmControlPlane') return { path: ['spec', 'kubeadmConfigSpec'], shape };
  if (obj['kind'] === 'KubeadmControlPlaneTemplate') return { path: ['spec', 'template', 'spec', 'kubeadmConfigSpec'], shape };
  return undefined;
}

function extraArgsKeys(target: Target, component: LeaderElectionComponent): string[] {
  return [...target.path, 'clusterConfiguration', component, 'extraArgs'];
}

/** The leader-election flags found on one component of a KubeadmControlPlane(Template). */
export interface LeaderElectionArgs {
  readonly component: LeaderElectionComponent;
  /** JSON pointer of the component's extraArgs (whether or not it exists). */
  readonly extraArgsPath: string;
  /** `map` (v1beta1) or `list` (v1beta2). */
  readonly shape: Shape;
  /** The string values found; in a v1beta2 list the first entry of a name counts. */
  readonly values: Partial<LeaderElectionTimings>;
  /** JSON pointer of each value found. */
  readonly paths: Partial<Record<Field, string>>;
  /** The `leader-elect` flag's value when set (`"false"` turns leader election off). */
  readonly leaderElect: string | undefined;
}

/**
 * Reads the leader-election flags of kube-controller-manager and kube-scheduler from a
 * KubeadmControlPlane or KubeadmControlPlaneTemplate (v1beta1 or v1beta2). Returns one entry per
 * component, or an empty list for objects of other kinds and versions.
 */
export function readLeaderElectionArgs(obj: unknown): LeaderElectionArgs[] {
  const target = targetOf(obj);
  if (target === undefined) return [];
  return COMPONENTS.map((component) => {
    const keys = extraArgsKeys(target, component);
    const extraArgsPath = joinPointer(keys);
    const args = valueAt(obj, keys);
    const values: Partial<Record<Field, string>> = {};
    const paths: Partial<Record<Field, string>> = {};
    let leaderElect: string | undefined;
    if (Array.isArray(args)) {
      args.forEach((entry: unknown, i) => {
        if (!isRecord(entry) || typeof entry['name'] !== 'string' || typeof entry['value'] !== 'string') return;
        if (entry['name'] === 'leader-elect') leaderElect ??= entry['value'];
        const field = FLAG_FIELD.get(entry['name']);
        if (field !== undefined && values[field] === undefined) {
          values[field] = entry['value'];
          paths[field] = `${extraArgsPath}/${i}/value`;
        }
      });
    } else if (isRecord(args)) {
      const le = args['leader-elect'];
      if (typeof le === 'string') leaderElect = le;
      for (const field of FIELDS) {
        const flag = LEADER_ELECTION_FLAGS[field];
        const v = args[flag];
        if (typeof v === 'string') {
          values[field] = v;
          paths[field] = childPointer(extraArgsPath, flag);
        }
      }
    }
    return { component, extraArgsPath, shape: Array.isArray(args) ? 'list' : isRecord(args) ? 'map' : target.shape, values, paths, leaderElect };
  });
}

/** A leader-election flag set that kube-controller-manager or kube-scheduler would refuse. */
export interface EffectiveTimingProblem {
  readonly component: LeaderElectionComponent;
  readonly field: Field;
  /** JSON pointer of the offending flag's value, or of the extraArgs when the flag is unset. */
  readonly path: string;
  readonly message: string;
}

/**
 * Checks the leader-election timings kube-controller-manager and kube-scheduler of a
 * KubeadmControlPlane(Template) will run with: the flags found, and the binaries' own defaults
 * (15s / 10s / 2s) for flags not set. Components with `leader-elect: "false"` are skipped.
 * Returns problems with client-go's rules (see checkLeaderElectionTimings); empty when fine.
 */
export function checkEffectiveTimings(obj: unknown): EffectiveTimingProblem[] {
  const out: EffectiveTimingProblem[] = [];
  for (const found of readLeaderElectionArgs(obj)) {
    if (found.leaderElect === 'false') continue;
    const effective: LeaderElectionTimings = { ...KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS, ...found.values };
    const unset = FIELDS.filter((f) => found.values[f] === undefined);
    const note =
      unset.length === 0
        ? ''
        : ` (not set, so the binary's default applies: ${unset.map((f) => `${LEADER_ELECTION_FLAGS[f]}=${KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS[f]}`).join(', ')})`;
    for (const p of checkLeaderElectionTimings(effective)) {
      out.push({
        component: found.component,
        field: p.field,
        path: found.paths[p.field] ?? found.extraArgsPath,
        message: `${BINARY[found.component]} would refuse its leader-election flags: ${p.message}${note}`,
      });
    }
  }
  return out;
}

/** The value each flag gets: explicit option, else the manifest's value, else the default. */
function decide(explicit: Partial<LeaderElectionTimings>, field: Field, existing: unknown): unknown {
  return explicit[field] ?? existing ?? LEADER_ELECTION_DEFAULTS[field];
}

function setOnMap(args: Record<string, unknown>, explicit: Partial<LeaderElectionTimings>): Record<string, unknown> {
  // Assigning an existing key keeps its place in the object; new keys go to the end.
  const out = { ...args };
  for (const field of FIELDS) {
    const flag = LEADER_ELECTION_FLAGS[field];
    out[flag] = decide(explicit, field, out[flag]);
  }
  return out;
}

function setOnList(args: readonly unknown[], explicit: Partial<LeaderElectionTimings>): unknown[] {
  // A name may appear only once (CEL rule on v1beta2 extraArgs). If the input already repeats one
  // of our flags, the first entry keeps its place and gets the value; later repeats are dropped
  // (kubeadm would pass both on the command line, where the last one wins: not what the first
  // entry says, and the API server refuses the object anyway). Other args are left as they are.
  const out: unknown[] = [];
  const seen = new Set<Field>();
  for (const entry of args) {
    const field = isRecord(entry) && typeof entry['name'] === 'string' ? FLAG_FIELD.get(entry['name']) : undefined;
    if (field === undefined) {
      out.push(entry);
      continue;
    }
    if (seen.has(field)) continue;
    seen.add(field);
    const e = entry as Record<string, unknown>;
    out.push({ ...e, value: decide(explicit, field, e['value']) });
  }
  for (const field of FIELDS) {
    if (!seen.has(field)) out.push({ name: LEADER_ELECTION_FLAGS[field], value: decide(explicit, field, undefined) });
  }
  return out;
}

function hardenObject(obj: KubeObject, explicit: Partial<LeaderElectionTimings>): KubeObject {
  const target = targetOf(obj);
  if (target === undefined) return obj;
  // Only a well-formed spec (and spec.template.spec for templates) is hardened.
  for (let i = 1; i <= target.path.length - 1; i++) if (!isRecord(valueAt(obj, target.path.slice(0, i)))) return obj;
  let out: Record<string, unknown> = obj;
  for (const component of COMPONENTS) {
    const next = updateAt(out, extraArgsKeys(target, component), (old) => {
      if (Array.isArray(old)) return setOnList(old, explicit);
      if (isRecord(old)) return setOnMap(old, explicit);
      if (old !== undefined && old !== null) return undefined;
      return target.shape === 'list' ? setOnList([], explicit) : setOnMap({}, explicit);
    });
    if (next !== undefined) out = next;
  }
  return out as KubeObject;
}

function explicitTimings(context: HardenContext): Partial<LeaderElectionTimings> {
  const le = context.hardening?.leaderElection;
  const out: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const v = le?.[field];
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** Sets the three leader-election flags on kube-controller-manager and kube-scheduler. */
export const leaderElectionKubeadm: Transform = {
  id: 'leader-election-kubeadm',
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[] {
    if (context.hardening?.leaderElection?.enabled === false) return [...objects];
    const explicit = explicitTimings(context);
    return objects.map((o) => hardenObject(o, explicit));
  },
};
