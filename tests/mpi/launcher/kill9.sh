#!/usr/bin/env bash
# Launcher test: when mpirun itself is killed with SIGKILL, no rank survives it (the ranks
# must notice within about 2 s, since mpirun can do nothing).
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog sleeper)

for n in 1 4; do
    echo "== kill -9 mpirun while $n ranks sleep 30 s"
    mp_start "$MPIRUN" -n "$n" "$prog" 30
    if mp_wait_ranks "$n" 20; then
        pids=$(mp_rank_pids)
        kill -9 "$MP_BGPID"
        mp_wait_bg 5
        mp_expect_pids_dead $pids
    else
        mp_wait_bg 1
    fi
done

mp_finish
