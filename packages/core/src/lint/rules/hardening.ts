// Hardening rules: what capi-gen's hardening (docs/hardening.md) would set, checked on manifests
// that were not generated or hardened by it.
//
// - Certificate rotation: kubeadm certificates live one year (seeds 001, 004); KCP renews them by
//   rolling out machines `certificatesExpiryDays` before expiry, only when the field is set.
// - Leader election of kube-controller-manager and kube-scheduler on kubeadm control planes
//   (seed 003): flags read by harden/leader-election-kubeadm.ts, judged by client-go's rules.
//
// - MicroK8s CA verification on the init control-plane node (seed 000): the step added by
//   harden/microk8s-ca-verification.ts (its script in extraWriteFiles and its preRunCommand).
//
// - The node certificate guard (seed 002; expiry checks for seeds 001, 004): the clock-skew guard (bounded wait for time
//   sync before the node mints or checks certificates) and the certificate checks, wired by the
//   microk8s-cert-guard and kubeadm-cert-checks transforms. What "guarded" means is the contract
//   in harden/node-certs-contract.ts; the constants come from there.
import { isRecord, valueAt } from '../../util/record.ts';
import { checkEffectiveTimings, KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS, readLeaderElectionArgs } from '../../harden/leader-election-kubeadm.ts';
import { LEADER_ELECTION_FLAGS, parseDuration } from '../../harden/leader-election-options.ts';
import { MICROK8S_VERIFY_CA_SCRIPT_PATH, MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH } from '../../harden/microk8s-ca-verification.ts';
import {
  CERTS_SERVICE_PATH,
  KUBEADM_CERTS_SCRIPT_PATH,
  KUBEADM_PRE_COMMAND,
  MICROK8S_CERTS_SCRIPT_PATH,
  MICROK8S_FIRST_BOOT_COMMAND,
} from '../../harden/node-certs-contract.ts';
import { childPointer, joinPointer, parsePointer } from '../../validate/pointer.ts';
import type { LintRule, RuleFinding } from '../types.ts';
import { BOOTSTRAP_SPEC_PLACES } from './bootstrap.ts';

const CONTROLPLANE_GROUP = 'controlplane.cluster.x-k8s.io';

/** Keys to the KCP spec (the template's inner spec for KubeadmControlPlaneTemplate), and the API version. */
function kcpSpecKeys(value: unknown): { keys: string[]; version: string } | undefined {
  if (!isRecord(value) || typeof value['apiVersion'] !== 'string') return undefined;
  const [group, version] = value['apiVersion'].split('/');
  if (group !== CONTROLPLANE_GROUP || version === undefined) return undefined;
  if (value['kind'] === 'KubeadmControlPlane') return { keys: ['spec'], version };
  if (value['kind'] === 'KubeadmControlPlaneTemplate') return { keys: ['spec', 'template', 'spec'], version };
  return undefined;
}

const kcpNoCertRotation: LintRule = {
  id: 'harden/kcp-no-cert-rotation',
  severity: 'warning',
  summary: 'A KubeadmControlPlane does not roll out machines before their certificates expire (kubeadm certificates live one year).',
  fix: 'Set `spec.rollout.before.certificatesExpiryDays` (v1beta2) or `spec.rolloutBefore.certificatesExpiryDays` (v1beta1), e.g. 90.',
  docs: '#harden-kcp-no-cert-rotation',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const found = kcpSpecKeys(doc.value);
      if (found === undefined) continue;
      const spec = valueAt(doc.value, found.keys);
      if (!isRecord(spec)) continue;
      const field = found.version === 'v1beta1' ? ['rolloutBefore', 'certificatesExpiryDays'] : ['rollout', 'before', 'certificatesExpiryDays'];
      const value = valueAt(spec, field);
      if (value !== undefined && value !== null) continue;
      const shown = [...found.keys, ...field].join('.');
      out.push({
        document: doc.index,
        path: joinPointer([...found.keys, ...field]),
        message: `\`${shown}\` is not set: the control-plane certificates kubeadm issues expire after one year, and without this field KCP never rolls the machines to renew them, so the API server, kubelets and kubeconfigs stop working on the expiry date`,
      });
    }
    return out;
  },
};

const BINARY = { controllerManager: 'kube-controller-manager', scheduler: 'kube-scheduler' } as const;

// Three rules read the same leader-election flags of each document; read them once per document
// value (the documents of one lint run; the memo holds nothing once they are gone).
const argsMemo = new WeakMap<object, ReturnType<typeof readLeaderElectionArgs>>();
const timingsMemo = new WeakMap<object, ReturnType<typeof checkEffectiveTimings>>();

