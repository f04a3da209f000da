#!/usr/bin/env bash
# Launcher test: by default each rank is bound to a core of its own when there are no more
# ranks than cores, and not bound when oversubscribed; --bind-to none|core|hwthread,
# --use-hwthread-cpus and --report-bindings. Compared with the CPUs this script may use, on a 2-core slice of them.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
prog=$(mp_prog print_affinity)

# The CPUs of the core of CPU $1 that are in the allowed list $2.
core_of()
{
    local f=/sys/devices/system/cpu/cpu$1/topology/thread_siblings_list sib c out=
    if [ -r "$f" ]; then
        sib=$(mp_expand_cpus "$(cat "$f")")
    else
        sib=$1
    fi
    for c in ${sib//,/ }; do
        case ",$2," in *",$c,"*) out="$out${out:+,}$c" ;; esac
    done
    echo "$out"
}

allowed=$(mp_expand_cpus "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)")
cores=()
for c in ${allowed//,/ }; do
    core=$(core_of "$c" "$allowed")
    case " ${cores[*]} " in *" $core "*) ;; *) cores+=("$core") ;; esac
done
echo "allowed CPUs: $allowed; cores: ${cores[*]}"
[ "${#cores[@]}" -ge 2 ] || mp_skip "binding needs 2 cores; this machine gives ${#cores[@]}"

# Test on exactly 2 cores: on a larger machine, mpirun runs in a 2-core slice of it.
wrap=()
if [ "${#cores[@]}" -gt 2 ]; then
    command -v taskset >/dev/null || mp_skip "more than 2 cores and no taskset to make a slice"
    allowed=$(echo "${cores[0]},${cores[1]}" | tr ',' '\n' | sort -n | paste -sd, -)
    cores=("${cores[0]}" "${cores[1]}")
    wrap=(taskset -c "$allowed")
    echo "running mpirun on CPUs $allowed"
fi

# run_affinity NPROCS [mpirun options...]: runs print_affinity; fills cpus_of[R].
declare -A cpus_of
run_affinity()
{
    local n=$1 r list
    shift
    mp_run ${wrap[@]+"${wrap[@]}"} "$MPIRUN" "$@" -n "$n" "$prog"
    mp_expect_status 0
    cpus_of=()
    while read -r r list; do
        cpus_of[$r]=$list
    done < <(sed -n 's/^rank \([0-9]*\) cpus \([0-9,]*\)$/\1 \2/p' "$MP_OUT")
    if [ "${#cpus_of[@]}" -ne "$n" ] || [ "$(wc -l <"$MP_OUT")" -ne "$n" ]; then
        mp_fail "expected one 'rank R cpus LIST' line from each of $n ranks"
    fi
}

# expect_bound NPROCS PER_CORE: each rank has exactly one core's CPUs; each core PER_CORE ranks.
expect_bound()
{
    local r set core count
    declare -A per_core=()
    for ((r = 0; r < $1; r++)); do
        set=${cpus_of[$r]:-none}
        case " ${cores[*]} " in
        *" $set "*) per_core[$set]=$((${per_core[$set]:-0} + 1)) ;;
        *) mp_fail "rank $r has CPUs '$set', expected those of one core (${cores[*]})" ;;
        esac
    done
    for core in "${cores[@]}"; do
        count=${per_core[$core]:-0}
        [ "$count" -eq "$2" ] || mp_fail "core $core has $count ranks bound to it, expected $2"
    done
}

# expect_unbound NPROCS: every rank may run on every allowed CPU.
expect_unbound()
{
    local r
    for ((r = 0; r < $1; r++)); do
        [ "${cpus_of[$r]:-}" = "$allowed" ] ||
            mp_fail "rank $r has CPUs '${cpus_of[$r]:-}', expected all of $allowed (unbound)"
    done
}

echo "== default, 2 ranks on 2 cores: one core each"
run_affinity 2
expect_bound 2 1

echo "== default, 4 ranks on 2 cores (oversubscribed): not bound"
run_affinity 4
expect_unbound 4

echo "== --bind-to none, 2 ranks: not bound"
run_affinity 2 --bind-to none
expect_unbound 2

echo "== --bind-to core, 4 ranks on 2 cores: bound, 2 per core"
run_affinity 4 --bind-to core
expect_bound 4 2

