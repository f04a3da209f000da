#!/usr/bin/env bash
# Start-up benchmark: times whole runs of "mpirun -n N init_finalize" with libmp, Open MPI and
# MPICH, alternating between them, and prints each one's median and libmp's ratios to the peers.
# Usage: tests/bench/startup.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-10}
sizes=${SIZES:-"2 8"}
srcdir=$(cd "$(dirname "$0")" && pwd)
benches=init_finalize
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/startup-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

names=()
launchers=()

bench_add libmp "$MPICC" "$MPIRUN"
bench_add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root --oversubscribe
bench_add mpich mpicc.mpich mpirun.mpich
[ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }

# run_once INDEX N: runs launcher INDEX with N ranks; prints the wall time in microseconds.
run_once()
{
    local t0 t1
    t0=$(date +%s%N)
    if ! ${launchers[$1]} -n "$2" "$work/init_finalize.${names[$1]}" </dev/null >"$work/out" 2>&1; then
        echo "${names[$1]} -n $2 failed:" >&2
        head -n 5 "$work/out" >&2
        return 1
    fi
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
}

# median of the numbers on stdin, in milliseconds with one decimal (input in microseconds).
median_ms()
{
    sort -n | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f\n", m / 1000
        }'
}

ratio()
{
    awk -v a="$1" -v b="$2" \
        'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}

echo "init_finalize start-up, $runs runs each, alternating; median wall time of mpirun in ms"
printf '%4s' N
for name in "${names[@]}"; do
    printf ' %10s' "$name"
done
printf ' %14s %12s\n' libmp/openmpi libmp/mpich

for n in $sizes; do
    for i in "${!names[@]}"; do
        : >"$work/times.$i"
        run_once "$i" "$n" >/dev/null || true # warm-up: page cache, first-run costs
    done
    for ((r = 0; r < runs; r++)); do
        for i in "${!names[@]}"; do
            run_once "$i" "$n" >>"$work/times.$i" || true
        done
    done
    declare -A med=([libmp]=- [openmpi]=- [mpich]=-)
    printf '%4s' "$n"
    for i in "${!names[@]}"; do
        med[${names[$i]}]=$(median_ms <"$work/times.$i")
        printf ' %10s' "${med[${names[$i]}]}"
    done
    printf ' %14s %12s\n' "$(ratio "${med[libmp]}" "${med[openmpi]}")" \
        "$(ratio "${med[libmp]}" "${med[mpich]}")"
done
