#!/usr/bin/env bash
# Launcher test: SIGINT or SIGTERM sent to mpirun reach every rank; mpirun exits promptly
# with 128 + the signal number and no rank survives.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog sleeper)

for spec in "INT 2" "TERM 15"; do
    set -- $spec
    echo "== SIG$1 to mpirun while 4 ranks sleep 30 s"
    mp_start "$MPIRUN" -n 4 "$prog" 30
    if mp_wait_ranks 4 20; then
        pids=$(mp_rank_pids)
        kill -s "$1" "$MP_BGPID"
        mp_wait_bg 15
        mp_expect_status $((128 + $2)) "128 + SIG$1"
        mp_expect_quick 5
        mp_expect_pids_dead $pids
    else
        mp_wait_bg 1
    fi
done

mp_finish
