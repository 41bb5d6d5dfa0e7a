// Golden files: every built-in flavor x every contract it supports (x every CAPO version for
// OpenStack flavors) renders examples/<flavor>.yaml to exactly test/golden/<name>.yaml. A changed
// rendering shows up as a diff of the golden in review; `vitest -u` rewrites them.
// Each golden must also read the same under YAML 1.1 (PyYAML, as cloud-init and other Python
// tools read it) as under YAML 1.2 (the `yaml` package), and render byte-for-byte the same twice.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderClusterFromText, type RenderResult } from '../../packages/core/src/index.ts';
import { renderTargets, type RenderTarget } from '../../packages/core/src/testing/index.ts';
import { REPO_ROOT } from '../support/shared.ts';

const PYTHON = '/usr/bin/python3';
const PY_LOAD_ALL = 'import yaml,json,sys\nprint(json.dumps([list(yaml.safe_load_all(t)) for t in json.load(sys.stdin)], default=str))';

function goldenName(t: RenderTarget): string {
  return t.infrastructure === 'openstack' ? `${t.flavor}.${t.contract}.${t.infrastructureContract}` : `${t.flavor}.${t.contract}`;
}

async function renderExample(t: RenderTarget): Promise<RenderResult> {
  const file = join(REPO_ROOT, 'examples', `${t.flavor}.yaml`);
  return renderClusterFromText(readFileSync(file, 'utf8'), `examples/${t.flavor}.yaml`, { contract: t.contract, infrastructureContract: t.infrastructureContract });
}

function parseWithYaml12(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS() as unknown);
}

const targets = renderTargets();
// Filled by the golden tests, read once by PyYAML at the end (one python process for all).
const rendered = new Map<string, string>();

describe.each(targets.map((t) => [goldenName(t), t] as const))('golden %s', (name, target) => {
  it('matches test/golden/' + name + '.yaml', async () => {
    // Act
    const { yaml } = await renderExample(target);
    rendered.set(name, yaml);
    // Assert
    await expect(yaml).toMatchFileSnapshot(`../golden/${name}.yaml`);
  });

  it('renders the same bytes twice', async () => {
    // Act
    const first = await renderExample(target);
    const second = await renderExample(target);
    // Assert
    expect(second.yaml).toBe(first.yaml);
  });
});

describe.skipIf(!existsSync(PYTHON))('goldens under YAML 1.1 (PyYAML)', () => {
  it('read the same as under YAML 1.2 (yaml package)', async () => {
    // Arrange: every golden, rendered here if its own test did not run (e.g. -t filter).
    for (const t of targets) if (!rendered.has(goldenName(t))) rendered.set(goldenName(t), (await renderExample(t)).yaml);
    const texts = targets.map((t) => rendered.get(goldenName(t))!);
    // Act
    const py = spawnSync(PYTHON, ['-c', PY_LOAD_ALL], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.status, py.stderr).toBe(0);
    const fromPython = JSON.parse(py.stdout) as unknown[][];
    // Assert
    expect(fromPython).toHaveLength(texts.length);
    targets.forEach((t, i) => {
      expect(fromPython[i], goldenName(t)).toEqual(parseWithYaml12(texts[i]!));
    });
  });
});
