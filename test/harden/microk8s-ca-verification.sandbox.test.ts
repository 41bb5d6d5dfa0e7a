// Seed 000 in a sandbox: the MicroK8s init node's runcmd steps that matter, in the provider's order
// (../shared/notes/capi-facts.md section c), with the microk8s-ca-verification transform's
// injected pieces, executed with sh inside bubblewrap against real openssl CAs:
//   pre:  the transform's preRunCommands (the wrapper installer)
//   ...   `microk8s refresh-certs /var/tmp` (fake: copies /var/tmp/ca.* into the certs dir, or
//         fails N times, or fails forever, or does nothing)
//   ...   /capi-scripts/10-configure-calico-ipip.sh <args> (a fake provider script, now wrapped)
//   ...   a later step, to show runcmd goes on (no `set -e`)
// The sandbox is test/support/sandbox.ts: bubblewrap's tmpfs root with the host's /usr read-only,
// temp dirs at /capi-scripts, /var/tmp, /var/snap/microk8s/current/certs and /var/lib (the node's
// paths, so the scripts run with their defaults). The scripts are the transform's extraWriteFiles,
// written 0700 into a folder bound read-only at /capi-gen. Fake `microk8s` and `sleep` on PATH
// record their calls (sleep returns at once).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../packages/core/src/emit/to-yaml.ts';
import { defaultTemplatesDir } from '../../packages/core/src/flavors/flavor.ts';
import { microk8sCaVerification } from '../../packages/core/src/harden/microk8s-ca-verification.ts';
import { hasCommand } from '../support/repo.ts';
import { BWRAP, sandboxPerTest, type Sandbox } from '../support/sandbox.ts';

const hasOpenssl = hasCommand('openssl');
const ready = BWRAP !== null && hasOpenssl;
if (!ready) console.warn('microk8s-ca-verification sandbox: bwrap (usable) or openssl is missing; the execution tests are skipped');

const CERTS = '/var/snap/microk8s/current/certs';
const CALICO = '10-configure-calico-ipip.sh';
const CALICO_ARGS = ['ipip', 'with space'];
const REFRESH = 'refresh-certs /var/tmp';
/** The fake provider script: logs that it ran, with its arguments. */
const providerCalico = (): string => `#!/bin/sh\n# the provider's script (fake)\nprintf 'ran:%s\\n' "$*" >> /fake-state/calico.log\n`;

/** The transform's pre commands and files for a minimal MicroK8sControlPlane. */
const hardened = (() => {
  const cp: KubeObject = {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
    kind: 'MicroK8sControlPlane',
    metadata: { name: 'c' },
    spec: { controlPlaneConfig: { initConfiguration: { preRunCommands: ['echo user-pre'] } } },
  };
  const [out] = microk8sCaVerification.apply([cp], { hardening: undefined, templatesDir: defaultTemplatesDir() });
  const init = (out!['spec'] as { controlPlaneConfig: { initConfiguration: { preRunCommands: string[]; extraWriteFiles: { path: string; content: string }[] } } })
    .controlPlaneConfig.initConfiguration;
  return { pre: init.preRunCommands, files: init.extraWriteFiles };
})();

