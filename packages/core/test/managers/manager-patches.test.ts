// renderManagerPatches: refusals, the three output formats, determinism. The kustomize overlay is
// built with the real kustomize in test/managers/kustomize.test.ts.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CapiGenError } from '../../src/errors.ts';
import { renderManagerPatches, setLeaderElectionArgs, shQuote, type ManagerPatchesOptions } from '../../src/managers/manager-patches.ts';
import { DEFAULT_MANAGER_PROVIDERS, findManagerArgs, MANAGER_PROVIDERS, MANAGER_PROVIDER_IDS } from '../../src/managers/providers.ts';

const TIMINGS = { leaseDuration: '60s', renewDeadline: '40s', retryPeriod: '5s' } as const;

function refusal(options: ManagerPatchesOptions): CapiGenError {
  try {
    renderManagerPatches(options);
  } catch (err) {
    if (err instanceof CapiGenError) return err;
    throw err;
  }
  throw new Error('expected a CapiGenError');
}

describe('renderManagerPatches refusals', () => {
  it.each(['microk8s-bootstrap', 'microk8s-control-plane'])('refuses the %s manager: it accepts only --leader-elect', (id) => {
    // Act
    const err = refusal({ providers: ['core', id], timings: TIMINGS, format: 'kustomize' });
    // Assert
    expect(err.issues).toHaveLength(1);
    const issue = err.issues[0]!;
    expect(issue.code).toBe('REFUSED_OPTION');
    expect(issue.path).toBe('/providers/1');
    expect(issue.object).toBe(`Deployment/${MANAGER_PROVIDERS[id as 'microk8s-bootstrap'].deployment}`);
    expect(issue.message).toContain('accepts only --leader-elect');
    expect(issue.message).toContain('15s / 10s / 2s');
    expect(issue.message).toContain('cannot be changed');
    expect(issue.message).toContain('crash-loop');
  });

  it('refuses MicroK8s in every format, the operator one included', () => {
    for (const format of ['kustomize', 'kubectl', 'operator'] as const) {
      expect(refusal({ providers: ['microk8s-control-plane'], format }).issues[0]!.code).toBe('REFUSED_OPTION');
    }
  });

  it('refuses timings client-go rejects, naming the rule and the values', () => {
    // Act
    const err = refusal({ providers: ['core'], timings: { leaseDuration: '10s', renewDeadline: '10s', retryPeriod: '9s' }, format: 'kubectl' });
    // Assert
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([
      ['REFUSED_OPTION', '/timings/leaseDuration'],
      ['REFUSED_OPTION', '/timings/renewDeadline'],
    ]);
    expect(err.issues[0]!.message).toContain('leaseDuration (10s) must be greater than renewDeadline (10s)');
    expect(err.issues[1]!.message).toContain('renewDeadline (10s) must be greater than 1.2 x retryPeriod (9s)');
  });

  it('refuses a duration that is not one, and a non-positive one', () => {
    // Act
    const err = refusal({ providers: ['core'], timings: { leaseDuration: '60', retryPeriod: '0s' }, format: 'kustomize' });
    // Assert
    expect(err.issues.map((i) => i.path)).toEqual(['/timings/leaseDuration', '/timings/retryPeriod']);
    expect(err.issues[0]!.message).toContain('"60" is not a duration');
  });

  it('collects every problem before throwing', () => {
    // Act
    const err = refusal({ providers: ['microk8s-bootstrap', 'nope'], timings: { renewDeadline: '90s' }, format: 'kustomize' });
    // Assert
    expect(err.issues.map((i) => i.path)).toEqual(['/providers/0', '/providers/1', '/timings/leaseDuration']);
  });

  it('refuses a provider version outside the table and points at --provider-args', () => {
    // Act
    const err = refusal({ providers: ['core'], versions: { core: 'v1.9.3' }, format: 'kustomize' });
    // Assert
    expect(err.issues[0]!.path).toBe('/versions/core');
    expect(err.issues[0]!.message).toContain('--provider-args core=<file>');
    expect(err.issues[0]!.message).toContain(`jsonpath='{.spec.template.spec.containers[?(@.name=="manager")].args}'`);
  });

  it('refuses current args that turn leader election off, and args for providers not asked for', () => {
    // Act
    const err = refusal({ providers: ['core'], currentArgs: { core: ['--leader-elect=false'], openstack: ['--leader-elect'] }, format: 'kustomize' });
    // Assert
    expect(err.issues.map((i) => i.path).sort()).toEqual(['/currentArgs/core', '/currentArgs/openstack']);
  });
});

