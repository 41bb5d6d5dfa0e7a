// Properties of the certificate hardening (issue 5, Done when), over arbitrary MicroK8s and kubeadm
// bootstrap configs of every target kind and version, with the user's own files and commands
// (including stale copies of ours) and arbitrary certificate options, through every registered
// transform:
//   - hardening is idempotent (objects, and hardenText on the YAML text);
//   - the user's commands are all kept, in their relative order, and ours come after them;
//   - file paths in the output are unique;
//   - hardenText output re-parses with a YAML 1.1 parser to exactly the hardened objects;
//   - a clusterctl template hardened and then substituted (envsubst as emulated in
//     @capi-gen/core/testing: `$$` -> `$`, `${V}`, `${V:=d}`, `${V:-d}`) holds the same scripts and commands as the plain manifest
//     (substituted first) hardened.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CERTS_ENV_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, KUBEADM_CERTS_SCRIPT_PATH, MICROK8S_CERTS_SCRIPT_PATH, MICROK8S_FIRST_BOOT_COMMAND, KUBEADM_PRE_COMMAND } from '../../packages/core/src/harden/node-certs-contract.ts';
import { kubeadmConfigSpecKeys } from '../../packages/core/src/harden/kubeadm-cert-checks.ts';
import { microk8sInitConfigurationKeys } from '../../packages/core/src/harden/microk8s-cert-guard.ts';
import { TRANSFORMS, type HardenContext } from '../../packages/core/src/harden/registry.ts';
import { hardenText, objectsToYaml, validateObject, type KubeObject } from '../../packages/core/src/index.ts';
import { TEMPLATES_DIR } from '../support/repo.ts';
import { envsubst } from '../../packages/core/src/testing/index.ts';

type Json = Record<string, unknown>;
type Hardening = HardenContext['hardening'];

function applyAll(objects: readonly KubeObject[], hardening: Hardening): KubeObject[] {
  let out = [...objects];
  for (const t of TRANSFORMS) out = t.apply(out, { hardening, templatesDir: TEMPLATES_DIR });
  return out;
}

/** Keys to the bootstrap config of an object and the names of its three lists. */
function where(o: unknown): { keys: readonly string[]; files: string; pre: string; post: string } | undefined {
  const m = microk8sInitConfigurationKeys(o);
  if (m !== undefined) return { keys: m, files: 'extraWriteFiles', pre: 'preRunCommands', post: 'postRunCommands' };
  const k = kubeadmConfigSpecKeys(o);
  if (k !== undefined) return { keys: k, files: 'files', pre: 'preKubeadmCommands', post: 'postKubeadmCommands' };
  return undefined;
}

function at(o: unknown, keys: readonly string[]): Json {
  let v = o;
  for (const k of keys) v = (v as Json | undefined)?.[k];
  return (v ?? {}) as Json;
}

const isOurs = (c: unknown): boolean => typeof c === 'string' && c.startsWith('/capi-gen/');
const OUR_FILE_PATHS = [MICROK8S_CERTS_SCRIPT_PATH, KUBEADM_CERTS_SCRIPT_PATH, CERTS_SERVICE_PATH, CERTS_TIMER_PATH, CERTS_ENV_PATH];

// --- arbitraries ------------------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const userCommand = fc.oneof(
  word.map((w) => `echo ${w}`),
  fc.constantFrom('systemctl restart systemd-timesyncd', 'echo "$HOME" | tr a b', "sh -c 'exit 0'", 'yes', '0755', 'a: b', '# not a comment', 'echo ${X:-y}'),
);
/** Commands of ours the user (or an older capi-gen) left in a list: the ones that list gets. */
const STALE: Readonly<Record<string, readonly string[]>> = {
  preRunCommands: [MICROK8S_FIRST_BOOT_COMMAND, '/capi-gen/microk8s-certs.sh first-boot --older'],
  postRunCommands: ['/capi-gen/microk8s-certs.sh verify-node', '/capi-gen/microk8s-certs.sh verify-node || exit 1'],
  preKubeadmCommands: [KUBEADM_PRE_COMMAND, '/capi-gen/kubeadm-certs.sh pre'],
  postKubeadmCommands: ['/capi-gen/kubeadm-certs.sh post', '/capi-gen/kubeadm-certs.sh post || exit 1'],
};
const commands = (list: string): fc.Arbitrary<string[]> =>
  fc.array(fc.oneof({ weight: 5, arbitrary: userCommand }, { weight: 1, arbitrary: fc.constantFrom(...STALE[list]!) }), { minLength: 1, maxLength: 5 });
