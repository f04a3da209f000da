/*
 * Placing ranks: step 1 chooses each rank's host from the host list (no hwloc), step 2 chooses,
 * on one host's hwloc topology, the cpuset each of that host's ranks is bound to. Step 2 needs
 * nothing but the local topology, so a per-host daemon can run it on its own host.
 */
#ifndef MPIRUN_MAPPING_H
#define MPIRUN_MAPPING_H

#include <hwloc.h>
#include <stdbool.h>
#include <stddef.h>

#include "hostfile.h"
#include "options.h"

/*
 * Step 1: which host each of np ranks runs on; host_of_rank[r] is an index into hosts->hosts.
 * Policies slot, core, hwthread, socket and numa fill the hosts in order, each up to its slots:
 * ranks 0..s0-1 on host 0, the next s1 on host 1, and so on. Policy node deals ranks round-robin,
 * one per host in turn, skipping hosts whose slots are used up. When np exceeds the total slots S:
 * with forbid_oversubscribe, an error; otherwise the hosts are gone round again by slots, so every
 * host gets a share in proportion to its slots (for node, the pattern of the first S ranks
 * repeats; for the other policies, each host's ranks stay consecutive: a host's count is
 * what going round again would give it). Every host needs slots >= 1 (already so for lists from
 * hostfile.h). Returns 0 with host_of_rank[0..np-1] set, or -1 with a message in err.
 */
int mpirun_map_ranks(const mpirun_hostlist_t *hosts, int np, mpirun_map_t policy,
                     bool forbid_oversubscribe, int *host_of_rank, char *err, size_t errlen);

/*
 * From host_of_rank[0..np-1] (hosts 0..nhosts-1): local_rank[r] = how many ranks before r run on
 * the same host (r's index among its host's ranks: the local rank of step 2), and nlocal[h] =
 * the number of ranks on host h (nlocal has nhosts entries).
 */
void mpirun_map_local_ranks(const int *host_of_rank, int np, int nhosts, int *local_rank,
                            int *nlocal);

/*
 * Step 2: on one host's topology, the cpuset each of that host's nlocal ranks is bound to.
 * Only cores with at least one allowed PU count (hwloc_topology_get_allowed_cpuset: cgroups, and
 * taskset after mp_hwtopo_restrict_to_binding); a topology without core objects uses its PUs as
 * cores, one without packages or NUMA nodes is one of each. Local rank i gets a core:
 * slot/core/node take consecutive cores; socket deals ranks round-robin over the packages and
 * numa over the NUMA nodes, taking consecutive cores inside each (groups with fewer allowed
 * cores drop out of the round when used up); hwthread takes consecutive PUs instead of cores.
 * With more ranks than cores (PUs) the order starts again from the first. Then bind_to: DEFAULT
 * is CORE (HWTHREAD when mapping by hwthread) when nlocal <= cores (PUs), else NONE; CORE binds
 * to all allowed PUs of the rank's core; HWTHREAD to one allowed PU of it, the ranks of one
 * core taking its PUs in turn (oversubscribed only past the host's PUs); SOCKET and NUMA to the
 * allowed PUs of the package or NUMA node holding that core; NONE leaves every rank unbound.
 * On success returns 0, sets[i] is a new bitmap for local rank i (or NULL when unbound; free
 * with mpirun_bind_sets_free), and *oversubscribed_p (may be NULL) says nlocal > cores. On
 * failure returns -1 with a message in err and sets[0..nlocal-1] all NULL.
 */
int mpirun_bind_compute(hwloc_topology_t topo, int nlocal, mpirun_map_t policy,
                        mpirun_bind_t bind_to, hwloc_bitmap_t *sets, bool *oversubscribed_p,
                        char *err, size_t errlen);

/*
 * Step 2 for k processes that come later (MPI_Comm_spawn) to a host that runs nplaced already:
 * their cpusets are those of local ranks nplaced..nplaced+k-1 of mpirun_bind_compute over all
 * nplaced+k, so they take the cores after the earlier ones and go round again past the last.
 * bind_to DEFAULT binds them like the earlier ones: to cores (hardware threads when mapping by
 * hwthread) when those were bound (placed_bound), not at all when the earlier ones were left
 * unbound (oversubscribed); with nplaced 0 it means what it means for mpirun_bind_compute.
 * Returns 0 with sets[0..k-1] (NULL: unbound), or -1 with a message in err and all NULL.
 */
int mpirun_bind_compute_more(hwloc_topology_t topo, int nplaced, bool placed_bound, int k,
                             mpirun_map_t policy, mpirun_bind_t bind_to, hwloc_bitmap_t *sets,
                             char *err, size_t errlen);

/* Frees sets[0..n-1] (NULL entries are skipped) and sets them to NULL. */
void mpirun_bind_sets_free(hwloc_bitmap_t *sets, int n);

/*
 * One line for --report-bindings, without a newline: "bound to package 0 core 3 (cpus 6-7):
 * [../../../BB/..][../..]" — what the set is (a core, a package, a NUMA node, or a list of
 * cpus), the cpus by OS index (as taskset numbers them), and a map with one [...] per package,
 * cores separated by '/', 'B' for each PU in the set and '.' for the others. A NULL set gives
 * "not bound". Truncated to fit len; always terminated when len > 0.
 */
void mpirun_bind_describe(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len);

/*
 * As mpirun_bind_describe, but an unbound rank (set NULL) gets the reason, given the number of
 * ranks on its host and the binding asked for: "not bound (8 ranks on 2 cores: oversubscribed)"
 * or "not bound (--bind-to none)".
 */
void mpirun_bind_describe_rank(hwloc_topology_t topo, hwloc_const_bitmap_t set, int nlocal,
                               mpirun_bind_t bind_to, char *buf, size_t len);

#endif
