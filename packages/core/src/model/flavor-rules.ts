// What a flavor needs from a spec and what it cannot use: OpenStack sections for OpenStack
// flavors, options of the other bootstrap provider, MicroK8s limits. Called through
// checkClusterSpec and parseClusterSpecDocument (model/load-spec.ts), so that these problems come
// with the schema and rule problems of the same spec, all at once (renderCluster checks specs
// passed as values that way too).
// It reads the spec defensively: a spec the schema rejects still gets its flavor problems.
import type { Issue } from '../errors.ts';
import type { Flavor } from '../flavors/flavor.ts';

/** The parts of a flavor its rules depend on. */
export type FlavorKinds = Pick<Flavor, 'id' | 'bootstrap' | 'infrastructure'>;

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * The problems of a spec value with a flavor, as SPEC_RULE issues without positions (an empty
 * list when the spec fits the flavor). Never throws on a malformed spec.
 */
export function checkSpecForFlavor(spec: unknown, flavor: FlavorKinds): Issue[] {
  const issues: Issue[] = [];
  const name = field(spec, 'name');
  const object = typeof name === 'string' ? `ClusterSpec/${name}` : 'ClusterSpec';
  const need = (ok: boolean, path: string, message: string): void => {
    if (!ok) issues.push({ code: 'SPEC_RULE', severity: 'error', object, path, message });
  };
  const has = (v: unknown, key: string): boolean => field(v, key) !== undefined;
  if (flavor.infrastructure === 'openstack') {
    need(has(spec, 'openstack'), '/openstack', `flavor ${flavor.id} needs an "openstack" section (cloudName, identitySecret)`);
    // A missing controlPlane or machine is the schema's finding; only a present one is checked here.
    const cpMachine = field(field(spec, 'controlPlane'), 'machine');
    if (cpMachine !== undefined) need(has(cpMachine, 'openstack'), '/controlPlane/machine/openstack', `flavor ${flavor.id} needs controlPlane.machine.openstack (flavor, image)`);
    const workers = field(spec, 'workers');
    if (Array.isArray(workers)) {
      workers.forEach((w: unknown, i) => {
        const machine = field(w, 'machine');
        if (machine !== undefined) need(has(machine, 'openstack'), `/workers/${i}/machine/openstack`, `flavor ${flavor.id} needs machine.openstack (flavor, image) for pool ${String(field(w, 'name'))}`);
      });
    }
  }
  need(flavor.bootstrap === 'microk8s' || !has(spec, 'microk8s'), '/microk8s', `"microk8s" options only apply to MicroK8s flavors; flavor ${flavor.id} bootstraps with ${flavor.bootstrap}`);
  need(flavor.bootstrap === 'kubeadm' || !has(spec, 'kubeadm'), '/kubeadm', `"kubeadm" options only apply to kubeadm flavors; flavor ${flavor.id} bootstraps with ${flavor.bootstrap}`);
  if (flavor.bootstrap === 'microk8s') {
    const port = field(field(spec, 'network'), 'apiServerPort');
    need(port === undefined || port === 6443, '/network/apiServerPort', `MicroK8s serves the API server on 6443 (the provider's 10-configure-apiserver.sh moves it there); port ${String(port)} cannot be used with flavor ${flavor.id}`);
    need(
      field(field(field(spec, 'hardening'), 'certificates'), 'renewOnNode') !== true,
      '/hardening/certificates/renewOnNode',
      `renewOnNode applies to kubeadm nodes only (kubeadm certs renew); MicroK8s nodes of flavor ${flavor.id} already refresh certificates near expiry with microk8s refresh-certs: remove renewOnNode`,
    );
    need(!has(spec, 'sshAuthorizedKeys'), '/sshAuthorizedKeys', `MicroK8sConfig has no users field, so flavor ${flavor.id} cannot install SSH keys; use openstack.sshKeyName (a Nova key pair) instead`);
  }
  need(flavor.infrastructure === 'openstack' || !has(spec, 'openstack'), '/openstack', `"openstack" options only apply to OpenStack flavors; flavor ${flavor.id} runs on ${flavor.infrastructure}`);
  return issues;
}
