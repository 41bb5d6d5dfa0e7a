// `pnpm bench`: whole-process wall time of the built CLI (`pnpm build` first).
//
// Fixtures are generated in a temp dir: a 2-document file (Cluster + DevCluster) and a
// 1000-document file (500 KubeadmControlPlane v1beta2 + 500 MicroK8sControlPlane v1beta1, each
// with its own name and a few files/commands, the shape of real control planes). Each case runs
// as a fresh `node` process RUNS times, interleaved; the table reports median and p90. For scale it also
// times a bare `node -e ''` and a process that only parses the same 1000-document text with the
// `yaml` package (parseAllDocuments + toJS), which is a floor for any YAML-reading validator.
// Not a test: nothing is asserted, the numbers go into README "Performance".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, parseOnly, printTable, requireBuilt, RUNS, timeAll } from './_lib.mjs';

requireBuilt('bench');

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

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-bench-'));
try {
  const two = join(dir, 'two.yaml');
  const thousand = join(dir, 'thousand.yaml');
  writeFileSync(two, [CLUSTER('demo'), DEV_CLUSTER('demo')].join('---\n'));
  const docs = [];
  for (let i = 0; i < 500; i++) docs.push(KCP(`kcp-${i}`), MICROK8S_CP(`mk8s-${i}`));
  const text = docs.join('---\n');
  writeFileSync(thousand, text);

  const rows = timeAll([
    { label: "node -e '' (Node startup alone)", args: ['-e', ''] },
    { label: 'capi-gen validate, 2 documents', args: [bin, 'validate', two] },
    { label: 'capi-gen validate, 1000 documents', args: [bin, 'validate', thousand] },
    { label: 'yaml parseAllDocuments + toJS only, same 1000 documents', args: ['--input-type=module', '-e', parseOnly(thousand, 1000)] },
  ]);
  const cli1000 = rows[2];
  const yaml1000 = rows[3];

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Whole-process wall time, median and p90 of ${RUNS} runs; Node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(text.length / 1024)} KiB for 1000 documents.\n`);
  printTable(rows);
  console.log(`\ncapi-gen validate (1000 documents) / bare yaml parse: ${(cli1000.median / yaml1000.median).toFixed(1)}× (median).`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
