// The built-in templates are precompiled (packages/core/src/render/_gen/precompiled-templates.ts,
// looked up by their exact text); any other text is compiled at render time. Both paths must
// render the same: every built-in flavor x contract renders its example spec to the same YAML from
// a copy of the templates whose every template and partial starts with a Handlebars comment line
// (different text, so compiled at run time; a standalone comment line renders to nothing). The
// run-time path still refuses raw interpolation.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CapiGenError, defaultTemplatesDir, renderClusterFromText } from '../../packages/core/src/index.ts';
import { renderTargets } from '../../packages/core/src/testing/index.ts';
import { REPO_ROOT } from '../support/shared.ts';

const work = mkdtempSync(join(tmpdir(), 'capi-gen-precompiled-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the built-in templates with a comment line in front of every .hbs file. */
function editedCopy(name: string, edit: (file: string, text: string) => string = (_f, t) => `{{!-- copied for a test --}}\n${t}`): string {
  const dir = join(work, name);
  cpSync(defaultTemplatesDir(), dir, { recursive: true });
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.hbs')) writeFileSync(p, edit(p, readFileSync(p, 'utf8')));
    }
  };
  visit(dir);
  return dir;
}

const edited = editedCopy('edited');

describe('precompiled and run-time compiled templates render the same', () => {
  it.each(renderTargets().map((t) => [`${t.flavor} ${t.contract} ${t.infrastructureContract}`, t] as const))('%s', async (_label, t) => {
    // Arrange
    const rel = `examples/${t.flavor}.yaml`;
    const text = readFileSync(join(REPO_ROOT, rel), 'utf8');
    const options = { contract: t.contract, infrastructureContract: t.infrastructureContract };
    // Act
    const precompiled = await renderClusterFromText(text, rel, options);
    const compiled = await renderClusterFromText(text, rel, { ...options, templatesDir: edited });
    // Assert
    expect(compiled.yaml).toBe(precompiled.yaml);
  });

  it('refuses raw interpolation in a template compiled at run time', async () => {
    // Arrange
    const dir = editedCopy('raw', (file, t) => (file.endsWith('10-cluster.yaml.hbs') ? t.replace('name: {{q name}}', 'name: {{name}}') : t));
    const rel = 'examples/kubeadm-docker.yaml';
    // Act
    const run = renderClusterFromText(readFileSync(join(REPO_ROOT, rel), 'utf8'), rel, { templatesDir: dir });
    // Assert
    await expect(run).rejects.toBeInstanceOf(CapiGenError);
    await expect(run).rejects.toThrow(/raw \{\{name\}\}; use \{\{q \.\.\.\}\}/);
  });
});