# expect_threads NPROCS: each rank has one CPU of its own, all different.
expect_threads()
{
    local r seen=,
    for ((r = 0; r < $1; r++)); do
        case "${cpus_of[$r]:-none}" in
        *,* | none) mp_fail "rank $r has CPUs '${cpus_of[$r]:-}', expected exactly one" ;;
        *)
            case "$seen" in *",${cpus_of[$r]},"*) mp_fail "CPU ${cpus_of[$r]} has two ranks" ;; esac
            case ",$allowed," in *",${cpus_of[$r]},"*) ;; *) mp_fail "rank $r off the allowed CPUs" ;; esac
            seen="$seen${cpus_of[$r]},"
            ;;
        esac
    done
}

nthreads=$(echo "$allowed" | tr ',' '\n' | wc -l)
echo "== --bind-to hwthread, 2 ranks: a hardware thread each, on different cores"
run_affinity 2 --bind-to hwthread
expect_threads 2
[ "$(core_of "${cpus_of[0]:-0}" "$allowed")" != "$(core_of "${cpus_of[1]:-0}" "$allowed")" ] ||
    mp_fail "both ranks on one core: cpus ${cpus_of[0]:-} and ${cpus_of[1]:-}"

echo "== --use-hwthread-cpus, $nthreads ranks: one per hardware thread"
run_affinity "$nthreads" --use-hwthread-cpus
expect_threads "$nthreads"

echo "== --report-bindings, 2 ranks: one stderr line per rank"
run_affinity 2 --report-bindings
expect_bound 2 1
for r in 0 1; do
    [ "$(grep -cE "rank $r([^0-9]|\$)" "$MP_ERR")" = 1 ] ||
        mp_fail "expected one stderr line containing 'rank $r'"
done

# MPI_Comm_spawn's children are bound like ranks placed after the first job's: the next cores,
# round again past the last; unbound when the first job was (oversubscribed) or --bind-to none.
spawn_prog=$top_builddir/tests/mpi/spawn/fail
[ -x "$spawn_prog" ] || mp_error "test program $spawn_prog is not built"
# run_spawn NPARENTS [mpirun options...]: the parents spawn 2 children; fills cpus_of[R] (the
# parents) and child_cpus[R].
declare -A child_cpus
run_spawn()
{
    local n=$1 r list
    shift
    mp_run ${wrap[@]+"${wrap[@]}"} "$MPIRUN" "$@" -n "$n" "$spawn_prog" affinity
    mp_expect_status 0
    cpus_of=()
    child_cpus=()
    while read -r r list; do
        cpus_of[$r]=$list
    done < <(sed -n 's/^rank \([0-9]*\) cpus \([0-9,]*\)$/\1 \2/p' "$MP_OUT")
    while read -r r list; do
        child_cpus[$r]=$list
    done < <(sed -n 's/^job 2 rank \([0-9]*\) cpus \([0-9,]*\)$/\1 \2/p' "$MP_OUT")
    if [ "${#cpus_of[@]}" -ne "$n" ] || [ "${#child_cpus[@]}" -ne 2 ]; then
        mp_fail "expected 'rank R cpus LIST' from $n parents and 'job 2 rank R cpus LIST' from 2 children"
    fi
}

# expect_children CPUS0 CPUS1: the children's CPU lists.
expect_children()
{
    [ "${child_cpus[0]:-}" = "$1" ] && [ "${child_cpus[1]:-}" = "$2" ] ||
        mp_fail "children have CPUs '${child_cpus[0]:-}' and '${child_cpus[1]:-}', expected '$1' and '$2'"
}

echo "== spawn, default, 1 parent: children on the next cores, round again (core 1, core 0)"
run_spawn 1 --report-bindings
[ "${cpus_of[0]:-}" = "${cores[0]}" ] || mp_fail "the parent has CPUs '${cpus_of[0]:-}', expected ${cores[0]}"
expect_children "${cores[1]}" "${cores[0]}"
for r in 0 1; do
    [ "$(grep -cE "job 2 rank $r on .*: bound to" "$MP_ERR")" = 1 ] ||
        mp_fail "expected one --report-bindings line for job 2 rank $r"
done

echo "== spawn, --bind-to core, 3 parents: children on cores 1 and 0"
run_spawn 3 --bind-to core
expect_children "${cores[1]}" "${cores[0]}"

echo "== spawn, default, 3 parents (oversubscribed, unbound): children unbound"
run_spawn 3 --report-bindings
expect_children "$allowed" "$allowed"
[ "$(grep -cE "job 2 rank [01] on .*: not bound" "$MP_ERR")" = 2 ] ||
    mp_fail "expected 'not bound' --report-bindings lines for both children"

echo "== spawn, --bind-to none, 1 parent: children unbound"
run_spawn 1 --bind-to none
expect_children "$allowed" "$allowed"

mp_finish
