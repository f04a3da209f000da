#!/usr/bin/env bash
# Launcher test: several programs in one job (mpirun -n 1 ./a : -n 2 ./b). Each rank runs its
# own program with its own arguments, -x/-env settings, --wdir and -path; MPI_APPNUM and PMIx's
# application facts are each rank's program; all ranks are one MPI_COMM_WORLD (mpmd_info
# exchanges checked values with every rank), also when the programs come from a file
# (-configfile, --app). A missing program starts nothing; a failing one ends the job with its
# status; stdin still reaches rank 0 only.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog mpmd_info)
# A second program: the same code under another name, found through PATH.
mkdir -p "$MP_WORK/bin" "$MP_WORK/wd"
cp "$prog" "$MP_WORK/bin/mpmd_worker"
export PATH="$MP_WORK/bin:$PATH"

# expect_lines LINE...: stdout is exactly these lines, in any order.
expect_lines()
{
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(sort "$MP_OUT")
    [ "$got" = "$want" ] || {
        mp_fail "stdout is not the expected lines"
        diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
    }
}

echo "== -n 1 mpmd_info : -n 2 mpmd_worker with its own -x, argument and --wdir"
mp_mpirun -n 1 "$prog" 1,2 master : -n 2 -x MPMD_VAR=worker --wdir "$MP_WORK/wd" mpmd_worker \
    1,2 worker MPMD_VAR extra
mp_expect_status 0
expect_lines "rank 0 of 3 app 0 tag master argc 3 MPMD_VAR unset wdir $PWD" \
    "rank 1 of 3 app 1 tag worker argc 5 MPMD_VAR=worker wdir $MP_WORK/wd" \
    "rank 2 of 3 app 1 tag worker argc 5 MPMD_VAR=worker wdir $MP_WORK/wd"
mp_expect_empty stderr

echo "== -n 2 : -n 3 (oversubscribed): -x before the first program is every rank's, -env and"
echo "   a later -x win for their program's ranks, the first --wdir is every program's default"
mp_run env MPMD_VAR=outer "$MPIRUN" -x MPMD_VAR=all --wdir "$MP_WORK" -n 2 "$prog" 2,3 a : \
    -np 3 -env MPMD_VAR local "$prog" 2,3 b
mp_expect_status 0
expect_lines "rank 0 of 5 app 0 tag a argc 3 MPMD_VAR=all wdir $MP_WORK" \
    "rank 1 of 5 app 0 tag a argc 3 MPMD_VAR=all wdir $MP_WORK" \
    "rank 2 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $MP_WORK" \
    "rank 3 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $MP_WORK" \
    "rank 4 of 5 app 1 tag b argc 3 MPMD_VAR=local wdir $MP_WORK"
mp_expect_empty stderr

echo "== three programs: -n 1 : -n 2 : -n 1, a relative --wdir, -x VAR from mpirun's environment"
cd "$MP_WORK"
mp_run env OTHER=here "$MPIRUN" -n 1 "$prog" 1,2,1 one OTHER : -n 2 mpmd_worker 1,2,1 two OTHER \
    : -n 1 -x OTHER -wdir wd "$prog" 1,2,1 three OTHER
cd - >/dev/null
mp_expect_status 0
expect_lines "rank 0 of 4 app 0 tag one argc 4 OTHER=here wdir $MP_WORK" \
    "rank 1 of 4 app 1 tag two argc 4 OTHER=here wdir $MP_WORK" \
    "rank 2 of 4 app 1 tag two argc 4 OTHER=here wdir $MP_WORK" \
    "rank 3 of 4 app 2 tag three argc 4 OTHER=here wdir $MP_WORK/wd"
mp_expect_empty stderr

echo "== the programs in a file (-configfile, --app): a line each with its own options, quoted"
echo "   words, comments and a continued line; the command line's -x is every rank's, a"
echo "   line's -env wins for its program"
cat >"$MP_WORK/progs" <<PROGS
# the master, then its workers
-n 1 $prog 1,3 'the master' MPMD_VAR
-n 3 -env MPMD_VAR "two words" --wdir $MP_WORK/wd \\
    mpmd_worker 1,3 worker MPMD_VAR  # oversubscribed
PROGS
for opt in -configfile --app; do
    mp_mpirun -x MPMD_VAR=all "$opt" "$MP_WORK/progs"
    mp_expect_status 0
    expect_lines "rank 0 of 4 app 0 tag the master argc 4 MPMD_VAR=all wdir $PWD" \
        "rank 1 of 4 app 1 tag worker argc 4 MPMD_VAR=two words wdir $MP_WORK/wd" \
        "rank 2 of 4 app 1 tag worker argc 4 MPMD_VAR=two words wdir $MP_WORK/wd" \
        "rank 3 of 4 app 1 tag worker argc 4 MPMD_VAR=two words wdir $MP_WORK/wd"
    mp_expect_empty stderr
