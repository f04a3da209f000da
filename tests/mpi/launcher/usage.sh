#!/usr/bin/env bash
# Launcher test: a usage error prints "mpirun: " and a message naming the bad value, exits
# non-zero and starts no rank; --help and --version succeed.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog sleeper)

# usage_error ERE ARGS...: mpirun ARGS must fail at once, naming ERE on an "mpirun: " line.
usage_error()
{
    local re=$1
    shift
    mp_mpirun "$@"
    mp_expect_nonzero "usage error"
    [ "$MP_STATUS" -lt 124 ] || mp_fail "exit status $MP_STATUS looks like a crash or a signal"
    mp_expect_quick 10
    grep -E '^mpirun: ' "$MP_ERR" | grep -Eq -- "$re" ||
        mp_fail "no stderr line 'mpirun: ...' names the bad value (/$re/)"
    mp_expect_no_rank_started
}

echo "== unknown option"
usage_error '--no-such-option' --no-such-option -n 2 "$prog" 0
echo "== -n 0, -n -3, -n abc, -n without a value"
usage_error '(^|[^0-9-])0([^0-9]|$)' -n 0 "$prog" 0
usage_error '-3' -n -3 "$prog" 0
usage_error 'abc' -n abc "$prog" 0
usage_error '.' -n
echo "== missing program"
usage_error '.' -n 2
echo "== program not found"
usage_error 'no-such-program' -n 2 "$MP_WORK/no-such-program"
usage_error 'no-such-program-in-path' -n 2 no-such-program-in-path
echo "== program not executable"
printf '#!/bin/sh\necho should not run\n' >"$MP_WORK/not-executable"
chmod 644 "$MP_WORK/not-executable"
usage_error 'not-executable' -n 2 "$MP_WORK/not-executable"
echo "== malformed hostfile: the message names the file and the line"
printf 'localhost slots=2\nlocalhost slots=two\n' >"$MP_WORK/bad-hostfile"
usage_error 'bad-hostfile' --hostfile "$MP_WORK/bad-hostfile" -n 2 "$prog" 0
grep -E '^mpirun: ' "$MP_ERR" | grep -F 'bad-hostfile' | grep -Eq '(^|[^0-9])2([^0-9]|$)' ||
    mp_fail "the 'mpirun: ' line naming bad-hostfile does not give the line number 2"
echo "== bad --map-by and --bind-to values"
usage_error 'bogusmap' --map-by bogusmap -n 2 "$prog" 0
usage_error 'bogusbind' --bind-to bogusbind -n 2 "$prog" 0

echo "== --help"
mp_mpirun --help
mp_expect_status 0
mp_expect_line stdout '--oversubscribe' "--help mentions --oversubscribe"
echo "== --version"
mp_mpirun --version
mp_expect_status 0
[ -s "$MP_OUT" ] || mp_fail "--version printed nothing on stdout"

mp_finish
