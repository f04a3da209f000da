#!/usr/bin/env bash
# One-sided benchmarks: builds rma.c with libmp, Open MPI and MPICH, runs each benchmark with
# two ranks bound to two cores, the three taking turns RUNS times, and prints per benchmark and
# size the median of each and libmp's ratios (below 1: libmp is faster for times, slower for
# bandwidths).
# RMA_FLAVOR=create: windows from MPI_Win_create instead of MPI_Win_allocate.
# Usage: tests/bench/rma.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-5}
rmas=${RMAS:-"put_lat get_lat acc_lat fop_lat fence_put put_bw"}
sizes=${SIZES:-"8,1K,64K,1M"}
scale=${SCALE:-1}
srcdir=$(cd "$(dirname "$0")" && pwd)
benches=rma
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/rma-bench.XXXXXX")
if [ -n "${KEEP:-}" ]; then
    echo "raw outputs kept in $work"
else
    trap 'rm -rf "$work"' EXIT
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

names=()
launchers=()
bench_add libmp "$MPICC" "$MPIRUN" -n 2
bench_add openmpi mpicc.openmpi mpirun.openmpi --bind-to core --map-by core -n 2
bench_add mpich mpicc.mpich mpirun.mpich -bind-to core -n 2
[ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }

for ((r = 0; r < runs; r++)); do
    for b in $rmas; do
        for ((k = 0; k < ${#names[@]}; k++)); do
            i=$(((k + r) % ${#names[@]}))
            name=${names[$i]}
            if ! timeout 120 ${launchers[$i]} "$work/rma.$name" "$b" "$sizes" "$scale" \
                </dev/null >"$work/$b.$name.$r" 2>"$work/err"; then
                echo "$name $b (run $((r + 1))) failed:" >&2
                head -n 5 "$work/err" >&2
                : >"$work/$b.$name.$r"
            fi
        done
    done
done

echo "one-sided benchmarks (windows from MPI_Win_${RMA_FLAVOR:-allocate}): 2 ranks bound to 2 cores,"
echo "$runs runs each, alternating; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for b in $rmas; do
    unit="us per operation (lower is better)"
    [ "$b" = put_bw ] && unit="MB/s (higher is better)"
    awk -v title="$b: $unit, median of $runs runs" -f "$srcdir/runs.awk" -f /dev/stdin \
        "$work/$b".* <<'AWK'
        END {
            print title
            printf "%10s %12s %12s %12s %14s %12s\n", "size", "libmp", "openmpi", "mpich",
                "libmp/openmpi", "libmp/mpich"
            for (s = 1; s <= ns; s++) {
                z = sizes[s]
                l = pick(v["libmp", z]); o = pick(v["openmpi", z]); m = pick(v["mpich", z])
                printf "%10s %12s %12s %12s %14s %12s\n", z, l, o, m, ratio(l, o), ratio(l, m)
            }
            print ""
        }
AWK
done