function leaderElectionArgs(value: unknown): ReturnType<typeof readLeaderElectionArgs> {
  if (value === null || typeof value !== 'object') return readLeaderElectionArgs(value);
  let found = argsMemo.get(value);
  if (found === undefined) argsMemo.set(value, (found = readLeaderElectionArgs(value)));
  return found;
}

function effectiveTimingProblems(value: unknown): ReturnType<typeof checkEffectiveTimings> {
  if (value === null || typeof value !== 'object') return checkEffectiveTimings(value);
  let found = timingsMemo.get(value);
  if (found === undefined) timingsMemo.set(value, (found = checkEffectiveTimings(value)));
  return found;
}

function hasPlaceholderValue(values: Readonly<Record<string, string | undefined>>): boolean {
  return Object.values(values).some((v) => v !== undefined && v.includes('${'));
}

const leaderElectionInvalid: LintRule = {
  id: 'harden/leader-election-invalid',
  severity: 'error',
  summary: "kube-controller-manager or kube-scheduler leader-election flags break client-go's rule (lease > renew > 1.2 x retry, all positive durations), so the component refuses to start.",
  fix: 'Make leader-elect-lease-duration > leader-elect-renew-deadline > 1.2 x leader-elect-retry-period (e.g. 60s / 40s / 5s), or run `capi-gen harden` to set them.',
  docs: '#harden-leader-election-invalid',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const found = leaderElectionArgs(doc.value);
      if (found.length === 0) continue;
      const skip = new Set(found.filter((f) => hasPlaceholderValue(f.values)).map((f) => f.component));
      for (const p of effectiveTimingProblems(doc.value)) {
        if (skip.has(p.component)) continue;
        out.push({ document: doc.index, path: p.path, message: p.message });
      }
    }
    return out;
  },
};

/** Every flag that configures leader election (the three timings, the switch and the lock). */
const LEADER_ELECT_FLAG = /^leader-elect(?:-.*)?$/;

/** The flag as kube components read it: leading dashes dropped, `_` normalised to `-` (cliflag.WordSepNormalizeFunc). */
function normaliseFlag(name: string): string {
  return name.replace(/^-+/, '').replace(/_/g, '-');
}

const leaderElectionDuplicate: LintRule = {
  id: 'harden/leader-election-duplicate',
  severity: 'error',
  summary: 'A leader-election flag of kube-controller-manager or kube-scheduler is given twice (the same name, or names that are the same flag).',
  fix: 'Keep one entry per flag in `extraArgs`.',
  docs: '#harden-leader-election-duplicate',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      for (const found of leaderElectionArgs(doc.value)) {
        const args = valueAt(doc.value, parsePointer(found.extraArgsPath));
        const seen = new Map<string, { raw: string; where: string }>();
        const entries: { raw: string; pointer: string; where: string; value: unknown }[] = [];
        if (Array.isArray(args)) {
          args.forEach((e: unknown, i) => {
            if (isRecord(e) && typeof e['name'] === 'string') {
              entries.push({ raw: e['name'], pointer: childPointer(childPointer(found.extraArgsPath, i), 'name'), where: `entry ${i}`, value: e['value'] });
            }
          });
        } else if (isRecord(args)) {
          for (const [k, v] of Object.entries(args)) entries.push({ raw: k, pointer: childPointer(found.extraArgsPath, k), where: `key "${k}"`, value: v });
        }
        for (const e of entries) {
          const flag = normaliseFlag(e.raw);
          if (!LEADER_ELECT_FLAG.test(flag)) continue;
          const first = seen.get(flag);
          if (first === undefined) {
            seen.set(flag, { raw: e.raw, where: e.where });
            continue;
          }
          const same = first.raw === e.raw ? `"${e.raw}" is already set by ${first.where}` : `"${e.raw}" is the same flag as "${first.raw}" (${first.where}): kube components read \`_\` as \`-\``;
          out.push({
            document: doc.index,
            path: e.pointer,
            atKey: !Array.isArray(args),
            message: `${BINARY[found.component]} gets --${flag} twice: ${same}; kubeadm passes both and the last one wins${Array.isArray(args) && first.raw === e.raw ? ', and the API server refuses duplicate extraArgs names' : ''}`,
          });
        }
      }
    }
    return out;
  },
};

const TIMINGS = ['leaseDuration', 'renewDeadline', 'retryPeriod'] as const;

/** The upstream default lease duration and renew deadline, parsed once. */
const DEFAULT_LEASE = parseDuration(KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS.leaseDuration)!;
const DEFAULT_RENEW = parseDuration(KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS.renewDeadline)!;

