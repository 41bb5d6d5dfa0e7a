import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/yaml/load.ts';
import { findPlaceholders, hasPlaceholder, maskPlaceholders, placeholderNames, unmaskPlaceholders } from '../../src/yaml/placeholders.ts';
import { hasCorpusFile, readCorpusFile } from './shared-corpus.ts';

/** The placeholders of a text as `[text, name, operator, argument]`, for compact assertions. */
function found(text: string): [string, string, string, string | undefined][] {
  return findPlaceholders(text).map((p) => [text.slice(p.start, p.end), p.name, p.operator, p.argument]);
}

describe('findPlaceholders', () => {
  it('finds a bare ${VAR} with its span', () => {
    // Arrange
    const text = 'name: ${CLUSTER_NAME}-md-0';
    // Act
    const result = findPlaceholders(text);
    // Assert
    expect(result).toEqual([{ start: 6, end: 21, name: 'CLUSTER_NAME', operator: '', argument: undefined }]);
  });

  it('reads the default forms seen in the corpus', () => {
    // Arrange
    const text = [
      '${CONTROL_PLANE_MACHINE_COUNT:=1}',
      '"${SNAP_RISKLEVEL:=}"',
      '[${OPENSTACK_DNS_NAMESERVERS:= }]',
      '${SERVICE_DOMAIN:="cluster.local"}',
      '${POD_CIDR:=["192.168.0.0/16"]}',
      '${DOCKER_PRELOAD_IMAGES:-[]}',
      '${KUBERNETES_VERSION%.*}',
    ].join('\n');
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([
      ['${CONTROL_PLANE_MACHINE_COUNT:=1}', 'CONTROL_PLANE_MACHINE_COUNT', ':=', '1'],
      ['${SNAP_RISKLEVEL:=}', 'SNAP_RISKLEVEL', ':=', ''],
      ['${OPENSTACK_DNS_NAMESERVERS:= }', 'OPENSTACK_DNS_NAMESERVERS', ':=', ' '],
      ['${SERVICE_DOMAIN:="cluster.local"}', 'SERVICE_DOMAIN', ':=', '"cluster.local"'],
      ['${POD_CIDR:=["192.168.0.0/16"]}', 'POD_CIDR', ':=', '["192.168.0.0/16"]'],
      ['${DOCKER_PRELOAD_IMAGES:-[]}', 'DOCKER_PRELOAD_IMAGES', ':-', '[]'],
      ['${KUBERNETES_VERSION%.*}', 'KUBERNETES_VERSION', '%', '.*'],
    ]);
  });

  it('treats a nested default as part of one outer placeholder', () => {
    // Arrange
    const text = 'vnet: ${AZURE_VNET_NAME:=${CLUSTER_NAME}-vnet} ns: ${CLUSTER_CLASS_NAMESPACE:-${NAMESPACE}}';
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([
      ['${AZURE_VNET_NAME:=${CLUSTER_NAME}-vnet}', 'AZURE_VNET_NAME', ':=', '${CLUSTER_NAME}-vnet'],
      ['${CLUSTER_CLASS_NAMESPACE:-${NAMESPACE}}', 'CLUSTER_CLASS_NAMESPACE', ':-', '${NAMESPACE}'],
    ]);
  });

  it('treats $$ as an escaped dollar', () => {
    // Arrange
    const text = 'a: $${NOT_ONE} b: $${NOT%.*} c: $$${ONE} d: $$$${NOT_TWO}';
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([['${ONE}', 'ONE', '', undefined]]);
  });

  it('reads the legacy whitespace forms as clusterctl normalises them', () => {
    // Arrange
    const text = '${ A } ${ B} ${C } $${ D }';
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([
      ['${ A }', 'A', '', undefined],
      ['${ B}', 'B', '', undefined],
      ['${C }', 'C', '', undefined],
    ]);
  });

  it('reads every operator drone/envsubst parses, and the bash forms it does not', () => {
    // Arrange
    const forms = ['${V=d}', '${V:=d}', '${V:-d}', '${V:?d}', '${V:+d}', '${V-d}', '${V+d}', '${V:1:2}', '${V#p}', '${V##p}', '${V%p}', '${V%%p}', '${V/p/r}', '${V//p/r}', '${V/#p/r}', '${V/%p/r}', '${V^}', '${V^^}', '${V,}', '${V,,}', '${#V}'];
    // Act
    const operators = forms.map((f) => found(f)[0]?.[2]);
    // Assert
    expect(operators).toEqual(['=', ':=', ':-', ':?', ':+', '-', '+', ':', '#', '##', '%', '%%', '/', '//', '/#', '/%', '^', '^^', ',', ',,', '#']);
  });

  it('does not take a bare $var, Go templates or unparsable ${...} for placeholders', () => {
    // Arrange
    const text = '$var {{ .builtin.cluster.name }} {{- $version := semver }} ${} ${ } ${A B} ${-x} ${UNCLOSED';
    // Act
    const result = findPlaceholders(text);
    // Assert
    expect(result).toEqual([]);
  });

  it('finds placeholders after an unparsable ${', () => {
    // Arrange
    const text = '${A B} ${C}';
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([['${C}', 'C', '', undefined]]);
  });

  it('accepts non-ASCII letters in names, as Go unicode.IsLetter does', () => {
    // Arrange
    const text = '${NÄME:=ü}';
    // Act
    const result = found(text);
    // Assert
    expect(result).toEqual([['${NÄME:=ü}', 'NÄME', ':=', 'ü']]);
  });
});

