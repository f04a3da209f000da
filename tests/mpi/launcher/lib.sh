# Shared helpers of the launcher tests (tests/mpi/launcher/*.sh): run mpirun under a time limit,
# check its exit status, output and messages, and check that no rank, file or socket outlives
# a job. Sourced by bash scripts; see tests/mpi/README.md for the environment they read.

: "${top_builddir:=.}"
: "${top_srcdir:=$top_builddir}"
: "${MPIRUN:=$top_builddir/mpirun/mpirun}"
: "${MPICC:=$top_builddir/mpicc}"
: "${MPICXX:=$top_builddir/mpicxx}"
MP_ENVDIR=$top_builddir/tests/mpi/env
MP_MULT=${MP_TEST_TIMEOUT_MULT:-1}
MP_FAILED=0
MP_NRUN=0
MP_BGPID=
MP_STATUS=0
MP_MS=0
MP_OUT=/dev/null
MP_ERR=/dev/null

# Prints SECONDS (or milliseconds) times MP_TEST_TIMEOUT_MULT, rounded up to an integer.
mp_scale()
{
    awk -v s="$1" -v m="$MP_MULT" \
        'BEGIN { v = s * m; printf "%d\n", (v == int(v)) ? v : int(v) + 1 }'
}

# Milliseconds since the epoch.
mp_now_ms()
{
    echo $(($(date +%s%N) / 1000000))
}

# Records a failed check and shows what the last run did; the script goes on checking.
mp_fail()
{
    echo "FAIL: $*"
    MP_FAILED=1
    if [ "${MP_SHOWN:-}" != "$MP_NRUN" ]; then
        MP_SHOWN=$MP_NRUN
        mp_show_run
    fi
}

# Prints the start of the last run's stdout and stderr, lines cut at 160 characters.
mp_show_run()
{
    local f
    for f in "$MP_OUT" "$MP_ERR"; do
        [ -f "$f" ] || continue
        echo "  --- ${f##*.} ($(wc -l <"$f") lines; first 15 shown) ---"
        head -n 15 "$f" | cut -c 1-160 | sed 's/^/  | /'
    done
}

mp_skip()
{
    echo "SKIP: $*"
    exit 77
}

# A hard error of the test set-up (automake: ERROR), not a failure of mpirun.
mp_error()
{
    echo "ERROR: $*"
    exit 99
}

