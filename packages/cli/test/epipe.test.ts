// `capi-gen render spec.yaml | head` closes stdout early; the CLI must not crash with EPIPE.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, REPO_DIR } from './_built-cli.ts';

describe('a reader that closes stdout early', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('ends render quietly with exit 0', async () => {
    // Arrange: close our end of the stdout pipe at once, long before the CLI writes to it.
    const spec = join(REPO_DIR, 'examples', 'microk8s-openstack.yaml');
    const child = spawn(process.execPath, [BIN, 'render', spec], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Act
    const code = await new Promise<number | null>((done) => child.on('close', done));
    // Assert
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
