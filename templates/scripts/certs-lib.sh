# capi-gen certs-lib.sh (inlined by load-script.ts)
LC_ALL=C
export LC_ALL
STATE_DIR=${CAPI_GEN_STATE_DIR:-/var/lib/capi-gen}
ENV_FILE=${CAPI_GEN_CERTS_ENV:-/etc/capi-gen/certs.env}
UNIT_DIR=${CAPI_GEN_UNIT_DIR:-/etc/systemd/system}
NOW=$(date -u +%s) SYNCED=0 FAILED=0 BAD='' M_NA='' M_NB=''
log() { printf 'capi-gen: %s\n' "$*" >&2; }
warn() { log "WARNING: $*"; }
mark() { { mkdir -p -- "$STATE_DIR" && printf '%s\ntime=%s\n' "$2" "$(date -u +%FT%TZ)" >"$STATE_DIR/$1"; } || log "cannot write $STATE_DIR/$1"; }
unmark() { [ ! -f "$STATE_DIR/$1" ] || { rm -f -- "$STATE_DIR/$1" && log "removed stale $STATE_DIR/$1"; }; }
fatal() { printf 'capi-gen: FATAL: %s\n' "$2" >&2; mark "$1" "$2"; }
bad() { BAD="$BAD${BAD:+; }$*"; }
# verdict MARKER TEXT: TEXT set: FATAL + marker; empty: stale marker removed
verdict() { if [ -n "$2" ]; then FAILED=1 && fatal "$@"; else unmark "$1"; fi; }

# Options (node-certs-contract.ts): known keys, checked values, never sourced
TIME_SYNC_TIMEOUT=180 SKEW_TOLERANCE=300 EXPIRY_WARN_DAYS=30 RENEW=0
TEXTFILE_DIR=/var/lib/node_exporter/textfile_collector PKI_DIR=/etc/kubernetes/pki
# shellcheck disable=SC2034
load_opts() {
  [ -f "$ENV_FILE" ] || return 0
  while IFS= read -r l || [ -n "$l" ]; do
    k=${l%%=*} v=${l#*=} ok=0
    case $l in '' | '#'*) continue ;; *=*) ;; *) k='' ;; esac
    case $k in
    TIME_SYNC_TIMEOUT | SKEW_TOLERANCE | EXPIRY_WARN_DAYS) case $v in '' | *[!0-9]* | 0?* | ?????????*) ;; *) ok=1 ;; esac ;;
    RENEW) case $v in 0 | 1) ok=1 ;; esac ;;
    TEXTFILE_DIR | PKI_DIR) case $v in /*[!A-Za-z0-9/._-]* | *..*) ;; /*) ok=1 ;; esac ;;
    *) warn "$ENV_FILE: ignored a line (unknown key)"; continue ;;
    esac
    [ $ok = 1 ] || { warn "$ENV_FILE: invalid $k, default kept"; continue; }
    case $k in
    TIME_SYNC_TIMEOUT) TIME_SYNC_TIMEOUT=$v ;; SKEW_TOLERANCE) SKEW_TOLERANCE=$v ;;
    EXPIRY_WARN_DAYS) EXPIRY_WARN_DAYS=$v ;; RENEW) RENEW=$v ;;
    TEXTFILE_DIR) TEXTFILE_DIR=$v ;; PKI_DIR) PKI_DIR=$v ;;
    esac
  done <"$ENV_FILE"
}

# Bounded wait for time sync, never fails; counts seconds slept (the clock may jump)
synced() {
  if command -v timedatectl >/dev/null; then [ "$(timedatectl show -p NTPSynchronized --value)" = yes ]
  else chronyc -n waitsync 1 1 >/dev/null; fi
} 2>/dev/null
wait_sync() {
  if systemd-detect-virt -cq 2>/dev/null; then log 'a container: the host keeps the clock'; return 0; fi
  command -v timedatectl >/dev/null || command -v chronyc >/dev/null ||
    { warn 'no timedatectl/chronyc: clock sync unknown'; return 0; }
  w=0
  until synced; do
    if [ $w -ge "$TIME_SYNC_TIMEOUT" ]; then
      warn "clock not synchronised after $TIME_SYNC_TIMEOUT s; going on"
      mark time-not-synced "clock not synchronised after $TIME_SYNC_TIMEOUT s"
      return 0
    fi
    sleep 5
    w=$((w + 5))
  done
  SYNCED=1 NOW=$(date -u +%s)
  log "clock synchronised (waited $w s)"
  unmark time-not-synced
}

enable_units() {
  if ! command -v systemctl >/dev/null; then warn 'no systemctl: timer not enabled'
  elif [ -f "$UNIT_DIR/capi-gen-certs.timer" ]; then
    if systemctl daemon-reload && systemctl enable capi-gen-certs.service && systemctl enable --now capi-gen-certs.timer
    then log 'enabled capi-gen-certs units'; else warn 'cannot enable capi-gen-certs units'; fi
  fi
}

# check FILE: NB/NA = notBefore/notAfter (epoch s); fails unless a certificate
epoch() { e=$(openssl x509 -noout "-$2" -in "$1" 2>/dev/null) && date -u -d "${e#*=}" +%s; }
check() { NB='' NA='' && NB=$(epoch "$1" startdate) && NA=$(epoch "$1" enddate); }
valid_now() { check "$1" && [ "$NB" -le "$NOW" ] && [ "$NOW" -lt "$NA" ]; }
days_left() { echo $(((NA - NOW) / 86400)); }
chains() { openssl verify -no-CAfile -no-CApath -partial_chain -trusted "$1" "$2" >/dev/null 2>&1; }
# cert_ok CA FILE: FILE chains to CA and is valid now
cert_ok() {
  [ -f "$2" ] || { bad "$2 is missing"; return; }
  chains "$1" "$2" || bad "$2 does not chain to $1"
  valid_now "$2" || invalid "$2"
}
invalid() { bad "$1 is not valid now (notBefore ${NB:-?}, notAfter ${NA:-?}, now $NOW)"; }

# Textfile collector: metric PATH NAME (after check); written via tmp + mv
esc() { printf '%s\n' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; $!s/$/\\n/' | tr -d '\n'; }
metric() {
  lb="path=\"$(esc "$1")\",name=\"$(esc "$2")\""
  M_NA="${M_NA}capi_gen_certificate_not_after_seconds{$lb} $NA
" M_NB="${M_NB}capi_gen_certificate_not_before_seconds{$lb} $NB
"
}
write_textfile() {
  f=$TEXTFILE_DIR/capi_gen_certificates.prom
  mkdir -p -- "$TEXTFILE_DIR" 2>/dev/null
  if printf '# TYPE %s gauge\n%s' capi_gen_certificate_not_after_seconds "$M_NA" capi_gen_certificate_not_before_seconds "$M_NB" \
    capi_gen_certificates_check_timestamp_seconds "capi_gen_certificates_check_timestamp_seconds $(date -u +%s)
" capi_gen_time_synchronized "capi_gen_time_synchronized $SYNCED
" >"$f.$$" && mv -f -- "$f.$$" "$f"; then log "wrote $f"; else
    rm -f -- "$f.$$"
    warn "cannot write $f"
  fi
}
