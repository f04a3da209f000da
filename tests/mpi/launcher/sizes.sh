#!/usr/bin/env bash
# Launcher test: -n 1 to -n 8 (oversubscribed on small machines) all run, each rank learns its
# rank and the size, exactly one rank of each number; -np is a synonym of -n.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog sleeper)

for n in 1 2 3 4 5 6 7 8; do
    echo "== -n $n"
    mp_mpirun -n "$n" "$prog" 0
    mp_expect_status 0
    mp_expect_ranks "$n"
    mp_expect_empty stderr
done

echo "== -np 5"
mp_mpirun -np 5 "$prog" 0
mp_expect_status 0
mp_expect_ranks 5
mp_expect_empty stderr

mp_finish
