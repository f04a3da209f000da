#!/usr/bin/env bash
# Launcher test across hosts (network namespaces, see netns.sh): several programs in one job
# (mpirun -n 1 ./a : -n 3 ./b) whose ranks run on other hosts' daemons: each rank runs its own
# program, arguments, settings, --wdir and -path; the mapping places the ranks of the whole
# job; a program missing on a host starts nothing there and mpirun names it.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog mpmd_info)
mp_netns_setup 2
export MP_CPUS_SHARED=1
mkdir -p "$MP_WORK/bin" "$MP_WORK/wd"
cp "$prog" "$MP_WORK/bin/mpmd_worker"
export PATH="$MP_WORK/bin:$PATH"
hosts="$NS1:2,$NS2:2"

# expect_lines FILTER LINE...: the lines of stdout (or of stderr's "rank R on" reports with
# FILTER=bindings) are exactly these, in any order.
expect_lines()
{
    local want got
    want=$(printf '%s\n' "${@:2}" | sort)
    if [ "$1" = bindings ]; then
        got=$(sed -n 's/^mpirun: \(rank [0-9]* on [^:]*\):.*/\1/p' "$MP_ERR" | sort)
    else
        got=$(sort "$MP_OUT")
    fi
    [ "$got" = "$want" ] || {
        mp_fail "the $1 lines are not the expected ones"
        diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
    }
}

echo "== -n 1 mpmd_info : -n 3 mpmd_worker (own -x and --wdir) on 2 hosts, --map-by node"
run_across "$hosts" --map-by node --report-bindings -n 1 "$prog" 1,3 master : -n 3 \
    -x MPMD_VAR=worker --wdir "$MP_WORK/wd" mpmd_worker 1,3 worker MPMD_VAR extra
mp_expect_status 0
expect_lines stdout "rank 0 of 4 app 0 tag master argc 3 MPMD_VAR unset wdir $PWD" \
    "rank 1 of 4 app 1 tag worker argc 5 MPMD_VAR=worker wdir $MP_WORK/wd" \
    "rank 2 of 4 app 1 tag worker argc 5 MPMD_VAR=worker wdir $MP_WORK/wd" \
    "rank 3 of 4 app 1 tag worker argc 5 MPMD_VAR=worker wdir $MP_WORK/wd"
expect_lines bindings "rank 0 on $NS1" "rank 1 on $NS2" "rank 2 on $NS1" "rank 3 on $NS2"
mp_expect_no_survivors

echo "== -n 2 : -n 3 on 2 hosts of 2 slots (oversubscribed), slot mapping, -env"
run_across "$hosts" --report-bindings -x MPMD_VAR=all -n 2 "$prog" 2,3 a : -n 3 \
    -env MPMD_VAR local mpmd_worker 2,3 b
mp_expect_status 0
expect_lines stdout "rank 0 of 5 app 0 tag a argc 3 MPMD_VAR=all wdir $PWD" \
    "rank 1 of 5 app 0 tag a argc 3 MPMD_VAR=all wdir $PWD" \
    "rank 2 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $PWD" \
    "rank 3 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $PWD" \
    "rank 4 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $PWD"
mp_expect_no_survivors

echo "== -path reaches the daemons, its relative directories taken from mpirun's directory"
echo "   (not from --wdir, where the daemons start the ranks)"
mkdir -p "$MP_WORK/pbin"
cp "$prog" "$MP_WORK/pbin/mpmd_elsewhere"
cd "$MP_WORK"
run_across "$hosts" --map-by node --wdir "$MP_WORK/wd" -path "none:pbin" -n 2 mpmd_elsewhere \
    2,1 a : -n 1 -path "$MP_WORK/pbin" mpmd_elsewhere 2,1 b
cd - >/dev/null
mp_expect_status 0
expect_lines stdout "rank 0 of 3 app 0 tag a argc 3 MPMD_VAR unset wdir $MP_WORK/wd" \
    "rank 1 of 3 app 0 tag a argc 3 MPMD_VAR unset wdir $MP_WORK/wd" \
    "rank 2 of 3 app 1 tag b argc 3 MPMD_VAR unset wdir $MP_WORK/wd"
mp_expect_no_survivors

echo "== the second program is missing: its host's daemon names it, nothing runs"
run_across "$hosts" -n 2 "$prog" 2,2 a : -n 2 no-such-program-$$ 2,2 b
mp_expect_status 1
mp_expect_line stderr "^mpirun: daemon on $NS2: program 2 of 2: cannot run 'no-such-program-$$'"
mp_expect_empty stdout
mp_expect_no_survivors

mp_finish
