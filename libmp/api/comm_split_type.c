/*
 * MPI_Comm_split_type: by node (MPI_COMM_TYPE_SHARED), by a hardware level named in the info key
 * mpi_hw_resource_type (MPI_COMM_TYPE_HW_GUIDED, _RESOURCE_GUIDED), or by the coarsest level
 * that divides the communicator (MPI_COMM_TYPE_HW_UNGUIDED). Levels below the node come from
 * hwloc and each process's binding at the moment of the call.
 */
#include <config.h>

#include <stdlib.h>
#include <strings.h>

#include "api/api.h"
#include "comm/comm_create.h"
#include "core/info.h"
#include "core/runtime.h"
#include "hwtopo/hwtopo.h"

/* Levels as colors are indexed: the node, then the hwtopo levels. */
#define NODE 0
#define NLEVELS (1 + MP_HWTOPO_NLEVELS)

/* The names mpi_hw_resource_type takes (Open MPI's, and hwloc's, also after "hwloc://"). */
static const struct {
    const char *name;
    int level;
} level_names[] = {
    {"mpi_shared_memory", NODE},
    {"host", NODE},
    {"node", NODE},
    {"machine", NODE},
    {"package", 1 + MP_HWTOPO_PACKAGE},
    {"socket", 1 + MP_HWTOPO_PACKAGE},
    {"numanode", 1 + MP_HWTOPO_NUMA},
    {"numa", 1 + MP_HWTOPO_NUMA},
    {"l3cache", 1 + MP_HWTOPO_L3},
    {"l2cache", 1 + MP_HWTOPO_L2},
    {"l1cache", 1 + MP_HWTOPO_L1},
    {"core", 1 + MP_HWTOPO_CORE},
    {"hwthread", 1 + MP_HWTOPO_PU},
    {"pu", 1 + MP_HWTOPO_PU},
};

/* What the unguided split reports in mpi_hw_resource_type, by level. */
static const char *const reported_name[NLEVELS] = {
    "mpi_shared_memory", "package", "numanode", "l3cache", "l2cache", "l1cache", "core", "hwthread",
};

/* This machine's topology, loaded by the first split that needs a level below the node. */
static hwloc_topology_t topo;
static bool topo_failed;

void mp_api_split_type_fini(void)
{
    mp_hwtopo_destroy(topo);
    topo = NULL;
    topo_failed = false;
}

/* The level a resource name means, or -1. */
static int level_of(const char *name)
{
    if (name == NULL) {
        return -1;
    }
    if (strncasecmp(name, "hwloc://", 8) == 0) {
        name += 8;
    }
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcasecmp(name, level_names[i].name) == 0) {
            return level_names[i].level;
        }
    }
    return -1;
}

/* This process's color at every level: the node's id, then per level the object its binding
 * lies within (numbered per node, so the node is part of the color), or -1 where the binding
 * spans several objects of the level or the topology cannot be read. */
static void my_colors(int colors[NLEVELS], bool below_node)
{
    int node = (int)mp_runtime.wireup.node_id;
    colors[NODE] = node;
    int index[MP_HWTOPO_NLEVELS];
    for (int l = 0; l < MP_HWTOPO_NLEVELS; l++) {
        index[l] = -1;
    }
    if (below_node && topo == NULL && !topo_failed) {
        topo_failed = mp_hwtopo_load(&topo) != 0;
    }
    hwloc_bitmap_t set = below_node && topo != NULL ? hwloc_bitmap_alloc() : NULL;
    if (set != NULL && hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) == 0) {
        mp_hwtopo_levels_of(topo, set, index);
    }
    hwloc_bitmap_free(set);
    for (int l = 0; l < MP_HWTOPO_NLEVELS; l++) {
        bool fits = index[l] >= 0 && index[l] < 0x10000 && node < 0x8000;
        colors[1 + l] = fits ? node << 16 | index[l] : -1;
    }
}

/* Each process's row in the exchange: whether it asked for the unguided split, then its colors. */
#define ROW (1 + NLEVELS)

