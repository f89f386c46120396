#!/usr/bin/env bash
# ScanReady test lab: bash e2e/lab/lab.sh up|down|status|rekey   (root only)
# Address plan: e2e/lab/README.md. Helpers: e2e/lab/lib.sh. Listeners: e2e/lab/services.mjs.
#
# `up` is idempotent and repairs what is missing; on a lab that is already up it takes well
# under 5 s. `down` removes the namespaces, daemons, routes and the srlab-user account.
# Runs are serialised with a lock (/run/srlab/lock): several test runs may call `up` at once.
#
# ---- For the SSH side (e2e/lab/ssh-hosts.sh, owned by the SSH engineer) -------------------
# lab.sh creates srlab-ssh (.20), srlab-sshnoexec (.21), srlab-sshlimit (.22),
# srlab-sshrekey (.23) and srlab-notssh (.24) as plain routed hosts (eth0 198.18.1.x/24,
# default route via 198.18.1.1, lo up, no nft rules), and it already runs these listeners:
#     srlab-ssh     HTTP on TCP 80          (daemon id "svc")
#     srlab-notssh  HTTP on TCP 22          (daemon id "svc"; answers 400 to an SSH banner)
# Then, if e2e/lab/ssh-hosts.sh exists, lab.sh `source`s it (with lib.sh already loaded and
# LAB_DIR set to e2e/lab) and calls, when defined:
#     ssh_hosts_up       from `up`     (accounts, keys under e2e/lab/fixtures/, sshd via lab_daemon)
#     ssh_hosts_down     from `down`   (before the namespaces are deleted; remove srlab-* accounts)
#     ssh_hosts_status   from `status` (print lines; non-zero return marks the lab incomplete)
#     ssh_hosts_rekey    from `rekey`  (regenerate srlab-sshrekey's host key, restart its sshd)
# Start long-running processes with `lab_daemon NAME ID CMD...` (e.g. lab_daemon ssh sshd
# /usr/sbin/sshd -D -f ...): it is idempotent, detached and closes inherited descriptors.
# Everything runs with `set -euo pipefail`: a failing command in ssh_hosts_up fails `up`.
# -------------------------------------------------------------------------------------------
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_DIR
# shellcheck source=e2e/lab/lib.sh
. "$LAB_DIR/lib.sh"

NODE=${LAB_NODE:-$(command -v node || true)}
SERVICES="$LAB_DIR/services.mjs"
LAB_USER=srlab-user

# name  address  ipv6 (or -)
LAB_HOSTS=(
  "open        198.18.1.10 2001:db8:5352:1::10"
  "silent      198.18.1.11 -"
  "noicmp      198.18.1.12 -"
  "synfilter   198.18.1.13 -"
  "udponly     198.18.1.14 -"
  "icmponly    198.18.1.15 -"
  "prohibit    198.18.1.16 -"
  "rtrreject   198.18.1.17 -"
  "rtrdrop     198.18.1.18 -"
  "offprofile  198.18.1.19 -"
  "ssh         198.18.1.20 -"
  "sshnoexec   198.18.1.21 -"
  "sshlimit    198.18.1.22 -"
  "sshrekey    198.18.1.23 -"
  "notssh      198.18.1.24 -"
  "watch       198.18.1.26 -"
  "watchui     198.18.1.27 -"
)

# Listener arguments for services.mjs per host (hosts not listed run no listener).
declare -A LAB_SERVICES=(
  [open]="--tcp 22,443 --http 80 --dns"
  [noicmp]="--tcp 22 --http 80"
  [udponly]="--dns"
  [rtrreject]="--tcp 22,443 --http 80 --dns"
  [rtrdrop]="--tcp 22,443 --http 80 --dns"
  [offprofile]="--http 8443"
  [ssh]="--http 80"
  [notssh]="--http 22"
)

# nftables rules per scenario host (inet family: one table covers IPv4 and IPv6).
# Every ruleset replaces the table inet srlab (lab_nft), so hosts without rules get none.
lab_host_rules() {
  case $1 in
    silent) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy drop;
    iif lo accept
  }
}
EOF
    ;;
    noicmp) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy accept;
    icmp type echo-request drop
    icmpv6 type echo-request drop
  }
}
EOF
    ;;
    synfilter) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy accept;
    iif lo accept
    tcp flags & (syn | ack) == syn drop
    icmp type echo-request drop
    icmpv6 type echo-request drop
    meta l4proto udp drop
  }
}
EOF
    ;;
    udponly) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy accept;
    iif lo accept
    meta l4proto tcp drop
    icmp type echo-request drop
    icmpv6 type echo-request drop
  }
}
EOF
    ;;
    icmponly) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy accept;
    iif lo accept
    meta l4proto { tcp, udp } drop
  }
}
EOF
    ;;
    prohibit) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy accept;
    iif lo accept
    reject with icmpx type admin-prohibited
  }
}
EOF
    ;;
    offprofile) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy drop;
    iif lo accept
    tcp dport 8443 accept
  }
}
EOF
    ;;
    watch | watchui) cat <<'EOF'
