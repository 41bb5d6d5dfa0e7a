import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { describeHazard, KUBERNETES_SCHEMA, kubernetesKeyOfPlain, resolvePlainScalar, yaml11Hazard } from '../../src/yaml/yaml11.ts';

// Expected Kubernetes values below are read off go-yaml v2 resolve.go and Go's strconv, which the
// module ports; the PyYAML and YAML 1.2 readings are checked against the real parsers in
// yaml11.prop.test.ts.

describe('resolvePlainScalar (go-yaml v2, as Kubernetes reads)', () => {
  const cases: [string, unknown][] = [
    ['~', null],
    ['null', null],
    ['Null', null],
    ['NULL', null],
    ['nULL', 'nULL'],
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['On', true],
    ['TRUE', true],
    ['n', false],
    ['NO', false],
    ['off', false],
    ['False', false],
    ['yEs', 'yEs'],
    ['0755', 493],
    ['-0755', -493],
    ['0o17', 15],
    ['0x1F', 31],
    ['0X1F', 31],
    ['+0x1F', 31],
    ['0b101', 5],
    ['0b-101', -5],
    ['1_000', 1000],
    ['08', 8],
    ['1e3', 1000],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['+.5', 0.5],
    ['.inf', Number.POSITIVE_INFINITY],
    ['-.Inf', Number.NEGATIVE_INFINITY],
    ['.NaN', Number.NaN],
    ['1e400', '1e400'],
    ['1:30', '1:30'],
    ['2024-01-01', '2024-01-01'],
    ['<<', '<<'],
    ['v1.30.0', 'v1.30.0'],
    ['10.0.0.0/16', '10.0.0.0/16'],
  ];

  for (const [source, expected] of cases) {
    it(`reads ${source} as ${String(expected)}`, () => {
      // Act
      const value = resolvePlainScalar(source);
      // Assert
      expect(value).toEqual(expected);
    });
  }
});

describe('KUBERNETES_SCHEMA', () => {
  it('resolves plain scalars like go-yaml v2 and leaves quoted ones alone', () => {
    // Arrange
    const text = 'a: yes\nb: "yes"\nc: 0755\nd: 2024-01-01\ne: y\nf: 1_000\ng: ~\nh:\ni: !!str 12\nj: !!int "0x10"\n';
    // Act
    const value = yaml.load(text, { schema: KUBERNETES_SCHEMA });
    // Assert
    expect(value).toEqual({ a: true, b: 'yes', c: 493, d: '2024-01-01', e: true, f: 1000, g: null, h: null, i: '12', j: 16 });
  });

  it('spells non-string keys as sigs.k8s.io/yaml does', () => {
    // Arrange
    const text = 'y: 1\n0755: 2\n1.5: 3\n';
    // Act
    const value = yaml.load(text, { schema: KUBERNETES_SCHEMA });
    // Assert
    expect(value).toEqual({ true: 1, '493': 2, '1.5': 3 });
  });

  it('merges << keys, with explicit keys winning', () => {
    // Arrange
    const text = 'base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n';
    // Act
    const value = yaml.load(text, { schema: KUBERNETES_SCHEMA });
    // Assert
    expect(value).toEqual({ base: { a: 1, b: 2 }, m: { a: 1, b: 3 } });
  });
});

describe('kubernetesKeyOfPlain', () => {
  it('spells float keys with FormatFloat(f, g, -1, 32)', () => {
    // Arrange
    const keys = ['1e6', '1.5', '1e3', '.inf', '1e-5', '3.14159265358979', '-3720279.25', 'yes', '0x10', '6256732427581183576', 'name'];
    // Act
    const spelled = keys.map(kubernetesKeyOfPlain);
    // Assert: as go-yaml v2 + sigs.k8s.io/yaml spell them (ties round half to even; ints exact).
    expect(spelled).toEqual(['1e+06', '1.5', '1000', '.inf', '1e-05', '3.1415927', '-3.7202792e+06', 'true', '16', '6256732427581183576', 'name']);
  });
});

describe('yaml11Hazard', () => {
  it('flags the YAML 1.1 words, octals, separators, sexagesimals and dates', () => {
    // Arrange
    const hazards = ['yes', 'No', 'ON', 'off', 'y', 'N', '0755', '1_000', '1:30', '190:20:30.15', '2024-01-01', '1e3', '0b101', '0o17', '+.5', '<<', '='];
    // Act
    const flagged = hazards.filter((s) => yaml11Hazard(s) === undefined);
    // Assert
    expect(flagged).toEqual([]);
  });

  it('leaves values every reader agrees on', () => {
    // Arrange
    const safe = ['true', 'False', 'null', '~', '1', '-1', '0', '1.5', '1.5e+3', '.inf', '.NaN', '0x1F', 'v1.30', 'name', '10.0.0.1', 'yesterday', '1.2.3'];
    // Act
    const flagged = safe.filter((s) => yaml11Hazard(s) !== undefined);
    // Assert
    expect(flagged).toEqual([]);
  });

  it('says what each reader makes of it and what to write', () => {
    // Arrange
    const h = yaml11Hazard('yes');
    // Act
    const message = h === undefined ? '' : describeHazard(h);
    // Assert
    expect(message).toMatchInlineSnapshot(`"unquoted yes is read as boolean true by Kubernetes and cloud-init (YAML 1.1) but as the string "yes" by YAML 1.2 tools; quote it ("yes") or write true"`);
  });

  it('tells a go-yaml-only reading apart', () => {
    // Arrange
    const h = yaml11Hazard('y');
    // Act
    const message = h === undefined ? '' : describeHazard(h);
    // Assert
    expect(message).toMatchInlineSnapshot(`"unquoted y is read as boolean true by Kubernetes (YAML 1.1) but as the string "y" by cloud-init and YAML 1.2 tools; quote it ("y") or write true"`);
  });

  it('advises quoting when Kubernetes already reads a string', () => {
    // Arrange
    const h = yaml11Hazard('1:30');
    // Act
    const message = h === undefined ? '' : describeHazard(h);
    // Assert
    expect(message).toMatchInlineSnapshot(`"unquoted 1:30 is read as the string "1:30" by Kubernetes and YAML 1.2 tools but as the number 90 by cloud-init (PyYAML, YAML 1.1); quote it ("1:30") so every reader sees the same string"`);
  });
});
