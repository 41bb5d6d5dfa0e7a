// `capi-gen render`: read a cluster spec, render it with @capi-gen/core, and either return the
// YAML stream or write one file per object. Returns values only; main.ts prints them and picks
// the exit code. Nothing is written (to stdout or to -o) unless the whole render succeeded.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CapiGenError, formatIssue, objectToYaml, parseClusterSpecDocument, renderCluster, type ClusterSpec, type Contract, type Issue, type KubeObject, type ParsedSpec } from '@capi-gen/core';
import type { PrintedOrWritten } from '../args.ts';
import { STDIN } from './_read-input.ts';

/** Options of {@link runRender}, already checked by main.ts. */
export interface RenderCommandOptions {
  /** The spec file as the user wrote it, or `-` for stdin. */
  readonly input: string;
  /** Directory for one file per object; stdout when absent. */
  readonly outDir?: string;
  readonly contract?: Contract;
  readonly infrastructureContract?: Contract;
  /** `--templates`: a folder with flavors/<id>/; absent means the built-in flavors. */
  readonly templatesDir?: string;
  /** The built-in flavors shipped beside the bundle (dist/templates). */
  readonly builtinTemplatesDir: string;
  readonly noHardening: boolean;
  /** Reads all of stdin; called only when the input is `-`. */
  readonly readStdin: () => Promise<string>;
}


function describeFsError(verb: 'read' | 'write', path: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory; check the path'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied; check its permissions'
        : code === 'EISDIR'
          ? 'it is a directory; pass the spec file'
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? 'a path component is not a directory; check the path'
            : `${err instanceof Error ? err.message : String(err)}; check the path`;
  return `capi-gen: cannot ${verb} ${path}: ${why}`;
}

/**
 * The position of a top-level key (`contract:`, `flavor:`) in a block-style spec, for issues the
 * library reports without one (flavor refusals, missing sections). Nested paths and flow-style
 * or JSON specs get no position; the pointer still says where.
 */
function locateTopLevelKey(text: string, path: string): { line: number; col: number } | undefined {
  const m = /^\/([A-Za-z$]+)$/.exec(path);
  if (m === null) return undefined;
  const lines = text.split(/\r?\n/);
  const key = new RegExp(`^(["']?)${m[1]!.replace('$', '\\$')}\\1[ \\t]*:(?:[ \\t]+|$)`);
  for (const [i, line] of lines.entries()) {
    const hit = key.exec(line);
    if (hit === null) continue;
    // Point at the value when it is on the same line, as the spec loader does.
    const value = hit[0].length < line.length && !line.slice(hit[0].length).startsWith('#');
    return { line: i + 1, col: value ? hit[0].length + 1 : 1 };
  }
  return undefined;
}

function issueLine(raw: Issue, file: string, text: string, spec: ClusterSpec | undefined, fromOption: ReadonlyMap<string, string>): string {
  if (raw.source !== undefined) return formatIssue(raw);
  // Flavor refusals are reported against the bare `ClusterSpec`; name it as spec findings do.
  const issue = raw.object === 'ClusterSpec' && spec !== undefined ? { ...raw, object: `ClusterSpec/${spec.name}` } : raw;
  // A refusal of a command-line option is about the option, not about a place in the file.
  const option = fromOption.get(issue.path);
  if (issue.code === 'REFUSED_OPTION' && option !== undefined) return `capi-gen: ${option}: ${formatIssue(issue)}`;
  const pos = locateTopLevelKey(text, issue.path);
  return formatIssue({ ...issue, source: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 } });
}

/** `<NN>-<kind>-<name>.yaml`, NN the 1-based output position with at least two digits. */
function objectFileName(index: number, object: KubeObject): string {
  const safe = (s: string): string => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  return `${String(index + 1).padStart(2, '0')}-${safe(object.kind)}-${safe(object.metadata.name)}.yaml`;
}

const RENDERED_FILE = /^\d{2,}-[a-z0-9.-]+\.yaml$/;

