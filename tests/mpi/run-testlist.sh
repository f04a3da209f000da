#!/usr/bin/env bash
# Runs the self-checking MPI programs listed in test lists (tests/mpi/<area>.testlist, one per
# directory; make check runs each as a test of its own) under $MPIRUN, each with a time limit
# (60 s times MP_TEST_TIMEOUT_MULT); a run passes when it exits 0 and prints "No Errors".
# Usage: run-testlist.sh [TESTLIST...] (default: all of them). Prints "N passed, N failed".
# A list has one run per line, MPICH style; '#' starts a comment:
#   name nprocs [timeLimit=SECONDS] [env=VAR=value]... [program arguments...]
# name is the program's path under tests/mpi/ in the build tree.
# MP_TEST_LAUNCHER_WRAPPER and MP_TEST_RANK_WRAPPER (e.g. a valgrind command line) are put in
# front of mpirun and of each rank's program: make check-valgrind uses them.
# MPIRUN may be a command line, its words split at blanks, e.g. MPIRUN="srun --mpi=pmix -O" runs
# the lists under Slurm (tests/slurm/srun.sh); its first word must be an executable.
set -eu
: "${top_builddir:=.}"
: "${top_srcdir:=$top_builddir}"
: "${MPIRUN:=$top_builddir/mpirun/mpirun}"
if [ $# = 0 ]; then
    set -- "$top_srcdir"/tests/mpi/*.testlist
fi
mult=${MP_TEST_TIMEOUT_MULT:-1}
read -r -a launcher <<<"$MPIRUN"
if [ "${#launcher[@]}" = 0 ] || ! command -v "${launcher[0]}" >/dev/null; then
    echo "ERROR: MPIRUN=$MPIRUN does not start with an executable"
    exit 99
fi
for list in "$@"; do
    [ -r "$list" ] || { echo "ERROR: cannot read $list"; exit 99; }
done
unset MPIEXEC_TIMEOUT

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mptestlist.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# The jobs keep their temporary files out of the shared /tmp.
mkdir "$scratch/tmp"
export TMPDIR=$scratch/tmp

passed=0
failed=0
while read -r name nprocs rest; do
    case "$name" in '' | '#'*) continue ;; esac
    limit=60
    envs=()
    args=()
    for word in $rest; do
        case "$word" in
        timeLimit=*) limit=${word#timeLimit=} ;;
        env=*) envs+=("${word#env=}") ;;
        *) args+=("$word") ;;
        esac
    done
    limit=$(awk -v s="$limit" -v m="$mult" \
        'BEGIN { v = s * m; printf "%d\n", (v == int(v)) ? v : int(v) + 1 }')
    prog=$top_builddir/tests/mpi/$name
    t0=$(date +%s%N)
    status=0
    # shellcheck disable=SC2086 # the wrappers are command lines: split them into words
    timeout -k 5 "$limit" env ${envs[@]+"${envs[@]}"} ${MP_TEST_LAUNCHER_WRAPPER:-} \
        "${launcher[@]}" -n "$nprocs" ${MP_TEST_RANK_WRAPPER:-} "$prog" ${args[@]+"${args[@]}"} \
        </dev/null >"$scratch/out" 2>&1 || status=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    what="$name $nprocs${args[*]:+ ${args[*]}}"
    if [ "$status" = 0 ] && grep -q '^ *No Errors *$' "$scratch/out"; then
        passed=$((passed + 1))
        echo "PASS: $what ($ms ms)"
    else
        failed=$((failed + 1))
        if [ "$ms" -ge $((limit * 1000)) ]; then
            why="timed out after $limit s"
        elif [ "$status" != 0 ]; then
            why="exit status $status"
        else
            why="no 'No Errors' in the output"
        fi
        echo "FAIL: $what: $why"
        head -n 20 "$scratch/out" | cut -c 1-200 | sed 's/^/  | /'
    fi
done < <(cat "$@")

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
