#!/usr/bin/env bash
# Launcher test: in a job forced onto tcp, a rank killed in the middle of a ring exchange ends
# the job promptly with the signal's status and mpirun's line naming it (the survivors hold
# their "lost rank" report for a second); no rank hangs waiting for the dead peer.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog ring_for)

for n in 2 4; do
    echo "== rank 1 of $n dies with SIGKILL during a ring exchange over tcp"
    MP_LIMIT=30 mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n "$n" "$prog" 20 1
    mp_expect_status 137 "the signal's status, reported by mpirun"
    mp_expect_line stderr "rank 1 \\(pid [0-9]+\\) was killed by signal 9" "mpirun names the cause"
    mp_expect_no_line stderr "lost rank" "the survivors hold their account of it"
    mp_expect_quick 15 "the job must end soon after the rank dies, not at the program's end"
    mp_expect_no_line stdout '^No Errors$'
    mp_expect_no_survivors
done

mp_finish
