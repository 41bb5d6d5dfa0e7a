// The leader-election-microk8s transform: the script and its postRunCommand land once in the
// MicroK8sControlPlane's initConfiguration (copied to every control-plane machine), after the
// user's own post commands, idempotently; the output still validates. The script itself is
// checked with shellcheck and with cloud-init's real Jinja renderer (skipped when missing).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CapiGenError } from '../../src/errors.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import {
  leaderElectionMicroK8s,
  loadMicroK8sLeaderElectionScript,
  MICROK8S_LEADER_ELECTION_SCRIPT_PATH,
  microk8sLeaderElectionCommand,
} from '../../src/harden/leader-election-microk8s.ts';
import { LEADER_ELECTION_DEFAULTS } from '../../src/harden/leader-election-options.ts';
import { TRANSFORMS, type HardenContext } from '../../src/harden/registry.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { validateObject } from '../../src/validate/validate-object.ts';
import { context, controlPlane, hasCloudInit, hasShellcheck, type Init, initOf, JINJA_CHECK, spec, unhardened, withInit } from './_microk8s-init.ts';

const SCRIPT_FILE = join(defaultTemplatesDir(), 'scripts', 'microk8s-leader-election.sh');
const SCRIPT = readFileSync(SCRIPT_FILE, 'utf8');
const DEFAULT_COMMAND = `${MICROK8S_LEADER_ELECTION_SCRIPT_PATH} --leader-elect-lease-duration=60s --leader-elect-renew-deadline=40s --leader-elect-retry-period=5s`;

