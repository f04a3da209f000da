#!/usr/bin/env bash
# Launcher test: --net-if reaches every rank as MP_NET_IF; a job forced onto tcp runs over the
# interfaces or IPv4 or IPv6 subnets it names; a list that matches no interface, or is malformed, ends the
# job at start-up with one clear line naming the setting, never a hang.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
env_prog=$(mp_prog print_env)
ring=$(mp_prog ring_for)

echo "== --net-if lo,10.1.0.0/16 sets MP_NET_IF in every rank"
mp_mpirun -n 2 --net-if lo,10.1.0.0/16 "$env_prog" MP_NET_IF
mp_expect_status 0
for r in 0 1; do
    mp_expect_line stdout "^rank $r MP_NET_IF=lo,10\.1\.0\.0/16$"
done

for list in lo 127.0.0.0/8 '^nosuchif*'; do
    echo "== a tcp job of 3 ranks with --net-if $list"
    mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n 3 --net-if "$list" "$ring" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
done

# Without loopback the ranks publish and use the host's other addresses, as between hosts.
if ip -4 -o addr show up 2>/dev/null | awk '$2 != "lo"' | grep -q inet; then
    echo "== a tcp job of 3 ranks with --net-if ^lo (non-loopback addresses only)"
    mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n 3 --net-if '^lo' "$ring" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
else
    echo "== (no up IPv4 interface besides lo: the ^lo case is skipped)"
fi

# IPv6: loopback alone, and the host's global addresses alone, when it has them.
if ip -6 -o addr show dev lo 2>/dev/null | grep -q ' ::1/'; then
    echo "== a tcp job of 3 ranks over IPv6 loopback (--net-if ::1)"
    mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n 3 --net-if ::1 "$ring" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
else
    echo "== (no IPv6 loopback: the ::1 case is skipped)"
fi
if ip -6 -o addr show scope global up 2>/dev/null | grep -q inet6; then
    echo "== a tcp job of 3 ranks over global IPv6 addresses alone (--net-if 2000::/3,fc00::/7)"
    mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n 3 --net-if 2000::/3,fc00::/7 "$ring" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
fi

echo "== --net-if nosuchif0: no usable interface"
MP_LIMIT=30 mp_run env MP_TCP_ONLY=1 "$MPIRUN" -n 2 --net-if nosuchif0 "$ring" 1
mp_expect_nonzero
mp_expect_quick 15
mp_expect_line stderr 'tcp: no network interface that is up passes MP_NET_IF="nosuchif0"'

echo "== MP_NET_IF=10.0.0.0/40: a malformed subnet"
MP_LIMIT=30 mp_run env MP_TCP_ONLY=1 MP_NET_IF=10.0.0.0/40 "$MPIRUN" -n 2 "$ring" 1
mp_expect_nonzero
mp_expect_quick 15
mp_expect_line stderr 'MP_NET_IF="10\.0\.0\.0/40": an IPv4 subnet.s prefix length must be 0\.\.32 at "10\.0\.0\.0/40"'

echo "== MP_NET_IF=lo,fd00::/130: a malformed IPv6 subnet"
MP_LIMIT=30 mp_run env MP_TCP_ONLY=1 MP_NET_IF=lo,fd00::/130 "$MPIRUN" -n 2 "$ring" 1
mp_expect_nonzero
mp_expect_quick 15
mp_expect_line stderr 'MP_NET_IF="lo,fd00::/130": an IPv6 subnet.s prefix length must be 0\.\.128 at "fd00::/130"'

mp_finish
