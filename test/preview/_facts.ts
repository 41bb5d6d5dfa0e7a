// Reads the providers' step order out of ../shared/notes/capi-facts.md section c (written by
// reading the providers' source, independently of the preview), so that the preview is held
// against the note, not against itself. The note is prose; this parser knows its few shorthands
// ("then pre", "ipip", "agent port", "the proxy/disable/.../wait steps", "the same steps as init
// up to X") and throws on any phrase it does not understand, so a changed note is noticed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../support/shared.ts';

export const FACTS_FILE: string = join(SHARED_DIR, 'notes', 'capi-facts.md');

export interface ProviderFacts {
  /** write_files order: paths, or `files` where the user's files go. */
  readonly writeFiles: Readonly<Record<'init' | 'join' | 'worker', readonly string[]>>;
  /** runcmd order: step names (script file names, `set -x`, `microk8s add-node`, `kubeadm init`...), `pre` and `post`. */
  readonly runcmd: Readonly<Record<'init' | 'join' | 'worker', readonly string[]>>;
}

function between(text: string, start: string, end: string): string {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a + start.length);
  if (a < 0 || b < 0) throw new Error(`capi-facts.md: cannot find the part between ${JSON.stringify(start)} and ${JSON.stringify(end)}`);
  return text.slice(a + start.length, b);
}

/** The numbered items under a bullet line that starts with `head` (up to the next top-level bullet). */
function numbered(block: string, head: string): string[] {
  const lines = block.split('\n');
  const at = lines.findIndex((l) => l.startsWith(head));
  if (at < 0) throw new Error(`capi-facts.md: no line starting with ${JSON.stringify(head)}`);
  const items: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^\s+\d+\.\s+(.*)$/.exec(l);
    if (m === null) break;
    items.push(m[1]!);
  }
  if (items.length === 0) throw new Error(`capi-facts.md: no numbered list under ${JSON.stringify(head)}`);
  return items;
}

const SCRIPT = /\d\d-[\w-]+\.sh/;

/** The `code spans` of a Markdown line, in order (pairs of backticks; a span never holds one). */
function codeSpans(s: string): string[] {
  return s.split('`').filter((_, i) => i % 2 === 1);
}

/** Step names in one phrase of the note. */
function resolve(text: string, scripts: readonly string[], initInstall: readonly string[]): string[] {
  // Explanations are not steps: parentheses, and everything after ", which".
  const cleaned = text.replace(/\([^)]*\)/g, '').replace(/, which.*$/, '').replace(/\.\s*$/, '');
  const out: string[] = [];
  for (const raw of cleaned.split(/,\s*/)) {
    const seg = raw.replace(/^then\s+/, '').replace(/\*\*/g, '').trim();
    if (seg === '') continue;
    const before = out.length;
    const sameAs = /^The same steps as init up to `([^`]+)`$/.exec(seg);
    const slashSteps = /^the ([\w/]+) steps$/.exec(seg);
    if (sameAs !== null) {
      const end = initInstall.indexOf(sameAs[1]!);
      if (end < 0) throw new Error(`capi-facts.md: "${seg}": ${sameAs[1]} is not in init's install block`);
      out.push(...initInstall.slice(0, end + 1));
    } else if (slashSteps !== null) {
      // "the proxy/disable/install/containerd/kubelet/wait steps": init's install block, each word in it.
      for (const w of slashSteps[1]!.split('/')) if (!initInstall.some((s) => s.includes(w))) throw new Error(`capi-facts.md: "${seg}": "${w}" names no step of init's install block`);
      out.push(...initInstall);
    } else if (/`set -x`|^set -x$/.test(seg)) {
      out.push('set -x');
      const rest = /`set -x`\s*,?\s*then\s+(pre|post)$/.exec(seg);
      if (rest !== null) out.push(rest[1]!);
    } else if (/^(pre|preRunCommands|preKubeadmCommands)$/.test(seg)) out.push('pre');
    else if (/^(post|postRunCommands|postKubeadmCommands)$/.test(seg)) out.push('post');
    else if (/`microk8s refresh-certs \/var\/tmp`/.test(seg)) out.push('microk8s refresh-certs /var/tmp');
    else if (/add-node/.test(seg)) out.push('microk8s add-node');
    else if (SCRIPT.test(seg)) out.push(SCRIPT.exec(seg)![0]);
    else {
      // shorthand: "ipip", "agent port", "dqlite port", "wait", "cert-for-lb"
      const word = seg.replace(/\s+/g, '-');
      const hits = scripts.filter((s) => s.includes(word));
      if (hits.length !== 1) throw new Error(`capi-facts.md: cannot tell which step "${seg}" is (${hits.length} scripts match)`);
      out.push(hits[0]!);
    }
    if (out.length === before) throw new Error(`capi-facts.md: no step in "${seg}"`);
  }
  return out;
}