table inet srlab {
  chain input { type filter hook input priority 0; policy drop;
    iif lo accept
    meta mark 0x5352 accept
  }
}
EOF
    ;;
    *) echo "" ;;
  esac
}

# Test-only rules on the watch hosts (.26 for Vitest, .27 for Playwright), which drop everything
# until a rule lets TCP PORT in. A rule is its own table (inet srlab-rule-NAME) that marks the
# packets the host's own table then accepts, so a concurrent `up` (which replaces the table inet
# srlab) leaves it alone. With no listener on PORT the host answers the probes with RST.
#   lab.sh rule add HOST NAME [PORT]   (idempotent; PORT 80 by default)
#   lab.sh rule del HOST NAME          (idempotent)
#   lab.sh rule list HOST
LAB_RULE_HOSTS="watch watchui"
cmd_rule() {
  local action=${1:-} host=${2:-} name=${3:-} port=${4:-80} ns
  [[ " $LAB_RULE_HOSTS " == *" $host "* ]] || lab_die "rule: HOST must be one of: $LAB_RULE_HOSTS"
  ns=$(lab_ns "$host")
  case $action in
    add | del) [[ $name =~ ^[a-z0-9][a-z0-9-]{0,31}$ ]] || lab_die "rule: NAME must be 1-32 of a-z 0-9 - (got '$name')" ;;
    list) ;;
    *) lab_die "usage: lab.sh rule add|del|list HOST NAME [PORT]" ;;
  esac
  case $action in
    add)
      [[ $port =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || lab_die "rule: PORT must be 1-65535"
      printf 'add table inet srlab-rule-%s\ndelete table inet srlab-rule-%s\ntable inet srlab-rule-%s {\n  chain input { type filter hook input priority -10; policy accept;\n    tcp dport %s meta mark set 0x5352\n  }\n}\n' \
        "$name" "$name" "$name" "$port" | ip netns exec "$ns" nft -f - || lab_die "rule: nft failed in $ns"
      ;;
    del) ip netns exec "$ns" nft delete table inet "srlab-rule-$name" 2>/dev/null || true ;;
    list) ip netns exec "$ns" nft list tables | sed -n 's/^table inet srlab-rule-//p' ;;
  esac
}

ROUTER_RULES=$(cat <<'EOF'
table inet srlab {
  chain forward { type filter hook forward priority 0; policy accept;
    ip daddr 198.18.1.17 reject with icmp type admin-prohibited
    ip daddr 198.18.1.18 drop
  }
}
EOF
)

need_root() {
  [ "$(id -u)" = 0 ] || lab_die "lab.sh must run as root (it creates network namespaces)"
}

load_ssh_hosts() {
  if [ -f "$LAB_DIR/ssh-hosts.sh" ]; then
    # shellcheck source=/dev/null
    . "$LAB_DIR/ssh-hosts.sh"
  fi
}

# Root namespace <-> router, bridge, forwarding.
router_up() {
  lab_mkns "$LAB_RTR"
  ip netns exec "$LAB_RTR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null
  if ! ip link show dev srlab0 >/dev/null 2>&1 || ! ip -n "$LAB_RTR" link show dev eth0 >/dev/null 2>&1; then
    lab_log "creating srlab0 <-> $LAB_RTR eth0"
    ip link del srlab0 2>/dev/null || true
    ip -n "$LAB_RTR" link del eth0 2>/dev/null || true
    ip link add srlab0 type veth peer name eth0 netns "$LAB_RTR"
  fi
  sysctl -qw net.ipv6.conf.srlab0.accept_dad=0 net.ipv4.conf.srlab0.rp_filter=0 >/dev/null
  ip addr replace 198.18.0.1/30 dev srlab0
  ip -6 addr replace 2001:db8:5352::1/64 dev srlab0 nodad
  ip link set srlab0 up
  ip -n "$LAB_RTR" addr replace 198.18.0.2/30 dev eth0
  ip -n "$LAB_RTR" -6 addr replace 2001:db8:5352::2/64 dev eth0 nodad
  ip -n "$LAB_RTR" link set eth0 up
  # Explicit source: lab traffic always leaves from the scanner address, whatever else the
  # root namespace has configured.
  ip route replace 198.18.0.0/15 via 198.18.0.2 dev srlab0 src 198.18.0.1
  ip -6 route replace 2001:db8:5352::/48 via 2001:db8:5352::2 dev srlab0 src 2001:db8:5352::1

  if ! ip -n "$LAB_RTR" link show dev br0 >/dev/null 2>&1; then
    ip -n "$LAB_RTR" link add br0 type bridge
  fi
  ip -n "$LAB_RTR" addr replace 198.18.1.1/24 dev br0
  ip -n "$LAB_RTR" -6 addr replace 2001:db8:5352:1::1/64 dev br0 nodad
  ip -n "$LAB_RTR" link set br0 up
  # No default route in the router on purpose: lab hosts cannot reach anything outside the lab.
  lab_nft rtr "$ROUTER_RULES"
}

