// Reference rules: what one object of a file says about another (refs, namespaces, contract
// versions, MachineHealthCheck selectors) and ClusterClass patches that undo capi-gen's hardening.
//
// Scope of "the file": rules see one file at a time. A reference is only reported as unresolved
// when the file looks like it holds the whole cluster (see `looksComplete`); a file with only a
// Cluster, or a kustomize overlay with one MachineHealthCheck, legitimately points at objects that
// live in other files, and reporting those would be noise.
//
// clusterctl placeholders: names are compared as text after normalising the legacy `${ VAR }`
// form to `${VAR}`, so `${CLUSTER_NAME}-md-0` matches `${CLUSTER_NAME}-md-0` (same placeholder
// text, same value after `clusterctl generate`). A namespace that holds a placeholder is only known
// after generation, so it never counts as a mismatch.
import { isRecord } from '../../util/record.ts';
import { joinPointer, parsePointer, valueAt } from '../../validate/pointer.ts';
import type { LintContext, LintRule, RuleFinding } from '../types.ts';

// --- helpers shared with lifecycle.ts ---------------------------------------------------------

type Obj = Record<string, unknown>;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A document that is a Kubernetes object (string apiVersion and kind), with what rules ask of it. */
export interface KubeDoc {
  readonly index: number;
  readonly value: Obj;
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for the core group (`v1`). */
  readonly group: string;
  readonly version: string;
  readonly name: string | undefined;
  /** metadata.namespace as written (normalised), undefined when unset. */
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Text as clusterctl will compare it: the legacy `${ VAR }` form is `${VAR}`. */
export function normalizeText(s: string): string {
  return s.includes('${') ? s.replace(/\$\{\s+([A-Za-z_][A-Za-z0-9_]*)\s*\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\s+\}/g, (_m, a?: string, b?: string) => `\${${a ?? b}}`) : s;
}

// Every rule asks for the same view of the file; build it once per file (keyed by the documents).
const kubeDocsMemo = new WeakMap<LintContext['documents'], readonly KubeDoc[]>();

/** Every document of the file that is a Kubernetes object (shared between rules: do not modify). */
export function kubeDocs(context: LintContext): readonly KubeDoc[] {
  let memo = kubeDocsMemo.get(context.documents);
  if (memo === undefined) {
    memo = readKubeDocs(context);
    kubeDocsMemo.set(context.documents, memo);
  }
  return memo;
}

function readKubeDocs(context: LintContext): KubeDoc[] {
  const out: KubeDoc[] = [];
  for (const doc of context.documents) {
    const v = doc.value;
    if (!isRecord(v)) continue;
    const apiVersion = str(v['apiVersion']);
    const kind = str(v['kind']);
    if (apiVersion === undefined || kind === undefined) continue;
    const meta = isRecord(v['metadata']) ? v['metadata'] : {};
    const rawLabels = isRecord(meta['labels']) ? meta['labels'] : {};
    const labels: Record<string, string> = {};
    for (const [k, x] of Object.entries(rawLabels)) labels[normalizeText(k)] = x === null || x === undefined ? '' : normalizeText(String(x));
    const name = str(meta['name']);
    const namespace = str(meta['namespace']);
    out.push({
      index: doc.index,
      value: v,
      apiVersion,
      kind,
      ...splitApiVersion(apiVersion),
      name: name === undefined ? undefined : normalizeText(name),
      namespace: namespace === undefined ? undefined : normalizeText(namespace),
      labels,
    });
  }
  return out;
}

export const CORE_GROUP = 'cluster.x-k8s.io';
export const CONTROLPLANE_GROUP = 'controlplane.cluster.x-k8s.io';
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
export const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';

/** `/spec/controlPlaneRef` as people write it: `spec.controlPlaneRef`. */
export function dotted(pointer: string): string {
  return parsePointer(pointer)
    .map((t, i) => (/^\d+$/.test(t) ? `[${t}]` : i === 0 ? t : `.${t}`))
    .join('');
}

// --- references -------------------------------------------------------------------------------

/** Where an object kind holds references to other objects of the same cluster. */
interface RefSite {
  readonly group: string;
  readonly kind: string;
  readonly path: string;
  /**
   * How a v1beta2 referrer spells the target's version: `apiGroup` for contract references
   * (Cluster, MachineDeployment, KCP), `apiVersion` for template references, which keep it by
   * design (ClusterClass templateRef, MachineHealthCheck remediation.templateRef).
   */
  readonly v1beta2: 'apiGroup' | 'apiVersion';
}

const REF_SITES: readonly RefSite[] = [
  { group: CORE_GROUP, kind: 'Cluster', path: '/spec/controlPlaneRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'Cluster', path: '/spec/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'MachineDeployment', path: '/spec/template/spec/bootstrap/configRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'MachineDeployment', path: '/spec/template/spec/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'MachinePool', path: '/spec/template/spec/bootstrap/configRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'MachinePool', path: '/spec/template/spec/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'Machine', path: '/spec/bootstrap/configRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'Machine', path: '/spec/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CORE_GROUP, kind: 'MachineHealthCheck', path: '/spec/remediationTemplate', v1beta2: 'apiVersion' },
  { group: CORE_GROUP, kind: 'MachineHealthCheck', path: '/spec/remediation/templateRef', v1beta2: 'apiVersion' },
  { group: CONTROLPLANE_GROUP, kind: 'KubeadmControlPlane', path: '/spec/machineTemplate/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CONTROLPLANE_GROUP, kind: 'KubeadmControlPlane', path: '/spec/machineTemplate/spec/infrastructureRef', v1beta2: 'apiGroup' },
  { group: CONTROLPLANE_GROUP, kind: 'MicroK8sControlPlane', path: '/spec/machineTemplate/infrastructureTemplate', v1beta2: 'apiVersion' },
];

/** One reference found in the file, resolved against the file's objects. */
interface Ref {
  readonly from: KubeDoc;
  readonly site: RefSite;
  readonly ref: Obj;
  readonly kind: string;
  readonly name: string;
  /** Objects of that kind and name, in any namespace. */
  readonly targets: readonly KubeDoc[];
}

const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';

/** The label Helm's chart conventions put on every object of a chart (`<chart>-<version>`). */
const HELM_CHART_LABEL = 'helm.sh/chart';

/** Namespace as the API server fills it in (the brief's convention: unset is `default`). */
function ns(namespace: string | undefined): string {
  return namespace ?? 'default';
}

/** False only when two namespaces are known and different (placeholders are known only after generate). */
function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  const x = ns(a);
  const y = ns(b);
  return x === y || x.includes('${') || y.includes('${');
}

/**
 * What the rules look up many times per file, computed once (a file of 1000 documents would
 * otherwise cost a scan of every document per reference).
 */
interface FileIndex {
  /** Documents by `kind NUL name`, in file order. */
  readonly byKindName: ReadonlyMap<string, readonly KubeDoc[]>;
  readonly kinds: ReadonlySet<string>;
  /** The cluster each document belongs to (see {@link computeClusterName}). */
  readonly clusterOf: ReadonlyMap<KubeDoc, string | undefined>;
  /** Documents per cluster name, in file order. */
  readonly byCluster: ReadonlyMap<string, readonly KubeDoc[]>;
}

const kindName = (kind: string, name: string): string => `${kind}\u0000${name}`;
const indexMemo = new WeakMap<readonly KubeDoc[], FileIndex>();

function indexOf(docs: readonly KubeDoc[]): FileIndex {
  const memo = indexMemo.get(docs);
  if (memo !== undefined) return memo;
  const byKindName = new Map<string, KubeDoc[]>();
  const kinds = new Set<string>();
  // A control plane belongs to the first Cluster whose controlPlaneRef names it.
  const controlPlaneOwner = new Map<string, KubeDoc>();
  for (const d of docs) {
    kinds.add(d.kind);
    if (d.name !== undefined) {
      const key = kindName(d.kind, d.name);
      const list = byKindName.get(key);
      if (list === undefined) byKindName.set(key, [d]);
      else list.push(d);
    }
    if (d.kind === 'Cluster' && d.group === CORE_GROUP) {
      const ref = valueAt(d.value, '/spec/controlPlaneRef');
      const kind = isRecord(ref) ? str(ref['kind']) : undefined;
      if (isRecord(ref) && kind !== undefined && typeof ref['name'] === 'string') {
        const key = kindName(kind, normalizeText(ref['name']));
        if (!controlPlaneOwner.has(key)) controlPlaneOwner.set(key, d);
      }
    }
  }
  const clusterOf = new Map<KubeDoc, string | undefined>();
  const byCluster = new Map<string, KubeDoc[]>();
  for (const d of docs) {
    const cluster = computeClusterName(d, controlPlaneOwner);
    clusterOf.set(d, cluster);
    if (cluster === undefined) continue;
    const list = byCluster.get(cluster);
    if (list === undefined) byCluster.set(cluster, [d]);
    else list.push(d);
  }
  const index: FileIndex = { byKindName, kinds, clusterOf, byCluster };
  indexMemo.set(docs, index);
  return index;
}

/** The Cluster name an object belongs to, when it says so. */
function clusterNameOf(doc: KubeDoc, docs: readonly KubeDoc[]): string | undefined {
  return indexOf(docs).clusterOf.get(doc);
}

function computeClusterName(doc: KubeDoc, controlPlaneOwner: ReadonlyMap<string, KubeDoc>): string | undefined {
  if (doc.group === CORE_GROUP && doc.kind === 'Cluster') return doc.name;
  const spec = isRecord(doc.value['spec']) ? doc.value['spec'] : {};
  const fromSpec = str(spec['clusterName']);
  if (fromSpec !== undefined) return normalizeText(fromSpec);
  if (doc.labels[CLUSTER_NAME_LABEL] !== undefined) return doc.labels[CLUSTER_NAME_LABEL];
  // A control plane belongs to the Cluster whose controlPlaneRef names it.
  return doc.name === undefined ? undefined : controlPlaneOwner.get(kindName(doc.kind, doc.name))?.name;
}

function collectRefs(docs: readonly KubeDoc[]): Ref[] {
  const { byKindName } = indexOf(docs);
  const out: Ref[] = [];
  for (const from of docs) {
    for (const site of REF_SITES) {
      if (site.kind !== from.kind || site.group !== from.group) continue;
      const ref = valueAt(from.value, site.path);
      if (!isRecord(ref)) continue;
      const kind = str(ref['kind']);
      const rawName = str(ref['name']);
      // why: a ref without kind or name is a schema error the validator reports.
      if (kind === undefined || rawName === undefined) continue;
      const name = normalizeText(rawName);
      out.push({ from, site, ref, kind, name, targets: byKindName.get(kindName(kind, name)) ?? [] });
    }
  }
  return out;
}

/**
 * Whether the file looks like it holds the referring object's whole cluster, so that a missing
 * target is a mistake rather than an object kept in another file: the file holds at least one
 * object of the referenced kind, or the referrer's Cluster together with its parts. For a Cluster
 * that is "the Cluster and something that belongs to it" (an object naming it in `clusterName`
 * or the cluster-name label, or one of its own references that resolves), because a Cluster alone
 * trivially "contains its Cluster".
 */
function looksComplete(r: Ref, docs: readonly KubeDoc[], refs: readonly Ref[]): boolean {
  const index = indexOf(docs);
  if (index.kinds.has(r.kind)) return true;
  const cluster = index.clusterOf.get(r.from);
  if (cluster === undefined) return false;
  if (r.from.kind === 'Cluster' && r.from.group === CORE_GROUP) {
    const belongs = (index.byCluster.get(cluster) ?? []).some((d) => d !== r.from);
    const resolves = refs.some((o) => o.from === r.from && o.targets.length > 0);
    return belongs || resolves;
  }
  return (index.byKindName.get(kindName('Cluster', cluster)) ?? []).some((d) => d.group === CORE_GROUP && sameNamespace(d.namespace, r.from.namespace));
}

/** The target a reference means: the one in the referrer's namespace, else any. */
function targetOf(r: Ref): KubeDoc | undefined {
  return r.targets.find((t) => sameNamespace(t.namespace, r.from.namespace)) ?? r.targets[0];
}

function label(doc: KubeDoc): string {
  return doc.name === undefined ? doc.kind : `${doc.kind}/${doc.name}`;
}

const refsMemo = new WeakMap<readonly KubeDoc[], readonly Ref[]>();

function refsOf(context: LintContext): { docs: readonly KubeDoc[]; refs: readonly Ref[] } {
  const docs = kubeDocs(context);
  let refs = refsMemo.get(docs);
  if (refs === undefined) {
    refs = collectRefs(docs);
    refsMemo.set(docs, refs);
  }
  return { docs, refs };
}

const unresolved: LintRule = {
  id: 'ref/unresolved',
  severity: 'error',
  summary: 'A Cluster, MachineDeployment, control plane, Machine(Pool) or MachineHealthCheck refers to an object the file does not hold.',
  fix: 'Add the referenced object, or correct the kind and name of the reference (placeholders must match as written).',
  docs: '#ref-unresolved',
  check(context) {
    const { docs, refs } = refsOf(context);
    const out: RuleFinding[] = [];
    for (const r of refs) {
      if (r.targets.length > 0 || !looksComplete(r, docs, refs)) continue;
      const sameKind = docs.filter((d) => d.kind === r.kind && d.name !== undefined).map((d) => d.name);
      const held = sameKind.length === 0 ? `it holds no ${r.kind}` : `its ${r.kind} objects are ${sameKind.map((n) => `"${n}"`).join(', ')}`;
      out.push({
        document: r.from.index,
        path: `${r.site.path}/name`,
        message: `${dotted(r.site.path)} of ${label(r.from)} refers to ${r.kind}/${r.name}, which is not in this file; ${held}`,
      });
    }
    return out;
  },
};

const namespaceMismatch: LintRule = {
  id: 'ref/namespace-mismatch',
  severity: 'error',
  summary: 'A reference points into another namespace; Cluster API resolves references in the namespace of the referring object.',
  fix: 'Put the referring and the referenced object in the same namespace (unset means default), and drop or correct the ref namespace.',
  docs: '#ref-namespace-mismatch',
  check(context) {
    const { refs } = refsOf(context);
    const out: RuleFinding[] = [];
    for (const r of refs) {
      const here = ns(r.from.namespace);
      const explicit = str(r.ref['namespace']);
      // why: a Helm chart leaves metadata.namespace to `helm install --namespace` and writes ref
      // namespaces from .Release.Namespace; rendered without a release (helm template,
      // helm-unittest) that reads as a mismatch it is not.
      const helmRendered = r.from.namespace === undefined && r.from.labels[HELM_CHART_LABEL] !== undefined;
      if (explicit !== undefined && !helmRendered && !sameNamespace(normalizeText(explicit), r.from.namespace)) {
        out.push({
          document: r.from.index,
          path: `${r.site.path}/namespace`,
          message: `${dotted(r.site.path)}.namespace is "${explicit}" but ${label(r.from)} is in namespace "${here}"${r.from.namespace === undefined ? ' (metadata.namespace unset)' : ''}; a reference must stay in the referrer's namespace`,
        });
        continue;
      }
      if (r.targets.length === 0 || r.targets.some((t) => sameNamespace(t.namespace, r.from.namespace))) continue;
      const there = [...new Set(r.targets.map((t) => ns(t.namespace)))].map((n) => `"${n}"`).join(', ');
      out.push({
        document: r.from.index,
        path: `${r.site.path}/name`,
        message: `${dotted(r.site.path)} of ${label(r.from)} (namespace "${here}") refers to ${r.kind}/${r.name}, which is only in namespace ${there}`,
      });
    }
    return out;
  },
};

const versionMismatch: LintRule = {
  id: 'ref/version-mismatch',
  severity: 'error',
  summary: "A reference's apiVersion (v1beta1) or apiGroup (v1beta2) does not match the referenced object.",
  fix: "Make the reference's apiVersion equal the object's apiVersion, or its apiGroup equal the object's API group.",
  docs: '#ref-version-mismatch',
  check(context) {
    const { refs } = refsOf(context);
    const out: RuleFinding[] = [];
    for (const r of refs) {
      const target = targetOf(r);
      if (target === undefined) continue;
      const apiVersion = str(r.ref['apiVersion']);
      if (apiVersion !== undefined && normalizeText(apiVersion) !== normalizeText(target.apiVersion)) {
        out.push({
          document: r.from.index,
          path: `${r.site.path}/apiVersion`,
          message: `${dotted(r.site.path)}.apiVersion is "${apiVersion}" but ${label(target)} is "${target.apiVersion}"`,
        });
      }
      const apiGroup = str(r.ref['apiGroup']);
      if (apiGroup !== undefined && normalizeText(apiGroup) !== normalizeText(target.group)) {
        out.push({
          document: r.from.index,
          path: `${r.site.path}/apiGroup`,
          message: `${dotted(r.site.path)}.apiGroup is "${apiGroup}" but ${label(target)} is in the group "${target.group}"`,
        });
      }
    }
    return out;
  },
};

const v1beta1StyleInV1beta2: LintRule = {
  id: 'ref/v1beta1-style-in-v1beta2',
  severity: 'error',
  summary: 'A v1beta2 Cluster, MachineDeployment, MachinePool, Machine or KubeadmControlPlane reference carries apiVersion (the v1beta1 shape).',
  fix: 'Replace `apiVersion: <group>/<version>` with `apiGroup: <group>` in the reference (ClusterClass templateRef keeps apiVersion).',
  docs: '#ref-v1beta1-style-in-v1beta2',
  // why: the validator reports the same apiVersion key as an unknown field; this finding says what to write instead.
  supersedes: ['schema/unknown-field'],
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of kubeDocs(context)) {
      if (doc.version !== 'v1beta2') continue;
      for (const site of REF_SITES) {
        if (site.kind !== doc.kind || site.group !== doc.group || site.v1beta2 !== 'apiGroup') continue;
        const ref = valueAt(doc.value, site.path);
        if (!isRecord(ref) || !Object.hasOwn(ref, 'apiVersion')) continue;
        const apiVersion = str(ref['apiVersion']);
        const group = apiVersion === undefined ? '<group>' : splitApiVersion(apiVersion).group;
        out.push({
          document: doc.index,
          path: `${site.path}/apiVersion`,
          atKey: true,
          message: `${doc.apiVersion} ${doc.kind} refers by apiGroup, not apiVersion: write "apiGroup: ${group}" instead of "apiVersion: ${apiVersion ?? ''}" in ${dotted(site.path)} (the API server rejects the unknown field)`,
        });
      }
    }
    return out;
  },
};

