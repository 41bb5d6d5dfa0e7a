// Manifests the CLI tests write to disk.

/** A manifest no lint rule and no validation check finds anything in: a DevCluster refers to nothing. */
export const CLEAN = `apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DevCluster
metadata:
  name: c
  namespace: default
spec:
  backend:
    docker: {}
`;
