// One bubblewrap harness for executing node scripts in tests, never against this machine's /var
// or /etc. Inside the sandbox:
//   /            bubblewrap's tmpfs (so /tmp, /run, ... are empty and private)
//   /usr         the host's, read-only (with the usual /bin, /sbin, /lib, /lib64 symlinks)
//   <node path>  for each path the test names: a host temp dir, read-write, at the node's real path
//   /fake        fake commands (sh scripts) that record their calls and can fail N times
//   /tools       symlinks to the host tools a script may use (an allowlist)
// PATH is /fake:/tools only, so a command that is neither faked nor allowlisted does not exist:
// that is how a test says "this node has no timedatectl" although the host has one.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

function probe(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() === '') return null;
  const bwrap = r.stdout.trim();
  const ok = spawnSync(bwrap, ['--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--unshare-all', '--die-with-parent', '/bin/true']);
  return ok.status === 0 ? bwrap : null;
}

/** The usable bwrap binary, or null (then sandbox tests skip themselves with a warning). */
export const BWRAP: string | null = probe();

/** Host tools the scripts may use (coreutils and friends, openssl). Everything else must be faked. */
export const DEFAULT_TOOLS = [
  'sh', 'dash', 'openssl', 'date', 'sed', 'grep', 'mkdir', 'cp', 'mv', 'rm', 'cat', 'head', 'tail', 'tr',
  'base64', 'mktemp', 'ls', 'env', 'printf', 'touch', 'chmod', 'wc', 'cut', 'sort', 'true', 'false', 'id', 'ln', 'dirname', 'basename',
] as const;

/** What a fake command does when called. */
export interface FakeSpec {
  /** Fail this many matching calls first (exit `exitCode`), or every matching call. */
  readonly fail?: number | 'forever';
  /** Only calls whose arguments ("$*") match this sh `case` pattern count towards `fail` (default `*`). */
  readonly failWhen?: string;
  readonly exitCode?: number;
  /** What a failing call prints on stderr (default `<name>: fake failure`). */
  readonly failMessage?: string;
  /** sh run after recording the call when it does not fail; "$@" are the call's arguments. */
  readonly body?: string;
}

export interface Call {
  readonly cmd: string;
  /** The arguments joined by spaces ("$*"). */
  readonly args: string;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: Call[];
}

