// Shared setup of the MicroK8s control-plane transform tests (leader-election-microk8s,
// microk8s-ca-verification): the example spec rendered without hardening, accessors for the
// MicroK8sControlPlane's initConfiguration, and the probes for shellcheck and cloud-init's Jinja renderer.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import type { HardenContext } from '../../src/harden/registry.ts';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';

export const context: HardenContext = { hardening: undefined, templatesDir: defaultTemplatesDir() };

export const spec = parseClusterSpec(readFileSync(new URL('../../../../examples/microk8s-openstack.yaml', import.meta.url), 'utf8'), 'examples/microk8s-openstack.yaml');
/** The rendered objects before any hardening. */
export const unhardened: readonly KubeObject[] = (await renderCluster(spec, { noHardening: true })).objects;

export type Init = Record<string, unknown> & { extraWriteFiles?: Record<string, unknown>[]; postRunCommands?: string[]; preRunCommands?: string[] };
export function initOf(o: KubeObject | undefined): Init {
  return (o?.['spec'] as { controlPlaneConfig: { initConfiguration: Init } }).controlPlaneConfig.initConfiguration;
}
export function controlPlane(objects: readonly KubeObject[]): KubeObject {
  const cp = objects.find((o) => o.kind === 'MicroK8sControlPlane');
  if (cp === undefined) throw new Error('no MicroK8sControlPlane');
  return cp;
}
/** The unhardened control plane with the given initConfiguration fields set. */
export function withInit(fields: Partial<Init>): KubeObject {
  const cp = structuredClone(controlPlane(unhardened));
  Object.assign(initOf(cp), fields);
  return cp;
}

export const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
if (!hasShellcheck) console.warn('microk8s transform tests: shellcheck is not installed (apt-get install shellcheck); the shellcheck checks are skipped');
/** Python that exits 0 when cloud-init's Jinja renderer leaves stdin unchanged. */
export const JINJA_CHECK =
  'import sys;from cloudinit.templater import render_string as r;s=sys.stdin.read();o=r("## template: jinja\\n"+s,{});sys.exit(0 if o==s else "jinja would change this script")';
export const hasCloudInit = spawnSync('/usr/bin/python3', ['-c', 'import cloudinit.templater']).status === 0;
if (!hasCloudInit) console.warn('microk8s transform tests: /usr/bin/python3 with cloud-init is missing (apt-get install cloud-init); the Jinja check is skipped');
