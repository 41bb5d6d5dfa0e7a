// Properties of the preview over arbitrary user input (seed from CAPI_GEN_SEED):
// - the user-data re-parses with a YAML 1.1 parser (what cloud-init's PyYAML is) to exactly the
//   steps the preview lists: every command and file content comes back byte for byte, however it
//   looks (`yes`, `0755`, `: `, ` #`, quotes, newlines, unicode);
// - the user's commands keep their order and sit in the provider's pre/post slots;
// - Go %q output, read back as a Go/YAML double-quoted string (JSON for the printable subset), is the input.
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { goQuote, previewUserData, type KubeObject } from '../../packages/core/src/index.ts';

const tricky = fc.oneof(
  fc.constantFrom('yes', 'on', 'no', '0755', '1:30', '2024-01-01', '~', 'null', '- x', '#c', 'a: b', 'a #b', '"q"', "'s'", '*x', '&a', '!t', '%p', '@x', '`x`', '|', '>'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ maxLength: 30 }),
);
const command = tricky.filter((s) => s.trim() !== '' && !s.includes('\n'));
const content = fc.oneof(tricky, fc.array(tricky, { maxLength: 4 }).map((l) => l.join('\n')));

const microk8s = (pre: string[], post: string[], files: string[]): KubeObject[] => [
  {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
    kind: 'MicroK8sControlPlane',
    metadata: { name: 'cp' },
    spec: {
      version: 'v1.31.1',
      controlPlaneConfig: {
        initConfiguration: {
          preRunCommands: pre,
          postRunCommands: post,
          extraWriteFiles: files.map((c, i) => ({ path: `/etc/f${i}`, content: c, permissions: '0644', owner: 'root:root' })),
        },
      },
    },
  },
];
const kubeadm = (pre: string[], post: string[], files: string[]): KubeObject[] => [
  {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
    kind: 'KubeadmControlPlane',
    metadata: { name: 'kcp' },
    spec: { version: 'v1.33.1', kubeadmConfigSpec: { preKubeadmCommands: pre, postKubeadmCommands: post, files: files.map((c, i) => ({ path: `/etc/f${i}`, content: c })) } },
  },
];

describe('preview properties', () => {
  for (const [provider, objects] of [
    ['MicroK8s', microk8s],
    ['kubeadm', kubeadm],
  ] as const) {
    it(`${provider}: the user-data reads back (YAML 1.1) to exactly the listed steps; user commands keep order and slot`, () => {
      fc.assert(
        fc.property(fc.array(command, { maxLength: 4 }), fc.array(command, { maxLength: 4 }), fc.array(content, { maxLength: 3 }), fc.constantFrom('init', 'join') as fc.Arbitrary<'init' | 'join'>, (pre, post, files, machine) => {
          const p = previewUserData(objects(pre, post, files), { machine });
          const doc = parse(p.userData, { version: '1.1' }) as { runcmd: string[]; write_files: { path: string; content: string }[] };
          const run = p.steps.filter((s) => s.section === 'runcmd');
          expect(doc.runcmd).toEqual(run.map((s) => s.text));
          expect(doc.write_files.map((f) => [f.path, f.content])).toEqual(p.steps.filter((s) => s.section === 'write_files').map((s) => [s.text, s.content]));
          expect(run.filter((s) => s.slot === 'pre').map((s) => s.text)).toEqual(pre);
          expect(run.filter((s) => s.slot === 'post').map((s) => s.text)).toEqual(post);
          const firstProviderAfterPre = run.findIndex((s, i) => s.origin === 'provider' && i > 0);
          expect(run.slice(0, firstProviderAfterPre).filter((s) => s.slot === 'pre')).toHaveLength(pre.length);
          expect(run.slice(run.length - post.length).map((s) => s.slot)).toEqual(post.map(() => 'post'));
        }),
      );
    });
  }

  it('goQuote of printable ASCII reads back as a JSON string to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }), (s) => {
        expect(JSON.parse(goQuote(s))).toBe(s);
      }),
    );
  });

  it('goQuote of any string reads back as a YAML double-quoted scalar to the input (surrogate halves become U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        expect(parse(goQuote(s), { version: '1.1' })).toBe(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));
      }),
    );
  });
});
