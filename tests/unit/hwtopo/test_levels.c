/*
 * The hardware levels a binding lies within (hwtopo.c, mp_hwtopo_levels_of), on synthetic
 * machines: 2 packages, each a NUMA node with one L3 over 2 L2s, each L2 over one core of 2
 * hardware threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hwtopo/hwtopo.h"

#define MACHINE "pack:2 numa:1 l3:1 l2:2 core:1 pu:2"

/* The levels of the PUs first..last (OS indexes, as a binding names them). */
static void levels_of_pus(hwloc_topology_t topo, int first, int last, int index[MP_HWTOPO_NLEVELS])
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (first <= last) {
        hwloc_bitmap_set_range(set, (unsigned)first, last);
    }
    mp_hwtopo_levels_of(topo, set, index);
    hwloc_bitmap_free(set);
}

static void check_levels(const int *got, const int *want)
{
    for (int l = 0; l < MP_HWTOPO_NLEVELS; l++) {
        assert_int_equal(got[l], want[l]);
    }
}

static void test_one_pu(void **state)
{
    (void)state;
    hwloc_topology_t topo;
    assert_int_equal(mp_hwtopo_load_synthetic(MACHINE, &topo), 0);
    int got[MP_HWTOPO_NLEVELS];
    /* PU 5: package 1, NUMA 1, L3 1, L2 2, its L1 does not exist (none in the description). */
    levels_of_pus(topo, 5, 5, got);
    check_levels(got, (int[]){1, 1, 1, 2, -1, 2, 5});
    levels_of_pus(topo, 0, 0, got);
    check_levels(got, (int[]){0, 0, 0, 0, -1, 0, 0});
    mp_hwtopo_destroy(topo);
}

static void test_wider_bindings(void **state)
{
    (void)state;
    hwloc_topology_t topo;
    assert_int_equal(mp_hwtopo_load_synthetic(MACHINE, &topo), 0);
    int got[MP_HWTOPO_NLEVELS];
    /* A whole core (both threads): every level down to the core, no single thread. */
    levels_of_pus(topo, 2, 3, got);
    check_levels(got, (int[]){0, 0, 0, 1, -1, 1, -1});
    /* Both cores of package 1: the package, its NUMA node and L3 only. */
    levels_of_pus(topo, 4, 7, got);
    check_levels(got, (int[]){1, 1, 1, -1, -1, -1, -1});
    /* Across the packages, or nothing at all: no level. */
    levels_of_pus(topo, 3, 4, got);
    check_levels(got, (int[]){-1, -1, -1, -1, -1, -1, -1});
    levels_of_pus(topo, 1, 0, got);
    check_levels(got, (int[]){-1, -1, -1, -1, -1, -1, -1});
    mp_hwtopo_destroy(topo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_pu),
        cmocka_unit_test(test_wider_bindings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
