// Converting each built-in kubeadm flavor's rendered (newest-shape) output to every supported
// contract pair gives objects that validate against the vendored CRDs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertObjects } from '../../src/convert/index.ts';
import { defaultTemplatesDir, loadFlavor } from '../../src/flavors/flavor.ts';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { validateObject } from '../../src/validate/validate-object.ts';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const CASES = ['kubeadm-docker', 'kubeadm-openstack'] as const;

describe.each(CASES)('converting rendered %s output', (flavorId) => {
  const flavor = loadFlavor(flavorId, defaultTemplatesDir());
  const pairs = flavor.contracts.flatMap((capi) => flavor.infrastructureContracts.map((infrastructure) => ({ capi, infrastructure })));

  it.each(pairs)('to capi $capi / infrastructure $infrastructure validates', async (target) => {
    // Arrange: the newest-shape objects, as the templates write them
    const spec = parseClusterSpec(readFileSync(join(EXAMPLES, `${flavorId}.yaml`), 'utf8'), `${flavorId}.yaml`);
    const newest = await renderCluster(spec, { contract: 'v1beta2', infrastructureContract: 'v1beta2', noHardening: true });

    // Act
    const out = convertObjects(newest.objects, target);

    // Assert
    const issues = (await Promise.all(out.map((o) => validateObject(o)))).flat();
    expect(issues).toEqual([]);
  });
});
