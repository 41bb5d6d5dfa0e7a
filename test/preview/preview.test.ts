// previewUserData on hand-made objects: the values each provider puts into its command lines
// (read in controllers/cloudinit/*.go at 71682d3c and bootstrap/kubeadm/pkg/cloudinit/*.go at
// ae7ff047), Go %q quoting, CRD defaults, kubeadm's files/verbosity/users, and the refusals.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CapiGenError, goQuote, previewUserData, type KubeObject } from '../../packages/core/src/index.ts';

const cluster = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'Cluster',
  metadata: { name: 'c1', namespace: 'ns' },
  spec: { controlPlaneRef: { kind: 'MicroK8sControlPlane', name: 'cp' }, ...spec },
});
const mcp = (controlPlaneConfig: Record<string, unknown> | undefined, version = 'v1.30.2'): KubeObject => ({
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
  kind: 'MicroK8sControlPlane',
  metadata: { name: 'cp', namespace: 'ns' },
  spec: { version, ...(controlPlaneConfig === undefined ? {} : { controlPlaneConfig }) },
});
const runcmd = (objects: KubeObject[], machine: 'init' | 'join' | 'worker', pool?: string): string[] =>
  previewUserData(objects, { machine, ...(pool === undefined ? {} : { pool }) })
    .steps.filter((s) => s.section === 'runcmd')
    .map((s) => s.text);

describe('goQuote (Go strconv.Quote)', () => {
  it('escapes quotes, backslashes and control characters, keeps printable text and escapes the rest', () => {
    expect(goQuote('')).toBe('""');
    expect(goQuote('a"b\\c$d`e')).toBe('"a\\"b\\\\c$d`e"');
    expect(goQuote('\n\t\r\x07\x08\x0b\x0c\x01\x7f')).toBe('"\\n\\t\\r\\a\\b\\v\\f\\x01\\x7f"');
    expect(goQuote('é€ 😀')).toBe('"é€ 😀"');
    expect(goQuote('\u00a0\u2028\u{e0001}')).toBe('"\\u00a0\\u2028\\U000e0001"');
  });
});

