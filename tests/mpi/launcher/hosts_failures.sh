#!/usr/bin/env bash
# Launcher test across hosts (network namespaces, see netns.sh), the failure paths: SIGTERM
# and SIGINT to mpirun, mpirun killed with SIGKILL (its daemons kill their ranks, also when the
# daemon is not the agent's own process, as with ssh), strangers on the daemons' port (turned
# away, the job goes on), a bad --launch-agent and an unreachable host (a clear error, no hang).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog pmix_hosts)
mp_netns_setup 2
hosts="$NS1:2,$NS2:2"
where=$(mp_rank_hosts "$hosts")

# The port mpirun (pid $1) listens on for its daemons.
daemon_port()
{
    ss -ltnpH 2>/dev/null | grep "pid=$1," | sed -n 's/.*:\([0-9][0-9]*\) .*/\1/p' | head -n 1
}

for spec in "TERM 15" "INT 2"; do
    set -- $spec
    echo "== SIG$1 to mpirun while 4 ranks on 2 hosts sleep"
    start_across "$hosts" "$prog" "$where" sleep 30
    if mp_wait_ranks 4 20; then
        kill -"$1" "$MP_BGPID"
        mp_wait_bg 10
        mp_expect_status $((128 + $2))
        mp_expect_line stderr "received SIG$1"
        mp_expect_quick 5
        mp_expect_pids_dead $(mp_rank_pids)
    else
        mp_wait_bg 1
    fi
    mp_expect_no_survivors
done

# An agent that keeps the daemon apart from itself (as ssh does): when mpirun dies, only the
# lost connection tells the daemon.
agent=$MP_WORK/fork-agent.sh
cat >"$agent" <<'AGENT'
#!/bin/sh
exec 3<&0
ip netns exec "$@" <&3 &
wait
AGENT
chmod +x "$agent"
for a in "ip netns exec" "$agent"; do
    echo "== kill -9 mpirun (agent: $a) while 4 ranks on 2 hosts sleep"
    mp_start "$MPIRUN" -H "$hosts" --launch-agent "$a" "$prog" "$where" sleep 30
    if mp_wait_ranks 4 20; then
        kill -9 "$MP_BGPID"
        mp_wait_bg 5
        mp_expect_pids_dead $(mp_rank_pids)
    else
        mp_wait_bg 1
    fi
    mp_expect_no_survivors
done

# The header of a HELLO of the current protocol (MPIRUN_WIRE_VERSION in mpirun/wire.h), as
# printf escapes: magic "MPD1", version, type 16, a 68-byte payload.
version=$(sed -n 's/^#define MPIRUN_WIRE_VERSION \([0-9]*\)u$/\1/p' "$top_srcdir/mpirun/wire.h")
[ -n "$version" ] || mp_error "cannot read MPIRUN_WIRE_VERSION from mpirun/wire.h"
hello_head=$(printf '\\x4d\\x50\\x44\\x31\\x00\\x%02x\\x00\\x10\\x00\\x00\\x00\\x44' "$version")

echo "== strangers connect to the daemons' port: garbage, then a greeting with a wrong proof"
start_across "$hosts" "$prog" "$where" sleep 2
if mp_wait_ranks 4 20; then
    port=$(daemon_port "$MP_BGPID")
    if [ -n "$port" ]; then
        exec 5<>"/dev/tcp/127.0.0.1/$port"
        printf 'GET / HTTP/1.0\r\n\r\n' >&5 || true
        exec 5>&-
        # The same over IPv6 (mpirun's listener takes both), where this machine has it.
        if [ -e /proc/net/if_inet6 ] && exec 5<>"/dev/tcp/::1/$port"; then
            printf 'GET / HTTP/1.0\r\n\r\n' >&5 || true
            exec 5>&-
            v6_stranger=1
        fi
        exec 5<>"/dev/tcp/127.0.0.1/$port"
        # A HELLO with a zero proof.
        # shellcheck disable=SC2059 # printf escapes, on purpose
        { printf "$hello_head"; head -c 68 /dev/zero; } >&5 || true
        sleep 0.2
        exec 5>&-
    else
        mp_fail "cannot find the port mpirun listens on (ss -ltnp)"
    fi
    mp_wait_bg 20
    mp_expect_status 0
    mp_expect_line stderr '^mpirun: rejected a connection from 127\.0\.0\.1:[0-9]+: not an mpirun'
    mp_expect_line stderr '^mpirun: rejected a connection from 127\.0\.0\.1:[0-9]+: wrong secret'
    if [ -n "${v6_stranger:-}" ]; then
        mp_expect_line stderr '^mpirun: rejected a connection from \[::1\]:[0-9]+: not an mpirun'
    fi
    mp_expect_line stdout '^No Errors$' "the job went on"
else
    mp_wait_bg 1
fi
mp_expect_no_survivors

echo "== a launch agent that does not exist"
mp_mpirun -H "$hosts" --launch-agent "no-such-agent-$$ -x" "$prog" "$where" hello
mp_expect_status 1
mp_expect_mpirun_line "no-such-agent-$$" 'not found'
mp_expect_quick 10
mp_expect_no_rank_started

echo "== a launch agent with quotes"
mp_mpirun -H "$hosts" --launch-agent "ssh -o 'A B'" "$prog" "$where" hello
mp_expect_status 1
mp_expect_mpirun_line 'quotes'
mp_expect_no_rank_started

echo "== a launch agent that fails (false)"
mp_mpirun -H "$hosts" --launch-agent false "$prog" "$where" hello
mp_expect_status 1
mp_expect_line stderr \
    "^mpirun: lost the daemon on host ($NS1|$NS2): its launch agent exited with status 1"
mp_expect_quick 10
mp_expect_no_rank_started

echo "== a program the hosts do not have: each daemon says so, no hang"
run_across "$hosts" "no-such-program-$$"
mp_expect_status 1
mp_expect_line stderr "^mpirun: daemon on ($NS1|$NS2): cannot run 'no-such-program-$$'"
mp_expect_quick 10
mp_expect_no_rank_started

echo "== an unreachable host (no such namespace)"
run_across "$NS1:2,no-such-host-$$:2" "$prog" "$NS1,$NS1,no-such-host-$$,no-such-host-$$" hello
mp_expect_status 1
mp_expect_line stderr "^mpirun: lost the daemon on host no-such-host-$$: its launch agent exited"
mp_expect_quick 10
mp_expect_no_survivors

mp_finish
