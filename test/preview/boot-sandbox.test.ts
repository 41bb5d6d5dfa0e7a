// Each role's runcmd from the preview, run in order inside bubblewrap (test/support/sandbox.ts):
// runcmd is shellified by cloud-init's own code and run with sh, the preview's write_files are
// materialised first (capi-gen's real scripts and units; the provider's /capi-scripts/* replaced by
// fakes that record that they ran and leave what the real step would leave: a CA, server
// certificates, the join lock), with fake microk8s, snap, kubeadm, systemctl, timedatectl, sleep.
// Asserted: the recorded order is the provider's steps with capi-gen's at the right places, and a
// failing capi-gen check stops runcmd (`|| exit 1`) or, where the provider has no hook, stops
// MicroK8s and leaves a marker.
//
// Instrumentation: every /capi-gen/*.sh of the preview is written to <path>.real and <path> is a
// shim that records the call and execs it, so the order of capi-gen's steps is visible even
// where they call no fake (the CA check when the CA is right).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_DIR } from '../../packages/core/src/harden/node-certs-contract.ts';
import { previewUserData, type KubeObject, type PreviewMachine, type UserDataPreview } from '../../packages/core/src/index.ts';
import { BWRAP, sandboxPerTest, type Call, type Sandbox } from '../support/sandbox.ts';
import { cleanupCerts, hasFaketime, hasOpenssl, mint, serviceAccountKeys, type Pair } from '../node-scripts/_certs.ts';
import { cloudInitView, renderExample } from './_examples.ts';

const ready = BWRAP !== null && hasOpenssl && hasFaketime;
if (!ready) console.warn('boot-sandbox: bwrap (usable), openssl or faketime is missing; the boot sequence tests are skipped');

const SNAP = '/var/snap/microk8s/current';
const CERTS = `${SNAP}/certs`;
const PKI = '/etc/kubernetes/pki';
const RUNCMD = '/var/lib/cloud/instance/scripts/runcmd';
const work = mkdtempSync(join(tmpdir(), 'capi-gen-boot-'));
const sandbox = sandboxPerTest();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  cleanupCerts();
});

// sh helpers for the fakes: mint NAME CA_CRT CA_KEY -> NAME.crt/.key signed by the CA; selfca NAME.
const MINT = `
mint() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null &&
  openssl req -new -key "$1.key" -subj "/CN=\${1##*/}" -out /tmp/r.csr 2>/dev/null &&
  openssl x509 -req -in /tmp/r.csr -CA "$2" -CAkey "$3" -CAserial /tmp/ca.srl -CAcreateserial -days 365 -out "$1.crt" 2>/dev/null
}
selfca() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null &&
  openssl req -x509 -new -key "$1.key" -days 3650 -subj "/CN=\${1##*/}" -addext basicConstraints=critical,CA:TRUE -out "$1.crt" 2>/dev/null
}`;

/** What a provider script's fake leaves behind, beyond recording that it ran. */
const PROVIDER_FAKE_BODY: Readonly<Record<string, string>> = {
  // the snap mints its own CA and server certificate at install
  '00-install-microk8s.sh': `mkdir -p ${CERTS} ${SNAP}/args && selfca ${CERTS}/ca && mint ${CERTS}/server ${CERTS}/ca.crt ${CERTS}/ca.key && : > ${SNAP}/args/kube-controller-manager && : > ${SNAP}/args/kube-scheduler`,
  // join copies the cluster CA (control plane) or keeps it as ca.remote.crt with kubelet/proxy certificates (worker)
  '20-microk8s-join.sh': `if [ "$1" = yes ]; then mkdir -p ${SNAP}/var/lock && : > ${SNAP}/var/lock/clustered.lock && cp /fake-state/cluster-ca.crt ${CERTS}/ca.remote.crt && mint ${CERTS}/kubelet /fake-state/cluster-ca.crt /fake-state/cluster-ca.key && mint ${CERTS}/proxy /fake-state/cluster-ca.crt /fake-state/cluster-ca.key; else cp /fake-state/cluster-ca.crt ${CERTS}/ca.crt && cp /fake-state/cluster-ca.key ${CERTS}/ca.key && mint ${CERTS}/server ${CERTS}/ca.crt ${CERTS}/ca.key; fi`,
};

