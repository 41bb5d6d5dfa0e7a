// Paths into this repository and host-tool detection, shared by the root test suites.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClusterSpec, type ClusterSpec } from '../../packages/core/src/index.ts';
import { REPO_ROOT } from './shared.ts';

/** templates/ (flavors, partials, node scripts), as hardenText and loadNodeScript take it. */
export const TEMPLATES_DIR: string = join(REPO_ROOT, 'templates');

/** examples/: one spec per flavor, `<flavor>.yaml`. */
export const EXAMPLES_DIR: string = join(REPO_ROOT, 'examples');

/** The text of examples/<flavor>.yaml. */
export function readExample(flavor: string): string {
  return readFileSync(join(EXAMPLES_DIR, `${flavor}.yaml`), 'utf8');
}

/** examples/<flavor>.yaml parsed as a ClusterSpec (positions name `examples/<flavor>.yaml`). */
export function exampleSpec(flavor: string): ClusterSpec {
  return parseClusterSpec(readExample(flavor), `examples/${flavor}.yaml`);
}

/** True when `cmd` is on this machine's PATH (tests that need it skip themselves otherwise). */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
