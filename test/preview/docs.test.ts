// docs/boot-sequence.md holds, between marker comments, the boot sequence of each provider and
// machine as the preview builds it from the examples. This test regenerates every table and
// compares; run with CAPI_GEN_UPDATE_DOCS=1 to write them after a change, then review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPI_COMMIT, MICROK8S_BOOTSTRAP_COMMIT } from '../../packages/core/src/index.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { bootSequenceTable, DOC_TABLES, docTableIds, updateDoc } from './_boot-sequence.ts';
import { previewCases, type PreviewCase } from './_examples.ts';

const DOC = join(REPO_ROOT, 'docs', 'boot-sequence.md');

describe('docs/boot-sequence.md', () => {
  let cases: PreviewCase[] = [];
  beforeAll(async () => {
    cases = await previewCases();
  });
  const table = (id: string): string => {
    const c = cases.find((x) => x.id === id);
    if (c === undefined) throw new Error(`docs/boot-sequence.md has a table for ${id}, which is no example machine; ids: ${cases.map((x) => x.id).join(', ')}`);
    return bootSequenceTable(c.preview);
  };

  it('has a table for MicroK8s and kubeadm init, join and worker', () => {
    expect(docTableIds(readFileSync(DOC, 'utf8'))).toEqual(DOC_TABLES);
  });

  it('shows the sequences the preview builds for the examples (CAPI_GEN_UPDATE_DOCS=1 rewrites them)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const fresh = updateDoc(doc, table);
    if (process.env['CAPI_GEN_UPDATE_DOCS'] === '1' && fresh !== doc) writeFileSync(DOC, fresh);
    expect(doc).toBe(fresh);
  });

  it('cites the provider commits the preview was written from', () => {
    const doc = readFileSync(DOC, 'utf8');
    const cli = readFileSync(join(REPO_ROOT, 'docs', 'cloud-init.md'), 'utf8');
    for (const commit of [CAPI_COMMIT, MICROK8S_BOOTSTRAP_COMMIT]) {
      expect(doc).toContain(`\`${commit}\``);
      expect(cli).toContain(`\`${commit}\``);
    }
  });

  it('marks capi-gen\'s injected steps in bold in every table', () => {
    for (const id of DOC_TABLES) {
      const c = cases.find((x) => x.id === id)!;
      const injected = c.preview.steps.filter((s) => s.origin === 'capi-gen').length;
      expect(injected, id).toBeGreaterThan(0);
      expect(table(id).split('\n').filter((l) => l.includes('| **capi-gen** |')), id).toHaveLength(injected);
    }
  });
});
