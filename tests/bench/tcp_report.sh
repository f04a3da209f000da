# The report of tcp.sh and across.sh, sourced after their runs: per benchmark a table of medians
# and ratios, then the summary against the goals. Uses work, runs, names and benches from the
# script, and TCP_REPORT_WHAT for the title ("over loopback", ...). STAT=best: the best of the
# runs (lowest latency, highest bandwidth) instead of the median, for a machine whose speed
# drifts between runs (a shared virtual machine).


# table BENCH TITLE lower|higher: per size the median (or best) of each and libmp's ratios to the
# socket and the peers; they also go to $work/medians.BENCH as "size libmp openmpi mpich socket".
table()
{
    local bench=$1 title=$2 better=$3 files=()
    for name in "${names[@]}"; do
        files+=("$work/$bench.$name".*)
    done
    awk -v title="$title" -v runs="$runs" -v out="$work/medians.$bench" -v stat="${STAT:-median}" \
        -v better="$better" -f "$srcdir/runs.awk" -f /dev/stdin "${files[@]}" <<'AWK'
        END {
            printf "%s, %s of %d runs\n", title, stat_name(), runs
            printf "%8s %9s %9s %9s %9s %8s %8s %8s\n", "size", "libmp", "openmpi", "mpich",
                "socket", "l/sock", "l/ompi", "l/mpich"
            for (s = 1; s <= ns; s++) {
                z = sizes[s]
                l = pick(v["libmp", z])
                o = pick(v["openmpi", z])
                m = pick(v["mpich", z])
                k = pick(v["socket", z])
                printf "%8s %9s %9s %9s %9s %8s %8s %8s\n", z, fmt(l, 2), fmt(o, 2), fmt(m, 2),
                    fmt(k, 2), ratio(l, k), ratio(l, o), ratio(l, m)
                print z, l, o, m, k > out
            }
            print ""
        }
AWK
}

echo "tcp benchmarks $TCP_REPORT_WHAT: 2 ranks, $runs runs each, alternating ($(uptime))"
for bench in $benches; do
    case $bench in
    latency) table latency "latency: half round trip in us (lower is better)" lower ;;
    bw) table bw "bw: unidirectional bandwidth in MB/s (higher is better)" higher ;;
    esac
done

# goal MEDIANS WHAT MIN MAX TARGET lower|higher COLUMN: libmp / column (5 = socket; 0 = the
# better peer) at the worst size within MIN..MAX.
goal()
{
    [ -s "$1" ] || return 0
    awk -v what="$2" -v lo="$3" -v hi="$4" -v target="$5" -v better="$6" -v col="$7" '
        function wins(a, b) { return better == "lower" ? a + 0 < b + 0 : a + 0 > b + 0 }
        $1 + 0 < lo || $1 + 0 > hi { next }
        {
            ref = $col
            if (col == 0) {
                ref = $3
                if ($4 != "-" && (ref == "-" || wins($4, ref)))
                    ref = $4
            }
            if ($2 == "-" || ref == "-" || ref == 0)
                next
            r = $2 / ref
            if (worst == "" || wins(worst, r)) {
                worst = r
                at = $1
            }
        }
        END {
            if (worst == "") {
                printf "%-52s not judged (no numbers)\n", what
                exit
            }
            ok = better == "lower" ? worst <= target : worst >= target
            printf "%-52s worst %.2fx (at %s B), goal %s %.1fx: %s\n", what, worst, at,
                better == "lower" ? "<=" : ">=", target, ok ? "MET" : "NOT MET"
        }' "$1"
}

echo "summary against the goals:"
goal "$work/medians.latency" "latency 0..64 B vs the plain socket (lower is better):" 0 64 1.2 lower 5
goal "$work/medians.latency" "latency 0..64 B vs the better peer:" 0 64 1.0 lower 0
goal "$work/medians.bw" "bw 256 KiB+ vs the plain socket (higher is better):" 262144 1e18 0.9 higher 5
goal "$work/medians.bw" "bw 256 KiB+ vs the better peer:" 262144 1e18 1.0 higher 0
