// The built-in flavors: one line each. A flavor is data under templates/flavors/<id>/
// (flavor.yaml plus *.yaml.hbs templates); tests and the golden suite iterate over this list.
export const BUILTIN_FLAVORS: readonly string[] = [
  'microk8s-openstack',
  'kubeadm-openstack',
  'kubeadm-docker',
];
