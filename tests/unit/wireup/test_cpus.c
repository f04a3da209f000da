/*
 * CPU sharing from affinity masks (wireup/cpus.c): the bindings libmp's mpirun and Slurm give a
 * node's ranks, and whether each rank then competes for its CPUs (more ranks than CPUs).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wireup/cpus.h"

#define MAX_RANKS 8

/* A mask of the CPUs lo..hi. */
static cpu_set_t cpus(int lo, int hi)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c = lo; c <= hi; c++) {
        CPU_SET(c, &set);
    }
    return set;
}

/* Runs the overlap for rank me of n ranks with the given masks; checks the counts and returns
 * whether that rank shares its CPUs. */
static bool shared_for(const cpu_set_t *masks, int n, int me, int nranks, int ncpus)
{
    cpu_set_t peers[MAX_RANKS];
    int np = 0, got_ranks = -1, got_cpus = -1;
    for (int i = 0; i < n; i++) {
        if (i != me) {
            peers[np++] = masks[i];
        }
    }
    mp_wireup_cpus_overlap(&masks[me], peers, np, &got_ranks, &got_cpus);
    assert_int_equal(got_ranks, nranks);
    assert_int_equal(got_cpus, ncpus);
    return got_ranks > got_cpus;
}

/* mpirun: one rank per core, nobody shares. */
static void one_rank_per_core(void **state)
{
    (void)state;
    cpu_set_t m[4] = {cpus(0, 0), cpus(1, 1), cpus(2, 2), cpus(3, 3)};
    for (int r = 0; r < 4; r++) {
        assert_false(shared_for(m, 4, r, 1, 1));
    }
}

/* Slurm with --overcommit: every rank bound to CPU 0. */
static void all_bound_to_one_cpu(void **state)
{
    (void)state;
    cpu_set_t m[4] = {cpus(0, 0), cpus(0, 0), cpus(0, 0), cpus(0, 0)};
    for (int r = 0; r < 4; r++) {
        assert_true(shared_for(m, 4, r, 4, 1));
    }
    assert_true(shared_for(m, 2, 0, 2, 1)); /* two ranks on one core are already too many */
}

/* Unbound ranks (mpirun oversubscribed, or --cpu-bind=none): shared when they outnumber the
 * CPUs. */
static void unbound(void **state)
{
    (void)state;
    cpu_set_t m[8];
    for (int r = 0; r < 8; r++) {
        m[r] = cpus(0, 1);
    }
    assert_false(shared_for(m, 1, 0, 1, 2));
    assert_false(shared_for(m, 2, 1, 2, 2));
    assert_true(shared_for(m, 3, 2, 3, 2));
    assert_true(shared_for(m, 8, 5, 8, 2));
}

/* Two ranks per core: each competes with its core's other rank, not with the others. */
static void two_per_core(void **state)
{
    (void)state;
    cpu_set_t m[4] = {cpus(0, 0), cpus(0, 0), cpus(1, 1), cpus(1, 1)};
    assert_true(shared_for(m, 4, 0, 2, 1));
    assert_true(shared_for(m, 4, 3, 2, 1));
    /* One rank alone on core 1, two on core 0: only those two share. */
    cpu_set_t k[3] = {cpus(0, 0), cpus(0, 0), cpus(1, 1)};
    assert_true(shared_for(k, 3, 1, 2, 1));
    assert_false(shared_for(k, 3, 2, 1, 1));
}

/* Ranks bound to overlapping sets: the union of the sets counts. */
static void overlapping_sets(void **state)
{
    (void)state;
    cpu_set_t m[3] = {cpus(0, 3), cpus(2, 5), cpus(6, 7)};
    assert_false(shared_for(m, 3, 0, 2, 6));
    assert_false(shared_for(m, 3, 2, 1, 2));
    cpu_set_t k[3] = {cpus(0, 1), cpus(1, 1), cpus(0, 0)};
    assert_true(shared_for(k, 3, 0, 3, 2));
    assert_false(shared_for(k, 3, 1, 2, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_rank_per_core), cmocka_unit_test(all_bound_to_one_cpu),
        cmocka_unit_test(unbound),           cmocka_unit_test(two_per_core),
        cmocka_unit_test(overlapping_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
