// Property: every valid spec of every built-in flavor renders, and the output is a coherent set
// of objects: each validates against its CRD, every reference points at an object of the
// output (same namespace, same API group and version), names are unique per kind, no list is
// empty, and rendering is deterministic.
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CapiGenError, renderCluster, validateObject, type KubeObject } from '../../packages/core/src/index.ts';
import { arbitraryClusterSpec, renderTargets } from '../../packages/core/src/testing/index.ts';

const RUNS = { numRuns: 25 };

type Json = Record<string, unknown>;

/** A reference: v1beta1 names the apiVersion, v1beta2 only the apiGroup. */
interface Ref {
  readonly from: string;
  readonly field: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly apiVersion: string | undefined;
  readonly apiGroup: string | undefined;
}

function at(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Json)[k] : undefined;
  return v;
}

function refAt(o: KubeObject, path: readonly string[]): Ref | undefined {
  const r = at(o, path) as Json | undefined;
  if (r === undefined) return undefined;
  return {
    from: `${o.kind}/${o.metadata.name}`,
    field: path.join('.'),
    kind: r['kind'] as string,
    name: r['name'] as string,
    namespace: r['namespace'] as string | undefined,
    apiVersion: r['apiVersion'] as string | undefined,
    apiGroup: r['apiGroup'] as string | undefined,
  };
}

// Where each kind keeps its references (v1beta1 and v1beta2 shapes); [path, required].
const REF_PATHS: Readonly<Record<string, readonly (readonly [readonly string[], boolean])[]>> = {
  Cluster: [
    [['spec', 'controlPlaneRef'], true],
    [['spec', 'infrastructureRef'], true],
  ],
  MachineDeployment: [
    [['spec', 'template', 'spec', 'bootstrap', 'configRef'], true],
    [['spec', 'template', 'spec', 'infrastructureRef'], true],
  ],
  KubeadmControlPlane: [
    [['spec', 'machineTemplate', 'spec', 'infrastructureRef'], false], // v1beta2
    [['spec', 'machineTemplate', 'infrastructureRef'], false], // v1beta1
  ],
  MicroK8sControlPlane: [[['spec', 'machineTemplate', 'infrastructureTemplate'], true]],
};

function referencesOf(o: KubeObject): Ref[] {
  const out: Ref[] = [];
  const paths = REF_PATHS[o.kind] ?? [];
  for (const [path, required] of paths) {
    const r = refAt(o, path);
    if (r !== undefined) out.push(r);
    else if (required) throw new Error(`${o.kind}/${o.metadata.name} has no ${path.join('.')}`);
  }
  if (o.kind === 'KubeadmControlPlane' && out.length !== 1) throw new Error(`KubeadmControlPlane/${o.metadata.name} needs exactly one machine template infrastructureRef, has ${out.length}`);
  return out;
}

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

/** The problems with one reference; empty when it resolves. */
function resolveProblems(ref: Ref, owner: KubeObject, objects: readonly KubeObject[]): string[] {
  const where = `${ref.from} ${ref.field}`;
  if ((ref.apiVersion === undefined) === (ref.apiGroup === undefined)) return [`${where}: needs exactly one of apiVersion (v1beta1) or apiGroup (v1beta2)`];
  const ns = ref.namespace ?? owner.metadata.namespace;
  const target = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
  if (target === undefined) return [`${where}: ${ref.kind}/${ref.name} is not in the output`];
  const problems: string[] = [];
  if (target.metadata.namespace !== ns) problems.push(`${where}: namespace ${String(ns)}, target is in ${String(target.metadata.namespace)}`);
  if (ref.apiVersion !== undefined && ref.apiVersion !== target.apiVersion) problems.push(`${where}: apiVersion ${ref.apiVersion}, target is ${target.apiVersion}`);
  if (ref.apiGroup !== undefined && ref.apiGroup !== group(target.apiVersion)) problems.push(`${where}: apiGroup ${ref.apiGroup}, target is ${target.apiVersion}`);
  return problems;
}

