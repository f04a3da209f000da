#!/usr/bin/env bash
# Launcher test of how ranks' output is shown: --tag-output prefixes every line with
# "[1,R]<stdout>:" or "[1,R]<stderr>:" (Open MPI's format), -l/--prepend-rank with "[R] "
# (MPICH's), R being the rank that wrote it; --merge-stderr-to-stdout sends stderr lines to
# stdout; --output-filename DIR also writes them to DIR/1/rank.R/stdout and stderr (only there
# with DIR:nocopy). Lines stay whole and in order throughout.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init

echo "== --tag-output, 3 ranks"
mp_mpirun --tag-output -n 3 "$(mp_prog sleeper)" 0
mp_expect_status 0
for r in 0 1 2; do
    [ "$(grep -cE "^\[1,$r\]<stdout>: ?rank $r of 3 pid [0-9]+$" "$MP_OUT")" = 1 ] ||
        mp_fail "no line '[1,$r]<stdout>:rank $r of 3 pid P'"
done
[ "$(wc -l <"$MP_OUT")" -eq 3 ] || mp_fail "stdout has $(wc -l <"$MP_OUT") lines, expected 3"
mp_expect_empty stderr

echo "== --tag-output, 4 ranks x 400 lines on both streams"
mp_mpirun --tag-output -n 4 "$(mp_prog print_lines)" 400 1 300 2
mp_expect_status 0
mp_check_lines "$MP_OUT" out 4 401 1 300 1
mp_check_lines "$MP_ERR" err 4 201 1 300 1

# untag FILE: the lines of FILE without their "[R] " prefix, into FILE.plain; fails the test
# where a line has none, or one that does not name the rank that printed it.
untag()
{
    awk '!match($0, /^\[[0-9]+\] /) || substr($0, 2, RLENGTH - 3) != $2 { bad++ }
        { print substr($0, RLENGTH + 1) > (FILENAME ".plain") }
        END { exit bad > 0 }' "$1" || mp_fail "$1 has lines without their rank's [R] prefix"
}

echo "== -l and --prepend-rank, 3 ranks x 300 lines on both streams"
for opt in -l --prepend-rank; do
    mp_mpirun "$opt" -n 3 "$(mp_prog print_lines)" 300 1 200 3
    mp_expect_status 0
    untag "$MP_OUT"
    untag "$MP_ERR"
    mp_check_lines "$MP_OUT.plain" out 3 301 1 200
    mp_check_lines "$MP_ERR.plain" err 3 101 1 200
done

echo "== --merge-stderr-to-stdout: both streams on stdout, each in order"
mp_mpirun --merge-stderr-to-stdout -n 3 "$(mp_prog print_lines)" 300 1 200 2
mp_expect_status 0
mp_expect_empty stderr
grep ' out ' "$MP_OUT" >"$MP_WORK/merged.out" || true
grep ' err ' "$MP_OUT" >"$MP_WORK/merged.err" || true
mp_check_lines "$MP_WORK/merged.out" out 3 301 1 200
mp_check_lines "$MP_WORK/merged.err" err 3 151 1 200

echo "== --output-filename DIR: a copy of each rank's streams in DIR/1/rank.R/"
dir=$MP_WORK/outdir
mp_mpirun --output-filename "$dir" -n 4 "$(mp_prog print_lines)" 200 1 300 2
mp_expect_status 0
mp_check_lines "$MP_OUT" out 4 201 1 300
for r in 0 1 2 3; do
    for s in stdout stderr; do
        [ -f "$dir/1/rank.$r/$s" ] || mp_fail "no file $dir/1/rank.$r/$s"
    done
done
cat "$dir"/1/rank.*/stdout >"$MP_WORK/files.out"
cat "$dir"/1/rank.*/stderr >"$MP_WORK/files.err"
mp_check_lines "$MP_WORK/files.out" out 4 201 1 300
mp_check_lines "$MP_WORK/files.err" err 4 101 1 300

echo "== DIR:nocopy with --merge-stderr-to-stdout: the files only, stderr inside stdout's"
rm -rf "$dir"
mp_mpirun --output-filename "$dir:nocopy" --merge-stderr-to-stdout -n 2 \
    "$(mp_prog print_lines)" 100 1 100 2
mp_expect_status 0
mp_expect_empty stdout
mp_expect_empty stderr
[ ! -e "$dir/1/rank.0/stderr" ] || mp_fail "a merged stderr got a file of its own"
cat "$dir"/1/rank.*/stdout >"$MP_WORK/files.all"
grep ' out ' "$MP_WORK/files.all" >"$MP_WORK/files.out" || true
grep ' err ' "$MP_WORK/files.all" >"$MP_WORK/files.err" || true
mp_check_lines "$MP_WORK/files.out" out 2 101 1 100
mp_check_lines "$MP_WORK/files.err" err 2 51 1 100

echo "== --output-filename where no directory can be made: nothing starts"
mp_mpirun --output-filename /proc/no/such -n 2 "$(mp_prog sleeper)" 0
mp_expect_nonzero
mp_expect_mpirun_line 'cannot create /proc/no/such/1/rank\.0/stdout'
mp_expect_no_line stdout 'rank'

mp_finish
