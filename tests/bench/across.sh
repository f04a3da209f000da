#!/usr/bin/env bash
# TCP benchmarks between two hosts made of network namespaces on this machine (a veth pair each,
# on one bridge; tests/mpi/launcher/netns.sh): latency and bw of libmp (mpirun -H with
# --launch-agent "ip netns exec"), Open MPI and MPICH launched into the namespaces the same way,
# and plain sockets (sock.c, its child in the second namespace), taking turns RUNS times;
# prints per size the medians and libmp's ratios, then a summary against the goals.
# Usage (as root, from the build directory): tests/bench/across.sh [BUILDDIR]
set -eu

builddir=$(cd "${1:-.}" && pwd)
MPICC=${MPICC:-$builddir/mpicc}
MPIRUN=${MPIRUN:-$builddir/mpirun/mpirun}
CC=${CC:-cc}
runs=${RUNS:-5}
benches=${BENCHES:-"latency bw"}
scale=${SCALE:-1}
srcdir=$(cd "$(dirname "$0")" && pwd)

top_builddir=$builddir
top_srcdir=$srcdir/../..
# shellcheck source=../mpi/launcher/lib.sh
. "$srcdir/../mpi/launcher/lib.sh"
# shellcheck source=../mpi/launcher/netns.sh
. "$srcdir/../mpi/launcher/netns.sh"
mp_init
mp_netns_setup 2
work=$MP_WORK
if [ -n "${KEEP:-}" ]; then
    MP_KEEP=1
    echo "raw outputs kept in $work"
fi
addr1=$(ip -n "$NS1" -4 -o addr show | sed -n 's/.* inet \(10\.[0-9.]*\)\/.*/\1/p' | head -n 1)
subnet=${addr1%.*}.0/24
# Launch agents: ours runs the daemon in the namespace; ssh-style ones (Open MPI's rsh, MPICH's
# hydra) pass options first and the command as one shell string.
cat >"$work/nsagent" <<'AGENT'
#!/bin/sh
exec ip netns exec "$@"
AGENT
cat >"$work/nsexec" <<'AGENT'
#!/bin/sh
while [ "${1#-}" != "$1" ]; do shift; done
host=$1
shift
exec ip netns exec "$host" sh -c "$*"
AGENT
chmod +x "$work/nsagent" "$work/nsexec"

names=()
launchers=()

# add NAME COMPILER LAUNCHER...: builds latency.c and bw.c with COMPILER; on success, runs them.
add()
{
    local name=$1 cc=$2 bench
    shift 2
    if ! command -v "$cc" >/dev/null 2>&1 && [ ! -x "$cc" ]; then
        echo "skipping $name: no compiler $cc"
        return 0
    fi
    for bench in $benches; do
        if ! "$cc" -O2 -o "$work/$bench.$name" "$srcdir/$bench.c" >"$work/cc.$name.log" 2>&1; then
            echo "skipping $name: $cc could not build $bench.c:"
            head -n 5 "$work/cc.$name.log"
            return 0
        fi
    done
    # Launching across namespaces is not what every launcher expects: one tiny run first.
    if ! timeout "${PROBE_LIMIT:-20}" "$@" "$work/latency.$name" 0 0 0.01 </dev/null \
        >"$work/probe.$name.log" 2>&1; then
        echo "skipping $name: a 2-rank run across the namespaces failed or hung (see below)"
        tail -n 3 "$work/probe.$name.log"
        return 0
    fi
    names+=("$name")
    launchers+=("$*")
}

# Unbound: each host's daemon would bind its one rank to core 0, and the two "hosts" share the
# cores of this machine (the peers are unbound too, the socket pins its ends to 0 and 1).
add libmp "$MPICC" "$MPIRUN" -H "$NS1:1,$NS2:1" --launch-agent "$work/nsagent" --bind-to none -n 2
# ob1 on the tcp btl; routed=direct since the daemons cannot route through each other here.
add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root -H "$NS1,$NS2" --bind-to none \
    --mca plm_rsh_agent "$work/nsexec" --mca routed direct --mca pml ob1 --mca btl tcp,self \
    --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" -n 2
# MPICH (ch4:ucx): both namespaces are named like this machine, so no rank may think another
# local; mpiexec offers its address on the bridge to the proxies.
add mpich mpicc.mpich env MPIR_CVAR_NOLOCAL=1 UCX_TLS=tcp,self mpirun.mpich -iface "mpb$$" \
    -launcher ssh -launcher-exec "$work/nsexec" -hosts "$NS1,$NS2" -n 2
if "$CC" -O2 -o "$work/sock" "$srcdir/sock.c" >"$work/cc.sock.log" 2>&1; then
    for bench in $benches; do
        ln -sf "$work/sock" "$work/$bench.socket"
    done
    names+=(socket)
    launchers+=("")
else
    echo "skipping socket: $CC could not build sock.c"
fi

for ((r = 0; r < runs; r++)); do
    for bench in $benches; do
        for ((k = 0; k < ${#names[@]}; k++)); do
            i=$(((k + r) % ${#names[@]}))
            name=${names[$i]}
            if [ "$name" = socket ]; then
                cmd=(env "SOCK_ADDR=$addr1" "SOCK_PEER_NETNS=/run/netns/$NS2" ip netns exec "$NS1"
                    "$work/$bench.socket" "$bench" 0 4M "$scale")
            else
                # shellcheck disable=SC2206 # the launcher is a list of words
                cmd=(${launchers[$i]} "$work/$bench.$name" 0 4M "$scale")
            fi
            if ! timeout "${LIMIT:-300}" "${cmd[@]}" </dev/null >"$work/$bench.$name.$r" 2>"$work/err"; then
                echo "$name $bench (run $((r + 1))) failed:" >&2
                head -n 5 "$work/err" >&2
                : >"$work/$bench.$name.$r"
            fi
        done
    done
done

# table BENCH TITLE: per size the median of each and libmp's ratios to the socket and the peers;
# the medians also go to $work/medians.BENCH as "size libmp openmpi mpich socket".
table()
{
    local bench=$1 title=$2 files=()
    for name in "${names[@]}"; do
        files+=("$work/$bench.$name".*)
    done
    awk -v title="$title" -v runs="$runs" -v out="$work/medians.$bench" '
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
            printf "%s, median of %d runs\n", title, runs
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

echo "tcp benchmarks between 2 namespaces over veth and a bridge: 2 ranks, $runs runs each, alternating ($(uptime))"
for bench in $benches; do
    case $bench in
    latency) table latency "latency: half round trip in us (lower is better)" ;;
    bw) table bw "bw: unidirectional bandwidth in MB/s (higher is better)" ;;
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
