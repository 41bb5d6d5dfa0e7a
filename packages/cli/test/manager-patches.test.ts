// `capi-gen manager-patches` through the built CLI: output, files, and exit codes 0 / 2.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const tmp = mkdtempSync(join(tmpdir(), 'capi-gen-manager-patches-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Patch = { metadata: { name: string }; spec: { template: { spec: { containers: { name: string; args: string[] }[] } } } };

describe('capi-gen manager-patches: exit 0', () => {
  it('prints the kustomize overlay for the default providers as one stream with # file: comments', async () => {
    // Act
    const run = await runCli(['manager-patches']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const files = [...run.stdout.matchAll(/^# file: (.+)$/gm)].map((m) => m[1]);
    expect(files).toEqual([
      'kustomization.yaml',
      'patch-capi-controller-manager.yaml',
      'patch-capi-kubeadm-bootstrap-controller-manager.yaml',
      'patch-capi-kubeadm-control-plane-controller-manager.yaml',
      'patch-capo-controller-manager.yaml',
    ]);
    const docs = parseAllDocuments(run.stdout);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    expect(docs).toHaveLength(5);
    expect(run.stdout).toContain('clusterctl upgrade');
  });

  it('writes the overlay with -o and uses the live args from --provider-args (kubectl JSON form)', async () => {
    // Arrange
    const out = join(tmp, 'overlay');
    const argsFile = join(tmp, 'core-args.json');
    writeFileSync(argsFile, '["--leader-elect","--diagnostics-address=:8443","--feature-gates=MachinePool=true,ClusterTopology=true","--leader-elect-lease-duration=15s"]\n');
    // Act
    const run = await runCli(['manager-patches', '--provider', 'core', '-o', out, '--provider-args', `core=${argsFile}`, '--leader-elect-lease-duration', '90s']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`wrote 2 files to ${out}`);
    expect(readdirSync(out).sort()).toEqual(['kustomization.yaml', 'patch-capi-controller-manager.yaml']);
    const patch = parseAllDocuments(readFileSync(join(out, 'patch-capi-controller-manager.yaml'), 'utf8'))[0]!.toJS() as Patch;
    expect(patch.spec.template.spec.containers).toEqual([
      {
        name: 'manager',
        args: [
          '--leader-elect',
          '--leader-elect-renew-deadline=40s',
          '--leader-elect-retry-period=5s',
          '--diagnostics-address=:8443',
          '--feature-gates=MachinePool=true,ClusterTopology=true',
          '--leader-elect-lease-duration=90s',
        ],
      },
    ]);
  });

  it('writes an executable kubectl script with --format kubectl -o', async () => {
    // Arrange
    const out = join(tmp, 'kubectl');
    // Act
    const run = await runCli(['manager-patches', '--format', 'kubectl', '--provider', 'openstack', '--provider', 'docker', '-o', out]);
    // Assert
    expect(run.code).toBe(0);
    const script = readFileSync(join(out, 'manager-patches.sh'), 'utf8');
    expect(statSync(join(out, 'manager-patches.sh')).mode & 0o111).not.toBe(0);
    expect(script.split('\n').filter((l) => l.startsWith('kubectl -n '))).toHaveLength(2);
  });

  it('prints operator snippets with --format operator', async () => {
    // Act
    const run = await runCli(['manager-patches', '--format', 'operator', '--provider', 'kubeadm-control-plane', '--provider-version', 'kubeadm-control-plane=v1.12.3']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('NOT SCHEMA-CHECKED');
    const [doc] = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; spec: { version: string; manager: unknown } });
    expect(doc).toMatchObject({ kind: 'ControlPlaneProvider', spec: { version: 'v1.12.3', manager: { leaderElection: { leaderElect: true, leaseDuration: '60s' } } } });
  });

  it('prints its help on --help and through capi-gen help manager-patches', async () => {
    for (const args of [['manager-patches', '--help'], ['help', 'manager-patches']]) {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('capi-gen manager-patches [options]');
    }
    expect((await runCli(['--help'])).stdout).toContain('manager-patches');
  });
});

describe('capi-gen manager-patches: exit 2', () => {
  it.each(['microk8s-bootstrap', 'microk8s-control-plane'])('refuses the %s manager and prints nothing on stdout', async (provider) => {
    // Act
    const run = await runCli(['manager-patches', '--provider', 'core', '--provider', provider]);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`capi-gen: --provider ${provider}: error REFUSED_OPTION`);
    expect(run.stderr).toContain('accepts only --leader-elect');
  });

  it('refuses timings client-go rejects, naming the option, the rule and the values', async () => {
    // Act
    const run = await runCli(['manager-patches', '--leader-elect-renew-deadline', '6s', '--leader-elect-retry-period', '5s']);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('capi-gen: --leader-elect-renew-deadline 6s: error REFUSED_OPTION');
    expect(run.stderr).toContain('renewDeadline (6s) must be greater than 1.2 x retryPeriod (5s)');
  });

  it('writes nothing with -o when refused', async () => {
    // Arrange
    const out = join(tmp, 'refused');
    // Act
    const run = await runCli(['manager-patches', '--provider', 'microk8s-control-plane', '-o', out]);
    // Assert
    expect(run.code).toBe(2);
    expect(() => readdirSync(out)).toThrow();
  });

  it.each([
    [['--provider', 'capz'], '--provider must be'],
    [['--format', 'helm'], '--format must be kustomize, kubectl or operator'],
    [['--bogus'], 'unknown option --bogus for manager-patches'],
    [['extra'], 'manager-patches takes no arguments'],
    [['--provider-args', 'core'], '--provider-args must be <provider>=<value>'],
    [['--provider-args', `core=${join(tmpdir(), 'capi-gen-no-such-file')}`], 'cannot read'],
    [['--provider-version', 'core=v1.2.0'], 'no args list is known for core v1.2.0'],
    [['--leader-elect-lease-duration', '1 minute'], 'is not a duration'],
  ])('exits 2 for %j', async (args, message) => {
    // Act
    const run = await runCli(['manager-patches', ...args]);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });
});