// --- MachineHealthCheck selectors -------------------------------------------------------------

/** Labels whose value Cluster API generates (hashes); a selector on them cannot be checked statically. */
const GENERATED_LABELS = new Set(['cluster.x-k8s.io/set-name', 'machine-template-hash', 'cluster.x-k8s.io/control-plane-name']);

interface MachineSource {
  readonly what: string;
  readonly labels: Readonly<Record<string, string>>;
}

function labelsAt(value: Obj, pointer: string): Record<string, string> {
  const raw = valueAt(value, pointer);
  const out: Record<string, string> = {};
  if (isRecord(raw)) for (const [k, x] of Object.entries(raw)) out[normalizeText(k)] = x === null || x === undefined ? '' : normalizeText(String(x));
  return out;
}

/** The labels the Machines of each MachineDeployment, MachinePool, control plane or Machine of a cluster carry. */
function machineSources(docs: readonly KubeDoc[], cluster: string): MachineSource[] {
  const out: MachineSource[] = [];
  for (const d of indexOf(docs).byCluster.get(cluster) ?? []) {
    if (d.name === undefined) continue;
    const base = { [CLUSTER_NAME_LABEL]: cluster };
    if (d.group === CORE_GROUP && d.kind === 'MachineDeployment') {
      out.push({ what: label(d), labels: { ...labelsAt(d.value, '/spec/template/metadata/labels'), ...base, 'cluster.x-k8s.io/deployment-name': d.name } });
    } else if (d.group === CORE_GROUP && d.kind === 'MachinePool') {
      out.push({ what: label(d), labels: { ...labelsAt(d.value, '/spec/template/metadata/labels'), ...base, 'cluster.x-k8s.io/pool-name': d.name } });
    } else if (d.group === CORE_GROUP && d.kind === 'Machine') {
      out.push({ what: label(d), labels: { ...d.labels, ...base } });
    } else if (d.group === CONTROLPLANE_GROUP && (d.kind === 'KubeadmControlPlane' || d.kind === 'MicroK8sControlPlane')) {
      out.push({ what: label(d), labels: { ...labelsAt(d.value, '/spec/machineTemplate/metadata/labels'), ...base, 'cluster.x-k8s.io/control-plane': '' } });
    }
  }
  return out;
}

