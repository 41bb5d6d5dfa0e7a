// loadNodeScript: `# capi-gen:include <file>` (one level, same folder, validated name), the Jinja
// refusal on the assembled text naming the file and line it came from, the 10240-character limit,
// the cache, and the fallback to the built-in templates.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNodeScript, MAX_NODE_SCRIPT_CHARS } from '../../src/scripts/load-script.ts';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A templates dir (fresh, so the loader's cache never answers) with scripts/<name> = content. */
function templates(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'capi-gen-load-script-'));
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(root, 'scripts', name), content);
  return root;
}

describe('loadNodeScript includes', () => {
  it('replaces the include line by the file, in place', () => {
    // Arrange
    const t = templates({ 'a.sh': '#!/bin/sh\nset -u\n# capi-gen:include lib.sh\nmain\n', 'lib.sh': '# lib\nf() { :; }\n' });
    // Act
    const text = loadNodeScript(t, 'a.sh');
    // Assert
    expect(text).toBe('#!/bin/sh\nset -u\n# lib\nf() { :; }\nmain\n');
  });

  it('an included file without a final newline still ends its last line', () => {
    const t = templates({ 'a.sh': '# capi-gen:include lib.sh\nmain\n', 'lib.sh': 'f() { :; }' });
    expect(loadNodeScript(t, 'a.sh')).toBe('f() { :; }\nmain\n');
  });

  it.each(['../lib.sh', 'sub/lib.sh', '/etc/passwd', '.hidden', 'lib.sh x', ''])('refuses the include name %j, naming the file and line', (name) => {
    const t = templates({ 'a.sh': `#!/bin/sh\n# capi-gen:include ${name}\n` });
    expect(() => loadNodeScript(t, 'a.sh')).toThrow(new RegExp(`a\\.sh:2: "# capi-gen:include .*": the name must be a file in the same scripts folder`));
  });

  it('refuses a missing include', () => {
    const t = templates({ 'a.sh': '#!/bin/sh\n# capi-gen:include nope.sh\n' });
    expect(() => loadNodeScript(t, 'a.sh')).toThrow(/a\.sh:2: "# capi-gen:include nope\.sh": .*nope\.sh does not exist/);
  });

  it('refuses an include inside an included file (one level only)', () => {
    const t = templates({ 'a.sh': '#!/bin/sh\n# capi-gen:include b.sh\n', 'b.sh': 'x=1\n# capi-gen:include c.sh\n', 'c.sh': 'y=2\n' });
    expect(() => loadNodeScript(t, 'a.sh')).toThrow(/b\.sh:2: an included file cannot include another \(one level only, included from .*a\.sh:2\)/);
  });

  it('a line that only mentions the marker elsewhere is left alone', () => {
    const t = templates({ 'a.sh': 'echo "# capi-gen:include lib.sh"\n  # capi-gen:include lib.sh\n' });
    expect(loadNodeScript(t, 'a.sh')).toBe('echo "# capi-gen:include lib.sh"\n  # capi-gen:include lib.sh\n');
  });
});

describe('loadNodeScript refusals on the assembled script', () => {
  it('names the included file and its line for a Jinja delimiter there', () => {
    // Arrange
    const t = templates({ 'a.sh': '#!/bin/sh\n# capi-gen:include lib.sh\n', 'lib.sh': 'a=1\nn=${#a}\n' });
    // Act / Assert
    expect(() => loadNodeScript(t, 'a.sh')).toThrow(/lib\.sh:2: the script contains the Jinja delimiter "\{#"/);
  });

  it('names the main file and its line after an include', () => {
    const t = templates({ 'a.sh': '#!/bin/sh\n# capi-gen:include lib.sh\necho ok\necho "{{ x }}"\n', 'lib.sh': 'a=1\nb=2\n' });
    expect(() => loadNodeScript(t, 'a.sh')).toThrow(/a\.sh:4: the script contains the Jinja delimiter "\{\{"/);
  });

  it(`accepts exactly ${MAX_NODE_SCRIPT_CHARS} characters and refuses one more, counting characters, not UTF-16 units`, () => {
    // Arrange: '€' is one character (one UTF-16 unit, 3 bytes); '𝄞' is one character, two UTF-16 units
    const body = (n: number): string => `#${'𝄞'.repeat(10)}${'x'.repeat(n - 12)}\n`;
    const t = templates({ 'ok.sh': '# capi-gen:include lib.sh\n', 'lib.sh': body(MAX_NODE_SCRIPT_CHARS), 'big.sh': '# capi-gen:include big-lib.sh\n', 'big-lib.sh': body(MAX_NODE_SCRIPT_CHARS + 1) });
    // Act / Assert
    expect([...loadNodeScript(t, 'ok.sh')].length).toBe(MAX_NODE_SCRIPT_CHARS);
    expect(() => loadNodeScript(t, 'big.sh')).toThrow(/big\.sh: the assembled script is 10241 characters, over the 10240-character limit of KubeadmConfigSpec files\[\]\.content/);
  });
});

describe('loadNodeScript lookup and cache', () => {
  it('caches per path: a changed file is not read again', () => {
    const t = templates({ 'a.sh': 'echo one\n' });
    expect(loadNodeScript(t, 'a.sh')).toBe('echo one\n');
    writeFileSync(join(t, 'scripts', 'a.sh'), 'echo two\n');
    expect(loadNodeScript(t, 'a.sh')).toBe('echo one\n');
  });

  it('falls back to the built-in templates for a script the folder lacks, includes resolved there', () => {
    const t = templates({});
    const text = loadNodeScript(t, 'kubeadm-certs.sh');
    expect(text).toContain('load_opts() {');
    expect(text).not.toContain('capi-gen:include');
  });
});