farm_up() {
  local ns=srlab-farm i n
  lab_mkns "$ns"
  if ! ip -n "$LAB_RTR" link show dev farm >/dev/null 2>&1 || ! ip -n "$ns" link show dev eth0 >/dev/null 2>&1; then
    lab_log "creating $LAB_RTR farm <-> $ns eth0"
    ip -n "$LAB_RTR" link del farm 2>/dev/null || true
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add farm netns "$LAB_RTR" type veth peer name eth0 netns "$ns"
  fi
  ip -n "$LAB_RTR" addr replace 198.18.0.5/30 dev farm
  ip -n "$LAB_RTR" link set farm up
  ip -n "$LAB_RTR" route replace 198.18.2.0/24 via 198.18.0.6 dev farm
  ip -n "$ns" addr replace 198.18.0.6/30 dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via 198.18.0.5 dev eth0
  # The farm's 254 addresses live on lo (this kernel has no dummy driver): /32 each, so only
  # 198.18.2.1-254 are local, not the network and broadcast addresses.
  n=$(ip -n "$ns" -o -4 addr show dev lo | grep -c ' inet 198\.18\.2\.' || true)
  if [ "$n" != 254 ]; then
    lab_log "adding farm addresses 198.18.2.1-254"
    ip -n "$ns" -4 addr flush dev lo to 198.18.2.0/24
    for i in $(seq 1 254); do echo "addr add 198.18.2.$i/32 dev lo"; done | ip -n "$ns" -batch -
  fi
  local odd=""
  for i in $(seq 1 2 253); do odd+="${odd:+, }198.18.2.$i"; done
  lab_nft farm "table inet srlab {
  set silent { type ipv4_addr; elements = { $odd } }
  chain input { type filter hook input priority 0; policy accept;
    ip daddr @silent drop
  }
}"
}

# The triage farm: a /20 (4,096 addresses, 198.18.240.0/20) owned by srlab-farm as one local
# route on lo (AnyIP: no per-address work, no namespace per host), behaviours by sub-range in an
# nftables table of its own (so the /24 farm's table is untouched). The layout is FARM20_LAYOUT in
# e2e/lab/hosts.ts; keep both in step.
#   198.18.240.0/22  answers like a normal host (RST, echo reply, port unreachable)
#   198.18.244.0/22  silent (drops everything)
#   198.18.248.0/23  ICMP echo only (TCP and UDP dropped)
#   198.18.250.0/23  one port only: TCP 8443 answers (a reset), everything else dropped
#   198.18.252.0/23  the host rejects everything with ICMP admin-prohibited (3/13) from itself
#   198.18.254.0/23  the router rejects traffic to them with ICMP 3/13 (responder 198.18.0.2)
FARM20_NET=198.18.240.0/20
farm20_nft() {
  # lab_nft's idiom for a table of another name: create, delete, load (idempotent).
  printf 'add table inet srlab_farm20\ndelete table inet srlab_farm20\n%s\n' "$2" | ip netns exec "$1" nft -f - \
    || lab_die "nft ruleset srlab_farm20 for $1 failed to load"
}
farm20_up() {
  local ns=srlab-farm
  ip -n "$LAB_RTR" route replace "$FARM20_NET" via 198.18.0.6 dev farm
  ip -n "$ns" route replace local "$FARM20_NET" dev lo table local
  if [[ $(ip netns exec "$ns" nft list table inet srlab_farm20 2>/dev/null) != *"198.18.252.0/23"* ]]; then
    lab_log "loading the triage farm's rules ($FARM20_NET)"
    farm20_nft "$ns" "table inet srlab_farm20 {
  chain input { type filter hook input priority -10; policy accept;
    ip daddr 198.18.244.0/22 drop
    ip daddr 198.18.248.0/23 icmp type echo-request accept
    ip daddr 198.18.248.0/23 drop
    ip daddr 198.18.250.0/23 tcp dport 8443 reject with tcp reset
    ip daddr 198.18.250.0/23 drop
    ip daddr 198.18.252.0/23 reject with icmp type admin-prohibited
  }
}"
  fi
  if [[ $(ip netns exec "$LAB_RTR" nft list table inet srlab_farm20 2>/dev/null) != *"198.18.254.0/23"* ]]; then
    farm20_nft "$LAB_RTR" "table inet srlab_farm20 {
  chain forward { type filter hook forward priority -10; policy accept;
    ip daddr 198.18.254.0/23 reject with icmp type admin-prohibited
  }
}"
  fi
}

