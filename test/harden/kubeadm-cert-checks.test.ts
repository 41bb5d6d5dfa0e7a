// The kubeadm-cert-checks transform (issue 5 items 6, 7): on KubeadmControlPlane,
// KubeadmControlPlaneTemplate, KubeadmConfigTemplate and KubeadmConfig, v1beta1 and v1beta2, it
// adds the certs script, service, timer and options file once (PKI_DIR from certificatesDir), the
// pre command last in preKubeadmCommands and the post command last in postKubeadmCommands;
// Ignition configs and placeholders it cannot judge are left alone with a note.
import { describe, expect, it } from 'vitest';
import { buildCertsEnv, KUBEADM_CERTS_ENV_KEYS, parseCertsEnv } from '../../packages/core/src/harden/certificate-options.ts';
import { IGNITION_NOTE, KUBEADM_CERT_CHECKS_FILES, kubeadmCertChecks } from '../../packages/core/src/harden/kubeadm-cert-checks.ts';
import {
  CERTS_ENV_KEYS,
  CERTS_ENV_PATH,
  CERTS_SERVICE_PATH,
  CERTS_TIMER_PATH,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_POST_COMMAND,
  KUBEADM_PRE_COMMAND,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import { renderCluster, validateObject, type KubeObject } from '../../packages/core/src/index.ts';
import { exampleSpec } from '../support/repo.ts';
import { ctx, shipped, USER_FILE } from './_cert-transform.ts';

const { script: SCRIPT, service: SERVICE, timer: TIMER } = shipped(KUBEADM_CERT_CHECKS_FILES);
const OUR_PATHS = [KUBEADM_CERTS_SCRIPT_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH];

type Spec = { files?: Record<string, unknown>[]; preKubeadmCommands?: unknown[]; postKubeadmCommands?: unknown[]; [k: string]: unknown };
type Version = 'v1beta1' | 'v1beta2';
type Kind = 'KubeadmControlPlane' | 'KubeadmControlPlaneTemplate' | 'KubeadmConfigTemplate' | 'KubeadmConfig';
const KINDS: readonly Kind[] = ['KubeadmControlPlane', 'KubeadmControlPlaneTemplate', 'KubeadmConfigTemplate', 'KubeadmConfig'];
const CASES = KINDS.flatMap((k) => (['v1beta1', 'v1beta2'] as const).map((v) => [`${k} ${v}`, k, v] as const));

function keysOf(kind: Kind): string[] {
  return { KubeadmControlPlane: ['spec', 'kubeadmConfigSpec'], KubeadmControlPlaneTemplate: ['spec', 'template', 'spec', 'kubeadmConfigSpec'], KubeadmConfigTemplate: ['spec', 'template', 'spec'], KubeadmConfig: ['spec'] }[kind];
}

function objectOf(kind: Kind, version: Version, spec: Spec): KubeObject {
  const group = kind.startsWith('KubeadmControlPlane') ? 'controlplane.cluster.x-k8s.io' : 'bootstrap.cluster.x-k8s.io';
  const infra =
    version === 'v1beta1'
      ? { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 'cp' } }
      : { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevMachineTemplate', name: 'cp' } } };
  let body: Record<string, unknown>;
  switch (kind) {
    case 'KubeadmControlPlane':
      body = { replicas: 3, version: 'v1.31.4', machineTemplate: infra, kubeadmConfigSpec: spec };
      break;
    case 'KubeadmControlPlaneTemplate':
      body = { template: { spec: { kubeadmConfigSpec: spec } } };
      break;
    case 'KubeadmConfigTemplate':
      body = { template: { spec } };
      break;
    case 'KubeadmConfig':
      body = spec;
  }
  return { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x', namespace: 'default' }, spec: body } as KubeObject;
}

function specOf(o: KubeObject | undefined): Spec {
  let v: unknown = o;
  for (const k of keysOf(o?.kind as Kind)) v = (v as Record<string, unknown>)[k];
  return v as Spec;
}

const envOf = (o: KubeObject | undefined): string => specOf(o).files?.find((f) => f['path'] === CERTS_ENV_PATH)?.['content'] as string;

describe.each(CASES)('kubeadm-cert-checks on %s', (_name, kind, version) => {
  it('adds the script (0700), service, timer and options file (0644) after the user files, and the pre/post commands last', () => {
    // Arrange
    const input = objectOf(kind, version, { files: [USER_FILE], preKubeadmCommands: ['echo pre'], postKubeadmCommands: ['echo post'] });
    // Act
    const spec = specOf(kubeadmCertChecks.apply([input], ctx())[0]);
    // Assert
    expect(spec.files).toEqual([
      USER_FILE,
      { path: KUBEADM_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0700', content: SCRIPT },
      { path: CERTS_SERVICE_PATH, owner: 'root:root', permissions: '0644', content: SERVICE },
      { path: CERTS_TIMER_PATH, owner: 'root:root', permissions: '0644', content: TIMER },
      { path: CERTS_ENV_PATH, owner: 'root:root', permissions: '0644', content: buildCertsEnv(KUBEADM_CERTS_ENV_KEYS, {}, {}, undefined) },
    ]);
    expect(parseCertsEnv(envOf(kubeadmCertChecks.apply([input], ctx())[0]))).toEqual(Object.fromEntries(Object.entries(CERTS_ENV_KEYS).map(([k, v]) => [k, String(v)])));
    expect(spec.preKubeadmCommands).toEqual(['echo pre', KUBEADM_PRE_COMMAND]);
    expect(spec.postKubeadmCommands).toEqual(['echo post', KUBEADM_POST_COMMAND]);
  });

  it('is idempotent, does not mutate its input, and the output validates', async () => {
    // Arrange
    const input = objectOf(kind, version, { files: [USER_FILE], postKubeadmCommands: ['echo b'] });
    const snapshot = structuredClone(input);
    // Act
    const once = kubeadmCertChecks.apply([input], ctx({ certificates: { renewOnNode: true } }));
    const twice = kubeadmCertChecks.apply(once, ctx({ certificates: { renewOnNode: true } }));
    const third = kubeadmCertChecks.apply(twice, ctx());
    // Assert
    expect(twice).toEqual(once);
    expect(third).toEqual(once);
    expect(input).toEqual(snapshot);
    expect(await validateObject(input)).toEqual([]);
    expect(await validateObject(once[0]!)).toEqual([]);
  });

  it('leaves a format: ignition config alone and says why', () => {
    // Arrange
    const notes: string[] = [];
    const input = objectOf(kind, version, { format: 'ignition', preKubeadmCommands: ['echo'] });
    // Act
    const out = kubeadmCertChecks.apply([input], ctx(undefined, (m) => notes.push(m)));
    // Assert
    expect(out).toEqual([input]);
    expect(notes).toEqual([`${kind}/x: /${keysOf(kind).join('/')}/format is ignition; ${IGNITION_NOTE}`]);
  });
});

describe('kubeadm-cert-checks options file and certificatesDir', () => {
  it('takes PKI_DIR from clusterConfiguration.certificatesDir, and the explicit options', () => {
    // Arrange
    const input = objectOf('KubeadmControlPlane', 'v1beta2', { clusterConfiguration: { certificatesDir: '/srv/pki' } });
    // Act
    const env = envOf(kubeadmCertChecks.apply([input], ctx({ certificates: { renewOnNode: true, expiryWarningDays: 45, textfileDir: '/var/lib/prom' } }))[0]);
    // Assert
    expect(parseCertsEnv(env)).toEqual({
      TIME_SYNC_TIMEOUT: String(CERTS_ENV_KEYS.TIME_SYNC_TIMEOUT),
      SKEW_TOLERANCE: String(CERTS_ENV_KEYS.SKEW_TOLERANCE),
      EXPIRY_WARN_DAYS: '45',
      RENEW: '1',
      TEXTFILE_DIR: '/var/lib/prom',
      PKI_DIR: '/srv/pki',
    });
  });

  it('leaves an object whose certificatesDir is a placeholder alone, with a note', () => {
    // Arrange
    const notes: string[] = [];
    const input = objectOf('KubeadmControlPlane', 'v1beta1', { clusterConfiguration: { certificatesDir: '${CERT_DIR}' } });
    // Act
    const out = kubeadmCertChecks.apply([input], ctx(undefined, (m) => notes.push(m)));
    // Assert
    expect(out).toEqual([input]);
    expect(notes).toEqual([expect.stringContaining('KubeadmControlPlane/x: /spec/kubeadmConfigSpec/clusterConfiguration/certificatesDir is "${CERT_DIR}", not a plain absolute path')]);
  });

  it('keeps manifest values for options not given and writes the keys in the contract order', () => {
    // Arrange
    const existing = { path: CERTS_ENV_PATH, owner: 'root:root', permissions: '0644', content: 'PKI_DIR=/old\nRENEW=1\nTEXTFILE_DIR=/x y\n' };
    const input = objectOf('KubeadmConfig', 'v1beta2', { files: [existing] });
    // Act
    const env = envOf(kubeadmCertChecks.apply([input], ctx())[0]);
    // Assert
    expect(env.split('\n').filter((l) => !l.startsWith('#') && l !== '').map((l) => l.split('=')[0])).toEqual([...KUBEADM_CERTS_ENV_KEYS]);
    expect(parseCertsEnv(env)).toMatchObject({ RENEW: '1', PKI_DIR: '/old', TEXTFILE_DIR: CERTS_ENV_KEYS.TEXTFILE_DIR });
  });

  it('replaces a user entry at our path entirely (no leftover encoding or contentFrom)', () => {
    // Arrange
    const input = objectOf('KubeadmConfigTemplate', 'v1beta2', {
      files: [{ path: KUBEADM_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0700', encoding: 'base64', content: 'ZWNobw==' }, USER_FILE],
    });
    // Act
    const files = specOf(kubeadmCertChecks.apply([input], ctx())[0]).files ?? [];
    // Assert
    expect(files[0]).toEqual({ path: KUBEADM_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0700', content: SCRIPT });
    expect(files.map((f) => f['path'])).toEqual([KUBEADM_CERTS_SCRIPT_PATH, '/etc/user.conf', CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH]);
  });

  it('moves an earlier copy of our commands after the user commands', () => {
    // Arrange
    const input = objectOf('KubeadmConfig', 'v1beta1', { preKubeadmCommands: [KUBEADM_PRE_COMMAND, 'echo 1', '/capi-gen/kubeadm-certs.sh pre'], postKubeadmCommands: ['echo 2', KUBEADM_POST_COMMAND, 'echo 3'] });
    // Act
    const spec = specOf(kubeadmCertChecks.apply([input], ctx())[0]);
    // Assert
    expect(spec.preKubeadmCommands).toEqual(['echo 1', KUBEADM_PRE_COMMAND]);
    expect(spec.postKubeadmCommands).toEqual(['echo 2', 'echo 3', KUBEADM_POST_COMMAND]);
  });

  it('changes nothing with hardening.certificates.enabled: false', () => {
    // Arrange
    const input = CASES.map(([, k, v]) => objectOf(k, v, {}));
    // Act
    const out = kubeadmCertChecks.apply(input, ctx({ certificates: { enabled: false } }));
    // Assert
    expect(out).toEqual(input);
  });
});

describe('kubeadm flavors render', () => {
  it.each([
    ['kubeadm-openstack', 'v1beta1'],
    ['kubeadm-openstack', 'v1beta2'],
    ['kubeadm-docker', 'v1beta1'],
    ['kubeadm-docker', 'v1beta2'],
  ] as const)('%s %s: the control plane and every worker template get the checks once and validate', async (flavor, contract) => {
    // Arrange
    const spec = exampleSpec(flavor);
    // Act
    const r = await renderCluster(spec, { contract });
    const targets = r.objects.filter((o) => o.kind === 'KubeadmControlPlane' || o.kind === 'KubeadmConfigTemplate');
    // Assert
    expect(targets.length).toBeGreaterThanOrEqual(2);
    for (const o of targets) {
      const spec = specOf(o);
      const paths = (spec.files ?? []).map((f) => f['path']);
      expect(paths.filter((p) => OUR_PATHS.includes(p as string))).toEqual(OUR_PATHS);
      expect(new Set(paths).size).toBe(paths.length);
      expect(spec.preKubeadmCommands?.at(-1)).toBe(KUBEADM_PRE_COMMAND);
      expect(spec.postKubeadmCommands?.at(-1)).toBe(KUBEADM_POST_COMMAND);
      expect(await validateObject(o)).toEqual([]);
    }
  });
});

describe('kubeadm render with hardening.certificates options', () => {
  it('writes the spec options into every options file', async () => {
    // Arrange
    const spec = exampleSpec('kubeadm-openstack');
    spec.hardening = { ...spec.hardening, certificates: { timeSyncTimeoutSeconds: 60, renewOnNode: true, textfileDir: '/srv/prom' } };
    // Act
    const r = await renderCluster(spec);
    const envs = r.objects.filter((o) => o.kind === 'KubeadmControlPlane' || o.kind === 'KubeadmConfigTemplate').map((o) => parseCertsEnv(envOf(o)));
    // Assert
    expect(envs.length).toBeGreaterThanOrEqual(2);
    for (const env of envs) expect(env).toMatchObject({ TIME_SYNC_TIMEOUT: '60', RENEW: '1', TEXTFILE_DIR: '/srv/prom', EXPIRY_WARN_DAYS: String(CERTS_ENV_KEYS.EXPIRY_WARN_DAYS) });
  });
});
