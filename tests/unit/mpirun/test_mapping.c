/*
 * Mapping and binding on synthetic hwloc topologies: which host each rank gets, and exactly which
 * PUs each local rank is bound to, for every policy and binding, oversubscribed or not, on
 * machines with threads, NUMA nodes, restricted cpusets, and no cores or packages at all.
 */
#include "mpirun/mapping.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include "hwtopo/hwtopo.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* 2 packages x 8 cores x 2 PUs: core c holds PUs 2c and 2c+1. */
#define TOPO_2X8X2 "pack:2 core:8 pu:2"
/* Like the development machine: 1 package, 2 cores, no SMT. */
#define TOPO_1X2 "pack:1 core:2 pu:1"
/* 2 packages x 2 NUMA nodes x 4 cores: NUMA node n holds cores (and PUs) 4n..4n+3. */
#define TOPO_NUMA "pack:2 numa:2 core:4 pu:1"

static hwloc_topology_t load(const char *desc)
{
    hwloc_topology_t topo = NULL;
    assert_int_equal(mp_hwtopo_load_synthetic(desc, &topo), 0);
    assert_non_null(topo);
    return topo;
}

/* TOPO_2X8X2 with only PUs 1, 2-3, 6, 16-17 and 30 allowed: cores 0, 1, 3, 8 and 15 count. */
static hwloc_topology_t load_restricted(void)
{
    hwloc_topology_t topo = load(TOPO_2X8X2);
    hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
    assert_int_equal(hwloc_bitmap_list_sscanf(allowed, "1-3,6,16-17,30"), 0);
    assert_int_equal(hwloc_topology_allow(topo, allowed, NULL, HWLOC_ALLOW_FLAG_CUSTOM), 0);
    hwloc_bitmap_free(allowed);
    return topo;
}

/*
 * Runs mpirun_bind_compute and compares each rank's set, as a cpu list ("0-1", "2,5"), with
 * expected[i] (NULL: unbound).
 */
