#!/usr/bin/env bash
# Launcher test across hosts that have IPv6 alone (network namespaces on a bridge with no IPv4
# but loopback, see netns.sh): mpirun's daemons connect back over IPv6, and with fan-out 1 a
# daemon links to its parent daemon over IPv6 too; the ring of checked messages runs on 2 hosts
# x 2 ranks and on 3 hosts x 2 ranks.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
ring=$(mp_prog ring_for)
MP_NS_NET=v6only mp_netns_setup 3
export MP_CPUS_SHARED=1

echo "== a ring on 2 hosts x 2 ranks over IPv6 alone"
run_across "$NS1:2,$NS2:2" "$ring" 1
mp_expect_status 0
mp_expect_empty stderr
for r in 0 1 2 3; do
    mp_expect_line stdout "^rank $r of 4 pid [0-9]+\$"
done
mp_expect_line stdout '^No Errors$'
mp_expect_no_survivors

# Fan-out 1 chains the daemons: NS2's parent is NS1's daemon, NS3's is NS2's.
echo "== fan-out 1: a ring on 3 hosts x 2 ranks, the daemons linked to each other over IPv6"
MP_FENCE_FANOUT=1 start_across "$NS1:2,$NS2:2,$NS3:2" --verbose "$ring" 2
if mp_wait_ranks 6 20; then
    for j in 2 3; do
        eval "ns=\$NS$j"
        parent="fd00:[0-9a-f]*::$((j - 1))"
        ip netns exec "$ns" ss -tnpH state established 2>/dev/null |
            grep "pid=$(mp_daemon_in "$ns")," | grep -Eq " \\[$parent\\]:[0-9]+ " ||
            mp_fail "the daemon on host $j holds no IPv6 link to its parent daemon on host $((j - 1))"
    done
fi
mp_wait_bg 30
mp_expect_status 0
mp_expect_no_line stderr 'through mpirun' "every daemon reached its parent"
mp_expect_empty stderr
for r in 0 1 2 3 4 5; do
    mp_expect_line stdout "^rank $r of 6 pid [0-9]+\$"
done
mp_expect_line stdout '^No Errors$'
mp_expect_no_survivors

mp_finish
