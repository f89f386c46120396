# shellcheck shell=bash
# Reusable helpers for the ScanReady test lab. Sourced by lab.sh (and by ssh-hosts.sh through it).
# Every function is idempotent: it checks what exists, repairs what is missing, and is cheap
# when nothing needs doing, so `lab.sh up` stays fast on a lab that is already up.
#
# Public functions (other lab scripts may call them):
#   lab_ns NAME                   -> prints the namespace name (srlab-NAME)
#   lab_host NAME ADDR [ADDR6]    namespace srlab-NAME, veth eth0 <-> router hOCTET on br0,
#                                 ADDR/24 (+ ADDR6/64), default route via the router, lo up
#   lab_nft NAME RULES            load an nft ruleset (text) into srlab-NAME atomically
#                                 (replaces whatever ruleset that namespace had)
#   lab_daemon NAME ID CMD...     start CMD once inside srlab-NAME, detached, pidfile
#                                 /run/srlab/NAME-ID.pid, output /run/srlab/NAME-ID.log
#   lab_daemon_alive NAME ID      exit 0 if that daemon runs inside srlab-NAME
#   lab_daemon_stop NAME ID       stop it (TERM, then KILL) and remove its pidfile
#   lab_sysctls NS                lab sysctls for a namespace (no DAD, no ICMP rate limits)
#   lab_del_ns NAME               stop the namespace's daemons and delete srlab-NAME
#   lab_log MSG / lab_die MSG     messages on stderr

LAB_RUN=${LAB_RUN:-/run/srlab}
LAB_RTR=srlab-rtr
LAB_V4_HOSTNET=198.18.1
LAB_V6_HOSTNET=2001:db8:5352:1
LAB_QUIET=${LAB_QUIET:-0}

lab_log() { [ "$LAB_QUIET" = 1 ] || echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; exit 1; }
lab_ns() { echo "srlab-$1"; }

lab_ns_exists() { [ -e "/run/netns/$1" ]; }

# Sysctls every lab namespace gets. DAD off so IPv6 addresses are usable at once; ICMP error
# rate limits off so reject/unreachable verdicts are deterministic under sweeps.
lab_sysctls() {
  local ns=$1
  ip netns exec "$ns" sysctl -qw \
    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 \
    net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 \
    net.ipv6.icmp.ratelimit=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null
}

# Create an empty namespace with lo up and the lab sysctls (only if missing).
lab_mkns() {
  local ns=$1
  if ! lab_ns_exists "$ns"; then
    ip netns add "$ns"
  fi
  ip -n "$ns" link set lo up
  lab_sysctls "$ns"
}

# True when `ip -n NS -o addr show dev DEV` lists ADDR/PREFIX.
lab_has_addr() {
  local ns=$1 dev=$2 cidr=$3
  local out
  out=$(ip -n "$ns" -o addr show dev "$dev" 2>/dev/null) || return 1
  [[ $out == *" $cidr "* ]]
}

lab_link_up() {
  local ns=$1 dev=$2
  local out
  out=$(ip -n "$ns" -o link show dev "$dev" 2>/dev/null) || return 1
  [[ $out == *[,\<]UP[,\>]* ]]
}

# No `cmd | grep -q` anywhere: under pipefail grep's early exit SIGPIPEs the writer and the
# pipeline "fails" at random. Outputs are captured and matched in bash instead.
lab_host_ok() {
  local ns=$1 addr=$2 addr6=$3 rif=$4 out
  lab_ns_exists "$ns" || return 1
  lab_has_addr "$ns" eth0 "$addr/24" || return 1
  if [ -n "$addr6" ]; then lab_has_addr "$ns" eth0 "$addr6/64" || return 1; fi
  out=$(ip -n "$ns" route show default 2>/dev/null) || return 1
  [[ $out == *"via ${LAB_V4_HOSTNET}.1 "* ]] || return 1
  out=$(ip -n "$LAB_RTR" -o link show dev "$rif" 2>/dev/null) || return 1
  [[ $out == *" master br0 "* ]] || return 1
  lab_link_up "$LAB_RTR" "$rif" || return 1
  lab_link_up "$ns" eth0 || return 1
  lab_link_up "$ns" lo || return 1
}

