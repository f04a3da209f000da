#!/usr/bin/env bash
# Launcher test: mpirun's exit status is the first non-zero exit status of a rank, the other
# ranks are ended at once (after a non-zero exit that follows MPI_Finalize, once they had a
# moment to exit on their own, so that what they printed is not lost), and one "mpirun:" line
# on stderr names the rank and the status.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog exit_code)

echo "== success: mpirun adds nothing to the ranks' output"
mp_mpirun -n 3 "$prog" -1 0 after
mp_expect_status 0
mp_expect_ranks 3
mp_expect_empty stderr "mpirun prints nothing of its own on success"

echo "== rank 1 exits 3 after MPI_Finalize; the others sleep 30 s after theirs"
mp_mpirun -n 3 "$prog" 1 3 after 30
mp_expect_status 3
mp_expect_quick 10
mp_expect_mpirun_line 'rank 1([^0-9]|$)' '(^|[^0-9])3([^0-9]|$)'
mp_expect_pids_dead $(mp_rank_pids)

echo "== rank 1 of 4 exits 1 after MPI_Finalize; the others exit 300 ms after theirs"
# MP_END_GRACE (default 1 s) is raised so that slow exits of loaded or sanitized ranks fit.
export MP_END_GRACE=$(mp_scale 20)
mp_mpirun -n 4 "$prog" 1 1 after 300ms
unset MP_END_GRACE
mp_expect_status 1
mp_expect_mpirun_line 'rank 1([^0-9]|$)' '(^|[^0-9])1([^0-9]|$)'
mp_expect_quick 10
for r in 0 2 3; do
    mp_expect_line stdout "rank $r: unflushed line before MPI_Finalize"
done

echo "== rank 0 exits 255 before MPI_Finalize; the others sleep 30 s inside MPI"
mp_mpirun -n 4 "$prog" 0 255 before 30
mp_expect_status 255
mp_expect_quick 10
mp_expect_mpirun_line 'rank 0([^0-9]|$)' '(^|[^0-9])255([^0-9]|$)'
mp_expect_pids_dead $(mp_rank_pids)

echo "== the last rank of 8 exits 7 after MPI_Finalize, the others finish normally"
mp_mpirun -n 8 "$prog" 7 7 after
mp_expect_status 7
mp_expect_mpirun_line 'rank 7([^0-9]|$)' '(^|[^0-9])7([^0-9]|$)'

echo "== one rank, exit 5"
mp_mpirun -n 1 "$prog" 0 5 after
mp_expect_status 5
mp_expect_mpirun_line 'rank 0([^0-9]|$)' '(^|[^0-9])5([^0-9]|$)'

mp_finish
