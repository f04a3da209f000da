#!/usr/bin/env bash
# Launcher test: --timeout S and MPIEXEC_TIMEOUT=S end a job still running after S seconds,
# with status 124 and a "timed out" message; a job that ends in time is not affected.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog sleeper)

echo "== --timeout 2 with ranks sleeping 30 s"
mp_mpirun --timeout 2 -n 2 "$prog" 30
mp_expect_status 124
mp_expect_line stderr 'timed out'
[ "$MP_MS" -ge 1900 ] || mp_fail "ended after $MP_MS ms, before the 2 s timeout"
mp_expect_quick 10
mp_expect_pids_dead $(mp_rank_pids)

echo "== MPIEXEC_TIMEOUT=2 with ranks sleeping 30 s"
mp_run env MPIEXEC_TIMEOUT=2 "$MPIRUN" -n 3 "$prog" 30
mp_expect_status 124
mp_expect_line stderr 'timed out'
[ "$MP_MS" -ge 1900 ] || mp_fail "ended after $MP_MS ms, before the 2 s timeout"
mp_expect_quick 10
mp_expect_pids_dead $(mp_rank_pids)

echo "== --timeout 30 with a job that ends at once"
mp_mpirun --timeout 30 -n 2 "$prog" 0
mp_expect_status 0
mp_expect_ranks 2
mp_expect_empty stderr
mp_expect_quick 10

mp_finish