const mhcSelectsNothing: LintRule = {
  id: 'ref/mhc-selects-nothing',
  severity: 'warning',
  summary: "A MachineHealthCheck's selector matches no MachineDeployment, MachinePool, control plane or Machine of its cluster in the file.",
  fix: "Use labels the Machines carry: the MachineDeployment's spec.template.metadata.labels, cluster.x-k8s.io/deployment-name, or cluster.x-k8s.io/control-plane: \"\".",
  docs: '#ref-mhc-selects-nothing',
  check(context) {
    const docs = kubeDocs(context);
    const out: RuleFinding[] = [];
    for (const mhc of docs) {
      if (mhc.kind !== 'MachineHealthCheck' || mhc.group !== CORE_GROUP) continue;
      const selector = valueAt(mhc.value, '/spec/selector');
      const cluster = clusterNameOf(mhc, docs);
      if (!isRecord(selector) || cluster === undefined) continue;
      // why: matchExpressions are rare in templates; without evaluating them a "no match" could be wrong.
      if (selector['matchExpressions'] !== undefined && selector['matchExpressions'] !== null) continue;
      const wanted = labelsAt(mhc.value, '/spec/selector/matchLabels');
      const sources = machineSources(docs, cluster);
      if (sources.length === 0) continue;
      const matches = (s: MachineSource): boolean => Object.entries(wanted).every(([k, v]) => GENERATED_LABELS.has(k) || s.labels[k] === v);
      if (sources.some(matches)) continue;
      const shown = Object.entries(wanted).map(([k, v]) => `${k}=${v === '' ? '""' : v}`).join(', ');
      out.push({
        document: mhc.index,
        path: '/spec/selector/matchLabels',
        message: `the selector {${shown}} of ${label(mhc)} matches the Machines of none of ${sources.map((s) => s.what).join(', ')}; it would never remediate anything`,
      });
    }
    return out;
  },
};

