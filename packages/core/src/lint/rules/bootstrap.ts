// Bootstrap safety rules: the node-side scripts, file contents and commands of kubeadm and
// MicroK8s bootstrap configs, as cloud-init, clusterctl and the admission webhooks will treat them.
//
// Where the texts live (both API versions of each kind have the same node-side fields):
//   KubeadmConfig                 spec.{files[], preKubeadmCommands, postKubeadmCommands, bootCommands, format}
//   KubeadmConfigTemplate         spec.template.spec.{...}
//   KubeadmControlPlane           spec.kubeadmConfigSpec.{...}
//   KubeadmControlPlaneTemplate   spec.template.spec.kubeadmConfigSpec.{...}
//   MicroK8sConfig                spec.initConfiguration.{extraWriteFiles[], preRunCommands, postRunCommands, bootCommands}
//   MicroK8sConfigTemplate        spec.template.spec.initConfiguration.{...}
//   MicroK8sControlPlane          spec.controlPlaneConfig.initConfiguration.{...}
// Facts: ../shared/notes/capi-facts.md sections a-d; Jinja behaviour: ../shared/notes/validators.md
// section 2 (measured with cloud-init 22.4.2's own renderer, and again in
// test/lint/rules-bootstrap.test.ts).
import { isRecord, valueAt } from '../../util/record.ts';
import { childPointer, joinPointer } from '../../validate/pointer.ts';
import { findPlaceholders } from '../../yaml/placeholders.ts';
import type { LintContext, LintRule, RuleFinding } from '../types.ts';

// --- where the scripts are ------------------------------------------------------------------------

type Provider = 'kubeadm' | 'microk8s';

/** One node-side text: a file's content or one command. */
export interface BootstrapText {
  readonly provider: Provider;
  /** JSON pointer of the string. */
  readonly path: string;
  readonly text: string;
  readonly kind: 'file' | 'command';
  /** kubeadm `encoding` is base64/gzip: the text is not what the node sees, and Jinja never sees it in clear. */
  readonly encoded: boolean;
  /** kubeadm `contentFormat: Template`: CAPI renders `{{ ... }}` as a Go template first. */
  readonly goTemplate: boolean;
  /** kubeadm `format: ignition`: no cloud-init, so no Jinja. */
  readonly ignition: boolean;
}

/** One file entry of a bootstrap spec. */
interface FileEntry {
  readonly provider: Provider;
  /** JSON pointer of the entry. */
  readonly pointer: string;
  readonly value: Record<string, unknown>;
}

/** The node-side fields of one bootstrap spec found in a document. */
interface BootstrapSpec {
  readonly provider: Provider;
  readonly files: readonly FileEntry[];
  readonly texts: readonly BootstrapText[];
}

const KUBEADM_COMMANDS = ['preKubeadmCommands', 'postKubeadmCommands', 'bootCommands'] as const;
const MICROK8S_COMMANDS = ['preRunCommands', 'postRunCommands', 'bootCommands'] as const;
const ENCODED = new Set(['base64', 'gzip', 'gzip+base64']);

/** Where each bootstrap kind keeps the spec that holds files and commands: API group and keys from the object root. */
export const BOOTSTRAP_SPEC_PLACES: Readonly<Record<string, { readonly provider: Provider; readonly group: string; readonly keys: readonly string[] }>> = {
  KubeadmConfig: { provider: 'kubeadm', group: 'bootstrap.cluster.x-k8s.io', keys: ['spec'] },
  KubeadmConfigTemplate: { provider: 'kubeadm', group: 'bootstrap.cluster.x-k8s.io', keys: ['spec', 'template', 'spec'] },
  MicroK8sConfig: { provider: 'microk8s', group: 'bootstrap.cluster.x-k8s.io', keys: ['spec', 'initConfiguration'] },
  MicroK8sConfigTemplate: { provider: 'microk8s', group: 'bootstrap.cluster.x-k8s.io', keys: ['spec', 'template', 'spec', 'initConfiguration'] },
  KubeadmControlPlane: { provider: 'kubeadm', group: 'controlplane.cluster.x-k8s.io', keys: ['spec', 'kubeadmConfigSpec'] },
  KubeadmControlPlaneTemplate: { provider: 'kubeadm', group: 'controlplane.cluster.x-k8s.io', keys: ['spec', 'template', 'spec', 'kubeadmConfigSpec'] },
  MicroK8sControlPlane: { provider: 'microk8s', group: 'controlplane.cluster.x-k8s.io', keys: ['spec', 'controlPlaneConfig', 'initConfiguration'] },
};

