// `capi-gen cloud-init --machine worker` through the BUILT CLI when the MachineDeployment's
// bootstrap template exists, but in another namespace: the message says which namespaces differ.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './_built-cli.ts';

beforeAll(ensureBuilt);

const dir = mkdtempSync(join(tmpdir(), 'capi-gen-cloud-init-ns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The shape of CAPI release-0.4's docker development template: the template and the configRef
// carry ${NAMESPACE}, the MachineDeployment has no namespace.
const MANIFEST = `apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
kind: KubeadmConfigTemplate
metadata:
  name: "\${CLUSTER_NAME}-md-0"
  namespace: "\${NAMESPACE}"
spec:
  template:
    spec: {}
---
apiVersion: cluster.x-k8s.io/v1beta1
kind: MachineDeployment
metadata:
  name: "\${CLUSTER_NAME}-md-0"
spec:
  clusterName: "\${CLUSTER_NAME}"
  selector:
    matchLabels: {}
  template:
    spec:
      clusterName: "\${CLUSTER_NAME}"
      version: v1.31.0
      bootstrap:
        configRef:
          apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
          kind: KubeadmConfigTemplate
          name: "\${CLUSTER_NAME}-md-0"
          namespace: "\${NAMESPACE}"
      infrastructureRef:
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: DockerMachineTemplate
        name: "\${CLUSTER_NAME}-md-0"
`;

describe('capi-gen cloud-init --machine worker, template in another namespace', () => {
  it('says the template is there, in which namespace, and what the reference and the MachineDeployment ask for (exit 2)', async () => {
    // Arrange
    const path = join(dir, 'md.yaml');
    writeFileSync(path, MANIFEST);
    // Act
    const r = await runCli(['cloud-init', path, '--machine', 'worker']);
    // Assert
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `capi-gen: ${path}:26:17: MachineDeployment/\${CLUSTER_NAME}-md-0 /spec/template/spec/bootstrap/configRef/name: the MachineDeployment refers to KubeadmConfigTemplate/\${CLUSTER_NAME}-md-0, which the input has only in namespace "\${NAMESPACE}", the reference asks for namespace "\${NAMESPACE}", and the MachineDeployment is in namespace "default" (no metadata.namespace); CAPI looks the template up in the MachineDeployment's namespace, so give both objects the same metadata.namespace\n`,
    );
  });
});
