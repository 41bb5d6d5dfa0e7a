// `capi-gen cloud-init`: read one manifest or clusterctl template (file or stdin), pick the
// machine, and return the user-data its bootstrap provider would build (@capi-gen/core's
// previewUserData), as cloud-config text or JSON with the steps. Returns values only; main.ts
// prints them and picks the exit code.
import { CapiGenError, loadDocuments, previewUserData, type Issue, type KubeObject, type LoadedDocument, type PreviewMachine, type UserDataPreview } from '@capi-gen/core';
import { readInput } from './_read-input.ts';

/** Options of {@link runCloudInit}, already parsed by main.ts. */
export interface CloudInitCommandOptions {
  /** A file, or `-` for stdin. */
  readonly input: string;
  readonly machine: PreviewMachine;
  readonly pool: string | undefined;
  readonly controlPlane: string | undefined;
  readonly format: 'yaml' | 'json';
  readonly readStdin: () => Promise<string>;
}

export type CloudInitOutcome =
  /** Built: `stdout` is the user-data (or JSON), `stderr` the notes. */
  | { readonly kind: 'done'; readonly stdout: string; readonly stderr: readonly string[] }
  /** Unreadable input, YAML syntax errors, missing or ambiguous objects: nothing on stdout. */
  | { readonly kind: 'failed'; readonly lines: readonly string[] };

function isKubeObject(v: unknown): v is KubeObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const meta = o['metadata'];
  return typeof o['apiVersion'] === 'string' && typeof o['kind'] === 'string' && meta !== null && typeof meta === 'object' && typeof (meta as Record<string, unknown>)['name'] === 'string';
}

/** The JSON form: stable keys, 2-space indent, final newline. */
function toJson(p: UserDataPreview): string {
  return `${JSON.stringify(
    { provider: p.provider, machine: p.machine, objects: p.objects, clusterctlPlaceholders: p.clusterctlPlaceholders, notes: p.notes, sources: p.sources, steps: p.steps, userData: p.userData },
    null,
    2,
  )}\n`;
}

/** Reads the input and builds the preview. */
export async function runCloudInit(options: CloudInitCommandOptions): Promise<CloudInitOutcome> {
  const file = options.input;
  const read = await readInput(file, options.readStdin, file);
  if ('problem' in read) return { kind: 'failed', lines: [read.problem] };
  const text = read.text;
  const docs = loadDocuments(text, { file, placeholders: text.includes('${') });
  const syntax = docs.flatMap((d) => d.issues.filter((i) => i.severity === 'error'));
  if (syntax.length > 0) {
    return {
      kind: 'failed',
      lines: syntax.map((i) => `capi-gen: ${i.source === undefined ? file : `${i.source.file}:${i.source.line}:${i.source.col}`}: ${i.message}; fix the YAML first (capi-gen validate ${file} shows every problem)`),
    };
  }
  const objects: KubeObject[] = [];
  const docOf = new Map<KubeObject, LoadedDocument>();
  for (const d of docs) {
    if (isKubeObject(d.value)) {
      objects.push(d.value);
      docOf.set(d.value, d);
    }
  }
  if (objects.length === 0 && docs.some((d) => d.value !== null && typeof d.value === 'object' && 'flavor' in d.value && !('kind' in d.value))) {
    return { kind: 'failed', lines: [`capi-gen: ${file}: this is a capi-gen cluster spec, not a manifest; render it first: capi-gen render ${file} | capi-gen cloud-init - --machine ${options.machine}`] };
  }
  let preview: UserDataPreview;
  try {
    preview = previewUserData(objects, {
      machine: options.machine,
      ...(options.pool === undefined ? {} : { pool: options.pool }),
      ...(options.controlPlane === undefined ? {} : { controlPlane: options.controlPlane }),
    });
  } catch (err) {
    if (!(err instanceof CapiGenError)) throw err;
    return { kind: 'failed', lines: err.issues.map((i) => describeIssue(file, i, objects, docOf)) };
  }
  const stderr = preview.notes.map((n) => `capi-gen: note: ${n}\n`);
  stderr.push(`capi-gen: ${preview.machine} machine of ${preview.objects.join(' -> ')} (${preview.provider} bootstrap provider); placeholders mark what only the controllers know\n`);
  return { kind: 'done', stdout: options.format === 'json' ? toJson(preview) : preview.userData, stderr };
}

/** `capi-gen: file:line:col: Kind/name /pointer: message`, or `capi-gen: file: message` when no object is at fault. */
function describeIssue(file: string, issue: Issue, objects: readonly KubeObject[], docOf: ReadonlyMap<KubeObject, LoadedDocument>): string {
  if (issue.object === '') return `capi-gen: ${file}: ${issue.message}`;
  const slash = issue.object.indexOf('/');
  const kind = issue.object.slice(0, slash);
  const name = issue.object.slice(slash + 1);
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  const doc = obj === undefined ? undefined : docOf.get(obj);
  const at = doc === undefined ? file : (() => {
    const p = doc.locate(issue.path);
    return `${file}:${p.line}:${p.col}`;
  })();
  return `capi-gen: ${at}: ${issue.object} ${issue.path}: ${issue.message}`;
}
