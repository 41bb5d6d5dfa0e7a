// The clusterctl-template detector (yaml/clusterctl-template.ts) judges a syntax error per
// document: only a document that parses once its placeholders are masked is evidence of a
// template. A banner piped in before a render (pnpm without -s) breaks the first document only,
// and must not turn the `${VAR:-default}` of the node scripts in the others into placeholders.
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint/engine.ts';
import { validateText } from '../../src/validate/validate-text.ts';
import { detectClusterctlTemplate } from '../../src/yaml/clusterctl-template.ts';

const BANNER = `
> capi-gen@0.1.0 capi-gen /work/main
> node packages/cli/bin/capi-gen.js "render" "examples/kubeadm-docker.yaml"

`;

// A plain manifest whose only ${ sit in a multi-line script, as capi-gen render writes them.
const SCRIPTED = `apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: KubeadmConfigTemplate
metadata:
  name: workers
  namespace: default
spec:
  template:
    spec:
      files:
        - path: /usr/local/bin/check.sh
          permissions: "0755"
          content: |
            #!/bin/sh
            TIMEOUT=\${TIME_SYNC_TIMEOUT:-180}
            echo "\${HOME:-/root}"
`;

const CLUSTER = `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: c
  namespace: default
`;

describe('detectClusterctlTemplate with a syntax error', () => {
  it('a banner before a plain render is no template: the scripts of the other documents stay shell', () => {
    // Arrange
    const text = `${BANNER}${CLUSTER}---\n${SCRIPTED}`;
    // Act
    const detected = detectClusterctlTemplate(text, '-');
    // Assert
    expect(detected.template).toBe(false);
  });

  it('a document that parses only with its placeholders masked is still a template', () => {
    // Arrange
    const text = `${CLUSTER}---\nspec:\n  addons: [\${ADDONS:= }]\n---\n${SCRIPTED}`;
    // Act
    const detected = detectClusterctlTemplate(text, '-');
    // Assert
    expect(detected.template).toBe(true);
  });

  it('a broken document beside one that parses only masked: the masked one decides', () => {
    // Arrange
    const text = `${BANNER}${CLUSTER}---\nspec:\n  addons: [\${ADDONS:= }]\n`;
    // Act
    const detected = detectClusterctlTemplate(text, '-');
    // Assert
    expect(detected.template).toBe(true);
  });
});

describe('validate and lint agree on a banner before a plain render', () => {
  it('validateText lists no placeholders and reports the syntax error', async () => {
    // Arrange
    const text = `${BANNER}${CLUSTER}---\n${SCRIPTED}`;
    // Act
    const result = await validateText(text, { file: '-' });
    // Assert
    expect(result.placeholders).toEqual([]);
    expect(result.issues.some((i) => i.code === 'YAML_SYNTAX')).toBe(true);
  });

  it('lintText does not call it a clusterctl template', async () => {
    // Arrange
    const text = `${BANNER}${CLUSTER}---\n${SCRIPTED}`;
    // Act
    const result = await lintText(text, { file: '-' });
    // Assert
    expect(result.clusterctlTemplate).toBe(false);
    expect(result.placeholders).toEqual([]);
    expect(result.findings.some((f) => f.ruleId === 'yaml/syntax')).toBe(true);
  });
});
