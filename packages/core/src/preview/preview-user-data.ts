// The user-data a bootstrap provider would build for one machine of a cluster (issue 5 item 9),
// from CAPI objects: a rendered manifest or a clusterctl template (placeholders stay as written).
// Written from the providers' behaviour as read in their source (see _microk8s.ts, _kubeadm.ts,
// and ../shared/notes/capi-facts.md section c); each step cites the file and commit it came from.
import type { KubeObject } from '../emit/to-yaml.ts';
import { CapiGenError, type Issue } from '../errors.ts';
import { hasClusterctlPlaceholder, rec, str, type SourceCitation, type UserDataStep } from './_common.ts';
import { buildKubeadmUserData } from './_kubeadm.ts';
import { buildMicroK8sUserData } from './_microk8s.ts';

export type { SourceCitation, StepOrigin, StepSection, UserDataStep } from './_common.ts';
export { CAPI_COMMIT, CAPI_REPO, MICROK8S_BOOTSTRAP_COMMIT, MICROK8S_BOOTSTRAP_REPO, goQuote } from './_common.ts';

/** Which machine of the cluster: the first control plane, another control plane, or a worker. */
export type PreviewMachine = 'init' | 'join' | 'worker';
export const PREVIEW_MACHINES: readonly PreviewMachine[] = ['init', 'join', 'worker'];

/** Options of {@link previewUserData}. */
export interface PreviewUserDataOptions {
  readonly machine: PreviewMachine;
  /** worker: the MachineDeployment's metadata.name; needed when there are several. */
  readonly pool?: string;
  /** The control plane's metadata.name; needed when the input holds several. */
  readonly controlPlane?: string;
}

/** What {@link previewUserData} returns. */
export interface UserDataPreview {
  readonly provider: 'microk8s' | 'kubeadm';
  readonly machine: PreviewMachine;
  /** The objects the user-data was built from, `Kind/name` (worker: MachineDeployment, then the config template). */
  readonly objects: readonly string[];
  /** The cloud-config text, starting with `## template: jinja` and `#cloud-config`. */
  readonly userData: string;
  /** write_files, bootcmd and runcmd steps, each section in the order cloud-init sees them. */
  readonly steps: readonly UserDataStep[];
  /** What the preview could not know and shows as placeholders, and other facts worth saying. */
  readonly notes: readonly string[];
  /** The input still holds clusterctl `${VAR}` placeholders; they are shown as written. */
  readonly clusterctlPlaceholders: boolean;
  /** The providers' sources read for this preview. */
  readonly sources: readonly SourceCitation[];
}

const CONTROL_PLANE_KINDS = ['MicroK8sControlPlane', 'KubeadmControlPlane'] as const;

function ident(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.name ?? ''}`;
}

function problem(object: string, path: string, message: string): Issue {
  return { code: 'REFUSED_OPTION', severity: 'error', object, path, message };
}

function fail(object: string, path: string, message: string): never {
  throw new CapiGenError([problem(object, path, message)]);
}

function sameNamespace(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata.namespace ?? 'default') === (b.metadata.namespace ?? 'default');
}

/** `"x"`, or `"default" (no metadata.namespace)`: how a namespace reads in a message. */
function namespaceText(ns: string | undefined): string {
  return ns === undefined || ns === '' ? '"default" (no metadata.namespace)' : JSON.stringify(ns);
}

/**
 * Why `ref` (found only in other namespaces) does not count: CAPI looks a bootstrap template up in
 * the MachineDeployment's own namespace, whatever the reference's `namespace` says.
 */
function namespaceMismatch(md: KubeObject, ref: string, found: readonly KubeObject[], refNamespace: string | undefined): string {
  const where = [...new Set(found.map((o) => namespaceText(o.metadata.namespace)))].join(', ');
  const mdNs = namespaceText(md.metadata.namespace);
  const asked = refNamespace === undefined ? '' : `, the reference asks for namespace ${JSON.stringify(refNamespace)}`;
  return `the MachineDeployment refers to ${ref}, which the input has only in namespace ${where}${asked}, and the MachineDeployment is in namespace ${mdNs}; CAPI looks the template up in the MachineDeployment's namespace, so give both objects the same metadata.namespace`;
}

function clusterOf(objects: readonly KubeObject[], owner: KubeObject, clusterName: string | undefined): KubeObject | undefined {
  const clusters = objects.filter((o) => o.kind === 'Cluster' && sameNamespace(o, owner));
  const byRef = clusters.find((c) => {
    const ref = rec(rec(c['spec'])?.['controlPlaneRef']);
    return clusterName !== undefined ? c.metadata.name === clusterName : ref?.['kind'] === owner.kind && ref['name'] === owner.metadata.name;
  });
  return byRef ?? (clusters.length === 1 ? clusters[0] : undefined);
}

function endpointHost(cluster: KubeObject | undefined): string | undefined {
  const host = str(rec(rec(cluster?.['spec'])?.['controlPlaneEndpoint'])?.['host']);
  return host === undefined || host === '' || hasClusterctlPlaceholder(host) ? undefined : host;
}

