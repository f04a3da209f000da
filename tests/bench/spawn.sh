#!/usr/bin/env bash
# Spawn benchmark: runs "mpirun -n 1 spawn K ROUNDS" (spawn.c) with libmp, Open MPI and MPICH,
# alternating between them, and prints the median over the runs of each one's median spawn time
# (MPI_Comm_spawn until a barrier over the new intercommunicator completed) and latency between
# the jobs, with libmp's ratios (below 1: libmp is faster).
# Usage: tests/bench/spawn.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-5}
counts=${COUNTS:-"1 4"}
rounds=${ROUNDS:-5}
srcdir=$(cd "$(dirname "$0")" && pwd)
benches=spawn
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/spawn-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

names=()
launchers=()

# Enough slots for the children: MPI_UNIVERSE_SIZE is what programs may consult.
bench_add libmp "$MPICC" "$MPIRUN" -H localhost:16
bench_add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root --oversubscribe
bench_add mpich mpicc.mpich mpirun.mpich
[ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }

# run_once INDEX K: prints "SPAWN_MS LATENCY_US" of one run, or nothing when it failed.
run_once()
{
    if ! timeout 120 ${launchers[$1]} -n 1 "$work/spawn.${names[$1]}" "$2" "$rounds" \
        </dev/null >"$work/out" 2>&1; then
        echo "${names[$1]} spawn $2 failed:" >&2
        head -n 3 "$work/out" >&2
        return 0
    fi
    sed -n 's/^spawn [0-9]*: \([0-9.]*\) ms, latency between jobs \([0-9.]*\) us$/\1 \2/p' "$work/out"
}

median()
{
    sort -n | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

ratio()
{
    awk -v a="$1" -v b="$2" \
        'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}

echo "spawn of K processes from a 1-process job, $runs runs each of $rounds rounds, alternating"
echo "(medians: spawn until a barrier over the intercommunicator, ms; 8-byte latency between jobs, us)"
printf '%3s %-8s' K what
for name in "${names[@]}"; do
    printf ' %10s' "$name"
done
printf ' %14s %12s\n' libmp/openmpi libmp/mpich
for k in $counts; do
    for i in "${!names[@]}"; do
        : >"$work/res.$i"
        run_once "$i" "$k" >/dev/null # warm-up
    done
    for ((r = 0; r < runs; r++)); do
        for i in "${!names[@]}"; do
            run_once "$i" "$k" >>"$work/res.$i"
        done
    done
    for col in 1 2; do
        declare -A med=([libmp]=- [openmpi]=- [mpich]=-)
        printf '%3s %-8s' "$k" "$([ $col = 1 ] && echo spawn || echo latency)"
        for i in "${!names[@]}"; do
            med[${names[$i]}]=$(cut -d ' ' -f $col "$work/res.$i" | median)
            printf ' %10s' "${med[${names[$i]}]}"
        done
        printf ' %14s %12s\n' "$(ratio "${med[libmp]}" "${med[openmpi]}")" \
            "$(ratio "${med[libmp]}" "${med[mpich]}")"
    done
done
