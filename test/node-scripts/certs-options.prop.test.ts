// The options parser of certs-lib.sh (load_opts) against a reference model, on random
// /etc/capi-gen/certs.env files: known keys with valid, invalid and hostile values (quotes,
// $(...), backquotes, ;, |, CR, unicode, newlines that split lines), unknown keys, comments, lines
// without '='. Run in bubblewrap with the lib sourced by a test driver (the driver may source; the
// scripts never source certs.env). Properties: the values equal the model's, one warning per
// rejected line, and nothing is executed (a fake `canary` is never called, no file appears).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CERTS_ENV_KEYS, CERTS_ENV_PATH, type CertsEnvKey } from '../../packages/core/src/harden/node-certs-contract.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { BWRAP, sandboxPerTest } from '../support/sandbox.ts';

const LIB = readFileSync(join(REPO_ROOT, 'templates', 'scripts', 'certs-lib.sh'), 'utf8');
const KEYS = Object.keys(CERTS_ENV_KEYS) as CertsEnvKey[];
const INT_KEYS: readonly CertsEnvKey[] = ['TIME_SYNC_TIMEOUT', 'SKEW_TOLERANCE', 'EXPIRY_WARN_DAYS'];
const PATH_KEYS: readonly CertsEnvKey[] = ['TEXTFILE_DIR', 'PKI_DIR'];

/** The model: which values each key accepts (documented in docs/node-scripts.md). */
function valid(key: CertsEnvKey, v: string): boolean {
  if (INT_KEYS.includes(key)) return /^(0|[1-9][0-9]{0,7})$/.test(v);
  if (key === 'RENEW') return v === '0' || v === '1';
  if (PATH_KEYS.includes(key)) return /^\/[A-Za-z0-9/._-]*$/.test(v) && !v.includes('..');
  return false;
}

function model(text: string): { values: Record<CertsEnvKey, string>; warnings: number } {
  const values = Object.fromEntries(KEYS.map((k) => [k, String(CERTS_ENV_KEYS[k])])) as Record<CertsEnvKey, string>;
  let warnings = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) {
    if (l === '' || l.startsWith('#')) continue;
    const eq = l.indexOf('=');
    const k = eq < 0 ? '' : l.slice(0, eq);
    if (!(KEYS as string[]).includes(k)) {
      warnings++;
      continue;
    }
    const v = l.slice(eq + 1);
    if (valid(k as CertsEnvKey, v)) values[k as CertsEnvKey] = v;
    else warnings++;
  }
  return { values, warnings };
}

const HOSTILE = ['$(canary)', '`canary`', '$(touch /fake-state/pwned)', '; canary', '| canary', '&& canary', '"/opt/x"', "'/opt/x'", '${HOME}', '$((1+1))', '\r', '/a/../b', '..', '\\', ' ', '\t', '*', '~', '/ok path', 'é', '/tmp/é', '=', '#', '1\nRENEW=1', '5\n$(canary)', '\nPKI_DIR=/srv/pki'];
const value = fc.oneof(
  fc.constantFrom('0', '1', '2', '00', '07', '180', '99999999', '100000000', '-1', '+5', '1e3', ' 5', '5 ', ''),
  fc.integer({ min: 0, max: 2 ** 31 }).map(String),
  fc.constantFrom('/', '/var/lib/node_exporter/textfile_collector', '/etc/kubernetes/pki', '/x.y_z-1', 'relative/dir', '/a//b', '/a/./b'),
  fc.constantFrom(...HOSTILE),
  fc.tuple(fc.constantFrom('/opt/', '1', ''), fc.constantFrom(...HOSTILE)).map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, fc.constantFrom('FOO', 'renew', ' RENEW', 'RENEW ', 'PATH', 'IFS', 'LD_PRELOAD', '', '#RENEW', 'export RENEW'));
const line = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) },
  fc.constantFrom('', '# a comment', '#RENEW=1', 'no equals sign', '   ', 'canary'),
);
const file = fc.tuple(fc.array(line, { maxLength: 8 }), fc.boolean()).map(([ls, nl]) => ls.join('\n') + (nl && ls.length > 0 ? '\n' : ''));

const DRIVER = `. /opt/t/certs-lib.sh
load_opts
printf '%s\\n' "$TIME_SYNC_TIMEOUT" "$SKEW_TOLERANCE" "$EXPIRY_WARN_DAYS" "$RENEW" "$TEXTFILE_DIR" "$PKI_DIR"
`;

describe('certs.env parser (load_opts)', () => {
  const sandbox = sandboxPerTest();

  it.skipIf(BWRAP === null)('accepts exactly the valid values, warns once per rejected line, executes nothing', () => {
    const sb = sandbox({ paths: ['/etc/capi-gen', '/opt/t'] });
    sb.write('/opt/t/certs-lib.sh', LIB);
    sb.write('/opt/t/driver.sh', DRIVER);
    sb.fake('canary');
    sb.fake('touch');
    fc.assert(
      fc.property(file, (text) => {
        // Arrange
        sb.write(CERTS_ENV_PATH, text);
        const want = model(text);
        // Act
        const r = sb.run(['/bin/sh', '/opt/t/driver.sh']);
        // Assert
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(KEYS.map((k) => `${want.values[k]}\n`).join(''));
        expect(r.stderr.split('\n').filter((l) => l.startsWith('capi-gen: WARNING: '))).toHaveLength(want.warnings);
        expect(r.calls).toEqual([]);
        expect(sb.readState('pwned')).toBe('');
      }),
    );
  });

  it.skipIf(BWRAP === null)('no options file: the contract defaults, no warning', () => {
    const sb = sandbox({ paths: ['/etc/capi-gen', '/opt/t'] });
    sb.write('/opt/t/certs-lib.sh', LIB);
    sb.write('/opt/t/driver.sh', DRIVER);
    const r = sb.run(['/bin/sh', '/opt/t/driver.sh']);
    expect(r.stdout).toBe(KEYS.map((k) => `${CERTS_ENV_KEYS[k]}\n`).join(''));
    expect(r.stderr).toBe('');
  });
});
