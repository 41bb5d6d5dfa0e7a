// Certificate rotation for kubeadm control planes (issue 5, item 6). kubeadm issues the
// control-plane certificates for one year (seeds 001, 004); KCP renews them only by rolling out the
// machines, and only when `certificatesExpiryDays` is set: the rollout starts that many days before
// a machine's API-server certificate expires. The field lives at
//   KubeadmControlPlane          v1beta1 spec.rolloutBefore.certificatesExpiryDays
//                                v1beta2 spec.rollout.before.certificatesExpiryDays
//   KubeadmControlPlaneTemplate  the same under spec.template.spec (both template schemas have it)
// Transforms run after conversion, so both shapes arrive here.
//
// Limits (capi-facts.md section a): at least 7 (schema minimum in v1beta2, webhook in v1beta1) and,
// when kubeadmConfigSpec.clusterConfiguration.certificateValidityPeriodDays is set, below it
// (webhook). No CEL rule encodes the second limit, so validation would not catch a bad value: this
// transform never writes one.
//
// Precedence: hardening.certificates.expiryDays, when given and below the object's validity period,
// wins; otherwise a value already in the manifest is kept (whatever it is: validation and lint
// judge it); otherwise the default for the object's validity period fills the gap. An explicit
// value that is not below an object's validity period is not applied to that object (the webhook
// would refuse it); that object is treated as if the option were not given. Objects whose validity
// period is 7 days or less (no valid value exists), or is not a number (a clusterctl placeholder,
// so the limit is unknown), are left alone.
import type { KubeObject } from '../emit/to-yaml.ts';
import { isRecord, valueAt } from '../util/record.ts';
import { updateAt } from './_node-files.ts';
import type { HardenContext, Transform } from './registry.ts';

/**
 * Days before expiry at which KCP rolls the machines, for the kubeadm default validity of 365 days.
 * Rotating 90 days before the one-year expiry leaves a quarter of the certificates' life for a
 * rollout that fails (quota, image, remediation stuck) to be noticed and fixed before the API
 * server, kubelets and kubeconfigs stop working; well above the minimum of 7.
 */
export const CERTIFICATES_EXPIRY_DAYS_DEFAULT = 90;

/** The smallest value KCP accepts. */
export const CERTIFICATES_EXPIRY_DAYS_MIN = 7;

/**
 * The value capi-gen writes when the user gave none: 90 days, or, for a shorter
 * `certificateValidityPeriodDays`, a quarter of it (rounded down, at least 7), so that the same share
 * of the certificates' life stays for noticing a failed rollout and machines are not rolled again
 * right after they were created (`validity - 1` would roll them every day). Undefined when no
 * value is valid (validity ≤ 7).
 */
export function defaultExpiryDays(validityDays: number | undefined): number | undefined {
  if (validityDays === undefined) return CERTIFICATES_EXPIRY_DAYS_DEFAULT;
  const days = Math.min(CERTIFICATES_EXPIRY_DAYS_DEFAULT, Math.max(CERTIFICATES_EXPIRY_DAYS_MIN, Math.floor(validityDays / 4)));
  return days < validityDays ? days : undefined;
}

const GROUP = 'controlplane.cluster.x-k8s.io';

/** Keys from the root to the KCP spec, and from there to certificatesExpiryDays. */
interface Target {
  readonly spec: readonly string[];
  readonly field: readonly string[];
}

function targetOf(obj: unknown): Target | undefined {
  if (!isRecord(obj) || typeof obj['apiVersion'] !== 'string') return undefined;
  const [group, version] = obj['apiVersion'].split('/');
  if (group !== GROUP) return undefined;
  const field =
    version === 'v1beta1' ? ['rolloutBefore', 'certificatesExpiryDays'] : version === 'v1beta2' ? ['rollout', 'before', 'certificatesExpiryDays'] : undefined;
  if (field === undefined) return undefined;
  if (obj['kind'] === 'KubeadmControlPlane') return { spec: ['spec'], field };
  if (obj['kind'] === 'KubeadmControlPlaneTemplate') return { spec: ['spec', 'template', 'spec'], field };
  return undefined;
}

function hardenObject(obj: KubeObject, explicit: number | undefined): KubeObject {
  const target = targetOf(obj);
  if (target === undefined) return obj;
  // Only a well-formed spec (and spec.template for templates) is hardened.
  for (let i = 1; i <= target.spec.length; i++) if (!isRecord(valueAt(obj, target.spec.slice(0, i)))) return obj;
  const spec = valueAt(obj, target.spec);
  const validityRaw = valueAt(spec, ['kubeadmConfigSpec', 'clusterConfiguration', 'certificateValidityPeriodDays']);
  let validity: number | undefined;
  if (typeof validityRaw === 'number' && Number.isInteger(validityRaw)) validity = validityRaw;
  else if (validityRaw !== undefined && validityRaw !== null) return obj;
  const existing = valueAt(spec, target.field);
  let value: number | undefined;
  if (explicit !== undefined && explicit >= CERTIFICATES_EXPIRY_DAYS_MIN && (validity === undefined || explicit < validity)) value = explicit;
  else if (existing !== undefined && existing !== null) return obj;
  else value = defaultExpiryDays(validity);
  if (value === undefined || existing === value) return obj;
  return (updateAt(obj, [...target.spec, ...target.field], () => value) ?? obj) as KubeObject;
}

/** Sets certificatesExpiryDays on KubeadmControlPlane(Template) so KCP renews the certificates. */
export const certificateRotationKubeadm: Transform = {
  id: 'certificate-rotation-kubeadm',
  apply(objects: readonly KubeObject[], context: HardenContext): KubeObject[] {
    const certificates = context.hardening?.certificates;
    if (certificates?.enabled === false) return [...objects];
    const explicit = certificates?.expiryDays;
    return objects.map((o) => hardenObject(o, explicit));
  },
};
