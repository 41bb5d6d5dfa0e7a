// `pnpm bench:lint`: whole-process wall time of `capi-gen lint` (the built CLI; `pnpm build` first).
//
// Fixtures are generated in a temp dir from one cluster of 10 documents that gives every kind of
// rule something to do (Cluster -> DevCluster and KubeadmControlPlane refs, KCP -> machine
// template, MachineDeployment -> bootstrap config template and machine template, a
// MachineHealthCheck selector, files and commands with cloud-init variables, leader-election
// flags, a MicroK8sControlPlane, a Secret without a vendored CRD): "single file" is that cluster,
// "1000 documents" is 100 such clusters with their own names in one file. Each case runs as a
// fresh `node` process RUNS times, round-robin after a warm-up round; the table reports median
// and p90. Each lint case is compared with a process that only parses the same text with the npm
// `yaml` package (parseAllDocuments + toJS), timed in the same run.
//
// The CLI keeps a V8 code cache of the CRD validators (packages/cli/src/compile-cache.ts): a user
// cache plus the seed the build puts into dist/v8-seed/. The warm rows point the user cache at a
// folder of the bench's own, so the warm-up round fills it (for validators the seed lacks) and the
// timed runs use it, as every run after the first one on a machine does. "cold user cache" gives
// every run a new empty folder: a first run, or a CI job on a fresh machine (the seed serves it).
// "compile cache off" is CAPI_GEN_COMPILE_CACHE=0 (no user cache, no seed): every validator is
// parsed and compiled from scratch.
// BENCH_BASELINE=<a capi-gen bin, e.g. a copy of an older build's bin/ and dist/> adds that CLI's
// single-file rows (warm, cold user cache), timed in the same rounds, for before/after numbers
// that the machine's load affects equally.
// The load average before and after is printed: other processes on the machine move the numbers.
// Not a test: nothing is asserted (lint exits 0 or 1 here, both count); the numbers go into README.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, parseOnly, printTable, requireBuilt, RUNS, timeAll } from './_lib.mjs';

const baseline = process.env['BENCH_BASELINE'] || undefined;
requireBuilt('bench');