function ours(init: Init): Record<string, unknown>[] {
  return (init.extraWriteFiles ?? []).filter((f) => f['path'] === MICROK8S_LEADER_ELECTION_SCRIPT_PATH);
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('leader-election-microk8s transform', () => {
  it('is registered once, in id order', () => {
    // Act
    const ids = TRANSFORMS.map((t) => t.id);
    // Assert
    expect(ids.filter((id) => id === 'leader-election-microk8s')).toHaveLength(1);
    expect(ids).toEqual([...ids].sort());
  });

  it('adds the script file and the command once, with default timings', () => {
    // Arrange
    const before = controlPlane(unhardened);
    const filesBefore = initOf(before).extraWriteFiles ?? [];
    // Act
    const init = initOf(controlPlane(leaderElectionMicroK8s.apply(unhardened, context)));
    // Assert
    expect(init.extraWriteFiles).toEqual([...filesBefore, { path: MICROK8S_LEADER_ELECTION_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: SCRIPT }]);
    expect(init.postRunCommands).toEqual([DEFAULT_COMMAND]);
    expect(microk8sLeaderElectionCommand(LEADER_ELECTION_DEFAULTS)).toBe(DEFAULT_COMMAND);
  });

  it('does not mutate its input and leaves other objects alone', () => {
    // Arrange
    const snapshot = structuredClone(unhardened);
    // Act
    const out = leaderElectionMicroK8s.apply(unhardened, context);
    // Assert
    expect(unhardened).toEqual(snapshot);
    expect(out.filter((o) => o.kind !== 'MicroK8sControlPlane')).toEqual(snapshot.filter((o) => o.kind !== 'MicroK8sControlPlane'));
    expect(out.filter((o) => o.kind === 'MicroK8sConfigTemplate').flatMap((o) => JSON.stringify(o).includes('capi-gen/microk8s-leader-election') ? [o] : [])).toEqual([]);
  });

  it('is idempotent', () => {
    // Act
    const once = leaderElectionMicroK8s.apply(unhardened, context);
    const twice = leaderElectionMicroK8s.apply(once, context);
    // Assert
    expect(twice).toEqual(once);
    expect(ours(initOf(controlPlane(twice)))).toHaveLength(1);
  });

  it("keeps the user's post commands, in order, before its own", () => {
    // Arrange
    const cp = withInit({ postRunCommands: ['echo one', 'microk8s status --wait-ready', 'echo three'], preRunCommands: ['echo pre'] });
    // Act
    const init = initOf(controlPlane(leaderElectionMicroK8s.apply([cp], context)));
    // Assert
    expect(init.postRunCommands).toEqual(['echo one', 'microk8s status --wait-ready', 'echo three', DEFAULT_COMMAND]);
    expect(init.preRunCommands).toEqual(['echo pre']);
  });

  it('replaces an older command in place and an older file content, without duplicating', () => {
    // Arrange
    const old = `${MICROK8S_LEADER_ELECTION_SCRIPT_PATH} --leader-elect-lease-duration=15s`;
    const cp = withInit({
      postRunCommands: ['echo one', old, 'echo two', old],
      extraWriteFiles: [
        { path: '/etc/a', permissions: '0644', owner: 'root:root', content: 'a' },
        { path: MICROK8S_LEADER_ELECTION_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: '#!/bin/sh\necho old\n' },
        { path: '/etc/b', permissions: '0644', owner: 'root:root', content: 'b' },
      ],
    });
    // Act
    const init = initOf(controlPlane(leaderElectionMicroK8s.apply([cp], context)));
    // Assert
    expect(init.postRunCommands).toEqual(['echo one', DEFAULT_COMMAND, 'echo two']);
    expect(init.extraWriteFiles?.map((f) => f['path'])).toEqual(['/etc/a', MICROK8S_LEADER_ELECTION_SCRIPT_PATH, '/etc/b']);
    expect(ours(init)[0]?.['content']).toBe(SCRIPT);
  });

  it('uses the explicit timings, defaults for the rest', () => {
    // Arrange
    const ctx: HardenContext = { ...context, hardening: { leaderElection: { leaseDuration: '120s', renewDeadline: '80s' } } };
    // Act
    const init = initOf(controlPlane(leaderElectionMicroK8s.apply(unhardened, ctx)));
    // Assert
    expect(init.postRunCommands).toEqual([
      `${MICROK8S_LEADER_ELECTION_SCRIPT_PATH} --leader-elect-lease-duration=120s --leader-elect-renew-deadline=80s --leader-elect-retry-period=5s`,
    ]);
  });

  it('changes nothing when leader election is disabled', () => {
    // Arrange
    const ctx: HardenContext = { ...context, hardening: { leaderElection: { enabled: false } } };
    // Act
    const out = leaderElectionMicroK8s.apply(unhardened, ctx);
    // Assert
    expect(out).toEqual(unhardened);
  });

  it('refuses timings client-go would reject, naming the rule', () => {
    // Arrange
    const ctx: HardenContext = { ...context, hardening: { leaderElection: { leaseDuration: '30s', renewDeadline: '40s' } } };
    // Act
    const err = (() => {
      try {
        leaderElectionMicroK8s.apply(unhardened, ctx);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assert
    expect(err).toBeInstanceOf(CapiGenError);
    expect((err as CapiGenError).issues.map((i) => i.message).join('\n')).toMatch(/leaseDuration \(30s\) must be greater than renewDeadline \(40s\)/);
  });

  it('output validates against the vendored CRDs', async () => {
    // Arrange
    const cp = withInit({ postRunCommands: ['echo one'] });
    // Act
    const out = leaderElectionMicroK8s.apply(leaderElectionMicroK8s.apply([cp, ...unhardened.filter((o) => o.kind !== 'MicroK8sControlPlane')], context), context);
    const issues = (await Promise.all(out.map((o) => validateObject(o)))).flat();
    // Assert
    expect(issues).toEqual([]);
  });

  it('renders the command into the MicroK8s flavor by default', async () => {
    // Act
    const r = await renderCluster(spec);
    // Assert
    const init = initOf(controlPlane(r.objects));
    // why: microk8s-cert-guard's verify-node comes after it (the final gate of the bootstrap).
    expect(init.postRunCommands?.at(-2)).toBe(DEFAULT_COMMAND);
    expect(ours(init)).toHaveLength(1);
  });
});

describe('loading the script', () => {
  it('falls back to the built-in script when the templates folder has no scripts/', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'capi-gen-le-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'flavors'));
    // Act
    const text = loadMicroK8sLeaderElectionScript(dir);
    // Assert
    expect(text).toBe(SCRIPT);
  });

  it('refuses a script with a Jinja delimiter, saying where', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'capi-gen-le-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'microk8s-leader-election.sh'), '#!/bin/sh\nset -eu\necho "${#1}"\n');
    // Act
    const load = (): string => loadMicroK8sLeaderElectionScript(dir);
    // Assert
    expect(load).toThrow(/microk8s-leader-election\.sh:3: .*Jinja delimiter "\{#"/);
  });
});

describe('the node script', () => {
  it('is POSIX sh with set -eu and no Jinja delimiters', () => {
    // Assert
    expect(SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
    expect(SCRIPT).toMatch(/^set -eu$/m);
    expect(SCRIPT).not.toMatch(/\{[{%#]/);
  });

  it.skipIf(!hasShellcheck)('passes shellcheck -s sh', () => {
    // Act
    const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT_FILE], { encoding: 'utf8' });
    // Assert
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasShellcheck)('generated postRunCommands line passes shellcheck -s sh', () => {
    // Arrange
    const line = microk8sLeaderElectionCommand({ leaseDuration: '1m30s', renewDeadline: '500ms', retryPeriod: '100ms' });
    // Act
    const results = [DEFAULT_COMMAND, line].map((l) => spawnSync('shellcheck', ['-s', 'sh', '-'], { input: `${l}\n`, encoding: 'utf8' }));
    // Assert
    expect(results.map((r) => [r.status, r.stdout])).toEqual([
      [0, ''],
      [0, ''],
    ]);
  });

  it.skipIf(!hasCloudInit)("comes through cloud-init's Jinja renderer unchanged", () => {
    // Act
    const r = spawnSync('/usr/bin/python3', ['-c', JINJA_CHECK], { input: SCRIPT, encoding: 'utf8' });
    // Assert
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
