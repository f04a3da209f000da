#!/usr/bin/env bash
# Launcher test: --tag-output prefixes every line with "[1,R]<stdout>:" or "[1,R]<stderr>:"
# (Open MPI's format), R being the rank that wrote it; lines stay whole.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init

echo "== --tag-output, 3 ranks"
mp_mpirun --tag-output -n 3 "$(mp_prog sleeper)" 0
mp_expect_status 0
for r in 0 1 2; do
    [ "$(grep -cE "^\[1,$r\]<stdout>: ?rank $r of 3 pid [0-9]+$" "$MP_OUT")" = 1 ] ||
        mp_fail "no line '[1,$r]<stdout>:rank $r of 3 pid P'"
done
[ "$(wc -l <"$MP_OUT")" -eq 3 ] || mp_fail "stdout has $(wc -l <"$MP_OUT") lines, expected 3"
mp_expect_empty stderr

echo "== --tag-output, 4 ranks x 400 lines on both streams"
mp_mpirun --tag-output -n 4 "$(mp_prog print_lines)" 400 1 300 2
mp_expect_status 0
mp_check_lines "$MP_OUT" out 4 401 1 300 1
mp_check_lines "$MP_ERR" err 4 201 1 300 1

mp_finish
