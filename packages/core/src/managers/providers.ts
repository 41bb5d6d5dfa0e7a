// The Cluster API manager Deployments of a management cluster, as `clusterctl init` installs them:
// where each one lives, what its `manager` container is started with, and which leader-election
// flags its binary accepts. Data only; manager-patches.ts turns it into patches.
//
// Sources (see also ../shared/notes/capi-facts.md section d and anchors.md section 1):
// - namespaces, Deployment names, lease IDs, defaults and which binaries take the three duration
//   flags: capi-facts.md section d (read from each provider's main.go on main; unchanged since at
//   least CAPI v1.10).
// - the args lists: read from each provider's config/manager/manager.yaml (CAPI main, CAPO tags
//   v0.12.0, v0.13.0, v0.14.7), with clusterctl variables at their defaults; what is assumed for
//   versions that were not read is said per entry. Check them against the live cluster with
//     kubectl -n <namespace> get deploy <deployment> -o jsonpath='{.spec.template.spec.containers[?(@.name=="manager")].args}'
//   and pass the result with `--provider-args <provider>=<file>` when it differs.
//
// To correct an args list: edit the `args` of the entry for that version range (or add an entry
// with its own `from`/`to`), update `source` and `assumed`, and rerun
// `pnpm vitest run packages/core/test/managers`. The values are the ones `clusterctl init`
// substitutes when no variable is set (`${CAPI_DIAGNOSTICS_ADDRESS:=:8443}` becomes `:8443`).
import type { LeaderElectionTimings } from '../harden/leader-election-options.ts';

/** The providers capi-gen knows, by the name the CLI uses. */
export type ManagerProviderId =
  | 'core'
  | 'kubeadm-bootstrap'
  | 'kubeadm-control-plane'
  | 'openstack'
  | 'docker'
  | 'microk8s-bootstrap'
  | 'microk8s-control-plane';

/** The manager args shipped by one range of provider versions (major.minor, both ends included). */
export interface ManagerArgsEntry {
  /** First minor version of the range, `1.10`. */
  readonly from: string;
  /** Last minor version of the range, `1.14`. */
  readonly to: string;
  /** The `manager` container's args after `clusterctl init` substituted its variables with their defaults. */
  readonly args: readonly string[];
  /** Where this list came from. */
  readonly source: string;
  /** What in `args` is assumed rather than read from the upstream manifest. */
  readonly assumed: string;
}

/** One manager Deployment. */
export interface ManagerProvider {
  readonly id: ManagerProviderId;
  /** clusterctl's provider name (`cluster-api`, `kubeadm`, `openstack`, ...). */
  readonly clusterctlName: string;
  /** The cluster-api-operator kind that installs it. */
  readonly operatorKind: 'CoreProvider' | 'BootstrapProvider' | 'ControlPlaneProvider' | 'InfrastructureProvider';
  readonly namespace: string;
  readonly deployment: string;
  /** The container that runs the manager binary; patches match it by this name, never by position. */
  readonly container: 'manager';
  /** The binary's main.go, where the flags are defined. */
  readonly mainGo: string;
  /** Whether the binary defines --leader-elect-lease-duration, --leader-elect-renew-deadline and --leader-elect-retry-period. */
  readonly acceptsTimingFlags: boolean;
  /** The Lease object's name in the provider's namespace. */
  readonly leaseId: string;
  /** The timings the binary uses when no flag is given. */
  readonly defaults: LeaderElectionTimings;
  /** Set when the defaults come from controller-runtime and cannot be changed by flag. */
  readonly defaultsFixed?: string;
  /** Newest range last. */
  readonly args: readonly ManagerArgsEntry[];
}

const UPSTREAM_DEFAULTS: LeaderElectionTimings = { leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '2s' };

const ASSUMED_FEATURE_GATES =
  'the --feature-gates value (gate names and their init-time defaults) and every flag other than --leader-elect and --diagnostics-address';

// Both MicroK8s managers (bootstrap and control plane) ship the same single flag.
const MICROK8S_ARGS: readonly ManagerArgsEntry[] = [
  {
    from: '0.2',
    to: '0.6',
    args: ['--leader-elect'],
    source: 'capi-facts.md section d ("All shipped manager manifests pass --leader-elect"; only this flag exists)',
    assumed: 'the Deployment name and any flag besides --leader-elect (never patched: capi-gen refuses MicroK8s managers)',
  },
];

