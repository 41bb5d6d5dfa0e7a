#!/bin/sh
# capi-gen MicroK8s certificate guard, modes first-boot, boot-check, verify-node (docs/node-scripts.md).
# canonical/microk8s@d099c907: refresh_certs.py (--cert), microk8s-{refresh-certs,stop}.wrapper
# (no-ops on workers: var/lock/clustered.lock), join.py (workers: certs/ca.remote.crt signs kubelet.crt/proxy.crt)
set -u
# capi-gen:include certs-lib.sh
SNAPD=${MICROK8S_SNAP_DATA:-/var/snap/microk8s/current}
CERTS=$SNAPD/certs LOCK=$SNAPD/var/lock/clustered.lock CA_DIR=${CAPI_CA_DIR:-/var/tmp}
fp() { openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | sed 's/^[^=]*=//'; }

# the cluster CA from the datastore (not this node's files), bounded retries
cluster_ca() {
  for i in 1 2 3 4 5 6 7 8; do
    microk8s kubectl -n kube-system get cm kube-root-ca.crt -o 'jsonpath={.data.ca\.crt}' >"$1" 2>/dev/null &&
      [ -n "$(fp "$1")" ] && return
    log "cluster CA not readable yet (attempt $i of 8)"
    [ $i = 8 ] || sleep 15
  done
  return 1
}
verify_node() {
  if [ -e "$LOCK" ]; then
    role=worker ca=$CERTS/ca.remote.crt
    { valid_now "$ca" && openssl x509 -noout -ext basicConstraints -in "$ca" | grep -q CA:TRUE; } ||
      bad "$ca (the cluster CA) is missing, not a CA or not valid now"
    for c in kubelet.crt proxy.crt; do cert_ok "$ca" "$CERTS/$c"; done
  else
    ca=$CERTS/ca.crt src=$CA_DIR/ca.crt role=init t=$(mktemp)
    if [ ! -f "$src" ]; then
      role=control-plane src=$t
      cluster_ca "$t"
    fi
    want=$(fp "$src") have=$(fp "$ca")
    rm -f -- "$t"
    if [ -z "$want" ]; then bad 'cannot read the cluster CA'
    elif [ "$have" != "$want" ]; then bad "$ca (${have:-unreadable}) is not the cluster CA ($want)"; fi
    cert_ok "$ca" "$CERTS/server.crt"
  fi
  if [ -n "$BAD" ]; then
    fatal node-verification-failed "MicroK8s $role node: $BAD; stopping MicroK8s"
    # `microk8s stop` does nothing on a worker
    if [ -e "$LOCK" ]; then snap stop --disable microk8s; else microk8s stop; fi >&2 || log 'stop failed'
    exit 1
  fi
  log "MicroK8s $role node verified"
  unmark node-verification-failed
}

# stale: NB/NA (from check) ahead of the clock or within the warning days
stale() { [ "$NB" -gt $((NOW + SKEW_TOLERANCE)) ] || [ "$NA" -le $((NOW + EXPIRY_WARN_DAYS * 86400)) ]; }
report() {
  check "$CERTS/$1" || return 0
  metric "$CERTS/$1" "$1"
  if stale; then warn "$CERTS/$1: $(days_left) days left"; else log "$CERTS/$1: $(days_left) days left"; fi
}
guard() {
  f=$CERTS/$1
  [ -f "$f" ] || { log "$f absent, skipped"; return; }
  if check "$f" && ! stale; then report "$1"; return; fi
  log "$f: notBefore ${NB:-?}, notAfter ${NA:-?}, now $NOW: microk8s refresh-certs --cert $1"
  for i in 1 2 3; do
    if microk8s refresh-certs --cert "$1" >&2; then
      check "$f" && ! stale && { log "refreshed $f"; report "$1"; return; }
      log "$f still stale (attempt $i of 3)"
    else log "refresh-certs failed (attempt $i of 3)"; fi
    [ $i = 3 ] || sleep $((i * 10))
  done
  report "$1"
  fatal cert-refresh-failed "$f not refreshed after 3 attempts; run 'microk8s refresh-certs --cert $1'"
  FAILED=1
}
boot_check() {
  wait_sync
  # refresh-certs does nothing on a worker: its certificates come from the control plane
  if [ -e "$LOCK" ]; then
    for c in ca.remote.crt kubelet.crt proxy.crt; do report $c; done
  else
    report ca.crt
    guard server.crt
    guard front-proxy-client.crt
  fi
  write_textfile
  [ $FAILED = 0 ] || exit 1
  unmark cert-refresh-failed
}

load_opts
case ${1:-} in
first-boot) wait_sync && enable_units ;;
boot-check) boot_check ;;
verify-node) verify_node ;;
*) log "usage: $0 first-boot|boot-check|verify-node"; exit 2 ;;
esac
