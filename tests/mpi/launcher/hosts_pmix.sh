#!/usr/bin/env bash
# Launcher test of PMIx services across hosts (network namespaces, see netns.sh): direct
# modex (ranks Get values other hosts' ranks Put and Committed without any fence bringing
# them, so each Get goes through mpirun to the owner's host; a Get of a rank that is gone
# fails, never hangs), and a rank dying while the others wait in a fence across hosts.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog pmix_hosts)
mp_netns_setup 3
here=$(hostname)

for hosts in "$NS1:2,$NS2:2" "$here:1,$NS1:1,$NS2:2" "$NS1:1,$NS2:3,$NS3:2"; do
    n=$(mp_rank_hosts "$hosts" | tr ',' '\n' | wc -l)
    echo "== direct modex on $hosts ($n ranks): every rank gets every rank's value"
    run_across "$hosts" "$prog" "$(mp_rank_hosts "$hosts")" direct
    mp_expect_status 0
    mp_expect_empty stderr
    mp_expect_line stdout '^No Errors$'
    [ "$(grep -c '^rank [0-9]* of '"$n"' pid' "$MP_OUT")" = "$n" ] || mp_fail "not every rank ran"
    mp_expect_quick 20
    mp_expect_no_survivors
done

hosts="$NS1:2,$NS2:1,$NS3:1"
echo "== Gets with a 2 s timeout of keys not committed yet end in time on $hosts"
run_across "$hosts" "$prog" "$(mp_rank_hosts "$hosts")" late
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_quick 10
mp_expect_no_survivors

echo "== rank 3 (second host) finalizes and exits: a Get of its key fails at once"
hosts="$NS1:2,$NS2:2"
run_across "$hosts" "$prog" "$(mp_rank_hosts "$hosts")" gone 3
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_quick 15
mp_expect_no_survivors

for spec in "$NS1:2,$NS2:2 3" "$NS1:2,$NS2:2 0" "$here:2,$NS1:2 1" "$NS1:1,$NS2:2,$NS3:1 2"; do
    set -- $spec
    echo "== rank $2 exits with status 3 while the others wait in a fence on $1"
    run_across "$1" "$prog" "$(mp_rank_hosts "$1")" fencedie "$2" 3
    mp_expect_status 3
    mp_expect_mpirun_line "rank $2 \\(pid [0-9]+ on [^)]*\\) exited with status 3"
    mp_expect_quick 10
    mp_expect_pids_dead $(mp_rank_pids)
    mp_expect_no_survivors
done

mp_finish
