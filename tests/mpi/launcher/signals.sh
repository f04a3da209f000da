#!/usr/bin/env bash
# Launcher test: a rank killed by a signal ends the job; mpirun exits with 128 + the signal
# number and one "mpirun:" line on stderr names the rank and the signal.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog signal_self)

# check_signal NPROCS RANK NAME NUMBER
check_signal()
{
    echo "== rank $2 of $1 dies of SIG$3; the others sleep 30 s"
    mp_mpirun -n "$1" "$prog" "$2" "$3" 30
    mp_expect_status $((128 + $4)) "128 + SIG$3"
    mp_expect_quick 10
    mp_expect_mpirun_line "rank $2([^0-9]|\$)" "SIG$3"
    mp_expect_pids_dead $(mp_rank_pids)
}

check_signal 3 1 SEGV 11
check_signal 2 0 KILL 9
check_signal 4 3 ABRT 6
check_signal 1 0 TERM 15

mp_finish
