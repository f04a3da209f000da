#!/usr/bin/env bash
# Collective benchmarks: builds coll.c with libmp, Open MPI and MPICH, runs each collective at
# each process count with the three in turn RUNS times, and prints per collective, count and
# size the median time per call of each and libmp's ratios, then a summary against the goals.
# STAT=min: the best of the runs instead of the median (for a machine that others load).
# Usage: tests/bench/coll.sh [BUILDDIR]   (see tests/bench/README.md)
set -eu

builddir=${1:-.}
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
runs=${RUNS:-5}
colls=${COLLS:-"allreduce bcast reduce barrier allgather alltoall"}
nprocs=${NPROCS:-"2 4 8"}
sizes=${SIZES:-"8,1K,64K,1M"}
scale=${SCALE:-1}
time_cap=${TIME_CAP:-0.2}
run_timeout=${TIMEOUT:-20}
cores=${CORES:-$(nproc)}
src_dir=$(cd "$(dirname "$0")" && pwd)
src=$src_dir/coll.c

work=$(mktemp -d "${TMPDIR:-/tmp}/coll-bench.XXXXXX")
if [ -n "${KEEP:-}" ]; then
    echo "raw outputs kept in $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Open MPI refuses to run as root without these (the same as --allow-run-as-root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

names=()

# add NAME COMPILER LAUNCHER: builds coll.c with COMPILER; on success, NAME takes part.
add()
{
    local name=$1 cc=$2 run=$3
    if ! command -v "$cc" >/dev/null 2>&1 && [ ! -x "$cc" ]; then
        echo "skipping $name: no compiler $cc"
        return 0
    fi
    if ! command -v "$run" >/dev/null 2>&1 && [ ! -x "$run" ]; then
        echo "skipping $name: no launcher $run"
        return 0
    fi
    if ! "$cc" -O2 -o "$work/coll.$name" "$src" >"$work/cc.$name.log" 2>&1; then
        echo "skipping $name: $cc could not build coll.c:"
        head -n 5 "$work/cc.$name.log"
        return 0
    fi
    names+=("$name")
}

# launcher NAME N: the command line that starts N ranks. Up to one rank per core, each is bound
# to its own core; beyond, libmp runs with no flag (it stops binding by itself), Open MPI with
# --oversubscribe (which also makes its idle ranks yield) and MPICH plain.
launcher()
{
    local over=$(($2 > cores))
    case $1 in
    libmp) echo "$MPIRUN -n $2" ;;
    openmpi)
        if ((over)); then
            echo "mpirun.openmpi --oversubscribe -n $2"
        else
            echo "mpirun.openmpi --bind-to core --map-by core -n $2"
        fi
        ;;
    mpich)
        if ((over)); then
            echo "mpirun.mpich -n $2"
        else
            echo "mpirun.mpich -bind-to core -n $2"
        fi
        ;;
    esac
}

# bytes SIZE: a size with an optional K or M suffix in bytes.
bytes()
{
    case $1 in
    *K) echo $((${1%K} << 10)) ;;
    *M) echo $((${1%M} << 20)) ;;
    *) echo "$1" ;;
    esac
}

# The sizes that each collective/count/implementation still runs: all of them, until a run
# times out; from then on only those that finished in that run (the others count as timeouts).
declare -A todo

# record COLL N NAME RUN OUTPUT STATUS RAN: appends "coll n name run size value" to the results
# for every size: the time per call in microseconds where the output has it, else "timeout" for
# a size that was not run (not in the list RAN) and STATUS ("timeout" or "error"; "error" too
# for a size that a successful run left out) for one that was.
record()
{
    local coll=$1 n=$2 name=$3 r=$4 out=$5 status=$6 ran=,$7, all=$sizes s b v
    [ "$coll" = barrier ] && all=0
    for s in ${all//,/ }; do
        b=$(bytes "$s")
        v=$(awk -v b="$b" '$1 == b && NF >= 3 { print $2; exit }' "$out" 2>/dev/null || true)
        if [ -z "$v" ] && [ "${ran/,$s,/}" = "$ran" ] && [ "${ran/,$b,/}" = "$ran" ]; then
            v=timeout
        elif [ -z "$v" ]; then
            v=$status
            [ "$v" = ok ] && v=error
        fi
        echo "$coll $n $name $r $b $v" >>"$work/results"
    done
}

# run_one COLL N NAME RUN: one run, with the per-run timeout; its times go to the results.
run_one()
{
    local coll=$1 n=$2 name=$3 r=$4 key=$1.$2.$3 ran=${todo[$1.$2.$3]} out status rc=0
    out=$work/out.$key.$r
    : >"$out"
    if [ -n "$ran" ]; then
        # shellcheck disable=SC2046 # the launcher is words
        timeout -k 5 "$run_timeout" $(launcher "$name" "$n") "$work/coll.$name" "$coll" \
            "$ran" "$scale" "$time_cap" </dev/null >"$out" 2>"$work/err" || rc=$?
    else
        rc=124 # every size timed out before: not run again
    fi
    case $rc in
    0) status=ok ;;
    124 | 137)
        status=timeout
        if [ -n "$ran" ]; then
            echo "$name $coll -n $n (run $((r + 1))) timed out after ${run_timeout} s" >&2
            todo[$key]=$(awk '$1 ~ /^[0-9]+$/ && NF >= 3 { printf "%s%s", s, $1; s = "," }' "$out")
        fi
        ;;
    *)
        status=error
        echo "$name $coll -n $n (run $((r + 1))) failed (exit $rc):" >&2
        head -n 5 "$work/err" >&2
        ;;
    esac
    record "$coll" "$n" "$name" "$r" "$out" "$status" "$ran"
}