async function writeObjects(dir: string, objects: readonly KubeObject[]): Promise<PrintedOrWritten> {
  try {
    await mkdir(dir, { recursive: true });
    const info = await stat(dir);
    if (!info.isDirectory()) return { kind: 'failed', lines: [`capi-gen: cannot write to ${dir}: it is not a directory; pass a directory to -o`] };
  } catch (err) {
    return { kind: 'failed', lines: [describeFsError('write', dir, err)] };
  }
  const files = objects.map((o, i) => objectFileName(i, o));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f)) return { kind: 'failed', lines: [`capi-gen: two objects map to the same file name ${f}; this is a capi-gen bug, please report it with the spec`] };
    seen.add(f);
  }
  // Files of an earlier render that this one does not write would be applied too by
  // `kubectl apply -f <dir>`; capi-gen never deletes files it did not just write, so it says so.
  const stale = (await readdir(dir)).filter((f) => RENDERED_FILE.test(f) && !seen.has(f)).sort();
  for (const [i, o] of objects.entries()) {
    const path = join(dir, files[i]!);
    try {
      await writeFile(path, objectToYaml(o));
    } catch (err) {
      return { kind: 'failed', lines: [describeFsError('write', path, err)] };
    }
  }
  const notes = stale.map((f) => `capi-gen: note: ${join(dir, f)} was not written by this render (left over from an earlier one?); delete it before applying ${dir}`);
  return { kind: 'written', dir, files, notes };
}

/** Reads the spec, renders it, and returns the YAML or writes the files. Never throws for bad input. */
export async function runRender(options: RenderCommandOptions): Promise<PrintedOrWritten> {
  const file = options.input;
  let text: string;
  try {
    text = file === STDIN ? await options.readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    return { kind: 'failed', lines: [describeFsError('read', file === STDIN ? 'stdin' : file, err)] };
  }
  const templatesDir = options.templatesDir ?? options.builtinTemplatesDir;
  if (options.templatesDir !== undefined) {
    const info = await stat(options.templatesDir).catch(() => undefined);
    if (info?.isDirectory() !== true) {
      return { kind: 'failed', lines: [`capi-gen: --templates ${options.templatesDir} is not a directory; pass a folder that holds flavors/<id>/flavor.yaml`] };
    }
  }
  const fromOption = new Map<string, string>();
  if (options.contract !== undefined) fromOption.set('/contract', `--contract ${options.contract}`);
  if (options.infrastructureContract !== undefined) fromOption.set('/infrastructureContract', `--infrastructure-contract ${options.infrastructureContract}`);

  let spec: ClusterSpec | undefined;
  let parsed: ParsedSpec | undefined;
  let objects: readonly KubeObject[];
  let yaml: string;
  try {
    // Parse first (issues with file:line:col), then render the checked spec.
    parsed = parseClusterSpecDocument(text, file, { templatesDir });
    spec = parsed.spec;
    const result = await renderCluster(spec, {
      templatesDir,
      // why: a --templates folder without scripts/ takes the node scripts from the built-in
      // templates, which the bundle finds only here (dist/templates), not by package resolution.
      builtinTemplatesDir: options.builtinTemplatesDir,
      ...(options.contract === undefined ? {} : { contract: options.contract }),
      ...(options.infrastructureContract === undefined ? {} : { infrastructureContract: options.infrastructureContract }),
      noHardening: options.noHardening,
    });
    if (options.infrastructureContract !== undefined && result.infrastructure !== 'openstack') {
      // why: the option picks CAPO's API version; a Docker flavor's kinds follow --contract, so
      // accepting it would suggest a choice that changes nothing in the output.
      return {
        kind: 'failed',
        lines: [
          `capi-gen: refused --infrastructure-contract ${options.infrastructureContract}: it picks the API version of the OpenStack provider (CAPO) and applies only to OpenStack flavors (built in: kubeadm-openstack, microk8s-openstack; or a --templates flavor with infrastructure: openstack); flavor ${result.flavor} runs on ${result.infrastructure}, whose kinds follow --contract; drop the option`,
        ],
      };
    }
    objects = result.objects;
    yaml = result.yaml;
  } catch (err) {
    if (!(err instanceof CapiGenError)) throw err;
    // why: findings of render (flavor rules such as /hardening/certificates/renewOnNode) get the
    // line of the field they name; refusals of a command-line option stay about the option.
    const placed = (i: Issue): Issue => (parsed === undefined || (i.code === 'REFUSED_OPTION' && fromOption.has(i.path)) ? i : (parsed.place([i])[0] ?? i));
    const lines = err.issues.map((i) => issueLine(placed(i), file, text, spec, fromOption));
    if (err.issues.some((i) => i.code === 'OUTPUT_INVALID')) {
      lines.push('capi-gen: the rendered manifests failed validation; this is a bug in capi-gen or in the flavor, not in your spec; please report it with the spec and the lines above');
    }
    return { kind: 'failed', lines };
  }
  if (options.outDir === undefined) return { kind: 'stdout', text: yaml };
  return writeObjects(options.outDir, objects);
}
