// templates/scripts/kubeadm-certs.sh (assembled by loadNodeScript) executed in bubblewrap: seeds
// 001 (certificates about to expire, renewal) and 004 (kubelet's client certificate expired), CA
// files whose key does not match, CAPD nodes without time tools, kubeconfigs followed through
// their own paths. Real openssl certificates; fakes for kubeadm, systemctl, timedatectl, sleep.
import { symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CERTS_ENV_PATH, KUBEADM_CERTS_SCRIPT_PATH, STATE_DIR, TEXTFILE_NAME } from '../../packages/core/src/harden/node-certs-contract.ts';
import { sandboxPerTest, type Call, type Sandbox } from '../support/sandbox.ts';
import { cleanupCerts, mint, notAfter, parseTextfile, serviceAccountKeys, type Pair } from './_certs.ts';
import { cleanupScripts, env, fatals, ready, SCRIPTS_RO, warnings } from './_node.ts';

const K = '/etc/kubernetes';
const PKI = `${K}/pki`;
const KUBELET_PKI = '/var/lib/kubelet/pki';
const CURRENT = `${KUBELET_PKI}/kubelet-client-current.pem`;
const TEXTFILE = `/var/lib/node_exporter/textfile_collector/${TEXTFILE_NAME}`;
const MANIFESTS = ['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'];

// `kubeadm certs renew all` (fake): signs every leaf under the PKI dir again for a year, each by
// its own CA, as kubeadm does; CAs untouched.
const KUBEADM_BODY = `
case "$*" in
'certs renew all')
  p=${PKI}
  for pair in apiserver:ca front-proxy-client:front-proxy-ca etcd/server:etcd/ca; do
    n=\${pair%%:*} ca=\${pair#*:}
    [ -f "$p/$n.crt" ] || continue
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$p/$n.key" 2>/dev/null &&
    openssl req -new -key "$p/$n.key" -subj "/CN=$n" -out /tmp/r.csr 2>/dev/null &&
    openssl x509 -req -in /tmp/r.csr -CA "$p/$ca.crt" -CAkey "$p/$ca.key" -CAcreateserial -days 365 -out "$p/$n.crt" 2>/dev/null || exit 1
  done ;;
esac`;
// sleep (fake) records which static pod manifests are in place while the script waits
const SLEEP_BODY = `ls ${K}/manifests | tr '\\n' ' ' >> /fake-state/manifests-during-sleep`;

const sandbox = sandboxPerTest();
afterAll(() => {
  cleanupScripts();
  cleanupCerts();
});

interface Pki {
  readonly ca: Pair;
  readonly etcdCa: Pair;
  readonly proxyCa: Pair;
}

function node(o: { sync?: boolean; options?: Record<string, string | number>; kubeadm?: { fail?: number | 'forever' } } = {}): Sandbox {
  const sb = sandbox({ paths: [K, '/var/lib', '/etc/capi-gen', '/etc/systemd/system'] });
  sb.fake('kubeadm', { fail: o.kubeadm?.fail ?? 0, body: KUBEADM_BODY });
  sb.fake('systemctl');
  sb.fake('sleep', { body: SLEEP_BODY });
  if (o.sync !== false) sb.fake('timedatectl', { body: 'echo yes' });
  if (o.options !== undefined) sb.write(CERTS_ENV_PATH, env(o.options));
  return sb;
}