const leaderElectionDefault: LintRule = {
  id: 'harden/leader-election-default',
  severity: 'info',
  summary: "kube-controller-manager or kube-scheduler runs with the upstream leader-election timings (15s / 10s / 2s), which lose the lease when the API server stalls for 10 s.",
  fix: 'Run `capi-gen harden` (sets 60s / 40s / 5s), or set the leader-elect-lease-duration / -renew-deadline / -retry-period extraArgs yourself.',
  docs: '#harden-leader-election-default',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const found = leaderElectionArgs(doc.value);
      if (found.length === 0) continue;
      const invalid = new Set(effectiveTimingProblems(doc.value).map((p) => p.component));
      for (const f of found) {
        if (f.leaderElect === 'false' || invalid.has(f.component) || hasPlaceholderValue(f.values)) continue;
        const lease = f.values.leaseDuration === undefined ? DEFAULT_LEASE : parseDuration(f.values.leaseDuration);
        const renew = f.values.renewDeadline === undefined ? DEFAULT_RENEW : parseDuration(f.values.renewDeadline);
        if (lease === undefined || renew === undefined || lease > DEFAULT_LEASE || renew > DEFAULT_RENEW) continue;
        const set = TIMINGS.filter((k) => f.values[k] !== undefined);
        const effective = TIMINGS.map((k) => `${LEADER_ELECTION_FLAGS[k]}=${f.values[k] ?? KUBE_COMPONENT_LEADER_ELECTION_DEFAULTS[k]}`).join(', ');
        out.push({
          document: doc.index,
          path: set.length === 0 ? f.extraArgsPath : f.paths[set[0]!]!,
          message: `${BINARY[f.component]} runs with ${set.length === 0 ? 'the upstream default leader-election timings' : 'leader-election timings no longer than the upstream defaults'} (${effective}): an API server that does not answer for 10 s makes it lose the lease and restart`,
        });
      }
    }
    return out;
  },
};

const microk8sNoCaVerification: LintRule = {
  id: 'harden/microk8s-no-ca-verification',
  severity: 'warning',
  summary: 'A MicroK8sControlPlane does not verify that `microk8s refresh-certs /var/tmp` installed the cluster CA on the init node.',
  fix: 'Run `capi-gen harden` (adds /capi-gen/microk8s-verify-ca.sh and its preRunCommand), or add an equivalent check.',
  docs: '#harden-microk8s-no-ca-verification',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const v = doc.value;
      if (!isRecord(v) || v['kind'] !== 'MicroK8sControlPlane' || v['apiVersion'] !== `${CONTROLPLANE_GROUP}/v1beta1`) continue;
      const init = valueAt(v, ['spec', 'controlPlaneConfig', 'initConfiguration']);
      const hasScript = hasFile(listAt(init, 'extraWriteFiles'), MICROK8S_VERIFY_CA_SCRIPT_PATH);
      const hasHook = listAt(init, 'preRunCommands').some((c) => typeof c === 'string' && c.trim().startsWith(MICROK8S_WRAP_CALICO_IPIP_SCRIPT_PATH));
      if (hasScript && hasHook) continue;
      out.push({
        document: doc.index,
        path: '/spec/controlPlaneConfig/initConfiguration',
        atKey: true,
        message:
          'nothing checks that `microk8s refresh-certs /var/tmp` installed the CAPI-held CA; when it fails the node keeps its own CA and the management cluster sees `x509: certificate signed by unknown authority` (field report 000)',
      });
    }
    return out;
  },
};

/** Keys to the bootstrap config a node is built from, per kind, and the API versions the rule checks. */
type ConfigPlaces = Readonly<Record<string, { readonly group: string; readonly versions: readonly string[]; readonly keys: readonly string[] }>>;

/** The places of bootstrap.ts for one provider's kinds, checked in `versions`. */
function configPlaces(provider: 'kubeadm' | 'microk8s', versions: readonly string[]): ConfigPlaces {
  return Object.fromEntries(
    Object.entries(BOOTSTRAP_SPEC_PLACES)
      .filter(([, p]) => p.provider === provider)
      .map(([kind, p]) => [kind, { group: p.group, versions, keys: p.keys }]),
  );
}

const MICROK8S_CONFIGS = configPlaces('microk8s', ['v1beta1']);
const KUBEADM_CONFIGS = configPlaces('kubeadm', ['v1beta1', 'v1beta2']);

/** The config object of a document and its keys, when the document is one of `places`. */
function bootstrapConfig(value: unknown, places: ConfigPlaces): { config: unknown; keys: readonly string[] } | undefined {
  if (!isRecord(value) || typeof value['apiVersion'] !== 'string' || typeof value['kind'] !== 'string') return undefined;
  const place = Object.hasOwn(places, value['kind']) ? places[value['kind']] : undefined;
  if (place === undefined) return undefined;
  const [group, version] = value['apiVersion'].split('/');
  if (group !== place.group || version === undefined || !place.versions.includes(version)) return undefined;
  return { config: valueAt(value, place.keys), keys: place.keys };
}