/** One cluster: 10 documents. */
const cluster = (n) => [
  `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: ${n}
  namespace: default
spec:
  clusterNetwork:
    pods:
      cidrBlocks: ["192.168.0.0/16"]
  controlPlaneRef:
    apiGroup: controlplane.cluster.x-k8s.io
    kind: KubeadmControlPlane
    name: ${n}-cp
  infrastructureRef:
    apiGroup: infrastructure.cluster.x-k8s.io
    kind: DevCluster
    name: ${n}
`,
  `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevCluster
metadata:
  name: ${n}
  namespace: default
spec:
  backend:
    docker: {}
`,
  `apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: KubeadmControlPlane
metadata:
  name: ${n}-cp
  namespace: default
spec:
  replicas: 3
  version: v1.34.1
  machineTemplate:
    spec:
      infrastructureRef:
        apiGroup: infrastructure.cluster.x-k8s.io
        kind: DevMachineTemplate
        name: ${n}-cp
  rollout:
    before:
      certificatesExpiryDays: 21
  kubeadmConfigSpec:
    clusterConfiguration:
      controllerManager:
        extraArgs:
          - name: leader-elect-lease-duration
            value: 60s
          - name: leader-elect-renew-deadline
            value: 40s
          - name: leader-elect-retry-period
            value: 5s
      scheduler:
        extraArgs:
          - name: leader-elect-lease-duration
            value: 60s
          - name: leader-elect-renew-deadline
            value: 40s
          - name: leader-elect-retry-period
            value: 5s
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
      - echo preparing {{ ds.meta_data.local_hostname }}
    postKubeadmCommands:
      - echo done
`,
  `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevMachineTemplate
metadata:
  name: ${n}-cp
  namespace: default
spec:
  template:
    spec:
      backend:
        docker: {}
`,
  `apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineDeployment
metadata:
  name: ${n}-md-0
  namespace: default
spec:
  clusterName: ${n}
  replicas: 2
  selector:
    matchLabels:
      pool: ${n}-md-0
  template:
    metadata:
      labels:
        pool: ${n}-md-0
    spec:
      clusterName: ${n}
      version: v1.34.1
      bootstrap:
        configRef:
          apiGroup: bootstrap.cluster.x-k8s.io
          kind: KubeadmConfigTemplate
          name: ${n}-md-0
      infrastructureRef:
        apiGroup: infrastructure.cluster.x-k8s.io
        kind: DevMachineTemplate
        name: ${n}-md-0
`,
  `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevMachineTemplate
metadata:
  name: ${n}-md-0
  namespace: default
spec:
  template:
    spec:
      backend:
        docker: {}
`,
  `apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: KubeadmConfigTemplate
metadata:
  name: ${n}-md-0
  namespace: default
spec:
  template:
    spec:
      files:
        - path: /etc/motd
          owner: root:root
          permissions: "0644"
          content: managed
      preKubeadmCommands:
        - echo join {{ local_hostname }}
`,
  `apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineHealthCheck
metadata:
  name: ${n}-md-0
  namespace: default
spec:
  clusterName: ${n}
  selector:
    matchLabels:
      pool: ${n}-md-0
`,
  `apiVersion: v1
kind: Secret
metadata:
  name: ${n}-extra
  namespace: default
stringData:
  key: value
`,
  `apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: MicroK8sControlPlane
metadata:
  name: ${n}-mk8s
  namespace: default
spec:
  replicas: 3
  version: v1.32.0
  machineTemplate:
    infrastructureTemplate:
      apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
      kind: DevMachineTemplate
      name: ${n}-cp
  controlPlaneConfig:
    initConfiguration:
      joinTokenTTLInSecs: 9000
      riskLevel: stable
`,
];

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-bench-lint-'));
try {
  const single = join(dir, 'single.yaml');
  const thousand = join(dir, 'thousand.yaml');
  const one = cluster('demo');
  writeFileSync(single, one.join('---\n'));
  const docs = [];
  for (let i = 0; i < 100; i++) docs.push(...cluster(`c${i}`));
  const text = docs.join('---\n');
  writeFileSync(thousand, text);

  const cache = { CAPI_GEN_CACHE_DIR: join(dir, 'cache'), CAPI_GEN_COMPILE_CACHE: '1' };
  let coldRuns = 0;
  /** A new, empty user cache folder for each run. */
  const coldCache = () => ({ CAPI_GEN_CACHE_DIR: join(dir, `cold-${coldRuns++}`), CAPI_GEN_COMPILE_CACHE: '1' });
  const load = loadavg()[0];
  // lint exits 1 when it has findings, which is fine here.
  const lintOk = [0, 1];
  const rows = timeAll([
    { label: "node -e '' (Node startup alone)", args: ['-e', ''] },
    { label: `capi-gen lint, single file (${one.length} documents)`, args: [bin, 'lint', single], env: cache, ok: lintOk },
    { label: `capi-gen lint, single file, cold user cache (first run)`, args: [bin, 'lint', single], env: coldCache, ok: lintOk },
    { label: `capi-gen lint, single file, compile cache off`, args: [bin, 'lint', single], env: { CAPI_GEN_COMPILE_CACHE: '0' }, ok: lintOk },
    { label: `yaml parseAllDocuments + toJS only, same single file`, args: ['--input-type=module', '-e', parseOnly(single, one.length)] },
    { label: 'capi-gen lint, 1000 documents (one file)', args: [bin, 'lint', thousand], env: cache, ok: lintOk },
    { label: 'capi-gen lint, 1000 documents, cold user cache', args: [bin, 'lint', thousand], env: coldCache, ok: lintOk },
    { label: 'yaml parseAllDocuments + toJS only, same 1000 documents', args: ['--input-type=module', '-e', parseOnly(thousand, docs.length)] },
    ...(baseline === undefined
      ? []
      : [
          { label: `baseline ${baseline}: lint, single file`, args: [baseline, 'lint', single], env: { CAPI_GEN_CACHE_DIR: join(dir, 'baseline-cache'), CAPI_GEN_COMPILE_CACHE: '1' }, ok: lintOk },
          { label: `baseline: lint, single file, cold user cache`, args: [baseline, 'lint', single], env: coldCache, ok: lintOk },
        ]),
  ]);
  const [, lint1, lint1Cold, lint1Off, yaml1, lint1000, , yaml1000] = rows;

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Whole-process wall time, median and p90 of ${RUNS} runs; Node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(text.length / 1024)} KiB for 1000 documents.\n`);
  printTable(rows);
  console.log(`\nlint / bare yaml parse of the same text (medians): single file ${(lint1.median / yaml1.median).toFixed(1)}× (cold user cache ${(lint1Cold.median / yaml1.median).toFixed(1)}×, compile cache off ${(lint1Off.median / yaml1.median).toFixed(1)}×), 1000 documents ${(lint1000.median / yaml1000.median).toFixed(1)}×.`);
  console.log(`load average (1 min) before ${load.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`);
  console.log(`lint summary, 1000 documents: ${lint1000.stderr.trim()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