/** The CA files CAPI writes (ca, etcd/ca, front-proxy-ca pairs, sa.key/sa.pub). */
function caFiles(sb: Sandbox): Pki {
  const pki = { ca: mint({ days: 3650 }), etcdCa: mint({ days: 3650 }), proxyCa: mint({ days: 3650 }) };
  for (const [name, p] of [['ca', pki.ca], ['etcd/ca', pki.etcdCa], ['front-proxy-ca', pki.proxyCa]] as const) {
    sb.write(`${PKI}/${name}.crt`, p.crt, 0o640);
    sb.write(`${PKI}/${name}.key`, p.key, 0o600);
  }
  const sa = serviceAccountKeys();
  sb.write(`${PKI}/sa.key`, sa.key, 0o600);
  sb.write(`${PKI}/sa.pub`, sa.pub);
  return pki;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const kubeconfig = (user: string): string =>
  ['apiVersion: v1', 'clusters:', '- cluster:', '    server: https://10.0.0.10:6443', '  name: c', 'users:', '- name: u', '  user:', user, ''].join('\n');

/** What kubeadm init leaves: leaves signed by their CAs, kubeconfigs, static pod manifests. */
function controlPlane(sb: Sandbox, pki: Pki, o: { apiserverDays?: number; kubeletClock?: string; kubeletDays?: number } = {}): { apiserver: Pair; kubelet: Pair; admin: Pair } {
  const apiserver = mint({ ca: pki.ca, days: o.apiserverDays ?? 365 });
  sb.write(`${PKI}/apiserver.crt`, apiserver.crt);
  sb.write(`${PKI}/apiserver.key`, apiserver.key, 0o600);
  const proxy = mint({ ca: pki.proxyCa });
  sb.write(`${PKI}/front-proxy-client.crt`, proxy.crt);
  sb.write(`${PKI}/front-proxy-client.key`, proxy.key, 0o600);
  const admin = mint({ ca: pki.ca });
  sb.write(`${K}/admin.conf`, kubeconfig(`    client-certificate-data: ${b64(admin.crt)}\n    client-key-data: ${b64(admin.key)}`), 0o600);
  const kubelet = kubeletClient(sb, pki, { ...(o.kubeletClock === undefined ? {} : { clock: o.kubeletClock }), ...(o.kubeletDays === undefined ? {} : { days: o.kubeletDays }) });
  for (const m of MANIFESTS) sb.write(`${K}/manifests/${m}`, `kind: Pod # ${m}\n`);
  return { apiserver, kubelet, admin };
}

/** kubelet.conf pointing at kubelet-client-current.pem, a symlink to the rotated file (cert + key). */
function kubeletClient(sb: Sandbox, pki: Pki, o: { clock?: string; days?: number } = {}): Pair {
  const kubelet = mint({ ca: pki.ca, cn: 'system:node:n1', days: o.days ?? 365, ...(o.clock === undefined ? {} : { clock: o.clock }) });
  sb.write(`${KUBELET_PKI}/kubelet-client-2026-11-23-10-00-00.pem`, kubelet.crt + kubelet.key, 0o600);
  symlinkSync('kubelet-client-2026-11-23-10-00-00.pem', sb.host(CURRENT));
  sb.write(`${K}/kubelet.conf`, kubeconfig(`    client-certificate: ${CURRENT}\n    client-key: ${CURRENT}`), 0o600);
  return kubelet;
}

const run = (sb: Sandbox, mode: string, e: Record<string, string> = {}) => sb.run([KUBEADM_CERTS_SCRIPT_PATH, mode], { ro: SCRIPTS_RO, env: e });
const named = (calls: Call[], cmd: string): string[] => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const notAfterMetric = (m: Map<string, number>, path: string, name: string): number | undefined =>
  m.get(`capi_gen_certificate_not_after_seconds{path="${path}",name="${name}"}`);

describe('kubeadm-certs.sh pre', () => {
  it.skipIf(!ready)('the CA files CAPI wrote are valid now and every key matches: exit 0', () => {
    // Arrange
    const sb = node();
    caFiles(sb);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^capi-gen: CA files in \/etc\/kubernetes\/pki: valid, keys match$/m);
    expect(fatals(r.stderr)).toEqual([]);
  });

  it.skipIf(!ready)('a CA key that does not match its certificate: FATAL, marker, exit 1', () => {
    // Arrange
    const sb = node();
    caFiles(sb);
    sb.write(`${PKI}/etcd/ca.key`, mint({ days: 3650 }).key, 0o600);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)).toEqual([
      'capi-gen: FATAL: CA files: /etc/kubernetes/pki/etcd/ca.key does not match /etc/kubernetes/pki/etcd/ca.crt; not running kubeadm',
    ]);
    expect(sb.read(`${STATE_DIR}/ca-check-failed`)).toMatch(/^CA files: .*etcd\/ca\.key does not match/);
  });

  it.skipIf(!ready)('sa.pub that is not sa.key\'s public key: exit 1', () => {
    // Arrange
    const sb = node();
    caFiles(sb);
    sb.write(`${PKI}/sa.pub`, serviceAccountKeys(true).pub);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)[0]).toContain('/etc/kubernetes/pki/sa.pub does not match /etc/kubernetes/pki/sa.key');
  });

  it.skipIf(!ready)('a CA minted by a clock 30 days ahead is not valid now: exit 1; fixed files then pass and the marker goes', () => {
    // Arrange
    const sb = node();
    caFiles(sb);
    const ahead = mint({ days: 3650, clock: '+30d' });
    sb.write(`${PKI}/front-proxy-ca.crt`, ahead.crt);
    sb.write(`${PKI}/front-proxy-ca.key`, ahead.key, 0o600);
    // Act
    const bad = run(sb, 'pre');
    const fixed = mint({ days: 3650 });
    sb.write(`${PKI}/front-proxy-ca.crt`, fixed.crt);
    sb.write(`${PKI}/front-proxy-ca.key`, fixed.key, 0o600);
    const good = run(sb, 'pre');
    // Assert
    expect(bad.status).toBe(1);
    expect(fatals(bad.stderr)[0]).toMatch(/front-proxy-ca\.crt is not valid now \(notBefore \d+, notAfter \d+, now \d+\)/);
    expect(good.status, good.stderr).toBe(0);
    expect(sb.exists(`${STATE_DIR}/ca-check-failed`)).toBe(false);
  });

  it.skipIf(!ready)('CAPD (no timedatectl, no chronyc): a warning, checks still run, exit 0', () => {
    // Arrange
    const sb = node({ sync: false });
    caFiles(sb);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual(['capi-gen: WARNING: no timedatectl/chronyc: clock sync unknown']);
    expect(named(r.calls, 'sleep')).toEqual([]);
  });

  it.skipIf(!ready)('CAPD with systemd inside (timedatectl never synced, systemd-detect-virt says container): no wait at all', () => {
    // Arrange
    const sb = node({ sync: false });
    sb.fake('timedatectl', { body: 'echo no' });
    sb.fake('systemd-detect-virt', { body: 'exit 0' });
    caFiles(sb);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.map((c) => `${c.cmd} ${c.args}`)).toEqual(['systemd-detect-virt -cq']);
    expect(r.stderr).toMatch(/^capi-gen: a container: the host keeps the clock$/m);
    expect(warnings(r.stderr)).toEqual([]);
  });

  it.skipIf(!ready)('a VM (systemd-detect-virt says no container) still waits for sync', () => {
    // Arrange
    const sb = node({ sync: false, options: { TIME_SYNC_TIMEOUT: 10 } });
    sb.fake('timedatectl', { body: 'echo no' });
    sb.fake('systemd-detect-virt', { fail: 'forever' });
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'sleep')).toEqual(['5', '5']);
    expect(sb.exists(`${STATE_DIR}/time-not-synced`)).toBe(true);
  });

  it.skipIf(!ready)('a worker (CAPI writes no CA files): nothing to check, exit 0', () => {
    const sb = node();
    const r = run(sb, 'pre');
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('kubeadm-certs.sh post', () => {
  it.skipIf(!ready)('control plane: apiserver.crt chains, kubelet client certificate valid: enables the timer', () => {
    // Arrange
    const sb = node();
    controlPlane(sb, caFiles(sb));
    sb.write('/etc/systemd/system/capi-gen-certs.timer', '[Timer]\n');
    // Act
    const r = run(sb, 'post');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'systemctl')).toEqual(['daemon-reload', 'enable capi-gen-certs.service', 'enable --now capi-gen-certs.timer']);
  });

  it.skipIf(!ready)('apiserver.crt signed by another CA: FATAL, marker, exit 1, timer not enabled', () => {
    // Arrange
    const sb = node();
    const pki = caFiles(sb);
    controlPlane(sb, pki);
    sb.write(`${PKI}/apiserver.crt`, mint({ ca: mint({ days: 3650 }) }).crt);
    sb.write('/etc/systemd/system/capi-gen-certs.timer', '[Timer]\n');
    // Act
    const r = run(sb, 'post');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)).toEqual(['capi-gen: FATAL: after kubeadm: /etc/kubernetes/pki/apiserver.crt does not chain to /etc/kubernetes/pki/ca.crt']);
    expect(sb.exists(`${STATE_DIR}/post-check-failed`)).toBe(true);
    expect(named(r.calls, 'systemctl')).toEqual([]);
  });

  it.skipIf(!ready)('worker whose kubelet.conf embeds the client certificate (client-certificate-data): decoded and checked', () => {
    // Arrange
    const sb = node();
    const ca = mint({ days: 3650 });
    const good = mint({ ca });
    sb.write(`${K}/kubelet.conf`, kubeconfig(`    client-certificate-data: ${b64(good.crt)}\n    client-key-data: ${b64(good.key)}`));
    // Act
    const ok = run(sb, 'post');
    sb.write(`${K}/kubelet.conf`, kubeconfig(`    client-certificate-data: ${b64(mint({ ca, clock: '-10d', days: 3 }).crt)}`));
    const expired = run(sb, 'post');
    // Assert
    expect(ok.status, ok.stderr).toBe(0);
    expect(expired.status).toBe(1);
    expect(fatals(expired.stderr)).toEqual(['capi-gen: FATAL: after kubeadm: kubelet client certificate /etc/kubernetes/kubelet.conf is missing or not valid now']);
  });

  it.skipIf(!ready)('kubeadm failed (no kubelet.conf): exit 1', () => {
    const sb = node();
    const r = run(sb, 'post');
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)).toEqual(['capi-gen: FATAL: after kubeadm: /etc/kubernetes/kubelet.conf is missing']);
  });
});

