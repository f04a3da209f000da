#!/usr/bin/env bash
# Launcher test of the tree that relays whole-job fences across hosts (MP_FENCE_FANOUT): with
# this host and 3 namespaces, fan-out 1 (a chain of daemons, depth 3) and 2 (depth 2) bring
# every rank's fence data to every rank, over links the daemons hold to their children;
# killing a middle daemon or one of its ranks ends the job cleanly; a bad fan-out is refused.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog pmix_hosts)
mp_netns_setup 3
here=$(hostname)
hosts="$here:1,$NS1:2,$NS2:1,$NS3:2"
where=$(mp_rank_hosts "$hosts")

# TCP connections of the daemon in namespace $1 to other hosts: to mpirun, its parent and its
# children (its ranks' PMIx connections stay on loopback).
daemon_links()
{
    ip netns exec "$1" ss -tnpH state established 2>/dev/null |
        grep "pid=$(mp_daemon_in "$1")," | grep -vc ' 127\.0\.0\.1:' || true
}

# Daemon positions 1..3 are NS1..NS3: fan-out 1 chains them (NS1 below mpirun, NS2 below NS1,
# NS3 below NS2); fan-out 2 puts NS1 and NS2 below mpirun and NS3 below NS1.
for spec in "1 2 3 2" "2 2 1 2"; do
    set -- $spec
    k=$1
    echo "== fan-out $k: hello on $hosts, every rank gets every rank's fence data"
    MP_FENCE_FANOUT=$k run_across "$hosts" "$prog" "$where" hello
    mp_expect_status 0
    mp_expect_empty stderr
    i=0
    for h in $(echo "$where" | tr ',' ' '); do
        mp_expect_line stdout "^hello from rank $i of 6 on $h\$"
        i=$((i + 1))
    done
    mp_expect_line stdout '^No Errors$'
    mp_expect_no_survivors

    echo "== fan-out $k: each daemon holds links to mpirun, its parent and its children"
    MP_FENCE_FANOUT=$k start_across "$hosts" "$prog" "$where" sleep 3
    if mp_wait_ranks 6 20; then
        shift
        j=1
        for want in "$@"; do
            eval "ns=\$NS$j"
            got=$(daemon_links "$ns")
            [ "$got" = "$want" ] || mp_fail "fan-out $k: daemon $j has $got links, expected $want"
            j=$((j + 1))
        done
    fi
    mp_wait_bg 20
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
    mp_expect_no_survivors
done

echo "== fan-out 1: the middle daemon (on $NS2) is killed while the ranks sleep"
MP_FENCE_FANOUT=1 start_across "$hosts" "$prog" "$where" sleep 30
if mp_wait_ranks 6 20; then
    kill -9 $(mp_daemon_in "$NS2")
    mp_wait_bg 15
    mp_expect_nonzero
    mp_expect_quick 10
    mp_expect_line stderr "^mpirun: lost the daemon on host ($NS2|$NS3)"
    mp_expect_pids_dead $(mp_rank_pids)
else
    mp_wait_bg 1
fi
mp_expect_no_survivors

echo "== fan-out 1: the middle daemon's rank (rank 3, on $NS2) is killed while the ranks sleep"
MP_FENCE_FANOUT=1 start_across "$hosts" "$prog" "$where" sleep 30
if mp_wait_ranks 6 20; then
    kill -9 "$(sed -n 's/^rank 3 of 6 pid \([0-9]*\)$/\1/p' "$MP_OUT")"
    mp_wait_bg 15
    mp_expect_status 137
    mp_expect_quick 10
    mp_expect_pids_dead $(mp_rank_pids)
else
    mp_wait_bg 1
fi
mp_expect_no_survivors

echo "== fan-out 1: a rank exits in the whole-job fence: no daemon waits there for it"
MP_FENCE_FANOUT=1 run_across "$hosts" "$prog" "$where" fencedie 4 3
mp_expect_status 3
mp_expect_quick 10
mp_expect_no_survivors

for bad in 0 x 1025; do
    echo "== MP_FENCE_FANOUT=$bad is refused by name"
    MP_FENCE_FANOUT=$bad run_across "$NS1:1,$NS2:1" "$prog" "$NS1,$NS2" hello
    mp_expect_status 1
    mp_expect_line stderr "MP_FENCE_FANOUT=$bad"
    mp_expect_no_rank_started
    mp_expect_no_survivors
done

mp_finish
