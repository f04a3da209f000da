#!/usr/bin/env bash
# Launcher test of direct modex across hosts (network namespaces, see netns.sh): ranks Get
# values other hosts' ranks Put and Committed without any fence bringing them, so each Get
# goes through mpirun to the owner's host; a Get of a rank that is gone fails, never hangs.
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

echo "== rank 3 (second host) finalizes and exits: a Get of its key fails at once"
hosts="$NS1:2,$NS2:2"
run_across "$hosts" "$prog" "$(mp_rank_hosts "$hosts")" gone 3
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_quick 15
mp_expect_no_survivors

mp_finish
