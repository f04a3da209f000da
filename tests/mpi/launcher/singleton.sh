#!/usr/bin/env bash
# Launcher test: an MPI program started without mpirun (a singleton) is rank 0 of 1, and every
# call libmp has works there; it is not bound to a CPU. A process that a launcher without PMIx
# started as one of several (srun --mpi=none, MPICH's hydra) is refused with what to change;
# under Open MPI's mpirun, which serves PMIx, the ranks make one job.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init

echo "== init_basic as a singleton"
mp_run "$(mp_prog init_basic)" 1
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_empty stderr

for level in single funneled serialized multiple; do
    echo "== init_thread $level as a singleton"
    mp_run "$(mp_prog init_thread)" "$level"
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
done

echo "== sleeper 0 as a singleton: rank 0 of 1"
mp_run "$(mp_prog sleeper)" 0
mp_expect_status 0
mp_expect_ranks 1
mp_expect_empty stderr

echo "== print_affinity as a singleton: the CPUs it was given"
mp_run "$(mp_prog print_affinity)"
mp_expect_status 0
allowed=$(mp_expand_cpus "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)")
mp_expect_line stdout "^rank 0 cpus $allowed\$" "a singleton keeps all the CPUs it was given"

comm=$(dirname "$(mp_prog init_basic)")/../comm
echo "== ports, join's errors and spawn as a singleton; no name service there"
for args in accept porterr spawn "pubname nonames"; do
    # shellcheck disable=SC2086
    mp_run "$comm"/$args
    mp_expect_status 0 "$args"
    mp_expect_line stdout '^No Errors$' "$args"
done
mp_run "$comm"/spawn
mp_expect_line stderr 'a singleton.*mpirun -n 1' "a singleton's spawn says how to start the program"

echo "== a task of a multi-task srun step without PMIx is refused, not a 1-rank job"
mp_run env SLURM_STEP_NUM_TASKS=4 "$(mp_prog init_basic)" 1
mp_expect_nonzero "each of 4 tasks would think it is alone"
mp_expect_no_line stdout 'No Errors'
mp_expect_line stderr 'srun --mpi=pmix' "the message says what to change"

echo "== a process of a multi-process PMI launcher (MPICH's hydra) is refused, not a 1-rank job"
mp_run env PMI_SIZE=3 PMI_RANK=1 PMI_FD=99 "$(mp_prog init_basic)" 1
mp_expect_nonzero "each of 3 processes would think it is alone"
mp_expect_no_line stdout 'No Errors'
mp_expect_line stderr "one of 3 processes by a launcher that speaks PMI, not PMIx" "it says why"
mp_expect_line stderr "libmp's mpirun" "the message says what to change"

if command -v mpirun.openmpi >/dev/null 2>&1; then
    echo "== Open MPI's mpirun serves PMIx: a libmp program runs under it as one job"
    mp_run timeout 120 mpirun.openmpi --allow-run-as-root --oversubscribe -n 3 \
        "$(mp_prog ring_for)" 1
    mp_expect_status 0
    mp_expect_line stdout '^No Errors$'
    mp_expect_line stdout '^rank 2 of 3 pid'
fi

echo "== a 1-task srun step without PMIx is a singleton"
mp_run env SLURM_STEP_NUM_TASKS=1 "$(mp_prog init_basic)" 1
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_empty stderr

echo "== a 1-process PMI launch is a singleton"
mp_run env PMI_SIZE=1 PMI_RANK=0 "$(mp_prog init_basic)" 1
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_empty stderr

mp_finish
