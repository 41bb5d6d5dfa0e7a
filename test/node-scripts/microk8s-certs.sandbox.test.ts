// templates/scripts/microk8s-certs.sh (assembled by loadNodeScript) executed in bubblewrap: seed
// 002 (server.crt minted by a clock 30 days ahead, then NTP sets it back), expiry, refresh-certs
// failing, clocks that never sync, CAPD-like nodes without time tools, and verify-node on the
// three MicroK8s roles. Real openssl certificates; fakes for microk8s, snap, systemctl,
// timedatectl, chronyc and sleep (which returns at once and records what it was asked).
import { afterAll, describe, expect, it } from 'vitest';
import {
  CERTS_ENV_PATH,
  MICROK8S_CERTS_SCRIPT_PATH,
  STATE_DIR,
  TEXTFILE_NAME,
} from '../../packages/core/src/harden/node-certs-contract.ts';
import { sandboxPerTest, type Call, type Sandbox } from '../support/sandbox.ts';
import { cleanupCerts, fingerprint, mint, notAfter, notBefore, parseTextfile, type Pair } from './_certs.ts';
import { cleanupScripts, env, fatals, ready, SCRIPTS_RO, warnings } from './_node.ts';

const SNAP = '/var/snap/microk8s/current';
const CERTS = `${SNAP}/certs`;
const TEXTFILE = `/var/lib/node_exporter/textfile_collector/${TEXTFILE_NAME}`;
const DAY = 86400;

// The fake snap's refresh-certs --cert NAME: mints NAME again with the clock inside the sandbox,
// signed by the node's CA, as the snap does (gen_server_cert in microk8s' actions/common/utils.sh).
const REFRESH_BODY = `
case "$1 $2" in
'refresh-certs --cert')
  d=${CERTS}; n=\${3%.crt}
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$n.key" 2>/dev/null &&
  openssl req -new -key "$d/$n.key" -subj "/CN=$n" -out /tmp/r.csr 2>/dev/null &&
  openssl x509 -req -in /tmp/r.csr -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 365 -out "$d/$3" 2>/dev/null ;;
'kubectl -n') cat /fake-state/cluster-ca.crt ;;
esac`;

/** timedatectl that answers `no` n times, then `yes` (n = -1: never). */
const timedatectl = (n: number): string =>
  n < 0 ? 'echo no' : `c=$(cat /fake-state/td 2>/dev/null || echo 0); echo $((c + 1)) > /fake-state/td; if [ "$c" -ge ${n} ]; then echo yes; else echo no; fi`;

const sandbox = sandboxPerTest();
afterAll(() => {
  cleanupScripts();
  cleanupCerts();
});

interface NodeSetup {
  /** timedatectl says `no` this many times first; -1: never yes; undefined: no timedatectl. */
  readonly sync?: number;
  readonly chronyc?: boolean;
  readonly options?: Record<string, string | number>;
  readonly microk8s?: { fail?: number | 'forever'; failWhen?: string };
  readonly systemctl?: boolean;
}

/** A MicroK8s node with fakes and a CA; certificates are written by each test. */
function node(s: NodeSetup = {}): Sandbox {
  const sb = sandbox({ paths: [SNAP, '/var/tmp', '/var/lib', '/etc/capi-gen', '/etc/systemd/system'] });
  sb.fake('microk8s', { fail: s.microk8s?.fail ?? 0, failWhen: s.microk8s?.failWhen ?? 'refresh-certs*', body: REFRESH_BODY });
  sb.fake('snap');
  sb.fake('sleep');
  if (s.systemctl !== false) sb.fake('systemctl');
  if (s.sync !== undefined) sb.fake('timedatectl', { body: timedatectl(s.sync) });
  if (s.chronyc === true) sb.fake('chronyc', { fail: 2 });
  if (s.options !== undefined) sb.write(CERTS_ENV_PATH, env(s.options));
  return sb;
}

function withCa(sb: Sandbox, ca: Pair): void {
  sb.write(`${CERTS}/ca.crt`, ca.crt);
  sb.write(`${CERTS}/ca.key`, ca.key, 0o600);
}

const run = (sb: Sandbox, mode: string) => sb.run([MICROK8S_CERTS_SCRIPT_PATH, mode], { ro: SCRIPTS_RO });
const named = (calls: Call[], cmd: string): string[] => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const series = (path: string, name: string): string => `{path="${path}",name="${name}"}`;

