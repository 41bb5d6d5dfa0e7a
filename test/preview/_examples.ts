// Test support for the preview suites: every examples/*.yaml rendered with core, every machine of
// it (init, join, one worker per MachineDeployment) previewed, and cloud-init's own code (Debian's
// /usr/bin/python3, see ../shared/notes/validators.md) to render the Jinja and shellify runcmd.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { previewUserData, renderClusterFromText, type KubeObject, type PreviewMachine, type UserDataPreview } from '../../packages/core/src/index.ts';
import { EXAMPLES_DIR } from '../support/repo.ts';

export interface PreviewCase {
  /** `<example>/<machine>[/<pool>]`, e.g. `microk8s-openstack/worker/mk8s-prod-gpu`. */
  readonly id: string;
  readonly example: string;
  readonly machine: PreviewMachine;
  readonly pool: string | undefined;
  readonly preview: UserDataPreview;
}

export const EXAMPLES: readonly string[] = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The rendered objects of one example. */
export async function renderExample(file: string): Promise<readonly KubeObject[]> {
  const path = join(EXAMPLES_DIR, file);
  return (await renderClusterFromText(readFileSync(path, 'utf8'), path)).objects;
}

/** Every machine of every example, previewed. */
export async function previewCases(): Promise<PreviewCase[]> {
  const out: PreviewCase[] = [];
  for (const file of EXAMPLES) {
    const objects = await renderExample(file);
    const example = file.replace(/\.yaml$/, '');
    for (const machine of ['init', 'join'] as const) {
      out.push({ id: `${example}/${machine}`, example, machine, pool: undefined, preview: previewUserData(objects, { machine }) });
    }
    for (const md of objects.filter((o) => o.kind === 'MachineDeployment')) {
      const pool = md.metadata.name;
      out.push({ id: `${example}/worker/${pool}`, example, machine: 'worker', pool, preview: previewUserData(objects, { machine: 'worker', pool }) });
    }
  }
  return out;
}

/** cloud-init's Python: Debian's, which has the cloudinit module (the pyenv python3 on PATH has not). */
export const CLOUD_INIT_PYTHON = '/usr/bin/python3';

// Renders each file with cloud-init's own Jinja handler (the instance data of validators.md) and
// shellifies its runcmd; prints one JSON object per input: {rendered | null, runcmdScript}.
const PY = `
import json, sys, yaml
from cloudinit.handlers.jinja_template import render_jinja_payload
from cloudinit.util import shellify
out = []
for path in sys.argv[1:]:
    text = open(path).read()
    rendered = render_jinja_payload(text, path, {"ds": {"meta_data": {"local_hostname": "n1"}}, "v1": {"local_hostname": "n1"}})
    script = None
    if rendered is not None:
        doc = yaml.safe_load(rendered)
        script = shellify(doc.get("runcmd") or [])
    out.append({"rendered": rendered, "runcmdScript": script})
print(json.dumps(out))
`;

export interface CloudInitView {
  /** The user-data after cloud-init's Jinja render, or null when cloud-init would skip the part. */
  readonly rendered: string | null;
  /** runcmd as the `#!/bin/sh` script cloud-init writes (cloudinit.util.shellify). */
  readonly runcmdScript: string | null;
}

/** Runs cloud-init's renderer and shellify over the files, in one Python process. */
export function cloudInitView(files: readonly string[]): CloudInitView[] {
  const r = spawnSync(CLOUD_INIT_PYTHON, ['-c', PY, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cloud-init's python failed (${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as CloudInitView[];
}
