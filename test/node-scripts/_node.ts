// The assembled node scripts (through the one loader the transforms use), written 0700 into a
// host folder that the sandbox binds read-only at /capi-gen, where the node has them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTemplatesDir } from '../../packages/core/src/flavors/flavor.ts';
import { NODE_SCRIPT_DIR } from '../../packages/core/src/harden/node-certs-contract.ts';
import { loadNodeScript } from '../../packages/core/src/scripts/load-script.ts';
import { hasFaketime, hasOpenssl } from './_certs.ts';
import { BWRAP } from '../support/sandbox.ts';

export const ready = BWRAP !== null && hasOpenssl && hasFaketime;
if (!ready) console.warn('node-scripts sandbox: bwrap (usable), openssl or faketime is missing; the execution tests are skipped');

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-node-scripts-'));
for (const f of ['microk8s-certs.sh', 'kubeadm-certs.sh']) {
  writeFileSync(join(dir, f), loadNodeScript(defaultTemplatesDir(), f), { mode: 0o700 });
}

/** `ro` binding for Sandbox.run: the scripts at /capi-gen. */
export const SCRIPTS_RO: Record<string, string> = { [NODE_SCRIPT_DIR]: dir };

export function cleanupScripts(): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A certs.env body from key/value pairs. */
export const env = (o: Record<string, string | number>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');

/** The lines of stderr that start with `capi-gen: FATAL: `. */
export const fatals = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('capi-gen: FATAL: '));
export const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('capi-gen: WARNING: '));