describe('microk8s-certs.sh boot-check', () => {
  it.skipIf(!ready)('seed 002: server.crt minted 30 days ahead while the clock is not synced is refreshed after sync', () => {
    // Arrange: the snap minted server.crt with a clock 30 days ahead; NTP syncs after 3 polls
    const sb = node({ sync: 3 });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    const ahead = mint({ ca, clock: '+30d' });
    sb.write(`${CERTS}/server.crt`, ahead.crt);
    sb.write(`${CERTS}/front-proxy-client.crt`, mint({ ca }).crt);
    const before = Math.floor(Date.now() / 1000);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(notBefore(ahead.crt)).toBeGreaterThan(before + 29 * DAY);
    const calls = r.calls.filter((c) => c.cmd !== 'sleep');
    const lastPoll = calls.map((c) => c.cmd).lastIndexOf('timedatectl');
    expect(calls.slice(0, lastPoll + 1).map((c) => c.args)).toEqual(Array(4).fill('show -p NTPSynchronized --value'));
    expect(calls.slice(lastPoll + 1)).toEqual([{ cmd: 'microk8s', args: 'refresh-certs --cert server.crt' }]);
    expect(named(r.calls, 'sleep')).toEqual(['5', '5', '5']);
    const fresh = sb.read(`${CERTS}/server.crt`);
    expect(fresh).not.toBe(ahead.crt);
    expect(notBefore(fresh)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(r.stderr).toMatch(/^capi-gen: refreshed \/var\/snap\/microk8s\/current\/certs\/server\.crt$/m);
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(m.get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(notAfter(fresh));
    expect(m.get(`capi_gen_certificate_not_before_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(notBefore(fresh));
    expect(m.get('capi_gen_time_synchronized')).toBe(1);
    expect(sb.exists(`${STATE_DIR}/time-not-synced`)).toBe(false);
  });

  it.skipIf(!ready)('a clock that never syncs: the wait ends after TIME_SYNC_TIMEOUT, warning, marker, metric 0, exit 0', () => {
    // Arrange
    const sb = node({ sync: -1 });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    const server = mint({ ca });
    sb.write(`${CERTS}/server.crt`, server.crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert: 180 s default, polled every 5 s, counted in seconds slept
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'sleep')).toEqual(Array(36).fill('5'));
    expect(named(r.calls, 'timedatectl')).toHaveLength(37);
    expect(warnings(r.stderr)).toContain('capi-gen: WARNING: clock not synchronised after 180 s; going on');
    expect(sb.read(`${STATE_DIR}/time-not-synced`)).toMatch(/^clock not synchronised after 180 s\ntime=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(named(r.calls, 'microk8s')).toEqual([]);
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(m.get('capi_gen_time_synchronized')).toBe(0);
    expect(m.get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(notAfter(server.crt));
  });

  it.skipIf(!ready)('TIME_SYNC_TIMEOUT from certs.env bounds the wait; a later synced run removes the marker', () => {
    // Arrange
    const sb = node({ sync: -1, options: { TIME_SYNC_TIMEOUT: 20 } });
    withCa(sb, mint({ days: 3650 }));
    // Act
    const first = run(sb, 'boot-check');
    sb.fake('timedatectl', { body: 'echo yes' });
    const second = run(sb, 'boot-check');
    // Assert
    expect(first.status, first.stderr).toBe(0);
    expect(named(first.calls, 'sleep')).toEqual(['5', '5', '5', '5']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/removed stale \/var\/lib\/capi-gen\/time-not-synced/);
    expect(sb.exists(`${STATE_DIR}/time-not-synced`)).toBe(false);
  });

  it.skipIf(!ready)('only chronyc: waitsync polled until it succeeds', () => {
    // Arrange: the fake chronyc fails twice (not synced), then succeeds
    const sb = node({ chronyc: true });
    withCa(sb, mint({ days: 3650 }));
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'chronyc')).toEqual(Array(3).fill('-n waitsync 1 1'));
    expect(named(r.calls, 'sleep')).toEqual(['5', '5']);
    expect(parseTextfile(sb.read(TEXTFILE)).get('capi_gen_time_synchronized')).toBe(1);
  });

  it.skipIf(!ready)('certificates expiring in 3 days are refreshed; a valid one is left alone; metrics equal the real notAfter', () => {
    // Arrange
    const sb = node({ sync: 0 });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    const short = mint({ ca, days: 3 });
    const proxy = mint({ ca, days: 365 });
    sb.write(`${CERTS}/server.crt`, short.crt);
    sb.write(`${CERTS}/front-proxy-client.crt`, proxy.crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual(['refresh-certs --cert server.crt']);
    const fresh = sb.read(`${CERTS}/server.crt`);
    expect(notAfter(fresh)).toBeGreaterThan(notAfter(short.crt) + 300 * DAY);
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(m.get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(notAfter(fresh));
    expect(m.get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/front-proxy-client.crt`, 'front-proxy-client.crt')}`)).toBe(notAfter(proxy.crt));
    expect(m.get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/ca.crt`, 'ca.crt')}`)).toBe(notAfter(ca.crt));
    const ts = m.get('capi_gen_certificates_check_timestamp_seconds')!;
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(120);
  });

  it.skipIf(!ready)('EXPIRY_WARN_DAYS=2 leaves a 3-day certificate alone', () => {
    // Arrange
    const sb = node({ sync: 0, options: { EXPIRY_WARN_DAYS: 2 } });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    sb.write(`${CERTS}/server.crt`, mint({ ca, days: 3 }).crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual([]);
  });

  it.skipIf(!ready)('refresh-certs fails twice, then succeeds: retried with backoff, no marker', () => {
    // Arrange
    const sb = node({ sync: 0, microk8s: { fail: 2 } });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    sb.write(`${CERTS}/front-proxy-client.crt`, mint({ ca, clock: '+30d' }).crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual(Array(3).fill('refresh-certs --cert front-proxy-client.crt'));
    expect(named(r.calls, 'sleep')).toEqual(['10', '20']);
    expect(r.stderr).toMatch(/refresh-certs failed \(attempt 2 of 3\)/);
    expect(fatals(r.stderr)).toEqual([]);
    expect(sb.exists(`${STATE_DIR}/cert-refresh-failed`)).toBe(false);
    expect(notBefore(sb.read(`${CERTS}/front-proxy-client.crt`))).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it.skipIf(!ready)('refresh-certs fails forever: FATAL, marker, exit 1, metrics of the stale certificate still written', () => {
    // Arrange
    const sb = node({ sync: 0, microk8s: { fail: 'forever' } });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    const ahead = mint({ ca, clock: '+30d' });
    sb.write(`${CERTS}/server.crt`, ahead.crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'microk8s')).toEqual(Array(3).fill('refresh-certs --cert server.crt'));
    expect(fatals(r.stderr)).toEqual([
      "capi-gen: FATAL: /var/snap/microk8s/current/certs/server.crt not refreshed after 3 attempts; run 'microk8s refresh-certs --cert server.crt'",
    ]);
    expect(sb.read(`${STATE_DIR}/cert-refresh-failed`)).toMatch(/^\/var\/snap\/microk8s\/current\/certs\/server\.crt not refreshed/);
    const m = parseTextfile(sb.read(TEXTFILE));
    expect(m.get(`capi_gen_certificate_not_before_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(notBefore(ahead.crt));
  });

  it.skipIf(!ready)('an unreadable server.crt (not a certificate) is refreshed too', () => {
    // Arrange
    const sb = node({ sync: 0 });
    withCa(sb, mint({ days: 3650 }));
    sb.write(`${CERTS}/server.crt`, 'garbage\n');
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual(['refresh-certs --cert server.crt']);
    expect(r.stderr).toMatch(/server\.crt: notBefore \?, notAfter \?, now \d+: microk8s refresh-certs --cert server\.crt/);
    expect(parseTextfile(sb.read(TEXTFILE)).has(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/server.crt`, 'server.crt')}`)).toBe(true);
  });

  it.skipIf(!ready)('a textfile folder that cannot be written: a warning, exit 0, no temporary file left', () => {
    // Arrange: /usr is read-only in the sandbox
    const sb = node({ sync: 0, options: { TEXTFILE_DIR: '/usr/share/capi-gen-metrics' } });
    withCa(sb, mint({ days: 3650 }));
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual(['capi-gen: WARNING: cannot write /usr/share/capi-gen-metrics/capi_gen_certificates.prom']);
  });

  it.skipIf(!ready)('CAPD-like node without timedatectl or chronyc: a warning, no wait, exit 0', () => {
    // Arrange
    const sb = node();
    withCa(sb, mint({ days: 3650 }));
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual(['capi-gen: WARNING: no timedatectl/chronyc: clock sync unknown']);
    expect(named(r.calls, 'sleep')).toEqual([]);
    expect(parseTextfile(sb.read(TEXTFILE)).get('capi_gen_time_synchronized')).toBe(0);
  });

  it.skipIf(!ready)('a worker: reports ca.remote.crt, kubelet.crt and proxy.crt, never calls refresh-certs', () => {
    // Arrange
    const sb = node({ sync: 0 });
    const cluster = mint({ days: 3650 });
    sb.write(`${SNAP}/var/lock/clustered.lock`, '');
    sb.write(`${CERTS}/ca.remote.crt`, cluster.crt);
    const kubelet = mint({ ca: cluster, days: 3 });
    sb.write(`${CERTS}/kubelet.crt`, kubelet.crt);
    sb.write(`${CERTS}/proxy.crt`, mint({ ca: cluster }).crt);
    // Act
    const r = run(sb, 'boot-check');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual([]);
    // 3 days minus the second or so since minting: 2 whole days, or 3 within the same second
    expect(warnings(r.stderr)).toHaveLength(1);
    expect(warnings(r.stderr)[0]).toMatch(/^capi-gen: WARNING: \/var\/snap\/microk8s\/current\/certs\/kubelet\.crt: [23] days left$/);
    expect(parseTextfile(sb.read(TEXTFILE)).get(`capi_gen_certificate_not_after_seconds${series(`${CERTS}/kubelet.crt`, 'kubelet.crt')}`)).toBe(notAfter(kubelet.crt));
  });
});

