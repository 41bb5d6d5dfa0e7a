// Shared pieces of the user-data preview: where each fact was read (repo, file, commit), Go's %q
// quoting, how capi-gen's injected steps are recognised, the placeholders that stand in for
// values only the controllers know (tokens, CA material, node addresses), and the emitter.
import { Document, isScalar, isSeq, Scalar, type Node } from 'yaml';
import {
  CERTS_ENV_PATH,
  CERTS_SERVICE_PATH,
  CERTS_TIMER_PATH,
  KUBEADM_POST_COMMAND,
  KUBEADM_PRE_COMMAND,
  MICROK8S_FIRST_BOOT_COMMAND,
  MICROK8S_VERIFY_NODE_COMMAND,
  NODE_SCRIPT_DIR,
} from '../harden/node-certs-contract.ts';

/** Where a step of the preview was learned: a provider file at a commit. */
export interface SourceCitation {
  /** `owner/name` on GitHub. */
  readonly repo: string;
  /** Path inside the repository. */
  readonly file: string;
  /** The full commit hash the file was read at. */
  readonly commit: string;
}

/** canonical/cluster-api-bootstrap-provider-microk8s `main`, read for this preview. */
export const MICROK8S_BOOTSTRAP_REPO = 'canonical/cluster-api-bootstrap-provider-microk8s';
export const MICROK8S_BOOTSTRAP_COMMIT = '71682d3c068a8bd62df989a2b085ab8402b6884e';
/** kubernetes-sigs/cluster-api `main` (v1.15 dev), read for this preview. */
export const CAPI_REPO = 'kubernetes-sigs/cluster-api';
export const CAPI_COMMIT = 'ae7ff047db499ac3858ade268ba38db8c9f128bb';

export function microk8sSource(file: string): SourceCitation {
  return { repo: MICROK8S_BOOTSTRAP_REPO, file, commit: MICROK8S_BOOTSTRAP_COMMIT };
}
export function capiSource(file: string): SourceCitation {
  return { repo: CAPI_REPO, file, commit: CAPI_COMMIT };
}

/** Which machine: the first control-plane node, another control-plane node, or a worker. */
export type MachineRole = 'init' | 'join' | 'worker';

/** What each provider's builder reads: the machine's bootstrap config spec and where it came from. */
export interface BootstrapInput {
  readonly role: MachineRole;
  /** `Kind/name` of the object the spec came from, for `from` pointers. */
  readonly object: string;
  /** JSON pointer of the bootstrap config spec (KubeadmConfigSpec, MicroK8sConfigSpec) inside that object. */
  readonly specPointer: string;
  readonly spec: Record<string, unknown>;
  /** The machine's Kubernetes version (the control plane's spec.version or the MachineDeployment's). */
  readonly version: string | undefined;
}

/** What each provider's builder returns: the user-data, its steps, and notes on what the preview could not know. */
export interface BuiltUserData {
  readonly userData: string;
  readonly steps: UserDataStep[];
  readonly notes: string[];
}

/** Who put a step into the user-data. */
export type StepOrigin = 'provider' | 'user' | 'capi-gen';
/** The cloud-config section a step sits in. */
export type StepSection = 'write_files' | 'bootcmd' | 'runcmd';

/** One step of the user-data: a file written, a boot command or a run command. */
export interface UserDataStep {
  readonly section: StepSection;
  /** The file path for write_files; the command line for bootcmd and runcmd (exactly as in the user-data). */
  readonly text: string;
  readonly origin: StepOrigin;
  /**
   * A short, stable name for a provider step (`00-install-microk8s.sh`, `microk8s refresh-certs
   * /var/tmp`, `kubeadm init`, `ca.crt`): what the docs and the order tests compare.
   */
  readonly name?: string;
  /**
   * For steps that come from the user's object: which list they came through (`pre`: preRunCommands
   * / preKubeadmCommands, `post`: postRunCommands / postKubeadmCommands, `boot`: bootCommands,
   * `files`: extraWriteFiles / files) and the JSON pointer of the item in that object.
   */
  readonly slot?: 'pre' | 'post' | 'boot' | 'files';
  readonly from?: string;
  /** write_files only: the content, permissions and owner as written into the user-data. */
  readonly content?: string;
  readonly permissions?: string;
  readonly owner?: string;
  /** The provider source that places this step (for user and capi-gen steps: where the provider inserts the user's list). */
  readonly source: SourceCitation;
}

/** Go's strconv.Quote (fmt %q on a string), which the providers use to build command lines. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp === 0x07) out += '\\a';
    else if (cp === 0x08) out += '\\b';
    else if (cp === 0x0c) out += '\\f';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0b) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    // why: Go prints letters, marks, numbers, punctuation, symbols and the ASCII space as they are.
    else if (cp === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Paths capi-gen's hardening writes (node-certs-contract.ts) besides everything under /capi-gen/. */
