// Shared setup of the certificate-transform suites (kubeadm-cert-checks, microk8s-cert-guard):
// the transform context, the shipped node files they must inject, a user file to keep.
import type { HardenContext } from '../../packages/core/src/harden/registry.ts';
import { loadNodeScript } from '../../packages/core/src/scripts/load-script.ts';
import { TEMPLATES_DIR } from '../support/repo.ts';

/** The context a transform gets from render / harden, with this repo's templates. */
export const ctx = (hardening?: HardenContext['hardening'], note?: (m: string) => void): HardenContext => ({ hardening, templatesDir: TEMPLATES_DIR, ...(note === undefined ? {} : { note }) });

/** The script, service and timer as loadNodeScript ships them (what the transform must write). */
export function shipped(files: { readonly script: string; readonly service: string; readonly timer: string }): { script: string; service: string; timer: string } {
  return { script: loadNodeScript(TEMPLATES_DIR, files.script), service: loadNodeScript(TEMPLATES_DIR, files.service), timer: loadNodeScript(TEMPLATES_DIR, files.timer) };
}

/** A file of the user's, which must stay first and unchanged. */
export const USER_FILE = { path: '/etc/user.conf', owner: 'root:root', permissions: '0644', content: 'a=1\n' };