/** `a.{b,c}` -> a.b, a.c; `a.*` -> a.crt, a.key. */
function expand(p: string): string[] {
  const brace = /^(.*)\{([^}]+)\}$/.exec(p);
  if (brace !== null) return brace[2]!.split(',').map((x) => brace[1]! + x);
  if (p.endsWith('.*')) return [`${p.slice(0, -1)}crt`, `${p.slice(0, -1)}key`];
  return [p];
}

/** The MicroK8s provider's steps as the note states them. */
export function microk8sFacts(note: string): ProviderFacts & { readonly scripts: readonly string[] } {
  const c = between(note, '## c.', '## d.');
  const block = between(c, '**MicroK8s bootstrap.**', '**kubeadm bootstrap.**');
  const wf = numbered(block, '- **write_files**');
  const scripts = codeSpans(wf[0]!).filter((x) => /^\d\d-[\w-]+\.sh$/.test(x));
  const path = (item: string): string[] => codeSpans(item).filter((x) => x.startsWith('/'));
  const common = scripts.map((s) => `/capi-scripts/${s}`);
  const kubelet = path(wf[4]!);
  const writeFiles = {
    init: [...common, ...path(wf[1]!), ...path(wf[2]!), 'files', ...kubelet],
    join: [...common, ...path(wf[2]!), 'files', ...kubelet],
    worker: [...common, 'files', ...kubelet],
  };
  const init = numbered(block, '- **runcmd on the init control plane:**');
  const initInstall = resolve(init[2]!, scripts, []);
  const initSteps = init.flatMap((i) => resolve(i, scripts, initInstall));
  const join = numbered(block, '- **runcmd on a joining control plane:**').flatMap((i) => resolve(i, scripts, initInstall));
  const workerLine = /^- \*\*runcmd on a worker:\*\*(.*)$/m.exec(block);
  if (workerLine === null) throw new Error('capi-facts.md: no "runcmd on a worker" line');
  const worker = resolve(workerLine[1]!, scripts, initInstall);
  return { scripts, writeFiles, runcmd: { init: initSteps, join, worker } };
}

/** The kubeadm provider's steps as the note states them. */
export function kubeadmFacts(note: string): ProviderFacts {
  const c = between(note, '## c.', '## d.');
  const block = c.slice(c.indexOf('**kubeadm bootstrap.**'));
  const wfLine = /^- \*\*write_files:\*\*(.*)$/m.exec(block);
  if (wfLine === null) throw new Error('capi-facts.md: no kubeadm write_files line');
  const [caPart, restPart] = wfLine[1]!.split('Next come');
  const ca = codeSpans(caPart!).flatMap((x) => expand(x.replace('<certificatesDir>/', '')));
  const rest = codeSpans(restPart!).filter((x) => x.startsWith('/'));
  const initYaml = rest.find((p) => p.endsWith('/kubeadm.yaml'))!;
  const joinYaml = rest.find((p) => p.endsWith('/kubeadm-join-config.yaml'))!;
  const placeholder = rest.find((p) => p.endsWith('/placeholder'))!;
  const run = numbered(block, '- **runcmd:**');
  const initCommand = /`(kubeadm \w+)/.exec(run[1]!)![1]!;
  const joinCommand = /Join nodes run `(kubeadm \w+)/.exec(run[1]!)![1]!;
  const pre = resolve(run[0]!, [], []);
  const post = resolve(run[2]!, [], []);
  return {
    writeFiles: { init: [...ca, 'files', initYaml, placeholder], join: [...ca, 'files', joinYaml, placeholder], worker: ['files', joinYaml, placeholder] },
    runcmd: { init: [...pre, initCommand, ...post], join: [...pre, joinCommand, ...post], worker: [...pre, joinCommand, ...post] },
  };
}

export function readFacts(): string {
  return readFileSync(FACTS_FILE, 'utf8');
}