farm20_ok() {
  [[ $(ip -n "$LAB_RTR" route show "$FARM20_NET" 2>/dev/null) == *"via 198.18.0.6"* ]] \
    && [[ $(ip -n srlab-farm route show table local "$FARM20_NET" 2>/dev/null) == *"local $FARM20_NET"* ]] \
    && [[ $(ip netns exec srlab-farm nft list table inet srlab_farm20 2>/dev/null) == *"198.18.252.0/23"* ]] \
    && [[ $(ip netns exec "$LAB_RTR" nft list table inet srlab_farm20 2>/dev/null) == *"198.18.254.0/23"* ]]
}

user_up() {
  if ! id "$LAB_USER" >/dev/null 2>&1; then
    lab_log "creating user $LAB_USER"
    useradd --create-home --shell /bin/bash --user-group "$LAB_USER"
  fi
}

hosts_up() {
  local entry name addr addr6
  for entry in "${LAB_HOSTS[@]}"; do
    read -r name addr addr6 <<<"$entry"
    [ "$addr6" = - ] && addr6=""
    lab_host "$name" "$addr" "$addr6"
    lab_nft "$name" "$(lab_host_rules "$name")"
  done
}

services_up() {
  local name
  [ -n "$NODE" ] || lab_die "node not found (set LAB_NODE)"
  for name in "${!LAB_SERVICES[@]}"; do
    # shellcheck disable=SC2086
    lab_daemon "$name" svc "$NODE" "$SERVICES" ${LAB_SERVICES[$name]}
  done
}

# Wait (bounded) until every listener has bound its sockets.
services_wait() {
  local name i log want got word
  for name in "${!LAB_SERVICES[@]}"; do
    log="$LAB_RUN/$name-svc.log"
    # One "listening" line per port (and one for --dns).
    want=0
    for word in ${LAB_SERVICES[$name]//,/ }; do
      case $word in --dns | [0-9]*) want=$((want + 1)) ;; esac
    done
    for i in $(seq 1 50); do
      got=$(grep -c 'listening' "$log" 2>/dev/null || true)
      if [ "${got:-0}" -ge "$want" ] && lab_daemon_alive "$name" svc; then break; fi
      sleep 0.1
    done
    lab_daemon_alive "$name" svc || lab_die "listener in srlab-$name did not start: $(tail -n 3 "$log" 2>/dev/null)"
  done
}

# The lab's credential checks elevate with `su -` / `sudo su -`, which runs root's login shell. On
# machines whose root profile runs `pyenv init`, a rehash killed mid-way (a timed-out check) leaves
# pyenv's lock file behind, and every later root login then waits 60 s for it: every elevation in
# the lab times out. Remove such a lock when it is stale (older than 2 minutes, no rehash running).
stale_root_locks_clear() {
  local lock=/root/.pyenv/shims/.pyenv-shim
  [ -e "$lock" ] || return 0
  pgrep -f pyenv-rehash >/dev/null 2>&1 && return 0
  if [ -n "$(find "$lock" -maxdepth 0 -mmin +2 2>/dev/null)" ]; then
    rm -f "$lock" && lab_log "removed a stale pyenv rehash lock ($lock) that made every root login wait 60 s"
  fi
}

cmd_up() {
  local t0=$SECONDS
  stale_root_locks_clear
  router_up
  farm_up
  farm20_up
  hosts_up
  user_up
  services_up
  load_ssh_hosts
  if declare -F ssh_hosts_up >/dev/null; then ssh_hosts_up; fi
  services_wait
  lab_log "up ($((SECONDS - t0)) s)"
}

