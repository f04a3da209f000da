#!/usr/bin/env bash
# Launcher test of mpicxx: a C++ program (tests/mpi/env/cxx_types.cc) compiles with warnings as
# errors, links with libmp and runs, its C++ datatypes checked value by value; "mpicxx -show"
# names the C++ compiler and libmp.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
src=$top_srcdir/tests/mpi/env/cxx_types.cc
[ -x "$MPICXX" ] || mp_error "MPICXX=$MPICXX is not an executable"
cxx=$("$MPICXX" -show | awk '{ print $1 }')
command -v "$cxx" >/dev/null || mp_skip "no C++ compiler: mpicxx names '$cxx' (install g++)"

echo "== mpicxx -show"
show=$("$MPICXX" -show -o prog prog.cc)
echo "$show"
case " $show " in
*" -lmp "*) ;;
*) mp_fail "'mpicxx -show' does not link libmp: $show" ;;
esac
case " $show " in
*" prog.cc "*) ;;
*) mp_fail "'mpicxx -show' drops the source file: $show" ;;
esac

echo "== compile and run $src"
"$MPICXX" -std=c++11 -Wall -Wextra -Werror -pedantic -O1 -o "$MP_WORK/cxx_types" "$src" ||
    mp_fail "mpicxx could not build $src"
if [ -x "$MP_WORK/cxx_types" ]; then
    for n in 1 3 5; do
        mp_mpirun -n "$n" "$MP_WORK/cxx_types"
        mp_expect_status 0
        mp_expect_line stdout '^No Errors$'
    done
fi
mp_finish
