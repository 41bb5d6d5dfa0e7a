// The packed CLI installs alone: a tarball from scripts/pack.mjs, installed offline into an empty
// npm project, prints exactly what the CLI in the repository prints.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIR, ensureBuilt, REPO_DIR, runCli } from './_built-cli.ts';

const PACK_TIMEOUT_MS = 180_000;

// npm as on a user's machine: without the npm_config_* variables that pnpm exports to the
// scripts it runs, and quiet, so that npx adds nothing to the CLI's own output.
const NPM_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_loglevel: 'error',
  npm_config_update_notifier: 'false',
};

function sh(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: NPM_ENV });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let dir: string;
let tgz: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'capi-gen-pack-'));
  const { version } = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { version: string };
  sh(process.execPath, [join(REPO_DIR, 'scripts', 'pack.mjs'), '--no-build', '--cli-only', '--out', join(dir, 'pack')], REPO_DIR);
  tgz = join(dir, 'pack', `capi-gen-${version}.tgz`);
  const project = join(dir, 'project');
  mkdirSync(project);
  cpSync(join(REPO_DIR, 'examples', 'validate', 'kubeadm-docker-v1beta2.yaml'), join(project, 'valid.yaml'));
  writeFileSync(join(project, 'broken.yaml'), 'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: x\nspec:\n  paused: "yes"\n  bogus: 1\n');
  sh('npm', ['init', '-y'], project);
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], project);
}, PACK_TIMEOUT_MS);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the packed capi-gen tarball', () => {
  it('has no dependencies', () => {
    // Arrange
    const pkg = JSON.parse(readFileSync(join(dir, 'project', 'node_modules', 'capi-gen', 'package.json'), 'utf8')) as Record<string, unknown>;
    // Assert
    expect(pkg['dependencies']).toBeUndefined();
    expect(pkg['peerDependencies']).toBeUndefined();
  });

  it.each([
    ['valid.yaml', 0],
    ['broken.yaml', 1],
  ])('npx capi-gen validate %s prints what the repository CLI prints', async (file, code) => {
    // Arrange
    const project = join(dir, 'project');
    // Act
    const installed = await runCli(['validate', file], { cwd: project, command: ['npx', '--no', 'capi-gen'], env: NPM_ENV });
    const repo = await runCli(['validate', file], { cwd: project });
    // Assert
    expect(installed).toEqual(repo);
    expect(installed.code).toBe(code);
  });

  it('npx capi-gen render --templates <dir without scripts/> takes the built-in node scripts', async () => {
    // Arrange
    const project = join(dir, 'project');
    const templates = join(dir, 'no-scripts');
    cpSync(join(REPO_DIR, 'templates', 'flavors'), join(templates, 'flavors'), { recursive: true });
    cpSync(join(REPO_DIR, 'templates', 'partials'), join(templates, 'partials'), { recursive: true });
    const spec = join(REPO_DIR, 'examples', 'microk8s-openstack.yaml');
    // Act
    const installed = await runCli(['render', spec, '--templates', templates], { cwd: project, command: ['npx', '--no', 'capi-gen'], env: NPM_ENV });
    const repo = await runCli(['render', spec], { cwd: project });
    // Assert
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe(repo.stdout);
  });

  it('npx capi-gen validate --format json prints what the repository CLI prints', async () => {
    // Arrange
    const project = join(dir, 'project');
    // Act
    const installed = await runCli(['validate', '--format', 'json', 'valid.yaml', 'broken.yaml'], { cwd: project, command: ['npx', '--no', 'capi-gen'], env: NPM_ENV });
    const repo = await runCli(['validate', '--format', 'json', 'valid.yaml', 'broken.yaml'], { cwd: project });
    // Assert
    expect(installed).toEqual(repo);
  });
});