# measure: builds coll.c, runs everything and writes the results: "# cores N", then a line
# "coll n name run size value" per run and size.
measure()
{
    local coll n name list r k
    add libmp "$MPICC" "$MPIRUN"
    add openmpi mpicc.openmpi mpirun.openmpi
    add mpich mpicc.mpich mpirun.mpich
    [ "${#names[@]}" -gt 0 ] || { echo "nothing to benchmark"; exit 1; }
    for coll in $colls; do
        list=$sizes
        [ "$coll" = barrier ] && list=0
        for n in $nprocs; do
            for name in "${names[@]}"; do
                todo[$coll.$n.$name]=$list
            done
        done
    done

    echo "collective benchmarks: $runs runs each, the implementations in turn; $cores cores;" \
        "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# cores $cores" >"$work/results"
    local xcore=
    if "${CC:-cc}" -O2 -pthread -o "$work/xcore" "$src_dir/xcore.c" >"$work/cc.xcore.log" 2>&1; then
        xcore=$work/xcore
    fi
    # The implementations take turns (in a rotating order), so that a disturbance of the
    # machine hits all alike.
    for ((r = 0; r < runs; r++)); do
        # The machine's cross-core speed in this round (see xcore.c): the report shows it.
        [ -z "$xcore" ] || echo "# xcore $r $("$xcore" | awk '{ print $2 }')" >>"$work/results"
        for n in $nprocs; do
            for coll in $colls; do
                for ((k = 0; k < ${#names[@]}; k++)); do
                    run_one "$coll" "$n" "${names[$(((k + r) % ${#names[@]}))]}" "$r"
                done
            done
        done
    done
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
}

if [ -n "${RESULTS:-}" ]; then
    cp "$RESULTS" "$work/results" # only the report, from the results of an earlier (KEPT) run
else
    measure
    [ -z "${KEEP:-}" ] || echo "results in $work/results (RESULTS=that file: the report again)"
fi

# The tables and the summary. The median (or with STAT=min the best) of each collective/count/
# implementation/size over the runs, a timeout counting as slower than any time and any error
# making it "error".
awk -v stat="${STAT:-median}" '
    function num(x) { return x ~ /^[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ }
    function median(s,   a, k, i, j, t, m1, m2) {
        k = split(s, a, " ")
        if (k == 0)
            return "-"
        for (i = 1; i <= k; i++)
            if (a[i] == "error")
                return "error"
        for (i = 2; i <= k; i++) {
            t = a[i]
            for (j = i - 1; j >= 1 && later(a[j], t); j--)
                a[j + 1] = a[j]
            a[j + 1] = t
        }
        m1 = stat == "min" ? a[1] : a[int((k + 1) / 2)]
        m2 = stat == "min" ? a[1] : a[int(k / 2) + 1]
        if (!num(m1) || !num(m2))
            return "timeout"
        return (m1 + m2) / 2
    }
    function later(x, y) { return !num(x) ? num(y) : num(y) && x + 0 > y + 0 }
    function fmt(x) {
        if (!num(x))
            return x
        return x + 0 >= 1000 ? sprintf("%.0f", x) : sprintf("%.3f", x)
    }
    function hsize(z) {
        if (z >= 1048576 && z % 1048576 == 0)
            return z / 1048576 " MiB"
        if (z >= 1024 && z % 1024 == 0)
            return z / 1024 " KiB"
        return z " B"
    }
    function ratio(a, b) { return num(a) && num(b) && b > 0 ? sprintf("%.2f", a / b) : "-" }
    $1 == "#" && $2 == "cores" {
        cores = $3
        next
    }
    $1 == "#" && $2 == "xcore" {
        xcore = xcore " " $4
        next
    }
    {
        # The collectives, the counts and the runs in the order of the first run.
        if (!($1 in cseen)) {
            cseen[$1] = 1
            colls = colls " " $1
        }
        if (!($2 in nseen)) {
            nseen[$2] = 1
            nprocs = nprocs " " $2
        }
        runs = $4 + 1 > runs ? $4 + 1 : runs
        key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5
        v[key] = v[key] " " $6
        if (!(($1, $5) in seen)) {
            seen[$1, $5] = 1
            sizes[$1] = sizes[$1] " " $5
        }
    }
    END {
        split("allreduce MPI_Allreduce of doubles, MPI_SUM|bcast MPI_Bcast of bytes from rank 0|" \
            "reduce MPI_Reduce of doubles to rank 0, MPI_SUM|barrier MPI_Barrier|" \
            "allgather MPI_Allgather, size = bytes per rank|" \
            "alltoall MPI_Alltoall, size = bytes per pair of ranks", d, "|")
        for (i in d) {
            c = d[i]
            sub(/ .*/, "", c)
            desc[c] = substr(d[i], length(c) + 2)
        }
        nc = split(colls, cl, " ")
        nn = split(nprocs, nl, " ")
        for (ci = 1; ci <= nc; ci++) {
            c = cl[ci]
            printf "%s: %s; microseconds per call, %s of %d runs (lower is better)\n",
                c, desc[c], stat == "min" ? "best" : "median", runs
            printf "%4s %9s %12s %12s %12s %14s %12s\n", "n", "size", "libmp", "openmpi",
                "mpich", "libmp/openmpi", "libmp/mpich"
            ns = split(sizes[c], sl, " ")
            for (ni = 1; ni <= nn; ni++) {
                n = nl[ni]
                for (si = 1; si <= ns; si++) {
                    z = sl[si]
                    l = median(v[c, n, "libmp", z])
                    o = median(v[c, n, "openmpi", z])
                    m = median(v[c, n, "mpich", z])
                    printf "%4s %9s %12s %12s %12s %14s %12s\n", n, z, fmt(l), fmt(o), fmt(m),
                        ratio(l, o), ratio(l, m)
                    judge(c, n, z, l, o, m)
                }
            }
            print ""
        }
        if (xcore != "") {
            print "cross-core handoff of 256 KiB before each run, us (xcore.c: on a virtual"
            print "  machine it moves 3-4x as the host places the CPUs, and with it data copied"
            print "  between ranks):" xcore
            print ""
        }
        summary()
    }
    # judge: keeps, per collective and count, the worst ratio against the goal: with a core
    # per rank, libmp / the better peer <= 0.8; oversubscribed, libmp / Open MPI <= 0.7.
    function judge(c, n, z, l, o, m,   peer, r, k) {
        k = c SUBSEP n
        if (l == "-")
            return
        if (!num(l)) {
            if (!(k in bad))
                bad[k] = l " (" hsize(z) ")"
            return
        }
        peer = "-"
        if (n + 0 > cores + 0)
            peer = o
        else if (num(o) && (!num(m) || o + 0 <= m + 0))
            peer = o
        else
            peer = m
        if (!num(peer) || peer == 0)
            return
        r = l / peer
        if (!(k in worst) || r > worst[k]) {
            worst[k] = r
            at[k] = z
        }
    }
    # summary: a row per collective, a column per count: the worst ratio and whether it meets
    # the goal; then how many met.
    function summary(   ci, ni, c, n, k, goal, cell, met, all, failed, unjudged) {
        print "summary against the goals, each collective at its worst size:"
        print "  n <= " cores " (a core per rank): libmp / the better of Open MPI and MPICH <= 0.8"
        print "  n > " cores " (oversubscribed): libmp / Open MPI <= 0.7"
        printf "%-10s", "collective"
        for (ni = 1; ni <= nn; ni++)
            printf " %22s", "n = " nl[ni]
        printf "\n"
        for (ci = 1; ci <= nc; ci++) {
            c = cl[ci]
            printf "%-10s", c
            for (ni = 1; ni <= nn; ni++) {
                n = nl[ni]
                k = c SUBSEP n
                goal = n + 0 > cores + 0 ? 0.7 : 0.8
                all++
                if (k in bad) {
                    cell = bad[k] " NOT MET"
                } else if (!(k in worst)) {
                    cell = "not judged"
                    unjudged++
                    all--
                } else {
                    cell = sprintf("%.2f (%s) %s", worst[k], hsize(at[k]),
                        worst[k] <= goal ? "met" : "NOT MET")
                    met += worst[k] <= goal
                }
                if (cell ~ /NOT MET$/)
                    failed = failed " " c "@" n
                printf " %22s", cell
            }
            printf "\n"
        }
        printf "goals met: %d of %d%s", met, all, met == all ? "" : "; not met:" failed
        printf "%s\n", unjudged ? sprintf("; not judged (no numbers of libmp or of the peer): %d",
            unjudged) : ""
    }
' "$work/results"
