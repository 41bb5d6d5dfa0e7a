import { describe, expect, it } from 'vitest';
import { DEFAULT_LINT_CONFIG } from '../../src/lint/config.ts';
import { lintText } from '../../src/lint/engine.ts';
import { REFERENCE_RULES } from '../../src/lint/rules/references.ts';
import type { LintFinding } from '../../src/lint/types.ts';
import { check, dedent, lintWith, ruleById, where } from './_context.ts';

const unresolved = ruleById(REFERENCE_RULES, 'ref/unresolved');
const namespaceMismatch = ruleById(REFERENCE_RULES, 'ref/namespace-mismatch');
const versionMismatch = ruleById(REFERENCE_RULES, 'ref/version-mismatch');
const v1beta1Style = ruleById(REFERENCE_RULES, 'ref/v1beta1-style-in-v1beta2');
const mhcSelectsNothing = ruleById(REFERENCE_RULES, 'ref/mhc-selects-nothing');
const patchOverrides = ruleById(REFERENCE_RULES, 'ref/clusterclass-patch-overrides-hardening');

/** `line:col` of the value after `needle`'s `: ` (or of `needle` itself with `key`) on the nth line ending with it. */
function at(text: string, needle: string, options: { key?: boolean; nth?: number } = {}): string {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.endsWith(needle) || seen++ < (options.nth ?? 0)) continue;
    const c = lines[i]!.length - needle.length;
    if (options.key === true) return `${i + 1}:${c + 1}`;
    const sep = needle.indexOf(': ');
    return `${i + 1}:${c + (sep < 0 ? 0 : sep + 2) + 1}`;
  }
  throw new Error(`"${needle}" is not in the text`);
}

// A complete v1beta2 kubeadm cluster on Dev* kinds where every reference resolves.
const V1BETA2 = dedent`
  apiVersion: cluster.x-k8s.io/v1beta2
  kind: Cluster
  metadata:
    name: c1
  spec:
    controlPlaneRef:
      apiGroup: controlplane.cluster.x-k8s.io
      kind: KubeadmControlPlane
      name: c1-cp
    infrastructureRef:
      apiGroup: infrastructure.cluster.x-k8s.io
      kind: DevCluster
      name: c1
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
  kind: DevCluster
  metadata:
    name: c1
  ---
  apiVersion: controlplane.cluster.x-k8s.io/v1beta2
  kind: KubeadmControlPlane
  metadata:
    name: c1-cp
  spec:
    version: v1.33.0
    machineTemplate:
      spec:
        infrastructureRef:
          apiGroup: infrastructure.cluster.x-k8s.io
          kind: DevMachineTemplate
          name: c1-cp
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
  kind: DevMachineTemplate
  metadata:
    name: c1-cp
  ---
  apiVersion: cluster.x-k8s.io/v1beta2
  kind: MachineDeployment
  metadata:
    name: c1-md
  spec:
    clusterName: c1
    template:
      metadata:
        labels:
          pool: workers
      spec:
        clusterName: c1
        version: v1.33.0
        bootstrap:
          configRef:
            apiGroup: bootstrap.cluster.x-k8s.io
            kind: KubeadmConfigTemplate
            name: c1-md
        infrastructureRef:
          apiGroup: infrastructure.cluster.x-k8s.io
          kind: DevMachineTemplate
          name: c1-md
  ---
  apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
  kind: KubeadmConfigTemplate
  metadata:
    name: c1-md
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
  kind: DevMachineTemplate
  metadata:
    name: c1-md
`;

// The same cluster in v1beta1 (refs with apiVersion), as a clusterctl template.
const V1BETA1 = dedent`
  apiVersion: cluster.x-k8s.io/v1beta1
  kind: Cluster
  metadata:
    name: \${CLUSTER_NAME}
  spec:
    controlPlaneRef:
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlane
      name: \${CLUSTER_NAME}-control-plane
    infrastructureRef:
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: DevCluster
      name: \${CLUSTER_NAME}
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
  kind: DevCluster
  metadata:
    name: \${CLUSTER_NAME}
  ---
  apiVersion: controlplane.cluster.x-k8s.io/v1beta1
  kind: KubeadmControlPlane
  metadata:
    name: \${ CLUSTER_NAME }-control-plane
  spec:
    version: v1.33.0
    machineTemplate:
      infrastructureRef:
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: DevMachineTemplate
        name: \${CLUSTER_NAME}-control-plane
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
  kind: DevMachineTemplate
  metadata:
    name: \${CLUSTER_NAME}-control-plane
`;

