import { describe, expect, it } from 'vitest';
import { evaluate } from '@marcbachmann/cel-js';
import { CRDS, loadSchema, type StructuralSchema } from '@capi-gen/crds';
import {
  applyDefaults,
  checkListTypes,
  evaluateRules,
  type StructuralFinding,
} from '../../src/validate/structural.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function schemaOf(apiVersion: string, kind: string): Promise<StructuralSchema> {
  const schema = await loadSchema(apiVersion, kind);
  if (schema === undefined) throw new Error(`no schema for ${apiVersion} ${kind}`);
  return schema;
}

const OSC_V1B1 = (): Promise<StructuralSchema> => schemaOf('infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackCluster');
const OSC_V1B2 = (): Promise<StructuralSchema> => schemaOf('infrastructure.cluster.x-k8s.io/v1beta2', 'OpenStackCluster');
const KCP_V1B1 = (): Promise<StructuralSchema> => schemaOf('controlplane.cluster.x-k8s.io/v1beta1', 'KubeadmControlPlane');
const KCP_V1B2 = (): Promise<StructuralSchema> => schemaOf('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane');

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** A schema node with properties, closed like the generated schemas. */
function obj(properties: Record<string, StructuralSchema>, extra: Record<string, unknown> = {}): StructuralSchema {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

function rules(findings: readonly StructuralFinding[]): string[] {
  return findings.map((f) => `${f.path} ${f.message}`);
}

// ---------------------------------------------------------------------------------------------
// applyDefaults
// ---------------------------------------------------------------------------------------------

describe('applyDefaults', () => {
  it('adds an absent property default (CAPO v1beta1 spec.identityRef.type)', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const input = { spec: { identityRef: { name: 'creds', cloudName: 'openstack' } } };

    // Act
    const out = applyDefaults(input, schema);

    // Assert
    expect(out).toEqual({ spec: { identityRef: { name: 'creds', cloudName: 'openstack', type: 'Secret' } } });
  });

  it('defaults through list items (availabilityZone.from in additionalBlockDevices[])', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const device = { name: 'etcd', sizeGiB: 10, storage: { type: 'Volume', volume: { availabilityZone: { name: 'nova' } } } };
    const input = { spec: { bastion: { enabled: false, spec: { flavor: 'm1', additionalBlockDevices: [device] } } } };

    // Act
    const out = applyDefaults(input, schema) as typeof input;

    // Assert
    expect(out.spec.bastion.spec.additionalBlockDevices[0]?.storage.volume.availabilityZone).toEqual({ name: 'nova', from: 'Name' });
  });

  it('applies nested defaults inside a defaulted value', () => {
    // Arrange: the outer default is {}, the inner default lives only on the inner property
    const schema = obj({ outer: obj({ inner: { type: 'string', default: 'x' }, kept: { type: 'integer' } }, { default: {} }) });

    // Act
    const out = applyDefaults({}, schema);

    // Assert
    expect(out).toEqual({ outer: { inner: 'x' } });
  });

  it('injects object defaults as they are written (KCP v1beta1 spec.rolloutStrategy)', async () => {
    // Arrange
    const schema = await KCP_V1B1();

    // Act
    const out = applyDefaults({ spec: { replicas: 3 } }, schema);

    // Assert
    expect(out).toEqual({ spec: { replicas: 3, rolloutStrategy: { rollingUpdate: { maxSurge: 1 }, type: 'RollingUpdate' } } });
  });

  it('gives every result its own copy of a default', async () => {
    // Arrange
    const schema = await KCP_V1B1();
    const first = applyDefaults({ spec: {} }, schema) as { spec: { rolloutStrategy: { type: string } } };

    // Act
    first.spec.rolloutStrategy.type = 'changed';
    const second = applyDefaults({ spec: {} }, schema);

    // Assert
    expect(second).toEqual({ spec: { rolloutStrategy: { rollingUpdate: { maxSurge: 1 }, type: 'RollingUpdate' } } });
  });

  it('prunes a null that has no default (CAPO v1beta1 spec.bastion.floatingIP: null)', async () => {
    // Arrange
    const schema = await OSC_V1B1();

    // Act
    const out = applyDefaults({ spec: { bastion: { enabled: false, floatingIP: null } } }, schema);

    // Assert
    expect(out).toEqual({ spec: { bastion: { enabled: false } } });
  });

  it('replaces a null that has a default by the default (identityRef.type: null)', async () => {
    // Arrange
    const schema = await OSC_V1B1();

    // Act
    const out = applyDefaults({ spec: { identityRef: { name: 'creds', cloudName: 'c', type: null } } }, schema);

    // Assert
    expect(out).toEqual({ spec: { identityRef: { name: 'creds', cloudName: 'c', type: 'Secret' } } });
  });

  it('keeps nulls where the schema is nullable (nullable: true, or type ["string","null"])', async () => {
    // Arrange
    const synthetic = obj({ a: { type: 'string', nullable: true }, b: { type: 'string', nullable: true, default: 'x' } });
    const kcp = await KCP_V1B2();

    // Act
    const out1 = applyDefaults({ a: null, b: null }, synthetic);
    const out2 = applyDefaults({ metadata: { name: 'cp', creationTimestamp: null } }, kcp);

    // Assert
    expect(out1).toEqual({ a: null, b: null });
    expect(out2).toEqual({ metadata: { name: 'cp', creationTimestamp: null } });
  });

  it('prunes null map values without default, and defaults them when there is one', () => {
    // Arrange
    const plain = { type: 'object', additionalProperties: { type: 'string' } };
    const defaulted = { type: 'object', additionalProperties: { type: 'string', default: 'd' } };

    // Act
    const out1 = applyDefaults({ a: 'x', b: null }, plain);
    const out2 = applyDefaults({ a: 'x', b: null }, defaulted);

    // Assert
    expect(out1).toEqual({ a: 'x' });
    expect(out2).toEqual({ a: 'x', b: 'd' });
  });

  it('keeps null list items unless the items have a default', () => {
    // Arrange
    const plain = { type: 'array', items: { type: 'string' } };
    const defaulted = { type: 'array', items: { type: 'string', default: 'd' } };

    // Act
    const out1 = applyDefaults(['a', null], plain);
    const out2 = applyDefaults(['a', null], defaulted);

    // Assert
    expect(out1).toEqual(['a', null]);
    expect(out2).toEqual(['a', 'd']);
  });

  it('does not apply defaults found under anyOf/allOf/oneOf', () => {
    // Arrange
    const schema = obj(
      { a: { type: 'string' } },
      { anyOf: [{ properties: { a: { default: 'x' } } }], allOf: [{ properties: { a: { default: 'y' } } }] },
    );

    // Act
    const out = applyDefaults({}, schema);

    // Assert
    expect(out).toEqual({});
  });

  it('copies keys the schema does not know as they are, nulls included', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const input = { spec: { bogus: { x: null, y: [1, null] } }, status2: null };

    // Act
    const out = applyDefaults(input, schema) as typeof input;

    // Assert
    expect(out).toEqual(input);
    expect(out.spec.bogus).not.toBe(input.spec.bogus);
  });

  it('never mutates its input and returns a copy that shares no objects with it', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const input = deepFreeze({ spec: { identityRef: { name: 'c', cloudName: 'c' }, bastion: { floatingIP: null }, tags: ['a'] } });
    const before = structuredClone(input);

    // Act
    const out = applyDefaults(input, schema) as typeof input;

    // Assert
    expect(input).toEqual(before);
    expect(out.spec).not.toBe(input.spec);
    expect(out.spec.tags).not.toBe(input.spec.tags);
  });

  it('copies a __proto__ key as data without touching the prototype', () => {
    // Arrange
    const schema = { type: 'object', additionalProperties: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    const input: unknown = JSON.parse('{"__proto__": {"polluted": true}}');

    // Act
    const out = applyDefaults(input, schema) as Record<string, unknown>;

    // Assert
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('names the function when the schema is missing', () => {
    // Arrange
    const missing = undefined as unknown as StructuralSchema;

    // Act / Assert
    expect(() => applyDefaults({}, missing)).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: applyDefaults: schema must be a structural schema object (from loadSchema), got undefined]`,
    );
    expect(() => checkListTypes({}, missing)).toThrow(/^checkListTypes: /);
    expect(() => evaluateRules({}, missing)).toThrow(/^evaluateRules: /);
  });

  it('returns scalars and null at the root unchanged', async () => {
    // Arrange
    const schema = await OSC_V1B1();

    // Act / Assert
    expect(applyDefaults(null, schema)).toBeNull();
    expect(applyDefaults('x', schema)).toBe('x');
  });
});

// ---------------------------------------------------------------------------------------------
// checkListTypes
// ---------------------------------------------------------------------------------------------

describe('checkListTypes', () => {
  it('reports each repeated item of a set at its own path', async () => {
    // Arrange
    const schema = await OSC_V1B2();
    const value = { spec: { controlPlaneAvailabilityZones: ['az1', 'az2', 'az1', 'az1'] } };

    // Act
    const findings = checkListTypes(value, schema);

    // Assert
    expect(findings).toEqual([
      {
        code: 'LIST_TYPE',
        path: '/spec/controlPlaneAvailabilityZones/2',
        message: 'duplicate value "az1" (also at index 0); items of this list must be unique',
      },
      {
        code: 'LIST_TYPE',
        path: '/spec/controlPlaneAvailabilityZones/3',
        message: 'duplicate value "az1" (also at index 0); items of this list must be unique',
      },
    ]);
  });

  it('compares set items by type and value (80 and "80" differ)', async () => {
    // Arrange
    const schema = await OSC_V1B2();
    const value = { spec: { apiServer: { managedLoadBalancer: { additionalPorts: [80, '80', 443, 80] } } } };

    // Act
    const findings = checkListTypes(value, schema);

    // Assert
    expect(rules(findings)).toEqual([
      '/spec/apiServer/managedLoadBalancer/additionalPorts/3 duplicate value 80 (also at index 0); items of this list must be unique',
    ]);
  });

  it('compares object set items deeply, ignoring key order', () => {
    // Arrange
    const schema = { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };

    // Act
    const findings = checkListTypes([{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, { a: 1, b: [1, { c: 3 }] }], schema);

    // Assert
    expect(findings.map((f) => f.path)).toEqual(['/1']);
  });

  it('reports list-map items with the same key (CAPO additionalBlockDevices, key name)', async () => {
    // Arrange
    const schema = await OSC_V1B2();
    const device = (name: string, sizeGiB: number): unknown => ({ name, sizeGiB, storage: { type: 'Local' } });
    const value = { spec: { bastion: { spec: { additionalBlockDevices: [device('etcd', 10), device('data', 5), device('etcd', 20)] } } } };

    // Act
    const findings = checkListTypes(value, schema);

    // Assert
    expect(findings).toEqual([
      {
        code: 'LIST_TYPE',
        path: '/spec/bastion/spec/additionalBlockDevices/2',
        message: 'duplicate entry with name="etcd" (also at index 0); keys of this list (name) must be unique',
      },
    ]);
  });

  it('uses every list-map key: KCP v1beta2 extraArgs are keyed by name and value', async () => {
    // Arrange
    const schema = await KCP_V1B2();
    const extraArgs = [
      { name: 'v', value: '1' },
      { name: 'v', value: '2' },
      { name: 'v', value: '1' },
    ];
    const value = { spec: { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs } } } } };

    // Act
    const findings = checkListTypes(value, schema);

    // Assert: the same name with another value is for the CEL rule to report
    expect(rules(findings)).toEqual([
      '/spec/kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs/2 duplicate entry with name="v", value="1" (also at index 0); keys of this list (name, value) must be unique',
    ]);
  });

  it('treats an absent key as a value of its own, and a null item as having no keys', () => {
    // Arrange
    const schema = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: obj({ name: { type: 'string' }, v: { type: 'string' } }),
    };

    // Act
    const findings = checkListTypes([{ v: 'a' }, { name: 'x' }, null, { name: null }], schema);

    // Assert
    expect(rules(findings)).toEqual([
      '/2 duplicate entry with name unset (also at index 0); keys of this list (name) must be unique',
    ]);
  });

  it('does not check atomic lists, nor list-maps holding non-objects', () => {
    // Arrange
    const atomic = { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'string' } };
    const map = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: obj({ name: { type: 'string' } }) };

    // Act
    const findings = [...checkListTypes(['a', 'a'], atomic), ...checkListTypes([{ name: 'a' }, { name: 'a' }, 'x'], map)];

    // Assert
    expect(findings).toEqual([]);
  });

  it('escapes map keys in the JSON pointer (RFC 6901)', () => {
    // Arrange
    const schema = {
      type: 'object',
      additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    };

    // Act
    const findings = checkListTypes({ 'a/b~c': ['x', 'x'] }, schema);

    // Assert
    expect(findings.map((f) => f.path)).toEqual(['/a~1b~0c/1']);
  });

  it('checks long lists the same way as short ones', () => {
    // Arrange
    const schema = { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } };
    const list = Array.from({ length: 40 }, (_, i) => `v${i % 30}`);

    // Act
    const findings = checkListTypes(list, schema);

    // Assert
    expect(findings.map((f) => f.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/${30 + i}`));
    expect(findings[0]?.message).toBe('duplicate value "v0" (also at index 0); items of this list must be unique');
  });
});

