// Every document of the upstream template corpus (../shared/corpus, read in place) is
// validated. Each finding on an object whose apiVersion has a vendored CRD, and every YAML
// finding, must be listed in test/fixtures/corpus-expected.yaml under a reason (upstream bug,
// stale API, placeholder needed...), and nothing listed may disappear unnoticed. Nothing crashes.
//
// After a deliberate change, rewrite the list with
//   CAPI_GEN_UPDATE_CORPUS=1 pnpm vitest run test/validate/corpus.test.ts
// and review the diff: new findings land under "UNREVIEWED", which the test rejects.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateText, type Issue } from '../../packages/core/src/index.ts';
import { corpusTexts, reviewedGroups, UNREVIEWED } from '../support/corpus.ts';
import { HAS_SHARED, REPO_ROOT } from '../support/shared.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/corpus-expected.yaml');

function key(i: Issue): string {
  return `${i.source?.file}:${i.source?.line}:${i.source?.col} ${i.object} ${i.code} ${i.path}`;
}

async function corpusFindings(): Promise<{ findings: string[]; documents: number; checked: number }> {
  const findings: string[] = [];
  let documents = 0;
  let checked = 0;
  for (const { file, text } of corpusTexts()) {
    const result = await validateText(text, { file });
    documents += result.documents.length;
    checked += result.documents.filter((d) => d.checked).length;
    findings.push(...result.issues.map(key));
  }
  return { findings, documents, checked };
}

describe.skipIf(!HAS_SHARED)('the upstream corpus', () => {
  it('validates, or every finding is listed with a reason', async () => {
    // Act
    const { findings, documents, checked } = await corpusFindings();
    // Assert
    const expected = reviewedGroups(FIXTURE, findings, process.env['CAPI_GEN_UPDATE_CORPUS'] === '1');
    expect(documents).toBeGreaterThan(300);
    expect(checked).toBeGreaterThan(150);
    for (const g of expected) {
      expect(g.reason, 'every group of findings needs a reason').not.toBe(UNREVIEWED);
      expect(g.reason.length).toBeGreaterThan(10);
    }
    expect([...findings].sort()).toEqual(expected.flatMap((g) => g.findings).sort());
  });
});
