#!/usr/bin/env bash
# Launcher test: however a job ends (success, error exit, signal, MPI_Abort, no MPI_Finalize,
# timeout, SIGTERM or SIGKILL to mpirun), it leaves no process, no file in /dev/shm and no
# mpirun* or pmix* entry in /tmp. Runs with the default TMPDIR, unlike the other tests.
set -eu
. "$(dirname "$0")/lib.sh"
MP_LEFTOVERS=strict
mp_init
unset TMPDIR
env=$MP_ENVDIR

echo "== success, 4 ranks"
mp_mpirun -n 4 "$(mp_prog init_basic)" 4
mp_expect_status 0
echo "== error exit"
mp_mpirun -n 3 "$(mp_prog exit_code)" 1 3 before 30
mp_expect_status 3
echo "== SIGKILL of a rank"
mp_mpirun -n 3 "$(mp_prog signal_self)" 2 KILL 30
mp_expect_status 137
echo "== MPI_Abort"
mp_mpirun -n 3 "$(mp_prog abort)" 0 4 30
mp_expect_status 4
echo "== no MPI_Finalize"
mp_mpirun -n 3 "$(mp_prog no_finalize)" 1 30
mp_expect_nonzero
echo "== timeout"
mp_mpirun --timeout 2 -n 2 "$env/sleeper" 30
mp_expect_status 124
mp_expect_no_survivors

for sig in TERM KILL; do
    echo "== SIG$sig to mpirun"
    mp_start "$MPIRUN" -n 4 "$env/sleeper" 30
    if mp_wait_ranks 4 20; then
        kill -s "$sig" "$MP_BGPID"
    fi
    mp_wait_bg 15
    mp_expect_no_survivors
done

mp_finish
