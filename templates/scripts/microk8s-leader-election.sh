#!/bin/sh
# capi-gen: MicroK8s leader-election flags (docs/hardening.md). In every control-plane
# user-data: keep it small and free of Jinja delimiters.
set -eu
LC_ALL=C
export LC_ALL
log() { printf 'capi-gen: %s\n' "$*" >&2; }
bad() {
  log "$1; usage: $0 --leader-elect-lease-duration=D --leader-elect-renew-deadline=D --leader-elect-retry-period=D"
  exit 2
}
[ "$#" -gt 0 ] || bad 'no arguments'
specs=''
for a in "$@"; do
  case "$a" in
    --leader-elect-lease-duration=* | --leader-elect-renew-deadline=* | --leader-elect-retry-period=*) ;;
    *) bad "refusing '$a': not a leader-election duration flag" ;;
  esac
  case "${a#*=}" in '' | [!0-9]* | *[!0-9a-zµ.]*) bad "refusing '$a': write durations like 60s or 1m30s" ;; esac
  case " $specs " in *" ${a%%=*}="*) bad "${a%%=*} is given twice" ;; esac
  specs="$specs${specs:+ }$a"
done
dir=${MICROK8S_ARGS_DIR:-/var/snap/microk8s/current/args}
for c in kube-controller-manager kube-scheduler; do
  if [ ! -f "$dir/$c" ]; then
    log "ERROR: $dir/$c does not exist; is the microk8s snap installed? Leader-election flags NOT set ($specs)"
    exit 1
  fi
done
tmp=''
trap 'if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi' EXIT
trap 'exit 1' HUP INT TERM

# Prints $1 with each flag once, as --flag=value where it first appeared, else appended.
# $2=1: $1 has no final newline (kept unless a line is appended).
edit() {
  awk -v specs="$specs" -v nonl="$2" -v f="$1" '
function say(m) { print "capi-gen: " f ": " m | "cat 1>&2" }
BEGIN { k = split(specs, want, " "); for (i = 1; i <= k; i++) name[i] = substr(want[i], 1, index(want[i], "=") - 1) }
{
  s = $0; sub(/^[ \t]+/, "", s); j = 0; kept = 1
  for (i = 1; i <= k && !j; i++) {
    c = substr(s, length(name[i]) + 1, 1)
    if (index(s, name[i]) == 1 && (c == "" || c ~ /[= \t\r]/)) j = i
  }
  if (!j) out[++n] = $0
  else if (seen[j]) { kept = 0; say("removed duplicate line: " $0) }
  else {
    seen[j] = 1; out[++n] = want[j]
    say(($0 == want[j]) ? ("already set: " want[j]) : ("set " want[j] " (was: " $0 ")"))
  }
}
END {
  for (i = 1; i <= k; i++) if (!seen[i]) { out[++n] = want[i]; added = 1; say("added " want[i]) }
  for (i = 1; i <= n; i++) printf "%s%s", out[i], (i == n && nonl && kept && !added) ? "" : "\n"
}' "$1"
}

changed=0
for c in kube-controller-manager kube-scheduler; do
  file="$dir/$c"
  nonl=0
  if [ -s "$file" ] && [ "$(tail -c 1 "$file" | wc -l)" -eq 0 ]; then nonl=1; fi
  tmp=$(mktemp "$dir/.$c.capi-gen.XXXXXX")
  cp -p -- "$file" "$tmp" # keeps mode, owner and group
  edit "$file" "$nonl" >"$tmp"
  if cmp -s -- "$file" "$tmp"; then
    rm -f -- "$tmp"
    log "$file: up to date, not written"
  else
    mv -f -- "$tmp" "$file"
    changed=1
    log "$file: written"
  fi
  tmp=''
done
if [ "$changed" -eq 0 ]; then
  log 'args files unchanged; kubelite not restarted'
  exit 0
fi
i=1
tries=5
while :; do
  log "snap restart microk8s.daemon-kubelite (attempt $i of $tries)"
  if snap restart microk8s.daemon-kubelite; then
    log 'kubelite restarted; leader-election flags active'
    exit 0
  fi
  if [ "$i" -ge "$tries" ]; then
    log "ERROR: snap restart microk8s.daemon-kubelite failed $tries times; the args files are updated but inactive until kubelite restarts"
    exit 1
  fi
  i=$((i + 1))
  sleep "${MICROK8S_RESTART_DELAY:-10}"
done
