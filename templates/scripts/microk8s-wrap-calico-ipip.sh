#!/bin/sh
# capi-gen: preRunCommand that wraps the provider's /capi-scripts/10-configure-calico-ipip.sh in
# place (never a copy of provider code): the wrapper first runs the CA check, then execs the
# original. Idempotent. No Jinja delimiters: this is in the user-data.
set -eu
log() { printf 'capi-gen: %s\n' "$*" >&2; }
dir=${CAPI_SCRIPTS_DIR:-/capi-scripts}
verify=${CAPI_GEN_VERIFY_CA:-/capi-gen/microk8s-verify-ca.sh}
target="$dir/10-configure-calico-ipip.sh"
orig="$target.capi-gen-orig"
mark='# capi-gen: microk8s-ca-verification wrapper'
case "$target$verify" in *"'"* | *'
'*) log "ERROR: refusing paths with quotes or newlines"; exit 2 ;; esac
if [ -f "$target" ] && grep -qxF -- "$mark" "$target"; then
  if [ -f "$orig" ]; then
    log "$target is already wrapped"
    exit 0
  fi
  log "ERROR: $target is a capi-gen wrapper but $orig is missing; CA verification NOT installed"
  exit 1
fi
if [ ! -f "$target" ] && [ ! -f "$orig" ]; then
  log "ERROR: $target does not exist; CA verification NOT installed"
  exit 1
fi
tmp=$(mktemp "$dir/.capi-gen.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
printf '#!/bin/sh\n%s\n'"'%s'"' || exit 1\nexec '"'%s'"' "$@"\n' "$mark" "$verify" "$orig" >"$tmp"
chmod 0700 "$tmp"
if [ -f "$target" ]; then mv -f -- "$target" "$orig"; fi
mv -f -- "$tmp" "$target"
log "wrapped $target: $verify runs first, then $orig"
