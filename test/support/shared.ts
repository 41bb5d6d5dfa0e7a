import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared reference folder (upstream CRDs and corpus), read in place and never copied:
 * $CAPI_GEN_SHARED, else ../shared beside the clone (where CI puts it).
 */
export const SHARED_DIR: string = process.env['CAPI_GEN_SHARED'] ?? resolve(REPO_ROOT, '..', 'shared');

/** True when the shared folder is present; tests that need it use `describe.skipIf(!HAS_SHARED)`. */
export const HAS_SHARED: boolean = existsSync(resolve(SHARED_DIR, 'crds')) && existsSync(resolve(SHARED_DIR, 'corpus'));
