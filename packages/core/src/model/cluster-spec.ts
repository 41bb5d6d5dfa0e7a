// The cluster spec: what a platform team decides, in one short document. This TypeBox schema
// is the single source of truth: the TypeScript type, the JSON Schema printed by
// `capi-gen schema` (and used by editors), and the validation of spec files all come from it.
//
// Values that reach a shell on a node are constrained here. The MicroK8s bootstrap provider
// writes proxies, snapstore fields, addons and the endpoint into runcmd lines inside Go %q
// double quotes (controllers/cloudinit/controlplane_init.go), where `$(...)`, backticks and
// `$VAR` still expand and capi-gen cannot re-quote; those fields only take characters from
// allow-lists (hosts, URLs, addon names) that exclude `$`, backtick, `"`, `\` and control characters.
import { Type, type Static } from '@sinclair/typebox';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
// No brackets: the worker runcmd passes the endpoint unquoted, where [ ] would be a glob.
const HOST = '^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$|^[0-9A-Fa-f:.]+$';
const CIDR = '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$|^[0-9A-Fa-f:]+/[0-9]{1,3}$';
const VERSION = '^v[0-9]+\\.[0-9]+\\.[0-9]+$';
// No control characters (Go's %q would turn them into escapes), no Jinja braces ({{ }} in
// user-data that starts with `## template: jinja`), nothing that expands inside double quotes.
const URL_SAFE = '^[A-Za-z][A-Za-z0-9+.-]*://[^\\s$`"\\\\{}\\u0000-\\u001f\\u007f]+$';
const DURATION = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

// Why the MicroK8s fields below are capped: they are written into every MicroK8s node's
// user-data, which Nova caps at 65535 bytes of base64 (about 48 KB raw), and the provider's 15
// scripts plus capi-gen's node scripts already take about 30 KB of that on a control plane;
// test/harden/user-data-budget.test.ts renders a spec with every field at its cap and checks
// every role still fits.
const USER_DATA_BUDGET =
  "written into every MicroK8s node's user-data, which Nova caps at 65535 bytes (base64), beside the provider's and capi-gen's node scripts; the caps keep the largest valid spec within it.";

const Name = Type.String({ pattern: DNS_LABEL, minLength: 1, maxLength: 40, description: 'DNS-1123 label; object names are derived from it, so at most 40 characters.' });

const OpenStackMachine = Type.Object(
  {
    flavor: Type.String({ minLength: 1, maxLength: 255, description: 'Nova flavor name.' }),
    image: Type.String({ minLength: 1, maxLength: 255, description: 'Glance image name.' }),
    rootVolumeSizeGiB: Type.Optional(Type.Integer({ minimum: 1, maximum: 65536, description: 'Boot from a volume of this size instead of the image disk.' })),
  },
  { additionalProperties: false },
);

const DockerMachine = Type.Object(
  {
    customImage: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'kindest/node style image; default: the one CAPD picks for the Kubernetes version.' })),
  },
  { additionalProperties: false },
);

const Machine = Type.Object(
  {
    openstack: Type.Optional(OpenStackMachine),
    docker: Type.Optional(DockerMachine),
  },
  { additionalProperties: false, description: 'Machine shape per infrastructure; the flavor uses the one that matches it.' },
);