function pickControlPlane(objects: readonly KubeObject[], name: string | undefined): KubeObject {
  const cps = objects.filter((o) => (CONTROL_PLANE_KINDS as readonly string[]).includes(o.kind));
  if (name !== undefined) {
    const found = cps.find((o) => o.metadata.name === name);
    if (found === undefined) {
      fail('', '', `no MicroK8sControlPlane or KubeadmControlPlane named "${name}" in the input${cps.length === 0 ? '' : `; it has ${cps.map(ident).join(', ')}`}`);
    }
    return found;
  }
  if (cps.length === 0) {
    const cc = objects.some((o) => o.kind === 'ClusterClass' || o.kind === 'KubeadmControlPlaneTemplate');
    fail(
      '',
      '',
      `the input has no MicroK8sControlPlane or KubeadmControlPlane, so there is no control-plane machine to preview${cc ? ' (ClusterClass topologies are not expanded; preview a rendered manifest instead)' : ''}; give the manifest that holds the control plane`,
    );
  }
  if (cps.length > 1) fail('', '', `the input has several control planes (${cps.map(ident).join(', ')}); pick one with --control-plane <name>`);
  return cps[0]!;
}

interface WorkerPick {
  readonly md: KubeObject;
  readonly template: KubeObject;
}

function pickWorker(objects: readonly KubeObject[], pool: string | undefined): WorkerPick {
  const mds = objects.filter((o) => o.kind === 'MachineDeployment');
  let md: KubeObject | undefined;
  if (pool !== undefined) {
    md = mds.find((o) => o.metadata.name === pool);
    if (md === undefined) fail('', '', `no MachineDeployment named "${pool}" in the input; ${mds.length === 0 ? 'it has none' : `it has ${mds.map((m) => m.metadata.name).join(', ')}`}`);
  } else if (mds.length === 0) {
    fail('', '', 'the input has no MachineDeployment, so there is no worker to preview; give the manifest that holds the worker pools');
  } else if (mds.length > 1) {
    fail('', '', `the input has several MachineDeployments (${mds.map((m) => m.metadata.name).join(', ')}); pick one with --pool <name>`);
  } else md = mds[0]!;
  const pointer = '/spec/template/spec/bootstrap/configRef';
  const ref = rec(rec(rec(rec(rec(md!['spec'])?.['template'])?.['spec'])?.['bootstrap'])?.['configRef']);
  const kind = str(ref?.['kind']);
  const name = str(ref?.['name']);
  if (ref === undefined || kind === undefined || name === undefined) fail(ident(md!), pointer, 'the MachineDeployment has no bootstrap configRef {kind, name}; set it to a MicroK8sConfigTemplate or KubeadmConfigTemplate');
  if (kind !== 'MicroK8sConfigTemplate' && kind !== 'KubeadmConfigTemplate') {
    fail(ident(md!), `${pointer}/kind`, `bootstrap configRef kind ${kind} is not previewed; only MicroK8sConfigTemplate and KubeadmConfigTemplate are`);
  }
  const template = objects.find((o) => o.kind === kind && o.metadata.name === name && sameNamespace(o, md!));
  if (template === undefined) {
    const elsewhere = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (elsewhere.length === 0) fail(ident(md!), `${pointer}/name`, `the MachineDeployment refers to ${kind}/${name}, which is not in the input; give a manifest that holds both`);
    fail(ident(md!), `${pointer}/name`, namespaceMismatch(md!, `${kind}/${name}`, elsewhere, str(ref['namespace'])));
  }
  return { md: md!, template };
}

/**
 * The user-data the bootstrap provider would build for one machine, and its steps.
 *
 * Values only the controllers know (CA material, tokens, node addresses, the control-plane endpoint
 * when the Cluster does not set it) are clearly labelled placeholders; provider script bodies are
 * placeholders naming the provider file, commit and size. Throws a {@link CapiGenError} (code
 * REFUSED_OPTION) when the objects needed are missing or ambiguous; the message says what to give.
 */
