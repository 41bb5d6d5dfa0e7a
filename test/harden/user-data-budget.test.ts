// Nova's user-data limit with all hardening added (issue 5 item 8): every MicroK8s and
// kubeadm-openstack machine role of the examples, and of a spec with every capped field at its
// maximum, stays within 65535 bytes of base64 user_data. The estimates are printed (the numbers
// in docs/hardening.md come from this test).
import { describe, expect, it } from 'vitest';
import { loadFlavor } from '../../packages/core/src/flavors/flavor.ts';
import { renderCluster, type ClusterSpec } from '../../packages/core/src/index.ts';
import { base64Size, estimateUserData, NOVA_USER_DATA_MAX_BYTES, type UserDataEstimate } from '../../packages/core/src/render/user-data-size.ts';
import { loadNodeScript, MAX_NODE_SCRIPT_CHARS } from '../../packages/core/src/scripts/load-script.ts';
import { exampleSpec, TEMPLATES_DIR } from '../support/repo.ts';

/** A string of exactly `n` characters matching `/^[a-z0-9]+$/`, different per seed. */
function filler(n: number, seed: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += ((i * 2654435761 + seed) >>> 0).toString(36);
  return s.slice(0, n);
}

/** A DNS name of exactly `n` characters (labels of at most 63). */
function host(n: number, seed: number): string {
  const labels: string[] = [];
  let left = n;
  while (left > 0) {
    const len = Math.min(63, left);
    labels.push(filler(len, seed + labels.length));
    left -= len + 1;
  }
  const h = labels.join('.');
  return h.length > n ? h.slice(0, n).replace(/\.$/, 'x') : h;
}

const NAME = filler(40, 1).replace(/^[0-9]/, 'a');

/** Every field of the MicroK8s spec that reaches user-data, at the maximum the spec allows. */
function maximalMicroK8s(): ClusterSpec {
  const spec = exampleSpec('microk8s-openstack');
  spec.name = NAME;
  spec.controlPlane.replicas = 9;
  spec.network = { ...spec.network, controlPlaneEndpoint: host(253, 2) };
  spec.ntp = { servers: Array.from({ length: 5 }, (_, i) => host(253, 10 + i)) };
  spec.microk8s = {
    ...spec.microk8s,
    addons: Array.from({ length: 16 }, (_, i) => `a${i}:${filler(128 - 2 - String(i).length, 100 + i)}`),
    extraKubeletArgs: Array.from({ length: 16 }, (_, i) => `--node-labels=x=${filler(160 - 16, 200 + i)}`),
    httpProxy: `http://${host(256 - 7, 3)}`,
    httpsProxy: `http://${host(256 - 7, 4)}`,
    noProxy: filler(1024, 5),
    snapstoreProxyScheme: 'https',
    snapstoreProxyDomain: host(253, 6),
    snapstoreProxyId: filler(64, 7),
  };
  spec.hardening = { certificates: { timeSyncTimeoutSeconds: 3600, skewToleranceSeconds: 86400, expiryWarningDays: 365, textfileDir: `/${filler(254, 8)}` }, leaderElection: { leaseDuration: '999999999s', renewDeadline: '99999999s', retryPeriod: '9999999s' } };
  return spec;
}

/** Every kubeadm field that reaches user-data, at its maximum, except the user's own files and commands. */
function maximalKubeadm(): ClusterSpec {
  const spec = exampleSpec('kubeadm-openstack');
  spec.name = NAME;
  spec.controlPlane.replicas = 9;
  spec.ntp = { servers: Array.from({ length: 5 }, (_, i) => host(253, 10 + i)) };
  const { files: _files, preCommands: _pre, postCommands: _post, ...rest } = spec.kubeadm ?? {};
  spec.kubeadm = rest;
  spec.hardening = { certificates: { timeSyncTimeoutSeconds: 3600, skewToleranceSeconds: 86400, expiryWarningDays: 365, renewOnNode: true, textfileDir: `/${filler(254, 8)}` } };
  return spec;
}

async function estimates(spec: ClusterSpec): Promise<UserDataEstimate[]> {
  const r = await renderCluster(spec);
  return estimateUserData(r.objects, loadFlavor(spec.flavor, TEMPLATES_DIR));
}

function show(label: string, es: readonly UserDataEstimate[]): void {
  const roles = new Map<string, UserDataEstimate>();
  for (const e of es) if ((roles.get(e.role)?.encoded ?? -1) < e.encoded) roles.set(e.role, e);
  console.log(`${label}: ${[...roles.values()].map((e) => `${e.role} ${e.encoded} B base64 (${e.raw} raw; ${NOVA_USER_DATA_MAX_BYTES - e.encoded} left)`).join('; ')}`);
}

describe("Nova's user-data limit with all hardening", () => {
  it.each(['microk8s-openstack', 'kubeadm-openstack'])('%s example: every role fits', async (flavor) => {
    // Act
    const es = await estimates(exampleSpec(flavor));
    show(`${flavor} example`, es);
    // Assert
    expect(new Set(es.map((e) => e.role))).toEqual(new Set(['control plane init', 'control plane join', 'worker']));
    for (const e of es) expect(e.encoded, `${e.object} ${e.role}`).toBeLessThanOrEqual(NOVA_USER_DATA_MAX_BYTES);
  });

  it('microk8s-openstack with every field at its spec maximum: every role fits, even with the certs script at the loader cap', async () => {
    // Arrange: the certs script may grow up to MAX_NODE_SCRIPT_CHARS (load-script.ts refuses more);
    // each added character costs a byte plus, per 60-character line, 6 of indentation and newline.
    const script = loadNodeScript(TEMPLATES_DIR, 'microk8s-certs.sh');
    const growth = Math.ceil((MAX_NODE_SCRIPT_CHARS - [...script].length) * (1 + 6 / 60));
    // Act
    const es = await estimates(maximalMicroK8s());
    show('microk8s-openstack maximal', es);
    console.log(`microk8s-certs.sh: ${[...script].length} of ${MAX_NODE_SCRIPT_CHARS} characters; growth reserve ${growth} B raw`);
    // Assert
    expect(es.length).toBeGreaterThanOrEqual(3);
    for (const e of es) expect(base64Size(e.raw + growth), `${e.object} ${e.role}`).toBeLessThanOrEqual(NOVA_USER_DATA_MAX_BYTES);
  });

  it('kubeadm-openstack with every field but the user files and commands at its maximum: every role fits', async () => {
    // Act
    const es = await estimates(maximalKubeadm());
    show('kubeadm-openstack maximal (no user files/commands)', es);
    // Assert
    expect(new Set(es.map((e) => e.role))).toEqual(new Set(['control plane init', 'control plane join', 'worker']));
    for (const e of es) expect(e.encoded, `${e.object} ${e.role}`).toBeLessThanOrEqual(NOVA_USER_DATA_MAX_BYTES);
  });
});
