#!/usr/bin/env bash
# Launcher test: -x VAR=value and -x VAR (mpirun's own value) put VAR in every rank's
# environment; -x overrides the value mpirun inherited; MPICH's -genv and -genvlist do the same.
# Every rank finds its rank and size in Open MPI's and MPICH's variables (OMPI_COMM_WORLD_RANK,
# PMI_RANK, MPI_LOCALRANKID, ...).
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog print_env)

echo "== -x FOO=new -x FROMENV -x 'SPACED=a b=c' to 3 ranks"
mp_run env FOO=old FROMENV=outer_value "$MPIRUN" -n 3 -x FOO=new -x FROMENV -x 'SPACED=a b=c' \
    "$prog" FOO FROMENV SPACED
mp_expect_status 0
for r in 0 1 2; do
    for want in "FOO=new" "FROMENV=outer_value" "SPACED=a b=c"; do
        [ "$(grep -cFx "rank $r $want" "$MP_OUT")" = 1 ] ||
            mp_fail "rank $r: expected exactly one line 'rank $r $want'"
    done
done
[ "$(wc -l <"$MP_OUT")" -eq 9 ] || mp_fail "stdout has $(wc -l <"$MP_OUT") lines, expected 9"
mp_expect_empty stderr

echo "== each rank's rank and size in Open MPI's and MPICH's variables, mpirun's own values"
echo "   replacing inherited ones (as in an mpirun that a rank started)"
vars="OMPI_COMM_WORLD_RANK OMPI_COMM_WORLD_SIZE OMPI_COMM_WORLD_LOCAL_RANK"
vars="$vars OMPI_COMM_WORLD_LOCAL_SIZE PMI_RANK PMI_SIZE MPI_LOCALRANKID MPI_LOCALNRANKS"
# shellcheck disable=SC2086 # the names are words
mp_run env OMPI_COMM_WORLD_RANK=7 PMI_SIZE=9 "$MPIRUN" -n 3 "$prog" $vars
mp_expect_status 0
for r in 0 1 2; do
    for want in OMPI_COMM_WORLD_RANK=$r OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_LOCAL_RANK=$r \
        OMPI_COMM_WORLD_LOCAL_SIZE=3 PMI_RANK=$r PMI_SIZE=3 MPI_LOCALRANKID=$r MPI_LOCALNRANKS=3; do
        [ "$(grep -cFx "rank $r $want" "$MP_OUT")" = 1 ] ||
            mp_fail "rank $r: expected exactly one line 'rank $r $want'"
    done
done
mp_expect_empty stderr

echo "== -x FOO=1 -x BAR=2 with 8 ranks"
mp_mpirun -n 8 -x FOO=1 -x BAR=2 "$prog" FOO BAR
mp_expect_status 0
[ "$(grep -cE '^rank [0-7] FOO=1$' "$MP_OUT")" = 8 ] || mp_fail "not every rank has FOO=1"
[ "$(grep -cE '^rank [0-7] BAR=2$' "$MP_OUT")" = 8 ] || mp_fail "not every rank has BAR=2"

echo "== MPICH's -genv FOO 'x y' and -genvlist FROMENV; Open MPI's --mca and -q change nothing"
mp_run env FOO=old FROMENV=outer_value "$MPIRUN" -n 2 -genv FOO 'x y' -genvlist FROMENV \
    --mca btl self,tcp -q "$prog" FOO FROMENV
mp_expect_status 0
for r in 0 1; do
    for want in "FOO=x y" "FROMENV=outer_value"; do
        [ "$(grep -cFx "rank $r $want" "$MP_OUT")" = 1 ] ||
            mp_fail "rank $r: expected exactly one line 'rank $r $want'"
    done
done
[ "$(wc -l <"$MP_OUT")" -eq 4 ] || mp_fail "stdout has $(wc -l <"$MP_OUT") lines, expected 4"
mp_expect_empty stderr

mp_finish