const CAPI_GEN_PATHS: ReadonlySet<string> = new Set([CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH]);
const CAPI_GEN_COMMANDS: ReadonlySet<string> = new Set([MICROK8S_FIRST_BOOT_COMMAND, MICROK8S_VERIFY_NODE_COMMAND, KUBEADM_PRE_COMMAND, KUBEADM_POST_COMMAND]);

/** A file capi-gen's hardening injects: under /capi-gen/ or one of the contract's unit/options paths. */
export function isCapiGenPath(path: string): boolean {
  return path.startsWith(`${NODE_SCRIPT_DIR}/`) || CAPI_GEN_PATHS.has(path);
}

/** A command capi-gen's hardening injects: one of the contract's lines or a call of a /capi-gen/ script. */
export function isCapiGenCommand(command: string): boolean {
  return CAPI_GEN_COMMANDS.has(command) || command.startsWith(`${NODE_SCRIPT_DIR}/`);
}

/** Values only the controllers know when they build the user-data; the preview shows these instead. */
export const PLACEHOLDERS = {
  /** MicroK8s join token: the provider refuses anything but 32 characters. */
  joinToken: 'preview0join0token0placeholder00',
  authToken: 'preview-cluster-agent-auth-token-placeholder',
  controlPlaneEndpoint: 'CONTROL_PLANE_ENDPOINT',
  controlPlaneNodeIp: 'CONTROL_PLANE_NODE_IP',
  kubeadmToken: 'abcdef.0123456789abcdef',
  caCertHash: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  /** Shown as the snap channel when spec.version is a clusterctl placeholder. */
  majorMinor: 'MAJOR.MINOR',
} as const;

/** A clearly fake PEM block (RFC 7468 allows text before the BEGIN line). */
export function placeholderPem(label: 'CERTIFICATE' | 'RSA PRIVATE KEY' | 'PUBLIC KEY', what: string): string {
  // base64 of "capi-gen preview placeholder, not key material"
  return [`capi-gen preview placeholder: ${what}`, `-----BEGIN ${label}-----`, 'Y2FwaS1nZW4gcHJldmlldyBwbGFjZWhvbGRlciwgbm90IGtleSBtYXRlcmlhbA==', `-----END ${label}-----`, ''].join('\n');
}

/** The placeholder body of a provider script: which file, at which commit, how long; never its code. */
export function providerScriptPlaceholder(source: SourceCitation, bytes: number): string {
  return [
    '#!/bin/sh',
    '# capi-gen preview placeholder: the provider writes its own script here, from',
    `# ${source.repo} ${source.file}`,
    `# at ${source.commit} (${bytes} bytes). capi-gen does not reproduce provider code.`,
    'exit 0',
    '',
  ].join('\n');
}

/** The two header lines both providers start the user-data with. */
export const CLOUD_CONFIG_HEADER = '## template: jinja\n#cloud-config\n';

/** How a runcmd/bootcmd item is written: as the YAML emitter likes, or as the provider's template writes it. */
export type CommandStyle = 'auto' | 'double' | 'single' | 'plain';

/**
 * The cloud-config text: header + the document, YAML 1.1 (PyYAML reads it), deterministic.
 * `styles` pins the scalar style of command items (kubeadm writes commands with Go's %q, the init
 * line single-quoted); the emitter still quotes where a style would be unsafe.
 */
export function emitCloudConfig(doc: Record<string, unknown>, styles?: Partial<Record<'runcmd' | 'bootcmd', readonly CommandStyle[]>>): string {
  const d = new Document(doc, { version: '1.1', aliasDuplicateObjects: false });
  for (const key of ['runcmd', 'bootcmd'] as const) {
    const seq = d.get(key, true) as Node | undefined;
    const want = styles?.[key];
    if (want === undefined || seq === undefined || !isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      const style = want[i] ?? 'auto';
      if (!isScalar(item) || style === 'auto') return;
      // why: a plain scalar that YAML would read differently (': ', ' #', leading '-') falls back to the emitter's choice.
      item.type = style === 'double' ? Scalar.QUOTE_DOUBLE : style === 'single' ? Scalar.QUOTE_SINGLE : Scalar.PLAIN;
    });
  }
  const body = d.toString({ lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', indentSeq: true });
  return CLOUD_CONFIG_HEADER + body;
}

/** `true` when the text still holds a clusterctl `${VAR}` placeholder. */
export function hasClusterctlPlaceholder(s: string): boolean {
  return /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+?][^}]*)?\}/.test(s);
}

export function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