/** Keys from the object root to the spec that holds files and commands, per group and kind. */
function locateSpec(value: unknown): { provider: Provider; keys: readonly string[] } | undefined {
  if (!isRecord(value) || typeof value['apiVersion'] !== 'string' || typeof value['kind'] !== 'string') return undefined;
  const place = Object.hasOwn(BOOTSTRAP_SPEC_PLACES, value['kind']) ? BOOTSTRAP_SPEC_PLACES[value['kind']] : undefined;
  if (place === undefined || value['apiVersion'].split('/')[0] !== place.group) return undefined;
  return place;
}

/** The bootstrap spec of a document, or undefined for other kinds. */
export function bootstrapSpecOf(value: unknown): BootstrapSpec | undefined {
  const where = locateSpec(value);
  if (where === undefined) return undefined;
  const spec = valueAt(value, where.keys);
  if (!isRecord(spec)) return undefined;
  const base = joinPointer(where.keys);
  const { provider } = where;
  const ignition = provider === 'kubeadm' && spec['format'] === 'ignition';
  const files: FileEntry[] = [];
  const texts: BootstrapText[] = [];
  const fileKey = provider === 'kubeadm' ? 'files' : 'extraWriteFiles';
  const list = spec[fileKey];
  if (Array.isArray(list)) {
    list.forEach((f: unknown, i) => {
      if (!isRecord(f)) return;
      const pointer = childPointer(childPointer(base, fileKey), i);
      files.push({ provider, pointer, value: f });
      if (typeof f['content'] === 'string') {
        texts.push({
          provider,
          path: childPointer(pointer, 'content'),
          text: f['content'],
          kind: 'file',
          encoded: provider === 'kubeadm' && typeof f['encoding'] === 'string' && ENCODED.has(f['encoding']),
          goTemplate: provider === 'kubeadm' && f['contentFormat'] === 'Template',
          ignition,
        });
      }
    });
  }
  for (const key of provider === 'kubeadm' ? KUBEADM_COMMANDS : MICROK8S_COMMANDS) {
    const cmds = spec[key];
    if (!Array.isArray(cmds)) continue;
    cmds.forEach((c: unknown, i) => {
      if (typeof c !== 'string') return;
      texts.push({ provider, path: childPointer(childPointer(base, key), i), text: c, kind: 'command', encoded: false, goTemplate: false, ignition });
    });
  }
  return { provider, files, texts };
}

/** Every bootstrap spec of a linted file, with its document index. */
// Six rules ask for the same bootstrap specs; read them once per file (keyed by the documents).
const specsMemo = new WeakMap<LintContext['documents'], readonly { document: number; spec: BootstrapSpec }[]>();

function specsOf(context: LintContext): readonly { document: number; spec: BootstrapSpec }[] {
  const memo = specsMemo.get(context.documents);
  if (memo !== undefined) return memo;
  const out: { document: number; spec: BootstrapSpec }[] = [];
  for (const doc of context.documents) {
    const spec = bootstrapSpecOf(doc.value);
    if (spec !== undefined) out.push({ document: doc.index, spec });
  }
  specsMemo.set(context.documents, out);
  return out;
}

