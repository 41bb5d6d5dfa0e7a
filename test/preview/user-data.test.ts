// The preview's user-data, for every example and every machine, through cloud-init's own code:
// the Jinja render (the part is not skipped), `cloud-init schema -c` on the rendered text,
// capi-gen's injected files and commands byte-identical after the render, and runcmd, shellified
// as cloud-init does, through `shellcheck -s sh` (no finding on a capi-gen line; findings on
// provider and user lines are printed as facts, not failures: the provider's lines are its own,
// and capi-gen cannot change them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewUserData, type UserDataPreview } from '../../packages/core/src/index.ts';
import { cloudInitView, previewCases, renderExample, type CloudInitView, type PreviewCase } from './_examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let cases: PreviewCase[] = [];
let views: CloudInitView[] = [];
const fileOf = (c: PreviewCase): string => join(dir, `${c.id.replaceAll('/', '__')}.yaml`);

beforeAll(async () => {
  cases = await previewCases();
  for (const c of cases) writeFileSync(fileOf(c), c.preview.userData);
  views = cloudInitView(cases.map(fileOf));
});

interface ShellFinding {
  readonly line: number;
  readonly level: string;
  readonly code: number;
  readonly message: string;
}

/** shellcheck -s sh over the shellified runcmd; each finding with the runcmd step it sits on. */
function shellFindings(preview: UserDataPreview, script: string): (ShellFinding & { origin: string; text: string })[] {
  const runcmd = preview.steps.filter((s) => s.section === 'runcmd');
  const r = spawnSync('shellcheck', ['-s', 'sh', '-f', 'json', '-'], { input: script, encoding: 'utf8' });
  if (r.error !== undefined) throw r.error;
  const of = itemOfLine(runcmd.map((s) => s.text));
  return (JSON.parse(r.stdout) as ShellFinding[]).map((f) => {
    const step = runcmd[of[f.line - 1] ?? -1];
    return { ...f, origin: step?.origin ?? 'shebang', text: step?.text ?? '' };
  });
}

/** Which runcmd item each line of the shellified script belongs to (line 1 is the shebang). */
function itemOfLine(runcmd: readonly string[]): number[] {
  const of: number[] = [-1];
  runcmd.forEach((c, i) => {
    for (let k = 0; k < c.split('\n').length; k++) of.push(i);
  });
  return of;
}

