#!/usr/bin/env bash
# Launcher test across hosts (network namespaces, see netns.sh) with MPI traffic between them:
# the programs of tests/mpi/hosts.testlist on 2 and 3 hosts (shm inside a host, tcp across the
# bridge), then failures while messages are in flight: a remote MPI_Abort, a remote rank killed
# by a signal, a stranger with a forged proof on a rank's tcp port from another host; a job over
# IPv6 alone.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog peer_dies)
ring=$(mp_prog ring_for)
mp_netns_setup 3
# Every "host" runs on this machine's cores, but each host's ranks see only one another in
# their bindings and would spin as if they had the cores to themselves.
export MP_CPUS_SHARED=1

# MPIRUN for the test list: the job on 2 hosts of 2 slots (or 3 with MP_ACROSS_HOSTS=3), mapped
# by MP_ACROSS_MAP (slot or node); counts above the slots oversubscribe.
across=$MP_WORK/mpirun-across
cat >"$across" <<WRAPPER
#!/bin/sh
case "\${MP_ACROSS_HOSTS:-2}" in
2) hosts=$NS1:2,$NS2:2 ;;
3) hosts=$NS1:2,$NS2:2,$NS3:2 ;;
*) echo "mpirun-across: MP_ACROSS_HOSTS must be 2 or 3" >&2; exit 99 ;;
esac
exec env MP_TEST_TAG=$MP_TAG "$MPIRUN" -H "\$hosts" --launch-agent "ip netns exec" \\
    --map-by "\${MP_ACROSS_MAP:-slot}" --oversubscribe "\$@"
WRAPPER
chmod +x "$across"

echo "== the MPI programs of hosts.testlist across 2 and 3 hosts"
if ! MPIRUN=$across "$top_srcdir/tests/mpi/run-testlist.sh" "$top_srcdir/tests/mpi/hosts.testlist"; then
    mp_fail "hosts.testlist: some programs failed across hosts (above)"
fi
mp_expect_no_survivors

hosts="$NS1:2,$NS2:2"

echo "== rank 3 (on $NS2) calls MPI_Abort(5) while the others wait in a receive from it"
run_across "$hosts" "$prog" 3 abort 5
mp_expect_status 5
mp_expect_line stdout '^rank 0: ring done$' "the ring ran before the abort"
mp_expect_line stderr 'MPI_Abort|abort' "the abort is reported"
mp_expect_no_line stderr 'completed' "no receive from the aborted rank may complete"
mp_expect_quick 10
mp_expect_no_survivors

# The survivors learn of the death over tcp too, but hold their report for a second: the
# launcher's account of the real cause (the signal) ends the job first.
for spec in "2 9 SIGKILL node" "1 11 SIGSEGV slot"; do
    set -- $spec
    echo "== rank $1 (on $NS1, --map-by $4) is killed by $3 while the others wait on it"
    run_across "$hosts" --map-by "$4" "$prog" "$1" signal "$2"
    mp_expect_status $((128 + $2)) "the signal's status"
    mp_expect_line stdout "^rank $1: ring done\$" "the ring ran before the kill"
    mp_expect_mpirun_line "rank $1 \\(pid [0-9]+ on $NS1\\) was killed by signal $2 \\($3"
    mp_expect_no_line stderr "lost rank" "no survivor's account before mpirun's"
    mp_expect_no_line stderr 'completed' "no receive from the killed rank may complete"
    mp_expect_quick 10
    mp_expect_no_survivors
done

if [ -n "$MP_NS_V6" ]; then
    echo "== a ring across 2 hosts over IPv6 alone (--net-if $MP_NS_V6)"
    run_across "$NS1:2,$NS2:2" --map-by node --net-if "$MP_NS_V6" "$ring" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
    mp_expect_no_survivors
else
    echo "== (no IPv6 on this machine: the IPv6 ring is skipped)"
fi

# Little-endian u32 as printf escapes.
# The handshake's version: the stranger speaks it, and is refused only for its secret.
version=$(sed -n 's/^#define MP_TCP_VERSION \([0-9]*\)$/\1/p' "$top_srcdir/libmp/transport/tcp/proto.h")
[ -n "$version" ] || mp_error "cannot read MP_TCP_VERSION from libmp/transport/tcp/proto.h"

le32()
{
    printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
        $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

echo "== a stranger on the bridge sends a forged hello to rank 2's tcp port (on $NS2)"
addr=$(ip -n "$NS2" -4 -o addr show | sed -n 's/.* inet \(10\.[0-9.]*\)\/.*/\1/p' | head -n 1)
start_across "$hosts" "$ring" 3
if mp_wait_ranks 4 20; then
    pid=$(sed -n 's/^rank 2 of 4 pid \([0-9]*\)$/\1/p' "$MP_OUT")
    # Pids in the namespaces are this machine's: only the network is private.
    port=$(ip netns exec "$NS2" ss -ltnpH | sed -n "s/.*:\([0-9][0-9]*\) .*pid=$pid,.*/\1/p" |
        head -n 1)
    if [ -n "$port" ] && [ -n "$addr" ]; then
        hello="MPTC$(le32 $(((version << 16) | 1)))$(le32 3)$(le32 2)AAAAAAAAAAAAAAAA$(le32 0)$(le32 0)"
        proof="MPTC$(le32 $(((version << 16) | 3)))$(le32 3)$(le32 2)$(printf 'B%.0s' {1..32})"
        (
            exec 3<>"/dev/tcp/$addr/$port" || exit 0
            # shellcheck disable=SC2059 # printf escapes, on purpose
            printf "$hello$proof" >&3 || true
            sleep 1
        ) 2>/dev/null &
        (
            exec 3<>"/dev/tcp/$addr/$port" || exit 0
            printf 'GET / HTTP/1.0\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' >&3 || true
            sleep 1
        ) 2>/dev/null &
    else
        mp_fail "cannot find rank 2's tcp port ($addr:$port) with ss in $NS2"
    fi
    mp_wait_bg 40
    wait
    mp_expect_status 0 "the stranger must not disturb the job"
    mp_expect_line stdout '^No Errors$'
    mp_expect_line stderr "rank 2: tcp: refused a connection from 10\\.[0-9.]+:[0-9]+: .*secret" \
        "forged proof"
    mp_expect_line stderr "rank 2: tcp: refused a connection from 10\\.[0-9.]+:[0-9]+: not a libmp" \
        "garbage"
    mp_expect_no_line stderr 'lost rank' "no real peer may be affected"
else
    mp_wait_bg 5
fi
mp_expect_no_survivors

mp_finish
