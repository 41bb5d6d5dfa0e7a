import { CRDS, findCrd, loadSchema, loadValidator } from '@capi-gen/crds';
import type { StructuralSchema } from '@capi-gen/crds';
import type { Issue } from '../errors.ts';
import { hasPlaceholder } from '../yaml/placeholders.ts';
import { describeAjvErrors } from './ajv-messages.ts';
import { valueAt } from './pointer.ts';
import { applyDefaults, checkListTypes, evaluateRules } from './structural.ts';
import type { ValidateObjectOptions } from './types.ts';

/** A finding on one object before it is tied to a source position. */
export interface ObjectIssue extends Issue {
  /** True when the finding is about a key rather than a value (position the key). */
  readonly atKey: boolean;
}

/** What {@link checkObject} found: whether a vendored CRD applied, and the findings. */
export interface ObjectCheck {
  readonly object: string;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly checked: boolean;
  readonly issues: readonly ObjectIssue[];
}

// Every API group of Cluster API and its providers ends with this suffix.
const CAPI_GROUP_SUFFIX = 'cluster.x-k8s.io';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `Kind/name`, `Kind`, or `document N` (1-based) for an object that has no kind. */
export function objectLabel(value: unknown, index?: number): string {
  if (isPlainObject(value) && typeof value['kind'] === 'string') {
    const meta = value['metadata'];
    const name = isPlainObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : undefined;
    return name === undefined ? value['kind'] : `${value['kind']}/${name}`;
  }
  return index === undefined ? 'object' : `document ${index + 1}`;
}

function containsPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return hasPlaceholder(v);
  if (Array.isArray(v)) return v.some(containsPlaceholder);
  if (isPlainObject(v)) return Object.entries(v).some(([k, x]) => hasPlaceholder(k) || containsPlaceholder(x));
  return false;
}

function apiVersionProblem(apiVersion: string, kind: string, object: string): ObjectIssue | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  if (!group.endsWith(CAPI_GROUP_SUFFIX)) return undefined;
  const sameKind = CRDS.filter((c) => c.kind === kind);
  if (sameKind.length === 0) return undefined;
  const inGroup = sameKind.filter((c) => c.group === group);
  const served = (list: typeof sameKind): string => list.map((c) => `${c.group}/${c.version}`).join(', ');
  if (inGroup.length === 0) {
    return {
      code: 'WRONG_API_GROUP',
      severity: 'error',
      object,
      path: '/apiVersion',
      atKey: false,
      message: `${kind} is not served by the API group "${group}"; it is served as ${served(sameKind)}`,
    };
  }
  return {
    code: 'UNKNOWN_API_VERSION',
    severity: 'error',
    object,
    path: '/apiVersion',
    atKey: false,
    message: `${apiVersion} ${kind} is not served by the vendored CRDs (removed or never released); served versions: ${served(inGroup)}`,
  };
}

/**
 * Checks one object as kube-apiserver would on create: CRD defaults applied first (on a
 * copy, nulls pruned), then the precompiled schema validator (unknown fields, types, enums,
 * patterns, limits, formats, ObjectMeta), list-type uniqueness and every CEL rule.
 */
export async function checkObject(value: unknown, options: ValidateObjectOptions = {}, index?: number): Promise<ObjectCheck> {
  const object = objectLabel(value, index);
  if (!isPlainObject(value) || typeof value['apiVersion'] !== 'string' || typeof value['kind'] !== 'string') {
    const apiVersion = isPlainObject(value) && typeof value['apiVersion'] === 'string' ? value['apiVersion'] : undefined;
    const kind = isPlainObject(value) && typeof value['kind'] === 'string' ? value['kind'] : undefined;
    return {
      object,
      apiVersion,
      kind,
      checked: false,
      issues: [
        {
          code: 'NOT_AN_OBJECT',
          severity: 'error',
          object,
          path: '',
          atKey: false,
          message: isPlainObject(value)
            ? 'a Kubernetes object needs string fields "apiVersion" and "kind"'
            : `a Kubernetes object must be a mapping, got ${Array.isArray(value) ? 'a list' : typeof value}`,
        },
      ],
    };
  }
  const apiVersion = value['apiVersion'];
  const kind = value['kind'];
  if (findCrd(apiVersion, kind) === undefined) {
    const problem = apiVersionProblem(apiVersion, kind, object);
    return { object, apiVersion, kind, checked: false, issues: problem === undefined ? [] : [problem] };
  }
  const [validate, schema] = await Promise.all([loadValidator(apiVersion, kind), loadSchema(apiVersion, kind)]);
  if (validate === undefined || schema === undefined) {
    throw new Error(`capi-gen: registry lists ${apiVersion} ${kind} but its validator is missing; run pnpm gen`);
  }
  return { object, apiVersion, kind, checked: true, issues: checkWithSchema(value, schema, validate, object, options) };
}

function checkWithSchema(
  value: Record<string, unknown>,
  schema: StructuralSchema,
  validate: NonNullable<Awaited<ReturnType<typeof loadValidator>>>,
  object: string,
  options: ValidateObjectOptions,
): ObjectIssue[] {
  const defaulted = applyDefaults(value, schema);
  const issues: ObjectIssue[] = [];
  const skip = (subject: unknown): boolean => options.placeholders === true && containsPlaceholder(subject);

  if (!validate(defaulted)) {
    for (const f of describeAjvErrors(validate.errors ?? [], defaulted, schema)) {
      if (skip(f.subject)) continue;
      issues.push({ code: f.code, severity: 'error', object, path: f.path, message: f.message, atKey: f.atKey });
    }
  }
  const meta = value['metadata'];
  const named = isPlainObject(meta) && (typeof meta['name'] === 'string' || typeof meta['generateName'] === 'string');
  if (!named) {
    issues.push({
      code: 'METADATA',
      severity: 'error',
      object,
      path: '/metadata/name',
      atKey: false,
      message: 'metadata.name is required (or metadata.generateName) to create the object',
    });
  }
  for (const f of [...checkListTypes(defaulted, schema), ...evaluateRules(defaulted, schema)]) {
    if (skip(valueAt(defaulted, f.path))) continue;
    issues.push({
      code: f.code,
      severity: 'error',
      object,
      path: f.path,
      message: f.message,
      atKey: false,
      ...(f.rule === undefined ? {} : { rule: f.rule }),
    });
  }
  return issues;
}

/**
 * Validates one object (already parsed) like an API server create. Returns the findings
 * without source positions; use {@link validateText} for YAML text with positions.
 */
export async function validateObject(value: unknown, options: ValidateObjectOptions = {}): Promise<Issue[]> {
  const result = await checkObject(value, options);
  return result.issues.map(({ atKey: _atKey, ...issue }) => issue);
}
