#!/usr/bin/env bash
# Launcher test of mpicc's queries, the ones build systems send to Open MPI's wrapper
# (-showme:compile, -showme:link, ...) and to MPICH's (-compile-info, -link-info): a program
# built with only the flags they print runs as a job whose ring values are checked; an unknown
# query is refused; CMake's FindMPI finds libmp through mpicc, where cmake is installed.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
[ -x "$MPICC" ] || mp_error "MPICC=$MPICC is not an executable"
cat >"$MP_WORK/ring.c" <<'SRC'
#include <mpi.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    int rank, size, got = -1;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Sendrecv(&rank, 1, MPI_INT, (rank + 1) % size, 0, &got, 1, MPI_INT,
                 (rank + size - 1) % size, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (got != (rank + size - 1) % size) {
        printf("rank %d got %d\n", rank, got);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        printf("No Errors\n");
    }
    MPI_Finalize();
    return 0;
}
SRC

# expect_query QUERY PATTERN: mpicc QUERY alone prints one line matching PATTERN.
expect_query()
{
    local out
    out=$("$MPICC" "$1") || {
        mp_fail "mpicc $1 failed"
        return
    }
    echo "mpicc $1: $out"
    [[ $out =~ $2 ]] || mp_fail "mpicc $1 printed '$out', not /$2/"
}

echo "== the queries"
include=$top_srcdir/include
expect_query -showme:compile "^-I$include\$"
expect_query --showme:compile "^-I$include\$"
expect_query -showme:link '^-L[^ ]+ .*-lmp$'
expect_query -showme:incdirs "^$include\$"
expect_query -showme:libdirs '^/'
expect_query -showme:libs '^mp$'
expect_query -showme:version '^mpicc: libmp [0-9]'
expect_query -showme:command '^[^ ]+$'
expect_query -compile-info "^[^ ]+ -I$include\$"
expect_query -compile_info "^[^ ]+ -I$include\$"
expect_query -link-info '^[^ ]+ -I.* -lmp$'
expect_query -link_info '^[^ ]+ -I.* -lmp$'
[ -f "$("$MPICC" -showme:incdirs)/mpi.h" ] || mp_fail "-showme:incdirs names no directory with mpi.h"

echo "== a program built with Open MPI's queries (cc \$(mpicc -showme:compile) ...)"
cc=$("$MPICC" -showme:command)
# shellcheck disable=SC2046 # the flags are words
"$cc" $("$MPICC" -showme:compile) -c -o "$MP_WORK/ring.o" "$MP_WORK/ring.c" &&
    "$cc" -o "$MP_WORK/ring_ompi" "$MP_WORK/ring.o" $("$MPICC" -showme:link) ||
    mp_fail "the build with -showme:compile and -showme:link failed"
echo "== a program built with MPICH's queries, as build systems take them: the compiler, then"
echo "   the flags after it (-compile-info before the source, -link-info after the objects)"
read -r -a compile <<<"$("$MPICC" -compile-info)"
read -r -a link <<<"$("$MPICC" -link-info)"
"${compile[@]}" -c -o "$MP_WORK/ring2.o" "$MP_WORK/ring.c" &&
    "${link[0]}" -o "$MP_WORK/ring_mpich" "$MP_WORK/ring2.o" "${link[@]:1}" ||
    mp_fail "the build with -compile-info and -link-info failed"
for prog in ring_ompi ring_mpich; do
    [ -x "$MP_WORK/$prog" ] || continue
    for n in 2 3; do
        mp_mpirun -n "$n" "$MP_WORK/$prog"
        mp_expect_status 0
        mp_expect_line stdout '^No Errors$'
    done
done

echo "== an unknown query is refused, saying which are known"
mp_run "$MPICC" -showme:everything
mp_expect_status 1
mp_expect_line stderr 'unknown query -showme:everything; -showme:compile'

if command -v cmake >/dev/null 2>&1; then
    echo "== CMake's FindMPI finds libmp through mpicc"
    mkdir -p "$MP_WORK/cmake/build"
    cat >"$MP_WORK/cmake/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.10)
project(ring C)
find_package(MPI REQUIRED C)
add_executable(ring $MP_WORK/ring.c)
target_link_libraries(ring MPI::MPI_C)
CMAKE
    # FindMPI takes only libraries and paths from the link line: a sanitizer build's runtime
    # must be linked into the program by hand.
    sanitize=$("$MPICC" -showme:link | tr ' ' '\n' | grep '^-f' | tr '\n' ' ' || true)
    mp_run sh -c "cd '$MP_WORK/cmake/build' && cmake -DMPI_C_COMPILER='$MPICC' \
        -DCMAKE_EXE_LINKER_FLAGS='$sanitize' .. && make"
    mp_expect_status 0
    mp_expect_line stdout 'Found MPI_C: .*libmp'
    if [ -x "$MP_WORK/cmake/build/ring" ]; then
        mp_mpirun -n 3 "$MP_WORK/cmake/build/ring"
        mp_expect_status 0
        mp_expect_line stdout '^No Errors$'
    fi
fi
mp_finish
