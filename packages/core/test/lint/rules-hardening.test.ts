// Hardening rules: a failing and a passing fixture per rule (id, JSON pointer, line and column
// through the engine), both API versions of KubeadmControlPlane where the shapes differ.
import { describe, expect, it } from 'vitest';
import { hardenText } from '../../src/harden/apply-to-text.ts';
import {
  CERTS_SERVICE_PATH,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_PRE_COMMAND,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
} from '../../src/harden/node-certs-contract.ts';
import { HARDENING_RULES } from '../../src/lint/rules/hardening.ts';
import { RULES } from '../../src/lint/rules/index.ts';
import { dedent, lintWith, ruleById, where } from './_context.ts';

const rule = (id: string) => ruleById(HARDENING_RULES, id);

describe('hardening rules are registered', () => {
  it('every rule is in RULES with a docs anchor made from its id', () => {
    for (const r of HARDENING_RULES) {
      expect(RULES).toContain(r);
      expect(r.docs).toBe(`#${r.id.replace('/', '-')}`);
    }
  });
});

/** A KubeadmControlPlane v1beta2 with the given controllerManager extraArgs lines (10-space indented). */
function kcpV1beta2(extraArgs: string): string {
  return [
    'apiVersion: controlplane.cluster.x-k8s.io/v1beta2', // 1
    'kind: KubeadmControlPlane',
    'metadata:',
    '  name: cp',
    'spec:', // 5
    '  version: v1.33.0',
    '  rollout:',
    '    before: {certificatesExpiryDays: 90}',
    '  kubeadmConfigSpec:',
    '    clusterConfiguration:', // 10
    '      controllerManager:',
    '        extraArgs:',
    extraArgs, // 13...
    '      scheduler:',
    '        extraArgs:',
    '          - {name: leader-elect-lease-duration, value: 60s}',
    '          - {name: leader-elect-renew-deadline, value: 40s}',
    '          - {name: leader-elect-retry-period, value: 5s}',
    '',
  ].join('\n');
}

const HARDENED_LIST = ['          - {name: leader-elect-lease-duration, value: 60s}', '          - {name: leader-elect-renew-deadline, value: 40s}', '          - {name: leader-elect-retry-period, value: 5s}'].join('\n');

describe('harden/kcp-no-cert-rotation', () => {
  const certs = rule('harden/kcp-no-cert-rotation');

  it('flags KubeadmControlPlane v1beta2 and v1beta1 without the field, pointing where it goes', async () => {
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        rollout:
          strategy: {type: RollingUpdate}
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlaneTemplate
      metadata:
        name: cpt
      spec:
        template:
          spec:
            kubeadmConfigSpec: {}
    `;
    const found = await lintWith(certs, text);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ['harden/kcp-no-cert-rotation', 'warning'],
      ['harden/kcp-no-cert-rotation', 'warning'],
    ]);
    // Absent fields are located at their nearest present ancestor's key.
    expect(where(found)).toEqual(['7:3 /spec/rollout/before/certificatesExpiryDays', '16:5 /spec/template/spec/rolloutBefore/certificatesExpiryDays']);
    expect(found[0]!.message).toContain('one year');
  });

  it('passes when the field is set (v1beta2 rollout.before, v1beta1 rolloutBefore, a placeholder)', async () => {
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        rollout:
          before: {certificatesExpiryDays: 90}
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlane
      metadata:
        name: cp1
      spec:
        version: v1.33.0
        rolloutBefore:
          certificatesExpiryDays: \${CERT_DAYS:=90}
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      metadata:
        name: mcp
      spec:
        version: v1.33.0
    `;
    expect(await lintWith(certs, text)).toEqual([]);
  });
});

