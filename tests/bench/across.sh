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
# shellcheck source=lib.sh
. "$srcdir/lib.sh"

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
# Each rank on its own core, as the socket's two ends are: the hosts share this machine's cores,
# and a launcher binding on each host would put both ranks on core 0 (unbound, the scheduler at
# times runs both on one core, halving what a run measures).
cat >"$work/pin" <<'PIN'
#!/bin/sh
rank=${PMIX_RANK:-${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}}
exec taskset -c $((rank % $(nproc))) "$@"
PIN
chmod +x "$work/nsagent" "$work/nsexec" "$work/pin"

names=()
launchers=()

# add NAME COMPILER LAUNCHER...: builds latency.c and bw.c with COMPILER; on success, runs them.
add()
{
    local name=$1 cc=$2
    shift 2
    bench_build "$name" "$cc" || return 0
    # Launching across namespaces is not what every launcher expects: one tiny run first, of
    # the first benchmark asked for (only those are built).
    if ! timeout "${PROBE_LIMIT:-20}" "$@" "$work/${benches%% *}.$name" 0 0 0.01 </dev/null \
        >"$work/probe.$name.log" 2>&1; then
        echo "skipping $name: a 2-rank run across the namespaces failed or hung (see below)"
        tail -n 3 "$work/probe.$name.log"
        return 0
    fi
    names+=("$name")
    launchers+=("$*")
}

# Unbound by the launchers (see pin above).
add libmp "$MPICC" "$MPIRUN" -H "$NS1:1,$NS2:1" --launch-agent "$work/nsagent" --bind-to none -n 2 \
    "$work/pin"
# ob1 on the tcp btl; routed=direct since the daemons cannot route through each other here.
add openmpi mpicc.openmpi mpirun.openmpi --allow-run-as-root -H "$NS1,$NS2" --bind-to none \
    --mca plm_rsh_agent "$work/nsexec" --mca routed direct --mca pml ob1 --mca btl tcp,self \
    --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" -n 2 "$work/pin"
# MPICH (ch4:ucx): both namespaces are named like this machine, so no rank may think another
# local; mpiexec offers its address on the bridge to the proxies.
add mpich mpicc.mpich env MPIR_CVAR_NOLOCAL=1 UCX_TLS=tcp,self mpirun.mpich -iface "mpb$$" \
    -launcher ssh -launcher-exec "$work/nsexec" -hosts "$NS1,$NS2" -n 2 "$work/pin"
add_socket env "SOCK_ADDR=$addr1" "SOCK_PEER_NETNS=/run/netns/$NS2" ip netns exec "$NS1"
run_turns
TCP_REPORT_WHAT="between 2 namespaces over veth and a bridge"
. "$(dirname "$0")/tcp_report.sh"