// --- ClusterClass patches ---------------------------------------------------------------------

/** Fields capi-gen's hardening sets, per patched template kind (JSON pointers inside the template). */
const HARDENED: Readonly<Record<string, readonly string[]>> = {
  KubeadmControlPlaneTemplate: [
    '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs',
    '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs',
    '/spec/template/spec/kubeadmConfigSpec/files',
    '/spec/template/spec/kubeadmConfigSpec/preKubeadmCommands',
    '/spec/template/spec/kubeadmConfigSpec/postKubeadmCommands',
    '/spec/template/spec/rolloutBefore',
    '/spec/template/spec/rollout/before',
  ],
  KubeadmConfigTemplate: ['/spec/template/spec/files', '/spec/template/spec/preKubeadmCommands', '/spec/template/spec/postKubeadmCommands'],
};

/** The hardened fields a patch path replaces as a whole: the field itself or an ancestor of it. */
function replacedFields(path: string, kinds: readonly string[]): string[] {
  const tokens = parsePointer(path);
  const hit: string[] = [];
  for (const kind of kinds) {
    for (const field of HARDENED[kind] ?? []) {
      const f = parsePointer(field);
      if (tokens.length <= f.length && tokens.every((t, i) => t === f[i]) && tokens.length >= 3) hit.push(field);
    }
  }
  return [...new Set(hit)];
}