describe('harden/leader-election-invalid', () => {
  const invalid = rule('harden/leader-election-invalid');

  it("flags timings client-go refuses, with the values (v1beta2 list and v1beta1 map)", async () => {
    const v1beta2 = kcpV1beta2(['          - {name: leader-elect-lease-duration, value: 10s}', '          - {name: leader-elect-renew-deadline, value: 15s}'].join('\n'));
    const found = await lintWith(invalid, v1beta2);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([['harden/leader-election-invalid', 'error']]);
    expect(where(found)).toEqual(['13:56 /spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/0/value']);
    expect(found[0]!.message).toContain('kube-controller-manager');
    expect(found[0]!.message).toContain('leaseDuration (10s) must be greater than renewDeadline (15s)');

    const v1beta1 = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          clusterConfiguration:
            scheduler:
              extraArgs:
                leader-elect-retry-period: 10s
    `;
    const found1 = await lintWith(invalid, v1beta1);
    expect(where(found1)).toEqual(['11:11 /spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs']);
    expect(found1[0]!.message).toContain('kube-scheduler');
    expect(found1[0]!.message).toContain('renewDeadline (10s) must be greater than 1.2 x retryPeriod (10s)');
  });

  it('passes valid timings, leader-elect=false and placeholders', async () => {
    expect(await lintWith(invalid, kcpV1beta2(HARDENED_LIST))).toEqual([]);
    const off = kcpV1beta2(['          - {name: leader-elect, value: "false"}', '          - {name: leader-elect-lease-duration, value: 1s}'].join('\n'));
    expect(await lintWith(invalid, off)).toEqual([]);
    const placeholder = kcpV1beta2(['          - {name: leader-elect-lease-duration, value: "${LEASE}"}', '          - {name: leader-elect-renew-deadline, value: 40s}'].join('\n'));
    expect(await lintWith(invalid, placeholder)).toEqual([]);
  });
});

describe('harden/leader-election-duplicate', () => {
  const duplicate = rule('harden/leader-election-duplicate');

  it('flags a flag twice in a v1beta2 list, and two spellings of one flag in a v1beta1 map', async () => {
    const v1beta2 = kcpV1beta2([HARDENED_LIST, '          - {name: leader-elect-lease-duration, value: 120s}'].join('\n'));
    const found = await lintWith(duplicate, v1beta2);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([['harden/leader-election-duplicate', 'error']]);
    expect(where(found)).toEqual(['16:20 /spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/3/name']);
    expect(found[0]!.message).toContain('already set by entry 0');

    const v1beta1 = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlaneTemplate
      metadata:
        name: cpt
      spec:
        template:
          spec:
            kubeadmConfigSpec:
              clusterConfiguration:
                controllerManager:
                  extraArgs:
                    leader-elect-lease-duration: 60s
                    leader_elect_lease_duration: 30s
    `;
    const found1 = await lintWith(duplicate, v1beta1);
    expect(where(found1)).toEqual(['13:15 /spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/leader_elect_lease_duration']);
    expect(found1[0]!.message).toContain('same flag');
  });

  it('passes one entry per flag', async () => {
    expect(await lintWith(duplicate, kcpV1beta2(HARDENED_LIST))).toEqual([]);
  });
});

describe('harden/leader-election-default', () => {
  const defaults = rule('harden/leader-election-default');

  it('flags components on the upstream 15s/10s/2s timings (no flags, or no longer ones)', async () => {
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          clusterConfiguration:
            scheduler:
              extraArgs:
                - {name: leader-elect-lease-duration, value: 15s}
    `;
    const found = await lintWith(defaults, text);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ['harden/leader-election-default', 'info'],
      ['harden/leader-election-default', 'info'],
    ]);
    expect(where(found)).toEqual([
      '8:5 /spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs',
      '11:56 /spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs/0/value',
    ]);
    expect(found[0]!.message).toContain('kube-controller-manager runs with the upstream default leader-election timings');
    expect(found[1]!.message).toContain('leader-elect-lease-duration=15s, leader-elect-renew-deadline=10s, leader-elect-retry-period=2s');
  });

  it('passes what `capi-gen harden` writes, and leader-elect=false', async () => {
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          clusterConfiguration:
            scheduler:
              extraArgs:
                - {name: leader-elect, value: "false"}
    `;
    const hardened = hardenText(text, { file: 'test.yaml', hardening: undefined });
    expect(await lintWith(defaults, hardened.text)).toEqual([]);
    expect(await lintWith(defaults, kcpV1beta2(HARDENED_LIST))).toEqual([]);
  });
});

describe('harden/microk8s-no-ca-verification', () => {
  const ca = rule('harden/microk8s-no-ca-verification');
  const head = dedent`
    apiVersion: controlplane.cluster.x-k8s.io/v1beta1
    kind: MicroK8sControlPlane
    metadata:
      name: cp
    spec:
      version: v1.31.4
      machineTemplate:
        infrastructureTemplate: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: OpenStackMachineTemplate, name: cp}
      controlPlaneConfig:
        initConfiguration:
  `;

  it('flags a MicroK8sControlPlane without the CA verification step, at initConfiguration', async () => {
    // Arrange
    const text = `${head}
      preRunCommands: ["echo mine"]
`;
    // Act
    const found = await lintWith(ca, text);
    // Assert
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([['harden/microk8s-no-ca-verification', 'warning']]);
    expect(where(found)).toEqual(['10:5 /spec/controlPlaneConfig/initConfiguration']);
    expect(found[0]!.message).toContain('x509');
  });

  it('passes when the script and its preRunCommand are there (as capi-gen harden adds them)', async () => {
    // Arrange
    const text = `${head}
      extraWriteFiles:
        - {path: /capi-gen/microk8s-verify-ca.sh, content: "#!/bin/sh", permissions: "0700", owner: "root:root"}
      preRunCommands: ["/capi-gen/microk8s-wrap-calico-ipip.sh"]
`;
    // Act
    const found = await lintWith(ca, text);
    // Assert
    expect(found).toEqual([]);
  });
});

