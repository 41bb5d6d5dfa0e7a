// The clusterctl envsubst emulation that the clusterctl-template properties rely on: each form
// it claims to handle, and a refusal of the forms it does not.
import { describe, expect, it } from 'vitest';
import { envsubst } from '../../src/testing/index.ts';

describe('envsubst (clusterctl emulation)', () => {
  it.each([
    ['$$ is a literal $', 'a $$HOME $${X}', {}, 'a $HOME ${X}'],
    ['${V} is its value', 'n=${V}', { V: 'x' }, 'n=x'],
    ['unset ${V} is empty', 'n=${V}.', {}, 'n=.'],
    ['${V:=d} defaults when unset', '${V:=d}', {}, 'd'],
    ['${V:-d} defaults when empty', '${V:-d}', { V: '' }, 'd'],
    ['a set value wins over the default', '${V:-d}', { V: 'v' }, 'v'],
    ['defaults nest', '${A:=${B:-b}}', {}, 'b'],
    ['braces without $ stay', '{y} }', {}, '{y} }'],
  ] as const)('%s', (_what, text, env, expected) => {
    // Act
    const out = envsubst(text, env);
    // Assert
    expect(out).toBe(expected);
  });

  it('refuses a form it does not emulate', () => {
    // Act / Assert
    expect(() => envsubst('${V/a/b}', {})).toThrowErrorMatchingInlineSnapshot(`[Error: envsubst: bad substitution \${V/a/b}]`);
  });
});
