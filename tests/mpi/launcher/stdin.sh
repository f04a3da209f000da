#!/usr/bin/env bash
# Launcher test: mpirun's stdin goes to rank 0 only, byte for byte; the other ranks read
# end-of-file; a rank 0 that never reads its stdin does not make mpirun hang or fail.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog read_stdin)

echo "== printf 'abc\\n' | mpirun -n 2 read_stdin"
MP_STDIN=/dev/stdin mp_mpirun -n 2 "$prog" < <(printf 'abc\n')
mp_expect_status 0
[ "$(cat "$MP_OUT")" = abc ] || mp_fail "rank 0 read '$(head -c 100 "$MP_OUT")', expected 'abc'"
mp_expect_empty stderr

echo "== 200000 lines (1.3 MB) through a pipe to 3 ranks"
seq 1 200000 >"$MP_WORK/input"
MP_STDIN=/dev/stdin mp_mpirun -n 3 "$prog" < <(cat "$MP_WORK/input")
mp_expect_status 0
cmp -s "$MP_WORK/input" "$MP_OUT" ||
    mp_fail "rank 0 did not get stdin intact: $(cmp "$MP_WORK/input" "$MP_OUT" 2>&1 | head -1)"
mp_expect_empty stderr

echo "== endless stdin (yes) to ranks that never read it"
MP_STDIN=/dev/stdin mp_mpirun -n 2 "$(mp_prog sleeper)" 0 < <(yes 2>/dev/null)
mp_expect_status 0
mp_expect_ranks 2
mp_expect_empty stderr
mp_expect_quick 10

mp_finish
