import type { ValidatorError } from '@capi-gen/crds';
import { CapiGenError, type Issue, type IssueCode } from '../errors.ts';
import { loadFlavor } from '../flavors/flavor.ts';
import { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS } from '../harden/leader-election-options.ts';
import { describeAjvErrors } from '../validate/ajv-messages.ts';
import { loadDocuments } from '../yaml/load.ts';
import { validate as validateSpec } from './_gen/cluster-spec-validator.ts';
import { ClusterSpecSchema, type ClusterSpec } from './cluster-spec.ts';
import { checkSpecForFlavor, type FlavorKinds } from './flavor-rules.ts';
import { isRecord } from '../util/record.ts';

/** An Ajv validate function: true when valid, else `errors` says why. */
interface SpecValidator {
  (data: unknown): boolean;
  errors?: ValidatorError[] | null;
}

// why precompiled: compiling the schema with Ajv was about a third of a cold `capi-gen render`.
// The file is Ajv's standalone code of cluster-spec.schema.json, written by
// scripts/write-spec-schema.mjs with the options this module compiled with before
// (allErrors, strict: false); `pnpm gen:check` fails when it is stale, and
// test/render/spec-validator.test.ts holds it to Ajv compiling the current schema.
const specValidator = validateSpec as unknown as SpecValidator;

/** A spec problem before positions are known. */
interface SpecProblem {
  readonly code: IssueCode;
  readonly path: string;
  readonly message: string;
  readonly atKey: boolean;
}

function schemaProblems(value: unknown): SpecProblem[] {
  if (specValidator(value)) return [];
  return describeAjvErrors(specValidator.errors ?? [], value, ClusterSpecSchema as unknown as Record<string, unknown>, 'spec').map((f) => ({
    code: 'SPEC',
    path: f.path,
    message: f.message,
    atKey: f.atKey,
  }));
}

function field(v: unknown, key: string): unknown {
  return isRecord(v) ? v[key] : undefined;
}

// Rules that a JSON Schema cannot say, or says badly. They read the value defensively, so that a
// spec the schema rejects still gets its rule problems in the same report (each rule looks only
// at values of the right type; the schema reports the others).
function ruleProblems(value: unknown, schema: readonly SpecProblem[]): SpecProblem[] {
  const out: SpecProblem[] = [];
  const rule = (path: string, message: string): void => {
    out.push({ code: 'SPEC_RULE', path, message, atKey: false });
  };
  const spec = value as Partial<ClusterSpec> | undefined;
  const replicas = field(field(spec, 'controlPlane'), 'replicas');
  if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas > 0 && replicas % 2 === 0) {
    rule(
      '/controlPlane/replicas',
      `${replicas} control-plane replicas: use an odd number (1, 3, 5); etcd and dqlite need a majority, and an even count tolerates no more failures than the odd count below it`,
    );
  }
  const seen = new Map<string, number>();
  const workers = field(spec, 'workers');
  const clusterName = field(spec, 'name');
  (Array.isArray(workers) ? (workers as unknown[]) : []).forEach((w, i) => {
    const name = field(w, 'name');
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) rule(`/workers/${i}/name`, `worker pool name "${name}" is also used by /workers/${first}; pool names must be unique`);
    else seen.set(name, i);
    // The MachineDeployment name "<cluster>-<pool>" is also a label value (cluster.x-k8s.io/deployment-name).
    const derived = `${typeof clusterName === 'string' ? clusterName : ''}-${name}`;
    if (typeof clusterName === 'string' && derived.length > 63) {
      rule(`/workers/${i}/name`, `"${derived}" (cluster name + "-" + pool name) has ${derived.length} characters; label values allow 63: shorten the cluster or pool name`);
    }
  });
  const version = field(spec, 'kubernetesVersion');
  const minor = Number(/^v\d+\.(\d+)\./.exec(typeof version === 'string' ? version : '')?.[1] ?? 'NaN');
  if (field(field(spec, 'microk8s'), 'confinement') === 'strict' && minor < 25) {
    rule('/microk8s/confinement', `strict confinement needs Kubernetes v1.25 or later (MicroK8s ${String(version)} has no strict snap)`);
  }
  // Leader-election timings as the binaries will get them: the options given, defaults for the rest.
  // Timings the schema already rejects (not a duration) are not checked against each other.
  const le = field(field(spec, 'hardening'), 'leaderElection') as NonNullable<ClusterSpec['hardening']>['leaderElection'];
  const timingsValid = !schema.some((p) => p.path === '/hardening' || p.path.startsWith('/hardening/leaderElection'));
  if (isRecord(le) && le.enabled !== false && timingsValid) {
    const timings = {
      leaseDuration: le.leaseDuration ?? LEADER_ELECTION_DEFAULTS.leaseDuration,
      renewDeadline: le.renewDeadline ?? LEADER_ELECTION_DEFAULTS.renewDeadline,
      retryPeriod: le.retryPeriod ?? LEADER_ELECTION_DEFAULTS.retryPeriod,
    };
    for (const p of checkLeaderElectionTimings(timings)) {
      const defaulted = (['leaseDuration', 'renewDeadline', 'retryPeriod'] as const).filter((f) => le[f] === undefined);
      const note = defaulted.length === 0 ? '' : ` (not set, so capi-gen's default applies: ${defaulted.map((f) => `${f} ${LEADER_ELECTION_DEFAULTS[f]}`).join(', ')})`;
      // A rule broken by a default and a value the user gave is reported where the user wrote it.
      const at = le[p.field] === undefined ? ({ leaseDuration: 'renewDeadline', renewDeadline: 'retryPeriod', retryPeriod: 'retryPeriod' } as const)[p.field] : p.field;
      rule(`/hardening/leaderElection/${at}`, `leader election: ${p.message}${note}`);
    }
  }
  return out;
}