describe('kubeadm-certs.sh daily', () => {
  it.skipIf(!ready)('certificates expiring in 3 days: warnings, no renewal by default, textfile with the real notAfter of each', () => {
    // Arrange
    const sb = node();
    const pki = caFiles(sb);
    const cp = controlPlane(sb, pki, { apiserverDays: 3 });
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'kubeadm')).toEqual([]);
    expect(warnings(r.stderr).join('\n')).toMatch(/\/etc\/kubernetes\/pki\/apiserver\.crt \(apiserver\.crt\): [23] days left/);
    expect(warnings(r.stderr).at(-1)).toBe('capi-gen: WARNING: not renewed: needs RENEW=1 in /etc/capi-gen/certs.env, no /var/lib/capi-gen/cert-renew-failed');
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(notAfterMetric(m, `${PKI}/apiserver.crt`, 'apiserver.crt')).toBe(notAfter(cp.apiserver.crt));
    expect(notAfterMetric(m, `${PKI}/ca.crt`, 'ca.crt')).toBe(notAfter(pki.ca.crt));
    expect(notAfterMetric(m, `${PKI}/etcd/ca.crt`, 'etcd/ca.crt')).toBe(notAfter(pki.etcdCa.crt));
    expect(notAfterMetric(m, `${K}/admin.conf`, 'admin.conf')).toBe(notAfter(cp.admin.crt));
    // kubelet.conf is followed to kubelet-client-current.pem: that file's expiry is reported
    expect(notAfterMetric(m, CURRENT, 'kubelet.conf')).toBe(notAfter(cp.kubelet.crt));
    expect([...m.keys()].filter((k) => k.startsWith('capi_gen_certificate_not_after_seconds'))).toHaveLength(7);
  });

  it.skipIf(!ready)('RENEW=1: backup, kubeadm certs renew all, static pods out during the wait and back, kubelet restart, in that order', () => {
    // Arrange
    const sb = node({ options: { RENEW: 1 } });
    const pki = caFiles(sb);
    const cp = controlPlane(sb, pki, { apiserverDays: 3 });
    // Act
    const r = run(sb, 'daily', { STATIC_POD_WAIT: '7' });
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.filter((c) => c.cmd !== 'timedatectl').map((c) => `${c.cmd} ${c.args}`)).toEqual([
      'kubeadm certs renew all',
      'sleep 7',
      'systemctl restart kubelet',
    ]);
    expect(sb.readState('manifests-during-sleep')).toBe('');
    for (const m of MANIFESTS) expect(sb.read(`${K}/manifests/${m}`)).toBe(`kind: Pod # ${m}\n`);
    const backups = sb.list(STATE_DIR).filter((d) => d.startsWith('backup-'));
    expect(backups).toHaveLength(1);
    expect(sb.read(`${STATE_DIR}/${backups[0]}/pki/apiserver.crt`)).toBe(cp.apiserver.crt);
    expect(sb.read(`${STATE_DIR}/${backups[0]}/kubelet.conf`)).toBe(sb.read(`${K}/kubelet.conf`));
    const renewed = sb.read(`${PKI}/apiserver.crt`);
    expect(notAfter(renewed)).toBeGreaterThan(notAfter(cp.apiserver.crt) + 300 * 86400);
    expect(notAfterMetric(parseTextfile(sb.read(TEXTFILE)), `${PKI}/apiserver.crt`, 'apiserver.crt')).toBe(notAfter(renewed));
    expect(r.stderr).toMatch(/renewed; checking again/);
  });

  it.skipIf(!ready)('RENEW=1 and kubeadm certs renew all fails: FATAL, marker, exit 1, static pods untouched', () => {
    // Arrange
    const sb = node({ options: { RENEW: 1 }, kubeadm: { fail: 'forever' } });
    controlPlane(sb, caFiles(sb), { apiserverDays: 3 });
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)[0]).toMatch(/^capi-gen: FATAL: kubeadm certs renew all failed; backup in \/var\/lib\/capi-gen\/backup-\d{8}T\d{6}Z$/);
    expect(sb.exists(`${STATE_DIR}/cert-renew-failed`)).toBe(true);
    expect(named(r.calls, 'sleep')).toEqual([]);
    expect(named(r.calls, 'systemctl')).toEqual([]);
    expect(sb.list(`${K}/manifests`)).toEqual(MANIFESTS);
  });

  it.skipIf(!ready)('RENEW=1 but renewal does not help (the certificates stay due): FATAL, marker, and the next run does not renew again', () => {
    // Arrange: a kubeadm that "succeeds" without renewing anything
    const sb = node({ options: { RENEW: 1 } });
    controlPlane(sb, caFiles(sb), { apiserverDays: 3 });
    sb.fake('kubeadm');
    // Act
    const first = run(sb, 'daily');
    const second = run(sb, 'daily');
    // Assert
    expect(first.status).toBe(1);
    expect(fatals(first.stderr)).toEqual(['capi-gen: FATAL: still due after kubeadm certs renew all (lifetime under EXPIRY_WARN_DAYS? external CA?)']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.calls.filter((c) => c.cmd !== 'timedatectl').map((c) => `${c.cmd} ${c.args}`)).toEqual([
      'kubeadm certs renew all',
      'sleep 20',
      'systemctl restart kubelet',
    ]); // the first run's calls only
    expect(warnings(second.stderr)).toContain('capi-gen: WARNING: not renewed: needs RENEW=1 in /etc/capi-gen/certs.env, no /var/lib/capi-gen/cert-renew-failed');
    expect(sb.exists(`${STATE_DIR}/cert-renew-failed`)).toBe(true);
  });

  it.skipIf(!ready)('seed 004: kubelet\'s client certificate (kubelet-client-current.pem) has expired: FATAL with the recovery steps, exit 1', () => {
    // Arrange
    const sb = node({ options: { RENEW: 1 } });
    controlPlane(sb, caFiles(sb), { kubeletClock: '-40d', kubeletDays: 30 });
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'kubeadm')).toEqual([]); // renewing would not help kubelet's own certificate
    const [fatal] = fatals(r.stderr);
    expect(fatal).toContain(`kubelet client certificate ${CURRENT} expired`);
    expect(fatal).toContain('kubeadm init phase certs all');
    expect(fatal).toContain('kubeadm init phase kubeconfig all');
    expect(sb.read(`${STATE_DIR}/kubelet-client-expired`)).toContain('restart kubelet; or replace the Machine');
  });

  it.skipIf(!ready)('an expired apiserver.crt without RENEW: FATAL certificate-expired, exit 1', () => {
    // Arrange
    const sb = node();
    const pki = caFiles(sb);
    controlPlane(sb, pki);
    sb.write(`${PKI}/apiserver.crt`, mint({ ca: pki.ca, clock: '-400d', days: 365 }).crt);
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)).toEqual(['capi-gen: FATAL: expired: apiserver.crt']);
    expect(sb.read(`${STATE_DIR}/certificate-expired`)).toMatch(/^expired: apiserver\.crt\n/);
  });

  it.skipIf(!ready)('a relative client-certificate path is resolved from the kubeconfig\'s folder; label values are escaped', () => {
    // Arrange
    const sb = node();
    const ca = mint({ days: 3650 });
    const c = mint({ ca });
    sb.write(`${K}/certs/we\\ird.crt`, c.crt);
    sb.write(`${K}/scheduler.conf`, kubeconfig('    client-certificate: "certs/we\\ird.crt"'));
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(sb.read(TEXTFILE)).toContain(`capi_gen_certificate_not_after_seconds{path="/etc/kubernetes/certs/we\\\\ird.crt",name="scheduler.conf"} ${notAfter(c.crt)}\n`);
    expect(notAfterMetric(parseTextfile(sb.read(TEXTFILE)), '/etc/kubernetes/certs/we\\\\ird.crt', 'scheduler.conf')).toBe(notAfter(c.crt));
  });

  it.skipIf(!ready)('a certificate file name with a newline, a quote and a backslash: escaped in the label, the textfile stays valid', () => {
    // Arrange
    const sb = node();
    const c = mint({ ca: mint({ days: 3650 }) });
    sb.write(`${PKI}/a\nb"c\\d.crt`, c.crt);
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(m.get(`capi_gen_certificate_not_after_seconds{path="${PKI}/a\\nb\\"c\\\\d.crt",name="a\\nb\\"c\\\\d.crt"}`)).toBe(notAfter(c.crt));
  });

  it.skipIf(!ready)('a kubeconfig without a client certificate (token auth) is logged and skipped', () => {
    // Arrange
    const sb = node();
    sb.write(`${K}/token.conf`, kubeconfig('    token: abc'));
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^capi-gen: \/etc\/kubernetes\/token\.conf: no client certificate$/m);
    expect(parseTextfile(sb.read(TEXTFILE)).get('capi_gen_time_synchronized')).toBe(1);
  });

  it.skipIf(!ready)('PKI_DIR from certs.env (clusterConfiguration.certificatesDir) is the folder checked', () => {
    // Arrange
    const sb = node({ options: { PKI_DIR: '/etc/kubernetes/custom-pki' } });
    const ca = mint({ days: 3650 });
    sb.write('/etc/kubernetes/custom-pki/ca.crt', ca.crt);
    sb.write('/etc/kubernetes/custom-pki/ca.key', mint({ days: 3650 }).key);
    // Act
    const r = run(sb, 'pre');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)[0]).toContain('/etc/kubernetes/custom-pki/ca.key does not match /etc/kubernetes/custom-pki/ca.crt');
  });

  it.skipIf(!ready)('manifests left in the state dir by an interrupted renewal are put back first', () => {
    // Arrange
    const sb = node();
    controlPlane(sb, caFiles(sb));
    sb.write(`${STATE_DIR}/manifests-moved/kube-apiserver.yaml`, 'kind: Pod # moved\n');
    sb.remove(`${K}/manifests/kube-apiserver.yaml`);
    // Act
    const r = run(sb, 'daily');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(sb.read(`${K}/manifests/kube-apiserver.yaml`)).toBe('kind: Pod # moved\n');
    expect(sb.list(`${STATE_DIR}/manifests-moved`)).toEqual([]);
  });
});
