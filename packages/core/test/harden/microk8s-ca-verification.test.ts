// The microk8s-ca-verification transform (not registered yet): both scripts land once under
// /capi-gen/ in the MicroK8sControlPlane's initConfiguration and the wrapper installer runs as the
// last preRunCommand, after the user's; idempotent; the output still validates. The scripts are
// checked with shellcheck and with cloud-init's real Jinja renderer (skipped when missing).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import {
  loadMicroK8sCaVerificationScript,
  microk8sCaVerification,
  MICROK8S_VERIFY_CA_SCRIPT_PATH,
  MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH,
} from '../../src/harden/microk8s-ca-verification.ts';
import { validateObject } from '../../src/validate/validate-object.ts';
import { context, controlPlane, hasCloudInit, hasShellcheck, type Init, initOf, JINJA_CHECK, unhardened, withInit } from './_microk8s-init.ts';

const VERIFY_FILE = join(defaultTemplatesDir(), 'scripts', 'microk8s-verify-ca.sh');
const WRAP_FILE = join(defaultTemplatesDir(), 'scripts', 'microk8s-wrap-calico-ipip.sh');
const VERIFY = readFileSync(VERIFY_FILE, 'utf8');
const WRAP = readFileSync(WRAP_FILE, 'utf8');

const OURS = [MICROK8S_VERIFY_CA_SCRIPT_PATH, MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH];
function ours(init: Init): Record<string, unknown>[] {
  return (init.extraWriteFiles ?? []).filter((f) => OURS.includes(f['path'] as string));
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('microk8s-ca-verification transform', () => {
  it('adds both scripts (0700 root:root) and the installer as the last preRunCommand', () => {
    // Arrange
    const filesBefore = initOf(controlPlane(unhardened)).extraWriteFiles ?? [];
    const preBefore = initOf(controlPlane(unhardened)).preRunCommands ?? [];
    // Act
    const init = initOf(controlPlane(microk8sCaVerification.apply(unhardened, context)));
    // Assert
    expect(init.extraWriteFiles).toEqual([
      ...filesBefore,
      { path: MICROK8S_VERIFY_CA_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: VERIFY },
      { path: MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: WRAP },
    ]);
    expect(init.preRunCommands).toEqual([...preBefore, MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH]);
  });

  it('does not mutate its input and leaves other objects alone', () => {
    // Arrange
    const snapshot = structuredClone(unhardened);
    // Act
    const out = microk8sCaVerification.apply(unhardened, context);
    // Assert
    expect(unhardened).toEqual(snapshot);
    expect(out.filter((o) => o.kind !== 'MicroK8sControlPlane')).toEqual(snapshot.filter((o) => o.kind !== 'MicroK8sControlPlane'));
  });

  it('is idempotent', () => {
    // Act
    const once = microk8sCaVerification.apply(unhardened, context);
    const twice = microk8sCaVerification.apply(once, context);
    // Assert
    expect(twice).toEqual(once);
    expect(ours(initOf(controlPlane(twice)))).toHaveLength(2);
    expect(initOf(controlPlane(twice)).preRunCommands?.filter((c) => c === MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH)).toHaveLength(1);
  });

  it("keeps the user's pre commands first, in order, and their post commands untouched", () => {
    // Arrange
    const cp = withInit({ preRunCommands: ['echo one', 'echo two'], postRunCommands: ['echo post'] });
    // Act
    const init = initOf(controlPlane(microk8sCaVerification.apply(microk8sCaVerification.apply([cp], context), context)));
    // Assert
    expect(init.preRunCommands).toEqual(['echo one', 'echo two', MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH]);
    expect(init.postRunCommands).toEqual(['echo post']);
  });

  it('replaces older file contents in place without duplicating', () => {
    // Arrange
    const cp = withInit({
      extraWriteFiles: [
        { path: '/etc/a', permissions: '0644', owner: 'root:root', content: 'a' },
        { path: MICROK8S_VERIFY_CA_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: '#!/bin/sh\necho old\n' },
        { path: '/etc/b', permissions: '0644', owner: 'root:root', content: 'b' },
        { path: MICROK8S_VERIFY_CA_SCRIPT_PATH, permissions: '0700', owner: 'root:root', content: 'dup' },
      ],
    });
    // Act
    const init = initOf(controlPlane(microk8sCaVerification.apply([cp], context)));
    // Assert
    expect(init.extraWriteFiles?.map((f) => f['path'])).toEqual(['/etc/a', MICROK8S_VERIFY_CA_SCRIPT_PATH, '/etc/b', MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH]);
    expect(ours(init).map((f) => f['content'])).toEqual([VERIFY, WRAP]);
  });

  it('changes nothing without a v1beta1 MicroK8sControlPlane', () => {
    // Arrange
    const others = unhardened.filter((o) => o.kind !== 'MicroK8sControlPlane');
    // Act
    const out = microk8sCaVerification.apply(others, context);
    // Assert
    expect(out).toEqual(others);
  });

  it('output validates against the vendored CRDs', async () => {
    // Arrange
    const cp = withInit({ preRunCommands: ['echo one'] });
    // Act
    const out = microk8sCaVerification.apply(microk8sCaVerification.apply([cp, ...unhardened.filter((o) => o.kind !== 'MicroK8sControlPlane')], context), context);
    const issues = (await Promise.all(out.map((o) => validateObject(o)))).flat();
    // Assert
    expect(issues).toEqual([]);
  });
});

describe('loading the scripts', () => {
  it('falls back to the built-in scripts when the templates folder lacks them', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'capi-gen-ca-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'scripts'));
    // Act
    const texts = [loadMicroK8sCaVerificationScript(dir, 'microk8s-verify-ca.sh'), loadMicroK8sCaVerificationScript(dir, 'microk8s-wrap-calico-ipip.sh')];
    // Assert
    expect(texts).toEqual([VERIFY, WRAP]);
  });

  it('refuses a script with a Jinja delimiter, saying where', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'capi-gen-ca-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'microk8s-verify-ca.sh'), '#!/bin/sh\nset -eu\necho "${#1}"\n');
    // Act
    const load = (): string => loadMicroK8sCaVerificationScript(dir, 'microk8s-verify-ca.sh');
    // Assert
    expect(load).toThrow(/microk8s-verify-ca\.sh:3: .*Jinja delimiter "\{#"/);
  });
});

describe.each([
  ['microk8s-verify-ca.sh', VERIFY_FILE, VERIFY],
  ['microk8s-wrap-calico-ipip.sh', WRAP_FILE, WRAP],
])('node script %s', (_name, file, text) => {
  it('is POSIX sh with set -eu and no Jinja delimiters', () => {
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toMatch(/^set -eu$/m);
    expect(text).not.toMatch(/\{[{%#]/);
  });

  it.skipIf(!hasShellcheck)('passes shellcheck -s sh', () => {
    // Act
    const r = spawnSync('shellcheck', ['-s', 'sh', file], { encoding: 'utf8' });
    // Assert
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasCloudInit)("comes through cloud-init's Jinja renderer unchanged", () => {
    // Act
    const r = spawnSync('/usr/bin/python3', ['-c', JINJA_CHECK], { input: text, encoding: 'utf8' });
    // Assert
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
