/*
 * MPI_Comm_split_type by hardware level. For each level MPI_COMM_TYPE_HW_GUIDED names, the
 * expected groups come from hwloc here: ranks of a node whose bindings lie within the same object
 * of the level go together, ranks within none get MPI_COMM_NULL. MPI_COMM_TYPE_HW_UNGUIDED must
 * give a strict subset named in the info (the same groups as the guided split of that level) or
 * MPI_COMM_NULL, also when some ranks pass MPI_UNDEFINED; repeated, it ends in MPI_COMM_NULL.
 */
#include "commtest.h"

#include <hwloc.h>
#include <stdlib.h>
#include <string.h>

static int wrank, wsize;
static int node_leader; /* the lowest world rank of this rank's node: objects are per node */
static int nnodes;
static hwloc_topology_t topo;

/* The level's object that holds this rank's whole binding, by enumeration; -1 if none. */
static int my_object(const char *level)
{
    static const struct {
        const char *name;
        hwloc_obj_type_t type;
    } types[] = {{"package", HWLOC_OBJ_PACKAGE}, {"numanode", HWLOC_OBJ_NUMANODE},
                 {"l3cache", HWLOC_OBJ_L3CACHE}, {"l2cache", HWLOC_OBJ_L2CACHE},
                 {"l1cache", HWLOC_OBJ_L1CACHE}, {"core", HWLOC_OBJ_CORE},
                 {"hwthread", HWLOC_OBJ_PU}};
    hwloc_obj_type_t type = HWLOC_OBJ_MACHINE; /* mpi_shared_memory: the node */
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(level, types[i].name) == 0) {
            type = types[i].type;
        }
    }
    hwloc_bitmap_t mine = hwloc_bitmap_alloc();
    MPT_CHECK(hwloc_get_cpubind(topo, mine, HWLOC_CPUBIND_PROCESS) == 0, "hwloc_get_cpubind");
    int found = -1, n = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (!hwloc_bitmap_iszero(mine) && hwloc_bitmap_isincluded(mine, obj->cpuset)) {
            found = found < 0 ? i : -2; /* in two objects: overlapping ones, hold none */
        }
    }
    hwloc_bitmap_free(mine);
    return found < 0 ? -1 : found;
}

/* comm (or MPI_COMM_NULL) holds exactly the world ranks of this rank's node whose object equals
 * this rank's. */
static void check_groups(MPI_Comm comm, int object, const char *what)
{
    int *objs = malloc(sizeof(int) * (size_t)wsize), *in = malloc(sizeof(int) * (size_t)wsize);
    /* One number for (node, object); -1 for none. */
    int mine = object < 0 ? -1 : node_leader * 1000 + object;
    P2P_MPI(MPI_Allgather(&mine, 1, MPI_INT, objs, 1, MPI_INT, MPI_COMM_WORLD));
    int member = comm != MPI_COMM_NULL ? 1 : 0;
    MPT_CHECK(member == (mine >= 0), "%s: object %d, %s", what, mine,
              member ? "got a communicator" : "got MPI_COMM_NULL");
    if (member) {
        int size, expected = 0;
        P2P_MPI(MPI_Comm_size(comm, &size));
        for (int i = 0; i < wsize; i++) {
            in[i] = 0;
            expected += objs[i] == mine;
        }
        for (int r = 0; r < size; r++) {
            int w = ct_world_rank(comm, r, 0);
            MPT_CHECK(w >= 0 && w < wsize && objs[w] == mine && !in[w],
                      "%s: world rank %d should not be with %d (objects %d, %d)", what, w, wrank,
                      w >= 0 && w < wsize ? objs[w] : -9, mine);
            if (w >= 0 && w < wsize) {
                in[w] = 1;
            }
        }
        MPT_CHECK(size == expected, "%s: %d ranks, expected %d", what, size, expected);
        ct_ring(comm, 5, 21, what);
    }
    free(objs);
    free(in);
}

static MPI_Comm guided(const char *value)
{
    MPI_Info info;
    MPI_Comm comm;
    P2P_MPI(MPI_Info_create(&info));
    P2P_MPI(MPI_Info_set(info, "mpi_hw_resource_type", value));
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, wrank, info, &comm));
    P2P_MPI(MPI_Info_free(&info));
    return comm;
}