describe('MicroK8s', () => {
  it('init without initConfiguration: no CRD defaults to apply (channel without risk level), ports remapped, dns added, proxy scheme http', () => {
    expect(runcmd([cluster(), mcp(undefined)], 'init')).toEqual([
      'set -x',
      '/capi-scripts/00-configure-snapstore-http-proxy.sh "" ""',
      '/capi-scripts/00-configure-snapstore-proxy.sh "http" "" ""',
      '/capi-scripts/00-disable-host-services.sh',
      '/capi-scripts/00-install-microk8s.sh "--channel 1.30 --classic" false',
      '/capi-scripts/10-configure-containerd-proxy.sh "" "" ""',
      '/capi-scripts/10-configure-kubelet.sh',
      '/capi-scripts/50-wait-apiserver.sh',
      'microk8s refresh-certs /var/tmp',
      '/capi-scripts/10-configure-calico-ipip.sh false',
      '/capi-scripts/10-configure-cluster-agent-port.sh "30000"',
      '/capi-scripts/10-configure-dqlite-port.sh "2379"',
      '/capi-scripts/10-configure-cert-for-lb.sh "DNS" "CONTROL_PLANE_ENDPOINT"',
      '/capi-scripts/10-configure-apiserver.sh',
      '/capi-scripts/20-microk8s-enable.sh "dns"',
      'microk8s add-node --token-ttl 315569260 --token "preview0join0token0placeholder00"',
    ]);
  });

  it('strict confinement, edge risk, no port remap, IP endpoint, user values %q-quoted, addon with dns in its name', () => {
    const objects = [
      cluster({ controlPlaneEndpoint: { host: '10.0.0.5', port: 6443 } }),
      mcp(
        {
          clusterConfiguration: { portCompatibilityRemap: false },
          initConfiguration: {
            confinement: 'strict',
            riskLevel: 'edge',
            joinTokenTTLInSecs: 600,
            IPinIP: true,
            disableDefaultCNI: true,
            noProxy: 'a"b,$HOME',
            addons: ['coredns'],
            bootCommands: ['echo boot'],
            preRunCommands: ['echo pre'],
            postRunCommands: ['echo post'],
          },
        },
        'v1.31.0',
      ),
    ];
    const p = previewUserData(objects, { machine: 'init' });
    const lines = p.steps.filter((s) => s.section === 'runcmd').map((s) => s.text);
    expect(lines).toContain('/capi-scripts/00-install-microk8s.sh "--channel 1.31-strict/edge" true');
    expect(lines).toContain('/capi-scripts/10-configure-containerd-proxy.sh "" "" "a\\"b,$HOME"');
    expect(lines).toContain('/capi-scripts/10-configure-cluster-agent-port.sh "25000"');
    expect(lines).toContain('/capi-scripts/10-configure-dqlite-port.sh "19001"');
    expect(lines).toContain('/capi-scripts/10-configure-cert-for-lb.sh "IP" "10.0.0.5"');
    expect(lines).toContain('/capi-scripts/10-configure-calico-ipip.sh true');
    expect(lines).toContain('/capi-scripts/20-microk8s-enable.sh "coredns"');
    expect(lines).toContain('microk8s add-node --token-ttl 600 --token "preview0join0token0placeholder00"');
    expect([lines[1], lines.at(-1)]).toEqual(['echo pre', 'echo post']);
    // bootcmd is written when there are boot commands; the YAML reads back to the same lines
    const doc = parse(p.userData, { version: '1.1' }) as { bootcmd: string[]; runcmd: string[] };
    expect(doc.bootcmd).toEqual(['echo boot']);
    expect(doc.runcmd).toEqual(lines);
    expect(p.notes.some((n) => n.includes('controlPlaneEndpoint'))).toBe(false);
  });

  it('join: no CA files, token file and the join line; enable only with addons', () => {
    const p = previewUserData([cluster(), mcp({ initConfiguration: {} })], { machine: 'join' });
    const files = p.steps.filter((s) => s.section === 'write_files').map((s) => s.text);
    expect(files).not.toContain('/var/tmp/ca.crt');
    expect(files.at(-1)).toBe('/capi/etc/token');
    const lines = p.steps.filter((s) => s.section === 'runcmd').map((s) => s.text);
    expect(lines).toContain('/capi-scripts/20-microk8s-join.sh no "CONTROL_PLANE_NODE_IP:30000/preview0join0token0placeholder00"');
    expect(lines.some((l) => l.includes('20-microk8s-enable.sh'))).toBe(false);
    expect(lines).toContain('/capi-scripts/00-install-microk8s.sh "--channel 1.30/stable --classic" false');
  });

  it('worker: the MachineDeployment\'s version (traefik "no" before 1.25), endpoint unquoted, no token file, install never disables the CNI', () => {
    const md: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineDeployment',
      metadata: { name: 'md', namespace: 'ns' },
      spec: { clusterName: 'c1', template: { spec: { version: 'v1.24.9', bootstrap: { configRef: { kind: 'MicroK8sConfigTemplate', name: 't' } } } } },
    };
    const tpl: KubeObject = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
      kind: 'MicroK8sConfigTemplate',
      metadata: { name: 't', namespace: 'ns' },
      spec: { template: { spec: { initConfiguration: { disableDefaultCNI: true, extraKubeletArgs: ['--a=1', '--b=2'] } } } },
    };
    const p = previewUserData([cluster({ controlPlaneEndpoint: { host: 'api.example.com' } }), md, tpl], { machine: 'worker' });
    expect(p.objects).toEqual(['MachineDeployment/md', 'MicroK8sConfigTemplate/t']);
    const lines = p.steps.filter((s) => s.section === 'runcmd').map((s) => s.text);
    expect(lines).toContain('/capi-scripts/00-install-microk8s.sh "--channel 1.24/stable --classic" false');
    expect(lines.at(-1)).toBe('/capi-scripts/30-configure-traefik.sh api.example.com 6443 no');
    const files = p.steps.filter((s) => s.section === 'write_files');
    expect(files.map((s) => s.text)).not.toContain('/capi/etc/token');
    expect(files.at(-1)).toMatchObject({ text: '/var/tmp/extra-kubelet-args', content: '--a=1\n--b=2', permissions: '0400' });
  });

  it('says when a user file or command holds a Jinja delimiter', () => {
    const p = previewUserData([cluster(), mcp({ initConfiguration: { preRunCommands: ['echo "${#X}"'] } })], { machine: 'init' });
    expect(p.notes.filter((n) => n.includes('Jinja delimiter'))).toEqual([
      'runcmd "echo \\"${#X}\\"" (/spec/controlPlaneConfig/initConfiguration/preRunCommands/0) contains a Jinja delimiter ({{, {% or {#): cloud-init renders the whole user-data with Jinja, so this text will change or the whole part will be skipped; escape it or base64-encode the file',
    ]);
  });
});

