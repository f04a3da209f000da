#!/usr/bin/env bash
# Launcher test of the standard ABI: a program compiled with mpi.h and linked with -lmpi_abi
# runs on libmp, and so does one whose DT_NEEDED names libmpi_abi.so.1, as a binary built
# against another implementation of the MPI 5.0 ABI would.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
libs=$top_builddir/libmp/.libs
src=$top_srcdir/tests/mpi/env/init_basic.c
[ -e "$libs/libmpi_abi.so" ] || mp_skip "no libmpi_abi.so in $libs yet"
[ -x "$MPICC" ] || mp_error "MPICC=$MPICC is not an executable"

# abi_link OUTPUT [LIBDIR]: links abi.o as $MPICC would, but with -lmpi_abi instead of its
# library (and LIBDIR searched first). Keeps $MPICC's other flags, e.g. the sanitizers.
abi_link()
{
    local a cmd=() swapped=no
    for a in $("$MPICC" -show -o "$1" "$MP_WORK/abi.o"); do
        if [ "$a" = -lmp ]; then
            a=-lmpi_abi
            swapped=yes
        fi
        cmd+=("$a")
        if [ "${#cmd[@]}" = 1 ] && [ -n "${2:-}" ]; then
            cmd+=("-L$2")
        fi
    done
    [ "$swapped" = yes ] || mp_error "'$MPICC -show' does not link with -lmp: ${cmd[*]}"
    echo "+ ${cmd[*]}"
    "${cmd[@]}"
}

echo "== compile with \$MPICC, link with -lmpi_abi instead of -lmp"
"$MPICC" -c -I"$top_srcdir/tests/mpi/env" -o "$MP_WORK/abi.o" "$src" ||
    mp_error "$MPICC could not compile $src"
abi_link "$MP_WORK/abi_init_basic" || mp_fail "linking with -lmpi_abi failed"
if [ -x "$MP_WORK/abi_init_basic" ]; then
    mp_mpirun -n 2 "$MP_WORK/abi_init_basic" 2
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
    mp_run "$MP_WORK/abi_init_basic" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
fi

# A stand-in for another vendor's libmpi_abi.so.1: the same MPI symbols, soname
# libmpi_abi.so.1. The binary linked against it must run on libmp's libmpi_abi.so.1.
echo "== a binary that needs libmpi_abi.so.1 runs on libmp"
command -v nm >/dev/null || mp_skip "nm is needed to build the stand-in library"
command -v readelf >/dev/null || mp_skip "readelf is needed to check the stand-in binary"
mkdir "$MP_WORK/vendor"
nm -D --defined-only "$libs/libmpi_abi.so" | awk '$2 == "T" || $2 == "W" { print $3 }' |
    grep -E '^P?MPIX?_' | sed 's/.*/void &(void);\nvoid &(void) {}/' >"$MP_WORK/vendor/stub.c"
[ -s "$MP_WORK/vendor/stub.c" ] || mp_fail "libmpi_abi.so exports no MPI_ function"
"${CC:-cc}" -shared -fPIC -o "$MP_WORK/vendor/libmpi_abi.so" -Wl,-soname,libmpi_abi.so.1 \
    "$MP_WORK/vendor/stub.c" || mp_error "could not build the stand-in libmpi_abi.so"
abi_link "$MP_WORK/vendor_init_basic" "$MP_WORK/vendor" ||
    mp_fail "linking against the stand-in libmpi_abi.so failed"
if [ -x "$MP_WORK/vendor_init_basic" ]; then
    needed=$(readelf -d "$MP_WORK/vendor_init_basic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    echo "  needs:" $needed
    echo "$needed" | grep -qx 'libmpi_abi.so.1' ||
        mp_fail "the binary does not need libmpi_abi.so.1"
    mp_run env LD_LIBRARY_PATH="$libs" "$MPIRUN" -n 2 "$MP_WORK/vendor_init_basic" 2
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
fi

mp_finish
