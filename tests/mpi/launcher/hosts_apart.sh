#!/usr/bin/env bash
# Launcher test of the fence tree's fallback to mpirun: hosts that reach mpirun but not one
# another (network namespaces each on a link of its own, MP_NS_NET=apart in netns.sh). With
# fan-out 1 every daemon below the first cannot reach its parent daemon: it relays through
# mpirun instead, every rank still gets every rank's fence data, and mpirun adds nothing to the
# output (a note per daemon with --verbose). A parent behind a gateway that never answers is
# given up within seconds, and the fence already waiting for that daemon completes.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog pmix_hosts)
MP_NS_NET=apart mp_netns_setup 3
here=$(hostname)
hosts="$here:1,$NS1:1,$NS2:2,$NS3:1"
where=$(mp_rank_hosts "$hosts")

# Every rank said hello from its host, after the fence that brought it every rank's data.
expect_hellos()
{
    local i=0 h
    for h in $(echo "$where" | tr ',' ' '); do
        mp_expect_line stdout "^hello from rank $i of 5 on $h\$"
        i=$((i + 1))
    done
    mp_expect_line stdout '^No Errors$'
}

# Fan-out 1 chains the daemons: NS1 below mpirun, NS2 below NS1, NS3 below NS2.
echo "== fan-out 1, hosts apart: the daemons on $NS2 and $NS3 relay through mpirun, silently"
MP_FENCE_FANOUT=1 run_across "$hosts" "$prog" "$where" hello
mp_expect_status 0
mp_expect_empty stderr
expect_hellos
mp_expect_no_survivors

echo "== the same with --verbose: mpirun says which daemons relay through it, and why"
MP_FENCE_FANOUT=1 run_across "$hosts" --verbose "$prog" "$where" hello
mp_expect_status 0
for ns in "$NS2" "$NS3"; do
    mp_expect_line stderr "^mpirun: the daemon on $ns relays its fences through mpirun: cannot connect to the parent daemon at 10\\.[0-9.]+ port [0-9]+"
done
mp_expect_no_line stderr "daemon on $NS1 relays" "NS1's parent is mpirun itself"
expect_hellos
mp_expect_no_survivors

# NS3's parent is NS2's daemon (10.X.2.1): a route to that address alone through an address of
# NS3's own link that nobody has, so that its connection waits instead of failing at once.
sub2=$(ip -n "$NS2" -4 -o addr show | sed -n 's/.* inet \(10\.[0-9]*\.[0-9]*\)\.1\/24.*/\1/p')
sub3=$(ip -n "$NS3" -4 -o addr show | sed -n 's/.* inet \(10\.[0-9]*\.[0-9]*\)\.1\/24.*/\1/p')
if [ -z "$sub2" ] || [ -z "$sub3" ]; then
    mp_error "cannot read the subnets of $NS2 and $NS3"
fi
ip -n "$NS3" route add "$sub2.1/32" via "$sub3.99" || mp_error "cannot add a route in $NS3"
echo "== fan-out 1: NS3's way to its parent leads nowhere: given up within seconds"
MP_FENCE_FANOUT=1 run_across "$hosts" --verbose "$prog" "$where" hello
mp_expect_status 0
mp_expect_line stderr "^mpirun: the daemon on $NS3 relays its fences through mpirun: cannot connect to the parent daemon at $sub2\\.1 port [0-9]+: (Connection timed out|No route to host)"
expect_hellos
mp_expect_quick 20
mp_expect_no_survivors

mp_finish
