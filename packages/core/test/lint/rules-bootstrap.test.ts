// Bootstrap safety rules: a failing and a passing fixture per rule (id, JSON pointer, line and
// column through the engine), and the Jinja classification checked against cloud-init's own
// renderer (Debian's /usr/bin/python3 with the cloudinit package; skipped where it is absent).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_RULES, classifyJinja, envsubstProblems, type JinjaPiece } from '../../src/lint/rules/bootstrap.ts';
import { RULES } from '../../src/lint/rules/index.ts';
import { check, dedent, lintWith, ruleById, where } from './_context.ts';

const rule = (id: string) => ruleById(BOOTSTRAP_RULES, id);

describe('bootstrap rules are registered', () => {
  it('every rule is in RULES with a docs anchor made from its id', () => {
    for (const r of BOOTSTRAP_RULES) {
      expect(RULES).toContain(r);
      expect(r.docs).toBe(`#${r.id.replace('/', '-')}`);
    }
  });
});

// --- bootstrap/jinja-breaks-user-data -------------------------------------------------------------

describe('bootstrap/jinja-breaks-user-data', () => {
  const jinja = rule('bootstrap/jinja-breaks-user-data');

  it('flags `${#arr[@]}` in a kubeadm file, `{%` in a MicroK8s command and `{{ foo }}` in a kubeadm command', async () => {
    const text = dedent`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.33.0
        kubeadmConfigSpec:
          files:
            - path: /usr/local/bin/count.sh
              owner: root:root
              permissions: "0755"
              content: |
                #!/bin/bash
                arr=(a b c)
                echo "\${#arr[@]}"
          postKubeadmCommands:
            - echo {{ foo }} > /tmp/x
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      metadata:
        name: mcp
      spec:
        controlPlaneConfig:
          initConfiguration:
            preRunCommands:
              - printf "{%s}\\n" hello
    `;
    const found = await lintWith(jinja, text);
    expect(found.map((f) => f.ruleId)).toEqual(Array(3).fill('bootstrap/jinja-breaks-user-data'));
    expect(where(found)).toEqual([
      '12:18 /spec/kubeadmConfigSpec/files/0/content',
      '17:9 /spec/kubeadmConfigSpec/postKubeadmCommands/0',
      '27:11 /spec/controlPlaneConfig/initConfiguration/preRunCommands/0',
    ]);
    expect(found.every((f) => f.severity === 'error')).toBe(true);
    expect(found[0]!.message).toContain('skips the whole user-data part');
    expect(found[0]!.message).toContain('(line 3 of the text)');
    expect(found[1]!.message).toContain('CI_MISSING_JINJA_VAR/foo');
    expect(found[2]!.message).toContain('Jinja statement');
  });

  it('passes intended cloud-init variables, escapes, base64 files, Go templates and ignition', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: md
      spec:
        template:
          spec:
            files:
              - path: /etc/a.sh
                content: |
                  echo "\${{ '{#' }}arr[@]}" {{ local_hostname }} {{ ds.meta_data.local_hostname }}
              - path: /etc/b.sh
                encoding: base64
                content: ZWNobyAiJHsjYXJyW0BdfSIK
              - path: /etc/c.sh
                contentFormat: Template
                content: 'echo {{ .controlPlane.version }}'
              - path: /etc/d.sh
                content: |
                  {% raw %}echo "\${#arr[@]}"
                  {% endraw %}
            preKubeadmCommands:
              - hostnamectl set-hostname {{ v1.local_hostname }}
              - echo {{instance_id}}
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfig
      metadata:
        name: flatcar
      spec:
        format: ignition
        preKubeadmCommands:
          - echo "\${#arr[@]}"
    `;
    expect(await lintWith(jinja, text)).toEqual([]);
  });

  it('flags `{#` in a contentFormat: Template file (Go leaves it for Jinja) and a mid-line `{% endraw %}`', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: KubeadmConfig
      metadata:
        name: n
      spec:
        files:
          - path: /etc/a.sh
            contentFormat: Template
            content: 'v={{ .controlPlane.version }}; echo \${#v}'
          - path: /etc/b.sh
            content: "{% raw %}\${#a}{% endraw %}\\nnext\\n"
    `;
    const found = await lintWith(jinja, text);
    expect(where(found)).toEqual(['9:16 /spec/files/0/content', '11:16 /spec/files/1/content']);
    expect(found[1]!.message).toContain('joins this line with the next');
  });
});

// --- the classification against cloud-init's renderer --------------------------------------------

const PYTHON = '/usr/bin/python3';
const hasCloudInit = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import cloudinit.templater'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Instance data the renderer gets (the names the intended variables use). */
const PARAMS = {
  local_hostname: 'HOST',
  instance_id: 'IID',
  v1: { local_hostname: 'V1HOST', instance_id: 'V1IID', region: 'REGION' },
  ds: { meta_data: { local_hostname: 'DSHOST', uuid: 'UUID', 'local-hostname': 'DSHOST2' } },
} as const;

/** The value of an intended variable (`v1.region`, `ds.meta_data['local-hostname']`), or undefined when absent. */
function lookup(variable: string): string | undefined {
  let cur: unknown = PARAMS;
  for (const m of variable.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]/g)) {
    const key = m[1] ?? m[2]!;
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/** The text as the rule expects the renderer to return it: variables and escapes replaced. */
function expectedRender(text: string, pieces: readonly JinjaPiece[]): string | undefined {
  let out = '';
  let last = 0;
  for (const p of pieces) {
    out += text.slice(last, p.start);
    if ('variable' in p) {
      const v = lookup(p.variable);
      if (v === undefined) return undefined;
      out += v;
    } else {
      out += p.literal;
    }
    last = p.end;
  }
  return out + text.slice(last);
}

type Rendered = { ok: true; out: string } | { ok: false; err: string };

/** Renders every text in one python process with cloudinit.templater.render_string (as `## template: jinja`). */
function renderAll(texts: readonly string[]): Rendered[] {
  const script = [
    'import sys, json',
    'from cloudinit.templater import render_string',
    'params = json.loads(sys.argv[1])',
    'out = []',
    'for t in json.load(sys.stdin):',
    '    try:',
    '        out.append({"ok": True, "out": render_string("## template: jinja\\n" + t, params)})',
    '    except Exception as e:',
    '        out.append({"ok": False, "err": type(e).__name__ + ": " + str(e)})',
    'print(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync(PYTHON, ['-c', script, JSON.stringify(PARAMS)], { input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'ignore'] });
  return JSON.parse(stdout.toString('utf8')) as Rendered[];
}

const HAND_CASES: readonly string[] = [
  // flagged
  'echo "${#arr[@]}"\n',
  '${#}\n',
  'echo "${#arr[@]}" # and later #} here\n',
  'printf "{%s}\\n" x\n',
  'echo {{ .controlPlane.version }}\n',
  'echo "{{ foo }}"\n',
  'echo {{ foo.bar }}\n',
  'echo {{ v1 }}\n',
  '{% if true %}\nx\n{% endif %}\n',
  '{% raw %}${#a}{% endraw %}\nnext\n',
  '{% raw %}never closed ${#a}\n',
  '{{- local_hostname }}\n',
  "{{ local_hostname | upper }}\n",
  'a {{ "{#" }} b\n',
  'jq \'{{.}}\' x.json\n',
  'x {{\n',
  // passed
  'awk \'{print $1}\' /etc/hosts\n',
  'echo $# ${var} ${HOME:-/root} }} %} #}\n',
  'for f in {a,b}; do echo {$f}; done\n',
  'hostnamectl set-hostname {{ local_hostname }}\n',
  'id={{instance_id}} r={{ v1.region }} h={{ ds.meta_data.local_hostname }}\n',
  "h={{ ds.meta_data['local-hostname'] }}\n",
  "echo \"${{ '{#' }}arr[@]}\"\n",
  "{{ '{{' }} {{ '{%' }} {{ '}}' }} {{ '' }}\n",
  '{% raw %}#!/bin/bash\necho "${#arr[@]}" {{ x }} {% y %}\n{% endraw %}\nnext\n',
  '{%raw%}{#{%endraw%}',
  'no trailing newline',
  'trailing blank lines\n\n\n',
  '',
];

/** Texts built from the pieces that matter to Jinja and to bash. */
const TOKENS = [
  '{', '}', '{{', '}}', '{%', '%}', '{#', '#}', ' ', '\n', '\t', 'a', '$', '#', "'", '"', '\\', '.', '[@]', '-',
  'raw', 'endraw', '{% raw %}', '{% endraw %}', 'local_hostname', 'instance_id', 'v1.region', 'ds.meta_data.uuid', 'foo',
  '{{ local_hostname }}', "{{ '{#' }}", '${#arr[@]}', '${x}', '{{ v1.region }}', '{{ foo }}',
];

describe.skipIf(!hasCloudInit)("the Jinja classification agrees with cloud-init's renderer", () => {
  it('hand cases and generated texts: flagged ones are changed or rejected, passed ones render as the rule says', () => {
    const generated = fc.sample(fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((parts) => parts.join('')), { numRuns: 1500 });
    const texts = [...new Set([...HAND_CASES, ...generated])];
    const rendered = renderAll(texts);
    let flagged = 0;
    let passed = 0;
    let skipped = 0;
    const disagreements: string[] = [];
    texts.forEach((text, i) => {
      const r = rendered[i]!;
      const { problems, pieces } = classifyJinja(text);
      if (problems.length > 0) {
        flagged++;
        if (r.ok && r.out === text) disagreements.push(`flagged but unchanged: ${JSON.stringify(text)}`);
        return;
      }
      const expected = expectedRender(text, pieces);
      if (expected === undefined) {
        skipped++;
        return;
      }
      passed++;
      if (!r.ok) disagreements.push(`passed but rejected: ${JSON.stringify(text)} (${r.err})`);
      else if (r.out !== expected) disagreements.push(`passed but rendered ${JSON.stringify(r.out)}, expected ${JSON.stringify(expected)}: ${JSON.stringify(text)}`);
    });
    expect(disagreements).toEqual([]);
    // Both sides are exercised, and every hand case is classified as listed above.
    expect(flagged).toBeGreaterThan(100);
    expect(passed).toBeGreaterThan(100);
    expect(skipped).toBeLessThan(texts.length / 10);
    const handFlagged = HAND_CASES.filter((t) => classifyJinja(t).problems.length > 0);
    expect(handFlagged).toEqual(HAND_CASES.slice(0, 16));
  });
});

// --- bootstrap/envsubst-eats-dollar ---------------------------------------------------------------

describe('bootstrap/envsubst-eats-dollar', () => {
  const envsubst = rule('bootstrap/envsubst-eats-dollar');

  it('flags shell variables, `$$` and unparsable `${` in the scripts of a clusterctl template', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: \${CLUSTER_NAME}-md-0
      spec:
        template:
          spec:
            preKubeadmCommands:
              - echo \${HOME}
              - echo \${node_ip}
              - kill -0 $$
              - BIN=/opt/bin; ls \${BIN}
              - n=\${#arr[@]}
              - echo \${KUBERNETES_VERSION} $\${HOME} $$$$ $\${#arr[@]} $HOME
    `;
    const found = await lintWith(envsubst, text);
    expect(found.map((f) => f.ruleId)).toEqual(Array(5).fill('bootstrap/envsubst-eats-dollar'));
    expect(where(found)).toEqual([
      '9:11 /spec/template/spec/preKubeadmCommands/0',
      '10:11 /spec/template/spec/preKubeadmCommands/1',
      '11:11 /spec/template/spec/preKubeadmCommands/2',
      '12:11 /spec/template/spec/preKubeadmCommands/3',
      '13:11 /spec/template/spec/preKubeadmCommands/4',
    ]);
    expect(found[0]!.message).toContain('a variable the shell or the node sets');
    expect(found[0]!.message).toContain('write `$${HOME}`');
    expect(found[1]!.message).toContain('lower-case');
    expect(found[2]!.message).toContain('`$$` becomes `$`');
    expect(found[2]!.message).toContain('`$$$$`');
    expect(found[3]!.message).toContain('assigned in this script');
    expect(found[4]!.severity).toBe('error');
    expect(found[4]!.message).toContain('bad substitution');
    expect(found.slice(0, 4).every((f) => f.severity === 'warning')).toBe(true);
  });

  it('passes clusterctl variables and escapes, and plain manifests', async () => {
    const template = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: \${CLUSTER_NAME}-md-0
      spec:
        template:
          spec:
            initConfiguration:
              extraWriteFiles:
                - path: /var/tmp/a.sh
                  owner: root:root
                  permissions: "0700"
                  content: |
                    echo \${KUBERNETES_VERSION:=v1.33.0} $\${HOME} $$$$ $USER
              postRunCommands:
                - echo $\${#arr[@]} $\${node_ip}
    `;
    expect(await lintWith(envsubst, template)).toEqual([]);
    // Without any `\${`, the text is not a clusterctl template: `$$` is the shell's.
    const plain = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: md
      spec:
        template:
          spec:
            initConfiguration:
              postRunCommands:
                - kill -0 $$
    `;
    expect(await lintWith(envsubst, plain)).toEqual([]);
  });

  it('says what `$$` becomes', () => {
    expect(envsubstProblems('echo $$PPID')[0]!.message).toContain('`$$PPID` becomes `$PPID`');
    expect(envsubstProblems('echo $$$x')[0]!.message).toContain('becomes `$$x`');
    expect(envsubstProblems('echo $$$${HOME} $$$$')).toEqual([]);
    expect(envsubstProblems('echo $$${HOME}')[0]!.message).toContain('`${HOME}`');
  });
});

// --- bootstrap/content-too-long -------------------------------------------------------------------

describe('bootstrap/content-too-long', () => {
  const tooLong = rule('bootstrap/content-too-long');
  const kcp = (command: string, content: string): string => dedent`
    apiVersion: controlplane.cluster.x-k8s.io/v1beta1
    kind: KubeadmControlPlane
    metadata:
      name: cp
    spec:
      version: v1.33.0
      kubeadmConfigSpec:
        files:
          - path: /etc/big
            content: ${content}
        preKubeadmCommands:
          - ${command}
  `;

  it('flags a command and a file content over 10240 characters (kubeadm)', async () => {
    const found = await lintWith(tooLong, kcp('x'.repeat(10241), 'é'.repeat(10241)));
    expect(found.map((f) => f.ruleId)).toEqual(['bootstrap/content-too-long', 'bootstrap/content-too-long']);
    expect(where(found)).toEqual(['10:18 /spec/kubeadmConfigSpec/files/0/content', '12:9 /spec/kubeadmConfigSpec/preKubeadmCommands/0']);
    expect(found[0]!.message).toContain('10241 characters');
    expect(found[0]!.severity).toBe('error');
  });

  it('passes 10240 characters (counted as characters, not UTF-16 units) and any length in MicroK8s', async () => {
    expect(await lintWith(tooLong, kcp('x'.repeat(10240), '😀'.repeat(10240)))).toEqual([]);
    const microk8s = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfig
      metadata:
        name: m
      spec:
        initConfiguration:
          postRunCommands:
            - ${'y'.repeat(20000)}
    `;
    expect(await lintWith(tooLong, microk8s)).toEqual([]);
  });
});

// --- bootstrap/duplicate-file-path ----------------------------------------------------------------

describe('bootstrap/duplicate-file-path', () => {
  const dup = rule('bootstrap/duplicate-file-path');

  it('flags a kubeadm duplicate (error), a MicroK8s duplicate and a provider-owned path (warnings)', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfigTemplate
      metadata:
        name: md
      spec:
        template:
          spec:
            files:
              - path: /etc/a
                content: one
              - path: /etc/a
                content: two
      ---
      apiVersion: controlplane.cluster.x-k8s.io/v1beta1
      kind: MicroK8sControlPlane
      metadata:
        name: mcp
      spec:
        controlPlaneConfig:
          initConfiguration:
            extraWriteFiles:
              - {path: /etc/b, content: one, owner: root:root, permissions: "0600"}
              - {path: /etc/b, content: two, owner: root:root, permissions: "0600"}
              - {path: /capi-scripts/00-install-microk8s.sh, content: "#!/bin/sh", owner: root:root, permissions: "0700"}
    `;
    const found = await lintWith(dup, text);
    expect(found.map((f) => f.ruleId)).toEqual(Array(3).fill('bootstrap/duplicate-file-path'));
    expect(where(found)).toEqual([
      '11:17 /spec/template/spec/files/1/path',
      '23:18 /spec/controlPlaneConfig/initConfiguration/extraWriteFiles/1/path',
      '24:18 /spec/controlPlaneConfig/initConfiguration/extraWriteFiles/2/path',
    ]);
    expect(found.map((f) => f.severity)).toEqual(['error', 'warning', 'warning']);
    expect(found[0]!.message).toContain('files[0]');
    expect(found[0]!.message).toContain('admission webhook');
    expect(found[2]!.message).toContain('writes its own script there');
  });

  it('passes distinct paths', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfig
      metadata:
        name: n
      spec:
        files:
          - {path: /etc/a, content: one}
          - {path: /etc/b, content: two}
    `;
    expect(await lintWith(dup, text)).toEqual([]);
  });
});

// --- bootstrap/content-and-content-from -----------------------------------------------------------

describe('bootstrap/content-and-content-from', () => {
  const both = rule('bootstrap/content-and-content-from');

  it('flags a kubeadm file with content and contentFrom, at the contentFrom key', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: KubeadmConfig
      metadata:
        name: n
      spec:
        files:
          - path: /etc/a
            content: inline
            contentFrom:
              secret: {name: s, key: k}
    `;
    const found = await lintWith(both, text);
    expect(found.map((f) => f.ruleId)).toEqual(['bootstrap/content-and-content-from']);
    expect(where(found)).toEqual(['9:7 /spec/files/0/contentFrom']);
    expect(found[0]!.message).toContain('"/etc/a"');
  });

  it('passes contentFrom alone', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: KubeadmConfig
      metadata:
        name: n
      spec:
        files:
          - path: /etc/a
            contentFrom:
              secret: {name: s, key: k}
    `;
    expect(await lintWith(both, text)).toEqual([]);
    expect(await check(both, text)).toEqual([]);
  });
});

// --- bootstrap/microk8s-write-before-install ------------------------------------------------------

describe('bootstrap/microk8s-write-before-install', () => {
  const snap = rule('bootstrap/microk8s-write-before-install');

  it('flags an extraWriteFiles path under /var/snap/microk8s', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: md
      spec:
        template:
          spec:
            initConfiguration:
              extraWriteFiles:
                - path: /var/snap/microk8s/current/args/kube-controller-manager
                  content: "--leader-elect-lease-duration=60s"
                  owner: root:root
                  permissions: "0644"
    `;
    const found = await lintWith(snap, text);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([['bootstrap/microk8s-write-before-install', 'warning']]);
    expect(where(found)).toEqual(['10:19 /spec/template/spec/initConfiguration/extraWriteFiles/0/path']);
    expect(found[0]!.message).toContain('symlink');
  });

  it('passes a file written elsewhere (and kubeadm files under /var/snap are not MicroK8s)', async () => {
    const text = dedent`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfigTemplate
      metadata:
        name: md
      spec:
        template:
          spec:
            initConfiguration:
              extraWriteFiles:
                - {path: /var/tmp/kube-controller-manager, content: x, owner: root:root, permissions: "0644"}
              postRunCommands:
                - cp /var/tmp/kube-controller-manager /var/snap/microk8s/current/args/
      ---
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfig
      metadata:
        name: n
      spec:
        files:
          - {path: /var/snap/microk8s/x, content: x}
    `;
    expect(await lintWith(snap, text)).toEqual([]);
  });
});
