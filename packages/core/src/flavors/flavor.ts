import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { CapiGenError } from '../errors.ts';

/** CAPI API contract of core and kubeadm kinds, or CAPO's API version. */
export type Contract = 'v1beta1' | 'v1beta2';

/** A flavor as declared in templates/flavors/<id>/flavor.yaml. */
export interface Flavor {
  readonly id: string;
  readonly bootstrap: 'kubeadm' | 'microk8s';
  readonly infrastructure: 'openstack' | 'docker';
  /** Supported CAPI contracts; the first is the default. */
  readonly contracts: readonly Contract[];
  /** Supported infrastructure API versions (OpenStack: CAPO); the first is the default. */
  readonly infrastructureContracts: readonly Contract[];
  /** Why a contract is not supported, per contract, said to the user when they ask for it. */
  readonly refusals: Readonly<Partial<Record<Contract, string>>>;
  /** Absolute path of the flavor's folder. */
  readonly dir: string;
  /** Template file names, sorted; rendered in this order. */
  readonly templates: readonly string[];
}

/** The folder of the built-in flavors, found through package resolution (never ../ paths). */
export function defaultTemplatesDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@capi-gen/templates/package.json'));
}

function fail(message: string): never {
  throw new CapiGenError([{ code: 'REFUSED_OPTION', severity: 'error', object: 'ClusterSpec', path: '/flavor', message }]);
}

/** Lists the flavor ids available under a templates folder. */
export function listFlavors(templatesDir: string): string[] {
  const dir = join(templatesDir, 'flavors');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'flavor.yaml')))
    .map((e) => e.name)
    .sort();
}

/** Loads one flavor's declaration and template list; unknown flavors are refused with the list of known ones. */
export function loadFlavor(id: string, templatesDir: string): Flavor {
  const dir = join(templatesDir, 'flavors', id);
  const declFile = join(dir, 'flavor.yaml');
  if (!existsSync(declFile)) {
    const known = listFlavors(templatesDir);
    fail(`unknown flavor "${id}"; flavors in ${templatesDir}: ${known.join(', ') || 'none'}`);
  }
  const decl = parse(readFileSync(declFile, 'utf8')) as Record<string, unknown>;
  const templates = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml.hbs'))
    .sort();
  if (templates.length === 0) fail(`flavor "${id}" has no *.yaml.hbs templates in ${dir}`);
  return {
    id,
    bootstrap: decl['bootstrap'] as Flavor['bootstrap'],
    infrastructure: decl['infrastructure'] as Flavor['infrastructure'],
    contracts: decl['contracts'] as Contract[],
    infrastructureContracts: decl['infrastructureContracts'] as Contract[],
    refusals: (decl['refusals'] as Flavor['refusals'] | undefined) ?? {},
    dir,
    templates,
  };
}
