// Property: a clusterctl template hardened and then substituted by clusterctl (envsubst, emulated
// in @capi-gen/core/testing) reads exactly like the same manifest substituted first and hardened
// as a plain manifest.
// So every `$` that harden injects survives envsubst, and the user's placeholders and `$$`
// escapes are left for clusterctl as they were. Injected text is random (with `$`, `${X}`, `$$`,
// braces, quotes, newlines), next to the real registered transforms' script and command.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { defaultTemplatesDir } from '../../src/flavors/flavor.ts';
import { hardenText } from '../../src/harden/apply-to-text.ts';
import { TRANSFORMS, type Transform } from '../../src/harden/registry.ts';
import { envsubst } from '../../src/testing/index.ts';

const TEMPLATE = `# A MicroK8s control plane, as in the provider's templates
apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: MicroK8sControlPlane
metadata:
  name: "\${CLUSTER_NAME}-control-plane"
spec:
  replicas: \${CONTROL_PLANE_MACHINE_COUNT:=1}
  controlPlaneConfig:
    initConfiguration:
      addons: [\${ADDONS:= }]
      preRunCommands:
        - echo \${GREETING:-hello} $\${HOME}   # the user's escape
      extraWriteFiles:
        - path: /etc/user.conf
          content: |
            x=\${VALUE}
            y=$\${NOT_A_VARIABLE}
          owner: root:root
          permissions: "0644"
      postRunCommands:
        - echo user-post
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: \${CLUSTER_NAME}-widget
spec:
  commands:
    - echo \${CLUSTER_NAME}
`;

/** Injects `script` into every Widget, idempotently. */
function inject(script: string): Transform {
  return {
    id: 'inject',
    apply: (objects: readonly KubeObject[]): KubeObject[] =>
      objects.map((o) => {
        if (o.kind !== 'Widget') return o;
        const spec = o['spec'] as { commands?: unknown[] };
        const commands = [...(spec.commands ?? [])];
        if (!commands.includes(script)) commands.push(script);
        return { ...o, spec: { ...spec, commands, script: { content: script } } };
      }),
  };
}

const injectedText = fc
  .array(fc.constantFrom('$', '{', '}', '$$', '$$$', '${X}', '$${Y}', '${Z:=d}', '$x', 'a', ' ', '\n', 'echo ', '#', '"', "'", ': ', '- ', '\\', '\t'), { maxLength: 24 })
  .map((parts) => parts.join(''));

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const env = fc.record(
  {
    CLUSTER_NAME: word,
    CONTROL_PLANE_MACHINE_COUNT: fc.constantFrom('1', '3'),
    ADDONS: fc.constantFrom('dns', 'dns, ingress'),
    GREETING: word,
    VALUE: word,
  },
  { requiredKeys: ['CLUSTER_NAME', 'VALUE'] },
);

function values(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
}

describe('hardenText on clusterctl templates', () => {
  it('hardened then substituted reads like substituted then hardened', () => {
    const templatesDir = defaultTemplatesDir();
    fc.assert(
      fc.property(injectedText, env, (script, vars) => {
        // Arrange
        const transforms = [...TRANSFORMS, inject(script)];
        // Act
        const template = hardenText(TEMPLATE, { hardening: undefined, templatesDir, transforms });
        const viaTemplate = envsubst(template.text, vars);
        const plain = hardenText(envsubst(TEMPLATE, vars), { hardening: undefined, templatesDir, transforms, clusterctlTemplate: false });
        // Assert
        expect(template.clusterctlTemplate).toBe(true);
        expect(values(viaTemplate)).toEqual(values(plain.text));
        expect(hardenText(template.text, { hardening: undefined, templatesDir, transforms }).text).toBe(template.text);
      }),
    );
  });

  it('keeps every line of the template (placeholders, escapes, comments) in order', () => {
    const templatesDir = defaultTemplatesDir();
    fc.assert(
      fc.property(injectedText, (script) => {
        // Act
        const out = hardenText(TEMPLATE, { hardening: undefined, templatesDir, transforms: [...TRANSFORMS, inject(script)] }).text.split('\n');
        // Assert
        let at = 0;
        for (const line of TEMPLATE.split('\n')) {
          at = out.indexOf(line, at);
          expect(at, line).toBeGreaterThanOrEqual(0);
          at++;
        }
      }),
    );
  });
});
