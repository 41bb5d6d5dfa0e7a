// hardenText writes only what the transforms changed back into the user's text. A fake transform
// (below) adds keys, replaces scalars, appends to lists and injects a script with `$`; the tests
// check that everything else (comments, key order, quoting, placeholders, escapes, other
// documents) survives byte for byte, that inserted scalars are YAML 1.1-safe, that injected text
// is escaped for clusterctl's envsubst only in templates, and that hardening is idempotent.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/emit/to-yaml.ts';
import { CapiGenError } from '../../src/errors.ts';
import { escapeForEnvsubst, hardenText, KCP_ROLLOUT_WARNING, MICROK8S_CP_WARNING, TEMPLATE_WARNING, type HardenTextOptions } from '../../src/harden/apply-to-text.ts';
import type { Transform } from '../../src/harden/registry.ts';

const SCRIPT = '#!/bin/sh\necho "${HOME}" costs $$ and $x\n';

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Edits every Widget: the kinds of change a real transform makes, idempotently. */
const fake: Transform = {
  id: 'fake',
  apply(objects: readonly KubeObject[]): KubeObject[] {
    return objects.map((o) => {
      if (o.kind !== 'Widget') return o;
      const spec = { ...rec(o['spec']) };
      spec['size'] = 'large';
      spec['level'] = 'high';
      spec['enabled'] = 'on';
      spec['mode'] = '0755';
      spec['duration'] = '1:30';
      const commands = Array.isArray(spec['commands']) ? [...(spec['commands'] as unknown[])] : [];
      if (!commands.includes('echo done')) commands.push('echo done');
      spec['commands'] = commands;
      const files = Array.isArray(spec['files']) ? [...(spec['files'] as unknown[])] : [];
      if (!files.some((f) => rec(f)['path'] === '/fake.sh')) files.push({ path: '/fake.sh', permissions: '0755', content: SCRIPT });
      spec['files'] = files;
      return { ...o, spec };
    });
  },
};

const TEMPLATE = `# Widgets for \${CLUSTER_NAME}
apiVersion: example.com/v1
kind: Widget
metadata:
  name: "\${CLUSTER_NAME}-w"   # the placeholder stays
spec:
  # size is quoted on purpose
  size: "small"
  level: 'low'
  zeta: 1
  alpha: \${REPLICAS:=3}
  tags: [\${TAGS:= }]
  commands:
    - echo $\${USER}   # the user's own escape
    - "first"
  files:
    - path: /user.sh
      content: |
        echo user
---
# untouched document
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data:
  k: 'v'   # keep
  n: "\${N}"
`;

const PLAIN = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: small
  commands:
  - first
