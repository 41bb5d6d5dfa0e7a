#!/bin/sh
# capi-gen kubeadm certificate checks, modes pre, post, daily (seeds 001, 004; docs/node-scripts.md)
set -u
# capi-gen:include certs-lib.sh
KDIR=${KUBEADM_KUBECONFIG_DIR:-/etc/kubernetes}
MANIFESTS=$KDIR/manifests MOVED=$STATE_DIR/manifests-moved POD_WAIT=${STATIC_POD_WAIT:-20}
case $POD_WAIT in '' | *[!0-9]*) POD_WAIT=20 ;; esac
pub() { openssl pkey "$@" -pubout 2>/dev/null; }

# client_cert KUBECONFIG TMP: CF = client-certificate (relative to its folder) or -data in TMP
kv() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$2" | head -n 1 | tr -d "\r\"'"; }
client_cert() {
  CF=$(kv client-certificate "$1")
  case $CF in '') ;; /*) LP=$CF && return ;; *) CF=${1%/*}/$CF LP=$CF && return ;; esac
  v=$(kv client-certificate-data "$1") CF=$2 LP=$1
  [ -n "$v" ] && printf '%s' "$v" | base64 -d >"$2" 2>/dev/null
}

pre() {
  wait_sync
  for p in ca etcd/ca front-proxy-ca; do
    c=$PKI_DIR/$p.crt k=$PKI_DIR/$p.key
    [ -f "$c" ] || continue
    valid_now "$c" || invalid "$c"
    [ ! -f "$k" ] || { a=$(openssl x509 -noout -pubkey -in "$c") && [ "$a" = "$(pub -in "$k")" ]; } || bad "$k does not match $c"
  done
  k=$PKI_DIR/sa.key a=$(pub -pubin -in "$PKI_DIR/sa.pub")
  [ ! -f "$k" ] || { [ -n "$a" ] && [ "$a" = "$(pub -in "$k")" ]; } || bad "$PKI_DIR/sa.pub does not match $k"
  verdict ca-check-failed "${BAD:+CA files: $BAD; not running kubeadm}"
  [ $FAILED = 0 ] || exit 1
  log "CA files in $PKI_DIR: valid, keys match"
}

post() {
  [ ! -f "$PKI_DIR/apiserver.crt" ] || cert_ok "$PKI_DIR/ca.crt" "$PKI_DIR/apiserver.crt"
  t=$(mktemp) k=$KDIR/kubelet.conf
  if [ ! -f "$k" ]; then bad "$k is missing"
  elif ! client_cert "$k" "$t"; then bad "$k has no client certificate"
  elif ! valid_now "$CF"; then bad "kubelet client certificate $LP is missing or not valid now"; fi
  rm -f -- "$t"
  verdict post-check-failed "${BAD:+after kubeadm: $BAD}"
  [ $FAILED = 0 ] || exit 1
  log 'after kubeadm: certificates chain and are valid now'
  enable_units
}

# one FILE NAME PATH: logs days left; sets EXPD, KEXP (kubelet's), DUE (to renew)
one() {
  check "$1" || { warn "$3 ($2) is not a certificate"; return; }
  metric "$3" "$2"
  if [ "$NA" -le "$NOW" ]; then
    log "$3 ($2): EXPIRED"
    if [ "$2" = kubelet.conf ]; then KEXP=$3; else EXPD="$EXPD $2"; fi
  elif [ "$NA" -le $((NOW + EXPIRY_WARN_DAYS * 86400)) ]; then warn "$3 ($2): $(days_left) days left"
  else
    log "$3 ($2): $(days_left) days left"
    return
  fi
  # kubeadm renews no CA; kubelet rotates its own client certificate
  case $2 in ca.crt | front-proxy-ca.crt | etcd/ca.crt | kubelet.conf) ;; *) DUE=1 ;; esac
}
scan() {
  M_NA='' M_NB='' EXPD='' KEXP='' DUE=0
  for f in "$PKI_DIR"/*.crt "$PKI_DIR"/etcd/*.crt; do [ ! -f "$f" ] || one "$f" "${f#"$PKI_DIR"/}" "$f"; done
  for k in "$KDIR"/*.conf; do
    [ ! -f "$k" ] || if client_cert "$k" "$T/c"; then one "$CF" "${k##*/}" "$LP"; else log "$k: no client certificate"; fi
  done
}
# puts back the static pod manifests renew moved out (also after an interrupted run)
restore() {
  for m in "$MOVED"/*.yaml; do
    [ ! -f "$m" ] || mv -f -- "$m" "$MANIFESTS/" || { fatal cert-renew-failed "cannot move $m back to $MANIFESTS" && return 1; }
  done
}
renew() {
  b=$STATE_DIR/backup-$(date -u +%Y%m%dT%H%M%SZ)
  { mkdir -p -- "$b" && cp -a -- "$PKI_DIR" "$b/pki" && cp -a -- "$KDIR"/*.conf "$b/"; } ||
    { fatal cert-renew-failed "backup to $b failed; nothing renewed" && return 1; }
  log "backup in $b; kubeadm certs renew all"
  kubeadm certs renew all >&2 || { fatal cert-renew-failed "kubeadm certs renew all failed; backup in $b" && return 1; }
  # static pods restart when their manifests leave and come back (kubeadm docs)
  if mkdir -p -- "$MOVED" && mv -f -- "$MANIFESTS"/*.yaml "$MOVED/"; then
    log "static pods stopped for $POD_WAIT s"
    sleep "$POD_WAIT"
    restore || return 1
  else warn "cannot move the static pod manifests out of $MANIFESTS"; fi
  systemctl restart kubelet || warn 'systemctl restart kubelet failed'
  log 'renewed; checking again'
  unmark cert-renew-failed
}
daily() {
  wait_sync
  T=$(mktemp -d)
  restore || FAILED=1
  scan
  # a failed or useless renewal is not repeated: it waits for its marker to go
  if [ $DUE = 1 ]; then
    if [ "$RENEW" = 1 ] && [ ! -f "$STATE_DIR/cert-renew-failed" ]; then
      if renew; then
        NOW=$(date -u +%s)
        scan
        [ $DUE = 0 ] || verdict cert-renew-failed 'still due after kubeadm certs renew all (lifetime under EXPIRY_WARN_DAYS? external CA?)'
      else FAILED=1; fi
    else warn "not renewed: needs RENEW=1 in $ENV_FILE, no $STATE_DIR/cert-renew-failed"; fi
  fi
  rm -rf -- "$T"
  write_textfile
  verdict kubelet-client-expired "${KEXP:+kubelet client certificate $KEXP expired; by hand (seed 004): back up $KDIR, kubeadm init phase certs all, move the *.conf aside, kubeadm init phase kubeconfig all, restart kubelet; or replace the Machine}"
  verdict certificate-expired "${EXPD:+expired:$EXPD}"
  [ $FAILED = 0 ] || exit 1
}

load_opts
case ${1:-} in
pre | post | daily) "$1" ;;
*) log "usage: $0 pre|post|daily"; exit 2 ;;
esac
