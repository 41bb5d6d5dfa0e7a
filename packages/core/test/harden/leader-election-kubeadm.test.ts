// The leader-election-kubeadm transform: the three --leader-elect-* flags on kube-controller-manager
// and kube-scheduler of KubeadmControlPlane(Template), v1beta1 (extraArgs map) and v1beta2
// ({name, value} list); other args kept in place, user values kept unless the option is explicit,
// defaults only fill gaps; the output still validates. Also the lint helpers and the spec rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { CapiGenError } from '../../src/errors.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import { checkEffectiveTimings, leaderElectionKubeadm, readLeaderElectionArgs } from '../../src/harden/leader-election-kubeadm.ts';
import { TRANSFORMS, type HardenContext } from '../../src/harden/registry.ts';
import type { ClusterSpec } from '../../src/model/cluster-spec.ts';
import { checkClusterSpec, parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const KINDS = join(import.meta.dirname, '../../../../test/fixtures/kinds');
function fixture(version: 'v1beta1' | 'v1beta2', kind: 'KubeadmControlPlane' | 'KubeadmControlPlaneTemplate'): KubeObject {
  return parse(readFileSync(join(KINDS, `controlplane.cluster.x-k8s.io_${version}_${kind}.yaml`), 'utf8')) as KubeObject;
}

type Hardening = ClusterSpec['hardening'];
function ctx(hardening?: Hardening): HardenContext {
  return { hardening, templatesDir: defaultTemplatesDir() };
}
function apply(o: KubeObject, hardening?: Hardening): KubeObject {
  return leaderElectionKubeadm.apply([o], ctx(hardening))[0]!;
}

type Cfg = Record<string, unknown>;
function clusterConfiguration(o: KubeObject): Cfg {
  const spec = o['spec'] as Cfg;
  const kcs = (o.kind === 'KubeadmControlPlaneTemplate' ? ((spec['template'] as Cfg)['spec'] as Cfg) : spec)['kubeadmConfigSpec'] as Cfg;
  return kcs['clusterConfiguration'] as Cfg;
}
function argsOf(o: KubeObject, component: 'controllerManager' | 'scheduler'): unknown {
  return (clusterConfiguration(o)[component] as Cfg | undefined)?.['extraArgs'];
}
/** A copy of the fixture with the given clusterConfiguration. */
function withConfig(version: 'v1beta1' | 'v1beta2', cfg: Cfg, kind: 'KubeadmControlPlane' | 'KubeadmControlPlaneTemplate' = 'KubeadmControlPlane'): KubeObject {
  const o = fixture(version, kind);
  const spec = o['spec'] as Cfg;
  const kcs = (kind === 'KubeadmControlPlaneTemplate' ? ((spec['template'] as Cfg)['spec'] as Cfg) : spec)['kubeadmConfigSpec'] as Cfg;
  kcs['clusterConfiguration'] = cfg;
  return o;
}
const DEFAULT_LIST = [
  { name: 'leader-elect-lease-duration', value: '60s' },
  { name: 'leader-elect-renew-deadline', value: '40s' },
  { name: 'leader-elect-retry-period', value: '5s' },
];
const DEFAULT_MAP = { 'leader-elect-lease-duration': '60s', 'leader-elect-renew-deadline': '40s', 'leader-elect-retry-period': '5s' };

describe('leader-election-kubeadm: v1beta1 (extraArgs map)', () => {
  it('adds the three flags after the other args, keeping their order and values', () => {
    // Arrange
    const input = withConfig('v1beta1', { controllerManager: { extraArgs: { profiling: 'false', 'terminated-pod-gc-threshold': '100', v: '2' } } });
    // Act
    const out = apply(input);
    // Assert
    const cm = argsOf(out, 'controllerManager') as Record<string, string>;
    expect(Object.entries(cm)).toEqual([
      ['profiling', 'false'],
      ['terminated-pod-gc-threshold', '100'],
      ['v', '2'],
      ['leader-elect-lease-duration', '60s'],
      ['leader-elect-renew-deadline', '40s'],
      ['leader-elect-retry-period', '5s'],
    ]);
    expect(argsOf(out, 'scheduler')).toEqual(DEFAULT_MAP);
  });

  it('keeps a value the user set (in its place) when the option is not given explicitly', () => {
    // Arrange
    const input = withConfig('v1beta1', { scheduler: { extraArgs: { 'leader-elect-renew-deadline': '30s', profiling: 'false' } } });
    // Act
    const out = apply(input, { leaderElection: { leaseDuration: '90s' } });
    // Assert
    expect(Object.entries(argsOf(out, 'scheduler') as Cfg)).toEqual([
      ['leader-elect-renew-deadline', '30s'],
      ['profiling', 'false'],
      ['leader-elect-lease-duration', '90s'],
      ['leader-elect-retry-period', '5s'],
    ]);
  });

  it('lets an explicit option win over the user value', () => {
    // Arrange
    const input = withConfig('v1beta1', { controllerManager: { extraArgs: { 'leader-elect-lease-duration': '15s', 'leader-elect-renew-deadline': '10s' } } });
    // Act
    const out = apply(input, { leaderElection: { renewDeadline: '45s', leaseDuration: '120s' } });
    // Assert
    expect(argsOf(out, 'controllerManager')).toEqual({ 'leader-elect-lease-duration': '120s', 'leader-elect-renew-deadline': '45s', 'leader-elect-retry-period': '5s' });
  });
});

describe('leader-election-kubeadm: v1beta2 (extraArgs list)', () => {
  it('appends the three flags after the other args, keeping their order and values', () => {
    // Arrange
    const other = [
      { name: 'profiling', value: 'false' },
      { name: 'bind-address', value: '0.0.0.0' },
      { name: 'feature-gates', value: 'A=true,B=false' },
    ];
    const input = withConfig('v1beta2', { controllerManager: { extraArgs: other }, scheduler: { extraArgs: [{ name: 'v', value: '' }] } });
    // Act
    const out = apply(input);
    // Assert
    expect(argsOf(out, 'controllerManager')).toEqual([...other, ...DEFAULT_LIST]);
    expect(argsOf(out, 'scheduler')).toEqual([{ name: 'v', value: '' }, ...DEFAULT_LIST]);
  });

  it('keeps a user value in its place without an explicit option, replaces it in place with one', () => {
    // Arrange
    const input = withConfig('v1beta2', {
      controllerManager: {
        extraArgs: [
          { name: 'leader-elect-retry-period', value: '3s' },
          { name: 'profiling', value: 'false' },
          { name: 'leader-elect-lease-duration', value: '2m' },
        ],
      },
    });
    // Act
    const kept = apply(input);
    const explicit = apply(input, { leaderElection: { retryPeriod: '4s' } });
    // Assert
    expect(argsOf(kept, 'controllerManager')).toEqual([
      { name: 'leader-elect-retry-period', value: '3s' },
      { name: 'profiling', value: 'false' },
      { name: 'leader-elect-lease-duration', value: '2m' },
      { name: 'leader-elect-renew-deadline', value: '40s' },
    ]);
    expect(argsOf(explicit, 'controllerManager')).toEqual([
      { name: 'leader-elect-retry-period', value: '4s' },
      { name: 'profiling', value: 'false' },
      { name: 'leader-elect-lease-duration', value: '2m' },
      { name: 'leader-elect-renew-deadline', value: '40s' },
    ]);
  });

  it('collapses duplicates of a leader-elect flag into the first entry and keeps the other args', () => {
    // Arrange
    const input = withConfig('v1beta2', {
      scheduler: {
        extraArgs: [
          { name: 'leader-elect-lease-duration', value: '20s' },
          { name: 'profiling', value: 'false' },
          { name: 'leader-elect-lease-duration', value: '30s' },
          { name: 'leader-elect-renew-deadline', value: '12s' },
          { name: 'leader-elect-renew-deadline', value: '13s' },
        ],
      },
    });
    // Act
    const kept = apply(input);
    const explicit = apply(input, { leaderElection: { leaseDuration: '75s' } });
    // Assert
    expect(argsOf(kept, 'scheduler')).toEqual([
      { name: 'leader-elect-lease-duration', value: '20s' },
      { name: 'profiling', value: 'false' },
      { name: 'leader-elect-renew-deadline', value: '12s' },
      { name: 'leader-elect-retry-period', value: '5s' },
    ]);
    expect(argsOf(explicit, 'scheduler')).toEqual([
      { name: 'leader-elect-lease-duration', value: '75s' },
      { name: 'profiling', value: 'false' },
      { name: 'leader-elect-renew-deadline', value: '12s' },
      { name: 'leader-elect-retry-period', value: '5s' },
    ]);
  });

  it('turns an empty extraArgs list into the three flags (never an empty list)', () => {
    // Arrange
    const input = withConfig('v1beta2', { controllerManager: { extraArgs: [] } });
    // Act
    const out = apply(input);
    // Assert
    expect(argsOf(out, 'controllerManager')).toEqual(DEFAULT_LIST);
  });
});

describe('leader-election-kubeadm: scope', () => {
  it('is a no-op with enabled: false, even with timings given', () => {
    // Arrange
    const objects = [fixture('v1beta1', 'KubeadmControlPlane'), fixture('v1beta2', 'KubeadmControlPlaneTemplate')];
    const before = structuredClone(objects);
    // Act
    const out = leaderElectionKubeadm.apply(objects, ctx({ leaderElection: { enabled: false, leaseDuration: '90s' } }));
    // Assert
    expect(out).toEqual(before);
    expect(out[0]).toBe(objects[0]);
  });

  it('hardens KubeadmControlPlaneTemplate under spec.template.spec, in both contracts', () => {
    // Arrange
    const v1 = fixture('v1beta1', 'KubeadmControlPlaneTemplate');
    const v2 = fixture('v1beta2', 'KubeadmControlPlaneTemplate');
    // Act
    const [o1, o2] = leaderElectionKubeadm.apply([v1, v2], ctx());
    // Assert
    expect(clusterConfiguration(o1!)).toEqual({ controllerManager: { extraArgs: DEFAULT_MAP }, scheduler: { extraArgs: DEFAULT_MAP } });
    expect(argsOf(o2!, 'scheduler')).toEqual([{ name: 'bind-address', value: '0.0.0.0' }, ...DEFAULT_LIST]);
    expect(argsOf(o2!, 'controllerManager')).toEqual(DEFAULT_LIST);
  });

  it('leaves other kinds (and unknown versions) untouched, and does not mutate its input', () => {
    // Arrange
    const cfg = { clusterConfiguration: { controllerManager: { extraArgs: { profiling: 'false' } } } };
    const others: KubeObject[] = [
      { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind: 'KubeadmConfig', metadata: { name: 'a' }, spec: structuredClone(cfg) },
      { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind: 'KubeadmConfigTemplate', metadata: { name: 'b' }, spec: { template: { spec: structuredClone(cfg) } } },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha4', kind: 'KubeadmControlPlane', metadata: { name: 'c' }, spec: { kubeadmConfigSpec: structuredClone(cfg) } },
      { apiVersion: 'example.com/v1beta1', kind: 'KubeadmControlPlane', metadata: { name: 'd' }, spec: { kubeadmConfigSpec: structuredClone(cfg) } },
      { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'MicroK8sControlPlane', metadata: { name: 'e' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f' }, data: { x: 'y' } },
    ];
    const kcp = fixture('v1beta2', 'KubeadmControlPlane');
    const before = structuredClone([...others, kcp]);
    // Act
    const out = leaderElectionKubeadm.apply([...others, kcp], ctx({ leaderElection: { leaseDuration: '90s' } }));
    // Assert
    others.forEach((o, i) => expect(out[i]).toBe(o));
    expect([...others, kcp]).toEqual(before);
    expect(out[others.length]).not.toEqual(kcp);
  });

  it('does not overwrite an extraArgs that is neither a map nor a list', () => {
    // Arrange
    const input = withConfig('v1beta1', { controllerManager: { extraArgs: 'profiling=false' }, scheduler: 'oops' });
    // Act
    const out = apply(input);
    // Assert
    expect(clusterConfiguration(out)).toEqual({ controllerManager: { extraArgs: 'profiling=false' }, scheduler: 'oops' });
  });

  it('is registered in TRANSFORMS, which stays sorted by id', () => {
    expect(TRANSFORMS).toContain(leaderElectionKubeadm);
    const ids = TRANSFORMS.map((t) => t.id);
    expect(ids).toEqual([...ids].sort());
  });
});

describe('leader-election-kubeadm: output validates', () => {
  it.each([
    ['v1beta1', 'KubeadmControlPlane'],
    ['v1beta1', 'KubeadmControlPlaneTemplate'],
    ['v1beta2', 'KubeadmControlPlane'],
    ['v1beta2', 'KubeadmControlPlaneTemplate'],
  ] as const)('%s %s fixture, with and without explicit options', async (version, kind) => {
    // Arrange
    const input = fixture(version, kind);
    // Act
    const plain = apply(input);
    const explicit = apply(input, { leaderElection: { leaseDuration: '2m', renewDeadline: '80s', retryPeriod: '10s' } });
    // Assert
    expect(await validateObject(input)).toEqual([]);
    expect(await validateObject(plain)).toEqual([]);
    expect(await validateObject(explicit)).toEqual([]);
    expect(checkEffectiveTimings(plain)).toEqual([]);
  });

  it('collapsing duplicates turns an invalid v1beta2 object into a valid one', async () => {
    // Arrange
    const input = withConfig('v1beta2', {
      controllerManager: {
        extraArgs: [
          { name: 'leader-elect-retry-period', value: '2s' },
          { name: 'leader-elect-retry-period', value: '3s' },
        ],
      },
    });
    // Act
    const out = apply(input);
    // Assert
    expect((await validateObject(input)).length).toBeGreaterThan(0);
    expect(await validateObject(out)).toEqual([]);
  });
});

describe('render with leader-election options', () => {
  const example = parseClusterSpec(readFileSync(join(import.meta.dirname, '../../../../examples/kubeadm-docker.yaml'), 'utf8'));

  it.each(['v1beta1', 'v1beta2'] as const)('sets explicit options on the %s KubeadmControlPlane; enabled: false leaves no flags', async (contract) => {
    // Arrange
    const tuned: ClusterSpec = { ...example, hardening: { leaderElection: { leaseDuration: '120s', renewDeadline: '80s' } } };
    const off: ClusterSpec = { ...example, hardening: { leaderElection: { enabled: false } } };
    // Act
    const kcpTuned = (await renderCluster(tuned, { contract })).objects.find((o) => o.kind === 'KubeadmControlPlane')!;
    const kcpOff = (await renderCluster(off, { contract })).objects.find((o) => o.kind === 'KubeadmControlPlane')!;
    // Assert
    for (const found of readLeaderElectionArgs(kcpTuned)) {
      expect(found.values).toEqual({ leaseDuration: '120s', renewDeadline: '80s', retryPeriod: '5s' });
    }
    for (const found of readLeaderElectionArgs(kcpOff)) expect(found.values).toEqual({});
  });
});

describe('readLeaderElectionArgs and checkEffectiveTimings (for lint)', () => {
  it('reads both shapes, with a pointer to each value (first entry of a repeated name)', () => {
    // Arrange
    const v1 = withConfig('v1beta1', { scheduler: { extraArgs: { 'leader-elect-lease-duration': '8s', 'leader-elect': 'true' } } });
    const v2 = withConfig('v1beta2', {
      controllerManager: {
        extraArgs: [
          { name: 'x', value: 'y' },
          { name: 'leader-elect-retry-period', value: '1s' },
          { name: 'leader-elect-retry-period', value: '9s' },
        ],
      },
    });
    // Act
    const r1 = readLeaderElectionArgs(v1);
    const r2 = readLeaderElectionArgs(v2);
    // Assert
    expect(r1).toEqual([
      { component: 'controllerManager', extraArgsPath: '/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs', shape: 'map', values: {}, paths: {}, leaderElect: undefined },
      {
        component: 'scheduler',
        extraArgsPath: '/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs',
        shape: 'map',
        values: { leaseDuration: '8s' },
        paths: { leaseDuration: '/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs/leader-elect-lease-duration' },
        leaderElect: 'true',
      },
    ]);
    expect(r2[0]).toMatchObject({ shape: 'list', values: { retryPeriod: '1s' }, paths: { retryPeriod: '/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/1/value' } });
    expect(r2[1]).toMatchObject({ shape: 'list', values: {} });
    expect(readLeaderElectionArgs({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual([]);
  });

  it('judges unset flags by the binaries own defaults (15s / 10s / 2s) and names rule and values', () => {
    // Arrange: lease 8s against kube-scheduler's default renew deadline of 10s
    const bad = withConfig('v1beta1', { scheduler: { extraArgs: { 'leader-elect-lease-duration': '8s' } } });
    // Act
    const problems = checkEffectiveTimings(bad);
    // Assert
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ component: 'scheduler', field: 'leaseDuration', path: '/spec/kubeadmConfigSpec/clusterConfiguration/scheduler/extraArgs/leader-elect-lease-duration' });
    expect(problems[0]!.message).toContain('kube-scheduler');
    expect(problems[0]!.message).toContain('leaseDuration (8s) must be greater than renewDeadline (10s)');
    expect(problems[0]!.message).toContain('leader-elect-renew-deadline=10s');
  });

  it('reports a jitter-rule violation on the renew deadline, and skips components with leader-elect=false', () => {
    // Arrange
    const bad = withConfig('v1beta2', {
      controllerManager: { extraArgs: [{ name: 'leader-elect-renew-deadline', value: '6s' }, { name: 'leader-elect-retry-period', value: '5s' }] },
      scheduler: { extraArgs: [{ name: 'leader-elect', value: 'false' }, { name: 'leader-elect-lease-duration', value: '1s' }] },
    });
    // Act
    const problems = checkEffectiveTimings(bad);
    // Assert
    expect(problems.map((p) => [p.component, p.field, p.path])).toEqual([['controllerManager', 'renewDeadline', '/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager/extraArgs/0/value']]);
    expect(problems[0]!.message).toContain('renewDeadline (6s) must be greater than 1.2 x retryPeriod (5s)');
  });

  it('finds the problems the transform keeps from user values, and none once explicit options fix them', () => {
    // Arrange
    const input = withConfig('v1beta1', { controllerManager: { extraArgs: { 'leader-elect-renew-deadline': '90s' } } });
    // Act
    const kept = apply(input);
    const fixed = apply(input, { leaderElection: { renewDeadline: '45s' } });
    // Assert
    expect(checkEffectiveTimings(kept).map((p) => p.field)).toEqual(['leaseDuration']);
    expect(checkEffectiveTimings(fixed)).toEqual([]);
  });
});

describe('spec rule: hardening.leaderElection timings', () => {
  const base: ClusterSpec = { name: 'mini', flavor: 'kubeadm-docker', kubernetesVersion: 'v1.33.1', controlPlane: { replicas: 1, machine: {} }, workers: [] };

  it('accepts explicit values merged over the defaults when client-go would', () => {
    expect(checkClusterSpec({ ...base, hardening: { leaderElection: { leaseDuration: '120s', renewDeadline: '80s' } } })).toEqual([]);
    expect(checkClusterSpec({ ...base, hardening: { leaderElection: { retryPeriod: '2s' } } })).toEqual([]);
  });

  it('reports a lease duration not above the (default) renew deadline at its field, naming rule and values', () => {
    // Act
    const issues = checkClusterSpec({ ...base, hardening: { leaderElection: { leaseDuration: '30s' } } });
    // Assert
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'SPEC_RULE', severity: 'error', path: '/hardening/leaderElection/leaseDuration' });
    expect(issues[0]!.message).toContain('leaseDuration (30s) must be greater than renewDeadline (40s)');
    expect(issues[0]!.message).toContain('renewDeadline 40s');
  });

  it('reports the jitter rule, zero durations, and skips the check when disabled', () => {
    const jitter = checkClusterSpec({ ...base, hardening: { leaderElection: { retryPeriod: '40s' } } });
    expect(jitter.map((i) => i.path)).toEqual(['/hardening/leaderElection/retryPeriod']);
    expect(jitter[0]!.message).toContain('renewDeadline (40s) must be greater than 1.2 x retryPeriod (40s)');
    const zero = checkClusterSpec({ ...base, hardening: { leaderElection: { retryPeriod: '0s' } } });
    expect(zero.map((i) => i.path)).toEqual(['/hardening/leaderElection/retryPeriod']);
    expect(checkClusterSpec({ ...base, hardening: { leaderElection: { enabled: false, leaseDuration: '1s' } } })).toEqual([]);
  });

  it('places the finding in the spec text, at the value the user wrote when the other one is a default', () => {
    // Arrange
    const text = ['name: mini', 'flavor: kubeadm-docker', 'kubernetesVersion: v1.33.1', 'controlPlane: {replicas: 1, machine: {}}', 'workers: []', 'hardening:', '  leaderElection:', '    renewDeadline: 90s', ''].join('\n');
    // Act
    let error: unknown;
    try {
      parseClusterSpec(text, 'spec.yaml');
    } catch (e) {
      error = e;
    }
    // Assert
    expect(error).toBeInstanceOf(CapiGenError);
    const issue = (error as CapiGenError).issues[0]!;
    expect(issue).toMatchObject({ code: 'SPEC_RULE', path: '/hardening/leaderElection/renewDeadline', source: { file: 'spec.yaml', line: 8, col: 20 } });
    expect(issue.message).toContain('leaseDuration (60s) must be greater than renewDeadline (90s)');
  });
});
