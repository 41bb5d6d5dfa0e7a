// Hand-written cases per served CRD version, through the whole text pipeline (validateText):
//   - one minimal valid fixture per served version (test/fixtures/kinds/), with zero findings;
//   - every single-point mutation that listMutations derives from each fixture, written back into
//     the YAML text, rejected at the mutated path AND at the line/col where npm `yaml` puts it;
//   - one failing case per distinct x-kubernetes-validations rule text of the vendored CRDs;
//   - defaults, int-or-string, preserve-unknown-fields, unknown API versions, ObjectMeta and
//     clusterctl placeholders.
// schema.prop.test.ts covers generated objects; this file pins positions and hand-made inputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { CRDS, loadSchema, type CrdEntry, type StructuralSchema } from '@capi-gen/crds';
import { validateText, type Issue } from '../../packages/core/src/index.ts';
import { listMutations, type Mutation } from '../../packages/core/src/testing/index.ts';
import { REPO_ROOT } from '../support/shared.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Dedents an inline YAML text (first line break dropped, common indent removed, one final \n). */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\r?\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** RFC 6901 pointer → tokens (kept local so the test does not share the code under test). */
function tokensOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAtPointer(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const t of tokensOf(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

interface Pos {
  readonly line: number;
  readonly col: number;
}

/**
 * Where npm `yaml` puts the node at `pointer` (its value node, or with `key` the key of its pair)
 * in document `docIndex` of `text`. Lines and columns are 1-based, as LineCounter reports them.
 */
function yamlPosition(text: string, pointer: string, key = false, docIndex = 0): Pos {
  const lineCounter = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter });
  const doc = Array.isArray(all) ? all[docIndex] : undefined;
  if (doc === undefined) throw new Error(`no document ${docIndex} in the text`);
  const tokens = tokensOf(pointer);
  let offset: number | undefined;
  if (key) {
    const parent = doc.getIn(tokens.slice(0, -1), true);
    if (!isMap(parent)) throw new Error(`no mapping at the parent of ${pointer}`);
    const last = tokens[tokens.length - 1];
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
    offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  } else {
    const node = tokens.length === 0 ? doc.contents : doc.getIn(tokens, true);
    offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
  }
  if (offset === undefined) throw new Error(`no node at ${pointer} in the text`);
  return lineCounter.linePos(offset);
}

/** Compact view of a finding for failure messages and exact comparisons. */
function brief(i: Issue): string {
  return `${i.code} ${i.path} @${i.source?.line ?? '?'}:${i.source?.col ?? '?'} ${i.message}`;
}

const apiVersionOf = (c: CrdEntry): string => `${c.group}/${c.version}`;
const fixtureFile = (c: CrdEntry): string => `${c.group}_${c.version}_${c.kind}.yaml`;
const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'kinds');

// ---------------------------------------------------------------------------------------------
// Fixtures and their mutations (computed at collection time, so each mutation is its own test)
// ---------------------------------------------------------------------------------------------

interface Fixture {
  readonly label: string;
  readonly crd: CrdEntry;
  readonly text: string;
  readonly value: unknown;
  readonly mutations: readonly Mutation[];
}

const FIXTURES: readonly Fixture[] = await Promise.all(
  CRDS.filter((c) => existsSync(join(FIXTURE_DIR, fixtureFile(c)))).map(async (crd) => {
    const text = readFileSync(join(FIXTURE_DIR, fixtureFile(crd)), 'utf8');
    const value: unknown = parseDocument(text).toJS();
    const schema = await loadSchema(apiVersionOf(crd), crd.kind);
    if (schema === undefined) throw new Error(`no schema for ${apiVersionOf(crd)} ${crd.kind}`);
    return { label: `${apiVersionOf(crd)} ${crd.kind}`, crd, text, value, mutations: listMutations(value, schema) };
  }),
);

/**
 * The fixture text with one mutation applied: the mutation runs on the object, and the mutated
 * value at its path is written back into the parsed Document, so every other line keeps its text.
 */
function mutateText(fixture: Fixture, m: Mutation): { readonly text: string; readonly mutated: unknown } {
  const mutated = m.apply(fixture.value);
  const doc = parseDocument(fixture.text);
  const tokens = tokensOf(m.path);
  const v = valueAtPointer(mutated, m.path);
  if (v === undefined) doc.deleteIn(tokens);
  // why: a fresh node, so the replaced scalar's quoting style does not carry over to the new value
  else doc.setIn(tokens, doc.createNode(v));
  return { text: String(doc), mutated };
}