function listAt(config: unknown, key: string): readonly unknown[] {
  return isRecord(config) && Array.isArray(config[key]) ? config[key] : [];
}

const hasCommand = (list: readonly unknown[], command: string): boolean => list.some((c) => typeof c === 'string' && c.trim() === command);
const hasFile = (list: readonly unknown[], path: string): boolean => list.some((f) => isRecord(f) && f['path'] === path);

/** What of the guard is missing, for the message ("" when nothing is). */
function missingParts(parts: readonly (readonly [boolean, string])[]): string {
  return parts.filter(([present]) => !present).map(([, what]) => what).join(', ');
}

const microk8sNoCertGuard: LintRule = {
  id: 'harden/microk8s-no-cert-guard',
  severity: 'warning',
  summary: 'MicroK8s nodes without the clock-skew guard and certificate checks: certificates minted before the clock is synced, or close to expiry, are not refreshed.',
  fix: `Run \`capi-gen harden <file>\` (adds ${MICROK8S_CERTS_SCRIPT_PATH}, its systemd unit and the first-boot preRunCommand).`,
  docs: '#harden-microk8s-no-cert-guard',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const found = bootstrapConfig(doc.value, MICROK8S_CONFIGS);
      if (found === undefined) continue;
      const files = listAt(found.config, 'extraWriteFiles');
      const missing = missingParts([
        [hasCommand(listAt(found.config, 'preRunCommands'), MICROK8S_FIRST_BOOT_COMMAND), `preRunCommands entry "${MICROK8S_FIRST_BOOT_COMMAND}"`],
        [hasFile(files, MICROK8S_CERTS_SCRIPT_PATH), `extraWriteFiles entry ${MICROK8S_CERTS_SCRIPT_PATH}`],
        [hasFile(files, CERTS_SERVICE_PATH), `extraWriteFiles entry ${CERTS_SERVICE_PATH}`],
      ]);
      if (missing === '') continue;
      out.push({
        document: doc.index,
        path: joinPointer(found.keys),
        atKey: true,
        message: `\`${found.keys.join('.')}\` lacks the node certificate guard (missing: ${missing}): MicroK8s mints server.crt from the node's clock at install and again at boot, so a clock that is ahead until time sync corrects it leaves a certificate that is not valid yet (field report 002: \`x509: certificate has expired or is not yet valid\` after a reboot), and nothing refreshes it or certificates about to expire`,
      });
    }
    return out;
  },
};

const kubeadmNoCertChecks: LintRule = {
  id: 'harden/kubeadm-no-cert-checks',
  severity: 'warning',
  summary: 'kubeadm nodes without the clock-skew guard and certificate checks before `kubeadm init`/`join`: a skewed clock or a CA that is not valid yet fails the node late and silently.',
  fix: `Run \`capi-gen harden <file>\` (adds ${KUBEADM_CERTS_SCRIPT_PATH} and its preKubeadmCommand).`,
  docs: '#harden-kubeadm-no-cert-checks',
  check(context) {
    const out: RuleFinding[] = [];
    for (const doc of context.documents) {
      const found = bootstrapConfig(doc.value, KUBEADM_CONFIGS);
      if (found === undefined) continue;
      const missing = missingParts([
        [hasCommand(listAt(found.config, 'preKubeadmCommands'), KUBEADM_PRE_COMMAND), `preKubeadmCommands entry "${KUBEADM_PRE_COMMAND}"`],
        [hasFile(listAt(found.config, 'files'), KUBEADM_CERTS_SCRIPT_PATH), `files entry ${KUBEADM_CERTS_SCRIPT_PATH}`],
      ]);
      if (missing === '') continue;
      out.push({
        document: doc.index,
        path: joinPointer(found.keys),
        atKey: true,
        message: `\`${found.keys.join('.')}\` lacks the node certificate checks (missing: ${missing}): nothing waits for time sync before kubeadm mints certificates, or checks that the CA files are valid now and match their keys, so a skewed clock (field report 002) or a bad CA fails the node later with \`x509: certificate has expired or is not yet valid\``,
      });
    }
    return out;
  },
};

/** The hardening rules, in docs order. */
export const HARDENING_RULES: readonly LintRule[] = [
  kcpNoCertRotation,
  leaderElectionInvalid,
  leaderElectionDuplicate,
  leaderElectionDefault,
  microk8sNoCaVerification,
  microk8sNoCertGuard,
  kubeadmNoCertChecks,
];