const userFile = fc.record({
  path: fc.oneof({ weight: 4, arbitrary: word.map((w) => `/etc/user/${w}.conf`) }, { weight: 1, arbitrary: fc.constantFrom(...OUR_FILE_PATHS) }),
  owner: fc.constant('root:root'),
  permissions: fc.constantFrom('0644', '0600'),
  content: fc.oneof(word, fc.constantFrom('yes\n', 'TIME_SYNC_TIMEOUT=7\n', 'a: b\n  c\n', '$HOME ${X}\n')),
});
const files = fc.uniqueArray(userFile, { minLength: 1, maxLength: 4, selector: (f) => f.path });

const lists = (f: string, pre: string, post: string): fc.Arbitrary<Json> =>
  fc.record({ [f]: files, [pre]: commands(pre), [post]: commands(post) } as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] });

const microk8s = fc.tuple(fc.constantFrom('MicroK8sControlPlane', 'MicroK8sConfigTemplate', 'MicroK8sConfig'), lists('extraWriteFiles', 'preRunCommands', 'postRunCommands')).map(([kind, init]): KubeObject => {
  const meta = { name: 'm', namespace: 'default' };
  if (kind === 'MicroK8sControlPlane') {
    return {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind,
      metadata: meta,
      spec: { replicas: 1, version: 'v1.31.4', machineTemplate: { infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', name: 'cp' } }, controlPlaneConfig: { initConfiguration: init } },
    } as KubeObject;
  }
  const spec = kind === 'MicroK8sConfig' ? { initConfiguration: init } : { template: { spec: { initConfiguration: init } } };
  return { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind, metadata: meta, spec } as KubeObject;
});

const kubeadm = fc
  .tuple(
    fc.constantFrom('KubeadmControlPlane', 'KubeadmControlPlaneTemplate', 'KubeadmConfigTemplate', 'KubeadmConfig'),
    fc.constantFrom('v1beta1', 'v1beta2'),
    lists('files', 'preKubeadmCommands', 'postKubeadmCommands'),
    fc.option(fc.constantFrom('/etc/kubernetes/pki', '/srv/pki'), { nil: undefined }),
  )
  .map(([kind, version, lists, certificatesDir]): KubeObject => {
    const cfg: Json = { ...lists, ...(certificatesDir === undefined ? {} : { clusterConfiguration: { certificatesDir } }) };
    const meta = { name: 'k', namespace: 'default' };
    if (kind === 'KubeadmControlPlane') {
      const machineTemplate =
        version === 'v1beta1'
          ? { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 'cp' } }
          : { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevMachineTemplate', name: 'cp' } } };
      return { apiVersion: `controlplane.cluster.x-k8s.io/${version}`, kind, metadata: meta, spec: { replicas: 1, version: 'v1.31.4', machineTemplate, kubeadmConfigSpec: cfg } } as KubeObject;
    }
    if (kind === 'KubeadmControlPlaneTemplate') return { apiVersion: `controlplane.cluster.x-k8s.io/${version}`, kind, metadata: meta, spec: { template: { spec: { kubeadmConfigSpec: cfg } } } } as KubeObject;
    const spec = kind === 'KubeadmConfig' ? cfg : { template: { spec: cfg } };
    return { apiVersion: `bootstrap.cluster.x-k8s.io/${version}`, kind, metadata: meta, spec } as KubeObject;
  });

const objects = fc.array(fc.oneof(microk8s, kubeadm), { minLength: 1, maxLength: 4 }).map((os) => os.map((o, i) => ({ ...o, metadata: { ...o.metadata, name: `${o.metadata.name}${i}` } }) as KubeObject));

const hardening: fc.Arbitrary<Hardening> = fc.option(
  fc.record(
    {
      certificates: fc.record(
        {
          timeSyncTimeoutSeconds: fc.integer({ min: 0, max: 3600 }),
          skewToleranceSeconds: fc.integer({ min: 0, max: 86400 }),
          expiryWarningDays: fc.integer({ min: 1, max: 365 }),
          textfileDir: fc.constantFrom('/var/lib/node_exporter/textfile_collector', '/srv/prom'),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

// --- properties -------------------------------------------------------------------------------

describe('certificate hardening properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(objects, hardening, (input, h) => {
        // Act
        const once = applyAll(input, h);
        // Assert
        expect(applyAll(once, h)).toEqual(once);
        // options not given keep what the manifest's options file says
        expect(applyAll(once, undefined)).toEqual(once);
      }),
    );
  });

  it("keeps every user command in its relative order, with ours after them, and file paths unique", () => {
    fc.assert(
      fc.property(objects, hardening, (input, h) => {
        // Act
        const out = applyAll(input, h);
        // Assert
        input.forEach((before, i) => {
          const w = where(before)!;
          const b = at(before, w.keys);
          const a = at(out[i], w.keys);
          for (const list of [w.pre, w.post]) {
            const userBefore = ((b[list] as unknown[] | undefined) ?? []).filter((c) => !isOurs(c));
            const after = (a[list] as unknown[] | undefined) ?? [];
            expect(after.filter((c) => !isOurs(c))).toEqual(userBefore);
            expect(after.slice(userBefore.length).every(isOurs)).toBe(true);
            expect(after.filter(isOurs).length).toBeGreaterThanOrEqual(1);
          }
          const paths = ((a[w.files] as Json[] | undefined) ?? []).map((f) => f['path']);
          expect(new Set(paths).size).toBe(paths.length);
          const userPaths = ((b[w.files] as Json[] | undefined) ?? []).map((f) => f['path']).filter((p) => !OUR_FILE_PATHS.includes(p as string));
          expect(paths.filter((p) => userPaths.includes(p))).toEqual(userPaths);
        });
      }),
    );
  });

  it('hardenText output re-parses (YAML 1.1) to exactly the hardened objects, and hardening it again changes nothing', () => {
    fc.assert(
      fc.property(objects, hardening, (input, h) => {
        // Arrange
        const text = objectsToYaml(input);
        // Act
        const r = hardenText(text, { hardening: h, templatesDir: TEMPLATES_DIR, clusterctlTemplate: false });
        // Assert
        const reparsed = parseAllDocuments(r.text, { version: '1.1' }).map((d) => d.toJS() as unknown);
        expect(reparsed).toEqual(applyAll(input, h));
        expect(hardenText(r.text, { hardening: h, templatesDir: TEMPLATES_DIR, clusterctlTemplate: false }).changes).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('the output of valid input validates against the CRDs', async () => {
    await fc.assert(
      fc.asyncProperty(objects, hardening, async (input, h) => {
        // Arrange: the arbitrary may repeat our command lists only; inputs are valid objects.
        for (const o of input) expect(await validateObject(o)).toEqual([]);
        // Act
        const out = applyAll(input, h);
        // Assert
        for (const o of out) expect(await validateObject(o)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

// --- clusterctl templates ---------------------------------------------------------------------

const TEMPLATE = `# workers, as clusterctl templates write them
apiVersion: bootstrap.cluster.x-k8s.io/v1beta1
kind: MicroK8sConfigTemplate
metadata:
  name: "\${CLUSTER_NAME}-md-0"
spec:
  template:
    spec:
      initConfiguration:
        riskLevel: \${RISK:=stable}
        preRunCommands:
          - echo \${GREETING:-hello} $\${HOME}   # the user's escape
        extraWriteFiles:
          - path: /etc/user.conf
            content: |
              x=\${VALUE}
            owner: root:root
            permissions: "0644"
---
apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: KubeadmConfigTemplate
metadata:
  name: \${CLUSTER_NAME}-md-1
spec:
  template:
    spec:
      joinConfiguration:
        nodeRegistration:
          name: '{{ ds.meta_data.local_hostname }}'
      postKubeadmCommands:
        - echo \${CLUSTER_NAME} $$ done
`;

/** Our files' contents and our commands, per object: what a node gets from the hardening. */
function ourParts(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => {
    const o = d.toJS() as KubeObject;
    const w = where(o);
    if (w === undefined) return null;
    const c = at(o, w.keys);
    return {
      files: ((c[w.files] as Json[] | undefined) ?? []).filter((f) => OUR_FILE_PATHS.includes(f['path'] as string)),
      pre: ((c[w.pre] as unknown[] | undefined) ?? []).filter(isOurs),
      post: ((c[w.post] as unknown[] | undefined) ?? []).filter(isOurs),
    };
  });
}

describe('certificate hardening of clusterctl templates', () => {
  const env = fc.record({ CLUSTER_NAME: word, VALUE: word, GREETING: word, RISK: fc.constantFrom('stable', 'edge') }, { requiredKeys: ['CLUSTER_NAME', 'VALUE'] });

  it('hardened then substituted gives the same scripts, units, options and commands as substituted then hardened', () => {
    fc.assert(
      fc.property(env, hardening, (vars, h) => {
        // Act
        const template = hardenText(TEMPLATE, { hardening: h, templatesDir: TEMPLATES_DIR });
        const viaTemplate = envsubst(template.text, vars);
        const plain = hardenText(envsubst(TEMPLATE, vars), { hardening: h, templatesDir: TEMPLATES_DIR, clusterctlTemplate: false });
        // Assert
        expect(template.clusterctlTemplate).toBe(true);
        const parts = ourParts(viaTemplate);
        expect(parts).toEqual(ourParts(plain.text));
        expect(parts.every((p) => p !== null && (p as { files: unknown[] }).files.length === 4)).toBe(true);
        expect(parseAllDocuments(viaTemplate, { version: '1.1' }).map((d) => d.toJS() as unknown)).toEqual(parseAllDocuments(plain.text, { version: '1.1' }).map((d) => d.toJS() as unknown));
      }),
      { numRuns: 30 },
    );
  });
});
