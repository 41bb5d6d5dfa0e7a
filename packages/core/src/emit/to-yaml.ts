// The one place where objects become YAML text. Pinned options, so output is byte-for-byte
// deterministic and safe for YAML 1.1 readers (Go's sigs.k8s.io/yaml, cloud-init's PyYAML):
// version 1.1 makes the emitter quote strings such as `on`, `yes`, `0755`, `1:30`;
// lineWidth 0 and literal block scalars keep scripts unfolded.
import { stringify } from 'yaml';

/** A Kubernetes object as capi-gen handles it between templates and output. */
export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> };

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    // v1beta2 APIs reject empty lists (minItems: 1); an absent list means the same.
    if (Array.isArray(x) && x.length === 0) continue;
    out[k] = prune(x);
  }
  return out;
}

function ordered(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIRST_KEYS) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/** One object as a YAML document (without the leading `---`). */
export function objectToYaml(obj: Record<string, unknown>): string {
  return stringify(ordered(prune(obj) as Record<string, unknown>), {
    version: '1.1',
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: 'literal',
    indentSeq: true,
    aliasDuplicateObjects: false,
  });
}

/** A multi-document YAML stream, each document introduced by `---`. */
export function objectsToYaml(objects: readonly Record<string, unknown>[]): string {
  return objects.map((o) => `---\n${objectToYaml(o)}`).join('');
}
