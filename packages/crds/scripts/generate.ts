// The only writer of packages/crds/gen/ and packages/crds/PROVENANCE.md.
//
// Reads the upstream CRDs listed in ../sources.json from the shared reference folder
// ($CAPI_GEN_SHARED/crds, else <repo>/../shared/crds), and for every served version writes:
//   gen/schemas/<group>/<version>/<Kind>.js      structural schema: upstream description prose
//                                                stripped, objects closed, ObjectMeta checked
//   gen/validators/<group>/<version>/<Kind>.js   Ajv standalone ESM validator of that schema
//   gen/types/<group>/<version>.d.ts             TypeScript types, one interface per kind
//   gen/index.js + gen/index.d.ts                the registry and lazy loaders
// Output is deterministic: run it twice and nothing changes (CI checks with git diff).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, _ } from 'ajv';
// why: a CommonJS module whose module.exports is the function and also carries it as .default;
// TypeScript types the default import as the module, so call .default (same function at run time).
import standalone from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';
import { parse as parseYaml } from 'yaml';
import { formats } from '../runtime/formats.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

interface Source {
  file: string;
  repo: string;
  path: string;
  commit: string;
  ref: string;
  note?: string;
}

interface Entry {
  group: string;
  version: string;
  kind: string;
  plural: string;
  scope: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  source: Source;
  schema: Schema;
}

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repoDir = resolve(pkgDir, '..', '..');
const genDir = join(pkgDir, 'gen');
const sharedDir = process.env['CAPI_GEN_SHARED'] ?? resolve(repoDir, '..', 'shared');
const crdDir = join(sharedDir, 'crds');

const sourcesDoc = JSON.parse(readFileSync(join(pkgDir, 'sources.json'), 'utf8')) as {
  sources: Source[];
  apiDocs: Record<string, string>;
};

// Keywords of OpenAPI v3 schema objects whose values are themselves schemas or maps of them.
// `description` is dropped only where it is a keyword, never where it is a property name.
const DROP_KEYWORDS = new Set(['description', 'example', 'externalDocs']);

function strip(node: Json): Json {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROP_KEYWORDS.has(k)) continue;
    if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const props: Schema = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = strip(pv);
      out[k] = props;
    } else if (k === 'default' || k === 'enum' || k === 'x-kubernetes-validations') {
      // Data, not schema: keep verbatim (rule texts and messages are needed to evaluate CEL).
      out[k] = k === 'x-kubernetes-validations' ? stripRuleDocs(v) : v;
    } else {
      out[k] = strip(v);
    }
  }
  return out;
}

function stripRuleDocs(rules: Json): Json {
  if (!Array.isArray(rules)) return rules;
  return rules.map((r) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return r;
    const { rule, message, messageExpression, reason, fieldPath, optionalOldSelf } = r;
    const kept: Schema = {};
    for (const [k, v] of Object.entries({ rule, message, messageExpression, reason, fieldPath, optionalOldSelf })) {
      if (v !== undefined) kept[k] = v;
    }
    return kept;
  });
}

// Kubernetes prunes unknown fields; `kubectl --validate=strict` reports them. Ajv needs an
// explicit additionalProperties:false on every object that does not preserve unknown fields.
function close(node: Json): Json {
  if (Array.isArray(node) || node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const props: Schema = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = close(pv);
      out[k] = props;
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = close(v);
    } else if (k === 'anyOf' || k === 'allOf' || k === 'oneOf') {
      out[k] = Array.isArray(v) ? v.map(close) : v;
    } else {
      out[k] = v;
    }
  }
  if (
    out['type'] === 'object' &&
    out['additionalProperties'] === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

// ObjectMeta as kube-apiserver validates it for custom resources
// (k8s.io/apimachinery/pkg/api/validation ValidateObjectMeta; names use NameIsDNSSubdomain).
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const QUALIFIED_NAME =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

const OBJECT_META: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 253, pattern: DNS1123_SUBDOMAIN },
    generateName: { type: 'string', maxLength: 253 },
    namespace: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    },
    annotations: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string' },
    },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
    },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: ['string', 'null'] },
    deletionTimestamp: { type: ['string', 'null'] },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    selfLink: { type: 'string' },
    managedFields: { type: 'array', items: { type: 'object' } },
  },
};

function buildSchema(openAPIV3Schema: Json, group: string, version: string, kind: string): Schema {
  const stripped = strip(openAPIV3Schema) as Schema;
  const props = { ...(stripped['properties'] as Schema) };
  props['apiVersion'] = { type: 'string', enum: [`${group}/${version}`] };
  props['kind'] = { type: 'string', enum: [kind] };
  delete props['metadata'];
  const closed = close({ ...stripped, properties: props }) as Schema;
  const required = new Set<string>(['apiVersion', 'kind', ...((stripped['required'] as string[] | undefined) ?? [])]);
  return {
    ...closed,
    required: [...required],
    properties: { apiVersion: props['apiVersion']!, kind: props['kind']!, metadata: OBJECT_META, ...omit(closed['properties'] as Schema, ['apiVersion', 'kind']) },
  };
}

