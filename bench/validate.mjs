// `pnpm bench`: whole-process wall time of the built CLI (`pnpm build` first).
//
// Fixtures are generated in a temp dir: a 2-document file (Cluster + DevCluster) and a
// 1000-document file (500 KubeadmControlPlane v1beta2 + 500 MicroK8sControlPlane v1beta1, each
// with its own name and a few files/commands, the shape of real control planes). Each case runs
// as a fresh `node` process RUNS times, interleaved; the table reports median and p90. For scale it also
// times a bare `node -e ''` and a process that only parses the same 1000-document text with the
// `yaml` package (parseAllDocuments + toJS), which is a floor for any YAML-reading validator.
// Not a test: nothing is asserted, the numbers go into README "Performance".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'bin', 'capi-gen.js');
if (!existsSync(join(root, 'packages', 'cli', 'dist', 'capi-gen.js'))) {
  console.error('bench: packages/cli/dist is missing; run `pnpm build` first');
  process.exit(2);
}
// The yaml package the library uses (resolved from @capi-gen/core, so the same version).
const yamlUrl = pathToFileURL(createRequire(join(root, 'packages', 'core', 'package.json')).resolve('yaml')).href;

const CLUSTER = (name) => `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: ${name}
  namespace: default
spec:
  clusterNetwork:
    pods:
      cidrBlocks: ["192.168.0.0/16"]
  controlPlaneRef:
    apiGroup: controlplane.cluster.x-k8s.io
    kind: KubeadmControlPlane
    name: ${name}-control-plane
  infrastructureRef:
    apiGroup: infrastructure.cluster.x-k8s.io
    kind: DevCluster
    name: ${name}
`;

const DEV_CLUSTER = (name) => `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevCluster
metadata:
  name: ${name}
  namespace: default
spec:
  backend:
    docker: {}
`;

const KCP = (name) => `apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: KubeadmControlPlane
metadata:
  name: ${name}
  namespace: default
  labels:
    cluster.x-k8s.io/cluster-name: ${name}
spec:
  replicas: 3
  version: v1.34.1
  machineTemplate:
    spec:
      infrastructureRef:
        apiGroup: infrastructure.cluster.x-k8s.io
        kind: DevMachineTemplate
        name: ${name}
  rollout:
    before:
      certificatesExpiryDays: 21
  kubeadmConfigSpec:
    clusterConfiguration:
      apiServer:
        certSANs: [localhost, 127.0.0.1]
      controllerManager:
        extraArgs:
          - name: bind-address
            value: "0.0.0.0"
          - name: terminated-pod-gc-threshold
            value: "100"
    files:
      - path: /etc/kubernetes/audit-policy.yaml
        owner: root:root
        permissions: "0600"
        content: |
          apiVersion: audit.k8s.io/v1
          kind: Policy
          rules:
            - level: Metadata
    preKubeadmCommands:
      - echo preparing ${name}
    postKubeadmCommands:
      - echo done
`;

const MICROK8S_CP = (name) => `apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: MicroK8sControlPlane
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: 3
  version: v1.32.0
  upgradeStrategy: SmartUpgrade
  machineTemplate:
    infrastructureTemplate:
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
      kind: OpenStackMachineTemplate
      name: ${name}
  controlPlaneConfig:
    clusterConfiguration:
      portCompatibilityRemap: true
    initConfiguration:
      joinTokenTTLInSecs: 9000
      addons: [dns, ingress]
      riskLevel: stable
      extraWriteFiles:
        - path: /etc/motd
          owner: root:root
          permissions: "0644"
          content: managed by capi-gen
      preRunCommands:
        - echo preparing ${name}
      postRunCommands:
        - echo done
`;

function median(xs) {
  return quantile(xs, 0.5);
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.ceil(q * s.length) - 1);
  return s[Math.max(0, i)];
}

/** One whole-process run; wall time in ms. */
function once(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(`bench: ${c.label} exited ${r.status}, expected 0\n${r.stdout.slice(0, 2000)}${r.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  return ms;
}

/**
 * Runs every case RUNS times, round-robin (after one warm-up round for the file cache), so that
 * load from other processes on the machine hits all cases alike.
 */
function timeAll(cases) {
  const times = cases.map(() => []);
  for (let i = 0; i <= RUNS; i++) {
    cases.forEach((c, j) => {
      const ms = once(c);
      if (i > 0) times[j].push(ms);
    });
  }
  return cases.map((c, j) => ({ label: c.label, median: median(times[j]), p90: quantile(times[j], 0.9) }));
}

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-bench-'));
try {
  const two = join(dir, 'two.yaml');
  const thousand = join(dir, 'thousand.yaml');
  writeFileSync(two, [CLUSTER('demo'), DEV_CLUSTER('demo')].join('---\n'));
  const docs = [];
  for (let i = 0; i < 500; i++) docs.push(KCP(`kcp-${i}`), MICROK8S_CP(`mk8s-${i}`));
  const text = docs.join('---\n');
  writeFileSync(thousand, text);

  const parseOnly = `import { parseAllDocuments } from ${JSON.stringify(yamlUrl)};
import { readFileSync } from 'node:fs';
const docs = parseAllDocuments(readFileSync(${JSON.stringify(thousand)}, 'utf8')).map((d) => d.toJS());
if (docs.length !== 1000) process.exit(3);`;

  const rows = timeAll([
    { label: "node -e '' (Node startup alone)", args: ['-e', ''] },
    { label: 'capi-gen validate, 2 documents', args: [bin, 'validate', two] },
    { label: 'capi-gen validate, 1000 documents', args: [bin, 'validate', thousand] },
    { label: 'yaml parseAllDocuments + toJS only, same 1000 documents', args: ['--input-type=module', '-e', parseOnly] },
  ]);
  const cli1000 = rows[2];
  const yaml1000 = rows[3];

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Whole-process wall time, median and p90 of ${RUNS} runs; Node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(text.length / 1024)} KiB for 1000 documents.\n`);
  console.log('| case | median | p90 |');
  console.log('|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.label} | ${r.median.toFixed(0)} ms | ${r.p90.toFixed(0)} ms |`);
  console.log(`\ncapi-gen validate (1000 documents) / bare yaml parse: ${(cli1000.median / yaml1000.median).toFixed(1)}× (median).`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
