#!/bin/sh
# capi-gen: after `microk8s refresh-certs /var/tmp` on the MicroK8s init node, check that the
# snap's CA is the CAPI-held CA (issue 5, item 3); retry refresh-certs, bounded; else fail loudly
# and stop MicroK8s. Runs in every control-plane user-data: keep it small, no Jinja delimiters.
set -eu
LC_ALL=C
export LC_ALL
log() { printf 'capi-gen: %s\n' "$*" >&2; }
ca_dir=${CAPI_CA_DIR:-/var/tmp}
certs=${CERTS_DIR:-/var/snap/microk8s/current/certs}
state=${CAPI_GEN_STATE_DIR:-/var/lib/capi-gen}
tries=${CA_VERIFY_ATTEMPTS:-5}
delay=${CA_VERIFY_DELAY:-10}
max=${CA_VERIFY_MAX_DELAY:-60}
for n in "$tries" "$delay" "$max"; do
  case "$n" in '' | *[!0-9]*) log "refusing '$n': CA_VERIFY_* must be whole numbers"; exit 2 ;; esac
done
if [ ! -f "$ca_dir/ca.crt" ]; then
  log "$ca_dir/ca.crt absent: not the init node, nothing to verify"
  exit 0
fi
# The SHA-256 fingerprint of the certificate in $1 (compares certificates, not PEM text); empty if unreadable.
fp() { openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | sed -n 's/^[^=]*=//p' || :; }
want=$(fp "$ca_dir/ca.crt")
i=1
while :; do
  have=$(fp "$certs/ca.crt")
  if [ -n "$want" ] && [ "$have" = "$want" ]; then
    log "$certs/ca.crt is the cluster CA ($want)"
    if [ -f "$state/ca-verification-failed" ]; then rm -f -- "$state/ca-verification-failed" && log "removed stale $state/ca-verification-failed"; fi
    exit 0
  fi
  [ "$i" -le "$tries" ] || break
  if [ "$i" -gt 1 ]; then
    log "waiting $delay s before the next try"
    sleep "$delay"
    delay=$((delay * 2))
    [ "$delay" -le "$max" ] || delay=$max
  fi
  log "$certs/ca.crt (${have:-unreadable}) is not the cluster CA (${want:-unreadable}); microk8s refresh-certs $ca_dir (attempt $i of $tries)"
  if microk8s refresh-certs "$ca_dir" >&2; then log 'microk8s refresh-certs succeeded'; else log "microk8s refresh-certs failed (exit $?)"; fi
  i=$((i + 1))
done
msg="CA verification failed after $tries refresh-certs attempts: $certs/ca.crt has fingerprint ${have:-unreadable}, the cluster CA $ca_dir/ca.crt has ${want:-unreadable}; stopping MicroK8s so this node never becomes Ready"
printf 'capi-gen: FATAL: %s\n' "$msg" >&2
if mkdir -p -- "$state" && printf '%s\ntime=%s\nnode_ca=%s\ncluster_ca=%s\n' "$msg" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${have:-unreadable}" "${want:-unreadable}" >"$state/ca-verification-failed"; then
  log "wrote $state/ca-verification-failed"
else
  log "could not write $state/ca-verification-failed"
fi
microk8s stop >&2 || log 'microk8s stop failed'
exit 1