/** `line N` of a multi-line text for an offset, or '' for one-line texts. */
function lineNote(text: string, offset: number): string {
  if (!text.includes('\n')) return '';
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return ` (line ${line} of the text)`;
}

function snippet(text: string, start: number, end: number): string {
  const s = text.slice(start, Math.min(end, start + 40));
  return (end > start + 40 ? s + '…' : s).replace(/\n/g, '\\n');
}

// --- Jinja ----------------------------------------------------------------------------------------
//
// Both providers' user-data starts with `## template: jinja`, so cloud-init renders ALL of it with
// Jinja (jinja2.Template(..., trim_blocks=True), undefined names -> `CI_MISSING_JINJA_VAR/<name>`).
// Only the default delimiters `{{`, `{%`, `{#` start Jinja syntax (line statements are off), so
// text without them passes unchanged. A text is accepted when every delimiter is one of:
// - an intended cloud-init variable: `{{ local_hostname }}`, `{{ instance_id }}`, `{{ v1.x }}`,
//   `{{ ds.x.y }}` (dotted names or `['key']` subscripts), with optional whitespace;
// - an escape: a single-quoted literal `{{ '{#' }}` (no `'` or `\` inside; double quotes would
//   break inside kubeadm's Go-%q-quoted commands), or `{% raw %}` ... `{% endraw %}` where the
//   `{% endraw %}` does not end a line that has other text (trim_blocks removes the newline after
//   it, which would join two lines);
// - with `contentFormat: Template`, any `{{ ... }}` (a Go template action CAPI renders first).

const WS = '[ \\t\\n\\r\\f\\v]*';
const SEGMENT = `(?:\\.[A-Za-z_][A-Za-z0-9_]*|${WS}\\[${WS}'[^'\\\\\\n]*'${WS}\\])`;
const INTENDED_VARIABLE = new RegExp(`\\{\\{${WS}(local_hostname|instance_id|(?:v1|ds)${SEGMENT}+)${WS}\\}\\}`, 'y');
const LITERAL_ESCAPE = new RegExp(`\\{\\{${WS}'([^'\\\\]*)'${WS}\\}\\}`, 'y');
const RAW_BEGIN = new RegExp(`\\{%${WS}raw${WS}%\\}`, 'y');
const RAW_END = new RegExp(`\\{%${WS}endraw${WS}%\\}`, 'g');

/** What the renderer does with a span of the text that the rule accepts. */
export type JinjaPiece =
  | { readonly start: number; readonly end: number; readonly variable: string }
  | { readonly start: number; readonly end: number; readonly literal: string };

/** A span cloud-init's Jinja would break or change. */
export interface JinjaProblem {
  readonly offset: number;
  readonly message: string;
}

export interface JinjaClassification {
  /** Empty when the text renders as written (intended variables and escapes aside). */
  readonly problems: readonly JinjaProblem[];
  /** The intended variables and escapes, in text order (what the renderer replaces, and by what). */
  readonly pieces: readonly JinjaPiece[];
}

function describeExpression(text: string, start: number): string {
  const close = text.indexOf('}}', start + 2);
  const body = (close === -1 ? text.slice(start + 2) : text.slice(start + 2, close)).trim();
  const shown = snippet(text, start, close === -1 ? text.length : close + 2);
  if (close === -1) {
    return `\`${shown}\` opens a Jinja expression that is never closed: cloud-init's renderer fails (TemplateSyntaxError) and skips the whole user-data part, so the node never bootstraps`;
  }
  if (body.startsWith('.') || body.startsWith('-') || body.startsWith('/*')) {
    return `\`${shown}\` looks like a Go template action left unrendered (only \`contentFormat: Template\` files are rendered by CAPI): Jinja cannot parse it, and cloud-init skips the whole user-data part, so the node never bootstraps`;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(body)) {
    return `\`${shown}\` is a Jinja variable cloud-init does not define: it becomes \`CI_MISSING_JINJA_VAR/${body}\` on the node`;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(body)) {
    return `\`${shown}\` reads an attribute of a name cloud-init does not define: rendering fails ('${body.split('.')[0]}' is undefined) and cloud-init ignores the whole user-data part, so the node never bootstraps`;
  }
  return `\`${shown}\` is evaluated by Jinja: cloud-init either replaces it with the expression's value or, when it is not valid Jinja, skips the whole user-data part, so the node never bootstraps`;
}