// microk8s (fake): refresh-certs DIR installs DIR's CA and mints server.crt with it; kubectl answers
// the cluster CA (kube-root-ca.crt) from /fake-state.
const MICROK8S_BODY = `${MINT}
case "$1" in
refresh-certs) [ "$2" = --cert ] || { cp "$2/ca.crt" ${CERTS}/ca.crt && cp "$2/ca.key" ${CERTS}/ca.key && mint ${CERTS}/server ${CERTS}/ca.crt ${CERTS}/ca.key; } ;;
kubectl) cat /fake-state/cluster-ca.crt ;;
esac`;

// kubeadm (fake): init/join leave apiserver.crt (control planes), the kubelet's client certificate
// and kubelet.conf pointing at it, signed by the cluster CA (a worker's join fetches ca.crt).
const KUBEADM_BODY = `${MINT}
case "$1" in
init | join)
  mkdir -p ${PKI} /var/lib/kubelet/pki
  [ -f ${PKI}/ca.crt ] || cp /fake-state/cluster-ca.crt ${PKI}/ca.crt
  k=${PKI}/ca.key; [ -f "$k" ] || k=/fake-state/cluster-ca.key
  if [ -f ${PKI}/ca.key ]; then mint ${PKI}/apiserver ${PKI}/ca.crt "$k" || exit 1; fi
  mint /tmp/kubelet ${PKI}/ca.crt "$k" && cat /tmp/kubelet.crt /tmp/kubelet.key > /var/lib/kubelet/pki/kubelet-client-current.pem || exit 1
  printf 'apiVersion: v1\\nusers:\\n- name: u\\n  user:\\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\\n' > /etc/kubernetes/kubelet.conf ;;
esac`;

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Boot {
  readonly sb: Sandbox;
  readonly preview: UserDataPreview;
  readonly status: number;
  readonly stderr: string;
  readonly calls: Call[];
}

interface BootOptions {
  /** Change the rendered objects before the preview (e.g. add a user command). */
  readonly edit?: (objects: KubeObject[]) => void;
  /** Change the node before runcmd (e.g. a CA key that does not match). */
  readonly arrange?: (sb: Sandbox, cluster: Pair) => void;
  readonly microk8s?: { fail?: number | 'forever'; failWhen?: string };
}

/** Bound node paths: the folders of every file, the snap, kubeadm's and capi-gen's state; nested ones dropped. */
function boundPaths(p: UserDataPreview): string[] {
  const dirs = new Set(['/var/lib', '/var/snap', '/var/log', '/etc/kubernetes', '/run/kubeadm', '/run/cluster-api']);
  for (const s of p.steps) if (s.section === 'write_files') dirs.add(dirname(s.text));
  const sorted = [...dirs].sort();
  return sorted.filter((d) => !sorted.some((o) => o !== d && d.startsWith(`${o}/`)));
}