describe('setLeaderElectionArgs', () => {
  it('adds missing flags after --leader-elect and keeps every other arg in order', () => {
    expect(setLeaderElectionArgs(['--a', '--leader-elect', '--b=1'], TIMINGS)).toEqual([
      '--a',
      '--leader-elect',
      '--leader-elect-lease-duration=60s',
      '--leader-elect-renew-deadline=40s',
      '--leader-elect-retry-period=5s',
      '--b=1',
    ]);
  });

  it('replaces a present flag in place and drops its later copies in both forms', () => {
    expect(setLeaderElectionArgs(['--leader-elect', '--x', '--leader-elect-retry-period=1s', '--y', '--leader-elect-retry-period', '3s', '--z'], TIMINGS)).toEqual([
      '--leader-elect',
      '--leader-elect-lease-duration=60s',
      '--leader-elect-renew-deadline=40s',
      '--x',
      '--leader-elect-retry-period=5s',
      '--y',
      '--z',
    ]);
  });

  it('adds --leader-elect first when absent', () => {
    expect(setLeaderElectionArgs(['--v=2'], TIMINGS).slice(0, 2)).toEqual(['--leader-elect', '--leader-elect-lease-duration=60s']);
  });

  it('is idempotent', () => {
    const once = setLeaderElectionArgs(['--leader-elect', '--leader-elect-renew-deadline', '9s', '--feature-gates=A=true'], TIMINGS);
    expect(setLeaderElectionArgs(once, TIMINGS)).toEqual(once);
  });
});