export const MANAGER_PROVIDERS: Readonly<Record<ManagerProviderId, ManagerProvider>> = {
  core: {
    id: 'core',
    clusterctlName: 'cluster-api',
    operatorKind: 'CoreProvider',
    namespace: 'capi-system',
    deployment: 'capi-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api core/main.go (main.go before v1.14)',
    acceptsTimingFlags: true,
    leaseId: 'controller-leader-election-capi',
    defaults: UPSTREAM_DEFAULTS,
    args: [
      {
        from: '1.10',
        to: '1.14',
        args: [
          '--leader-elect',
          '--diagnostics-address=:8443',
          '--insecure-diagnostics=false',
          '--feature-gates=MachinePool=true,ClusterTopology=false,RuntimeSDK=false,MachineSetPreflightChecks=true,MachineWaitForVolumeDetachConsiderVolumeAttachments=true,PriorityQueue=true,ReconcilerRateLimiting=true,InPlaceUpdates=false,MachineTaintPropagation=false,ClusterTopologyWorkerVersionPinning=false',
        ],
        source: 'cluster-api core/config/manager/manager.yaml on main (v1.15 dev, read 2026-11), variables at their defaults',
        assumed: 'that v1.10-v1.14 ship the same list; older minors have fewer feature gates (pass --provider-args)',
      },
    ],
  },
  'kubeadm-bootstrap': {
    id: 'kubeadm-bootstrap',
    clusterctlName: 'kubeadm',
    operatorKind: 'BootstrapProvider',
    namespace: 'capi-kubeadm-bootstrap-system',
    deployment: 'capi-kubeadm-bootstrap-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api bootstrap/kubeadm/main.go',
    acceptsTimingFlags: true,
    leaseId: 'kubeadm-bootstrap-manager-leader-election-capi',
    defaults: UPSTREAM_DEFAULTS,
    args: [
      {
        from: '1.10',
        to: '1.14',
        args: [
          '--leader-elect',
          '--diagnostics-address=:8443',
          '--insecure-diagnostics=false',
          '--feature-gates=MachinePool=true,KubeadmBootstrapFormatIgnition=false',
          '--bootstrap-token-ttl=15m',
        ],
        source: 'cluster-api bootstrap/kubeadm/config/manager/manager.yaml on main (read 2026-11), variables at their defaults',
        assumed: 'that v1.10-v1.14 ship the same list',
      },
    ],
  },
  'kubeadm-control-plane': {
    id: 'kubeadm-control-plane',
    clusterctlName: 'kubeadm',
    operatorKind: 'ControlPlaneProvider',
    namespace: 'capi-kubeadm-control-plane-system',
    deployment: 'capi-kubeadm-control-plane-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api controlplane/kubeadm/main.go',
    acceptsTimingFlags: true,
    leaseId: 'kubeadm-control-plane-manager-leader-election-capi',
    // Raised by cluster-api PR #3980 for self-hosted clusters (capi-facts.md section d).
    defaults: { leaseDuration: '1m', renewDeadline: '40s', retryPeriod: '5s' },
    args: [
      {
        from: '1.10',
        to: '1.14',
        args: [
          '--leader-elect',
          '--diagnostics-address=:8443',
          '--insecure-diagnostics=false',
          '--use-deprecated-infra-machine-naming=false',
          '--feature-gates=MachinePool=true,ClusterTopology=false,KubeadmBootstrapFormatIgnition=false',
        ],
        source: 'cluster-api controlplane/kubeadm/config/manager/manager.yaml on main (read 2026-11), variables at their defaults',
        assumed: 'that v1.10-v1.14 ship the same list',
      },
    ],
  },
  openstack: {
    id: 'openstack',
    clusterctlName: 'openstack',
    operatorKind: 'InfrastructureProvider',
    namespace: 'capo-system',
    deployment: 'capo-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api-provider-openstack main.go',
    acceptsTimingFlags: true,
    leaseId: 'controller-leader-election-capo',
    defaults: UPSTREAM_DEFAULTS,
    args: [
      {
        from: '0.12',
        to: '0.13',
        args: ['--leader-elect', '--v=2', '--diagnostics-address=127.0.0.1:8080', '--insecure-diagnostics=true'],
        source: 'cluster-api-provider-openstack config/manager/manager.yaml at tags v0.12.0 and v0.13.0',
        assumed: 'nothing for the tags read; patch releases assumed equal',
      },
      {
        from: '0.14',
        to: '0.14',
        args: ['--leader-elect', '--v=2', '--diagnostics-address=127.0.0.1:8080', '--insecure-diagnostics=true', '--feature-gates=PriorityQueue=false,AutoScaleFromZero=false'],
        source: 'cluster-api-provider-openstack config/manager/manager.yaml at tag v0.14.7, variables at their defaults',
        assumed: 'earlier v0.14 patch releases assumed equal',
      },
    ],
  },
  docker: {
    id: 'docker',
    clusterctlName: 'docker',
    operatorKind: 'InfrastructureProvider',
    namespace: 'capd-system',
    deployment: 'capd-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api test/infrastructure/docker/main.go',
    acceptsTimingFlags: true,
    leaseId: 'controller-leader-election-capd',
    defaults: UPSTREAM_DEFAULTS,
    args: [
      {
        from: '1.10',
        to: '1.14',
        args: ['--leader-elect', '--diagnostics-address=:8443', '--insecure-diagnostics=false', '--feature-gates=MachinePool=true,ClusterTopology=false'],
        source: 'issue 6 and anchors.md section 1 (same layout as core)',
        assumed: ASSUMED_FEATURE_GATES,
      },
    ],
  },
  'microk8s-bootstrap': {
    id: 'microk8s-bootstrap',
    clusterctlName: 'microk8s',
    operatorKind: 'BootstrapProvider',
    namespace: 'capi-microk8s-bootstrap-system',
    deployment: 'capi-microk8s-bootstrap-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api-bootstrap-provider-microk8s main.go',
    acceptsTimingFlags: false,
    leaseId: 'microk8s-bootstrap-manager-leader-election-capi',
    defaults: UPSTREAM_DEFAULTS,
    defaultsFixed: 'controller-runtime v0.13.0 built-in defaults',
    args: MICROK8S_ARGS,
  },
  'microk8s-control-plane': {
    id: 'microk8s-control-plane',
    clusterctlName: 'microk8s',
    operatorKind: 'ControlPlaneProvider',
    namespace: 'capi-microk8s-control-plane-system',
    deployment: 'capi-microk8s-control-plane-controller-manager',
    container: 'manager',
    mainGo: 'cluster-api-control-plane-provider-microk8s main.go',
    acceptsTimingFlags: false,
    leaseId: 'microk8s-control-plane-manager-leader-election-capi',
    defaults: UPSTREAM_DEFAULTS,
    defaultsFixed: 'controller-runtime v0.13.0 built-in defaults',
    args: MICROK8S_ARGS,
  },
};