/** JSON pointers of every empty list. */
function emptyLists(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [path] : v.flatMap((x, i) => emptyLists(x, `${path}/${i}`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => emptyLists(x, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
}

// Kubernetes label values (and so CAPI's cluster-name/deployment-name labels, which carry object
// names) are at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Every label map in an object (metadata, template metadata, selectors) that breaks the rule. */
function badLabelValues(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => badLabelValues(x, `${path}/${i}`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => {
    if ((k === 'labels' || k === 'matchLabels') && x !== null && typeof x === 'object' && !Array.isArray(x)) {
      return Object.entries(x as Json)
        .filter(([, lv]) => typeof lv !== 'string' || !LABEL_VALUE.test(lv))
        .map(([lk, lv]) => `${path}/${k}/${lk}: ${JSON.stringify(lv)}`);
    }
    return badLabelValues(x, `${path}/${k}`);
  });
}

describe('renderCluster over arbitrary valid specs', () => {
  it('refuses a cluster and pool name whose "<cluster>-<pool>" label value would pass 63 characters', async () => {
    // Arrange
    const spec = fc.sample(arbitraryClusterSpec({ flavors: ['kubeadm-docker'] }), { numRuns: 1, seed: 1 })[0]!;
    const tooLong = { ...spec, name: 'a'.repeat(40), workers: [{ name: 'b'.repeat(23), replicas: 1, machine: spec.controlPlane.machine }] };
    // Act
    const err = await renderCluster(tooLong).catch((e: unknown) => e);
    // Assert
    expect(err).toBeInstanceOf(CapiGenError);
    expect((err as CapiGenError).issues.map((i) => [i.code, i.path])).toEqual([['SPEC_RULE', '/workers/0/name']]);
  });

  it('keeps derived label values legal for the longest names the spec allows (40 + 22 characters)', async () => {
    // Arrange
    const long = 'a'.repeat(40);
    const pool = 'p'.repeat(22);
    const specs = await Promise.all(
      renderTargets().map(async (t) => {
        const spec = fc.sample(arbitraryClusterSpec({ flavors: [t.flavor] }), { numRuns: 1, seed: 1 })[0]!;
        return { ...spec, name: long, contract: t.contract, infrastructureContract: t.infrastructureContract, workers: [{ name: pool, replicas: 1, machine: spec.controlPlane.machine }] };
      }),
    );
    for (const spec of specs) {
      // Act
      const { objects } = await renderCluster(spec);
      // Assert
      expect(objects.flatMap((o) => badLabelValues(o, `${o.kind}/${o.metadata.name}`)), `${spec.flavor} ${String(spec.contract)}`).toEqual([]);
    }
  });

  it('renders valid, self-consistent, deterministic manifests', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryClusterSpec(), async (spec) => {
        // Act
        const result = await renderCluster(spec);
        const again = await renderCluster(spec);
        const objects = result.objects;
        // Assert: every object validates against its CRD.
        for (const o of objects) {
          const issues = await validateObject(o);
          expect(issues, `${o.kind}/${o.metadata.name}`).toEqual([]);
        }
        // Every reference resolves.
        const problems = objects.flatMap((o) => referencesOf(o).flatMap((r) => resolveProblems(r, o, objects)));
        expect(problems).toEqual([]);
        // Label values (user labels and the names CAPI labels carry) are legal.
        expect(objects.flatMap((o) => badLabelValues(o, `${o.kind}/${o.metadata.name}`))).toEqual([]);
        // Names are unique per kind.
        const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
        expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
        // No empty list anywhere in the YAML users get.
        const docs = parseAllDocuments(result.yaml).map((d) => d.toJS() as unknown);
        expect(docs).toHaveLength(objects.length);
        expect(emptyLists(docs)).toEqual([]);
        // Deterministic.
        expect(again.yaml).toBe(result.yaml);
      }),
      RUNS,
    );
  });
});