/* The unguided split's level: the coarsest at which every process that asked for it lies within
 * one object and no object holds all of them; -1 if there is none. Decided from every process's
 * row, so all decide alike. */
static int unguided_level(const int *rows, int n)
{
    int chosen = -1, asked = 0;
    for (int i = 0; i < n; i++) {
        asked += rows[i * ROW];
    }
    for (int l = 0; l < NLEVELS && chosen < 0 && asked > 0; l++) {
        bool divides = true;
        for (int i = 0; i < n && divides; i++) {
            int color = rows[i * ROW + 1 + l], same = 0;
            for (int j = 0; j < n && rows[i * ROW] && color >= 0; j++) {
                same += rows[j * ROW] && rows[j * ROW + 1 + l] == color;
            }
            divides = !rows[i * ROW] || (color >= 0 && same < asked);
        }
        chosen = divides ? l : -1;
    }
    return chosen;
}

#pragma weak MPI_Comm_split_type = PMPI_Comm_split_type
int PMPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_split_type";
    mp_comm_t *c = NULL, *n = NULL;
    struct mp_info *hints = NULL;
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, &c);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_comm_check_intra(call, c);
    }
    if (rc == MPI_SUCCESS && info != MPI_INFO_NULL) {
        rc = mp_api_info_check(c, call, info, &hints);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Every process exchanges its row, whatever it asked: one that passes MPI_UNDEFINED takes
     * part in the exchange of those that split unguided. */
    int row[ROW];
    row[0] = split_type == MPI_COMM_TYPE_HW_UNGUIDED;
    int *colors = row + 1, color = -1, level = -1;
    const char *resource = hints != NULL ? mp_info_get(hints, "mpi_hw_resource_type") : NULL;
    switch (split_type) {
    case MPI_COMM_TYPE_SHARED:
        /* Every rank of a node can share memory with the others. */
        my_colors(colors, false);
        level = NODE;
        break;
    case MPI_COMM_TYPE_HW_GUIDED:
    case MPI_COMM_TYPE_RESOURCE_GUIDED:
        /* An unknown level, or a process not within one object of it: MPI_COMM_NULL. */
        level = level_of(resource);
        my_colors(colors, level > NODE);
        break;
    case MPI_COMM_TYPE_HW_UNGUIDED:
        my_colors(colors, true);
        break;
    case MPI_UNDEFINED:
        my_colors(colors, false);
        break;
    default:
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "split_type %d is not MPI_COMM_TYPE_SHARED, MPI_COMM_TYPE_HW_GUIDED, "
                            "MPI_COMM_TYPE_HW_UNGUIDED, MPI_COMM_TYPE_RESOURCE_GUIDED or "
                            "MPI_UNDEFINED",
                            split_type);
    }
    int *rows = malloc(sizeof(int) * ROW * (size_t)c->size);
    if (rows == NULL) {
        return mp_api_error(c, call, MPI_ERR_NO_MEM, "no memory for %d ranks' levels", c->size);
    }
    rc = PMPI_Allgather(row, ROW, MPI_INT, rows, ROW, MPI_INT, comm);
    if (rc == MPI_SUCCESS && split_type == MPI_COMM_TYPE_HW_UNGUIDED) {
        level = unguided_level(rows, c->size);
    }
    free(rows);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    color = level >= 0 && split_type != MPI_UNDEFINED ? colors[level] : -1;
    mp_status_t st = mp_comm_split(c, color, key, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    /* The unguided split says which level it took, in the caller's info (not MPI_INFO_ENV,
     * which describes how the job started). */
    if (split_type == MPI_COMM_TYPE_HW_UNGUIDED && n != NULL && hints != NULL &&
        info != MPI_INFO_ENV &&
        mp_info_set(hints, "mpi_hw_resource_type", reported_name[level]) != MP_OK) {
        mp_api_comm_publish(n, newcomm);
        return mp_api_error(c, call, MPI_ERR_NO_MEM, "no memory to name the resource type");
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}
