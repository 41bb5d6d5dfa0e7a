// templates/scripts/microk8s-leader-election.sh executed with sh inside bubblewrap, against args
// files shaped like the MicroK8s snap's (written here by hand; the snap's carry
// --leader-elect-lease-duration=60s and --leader-elect-renew-deadline=30s).
//
// The sandbox is test/support/sandbox.ts: bubblewrap's own tmpfs root with the host's /usr (and
// /etc/alternatives, where Debian's awk symlink points) read-only; a temp dir at the node's args
// folder (/var/snap/microk8s/current/args) is the only writable host path besides the fakes' log.
// A fake `snap` on PATH logs its argv and fails N times when told. The script sits read-only at
// /capi-gen/, where the node has it. The real /var and /etc are never visible to the script, let
// alone written.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BWRAP, DEFAULT_TOOLS, sandboxPerTest, type Sandbox } from '../support/sandbox.ts';
import { REPO_ROOT } from '../support/shared.ts';

const SCRIPT = join(REPO_ROOT, 'templates', 'scripts', 'microk8s-leader-election.sh');
const NODE_PATH = '/capi-gen/microk8s-leader-election.sh';
const ARGS = ['--leader-elect-lease-duration=60s', '--leader-elect-renew-deadline=40s', '--leader-elect-retry-period=5s'];
const RESTART = 'restart microk8s.daemon-kubelite';

const ARGS_DIR = '/var/snap/microk8s/current/args';
const hasBwrap = BWRAP !== null;
if (!hasBwrap) {
  console.warn('microk8s-leader-election sandbox: bwrap is missing or cannot create a sandbox here (install bubblewrap; .ci/run does); the execution tests are skipped');
}

// Args files shaped like the snap's (hand-written, realistic flags; ${SNAP_DATA} is expanded by
// the snap's launcher, not by us).
const KCM = [
  '--kubeconfig=${SNAP_DATA}/credentials/controller.config',
  '--service-account-private-key-file=${SNAP_DATA}/certs/serviceaccount.key',
  '--root-ca-file=${SNAP_DATA}/certs/ca.crt',
  '--cluster-signing-cert-file=${SNAP_DATA}/certs/ca.crt',
  '--cluster-signing-key-file=${SNAP_DATA}/certs/ca.key',
  '--use-service-account-credentials',
  '--leader-elect-lease-duration=60s',
  '--leader-elect-renew-deadline=30s',
  '--profiling=false',
  '',
].join('\n');
const SCHED = [
  '--kubeconfig=${SNAP_DATA}/credentials/scheduler.config',
  '--leader-elect-lease-duration=60s',
  '--leader-elect-renew-deadline=30s',
  '--profiling=false',
  '',
].join('\n');
/** What both snap-shaped files must become with ARGS: renew deadline replaced in place, retry period appended. */
const KCM_DONE = KCM.replace('--leader-elect-renew-deadline=30s', '--leader-elect-renew-deadline=40s') + '--leader-elect-retry-period=5s\n';
const SCHED_DONE = SCHED.replace('--leader-elect-renew-deadline=30s', '--leader-elect-renew-deadline=40s') + '--leader-elect-retry-period=5s\n';

interface Files {
  readonly 'kube-controller-manager'?: string;
  readonly 'kube-scheduler'?: string;
}
interface Run {
  readonly exitCode: number;
  readonly stderr: string;
  /** One entry per `snap` call: its arguments joined by spaces. */
  readonly snapCalls: string[];
  /** The args files afterwards (absent when missing). */
  readonly files: Files;
  /** inode numbers afterwards: a changed inode means the file was replaced. */
  readonly inodes: Record<string, number>;
  /** Names in the args dir afterwards (temp files must not linger). */
  readonly argsDirEntries: string[];
  /** Paths that appeared in the sandbox outside the work dir. */
  readonly createdOutside: string[];
}

const sandbox = sandboxPerTest();

const NAMES = ['kube-controller-manager', 'kube-scheduler'] as const;
const SNAP_BUSY = 'error: snap "microk8s" has "auto-refresh" change in progress';

/** A node with the given args files (and a fake snap, sleep); returns its sandbox. */
function workDir(files: Files, mode = 0o660): Sandbox {
  const sb = sandbox({ paths: [ARGS_DIR], tools: [...DEFAULT_TOOLS, 'awk', 'cmp', 'find'] });
  for (const [name, text] of Object.entries(files)) sb.write(`${ARGS_DIR}/${name}`, text, mode);
  sb.fake('snap', { failMessage: SNAP_BUSY });
  sb.fake('sleep');
  return sb;
}