export interface SandboxOptions {
  /** Node paths that get a read-write host dir (created empty) at that path inside the sandbox. */
  readonly paths: readonly string[];
  readonly tools?: readonly string[];
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class Sandbox {
  readonly dir: string;
  private readonly paths: readonly string[];

  constructor(opts: SandboxOptions) {
    if (BWRAP === null) throw new Error('Sandbox: no usable bwrap');
    this.dir = mkdtempSync(join(tmpdir(), 'capi-gen-sandbox-'));
    this.paths = opts.paths;
    for (const d of ['fake', 'tools', 'state', 'root']) mkdirSync(join(this.dir, d));
    writeFileSync(join(this.dir, 'state', 'calls'), '');
    for (const t of opts.tools ?? DEFAULT_TOOLS) {
      const host = ['/usr/bin', '/usr/sbin'].map((d) => join(d, t)).find((p) => existsSync(p));
      if (host === undefined) throw new Error(`Sandbox: tool ${t} not found in /usr/bin or /usr/sbin`);
      symlinkSync(host, join(this.dir, 'tools', t));
    }
    for (const p of this.paths) mkdirSync(this.host(p), { recursive: true });
  }

  /** The host path behind a node path (which must lie under one of the bound paths). */
  host(nodePath: string): string {
    if (!nodePath.startsWith('/')) throw new Error(`Sandbox: ${nodePath} is not absolute`);
    if (!this.paths.some((p) => nodePath === p || nodePath.startsWith(`${p}/`))) {
      throw new Error(`Sandbox: ${nodePath} is not under a bound path (${this.paths.join(', ')})`);
    }
    return join(this.dir, 'root', nodePath);
  }

  write(nodePath: string, content: string | Buffer, mode = 0o644): void {
    const h = this.host(nodePath);
    mkdirSync(dirname(h), { recursive: true });
    writeFileSync(h, content);
    chmodSync(h, mode);
  }

  read(nodePath: string): string {
    return readFileSync(this.host(nodePath), 'utf8');
  }

  exists(nodePath: string): boolean {
    return existsSync(this.host(nodePath));
  }

  /** Sorted names in a node folder. */
  list(nodePath: string): string[] {
    return readdirSync(this.host(nodePath)).sort();
  }

  remove(nodePath: string): void {
    rmSync(this.host(nodePath), { recursive: true, force: true });
  }

  /** What a fake wrote to /fake-state/<name> ('' if nothing). */
  readState(name: string): string {
    const p = join(this.dir, 'state', name);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** A file the fakes can read (and write) at /fake-state/<name> inside the sandbox. */
  writeState(name: string, content: string): void {
    writeFileSync(join(this.dir, 'state', name), content);
  }

  /** A fake command on PATH: records `name<TAB>$*` to the call log, then fails or runs `body`. */
  fake(name: string, spec: FakeSpec = {}): void {
    const counter = `/fake-state/${name}.failures`;
    const fail = spec.fail ?? 0;
    writeFileSync(join(this.dir, 'state', `${name}.failures`), fail === 'forever' ? 'forever\n' : `${fail}\n`);
    const script = [
      '#!/bin/sh',
      `printf '%s\\t%s\\n' ${shq(name)} "$*" >> /fake-state/calls`,
      `case "$*" in ${spec.failWhen ?? '*'})`,
      `  n=$(cat ${counter})`,
      `  if [ "$n" = forever ] || [ "$n" -gt 0 ]; then`,
      `    [ "$n" = forever ] || echo $((n - 1)) > ${counter}`,
      `    printf '%s\n' ${shq(spec.failMessage ?? `${name}: fake failure`)} >&2`,
      `    exit ${spec.exitCode ?? 1}`,
      '  fi ;;',
      'esac',
      spec.body ?? ':',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'fake', name), script, { mode: 0o755 });
  }

  /** Every fake call so far, in order. */
  calls(): Call[] {
    return readFileSync(join(this.dir, 'state', 'calls'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const tab = l.indexOf('\t');
        return { cmd: l.slice(0, tab), args: l.slice(tab + 1) };
      });
  }

  /**
   * Runs argv inside the sandbox with a clean environment (PATH=/fake:/tools plus `env`).
   * `ro` binds extra host paths read-only at node paths (e.g. the scripts at /capi-gen).
   */
  run(argv: readonly string[], opts: { env?: Record<string, string>; ro?: Record<string, string>; timeoutMs?: number } = {}): RunResult {
    const args = [
      '--tmpfs', '/',
      '--ro-bind', '/usr', '/usr',
      '--symlink', 'usr/bin', '/bin',
      '--symlink', 'usr/sbin', '/sbin',
      '--symlink', 'usr/lib', '/lib',
      '--symlink', 'usr/lib64', '/lib64',
      ...(existsSync('/etc/alternatives') ? ['--ro-bind', '/etc/alternatives', '/etc/alternatives'] : []),
      ...(existsSync('/etc/ssl') ? ['--ro-bind', '/etc/ssl', '/etc/ssl'] : []),
      '--dev', '/dev',
      '--proc', '/proc',
      '--tmpfs', '/tmp',
      '--ro-bind', join(this.dir, 'fake'), '/fake',
      '--ro-bind', join(this.dir, 'tools'), '/tools',
      '--bind', join(this.dir, 'state'), '/fake-state',
      ...this.paths.flatMap((p) => ['--bind', this.host(p), p]),
      ...Object.entries(opts.ro ?? {}).flatMap(([node, host]) => ['--ro-bind', host, node]),
      '--unshare-all',
      '--die-with-parent',
      '--clearenv',
      '--setenv', 'PATH', '/fake:/tools',
      ...Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['--setenv', k, v]),
      '--chdir', '/',
      ...argv,
    ];
    const r = spawnSync(BWRAP!, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000 });
    if (r.error !== undefined) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls: this.calls() };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A Sandbox factory whose sandboxes are removed after each test. Call it once where the tests
 * are declared (file top level or a describe): it registers the `afterEach` there.
 */
export function sandboxPerTest(): (opts: SandboxOptions) => Sandbox {
  const boxes: Sandbox[] = [];
  afterEach(() => {
    while (boxes.length > 0) boxes.pop()!.cleanup();
  });
  return (opts) => {
    const sb = new Sandbox(opts);
    boxes.push(sb);
    return sb;
  };
}