/**
 * Classifies a text the way cloud-init's Jinja renderer would treat it inside `## template: jinja`
 * user-data. `goTemplate` skips `{{ ... }}` actions (CAPI renders `contentFormat: Template` first).
 */
export function classifyJinja(text: string, options: { readonly goTemplate?: boolean } = {}): JinjaClassification {
  const problems: JinjaProblem[] = [];
  const pieces: JinjaPiece[] = [];
  let i = text.indexOf('{');
  while (i !== -1 && i < text.length) {
    const next = text[i + 1];
    if (next !== '{' && next !== '%' && next !== '#') {
      i = text.indexOf('{', i + 1);
      continue;
    }
    if (next === '#') {
      const close = text.indexOf('#}', i + 2);
      problems.push({
        offset: i,
        message:
          close === -1
            ? `\`${snippet(text, i, i + 12)}\` opens a Jinja comment (as in bash \`\${#arr[@]}\`) that is never closed: cloud-init's renderer fails (TemplateSyntaxError "Missing end of comment tag") and skips the whole user-data part, so the node never bootstraps`
            : `\`${snippet(text, i, close + 2)}\` is a Jinja comment (\`{#\` as in bash \`\${#arr[@]}\`): cloud-init silently deletes everything from \`{#\` to the next \`#}\``,
      });
      if (close === -1) break;
      i = text.indexOf('{', close + 2);
      continue;
    }
    if (next === '%') {
      RAW_BEGIN.lastIndex = i;
      if (RAW_BEGIN.test(text)) {
        const inner = RAW_BEGIN.lastIndex;
        RAW_END.lastIndex = inner;
        const end = RAW_END.exec(text);
        if (end === null) {
          problems.push({ offset: i, message: `\`{% raw %}\` is never closed by \`{% endraw %}\` in this text: cloud-init's renderer fails and skips the whole user-data part` });
          break;
        }
        const afterEnd = end.index + end[0].length;
        const ownLine = end.index === 0 || text[end.index - 1] === '\n';
        if (text[afterEnd] === '\n' && !ownLine) {
          problems.push({
            offset: end.index,
            message: `\`{% endraw %}\` ends a line with other text: cloud-init renders with trim_blocks, which removes the newline after it and joins this line with the next; put \`{% endraw %}\` on its own line`,
          });
        }
        const eaten = text[afterEnd] === '\n' ? 1 : 0;
        pieces.push({ start: i, end: afterEnd + eaten, literal: text.slice(inner, end.index) });
        i = text.indexOf('{', afterEnd + eaten);
        continue;
      }
      const close = text.indexOf('%}', i + 2);
      problems.push({
        offset: i,
        message: `\`${snippet(text, i, close === -1 ? i + 12 : close + 2)}\` starts a Jinja statement: cloud-init's renderer fails on an unknown or unclosed tag (as in \`printf "{%s}"\`) and skips the whole user-data part, and a valid statement changes the text`,
      });
      if (close === -1) break;
      i = text.indexOf('{', close + 2);
      continue;
    }
    // `{{`
    if (options.goTemplate) {
      const close = text.indexOf('}}', i + 2);
      if (close === -1) break;
      i = text.indexOf('{', close + 2);
      continue;
    }
    INTENDED_VARIABLE.lastIndex = i;
    const v = INTENDED_VARIABLE.exec(text);
    if (v !== null) {
      pieces.push({ start: i, end: INTENDED_VARIABLE.lastIndex, variable: v[1]!.replace(/[ \t\n\r\f\v]/g, '') });
      i = text.indexOf('{', INTENDED_VARIABLE.lastIndex);
      continue;
    }
    LITERAL_ESCAPE.lastIndex = i;
    const lit = LITERAL_ESCAPE.exec(text);
    if (lit !== null) {
      pieces.push({ start: i, end: LITERAL_ESCAPE.lastIndex, literal: lit[1]! });
      i = text.indexOf('{', LITERAL_ESCAPE.lastIndex);
      continue;
    }
    problems.push({ offset: i, message: describeExpression(text, i) });
    const close = text.indexOf('}}', i + 2);
    if (close === -1) break;
    i = text.indexOf('{', close + 2);
  }
  return { problems, pieces };
}