static void check_bind(hwloc_topology_t topo, int nlocal, mpirun_map_t policy,
                       mpirun_bind_t bind_to, const char *const *expected, bool oversubscribed)
{
    hwloc_bitmap_t *sets = calloc((size_t)nlocal + 1, sizeof(*sets));
    bool over = !oversubscribed;
    char err[256] = "";
    assert_non_null(sets);
    assert_int_equal(
        mpirun_bind_compute(topo, nlocal, policy, bind_to, sets, &over, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(over, oversubscribed);
    for (int i = 0; i < nlocal; i++) {
        if (expected[i] == NULL) {
            if (sets[i] != NULL) {
                fail_msg("rank %d: bound, expected unbound", i);
            }
            continue;
        }
        if (sets[i] == NULL) {
            fail_msg("rank %d: unbound, expected cpus %s", i, expected[i]);
        }
        char list[128];
        hwloc_bitmap_list_snprintf(list, sizeof(list), sets[i]);
        if (strcmp(list, expected[i]) != 0) {
            fail_msg("rank %d: bound to cpus %s, expected %s", i, list, expected[i]);
        }
    }
    mpirun_bind_sets_free(sets, nlocal);
    for (int i = 0; i < nlocal; i++) {
        assert_null(sets[i]);
    }
    free(sets);
}

/* Expects every one of nlocal ranks unbound. */
static void check_unbound(hwloc_topology_t topo, int nlocal, mpirun_map_t policy,
                          mpirun_bind_t bind_to, bool oversubscribed)
{
    const char **none = calloc((size_t)nlocal + 1, sizeof(*none));
    assert_non_null(none);
    check_bind(topo, nlocal, policy, bind_to, none, oversubscribed);
    free(none);
}

/* ---- Step 1: ranks to hosts ---- */

static void parse_hosts(const char *spec, mpirun_hostlist_t *list)
{
    char err[256];
    assert_int_equal(mpirun_hostlist_parse_hosts(spec, list, err, sizeof(err)), 0);
}

/* Maps np ranks and compares host_of_rank with expected[0..np). */
static void check_map(const char *spec, int np, mpirun_map_t policy, bool forbid,
                      const int *expected)
{
    mpirun_hostlist_t hosts;
    int *got = malloc((size_t)np * sizeof(*got));
    char err[256] = "";
    assert_non_null(got);
    parse_hosts(spec, &hosts);
    assert_int_equal(mpirun_map_ranks(&hosts, np, policy, forbid, got, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    for (int r = 0; r < np; r++) {
        if (got[r] != expected[r]) {
            fail_msg("-H %s -n %d --map-by %s: rank %d on host %d, expected %d", spec, np,
                     mpirun_map_name(policy), r, got[r], expected[r]);
        }
    }
    free(got);
    mpirun_hostlist_fini(&hosts);
}

static void test_map_by_slot(void **state)
{
    (void)state;
    static const int fit[] = {0, 0, 1, 1, 2};
    static const int part[] = {0, 0, 1};
    static const mpirun_map_t fill_policies[] = {MPIRUN_MAP_SLOT, MPIRUN_MAP_CORE,
                                                 MPIRUN_MAP_SOCKET, MPIRUN_MAP_NUMA};
    for (size_t i = 0; i < NELEMS(fill_policies); i++) {
        check_map("a:2,b:2,c:1", 5, fill_policies[i], true, fit);
        check_map("a:2,b:2,c:1", 3, fill_policies[i], false, part);
    }
    static const int one[] = {0};
    check_map("solo", 1, MPIRUN_MAP_SLOT, true, one);
    static const int uneven[] = {0, 1, 1, 1, 1, 2, 2};
    check_map("a,b:4,c:2", 7, MPIRUN_MAP_SLOT, true, uneven);
}

static void test_map_by_slot_oversubscribed(void **state)
{
    (void)state;
    /* 12 ranks on 5 slots: two full rounds (4, 4, 2), then 2 more fill a. */
    static const int twelve[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
    check_map("a:2,b:2,c:1", 12, MPIRUN_MAP_SLOT, false, twelve);
    /* 7 ranks: one round (2, 2, 1), then a's 2 slots again. */
    static const int seven[] = {0, 0, 0, 0, 1, 1, 2};
    check_map("a:2,b:2,c:1", 7, MPIRUN_MAP_CORE, false, seven);
    /* 9 ranks: one round, then a full (2) and 2 of b's 2. */
    static const int nine[] = {0, 0, 0, 0, 1, 1, 1, 1, 2};
    check_map("a:2,b:2,c:1", 9, MPIRUN_MAP_NUMA, false, nine);
    /* In proportion to slots: 1:3 hosts, 8 ranks -> 2 and 6. */
    static const int prop[] = {0, 0, 1, 1, 1, 1, 1, 1};
    check_map("a:1,b:3", 8, MPIRUN_MAP_SOCKET, false, prop);
    /* One host with one slot takes everything. */
    int many[100];
    for (int r = 0; r < 100; r++) {
        many[r] = 0;
    }
    check_map("localhost", 100, MPIRUN_MAP_SLOT, false, many);
}

static void test_map_by_node(void **state)
{
    (void)state;
    static const int five[] = {0, 1, 2, 0, 1};
    check_map("a:2,b:2,c:1", 5, MPIRUN_MAP_NODE, true, five);
    static const int three[] = {0, 1, 2};
    check_map("a:2,b:2,c:1", 3, MPIRUN_MAP_NODE, true, three);
    /* Hosts with used-up slots drop out of the round. */
    static const int skip[] = {0, 1, 1, 1};
    check_map("a:1,b:3", 4, MPIRUN_MAP_NODE, true, skip);
    static const int skip2[] = {0, 1, 2, 1, 2, 2};
    check_map("a,b:2,c:3", 6, MPIRUN_MAP_NODE, true, skip2);
    /* Oversubscribed: the pattern of the first 5 (= slots) ranks repeats. */
    static const int twelve[] = {0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 0, 1};
    check_map("a:2,b:2,c:1", 12, MPIRUN_MAP_NODE, false, twelve);
    static const int eight[] = {0, 1, 1, 1, 0, 1, 1, 1};
    check_map("a:1,b:3", 8, MPIRUN_MAP_NODE, false, eight);
    /* Single-slot hosts: plain round-robin. */
    static const int rr[] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    check_map("x,y,z", 10, MPIRUN_MAP_NODE, false, rr);
}

static void test_map_errors(void **state)
{
    (void)state;
    mpirun_hostlist_t hosts;
    int out[16];
    char err[512] = "";

    parse_hosts("a:2,b:2,c:1", &hosts);
    assert_int_equal(mpirun_map_ranks(&hosts, 6, MPIRUN_MAP_SLOT, true, out, err, sizeof(err)), -1);
    assert_string_equal(err, "6 ranks do not fit the 5 slots of the hosts (a:2, b:2, c:1) and "
                             "oversubscription is forbidden by --nooversubscribe: run at most 5 "
                             "ranks, give the hosts more slots (-H host:N, or slots=N in the "
                             "hostfile), or drop --nooversubscribe");
    assert_int_equal(mpirun_map_ranks(&hosts, 6, MPIRUN_MAP_NODE, true, out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "6 ranks do not fit the 5 slots"));
    assert_int_equal(mpirun_map_ranks(&hosts, 0, MPIRUN_MAP_SLOT, false, out, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "0 ranks requested: the number of ranks must be at least 1");
    hosts.hosts[1].slots = 0;
    assert_int_equal(mpirun_map_ranks(&hosts, 2, MPIRUN_MAP_SLOT, false, out, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "host b has 0 slots: every host needs at least 1 slot");
    mpirun_hostlist_fini(&hosts);

    mpirun_hostlist_t empty = {NULL, 0};
    assert_int_equal(mpirun_map_ranks(&empty, 2, MPIRUN_MAP_SLOT, false, out, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "no hosts to run on: give hosts with -H or --hostfile");

    /* Many hosts are cut short in the message. */
    parse_hosts("h0,h1,h2,h3,h4,h5,h6,h7,h8,h9", &hosts);
    assert_int_equal(mpirun_map_ranks(&hosts, 11, MPIRUN_MAP_SLOT, true, out, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "(h0:1, h1:1, h2:1, h3:1, h4:1, h5:1, ... 4 more)"));
    mpirun_hostlist_fini(&hosts);
}

static void test_local_ranks(void **state)
{
    (void)state;
    static const int host_of_rank[] = {0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 0, 1};
    static const int want_local[] = {0, 0, 0, 1, 1, 2, 2, 1, 3, 3, 4, 4};
    int local[12];
    int nlocal[3] = {-1, -1, -1};
    mpirun_map_local_ranks(host_of_rank, 12, 3, local, nlocal);
    for (int r = 0; r < 12; r++) {
        assert_int_equal(local[r], want_local[r]);
    }
    assert_int_equal(nlocal[0], 5);
    assert_int_equal(nlocal[1], 5);
    assert_int_equal(nlocal[2], 2);
}

/* ---- Step 2: binding on one host ---- */

static void test_bind_consecutive_cores(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_2X8X2);
    assert_int_equal(mp_hwtopo_ncores(topo), 16);
    const char *four[] = {"0-1", "2-3", "4-5", "6-7"};
    check_bind(topo, 4, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, four, false);
    check_bind(topo, 4, MPIRUN_MAP_CORE, MPIRUN_BIND_CORE, four, false);
    check_bind(topo, 4, MPIRUN_MAP_NODE, MPIRUN_BIND_CORE, four, false);
    const char *all[16];
    char names[16][16];
    for (int i = 0; i < 16; i++) {
        snprintf(names[i], sizeof(names[i]), "%d-%d", 2 * i, 2 * i + 1);
        all[i] = names[i];
    }
    check_bind(topo, 16, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, all, false);
    /* Binding to the package or NUMA node that holds the rank's core. */
    const char *pkg[] = {"0-15", "0-15", "0-15"};
    check_bind(topo, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_SOCKET, pkg, false);
    const char *pkg10[] = {"0-15", "0-15", "0-15", "0-15",  "0-15",
                           "0-15", "0-15", "0-15", "16-31", "16-31"};
    check_bind(topo, 10, MPIRUN_MAP_CORE, MPIRUN_BIND_SOCKET, pkg10, false);
    /* One NUMA node: numa binding is the whole machine, numa mapping is consecutive. */
    const char *numa[] = {"0-31", "0-31"};
    check_bind(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_NUMA, numa, false);
    check_bind(topo, 4, MPIRUN_MAP_NUMA, MPIRUN_BIND_CORE, four, false);
    check_unbound(topo, 4, MPIRUN_MAP_SLOT, MPIRUN_BIND_NONE, false);
    mp_hwtopo_destroy(topo);
}

static void test_bind_by_socket(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_2X8X2);
    const char *five[] = {"0-1", "16-17", "2-3", "18-19", "4-5"};
    check_bind(topo, 5, MPIRUN_MAP_SOCKET, MPIRUN_BIND_DEFAULT, five, false);
    check_bind(topo, 5, MPIRUN_MAP_SOCKET, MPIRUN_BIND_CORE, five, false);
    const char *pkgs[] = {"0-15", "16-31", "0-15", "16-31"};
    check_bind(topo, 4, MPIRUN_MAP_SOCKET, MPIRUN_BIND_SOCKET, pkgs, false);
    /* All 16 cores alternate between the packages; rank 16 and 17 wrap to the start. */
    const char *eighteen[18];
    char names[18][16];
    for (int i = 0; i < 18; i++) {
        int core = (i % 16) / 2 + ((i % 16) % 2) * 8;
        snprintf(names[i], sizeof(names[i]), "%d-%d", 2 * core, 2 * core + 1);
        eighteen[i] = names[i];
    }
    assert_string_equal(eighteen[1], "16-17");
    assert_string_equal(eighteen[15], "30-31");
    assert_string_equal(eighteen[16], "0-1");
    assert_string_equal(eighteen[17], "16-17");
    check_bind(topo, 18, MPIRUN_MAP_SOCKET, MPIRUN_BIND_CORE, eighteen, true);
    check_unbound(topo, 18, MPIRUN_MAP_SOCKET, MPIRUN_BIND_DEFAULT, true);
    mp_hwtopo_destroy(topo);
}

static void test_bind_oversubscribed(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_2X8X2);
    /* Default: 17 ranks on 16 cores are not bound. */
    check_unbound(topo, 17, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, true);
    check_unbound(topo, 17, MPIRUN_MAP_SLOT, MPIRUN_BIND_NONE, true);
    /* Explicit core binding wraps around: ranks 16 and 17 share cores 0 and 1. */
    const char *wrap[18];
    char names[18][16];
    for (int i = 0; i < 18; i++) {
        snprintf(names[i], sizeof(names[i]), "%d-%d", 2 * (i % 16), 2 * (i % 16) + 1);
        wrap[i] = names[i];
    }
    check_bind(topo, 18, MPIRUN_MAP_CORE, MPIRUN_BIND_CORE, wrap, true);
    mp_hwtopo_destroy(topo);

    topo = load(TOPO_1X2);
    assert_int_equal(mp_hwtopo_ncores(topo), 2);
    const char *two[] = {"0", "1"};
    check_bind(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, two, false);
    const char *one[] = {"0"};
    check_bind(topo, 1, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, one, false);
    check_unbound(topo, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, true);
    check_unbound(topo, 8, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, true);
    const char *eight[] = {"0", "1", "0", "1", "0", "1", "0", "1"};
    check_bind(topo, 8, MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE, eight, true);
    check_bind(topo, 8, MPIRUN_MAP_SOCKET, MPIRUN_BIND_CORE, eight, true);
    const char *whole[] = {"0-1", "0-1", "0-1"};
    check_bind(topo, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_SOCKET, whole, true);
    check_bind(topo, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_NUMA, whole, true);
    /* No ranks: nothing to do, not oversubscribed. */
    check_bind(topo, 0, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, NULL, false);
    mp_hwtopo_destroy(topo);
}

/* Runs mpirun_bind_compute_more for k later processes and compares their sets with expected. */
static void check_more(hwloc_topology_t topo, int nplaced, bool placed_bound, int k,
                       mpirun_map_t policy, mpirun_bind_t bind_to, const char *const *expected)
{
    hwloc_bitmap_t *sets = calloc((size_t)k + 1, sizeof(*sets));
    char err[256] = "";
    assert_non_null(sets);
    assert_int_equal(mpirun_bind_compute_more(topo, nplaced, placed_bound, k, policy, bind_to, sets,
                                              err, sizeof(err)),
                     0);
    for (int i = 0; i < k; i++) {
        char list[128] = "unbound";
        if (sets[i] != NULL) {
            hwloc_bitmap_list_snprintf(list, sizeof(list), sets[i]);
        }
        if (strcmp(list, expected[i] != NULL ? expected[i] : "unbound") != 0) {
            fail_msg("process %d after %d: %s, expected %s", i, nplaced, list,
                     expected[i] != NULL ? expected[i] : "unbound");
        }
    }
    mpirun_bind_sets_free(sets, k);
    free(sets);
}

/* Processes spawned later take the cores after those placed before, round again past the last. */
static void test_bind_more(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_1X2);
    const char *next[] = {"1", "0", "1"};
    /* One bound rank on core 0: three more by default take cores 1, 0, 1. */
    check_more(topo, 1, true, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, next);
    check_more(topo, 3, true, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE, next);
    /* The first ones oversubscribed and so unbound, or --bind-to none: unbound. */
    const char *none[] = {NULL, NULL};
    check_more(topo, 3, false, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, none);
    check_more(topo, 1, true, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_NONE, none);
    /* Nothing placed before: the default as for a first job (2 fit the 2 cores, 3 do not). */
    const char *two[] = {"0", "1"};
    check_more(topo, 0, false, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, two);
    const char *three[] = {NULL, NULL, NULL};
    check_more(topo, 0, false, 3, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, three);
    mp_hwtopo_destroy(topo);

    /* 2 packages x 8 cores x 2 threads: after 15 ranks, cores 15 and 0; by hwthread, PUs. */
    topo = load(TOPO_2X8X2);
    const char *wrap[] = {"30-31", "0-1"};
    check_more(topo, 15, true, 2, MPIRUN_MAP_CORE, MPIRUN_BIND_DEFAULT, wrap);
    const char *pus[] = {"5", "6"};
    check_more(topo, 5, true, 2, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, pus);
    const char *pkg[] = {"16-31"};
    check_more(topo, 8, true, 1, MPIRUN_MAP_SLOT, MPIRUN_BIND_SOCKET, pkg);
    mp_hwtopo_destroy(topo);
}

/* Hardware threads as the unit (--map-by hwthread, --use-hwthread-cpus), or as the binding. */
static void test_bind_hwthreads(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_2X8X2);
    const char *four[] = {"0", "1", "2", "3"};
    check_bind(topo, 4, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, four, false);
    check_bind(topo, 4, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_HWTHREAD, four, false);
    const char *all[32];
    char names[32][8];
    for (int i = 0; i < 32; i++) {
        snprintf(names[i], sizeof(names[i]), "%d", i);
        all[i] = names[i];
    }
    check_bind(topo, 32, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, all, false);
    check_unbound(topo, 33, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, true);
    /* Mapped by thread, bound to the whole core: two ranks a core. */
    const char *cores[] = {"0-1", "0-1", "2-3"};
    check_bind(topo, 3, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_CORE, cores, false);
    /* Mapped by core, bound to a thread: the first thread of each core, then the second. */
    const char *spread[18];
    char snames[18][8];
    for (int i = 0; i < 18; i++) {
        snprintf(snames[i], sizeof(snames[i]), "%d", 2 * (i % 16) + i / 16);
        spread[i] = snames[i];
    }
    check_bind(topo, 18, MPIRUN_MAP_SLOT, MPIRUN_BIND_HWTHREAD, spread, false);
    const char *by_socket[] = {"0", "16", "2"};
    check_bind(topo, 3, MPIRUN_MAP_SOCKET, MPIRUN_BIND_HWTHREAD, by_socket, false);
    mp_hwtopo_destroy(topo);

    /* Only allowed threads count: 1, 2, 3, 6, 16, 17 and 30. */
    topo = load_restricted();
    const char *allowed[] = {"1", "2", "3", "6", "16", "17", "30"};
    check_bind(topo, 7, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, allowed, false);
    check_unbound(topo, 8, MPIRUN_MAP_HWTHREAD, MPIRUN_BIND_DEFAULT, true);
    mp_hwtopo_destroy(topo);
}

static void test_bind_numa(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_NUMA);
    assert_int_equal(mp_hwtopo_ncores(topo), 16);
    const char *rr[] = {"0", "4", "8", "12", "1", "5", "9"};
    check_bind(topo, 7, MPIRUN_MAP_NUMA, MPIRUN_BIND_DEFAULT, rr, false);
    const char *nodes[] = {"0-3", "4-7", "8-11", "12-15", "0-3"};
    check_bind(topo, 5, MPIRUN_MAP_NUMA, MPIRUN_BIND_NUMA, nodes, false);
    const char *pkg_of_numa_rr[] = {"0-7", "0-7", "8-15", "8-15", "0-7"};
    check_bind(topo, 5, MPIRUN_MAP_NUMA, MPIRUN_BIND_SOCKET, pkg_of_numa_rr, false);
    const char *by_socket[] = {"0", "8", "1", "9", "2"};
    check_bind(topo, 5, MPIRUN_MAP_SOCKET, MPIRUN_BIND_CORE, by_socket, false);
    const char *numa_of_socket_rr[] = {"0-3",  "8-11", "0-3",  "8-11", "0-3",
                                       "8-11", "0-3",  "8-11", "4-7"};
    check_bind(topo, 9, MPIRUN_MAP_SOCKET, MPIRUN_BIND_NUMA, numa_of_socket_rr, false);
    const char *slot_numa[] = {"0-3", "0-3", "0-3", "0-3", "4-7"};
    check_bind(topo, 5, MPIRUN_MAP_SLOT, MPIRUN_BIND_NUMA, slot_numa, false);
    /* 20 ranks on 16 cores, numa order, wrapping: rank 16 is core 0 again. */
    const char *twenty[20];
    char names[20][8];
    for (int i = 0; i < 20; i++) {
        int k = i % 16;
        snprintf(names[i], sizeof(names[i]), "%d", (k % 4) * 4 + k / 4);
        twenty[i] = names[i];
    }
    assert_string_equal(twenty[3], "12");
    assert_string_equal(twenty[4], "1");
    assert_string_equal(twenty[15], "15");
    assert_string_equal(twenty[16], "0");
    check_bind(topo, 20, MPIRUN_MAP_NUMA, MPIRUN_BIND_CORE, twenty, true);
    mp_hwtopo_destroy(topo);
}

static void test_bind_restricted(void **state)
{
    (void)state;
    hwloc_topology_t topo = load_restricted();
    assert_int_equal(mp_hwtopo_ncores(topo), 5);
    /* Only allowed PUs, only cores that have one. */
    const char *slot[] = {"1", "2-3", "6", "16-17", "30"};
    check_bind(topo, 5, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, slot, false);
    check_unbound(topo, 6, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, true);
    const char *wrap[] = {"1", "2-3", "6", "16-17", "30", "1", "2-3"};
    check_bind(topo, 7, MPIRUN_MAP_CORE, MPIRUN_BIND_CORE, wrap, true);
    /* Package 0 has 3 allowed cores, package 1 two: package 1 drops out of the round first. */
    const char *sock[] = {"1", "16-17", "2-3", "30", "6"};
    check_bind(topo, 5, MPIRUN_MAP_SOCKET, MPIRUN_BIND_DEFAULT, sock, false);
    const char *sock_bind[] = {"1-3,6", "16-17,30", "1-3,6"};
    check_bind(topo, 3, MPIRUN_MAP_SOCKET, MPIRUN_BIND_SOCKET, sock_bind, false);
    const char *numa_bind[] = {"1-3,6,16-17,30", "1-3,6,16-17,30"};
    check_bind(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_NUMA, numa_bind, false);
    mp_hwtopo_destroy(topo);
}

static void test_bind_without_cores_or_packages(void **state)
{
    (void)state;
    /* No core objects: PUs stand for cores. */
    hwloc_topology_t topo = load("pack:2 pu:2");
    assert_int_equal(mp_hwtopo_ncores(topo), 4);
    const char *pus[] = {"0", "1", "2", "3"};
    check_bind(topo, 4, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, pus, false);
    const char *sock[] = {"0", "2", "1", "3"};
    check_bind(topo, 4, MPIRUN_MAP_SOCKET, MPIRUN_BIND_CORE, sock, false);
    const char *pkg[] = {"0-1", "2-3"};
    check_bind(topo, 2, MPIRUN_MAP_SOCKET, MPIRUN_BIND_SOCKET, pkg, false);
    check_unbound(topo, 5, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, true);
    mp_hwtopo_destroy(topo);

    /* No packages: the machine is one package. */
    topo = load("core:3 pu:2");
    assert_int_equal(mp_hwtopo_ncores(topo), 3);
    const char *cores[] = {"0-1", "2-3", "4-5"};
    check_bind(topo, 3, MPIRUN_MAP_SOCKET, MPIRUN_BIND_DEFAULT, cores, false);
    check_bind(topo, 3, MPIRUN_MAP_NUMA, MPIRUN_BIND_DEFAULT, cores, false);
    const char *whole[] = {"0-5", "0-5"};
    check_bind(topo, 2, MPIRUN_MAP_SOCKET, MPIRUN_BIND_SOCKET, whole, false);
    check_bind(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_NUMA, whole, false);
    mp_hwtopo_destroy(topo);
}

static void test_bind_errors(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_1X2);
    hwloc_bitmap_t sets[2] = {(hwloc_bitmap_t)1, (hwloc_bitmap_t)1};
    bool over = true;
    char err[256];
    assert_int_equal(mpirun_bind_compute(topo, -1, MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE, sets, &over,
                                         err, sizeof(err)),
                     -1);
    assert_string_equal(err, "internal error: mpirun_bind_compute called with a negative rank "
                             "count");
    assert_int_equal(mpirun_bind_compute(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE, NULL, &over,
                                         err, sizeof(err)),
                     -1);
    assert_string_equal(err, "internal error: mpirun_bind_compute called with no sets");
    assert_int_equal(mpirun_bind_compute(topo, 2, (mpirun_map_t)42, MPIRUN_BIND_CORE, sets, &over,
                                         err, sizeof(err)),
                     -1);
    assert_null(sets[0]);
    assert_null(sets[1]);
    assert_true(over); /* untouched on failure */
    /* The oversubscription flag is optional. */
    assert_int_equal(mpirun_bind_compute(topo, 2, MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE, sets, NULL,
                                         err, sizeof(err)),
                     0);
    mpirun_bind_sets_free(sets, 2);
    mp_hwtopo_destroy(topo);

    assert_int_equal(mp_hwtopo_load_synthetic("pack:x core", &topo), -1);
    assert_int_equal(mp_hwtopo_load_synthetic(NULL, &topo), -1);
}

/* ---- --report-bindings ---- */

/* Describes the set given as a cpu list (NULL: unbound) and compares with expected. */
static void check_describe(hwloc_topology_t topo, const char *cpus, const char *expected)
{
    char buf[512];
    hwloc_bitmap_t set = NULL;
    if (cpus != NULL) {
        set = hwloc_bitmap_alloc();
        assert_int_equal(hwloc_bitmap_list_sscanf(set, cpus), 0);
    }
    memset(buf, 'Z', sizeof(buf));
    mpirun_bind_describe(topo, set, buf, sizeof(buf));
    assert_string_equal(buf, expected);
    hwloc_bitmap_free(set);
}

static void test_describe(void **state)
{
    (void)state;
    hwloc_topology_t topo = load(TOPO_2X8X2);
    check_describe(topo, "6-7",
                   "bound to package 0 core 3 (cpus 6-7): "
                   "[../../../BB/../../../..][../../../../../../../..]");
    check_describe(topo, "18-19",
                   "bound to package 1 core 9 (cpus 18-19): "
                   "[../../../../../../../..][../BB/../../../../../..]");
    check_describe(topo, "16-31",
                   "bound to package 1 (cpus 16-31): "
                   "[../../../../../../../..][BB/BB/BB/BB/BB/BB/BB/BB]");
    check_describe(topo, "0,2",
                   "bound to cpus 0,2: "
                   "[B./B./../../../../../..][../../../../../../../..]");
    check_describe(topo, "7",
                   "bound to package 0 core 3 hwthread 7 (cpus 7): "
                   "[../../../.B/../../../..][../../../../../../../..]");
    check_describe(topo, NULL, "not bound");
    check_describe(topo, "", "bound to no cpu (empty set)");
    mp_hwtopo_destroy(topo);

    topo = load(TOPO_1X2);
    check_describe(topo, "1", "bound to package 0 core 1 (cpus 1): [./B]");
    check_describe(topo, "0-1", "bound to package 0, NUMA node 0 (cpus 0-1): [B/B]");
    char buf[128];
    mpirun_bind_describe_rank(topo, NULL, 8, MPIRUN_BIND_DEFAULT, buf, sizeof(buf));
    assert_string_equal(buf, "not bound (8 ranks on 2 cores: oversubscribed)");
    mpirun_bind_describe_rank(topo, NULL, 2, MPIRUN_BIND_NONE, buf, sizeof(buf));
    assert_string_equal(buf, "not bound (--bind-to none)");
    mpirun_bind_describe_rank(topo, NULL, 2, MPIRUN_BIND_DEFAULT, buf, sizeof(buf));
    assert_string_equal(buf, "not bound");
    hwloc_bitmap_t one = hwloc_bitmap_alloc();
    hwloc_bitmap_set(one, 0);
    mpirun_bind_describe_rank(topo, one, 8, MPIRUN_BIND_CORE, buf, sizeof(buf));
    assert_string_equal(buf, "bound to package 0 core 0 (cpus 0): [B/.]");
    /* A short buffer gets the start of the line, terminated. */
    char small[10];
    memset(small, 'Z', sizeof(small));
    mpirun_bind_describe(topo, one, small, sizeof(small));
    assert_string_equal(small, "bound to ");
    mpirun_bind_describe(topo, one, small, 1);
    assert_string_equal(small, "");
    hwloc_bitmap_free(one);
    mp_hwtopo_destroy(topo);

    topo = load(TOPO_NUMA);
    check_describe(topo, "8-11",
                   "bound to NUMA node 2 (cpus 8-11): [./././././././.][B/B/B/B/./././.]");
    check_describe(topo, "0-7",
                   "bound to package 0 (cpus 0-7): [B/B/B/B/B/B/B/B][./././././././.]");
    mp_hwtopo_destroy(topo);

    topo = load_restricted();
    check_describe(topo, "1",
                   "bound to package 0 core 0 (cpus 1): "
                   "[.B/../../../../../../..][../../../../../../../..]");
    check_describe(topo, "16-17,30",
                   "bound to package 1 (cpus 16-17,30): "
                   "[../../../../../../../..][BB/../../../../../../B.]");
    mp_hwtopo_destroy(topo);

    topo = load("core:3 pu:2");
    check_describe(topo, "2-3", "bound to core 1 (cpus 2-3): [../BB/..]");
    check_describe(topo, "0-5", "bound to NUMA node 0 (cpus 0-5): [BB/BB/BB]");
    mp_hwtopo_destroy(topo);

    topo = load("pack:2 pu:2");
    check_describe(topo, "2", "bound to package 1 cpu 2 (cpus 2): [./.][B/.]");
    mp_hwtopo_destroy(topo);
}

/* ---- This machine ---- */

static void test_this_machine(void **state)
{
    (void)state;
    hwloc_topology_t topo = NULL;
    assert_int_equal(mp_hwtopo_load(&topo), 0);
    int ncores = mp_hwtopo_ncores(topo);
    assert_true(ncores >= 1);
    assert_true(ncores <= hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
    assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PCI_DEVICE), 0);
    /* Restricting to our own binding keeps at least one core and never adds any. */
    assert_int_equal(mp_hwtopo_restrict_to_binding(topo), 0);
    int bound = mp_hwtopo_ncores(topo);
    assert_true(bound >= 1 && bound <= ncores);
    hwloc_bitmap_t *sets = calloc((size_t)bound, sizeof(*sets));
    bool over = true;
    char err[256];
    assert_non_null(sets);
    assert_int_equal(mpirun_bind_compute(topo, bound, MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT, sets,
                                         &over, err, sizeof(err)),
                     0);
    assert_false(over);
    for (int i = 0; i < bound; i++) {
        assert_non_null(sets[i]);
        assert_true(hwloc_bitmap_isincluded(sets[i], hwloc_topology_get_allowed_cpuset(topo)));
        for (int j = 0; j < i; j++) {
            assert_false(hwloc_bitmap_intersects(sets[i], sets[j]));
        }
    }
    mpirun_bind_sets_free(sets, bound);
    free(sets);
    mp_hwtopo_destroy(topo);
    mp_hwtopo_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_by_slot),
        cmocka_unit_test(test_map_by_slot_oversubscribed),
        cmocka_unit_test(test_map_by_node),
        cmocka_unit_test(test_map_errors),
        cmocka_unit_test(test_local_ranks),
        cmocka_unit_test(test_bind_consecutive_cores),
        cmocka_unit_test(test_bind_by_socket),
        cmocka_unit_test(test_bind_oversubscribed),
        cmocka_unit_test(test_bind_more),
        cmocka_unit_test(test_bind_hwthreads),
        cmocka_unit_test(test_bind_numa),
        cmocka_unit_test(test_bind_restricted),
        cmocka_unit_test(test_bind_without_cores_or_packages),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_this_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