describe('kind fixtures', () => {
  it('has exactly one fixture per served CRD version', () => {
    // Arrange
    const expected = CRDS.map(fixtureFile).sort();
    // Act
    const actual = readdirSync(FIXTURE_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    // Assert
    expect(actual).toEqual(expected);
  });

  it.each(FIXTURES.map((f) => [f.label, f] as const))('%s validates with zero findings', async (_label, f) => {
    // Arrange
    const file = fixtureFile(f.crd);
    // Act
    const result = await validateText(f.text, { file });
    // Assert
    expect(f.text.startsWith('# '), 'the first line says what the fixture exercises').toBe(true);
    expect(result.issues.map(brief)).toEqual([]);
    expect(result.documents.map((d) => [d.apiVersion, d.kind, d.checked])).toEqual([[apiVersionOf(f.crd), f.crd.kind, true]]);
  });

  it('exercises every mutation kind on at least one fixture', () => {
    // Arrange
    const required: readonly Mutation['kind'][] = ['unknown-field', 'wrong-type', 'enum', 'pattern', 'min-items', 'set-duplicate', 'max-length'];
    // Act
    const seen = new Set(FIXTURES.flatMap((f) => f.mutations.map((m) => m.kind)));
    // Assert
    expect(required.filter((k) => !seen.has(k))).toEqual([]);
  });
});

describe.each(FIXTURES.map((f) => [f.label, f] as const))('mutations of the %s fixture', (_label, fixture) => {
  it.each(fixture.mutations.map((m) => [`${m.kind} at ${m.path}`, m] as const))('%s is rejected at its path and position', async (_name, m) => {
    // Arrange
    const { text, mutated } = mutateText(fixture, m);
    expect(parseDocument(text).toJS(), 'the mutated text holds the mutated object').toEqual(mutated);
    const expected = yamlPosition(text, m.path, m.kind === 'unknown-field');
    // Act
    const result = await validateText(text);
    // Assert
    const hits = result.issues.filter((i) => i.path === m.path && m.codes.includes(i.code));
    expect(hits.length, `no ${m.codes.join('/')} finding at ${m.path}; got:\n${result.issues.map(brief).join('\n')}`).toBeGreaterThan(0);
    expect(hits.map((i) => ({ line: i.source?.line, col: i.source?.col }))).toContainEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// CEL rules: one failing case per distinct rule text
// ---------------------------------------------------------------------------------------------

/** Every distinct x-kubernetes-validations rule text of every served version. */
async function ruleTexts(): Promise<Set<string>> {
  const rules = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const validations = (node as StructuralSchema)['x-kubernetes-validations'];
    if (Array.isArray(validations)) {
      for (const r of validations as { rule?: unknown }[]) if (typeof r.rule === 'string') rules.add(r.rule);
    }
    Object.values(node).forEach(walk);
  };
  for (const c of CRDS) walk(await loadSchema(apiVersionOf(c), c.kind));
  return rules;
}

interface CelCase {
  /** The failing manifest. */
  readonly text: string;
  /** The expected finding: JSON pointer, 1-based line and the CRD's message. Undefined for transition rules. */
  readonly path?: string;
  readonly line?: number;
  readonly message?: string;
}

const CEL_CASES: Readonly<Record<string, CelCase>> = {
  "self.matches('^(Linux|LinuxSwap|LinuxRAID|LVM|Fat32|NTFS|LinuxExtended|[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})$')": {
    text: yaml`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfig
      metadata:
        name: disks
      spec:
        diskSetup:
          partitions:
            - device: /dev/sdb
              diskLayout:
                - percentage: 100
                  partitionType: Banana
    `,
    path: '/spec/diskSetup/partitions/0/diskLayout/0/partitionType',
    line: 11,
    message: 'partitionType must be one of Linux, LinuxSwap, LinuxRAID, LVM, Fat32, NTFS, LinuxExtended or a full GPT partition GUID',
  },
  'self.all(x, self.exists_one(y, x.name == y.name))': {
    text: yaml`
      apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
      kind: KubeadmConfig
      metadata:
        name: args
      spec:
        clusterConfiguration:
          apiServer:
            extraArgs:
              - name: profiling
                value: "false"
              - name: profiling
                value: "true"
    `,
    path: '/spec/clusterConfiguration/apiServer/extraArgs',
    line: 9,
    message: 'extraArgs name must be unique',
  },
  '[has(self.layout),has(self.diskLayout)].filter(x,x==true).size() == 1': {
    text: yaml`
      apiVersion: controlplane.cluster.x-k8s.io/v1beta2
      kind: KubeadmControlPlane
      metadata:
        name: cp
      spec:
        version: v1.31.0
        machineTemplate:
          spec:
            infrastructureRef:
              apiGroup: infrastructure.cluster.x-k8s.io
              kind: DevMachineTemplate
              name: cp
        kubeadmConfigSpec:
          diskSetup:
            partitions:
              - device: /dev/sdb
                layout: true
                diskLayout:
                  - percentage: 100
    `,
    path: '/spec/kubeadmConfigSpec/diskSetup/partitions/0',
    line: 16,
    message: 'exactly one of the fields in [layout diskLayout] must be set',
  },
  "!(self in ['Ready','Available','HealthCheckSucceeded','OwnerRemediated','ExternallyRemediated'])": {
    text: yaml`
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: MachineHealthCheck
      metadata:
        name: mhc
      spec:
        clusterName: demo
        selector: {}
        checks:
          unhealthyMachineConditions:
            - type: Ready
              status: "False"
              timeoutSeconds: 300
    `,
    path: '/spec/checks/unhealthyMachineConditions/0/type',
    line: 10,
    message: 'type must not be one of: Ready, Available, HealthCheckSucceeded, OwnerRemediated, ExternallyRemediated',
  },
  'has(self.disableExternalNetwork) && self.disableExternalNetwork ? !has(self.bastion) || !has(self.bastion.floatingIP) : true': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        disableExternalNetwork: true
        disableAPIServerFloatingIP: true
        bastion:
          enabled: true
          floatingIP: 192.0.2.10
          spec:
            flavor: m1.small
            image:
              filter:
                name: ubuntu
    `,
    path: '/spec',
    line: 6,
    message: 'bastion floating IP cannot be set when disableExternalNetwork is true',
  },
  'has(self.disableExternalNetwork) && self.disableExternalNetwork ? has(self.disableAPIServerFloatingIP) && self.disableAPIServerFloatingIP : true': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackClusterTemplate
      metadata:
        name: osct
      spec:
        template:
          spec:
            identityRef:
              name: creds
              cloudName: openstack
            disableExternalNetwork: true
    `,
    path: '/spec/template/spec',
    line: 8,
    message: 'disableAPIServerFloatingIP cannot be false when disableExternalNetwork is true',
  },
  '!self.enabled || has(self.spec)': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        bastion:
          enabled: true
          availabilityZone: nova
    `,
    path: '/spec/bastion',
    line: 10,
    message: 'spec is required if bastion is enabled',
  },
  '(has(self.flavor) || has(self.flavorID))': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackMachineTemplate
      metadata:
        name: osmt
      spec:
        template:
          spec:
            image:
              filter:
                name: ubuntu
    `,
    path: '/spec/template/spec',
    line: 8,
    message: 'at least one of flavor or flavorID must be set',
  },
  "!has(self.from) || self.from == 'Name' ? has(self.name) : !has(self.name)": {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackMachineTemplate
      metadata:
        name: osmt
      spec:
        template:
          spec:
            flavor:
              filter:
                name: m1.small
            image:
              filter:
                name: ubuntu
            rootVolume:
              sizeGiB: 20
              availabilityZone:
                from: Machine
                name: nova
    `,
    path: '/spec/template/spec/rootVolume/availabilityZone',
    line: 17,
    message: "name is required when from is 'Name' or default",
  },
  // A transition rule (reads oldSelf): the apiserver runs it on UPDATE only, so a create with a
  // region set must not report it.
  '(!has(self.region) && !has(oldSelf.region)) || self.region == oldSelf.region': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
          region: RegionOne
    `,
  },
  "has(self.type) && self.type == 'Bool' ? has(self.bool) : !has(self.bool)": {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackMachineTemplate
      metadata:
        name: osmt
      spec:
        template:
          spec:
            flavor: m1.small
            image:
              filter:
                name: ubuntu
            schedulerHintAdditionalProperties:
              - name: hint
                value:
                  type: Bool
    `,
    path: '/spec/template/spec/schedulerHintAdditionalProperties/0/value',
    line: 15,
    message: 'bool is required when type is Bool, and forbidden otherwise',
  },
  "has(self.type) && self.type == 'Number' ? has(self.number) : !has(self.number)": {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackMachineTemplate
      metadata:
        name: osmt
      spec:
        template:
          spec:
            flavor:
              id: m1
            image:
              id: 0f0e3c5a-3f4e-4d2b-9a55-6b1c2d3e4f50
            schedulerHintAdditionalProperties:
              - name: hint
                value:
                  type: String
                  string: x
                  number: 3
    `,
    path: '/spec/template/spec/schedulerHintAdditionalProperties/0/value',
    line: 15,
    message: 'number is required when type is Number, and forbidden otherwise',
  },
  "has(self.type) && self.type == 'String' ? has(self.string) : !has(self.string)": {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        bastion:
          spec:
            flavor: m1.small
            image:
              filter:
                name: ubuntu
            schedulerHintAdditionalProperties:
              - name: hint
                value:
                  type: String
    `,
    path: '/spec/bastion/spec/schedulerHintAdditionalProperties/0/value',
    line: 18,
    message: 'string is required when type is String, and forbidden otherwise',
  },
  'has(self.enableExternalNetwork) && !self.enableExternalNetwork ? !has(self.bastion) || !has(self.bastion.floatingIP) : true': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        enableExternalNetwork: false
        apiServer:
          enableFloatingIP: false
        bastion:
          floatingIP: 192.0.2.10
          spec:
            flavor:
              filter:
                name: m1.small
            image:
              filter:
                name: ubuntu
    `,
    path: '/spec',
    line: 6,
    message: 'bastion floating IP cannot be set when enableExternalNetwork is false',
  },
  'has(self.enableExternalNetwork) && !self.enableExternalNetwork ? has(self.apiServer) && has(self.apiServer.enableFloatingIP) && !self.apiServer.enableFloatingIP : true': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackClusterTemplate
      metadata:
        name: osct
      spec:
        template:
          spec:
            identityRef:
              name: creds
              cloudName: openstack
            enableExternalNetwork: false
    `,
    path: '/spec/template/spec',
    line: 8,
    message: 'apiServer.enableFloatingIP cannot be true when enableExternalNetwork is false',
  },
  'self == null || has(self.mtu) || has(self.enablePortSecurity)': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        managedNetwork: {}
    `,
    path: '/spec/managedNetwork',
    line: 9,
    message: 'managedNetwork must not be empty if set',
  },
  'has(self.externalIPs)': {
    text: yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: OpenStackCluster
      metadata:
        name: osc
      spec:
        identityRef:
          name: creds
          cloudName: openstack
        managedRouter: {}
    `,
    path: '/spec/managedRouter',
    line: 9,
    message: 'managedRouter must not be empty if set',
  },
};

const RULES = await ruleTexts();

describe('CEL rules', () => {
  const rules = RULES;

  it('has a case for every distinct rule text in the vendored CRDs, and none for a rule that is gone', () => {
    // Arrange
    const inSchemas = [...rules].sort();
    // Act
    const inTable = Object.keys(CEL_CASES).sort();
    // Assert
    expect(inTable).toEqual(inSchemas);
    expect(inSchemas).toHaveLength(17);
  });

  const failing = Object.entries(CEL_CASES).filter(([, c]) => c.path !== undefined);
  it.each(failing)('%s fails with a CEL_RULE finding at its path and line', async (rule, c) => {
    // Arrange
    const expectedCol = yamlPosition(c.text, c.path!).col;
    // Act
    const result = await validateText(c.text);
    // Assert
    expect(result.issues.map(brief), 'only the rule under test fails').toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      code: 'CEL_RULE',
      severity: 'error',
      rule,
      path: c.path,
      message: c.message,
      source: { line: c.line, col: expectedCol },
    });
  });

  it('skips the oldSelf transition rule on create', async () => {
    // Arrange
    const transition = Object.keys(CEL_CASES).filter((r) => /\boldSelf\b/.test(r));
    const c = CEL_CASES[transition[0]!]!;
    // Act
    const result = await validateText(c.text);
    // Assert
    expect(transition).toHaveLength(1);
    expect(result.issues.map(brief)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Defaults, int-or-string, preserve-unknown-fields
// ---------------------------------------------------------------------------------------------

describe('CRD defaults and open schemas', () => {
  it('fills a required field that has a CRD default (CAPO v1beta1 identityRef.type) before validating', async () => {
    // Arrange
    const schema = await loadSchema('infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackCluster');
    const specProps = ((schema!['properties'] as StructuralSchema)['spec'] as StructuralSchema)['properties'] as Record<string, StructuralSchema>;
    const text = yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackCluster
      metadata:
        name: capo
      spec:
        identityRef: {name: x, cloudName: "y"}
    `;
    // Act
    const result = await validateText(text);
    // Assert
    // why: the case only proves defaulting if `type` really is required and defaulted
    expect(specProps['identityRef']!['required']).toContain('type');
    expect((specProps['identityRef']!['properties'] as Record<string, StructuralSchema>)['type']!['default']).toBe('Secret');
    expect(result.issues.map(brief)).toEqual([]);
  });

  it('reads an unquoted `y` as a boolean, as Kubernetes (YAML 1.1) does, so cloudName: y is not a string', async () => {
    // Arrange
    const text = yaml`
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackCluster
      metadata:
        name: capo
      spec:
        identityRef: {name: x, cloudName: y}
    `;
    const path = '/spec/identityRef/cloudName';
    // Act
    const result = await validateText(text);
    // Assert
    const errors = result.issues.filter((i) => i.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ code: 'SCHEMA', path, source: expect.objectContaining(yamlPosition(text, path)) })]);
    expect(result.issues.filter((i) => i.severity !== 'error').map((i) => i.code)).toEqual(
      result.issues.filter((i) => i.severity !== 'error').map(() => 'YAML_11_HAZARD'),
    );
  });

  it.each([
    ['cluster.x-k8s.io/v1beta2', '"25%"'],
    ['cluster.x-k8s.io/v1beta2', '1'],
    ['cluster.x-k8s.io/v1beta1', '"25%"'],
    ['cluster.x-k8s.io/v1beta1', '1'],
  ])('accepts an int-or-string maxSurge in %s MachineDeployment: %s', async (apiVersion, surge) => {
    // Arrange
    const text = machineDeployment(apiVersion, surge);
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toEqual([]);
  });

  it.each([
    ['cluster.x-k8s.io/v1beta2', '/spec/rollout/strategy/rollingUpdate/maxSurge'],
    ['cluster.x-k8s.io/v1beta1', '/spec/strategy/rollingUpdate/maxSurge'],
  ])('rejects a boolean int-or-string maxSurge in %s MachineDeployment', async (apiVersion, path) => {
    // Arrange
    const text = machineDeployment(apiVersion, 'true');
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues).toEqual([expect.objectContaining({ code: 'SCHEMA', path, source: expect.objectContaining(yamlPosition(text, path)) })]);
  });

  it('accepts unknown keys under x-kubernetes-preserve-unknown-fields (ClusterClass variable schema) but not in its closed parent', async () => {
    // Arrange
    const text = yaml`
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: ClusterClass
      metadata:
        name: cc
      spec:
        infrastructure:
          templateRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: DevClusterTemplate, name: cc}
        controlPlane:
          templateRef: {apiVersion: controlplane.cluster.x-k8s.io/v1beta2, kind: KubeadmControlPlaneTemplate, name: cc}
        variables:
          - name: settings
            required: false
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  anything:
                    type: string
                    madeUpKeyword: 3
                zzNotAField: x
    `;
    const path = '/spec/variables/0/schema/openAPIV3Schema/zzNotAField';
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toEqual([expect.stringMatching(/^UNKNOWN_FIELD /)]);
    expect(result.issues[0]).toMatchObject({ path, source: yamlPosition(text, path, true) });
  });

  it('accepts any value in a Cluster topology variable (preserve-unknown-fields)', async () => {
    // Arrange
    const text = yaml`
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: Cluster
      metadata:
        name: c
      spec:
        topology:
          classRef: {name: cc}
          version: v1.31.0
          variables:
            - name: settings
              value:
                nested: {deep: [1, "two", {three: true}]}
                another: 3
    `;
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toEqual([]);
  });
});

