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
cc=${CC:-cc}

echo "== compile with \$MPICC, link with -lmpi_abi only"
"$MPICC" -c -I"$top_srcdir/include" -I"$top_srcdir/tests/mpi/env" -o "$MP_WORK/abi.o" "$src" ||
    mp_error "$MPICC could not compile $src"
"$cc" -o "$MP_WORK/abi_init_basic" "$MP_WORK/abi.o" -L"$libs" -Wl,-rpath,"$libs" -lmpi_abi ||
    mp_fail "linking with -L$libs -lmpi_abi failed"
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
mkdir "$MP_WORK/vendor"
nm -D --defined-only "$libs/libmpi_abi.so" | awk '$2 == "T" || $2 == "W" { print $3 }' |
    grep -E '^P?MPIX?_' | sed 's/.*/void &(void);\nvoid &(void) {}/' >"$MP_WORK/vendor/stub.c"
[ -s "$MP_WORK/vendor/stub.c" ] || mp_fail "libmpi_abi.so exports no MPI_ function"
"$cc" -shared -fPIC -o "$MP_WORK/vendor/libmpi_abi.so" -Wl,-soname,libmpi_abi.so.1 \
    "$MP_WORK/vendor/stub.c" || mp_error "could not build the stand-in libmpi_abi.so"
"$cc" -o "$MP_WORK/vendor_init_basic" "$MP_WORK/abi.o" -L"$MP_WORK/vendor" -lmpi_abi ||
    mp_fail "linking against the stand-in libmpi_abi.so failed"
if [ -x "$MP_WORK/vendor_init_basic" ]; then
    needed=$(readelf -d "$MP_WORK/vendor_init_basic" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    echo "  needs: $(echo $needed)"
    echo "$needed" | grep -qx 'libmpi_abi.so.1' || mp_fail "the binary does not need libmpi_abi.so.1"
    mp_run env LD_LIBRARY_PATH="$libs" "$MPIRUN" -n 2 "$MP_WORK/vendor_init_basic" 2
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
fi

mp_finish