static void test_guided(void)
{
    static const char *const levels[] = {"package", "numanode", "l3cache", "l2cache",
                                         "l1cache", "core",     "hwthread"};
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        MPI_Comm comm = guided(levels[i]);
        check_groups(comm, my_object(levels[i]), levels[i]);
        if (comm != MPI_COMM_NULL) {
            P2P_MPI(MPI_Comm_free(&comm));
        }
    }
    /* hwloc's spelling and Open MPI's synonyms name the same levels. */
    MPI_Comm comm = guided("hwloc://Core");
    check_groups(comm, my_object("core"), "hwloc://Core");
    if (comm != MPI_COMM_NULL) {
        P2P_MPI(MPI_Comm_free(&comm));
    }
    comm = guided("socket");
    check_groups(comm, my_object("package"), "socket");
    if (comm != MPI_COMM_NULL) {
        P2P_MPI(MPI_Comm_free(&comm));
    }
    comm = guided("board");
    MPT_CHECK(comm == MPI_COMM_NULL, "a level libmp does not know gave a communicator");
}

/* One unguided split of parent by the ranks with take set (the others pass MPI_UNDEFINED): a
 * strict subset or MPI_COMM_NULL, and the level it took in the info, the same on every rank that
 * got a communicator. level gets it ("" for MPI_COMM_NULL). */
static MPI_Comm unguided(MPI_Comm parent, int take, const char *what, char level[32])
{
    MPI_Info info;
    MPI_Comm comm;
    P2P_MPI(MPI_Info_create(&info));
    P2P_MPI(MPI_Comm_split_type(parent, take ? MPI_COMM_TYPE_HW_UNGUIDED : MPI_UNDEFINED, 0, info,
                                &comm));
    char value[MPI_MAX_INFO_VAL + 1] = "";
    int flag = 0, psize, size;
    P2P_MPI(MPI_Info_get(info, "mpi_hw_resource_type", MPI_MAX_INFO_VAL, value, &flag));
    P2P_MPI(MPI_Info_free(&info));
    P2P_MPI(MPI_Comm_size(parent, &psize));
    memset(level, 0, 32);
    MPT_CHECK(take || comm == MPI_COMM_NULL, "%s: MPI_UNDEFINED gave a communicator", what);
    if (comm != MPI_COMM_NULL) {
        P2P_MPI(MPI_Comm_size(comm, &size));
        MPT_CHECK(size < psize, "%s: %d ranks of %d is no strict subset", what, size, psize);
        MPT_CHECK(flag && strlen(value) < 32, "%s: the level is \"%s\" (flag %d)", what, value,
                  flag);
        snprintf(level, 32, "%s", value);
    }
    char *all = malloc(32 * (size_t)psize);
    P2P_MPI(MPI_Allgather(level, 32, MPI_CHAR, all, 32, MPI_CHAR, parent));
    for (int i = 0; i < psize; i++) {
        const char *other = all + 32 * i;
        MPT_CHECK(!level[0] || !other[0] || strcmp(level, other) == 0,
                  "%s: level %s here, %s on rank %d", what, level, other, i);
    }
    free(all);
    return comm;
}

static void test_unguided(void)
{
    /* The whole world, then the ranks below 3 with the others passing MPI_UNDEFINED. */
    for (int round = 0; round < 2; round++) {
        int take = round == 0 || wrank < 3;
        char level[32];
        MPI_Comm comm = unguided(MPI_COMM_WORLD, take, round == 0 ? "unguided" : "partly", level);
        int has = comm != MPI_COMM_NULL, all;
        P2P_MPI(MPI_Allreduce(&has, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD));
        if (round == 0 && all) {
            /* Every rank lies within one object of the level: the guided split's groups; on
             * several nodes the nodes come first. */
            MPT_CHECK((nnodes > 1) == (strcmp(level, "mpi_shared_memory") == 0),
                      "unguided: %s first, on %d nodes", level, nnodes);
            check_groups(comm, my_object(level), level);
        }
        /* Down the levels until nothing divides (at most once per level). */
        for (int depth = 0; comm != MPI_COMM_NULL && depth < 10; depth++) {
            MPI_Comm next = unguided(comm, 1, "nested", level);
            P2P_MPI(MPI_Comm_free(&comm));
            comm = next;
        }
        MPT_CHECK(comm == MPI_COMM_NULL, "unguided splits went on for ever");
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    MPT_CHECK(hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0,
              "hwloc cannot load the topology");
    MPI_Comm node;
    P2P_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    node_leader = ct_world_rank(node, 0, 0);
    int leads = node_leader == wrank;
    P2P_MPI(MPI_Allreduce(&leads, &nnodes, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    P2P_MPI(MPI_Comm_free(&node));
    test_guided();
    test_unguided();
    hwloc_topology_destroy(topo);
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