// MicroK8s: the control plane refers to its machine template as infrastructureTemplate.
const MICROK8S = dedent`
  apiVersion: cluster.x-k8s.io/v1beta1
  kind: Cluster
  metadata:
    name: mk
  spec:
    controlPlaneRef:
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      name: mk-cp
  ---
  apiVersion: controlplane.cluster.x-k8s.io/v1beta1
  kind: MicroK8sControlPlane
  metadata:
    name: mk-cp
  spec:
    version: v1.33.0
    machineTemplate:
      infrastructureTemplate:
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: OpenStackMachineTemplate
        name: mk-cp
  ---
  apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
  kind: OpenStackMachineTemplate
  metadata:
    name: mk-cp
`;

describe('ref/unresolved', () => {
  it('passes when every reference of a complete file resolves (v1beta2, v1beta1 with placeholders, MicroK8s)', async () => {
    // Act / Assert
    expect(await lintWith(unresolved, V1BETA2)).toEqual([]);
    expect(await lintWith(unresolved, V1BETA1)).toEqual([]);
    expect(await lintWith(unresolved, MICROK8S)).toEqual([]);
  });

  it('reports a MachineDeployment bootstrap configRef whose name is not in the file, at the name', async () => {
    // Arrange
    const text = V1BETA2.replace('kind: KubeadmConfigTemplate\n          name: c1-md', 'kind: KubeadmConfigTemplate\n          name: c1-md-typo');
    // Act
    const found = await lintWith(unresolved, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'name: c1-md-typo')} /spec/template/spec/bootstrap/configRef/name`]);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.object).toBe('MachineDeployment/c1-md');
    expect(found[0]!.message).toContain('KubeadmConfigTemplate/c1-md-typo');
    expect(found[0]!.message).toContain('"c1-md"');
  });

  it('reports the Cluster refs, the MD infrastructureRef and the v1beta2 KCP machineTemplate.spec.infrastructureRef', async () => {
    // Arrange: drop the DevCluster and rename the DevMachineTemplates' targets
    const text = V1BETA2.replace('kind: DevCluster\n    name: c1', 'kind: DevCluster\n    name: other').replace(/name: c1-cp\n---\napiVersion: infrastructure/, 'name: c1-cp-x\n---\napiVersion: infrastructure');
    // Act
    const found = await lintWith(unresolved, text);
    // Assert
    expect(where(found)).toEqual([
      `${at(text, 'name: other')} /spec/infrastructureRef/name`,
      `${at(text, 'name: c1-cp-x')} /spec/machineTemplate/spec/infrastructureRef/name`,
    ]);
  });

  it('reports the v1beta1 KCP machineTemplate.infrastructureRef and the MicroK8s infrastructureTemplate', async () => {
    // Arrange
    const v1 = V1BETA1.replace('kind: DevMachineTemplate\n      name: ${CLUSTER_NAME}-control-plane', 'kind: DevMachineTemplate\n      name: ${CLUSTER}-control-plane');
    const mk = MICROK8S.replace('kind: OpenStackMachineTemplate\n      name: mk-cp', 'kind: OpenStackMachineTemplate\n      name: mk-control-plane');
    // Act
    const v1Found = await lintWith(unresolved, v1);
    const mkFound = await lintWith(unresolved, mk);
    // Assert: placeholders match only as the same text
    expect(where(v1Found)).toEqual([`${at(v1, 'name: ${CLUSTER}-control-plane')} /spec/machineTemplate/infrastructureRef/name`]);
    expect(where(mkFound)).toEqual([`${at(mk, 'name: mk-control-plane')} /spec/machineTemplate/infrastructureTemplate/name`]);
  });

  it('does not report references of a file that holds only part of a cluster (objects may live in other files)', async () => {
    // Arrange: a Cluster alone, and a MachineDeployment whose Cluster and templates are elsewhere
    const clusterOnly = V1BETA2.split('---\n')[0]!;
    const mdOnly = V1BETA2.split('---\n')[4]!;
    // Act / Assert
    expect(await check(unresolved, clusterOnly)).toEqual([]);
    expect(await check(unresolved, mdOnly)).toEqual([]);
  });
});

describe('ref/namespace-mismatch', () => {
  it('passes when referrer and target share a namespace (unset is default; placeholders are unknown)', async () => {
    // Arrange
    const explicitDefault = V1BETA2.replace('kind: DevCluster\nmetadata:\n  name: c1', 'kind: DevCluster\nmetadata:\n  name: c1\n  namespace: default');
    const placeholder = V1BETA1.replace('kind: DevCluster\nmetadata:\n  name: ${CLUSTER_NAME}', 'kind: DevCluster\nmetadata:\n  name: ${CLUSTER_NAME}\n  namespace: ${NAMESPACE}');
    // Act / Assert
    expect(explicitDefault).not.toBe(V1BETA2);
    expect(placeholder).not.toBe(V1BETA1);
    expect(await lintWith(namespaceMismatch, V1BETA2)).toEqual([]);
    expect(await lintWith(namespaceMismatch, explicitDefault)).toEqual([]);
    expect(await lintWith(namespaceMismatch, placeholder)).toEqual([]);
  });

  it('reports a reference whose target is only in another namespace, at the ref name', async () => {
    // Arrange
    const text = V1BETA2.replace('kind: DevCluster\nmetadata:\n  name: c1', 'kind: DevCluster\nmetadata:\n  name: c1\n  namespace: other');
    // Act
    const found = await lintWith(namespaceMismatch, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'name: c1', { nth: 1 })} /spec/infrastructureRef/name`]);
    expect(found[0]!.message).toContain('namespace "other"');
  });

  it("reports a v1beta1 ref whose explicit namespace is not the referrer's", async () => {
    // Arrange
    const text = MICROK8S.replace('kind: OpenStackMachineTemplate\n      name: mk-cp', 'kind: OpenStackMachineTemplate\n      name: mk-cp\n      namespace: infra');
    // Act
    const found = await lintWith(namespaceMismatch, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'namespace: infra')} /spec/machineTemplate/infrastructureTemplate/namespace`]);
    expect(found[0]!.severity).toBe('error');
  });

  it('does not judge the ref namespace of a Helm-rendered object without metadata.namespace (helm install -n sets it)', async () => {
    // Arrange: as helm template renders {{ .Release.Namespace }} into refs
    const helm = MICROK8S.replace('kind: OpenStackMachineTemplate\n      name: mk-cp', 'kind: OpenStackMachineTemplate\n      name: mk-cp\n      namespace: NAMESPACE').replace(
      'kind: MicroK8sControlPlane\nmetadata:\n  name: mk-cp',
      'kind: MicroK8sControlPlane\nmetadata:\n  name: mk-cp\n  labels: {helm.sh/chart: mk-0.1.0}',
    );
    const pinned = helm.replace('  labels: {helm.sh/chart: mk-0.1.0}', '  namespace: prod\n  labels: {helm.sh/chart: mk-0.1.0}');
    // Act
    const found = await lintWith(namespaceMismatch, helm);
    const foundPinned = await lintWith(namespaceMismatch, pinned);
    // Assert
    expect(helm).toContain('helm.sh/chart');
    expect(found).toEqual([]);
    // With metadata.namespace written out, the chart is judged like any manifest.
    expect(foundPinned.map((f) => f.path)).toContain('/spec/machineTemplate/infrastructureTemplate/namespace');
  });
});

describe('ref/version-mismatch', () => {
  it('passes when apiVersion and apiGroup agree with the targets', async () => {
    expect(await lintWith(versionMismatch, V1BETA2)).toEqual([]);
    expect(await lintWith(versionMismatch, V1BETA1)).toEqual([]);
  });

  it("reports a v1beta1 ref's apiVersion that differs from the target's", async () => {
    // Arrange: the DevCluster is v1beta2, the ref still says v1beta1
    const text = V1BETA1.replace('apiVersion: infrastructure.cluster.x-k8s.io/v1beta1\nkind: DevCluster', 'apiVersion: infrastructure.cluster.x-k8s.io/v1beta2\nkind: DevCluster');
    // Act
    const found = await lintWith(versionMismatch, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'apiVersion: infrastructure.cluster.x-k8s.io/v1beta1')} /spec/infrastructureRef/apiVersion`]);
    expect(found[0]!.message).toContain('infrastructure.cluster.x-k8s.io/v1beta2');
  });

  it("reports a v1beta2 ref's apiGroup that differs from the target's group", async () => {
    // Arrange
    const text = V1BETA2.replace('apiGroup: bootstrap.cluster.x-k8s.io', 'apiGroup: controlplane.cluster.x-k8s.io');
    // Act
    const found = await lintWith(versionMismatch, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'apiGroup: controlplane.cluster.x-k8s.io', { nth: 1 })} /spec/template/spec/bootstrap/configRef/apiGroup`]);
  });
});

describe('ref/v1beta1-style-in-v1beta2', () => {
  it('passes for v1beta2 refs with apiGroup, v1beta1 refs with apiVersion, and a v1beta2 ClusterClass templateRef', async () => {
    // Arrange: ClusterClass v1beta2 templateRef keeps apiVersion by design
    const clusterClass = dedent`
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: ClusterClass
      metadata:
        name: cc
      spec:
        infrastructure:
          templateRef:
            apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
            kind: DevClusterTemplate
            name: cc
        controlPlane:
          templateRef:
            apiVersion: controlplane.cluster.x-k8s.io/v1beta2
            kind: KubeadmControlPlaneTemplate
            name: cc
    `;
    // Act / Assert
    expect(await lintWith(v1beta1Style, V1BETA2)).toEqual([]);
    expect(await lintWith(v1beta1Style, V1BETA1)).toEqual([]);
    expect(await lintWith(v1beta1Style, clusterClass)).toEqual([]);
  });

  it('reports apiVersion in refs of a v1beta2 Cluster, KCP machineTemplate.spec.infrastructureRef and MD configRef, at the key', async () => {
    // Arrange
    const text = V1BETA2.replace('apiGroup: controlplane.cluster.x-k8s.io', 'apiVersion: controlplane.cluster.x-k8s.io/v1beta2')
      .replace('      apiGroup: infrastructure.cluster.x-k8s.io\n        kind: DevMachineTemplate\n        name: c1-cp', '      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2\n        kind: DevMachineTemplate\n        name: c1-cp')
      .replace('apiGroup: bootstrap.cluster.x-k8s.io', 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta2');
    // Act
    const found = await lintWith(v1beta1Style, text);
    // Assert
    expect(where(found)).toEqual([
      `${at(text, 'apiVersion: controlplane.cluster.x-k8s.io/v1beta2', { key: true })} /spec/controlPlaneRef/apiVersion`,
      `${at(text, 'apiVersion: infrastructure.cluster.x-k8s.io/v1beta2', { key: true, nth: 1 })} /spec/machineTemplate/spec/infrastructureRef/apiVersion`,
      `${at(text, 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta2', { key: true })} /spec/template/spec/bootstrap/configRef/apiVersion`,
    ]);
    expect(found[0]!.message).toContain('apiGroup: controlplane.cluster.x-k8s.io');
  });

  it('replaces the schema/unknown-field finding at the same key, unless the rule is off', async () => {
    // Arrange
    const text = V1BETA2.replace('apiGroup: controlplane.cluster.x-k8s.io', 'apiVersion: controlplane.cluster.x-k8s.io/v1beta2');
    const atRef = (findings: readonly LintFinding[]) => findings.filter((f) => f.path === '/spec/controlPlaneRef/apiVersion').map((f) => f.ruleId);
    // Act
    const both = await lintText(text, { file: 'test.yaml' });
    const refOff = await lintText(text, { file: 'test.yaml', config: { ...DEFAULT_LINT_CONFIG, rules: new Map([['ref/v1beta1-style-in-v1beta2', 'off']]) } });
    // Assert
    expect(atRef(both.findings)).toEqual(['ref/v1beta1-style-in-v1beta2']);
    expect(atRef(refOff.findings)).toEqual(['schema/unknown-field']);
  });
});

