#!/usr/bin/env bash
# libmp under Slurm: starts a private single-node Slurm (munged, slurmctld and slurmd, all files
# in a temporary directory) and runs MPI test programs with `srun --mpi=pmix` (tests/slurm/
# srun.testlist: 1 to 8 ranks, oversubscribed), then checks what libmp takes from Slurm's PMIx
# (binding, no stray output) and how a failing job ends (MPI_Abort, an early exit, a crash).
# Needs root and Debian's slurmd, slurmctld, slurm-client and munge (else SKIP). Every daemon it
# started is stopped and every file removed on every exit path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../mpi/launcher/lib.sh"

PATH=$PATH:/usr/sbin:/sbin # munged, slurmctld and slurmd live there
[ "$(id -u)" = 0 ] || mp_skip "needs root to start munged, slurmctld and slurmd"
for cmd in munged munge slurmctld slurmd srun sinfo; do
    command -v "$cmd" >/dev/null ||
        mp_skip "$cmd is not installed (Debian: apt-get install slurmd slurmctld slurm-client munge)"
done
# A surrounding Slurm job (make check run inside an allocation) must not leak into ours.
for v in $(env | sed -n 's/^\(SLURM_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$v"
done

mp_init
slurm=$MP_TMP/slurm
mkdir -m 0755 "$slurm" "$slurm/munge" "$slurm/state" "$slurm/spool"
export SLURM_CONF=$slurm/slurm.conf
daemons=()
munged=
fakes=
testlist=

# Exit trap: stops the Slurm daemons started here and the job steps slurmd started (found by
# the files they hold in our directory), then munged, which they need to the end; lib.sh's
# clean-up then removes the directory.
slurm_cleanup()
{
    local status=$? pid
    trap - EXIT
    # The jobs first: the test list runner gets SIGTERM (its trap removes its scratch directory
    # once its srun is gone), srun and the ranks SIGKILL (they need no clean-up).
    [ -z "$testlist" ] || kill -TERM "$testlist" 2>/dev/null || true
    for pid in $(mp_tagged_pids); do
        [ "$pid" = "$testlist" ] || kill -KILL "$pid" 2>/dev/null || true
    done
    [ -z "$testlist" ] || stop_pids "$testlist"
    stop_pids ${daemons[@]+"${daemons[@]}"} $(slurm_pids | grep -vx "${munged:-none}")
    stop_pids $munged $(slurm_pids)
    rm -f $fakes
    if [ "$status" != 0 ] && [ "$status" != 77 ] && [ -d "$slurm" ]; then
        echo "--- last lines of the Slurm logs ---"
        tail -n 15 "$slurm"/*.log "$slurm"/*.out 2>/dev/null | cut -c 1-200 | sed 's/^/  | /'
    fi
    mp_cleanup
    exit "$status"
}

# SIGTERM to each pid given, then up to 5 s for them to end, then SIGKILL.
stop_pids()
{
    local pid deadline alive
    for pid in "$@"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$(($(mp_now_ms) + 5000))
    while :; do
        alive=
        for pid in "$@"; do
            ! mp_pid_alive "$pid" || alive="$alive $pid"
        done
        [ -n "$alive" ] && [ "$(mp_now_ms)" -lt "$deadline" ] || break
        sleep 0.1
    done
    for pid in $alive; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap slurm_cleanup EXIT
# make check's time limit sends SIGTERM: end through the clean-up too.
trap 'exit 143' TERM INT HUP

# The live processes that hold a file in our Slurm directory open (daemons, slurmstepd).
slurm_pids()
{
    local fd
    for fd in /proc/[0-9]*/fd/*; do
        case "$(readlink "$fd" 2>/dev/null)" in
        "$slurm"/*) fd=${fd#/proc/} && echo "${fd%%/*}" ;;
        esac
    done 2>/dev/null | sort -u | grep -vx "$$" || true
}

# A TCP port that no socket uses, below the kernel's range of ephemeral ports (where PMIx and
# every outgoing connection take theirs).
free_port()
{
    local lo p
    lo=$(cut -f 1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$lo" -gt 12000 ] || lo=32768
    while :; do
        p=$((lo - 10000 + RANDOM % 10000))
        if ! command -v ss >/dev/null || [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then
            echo "$p"
            return
        fi
    done
}

# Waits up to SECONDS (scaled) for a command to succeed; fails early when a daemon died.
wait_for()
{
    local what=$1 secs=$2 deadline pid
    shift 2
    deadline=$(($(mp_now_ms) + $(mp_scale "$secs") * 1000))
    until "$@" >/dev/null 2>&1; do
        [ "$(mp_now_ms)" -lt "$deadline" ] || mp_error "$what not within $secs s"
        for pid in $munged ${daemons[@]+"${daemons[@]}"}; do
            mp_pid_alive "$pid" || mp_error "waiting for $what: daemon pid $pid ended (logs below)"
        done
        sleep 0.2
    done
}

echo "== a private munged"
dd if=/dev/urandom of="$slurm/munge/key" bs=1024 count=1 status=none
chmod 0600 "$slurm/munge/key"
munged --foreground --force --socket="$slurm/munge/socket" --key-file="$slurm/munge/key" \
    --pid-file="$slurm/munge/pid" --seed-file="$slurm/munge/seed" \
    --log-file="$slurm/munged.log" >/dev/null 2>&1 &
munged=$!
wait_for "munged answering" 10 munge -n -S "$slurm/munge/socket"

echo "== slurmctld and slurmd"
# The node line as slurmd finds the machine, without RealMemory: memory may shrink while the
# test runs (hot-plug), and a node with less than configured would be drained. The daemons talk
# over 127.0.0.1: a container's hostname need not resolve.
node=$(slurmd -C | sed -n 's/^\(NodeName=.*\)$/\1/p' | sed 's/ RealMemory=[0-9]*//')
host=$(echo "$node" | sed -n 's/^NodeName=\([^ ]*\) .*/\1/p')
[ -n "$host" ] || mp_error "slurmd -C printed no NodeName line"
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$slurmd_port" != "$ctld_port" ] || slurmd_port=$((ctld_port + 1))
cat >"$SLURM_CONF" <<EOF
ClusterName=libmptest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$slurm/munge/socket
StateSaveLocation=$slurm/state
SlurmdSpoolDir=$slurm/spool
SlurmctldPidFile=$slurm/slurmctld.pid
SlurmdPidFile=$slurm/slurmd.pid
SlurmctldLogFile=$slurm/slurmctld.log
SlurmdLogFile=$slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
MpiDefault=none
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=libmptest Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
# Slurm's PMIx plugin makes a directory per step, by default /tmp/spmix_appdir_<uid>_<job>.<step>:
# job ids restart at 1 in every cluster, so one left by a killed run would fail a later run's
# steps. Ours go into our directory.
mkdir "$slurm/pmix"
echo "PMIxCliTmpDirBase=$slurm/pmix" >"$slurm/mpi.conf"
# The daemons keep their temporary files in our directory, away from the jobs' TMPDIR.
mkdir "$slurm/tmp"
TMPDIR=$slurm/tmp slurmctld -D -i -f "$SLURM_CONF" >"$slurm/slurmctld.out" 2>&1 &
daemons+=($!)
TMPDIR=$slurm/tmp slurmd -D -N "$host" -f "$SLURM_CONF" >"$slurm/slurmd.out" 2>&1 &
daemons+=($!)
node_idle()
{
    [ "$(sinfo -h -N -n "$host" -o %t 2>/dev/null)" = idle ]
}
wait_for "node $host idle in sinfo" 30 node_idle
srun --mpi=list 2>&1 | grep -q pmix ||
    mp_skip "Slurm has no PMIx plugin (srun --mpi=list; Debian: slurm-wlm-basic-plugins)"

# --overcommit: more tasks than the node's CPUs in one job; --quiet: no "job queued" lines.
srun=(srun --mpi=pmix --overcommit --quiet)

echo "== the MPI test programs under ${srun[*]}"
# In the background, tagged, so that a signal to this script ends it at once (see the traps).
MP_TEST_TAG=$MP_TAG MPIRUN="${srun[*]}" "$top_srcdir/tests/mpi/run-testlist.sh" \
    "$here/srun.testlist" &
testlist=$!
wait "$testlist" || mp_fail "some MPI test programs failed under srun"
testlist=

echo "== nothing unexpected on stdout or stderr"
mp_run "${srun[@]}" -n 4 "$(mp_prog init_basic)" 4
mp_expect_status 0
mp_expect_empty stderr "libmp and Slurm print nothing for a good run"
[ "$(cat "$MP_OUT")" = "No Errors" ] || mp_fail "stdout is not just 'No Errors'"

echo "== Slurm binds each of 2 ranks to its own core; libmp keeps that binding"
mp_run srun --mpi=pmix --quiet -n 2 "$(mp_prog print_affinity)"
mp_expect_status 0
mp_expect_empty stderr
for r in 0 1; do
    sed -n "s/^rank $r cpus \([0-9,]*\)$/\1/p" "$MP_OUT" | tr ',' '\n' | sort >"$MP_WORK/cpus$r"
    [ -s "$MP_WORK/cpus$r" ] || mp_fail "no 'rank $r cpus LIST' line"
done
both=$(comm -12 "$MP_WORK/cpus0" "$MP_WORK/cpus1" | tr '\n' ' ')
[ -z "$both" ] || mp_fail "ranks 0 and 1 may both run on CPUs $both: not bound apart"

echo "== another Slurm's job of the same id and step on this host: shared memory does not collide"
# Job ids restart at 1 in every Slurm cluster; the next one here is the last plus one. Segments
# named as that job's would be, "held" by a job of another cluster, must not bother ours.
mp_run srun --quiet -n 1 printenv SLURM_JOB_ID
next=$(($(cat "$MP_OUT") + 1))
fakes="/dev/shm/libmp.slurm.pmix.$next.0.0 /dev/shm/libmp.slurm.pmix.$next.0.1"
touch $fakes
mp_run "${srun[@]}" -n 2 "$(mp_prog init_basic)" 2
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
for f in $fakes; do
    [ -e "$f" ] || mp_fail "the other job's $f is gone"
done
rm -f $fakes
fakes=

echo "== srun without --mpi=pmix: refused with a hint, not 2 separate 1-rank jobs"
mp_run srun --mpi=none --quiet -n 2 "$(mp_prog init_basic)" 2
mp_expect_nonzero "no PMIx server"
mp_expect_no_line stdout 'No Errors'
mp_expect_line stderr 'srun --mpi=pmix' "the message says what to change"

echo "== MPI_Abort by rank 1 of 4 ends the job with its code"
mp_run "${srun[@]}" -n 4 "$(mp_prog abort)" 1 7 30
mp_expect_status 7
mp_expect_quick 15
mp_expect_line stderr 'MPI_Abort'
mp_expect_pids_dead $(mp_rank_pids)

echo "== a rank that exits with 3 before MPI_Finalize ends the job"
mp_run "${srun[@]}" -n 4 "$(mp_prog exit_code)" 2 3 before 30
mp_expect_nonzero "a rank failed"
mp_expect_quick 15
mp_expect_pids_dead $(mp_rank_pids)

echo "== a rank killed by SIGSEGV ends the job (--kill-on-bad-exit)"
mp_run "${srun[@]}" --kill-on-bad-exit=1 -n 3 "$(mp_prog signal_self)" 0 SEGV 30
mp_expect_nonzero "a rank crashed"
mp_expect_quick 15
mp_expect_pids_dead $(mp_rank_pids)

MP_LEFTOVERS=strict mp_finish
