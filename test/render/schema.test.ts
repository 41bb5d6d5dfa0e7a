// `capi-gen schema` prints the JSON Schema of the cluster spec; the repository commits the same
// text as packages/core/cluster-spec.schema.json so that editors can point at it
// (`# yaml-language-server: $schema=../packages/core/cluster-spec.schema.json`).
// Regenerate with `node packages/core/scripts/write-spec-schema.mjs`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../packages/cli/test/_built-cli.ts';
import { REPO_ROOT } from '../support/shared.ts';

const COMMITTED = join(REPO_ROOT, 'packages', 'core', 'cluster-spec.schema.json');

beforeAll(ensureBuilt);

describe('the cluster spec JSON Schema', () => {
  it('committed file equals capi-gen schema output', async () => {
    // Act
    const run = await runCli(['schema']);
    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readFileSync(COMMITTED, 'utf8'), 'stale: run node packages/core/scripts/write-spec-schema.mjs').toBe(run.stdout);
  });

  it('accepts every example spec, as an editor would check it', () => {
    // Arrange
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(COMMITTED, 'utf8')) as object);
    const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
    // Act
    const failures = examples.filter((f) => !validate(parse(readFileSync(join(REPO_ROOT, 'examples', f), 'utf8'))));
    // Assert
    expect(examples.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
