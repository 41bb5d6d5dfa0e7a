// The certificate node scripts as they ship (assembled by loadNodeScript) and their systemd units,
// checked by the real tools: shellcheck as sh, cloud-init's own Jinja renderer (Debian's
// /usr/bin/python3 with cloudinit), and systemd-analyze verify run offline inside bubblewrap with
// the script at /capi-gen and the units at /etc/systemd/system (so ExecStart= resolves and the
// host's /usr/lib/systemd/system provides multi-user.target and friends). Each check also runs on
// a deliberately broken input, to show it can fail.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../packages/core/src/flavors/flavor.ts';
import {
  CERTS_SERVICE_NAME,
  CERTS_TIMER_NAME,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_POST_COMMAND,
  KUBEADM_PRE_COMMAND,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
  MICROK8S_VERIFY_NODE_COMMAND,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import { loadNodeScript, MAX_NODE_SCRIPT_CHARS } from '../../packages/core/src/scripts/load-script.ts';
import { hasCommand } from '../support/repo.ts';
import { BWRAP, DEFAULT_TOOLS, sandboxPerTest } from '../support/sandbox.ts';

const T = defaultTemplatesDir();
const SCRIPTS = ['microk8s-certs.sh', 'kubeadm-certs.sh'] as const;
const UNITS = ['capi-gen-certs-microk8s.service', 'capi-gen-certs-kubeadm.service', 'capi-gen-certs.timer'] as const;

const hasShellcheck = hasCommand('shellcheck');
const hasCloudinit = spawnSync('/usr/bin/python3', ['-c', 'import cloudinit.templater']).status === 0;
const hasAnalyze = hasCommand('systemd-analyze') && BWRAP !== null;
for (const [ok, what] of [[hasShellcheck, 'shellcheck'], [hasCloudinit, "Debian's python3 with cloudinit"], [hasAnalyze, 'systemd-analyze or bwrap']] as const) {
  if (!ok) console.warn(`node-scripts static checks: ${what} is missing; those checks are skipped`);
}

function shellcheck(text: string): { status: number; findings: unknown[] } {
  const r = spawnSync('shellcheck', ['-s', 'sh', '-f', 'json', '-'], { input: text, encoding: 'utf8' });
  return { status: r.status ?? -1, findings: JSON.parse(r.stdout || '[]') as unknown[] };
}

/** cloud-init's renderer on `## template: jinja` + text: the output, or the error it raised. */
function jinja(text: string): { out?: string; error?: string } {
  const py = 'import sys,json\nfrom cloudinit.templater import render_string as r\ns=sys.stdin.read()\ntry:\n  print(json.dumps({"out": r("## template: jinja\\n"+s, {})}))\nexcept Exception as e:\n  print(json.dumps({"error": type(e).__name__ + ": " + str(e)}))\n';
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { out?: string; error?: string };
}

const sandbox = sandboxPerTest();

/** systemd-analyze verify of the service (as capi-gen-certs.service) and the timer, offline. */
function analyze(service: string, script: { path: string; text: string; mode: number }): { status: number; stderr: string } {
  // /run: an empty dir, as systemd expects one; the units at /etc/systemd/system and the script
  // at /capi-gen, where a node has them, so ExecStart= resolves.
  const sb = sandbox({ paths: ['/run', '/etc/systemd/system', '/capi-gen'], tools: [...DEFAULT_TOOLS, 'systemd-analyze'] });
  sb.write(`/etc/systemd/system/${CERTS_SERVICE_NAME}`, loadNodeScript(T, service));
  sb.write(`/etc/systemd/system/${CERTS_TIMER_NAME}`, loadNodeScript(T, 'capi-gen-certs.timer'));
  sb.write(script.path, script.text, script.mode);
  const r = sb.run(['systemd-analyze', 'verify', `/etc/systemd/system/${CERTS_SERVICE_NAME}`, `/etc/systemd/system/${CERTS_TIMER_NAME}`], { timeoutMs: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('certificate node scripts: as shipped', () => {
  it.each(SCRIPTS)('%s assembles (include resolved) within the files[].content limit', (f) => {
    // Act
    const text = loadNodeScript(T, f);
    // Assert
    expect(text).not.toMatch(/capi-gen:include/);
    expect(text).toContain('load_opts() {');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect([...text].length).toBeLessThanOrEqual(MAX_NODE_SCRIPT_CHARS);
    console.info(`${f}: ${text.length} characters assembled`);
  });

  it.skipIf(!hasShellcheck).each(SCRIPTS)('%s: shellcheck -s sh finds nothing', (f) => {
    const r = shellcheck(loadNodeScript(T, f));
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasShellcheck)('the runcmd lines of the contract: shellcheck -s sh finds nothing', () => {
    const runcmd = ['#!/bin/sh', 'set -x', MICROK8S_FIRST_BOOT_COMMAND, MICROK8S_VERIFY_NODE_COMMAND, KUBEADM_PRE_COMMAND, KUBEADM_POST_COMMAND, ''].join('\n');
    expect(shellcheck(runcmd).findings).toEqual([]);
  });

  it.skipIf(!hasShellcheck)('control: shellcheck does report an unquoted variable', () => {
    expect(shellcheck('#!/bin/sh\necho $1\n').findings).not.toEqual([]);
  });

  it.skipIf(!hasCloudinit).each([...SCRIPTS, ...UNITS])("%s comes out of cloud-init's Jinja renderer byte-identical", (f) => {
    const text = loadNodeScript(T, f);
    expect(jinja(text)).toEqual({ out: text });
  });

  it.skipIf(!hasCloudinit)("control: cloud-init's renderer does reject ${#var}", () => {
    expect(jinja('n=${#x}\n').error).toMatch(/TemplateSyntaxError/);
  });

  it.skipIf(!hasAnalyze).each([
    ['capi-gen-certs-microk8s.service', MICROK8S_CERTS_SCRIPT_PATH, 'microk8s-certs.sh'],
    ['capi-gen-certs-kubeadm.service', KUBEADM_CERTS_SCRIPT_PATH, 'kubeadm-certs.sh'],
  ])('%s and capi-gen-certs.timer pass systemd-analyze verify', (service, path, script) => {
    const r = analyze(service, { path, text: loadNodeScript(T, script), mode: 0o700 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasAnalyze)('control: systemd-analyze verify fails when ExecStart= is not executable', () => {
    const r = analyze('capi-gen-certs-kubeadm.service', { path: KUBEADM_CERTS_SCRIPT_PATH, text: loadNodeScript(T, 'kubeadm-certs.sh'), mode: 0o600 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not executable/);
  });

  it.each(UNITS)('%s: the unit the contract installs (oneshot/timer settings the docs promise)', (f) => {
    const text = loadNodeScript(T, f);
    if (f.endsWith('.timer')) {
      expect(text).toMatch(/^OnCalendar=daily$/m);
      expect(text).toMatch(/^Persistent=true$/m);
      expect(text).toMatch(/^RandomizedDelaySec=/m);
    } else {
      expect(text).toMatch(/^Type=oneshot$/m);
      expect(text).toMatch(/^After=network-online\.target time-sync\.target/m);
      expect(text).toMatch(/^WantedBy=multi-user\.target$/m);
      expect(text).not.toMatch(/^EnvironmentFile=/m);
    }
  });
});
