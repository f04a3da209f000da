# Helpers of the multi-host launcher tests (tests/mpi/launcher/hosts*.sh): "hosts" made of
# network namespaces on this machine, joined by veth pairs to one bridge in the root namespace,
# with private addresses (10.X.0.0/24, X chosen unused), and mpirun starting its daemons in
# them with --launch-agent "ip netns exec". Sourced after lib.sh and mp_init.
# MP_NS_NET (set before mp_netns_setup) picks the network:
#   bridge  (default) one bridge, IPv4 and, where the machine has it, IPv6 (fd00:X::/64)
#   v6only  one bridge, IPv6 alone: no IPv4 address but loopback in the hosts (skipped
#           without IPv6)
#   apart   no bridge: each host has its own link to this machine (10.X.I.0/24, fd00:X:I::/64)
#           and no route anywhere else, so the hosts reach mpirun but not one another

MP_NS_LIST=
MP_NS_LINKS= # in the root namespace: the bridge and the veth ends
MP_NS_EXTRA= # in the root namespace: links a test made itself (removed with the rest)

# Removes the namespaces (and so their veth pairs), killing what still runs in them.
mp_netns_cleanup()
{
    local ns p
    for ns in $MP_NS_LIST; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$p" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
    for p in $MP_NS_LINKS $MP_NS_EXTRA; do
        ip link del "$p" 2>/dev/null || true
    done
    MP_NS_LIST=
    MP_NS_EXTRA=
}

# mp_netns_setup N: makes N namespaces, named in NS1..NSN (unique per test run), or skips the
# test (exit 77) with the reason when this machine cannot.
mp_netns_setup()
{
    local n=$1 i x
    command -v ip >/dev/null || mp_skip "no ip(8) (iproute2) to make network namespaces"
    [ "$(id -u)" = 0 ] || mp_skip "making network namespaces needs root (CAP_NET_ADMIN)"
    trap 'mp_netns_cleanup; mp_cleanup' EXIT
    # A second octet no address of this machine uses yet, so parallel tests do not collide:
    # chosen and taken under a lock (on this directory) that the other tests take too.
    if command -v flock >/dev/null; then
        exec 8<"$(dirname "${BASH_SOURCE[0]}")"
        flock 8
    fi
    for i in 1 2 3 4 5 6 7 8; do
        x=$((100 + RANDOM % 150))
        ip -o addr show | grep -qE " (10\.$x\.|fd00:$x:)" || break
    done
    MP_NS_V6=
    case "${MP_NS_NET:-bridge}" in
    bridge | v6only) netns_bridged "$n" "$x" "${MP_NS_NET:-bridge}" ;;
    apart) netns_apart "$n" "$x" ;;
    *) mp_error "MP_NS_NET=$MP_NS_NET: want bridge, v6only or apart" ;;
    esac
    exec 8<&-
}

# netns_add I: makes namespace I (NSI) with loopback up and the veth pair mpv<pid>Ir (here) /
# mpv<pid>In (there); prints nothing.
netns_add()
{
    local i=$1 ns="mp$$x${RANDOM}h$1" vr="mpv$$${1}r" vn="mpv$$${1}n"
    if ! ip netns add "$ns" 2>"$MP_WORK/netns.err"; then
        mp_skip "cannot make a network namespace: $(cat "$MP_WORK/netns.err")"
    fi
    MP_NS_LIST="$MP_NS_LIST $ns"
    MP_NS_LINKS="$MP_NS_LINKS $vr"
    # PMIx talks TCP over loopback: lo must be up in each host.
    ip -n "$ns" link set lo up &&
        ip link add "$vr" type veth peer name "$vn" &&
        ip link set "$vn" netns "$ns" &&
        ip -n "$ns" link set "$vn" up ||
        mp_error "cannot set up the network of namespace $ns"
    eval "NS$i=$ns"
}