# lab_host NAME ADDR [ADDR6]: a scenario host on the router's bridge.
lab_host() {
  local name=$1 addr=$2 addr6=${3:-}
  local ns rif
  ns=$(lab_ns "$name")
  rif="h${addr##*.}"
  lab_ns_exists "$LAB_RTR" || lab_die "lab_host $name: router namespace $LAB_RTR is missing"
  if lab_host_ok "$ns" "$addr" "$addr6" "$rif"; then return 0; fi
  lab_log "creating host $ns ($addr${addr6:+, $addr6})"
  # Rebuild from scratch: a half-made host is cheaper to recreate than to diagnose.
  # Its daemons go too (lab_daemon restarts them), so none is left in an orphaned namespace.
  ip -n "$LAB_RTR" link del "$rif" 2>/dev/null || true
  lab_del_ns "$name"
  lab_mkns "$ns"
  ip link add "$rif" netns "$LAB_RTR" type veth peer name eth0 netns "$ns"
  ip -n "$LAB_RTR" link set "$rif" master br0 up
  ip -n "$ns" addr add "$addr/24" dev eth0
  if [ -n "$addr6" ]; then ip -n "$ns" addr add "$addr6/64" dev eth0 nodad; fi
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "${LAB_V4_HOSTNET}.1" dev eth0
  if [ -n "$addr6" ]; then ip -n "$ns" -6 route replace default via "${LAB_V6_HOSTNET}::1" dev eth0; fi
}

# lab_nft NAME RULES: replace the lab's own table (inet srlab) in one transaction. Only that
# table: per-run tables a test adds (counters, named with a run id) survive a concurrent `up`.
lab_nft() {
  local ns
  ns=$(lab_ns "$1")
  printf 'add table inet srlab\ndelete table inet srlab\n%s\n' "$2" | ip netns exec "$ns" nft -f - \
    || lab_die "nft ruleset for $ns failed to load"
}

lab_pidfile() { echo "$LAB_RUN/$1-$2.pid"; }

# A process that exists and is not a zombie (init here reaps orphans lazily).
lab_pid_running() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# lab_daemon_alive NAME ID: the pidfile's process exists and lives in srlab-NAME (a process
# left in a namespace that was deleted and recreated does not count).
lab_daemon_alive() {
  local pf pid ns
  pf=$(lab_pidfile "$1" "$2")
  ns=$(lab_ns "$1")
  [ -s "$pf" ] || return 1
  pid=$(cat "$pf")
  [ -n "$pid" ] && lab_pid_running "$pid" || return 1
  [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "net:[$(stat -c %i "/run/netns/$ns" 2>/dev/null)]" ]
}

lab_daemon_stop() {
  local pf pid
  pf=$(lab_pidfile "$1" "$2")
  [ -s "$pf" ] || { rm -f "$pf"; return 0; }
  pid=$(cat "$pf")
  if [ -n "$pid" ] && lab_pid_running "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      lab_pid_running "$pid" || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pf"
}

# lab_daemon NAME ID CMD...: start CMD inside srlab-NAME unless it already runs there.
# setsid + redirected stdio: the daemon outlives the caller (vitest, a shell) and holds no pipe.
lab_daemon() {
  local name=$1 id=$2
  shift 2
  local ns pf log pid
  ns=$(lab_ns "$name")
  pf=$(lab_pidfile "$name" "$id")
  log="$LAB_RUN/$name-$id.log"
  mkdir -p "$LAB_RUN"
  if lab_daemon_alive "$name" "$id"; then return 0; fi
  lab_daemon_stop "$name" "$id"
  lab_log "starting $name/$id: $*"
  # In a non-interactive shell a background job is not a process-group leader, so setsid
  # does not fork: $! is the daemon's own pid once `ip netns exec` has exec'd the command.
  # The subshell closes every inherited descriptor above 2 first (lock files, callers' pipes),
  # so a long-lived daemon never holds the lab lock or keeps a caller waiting on a pipe.
  (
    for fd in "/proc/$BASHPID"/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid ip netns exec "$ns" "$@" </dev/null >"$log" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$pf"
  disown "$pid" 2>/dev/null || true
}

# Stop every daemon whose pidfile names this namespace, then delete the namespace.
lab_del_ns() {
  local name=$1 pf id
  for pf in "$LAB_RUN/$name"-*.pid; do
    [ -e "$pf" ] || continue
    id=${pf#"$LAB_RUN/$name-"}
    id=${id%.pid}
    lab_daemon_stop "$name" "$id"
  done
  if lab_ns_exists "srlab-$name"; then
    # Anything else still running inside (e.g. started by hand) would keep the namespace alive.
    local pids
    pids=$(ip netns pids "srlab-$name" 2>/dev/null || true)
    local p live=""
    for p in $pids; do lab_pid_running "$p" && live+=" $p"; done
    if [ -n "$live" ]; then
      # shellcheck disable=SC2086
      kill -TERM $live 2>/dev/null || true
      sleep 0.2
      # shellcheck disable=SC2086
      kill -KILL $live 2>/dev/null || true
    fi
    ip netns del "srlab-$name"
  fi
}