describe('hasPlaceholder', () => {
  it('is true only for values that hold a placeholder', () => {
    // Arrange
    const values = ['${A}', 'v${KUBERNETES_VERSION}', '$${A}', '$A', 'plain', '${'];
    // Act
    const result = values.map(hasPlaceholder);
    // Assert
    expect(result).toEqual([true, true, false, false, false, false]);
  });
});

describe('placeholderNames', () => {
  it('lists every variable once, sorted, including those inside defaults', () => {
    // Arrange
    const text = '${B} ${A:=${C}-x} ${B} $${D} ${ E } ${F:=$${G}}';
    // Act
    const result = placeholderNames(text);
    // Assert
    expect(result).toEqual(['A', 'B', 'C', 'E', 'F', 'G']);
  });
});

describe('maskPlaceholders', () => {
  it('keeps the length, masks only the spans, and unmasks exactly', () => {
    // Arrange
    const text = 'dnsNameservers: [${OPENSTACK_DNS_NAMESERVERS:= }] # ok\nx: $${Y}';
    // Act
    const masked = maskPlaceholders(text, findPlaceholders(text));
    // Assert
    expect(masked.length).toBe(text.length);
    expect(masked.slice(0, 17)).toBe('dnsNameservers: [');
    expect(masked.slice(17, 48)).toMatch(/^[\uE000-\uE07F]+$/);
    expect(masked.slice(48)).toBe(text.slice(48));
    expect(unmaskPlaceholders(masked)).toBe(text);
  });

  it('keeps line breaks and non-ASCII characters of a span as they are', () => {
    // Arrange
    const text = 'a: ${A:=x\ny} b: ${B:=é}';
    // Act
    const masked = maskPlaceholders(text, findPlaceholders(text));
    // Assert
    expect(masked.split('\n').length).toBe(2);
    expect(masked).toContain('é');
    expect(unmaskPlaceholders(masked)).toBe(text);
  });

  it('refuses a text that already holds mask characters', () => {
    // Arrange
    const text = '\uE041 ${A}';
    // Act
    const act = (): string => maskPlaceholders(text, findPlaceholders(text));
    // Assert
    expect(act).toThrowErrorMatchingInlineSnapshot(`[RangeError: maskPlaceholders: the text already contains characters U+E000–U+E07F, so masking would not be reversible]`);
  });
});

describe('templates that are YAML only after substitution', () => {
  const files = ['cluster-api-bootstrap-provider-microk8s/templates__cluster-template-openstack.yaml', 'cluster-api-bootstrap-provider-microk8s/templates__cluster-template-maas.yaml'];

  for (const file of files) {
    it.skipIf(!hasCorpusFile(file))(`${file} loads without YAML_SYNTAX when placeholders are on`, () => {
      // Arrange
      const text = readCorpusFile(file);
      // Act
      const withPlaceholders = loadDocuments(text, { file, placeholders: true });
      const without = loadDocuments(text, { file, placeholders: false });
      // Assert
      expect(withPlaceholders.flatMap((d) => d.issues).filter((i) => i.code === 'YAML_SYNTAX')).toEqual([]);
      expect(without.flatMap((d) => d.issues).some((i) => i.code === 'YAML_SYNTAX')).toBe(true);
    });
  }

  it.skipIf(!hasCorpusFile(files[0] ?? ''))('keeps the placeholder text in the flow list', () => {
    // Arrange
    const text = readCorpusFile(files[0] ?? '');
    // Act
    const docs = loadDocuments(text, { file: 'openstack.yaml', placeholders: true });
    // Assert
    const cluster = docs.map((d) => d.value as { kind?: string; spec?: { dnsNameservers?: unknown } }).find((v) => v.kind === 'OpenStackCluster');
    expect(cluster?.spec?.dnsNameservers).toEqual(['${OPENSTACK_DNS_NAMESERVERS:= }']);
  });

  it.skipIf(!hasCorpusFile('cluster-api/test__e2e__data__infrastructure-docker__main__cluster-template-kcp-adoption__step1__cluster-with-cp0.yaml'))(
    'names the legacy ${ VAR } form without its spaces',
    () => {
      // Arrange
      const text = readCorpusFile('cluster-api/test__e2e__data__infrastructure-docker__main__cluster-template-kcp-adoption__step1__cluster-with-cp0.yaml');
      // Act
      const names = placeholderNames(text);
      // Assert
      expect(names).toContain('CLUSTER_NAME');
      expect(names).toContain('KUBERNETES_VERSION');
      expect(names.every((n) => /^[A-Z0-9_]+$/.test(n))).toBe(true);
    },
  );
});