// ---------------------------------------------------------------------------------------------
// evaluateRules
// ---------------------------------------------------------------------------------------------

describe('evaluateRules', () => {
  it('evaluates a rule on a list (KCP v1beta2 extraArgs name uniqueness)', async () => {
    // Arrange
    const schema = await KCP_V1B2();
    const extraArgs = [
      { name: 'cloud-provider', value: 'external' },
      { name: 'cloud-provider', value: 'openstack' },
    ];
    const value = { spec: { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs } } } } };

    // Act
    const findings = evaluateRules(value, schema);

    // Assert
    expect(findings).toEqual([
      {
        code: 'CEL_RULE',
        path: '/spec/kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs',
        message: 'extraArgs name must be unique',
        rule: 'self.all(x, self.exists_one(y, x.name == y.name))',
      },
    ]);
  });

  it('passes a KCP v1beta2 object whose extraArgs names are unique', async () => {
    // Arrange
    const schema = await KCP_V1B2();
    const args = [
      { name: 'a', value: '1' },
      { name: 'b', value: '1' },
    ];
    const value = {
      spec: {
        kubeadmConfigSpec: {
          clusterConfiguration: { apiServer: { extraArgs: args }, controllerManager: { extraArgs: args } },
          initConfiguration: { nodeRegistration: { kubeletExtraArgs: args } },
        },
      },
    };

    // Act
    const findings = evaluateRules(value, schema);

    // Assert
    expect(findings).toEqual([]);
  });

  it('binds type: integer values as CEL int, so % and int literals work', () => {
    // Arrange
    const schema = obj(
      { replicas: { type: 'integer' }, ratio: { type: 'number' } },
      {
        'x-kubernetes-validations': [
          { rule: 'self.replicas % 2 == 1', message: 'replicas must be odd' },
          { rule: 'self.replicas <= 7', message: 'at most 7' },
          { rule: 'self.ratio < 0.5', message: 'ratio below one half' },
        ],
      },
    );

    // Act
    const ok = evaluateRules({ replicas: 3, ratio: 0.25 }, schema);
    const bad = evaluateRules({ replicas: 8, ratio: 0.75 }, schema);

    // Assert
    expect(ok).toEqual([]);
    expect(bad.map((f) => f.message)).toEqual(['replicas must be odd', 'at most 7', 'ratio below one half']);
  });

  it('binds integers of int-or-string fields as int and their strings as string', () => {
    // Arrange
    const schema = obj(
      { maxSurge: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } },
      { 'x-kubernetes-validations': [{ rule: "type(self.maxSurge) == string ? self.maxSurge.endsWith('%') : self.maxSurge % 2 == 0" }] },
    );

    // Act
    const findings = [
      ...evaluateRules({ maxSurge: 2 }, schema),
      ...evaluateRules({ maxSurge: '10%' }, schema),
      ...evaluateRules({ maxSurge: 3 }, schema),
    ];

    // Assert
    expect(findings.map((f) => f.message)).toEqual([
      "failed rule: type(self.maxSurge) == string ? self.maxSurge.endsWith('%') : self.maxSurge % 2 == 0",
    ]);
  });

  it('binds integers inside lists and maps as int too', () => {
    // Arrange
    const schema = obj(
      {
        ports: { type: 'array', items: { type: 'integer' } },
        limits: { type: 'object', additionalProperties: { type: 'integer' } },
      },
      { 'x-kubernetes-validations': [{ rule: "self.ports.all(p, p % 2 == 0) && self.limits['cpu'] > 1" }] },
    );

    // Act
    const findings = evaluateRules({ ports: [80, 442], limits: { cpu: 2 } }, schema);

    // Assert
    expect(findings).toEqual([]);
  });

  it('skips transition rules, which read oldSelf and only run on UPDATE', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const synthetic = obj({ a: { type: 'string' } }, { 'x-kubernetes-validations': [{ rule: 'self.a == oldSelf.a' }] });

    // Act
    const findings = [
      ...evaluateRules({ spec: { identityRef: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r1' } } }, schema),
      ...evaluateRules({ a: 'x' }, synthetic),
    ];

    // Assert
    expect(findings).toEqual([]);
  });

  it("uses 'failed rule: <rule>' when the rule has no message", () => {
    // Arrange
    const schema = { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'bad'" }] };

    // Act
    const findings = evaluateRules('bad', schema);

    // Assert
    expect(findings).toEqual([{ code: 'CEL_RULE', path: '', message: "failed rule: self != 'bad'", rule: "self != 'bad'" }]);
  });

  it('appends the rule fieldPath to the path of a failed rule', () => {
    // Arrange
    const schema = obj(
      { spec: obj({ a: obj({ 'b.c': { type: 'string' } }) }) },
      { 'x-kubernetes-validations': [{ rule: 'false', message: 'm', fieldPath: ".spec.a['b.c']" }] },
    );

    // Act
    const findings = evaluateRules({ spec: {} }, schema);

    // Assert
    expect(findings.map((f) => f.path)).toEqual(['/spec/a/b.c']);
  });

  it('uses messageExpression, and message when messageExpression fails', () => {
    // Arrange
    const schema = obj(
      { n: { type: 'integer' } },
      {
        'x-kubernetes-validations': [
          { rule: 'self.n < 3', messageExpression: "'n is ' + string(self.n) + ', limit 2'" },
          { rule: 'self.n < 2', message: 'fallback', messageExpression: 'self.missing' },
        ],
      },
    );

    // Act
    const findings = evaluateRules({ n: 5 }, schema);

    // Assert
    expect(findings.map((f) => f.message)).toEqual(['n is 5, limit 2', 'fallback']);
  });

  it('reports a rule that fails to evaluate (no such key) as a finding', () => {
    // Arrange
    const schema = obj({ a: obj({ b: { type: 'string' } }) }, { 'x-kubernetes-validations': [{ rule: "self.a.b == 'x'", message: 'b must be x' }] });

    // Act
    const findings = evaluateRules({ a: {} }, schema);

    // Assert
    expect(findings).toEqual([
      {
        code: 'CEL_RULE',
        path: '',
        message: 'rule evaluation error: No such key: b; evaluating rule: b must be x',
        rule: "self.a.b == 'x'",
      },
    ]);
  });

  it('reports a rule the CEL library cannot compile', () => {
    // Arrange
    const schema = { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.isFrobnicated(' }] };

    // Act
    const findings = evaluateRules('x', schema);

    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/^rule compile error: /);
  });

  it('does not run rules on null values or on values of the wrong JSON type', () => {
    // Arrange
    const schema = obj({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'false' }] } });

    // Act
    const findings = [...evaluateRules({ a: null }, schema), ...evaluateRules({ a: 5 }, schema), ...evaluateRules({ a: 'x' }, schema)];

    // Assert
    expect(findings.map((f) => f.path)).toEqual(['/a']);
  });

  it('evaluates rules on scalars inside list items (KCP v1beta2 partitionType)', async () => {
    // Arrange
    const schema = await KCP_V1B2();
    const partitions = [
      { device: '/dev/vdb', diskLayout: [{ percentage: 50, partitionType: 'Linux' }, { percentage: 50, partitionType: 'ext4' }] },
    ];

    // Act
    const findings = evaluateRules({ spec: { kubeadmConfigSpec: { diskSetup: { partitions } } } }, schema);

    // Assert
    expect(rules(findings)).toEqual([
      '/spec/kubeadmConfigSpec/diskSetup/partitions/0/diskLayout/1/partitionType partitionType must be one of Linux, LinuxSwap, LinuxRAID, LVM, Fat32, NTFS, LinuxExtended or a full GPT partition GUID',
    ]);
  });

  it('sees defaulted values when given the result of applyDefaults (CAPO v1beta1 bastion.enabled)', async () => {
    // Arrange
    const schema = await OSC_V1B1();
    const value = { spec: { bastion: { availabilityZone: 'nova' } } };

    // Act
    const raw = evaluateRules(value, schema);
    const defaulted = evaluateRules(applyDefaults(value, schema), schema);

    // Assert: without defaults `self.enabled` does not exist; with them it is true
    expect(rules(raw)).toEqual([
      '/spec/bastion rule evaluation error: No such key: enabled; evaluating rule: spec is required if bastion is enabled',
    ]);
    expect(rules(defaulted)).toEqual(['/spec/bastion spec is required if bastion is enabled']);
  });

  it('escapes property names as Kubernetes does (namespace → __namespace__, x-y → x__dash__y)', () => {
    // Arrange
    const schema = obj(
      { namespace: { type: 'string' }, 'x-y': { type: 'integer' } },
      { 'x-kubernetes-validations': [{ rule: "self.__namespace__ == 'ns' && self.x__dash__y == 1" }] },
    );

    // Act
    const findings = evaluateRules({ namespace: 'ns', 'x-y': 1 }, schema);

    // Assert
    expect(findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every rule text of the vendored CRDs
// ---------------------------------------------------------------------------------------------

interface RuleCases {
  /** Values of `self` the rule accepts. */
  readonly pass: readonly unknown[];
  /** Values of `self` the rule rejects. */
  readonly fail: readonly unknown[];
}

interface TransitionCases {
  readonly transition: true;
  readonly pass: readonly { readonly self: unknown; readonly oldSelf: unknown }[];
  readonly fail: readonly { readonly self: unknown; readonly oldSelf: unknown }[];
}

const GUID = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';

// why: keyed by rule text, so a CRD bump that brings a new text fails the coverage test below
// until someone writes cases for it.
const RULE_CASES: Record<string, RuleCases | TransitionCases> = {
  "self.matches('^(Linux|LinuxSwap|LinuxRAID|LVM|Fat32|NTFS|LinuxExtended|[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})$')": {
    pass: ['Linux', 'LVM', GUID, GUID.toLowerCase()],
    fail: ['ext4', 'linux', 'Linux ', GUID.slice(0, -1)],
  },
  'self.all(x, self.exists_one(y, x.name == y.name))': {
    pass: [
      [{ name: 'a', value: '1' }],
      [
        { name: 'a', value: '1' },
        { name: 'b', value: '1' },
      ],
    ],
    fail: [
      [
        { name: 'a', value: '1' },
        { name: 'a', value: '2' },
      ],
      [
        { name: 'a', value: '1' },
        { name: 'b', value: '1' },
        { name: 'a', value: '1' },
      ],
    ],
  },
  '[has(self.layout),has(self.diskLayout)].filter(x,x==true).size() == 1': {
    pass: [
      { device: '/dev/vdb', layout: true },
      { device: '/dev/vdb', diskLayout: [{ percentage: 100 }] },
    ],
    fail: [{ device: '/dev/vdb' }, { device: '/dev/vdb', layout: true, diskLayout: [{ percentage: 100 }] }],
  },
  "!(self in ['Ready','Available','HealthCheckSucceeded','OwnerRemediated','ExternallyRemediated'])": {
    pass: ['NodeReady', 'ready'],
    fail: ['Ready', 'ExternallyRemediated'],
  },
  'has(self.disableExternalNetwork) && self.disableExternalNetwork ? !has(self.bastion) || !has(self.bastion.floatingIP) : true': {
    pass: [{}, { disableExternalNetwork: true, bastion: { enabled: false } }, { disableExternalNetwork: false, bastion: { floatingIP: '10.0.0.1' } }],
    fail: [{ disableExternalNetwork: true, bastion: { floatingIP: '10.0.0.1' } }],
  },
  'has(self.disableExternalNetwork) && self.disableExternalNetwork ? has(self.disableAPIServerFloatingIP) && self.disableAPIServerFloatingIP : true': {
    pass: [{}, { disableExternalNetwork: true, disableAPIServerFloatingIP: true }],
    fail: [{ disableExternalNetwork: true }, { disableExternalNetwork: true, disableAPIServerFloatingIP: false }],
  },
  '!self.enabled || has(self.spec)': {
    pass: [{ enabled: false }, { enabled: true, spec: { flavor: 'm1' } }],
    fail: [{ enabled: true }, {}],
  },
  '(has(self.flavor) || has(self.flavorID))': {
    pass: [{ flavor: 'm1.small' }, { flavorID: 'f-1' }],
    fail: [{}, { image: { id: 'x' } }],
  },
  "!has(self.from) || self.from == 'Name' ? has(self.name) : !has(self.name)": {
    pass: [{ name: 'nova' }, { from: 'Name', name: 'nova' }, { from: 'Machine' }],
    fail: [{}, { from: 'Name' }, { from: 'Machine', name: 'nova' }],
  },
  '(!has(self.region) && !has(oldSelf.region)) || self.region == oldSelf.region': {
    transition: true,
    pass: [
      { self: { name: 'c', cloudName: 'c', type: 'Secret' }, oldSelf: { name: 'c', cloudName: 'c', type: 'Secret' } },
      { self: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r1' }, oldSelf: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r1' } },
    ],
    fail: [
      { self: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r2' }, oldSelf: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r1' } },
      { self: { name: 'c', cloudName: 'c', type: 'Secret' }, oldSelf: { name: 'c', cloudName: 'c', type: 'Secret', region: 'r1' } },
    ],
  },
  "has(self.type) && self.type == 'Bool' ? has(self.bool) : !has(self.bool)": {
    pass: [{ type: 'Bool', bool: true }, { type: 'String', string: 'x' }],
    fail: [{ type: 'Bool' }, { type: 'Number', number: 1, bool: false }],
  },
  "has(self.type) && self.type == 'Number' ? has(self.number) : !has(self.number)": {
    pass: [{ type: 'Number', number: 3 }, { type: 'Bool', bool: true }],
    fail: [{ type: 'Number' }, { type: 'String', string: 'x', number: 3 }],
  },
  "has(self.type) && self.type == 'String' ? has(self.string) : !has(self.string)": {
    pass: [{ type: 'String', string: 'x' }, { type: 'Number', number: 1 }],
    fail: [{ type: 'String' }, { type: 'Bool', bool: true, string: 'x' }],
  },
  'has(self.enableExternalNetwork) && !self.enableExternalNetwork ? !has(self.bastion) || !has(self.bastion.floatingIP) : true': {
    pass: [{}, { enableExternalNetwork: false, bastion: { enabled: false } }, { enableExternalNetwork: true, bastion: { floatingIP: '10.0.0.1' } }],
    fail: [{ enableExternalNetwork: false, bastion: { floatingIP: '10.0.0.1' } }],
  },
  'has(self.enableExternalNetwork) && !self.enableExternalNetwork ? has(self.apiServer) && has(self.apiServer.enableFloatingIP) && !self.apiServer.enableFloatingIP : true': {
    pass: [{}, { enableExternalNetwork: false, apiServer: { enableFloatingIP: false } }],
    fail: [{ enableExternalNetwork: false }, { enableExternalNetwork: false, apiServer: {} }, { enableExternalNetwork: false, apiServer: { enableFloatingIP: true } }],
  },
  'self == null || has(self.mtu) || has(self.enablePortSecurity)': {
    pass: [{ mtu: 1500 }, { enablePortSecurity: false }],
    fail: [{}],
  },
  'has(self.externalIPs)': {
    pass: [{ externalIPs: [{ fixedIP: '10.0.0.5' }] }],
    fail: [{}],
  },
};

interface RuleSite {
  readonly crd: string;
  readonly path: string;
  readonly node: StructuralSchema;
}

/** Every schema node of every served version that carries x-kubernetes-validations, by rule text. */
async function collectRuleSites(): Promise<Map<string, RuleSite[]>> {
  const sites = new Map<string, RuleSite[]>();
  const walk = (node: StructuralSchema, crd: string, path: string): void => {
    const rs = node['x-kubernetes-validations'];
    if (Array.isArray(rs)) {
      for (const r of rs) {
        if (!isObject(r) || typeof r['rule'] !== 'string') continue;
        const list = sites.get(r['rule']) ?? [];
        list.push({ crd, path, node });
        sites.set(r['rule'], list);
      }
    }
    const props = node['properties'];
    if (isObject(props)) for (const [k, v] of Object.entries(props)) if (isObject(v)) walk(v, crd, `${path}/${k}`);
    const items = node['items'];
    if (isObject(items)) walk(items, crd, `${path}/[]`);
    const additional = node['additionalProperties'];
    if (isObject(additional)) walk(additional, crd, `${path}/{}`);
  };
  for (const c of CRDS) {
    const apiVersion = `${c.group}/${c.version}`;
    walk(await schemaOf(apiVersion, c.kind), `${apiVersion} ${c.kind}`, '');
  }
  return sites;
}

const SITES = await collectRuleSites();

/** The findings of one rule at the node itself (other rules and nested nodes are ignored). */
function findingsOf(rule: string, self: unknown, node: StructuralSchema): StructuralFinding[] {
  return evaluateRules(self, node).filter((f) => f.rule === rule && f.path === '');
}

describe('every x-kubernetes-validations rule of the vendored CRDs', () => {
  it('has cases for exactly the 17 distinct rule texts (105 instances)', () => {
    // Arrange
    const texts = [...SITES.keys()].sort();
    const instances = [...SITES.values()].reduce((n, s) => n + s.length, 0);

    // Act
    const covered = Object.keys(RULE_CASES).sort();

    // Assert
    expect(covered).toEqual(texts);
    expect(texts).toHaveLength(17);
    expect(instances).toBe(105);
  });

  const texts = Object.keys(RULE_CASES);

  it.each(texts)('accepts and rejects the hand-written cases on every real node: %s', (rule) => {
    // Arrange
    const cases = RULE_CASES[rule];
    const sites = SITES.get(rule) ?? [];
    if (cases === undefined || 'transition' in cases) return;

    // Act
    const results = sites.flatMap((site) => [
      ...cases.pass.map((self) => ({ site: `${site.crd} ${site.path}`, self, expected: 0, got: findingsOf(rule, self, site.node).length })),
      ...cases.fail.map((self) => ({ site: `${site.crd} ${site.path}`, self, expected: 1, got: findingsOf(rule, self, site.node).length })),
    ]);

    // Assert
    expect(sites.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.got !== r.expected)).toEqual([]);
  });

  it('reports failures with the rule message', () => {
    // Arrange
    const rule = '!self.enabled || has(self.spec)';
    const site = SITES.get(rule)?.[0];
    if (site === undefined) throw new Error('no site');

    // Act
    const findings = findingsOf(rule, { enabled: true }, site.node);

    // Assert
    expect(findings).toEqual([{ code: 'CEL_RULE', path: '', message: 'spec is required if bastion is enabled', rule }]);
  });

  it('skips the transition rule on every node, though its cases do pass and fail with oldSelf bound', () => {
    // Arrange
    const transition = Object.entries(RULE_CASES).filter((e): e is [string, TransitionCases] => 'transition' in e[1]);

    // Act
    const skipped = transition.flatMap(([rule, cases]) =>
      (SITES.get(rule) ?? []).flatMap((site) => [...cases.pass, ...cases.fail].flatMap((c) => findingsOf(rule, c.self, site.node))),
    );
    // why: the CEL library directly, with oldSelf bound, shows the cases mean what they say; an
    // evaluation error counts as a failure, as in the apiserver ("no such key: region")
    const accepts = (rule: string, c: { self: unknown; oldSelf: unknown }): boolean => {
      try {
        return evaluate(rule, { self: c.self, oldSelf: c.oldSelf }) === true;
      } catch {
        return false;
      }
    };
    const direct = transition.map(([rule, cases]) => ({
      pass: cases.pass.map((c) => accepts(rule, c)),
      fail: cases.fail.map((c) => accepts(rule, c)),
    }));

    // Assert
    expect(transition).toHaveLength(1);
    expect(skipped).toEqual([]);
    expect(direct).toEqual([{ pass: [true, true], fail: [false, false] }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Cost
// ---------------------------------------------------------------------------------------------

/** A KubeadmControlPlane v1beta2 like the ones capi-gen renders: 23 extraArgs in 6 lists, files, disks. */
function kcpDocument(i: number): unknown {
  const args = (n: number): unknown[] => Array.from({ length: n }, (_, j) => ({ name: `arg-${j}`, value: `v${i}-${j}` }));
  return {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
    kind: 'KubeadmControlPlane',
    metadata: { name: `cp-${i}`, namespace: 'default' },
    spec: {
      replicas: 3,
      version: 'v1.31.2',
      machineTemplate: { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'OpenStackMachineTemplate', name: 'cp' } } },
      kubeadmConfigSpec: {
        clusterConfiguration: {
          apiServer: { certSANs: ['localhost', '127.0.0.1'], extraArgs: args(4) },
          controllerManager: { extraArgs: args(3) },
          scheduler: { extraArgs: args(2) },
          etcd: { local: { extraArgs: args(2) } },
        },
        initConfiguration: { nodeRegistration: { kubeletExtraArgs: args(3) } },
        joinConfiguration: { nodeRegistration: { kubeletExtraArgs: args(3) } },
        files: [{ path: '/etc/kubernetes/check.sh', owner: 'root:root', permissions: '0755', content: 'echo hi' }],
        diskSetup: { partitions: [{ device: '/dev/vdb', layout: true }] },
      },
    },
  };
}

describe('cost', () => {
  it('handles 1000 KubeadmControlPlane documents well within budget', async () => {
    // Arrange
    const schema = await KCP_V1B2();
    const docs = Array.from({ length: 1000 }, (_, i) => kcpDocument(i));
    const all = (d: unknown): number => {
      const x = applyDefaults(d, schema);
      return checkListTypes(x, schema).length + evaluateRules(x, schema).length;
    };
    for (const d of docs.slice(0, 200)) all(d);

    // Act
    const start = performance.now();
    const findings = docs.reduce((n: number, d) => n + all(d), 0);
    const elapsed = performance.now() - start;

    // Assert: about 30-40 ms warm on a 2-core machine; the bound only catches regressions in kind
    // (an accidental quadratic walk or per-call compile), not noise
    expect(findings).toBe(0);
    expect(elapsed).toBeLessThan(500);
  });
});