# The hosts on one bridge (mode bridge or v6only) with subnets 10.X.0.0/24 and fd00:X::/64.
netns_bridged()
{
    local n=$1 x=$2 mode=$3 i ns br="mpb$$"
    # One bridge joins every host and this machine (10.X.0.254): hosts reach mpirun and each
    # other, as on a cluster's network, and nothing is routed anywhere else.
    if ! ip link add "$br" type bridge 2>"$MP_WORK/netns.err"; then
        mp_skip "cannot make a network bridge: $(cat "$MP_WORK/netns.err")"
    fi
    MP_NS_LINKS="$br"
    if [ "$mode" = bridge ]; then
        ip addr add "10.$x.0.254/24" dev "$br" || mp_error "cannot set up bridge $br"
    fi
    ip link set "$br" up || mp_error "cannot set up bridge $br"
    # IPv6 too where the machine has it (a unique local subnet, no duplicate detection wait).
    if [ -e /proc/net/if_inet6 ] && ip -6 addr add "fd00:$x::fe/64" dev "$br" nodad 2>/dev/null; then
        MP_NS_V6="fd00:$x::/64"
    elif [ "$mode" = v6only ]; then
        mp_skip "this machine has no IPv6 for hosts that have IPv6 alone"
    fi
    for i in $(seq 1 "$n"); do
        netns_add "$i"
        eval "ns=\$NS$i"
        ip link set "mpv$$${i}r" master "$br" &&
            ip link set "mpv$$${i}r" up &&
            { [ "$mode" = v6only ] || ip -n "$ns" addr add "10.$x.0.$i/24" dev "mpv$$${i}n"; } &&
            { [ -z "$MP_NS_V6" ] || ip -n "$ns" -6 addr add "fd00:$x::$i/64" dev "mpv$$${i}n" nodad; } ||
            mp_error "cannot set up the network of namespace $ns"
    done
    local nets="10.$x.0.0/24${MP_NS_V6:+ and $MP_NS_V6}"
    [ "$mode" = bridge ] || nets="$MP_NS_V6 alone"
    echo "hosts (network namespaces, on bridge $br, $nets):$MP_NS_LIST"
}

# Each host on a link of its own to this machine (mode apart): host I is 10.X.I.1/24 and
# fd00:X:I::1/64 (where the machine has IPv6), this machine 10.X.I.254 and fd00:X:I::fe there.
# The hosts have no route but their own link's, so one host's packets never reach another's.
netns_apart()
{
    local n=$1 x=$2 i ns vr v6=
    [ -e /proc/net/if_inet6 ] && v6=1
    for i in $(seq 1 "$n"); do
        netns_add "$i"
        eval "ns=\$NS$i"
        vr="mpv$$${i}r"
        ip addr add "10.$x.$i.254/24" dev "$vr" &&
            ip link set "$vr" up &&
            ip -n "$ns" addr add "10.$x.$i.1/24" dev "mpv$$${i}n" ||
            mp_error "cannot set up the network of namespace $ns"
        if [ -n "$v6" ] && ip -6 addr add "fd00:$x:$i::fe/64" dev "$vr" nodad 2>/dev/null; then
            ip -n "$ns" -6 addr add "fd00:$x:$i::1/64" dev "mpv$$${i}n" nodad ||
                mp_error "cannot set up the IPv6 network of namespace $ns"
        fi
    done
    echo "hosts (network namespaces, each on its own link 10.$x.I.0/24 to this machine):$MP_NS_LIST"
}

# The pid of the daemon running in namespace $1.
mp_daemon_in()
{
    local p
    for p in $(ip netns pids "$1"); do
        if { tr "\0" " " <"/proc/$p/cmdline"; } 2>/dev/null | grep -q -- --libmp-daemon; then
            echo "$p"
        fi
    done
}

# mp_rank_hosts "A:2,B:1": the host of each rank when slots fill in order: "A,A,B".
mp_rank_hosts()
{
    echo "$1" | tr ',' '\n' | awk -F: '{ n = (NF > 1) ? $2 : 1; for (i = 0; i < n; i++)
        printf "%s%s", (out++ ? "," : ""), $1 } END { print "" }'
}

# run_across HOSTS PROGRAM ARGS...: runs PROGRAM on the namespaces of HOSTS ("$NS1:2,$NS2:2",
# one rank per slot) through mp_run, with the daemons started by "ip netns exec".
run_across()
{
    local hosts=$1
    shift
    mp_mpirun -H "$hosts" --launch-agent "ip netns exec" "$@"
}

# As run_across, in the background (mp_start).
start_across()
{
    local hosts=$1
    shift
    mp_start "$MPIRUN" -H "$hosts" --launch-agent "ip netns exec" "$@"
}
