// API lifecycle rules: deprecated versions, removed kinds and versions, and the MicroK8s
// providers' contract limit. Deprecation comes from the CRD registry (`deprecated` as the
// vendored CRDs mark it), never from a hard-coded list; removals are upstream facts the vendored
// CRDs cannot show (a removed version is simply absent), see shared/notes/capi-facts.md e.
import { CRDS, findCrd } from '@capi-gen/crds';
import { isRecord } from '../../util/record.ts';
import type { LintContext, LintRule, RuleFinding } from '../types.ts';
import { BOOTSTRAP_GROUP, CONTROLPLANE_GROUP, CORE_GROUP, INFRA_GROUP, kubeDocs, REFERENCE_RULES, splitApiVersion, str, type KubeDoc } from './references.ts';

const CAPI_REPO = 'kubernetes-sigs/cluster-api';

/** Docker* infrastructure kinds (CAPD), removed in CAPI v1.15 in favour of the Dev* kinds. */
function isDockerKind(doc: KubeDoc): boolean {
  return doc.group === INFRA_GROUP && /^Docker[A-Z]/.test(doc.kind);
}

function isMicroK8sKind(doc: { readonly group: string; readonly kind: string }): boolean {
  return (doc.group === BOOTSTRAP_GROUP || doc.group === CONTROLPLANE_GROUP) && doc.kind.startsWith('MicroK8s');
}

/** `v1alpha7` -> 7, for alpha versions only. */
function alphaNumber(version: string): number | undefined {
  const m = /^v1alpha(\d+)$/.exec(version);
  return m === null ? undefined : Number(m[1]);
}

/** The version the registry stores for a group and kind (what to move to). */
function storageVersion(group: string, kind: string): string | undefined {
  return CRDS.find((c) => c.group === group && c.kind === kind && c.storage && !c.deprecated)?.version
    ?? CRDS.filter((c) => c.group === group && c.kind === kind && !c.deprecated).map((c) => c.version).sort().at(-1);
}

/** Whether the validator already reported this document's apiVersion as unserved. */
function validatorReportsVersion(context: LintContext, index: number): boolean {
  const doc = context.validation.documents.find((d) => d.index === index);
  return doc?.issues.some((i) => (i.code === 'UNKNOWN_API_VERSION' || i.code === 'WRONG_API_GROUP') && i.path === '/apiVersion') ?? false;
}

const deprecatedVersion: LintRule = {
  id: 'api/deprecated-version',
  severity: 'warning',
  summary: 'The object uses an API version its CRD marks deprecated (CAPI v1beta1 since v1.11; unserved from v1.16).',
  fix: 'Move the object to the version named in the message (capi-gen render --contract v1beta2 writes it for kubeadm flavors); MicroK8s clusters stay on v1beta1 until the MicroK8s providers support v1beta2.',
  docs: '#api-deprecated-version',
  check(context) {
    const docs = kubeDocs(context);
    const microk8s = docs.filter(isMicroK8sKind);
    const out: RuleFinding[] = [];
    for (const doc of docs) {
      const crd = findCrd(doc.apiVersion, doc.kind);
      if (crd === undefined || !crd.deprecated) continue;
      // why: Docker* kinds are removed outright in v1.15; api/docker-kind-removed reports them with the Dev* replacement.
      if (isDockerKind(doc)) continue;
      const to = storageVersion(doc.group, doc.kind);
      const replacement = to === undefined ? 'a served version' : `${doc.group}/${to}`;
      const when = crd.repo === CAPI_REPO ? ' since Cluster API v1.11 and will not be served from v1.16' : '';
      const mk = doc.group === CORE_GROUP && microk8s.length > 0
        ? `; but ${microk8s[0]!.kind} in this file implements only the v1beta1 contract, so keep v1beta1 until the MicroK8s providers support v1beta2 and plan the move before Cluster API v1.16`
        : '';
      out.push({
        document: doc.index,
        path: '/apiVersion',
        message: `${doc.apiVersion} ${doc.kind} is deprecated${when}; use ${replacement}${mk}`,
      });
    }
    return out;
  },
};

/** What replaces a removed kind or version, or undefined when it is not removed. */
function removal(doc: KubeDoc): string | undefined {
  const alpha = alphaNumber(doc.version);
  if (alpha === undefined) return undefined;
  if (doc.group === INFRA_GROUP && doc.kind.startsWith('OpenStack') && alpha <= 7) {
    return `CAPO stopped serving ${doc.version} in v0.12 and dropped it in v0.14 (older alpha versions earlier); use ${INFRA_GROUP}/v1beta1 (CAPO v0.14, CAPI v1beta1 contract) or v1beta2 (CAPO v0.15)`;
  }
  if ((doc.group === CORE_GROUP || doc.group === BOOTSTRAP_GROUP || doc.group === CONTROLPLANE_GROUP || doc.group.endsWith(`.${CORE_GROUP}`)) && alpha <= 4 && !doc.kind.startsWith('MicroK8s')) {
    const to = storageVersion(doc.group, doc.kind);
    return `Cluster API ${doc.version} (the v0.4 contract and older) is not served by any supported Cluster API release; use ${doc.group}/${to ?? 'v1beta2'}`;
  }
  return undefined;
}

