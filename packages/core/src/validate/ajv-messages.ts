import type { ValidatorError } from '@capi-gen/crds';
import type { IssueCode } from '../errors.ts';
import { childPointer, schemaAt, valueAt } from './pointer.ts';

/** An Ajv error turned into capi-gen's words: code, path, message. */
export interface SchemaFinding {
  readonly code: IssueCode;
  readonly path: string;
  readonly message: string;
  /** True when the finding is about a key (unknown field, bad label key), so the key is located. */
  readonly atKey: boolean;
  /** The offending value or key, to decide whether a clusterctl placeholder is involved. */
  readonly subject: unknown;
}

type SchemaNode = Readonly<Record<string, unknown>>;

const MAX_LISTED = 12;

// Kubernetes' own wording for the ObjectMeta rules, so users recognise them.
const METADATA_HINTS: Readonly<Record<string, string>> = {
  '/metadata/name':
    "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  '/metadata/namespace':
    "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
};

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function allowedKeys(schema: SchemaNode, pointer: string): string {
  const node = schemaAt(schema, pointer);
  const props = node?.['properties'] as Record<string, unknown> | undefined;
  const patterns = node?.['patternProperties'] as Record<string, unknown> | undefined;
  if (props === undefined && patterns !== undefined) return `keys must match ${Object.keys(patterns).join(' or ')}`;
  if (props === undefined) return 'this object takes no fields';
  const keys = Object.keys(props).sort();
  const listed = keys.slice(0, MAX_LISTED).join(', ');
  return `allowed here: ${listed}${keys.length > MAX_LISTED ? `, ... (${keys.length} in all)` : ''}`;
}

function codeFor(path: string, fallback: IssueCode): IssueCode {
  return path === '/metadata' || path.startsWith('/metadata/') ? 'METADATA' : fallback;
}

/**
 * Turns the raw Ajv errors of one object into findings: one per problem, anyOf branches
 * collapsed (int-or-string), each message naming what is wrong and what is allowed.
 */
export function describeAjvErrors(
  errors: readonly ValidatorError[],
  data: unknown,
  schema: SchemaNode,
  context: 'manifest' | 'spec' = 'manifest',
): SchemaFinding[] {
  // An anyOf failure reports every branch too; keep only the anyOf itself.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.instancePath}|${e.schemaPath}/`);
  const out: SchemaFinding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (anyOfPaths.some((p) => `${e.instancePath}|${e.schemaPath}`.startsWith(p))) continue;
    // propertyNames reports the failing sub-keyword and then a summary; keep the summary.
    if (e.schemaPath.includes('/propertyNames/') && e.keyword !== 'propertyNames') continue;
    const f = describe(e, data, schema, context);
    const key = `${f.code}|${f.path}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function describe(e: ValidatorError, data: unknown, schema: SchemaNode, context: 'manifest' | 'spec'): SchemaFinding {
  const path = e.instancePath;
  const value = valueAt(data, path);
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p['additionalProperty']);
      const at = childPointer(path, field);
      return {
        code: codeFor(path, 'UNKNOWN_FIELD'),
        path: at,
        atKey: true,
        subject: field,
        message:
          context === 'spec'
            ? `unknown key "${field}"; ${allowedKeys(schema, path)}`
            : `unknown field "${field}" (kube-apiserver would drop it; kubectl --validate=strict rejects it); ${allowedKeys(schema, path)}`,
      };
    }
    case 'required': {
      const field = String(p['missingProperty']);
      return {
        code: codeFor(path, 'SCHEMA'),
        path: childPointer(path, field),
        atKey: false,
        subject: undefined,
        message: `missing required field "${field}"`,
      };
    }
    case 'type': {
      const hint = p['type'] === 'string' && typeof value !== 'string' ? '; quote it if it is meant as text' : '';
      return {
        code: codeFor(path, 'SCHEMA'),
        path,
        atKey: false,
        subject: value,
        message: `must be ${String(p['type'])}, got ${show(value)}${hint}`,
      };
    }
    case 'anyOf': {
      const node = schemaAt(schema, path);
      const kinds = ((node?.['anyOf'] as SchemaNode[] | undefined) ?? []).map((b) => String(b['type'])).join(' or ');
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `must be ${kinds || 'one of the allowed shapes'}, got ${show(value)}` };
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `${show(value)} is not allowed; must be one of: ${allowed}` };
    }
    case 'pattern': {
      const hint = METADATA_HINTS[path];
      const msg = hint !== undefined ? `${show(value)} ${hint}` : `${show(value)} does not match the pattern ${String(p['pattern'])}`;
      if (path.startsWith('/metadata/labels/')) {
        return {
          code: 'METADATA',
          path,
          atKey: false,
          subject: value,
          message: `label value ${show(value)} is invalid: at most 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
        };
      }
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: msg };
    }
    case 'propertyNames': {
      const name = String(p['propertyName']);
      const what = path.endsWith('/labels') ? 'label' : path.endsWith('/annotations') ? 'annotation' : 'key';
      return {
        code: codeFor(path, 'SCHEMA'),
        path: childPointer(path, name),
        atKey: true,
        subject: name,
        message: `${what} key "${name}" is not a valid qualified name: an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      };
    }
    case 'format':
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `${show(value)} is not a valid ${String(p['format'])}` };
    case 'minItems':
      return {
        code: codeFor(path, 'SCHEMA'),
        path,
        atKey: false,
        subject: value,
        message:
          Number(p['limit']) === 1
            ? 'must not be an empty list; omit the field instead (v1beta2 APIs reject empty lists)'
            : `must have at least ${String(p['limit'])} items`,
      };
    case 'maxItems':
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `must have at most ${String(p['limit'])} items, has ${Array.isArray(value) ? value.length : '?'}` };
    case 'minLength':
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `must be at least ${String(p['limit'])} characters long, got ${show(value)}` };
    case 'maxLength':
      return {
        code: codeFor(path, 'SCHEMA'),
        path,
        atKey: false,
        subject: value,
        message: `must be at most ${String(p['limit'])} characters, has ${typeof value === 'string' ? [...value].length : '?'}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `${show(value)} ${e.message ?? 'is out of range'}` };
    case 'minProperties': {
      const n = Number(p['limit']);
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `must set at least ${n} field${n === 1 ? '' : 's'}; ${allowedKeys(schema, path)}` };
    }
    case 'maxProperties': {
      const n = Number(p['limit']);
      const set = value !== null && typeof value === 'object' ? Object.keys(value).join(', ') : '';
      return {
        code: codeFor(path, 'SCHEMA'),
        path,
        atKey: false,
        subject: value,
        message: `must set at most ${n} field${n === 1 ? '' : 's'} (they are alternatives), has ${set}`,
      };
    }
    default:
      return { code: codeFor(path, 'SCHEMA'), path, atKey: false, subject: value, message: `${e.message ?? e.keyword} (${e.keyword})` };
  }
}
