#!/usr/bin/env bash
# Launcher test: MPI_Abort(MPI_COMM_WORLD, code) by one rank ends the whole job at once, while
# the other ranks sleep; the exit status is the code and stderr mentions MPI_Abort. What the
# aborting rank printed just before, unflushed, still comes out (stdout and a buffered stderr),
# and so do the lines the killed ranks printed to stdout (a pipe: written line by line).
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog abort)

echo "== rank 1 of 4 aborts with code 7; the others sleep 30 s"
mp_mpirun -n 4 "$prog" 1 7 30
mp_expect_status 7
mp_expect_quick 10
mp_expect_line stderr 'MPI_Abort'
mp_expect_line stdout 'rank 1: last words on stdout before MPI_Abort'
mp_expect_line stderr 'rank 1: last words on stderr before MPI_Abort'
for r in 0 2 3; do
    mp_expect_line stdout "rank $r: a line before sleeping"
done
mp_expect_pids_dead $(mp_rank_pids)

echo "== rank 0 of 2 aborts with code 42"
mp_mpirun -n 2 "$prog" 0 42 30
mp_expect_status 42
mp_expect_quick 10
mp_expect_line stderr 'MPI_Abort'
mp_expect_line stdout 'rank 0: last words on stdout before MPI_Abort'
mp_expect_pids_dead $(mp_rank_pids)

echo "== one rank aborts with code 3"
mp_mpirun -n 1 "$prog" 0 3
mp_expect_status 3
mp_expect_line stderr 'MPI_Abort'

echo "== a singleton (no mpirun) aborts with code 9"
mp_run "$prog" 0 9
mp_expect_status 9
mp_expect_line stdout 'rank 0: last words on stdout before MPI_Abort'

mp_finish
