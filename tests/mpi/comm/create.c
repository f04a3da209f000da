/*
 * MPI_Comm_create (all ranks call; non-members get MPI_COMM_NULL), MPI_Comm_create_group
 * (only the members call, two groups at once with different tags), MPI_Comm_split_type
 * (MPI_COMM_TYPE_SHARED: one node here; the hardware-guided types by mpi_shared_memory, the
 * resource type MPI_Get_hw_resource_info names), each new communicator checked for size, order
 * and point-to-point traffic; and MPI_Comm_create_from_group.
 */
#define _GNU_SOURCE
#include "commtest.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int wrank, wsize;

static void check_shape(MPI_Comm c, int n, const int *world_of, const char *what)
{
    int size = -1, rank = -1, me = -1;
    P2P_MPI(MPI_Comm_size(c, &size));
    P2P_MPI(MPI_Comm_rank(c, &rank));
    for (int i = 0; i < n; i++) {
        if (world_of[i] == wrank) {
            me = i;
        }
        int w = ct_world_rank(c, i, 0);
        MPT_CHECK(w == world_of[i], "%s: rank %d is world rank %d, expected %d", what, i, w,
                  world_of[i]);
    }
    MPT_CHECK(size == n && rank == me, "%s: rank %d size %d, expected %d %d", what, rank, size, me,
              n);
}

static void test_create(MPI_Group world)
{
    /* The world ranks from the last down to 0 in steps of 3. */
    int n = 0, *ranks = malloc(sizeof(int) * (size_t)wsize);
    for (int r = wsize - 1; r >= 0; r -= 3) {
        ranks[n++] = r;
    }
    MPI_Group g;
    MPI_Comm c;
    P2P_MPI(MPI_Group_incl(world, n, ranks, &g));
    P2P_MPI(MPI_Comm_create(MPI_COMM_WORLD, g, &c));
    int member = (wsize - 1 - wrank) % 3 == 0;
    if (!member) {
        MPT_CHECK(c == MPI_COMM_NULL, "MPI_Comm_create gave a non-member a communicator");
    } else {
        check_shape(c, n, ranks, "MPI_Comm_create");
        ct_ring(c, 1, 5, "MPI_Comm_create");
        P2P_MPI(MPI_Comm_free(&c));
    }
    P2P_MPI(MPI_Group_free(&g));
    free(ranks);
}

/* Evens and odds each build their communicator at the same time with create_group, in
 * reverse world order; then all ranks build one over everybody. */
static void test_create_group(MPI_Group world)
{
    int color = wrank % 2, n = 0;
    int *ranks = malloc(sizeof(int) * (size_t)wsize);
    for (int r = wsize - 1; r >= 0; r--) {
        if (r % 2 == color) {
            ranks[n++] = r;
        }
    }
    MPI_Group g;
    MPI_Comm c, all;
    P2P_MPI(MPI_Group_incl(world, n, ranks, &g));
    P2P_MPI(MPI_Comm_create_group(MPI_COMM_WORLD, g, 10 + color, &c));
    check_shape(c, n, ranks, "MPI_Comm_create_group");
    ct_ring(c, 2, 6, "MPI_Comm_create_group");
    P2P_MPI(MPI_Comm_create_group(c, g, 0, &all));
    check_shape(all, n, ranks, "create_group on the new one");
    P2P_MPI(MPI_Comm_free(&all));
    P2P_MPI(MPI_Comm_free(&c));
    P2P_MPI(MPI_Group_free(&g));
    free(ranks);
}

/* MPI_Comm_create_from_group: evens and odds at once (different string tags), with the error
 * handler given; then both together with one tag. */
static void test_from_group(MPI_Group world)
{
    int color = wrank % 2, n = 0;
    int *ranks = malloc(sizeof(int) * (size_t)wsize);
    for (int r = color; r < wsize; r += 2) {
        ranks[n++] = r;
    }
    MPI_Group g;
    MPI_Comm c, w;
    MPI_Errhandler eh;
    P2P_MPI(MPI_Group_incl(world, n, ranks, &g));
    P2P_MPI(MPI_Comm_create_from_group(g, color ? "test.odds" : "test.evens", MPI_INFO_NULL,
                                       MPI_ERRORS_RETURN, &c));
    check_shape(c, n, ranks, "MPI_Comm_create_from_group");
    P2P_MPI(MPI_Comm_get_errhandler(c, &eh));
    MPT_CHECK(eh == MPI_ERRORS_RETURN, "create_from_group: the error handler was not set");
    ct_ring(c, 4, 8, "MPI_Comm_create_from_group");
    P2P_MPI(MPI_Comm_create_from_group(world, "test.all", MPI_INFO_NULL, MPI_ERRORS_ARE_FATAL, &w));
    int cmp = -1;
    P2P_MPI(MPI_Comm_compare(w, MPI_COMM_WORLD, &cmp));
    MPT_CHECK(cmp == MPI_CONGRUENT, "create_from_group of the world group: compare gives %d", cmp);
    ct_ring(w, 4, 9, "MPI_Comm_create_from_group (all)");
    P2P_MPI(MPI_Comm_free(&w));
    P2P_MPI(MPI_Comm_free(&c));
    P2P_MPI(MPI_Group_free(&g));
    free(ranks);
}

