#!/usr/bin/env bash
# Launcher test: the ranks' stdout and stderr arrive whole-line (never split or mixed with
# another rank's line), complete, in order per rank, each on its own stream; a last line
# without '\n' still arrives.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog print_lines)

echo "== 8 ranks x 2000 lines of 200-4000 characters on stdout, 500 on stderr"
mp_mpirun -n 8 "$prog" 2000 200 4000 4
mp_expect_status 0
mp_check_lines "$MP_OUT" out 8 2001 200 4000
mp_check_lines "$MP_ERR" err 8 501 200 4000

echo "== 3 ranks x 300 short lines on both streams"
mp_mpirun -n 3 "$prog" 300 1 40 1
mp_expect_status 0
mp_check_lines "$MP_OUT" out 3 301 1 40
mp_check_lines "$MP_ERR" err 3 301 1 40

echo "== 4 ranks print only a line without '\\n' on each stream"
mp_mpirun -n 4 "$prog" 0 30 30 1
mp_expect_status 0
mp_check_lines "$MP_OUT" out 4 1 30 30
mp_check_lines "$MP_ERR" err 4 1 30 30

mp_finish