# Prepares a test: checks the environment, makes a private scratch and TMPDIR, records what
# /dev/shm and /tmp hold, and cleans up on exit.
mp_init()
{
    [ -x "$MPIRUN" ] || mp_error "MPIRUN=$MPIRUN is not an executable"
    [ -d "$MP_ENVDIR" ] || mp_error "no test programs in $MP_ENVDIR (top_builddir=$top_builddir)"
    command -v timeout >/dev/null || mp_error "timeout(1) is needed"
    # A test job must not see a launcher around the test suite, nor a global job time limit.
    local v
    for v in $(env | sed -n 's/^\(\(PMIX\|PMI\|OMPI\)_[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$v"
    done
    unset MPIEXEC_TIMEOUT
    ulimit -c 0 2>/dev/null || true
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0"

    MP_TAG="mptest-$$-$RANDOM$RANDOM"
    MP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mptest.XXXXXX")
    mkdir "$MP_TMP/tmp" "$MP_TMP/work"
    MP_WORK=$MP_TMP/work
    export TMPDIR=$MP_TMP/tmp
    MP_SNAP_SHM=$(ls -A /dev/shm 2>/dev/null || true)
    MP_SNAP_TMP=$(ls -A /tmp 2>/dev/null | grep -E '^(mpirun|pmix)' || true)
    trap mp_cleanup EXIT
    echo "mpirun: $MPIRUN"
}

# Exit trap: ends what a failed test left running, removes the scratch directory.
mp_cleanup()
{
    local p
    if [ -n "$MP_BGPID" ]; then
        kill -9 "$MP_BGPID" 2>/dev/null || true
    fi
    for p in $(mp_tagged_pids); do
        kill -9 "$p" 2>/dev/null || true
    done
    if [ -z "${MP_KEEP:-}" ]; then
        rm -rf "$MP_TMP"
    else
        echo "kept $MP_TMP"
    fi
}

# Requires the test program NAME in tests/mpi/env and prints its path.
mp_prog()
{
    [ -x "$MP_ENVDIR/$1" ] || mp_error "test program $MP_ENVDIR/$1 is not built"
    echo "$MP_ENVDIR/$1"
}

# Runs a command (normally "$MPIRUN" ...) with stdin from MP_STDIN (default /dev/null), under
# a limit of MP_LIMIT seconds (default 60, scaled). Sets MP_STATUS, MP_MS (elapsed), MP_OUT and
# MP_ERR (files holding stdout and stderr). The job's processes carry MP_TEST_TAG=$MP_TAG in
# their environment, so that survivors can be found.
mp_run()
{
    local limit t0
    MP_NRUN=$((MP_NRUN + 1))
    MP_OUT=$MP_WORK/run$MP_NRUN.stdout
    MP_ERR=$MP_WORK/run$MP_NRUN.stderr
    limit=$(mp_scale "${MP_LIMIT:-60}")
    echo "+ $(printf '%q ' "$@")"
    t0=$(mp_now_ms)
    MP_STATUS=0
    timeout -k 5 "$limit" env "MP_TEST_TAG=$MP_TAG" "$@" <"${MP_STDIN:-/dev/null}" \
        >"$MP_OUT" 2>"$MP_ERR" || MP_STATUS=$?
    MP_MS=$(($(mp_now_ms) - t0))
    echo "  exit status $MP_STATUS after $MP_MS ms"
    if [ "$MP_MS" -ge $((limit * 1000)) ]; then
        mp_fail "the job did not end within $limit s and was killed"
    fi
}

# mp_run with $MPIRUN and the given arguments.
mp_mpirun()
{
    mp_run "$MPIRUN" "$@"
}

# Starts a command in the background like mp_run, with SIGINT and SIGQUIT at their defaults
# (a background job of a script would ignore them). Sets MP_BGPID, MP_OUT, MP_ERR.
mp_start()
{
    MP_NRUN=$((MP_NRUN + 1))
    MP_OUT=$MP_WORK/run$MP_NRUN.stdout
    MP_ERR=$MP_WORK/run$MP_NRUN.stderr
    echo "+ $(printf '%q ' "$@") &"
    (
        trap - INT QUIT
        exec env "MP_TEST_TAG=$MP_TAG" "$@" <"${MP_STDIN:-/dev/null}" >"$MP_OUT" 2>"$MP_ERR"
    ) &
    MP_BGPID=$!
}

# Waits up to SECONDS (scaled) until MP_OUT has N "rank R of N pid P" lines; 1 if not.
mp_wait_ranks()
{
    local n=$1 deadline
    deadline=$(($(mp_now_ms) + $(mp_scale "$2") * 1000))
    while [ "$(grep -c '^rank [0-9]* of [0-9]* pid [0-9]*$' "$MP_OUT")" -lt "$n" ]; do
        if [ "$(mp_now_ms)" -ge "$deadline" ]; then
            mp_fail "only $(grep -c ' pid ' "$MP_OUT") of $n ranks started within $2 s"
            return 1
        fi
        if ! mp_pid_alive "$MP_BGPID"; then
            mp_fail "mpirun ended before $n ranks started"
            return 1
        fi
        sleep 0.05
    done
}

# Waits up to SECONDS (scaled) for the background command to end; sets MP_STATUS and MP_MS
# (time since the call). Kills it and fails when it does not end.
mp_wait_bg()
{
    local t0 deadline
    t0=$(mp_now_ms)
    deadline=$((t0 + $(mp_scale "$1") * 1000))
    while mp_pid_alive "$MP_BGPID"; do
        if [ "$(mp_now_ms)" -ge "$deadline" ]; then
            mp_fail "mpirun (pid $MP_BGPID) still running $1 s later; killing it"
            kill -9 "$MP_BGPID" 2>/dev/null || true
            break
        fi
        sleep 0.02
    done
    MP_STATUS=0
    wait "$MP_BGPID" || MP_STATUS=$?
    MP_MS=$(($(mp_now_ms) - t0))
    MP_BGPID=
    echo "  exit status $MP_STATUS, $MP_MS ms after the wait began"
}

# True when process PID exists and is not a zombie.
mp_pid_alive()
{
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# The pids of the live processes whose environment holds this test's tag.
mp_tagged_pids()
{
    grep -lzx "MP_TEST_TAG=$MP_TAG" /proc/[0-9]*/environ 2>/dev/null |
        sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' || true
}

# The pids the ranks of the last run announced ("rank R of N pid P").
mp_rank_pids()
{
    sed -n 's/^rank [0-9]* of [0-9]* pid \([0-9]*\)$/\1/p' "$MP_OUT"
}

# Fails unless every pid given is gone within 2 s (scaled); kills those that are not.
mp_expect_pids_dead()
{
    local deadline p alive
    deadline=$(($(mp_now_ms) + $(mp_scale 2) * 1000))
    while :; do
        alive=
        for p in "$@"; do
            if mp_pid_alive "$p"; then
                alive="$alive $p"
            fi
        done
        [ -n "$alive" ] || return 0
        [ "$(mp_now_ms)" -lt "$deadline" ] || break
        sleep 0.05
    done
    for p in $alive; do
        mp_fail "rank process $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) outlived mpirun"
        kill -9 "$p" 2>/dev/null || true
    done
}

# Fails if any process of this test's jobs is still alive 2 s (scaled) after mpirun ended.
mp_expect_no_survivors()
{
    local pids
    pids=$(mp_tagged_pids)
    [ -z "$pids" ] || mp_expect_pids_dead $pids
}

mp_expect_status()
{
    [ "$MP_STATUS" = "$1" ] || mp_fail "exit status $MP_STATUS, expected $1${2:+ ($2)}"
}

mp_expect_nonzero()
{
    [ "$MP_STATUS" != 0 ] || mp_fail "exit status 0, expected non-zero${1:+ ($1)}"
}

# Fails unless the run ended within SECONDS (scaled).
mp_expect_quick()
{
    local limit
    limit=$(mp_scale "$1")
    [ "$MP_MS" -le $((limit * 1000)) ] || mp_fail "took $MP_MS ms, expected at most $limit s"
}

# mp_expect_line stdout|stderr ERE [what]: some line of that stream matches the regex.
mp_expect_line()
{
    local f=$MP_OUT
    [ "$1" = stdout ] || f=$MP_ERR
    grep -Eq -- "$2" "$f" || mp_fail "no $1 line matches /$2/${3:+ ($3)}"
}

# mp_expect_no_line stdout|stderr ERE [what]: no line of that stream matches the regex.
mp_expect_no_line()
{
    local f=$MP_OUT
    [ "$1" = stdout ] || f=$MP_ERR
    ! grep -Eq -- "$2" "$f" || mp_fail "a $1 line matches /$2/${3:+ ($3)}"
}

# mp_expect_empty stdout|stderr [why]
mp_expect_empty()
{
    local f=$MP_OUT
    [ "$1" = stdout ] || f=$MP_ERR
    [ ! -s "$f" ] || mp_fail "$1 is not empty${2:+ ($2)}"
}

# Fails unless stderr has exactly one line starting with "mpirun:" and it matches every ERE.
mp_expect_mpirun_line()
{
    local lines re
    lines=$(grep -c '^mpirun:' "$MP_ERR" || true)
    if [ "$lines" != 1 ]; then
        mp_fail "stderr has $lines lines starting with 'mpirun:', expected one"
    fi
    for re in "$@"; do
        grep '^mpirun:' "$MP_ERR" | grep -Eq -- "$re" ||
            mp_fail "no stderr line starting with 'mpirun:' matches /$re/"
    done
}

# Fails unless stdout is exactly the lines "rank R of N pid P", one for each R in 0..N-1.
mp_expect_ranks()
{
    local n=$1 got
    got=$(sed -n 's/^rank \([0-9]*\) of \([0-9]*\) pid [0-9]*$/\1 \2/p' "$MP_OUT" |
        sort -n | tr '\n' ' ')
    [ "$got" = "$(seq -f "%g $n" 0 $((n - 1)) | tr '\n' ' ')" ] ||
        mp_fail "ranks (rank size) seen: '$got', expected 0..$((n - 1)) of $n, each once"
    [ "$(wc -l <"$MP_OUT")" -eq "$n" ] ||
        mp_fail "stdout has $(wc -l <"$MP_OUT") lines, expected $n"
}

# Fails unless the run started no rank: nothing on stdout, no process left.
mp_expect_no_rank_started()
{
    mp_expect_empty stdout "no rank may start"
    mp_expect_no_survivors
}

# mp_check_lines FILE STREAM NRANKS COUNT MINLEN MAXLEN [TAGGED]: checks the lines of
# print_lines (see tests/mpi/env/print_lines.c): each whole, of its stream, and for each rank
# SEQ 0..COUNT-1 in order. TAGGED=1 expects and checks --tag-output prefixes.
mp_check_lines()
{
    local report
    report=$(awk -v stream="$2" -v nranks="$3" -v count="$4" -v minlen="$5" -v maxlen="$6" \
        -v tagged="${7:-0}" '
        function bad(why) {
            nbad++
            if (nbad <= 5) {
                printf "line %d: %s: %s\n", NR, why, substr($0, 1, 120)
            }
        }
        BEGIN {
            rep = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            while (length(rep) < maxlen + 128) {
                rep = rep rep
            }
            tagname = (stream == "out") ? "stdout" : "stderr"
        }
        {
            line = $0
            if (tagged) {
                if (!match(line, /^\[1,[0-9]+\]<std(out|err)>: ?/)) {
                    bad("no [1,R]<" tagname ">: tag")
                    next
                }
                tag = substr(line, 1, RLENGTH)
                line = substr(line, RLENGTH + 1)
            }
            if (split(line, f, " ") != 5 || f[1] !~ /^[0-9]+$/ || f[3] !~ /^[0-9]+$/) {
                bad("not a whole line")
                next
            }
            r = f[1] + 0
            seq = f[3] + 0
            if (r >= nranks) {
                bad("rank out of range")
                next
            }
            if (f[2] != stream) {
                bad("line of std" f[2] " found on " tagname)
            }
            if (tagged && index(tag, "[1," r "]<" tagname ">:") != 1) {
                bad("tag " tag " does not name rank " r " and " tagname)
            }
            if (seq != nxt[r]) {
                bad(sprintf("rank %d: seq %d, expected %d", r, seq, nxt[r] + 0))
            }
            nxt[r] = seq + 1
            len = minlen + (r * 7919 + seq * 104729) % (maxlen - minlen + 1)
            off = (r * 31 + seq * 17) % 64
            if (f[4] != len || f[5] != substr(rep, off + 1, len)) {
                bad("damaged payload")
            }
        }
        END {
            for (r = 0; r < nranks; r++) {
                if (nxt[r] + 0 != count) {
                    nbad++
                    printf "rank %d: %d lines arrived in order, expected %d\n", r, nxt[r], count
                }
            }
            exit nbad > 0
        }' "$1") || {
        mp_fail "std$2 lines of print_lines are damaged, mixed, lost or out of order:"
        echo "$report" | sed 's/^/    /'
        return 0
    }
}

# Expands a CPU list such as "0-3,8" to "0,1,2,3,8".
mp_expand_cpus()
{
    echo "$1" | awk -F, '{
        out = ""
        for (i = 1; i <= NF; i++) {
            n = split($i, r, "-")
            hi = (n == 2) ? r[2] : r[1]
            for (c = r[1] + 0; c <= hi + 0; c++) {
                out = out (out == "" ? "" : ",") c
            }
        }
        print out
    }'
}

# Prints the names in DIR, filtered by an ERE, that are not in the SNAPSHOT list.
mp_new_entries()
{
    local dir=$1 re=$2 snap=$3 e
    ls -A "$dir" 2>/dev/null | grep -E -- "$re" | while read -r e; do
        printf '%s\n' "$snap" | grep -Fqx -- "$e" || printf '%s\n' "$e"
    done
}

# True when PATH is held open or mapped by a live process, or its name holds the pid of a live
# process other than ours (PMIx names its files after the server's pid): it belongs to a job
# still running, maybe another test's.
mp_entry_in_use()
{
    local path=$1 n
    if ls -l /proc/[0-9]*/fd 2>/dev/null | grep -Fq -- " $path"; then
        return 0
    fi
    if cat /proc/[0-9]*/maps 2>/dev/null | grep -Fq -- " $path"; then
        return 0
    fi
    for n in $(basename -- "$path" | grep -oE '[0-9]{2,}'); do
        if [ "$n" != $$ ] && mp_pid_alive "$n"; then
            return 0
        fi
    done
    return 1
}

# mp_check_leftovers strict|warn: after the jobs of this test, /dev/shm must hold no new file
# that libmp or PMIx makes (other programs on the machine, e.g. a benchmark of another MPI, may
# come and go meanwhile), /tmp no new entry named mpirun* or pmix*, and the private TMPDIR nothing. Entries still in
# use are skipped; others get 3 s (scaled) to go away.
mp_check_leftovers()
{
    local mode=$1 deadline left e
    deadline=$(($(mp_now_ms) + $(mp_scale 3) * 1000))
    while :; do
        left=
        for e in $(mp_new_entries /dev/shm '^(libmp|pmix|PMIX|mpirun)' "$MP_SNAP_SHM"); do
            mp_entry_in_use "/dev/shm/$e" || left="$left /dev/shm/$e"
        done
        for e in $(mp_new_entries /tmp '^(mpirun|pmix)' "$MP_SNAP_TMP"); do
            mp_entry_in_use "/tmp/$e" || left="$left /tmp/$e"
        done
        for e in $(ls -A "$MP_TMP/tmp"); do
            left="$left \$TMPDIR/$e"
        done
        [ -n "$left" ] || return 0
        [ "$(mp_now_ms)" -lt "$deadline" ] || break
        sleep 0.1
    done
    if [ "$mode" = strict ]; then
        mp_fail "left behind after the jobs ended:$left"
    else
        echo "WARNING: left behind after the jobs ended:$left"
        echo "  (tests/mpi/launcher/cleanup.sh fails on this)"
    fi
}

# Ends a test: no process of its jobs may survive; reports and exits 0 (pass) or 1 (fail).
mp_finish()
{
    mp_expect_no_survivors
    mp_check_leftovers "${MP_LEFTOVERS:-warn}"
    if [ "$MP_FAILED" != 0 ]; then
        echo "FAIL: $(basename "$0")"
        exit 1
    fi
    echo "PASS: $(basename "$0")"
    exit 0
}