/** Runs the script in the sandbox `sb` (from {@link workDir}). */
function run(sb: Sandbox, args: readonly string[] = ARGS, options: { snapFailures?: number } = {}): Run {
  if (options.snapFailures !== undefined) sb.fake('snap', { fail: options.snapFailures, failMessage: SNAP_BUSY });
  const inventory = `find / -xdev -print0 2>/dev/null`;
  // Inventory before and after on stdout (NUL-separated); the script's stderr is ours.
  const wrapper = `${inventory}; printf '\\0--run--\\0'; sh '${NODE_PATH}' "$@"; printf '%s\\0--after--\\0' "$?"; ${inventory}`;
  const r = sb.run(['/bin/sh', '-c', wrapper, 'sh', ...args], { ro: { [NODE_PATH]: SCRIPT }, env: { MICROK8S_RESTART_DELAY: '0' } });
  const out = r.stdout.split('\0');
  const start = out.indexOf('--run--');
  const after = out.indexOf('--after--');
  if (start < 0 || after < 0) throw new Error(`sandbox failed (exit ${r.status}): ${r.stderr}`);
  const before = new Set(out.slice(0, start));
  const createdOutside = [...new Set(out.slice(after + 1))].filter((p) => p !== '' && !before.has(p) && !p.startsWith(`${ARGS_DIR}/`)).sort();
  const files: Record<string, string> = {};
  const inodes: Record<string, number> = {};
  for (const name of NAMES) {
    const p = `${ARGS_DIR}/${name}`;
    if (sb.exists(p)) {
      files[name] = sb.read(p);
      inodes[name] = statSync(sb.host(p)).ino;
    }
  }
  return {
    exitCode: Number(out[after - 1]),
    stderr: r.stderr,
    snapCalls: r.calls.filter((c) => c.cmd === 'snap').map((c) => c.args),
    files,
    inodes,
    argsDirEntries: sb.list(ARGS_DIR),
    createdOutside,
  };
}

function inodesOf(sb: Sandbox): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of sb.list(ARGS_DIR)) out[name] = statSync(sb.host(`${ARGS_DIR}/${name}`)).ino;
  return out;
}

