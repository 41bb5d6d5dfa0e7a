import type { ValidatorError } from '@capi-gen/crds';
import { CapiGenError, type Issue } from '../errors.ts';
import { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS } from '../harden/leader-election-options.ts';
import { describeAjvErrors } from '../validate/ajv-messages.ts';
import { loadDocuments } from '../yaml/load.ts';
import { validate as validateSpec } from './_gen/cluster-spec-validator.ts';
import { ClusterSpecSchema, type ClusterSpec } from './cluster-spec.ts';

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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A spec problem before positions are known. */
interface SpecProblem {
  readonly code: 'SPEC' | 'SPEC_RULE';
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

// Rules that a JSON Schema cannot say, or says badly.
function ruleProblems(spec: ClusterSpec): SpecProblem[] {
  const out: SpecProblem[] = [];
  const rule = (path: string, message: string): void => {
    out.push({ code: 'SPEC_RULE', path, message, atKey: false });
  };
  if (spec.controlPlane.replicas % 2 === 0) {
    rule(
      '/controlPlane/replicas',
      `${spec.controlPlane.replicas} control-plane replicas: use an odd number (1, 3, 5); etcd and dqlite need a majority, and an even count tolerates no more failures than the odd count below it`,
    );
  }
  const seen = new Map<string, number>();
  spec.workers.forEach((w, i) => {
    const first = seen.get(w.name);
    if (first !== undefined) rule(`/workers/${i}/name`, `worker pool name "${w.name}" is also used by /workers/${first}; pool names must be unique`);
    else seen.set(w.name, i);
    // The MachineDeployment name "<cluster>-<pool>" is also a label value (cluster.x-k8s.io/deployment-name).
    const derived = `${spec.name}-${w.name}`;
    if (derived.length > 63) {
      rule(`/workers/${i}/name`, `"${derived}" (cluster name + "-" + pool name) has ${derived.length} characters; label values allow 63: shorten the cluster or pool name`);
    }
  });
  const minor = Number(/^v\d+\.(\d+)\./.exec(spec.kubernetesVersion)?.[1] ?? '0');
  if (spec.microk8s?.confinement === 'strict' && minor < 25) {
    rule('/microk8s/confinement', `strict confinement needs Kubernetes v1.25 or later (MicroK8s ${spec.kubernetesVersion} has no strict snap)`);
  }
  // Leader-election timings as the binaries will get them: the options given, defaults for the rest.
  const le = spec.hardening?.leaderElection;
  if (le !== undefined && le.enabled !== false) {
    const timings = {
      leaseDuration: le.leaseDuration ?? LEADER_ELECTION_DEFAULTS.leaseDuration,
      renewDeadline: le.renewDeadline ?? LEADER_ELECTION_DEFAULTS.renewDeadline,
      retryPeriod: le.retryPeriod ?? LEADER_ELECTION_DEFAULTS.retryPeriod,
    };
    for (const p of checkLeaderElectionTimings(timings)) {
      const defaulted = (['leaseDuration', 'renewDeadline', 'retryPeriod'] as const).filter((f) => le[f] === undefined);
      const note = defaulted.length === 0 ? '' : ` (not set, so capi-gen's default applies: ${defaulted.map((f) => `${f} ${LEADER_ELECTION_DEFAULTS[f]}`).join(', ')})`;
      // A rule broken by a default and a value the user gave is reported where the user wrote it.
      const field = le[p.field] === undefined ? ({ leaseDuration: 'renewDeadline', renewDeadline: 'retryPeriod', retryPeriod: 'retryPeriod' } as const)[p.field] : p.field;
      rule(`/hardening/leaderElection/${field}`, `leader election: ${p.message}${note}`);
    }
  }
  return out;
}

/**
 * Checks a cluster spec value (as IaC code passes it). Returns issues without positions;
 * an empty list means the spec is valid for the schema and its rules. Flavor-specific rules
 * are checked by {@link renderCluster}.
 */
export function checkClusterSpec(value: unknown): Issue[] {
  const problems = schemaProblems(value);
  const all = problems.length === 0 ? ruleProblems(value as ClusterSpec) : problems;
  return all.map((p) => ({ code: p.code, severity: 'error', object: specLabel(value), path: p.path, message: p.message }));
}

function specLabel(value: unknown): string {
  return isObject(value) && typeof value['name'] === 'string' ? `ClusterSpec/${value['name']}` : 'ClusterSpec';
}

/**
 * Parses and checks a cluster spec file (YAML or JSON). Throws a {@link CapiGenError} whose
 * issues carry file, line and column when the text or the spec is invalid.
 */
export function parseClusterSpec(text: string, file = '<spec>'): ClusterSpec {
  return parseClusterSpecDocument(text, file).spec;
}

/** A parsed spec with a way to place later findings (flavor rules, refusals) in its text. */
export interface ParsedSpec {
  readonly spec: ClusterSpec;
  /** Adds file:line:col (and the spec's name) to issues that have none. */
  place(issues: readonly Issue[]): Issue[];
}

/** Like {@link parseClusterSpec}, and keeps the document to position later findings. */
export function parseClusterSpecDocument(text: string, file = '<spec>'): ParsedSpec {
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
  const problems = schemaProblems(value);
  const all = problems.length === 0 ? ruleProblems(value as ClusterSpec) : problems;
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
