// `capi-gen harden` certificate options through the BUILT CLI: the node checks are added and
// reported, the options reach /etc/capi-gen/certs.env and KCP's certificatesExpiryDays, refused
// values and contradicting flags exit 2 with a message naming the flag, Ignition configs are
// left alone with a warning, --no-certificates adds nothing.
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const KCP = `apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: KubeadmControlPlane
metadata:
  name: cp
spec:
  replicas: 3
  version: v1.31.0
  machineTemplate:
    spec:
      infrastructureRef:
        apiGroup: infrastructure.cluster.x-k8s.io
        kind: DevMachineTemplate
        name: cp
  kubeadmConfigSpec:
    preKubeadmCommands:
      - echo mine
`;

const IGNITION = `apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: KubeadmConfigTemplate
metadata:
  name: flatcar
spec:
  template:
    spec:
      format: ignition
      preKubeadmCommands:
        - echo mine
`;

const MICROK8S = `apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
kind: MicroK8sConfigTemplate
metadata:
  name: workers
spec:
  template:
    spec:
      initConfiguration:
        riskLevel: stable
`;

type Json = Record<string, unknown>;
function spec(stdout: string): Json {
  return (parseAllDocuments(stdout, { version: '1.1' })[0]!.toJS() as { spec: Json }).spec;
}
function envOf(files: unknown): string {
  return ((files as Json[]).find((f) => f['path'] === '/etc/capi-gen/certs.env') as Json)['content'] as string;
}