describe('microk8s-leader-election.sh in a sandbox', () => {
  it.skipIf(!hasBwrap)('snap-shaped files: replaces the renew deadline in place, appends the retry period, restarts kubelite once', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED_DONE });
    expect(r.snapCalls).toEqual([RESTART]);
    expect(r.argsDirEntries).toEqual(['kube-controller-manager', 'kube-scheduler']);
    expect(r.createdOutside).toEqual([]);
    expect(r.stderr).toMatch(/^capi-gen: .*kube-controller-manager: set --leader-elect-renew-deadline=40s \(was: --leader-elect-renew-deadline=30s\)$/m);
    expect(r.stderr).toMatch(/^capi-gen: .*kube-scheduler: added --leader-elect-retry-period=5s$/m);
    expect(r.stderr).toMatch(/^capi-gen: snap restart microk8s.daemon-kubelite \(attempt 1 of 5\)$/m);
  });

  it.skipIf(!hasBwrap)('flags absent: appends all three at the end, in argument order', () => {
    // Arrange
    const bare = '--kubeconfig=${SNAP_DATA}/credentials/scheduler.config\n--profiling=false\n';
    const dir = workDir({ 'kube-controller-manager': bare, 'kube-scheduler': bare });
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    const done = `${bare}${ARGS.join('\n')}\n`;
    expect(r.files).toEqual({ 'kube-controller-manager': done, 'kube-scheduler': done });
    expect(r.snapCalls).toEqual([RESTART]);
  });

  it.skipIf(!hasBwrap)('flag present twice and in "--flag value" form: one --flag=value at the first position, the rest removed', () => {
    // Arrange
    const messy = [
      '--kubeconfig=${SNAP_DATA}/credentials/controller.config',
      '--leader-elect-renew-deadline 30s',
      '--leader-elect=true',
      '--leader-elect-resource-lock=leases',
      '# --leader-elect-lease-duration=1s stays: a comment',
      '--leader-elect-lease-duration=15s',
      '--use-service-account-credentials',
      '  --leader-elect-renew-deadline=20s',
      '--leader-elect-lease-duration\t90s',
      '--profiling=false   ',
      '',
    ].join('\n');
    const dir = workDir({ 'kube-controller-manager': messy, 'kube-scheduler': SCHED });
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files['kube-controller-manager']).toBe(
      [
        '--kubeconfig=${SNAP_DATA}/credentials/controller.config',
        '--leader-elect-renew-deadline=40s',
        '--leader-elect=true',
        '--leader-elect-resource-lock=leases',
        '# --leader-elect-lease-duration=1s stays: a comment',
        '--leader-elect-lease-duration=60s',
        '--use-service-account-credentials',
        '--profiling=false   ',
        '--leader-elect-retry-period=5s',
        '',
      ].join('\n'),
    );
    expect(r.files['kube-scheduler']).toBe(SCHED_DONE);
    expect(r.stderr).toMatch(/removed duplicate line: {3}--leader-elect-renew-deadline=20s$/m);
    expect(r.snapCalls).toEqual([RESTART]);
  });

  it.skipIf(!hasBwrap)('args file missing: exit 1, a loud message, nothing written, no restart', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM });
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^capi-gen: ERROR: .*\/args\/kube-scheduler does not exist; is the microk8s snap installed\?/m);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM });
    expect(r.snapCalls).toEqual([]);
    expect(r.argsDirEntries).toEqual(['kube-controller-manager']);
  });

  it.skipIf(!hasBwrap)('already up to date: no write, no restart (a second run is a no-op)', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED_DONE });
    const before = inodesOf(dir);
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED_DONE });
    expect(r.inodes).toEqual(before);
    expect(r.snapCalls).toEqual([]);
    expect(r.stderr).toMatch(/kubelite not restarted/);
  });

  it.skipIf(!hasBwrap)('is idempotent: the second run changes nothing and does not restart again', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    const first = run(dir);
    // Act
    const second = run(dir);
    // Assert
    expect(first.exitCode, first.stderr).toBe(0);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.files).toEqual(first.files);
    expect(second.inodes).toEqual(first.inodes);
    expect(second.snapCalls).toEqual([RESTART]); // the log holds the first run's call only
  });

  it.skipIf(!hasBwrap)('restarts kubelite exactly once when only one file changed', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED });
    const before = inodesOf(dir);
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED_DONE });
    expect(r.inodes['kube-controller-manager']).toBe(before['kube-controller-manager']);
    expect(r.snapCalls).toEqual([RESTART]);
  });

  it.skipIf(!hasBwrap)('keeps the mode of the args files and leaves no temp file', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED }, 0o640);
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(['kube-controller-manager', 'kube-scheduler'].map((n) => statSync(dir.host(`${ARGS_DIR}/${n}`)).mode & 0o777)).toEqual([0o640, 0o640]);
    expect(r.argsDirEntries).toEqual(['kube-controller-manager', 'kube-scheduler']);
  });

  it.skipIf(!hasBwrap)('keeps a missing final newline when nothing is appended, adds one when a line is', () => {
    // Arrange
    const done = '--kubeconfig=x\n--leader-elect-lease-duration=60s\n--leader-elect-renew-deadline=40s\n--leader-elect-retry-period=5s';
    const dir = workDir({ 'kube-controller-manager': done, 'kube-scheduler': '--kubeconfig=y' });
    const before = inodesOf(dir);
    // Act
    const r = run(dir);
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files).toEqual({ 'kube-controller-manager': done, 'kube-scheduler': `--kubeconfig=y\n${ARGS.join('\n')}\n` });
    expect(r.inodes['kube-controller-manager']).toBe(before['kube-controller-manager']);
  });

  it.skipIf(!hasBwrap)('retries a failing snap restart, then succeeds', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    // Act
    const r = run(dir, ARGS, { snapFailures: 2 });
    // Assert
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.snapCalls).toEqual([RESTART, RESTART, RESTART]);
  });

  it.skipIf(!hasBwrap)('fails loudly when snap restart keeps failing', () => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    // Act
    const r = run(dir, ARGS, { snapFailures: 100 });
    // Assert
    expect(r.exitCode).toBe(1);
    expect(r.snapCalls).toEqual(Array(5).fill(RESTART));
    expect(r.stderr).toMatch(/^capi-gen: ERROR: snap restart microk8s.daemon-kubelite failed 5 times/m);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM_DONE, 'kube-scheduler': SCHED_DONE });
  });

  it.skipIf(!hasBwrap).each([
    [[]],
    [['--leader-elect-lease-duration=60s', '--foo=1']],
    [['--leader-elect-lease-duration=']],
    [['--leader-elect-lease-duration=-1s']],
    [['--leader-elect-lease-duration=60s;touch /pwned']],
    [['--leader-elect-lease-duration=$(touch /pwned)']],
    [['--leader-elect-lease-duration=60s\n--profiling=true']],
    [['--leader-elect-lease-duration=60s', '--leader-elect-lease-duration=90s']],
    [['--leader-elect-lease-duration', '60s']],
  ])('bad arguments %j: exit 2, nothing written, no restart', (args) => {
    // Arrange
    const dir = workDir({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    const before = inodesOf(dir);
    // Act
    const r = run(dir, args);
    // Assert
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^capi-gen: /m);
    expect(r.files).toEqual({ 'kube-controller-manager': KCM, 'kube-scheduler': SCHED });
    expect(r.inodes).toEqual(before);
    expect(r.snapCalls).toEqual([]);
    expect(r.createdOutside).toEqual([]);
  });
});