export function previewUserData(objects: readonly KubeObject[], options: PreviewUserDataOptions): UserDataPreview {
  if (!PREVIEW_MACHINES.includes(options.machine)) fail('', '', `machine must be init, join or worker, got ${JSON.stringify(options.machine)}`);
  const placeholders = objects.some((o) => holdsPlaceholder(o));
  if (options.machine === 'worker') {
    const { md, template } = pickWorker(objects, options.pool);
    const cluster = clusterOf(objects, md, str(rec(md['spec'])?.['clusterName']));
    const mdVersion = str(rec(rec(rec(md['spec'])?.['template'])?.['spec'])?.['version']);
    const spec = rec(rec(rec(template['spec'])?.['template'])?.['spec']) ?? {};
    const objs = [ident(md), ident(template)];
    if (template.kind === 'MicroK8sConfigTemplate') {
      const built = buildMicroK8sUserData({ role: 'worker', object: ident(template), specPointer: '/spec/template/spec', spec, version: mdVersion, endpointHost: endpointHost(cluster) });
      return finish('microk8s', options.machine, objs, built, placeholders);
    }
    const cpRef = rec(rec(cluster?.['spec'])?.['controlPlaneRef']);
    const cp = objects.find((o) => o.kind === cpRef?.['kind'] && o.metadata.name === cpRef['name']);
    const built = buildKubeadmUserData({
      role: 'worker',
      object: ident(template),
      specPointer: '/spec/template/spec',
      spec: checkFormat(template, spec, '/spec/template/spec'),
      version: mdVersion,
      controlPlaneVersion: str(rec(cp?.['spec'])?.['version']),
      cluster,
      capd: usesCapd(objects),
    });
    return finish('kubeadm', options.machine, objs, built, placeholders);
  }
  if (options.pool !== undefined) fail('', '', `--pool selects a worker pool; it cannot be used with --machine ${options.machine}`);
  const cp = pickControlPlane(objects, options.controlPlane);
  const cluster = clusterOf(objects, cp, undefined);
  const cpSpec = rec(cp['spec']) ?? {};
  const version = str(cpSpec['version']);
  if (cp.kind === 'MicroK8sControlPlane') {
    const built = buildMicroK8sUserData({
      role: options.machine,
      object: ident(cp),
      specPointer: '/spec/controlPlaneConfig',
      spec: rec(cpSpec['controlPlaneConfig']) ?? {},
      version,
      endpointHost: endpointHost(cluster),
    });
    return finish('microk8s', options.machine, [ident(cp)], built, placeholders);
  }
  const spec = checkFormat(cp, rec(cpSpec['kubeadmConfigSpec']) ?? {}, '/spec/kubeadmConfigSpec');
  const built = buildKubeadmUserData({ role: options.machine, object: ident(cp), specPointer: '/spec/kubeadmConfigSpec', spec, version, controlPlaneVersion: version, cluster, capd: usesCapd(objects) });
  return finish('kubeadm', options.machine, [ident(cp)], built, placeholders);
}

/**
 * A clusterctl `${VAR}` in any string outside file contents and command lists: those hold shell
 * text, where `${VAR:-x}` is ordinary parameter expansion (capi-gen's own scripts are full of it).
 */
function holdsPlaceholder(v: unknown, key = ''): boolean {
  if (key === 'content' || /Commands$/.test(key)) return false;
  if (typeof v === 'string') return hasClusterctlPlaceholder(v);
  if (Array.isArray(v)) return v.some((x) => holdsPlaceholder(x));
  const r = rec(v);
  return r !== undefined && Object.entries(r).some(([k, x]) => holdsPlaceholder(x, k));
}

/** CAPD: DockerCluster/DockerMachineTemplate (CAPI <= 1.14) or DevCluster/DevMachineTemplate with the docker backend. */
function usesCapd(objects: readonly KubeObject[]): boolean {
  return objects.some((o) => /^(Docker|Dev)(Cluster|ClusterTemplate|MachineTemplate|Machine)$/.test(o.kind));
}

function checkFormat(o: KubeObject, spec: Record<string, unknown>, pointer: string): Record<string, unknown> {
  if (spec['format'] === 'ignition') fail(ident(o), `${pointer}/format`, 'format ignition builds Ignition JSON, not cloud-config; the preview covers cloud-config only');
  return spec;
}

/** Jinja's default delimiters: cloud-init renders the whole `## template: jinja` user-data. */
const JINJA = /\{[{%#]/;

function finish(provider: 'microk8s' | 'kubeadm', machine: PreviewMachine, objects: string[], built: ReturnType<typeof buildMicroK8sUserData>, placeholders: boolean): UserDataPreview {
  const notes = [...built.notes];
  for (const s of built.steps) {
    if (s.origin === 'provider' || !(JINJA.test(s.text) || JINJA.test(s.content ?? ''))) continue;
    notes.push(
      `${s.section} ${s.section === 'write_files' ? s.text : JSON.stringify(s.text)} (${s.from ?? ''}) contains a Jinja delimiter ({{, {% or {#): cloud-init renders the whole user-data with Jinja, so this text will change or the whole part will be skipped; escape it or base64-encode the file`,
    );
  }
  if (placeholders) notes.unshift('the input is a clusterctl template: ${VAR} placeholders are shown as written; clusterctl substitutes them before the provider sees the objects');
  const seen = new Set<string>();
  const sources: SourceCitation[] = [];
  for (const s of built.steps) {
    const key = `${s.source.repo} ${s.source.file}`;
    if (!seen.has(key)) {
      seen.add(key);
      sources.push(s.source);
    }
  }
  sources.sort((a, b) => (a.repo + a.file < b.repo + b.file ? -1 : 1));
  return { provider, machine, objects, userData: built.userData, steps: built.steps, notes, clusterctlPlaceholders: placeholders, sources };
}
