#!/usr/bin/env bash
# Point-to-point benchmarks: builds latency, bw, bibw and msgrate with libmp, Open MPI and MPICH,
# runs them alternately RUNS times with two ranks bound to two cores, and prints per benchmark
# and size the median of each and libmp's ratios, then a summary against libmp's goals.
# Usage: tests/bench/pt2pt.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-5}
benches=${BENCHES:-"latency bw bibw msgrate"}
scale=${SCALE:-1}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/pt2pt-bench.XXXXXX")
if [ -n "${KEEP:-}" ]; then
    echo "raw outputs kept in $work"
else
    trap 'rm -rf "$work"' EXIT
fi

names=()
launchers=()

# libmp's mpirun binds each rank to a core by default.
bench_add libmp "$MPICC" "$MPIRUN" -n 2
bench_add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root --bind-to core --map-by core -n 2
bench_add mpich mpicc.mpich mpirun.mpich -bind-to core -n 2
[ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }

# The arguments of each benchmark: sizes and the iteration scale.
bench_args()
{
    case $1 in
    msgrate) echo "8 8 $scale" ;;
    *) echo "0 4M $scale" ;;
    esac
}

# Runs: the implementations take turns (in a rotating order), so that a disturbance of the
# machine hits all alike. Each output line is "size value iters"; '#' lines are comments.
for ((r = 0; r < runs; r++)); do
    for bench in $benches; do
        for ((k = 0; k < ${#names[@]}; k++)); do
            i=$(((k + r) % ${#names[@]}))
            name=${names[$i]}
            # shellcheck disable=SC2046 # the arguments are words
            if ! ${launchers[$i]} "$work/$bench.$name" $(bench_args "$bench") </dev/null \
                >"$work/$bench.$name.$r" 2>"$work/err"; then
                echo "$name $bench (run $((r + 1))) failed:" >&2
                head -n 5 "$work/err" >&2
                : >"$work/$bench.$name.$r"
            fi
        done
    done
done

# table BENCH TITLE: the medians of every size for each implementation and libmp's ratios; the
# medians also go to $work/medians.BENCH as "size libmp openmpi mpich" ("-" where missing).
table()
{
    local bench=$1 title=$2 files=()
    for name in "${names[@]}"; do
        files+=("$work/$bench.$name".*)
    done
    awk -v title="$title" -v runs="$runs" -v out="$work/medians.$bench" \
        -f "$srcdir/runs.awk" -f /dev/stdin "${files[@]}" <<'AWK'
        END {
            printf "%s, median of %d runs\n", title, runs
            printf "%10s %12s %12s %12s %14s %12s\n", "size", "libmp", "openmpi", "mpich",
                "libmp/openmpi", "libmp/mpich"
            for (s = 1; s <= ns; s++) {
                z = sizes[s]
                l = pick(v["libmp", z])
                o = pick(v["openmpi", z])
                m = pick(v["mpich", z])
                printf "%10s %12s %12s %12s %14s %12s\n", z, fmt(l, 3), fmt(o, 3), fmt(m, 3),
                    ratio(l, o), ratio(l, m)
                print z, l, o, m > out
            }
            print ""
        }
AWK
}

echo "pt2pt benchmarks: 2 ranks bound to 2 cores, $runs runs each, alternating"
for bench in $benches; do
    case $bench in
    latency) table latency "latency: half round trip in us (lower is better)" ;;
    bw) table bw "bw: unidirectional bandwidth in MB/s (higher is better)" ;;
    bibw) table bibw "bibw: bidirectional bandwidth in MB/s, both directions (higher is better)" ;;
    msgrate) table msgrate "msgrate: 8-byte messages per second (higher is better)" ;;
    esac
done

# The goals: latency of 0 to 64 bytes at most 0.8 times the better peer's; bandwidth at 256 KiB
# and more at least 1.1 times the better peer's. Prints the ratio at the worst size.
# goal MEDIANS WHAT MIN_SIZE MAX_SIZE TARGET lower|higher
goal()
{
    [ -s "$1" ] || return 0
    awk -v what="$2" -v lo="$3" -v hi="$4" -v target="$5" -v better="$6" '
        function wins(a, b) { return better == "lower" ? a + 0 < b + 0 : a + 0 > b + 0 }
        $1 + 0 < lo || $1 + 0 > hi { next }
        {
            peer = $3
            if ($4 != "-" && (peer == "-" || wins($4, peer)))
                peer = $4
            if ($2 == "-" || peer == "-" || peer == 0)
                next
            r = $2 / peer
            if (worst == "" || wins(worst, r)) {
                worst = r
                at = $1
            }
        }
        END {
            if (worst == "") {
                printf "%-44s not judged (no numbers of libmp or of a peer)\n", what
                exit
            }
            ok = better == "lower" ? worst <= target : worst >= target
            printf "%-44s worst %.2fx the better peer (at %s B), goal %s %.1fx: %s\n", what,
                worst, at, better == "lower" ? "<=" : ">=", target, ok ? "MET" : "NOT MET"
        }' "$1"
}

echo "summary against the goals (libmp / the better of Open MPI and MPICH at each size):"
goal "$work/medians.latency" "latency, 0 to 64 B (lower is better):" 0 64 0.8 lower
goal "$work/medians.bw" "bw, 256 KiB and more (higher is better):" 262144 1e18 1.1 higher
goal "$work/medians.bibw" "bibw, 256 KiB and more (higher is better):" 262144 1e18 1.1 higher
