#!/usr/bin/env bash
# Launcher test of the interface filter on the daemons' wire (--net-if, MP_NET_IF, by default
# every interface but docker* and virbr*): this machine has a bridge named like docker's whose
# subnet the hosts route to a gateway that never answers, listed before the hosts' bridge. The
# daemons are never given its address, so the job starts at once; --net-if naming the hosts'
# subnet gives them that address alone; a list that leaves nothing, or a malformed one, is
# named before any daemon starts. Then a parent daemon in the fence tree that is stopped while
# its child links up: the child's loop goes on (its rank's output comes through meanwhile).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
command -v ip >/dev/null || mp_skip "no ip(8) (iproute2) to make network namespaces"
[ "$(id -u)" = 0 ] || mp_skip "making network namespaces needs root (CAP_NET_ADMIN)"

# The docker-like bridge first (a lower interface index: listed first), 198.18.Y.1/24 (a range
# kept for tests), then the hosts.
docker="dockermp$$"
docker=${docker:0:15}
y=$((RANDOM % 250))
if ! ip link add "$docker" type bridge 2>"$MP_WORK/dummy.err"; then
    mp_skip "cannot make a network bridge: $(cat "$MP_WORK/dummy.err")"
fi
# shellcheck disable=SC2034 # read by mp_netns_cleanup (netns.sh)
MP_NS_EXTRA=$docker
trap 'mp_netns_cleanup; mp_cleanup' EXIT
if ! { ip addr add "198.18.$y.1/24" dev "$docker" && ip link set "$docker" up; }; then
    mp_error "cannot set up interface $docker"
fi
mp_netns_setup 2
sub=$(ip -n "$NS1" -4 -o addr show | sed -n 's/.* inet \(10\.[0-9]*\.0\)\.1\/24.*/\1/p')
[ -n "$sub" ] || mp_error "cannot read the subnet of $NS1"
for ns in "$NS1" "$NS2"; do
    ip -n "$ns" route add "198.18.$y.0/24" via "$sub.99" || mp_error "cannot add a route in $ns"
done

# The launch agent, writing down each daemon's command line: HOST mpirun --libmp-daemon NODE
# PORT ADDRS.
agent=$MP_WORK/agent
cat >"$agent" <<AGENT
#!/bin/sh
echo "\$*" >>"$MP_WORK/agent.log"
exec ip netns exec "\$@"
AGENT
chmod +x "$agent"
hosts="$NS1:1,$NS2:1"
prog=$(mp_prog pmix_hosts)
where=$(mp_rank_hosts "$hosts")

# The address lists the daemons were given, one a line.
given()
{
    [ -e "$MP_WORK/agent.log" ] || return 0
    sed -n 's/.* --libmp-daemon [0-9]* [0-9]* //p' "$MP_WORK/agent.log"
}

echo "== by default the daemons are not given $docker's address (198.18.$y.1)"
rm -f "$MP_WORK/agent.log"
mp_mpirun -H "$hosts" --launch-agent "$agent" "$prog" "$where" hello
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_quick 20
[ "$(given | wc -l)" = 2 ] || mp_fail "expected 2 daemons in the agent's log"
given | grep -q "198\.18\.$y\.1" && mp_fail "a daemon was given $docker's address: $(given)"
given | grep -q "$sub\.254" || mp_fail "no daemon was given the hosts' bridge: $(given)"

echo "== MP_NET_IF=$sub.0/24 (mpirun's own environment): that address alone, ranks too"
rm -f "$MP_WORK/agent.log"
MP_NET_IF=$sub.0/24 mp_mpirun -H "$hosts" --launch-agent "$agent" "$(mp_prog ring_for)" 1
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
[ "$(given | sort -u)" = "$sub.254" ] || mp_fail "the daemons were given $(given), not $sub.254"

echo "== --net-if nosuchif0 across hosts: named before any daemon starts"
rm -f "$MP_WORK/agent.log"
mp_mpirun -H "$hosts" --launch-agent "$agent" --net-if nosuchif0 "$prog" "$where" hello
mp_expect_nonzero
mp_expect_quick 10
mp_expect_line stderr '^mpirun: no address of this host passes the interface filter "nosuchif0"'
[ ! -e "$MP_WORK/agent.log" ] || mp_fail "a daemon was started: $(cat "$MP_WORK/agent.log")"

echo "== --net-if 10.0.0.0/40: a malformed list, named before anything starts"
mp_mpirun -H "$hosts" --launch-agent "$agent" --net-if 10.0.0.0/40 "$prog" "$where" hello
mp_expect_nonzero
mp_expect_line stderr '^mpirun: --net-if "10\.0\.0\.0/40": an IPv4 subnet.s prefix length must be 0\.\.32 at "10\.0\.0\.0/40" \(expected '
[ ! -e "$MP_WORK/agent.log" ] || mp_fail "a daemon was started: $(cat "$MP_WORK/agent.log")"
mp_expect_empty stdout

# Fan-out 1: NS2's daemon is the child of NS1's. NS2's starts only once NS1's runs its rank and
# is stopped; NS2's then connects to a parent that accepts (the kernel does) but never answers.
echo "== a parent daemon stopped while its child links up: the child's rank is heard meanwhile"
gated=$MP_WORK/gated
cat >"$gated" <<AGENT
#!/bin/sh
if [ "\$1" = "$NS2" ]; then
    while [ ! -e "$MP_WORK/go" ]; do sleep 0.02; done
fi
exec ip netns exec "\$@"
AGENT
chmod +x "$gated"
MP_FENCE_FANOUT=1 mp_start "$MPIRUN" -H "$hosts" --tag-output --launch-agent "$gated" \
    sh -c 'echo up; sleep 1'
seen()
{
    local deadline=$(($(mp_now_ms) + $(mp_scale "$2") * 1000))
    until grep -qE "^\[1,$1\]<stdout>: ?up$" "$MP_OUT"; do
        if [ "$(mp_now_ms)" -ge "$deadline" ] || ! mp_pid_alive "$MP_BGPID"; then
            return 1
        fi
        sleep 0.02
    done
}
seen 0 20 || mp_fail "rank 0 (on $NS1) did not start"
parent=$(mp_daemon_in "$NS1")
[ -n "$parent" ] || mp_error "no daemon in $NS1"
kill -STOP "$parent"
touch "$MP_WORK/go"
seen 1 8 || mp_fail "rank 1's output did not come while its parent daemon was stopped"
kill -CONT "$parent"
mp_wait_bg 20
mp_expect_status 0

mp_finish
