// The kustomize overlay of `capi-gen manager-patches`, built with the real `kubectl kustomize`
// (v5) against Deployments shaped like the ones `clusterctl init` installs: a `kube-rbac-proxy`
// sidecar placed FIRST (so a patch that picks containers by position would hit it) and the
// `manager` container with upstream-like args. Also documents the trap the overlay avoids: a
// strategic-merge patch that lists only the new flags replaces the whole args list.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MANAGER_PROVIDERS, renderManagerPatches, type ManagerProviderId } from '../../packages/core/src/index.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

/** Why the real kustomize cannot be used here, or undefined when it can. */
function kustomizeUnavailable(): string | undefined {
  const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return `kubectl is not installed or failed (${r.error?.message ?? r.stderr.trim()})`;
  let version: string | undefined;
  try {
    version = (JSON.parse(r.stdout) as { kustomizeVersion?: string }).kustomizeVersion;
  } catch {
    return `kubectl version printed no JSON: ${r.stdout.slice(0, 200)}`;
  }
  if (version === undefined || !/^v5\./.test(version)) return `kubectl's kustomize is ${version ?? 'unknown'}, these tests need v5`;
  return undefined;
}

const UNAVAILABLE = kustomizeUnavailable();
if (UNAVAILABLE !== undefined) console.warn(`test/managers/kustomize.test.ts skipped: ${UNAVAILABLE}`);

const PROVIDERS: readonly ManagerProviderId[] = ['core', 'kubeadm-bootstrap', 'kubeadm-control-plane', 'openstack', 'docker'];
const TIMINGS = { leaseDuration: '120s', renewDeadline: '80s', retryPeriod: '10s' } as const;
const EXPECTED = {
  'leader-elect-lease-duration': '120s',
  'leader-elect-renew-deadline': '80s',
  'leader-elect-retry-period': '10s',
} as const;
const TIMING_FLAG = /^--leader-elect-(lease-duration|renew-deadline|retry-period)(=|$)/;

/** Upstream-like manager args (clusterctl init substituted its variables). */
const UPSTREAM_LIKE = ['--leader-elect', '--diagnostics-address=:8443', '--insecure-diagnostics=false', '--feature-gates=MachinePool=true,ClusterTopology=true'];

const RBAC_PROXY = {
  name: 'kube-rbac-proxy',
  image: 'registry.k8s.io/kubebuilder/kube-rbac-proxy:v0.16.0',
  args: ['--secure-listen-address=0.0.0.0:8443', '--upstream=http://127.0.0.1:8080/', '--logtostderr=true', '--v=0'],
  ports: [{ containerPort: 8443, name: 'https', protocol: 'TCP' }],
};