describe('renderManagerPatches kubectl format', () => {
  const awkward = ["--leader-elect", "--label=it's", '--feature-gates=MachinePool=true,ClusterTopology=true', '--x=$(rm -rf /)`id`"q"\\'];

  it('produces a script sh accepts, one patch line per provider, whose JSON parses back', () => {
    // Arrange
    const result = renderManagerPatches({ providers: ['core', 'openstack'], timings: TIMINGS, format: 'kubectl', currentArgs: { core: awkward } });
    const script = result.files[0]!.content;
    // Act
    const syntax = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    // The patch argument as sh sees it: run each kubectl line with kubectl replaced by printf.
    const lines = script.split('\n').filter((l) => l.startsWith('kubectl '));
    const printed = lines.map((l) => spawnSync('sh', ['-c', `kubectl() { printf '%s\\n' "$@"; }\n${l}`], { encoding: 'utf8' }).stdout.split('\n'));
    // Assert
    expect(result.files.map((f) => f.path)).toEqual(['manager-patches.sh']);
    expect(syntax.status, syntax.stderr).toBe(0);
    expect(lines).toHaveLength(2);
    const [core, capo] = printed.map((words) => ({ words, json: JSON.parse(words[words.indexOf('-p') + 1]!) as { spec: { template: { spec: { containers: { name: string; args: string[] }[] } } } } }));
    expect(core!.words.slice(0, 6)).toEqual(['-n', 'capi-system', 'patch', 'deployment', 'capi-controller-manager', '--type=strategic']);
    expect(core!.json.spec.template.spec.containers).toEqual([{ name: 'manager', args: setLeaderElectionArgs(awkward, TIMINGS) }]);
    expect(capo!.words.slice(0, 5)).toEqual(['-n', 'capo-system', 'patch', 'deployment', 'capo-controller-manager']);
    expect(capo!.json.spec.template.spec.containers[0]!.args).toEqual(setLeaderElectionArgs(findManagerArgs(MANAGER_PROVIDERS.openstack)!.args, TIMINGS));
  });

  it('says that clusterctl upgrade reverts the patches and that the args list is complete', () => {
    const script = renderManagerPatches({ providers: ['core'], format: 'kubectl' }).files[0]!.content;
    expect(script).toContain('`clusterctl upgrade` (and re-running `clusterctl init`)');
    expect(script).toContain('REVERTS');
    expect(script).toContain('FULL args');
  });

  it('quotes for sh', () => {
    expect(spawnSync('sh', ['-c', `printf %s ${shQuote("a'b\"$c`")}`], { encoding: 'utf8' }).stdout).toBe("a'b\"$c`");
  });
});

describe('renderManagerPatches kustomize format', () => {
  it('writes kustomization.yaml and one strategic-merge patch per provider on the container named manager', () => {
    // Act
    const result = renderManagerPatches({ providers: DEFAULT_MANAGER_PROVIDERS, timings: TIMINGS, format: 'kustomize' });
    // Assert
    expect(result.files.map((f) => f.path)).toEqual([
      'kustomization.yaml',
      'patch-capi-controller-manager.yaml',
      'patch-capi-kubeadm-bootstrap-controller-manager.yaml',
      'patch-capi-kubeadm-control-plane-controller-manager.yaml',
      'patch-capo-controller-manager.yaml',
    ]);
    for (const f of result.files) {
      expect(f.content).toContain('REVERTS');
      const docs = parseAllDocuments(f.content);
      expect(docs).toHaveLength(1);
      expect(docs[0]!.errors).toEqual([]);
    }
    const k = parseAllDocuments(result.files[0]!.content)[0]!.toJS() as { resources: string[]; patches: { path: string }[] };
    expect(k.resources).toEqual(DEFAULT_MANAGER_PROVIDERS.map((id) => `base/${MANAGER_PROVIDERS[id].deployment}.yaml`));
    expect(k.patches.map((p) => p.path)).toEqual(result.files.slice(1).map((f) => f.path));
    const patch = parseAllDocuments(result.files[1]!.content)[0]!.toJS() as { spec: { template: { spec: { containers: { name: string; args: string[] }[] } } } };
    expect(patch.spec.template.spec.containers).toEqual([{ name: 'manager', args: setLeaderElectionArgs(findManagerArgs(MANAGER_PROVIDERS.core)!.args, TIMINGS) }]);
  });
});

describe('renderManagerPatches operator format', () => {
  it('emits one provider object per manager with spec.manager.leaderElection, and says it is not schema-checked', () => {
    // Act
    const result = renderManagerPatches({ providers: ['core', 'kubeadm-bootstrap', 'kubeadm-control-plane', 'openstack', 'docker'], timings: { leaseDuration: '2m' }, format: 'operator', versions: { openstack: 'v0.14.7' } });
    const text = result.files[0]!.content;
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> });
    // Assert
    expect(text).toContain('NOT SCHEMA-CHECKED');
    expect(text).toContain('clusterctl upgrade');
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.metadata.name])).toEqual([
      ['CoreProvider', 'capi-system', 'cluster-api'],
      ['BootstrapProvider', 'capi-kubeadm-bootstrap-system', 'kubeadm'],
      ['ControlPlaneProvider', 'capi-kubeadm-control-plane-system', 'kubeadm'],
      ['InfrastructureProvider', 'capo-system', 'openstack'],
      ['InfrastructureProvider', 'capd-system', 'docker'],
    ]);
    for (const d of docs) expect(d.spec['manager']).toEqual({ leaderElection: { leaderElect: true, leaseDuration: '2m', renewDeadline: '40s', retryPeriod: '5s' } });
    expect(docs[3]!.spec['version']).toBe('v0.14.7');
    expect(docs[0]!.spec['version']).toBeUndefined();
  });
});

describe('renderManagerPatches determinism and table', () => {
  it('gives byte-identical output for the same input, and ignores duplicate providers', () => {
    for (const format of ['kustomize', 'kubectl', 'operator'] as const) {
      const a = renderManagerPatches({ providers: ['openstack', 'core'], timings: TIMINGS, format });
      const b = renderManagerPatches({ providers: ['openstack', 'core', 'openstack'], timings: { ...TIMINGS }, format });
      expect(b).toEqual(a);
    }
  });

  it('has, for every provider, a manager container, a lease ID and args that carry --leader-elect', () => {
    for (const id of MANAGER_PROVIDER_IDS) {
      const p = MANAGER_PROVIDERS[id];
      expect(p.container).toBe('manager');
      expect(p.leaseId).not.toBe('');
      for (const e of p.args) expect(e.args).toContain('--leader-elect');
      expect(p.acceptsTimingFlags).toBe(!id.startsWith('microk8s'));
    }
    expect(findManagerArgs(MANAGER_PROVIDERS.core, 'v1.12.3')).toBe(MANAGER_PROVIDERS.core.args.at(-1));
    expect(findManagerArgs(MANAGER_PROVIDERS.openstack, '0.12')).toBeDefined();
    expect(findManagerArgs(MANAGER_PROVIDERS.openstack, 'v1.12.0')).toBeUndefined();
  });
});