const jinjaBreaksUserData: LintRule = {
  id: 'bootstrap/jinja-breaks-user-data',
  severity: 'error',
  summary: 'A script, file content or command holds `{#`, `{%` or `{{` that cloud-init renders as Jinja (the whole user-data is a Jinja template).',
  fix: "Escape it: write `{{ '{#' }}` for `{#` (likewise `{{ '{{' }}`, `{{ '{%' }}`), or wrap the text in `{% raw %}`...`{% endraw %}` (endraw on its own line), or for a kubeadm file use `encoding: base64`.",
  docs: '#bootstrap-jinja-breaks-user-data',
  check(context) {
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      for (const t of spec.texts) {
        if (t.encoded || t.ignition) continue;
        const { problems } = classifyJinja(t.text, { goTemplate: t.goTemplate });
        const first = problems[0];
        if (first === undefined) continue;
        const more = problems.length > 1 ? ` (${problems.length - 1} more in the same text)` : '';
        out.push({ document, path: t.path, message: `${first.message}${lineNote(t.text, first.offset)}${more}` });
      }
    }
    return out;
  },
};

// --- clusterctl envsubst --------------------------------------------------------------------------

/** Upper-case names that are the shell's or the node's, never a clusterctl variable one means. */
const SHELL_NAMES = new Set([
  'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'LOGNAME', 'HOSTNAME', 'SHELL', 'IFS', 'RANDOM', 'UID', 'EUID',
  'PPID', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'LINENO', 'SECONDS', 'REPLY', 'OPTARG', 'OPTIND', 'SHLVL',
  'BASH_SOURCE', 'BASH_VERSION', 'BASH_REMATCH', 'FUNCNAME', 'PIPESTATUS', 'HOSTTYPE', 'OSTYPE', 'MACHTYPE',
]);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Why a `${NAME}` placeholder looks like a shell variable, or undefined when it looks like clusterctl's. */
function shellReason(name: string, script: string): string | undefined {
  if (/^[0-9]+$/.test(name)) return 'a positional parameter';
  if (/[a-z]/.test(name)) return 'a lower-case name, as shell variables are';
  if (SHELL_NAMES.has(name)) return 'a variable the shell or the node sets';
  if (assignment(name).test(script)) return 'assigned in this script';
  return undefined;
}

// One pattern per variable name (a script names the same placeholders again and again).
const assignmentPatterns = new Map<string, RegExp>();

/** A shell assignment of `name`: `[export|local|readonly|declare -x] NAME=`, `for NAME in`, `read ... NAME`. */
function assignment(name: string): RegExp {
  let re = assignmentPatterns.get(name);
  if (re === undefined) {
    const n = escapeRegExp(name);
    re = new RegExp(`(?:^|[\\s;&|(\`])(?:(?:export|local|readonly|declare(?:[ \\t]+-[A-Za-z]+)*)[ \\t]+)?${n}\\+?=|\\bfor[ \\t]+${n}[ \\t]+in\\b|\\bread\\b[^\\n;]*[ \\t]${n}(?:[ \\t;]|$)`, 'm');
    assignmentPatterns.set(name, re);
  }
  return re;
}

