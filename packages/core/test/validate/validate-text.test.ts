// validateText's `auto` placeholder mode decides as lint and harden do (yaml/clusterctl-template.ts):
// capi-gen's own output holds node scripts with `${VAR:-default}` in multi-line strings, which
// does not make it a clusterctl template; `${` in a key or a one-line value does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../../src/model/load-spec.ts';
import { renderCluster } from '../../src/render/render-cluster.ts';
import { usesPlaceholders, validateText } from '../../src/validate/validate-text.ts';

async function rendered(example: string): Promise<string> {
  const url = new URL(`../../../../examples/${example}.yaml`, import.meta.url);
  const spec = parseClusterSpec(readFileSync(url, 'utf8'), `examples/${example}.yaml`);
  return (await renderCluster(spec, {})).yaml;
}

describe.each(['kubeadm-docker', 'microk8s-openstack'])('validateText on the rendered %s example', (example) => {
  it('is not a clusterctl template: no placeholders, no errors', async () => {
    // Arrange
    const yaml = await rendered(example);
    // Act
    const result = await validateText(yaml, { file: `${example}.yaml` });
    // Assert
    expect(yaml).toContain('${');
    expect(usesPlaceholders(yaml, 'auto')).toBe(false);
    expect(result.placeholders).toEqual([]);
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('is a clusterctl template once a one-line value holds a placeholder', async () => {
    // Arrange
    const yaml = await rendered(example);
    const name = /^ {2}name: (\S+)$/m.exec(yaml)?.[1] ?? '';
    const template = yaml.replace(/^( {2}name: )\S+$/m, '$1${CLUSTER_NAME}');
    // Act
    const result = await validateText(template, { file: `${example}.yaml` });
    // Assert
    expect(name).not.toBe('');
    expect(usesPlaceholders(template, 'auto')).toBe(true);
    expect(result.placeholders).toContain('CLUSTER_NAME');
  });
});

describe('validateText placeholder modes', () => {
  it('on and off override the detection', async () => {
    // Arrange
    const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  run.sh: |\n    echo ${HOME:-/root}\n';
    // Act
    const on = await validateText(plain, { placeholders: 'on' });
    const auto = await validateText(plain, { placeholders: 'auto' });
    const off = await validateText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NAME}\n', { placeholders: 'off' });
    // Assert
    expect(on.placeholders).toEqual(['HOME']);
    expect(auto.placeholders).toEqual([]);
    expect(off.placeholders).toEqual([]);
  });
});
