// capi-gen's own output passes capi-gen's own lint: every built-in flavor x contract (x CAPO
// version) rendered from examples/<flavor>.yaml gives no lint error, and the only warnings are the
// ones that say something true about the chosen contract (v1beta1 is deprecated; CAPD's Docker*
// kinds go away in CAPI v1.15). In particular no harden/* rule fires: render hardens everything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderClusterFromText } from '../../packages/core/src/index.ts';
import { lintText } from '../../packages/core/src/lint/index.ts';
import { renderTargets } from '../../packages/core/src/testing/index.ts';
import { REPO_ROOT } from '../support/shared.ts';

/** Warnings that describe the contract the user picked, not a defect of the output. */
const CONTRACT_WARNINGS = new Set(['api/deprecated-version', 'api/docker-kind-removed']);

const targets = renderTargets().map((t) => [`${t.flavor} ${t.contract}${t.infrastructure === 'openstack' ? ` CAPO ${t.infrastructureContract}` : ''}`, t] as const);

describe.each(targets)('lint of rendered %s', (_name, t) => {
  it('has no errors and only contract warnings', async () => {
    // Arrange
    const file = `examples/${t.flavor}.yaml`;
    const { yaml } = await renderClusterFromText(readFileSync(join(REPO_ROOT, file), 'utf8'), file, { contract: t.contract, infrastructureContract: t.infrastructureContract });
    // Act
    const { findings, clusterctlTemplate } = await lintText(yaml, { file: 'rendered.yaml' });
    // Assert
    expect(clusterctlTemplate).toBe(false);
    const unexpected = findings.filter((f) => !(f.severity === 'warning' && CONTRACT_WARNINGS.has(f.ruleId)) && f.severity !== 'info');
    expect(unexpected.map((f) => `${f.source.line}:${f.source.col} ${f.severity} ${f.ruleId} ${f.message}`)).toEqual([]);
    // v1beta2 kubeadm output is clean even at warning level.
    if (t.contract === 'v1beta2') expect(findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId)).toEqual([]);
  });
});