`;

function harden(text: string, extra: Partial<HardenTextOptions> = {}): ReturnType<typeof hardenText> {
  return hardenText(text, { file: 'in.yaml', hardening: undefined, templatesDir: '/nonexistent', transforms: [fake], ...extra });
}

describe('hardenText on a clusterctl template', () => {
  it('keeps comments, key order, quoting, placeholders and escapes, and edits only what changed', () => {
    // Act
    const out = harden(TEMPLATE);
    // Assert
    expect(out.clusterctlTemplate).toBe(true);
    expect(out.text).toMatchInlineSnapshot(`
      "# Widgets for \${CLUSTER_NAME}
      apiVersion: example.com/v1
      kind: Widget
      metadata:
        name: "\${CLUSTER_NAME}-w"   # the placeholder stays
      spec:
        # size is quoted on purpose
        size: "large"
        level: 'high'
        zeta: 1
        alpha: \${REPLICAS:=3}
        tags: [\${TAGS:= }]
        commands:
          - echo $\${USER}   # the user's own escape
          - "first"
          - echo done
        files:
          - path: /user.sh
            content: |
              echo user
          - path: /fake.sh
            permissions: "0755"
            content: |
              #!/bin/sh
              echo "$\${HOME}" costs $$$$ and $x
        enabled: "on"
        mode: "0755"
        duration: "1:30"
      ---
      # untouched document
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cm}
      data:
        k: 'v'   # keep
        n: "\${N}"
      "
    `);
  });

  it('leaves documents no transform changed byte-identical', () => {
    // Act
    const out = harden(TEMPLATE);
    // Assert
    const tail = (t: string): string => t.slice(t.indexOf('---\n# untouched'));
    expect(tail(out.text)).toBe(tail(TEMPLATE));
  });

  it('lists every change with object, pointer and line', () => {
    // Act
    const { changes } = harden(TEMPLATE);
    // Assert
    expect(changes.map((c) => `${c.line} ${c.object} ${c.op} ${c.path} ${c.value}`)).toEqual([
      '8 Widget/${CLUSTER_NAME}-w replace /spec/size "large"',
      '9 Widget/${CLUSTER_NAME}-w replace /spec/level "high"',
      '15 Widget/${CLUSTER_NAME}-w add /spec/commands/2 "echo done"',
      '19 Widget/${CLUSTER_NAME}-w add /spec/files/1 {"path":"/fake.sh","permissions":"0755","content":"<2 lines>"}',
      '19 Widget/${CLUSTER_NAME}-w add /spec/enabled "on"',
      '19 Widget/${CLUSTER_NAME}-w add /spec/mode "0755"',
      '19 Widget/${CLUSTER_NAME}-w add /spec/duration "1:30"',
    ]);
  });

  it('escapes injected text so that clusterctl gives back the script', () => {
    // Act
    const out = harden(TEMPLATE);
    // Assert
    const widget = parse(out.text.split('\n---\n')[0]!.replace('[${TAGS:= }]', '[]')) as { spec: { files: { content: string }[] } };
    expect(widget.spec.files[1]!.content).toBe(escapeForEnvsubst(SCRIPT));
    expect(escapeForEnvsubst(SCRIPT)).toBe('#!/bin/sh\necho "$${HOME}" costs $$$$ and $x\n');
  });

  it('is idempotent', () => {
    // Arrange
    const once = harden(TEMPLATE).text;
    // Act
    const twice = harden(once);
    // Assert
    expect(twice.text).toBe(once);
    expect(twice.changes).toEqual([]);
    expect(twice.warnings).toEqual([]);
  });
});

describe('hardenText on a plain manifest', () => {
  it('does not escape injected text and quotes YAML 1.1 look-alikes', () => {
    // Act
    const out = harden(PLAIN);
    // Assert
    expect(out.clusterctlTemplate).toBe(false);
    expect(out.text).toContain('      echo "${HOME}" costs $$ and $x\n');
    expect(out.text).toContain('  enabled: "on"\n  mode: "0755"\n  duration: "1:30"\n');
    expect(out.text).toContain('  size: large\n');
    // the user's unindented list style is kept for the new item
    expect(out.text).toContain('  commands:\n  - first\n  - echo done\n');
    expect((parse(out.text, { version: '1.1' }) as { spec: { files: { content: string }[] } }).spec.files[0]!.content).toBe(SCRIPT);
  });

  it('escapes nothing when told the text is not a template, even if it holds ${', () => {
    // Act
    const out = harden(TEMPLATE.replace('tags: [${TAGS:= }]', 'tags: []'), { clusterctlTemplate: false });
    // Assert
    expect(out.clusterctlTemplate).toBe(false);
    expect(out.text).toContain('echo "${HOME}" costs $$ and $x');
  });

  it('escapes when told the text is a template although it holds no ${', () => {
    // Act
    const out = harden(PLAIN, { clusterctlTemplate: true });
    // Assert
    expect(out.text).toContain('echo "$${HOME}" costs $$$$ and $x');
  });

  it('changes nothing, byte for byte, when no transform applies', () => {
    // Arrange
    const text = 'apiVersion: v1\nkind: ConfigMap # c\nmetadata:\n    name:   x\ndata: {a: "1"}\n';
    // Act
    const out = harden(text);
    // Assert
    expect(out.text).toBe(text);
    expect(out.changes).toEqual([]);
  });

  it('removes items, inserts before kept items and keeps the rest', () => {
    // Arrange
    const reorder: Transform = {
      id: 'reorder',
      apply: (objects) =>
        objects.map((o) => {
          const spec = rec(o['spec']);
          const cmds = (spec['commands'] as string[]).filter((c) => c !== 'obsolete');
          const i = cmds.indexOf('last');
          if (!cmds.includes('before-last')) cmds.splice(i, 0, 'before-last');
          const { gone: _gone, ...rest } = spec;
          return { ...o, spec: { ...rest, commands: cmds } };
        }),
    };
    const text = 'kind: W\nmetadata:\n  name: w\nspec:\n  gone: 1 # bye\n  commands:\n    - first # 1\n    - obsolete\n    - last # 3\n  keep: true\n';
    // Act
    const out = harden(text, { transforms: [reorder] });
    // Assert
    expect(out.text).toBe('kind: W\nmetadata:\n  name: w\nspec:\n  commands:\n    - first # 1\n    - before-last\n    - last # 3\n  keep: true\n');
    expect(out.changes.map((c) => `${c.op} ${c.path}`)).toEqual(['remove /spec/gone', 'remove /spec/commands/1', 'add /spec/commands/1']);
    expect(harden(out.text, { transforms: [reorder] }).changes).toEqual([]);
  });

  it('keeps CRLF line ends, also in what it inserts', () => {
    // Arrange
    const text = PLAIN.replace(/\n/g, '\r\n');
    // Act
    const out = harden(text);
    // Assert
    expect(out.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out.text.replace(/\r\n/g, '\n')).toBe(harden(PLAIN).text);
    expect(harden(out.text).changes).toEqual([]);
  });

  it('writes a flow list it extends in block style, in place', () => {
    // Arrange
    const text = 'kind: Widget\nmetadata:\n  name: w\nspec: # keep me\n  commands: [first]\n  other: x\n';
    // Act
    const out = harden(text);
    // Assert
    expect(out.text.startsWith('kind: Widget\nmetadata:\n  name: w\nspec: # keep me\n  commands:\n    - first\n    - echo done\n  other: x\n')).toBe(true);
    expect(out.warnings).toEqual([]);
    expect(harden(out.text).text).toBe(out.text);
  });

  it('re-emits a document it cannot edit in place, and says so', () => {
    // Arrange: the whole document is one flow mapping
    const text = '# keep me\n{kind: Widget, metadata: {name: w}, spec: {commands: [first]}}\n---\nkind: Other # untouched\n';
    // Act
    const out = harden(text);
    // Assert
    expect((parse(out.text.split('---\n')[0]!) as { spec: { commands: string[] } }).spec.commands).toEqual(['first', 'echo done']);
    expect(out.text).toContain('# keep me');
    expect(out.text.endsWith('---\nkind: Other # untouched\n')).toBe(true);
    expect(out.warnings).toEqual([expect.stringContaining('Widget/w: could not add the changes in place (the whole document changes)')]);
    expect(harden(out.text).text).toBe(out.text);
  });

  it('refuses a text with a YAML syntax error, with its position', () => {
    // Act
    const run = (): unknown => harden('kind: Widget\nspec: [a\n');
    // Assert
    expect(run).toThrow(CapiGenError);
    try {
      run();
    } catch (err) {
      expect((err as CapiGenError).issues[0]).toMatchObject({ code: 'YAML_SYNTAX', source: { file: 'in.yaml' } });
    }
  });
});

describe('hardenText warnings', () => {
  const touch = (path: string[]): Transform => ({
    id: 'touch',
    apply: (objects) =>
      objects.map((o) => {
        const out = structuredClone(o) as Record<string, unknown>;
        let at = out;
        for (const k of path.slice(0, -1)) at = rec((at[k] ??= {}));
        at[path[path.length - 1]!] = 'x';
        return out as KubeObject;
      }),
  });
  const KCP = 'apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\nmetadata:\n  name: cp\nspec:\n  replicas: 1\n  kubeadmConfigSpec:\n    files: []\n';

  it('warns that a changed kubeadmConfigSpec rolls every control-plane machine', () => {
    // Act
    const out = harden(KCP, { transforms: [touch(['spec', 'kubeadmConfigSpec', 'format'])] });
    // Assert
    expect(out.warnings).toEqual([`KubeadmControlPlane/cp: ${KCP_ROLLOUT_WARNING}`]);
  });

  it('does not warn about a rollout for other KubeadmControlPlane fields', () => {
    // Act
    const out = harden(KCP, { transforms: [touch(['spec', 'version'])] });
    // Assert
    expect(out.warnings).toEqual([]);
  });

  it('warns that a changed MicroK8sControlPlane controlPlaneConfig reaches only new machines, and not for other fields', () => {
    // Arrange
    const text = 'apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: MicroK8sControlPlane\nmetadata:\n  name: mk\nspec:\n  replicas: 3\n  controlPlaneConfig:\n    initConfiguration:\n      riskLevel: stable\n';
    // Act
    const changed = harden(text, { transforms: [touch(['spec', 'controlPlaneConfig', 'initConfiguration', 'riskLevel'])] });
    const other = harden(text, { transforms: [touch(['spec', 'version'])] });
    // Assert
    expect(changed.warnings).toEqual([`MicroK8sControlPlane/mk: ${MICROK8S_CP_WARNING}`]);
    expect(other.warnings).toEqual([]);
  });

  it('warns that edited templates do not reach existing machines', () => {
    // Arrange
    const text = 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta1\nkind: KubeadmConfigTemplate\nmetadata:\n  name: md\nspec:\n  template:\n    spec:\n      files: []\n';
    // Act
    const out = harden(text, { transforms: [touch(['spec', 'template', 'spec', 'format'])] });
    // Assert
    expect(out.warnings).toEqual([`KubeadmConfigTemplate/md: ${TEMPLATE_WARNING}`]);
  });
});

describe('escapeForEnvsubst', () => {
  it.each([
    ['${A}', '$${A}'],
    ['$$', '$$$$'],
    ['$$$', '$$$$$$'],
    ['$${A}', '$$$${A}'],
    ['$x $ {', '$x $ {'],
    ['no dollars', 'no dollars'],
  ])('%s -> %s', (input, escaped) => {
    expect(escapeForEnvsubst(input)).toBe(escaped);
  });
});
