// `capi-gen harden` through the BUILT CLI: the hardened text on stdout (or in a file), changes,
// warnings and the clusterctl auto-detection on stderr, exit codes 0 and 2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-harden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KCP = `# my control plane
apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: KubeadmControlPlane
metadata:
  name: cp   # keep
spec:
  replicas: 3
  version: v1.31.0
  machineTemplate:
    infrastructureRef:
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: DockerMachineTemplate
      name: cp
  kubeadmConfigSpec:
    clusterConfiguration:
      controllerManager:
        extraArgs:
          bind-address: "0.0.0.0"
          leader-elect-lease-duration: 120s
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
data:
  a: "1"
`;

const MICROK8S_TEMPLATE = `apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: MicroK8sControlPlane
metadata:
  name: "\${CLUSTER_NAME}-control-plane"
spec:
  replicas: \${CONTROL_PLANE_MACHINE_COUNT:=1}
  controlPlaneConfig:
    initConfiguration:
      addons: [\${ADDONS:= }]
      postRunCommands:
        - echo $\${HOME}
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('capi-gen harden', () => {
  it('prints the hardened text on stdout and the changes on stderr, exit 0', async () => {
    // Arrange
    const input = file('kcp.yaml', KCP);
    // Act
    const run = await runCli(['harden', input]);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(KCP.slice(0, KCP.indexOf('          leader-elect-lease-duration')))).toBe(true);
    expect(run.stdout).toContain('          bind-address: "0.0.0.0"\n          leader-elect-lease-duration: 120s\n          leader-elect-renew-deadline: 40s\n');
    expect(run.stdout.endsWith('---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: untouched\ndata:\n  a: "1"\n')).toBe(true);
    expect(run.stderr).toContain(`${input}:19: KubeadmControlPlane/cp /spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/leader-elect-renew-deadline: added "40s"`);
    expect(run.stderr).toContain("warning: KubeadmControlPlane/cp: changing a live KubeadmControlPlane's kubeadmConfigSpec rolls out every control-plane machine");
    expect(run.stderr).not.toContain('clusterctl template');
  });

  it('lets explicit options win over values in the manifest', async () => {
    // Arrange
    const input = file('kcp-explicit.yaml', KCP);
    // Act
    const run = await runCli(['harden', input, '--leader-elect-lease-duration', '90s']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('          leader-elect-lease-duration: 90s\n');
    expect(run.stderr).toContain('/controllerManager/extraArgs/leader-elect-lease-duration: set "90s"');
  });

  it('changes nothing the second time', async () => {
    // Arrange
    const once = await runCli(['harden', '-'], { input: KCP });
    // Act
    const twice = await runCli(['harden', '-'], { input: once.stdout });
    // Assert
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(once.stdout);
    expect(twice.stderr).toContain('already hardened, nothing to change');
  });

  it('detects a clusterctl template, says so, and escapes what it injects', async () => {
    // Act
    const run = await runCli(['harden', '-'], { input: MICROK8S_TEMPLATE });
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('capi-gen: treating input as a clusterctl template (it contains ${)');
    expect(run.stdout.startsWith(MICROK8S_TEMPLATE)).toBe(true);
    expect(run.stdout).toContain('dir=$${MICROK8S_ARGS_DIR:-/var/snap/microk8s/current/args}');
    expect(run.stdout).toContain('        - echo $${HOME}\n        - /capi-gen/microk8s-leader-election.sh --leader-elect-lease-duration=60s');
  });

  it('does not escape with --no-clusterctl-template', async () => {
    // Act
    const run = await runCli(['harden', '-', '--no-clusterctl-template'], { input: MICROK8S_TEMPLATE.replace('[${ADDONS:= }]', '[dns]') });
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('treating input as a clusterctl template');
    expect(run.stdout).toContain('dir=${MICROK8S_ARGS_DIR:-/var/snap/microk8s/current/args}');
  });

  it('leaves leader election alone with --no-leader-election', async () => {
    // Act
    const run = await runCli(['harden', '-', '--no-leader-election', '--no-certificates'], { input: KCP });
    // Assert: with certificates off too (certificate-rotation-kubeadm, kubeadm-cert-checks), nothing changes
    expect(run).toMatchObject({ code: 0, stdout: KCP });
  });

  it('writes the result with -o and --in-place', async () => {
    // Arrange
    const input = file('in-place.yaml', KCP);
    const out = join(dir, 'out.yaml');
    // Act
    const toFile = await runCli(['harden', input, '-o', out]);
    const inPlace = await runCli(['harden', input, '--in-place']);
    // Assert
    expect(toFile).toMatchObject({ code: 0, stdout: '' });
    expect(inPlace).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(input, 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(readFileSync(out, 'utf8')).toContain('leader-elect-retry-period: 5s');
    expect(inPlace.stderr).toContain(`capi-gen: wrote ${input}`);
  });

  it.each([
    ['timings client-go refuses', ['-', '--leader-elect-renew-deadline', '70s'], 'leaseDuration (60s) must be greater than renewDeadline (70s)'],
    ['a timing that is not a duration', ['-', '--leader-elect-retry-period', 'soon'], 'retryPeriod "soon" is not a duration'],
    ['no input', [], 'harden needs a manifest file or - (stdin)'],
    ['two inputs', ['a.yaml', 'b.yaml'], 'harden takes one manifest, got 2'],
    ['both clusterctl flags', ['-', '--clusterctl-template', '--no-clusterctl-template'], 'contradict each other'],
    ['--in-place on stdin', ['-', '--in-place'], '--in-place needs a file'],
    ['an unknown option', ['-', '--frobnicate'], 'unknown option --frobnicate for harden'],
    ['a missing file', ['/nonexistent/cluster.yaml'], 'cannot read /nonexistent/cluster.yaml: no such file or directory'],
  ])('exits 2 on %s', async (_what, args, message) => {
    // Act
    const run = await runCli(['harden', ...args], { input: KCP });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('exits 2 on a YAML syntax error, with its position', async () => {
    // Act
    const run = await runCli(['harden', '-'], { input: 'kind: KubeadmControlPlane\nspec: [a\n' });
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^<stdin>:\d+:\d+: error YAML_SYNTAX /m);
  });

  it('is listed in the help', async () => {
    // Act
    const top = await runCli(['--help']);
    const own = await runCli(['harden', '--help']);
    // Assert
    expect(top.stdout).toContain('harden ');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('capi-gen harden <file|-> [options]');
  });
});
