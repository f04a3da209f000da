#!/usr/bin/env bash
# Connection benchmark: runs "mpirun -n N connect ROUNDS" with libmp, Open MPI and MPICH,
# alternating between them, and prints the medians over the runs of each run's median time of
# MPI_Comm_connect and MPI_Comm_disconnect (us), and libmp's ratios to the peers.
# Usage: tests/bench/connect.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-5}
rounds=${ROUNDS:-50}
sizes=${SIZES:-"2 4"}
srcdir=$(cd "$(dirname "$0")" && pwd)
benches=connect
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/connect-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

names=()
launchers=()

bench_add libmp "$MPICC" "$MPIRUN"
bench_add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root --oversubscribe
bench_add mpich mpicc.mpich mpirun.mpich
[ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }

# run_once INDEX N: prints "CONNECT_US DISCONNECT_US" of one run (nothing if it failed).
run_once()
{
    if ! timeout 120 ${launchers[$1]} -n "$2" "$work/connect.${names[$1]}" "$rounds" </dev/null \
        >"$work/out" 2>&1; then
        echo "${names[$1]} -n $2 failed:" >&2
        head -n 5 "$work/out" >&2
        return 1
    fi
    tail -n 1 "$work/out"
}

# median of column COL of stdin.
median()
{
    awk -v c="$1" '{ print $c }' | sort -n | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f\n", m
        }'
}

ratio()
{
    awk -v a="$1" -v b="$2" \
        'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.3f\n", a / b }'
}

echo "accept/connect between two halves, $rounds rounds per run, $runs runs each, alternating;"
echo "median over runs of each run's median time at the connecting root, in us"
for what in connect disconnect; do
    col=1
    [ "$what" = disconnect ] && col=2
    printf '%-10s %4s' "$what" N
    for name in "${names[@]}"; do
        printf ' %10s' "$name"
    done
    printf ' %14s %12s\n' libmp/openmpi libmp/mpich
    for n in $sizes; do
        if [ "$col" = 1 ]; then
            for i in "${!names[@]}"; do
                : >"$work/times.$n.$i"
                run_once "$i" "$n" >/dev/null || true # warm-up
            done
            for ((r = 0; r < runs; r++)); do
                for i in "${!names[@]}"; do
                    run_once "$i" "$n" >>"$work/times.$n.$i" || true
                done
            done
        fi
        declare -A med=([libmp]=- [openmpi]=- [mpich]=-)
        printf '%-10s %4s' "" "$n"
        for i in "${!names[@]}"; do
            med[${names[$i]}]=$(median "$col" <"$work/times.$n.$i")
            printf ' %10s' "${med[${names[$i]}]}"
        done
        printf ' %14s %12s\n' "$(ratio "${med[libmp]}" "${med[openmpi]}")" \
            "$(ratio "${med[libmp]}" "${med[mpich]}")"
    done
done