describe('harden/microk8s-no-cert-guard', () => {
  const guard = rule('harden/microk8s-no-cert-guard');

  it('flags MicroK8s configs without the whole guard (control plane, worker template, single config), at the config key', async () => {
    // Arrange
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      metadata:
        name: cp
      spec:
        version: v1.31.4
        controlPlaneConfig:
          initConfiguration:
            preRunCommands: ["echo mine"]
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: workers
      spec:
        template:
          spec:
            initConfiguration:
              preRunCommands: ["${MICROK8S_FIRST_BOOT_COMMAND}"]
              extraWriteFiles:
                - {path: ${MICROK8S_CERTS_SCRIPT_PATH}, content: "#!/bin/sh", permissions: "0700", owner: "root:root"}
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfig
      metadata:
        name: one
      spec:
        clusterConfiguration: {portCompatibilityRemap: true}
    `;
    // Act
    const found = await lintWith(guard, text);
    // Assert
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ['harden/microk8s-no-cert-guard', 'warning'],
      ['harden/microk8s-no-cert-guard', 'warning'],
      ['harden/microk8s-no-cert-guard', 'warning'],
    ]);
    // An absent initConfiguration is located at its nearest present ancestor's key (spec).
    expect(where(found)).toEqual(['8:5 /spec/controlPlaneConfig/initConfiguration', '18:7 /spec/template/spec/initConfiguration', '27:1 /spec/initConfiguration']);
    expect(found[0]!.message).toContain(`preRunCommands entry "${MICROK8S_FIRST_BOOT_COMMAND}"`);
    expect(found[0]!.message).toContain(CERTS_SERVICE_PATH);
    // The worker template lacks only the systemd unit.
    expect(found[1]!.message).toContain(`missing: extraWriteFiles entry ${CERTS_SERVICE_PATH}):`);
    expect(found[0]!.fix).toContain('capi-gen harden <file>');
  });

  it('passes when the script, the unit and the first-boot command are there, and ignores kubeadm kinds', async () => {
    // Arrange
    const guarded = (indent: string): string =>
      [
        `${indent}preRunCommands: ["echo mine", "${MICROK8S_FIRST_BOOT_COMMAND}"]`,
        `${indent}extraWriteFiles:`,
        `${indent}  - {path: ${MICROK8S_CERTS_SCRIPT_PATH}, content: "#!/bin/sh", permissions: "0700", owner: "root:root"}`,
        `${indent}  - {path: ${CERTS_SERVICE_PATH}, content: "[Unit]", permissions: "0644", owner: "root:root"}`,
      ].join('\n');
    const text = [
      'apiVersion: controlplane.cluster.x-k8s.io/v1beta1',
      'kind: MicroK8sControlPlane',
      'metadata: {name: cp}',
      'spec:',
      '  version: v1.31.4',
      '  controlPlaneConfig:',
      '    initConfiguration:',
      guarded('      '),
      '---',
      'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1',
      'kind: MicroK8sConfigTemplate',
      'metadata: {name: workers}',
      'spec:',
      '  template:',
      '    spec:',
      '      initConfiguration:',
      guarded('        '),
      '---',
      'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1',
      'kind: MicroK8sConfig',
      'metadata: {name: one}',
      'spec:',
      '  initConfiguration:',
      guarded('    '),
      '---',
      'apiVersion: bootstrap.cluster.x-k8s.io/v1beta2',
      'kind: KubeadmConfigTemplate',
      'metadata: {name: kubeadm-workers}',
      'spec: {template: {spec: {}}}',
      '',
    ].join('\n');
    // Act
    const found = await lintWith(guard, text);
    // Assert
    expect(found).toEqual([]);
  });
});

describe('the certificate rules on what `capi-gen harden` writes', () => {
  it('finds nothing left to add after hardenText (MicroK8s control plane and workers, kubeadm KCP and workers)', async () => {
    // Arrange
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      metadata:
        name: mk
      spec:
        version: v1.31.4
        machineTemplate:
          infrastructureTemplate: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: OpenStackMachineTemplate, name: mk}
        controlPlaneConfig:
          initConfiguration:
            riskLevel: stable
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: mk-workers
      spec:
        template:
          spec:
            initConfiguration:
              riskLevel: stable
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          preKubeadmCommands: ["echo mine"]
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: workers
      spec:
        template:
          spec: {}
    `;
    const rules = [rule('harden/microk8s-no-cert-guard'), rule('harden/kubeadm-no-cert-checks')];
    // Act
    const before = await Promise.all(rules.map((r) => lintWith(r, text)));
    const hardened = hardenText(text, { file: 'test.yaml', hardening: undefined });
    const after = await Promise.all(rules.map((r) => lintWith(r, hardened.text)));
    // Assert
    expect(before.map((f) => f.length)).toEqual([2, 2]);
    expect(after).toEqual([[], []]);
  });
});