function omit(o: Schema, keys: string[]): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function collectFormats(node: Json, acc: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => collectFormats(n, acc));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') acc.add(v);
      else if (k !== 'enum' && k !== 'default') collectFormats(v, acc);
    }
  }
  return acc;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strictTypes: false,
    messages: true,
    ownProperties: true,
    code: { source: true, esm: true, formats: _`formats`, lines: false },
  });
  for (const [name, f] of Object.entries(formats as Record<string, { type: 'number' | 'string'; validate: (x: never) => boolean }>)) {
    ajv.addFormat(name, { type: f.type, validate: f.validate as (x: never) => boolean } as never);
  }
  ajv.addVocabulary([
    'x-kubernetes-validations',
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
  ]);
  return ajv;
}

function header(source: string): string {
  return `// Generated by packages/crds/scripts/generate.ts from ${source}. Do not edit.\n`;
}

function write(rel: string, text: string): void {
  const p = join(genDir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

function typeName(kind: string): string {
  return kind;
}

async function main(): Promise<void> {
  if (!existsSync(crdDir)) {
    console.error(`capi-gen gen: no CRD folder at ${crdDir}; set CAPI_GEN_SHARED to the folder that holds crds/`);
    process.exit(2);
  }
  rmSync(genDir, { recursive: true, force: true });
  const entries: Entry[] = [];
  const shas = new Map<string, string>();
  for (const source of sourcesDoc.sources) {
    const buf = readFileSync(join(crdDir, source.file));
    shas.set(source.file, sha256(buf));
    const crd = parseYaml(buf.toString('utf8')) as Schema;
    const spec = crd['spec'] as Schema;
    const names = spec['names'] as Schema;
    const group = spec['group'] as string;
    for (const v of spec['versions'] as Schema[]) {
      if (v['served'] !== true) continue;
      const version = v['name'] as string;
      const kind = names['kind'] as string;
      const schema = buildSchema((v['schema'] as Schema)['openAPIV3Schema']!, group, version, kind);
      entries.push({
        group,
        version,
        kind,
        plural: names['plural'] as string,
        scope: spec['scope'] as string,
        served: true,
        storage: v['storage'] === true,
        deprecated: v['deprecated'] === true,
        source,
        schema,
      });
    }
  }
  entries.sort((a, b) => `${a.group}/${a.version}/${a.kind}`.localeCompare(`${b.group}/${b.version}/${b.kind}`));

  const known = new Set(Object.keys(formats as object));
  const ajv = makeAjv();
  const typeChunks = new Map<string, string[]>();
  for (const e of entries) {
    const used = collectFormats(e.schema, new Set());
    for (const f of used) {
      if (!known.has(f)) throw new Error(`${e.kind} ${e.version} uses format "${f}", which runtime/formats.js does not implement`);
    }
    const rel = `${e.group}/${e.version}/${e.kind}.js`;
    const src = `crds/${e.source.file}`;
    write(`schemas/${rel}`, `${header(src)}export default JSON.parse(${JSON.stringify(JSON.stringify(e.schema))});\n`);

    const validate = ajv.compile(e.schema);
    let code = standalone.default(ajv, validate);
    code = code.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length');
    if (/require\(/.test(code)) throw new Error(`standalone code for ${rel} still requires a CommonJS module`);
    code = code.replace(/^"use strict";/, '');
    write(
      `validators/${rel}`,
      `${header(src)}import { formats, ucs2length } from '../../../../runtime/formats.js';\n${code}\n`,
    );
    ajv.removeSchema(e.schema);

    const forTypes = { ...e.schema, properties: { ...(e.schema['properties'] as Schema) } } as Schema;
    (forTypes['properties'] as Schema)['apiVersion'] = { type: 'string', const: `${e.group}/${e.version}` };
    (forTypes['properties'] as Schema)['kind'] = { type: 'string', const: e.kind };
    const ts = await compile(forTypes as never, typeName(e.kind), {
      bannerComment: `/** ${e.kind} (${e.group}/${e.version}). @schema ${e.group}.${e.version}.${e.kind} */`,
      additionalProperties: true,
      strictIndexSignatures: true,
      unknownAny: true,
      format: true,
      declareExternallyReferenced: true,
      enableConstEnums: false,
      style: { singleQuote: true, printWidth: 120 },
    });
    const key = `${e.group}/${e.version}`;
    const list = typeChunks.get(key) ?? [];
    list.push(ts.trim());
    typeChunks.set(key, list);
  }

  for (const [key, chunks] of [...typeChunks.entries()].sort()) {
    write(
      `types/${key}.d.ts`,
      `${header('crds/*')}// Types for the served kinds of ${key}; see PROVENANCE.md for the upstream files.\n\n${chunks.join('\n\n')}\n`,
    );
  }

  writeIndex(entries);
  writeProvenance(entries, shas);
  console.log(`capi-gen gen: ${entries.length} served versions from ${sourcesDoc.sources.length} CRDs written to ${genDir}`);
}

function writeIndex(entries: Entry[]): void {
  const rows = entries.map((e) => ({
    group: e.group,
    version: e.version,
    kind: e.kind,
    plural: e.plural,
    scope: e.scope,
    storage: e.storage,
    deprecated: e.deprecated,
    repo: e.source.repo,
    commit: e.source.commit,
  }));
  const loaders = entries
    .map((e) => {
      const rel = `${e.group}/${e.version}/${e.kind}.js`;
      return `  '${e.group}/${e.version}/${e.kind}': [() => import('./validators/${rel}'), () => import('./schemas/${rel}')],`;
    })
    .join('\n');
  write(
    'index.js',
    `${header('crds/*')}
/** Every served version of every vendored CRD, sorted by group, version, kind. */
export const CRDS = Object.freeze(${JSON.stringify(rows, null, 2)}.map(Object.freeze));

const LOADERS = {
${loaders}
};

/** The registry entry for an apiVersion and kind, or undefined when no CRD serves it. */
export function findCrd(apiVersion, kind) {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return CRDS.find((c) => c.group === group && c.version === version && c.kind === kind);
}

/** Loads (once) the precompiled validator of one served version; undefined when none exists. */
export async function loadValidator(apiVersion, kind) {
  const l = LOADERS[apiVersion + '/' + kind];
  return l === undefined ? undefined : (await l[0]()).default;
}

/** Loads (once) the structural schema the validator was compiled from; undefined when none exists. */
export async function loadSchema(apiVersion, kind) {
  const l = LOADERS[apiVersion + '/' + kind];
  return l === undefined ? undefined : (await l[1]()).default;
}
`,
  );
  write(
    'index.d.ts',
    `${header('crds/*')}
/** One served version of a vendored CRD. */
export interface CrdEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: string;
  readonly storage: boolean;
  readonly deprecated: boolean;
  readonly repo: string;
  readonly commit: string;
}

/** An error as Ajv reports it. */
export interface ValidatorError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** A precompiled Ajv validator; errors are on the function after a call. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ValidatorError[] | null;
}

/** A structural schema node (JSON Schema with x-kubernetes-* extensions). */
export type StructuralSchema = { readonly [keyword: string]: unknown };

export declare const CRDS: readonly CrdEntry[];
export declare function findCrd(apiVersion: string, kind: string): CrdEntry | undefined;
export declare function loadValidator(apiVersion: string, kind: string): Promise<CompiledValidator | undefined>;
export declare function loadSchema(apiVersion: string, kind: string): Promise<StructuralSchema | undefined>;
`,
  );
}

function writeProvenance(entries: Entry[], shas: Map<string, string>): void {
  const lines: string[] = [
    '<!-- Generated by packages/crds/scripts/generate.ts from sources.json. Do not edit. -->',
    '# Provenance of the vendored CRD schemas',
    '',
    'Every schema, type and validator under `gen/` is derived from the upstream CustomResourceDefinition',
    'files below (Apache-2.0). Only the schema structure is kept: the upstream `description` prose is',
    'stripped. For field documentation read the upstream API docs linked per repository.',
    '',
    '| file | source repo | path in repo | ref | commit | sha256 of the upstream file | note |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of sourcesDoc.sources) {
    lines.push(
      `| \`${s.file}\` | [${s.repo}](https://github.com/${s.repo}) | [\`${s.path}\`](https://github.com/${s.repo}/blob/${s.commit}/${s.path}) | ${s.ref} | \`${s.commit}\` | \`${shas.get(s.file)}\` | ${s.note ?? ''} |`,
    );
  }
  lines.push('', '## Served versions', '', '| group | version | kind | storage | deprecated |', '|---|---|---|---|---|');
  for (const e of entries) {
    lines.push(`| ${e.group} | ${e.version} | ${e.kind} | ${e.storage ? 'yes' : ''} | ${e.deprecated ? 'yes' : ''} |`);
  }
  lines.push('', '## Upstream API documentation', '');
  for (const [repo, url] of Object.entries(sourcesDoc.apiDocs)) lines.push(`- ${repo}: ${url}`);
  lines.push('');
  writeFileSync(join(pkgDir, 'PROVENANCE.md'), lines.join('\n'));
}

await main();