const WorkerPool = Type.Object(
  {
    name: Name,
    replicas: Type.Integer({ minimum: 0, maximum: 1000 }),
    machine: Machine,
    labels: Type.Optional(Type.Record(Type.String({ pattern: '^([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' }), Type.String({ pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', maxLength: 63 }))),
  },
  { additionalProperties: false },
);

const KubeadmFile = Type.Object(
  {
    path: Type.String({ pattern: '^/', minLength: 2, maxLength: 512 }),
    content: Type.String({ minLength: 1, maxLength: 10240, description: 'KubeadmConfigSpec files[].content limits (1 to 10240 characters).' }),
    permissions: Type.Optional(Type.String({ pattern: '^0?[0-7]{3,4}$' })),
    owner: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$' })),
  },
  { additionalProperties: false },
);

const ExtraArgs = Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 256 }), Type.String({ maxLength: 1024 }), {
  description: 'Flag name (without --) to value.',
});

const Duration = Type.String({ pattern: DURATION, description: 'Kubernetes duration, e.g. 60s, 1m30s.' });

/** The cluster spec schema (TypeBox; JSON Schema draft 7 compatible). */
export const ClusterSpecSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    namespace: Type.Optional(Type.String({ pattern: DNS_LABEL, maxLength: 63, default: 'default' })),
    flavor: Type.String({ description: 'microk8s-openstack, kubeadm-openstack, kubeadm-docker, or one from --templates.' }),
    contract: Type.Optional(Type.Union([Type.Literal('v1beta1'), Type.Literal('v1beta2')], { description: 'CAPI core and kubeadm API version; kubeadm flavors default to v1beta2, MicroK8s flavors support only v1beta1.' })),
    infrastructureContract: Type.Optional(Type.Union([Type.Literal('v1beta1'), Type.Literal('v1beta2')], { description: 'CAPO API version: v1beta1 (CAPO v0.14, default) or v1beta2 (v0.15).' })),
    kubernetesVersion: Type.String({ pattern: VERSION, description: 'e.g. v1.31.4' }),
    controlPlane: Type.Object(
      {
        replicas: Type.Integer({ minimum: 1, maximum: 9, description: 'Odd: etcd and dqlite need a majority.' }),
        machine: Machine,
      },
      { additionalProperties: false },
    ),
    workers: Type.Array(WorkerPool, { minItems: 0, maxItems: 50, default: [] }),
    network: Type.Optional(
      Type.Object(
        {
          podCIDRs: Type.Optional(Type.Array(Type.String({ pattern: CIDR }), { minItems: 1, maxItems: 2 })),
          serviceCIDRs: Type.Optional(Type.Array(Type.String({ pattern: CIDR }), { minItems: 1, maxItems: 2 })),
          serviceDomain: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' })),
          apiServerPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          apiServerLoadBalancer: Type.Optional(Type.Boolean({ description: 'OpenStack: put an Octavia load balancer in front of the API servers (default true).' })),
          controlPlaneEndpoint: Type.Optional(Type.String({ pattern: HOST, maxLength: 253, description: 'Fixed API endpoint host (IP or DNS name); default: assigned by the infrastructure.' })),
        },
        { additionalProperties: false },
      ),
    ),
    openstack: Type.Optional(
      Type.Object(
        {
          cloudName: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'Entry in clouds.yaml.' }),
          identitySecret: Type.String({ pattern: DNS_LABEL, description: 'Secret holding clouds.yaml (key clouds.yaml).' }),
          externalNetworkId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{36}$' })),
          nodeCIDR: Type.Optional(Type.String({ pattern: CIDR })),
          dnsNameservers: Type.Optional(Type.Array(Type.String({ pattern: HOST }), { minItems: 1, maxItems: 5 })),
          sshKeyName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          failureDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        },
        { additionalProperties: false },
      ),
    ),
    microk8s: Type.Optional(
      Type.Object(
        {
          addons: Type.Optional(
            Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*(:[A-Za-z0-9.,:/=_-]+)?$', maxLength: 128 }), {
              maxItems: 16,
              description: `At most 16 of 128 characters: ${USER_DATA_BUDGET}`,
            }),
          ),
          riskLevel: Type.Optional(Type.Union([Type.Literal('stable'), Type.Literal('candidate'), Type.Literal('beta'), Type.Literal('edge')])),
          confinement: Type.Optional(Type.Union([Type.Literal('classic'), Type.Literal('strict')])),
          httpProxy: Type.Optional(Type.String({ pattern: URL_SAFE, maxLength: 256, description: `At most 256 characters: ${USER_DATA_BUDGET}` })),
          httpsProxy: Type.Optional(Type.String({ pattern: URL_SAFE, maxLength: 256, description: `At most 256 characters: ${USER_DATA_BUDGET}` })),
          noProxy: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.,:/_*-]*$', maxLength: 1024, description: `At most 1024 characters: ${USER_DATA_BUDGET}` })),
          snapstoreProxyScheme: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')])),
          snapstoreProxyDomain: Type.Optional(Type.String({ pattern: HOST, maxLength: 253 })),
          snapstoreProxyId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 64 })),
          ipInIp: Type.Optional(Type.Boolean()),
          disableDefaultCNI: Type.Optional(Type.Boolean()),
          upgradeStrategy: Type.Optional(Type.Union([Type.Literal('InPlaceUpgrade'), Type.Literal('RollingUpgrade'), Type.Literal('SmartUpgrade')])),
          extraKubeletArgs: Type.Optional(
            Type.Array(Type.String({ pattern: '^--[a-z0-9-]+(=[^\\n]*)?$', maxLength: 160 }), { maxItems: 16, description: `At most 16 of 160 characters: ${USER_DATA_BUDGET}` }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    kubeadm: Type.Optional(
      Type.Object(
        {
          apiServerExtraArgs: Type.Optional(ExtraArgs),
          controllerManagerExtraArgs: Type.Optional(ExtraArgs),
          schedulerExtraArgs: Type.Optional(ExtraArgs),
          kubeletExtraArgs: Type.Optional(ExtraArgs),
          files: Type.Optional(Type.Array(KubeadmFile, { maxItems: 100 })),
          preCommands: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 10240 }), { maxItems: 100, description: 'Run before kubeadm init/join (your code, passed through unchanged).' })),
          postCommands: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 10240 }), { maxItems: 100, description: 'Run after kubeadm init/join (your code, passed through unchanged).' })),
        },
        { additionalProperties: false },
      ),
    ),
    ntp: Type.Optional(
      Type.Object(
        {
          servers: Type.Array(Type.String({ pattern: HOST, maxLength: 253 }), {
            minItems: 1,
            maxItems: 5,
            description: `At most 5 (NTP needs 4 for a majority with one falseticker); on MicroK8s ${USER_DATA_BUDGET}`,
          }),
        },
        { additionalProperties: false },
      ),
    ),
    sshAuthorizedKeys: Type.Optional(Type.Array(Type.String({ pattern: '^(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\\n]*)?$' }), { maxItems: 50 })),
    hardening: Type.Optional(
      Type.Object(
        {
          certificates: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean({ default: true, description: 'false turns every certificate step off: KCP rotation, the CA verification, the node scripts and units.' })),
                // certificate-rotation-kubeadm: explicit days-before-expiry for KCP rollouts (issue 5 item 6).
                expiryDays: Type.Optional(Type.Integer({ minimum: 7, maximum: 1094, description: 'KubeadmControlPlane certificatesExpiryDays: KCP rolls a control-plane machine this many days before its certificates expire.' })),
                // The node scripts' options file (/etc/capi-gen/certs.env, node-certs-contract.ts
                // CERTS_ENV_KEYS); the bounds are those the scripts' parser accepts.
                timeSyncTimeoutSeconds: Type.Optional(
                  Type.Integer({ minimum: 0, maximum: 3600, description: 'TIME_SYNC_TIMEOUT: seconds a node waits for time synchronisation before it goes on with a warning (0: do not wait). Default 180.' }),
                ),
                skewToleranceSeconds: Type.Optional(
                  Type.Integer({ minimum: 0, maximum: 86400, description: 'SKEW_TOLERANCE: seconds a certificate\'s notBefore may lie in the future before it counts as minted by a clock running ahead. Default 300.' }),
                ),
                expiryWarningDays: Type.Optional(
                  Type.Integer({ minimum: 1, maximum: 365, description: 'EXPIRY_WARN_DAYS: days before notAfter at which a MicroK8s node refreshes a certificate and a kubeadm node warns (or renews, with renewOnNode). Default 30.' }),
                ),
                renewOnNode: Type.Optional(
                  Type.Boolean({ description: 'RENEW, kubeadm flavors only: the daily check runs `kubeadm certs renew all` and restarts the static pods when a certificate is within expiryWarningDays. Default false (KCP rolls the machines instead).' }),
                ),
                textfileDir: Type.Optional(
                  Type.String({
                    pattern: '^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$',
                    minLength: 2,
                    maxLength: 255,
                    description: 'TEXTFILE_DIR: absolute folder of the node-exporter textfile collector; segments of letters, digits and . _ - (not starting with . or -). Default /var/lib/node_exporter/textfile_collector.',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
          leaderElection: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean({ default: true })),
                leaseDuration: Type.Optional(Duration),
                renewDeadline: Type.Optional(Duration),
                retryPeriod: Type.Optional(Duration),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false, description: 'Certificate checks and leader-election tuning; applied by default.' },
      ),
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://capi-gen.dev/schemas/cluster-spec.json',
    title: 'capi-gen cluster spec',
  },
);

/** A cluster spec, as users write it (YAML/JSON) and as IaC code passes it. */
export type ClusterSpec = Static<typeof ClusterSpecSchema>;
