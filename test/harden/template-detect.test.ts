// clusterctl auto-detection: capi-gen's scripts (and users' scripts) contain `${VAR:-default}` and
// `$$`, so a plain manifest hardened once must not be taken for a template on the next run (which
// would escape what is written: `$${`, `$$$$`, broken scripts in a manifest clusterctl never sees).
import { describe, expect, it } from 'vitest';
import { hardenText } from '../../packages/core/src/index.ts';
import { detectClusterctlTemplate } from '../../packages/core/src/yaml/clusterctl-template.ts';
import { TEMPLATES_DIR } from '../support/repo.ts';

const looksLikeClusterctlTemplate = (text: string): boolean => detectClusterctlTemplate(text, '<text>').template;
const PLAIN = `apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: KubeadmConfigTemplate
metadata:
  name: workers
spec:
  template:
    spec:
      postKubeadmCommands:
        - echo done
`;

describe('clusterctl template detection after hardening', () => {
  it('a plain manifest hardened before stays plain, and a later run with new options writes nothing escaped', () => {
    // Arrange
    const once = hardenText(PLAIN, { hardening: undefined, templatesDir: TEMPLATES_DIR });
    // Act
    const again = hardenText(once.text, { hardening: { certificates: { timeSyncTimeoutSeconds: 60 } }, templatesDir: TEMPLATES_DIR });
    // Assert
    expect(once.text).toContain('${');
    expect(once.clusterctlTemplate).toBe(false);
    expect(again.clusterctlTemplate).toBe(false);
    expect(again.changes.map((c) => c.path)).toEqual(['/spec/template/spec/files/3/content']);
    expect(again.text).not.toContain('$${');
    expect(again.text).toBe(once.text.replace(/^( +)TIME_SYNC_TIMEOUT=180$/m, '$1TIME_SYNC_TIMEOUT=60'));
  });

  it('detects a template by a placeholder in a key or one-line string, or one that only parses masked', () => {
    // Arrange
    const template = PLAIN.replace('name: workers', 'name: ${CLUSTER_NAME}-workers');
    const userScript = PLAIN.replace('        - echo done\n', '        - echo done\n      files:\n        - path: /x\n          content: |\n            echo ${HOME:-/root}\n            echo ${A}\n');
    // Act
    const hardened = hardenText(template, { hardening: undefined, templatesDir: TEMPLATES_DIR });
    // Assert
    expect(looksLikeClusterctlTemplate(template)).toBe(true);
    expect(looksLikeClusterctlTemplate('spec:\n  addons: [${ADDONS:= }]\n')).toBe(true);
    expect(hardened.clusterctlTemplate).toBe(true);
    expect(hardened.text).toContain('$${');
    expect(looksLikeClusterctlTemplate(PLAIN)).toBe(false);
    expect(looksLikeClusterctlTemplate(userScript)).toBe(false);
  });
});

describe('certs.env in a clusterctl template', () => {
  it("keeps the user's placeholder values when no option replaces them", () => {
    // Arrange
    const first = hardenText(PLAIN.replace('name: workers', 'name: ${CLUSTER_NAME}-workers'), { hardening: undefined, templatesDir: TEMPLATES_DIR });
    const edited = first.text.replace(/^( +)TIME_SYNC_TIMEOUT=180$/m, '$1TIME_SYNC_TIMEOUT=${TIME_SYNC:=60}');
    // Act
    const again = hardenText(edited, { hardening: undefined, templatesDir: TEMPLATES_DIR });
    // Assert
    expect(edited).not.toBe(first.text);
    expect(again.changes).toEqual([]);
    expect(again.text).toBe(edited);
  });
});