interface DollarProblem {
  readonly offset: number;
  readonly message: string;
  readonly severity?: 'error';
}

/** What clusterctl's envsubst would do to shell syntax in a script of a clusterctl template. */
export function envsubstProblems(script: string): DollarProblem[] {
  const out: DollarProblem[] = [];
  const placeholders = new Map(findPlaceholders(script).map((p) => [p.start, p]));
  let i = script.indexOf('$');
  while (i !== -1) {
    let n = 0;
    while (script[i + n] === '$') n++;
    const afterRun = i + n;
    if (script[afterRun] === '{') {
      // `$${` (even run): escaped, literal `${` after clusterctl. Odd run: pairs, then a placeholder.
      if (n % 2 === 0) {
        i = script.indexOf('$', afterRun);
        continue;
      }
      const start = afterRun - 1;
      const p = placeholders.get(start);
      if (p === undefined) {
        const close = script.indexOf('}', start);
        out.push({
          offset: start,
          severity: 'error',
          message: `\`${snippet(script, start, close === -1 ? start + 12 : close + 1)}\` is shell syntax clusterctl's envsubst cannot parse: \`clusterctl generate cluster\` fails with "bad substitution"; write \`$\${...}\` so that the script gets \`\${...}\``,
        });
        i = script.indexOf('$', start + 2);
        continue;
      }
      const reason = shellReason(p.name, script);
      if (reason !== undefined) {
        const shown = script.slice(p.start, p.end);
        out.push({
          offset: start,
          message: `\`${snippet(script, p.start, p.end)}\` looks like a shell variable (${reason}), but clusterctl substitutes it as its own variable \`${p.name}\` (asking for a value, or taking it from the environment), so the script never sees \`${shown.length > 40 ? shown.slice(0, 40) + '…' : shown}\`; write \`$${shown.length > 40 ? shown.slice(0, 40) + '…' : shown}\``,
        });
      }
      i = script.indexOf('$', p.end);
      continue;
    }
    if (n === 2 || (n % 2 === 1 && n > 1)) {
      const follow = /^[A-Za-z0-9_(]*/.exec(script.slice(afterRun))?.[0] ?? '';
      const before = script.slice(i, afterRun) + follow.slice(0, 20);
      const after = '$'.repeat(Math.ceil(n / 2)) + follow.slice(0, 20);
      out.push({
        offset: i,
        message: `\`${before}\` becomes \`${after}\` after clusterctl (envsubst turns \`$$\` into \`$\`); for the shell's process id \`$$\` write \`$$$$\`${follow === '' ? '' : `, for \`${'$' + follow.slice(0, 20)}\` write it with one \`$\``}`,
      });
    }
    i = script.indexOf('$', afterRun);
  }
  return out;
}

const envsubstEatsDollar: LintRule = {
  id: 'bootstrap/envsubst-eats-dollar',
  severity: 'warning',
  summary: 'In a clusterctl template, a script uses `${...}` or `$$` that clusterctl (envsubst) substitutes or fails on before the node sees it.',
  fix: 'Escape shell syntax for clusterctl: write `$${var}` for `${var}` and `$$$$` for the shell\'s `$$`; keep `${VAR}` only for clusterctl variables.',
  docs: '#bootstrap-envsubst-eats-dollar',
  check(context) {
    if (!context.clusterctlTemplate) return [];
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      for (const t of spec.texts) {
        if (!t.text.includes('$')) continue;
        const problems = envsubstProblems(t.text);
        const first = problems[0];
        if (first === undefined) continue;
        const more = problems.length > 1 ? ` (${problems.length - 1} more in the same text)` : '';
        const severity = problems.some((p) => p.severity === 'error') ? 'error' : undefined;
        out.push({
          document,
          path: t.path,
          message: `${first.message}${lineNote(t.text, first.offset)}${more}`,
          ...(severity === undefined ? {} : { severity }),
        });
      }
    }
    return out;
  },
};

// --- kubeadm field limits and webhook rules -------------------------------------------------------

/** kubeadm `files[].content` and each command: CRD `maxLength: 10240` (characters, as Kubernetes counts them). */
const KUBEADM_TEXT_LIMIT = 10240;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const contentTooLong: LintRule = {
  id: 'bootstrap/content-too-long',
  severity: 'error',
  summary: 'A kubeadm `files[].content` or command is longer than the 10240 characters the CRD allows.',
  fix: 'Move the text into a Secret and reference it with `files[].contentFrom.secret` (no size limit there), or split it.',
  docs: '#bootstrap-content-too-long',
  check(context) {
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      if (spec.provider !== 'kubeadm') continue;
      for (const t of spec.texts) {
        if (t.text.length <= KUBEADM_TEXT_LIMIT) continue;
        const n = codePoints(t.text);
        if (n <= KUBEADM_TEXT_LIMIT) continue;
        const what = t.kind === 'file' ? 'file content' : 'command';
        out.push({ document, path: t.path, message: `this ${what} is ${n} characters long; the API server refuses more than ${KUBEADM_TEXT_LIMIT}` });
      }
    }
    return out;
  },
};

/** Files the providers write themselves (capi-facts.md section c); a user file there replaces or is replaced by them. */
const PROVIDER_PATHS: Readonly<Record<Provider, ReadonlyMap<string, string>>> = {
  kubeadm: new Map([
    ['/run/kubeadm/kubeadm.yaml', 'CAPI writes its kubeadm init configuration there after the user files, replacing this one'],
    ['/run/kubeadm/kubeadm-join-config.yaml', 'CAPI writes its kubeadm join configuration there after the user files, replacing this one'],
    ['/run/cluster-api/placeholder', 'CAPI writes its own placeholder file there'],
  ]),
  microk8s: new Map([
    ...[
      '00-configure-snapstore-proxy.sh', '00-configure-snapstore-http-proxy.sh', '00-disable-host-services.sh', '00-install-microk8s.sh',
      '10-configure-cert-for-lb.sh', '10-configure-apiserver.sh', '10-configure-calico-ipip.sh', '10-configure-cluster-agent-port.sh',
      '10-configure-containerd-proxy.sh', '10-configure-dqlite-port.sh', '30-configure-traefik.sh', '10-configure-kubelet.sh',
      '20-microk8s-enable.sh', '20-microk8s-join.sh', '50-wait-apiserver.sh',
    ].map((s): [string, string] => [`/capi-scripts/${s}`, 'the MicroK8s bootstrap provider writes its own script there first, and this file replaces it']),
    ['/var/tmp/ca.crt', 'the MicroK8s bootstrap provider writes the cluster CA there on the init node, and this file replaces it'],
    ['/var/tmp/ca.key', 'the MicroK8s bootstrap provider writes the cluster CA key there on the init node, and this file replaces it'],
    ['/capi/etc/token', 'the MicroK8s bootstrap provider writes the join token there on control-plane nodes, and this file replaces it'],
    ['/var/tmp/extra-kubelet-args', 'the MicroK8s bootstrap provider writes `extraKubeletArgs` there after the user files, replacing this one'],
  ]),
};

const duplicateFilePath: LintRule = {
  id: 'bootstrap/duplicate-file-path',
  severity: 'error',
  summary: 'Two `files[]` / `extraWriteFiles[]` entries write the same path, or one writes a path the provider writes itself.',
  fix: 'Give every file its own path (merge the contents into one entry), and keep clear of the paths the provider writes.',
  docs: '#bootstrap-duplicate-file-path',
  check(context) {
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      const seen = new Map<string, string>();
      const listName = spec.provider === 'kubeadm' ? 'files' : 'extraWriteFiles';
      for (const f of spec.files) {
        const p = f.value['path'];
        if (typeof p !== 'string') continue;
        const pointer = childPointer(f.pointer, 'path');
        const first = seen.get(p);
        if (first !== undefined) {
          out.push({
            document,
            path: pointer,
            message:
              spec.provider === 'kubeadm'
                ? `path "${p}" is also written by ${first}: the admission webhook refuses duplicate \`files[].path\``
                : `path "${p}" is also written by ${first}: cloud-init writes both and the later one wins, so the first is lost`,
            ...(spec.provider === 'microk8s' ? { severity: 'warning' as const } : {}),
          });
          continue;
        }
        seen.set(p, `${listName}[${f.pointer.slice(f.pointer.lastIndexOf('/') + 1)}]`);
        const reserved = PROVIDER_PATHS[spec.provider].get(p);
        if (reserved !== undefined) out.push({ document, path: pointer, message: `path "${p}": ${reserved}`, severity: 'warning' });
      }
    }
    return out;
  },
};

