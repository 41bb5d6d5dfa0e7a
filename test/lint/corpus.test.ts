// Every text of the upstream template corpus (../shared/corpus, read in place; helm-unittest
// snapshots are split into the manifests they wrap) is linted with every registered rule. Nothing
// may crash (no exception, no lint/internal-error), and every finding must be listed in
// test/fixtures/lint-corpus-expected.yaml under a hand-written reason for its class (stale
// upstream API, upstream bug, placeholder needed, ...); nothing listed may disappear unnoticed.
//
// After a deliberate change (a new rule, a changed message position), rewrite the list with
//   CAPI_GEN_UPDATE_LINT_CORPUS=1 pnpm vitest run test/lint/corpus.test.ts
// and review the diff: new findings land under "UNREVIEWED", which the test rejects.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../packages/core/src/lint/engine.ts';
import type { LintFinding } from '../../packages/core/src/lint/types.ts';
import { corpusTexts, reviewedGroups, UNREVIEWED } from '../support/corpus.ts';
import { HAS_SHARED, REPO_ROOT } from '../support/shared.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/lint-corpus-expected.yaml');

function key(f: LintFinding): string {
  return `${f.source.file}:${f.source.line}:${f.source.col} ${f.ruleId} ${f.path}`;
}

async function corpusFindings(): Promise<{ findings: string[]; texts: number; internal: string[] }> {
  const findings: string[] = [];
  const internal: string[] = [];
  let texts = 0;
  for (const { file, text } of corpusTexts()) {
    const result = await lintText(text, { file });
    texts += 1;
    findings.push(...result.findings.map(key));
    internal.push(...result.findings.filter((f) => f.ruleId === 'lint/internal-error').map((f) => `${key(f)}: ${f.message}`));
  }
  return { findings, texts, internal };
}

describe.skipIf(!HAS_SHARED)('lint on the upstream corpus', () => {
  it('does not crash, and every finding is listed with a reason', async () => {
    // Act
    const { findings, texts, internal } = await corpusFindings();
    // Assert
    const expected = reviewedGroups(FIXTURE, findings, process.env['CAPI_GEN_UPDATE_LINT_CORPUS'] === '1');
    expect(texts).toBeGreaterThan(50);
    expect(internal, 'a rule crashed on the corpus').toEqual([]);
    for (const g of expected) {
      expect(g.reason, 'every group of findings needs a reason').not.toBe(UNREVIEWED);
      expect(g.reason.length).toBeGreaterThan(10);
    }
    expect([...findings].sort()).toEqual(expected.flatMap((g) => g.findings).sort());
  });
});