describe('microk8s-certs.sh first-boot', () => {
  it.skipIf(!ready)('waits for sync, then daemon-reload, enables the service, enables and starts the timer', () => {
    // Arrange
    const sb = node({ sync: 1 });
    sb.write('/etc/systemd/system/capi-gen-certs.timer', '[Timer]\n');
    // Act
    const r = run(sb, 'first-boot');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.map((c) => `${c.cmd} ${c.args}`)).toEqual([
      'timedatectl show -p NTPSynchronized --value',
      'sleep 5',
      'timedatectl show -p NTPSynchronized --value',
      'systemctl daemon-reload',
      'systemctl enable capi-gen-certs.service',
      'systemctl enable --now capi-gen-certs.timer',
    ]);
  });

  it.skipIf(!ready)('no systemctl (and no time tools): warnings only, exit 0', () => {
    // Arrange
    const sb = node({ systemctl: false });
    sb.write('/etc/systemd/system/capi-gen-certs.timer', '[Timer]\n');
    // Act
    const r = run(sb, 'first-boot');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual([
      'capi-gen: WARNING: no timedatectl/chronyc: clock sync unknown',
      'capi-gen: WARNING: no systemctl: timer not enabled',
    ]);
  });

  it.skipIf(!ready)('an unknown mode is a usage error (exit 2)', () => {
    const sb = node();
    const r = run(sb, 'bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: .* first-boot\|boot-check\|verify-node/);
  });
});