function deployment(id: ManagerProviderId, managerArgs: readonly string[]): Record<string, unknown> {
  const p = MANAGER_PROVIDERS[id];
  const labels = { 'cluster.x-k8s.io/provider': p.clusterctlName, 'control-plane': 'controller-manager' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: p.deployment, namespace: p.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'manager',
          containers: [
            RBAC_PROXY,
            {
              name: 'manager',
              image: `registry.k8s.io/cluster-api/${p.id}-controller:v1.12.0`,
              command: ['/manager'],
              args: managerArgs,
              ports: [{ containerPort: 9440, name: 'healthz', protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes the files into a fresh directory and returns `kubectl kustomize` output as objects. */
function build(files: readonly { path: string; content: string }[]): Record<string, unknown>[] {
  const dir = mkdtempSync(join(tmpdir(), 'capi-gen-kustomize-'));
  dirs.push(dir);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
}

interface Container {
  name: string;
  args?: string[];
  [k: string]: unknown;
}

function containers(objects: readonly Record<string, unknown>[], id: ManagerProviderId): Container[] {
  const p = MANAGER_PROVIDERS[id];
  const d = objects.find((o) => (o['metadata'] as { name: string }).name === p.deployment) as { spec: { template: { spec: { containers: Container[] } } } } | undefined;
  if (d === undefined) throw new Error(`no Deployment ${p.deployment} in the kustomize output`);
  return d.spec.template.spec.containers;
}

function baseFiles(args: (id: ManagerProviderId) => readonly string[]): { path: string; content: string }[] {
  return PROVIDERS.map((id) => ({ path: `base/${MANAGER_PROVIDERS[id].deployment}.yaml`, content: stringify(deployment(id, args(id))) }));
}

function assertPatched(objects: readonly Record<string, unknown>[], id: ManagerProviderId, before: readonly string[]): void {
  const all = containers(objects, id);
  const manager = all.find((c) => c.name === 'manager')!;
  const args = manager.args ?? [];
  for (const [flag, value] of Object.entries(EXPECTED)) {
    const hits = args.filter((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
    expect(hits, `${id}: --${flag}`).toEqual([`--${flag}=${value}`]);
  }
  expect(args.filter((a) => a === '--leader-elect'), `${id}: --leader-elect kept once`).toEqual(['--leader-elect']);
  expect(
    args.filter((a) => !TIMING_FLAG.test(a)),
    `${id}: every other arg untouched and in order`,
  ).toEqual(before.filter((a) => !TIMING_FLAG.test(a)));
  expect(manager.command).toEqual(['/manager']);
  expect(all.find((c) => c.name === 'kube-rbac-proxy'), `${id}: the sidecar is untouched`).toEqual(RBAC_PROXY);
  expect(all).toHaveLength(2);
}

describe.skipIf(UNAVAILABLE !== undefined)('manager-patches kustomize overlay, built with kubectl kustomize v5', () => {
  it('sets the three flags once on the manager container and keeps every other arg (live args passed in)', () => {
    // Arrange: the live args, one provider already carrying an older renew deadline (twice, both forms)
    const live: Record<string, readonly string[]> = Object.fromEntries(PROVIDERS.map((id) => [id, UPSTREAM_LIKE]));
    live['kubeadm-bootstrap'] = [...UPSTREAM_LIKE, '--bootstrap-token-ttl=15m'];
    live['kubeadm-control-plane'] = ['--leader-elect', '--leader-elect-renew-deadline=10s', ...UPSTREAM_LIKE.slice(1), '--leader-elect-renew-deadline', '30s'];
    const result = renderManagerPatches({ providers: PROVIDERS, timings: TIMINGS, format: 'kustomize', currentArgs: live });
    // Act
    const objects = build([...result.files, ...baseFiles((id) => live[id]!)]);
    // Assert
    expect(objects).toHaveLength(PROVIDERS.length);
    for (const id of PROVIDERS) assertPatched(objects, id, live[id]!.filter((a) => a !== '30s'));
  });

  it('keeps the args of the provider version table when the base carries exactly those', () => {
    // Arrange
    const tableArgs = (id: ManagerProviderId): readonly string[] => MANAGER_PROVIDERS[id].args.at(-1)!.args;
    const result = renderManagerPatches({ providers: PROVIDERS, timings: TIMINGS, format: 'kustomize' });
    // Act
    const objects = build([...result.files, ...baseFiles(tableArgs)]);
    // Assert
    for (const id of PROVIDERS) assertPatched(objects, id, tableArgs(id));
  });

  it('is idempotent: patching the patched Deployments again changes nothing', () => {
    // Arrange
    const live = Object.fromEntries(PROVIDERS.map((id) => [id, UPSTREAM_LIKE]));
    const first = build([...renderManagerPatches({ providers: PROVIDERS, timings: TIMINGS, format: 'kustomize', currentArgs: live }).files, ...baseFiles(() => UPSTREAM_LIKE)]);
    const patchedArgs = (id: ManagerProviderId): string[] => containers(first, id).find((c) => c.name === 'manager')!.args!;
    const again = Object.fromEntries(PROVIDERS.map((id) => [id, patchedArgs(id)]));
    // Act
    const second = build([...renderManagerPatches({ providers: PROVIDERS, timings: TIMINGS, format: 'kustomize', currentArgs: again }).files, ...baseFiles(patchedArgs)]);
    // Assert
    for (const id of PROVIDERS) expect(containers(second, id).find((c) => c.name === 'manager')!.args).toEqual(patchedArgs(id));
  });

  it('the trap: a strategic-merge patch listing only the three flags drops --leader-elect and every other arg', () => {
    // Arrange: what a hand-written patch usually looks like
    const p = MANAGER_PROVIDERS.core;
    const naive = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: p.deployment, namespace: p.namespace },
      spec: { template: { spec: { containers: [{ name: 'manager', args: Object.entries(EXPECTED).map(([f, v]) => `--${f}=${v}`) }] } } },
    };
    const files = [
      { path: 'kustomization.yaml', content: stringify({ resources: [`base/${p.deployment}.yaml`], patches: [{ path: 'naive.yaml' }] }) },
      { path: 'naive.yaml', content: stringify(naive) },
      { path: `base/${p.deployment}.yaml`, content: stringify(deployment('core', UPSTREAM_LIKE)) },
    ];
    // Act
    const objects = build(files);
    // Assert: leader election silently off (the binary's --leader-elect default is false)
    const args = containers(objects, 'core').find((c) => c.name === 'manager')!.args!;
    expect(args).not.toContain('--leader-elect');
    expect(args).toEqual(['--leader-elect-lease-duration=120s', '--leader-elect-renew-deadline=80s', '--leader-elect-retry-period=10s']);
  });
});