describe('kubeadm', () => {
  const kcp = (spec: Record<string, unknown>, apiVersion = 'controlplane.cluster.x-k8s.io/v1beta1'): KubeObject => ({
    apiVersion,
    kind: 'KubeadmControlPlane',
    metadata: { name: 'kcp', namespace: 'ns' },
    spec: { version: 'v1.30.4', kubeadmConfigSpec: spec },
  });
  const kc = (): KubeObject => cluster({ controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'kcp' }, clusterNetwork: { pods: { cidrBlocks: ['10.0.0.0/16'] } } });

  it('init: verbosity flag, certificatesDir, v1beta3 config with map extraArgs for Kubernetes < 1.31, %q commands', () => {
    const p = previewUserData(
      [kc(), kcp({ verbosity: 5, clusterConfiguration: { certificatesDir: '/pki', apiServer: { extraArgs: { a: '1' } } }, preKubeadmCommands: ['echo "$X"'] })],
      { machine: 'init' },
    );
    const files = p.steps.filter((s) => s.section === 'write_files').map((s) => s.text);
    expect(files.slice(0, 8)).toEqual(['/pki/ca.crt', '/pki/ca.key', '/pki/etcd/ca.crt', '/pki/etcd/ca.key', '/pki/front-proxy-ca.crt', '/pki/front-proxy-ca.key', '/pki/sa.pub', '/pki/sa.key']);
    expect(p.steps.filter((s) => s.section === 'runcmd').map((s) => s.text)).toEqual([
      'echo "$X"',
      'kubeadm init --config /run/kubeadm/kubeadm.yaml --v 5 && echo success > /run/cluster-api/bootstrap-success.complete',
    ]);
    expect(p.userData).toContain('  - "echo \\"$X\\""\n  - \'kubeadm init --config /run/kubeadm/kubeadm.yaml --v 5 && echo success > /run/cluster-api/bootstrap-success.complete\'\n');
    const config = p.steps.find((s) => s.text === '/run/kubeadm/kubeadm.yaml')!.content!;
    const [cc, ic] = config.split(/^---\n/m).filter((d) => d !== '').map((d) => parse(d) as Record<string, any>);
    expect(cc).toMatchObject({ apiVersion: 'kubeadm.k8s.io/v1beta3', kind: 'ClusterConfiguration', clusterName: 'c1', kubernetesVersion: 'v1.30.4', apiServer: { extraArgs: { a: '1' } }, networking: { podSubnet: '10.0.0.0/16' } });
    expect(ic).toMatchObject({ apiVersion: 'kubeadm.k8s.io/v1beta3', kind: 'InitConfiguration' });
  });

  it('worker: join config v1beta4 with list extraArgs, contentFrom and Template files, users with passwdFrom, ntp', () => {
    const md: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineDeployment',
      metadata: { name: 'md', namespace: 'ns' },
      spec: { clusterName: 'c1', template: { spec: { version: 'v1.33.0', bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'w' } } } } },
    };
    const tpl: KubeObject = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: 'w', namespace: 'ns' },
      spec: {
        template: {
          spec: {
            joinConfiguration: { nodeRegistration: { kubeletExtraArgs: { 'max-pods': '50' } } },
            files: [
              { path: '/etc/a', contentFrom: { secret: { name: 's', key: 'k' } }, encoding: 'base64' },
              { path: '/etc/v', content: 'version={{ .controlPlane.version }}\n', contentFormat: 'Template' },
            ],
            users: [{ name: 'u', passwdFrom: { secret: { name: 'p', key: 'k' } }, sudo: 'ALL=(ALL) NOPASSWD:ALL' }],
            ntp: { servers: ['ntp.example.com'] },
          },
        },
      },
    };
    const kcpV = { ...kcp({}), spec: { version: 'v1.33.2', kubeadmConfigSpec: {} } } as KubeObject;
    const p = previewUserData([kc(), kcpV, md, tpl], { machine: 'worker' });
    const byPath = new Map(p.steps.filter((s) => s.section === 'write_files').map((s) => [s.text, s]));
    expect([...byPath.keys()]).toEqual(['/etc/a', '/etc/v', '/run/kubeadm/kubeadm-join-config.yaml', '/run/cluster-api/placeholder']);
    expect(byPath.get('/etc/a')!.content).toContain('Secret s key k');
    expect(byPath.get('/etc/v')!.content).toBe('version=v1.33.2\n');
    const join = parse(byPath.get('/run/kubeadm/kubeadm-join-config.yaml')!.content!.replace(/^---\n/, '')) as Record<string, any>;
    expect(join).toMatchObject({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'JoinConfiguration', nodeRegistration: { kubeletExtraArgs: [{ name: 'max-pods', value: '50' }] } });
    expect(join['controlPlane']).toBeUndefined();
    const doc = parse(p.userData, { version: '1.1' }) as Record<string, any>;
    expect(doc['users']).toEqual([{ name: 'u', passwd: 'capi-gen-preview-placeholder-hash', sudo: 'ALL=(ALL) NOPASSWD:ALL' }]);
    expect(doc['ntp']).toEqual({ servers: ['ntp.example.com'] });
    expect(doc['write_files'][0]).not.toHaveProperty('encoding');
    expect(doc['runcmd']).toEqual(['kubeadm join --config /run/kubeadm/kubeadm-join-config.yaml  && echo success > /run/cluster-api/bootstrap-success.complete']);
  });

  it('join: JoinConfiguration with controlPlane; external etcd leaves out the etcd CA', () => {
    const p = previewUserData([kc(), kcp({ clusterConfiguration: { etcd: { external: { endpoints: ['https://e:2379'] } } } })], { machine: 'join' });
    const files = p.steps.filter((s) => s.section === 'write_files').map((s) => s.text);
    expect(files.filter((f) => f.includes('etcd'))).toEqual([]);
    expect(p.notes.some((n) => n.startsWith('external etcd'))).toBe(true);
    const join = parse(p.steps.find((s) => s.text === '/run/kubeadm/kubeadm-join-config.yaml')!.content!) as Record<string, any>;
    expect(join['controlPlane']).toEqual({});
  });

  it('refuses Ignition with the object and field', () => {
    expect(() => previewUserData([kc(), kcp({ format: 'ignition' })], { machine: 'init' })).toThrowError(
      expect.objectContaining({ issues: [expect.objectContaining({ object: 'KubeadmControlPlane/kcp', path: '/spec/kubeadmConfigSpec/format' })] }),
    );
  });
});