describe('microk8s-certs.sh verify-node', () => {
  it.skipIf(!ready)('init node: the snap CA is the CAPI CA in /var/tmp and server.crt chains to it: exit 0', () => {
    // Arrange
    const sb = node();
    const ca = mint({ days: 3650 });
    sb.write('/var/tmp/ca.crt', ca.crt, 0o600);
    withCa(sb, ca);
    sb.write(`${CERTS}/server.crt`, mint({ ca }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^capi-gen: MicroK8s init node verified$/m);
    expect(named(r.calls, 'microk8s')).toEqual([]);
  });

  it.skipIf(!ready)('init node: the snap kept its own CA: FATAL, marker, microk8s stop, exit 1', () => {
    // Arrange
    const sb = node();
    const capi = mint({ days: 3650 });
    const own = mint({ days: 3650 });
    sb.write('/var/tmp/ca.crt', capi.crt, 0o600);
    withCa(sb, own);
    sb.write(`${CERTS}/server.crt`, mint({ ca: own }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'microk8s')).toEqual(['stop']);
    const [fatal] = fatals(r.stderr);
    expect(fatal).toContain(`(${fingerprint(own.crt)}) is not the cluster CA (${fingerprint(capi.crt)})`);
    expect(sb.read(`${STATE_DIR}/node-verification-failed`)).toContain('MicroK8s init node');
  });

  it.skipIf(!ready)('init node: server.crt not yet valid (minted ahead): FATAL and stop', () => {
    // Arrange
    const sb = node();
    const ca = mint({ days: 3650 });
    sb.write('/var/tmp/ca.crt', ca.crt, 0o600);
    withCa(sb, ca);
    sb.write(`${CERTS}/server.crt`, mint({ ca, clock: '+30d' }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status).toBe(1);
    expect(fatals(r.stderr)[0]).toMatch(/server\.crt is not valid now \(notBefore \d+, notAfter \d+, now \d+\)/);
    expect(named(r.calls, 'microk8s')).toEqual(['stop']);
  });

  it.skipIf(!ready)('joining control plane: ca.crt equals the cluster CA from kube-root-ca.crt: exit 0', () => {
    // Arrange
    const sb = node();
    const cluster = mint({ days: 3650 });
    sb.writeState('cluster-ca.crt', cluster.crt);
    withCa(sb, cluster);
    sb.write(`${CERTS}/server.crt`, mint({ ca: cluster }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(named(r.calls, 'microk8s')).toEqual(['kubectl -n kube-system get cm kube-root-ca.crt -o jsonpath={.data.ca\\.crt}']);
    expect(r.stderr).toMatch(/^capi-gen: MicroK8s control-plane node verified$/m);
  });

  it.skipIf(!ready)('joining control plane with a CA that is not the cluster\'s: FATAL, marker, microk8s stop, exit 1', () => {
    // Arrange
    const sb = node();
    const cluster = mint({ days: 3650 });
    const other = mint({ days: 3650 });
    sb.writeState('cluster-ca.crt', cluster.crt);
    withCa(sb, other);
    sb.write(`${CERTS}/server.crt`, mint({ ca: other }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'microk8s').at(-1)).toBe('stop');
    expect(fatals(r.stderr)[0]).toContain(`is not the cluster CA (${fingerprint(cluster.crt)})`);
    expect(sb.exists(`${STATE_DIR}/node-verification-failed`)).toBe(true);
  });

  it.skipIf(!ready)('joining control plane whose API never answers: bounded retries, then FATAL and stop', () => {
    // Arrange
    const sb = node({ microk8s: { fail: 'forever', failWhen: 'kubectl*' } });
    const ca = mint({ days: 3650 });
    withCa(sb, ca);
    sb.write(`${CERTS}/server.crt`, mint({ ca }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'microk8s').filter((a) => a.startsWith('kubectl'))).toHaveLength(8);
    expect(named(r.calls, 'sleep')).toEqual(Array(7).fill('15'));
    expect(fatals(r.stderr)[0]).toContain('cannot read the cluster CA');
    expect(named(r.calls, 'microk8s').at(-1)).toBe('stop');
  });

  it.skipIf(!ready)('worker: ca.remote.crt is a CA, kubelet.crt and proxy.crt chain to it: exit 0', () => {
    // Arrange
    const sb = node();
    const cluster = mint({ days: 3650 });
    sb.write(`${SNAP}/var/lock/clustered.lock`, '');
    withCa(sb, mint({ days: 3650 })); // the worker's own, unused CA from snap install
    sb.write(`${CERTS}/ca.remote.crt`, cluster.crt);
    sb.write(`${CERTS}/kubelet.crt`, mint({ ca: cluster }).crt);
    sb.write(`${CERTS}/proxy.crt`, mint({ ca: cluster }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^capi-gen: MicroK8s worker node verified$/m);
  });

  it.skipIf(!ready)('worker whose kubelet.crt is signed by another CA, and ca.remote.crt is a leaf: FATAL, snap stop --disable (microk8s stop is a no-op there)', () => {
    // Arrange
    const sb = node();
    const cluster = mint({ days: 3650 });
    const leaf = mint({ ca: cluster });
    sb.write(`${SNAP}/var/lock/clustered.lock`, '');
    sb.write(`${CERTS}/ca.remote.crt`, leaf.crt);
    sb.write(`${CERTS}/kubelet.crt`, mint({ ca: mint({ days: 3650 }) }).crt);
    sb.write(`${CERTS}/proxy.crt`, mint({ ca: cluster }).crt);
    // Act
    const r = run(sb, 'verify-node');
    // Assert
    expect(r.status).toBe(1);
    expect(named(r.calls, 'snap')).toEqual(['stop --disable microk8s']);
    expect(named(r.calls, 'microk8s')).toEqual([]);
    const [fatal] = fatals(r.stderr);
    expect(fatal).toContain(`${CERTS}/ca.remote.crt (the cluster CA) is missing, not a CA or not valid now`);
    expect(fatal).toContain(`${CERTS}/kubelet.crt does not chain to ${CERTS}/ca.remote.crt`);
  });
});
