// `capi-gen render` through the BUILT CLI with options that reach the library's flavor loading:
// a --templates folder without scripts/ takes the built-in node scripts (dist/templates in the
// bundle, where package resolution of @capi-gen/templates fails), and --infrastructure-contract
// is refused for flavors that are not on OpenStack.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-render-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A templates folder with the built-in flavors and partials but no scripts/. */
function templatesWithoutScripts(): string {
  const t = join(dir, 'no-scripts');
  cpSync(join(REPO_DIR, 'templates', 'flavors'), join(t, 'flavors'), { recursive: true });
  cpSync(join(REPO_DIR, 'templates', 'partials'), join(t, 'partials'), { recursive: true });
  return t;
}

describe('capi-gen render --templates <dir without scripts/>', () => {
  it.each(['microk8s-openstack', 'kubeadm-docker'])('renders %s with the built-in node scripts, as without --templates', async (flavor) => {
    // Arrange
    const templates = templatesWithoutScripts();
    const spec = join('examples', `${flavor}.yaml`);
    // Act
    const own = await runCli(['render', spec, '--templates', templates]);
    const builtin = await runCli(['render', spec]);
    // Assert
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
    expect(own.stdout).toBe(builtin.stdout);
    expect(own.stdout).toContain('/capi-gen/');
  });
});

describe('capi-gen render --templates <dir with a bad node script>', () => {
  it('refuses a script with a Jinja delimiter: exit 2, file:line and what to do, no internal error', async () => {
    // Arrange: the user's own kubeadm certs script with bash's ${#var} (a Jinja comment opener)
    const t = templatesWithoutScripts();
    mkdirSync(join(t, 'scripts'));
    writeFileSync(join(t, 'scripts', 'kubeadm-certs.sh'), '#!/bin/sh\nn=${#1}\n');
    // Act
    const r = await runCli(['render', 'examples/kubeadm-docker.yaml', '--templates', t]);
    // Assert
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain(`${join(t, 'scripts', 'kubeadm-certs.sh')}:2:1: error TEMPLATE kubeadm-certs.sh: the script contains the Jinja delimiter "{#"`);
  });
});

describe('capi-gen render --infrastructure-contract', () => {
  it('is refused for a flavor that is not on OpenStack: exit 2, what the option is for and which flavors take it', async () => {
    // Act
    const r = await runCli(['render', 'examples/kubeadm-docker.yaml', '--infrastructure-contract', 'v1beta2']);
    // Assert
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "capi-gen: refused --infrastructure-contract v1beta2: it picks the API version of the OpenStack provider (CAPO) and applies only to OpenStack flavors (built in: kubeadm-openstack, microk8s-openstack; or a --templates flavor with infrastructure: openstack); flavor kubeadm-docker runs on docker, whose kinds follow --contract; drop the option\n",
    );
  });

  it('is taken by an OpenStack flavor', async () => {
    // Act
    const r = await runCli(['render', 'examples/kubeadm-openstack.yaml', '--infrastructure-contract', 'v1beta2']);
    // Assert
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('infrastructure.cluster.x-k8s.io/v1beta2');
  });
});