describe('what is missing or ambiguous', () => {
  const issue = (f: () => unknown): { object: string; path: string; message: string } => {
    try {
      f();
    } catch (e) {
      if (e instanceof CapiGenError) return e.issues[0]!;
      throw e;
    }
    throw new Error('no error');
  };

  it('several control planes need a name; a name picks one', () => {
    const two = [mcp(undefined), { ...mcp(undefined), metadata: { name: 'cp2', namespace: 'ns' } }];
    expect(issue(() => previewUserData(two, { machine: 'init' })).message).toBe(
      'the input has several control planes (MicroK8sControlPlane/cp, MicroK8sControlPlane/cp2); pick one with --control-plane <name>',
    );
    expect(previewUserData(two, { machine: 'init', controlPlane: 'cp2' }).objects).toEqual(['MicroK8sControlPlane/cp2']);
  });

  it('a bootstrap configRef kind the preview does not know is refused with its field', () => {
    const md: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineDeployment',
      metadata: { name: 'md' },
      spec: { template: { spec: { bootstrap: { configRef: { kind: 'TalosConfigTemplate', name: 't' } } } } },
    };
    expect(issue(() => previewUserData([md], { machine: 'worker' }))).toEqual({
      code: 'REFUSED_OPTION',
      severity: 'error',
      object: 'MachineDeployment/md',
      path: '/spec/template/spec/bootstrap/configRef/kind',
      message: 'bootstrap configRef kind TalosConfigTemplate is not previewed; only MicroK8sConfigTemplate and KubeadmConfigTemplate are',
    });
  });
});