cmd_down() {
  load_ssh_hosts
  if declare -F ssh_hosts_down >/dev/null; then ssh_hosts_down || lab_log "ssh_hosts_down failed (continuing)"; fi
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep '^srlab-' || true); do
    [ "$ns" = "$LAB_RTR" ] && continue
    lab_del_ns "${ns#srlab-}"
  done
  lab_del_ns rtr
  ip link del srlab0 2>/dev/null || true
  ip route del 198.18.0.0/15 2>/dev/null || true
  ip -6 route del 2001:db8:5352::/48 2>/dev/null || true
  if id "$LAB_USER" >/dev/null 2>&1; then
    userdel --remove "$LAB_USER" 2>/dev/null || lab_log "could not remove user $LAB_USER (processes still running?)"
  fi
  rm -f "$LAB_RUN"/*.pid "$LAB_RUN"/*.log
  lab_log "down"
}

cmd_status() {
  local bad=0 entry name addr addr6 ns
  st() { printf '%-22s %s\n' "$1" "$2"; }
  if lab_ns_exists "$LAB_RTR" && ip link show dev srlab0 >/dev/null 2>&1 \
    && [[ $(ip netns exec "$LAB_RTR" nft list tables 2>/dev/null) == *"table inet srlab"* ]]; then
    st router ok
  else st router MISSING; bad=1; fi
  if [[ $(ip route show 198.18.0.0/15) == *"via 198.18.0.2 "* ]]; then st route-v4 ok; else st route-v4 MISSING; bad=1; fi
  if [[ $(ip -6 route show 2001:db8:5352::/48) == *"via 2001:db8:5352::2 "* ]]; then st route-v6 ok; else st route-v6 MISSING; bad=1; fi
  if lab_ns_exists srlab-farm && [ "$(ip -n srlab-farm -o -4 addr show dev lo 2>/dev/null | grep -c ' inet 198\.18\.2\.' || true)" = 254 ]; then
    st farm "ok (198.18.2.1-254)"
  else st farm MISSING; bad=1; fi
  if lab_ns_exists srlab-farm && farm20_ok; then st farm20 "ok ($FARM20_NET)"; else st farm20 MISSING; bad=1; fi
  for entry in "${LAB_HOSTS[@]}"; do
    read -r name addr addr6 <<<"$entry"
    [ "$addr6" = - ] && addr6=""
    ns=$(lab_ns "$name")
    local s=ok
    lab_host_ok "$ns" "$addr" "$addr6" "h${addr##*.}" || { s=MISSING; bad=1; }
    if [ "$s" = ok ] && [ -n "$(lab_host_rules "$name")" ] \
      && [[ $(ip netns exec "$ns" nft list tables 2>/dev/null) != *"table inet srlab"* ]]; then
      s="nft rules MISSING"; bad=1
    fi
    if [ -n "${LAB_SERVICES[$name]:-}" ]; then
      if lab_daemon_alive "$name" svc; then s+=", listener up"; else s+=", listener DOWN"; bad=1; fi
    fi
    st "$ns" "$addr $s"
  done
  if id "$LAB_USER" >/dev/null 2>&1; then st "$LAB_USER" ok; else st "$LAB_USER" MISSING; bad=1; fi
  load_ssh_hosts
  if declare -F ssh_hosts_status >/dev/null; then ssh_hosts_status || bad=1; fi
  if [ "$bad" = 0 ]; then echo "lab: up"; else echo "lab: incomplete (run: bash e2e/lab/lab.sh up)"; fi
  return "$bad"
}

cmd_rekey() {
  load_ssh_hosts
  declare -F ssh_hosts_rekey >/dev/null || lab_die "rekey needs ssh_hosts_rekey from e2e/lab/ssh-hosts.sh"
  ssh_hosts_rekey
}

main() {
  local cmd=${1:-}
  case $cmd in
    up | down | status | rekey | rule) ;;
    *) echo "usage: bash e2e/lab/lab.sh up|down|status|rekey|rule" >&2; exit 2 ;;
  esac
  need_root
  mkdir -p "$LAB_RUN"
  # A test rule is one atomic nft transaction in its own table: it needs no lock (and must not
  # wait minutes behind a concurrent `up`).
  if [ "$cmd" = rule ]; then
    shift
    cmd_rule "$@"
    return
  fi
  # The lock is held on fd 9 by this shell only: commands run with `9>&-`, so bash keeps its
  # saved copy close-on-exec and no child (daemon) inherits the lock.
  exec 9>"$LAB_RUN/lock"
  flock -w 180 9 || lab_die "another lab.sh run holds $LAB_RUN/lock"
  shift
  "cmd_$cmd" "$@" 9>&-
}

main "$@"