describe('capi-gen harden: certificate checks', () => {
  it('adds the kubeadm checks after the user command, reports each addition and the rollout warning', async () => {
    // Act
    const run = await runCli(['harden', '-'], { input: KCP });
    // Assert
    expect(run.code).toBe(0);
    const s = spec(run.stdout)['kubeadmConfigSpec'] as Json;
    expect(s['preKubeadmCommands']).toEqual(['echo mine', '/capi-gen/kubeadm-certs.sh pre || exit 1']);
    expect(s['postKubeadmCommands']).toEqual(['/capi-gen/kubeadm-certs.sh post || exit 1']);
    expect((s['files'] as Json[]).map((f) => f['path'])).toEqual(['/capi-gen/kubeadm-certs.sh', '/etc/systemd/system/capi-gen-certs.service', '/etc/systemd/system/capi-gen-certs.timer', '/etc/capi-gen/certs.env']);
    expect(run.stderr).toContain('<stdin>:16: KubeadmControlPlane/cp /spec/kubeadmConfigSpec/preKubeadmCommands/1: added "/capi-gen/kubeadm-certs.sh pre || exit 1"');
    expect(run.stderr).toMatch(/^<stdin>:\d+: KubeadmControlPlane\/cp \/spec\/kubeadmConfigSpec\/files: added /m);
    expect(run.stderr).toContain("warning: KubeadmControlPlane/cp: changing a live KubeadmControlPlane's kubeadmConfigSpec rolls out every control-plane machine");
  });

  it('writes the options into certs.env and the KCP rotation, and a second run with no options keeps them', async () => {
    // Act
    const run = await runCli(
      ['harden', '-', '--certificate-expiry-days', '60', '--time-sync-timeout', '0', '--skew-tolerance', '120', '--expiry-warning-days', '14', '--renew-on-node', '--textfile-dir', '/srv/prom'],
      { input: KCP },
    );
    const again = await runCli(['harden', '-'], { input: run.stdout });
    // Assert
    expect(run.code).toBe(0);
    const s = spec(run.stdout);
    expect((s['rollout'] as Json)['before']).toEqual({ certificatesExpiryDays: 60 });
    expect(envOf((s['kubeadmConfigSpec'] as Json)['files']).split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'TIME_SYNC_TIMEOUT=0',
      'SKEW_TOLERANCE=120',
      'EXPIRY_WARN_DAYS=14',
      'RENEW=1',
      'TEXTFILE_DIR=/srv/prom',
      'PKI_DIR=/etc/kubernetes/pki',
      '',
    ]);
    expect(again).toMatchObject({ code: 0, stdout: run.stdout });
    expect(again.stderr).toContain('already hardened, nothing to change');
  });

  it('leaves a format: ignition config alone and warns why', async () => {
    // Act
    const run = await runCli(['harden', '-'], { input: IGNITION });
    // Assert
    expect(run).toMatchObject({ code: 0, stdout: IGNITION });
    expect(run.stderr).toContain(
      "warning: KubeadmConfigTemplate/flatcar: /spec/template/spec/format is ignition; the certificate checks were not added: capi-gen's node scripts are written for cloud-init (runcmd, write_files) and have not been run under Ignition",
    );
  });

  it('warns that --renew-on-node does not apply to MicroK8s nodes, and adds the MicroK8s checks', async () => {
    // Act
    const run = await runCli(['harden', '-', '--renew-on-node'], { input: MICROK8S });
    // Assert
    expect(run.code).toBe(0);
    const init = ((spec(run.stdout)['template'] as Json)['spec'] as Json)['initConfiguration'] as Json;
    expect(init['preRunCommands']).toEqual(['/capi-gen/microk8s-certs.sh first-boot']);
    expect(init['postRunCommands']).toEqual(['/capi-gen/microk8s-certs.sh verify-node || exit 1']);
    expect(envOf(init['extraWriteFiles'])).not.toMatch(/^RENEW=/m);
    expect(run.stderr).toContain('warning: renewOnNode applies to kubeadm nodes only');
    expect(run.stderr).toContain('warning: MicroK8sConfigTemplate/workers: edited templates do not reach existing machines');
  });

  it('adds nothing with --no-certificates', async () => {
    // Act
    const run = await runCli(['harden', '-', '--no-certificates', '--no-leader-election'], { input: MICROK8S });
    // Assert
    expect(run).toMatchObject({ code: 0, stdout: MICROK8S });
  });

  it.each([
    [['--time-sync-timeout', 'soon'], 'capi-gen: refused --time-sync-timeout "soon": give a whole number of seconds (e.g. 300)'],
    [['--time-sync-timeout', '3601'], 'capi-gen: refused --time-sync-timeout: 3601 is not an integer from 0 to 3600'],
    [['--skew-tolerance=-5'], 'capi-gen: refused --skew-tolerance "-5": give a whole number of seconds (e.g. 300)'],
    [['--expiry-warning-days', '0'], 'capi-gen: refused --expiry-warning-days: 0 is not an integer from 1 to 365'],
    [['--certificate-expiry-days', '6'], 'capi-gen: refused --certificate-expiry-days: 6 is not an integer from 7 to 1094'],
    [['--textfile-dir', 'relative/dir'], 'capi-gen: refused --textfile-dir: "relative/dir" is not an absolute path'],
    [['--textfile-dir', '/var/lib/../etc'], 'capi-gen: refused --textfile-dir: "/var/lib/../etc" is not an absolute path'],
    [['--textfile-dir', '/var/my dir'], 'capi-gen: refused --textfile-dir: "/var/my dir" is not an absolute path'],
  ])('refuses %j with exit 2 and nothing on stdout', async (args, message) => {
    // Act
    const run = await runCli(['harden', '-', ...args], { input: KCP });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('refuses --no-certificates with a certificate option (usage error, exit 2)', async () => {
    // Act
    const run = await runCli(['harden', '-', '--no-certificates', '--renew-on-node', '--time-sync-timeout', '10'], { input: KCP });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--no-certificates cannot be combined with --time-sync-timeout, --renew-on-node');
  });
});

describe('capi-gen render: certificate options', () => {
  it('refuses renewOnNode in a MicroK8s spec with exit 2, naming the file, line and field', async () => {
    // Arrange
    const text = `${readFileSync(join(REPO_DIR, 'examples', 'microk8s-openstack.yaml'), 'utf8')}hardening:\n  certificates:\n    renewOnNode: true\n`;
    const line = text.split('\n').indexOf('    renewOnNode: true') + 1;
    // Act
    const run = await runCli(['render', '-'], { input: text });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`-:${line}:18: error SPEC_RULE ClusterSpec/mk8s-prod /hardening/certificates/renewOnNode: renewOnNode applies to kubeadm nodes only`);
  });
});