const sandbox = sandboxPerTest();
let cas = '';
const ca = { capi: { crt: '', key: '' }, self: { crt: '', key: '' } };
beforeAll(() => {
  if (!ready) return;
  cas = mkdtempSync(join(tmpdir(), 'capi-gen-ca-certs-'));
  for (const name of ['capi', 'self'] as const) {
    const key = join(cas, `${name}.key`);
    const crt = join(cas, `${name}.crt`);
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=10.152.183.1-${name}`, '-keyout', key, '-out', crt], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    ca[name] = { crt: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
  }
});
afterAll(() => {
  if (cas !== '') rmSync(cas, { recursive: true, force: true });
});

type Mode = 'copy' | 'noop' | 'forever';
interface Setup {
  /** The node: 'init' has /var/tmp/ca.*, runs refresh-certs; 'join' has neither. */
  readonly role?: 'init' | 'join';
  readonly mode?: Mode;
  /** refresh-certs fails this many times first. */
  readonly failures?: number;
  /** The node's certs/ca.crt before refresh-certs (default: its self-generated CA). */
  readonly nodeCa?: string;
  /** How often the pre command runs (a re-run of runcmd). */
  readonly preRuns?: number;
  readonly env?: Record<string, string>;
}
interface Run {
  readonly exitCode: number;
  readonly stderr: string;
  readonly microk8sCalls: string[];
  readonly sleeps: string[];
  /** Lines the provider's calico script logged (one per run, with its arguments). */
  readonly calicoRuns: string[];
  /** The wrapped script's exit code, as the runcmd saw it. */
  readonly calicoExit: number;
  readonly laterStepRan: boolean;
  readonly capiScripts: string[];
  readonly marker: string | undefined;
  readonly nodeCa: string;
  readonly sb: Sandbox;
}

function fingerprint(pem: string): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' });
  return r.stdout.replace(/^[^=]*=/, '').trim();
}

function run(s: Setup = {}): Run {
  const role = s.role ?? 'init';
  const sb = sandbox({ paths: ['/capi-scripts', '/var/tmp', CERTS, '/var/lib'] });
  const scripts = join(sb.dir, 'capi-gen');
  mkdirSync(scripts);
  for (const f of hardened.files) writeFileSync(join(scripts, f.path.replace('/capi-gen/', '')), f.content, { mode: 0o700 });
  sb.write(`/capi-scripts/${CALICO}`, providerCalico(), 0o700);
  sb.write('/capi-scripts/10-configure-cluster-agent-port.sh', '#!/bin/sh\necho later >> /fake-state/later.log\n', 0o700);
  if (role === 'init') {
    sb.write('/var/tmp/ca.crt', ca.capi.crt, 0o600);
    sb.write('/var/tmp/ca.key', ca.capi.key, 0o600);
  }
  sb.write(`${CERTS}/ca.crt`, s.nodeCa ?? ca.self.crt);
  sb.write(`${CERTS}/ca.key`, ca.self.key, 0o600);
  const mode = s.mode ?? 'copy';
  sb.fake('microk8s', {
    fail: mode === 'forever' ? 'forever' : (s.failures ?? 0),
    failWhen: 'refresh-certs*',
    failMessage: "cp: cannot stat '/var/snap/microk8s/4916/certs/sedpmvKzr': No such file or directory\nFailed to backup the current CA.",
    body: [
      'case "$1" in',
      `refresh-certs) ${mode === 'copy' ? `cp "$2/ca.crt" "$2/ca.key" ${CERTS}/; ` : ''}echo "The CA certificates have been replaced." ;;`,
      'stop) echo Stopped. ;;',
      'esac',
    ].join('\n'),
  });
  sb.fake('sleep');
  // The provider's runcmd, joined into one sh script without set -e.
  const runcmd = [
    'set -x',
    ...Array.from({ length: s.preRuns ?? 1 }, () => hardened.pre).flat(),
    ...(role === 'init' ? [`microk8s ${REFRESH}`] : []),
    `/capi-scripts/${CALICO} ${CALICO_ARGS.map((a) => `'${a}'`).join(' ')}`,
    'echo "$?" > /fake-state/calico.exit',
    '/capi-scripts/10-configure-cluster-agent-port.sh',
    '',
  ].join('\n');
  sb.writeState('runcmd.sh', runcmd);
  const r = sb.run(['/bin/sh', '/fake-state/runcmd.sh'], { ro: { '/capi-gen': scripts }, env: s.env ?? {} });
  const lines = (f: string): string[] => sb.readState(f).split('\n').filter((l) => l !== '');
  const marker = '/var/lib/capi-gen/ca-verification-failed';
  return {
    exitCode: r.status,
    stderr: r.stderr,
    microk8sCalls: r.calls.filter((c) => c.cmd === 'microk8s').map((c) => c.args),
    sleeps: r.calls.filter((c) => c.cmd === 'sleep').map((c) => c.args),
    calicoRuns: lines('calico.log'),
    calicoExit: Number(lines('calico.exit')[0] ?? NaN),
    laterStepRan: lines('later.log').length === 1,
    capiScripts: sb.list('/capi-scripts'),
    marker: sb.exists(marker) ? sb.read(marker) : undefined,
    nodeCa: sb.read(`${CERTS}/ca.crt`),
    sb,
  };
}

const WRAPPED = [CALICO, `${CALICO}.capi-gen-orig`, '10-configure-cluster-agent-port.sh'].sort();

describe('microk8s CA verification in a sandbox (seed 000)', () => {
  it.skipIf(!ready)('refresh-certs succeeds the first time: the CA matches, no retry, the calico script runs with its args', () => {
    // Act
    const r = run();
    // Assert
    expect(r.calicoExit, r.stderr).toBe(0);
    expect(r.microk8sCalls).toEqual([REFRESH]);
    expect(fingerprint(r.nodeCa)).toBe(fingerprint(ca.capi.crt));
    expect(r.calicoRuns).toEqual([`ran:${CALICO_ARGS.join(' ')}`]);
    expect(r.stderr).toMatch(/^capi-gen: \/var\/snap\/microk8s\/current\/certs\/ca\.crt is the cluster CA \(/m);
    expect(r.capiScripts).toEqual(WRAPPED);
    expect(r.sb.read(`/capi-scripts/${CALICO}.capi-gen-orig`)).toBe(providerCalico());
    expect(r.marker).toBeUndefined();
    expect(r.laterStepRan).toBe(true);
  });

  it.skipIf(!ready)('refresh-certs fails twice (the provider\'s call and the first retry), then succeeds: backs off, matches, runs the script', () => {
    // Act
    const r = run({ failures: 2 });
    // Assert
    expect(r.calicoExit, r.stderr).toBe(0);
    expect(r.microk8sCalls).toEqual([REFRESH, REFRESH, REFRESH]);
    expect(r.sleeps).toEqual(['10']);
    expect(r.stderr).toMatch(/is not the cluster CA .*attempt 2 of 5\)$/m);
    expect(fingerprint(r.nodeCa)).toBe(fingerprint(ca.capi.crt));
    expect(r.calicoRuns).toEqual([`ran:${CALICO_ARGS.join(' ')}`]);
    expect(r.marker).toBeUndefined();
  });

  it.skipIf(!ready)('refresh-certs fails forever: FATAL line with both fingerprints, marker file, microk8s stop, the original never runs', () => {
    // Arrange
    const self = fingerprint(ca.self.crt);
    const capi = fingerprint(ca.capi.crt);
    // Act
    const r = run({ mode: 'forever' });
    // Assert
    expect(r.calicoExit).not.toBe(0);
    expect(r.calicoRuns).toEqual([]);
    expect(r.microk8sCalls).toEqual([...Array(6).fill(REFRESH), 'stop']);
    expect(r.sleeps).toEqual(['10', '20', '40', '60']); // 10 s doubling, capped at 60 s
    const fatal = r.stderr.split('\n').filter((l) => l.startsWith('capi-gen: FATAL: '));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(self);
    expect(fatal[0]).toContain(capi);
    expect(r.marker).toContain(`node_ca=${self}`);
    expect(r.marker).toContain(`cluster_ca=${capi}`);
    expect(r.laterStepRan).toBe(true); // runcmd has no set -e: the failure shows in the marker and the stopped snap
  });

  it.skipIf(!ready)('honours CA_VERIFY_ATTEMPTS, CA_VERIFY_DELAY and CA_VERIFY_MAX_DELAY', () => {
    // Act
    const r = run({ mode: 'forever', env: { CA_VERIFY_ATTEMPTS: '3', CA_VERIFY_DELAY: '1', CA_VERIFY_MAX_DELAY: '3' } });
    // Assert
    expect(r.microk8sCalls).toEqual([...Array(4).fill(REFRESH), 'stop']);
    expect(r.sleeps).toEqual(['1', '2']);
    expect(r.marker).toMatch(/after 3 refresh-certs attempts/);
  });

  it.skipIf(!ready)('join node (no /var/tmp/ca.crt): exit 0 without refresh-certs, the original runs', () => {
    // Act
    const r = run({ role: 'join' });
    // Assert
    expect(r.calicoExit, r.stderr).toBe(0);
    expect(r.microk8sCalls).toEqual([]);
    expect(r.calicoRuns).toEqual([`ran:${CALICO_ARGS.join(' ')}`]);
    expect(r.stderr).toMatch(/^capi-gen: \/var\/tmp\/ca\.crt absent: not the init node/m);
  });

  it.skipIf(!ready)('the same CA in a PEM with other whitespace and comments counts as matching', () => {
    // Arrange: the node already holds the cluster CA, re-encoded; refresh-certs changes nothing
    const pem = ca.capi.crt;
    const nodeCa = `Bag Attributes\n    friendlyName: ca\nsubject=/CN=10.152.183.1-capi\n\n${pem.replace(/\n/g, '  \r\n')}\n\n`;
    // Act
    const r = run({ mode: 'noop', nodeCa });
    // Assert
    expect(r.calicoExit, r.stderr).toBe(0);
    expect(r.microk8sCalls).toEqual([REFRESH]);
    expect(r.nodeCa).toBe(nodeCa);
    expect(r.calicoRuns).toHaveLength(1);
  });

  it.skipIf(!ready)('a different CA that refresh-certs does not replace is retried, not accepted', () => {
    // Act
    const r = run({ mode: 'noop', env: { CA_VERIFY_ATTEMPTS: '2' } });
    // Assert
    expect(r.calicoExit).not.toBe(0);
    expect(r.microk8sCalls).toEqual([REFRESH, REFRESH, REFRESH, 'stop']);
    expect(r.marker).toBeDefined();
  });

  it.skipIf(!ready)('the installer run twice wraps once; the calico script still runs once', () => {
    // Act
    const r = run({ preRuns: 2 });
    // Assert
    expect(r.calicoExit, r.stderr).toBe(0);
    expect(r.capiScripts).toEqual(WRAPPED);
    expect(r.sb.read(`/capi-scripts/${CALICO}.capi-gen-orig`)).toBe(providerCalico());
    expect(r.stderr).toMatch(/is already wrapped$/m);
    expect(r.calicoRuns).toEqual([`ran:${CALICO_ARGS.join(' ')}`]);
  });

  it.skipIf(!ready)('the pre commands are the user\'s first, then the installer', () => {
    expect(hardened.pre).toEqual(['echo user-pre', '/capi-gen/microk8s-wrap-calico-ipip.sh']);
  });
});
