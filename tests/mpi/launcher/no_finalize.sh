#!/usr/bin/env bash
# Launcher test: a rank that returns from main without MPI_Finalize, while the others still
# run, ends the job promptly with a non-zero status and a message that names MPI_Finalize.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog no_finalize)

for spec in "3 1" "2 0" "8 5"; do
    set -- $spec
    echo "== rank $2 of $1 returns from main without MPI_Finalize; the others sleep 30 s"
    mp_mpirun -n "$1" "$prog" "$2" 30
    mp_expect_nonzero "a rank did not call MPI_Finalize"
    mp_expect_quick 10
    mp_expect_line stderr 'MPI_Finalize'
    mp_expect_pids_dead $(mp_rank_pids)
done

mp_finish