/** Every provider id, in table order. */
export const MANAGER_PROVIDER_IDS: readonly ManagerProviderId[] = Object.keys(MANAGER_PROVIDERS) as ManagerProviderId[];

/** What `capi-gen manager-patches` patches when no provider is named. */
export const DEFAULT_MANAGER_PROVIDERS: readonly ManagerProviderId[] = ['core', 'kubeadm-bootstrap', 'kubeadm-control-plane', 'openstack'];

export function isManagerProviderId(id: string): id is ManagerProviderId {
  return Object.hasOwn(MANAGER_PROVIDERS, id);
}

function minor(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * The args entry for a provider version (`v1.12.3`, `1.12`), or the newest entry when no version
 * is given; undefined when the version is outside every known range or not a version.
 */
export function findManagerArgs(provider: ManagerProvider, version?: string): ManagerArgsEntry | undefined {
  if (version === undefined) return provider.args.at(-1);
  const v = minor(version);
  if (v === undefined) return undefined;
  return provider.args.find((e) => compare(minor(e.from)!, v) <= 0 && compare(v, minor(e.to)!) <= 0);
}

/** The kubectl command that prints the manager container's args of a live Deployment. */
export function liveArgsCommand(provider: ManagerProvider): string {
  return `kubectl -n ${provider.namespace} get deploy ${provider.deployment} -o jsonpath='{.spec.template.spec.containers[?(@.name=="${provider.container}")].args}'`;
}