const contentAndContentFrom: LintRule = {
  id: 'bootstrap/content-and-content-from',
  severity: 'error',
  summary: 'A kubeadm `files[]` entry sets both `content` and `contentFrom`.',
  fix: 'Keep one: `content` for inline text, or `contentFrom.secret` for text kept in a Secret.',
  docs: '#bootstrap-content-and-content-from',
  check(context) {
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      if (spec.provider !== 'kubeadm') continue;
      for (const f of spec.files) {
        if (f.value['content'] === undefined || f.value['contentFrom'] === undefined) continue;
        const name = typeof f.value['path'] === 'string' ? ` "${f.value['path']}"` : '';
        out.push({
          document,
          path: childPointer(f.pointer, 'contentFrom'),
          atKey: true,
          message: `file${name} has both \`content\` and \`contentFrom\`: the admission webhook refuses the object (they are mutually exclusive)`,
        });
      }
    }
    return out;
  },
};

const MICROK8S_SNAP_DIR = '/var/snap/microk8s';

const microk8sWriteBeforeInstall: LintRule = {
  id: 'bootstrap/microk8s-write-before-install',
  severity: 'warning',
  summary: 'A MicroK8s `extraWriteFiles` entry writes under /var/snap/microk8s, which cloud-init does before `snap install microk8s`.',
  fix: 'Write the file elsewhere (e.g. /var/tmp or /etc) and copy it into /var/snap/microk8s/current/... in `postRunCommands`, after the snap is installed.',
  docs: '#bootstrap-microk8s-write-before-install',
  check(context) {
    const out: RuleFinding[] = [];
    for (const { document, spec } of specsOf(context)) {
      if (spec.provider !== 'microk8s') continue;
      for (const f of spec.files) {
        const p = f.value['path'];
        if (typeof p !== 'string') continue;
        const norm = p.replace(/\/+/g, '/');
        if (norm !== MICROK8S_SNAP_DIR && !norm.startsWith(`${MICROK8S_SNAP_DIR}/`)) continue;
        const current = norm.startsWith(`${MICROK8S_SNAP_DIR}/current/`) || norm === `${MICROK8S_SNAP_DIR}/current`;
        out.push({
          document,
          path: childPointer(f.pointer, 'path'),
          message: `"${p}" is written by cloud-init's write_files before the runcmd script installs the snap${current ? '; `current` is a symlink the snap creates, so this creates a plain directory in its place or is overwritten on install' : ', so the snap installation finds (or replaces) files it did not create'}`,
        });
      }
    }
    return out;
  },
};

/** The bootstrap safety rules, in docs order. */
export const BOOTSTRAP_RULES: readonly LintRule[] = [
  jinjaBreaksUserData,
  envsubstEatsDollar,
  contentTooLong,
  duplicateFilePath,
  contentAndContentFrom,
  microk8sWriteBeforeInstall,
];
