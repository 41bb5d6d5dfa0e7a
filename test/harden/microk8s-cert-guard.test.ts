// The microk8s-cert-guard transform (issue 5 items 4, 5, 7): on MicroK8sControlPlane,
// MicroK8sConfigTemplate and MicroK8sConfig (v1beta1) it adds the certs script, the service, the
// timer and the options file once, first-boot as the last preRunCommand and verify-node as the
// last postRunCommand, after the user's; idempotent, other objects untouched, output validates.
import { describe, expect, it } from 'vitest';
import {
  CERTS_ENV_KEYS,
  CERTS_ENV_PATH,
  CERTS_SERVICE_PATH,
  CERTS_TIMER_PATH,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
  MICROK8S_VERIFY_NODE_COMMAND,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import { CERTS_ENV_HEADER, parseCertsEnv } from '../../packages/core/src/harden/certificate-options.ts';
import { MICROK8S_CERT_GUARD_FILES, microk8sCertGuard } from '../../packages/core/src/harden/microk8s-cert-guard.ts';
import { MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH } from '../../packages/core/src/harden/microk8s-ca-verification.ts';
import { TRANSFORMS } from '../../packages/core/src/harden/registry.ts';
import { renderCluster, renderClusterFromText, validateObject, type ClusterSpec, type KubeObject } from '../../packages/core/src/index.ts';
import { exampleSpec, readExample } from '../support/repo.ts';
import { ctx, shipped, USER_FILE } from './_cert-transform.ts';

const { script: SCRIPT, service: SERVICE, timer: TIMER } = shipped(MICROK8S_CERT_GUARD_FILES);
const OUR_PATHS = [MICROK8S_CERTS_SCRIPT_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH];

type Init = { extraWriteFiles?: Record<string, unknown>[]; preRunCommands?: unknown[]; postRunCommands?: unknown[]; [k: string]: unknown };

const KINDS = [
  ['MicroK8sControlPlane', 'controlplane.cluster.x-k8s.io/v1beta1', ['spec', 'controlPlaneConfig', 'initConfiguration']],
  ['MicroK8sConfigTemplate', 'bootstrap.cluster.x-k8s.io/v1beta1', ['spec', 'template', 'spec', 'initConfiguration']],
  ['MicroK8sConfig', 'bootstrap.cluster.x-k8s.io/v1beta1', ['spec', 'initConfiguration']],
] as const;

function objectOf(kind: (typeof KINDS)[number], init: Init): KubeObject {
  const [k, apiVersion, keys] = kind;
  let inner: Record<string, unknown> = init;
  for (const key of [...keys].reverse().slice(0, -1)) inner = { [key]: inner };
  const spec = k === 'MicroK8sControlPlane' ? { replicas: 3, version: 'v1.31.4', machineTemplate: { infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', name: 'cp' } }, ...inner } : inner;
  return { apiVersion, kind: k, metadata: { name: 'x', namespace: 'default' }, spec } as KubeObject;
}

function initOf(o: KubeObject | undefined): Init {
  const kind = KINDS.find((k) => k[0] === o?.kind);
  if (kind === undefined || o === undefined) throw new Error('not a MicroK8s kind');
  let v: unknown = o;
  for (const k of kind[2]) v = (v as Record<string, unknown>)[k];
  return v as Init;
}


describe.each(KINDS.map((k) => [k[0], k] as const))('microk8s-cert-guard on %s', (_name, kind) => {
  it('adds the script (0700), service, timer and options file (0644) after the user files, and the two commands last', () => {
    // Arrange
    const input = objectOf(kind, { extraWriteFiles: [USER_FILE], preRunCommands: ['echo pre'], postRunCommands: ['echo post'] });
    // Act
    const init = initOf(microk8sCertGuard.apply([input], ctx())[0]);
    // Assert
    expect(init.extraWriteFiles).toEqual([
      USER_FILE,
      { path: MICROK8S_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0700', content: SCRIPT },
      { path: CERTS_SERVICE_PATH, owner: 'root:root', permissions: '0644', content: SERVICE },
      { path: CERTS_TIMER_PATH, owner: 'root:root', permissions: '0644', content: TIMER },
      { path: CERTS_ENV_PATH, owner: 'root:root', permissions: '0644', content: init.extraWriteFiles?.[4]?.['content'] },
    ]);
    expect(init.preRunCommands).toEqual(['echo pre', MICROK8S_FIRST_BOOT_COMMAND]);
    expect(init.postRunCommands).toEqual(['echo post', MICROK8S_VERIFY_NODE_COMMAND]);
  });

  it('writes the four MicroK8s keys with their defaults, and no kubeadm-only key', () => {
    // Act
    const init = initOf(microk8sCertGuard.apply([objectOf(kind, {})], ctx())[0]);
    const env = init.extraWriteFiles?.find((f) => f['path'] === CERTS_ENV_PATH)?.['content'] as string;
    // Assert
    expect(env).toBe(
      `${CERTS_ENV_HEADER}TIME_SYNC_TIMEOUT=${CERTS_ENV_KEYS.TIME_SYNC_TIMEOUT}\nSKEW_TOLERANCE=${CERTS_ENV_KEYS.SKEW_TOLERANCE}\nEXPIRY_WARN_DAYS=${CERTS_ENV_KEYS.EXPIRY_WARN_DAYS}\nTEXTFILE_DIR=${CERTS_ENV_KEYS.TEXTFILE_DIR}\n`,
    );
  });

  it('is idempotent and does not mutate its input', () => {
    // Arrange
    const input = objectOf(kind, { extraWriteFiles: [USER_FILE], preRunCommands: ['echo a'], postRunCommands: ['echo b'] });
    const snapshot = structuredClone(input);
    // Act
    const once = microk8sCertGuard.apply([input], ctx({ certificates: { timeSyncTimeoutSeconds: 60 } }));
    const twice = microk8sCertGuard.apply(once, ctx({ certificates: { timeSyncTimeoutSeconds: 60 } }));
    const third = microk8sCertGuard.apply(twice, ctx());
    // Assert
    expect(twice).toEqual(once);
    expect(third).toEqual(once);
    expect(input).toEqual(snapshot);
  });

  it('validates against the CRD after hardening', async () => {
    // Arrange
    const input = objectOf(kind, { extraWriteFiles: [USER_FILE], preRunCommands: ['echo pre'] });
    // Act
    const [out] = microk8sCertGuard.apply([input], ctx());
    // Assert
    expect(await validateObject(input)).toEqual([]);
    expect(await validateObject(out!)).toEqual([]);
  });
});

describe('microk8s-cert-guard ordering and copies of ours', () => {
  const kind = KINDS[0];

  it('moves an earlier copy of our commands after the user commands, keeping theirs in order', () => {
    // Arrange
    const input = objectOf(kind, {
      preRunCommands: ['echo 1', MICROK8S_FIRST_BOOT_COMMAND, 'echo 2', `${MICROK8S_FIRST_BOOT_COMMAND} --old-flag`],
      postRunCommands: [MICROK8S_VERIFY_NODE_COMMAND, 'echo 3', '/capi-gen/microk8s-certs.sh verify-node', 'echo 4'],
    });
    // Act
    const init = initOf(microk8sCertGuard.apply([input], ctx())[0]);
    // Assert
    expect(init.preRunCommands).toEqual(['echo 1', 'echo 2', MICROK8S_FIRST_BOOT_COMMAND]);
    expect(init.postRunCommands).toEqual(['echo 3', 'echo 4', MICROK8S_VERIFY_NODE_COMMAND]);
  });

  it('replaces files at our paths where they stand and drops later duplicates', () => {
    // Arrange
    const old = { path: MICROK8S_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0755', content: 'old' };
    const input = objectOf(kind, { extraWriteFiles: [USER_FILE, old, { ...USER_FILE, path: '/etc/b' }, { ...old, content: 'dup' }] });
    // Act
    const files = initOf(microk8sCertGuard.apply([input], ctx())[0]).extraWriteFiles ?? [];
    // Assert
    expect(files.map((f) => f['path'])).toEqual(['/etc/user.conf', MICROK8S_CERTS_SCRIPT_PATH, '/etc/b', CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH]);
    expect(files[1]).toEqual({ path: MICROK8S_CERTS_SCRIPT_PATH, owner: 'root:root', permissions: '0700', content: SCRIPT });
  });

  it('with every registered transform: the CA wrapper installer, then first-boot; leader election, then verify-node', () => {
    // Arrange
    let objects: KubeObject[] = [objectOf(kind, { preRunCommands: ['systemctl restart systemd-timesyncd'], postRunCommands: ['echo user'] })];
    // Act
    for (const t of TRANSFORMS) objects = t.apply(objects, ctx());
    let again = objects;
    for (const t of TRANSFORMS) again = t.apply(again, ctx());
    const init = initOf(objects[0]);
    // Assert
    expect(init.preRunCommands).toEqual(['systemctl restart systemd-timesyncd', MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH, MICROK8S_FIRST_BOOT_COMMAND]);
    expect((init.postRunCommands ?? []).slice(0, 1)).toEqual(['echo user']);
    expect(init.postRunCommands?.at(-1)).toBe(MICROK8S_VERIFY_NODE_COMMAND);
    expect(String(init.postRunCommands?.at(-2))).toMatch(/^\/capi-gen\/microk8s-leader-election\.sh /);
    expect(again).toEqual(objects);
  });
});

describe('microk8s-cert-guard options file', () => {
  const kind = KINDS[1];
  const envOf = (o: KubeObject | undefined): string => initOf(o).extraWriteFiles?.find((f) => f['path'] === CERTS_ENV_PATH)?.['content'] as string;

  it('writes the explicit options', () => {
    // Act
    const env = envOf(microk8sCertGuard.apply([objectOf(kind, {})], ctx({ certificates: { timeSyncTimeoutSeconds: 0, skewToleranceSeconds: 60, expiryWarningDays: 14, textfileDir: '/srv/metrics' } }))[0]);
    // Assert
    expect(parseCertsEnv(env)).toEqual({ TIME_SYNC_TIMEOUT: '0', SKEW_TOLERANCE: '60', EXPIRY_WARN_DAYS: '14', TEXTFILE_DIR: '/srv/metrics' });
  });

  it("keeps valid values of the manifest's file for options not given, replaces invalid ones by the default, and lets explicit options win", () => {
    // Arrange
    const existing = { path: CERTS_ENV_PATH, owner: 'root:root', permissions: '0644', content: 'TIME_SYNC_TIMEOUT=600\nSKEW_TOLERANCE=abc\nEXPIRY_WARN_DAYS=10\nRENEW=1\nBOGUS=1\n' };
    // Act
    const env = envOf(microk8sCertGuard.apply([objectOf(kind, { extraWriteFiles: [existing] })], ctx({ certificates: { expiryWarningDays: 21 } }))[0]);
    // Assert
    expect(parseCertsEnv(env)).toEqual({ TIME_SYNC_TIMEOUT: '600', SKEW_TOLERANCE: String(CERTS_ENV_KEYS.SKEW_TOLERANCE), EXPIRY_WARN_DAYS: '21', TEXTFILE_DIR: CERTS_ENV_KEYS.TEXTFILE_DIR });
  });

  it('notes that renewOnNode does not apply to MicroK8s and writes no RENEW key', () => {
    // Arrange
    const notes: string[] = [];
    // Act
    const env = envOf(microk8sCertGuard.apply([objectOf(kind, {})], ctx({ certificates: { renewOnNode: true } }, (m) => notes.push(m)))[0]);
    // Assert
    expect(env).not.toMatch(/^RENEW=/m);
    expect(notes).toEqual([expect.stringMatching(/^renewOnNode applies to kubeadm nodes only/)]);
  });
});

describe('microk8s-cert-guard leaves things alone', () => {
  it('changes nothing with hardening.certificates.enabled: false', () => {
    // Arrange
    const input = KINDS.map((k) => objectOf(k, { preRunCommands: ['echo'] }));
    // Act
    const out = microk8sCertGuard.apply(input, ctx({ certificates: { enabled: false } }));
    // Assert
    expect(out).toEqual(input);
  });

  it('leaves other kinds and versions, and lists that are placeholders (with a note)', () => {
    // Arrange
    const notes: string[] = [];
    const other = { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'MicroK8sConfig', metadata: { name: 'a' }, spec: {} } as KubeObject;
    const placeholder = objectOf(KINDS[2], { preRunCommands: '${PRE}' as unknown as unknown[] });
    // Act
    const out = microk8sCertGuard.apply([other, placeholder], ctx(undefined, (m) => notes.push(m)));
    // Assert
    expect(out).toEqual([other, placeholder]);
    expect(notes).toEqual(['MicroK8sConfig/x: /spec/initConfiguration/preRunCommands is not a list; the certificate checks were not added to this object']);
  });
});

describe('microk8s-openstack render', () => {
  const spec = (): ClusterSpec => exampleSpec('microk8s-openstack');

  it('puts the checks into the control plane and every worker pool, and the output validates', async () => {
    // Act
    const r = await renderCluster(spec());
    const targets = r.objects.filter((o) => o.kind === 'MicroK8sControlPlane' || o.kind === 'MicroK8sConfigTemplate');
    // Assert
    expect(targets.length).toBeGreaterThanOrEqual(2);
    for (const o of targets) {
      const paths = (initOf(o).extraWriteFiles ?? []).map((f) => f['path']);
      expect(paths.filter((p) => OUR_PATHS.includes(p as string))).toEqual(OUR_PATHS);
      expect(new Set(paths).size).toBe(paths.length);
      expect(await validateObject(o)).toEqual([]);
    }
  });

  it('places the renewOnNode refusal at its line in the spec file', async () => {
    // Arrange
    const text = `${readExample('microk8s-openstack')}hardening:\n  certificates:\n    renewOnNode: true\n`;
    const line = text.split('\n').indexOf('    renewOnNode: true') + 1;
    // Act
    const err = await renderClusterFromText(text, 'spec.yaml').catch((e: unknown) => e);
    // Assert
    expect((err as { issues?: { source?: unknown }[] }).issues?.map((i) => i.source)).toEqual([{ file: 'spec.yaml', line, col: expect.any(Number) }]);
  });

  it('refuses renewOnNode on a MicroK8s flavor, naming the field', async () => {
    // Arrange
    const s = spec();
    s.hardening = { certificates: { renewOnNode: true } };
    // Act
    const err = await renderCluster(s).catch((e: unknown) => e);
    // Assert
    expect((err as { issues?: unknown }).issues).toEqual([
      expect.objectContaining({ code: 'SPEC_RULE', path: '/hardening/certificates/renewOnNode', message: expect.stringMatching(/^renewOnNode applies to kubeadm nodes only/) }),
    ]);
  });
});
