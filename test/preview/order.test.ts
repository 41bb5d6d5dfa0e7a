// The preview's provider steps, in order, held against ../shared/notes/capi-facts.md section c
// (read at test time and parsed by _facts.ts), for every example and every machine. capi-gen's
// and the user's steps go where the provider puts the user's lists: they become `pre`, `post`
// and `files` markers here.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserDataStep } from '../../packages/core/src/index.ts';
import { previewCases, type PreviewCase } from './_examples.ts';
import { FACTS_FILE, kubeadmFacts, microk8sFacts, readFacts, type ProviderFacts } from './_facts.ts';

/** The preview's sequence of one section: provider step names (or paths) and slot markers, runs of a slot collapsed. */
function skeleton(steps: readonly UserDataStep[], section: 'runcmd' | 'write_files'): string[] {
  const out: string[] = [];
  for (const s of steps.filter((x) => x.section === section)) {
    const key = s.origin === 'provider' ? (section === 'runcmd' ? s.name! : kubeadmName(s)) : s.slot!;
    if (s.origin !== 'provider' && out[out.length - 1] === key) continue;
    out.push(key);
  }
  return out;
}

/** kubeadm CA files are named relative to certificatesDir (ca.crt, etcd/ca.key); other files by path. */
function kubeadmName(s: UserDataStep): string {
  return s.source.file === 'util/secret/certificates.go' ? s.name! : s.text;
}

/** The note's sequence with the slots the preview has no step in left out (an empty list adds no line). */
function expected(facts: readonly string[], got: readonly string[]): string[] {
  return facts.filter((k) => !['pre', 'post', 'files'].includes(k) || got.includes(k));
}

describe.skipIf(!existsSync(FACTS_FILE))('provider step order = ../shared/notes/capi-facts.md section c', () => {
  let cases: PreviewCase[] = [];
  let note = '';
  beforeAll(async () => {
    cases = await previewCases();
    note = readFacts();
  });

  it('reads the note: MicroK8s 15 scripts, init/join/worker runcmd; kubeadm CA files and runcmd', () => {
    const m = microk8sFacts(note);
    expect(m.scripts).toHaveLength(15);
    expect(m.runcmd.init.slice(0, 2)).toEqual(['set -x', 'pre']);
    expect(m.runcmd.init).toContain('microk8s refresh-certs /var/tmp');
    expect(m.runcmd.worker.at(-1)).toBe('post');
    const k = kubeadmFacts(note);
    expect(k.runcmd.init).toEqual(['pre', 'kubeadm init', 'post']);
    expect(k.writeFiles.init.slice(0, 2)).toEqual(['ca.crt', 'ca.key']);
  });

  it.each([
    ['MicroK8s', 'microk8s', microk8sFacts],
    ['kubeadm', 'kubeadm', kubeadmFacts],
  ] as const)('%s: runcmd and write_files of init, join and every worker pool follow the note', (_name, provider, factsOf) => {
    const facts: ProviderFacts = factsOf(note);
    const ofProvider = cases.filter((c) => c.preview.provider === provider);
    expect(ofProvider.map((c) => c.machine)).toEqual(expect.arrayContaining(['init', 'join', 'worker']));
    for (const c of ofProvider) {
      const run = skeleton(c.preview.steps, 'runcmd');
      expect(run, `${c.id} runcmd`).toEqual(expected(facts.runcmd[c.machine], run));
      const files = skeleton(c.preview.steps, 'write_files');
      expect(files, `${c.id} write_files`).toEqual(expected(facts.writeFiles[c.machine], files));
    }
  });

  it('cites a provider file and a full commit for every step', () => {
    for (const c of cases) {
      for (const s of c.preview.steps) {
        expect(s.source.commit, `${c.id} ${s.text}`).toMatch(/^[0-9a-f]{40}$/);
        expect(s.source.repo).toMatch(/^(kubernetes-sigs\/cluster-api|canonical\/cluster-api-bootstrap-provider-microk8s)$/);
        expect(s.source.file).toMatch(/\.go$/);
      }
    }
  });
});