describe('ref/mhc-selects-nothing', () => {
  const mhc = (labels: string): string => dedent`
    ---
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: MachineHealthCheck
    metadata:
      name: c1-mhc
    spec:
      clusterName: c1
      selector:
        matchLabels:
          ${labels}
  `;

  it('passes for selectors that match the MachineDeployment template labels or the control plane', async () => {
    expect(await lintWith(mhcSelectsNothing, V1BETA2 + mhc('pool: workers'))).toEqual([]);
    expect(await lintWith(mhcSelectsNothing, V1BETA2 + mhc('cluster.x-k8s.io/control-plane: ""'))).toEqual([]);
    expect(await lintWith(mhcSelectsNothing, V1BETA2 + mhc('cluster.x-k8s.io/deployment-name: c1-md'))).toEqual([]);
  });

  it('passes when the file holds no MachineDeployment or control plane of that cluster', async () => {
    expect(await check(mhcSelectsNothing, mhc('pool: nothing').replace('---\n', ''))).toEqual([]);
  });

  it('reports a selector no Machine of the cluster carries, at matchLabels', async () => {
    // Arrange
    const text = V1BETA2 + mhc('pool: worker');
    // Act
    const found = await lintWith(mhcSelectsNothing, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'pool: worker', { key: true })} /spec/selector/matchLabels`]);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toContain('MachineDeployment/c1-md');
  });
});

describe('ref/clusterclass-patch-overrides-hardening', () => {
  const cc = (ops: string): string => dedent`
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: ClusterClass
    metadata:
      name: cc
    spec:
      patches:
        - name: p
          definitions:
            - selector:
                apiVersion: controlplane.cluster.x-k8s.io/v1beta2
                kind: KubeadmControlPlaneTemplate
                matchResources:
                  controlPlane: true
              jsonPatches:
  ` + `${ops}\n`;
  const op = (o: string, path: string): string => `            - op: ${o}\n              path: ${path}\n              value: []`;

  it('passes for appends (/-), single keys and fields hardening does not set', async () => {
    // Arrange
    const text = cc(
      [
        op('add', '/spec/template/spec/kubeadmConfigSpec/files/-'),
        op('add', '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/v'),
        op('add', '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs'),
        op('replace', '/spec/template/spec/kubeadmConfigSpec/preKubeadmCommands/0'),
      ].join('\n'),
    );
    // Act / Assert
    expect(await lintWith(patchOverrides, text)).toEqual([]);
  });

  it('reports replace/add of whole hardened fields (extraArgs, files, commands, rollout before) at the patch path', async () => {
    // Arrange
    const text = cc(
      [
        op('replace', '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs'),
        op('add', '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs'),
        op('add', '/spec/template/spec/kubeadmConfigSpec/files'),
        op('replace', '/spec/template/spec/kubeadmConfigSpec/postKubeadmCommands'),
        op('add', '/spec/template/spec/rollout/before'),
        op('add', '/spec/template/spec/rolloutBefore'),
      ].join('\n'),
    );
    // Act
    const found = await lintWith(patchOverrides, text);
    // Assert
    const base = '/spec/patches/0/definitions/0/jsonPatches';
    expect(where(found)).toEqual([
      `${at(text, 'path: /spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs')} ${base}/0/path`,
      `${at(text, 'path: /spec/template/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs')} ${base}/1/path`,
      `${at(text, 'path: /spec/template/spec/kubeadmConfigSpec/files')} ${base}/2/path`,
      `${at(text, 'path: /spec/template/spec/kubeadmConfigSpec/postKubeadmCommands')} ${base}/3/path`,
      `${at(text, 'path: /spec/template/spec/rollout/before')} ${base}/4/path`,
      `${at(text, 'path: /spec/template/spec/rolloutBefore')} ${base}/5/path`,
    ]);
    expect(found.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('reports replacing an ancestor of a hardened field, e.g. the whole kubeadmConfigSpec', async () => {
    // Arrange
    const text = cc(op('add', '/spec/template/spec/kubeadmConfigSpec'));
    // Act
    const found = await lintWith(patchOverrides, text);
    // Assert
    expect(where(found)).toEqual([`${at(text, 'path: /spec/template/spec/kubeadmConfigSpec')} /spec/patches/0/definitions/0/jsonPatches/0/path`]);
    expect(found[0]!.message).toContain('controllerManager/extraArgs');
  });
});
