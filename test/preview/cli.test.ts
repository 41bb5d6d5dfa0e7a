// `capi-gen cloud-init` through the BUILT CLI: user-data or JSON on stdout, notes on stderr,
// exit 0; exit 2 with a message naming file, line, object, field and what to do for usage errors,
// unreadable input, YAML errors, missing or ambiguous objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectsToYaml, previewUserData } from '../../packages/core/src/index.ts';
import { ensureBuilt, runCli } from '../../packages/cli/test/_built-cli.ts';
import { renderExample } from './_examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-cloud-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let mk = '';
let kd = '';
let mkYaml = '';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  await ensureBuilt();
  mkYaml = objectsToYaml(await renderExample('microk8s-openstack.yaml'));
  mk = file('mk.yaml', mkYaml);
  kd = file('kd.yaml', objectsToYaml(await renderExample('kubeadm-docker.yaml')));
});

const TEMPLATE = `apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: MicroK8sControlPlane
metadata:
  name: "\${CLUSTER_NAME}-control-plane"
spec:
  replicas: \${CONTROL_PLANE_MACHINE_COUNT}
  version: "\${KUBERNETES_VERSION}"
  controlPlaneConfig:
    initConfiguration:
      addons: [dns]
`;

describe('capi-gen cloud-init', () => {
  it('prints the user-data of the init node, the same bytes as the library, and notes on stderr (exit 0)', async () => {
    // Act
    const r = await runCli(['cloud-init', mk, '--machine', 'init']);
    // Assert
    expect(r.code).toBe(0);
    const objects = await renderExample('microk8s-openstack.yaml');
    expect(r.stdout).toBe(previewUserData(objects, { machine: 'init' }).userData);
    expect(r.stderr).toContain('capi-gen: note: Cluster spec.controlPlaneEndpoint.host is not set');
    expect(r.stderr).toContain('init machine of MicroK8sControlPlane/mk8s-prod-control-plane (microk8s bootstrap provider)');
  });

  it('reads stdin and prints JSON with the steps (--format json)', async () => {
    const r = await runCli(['cloud-init', '-', '--machine', 'worker', '--pool', 'mk8s-prod-gpu', '--format', 'json'], { input: mkYaml });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { machine: string; objects: string[]; steps: { origin: string; section: string; source: { commit: string } }[]; userData: string };
    expect(out.machine).toBe('worker');
    expect(out.objects).toEqual(['MachineDeployment/mk8s-prod-gpu', 'MicroK8sConfigTemplate/mk8s-prod-gpu']);
    expect(out.steps.filter((s) => s.section === 'runcmd').at(-1)).toMatchObject({ origin: expect.any(String), source: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    expect(out.userData.startsWith('## template: jinja\n#cloud-config\n')).toBe(true);
  });

  it('previews a clusterctl template, placeholders as written, and says so', async () => {
    const r = await runCli(['cloud-init', file('t.yaml', TEMPLATE), '--machine', 'init']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the input is a clusterctl template');
    expect(r.stderr).toContain('spec.version is "${KUBERNETES_VERSION}"');
    expect(r.stdout).toContain('/capi-scripts/00-install-microk8s.sh "--channel MAJOR.MINOR/stable --classic" false');
  });

  it('exit 2: several pools without --pool, naming them', async () => {
    const r = await runCli(['cloud-init', mk, '--machine', 'worker']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`capi-gen: ${mk}: the input has several MachineDeployments (mk8s-prod-general, mk8s-prod-gpu); pick one with --pool <name>\n`);
  });

  it('exit 2: an unknown pool, naming the ones there are', async () => {
    const r = await runCli(['cloud-init', kd, '--machine', 'worker', '--pool', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`capi-gen: ${kd}: no MachineDeployment named "nope" in the input; it has dev-md-0\n`);
  });

  it('exit 2: no control plane in the input', async () => {
    const r = await runCli(['cloud-init', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'), '--machine', 'join']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the input has no MicroK8sControlPlane or KubeadmControlPlane, so there is no control-plane machine to preview');
  });

  it('exit 2: a MachineDeployment whose template is missing, with file:line:col, object and field', async () => {
    const md = mkYaml.split('---\n').filter((d) => /^kind: (MachineDeployment|Cluster)$/m.test(d) && !/name: mk8s-prod-gpu/.test(d));
    const path = file('md.yaml', md.map((d) => `---\n${d}`).join(''));
    const r = await runCli(['cloud-init', path, '--machine', 'worker']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^capi-gen: ${path.replace(/[.]/g, '\\.')}:\\d+:\\d+: MachineDeployment/mk8s-prod-general /spec/template/spec/bootstrap/configRef/name: the MachineDeployment refers to MicroK8sConfigTemplate/mk8s-prod-general, which is not in the input; give a manifest that holds both\\n$`));
  });

  it('exit 2: a cluster spec instead of a manifest says to render it first', async () => {
    const r = await runCli(['cloud-init', 'examples/kubeadm-docker.yaml', '--machine', 'init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this is a capi-gen cluster spec, not a manifest; render it first: capi-gen render examples/kubeadm-docker.yaml | capi-gen cloud-init - --machine init');
  });

  it('exit 2: usage errors (no --machine, bad --machine, --pool with init, unreadable file, YAML syntax error)', async () => {
    const runs = await Promise.all([
      runCli(['cloud-init', mk]),
      runCli(['cloud-init', mk, '--machine', 'master']),
      runCli(['cloud-init', mk, '--machine', 'init', '--pool', 'x']),
      runCli(['cloud-init', join(dir, 'missing.yaml'), '--machine', 'init']),
      runCli(['cloud-init', file('bad.yaml', 'kind: [\n'), '--machine', 'init']),
      runCli(['cloud-init', mk, '--machine', 'init', '--format', 'xml']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.stdout)).toEqual(['', '', '', '', '', '']);
    expect(runs[0]!.stderr).toContain('capi-gen: cloud-init needs --machine init, join or worker;');
    expect(runs[1]!.stderr).toContain('capi-gen: --machine must be init, join or worker, got "master"');
    expect(runs[2]!.stderr).toContain('--pool selects a worker pool; it cannot be used with --machine init');
    expect(runs[3]!.stderr).toContain(`cannot read ${join(dir, 'missing.yaml')}: no such file or directory; check the path`);
    expect(runs[4]!.stderr).toMatch(/bad\.yaml:\d+:\d+: .*fix the YAML first/);
    expect(runs[5]!.stderr).toContain('--format must be yaml or json, got "xml"');
  });

  it('is listed in capi-gen --help and has its own help', async () => {
    const [top, own] = await Promise.all([runCli(['--help']), runCli(['cloud-init', '--help'])]);
    expect(top.stdout).toMatch(/^ {2}cloud-init +print the user-data the bootstrap provider builds for a machine/m);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('capi-gen cloud-init <manifest|-> --machine init|join|worker [options]');
  });
});