const patchOverridesHardening: LintRule = {
  id: 'ref/clusterclass-patch-overrides-hardening',
  severity: 'warning',
  summary: 'A ClusterClass patch replaces or removes a whole field that capi-gen hardening sets (leader-election extraArgs, files, kubeadm commands, certificate rollout).',
  fix: 'Append with a `/-` path or patch one entry or key, so the hardened values survive; or re-run capi-gen harden on the result.',
  docs: '#ref-clusterclass-patch-overrides-hardening',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of kubeDocs(context)) {
      if (doc.kind !== 'ClusterClass' || doc.group !== CORE_GROUP) continue;
      const patches = valueAt(doc.value, '/spec/patches');
      if (!Array.isArray(patches)) continue;
      patches.forEach((patch: unknown, p) => {
        if (!isRecord(patch) || !Array.isArray(patch['definitions'])) return;
        patch['definitions'].forEach((def: unknown, d) => {
          if (!isRecord(def) || !Array.isArray(def['jsonPatches'])) return;
          const selKind = str(valueAt(def, '/selector/kind'));
          const kinds = selKind === undefined ? Object.keys(HARDENED) : [selKind];
          def['jsonPatches'].forEach((jp: unknown, j) => {
            if (!isRecord(jp)) return;
            const op = str(jp['op']);
            const path = str(jp['path']);
            if (path === undefined || (op !== 'add' && op !== 'replace' && op !== 'remove')) return;
            if (path.endsWith('/-')) return;
            const fields = replacedFields(path, kinds);
            if (fields.length === 0) return;
            const verb = op === 'remove' ? 'removes' : op === 'add' ? 'adds (replacing any existing value)' : 'replaces';
            out.push({
              document: doc.index,
              path: joinPointer(['spec', 'patches', p, 'definitions', d, 'jsonPatches', j, 'path']),
              message: `patch "${str(patch['name']) ?? p}" ${verb} ${path} of ${selKind ?? 'the selected template'} as a whole, which drops what hardening set at ${fields.join(', ')}`,
            });
          });
        });
      });
    }
    return out;
  },
};

/** The reference rules, in docs order. */
export const REFERENCE_RULES: readonly LintRule[] = [
  unresolved,
  namespaceMismatch,
  versionMismatch,
  v1beta1StyleInV1beta2,
  mhcSelectsNothing,
  patchOverridesHardening,
];