static void test_split_type(void)
{
    MPI_Comm node, hw;
    /* Keys reverse the order inside the node. */
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, wsize - wrank, MPI_INFO_NULL,
                                &node));
    int *rev = malloc(sizeof(int) * (size_t)wsize);
    for (int i = 0; i < wsize; i++) {
        rev[i] = wsize - 1 - i;
    }
    check_shape(node, wsize, rev, "MPI_COMM_TYPE_SHARED (one node)");
    ct_ring(node, 3, 7, "MPI_COMM_TYPE_SHARED");
    P2P_MPI(MPI_Comm_free(&node));
    free(rev);
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_UNDEFINED, 0, MPI_INFO_NULL, &hw));
    MPT_CHECK(hw == MPI_COMM_NULL, "split_type MPI_UNDEFINED gave a communicator");

    /* The guided splits: "mpi_shared_memory" is the standard's name for the node's memory;
     * a resource libmp does not offer, or none, gives MPI_COMM_NULL. */
    MPI_Info info;
    P2P_MPI(MPI_Info_create(&info));
    P2P_MPI(MPI_Info_set(info, "mpi_hw_resource_type", "mpi_shared_memory"));
    int guided[2] = {MPI_COMM_TYPE_HW_GUIDED, MPI_COMM_TYPE_RESOURCE_GUIDED};
    int *ids = malloc(sizeof(int) * (size_t)wsize);
    for (int i = 0; i < wsize; i++) {
        ids[i] = i;
    }
    for (int g = 0; g < 2; g++) {
        P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, guided[g], wrank, info, &hw));
        check_shape(hw, wsize, ids, "guided split on mpi_shared_memory");
        P2P_MPI(MPI_Comm_free(&hw));
    }
    free(ids);
    P2P_MPI(MPI_Info_set(info, "mpi_hw_resource_type", "hwloc://NoSuchLevel"));
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, info, &hw));
    MPT_CHECK(hw == MPI_COMM_NULL, "a guided split on an unknown resource gave a communicator");
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, MPI_INFO_NULL, &hw));
    MPT_CHECK(hw == MPI_COMM_NULL, "a guided split without a resource gave a communicator");
    P2P_MPI(MPI_Info_free(&info));
}

/* A CPU list such as "0-3,8" as a set; false if it is malformed. */
static bool parse_cpus(const char *list, cpu_set_t *set)
{
    CPU_ZERO(set);
    while (*list != '\0') {
        char *end;
        long first = strtol(list, &end, 10), last = first;
        if (end == list) {
            return false;
        }
        if (*end == '-') {
            list = end + 1;
            last = strtol(list, &end, 10);
            if (end == list || last < first) {
                return false;
            }
        }
        for (long cpu = first; cpu <= last && cpu < CPU_SETSIZE; cpu++) {
            CPU_SET((int)cpu, set);
        }
        if (*end != ',' && *end != '\0') {
            return false;
        }
        list = *end == ',' ? end + 1 : end;
    }
    return true;
}

/* MPI_Get_hw_resource_info: this process's node and CPUs, and a resource type that a guided
 * split takes as it is (the info itself is the split's info). */
static void test_hw_info(void)
{
    MPI_Info hw = MPI_INFO_NULL;
    P2P_MPI(MPI_Get_hw_resource_info(&hw));
    char type[MPI_MAX_INFO_VAL + 1] = "", host[MPI_MAX_INFO_VAL + 1] = "";
    char online[MPI_MAX_INFO_VAL + 1] = "", cpus[MPI_MAX_INFO_VAL + 1] = "";
    int flags[4] = {0};
    P2P_MPI(MPI_Info_get(hw, "mpi_hw_resource_type", MPI_MAX_INFO_VAL, type, &flags[0]));
    P2P_MPI(MPI_Info_get(hw, "host", MPI_MAX_INFO_VAL, host, &flags[1]));
    P2P_MPI(MPI_Info_get(hw, "cpus_online", MPI_MAX_INFO_VAL, online, &flags[2]));
    P2P_MPI(MPI_Info_get(hw, "cpus_allowed", MPI_MAX_INFO_VAL, cpus, &flags[3]));
    char name[MPI_MAX_PROCESSOR_NAME];
    int len;
    P2P_MPI(MPI_Get_processor_name(name, &len));
    MPT_CHECK(flags[0] && strcmp(type, "mpi_shared_memory") == 0, "mpi_hw_resource_type = %s",
              type);
    MPT_CHECK(flags[1] && strcmp(host, name) == 0, "host = %s, processor name %s", host, name);
    MPT_CHECK(flags[2] && atol(online) == sysconf(_SC_NPROCESSORS_ONLN), "cpus_online = %s",
              online);
    cpu_set_t given, mine;
    MPT_CHECK(sched_getaffinity(0, sizeof(mine), &mine) == 0, "sched_getaffinity failed");
    MPT_CHECK(flags[3] && parse_cpus(cpus, &given) && CPU_EQUAL(&given, &mine),
              "cpus_allowed = \"%s\" is not this process's CPUs", cpus);

    int *ids = malloc(sizeof(int) * (size_t)wsize);
    for (int i = 0; i < wsize; i++) {
        ids[i] = i;
    }
    MPI_Comm node;
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, hw, &node));
    check_shape(node, wsize, ids, "guided split on MPI_Get_hw_resource_info's info");
    P2P_MPI(MPI_Comm_free(&node));
    free(ids);
    P2P_MPI(MPI_Info_free(&hw));

    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    int rc = MPI_Get_hw_resource_info(NULL), cls = -1;
    if (rc != MPI_SUCCESS) {
        MPI_Error_class(rc, &cls);
    }
    MPT_CHECK(cls == MPI_ERR_ARG, "MPI_Get_hw_resource_info(NULL) gave %d", rc);
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_ARE_FATAL));
}

int main(int argc, char **argv)
{
    MPI_Group world;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    P2P_MPI(MPI_Comm_group(MPI_COMM_WORLD, &world));
    test_create(world);
    test_create_group(world);
    test_from_group(world);
    test_split_type();
    test_hw_info();
    P2P_MPI(MPI_Group_free(&world));
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
