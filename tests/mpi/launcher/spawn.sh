#!/usr/bin/env bash
# Launcher test: processes started by MPI_Comm_spawn are ranks like the first job's. A child
# that calls MPI_Abort, is killed by a signal or leaves without MPI_Finalize ends everything
# with the status the first job's rank would give, and the message names it ("job 2 rank 1");
# a timeout ends the children too; a clean run leaves no process and no file behind; the
# children's output is forwarded (tagged "[2,R]" by --tag-output).
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$top_builddir/tests/mpi/spawn/fail
[ -x "$prog" ] || mp_error "test program $prog is not built"
MP_LEFTOVERS=strict

echo "== a clean run: 2 parents, 2 children, everyone finalizes"
mp_mpirun -n 2 "$prog" ok
mp_expect_status 0
mp_expect_empty stderr
mp_expect_pids_dead $(mp_rank_pids)

echo "== --tag-output names the children's lines with their job and rank"
mp_mpirun --tag-output -n 1 "$prog" ok
mp_expect_status 0
mp_expect_line stdout '^\[2,0\]<stdout>:rank 0 of 2 pid [0-9]+$'
mp_expect_line stdout '^\[2,1\]<stdout>:rank 1 of 2 pid [0-9]+$'

echo "== child 1 calls MPI_Abort with code 7 while the parents wait for it"
mp_mpirun -n 2 "$prog" abort
mp_expect_status 7
mp_expect_quick 10
mp_expect_line stderr 'MPI_Abort'
mp_expect_pids_dead $(mp_rank_pids)

echo "== child 1 is killed by SIGKILL"
mp_mpirun -n 3 "$prog" signal
mp_expect_status 137
mp_expect_quick 10
mp_expect_mpirun_line 'job 2 rank 1 .*killed by signal 9'
mp_expect_pids_dead $(mp_rank_pids)

echo "== child 1 returns from main without MPI_Finalize"
mp_mpirun -n 1 "$prog" nofinalize
mp_expect_nonzero "a child did not call MPI_Finalize"
mp_expect_quick 10
mp_expect_mpirun_line 'job 2 rank 1 .*without calling MPI_Finalize'
mp_expect_pids_dead $(mp_rank_pids)

echo "== the job times out with the children asleep"
mp_mpirun --timeout 3 -n 2 "$prog" sleep
mp_expect_status 124
mp_expect_quick 15
mp_expect_pids_dead $(mp_rank_pids)

mp_finish