/** Preview one machine of an example, set up the node as the preview says, run runcmd. */
async function boot(example: string, machine: PreviewMachine, pool: string | undefined, o: BootOptions = {}): Promise<Boot> {
  const objects = structuredClone(await renderExample(example)) as KubeObject[];
  o.edit?.(objects);
  const preview = previewUserData(objects, { machine, ...(pool === undefined ? {} : { pool }) });
  const file = join(work, `${example}-${machine}.yaml`);
  writeFileSync(file, preview.userData);
  const view = cloudInitView([file])[0]!;
  expect(view.rendered, 'the Jinja render keeps the part').not.toBeNull();

  const sb = sandbox({ paths: boundPaths(preview) });
  const cluster = mint({ days: 3650 });
  sb.writeState('cluster-ca.crt', cluster.crt);
  sb.writeState('cluster-ca.key', cluster.key);
  for (const s of preview.steps.filter((x) => x.section === 'write_files')) {
    const mode = Number.parseInt(s.permissions ?? '0644', 8);
    if (s.origin === 'provider' && s.text.startsWith('/capi-scripts/')) {
      const name = s.text.slice('/capi-scripts/'.length);
      sb.write(s.text, `#!/bin/sh\nprintf '%s\\t%s\\n' ${shq(`capi-scripts/${name}`)} "$*" >> /fake-state/calls\n${MINT}\n${PROVIDER_FAKE_BODY[name] ?? ':'}\n`, 0o700);
    } else if (s.origin === 'capi-gen' && s.text.startsWith('/capi-gen/') && s.text.endsWith('.sh')) {
      sb.write(`${s.text}.real`, s.content!, 0o700);
      sb.write(s.text, `#!/bin/sh\nprintf '%s\\t%s\\n' ${shq(s.text.slice(1))} "$*" >> /fake-state/calls\nexec ${shq(`${s.text}.real`)} "$@"\n`, 0o700);
    } else sb.write(s.text, s.content!, mode);
  }
  // The CA material: real certificates where the preview has placeholders.
  if (preview.provider === 'microk8s' && machine === 'init') {
    sb.write('/var/tmp/ca.crt', cluster.crt, 0o600);
    sb.write('/var/tmp/ca.key', cluster.key, 0o600);
  }
  if (preview.provider === 'kubeadm' && machine !== 'worker') {
    const pairs: [string, Pair][] = [['ca', cluster], ['etcd/ca', mint({ days: 3650 })], ['front-proxy-ca', mint({ days: 3650 })]];
    for (const [n, p] of pairs) {
      sb.write(`${PKI}/${n}.crt`, p.crt, 0o640);
      sb.write(`${PKI}/${n}.key`, p.key, 0o600);
    }
    const sa = serviceAccountKeys();
    sb.write(`${PKI}/sa.key`, sa.key, 0o600);
    sb.write(`${PKI}/sa.pub`, sa.pub, 0o640);
  }
  o.arrange?.(sb, cluster);
  sb.fake('microk8s', { fail: o.microk8s?.fail ?? 0, failWhen: o.microk8s?.failWhen ?? '*', body: MICROK8S_BODY });
  sb.fake('kubeadm', { body: KUBEADM_BODY });
  for (const f of ['snap', 'systemctl', 'sleep', 'sysctl']) sb.fake(f);
  sb.fake('timedatectl', { body: 'echo yes' });
  sb.fake('hostname', { body: 'echo n1' });
  sb.write(RUNCMD, view.runcmdScript!, 0o700);
  const r = sb.run(['/tools/sh', RUNCMD], { timeoutMs: 60_000 });
  return { sb, preview, status: r.status, stderr: r.stderr, calls: r.calls };
}

/** The step-level records: provider scripts, capi-gen scripts, and the provider's own microk8s / kubeadm lines. */
function stepRecords(calls: readonly Call[]): string[] {
  return calls
    .filter(
      (c) =>
        c.cmd.startsWith('capi-scripts/') ||
        c.cmd.startsWith('capi-gen/') ||
        (c.cmd === 'microk8s' && /^(refresh-certs \/var\/tmp|add-node)/.test(c.args)) ||
        (c.cmd === 'kubeadm' && /^(init|join)\b/.test(c.args)),
    )
    .map((c) => (c.cmd === 'microk8s' ? `microk8s ${c.args.startsWith('add-node') ? 'add-node' : c.args}` : c.cmd === 'kubeadm' ? `kubeadm ${c.args.split(' ')[0]!}` : c.cmd));
}

/**
 * What the preview says will run, as step records: its runcmd lines in order; the CA check
 * (microk8s-verify-ca.sh) right before 10-configure-calico-ipip.sh when the wrapper is installed.
 */
function expectedRecords(p: UserDataPreview): string[] {
  const runcmd = p.steps.filter((s) => s.section === 'runcmd');
  const wrapped = runcmd.some((s) => s.text === '/capi-gen/microk8s-wrap-calico-ipip.sh');
  const out: string[] = [];
  for (const s of runcmd) {
    const word = s.text.split(' ')[0]!;
    if (word.startsWith('/capi-scripts/')) {
      if (wrapped && word.endsWith('/10-configure-calico-ipip.sh')) out.push('capi-gen/microk8s-verify-ca.sh');
      out.push(word.slice(1));
    } else if (word.startsWith('/capi-gen/')) out.push(word.slice(1));
    else if (s.origin === 'provider' && s.name?.startsWith('microk8s ')) out.push(s.name);
    else if (s.origin === 'provider' && s.name?.startsWith('kubeadm ')) out.push(s.name);
  }
  return out;
}

