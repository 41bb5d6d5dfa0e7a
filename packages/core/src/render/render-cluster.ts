import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { convertObjects } from '../convert/index.ts';
import { objectsToYaml, type KubeObject } from '../emit/to-yaml.ts';
import { CapiGenError, type Issue } from '../errors.ts';
import { defaultTemplatesDir, loadFlavor, type Contract, type Flavor } from '../flavors/flavor.ts';
import { TRANSFORMS } from '../harden/registry.ts';
import type { ClusterSpec } from '../model/cluster-spec.ts';
import { checkClusterSpec, parseClusterSpecDocument } from '../model/load-spec.ts';
import { validateObject } from '../validate/validate-object.ts';
import { checkUserDataSize } from './user-data-size.ts';
import { registerPartials, renderTemplate } from './handlebars.ts';
import { buildViewModel } from './view-model.ts';

/** Options for {@link renderCluster}. */
export interface RenderOptions {
  /** A folder with `flavors/<id>/` (flavor.yaml + *.yaml.hbs); default: the built-in flavors. */
  readonly templatesDir?: string;
  /**
   * The built-in templates, where node scripts missing from `templatesDir/scripts/` are read. A
   * bundle that ships them beside itself passes that folder (package resolution of
   * @capi-gen/templates fails there). @defaultValue {@link defaultTemplatesDir}
   */
  readonly builtinTemplatesDir?: string;
  /** Overrides the spec's `contract`. */
  readonly contract?: Contract;
  /**
   * Overrides the spec's `infrastructureContract`: CAPO's API version. Other infrastructures
   * ignore it (their kinds follow `contract`); `capi-gen render` refuses the option for them
   * (see {@link RenderResult.infrastructure}).
   */
  readonly infrastructureContract?: Contract;
  /** Skip the hardening transforms (default: apply them). */
  readonly noHardening?: boolean;
}

/** What {@link renderCluster} returns: typed objects and the YAML text. */
export interface RenderResult {
  readonly flavor: string;
  /** The flavor's infrastructure: `infrastructureContract` means something only for `openstack`. */
  readonly infrastructure: Flavor['infrastructure'];
  readonly contract: Contract;
  readonly infrastructureContract: Contract;
  /** Every object, in output order. */
  readonly objects: readonly KubeObject[];
  /** The multi-document YAML stream, byte-for-byte deterministic. */
  readonly yaml: string;
}

function refuse(path: string, message: string): never {
  throw new CapiGenError([{ code: 'REFUSED_OPTION', severity: 'error', object: 'ClusterSpec', path, message }]);
}

function pickContract(asked: Contract | undefined, supported: readonly Contract[], flavor: Flavor, path: string, what: string): Contract {
  const c = asked ?? supported[0]!;
  if (!supported.includes(c)) {
    const why = flavor.refusals[c];
    refuse(path, `flavor ${flavor.id} does not support ${what} ${c}${why === undefined ? '' : `: ${why}`}; supported: ${supported.join(', ')}`);
  }
  return c;
}

function parseRendered(text: string, file: string): KubeObject[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const out: KubeObject[] = [];
  const issues: Issue[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      issues.push({ code: 'TEMPLATE', severity: 'error', object: file, path: '', message: `template output is not valid YAML: ${e.message}` });
    }
    const v = doc.toJSON() as unknown;
    if (v !== null && v !== undefined) out.push(v as KubeObject);
  }
  if (issues.length > 0) throw new CapiGenError(issues);
  return out;
}

/**
 * Renders a cluster spec into every CAPI object needed to create the cluster, hardened by
 * default and validated against the vendored CRDs. Throws a {@link CapiGenError} for an
 * invalid spec, a refused option, or output that fails validation.
 */
export async function renderCluster(spec: ClusterSpec, options: RenderOptions = {}): Promise<RenderResult> {
  const templatesDir = options.templatesDir ?? defaultTemplatesDir();
  // Schema, rule and flavor problems together (the flavor's are in model/flavor-rules.ts): with
  // none, the flavor loads and the spec fits it.
  const specIssues = checkClusterSpec(spec, { templatesDir });
  if (specIssues.length > 0) throw new CapiGenError(specIssues);
  const flavor = loadFlavor(spec.flavor, templatesDir);
  const contract = pickContract(options.contract ?? spec.contract, flavor.contracts, flavor, '/contract', 'contract');
  const infrastructureContract = pickContract(
    options.infrastructureContract ?? spec.infrastructureContract,
    flavor.infrastructureContracts,
    flavor,
    '/infrastructureContract',
    'infrastructure contract',
  );

  registerPartials(join(templatesDir, 'partials'));
  const view = buildViewModel(spec, flavor, contract, infrastructureContract);
  let objects: KubeObject[] = [];
  for (const t of flavor.templates) {
    const file = join(flavor.dir, t);
    let text: string;
    try {
      text = renderTemplate(readFileSync(file, 'utf8'), file, view);
    } catch (e) {
      throw new CapiGenError([{ code: 'TEMPLATE', severity: 'error', object: file, path: '', message: (e as Error).message }]);
    }
    objects.push(...parseRendered(text, file));
  }
  objects = convertObjects(objects, { capi: contract, infrastructure: infrastructureContract });
  if (options.noHardening !== true) {
    for (const t of TRANSFORMS) objects = t.apply(objects, { hardening: spec.hardening, templatesDir, ...(options.builtinTemplatesDir === undefined ? {} : { builtinTemplatesDir: options.builtinTemplatesDir }) });
  }

  const invalid: Issue[] = [];
  for (const o of objects) {
    for (const i of await validateObject(o)) invalid.push({ ...i, code: 'OUTPUT_INVALID', message: `${i.code}: ${i.message} (flavor ${flavor.id}, contract ${contract}; this is a capi-gen bug, please report it)` });
  }
  invalid.push(...checkUserDataSize(objects, flavor));
  if (invalid.length > 0) throw new CapiGenError(invalid);
  return { flavor: flavor.id, infrastructure: flavor.infrastructure, contract, infrastructureContract, objects, yaml: objectsToYaml(objects) };
}

/** Parses a spec file (with file:line:col in errors) and renders it. */
export async function renderClusterFromText(text: string, file: string, options: RenderOptions = {}): Promise<RenderResult> {
  const parsed = parseClusterSpecDocument(text, file, { templatesDir: options.templatesDir ?? defaultTemplatesDir() });
  try {
    return await renderCluster(parsed.spec, options);
  } catch (e) {
    if (e instanceof CapiGenError) throw new CapiGenError(parsed.place(e.issues));
    throw e;
  }
}
