/*
 * The small hwloc wrapper shared by mpirun and libmp: load this machine's topology cheaply, or a
 * synthetic one for tests, count the cores this process may use, and name the objects a binding
 * lies within.
 */
#ifndef MP_HWTOPO_HWTOPO_H
#define MP_HWTOPO_HWTOPO_H

#include <hwloc.h>

/*
 * Loads the topology of this machine into a new topology (*topo_p, set only on success): no I/O
 * objects (PCI, disks, NICs), which are slow to discover and useless for binding. The topology
 * includes CPUs that cgroups forbid us (HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED), so the allowed
 * cpuset can be narrowed later; code that places ranks must use
 * hwloc_topology_get_allowed_cpuset(). Returns 0, or -1 with errno set. Free with
 * mp_hwtopo_destroy(). Not thread-safe with respect to the same topology.
 */
int mp_hwtopo_load(hwloc_topology_t *topo_p);

/*
 * Loads a synthetic topology described by desc in hwloc's synthetic syntax, e.g.
 * "pack:2 core:8 pu:2" (2 packages of 8 cores with 2 hardware threads each). Used by tests to
 * study machines we do not have. The same flags as mp_hwtopo_load(), so hwloc_topology_allow()
 * with HWLOC_ALLOW_FLAG_CUSTOM can restrict the allowed cpuset afterwards. Returns 0 with
 * *topo_p set, or -1 (for instance when desc is not valid synthetic syntax).
 */
int mp_hwtopo_load_synthetic(const char *desc, hwloc_topology_t *topo_p);

/*
 * Narrows the topology's allowed cpuset to the CPUs this process may run on (what taskset or a
 * parent's sched_setaffinity left us), on top of what cgroups allow. mpirun calls it once after
 * mp_hwtopo_load() so that "taskset -c 2,3 mpirun ..." places ranks on CPUs 2 and 3 only; a
 * rank must not call it (its binding is its own core). Returns 0, or -1 when the binding cannot
 * be read or leaves no allowed CPU (the allowed cpuset is then unchanged).
 */
int mp_hwtopo_restrict_to_binding(hwloc_topology_t topo);

/*
 * The number of cores with at least one allowed PU; on a topology without core objects, the
 * number of allowed PUs. Never negative; 0 only when nothing is allowed.
 */
int mp_hwtopo_ncores(hwloc_topology_t topo);

/* The hardware levels inside a node that a process can be bound within, coarsest first. */
typedef enum mp_hwtopo_level {
    MP_HWTOPO_PACKAGE,
    MP_HWTOPO_NUMA,
    MP_HWTOPO_L3,
    MP_HWTOPO_L2,
    MP_HWTOPO_L1,
    MP_HWTOPO_CORE,
    MP_HWTOPO_PU,
    MP_HWTOPO_NLEVELS
} mp_hwtopo_level_t;

/* For each level, the logical index of the one object of that level that holds every CPU of
 * set, or -1 when set spans several of them (or none: an empty set, a machine without that
 * level). */
void mp_hwtopo_levels_of(hwloc_topology_t topo, hwloc_const_cpuset_t set,
                         int index[MP_HWTOPO_NLEVELS]);

/* Destroys a topology from one of the load functions. NULL is allowed and does nothing. */
void mp_hwtopo_destroy(hwloc_topology_t topo);

#endif