done
printf -- '-n 1 %s 1,1 a\n-n 1 --map-by node %s 1,1 b\n' "$prog" "$prog" >"$MP_WORK/bad"
mp_mpirun --app "$MP_WORK/bad"
mp_expect_status 1
mp_expect_mpirun_line "program file $MP_WORK/bad, line 2: option --map-by applies to the whole job"
mp_expect_no_rank_started
mp_mpirun --app "$MP_WORK/none"
mp_expect_status 1
mp_expect_mpirun_line "cannot open the program file $MP_WORK/none"
mp_expect_no_rank_started

echo "== programs that are not MPI: each gets its own arguments; stdin reaches rank 0 only"
printf 'line one\nline two\n' >"$MP_WORK/stdin.txt"
MP_STDIN=$MP_WORK/stdin.txt mp_mpirun -n 1 cat : -n 2 sh -c 'cat; echo "second $0"' arg
mp_expect_status 0
expect_lines "line one" "line two" "second arg" "second arg"

echo "== -path (the MPI standard's mpiexec key): the program is looked for in its directories"
echo "   first, in order; before the first program every program's default, relative ones taken"
echo "   from mpirun's directory; after a ':' that program's own"
mkdir -p "$MP_WORK/pbin" "$MP_WORK/pbin2"
cp "$prog" "$MP_WORK/pbin/mpmd_elsewhere"
printf '#!/bin/sh\necho wrong program\n' >"$MP_WORK/pbin2/mpmd_elsewhere"
chmod +x "$MP_WORK/pbin2/mpmd_elsewhere"
cd "$MP_WORK/wd"
mp_mpirun -path "$MP_WORK/none:../pbin:$MP_WORK/pbin2" -n 2 mpmd_elsewhere 2,1 a : \
    -n 1 -path "$MP_WORK/pbin" mpmd_elsewhere 2,1 b
cd - >/dev/null
mp_expect_status 0
expect_lines "rank 0 of 3 app 0 tag a argc 3 MPMD_VAR unset wdir $MP_WORK/wd" \
    "rank 1 of 3 app 0 tag a argc 3 MPMD_VAR unset wdir $MP_WORK/wd" \
    "rank 2 of 3 app 1 tag b argc 3 MPMD_VAR unset wdir $MP_WORK/wd"
mp_expect_empty stderr
mp_mpirun -n 1 "$prog" 1,1 a : -n 1 -path "$MP_WORK/none" mpmd_elsewhere 1,1 b
mp_expect_status 1
mp_expect_mpirun_line \
    "program 2 of 2: cannot run 'mpmd_elsewhere': found neither in $MP_WORK/none .the path given. nor in PATH"
mp_expect_no_rank_started

echo "== the second program does not exist: nothing starts, mpirun names it"
mp_mpirun -n 1 "$prog" 1,2 a : -n 2 ./no_such_program 1,2 b
mp_expect_status 1
mp_expect_mpirun_line "program 2 of 2: cannot run './no_such_program'"
mp_expect_no_rank_started

echo "== a rank of the second program exits 5 before MPI_Finalize: the job ends with 5"
mp_mpirun -n 1 "$(mp_prog exit_code)" 2 5 before 30 : -n 2 "$(mp_prog exit_code)" 2 5 before 30
mp_expect_status 5
mp_expect_quick 20
mp_expect_no_survivors

echo "== bad command lines: an error that says why, nothing started"
mp_mpirun -n 1 "$prog" 1,1 a : "$prog" 1,1 b
mp_expect_status 1
mp_expect_mpirun_line "program 2 .* has no number of ranks"
mp_expect_no_rank_started
mp_mpirun -n 1 "$prog" 1,1 a : -n 1 --map-by node "$prog" 1,1 b
mp_expect_status 1
mp_expect_mpirun_line "option --map-by after a ':' applies to the whole job"
mp_expect_no_rank_started
mp_mpirun -n 1 "$prog" 1,1 a :
mp_expect_status 1
mp_expect_mpirun_line "no program after the last ':'"
mp_expect_no_rank_started
mp_mpirun --nooversubscribe -H localhost:2 -n 1 "$prog" 1,2 a : -n 2 "$prog" 1,2 b
mp_expect_status 1
mp_expect_mpirun_line "3 ranks"
mp_expect_no_rank_started

mp_finish