const removedKind: LintRule = {
  id: 'api/removed-kind',
  severity: 'error',
  summary: 'The API version was removed upstream: CAPO v1alpha7 and older, CAPI v1alpha4 and older.',
  fix: 'Use the replacement named in the message (CAPO v1beta1/v1beta2, CAPI v1beta2).',
  docs: '#api-removed-kind',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of kubeDocs(context)) {
      const why = removal(doc);
      if (why === undefined) continue;
      // why: the validator's api/unknown-version already says this version is not served and lists the
      // served ones; repeating that at the same position is noise.
      if (validatorReportsVersion(context, doc.index)) continue;
      out.push({ document: doc.index, path: '/apiVersion', message: `${doc.apiVersion} ${doc.kind} is no longer served: ${why}` });
    }
    return out;
  },
};

/** The v1beta2 core objects that refer to a MicroK8s kind, or all v1beta2 core objects when the file holds MicroK8s objects. */
const microk8sContract: LintRule = {
  id: 'api/microk8s-contract',
  severity: 'error',
  summary: 'MicroK8s bootstrap/control-plane objects with Cluster API v1beta2 core objects: the MicroK8s providers implement only the v1beta1 contract.',
  fix: 'Write Cluster, MachineDeployment and the other core objects as cluster.x-k8s.io/v1beta1 for MicroK8s clusters (capi-gen render --contract v1beta1).',
  docs: '#api-microk8s-contract',
  check(context) {
    const docs = kubeDocs(context);
    const mkObjects = docs.filter(isMicroK8sKind);
    const out: RuleFinding[] = [];
    for (const doc of docs) {
      if (doc.group !== CORE_GROUP || doc.version !== 'v1beta2') continue;
      if (!['Cluster', 'MachineDeployment', 'MachinePool', 'Machine'].includes(doc.kind)) continue;
      const refKind = microk8sRefKind(doc.value);
      const what = refKind ?? mkObjects[0]?.kind;
      if (what === undefined) continue;
      out.push({
        document: doc.index,
        path: '/apiVersion',
        message: `${doc.kind} is ${doc.apiVersion} but this file uses ${what}; the MicroK8s providers implement only the Cluster API v1beta1 contract (they create v1beta1 Machines), so use ${CORE_GROUP}/v1beta1`,
      });
    }
    return out;
  },
};

/** A MicroK8s kind a core object refers to (control plane or bootstrap config), if any. */
function microk8sRefKind(value: Record<string, unknown>): string | undefined {
  for (const path of [['spec', 'controlPlaneRef'], ['spec', 'template', 'spec', 'bootstrap', 'configRef'], ['spec', 'bootstrap', 'configRef']]) {
    let cur: unknown = value;
    for (const t of path) cur = isRecord(cur) ? cur[t] : undefined;
    const kind = isRecord(cur) ? str(cur['kind']) : undefined;
    if (kind === undefined || !kind.startsWith('MicroK8s')) continue;
    const apiGroup = isRecord(cur) ? (str(cur['apiGroup']) ?? splitApiVersion(str(cur['apiVersion']) ?? '').group) : '';
    if (apiGroup === '' || isMicroK8sKind({ group: apiGroup, kind })) return kind;
  }
  return undefined;
}

/** The lifecycle rules, in docs order. */
/**
 * Docker* kinds: removed in Cluster API v1.15, but served by every released CAPD up to v1.14 and
 * the only CAPD kinds of the v1beta1 contract (CAPI v1.10 and older have no Dev* kinds), so a
 * warning, not an error: the manifest works today and breaks on the upgrade to v1.15.
 */
const dockerKindRemoved: LintRule = {
  id: 'api/docker-kind-removed',
  severity: 'warning',
  summary: 'Docker* infrastructure kinds (CAPD) are removed in Cluster API v1.15; the Dev* kinds replace them.',
  fix: 'On Cluster API v1.11 or later use the Dev* kind named in the message (infrastructure.cluster.x-k8s.io/v1beta2, spec.backend.docker; capi-gen render --contract v1beta2); before v1.15 the Docker* kinds still work.',
  docs: '#api-docker-kind-removed',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of kubeDocs(context)) {
      if (!isDockerKind(doc)) continue;
      const dev = doc.kind.replace(/^Docker/, 'Dev');
      out.push({
        document: doc.index,
        path: '/apiVersion',
        message: `${doc.apiVersion} ${doc.kind} is removed in Cluster API v1.15 (served up to v1.14); use ${dev} from ${INFRA_GROUP}/v1beta2 with spec.backend.docker (Cluster API v1.11 or later)`,
      });
    }
    return out;
  },
};

export const LIFECYCLE_RULES: readonly LintRule[] = [deprecatedVersion, removedKind, dockerKindRemoved, microk8sContract];

/** This module's and references.ts' rules, so that rules/index.ts needs one line for both. */
export const REFERENCE_AND_LIFECYCLE_RULES: readonly LintRule[] = [...REFERENCE_RULES, ...LIFECYCLE_RULES];
