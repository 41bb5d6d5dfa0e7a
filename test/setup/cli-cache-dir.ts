// CLI runs in tests must not write V8 code-cache entries into the user's ~/.cache/capi-gen
// (packages/cli/src/compile-cache.ts): vitest's global setup points CAPI_GEN_CACHE_DIR at one
// temp folder for the whole run (the test workers and the CLI processes they start inherit it)
// and removes it afterwards. The compile-cache tests set their own folders explicitly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const own = process.env['CAPI_GEN_CACHE_DIR'] === undefined || process.env['CAPI_GEN_CACHE_DIR'] === '';
  if (!own) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'capi-gen-test-cache-'));
  process.env['CAPI_GEN_CACHE_DIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
