#!/usr/bin/env bash
# TCP benchmarks on one host (loopback): latency and bw of libmp forced onto tcp
# (MP_TCP_ONLY=1), Open MPI on its tcp btl, MPICH on its netmod with every peer treated as
# remote, and plain sockets (sock.c, the physical limit), taking turns RUNS times; prints per
# size the medians and libmp's ratios, then a summary against the goals.
# Usage: tests/bench/tcp.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
CC=${CC:-cc}
runs=${RUNS:-5}
benches=${BENCHES:-"latency bw"}
scale=${SCALE:-1}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/tcp-bench.XXXXXX")
if [ -n "${KEEP:-}" ]; then
    echo "raw outputs kept in $work"
else
    trap 'rm -rf "$work"' EXIT
fi

names=()
launchers=()

# add NAME COMPILER LAUNCHER...: builds latency.c and bw.c with COMPILER; on success, runs them.
add()
{
    local name=$1 cc=$2
    shift 2
    bench_build "$name" "$cc" || return 0
    names+=("$name")
    launchers+=("$*")
}

add libmp "$MPICC" env MP_TCP_ONLY=1 "$MPIRUN" -n 2
# ob1 with the tcp btl only (pml ucx would bypass the btls), over loopback.
add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root --bind-to core --map-by core \
    --mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include lo -n 2
# MPICH (ch4:ucx in Debian): every peer remote (no shared memory), UCX on tcp over loopback.
add mpich mpicc.mpich env MPIR_CVAR_NOLOCAL=1 UCX_TLS=tcp,self UCX_NET_DEVICES=lo \
    mpirun.mpich -bind-to core -n 2
add_socket
run_turns
TCP_REPORT_WHAT="over loopback"
. "$(dirname "$0")/tcp_report.sh"