const at = (records: readonly string[], r: string): number => {
  const i = records.indexOf(r);
  if (i < 0) throw new Error(`${r} did not run; ran: ${records.join(', ')}`);
  return i;
};

describe('boot sequence of each role, run in a sandbox in the preview\'s order', () => {
  it.skipIf(!ready)('MicroK8s init: first-boot wait before the install, CA check right before calico-ipip (after refresh-certs), verify-node after add-node', async () => {
    // Act
    const b = await boot('microk8s-openstack.yaml', 'init', undefined);
    // Assert
    expect(b.status, b.stderr).toBe(0);
    const rec = stepRecords(b.calls);
    expect(rec).toEqual(expectedRecords(b.preview));
    expect(at(rec, 'capi-gen/microk8s-certs.sh')).toBeLessThan(at(rec, 'capi-scripts/00-install-microk8s.sh'));
    expect(at(rec, 'microk8s refresh-certs /var/tmp')).toBe(at(rec, 'capi-gen/microk8s-verify-ca.sh') - 1);
    expect(at(rec, 'capi-gen/microk8s-verify-ca.sh')).toBe(at(rec, 'capi-scripts/10-configure-calico-ipip.sh') - 1);
    expect(rec.lastIndexOf('capi-gen/microk8s-certs.sh')).toBeGreaterThan(at(rec, 'microk8s add-node'));
    expect(b.calls.filter((c) => c.cmd === 'capi-gen/microk8s-certs.sh').map((c) => c.args)).toEqual(['first-boot', 'verify-node']);
    expect(b.stderr).toMatch(/^capi-gen: MicroK8s init node verified$/m);
    expect(b.sb.exists(`${STATE_DIR}/node-verification-failed`)).toBe(false);
  });

  it.skipIf(!ready)('MicroK8s join: the same order with join, apiserver, add-node, enable; verify-node last', async () => {
    const b = await boot('microk8s-openstack.yaml', 'join', undefined);
    expect(b.status, b.stderr).toBe(0);
    const rec = stepRecords(b.calls);
    expect(rec).toEqual(expectedRecords(b.preview));
    expect(at(rec, 'capi-gen/microk8s-certs.sh')).toBeLessThan(at(rec, 'capi-scripts/00-install-microk8s.sh'));
    expect(rec.lastIndexOf('capi-gen/microk8s-certs.sh')).toBeGreaterThan(at(rec, 'capi-scripts/20-microk8s-join.sh'));
    expect(b.stderr).toMatch(/^capi-gen: MicroK8s control-plane node verified$/m);
  });

  it.skipIf(!ready)('MicroK8s worker: first-boot before the install, verify-node after join and traefik', async () => {
    const b = await boot('microk8s-openstack.yaml', 'worker', 'mk8s-prod-general');
    expect(b.status, b.stderr).toBe(0);
    const rec = stepRecords(b.calls);
    expect(rec).toEqual(expectedRecords(b.preview));
    expect(rec).not.toContain('capi-gen/microk8s-verify-ca.sh');
    expect(rec.at(-1)).toBe('capi-gen/microk8s-certs.sh');
    expect(at(rec, 'capi-scripts/30-configure-traefik.sh')).toBeLessThan(rec.length - 1);
    expect(b.stderr).toMatch(/^capi-gen: MicroK8s worker node verified$/m);
  });

  for (const [machine, pool, command] of [
    ['init', undefined, 'kubeadm init'],
    ['join', undefined, 'kubeadm join'],
    ['worker', 'prod-general', 'kubeadm join'],
  ] as const) {
    it.skipIf(!ready)(`kubeadm ${machine}: pre right before \`${command}\`, post after it; the success sentinel is written`, async () => {
      const b = await boot('kubeadm-openstack.yaml', machine, pool);
      expect(b.status, b.stderr).toBe(0);
      const rec = stepRecords(b.calls);
      expect(rec).toEqual(expectedRecords(b.preview));
      expect(rec).toEqual(['capi-gen/kubeadm-certs.sh', command, 'capi-gen/kubeadm-certs.sh']);
      expect(b.calls.filter((c) => c.cmd === 'capi-gen/kubeadm-certs.sh').map((c) => c.args)).toEqual(['pre', 'post']);
      expect(b.stderr).toMatch(/^capi-gen: after kubeadm: certificates chain and are valid now$/m);
      expect(b.sb.read('/run/cluster-api/bootstrap-success.complete')).toBe('success\n');
    });
  }

  it.skipIf(!ready)('kubeadm init with a CA key that does not match its certificate: pre fails and runcmd stops before kubeadm', async () => {
    // Arrange
    const b = await boot('kubeadm-openstack.yaml', 'init', undefined, { arrange: (sb) => sb.write(`${PKI}/ca.key`, mint({ days: 3650 }).key, 0o600) });
    // Assert
    expect(b.status).toBe(1);
    expect(stepRecords(b.calls)).toEqual(['capi-gen/kubeadm-certs.sh']);
    expect(b.calls.filter((c) => c.cmd === 'kubeadm')).toEqual([]);
    expect(b.sb.exists('/run/cluster-api/bootstrap-success.complete')).toBe(false);
    expect(b.stderr).toMatch(/^capi-gen: FATAL: .*ca\.key does not match/m);
    expect(b.sb.exists(`${STATE_DIR}/ca-check-failed`)).toBe(true);
    // the user's post command never ran either
    expect(b.calls.filter((c) => c.cmd === 'hostname')).toEqual([]);
  });

  it.skipIf(!ready)('MicroK8s join with a CA that is not the cluster\'s: verify-node stops MicroK8s and runcmd (a later line never runs)', async () => {
    // Arrange: a user command after capi-gen's verify-node, and kube-root-ca.crt from another CA
    const b = await boot('microk8s-openstack.yaml', 'join', undefined, {
      edit: (objects) => {
        const cp = objects.find((o) => o.kind === 'MicroK8sControlPlane')! as Record<string, any>;
        cp['spec'].controlPlaneConfig.initConfiguration.postRunCommands.push('touch /var/lib/after-verify-node');
      },
      arrange: (sb) => sb.writeState('cluster-ca.crt', mint({ days: 3650 }).crt),
    });
    // Assert
    expect(b.status).toBe(1);
    expect(b.preview.steps.filter((s) => s.section === 'runcmd').at(-1)!.text).toBe('touch /var/lib/after-verify-node');
    expect(b.calls.filter((c) => c.cmd === 'microk8s').at(-1)!.args).toBe('stop');
    expect(b.sb.exists(`${STATE_DIR}/node-verification-failed`)).toBe(true);
    expect(b.sb.exists('/var/lib/after-verify-node')).toBe(false);
  });

  it.skipIf(!ready)('MicroK8s init whose refresh-certs never installs the CA: the CA check retries, stops MicroK8s, calico-ipip never runs, verify-node fails runcmd', async () => {
    const b = await boot('microk8s-openstack.yaml', 'init', undefined, { microk8s: { fail: 'forever', failWhen: 'refresh-certs /var/tmp' } });
    expect(b.status).toBe(1);
    const rec = stepRecords(b.calls);
    expect(rec).not.toContain('capi-scripts/10-configure-calico-ipip.sh');
    // the provider's refresh-certs, then the check's bounded retries
    expect(rec.filter((r) => r === 'microk8s refresh-certs /var/tmp').length).toBeGreaterThan(1);
    expect(b.sb.exists(`${STATE_DIR}/ca-verification-failed`)).toBe(true);
    expect(b.calls.filter((c) => c.cmd === 'microk8s' && c.args === 'stop').length).toBeGreaterThanOrEqual(1);
    expect(b.stderr).toMatch(/^capi-gen: FATAL: CA verification failed after \d+ refresh-certs attempts/m);
  });
});
