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
        -v better="$better" '
        FNR == 1 {
            n = FILENAME
            sub(/.*\//, "", n)
            sub(/^[^.]*\./, "", n)
            sub(/\.[0-9]+$/, "", n)
        }
        /^#/ || NF < 2 { next }
        {
            v[n, $1] = v[n, $1] " " $2
            if (!($1 in seen)) {
                seen[$1] = 1
                sizes[++ns] = $1
            }
        }
        function median(s,   a, k, i, j, t) {
            k = split(s, a, " ")
            if (k == 0)
                return "-"
            for (i = 2; i <= k; i++) {
                t = a[i]
                for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--)
                    a[j + 1] = a[j]
                a[j + 1] = t
            }
            if (stat == "best")
                return better == "lower" ? a[1] : a[k]
            return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        function fmt(x) {
            if (x == "-")
                return x
            return x + 0 >= 1000 ? sprintf("%.0f", x) : sprintf("%.2f", x)
        }
        function ratio(a, b) {
            return (a == "-" || b == "-" || b == 0) ? "-" : sprintf("%.2f", a / b)
        }
        END {
            printf "%s, %s of %d runs\n", title, stat == "best" ? "best" : "median", runs
            printf "%8s %9s %9s %9s %9s %8s %8s %8s\n", "size", "libmp", "openmpi", "mpich",
                "socket", "l/sock", "l/ompi", "l/mpich"
            for (s = 1; s <= ns; s++) {
                z = sizes[s]
                l = median(v["libmp", z])
                o = median(v["openmpi", z])
                m = median(v["mpich", z])
                k = median(v["socket", z])
                printf "%8s %9s %9s %9s %9s %8s %8s %8s\n", z, fmt(l), fmt(o), fmt(m), fmt(k),
                    ratio(l, k), ratio(l, o), ratio(l, m)
                print z, l, o, m, k > out
            }
            print ""
        }' "${files[@]}"
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