describe('preview user-data through cloud-init (every example, every machine)', () => {
  it('covers init, join and worker of every example', () => {
    // Arrange / Act: beforeAll
    // Assert
    const examples = new Set(cases.map((c) => c.example));
    expect(examples.size).toBeGreaterThanOrEqual(3);
    for (const e of examples) {
      expect(cases.filter((c) => c.example === e).map((c) => c.machine)).toEqual(expect.arrayContaining(['init', 'join', 'worker']));
    }
  });

  it('starts with the providers\' header and survives the Jinja render (the part is not skipped)', () => {
    for (const [i, c] of cases.entries()) {
      expect(c.preview.userData.startsWith('## template: jinja\n#cloud-config\n'), c.id).toBe(true);
      expect(views[i]!.rendered, `${c.id}: cloud-init would skip the whole part`).not.toBeNull();
    }
  });

  it('passes `cloud-init schema -c` after the render', () => {
    for (const [i, c] of cases.entries()) {
      const rendered = join(dir, `${c.id.replaceAll('/', '__')}.rendered.yaml`);
      writeFileSync(rendered, views[i]!.rendered!);
      const r = spawnSync('cloud-init', ['schema', '-c', rendered], { encoding: 'utf8' });
      expect({ id: c.id, status: r.status, out: `${r.stdout}${r.stderr}`.trim() }).toEqual({ id: c.id, status: 0, out: expect.stringContaining('Valid cloud-config') });
    }
  });

  it('keeps every capi-gen file and command byte-identical through the render', () => {
    let injected = 0;
    for (const [i, c] of cases.entries()) {
      const doc = parse(views[i]!.rendered!, { version: '1.1' }) as { write_files: { path: string; content: string }[]; runcmd: string[]; bootcmd?: string[] };
      for (const s of c.preview.steps.filter((x) => x.origin === 'capi-gen')) {
        injected++;
        if (s.section === 'write_files') {
          const files = doc.write_files.filter((f) => f.path === s.text);
          expect(files.map((f) => f.content), `${c.id} ${s.text}`).toEqual([s.content]);
        } else {
          expect(doc[s.section] ?? [], `${c.id} ${s.section}`).toContain(s.text);
        }
      }
      // and the steps are exactly what the user-data holds, section by section, in order
      const pre = parse(c.preview.userData, { version: '1.1' }) as typeof doc;
      expect(pre.runcmd, c.id).toEqual(c.preview.steps.filter((s) => s.section === 'runcmd').map((s) => s.text));
      expect(pre.write_files.map((f) => f.path), c.id).toEqual(c.preview.steps.filter((s) => s.section === 'write_files').map((s) => s.text));
      expect(pre.bootcmd ?? [], c.id).toEqual(c.preview.steps.filter((s) => s.section === 'bootcmd').map((s) => s.text));
    }
    // the examples are rendered with hardening on: there is something to check
    expect(injected).toBeGreaterThan(0);
  });

  it('has runcmd that shellcheck -s sh accepts on every capi-gen line', () => {
    const facts: string[] = [];
    for (const [i, c] of cases.entries()) {
      for (const f of shellFindings(c.preview, views[i]!.runcmdScript!)) {
        const where = `${c.id} runcmd line ${String(f.line)} (${f.origin}): SC${String(f.code)} ${f.level} ${f.message}`;
        if (f.origin === 'capi-gen') expect.fail(`shellcheck on a capi-gen line: ${where}\n${f.text}`);
        facts.push(where);
      }
    }
    // Facts, not failures: provider and user lines (e.g. the provider's unquoted endpoint).
    if (facts.length > 0) console.log(`shellcheck findings on provider/user lines:\n${facts.join('\n')}`);
  });

  it('attributes a shellcheck finding to the capi-gen line that caused it (the check above can fail)', async () => {
    // Arrange: a capi-gen postRunCommand with an unquoted expansion (SC2086)
    const objects = structuredClone(await renderExample('microk8s-openstack.yaml')) as unknown as Record<string, any>[];
    const cp = objects.find((o) => o['kind'] === 'MicroK8sControlPlane')!;
    cp['spec'].controlPlaneConfig.initConfiguration.postRunCommands.push('/capi-gen/microk8s-certs.sh $MODE');
    const preview = previewUserData(objects as never, { machine: 'init' });
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, preview.userData);
    // Act
    const findings = shellFindings(preview, cloudInitView([file])[0]!.runcmdScript!);
    // Assert
    expect(findings.filter((f) => f.origin === 'capi-gen').map((f) => [f.code, f.text])).toEqual([[2086, '/capi-gen/microk8s-certs.sh $MODE']]);
  });

  it('notes CAPD\'s way of running the user-data for the Docker examples only', () => {
    const capd = (c: PreviewCase): boolean => c.preview.notes.some((n) => n.startsWith('on CAPD (Docker infrastructure) the node runs only write_files and runcmd'));
    expect(cases.filter((c) => c.example === 'kubeadm-docker').map(capd)).toEqual([true, true, true]);
    expect(cases.filter((c) => c.example !== 'kubeadm-docker').some(capd)).toBe(false);
  });

  it('is deterministic: the same objects give the same bytes', async () => {
    const objects = await renderExample('microk8s-openstack.yaml');
    const a = previewUserData(objects, { machine: 'join' });
    const b = previewUserData(structuredClone(objects), { machine: 'join' });
    expect(b.userData).toBe(a.userData);
    expect(b.steps).toEqual(a.steps);
  });
});
