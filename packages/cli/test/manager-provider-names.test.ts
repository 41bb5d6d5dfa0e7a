// The CLI keeps its own list of manager provider names (main.ts does not load the core library
// at startup, to keep --help and usage errors fast). It must list exactly core's providers.
import { beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_PROVIDER_IDS } from '../../core/src/managers/providers.ts';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

describe('capi-gen manager-patches --provider names', () => {
  it('help lists exactly the providers core knows, in its order', async () => {
    // Act
    const r = await runCli(['manager-patches', '--help']);
    // Assert
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trimStart().startsWith('--provider <name>'));
    expect(line).toBeDefined();
    const names = line!.replace(/^.*repeatable: /, '').split(', ');
    expect(names).toEqual([...MANAGER_PROVIDER_IDS]);
  });

  it('an unknown provider is refused (exit 2) with a message naming every core provider', async () => {
    // Act
    const unknown = await runCli(['manager-patches', '--provider-version', 'nope=v1.0.0']);
    // Assert
    expect(unknown.code).toBe(2);
    for (const id of MANAGER_PROVIDER_IDS) expect(unknown.stderr).toContain(id);
  });
});