describe('harden/kubeadm-no-cert-checks', () => {
  const checks = rule('harden/kubeadm-no-cert-checks');

  it('flags KCP, KCP templates, KubeadmConfigTemplate and KubeadmConfig (both versions) without the pre-kubeadm checks', async () => {
    // Arrange
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          preKubeadmCommands: ["${KUBEADM_PRE_COMMAND}"]
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: KubeadmControlPlaneTemplate
      metadata:
        name: cpt
      spec:
        template:
          spec:
            kubeadmConfigSpec:
              files:
                - {path: ${KUBEADM_CERTS_SCRIPT_PATH}, content: "#!/bin/sh", permissions: "0700", owner: "root:root"}
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: workers
      spec:
        template:
          spec:
            preKubeadmCommands: ["echo mine"]
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: KubeadmConfig
      metadata:
        name: one
    `;
    // Act
    const found = await lintWith(checks, text);
    // Assert
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ['harden/kubeadm-no-cert-checks', 'warning'],
      ['harden/kubeadm-no-cert-checks', 'warning'],
      ['harden/kubeadm-no-cert-checks', 'warning'],
      ['harden/kubeadm-no-cert-checks', 'warning'],
    ]);
    // KubeadmConfig without spec: located at the document (the nearest present ancestor is the root).
    expect(where(found)).toEqual(['7:3 /spec/kubeadmConfigSpec', '17:7 /spec/template/spec/kubeadmConfigSpec', '27:5 /spec/template/spec', '30:1 /spec']);
    expect(found[0]!.message).toBe(
      `\`spec.kubeadmConfigSpec\` lacks the node certificate checks (missing: files entry ${KUBEADM_CERTS_SCRIPT_PATH}): nothing waits for time sync before kubeadm mints certificates, or checks that the CA files are valid now and match their keys, so a skewed clock (field report 002) or a bad CA fails the node later with \`x509: certificate has expired or is not yet valid\``,
    );
    expect(found[1]!.message).toContain(`missing: preKubeadmCommands entry "${KUBEADM_PRE_COMMAND}")`);
    expect(found[2]!.message).toContain(`missing: preKubeadmCommands entry "${KUBEADM_PRE_COMMAND}", files entry ${KUBEADM_CERTS_SCRIPT_PATH})`);
  });

  it('passes when the script and its preKubeadmCommand are there (also after the user\'s own commands), and ignores MicroK8s kinds', async () => {
    // Arrange
    const guarded = (indent: string): string =>
      [
        `${indent}files:`,
        `${indent}  - {path: /etc/motd, content: hi}`,
        `${indent}  - {path: ${KUBEADM_CERTS_SCRIPT_PATH}, content: "#!/bin/sh", permissions: "0700", owner: "root:root"}`,
        `${indent}preKubeadmCommands: ["echo mine", "${KUBEADM_PRE_COMMAND}"]`,
      ].join('\n');
    const text = [
      'apiVersion: controlplane.cluster.x-k8s.io/v1beta2',
      'kind: KubeadmControlPlane',
      'metadata: {name: cp}',
      'spec:',
      '  version: v1.33.0',
      '  kubeadmConfigSpec:',
      guarded('    '),
      '---',
      'apiVersion: controlplane.cluster.x-k8s.io/v1beta2',
      'kind: KubeadmControlPlaneTemplate',
      'metadata: {name: cpt}',
      'spec:',
      '  template:',
      '    spec:',
      '      kubeadmConfigSpec:',
      guarded('        '),
      '---',
      'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1',
      'kind: KubeadmConfigTemplate',
      'metadata: {name: workers}',
      'spec:',
      '  template:',
      '    spec:',
      guarded('      '),
      '---',
      'apiVersion: bootstrap.cluster.x-k8s.io/v1beta2',
      'kind: KubeadmConfig',
      'metadata: {name: one}',
      'spec:',
      guarded('  '),
      '---',
      'apiVersion: controlplane.cluster.x-k8s.io/v1beta1',
      'kind: MicroK8sControlPlane',
      'metadata: {name: mcp}',
      'spec: {version: v1.31.4}',
      '',
    ].join('\n');
    // Act
    const found = await lintWith(checks, text);
    // Assert
    expect(found).toEqual([]);
  });
});
