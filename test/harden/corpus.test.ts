// `capi-gen harden` over every document of the upstream corpus (../shared/corpus, read in place)
// with the REAL registered transforms: nothing crashes, hardening is idempotent, every comment
// line and every placeholder occurrence survives, the validator finds nothing new, and documents
// no transform touched come out byte-identical. Every cloud-config MicroK8s and kubeadm bootstrap
// config gets the certificate checks once (files and last commands); the ones left alone are
// Ignition or placeholder configs named in a warning, or templates written without a spec. The helm-unittest snapshots wrap manifests in
// strings; the manifests inside them are hardened.
import { describe, expect, it } from 'vitest';
import { findPlaceholders, hardenText, validateText, type HardenTextResult, type Issue } from '../../packages/core/src/index.ts';
import { kubeadmConfigSpecKeys } from '../../packages/core/src/harden/kubeadm-cert-checks.ts';
import { microk8sInitConfigurationKeys } from '../../packages/core/src/harden/microk8s-cert-guard.ts';
import {
  CERTS_ENV_PATH,
  CERTS_SERVICE_PATH,
  CERTS_TIMER_PATH,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_POST_COMMAND,
  KUBEADM_PRE_COMMAND,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
  MICROK8S_VERIFY_NODE_COMMAND,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import { loadDocuments } from '../../packages/core/src/yaml/load.ts';
import { corpusTexts } from '../support/corpus.ts';
import { TEMPLATES_DIR } from '../support/repo.ts';
import { HAS_SHARED } from '../support/shared.ts';


function harden(text: string, file: string): HardenTextResult {
  return hardenText(text, { file, hardening: undefined, templatesDir: TEMPLATES_DIR });
}

/** Splits a stream at its `---` lines (the corpus has no `---` line inside a block scalar). */
function documents(text: string): string[] {
  return text.split(/^(?=---[ \t]*$)/m);
}

function count(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** A finding without its position (hardening moves lines). */
function key(i: Issue): string {
  return `${i.object} ${i.severity} ${i.code} ${i.path}`;
}

const CASES = HAS_SHARED ? corpusTexts() : [];

describe.skipIf(!HAS_SHARED)('harden over the upstream corpus', () => {
  it('hardens something (the real transforms are registered and apply)', () => {
    // Act
    const changed = CASES.filter(({ file, text }) => harden(text, file).changes.length > 0);
    // Assert
    expect(CASES.length).toBeGreaterThan(100);
    expect(changed.length).toBeGreaterThan(10);
  });

  it('gives every well-formed cloud-config MicroK8s and kubeadm bootstrap config the certificate checks once, and names the ones it skips', () => {
    let hardenedConfigs = 0;
    let ignitionNamed = 0;
    for (const { file, text } of CASES) {
      // Act
      const once = harden(text, file);
      // Assert
      for (const doc of loadDocuments(once.text, { file, placeholders: once.clusterctlTemplate })) {
        const o = doc.value as Record<string, unknown> | undefined;
        const m = microk8sInitConfigurationKeys(o);
        const k = kubeadmConfigSpecKeys(o);
        const keys = m ?? k;
        if (keys === undefined) continue;
        let c: unknown = o;
        for (const key of keys) c = (c as Record<string, unknown> | undefined)?.[key];
        const config = (c ?? {}) as Record<string, unknown>;
        const label = `${file} ${String(o?.['kind'])}/${String((o?.['metadata'] as { name?: unknown } | undefined)?.name)}`;
        const files = ((config[m ? 'extraWriteFiles' : 'files'] as { path?: unknown }[] | undefined) ?? []).map((f) => f.path);
        const pre = (config[m ? 'preRunCommands' : 'preKubeadmCommands'] as unknown[] | undefined) ?? [];
        const post = (config[m ? 'postRunCommands' : 'postKubeadmCommands'] as unknown[] | undefined) ?? [];
        const ours = [m ? MICROK8S_CERTS_SCRIPT_PATH : KUBEADM_CERTS_SCRIPT_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH];
        if (files.includes(ours[0])) {
          hardenedConfigs++;
          expect(files.filter((p) => ours.includes(p as string)), label).toEqual(ours);
          expect(new Set(files).size, label).toBe(files.length);
          expect(pre.at(-1), label).toBe(m ? MICROK8S_FIRST_BOOT_COMMAND : KUBEADM_PRE_COMMAND);
          expect(post.at(-1), label).toBe(m ? MICROK8S_VERIFY_NODE_COMMAND : KUBEADM_POST_COMMAND);
        } else {
          // left alone: Ignition, a placeholder, or no enclosing spec (a template written without one)
          const named = once.warnings.some((w) => w.startsWith(`${String(o?.['kind'])}/${String((o?.['metadata'] as { name?: unknown } | undefined)?.name)}: `));
          expect(named || config['format'] === undefined, label).toBe(true);
          if (named && config['format'] === 'ignition') ignitionNamed++;
        }
      }
    }
    expect(hardenedConfigs).toBeGreaterThan(50);
    expect(ignitionNamed).toBeGreaterThan(0); // CAPO's flatcar templates
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_label, { file, text }) => {
    // Act
    const once = harden(text, file);
    const twice = harden(once.text, file);
    // Assert: idempotent
    expect(twice.text).toBe(once.text);
    expect(twice.changes).toEqual([]);
    // every comment line still there
    const outLines = new Set(once.text.split('\n'));
    for (const line of text.split('\n')) if (/^\s*#/.test(line) || /\s#\s/.test(line)) expect(outLines, `comment line ${JSON.stringify(line)}`).toContain(line);
    // every placeholder occurrence still there (clusterctl templates)
    if (once.clusterctlTemplate) {
      const before = count(findPlaceholders(text).map((p) => text.slice(p.start, p.end)));
      const after = count(findPlaceholders(once.text).map((p) => once.text.slice(p.start, p.end)));
      for (const [p, n] of before) expect(after.get(p) ?? 0, p).toBeGreaterThanOrEqual(n);
    }
    // documents no transform touched are byte-identical; the others are the ones with changes
    const inDocs = documents(text);
    const outDocs = documents(once.text);
    expect(outDocs.length).toBe(inDocs.length);
    const touched = new Set(once.changes.map((c) => c.document));
    const differing = inDocs.flatMap((d, i) => (d === outDocs[i] ? [] : [i]));
    // why: split by `---` lines, the first split part may hold only comments before a document;
    // compare the changed parts' count, which is the same either way.
    expect(differing.length).toBe(touched.size);
    // no new validator finding
    if (once.changes.length > 0) {
      const was = count((await validateText(text, { file })).issues.map(key));
      const now = count((await validateText(once.text, { file })).issues.map(key));
      const fresh = [...now].filter(([k, n]) => n > (was.get(k) ?? 0)).map(([k]) => k);
      expect(fresh).toEqual([]);
    }
  });
});