function machineDeployment(apiVersion: string, maxSurge: string): string {
  const beta2 = apiVersion.endsWith('v1beta2');
  const ref = (kind: string): string =>
    beta2 ? `{apiGroup: example.cluster.x-k8s.io, kind: ${kind}, name: md}` : `{apiVersion: example.cluster.x-k8s.io/v1beta1, kind: ${kind}, name: md}`;
  const strategy = beta2
    ? `rollout:\n    strategy:\n      type: RollingUpdate\n      rollingUpdate:\n        maxSurge: ${maxSurge}\n`
    : `strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: ${maxSurge}\n`;
  return (
    `apiVersion: ${apiVersion}\nkind: MachineDeployment\nmetadata:\n  name: md\nspec:\n  clusterName: c\n  selector: {}\n  ${strategy}` +
    `  template:\n    spec:\n      clusterName: c\n      bootstrap:\n        configRef: ${ref('BootstrapConfigTemplate')}\n      infrastructureRef: ${ref('MachineTemplate')}\n`
  );
}

// ---------------------------------------------------------------------------------------------
// API versions and groups
// ---------------------------------------------------------------------------------------------

describe('apiVersion and kind', () => {
  it.each([
    [
      'infrastructure.cluster.x-k8s.io/v1alpha7',
      'OpenStackCluster',
      'infrastructure.cluster.x-k8s.io/v1alpha7 OpenStackCluster is not served by the vendored CRDs (removed or never released); served versions: infrastructure.cluster.x-k8s.io/v1beta1, infrastructure.cluster.x-k8s.io/v1beta2',
    ],
    [
      'cluster.x-k8s.io/v1alpha4',
      'Cluster',
      'cluster.x-k8s.io/v1alpha4 Cluster is not served by the vendored CRDs (removed or never released); served versions: cluster.x-k8s.io/v1beta1, cluster.x-k8s.io/v1beta2',
    ],
  ])('reports %s %s as UNKNOWN_API_VERSION naming the served versions', async (apiVersion, kind, message) => {
    // Arrange
    const text = `# old\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: old\nspec: {}\n`;
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.documents).toMatchObject([{ checked: false, apiVersion, kind }]);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_API_VERSION', severity: 'error', path: '/apiVersion', message, source: expect.objectContaining({ line: 2, col: 13 }) }),
    ]);
  });

  it('reports a kind written in another API group as WRONG_API_GROUP', async () => {
    // Arrange
    const text = yaml`
      apiVersion: bootstrap.cluster.x-k8s.io.bootstrap.cluster.x-k8s.io/v1beta1
      kind: MicroK8sConfig
      metadata:
        name: mk
    `;
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'WRONG_API_GROUP',
        path: '/apiVersion',
        message:
          'MicroK8sConfig is not served by the API group "bootstrap.cluster.x-k8s.io.bootstrap.cluster.x-k8s.io"; it is served as bootstrap.cluster.x-k8s.io/v1beta1',
        source: expect.objectContaining({ line: 1, col: 13 }),
      }),
    ]);
  });

  it('skips kinds outside the vendored CRDs without an error', async () => {
    // Arrange
    const text = yaml`
      apiVersion: v1
      kind: Secret
      metadata:
        name: creds
      stringData:
        clouds.yaml: "whatever: 1"
      ---
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: AWSCluster
      metadata:
        name: aws
      spec:
        region: eu-west-1
    `;
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toEqual([]);
    expect(result.documents.map((d) => [d.kind, d.checked, d.issues.length])).toEqual([
      ['Secret', false, 0],
      ['AWSCluster', false, 0],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// ObjectMeta
// ---------------------------------------------------------------------------------------------

describe('metadata', () => {
  const base = (meta: string): string =>
    `apiVersion: cluster.x-k8s.io/v1beta2\nkind: MachineHealthCheck\nmetadata:\n${meta}spec:\n  clusterName: c\n  selector: {}\n`;

  it.each([
    ['a name that is not a DNS-1123 subdomain', '  name: Foo_Bar\n', '/metadata/name', false],
    ['an unknown metadata key', '  name: ok\n  lables:\n    app: x\n', '/metadata/lables', true],
    ['a label key that is not a qualified name', '  name: ok\n  labels:\n    "bad key!": x\n', '/metadata/labels/bad key!', true],
    ['a label value with forbidden characters', '  name: ok\n  labels:\n    app: "not ok!"\n', '/metadata/labels/app', false],
  ] as const)('reports %s as METADATA at its position', async (_what, meta, path, atKey) => {
    // Arrange
    const text = base(meta);
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: 'METADATA', path, source: yamlPosition(text, path, atKey) });
  });

  it('reports a missing name as METADATA at the metadata key', async () => {
    // Arrange
    const text = base('  namespace: default\n');
    // Act
    const result = await validateText(text);
    // Assert
    // why: an absent field is placed at its nearest present ancestor, at that ancestor's key (load.ts locate)
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'METADATA', path: '/metadata/name', source: expect.objectContaining(yamlPosition(text, '/metadata', true)) }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// clusterctl placeholders
// ---------------------------------------------------------------------------------------------

describe('clusterctl placeholders', () => {
  const template = yaml`
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: Cluster
    metadata:
      name: \${CLUSTER_NAME}
      namespace: \${NAMESPACE:-default}
    spec:
      clusterNetwork:
        pods:
          cidrBlocks: \${POD_CIDR:=["192.168.0.0/16"]}
    ---
    apiVersion: cluster.x-k8s.io/v1beta2
    kind: MachineDeployment
    metadata:
      name: \${CLUSTER_NAME}-md-0
    spec:
      clusterName: \${CLUSTER_NAME}
      replicas: \${WORKER_MACHINE_COUNT}
      selector: {}
      template:
        spec:
          clusterName: \${CLUSTER_NAME}
          bootstrap:
            configRef:
              apiGroup: bootstrap.cluster.x-k8s.io
              kind: KubeadmConfigTemplate
              name: \${CLUSTER_NAME}-md-0
          infrastructureRef:
            apiGroup: infrastructure.cluster.x-k8s.io
            kind: DevMachineTemplate
            name: \${CLUSTER_NAME}-md-0
    ---
    apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
    kind: KubeadmConfigTemplate
    metadata:
      name: \${CLUSTER_NAME}-md-0
    spec:
      template:
        spec:
          preKubeadmCommands:
            - for f in /etc/x/*; do echo "$\${ESCAPED}" "$f"; done
  `;

  it('suppresses type and pattern findings on placeholders and lists their names', async () => {
    // Arrange
    const text = template;
    // Act
    const result = await validateText(text);
    // Assert
    expect(result.issues.map(brief)).toEqual([]);
    expect(result.placeholders).toEqual(['CLUSTER_NAME', 'NAMESPACE', 'POD_CIDR', 'WORKER_MACHINE_COUNT']);
  });

  it("reports the placeholders as values when placeholders are 'off'", async () => {
    // Arrange
    const text = template;
    // Act
    const result = await validateText(text, { placeholders: 'off' });
    // Assert
    expect(result.placeholders).toEqual([]);
    expect(result.issues.map((i) => `${i.object} ${i.code} ${i.path}`)).toEqual([
      'Cluster/${CLUSTER_NAME} METADATA /metadata/name',
      'Cluster/${CLUSTER_NAME} METADATA /metadata/namespace',
      'Cluster/${CLUSTER_NAME} SCHEMA /spec/clusterNetwork/pods/cidrBlocks',
      'MachineDeployment/${CLUSTER_NAME}-md-0 METADATA /metadata/name',
      'MachineDeployment/${CLUSTER_NAME}-md-0 SCHEMA /spec/replicas',
      'MachineDeployment/${CLUSTER_NAME}-md-0 SCHEMA /spec/template/spec/bootstrap/configRef/name',
      'MachineDeployment/${CLUSTER_NAME}-md-0 SCHEMA /spec/template/spec/infrastructureRef/name',
      'KubeadmConfigTemplate/${CLUSTER_NAME}-md-0 METADATA /metadata/name',
    ]);
  });

  it("places each finding of a multi-document text in its own document when placeholders are 'off'", async () => {
    // Arrange
    const text = template;
    // Act
    const result = await validateText(text, { placeholders: 'off' });
    // Assert
    const located = result.documents.flatMap((d) => d.issues.map((i) => ({ path: i.path, line: i.source?.line, col: i.source?.col, index: d.index })));
    const expected = located.map((l) => ({ ...l, ...yamlPosition(text, l.path, false, l.index) }));
    expect(located).toHaveLength(8);
    expect(located).toEqual(expected);
  });
});