/** Options of {@link checkClusterSpec} and {@link parseClusterSpecDocument}. */
export interface CheckClusterSpecOptions {
  /** Check the flavor's rules too, with this flavor. */
  readonly flavor?: FlavorKinds;
  /**
   * Check the flavor's rules too, with the flavor the spec names, loaded from
   * `<templatesDir>/flavors/<id>/` (an unknown flavor is reported with the other problems).
   */
  readonly templatesDir?: string;
}

function flavorProblems(value: unknown, options: CheckClusterSpecOptions): SpecProblem[] {
  let flavor = options.flavor;
  const id = field(value, 'flavor');
  if (flavor === undefined && options.templatesDir !== undefined && typeof id === 'string' && id !== '') {
    try {
      flavor = loadFlavor(id, options.templatesDir);
    } catch (e) {
      if (!(e instanceof CapiGenError)) throw e;
      return e.issues.map((i) => ({ code: i.code, path: i.path, message: i.message, atKey: false }));
    }
  }
  if (flavor === undefined) return [];
  return checkSpecForFlavor(value, flavor).map((i) => ({ code: i.code, path: i.path, message: i.message, atKey: false }));
}

/**
 * Every problem of a spec value, together: the schema's, the rules' and (with a flavor) the
 * flavor's. A rule or flavor problem at a field the schema already reports is left out.
 */
function allProblems(value: unknown, options: CheckClusterSpecOptions): SpecProblem[] {
  const schema = schemaProblems(value);
  const reported = new Set(schema.map((p) => p.path));
  const more = [...ruleProblems(value, schema), ...flavorProblems(value, options)].filter((p) => !reported.has(p.path));
  return [...schema, ...more];
}

/**
 * Checks a cluster spec value (as IaC code passes it). Returns issues without positions; an
 * empty list means the spec is valid for the schema and its rules, and, when `options` name a
 * flavor or a templates folder, for the flavor. Every problem is reported at once.
 */
export function checkClusterSpec(value: unknown, options: CheckClusterSpecOptions = {}): Issue[] {
  return allProblems(value, options).map((p) => ({ code: p.code, severity: 'error', object: specLabel(value), path: p.path, message: p.message }));
}

function specLabel(value: unknown): string {
  return isRecord(value) && typeof value['name'] === 'string' ? `ClusterSpec/${value['name']}` : 'ClusterSpec';
}

/**
 * Parses and checks a cluster spec file (YAML or JSON). Throws a {@link CapiGenError} whose
 * issues carry file, line and column when the text or the spec is invalid.
 */
export function parseClusterSpec(text: string, file = '<spec>', options: CheckClusterSpecOptions = {}): ClusterSpec {
  return parseClusterSpecDocument(text, file, options).spec;
}

/** A parsed spec with a way to place later findings (flavor rules, refusals) in its text. */
export interface ParsedSpec {
  readonly spec: ClusterSpec;
  /** Adds file:line:col (and the spec's name) to issues that have none. */
  place(issues: readonly Issue[]): Issue[];
}

/**
 * Like {@link parseClusterSpec}, and keeps the document to position later findings. With
 * `options.templatesDir` (or `options.flavor`) the flavor's rules are reported with the schema's
 * and the spec rules' problems, all in one {@link CapiGenError}.
 */
export function parseClusterSpecDocument(text: string, file = '<spec>', options: CheckClusterSpecOptions = {}): ParsedSpec {
  const docs = loadDocuments(text, { file, placeholders: false }).filter((d) => d.value !== undefined || d.issues.length > 0);
  const yamlErrors = docs.flatMap((d) => d.issues.filter((i) => i.severity === 'error'));
  if (yamlErrors.length > 0) throw new CapiGenError(yamlErrors);
  if (docs.length !== 1) {
    throw new CapiGenError([
      { code: 'SPEC', severity: 'error', object: 'ClusterSpec', path: '', message: `a spec file holds exactly one document, found ${docs.length}`, source: { file, line: 1, col: 1 } },
    ]);
  }
  const doc = docs[0]!;
  const value = doc.value;
  const all = allProblems(value, options);
  if (all.length > 0) {
    throw new CapiGenError(
      all.map((p) => {
        const pos = doc.locate(p.path, { key: p.atKey });
        return { code: p.code, severity: 'error', object: specLabel(value), path: p.path, message: p.message, source: { file, line: pos.line, col: pos.col } };
      }),
    );
  }
  return {
    spec: value as ClusterSpec,
    place: (issues) =>
      issues.map((i) => {
        if (i.source !== undefined) return i;
        const pos = doc.locate(i.path);
        return { ...i, object: i.object === 'ClusterSpec' ? specLabel(value) : i.object, source: { file, line: pos.line, col: pos.col } };
      }),
  };
}
