#!/usr/bin/env bash
# Launcher test: strangers that connect to the ranks' tcp ports during a job forced onto tcp
# (garbage, a well-formed hello with a forged proof, half a hello, a silent connection) are each
# refused with one line on stderr, and the job still completes with every message checked. A
# port probe (connect, then close without a word) is closed without a line: a process of another
# job that finishes while connecting does just that.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
command -v ss >/dev/null || mp_skip "ss (iproute2) is needed to find the ranks' ports"
prog=$(mp_prog ring_for)

# Little-endian u32 as printf escapes.
# The handshake's version: the stranger speaks it, and is refused only for its secret.
version=$(sed -n 's/^#define MP_TCP_VERSION \([0-9]*\)$/\1/p' "$top_srcdir/libmp/transport/tcp/proto.h")
[ -n "$version" ] || mp_error "cannot read MP_TCP_VERSION from libmp/transport/tcp/proto.h"

le32()
{
    printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
        $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# stranger PORT DELAY BYTES: connects, sends BYTES (printf escapes), stays DELAY s, leaves.
stranger()
{
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
        # shellcheck disable=SC2059 # BYTES is a printf format of escapes, on purpose
        printf "$3" >&3 || true
        sleep "$2"
    ) 2>/dev/null &
}

echo "== four strangers and a port probe per rank while a 2-rank job runs over tcp for 4 s"
mp_start env MP_TCP_ONLY=1 MP_TCP_AUTH_TIMEOUT=1 "$MPIRUN" -n 2 "$prog" 4
if mp_wait_ranks 2 20; then
    found=0
    while read -r rank pid; do
        # "LISTEN 0 128 0.0.0.0:PORT 0.0.0.0:* users:(("ring_for",pid=PID,fd=N))"
        port=$(ss -ltnpH | sed -n "s/.*:\([0-9][0-9]*\) .*pid=$pid,.*/\1/p" | head -n 1)
        [ -n "$port" ] || continue
        found=$((found + 1))
        other=$((1 - rank))
        hello="MPTC$(le32 $(((version << 16) | 1)))$(le32 $other)$(le32 "$rank")AAAAAAAAAAAAAAAA$(le32 0)$(le32 0)"
        proof="MPTC$(le32 $(((version << 16) | 3)))$(le32 $other)$(le32 "$rank")$(printf 'B%.0s' {1..32})"
        stranger "$port" 1 'GET / HTTP/1.0\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
        stranger "$port" 1 "$hello$proof"
        stranger "$port" 0 'MPTC\x01\x00'
        stranger "$port" 2.5 ''
        stranger "$port" 0 ''
    done < <(sed -n 's/^rank \([0-9]*\) of [0-9]* pid \([0-9]*\)$/\1 \2/p' "$MP_OUT")
    [ "$found" = 2 ] || mp_fail "found the tcp ports of $found ranks, expected 2"
    wait_for=$(mp_scale 40)
    mp_wait_bg "$wait_for"
    wait
    mp_expect_status 0 "strangers must not disturb the job"
    mp_expect_line stdout '^No Errors$'
    mp_expect_line stderr 'rank [01]: tcp: refused a connection from 127\.0\.0\.1:[0-9]+: not a libmp connection' "garbage"
    mp_expect_line stderr 'refused a connection from .*does not know the job.s secret' "forged proof"
    mp_expect_line stderr 'refused a connection from .*closed during the handshake' "half a hello"
    mp_expect_line stderr 'refused a connection from .*no valid handshake within 1 s' "silent"
    mp_expect_no_line stderr 'lost rank' "no real peer may be affected"
    refused=$(grep -c 'refused a connection' "$MP_ERR" || true)
    [ "$refused" = 8 ] || mp_fail "$refused refusal lines, expected 4 per rank (none for the probe)"
else
    mp_wait_bg 5
fi

mp_finish
