/*
 * Loading hwloc topologies for mpirun and libmp: this machine without I/O objects, or a synthetic
 * description for tests, and the count of cores a process may use.
 */
#include "hwtopo/hwtopo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/* Flags shared by both loaders: keep disallowed CPUs so the allowed cpuset can be narrowed. */
static int init_topology(hwloc_topology_t *topo_p)
{
    hwloc_topology_t topo;
    /* hwloc's plugins only find I/O devices, which we filter out anyway; not loading them
     * (libxml2, OpenCL, GL...) saves about 4 ms of mpirun's start-up. The setting is undone at
     * once so that the ranks do not inherit it; a user's own HWLOC_PLUGINS_PATH is kept. */
    bool skip_plugins = getenv("HWLOC_PLUGINS_PATH") == NULL;
    if (skip_plugins) {
        setenv("HWLOC_PLUGINS_PATH", "/dev/null", 1);
    }
    int rc = hwloc_topology_init(&topo);
    if (skip_plugins) {
        unsetenv("HWLOC_PLUGINS_PATH");
    }
    if (rc != 0) {
        return -1;
    }
    if (hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED) != 0 ||
        hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE) != 0) {
        int saved = errno;
        hwloc_topology_destroy(topo);
        errno = saved;
        return -1;
    }
    *topo_p = topo;
    return 0;
}

static int load_topology(hwloc_topology_t topo, hwloc_topology_t *topo_p)
{
    if (hwloc_topology_load(topo) != 0) {
        int saved = errno;
        hwloc_topology_destroy(topo);
        errno = saved;
        return -1;
    }
    *topo_p = topo;
    return 0;
}

int mp_hwtopo_load(hwloc_topology_t *topo_p)
{
    hwloc_topology_t topo;
    if (init_topology(&topo) != 0) {
        return -1;
    }
    return load_topology(topo, topo_p);
}

int mp_hwtopo_load_synthetic(const char *desc, hwloc_topology_t *topo_p)
{
    hwloc_topology_t topo;
    if (desc == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (init_topology(&topo) != 0) {
        return -1;
    }
    if (hwloc_topology_set_synthetic(topo, desc) != 0) {
        int saved = errno;
        hwloc_topology_destroy(topo);
        errno = saved;
        return -1;
    }
    return load_topology(topo, topo_p);
}

int mp_hwtopo_restrict_to_binding(hwloc_topology_t topo)
{
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    int rc = -1;
    if (bound == NULL) {
        return -1;
    }
    if (hwloc_get_cpubind(topo, bound, HWLOC_CPUBIND_PROCESS) != 0) {
        goto free_bound;
    }
    hwloc_bitmap_and(bound, bound, hwloc_topology_get_allowed_cpuset(topo));
    if (hwloc_bitmap_iszero(bound)) {
        errno = EINVAL;
        goto free_bound;
    }
    rc = hwloc_topology_allow(topo, bound, NULL, HWLOC_ALLOW_FLAG_CUSTOM);
free_bound:
    hwloc_bitmap_free(bound);
    return rc;
}

int mp_hwtopo_ncores(hwloc_topology_t topo)
{
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topo);
    hwloc_obj_type_t type = HWLOC_OBJ_CORE;
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    int count = 0;
    if (n <= 0) {
        type = HWLOC_OBJ_PU;
        n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    }
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (obj != NULL && obj->cpuset != NULL && hwloc_bitmap_intersects(obj->cpuset, allowed)) {
            count++;
        }
    }
    return count;
}

/* NUMA nodes hang beside the CPU tree in hwloc 2, not above it: search them by cpuset. */
static int numa_holding(hwloc_topology_t topo, hwloc_const_cpuset_t set)
{
    int found = -1;
    hwloc_obj_t numa = NULL;
    while ((numa = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, numa)) != NULL) {
        if (numa->cpuset != NULL && hwloc_bitmap_isincluded(set, numa->cpuset)) {
            if (found >= 0) {
                return -1; /* NUMA nodes that overlap: no single one */
            }
            found = (int)numa->logical_index;
        }
    }
    return found;
}

void mp_hwtopo_levels_of(hwloc_topology_t topo, hwloc_const_cpuset_t set,
                         int index[MP_HWTOPO_NLEVELS])
{
    static const hwloc_obj_type_t types[MP_HWTOPO_NLEVELS] = {
        [MP_HWTOPO_PACKAGE] = HWLOC_OBJ_PACKAGE, [MP_HWTOPO_NUMA] = HWLOC_OBJ_NUMANODE,
        [MP_HWTOPO_L3] = HWLOC_OBJ_L3CACHE,      [MP_HWTOPO_L2] = HWLOC_OBJ_L2CACHE,
        [MP_HWTOPO_L1] = HWLOC_OBJ_L1CACHE,      [MP_HWTOPO_CORE] = HWLOC_OBJ_CORE,
        [MP_HWTOPO_PU] = HWLOC_OBJ_PU,
    };
    bool empty = hwloc_bitmap_iszero(set);
    /* The smallest object holding the whole set; its ancestors hold it too. */
    hwloc_obj_t inner = empty ? NULL : hwloc_get_obj_covering_cpuset(topo, set);
    for (int l = 0; l < MP_HWTOPO_NLEVELS; l++) {
        index[l] = -1;
        if (inner == NULL) {
            continue;
        }
        if (l == MP_HWTOPO_NUMA) {
            index[l] = numa_holding(topo, set);
            continue;
        }
        hwloc_obj_t obj =
            inner->type == types[l] ? inner : hwloc_get_ancestor_obj_by_type(topo, types[l], inner);
        index[l] = obj != NULL ? (int)obj->logical_index : -1;
    }
}

void mp_hwtopo_destroy(hwloc_topology_t topo)
{
    if (topo != NULL) {
        hwloc_topology_destroy(topo);
    }
}
