#!/usr/bin/env bash
# Launcher test: an error under MPI_ERRORS_ARE_FATAL (the default) or MPI_ERRORS_ABORT prints
# one clear line naming the rank, the call and the reason, and ends the whole job with a
# non-zero exit status, while the other ranks wait in a receive.
set -eu
. "$(dirname "$0")/../launcher/lib.sh"
mp_init
prog=$top_builddir/tests/mpi/errors/fatal
[ -x "$prog" ] || mp_error "test program $prog is not built"

for mode in "" abort; do
    echo "== rank 1 of 3 sends to rank 13 under ${mode:-the default handler}"
    mp_mpirun -n 3 "$prog" 1 $mode
    mp_expect_nonzero
    mp_expect_quick 20
    mp_expect_line stderr 'rank 1: MPI_Send: rank 13 is out of range 0\.\.2 .*\(MPI_ERR_RANK\)'
    n=$(grep -c 'MPI_Send: rank 13' "$MP_ERR" || true)
    [ "$n" = 1 ] || mp_fail "$n lines report the error, expected 1"
    mp_expect_no_line stdout 'returned under a fatal handler'
    mp_expect_pids_dead $(mp_rank_pids)
done

echo "== rank 2 of 3 raises a code of an error class it added"
mp_mpirun -n 3 "$prog" 2 added
mp_expect_nonzero
mp_expect_quick 20
mp_expect_line stderr 'rank 2: MPI_Comm_call_errhandler: the program raised error code [0-9]+ .*\(error class [0-9]+ added by the program: the input file is corrupt\)'
mp_expect_no_line stdout 'returned under a fatal handler'

echo "== a single rank"
mp_mpirun -n 1 "$prog" 0
mp_expect_nonzero
mp_expect_line stderr 'rank 0: MPI_Send: .*MPI_ERR_RANK'

mp_finish
