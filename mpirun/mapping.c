/*
 * Mapping and binding for mpirun: ranks to hosts by slots or round-robin, then, on one host's
 * hwloc topology, local ranks to cores and cores to the cpusets the ranks are bound to.
 */
#include "mapping.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwtopo/hwtopo.h"

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL || errlen == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Appends to buf[*pos..len), keeping it terminated; silently stops when full. */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (len == 0 || *pos >= len - 1) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[*pos] = '\0';
        return;
    }
    *pos += (size_t)n < len - *pos ? (size_t)n : len - 1 - *pos;
}

/* "a:2, b:4, c:1" (at most a few hosts), for messages. */
static void format_hosts(const mpirun_hostlist_t *hosts, char *buf, size_t len)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (int i = 0; i < hosts->nhosts; i++) {
        if (i == 6) {
            append(buf, len, &pos, ", ... %d more", hosts->nhosts - i);
            break;
        }
        append(buf, len, &pos, "%s%s:%d", i > 0 ? ", " : "", hosts->hosts[i].name,
               hosts->hosts[i].slots);
    }
}

/*
 * Slot-respecting round-robin for policy node: host_of_rank[0..n) for n <= total slots. Pass p
 * gives one rank to every host with more than p slots, in host order.
 */
static int deal_round_robin(const mpirun_hostlist_t *hosts, int n, int *host_of_rank)
{
    int *active = malloc((size_t)hosts->nhosts * sizeof(*active));
    int nactive = hosts->nhosts;
    int r = 0;
    if (active == NULL) {
        return -1;
    }
    for (int h = 0; h < nactive; h++) {
        active[h] = h;
    }
    for (int pass = 0; r < n && nactive > 0; pass++) {
        int kept = 0;
        for (int j = 0; j < nactive && r < n; j++) {
            int h = active[j];
            host_of_rank[r++] = h;
            if (hosts->hosts[h].slots > pass + 1) {
                active[kept++] = h;
            }
        }
        nactive = kept;
    }
    free(active);
    return 0;
}

int mpirun_map_ranks(const mpirun_hostlist_t *hosts, int np, mpirun_map_t policy,
                     bool forbid_oversubscribe, int *host_of_rank, char *err, size_t errlen)
{
    long long total = 0;
    char list[256];

    if (hosts == NULL || hosts->nhosts < 1 || hosts->hosts == NULL) {
        set_error(err, errlen, "no hosts to run on: give hosts with -H or --hostfile");
        return -1;
    }
    if (np < 1 || host_of_rank == NULL) {
        set_error(err, errlen, "%d ranks requested: the number of ranks must be at least 1", np);
        return -1;
    }
    if ((unsigned)policy > MPIRUN_MAP_LAST) {
        set_error(err, errlen, "internal error: unknown mapping policy %d", (int)policy);
        return -1;
    }
    for (int h = 0; h < hosts->nhosts; h++) {
        if (hosts->hosts[h].slots < 1) {
            set_error(err, errlen, "host %s has %d slots: every host needs at least 1 slot",
                      hosts->hosts[h].name, hosts->hosts[h].slots);
            return -1;
        }
        total += hosts->hosts[h].slots;
    }
    if (np > total && forbid_oversubscribe) {
        format_hosts(hosts, list, sizeof(list));
        set_error(err, errlen,
                  "%d ranks do not fit the %lld slots of the hosts (%s) and oversubscription is "
                  "forbidden by --nooversubscribe: run at most %lld ranks, give the hosts more "
                  "slots (-H host:N, or slots=N in the hostfile), or drop --nooversubscribe",
                  np, total, list, total);
        return -1;
    }

    if (policy == MPIRUN_MAP_NODE) {
        int first = np < total ? np : (int)total;
        if (deal_round_robin(hosts, first, host_of_rank) != 0) {
            set_error(err, errlen, "out of memory mapping %d ranks", np);
            return -1;
        }
        for (int r = first; r < np; r++) {
            host_of_rank[r] = host_of_rank[r - first];
        }
        return 0;
    }

    /* Going round the hosts by slots: full rounds, then the remainder fills hosts in order. */
    long long rounds = np / total;
    long long rem = np % total;
    long long before = 0;
    int r = 0;
    for (int h = 0; h < hosts->nhosts; h++) {
        long long slots = hosts->hosts[h].slots;
        long long extra = rem - before;
        extra = extra < 0 ? 0 : (extra > slots ? slots : extra);
        long long count = rounds * slots + extra;
        for (long long k = 0; k < count; k++) {
            host_of_rank[r++] = h;
        }
        before += slots;
    }
    return 0;
}

void mpirun_map_local_ranks(const int *host_of_rank, int np, int nhosts, int *local_rank,
                            int *nlocal)
{
    memset(nlocal, 0, (size_t)nhosts * sizeof(*nlocal));
    for (int r = 0; r < np; r++) {
        local_rank[r] = nlocal[host_of_rank[r]]++;
    }
}

/* The cores (or PUs: on a topology without cores, or where hardware threads are the unit) of
 * a host with at least one allowed PU: what local ranks take one each. */
typedef struct core_list {
    hwloc_obj_t *obj; /* in logical order */
    int n;
} core_list_t;

static hwloc_obj_type_t core_type(hwloc_topology_t topo)
{
    return hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

static int core_list_init(hwloc_topology_t topo, hwloc_obj_type_t type, core_list_t *cores)
{
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topo);
    int n = hwloc_get_nbobjs_by_type(topo, type);
    cores->n = 0;
    cores->obj = malloc((size_t)(n > 0 ? n : 1) * sizeof(*cores->obj));
    if (cores->obj == NULL) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (obj != NULL && obj->cpuset != NULL && hwloc_bitmap_intersects(obj->cpuset, allowed)) {
            cores->obj[cores->n++] = obj;
        }
    }
    return 0;
}

/*
 * The first object of the given type (package or NUMA node) whose cpuset holds all of the
 * core's, with its index in *index_p; NULL when there is none (the machine is then one).
 */
static hwloc_obj_t containing(hwloc_topology_t topo, hwloc_obj_type_t type, hwloc_obj_t core,
                              int *index_p)
{
    int n = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (obj != NULL && obj->cpuset != NULL && !hwloc_bitmap_iszero(obj->cpuset) &&
            hwloc_bitmap_isincluded(core->cpuset, obj->cpuset)) {
            if (index_p != NULL) {
                *index_p = i;
            }
            return obj;
        }
    }
    if (index_p != NULL) {
        *index_p = n > 0 ? n : 0;
    }
    return NULL;
}

/*
 * order[0..cores->n): the cores in the order local ranks take them. For groups (packages or
 * NUMA nodes): pass p takes the p-th core of each group that has one, groups in order; cores
 * that no group holds form one more group at the end.
 */
static int core_order(hwloc_topology_t topo, const core_list_t *cores, mpirun_map_t policy,
                      int *order)
{
    hwloc_obj_type_t type;
    int ngroups, *group, *start, *fill;
    int rc = -1;

    if (policy != MPIRUN_MAP_SOCKET && policy != MPIRUN_MAP_NUMA) {
        for (int i = 0; i < cores->n; i++) {
            order[i] = i;
        }
        return 0;
    }
    type = policy == MPIRUN_MAP_SOCKET ? HWLOC_OBJ_PACKAGE : HWLOC_OBJ_NUMANODE;
    ngroups = hwloc_get_nbobjs_by_type(topo, type);
    ngroups = (ngroups > 0 ? ngroups : 0) + 1;
    group = malloc((size_t)cores->n * sizeof(*group));
    start = calloc((size_t)ngroups + 1, sizeof(*start));
    fill = calloc((size_t)ngroups, sizeof(*fill));
    if (group == NULL || start == NULL || fill == NULL) {
        goto free_arrays;
    }
    /* Group of each core, then the cores of each group contiguous (start[g]..start[g+1]). */
    for (int i = 0; i < cores->n; i++) {
        containing(topo, type, cores->obj[i], &group[i]);
        start[group[i] + 1]++;
    }
    for (int g = 0; g < ngroups; g++) {
        start[g + 1] += start[g];
    }
    int *by_group = malloc((size_t)cores->n * sizeof(*by_group));
    if (by_group == NULL) {
        goto free_arrays;
    }
    for (int i = 0; i < cores->n; i++) {
        by_group[start[group[i]] + fill[group[i]]++] = i;
    }
    int k = 0;
    for (int pass = 0; k < cores->n; pass++) {
        for (int g = 0; g < ngroups; g++) {
            if (start[g] + pass < start[g + 1]) {
                order[k++] = by_group[start[g] + pass];
            }
        }
    }
    free(by_group);
    rc = 0;
free_arrays:
    free(fill);
    free(start);
    free(group);
    return rc;
}

/* The k-th allowed PU of core (counting round and round), as Open MPI binds the ranks of one
 * core to its hardware threads in turn. */
static hwloc_obj_t nth_pu(hwloc_topology_t topo, hwloc_obj_t core, int k)
{
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topo);
    hwloc_bitmap_t mine = hwloc_bitmap_alloc();
    hwloc_obj_t pu = NULL;
    if (mine != NULL && hwloc_bitmap_and(mine, core->cpuset, allowed) == 0) {
        int n = hwloc_bitmap_weight(mine), id = hwloc_bitmap_first(mine);
        for (int i = 0; n > 0 && i < k % n; i++) {
            id = hwloc_bitmap_next(mine, id);
        }
        pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)id);
    }
    hwloc_bitmap_free(mine);
    return pu;
}

/* The set the round-th rank on this core (or PU) is bound to: the allowed PUs of one of its
 * hardware threads, of the core, or of the package or NUMA node that holds it. */
static hwloc_bitmap_t bind_set(hwloc_topology_t topo, hwloc_obj_t core, mpirun_bind_t bind_to,
                               int round)
{
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topo);
    hwloc_const_cpuset_t base = core->cpuset;
    hwloc_bitmap_t set;
    if (bind_to == MPIRUN_BIND_HWTHREAD && core->type != HWLOC_OBJ_PU) {
        hwloc_obj_t pu = nth_pu(topo, core, round);
        if (pu == NULL) {
            return NULL;
        }
        base = pu->cpuset;
    } else if (bind_to == MPIRUN_BIND_CORE && core->type == HWLOC_OBJ_PU) {
        hwloc_obj_t whole = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, core);
        base = whole != NULL ? whole->cpuset : core->cpuset;
    } else if (bind_to == MPIRUN_BIND_SOCKET || bind_to == MPIRUN_BIND_NUMA) {
        hwloc_obj_type_t type =
            bind_to == MPIRUN_BIND_SOCKET ? HWLOC_OBJ_PACKAGE : HWLOC_OBJ_NUMANODE;
        hwloc_obj_t obj = containing(topo, type, core, NULL);
        base = obj != NULL ? obj->cpuset : allowed;
    }
    set = hwloc_bitmap_alloc();
    if (set != NULL && hwloc_bitmap_and(set, base, allowed) != 0) {
        hwloc_bitmap_free(set);
        set = NULL;
    }
    return set;
}

int mpirun_bind_compute(hwloc_topology_t topo, int nlocal, mpirun_map_t policy,
                        mpirun_bind_t bind_to, hwloc_bitmap_t *sets, bool *oversubscribed_p,
                        char *err, size_t errlen)
{
    core_list_t cores = {NULL, 0};
    int *order = NULL;
    bool oversubscribed;
    int rc = -1;

    if (topo == NULL || nlocal < 0 || (nlocal > 0 && sets == NULL)) {
        set_error(err, errlen, "internal error: mpirun_bind_compute called with %s",
                  topo == NULL ? "no topology"
                  : nlocal < 0 ? "a negative rank count"
                               : "no sets");
        return -1;
    }
    for (int i = 0; i < nlocal; i++) {
        sets[i] = NULL;
    }
    if ((unsigned)policy > MPIRUN_MAP_LAST || (unsigned)bind_to > MPIRUN_BIND_LAST) {
        set_error(err, errlen, "internal error: unknown mapping policy %d or binding %d",
                  (int)policy, (int)bind_to);
        return -1;
    }
    bool threads = policy == MPIRUN_MAP_HWTHREAD;
    if (core_list_init(topo, threads ? HWLOC_OBJ_PU : core_type(topo), &cores) != 0) {
        set_error(err, errlen, "out of memory binding %d ranks", nlocal);
        return -1;
    }
    if (cores.n == 0) {
        set_error(err, errlen,
                  "no core of this host may be used: the allowed cpuset (cgroup or taskset) "
                  "holds no CPU; run mpirun with CPUs allowed to it");
        goto free_cores;
    }
    /* Bound to hardware threads, the ranks of a core take its threads in turn. */
    oversubscribed = nlocal > (bind_to == MPIRUN_BIND_HWTHREAD
                                   ? hwloc_bitmap_weight(hwloc_topology_get_allowed_cpuset(topo))
                                   : cores.n);
    if (bind_to == MPIRUN_BIND_DEFAULT) {
        bind_to = oversubscribed ? MPIRUN_BIND_NONE
                  : threads      ? MPIRUN_BIND_HWTHREAD
                                 : MPIRUN_BIND_CORE;
    }
    if (bind_to != MPIRUN_BIND_NONE) {
        order = malloc((size_t)cores.n * sizeof(*order));
        if (order == NULL || core_order(topo, &cores, policy, order) != 0) {
            set_error(err, errlen, "out of memory binding %d ranks", nlocal);
            goto free_cores;
        }
        for (int i = 0; i < nlocal; i++) {
            sets[i] = bind_set(topo, cores.obj[order[i % cores.n]], bind_to, i / cores.n);
            if (sets[i] == NULL) {
                set_error(err, errlen, "out of memory binding %d ranks", nlocal);
                mpirun_bind_sets_free(sets, i);
                goto free_cores;
            }
        }
    }
    if (oversubscribed_p != NULL) {
        *oversubscribed_p = oversubscribed;
    }
    rc = 0;
free_cores:
    free(order);
    free(cores.obj);
    return rc;
}

int mpirun_bind_compute_more(hwloc_topology_t topo, int nplaced, bool placed_bound, int k,
                             mpirun_map_t policy, mpirun_bind_t bind_to, hwloc_bitmap_t *sets,
                             char *err, size_t errlen)
{
    for (int i = 0; i < k; i++) {
        sets[i] = NULL;
    }
    if (bind_to == MPIRUN_BIND_DEFAULT && nplaced > 0) {
        if (!placed_bound) {
            return 0; /* the first ones were left unbound (oversubscribed): so are these */
        }
        /* Bound by default: the later ones too, going round the cores again if need be. */
        bind_to = policy == MPIRUN_MAP_HWTHREAD ? MPIRUN_BIND_HWTHREAD : MPIRUN_BIND_CORE;
    }
    hwloc_bitmap_t *all = calloc((size_t)nplaced + (size_t)k + 1, sizeof(*all));
    if (all == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = mpirun_bind_compute(topo, nplaced + k, policy, bind_to, all, NULL, err, errlen);
    if (rc == 0) {
        for (int i = 0; i < k; i++) {
            sets[i] = all[nplaced + i];
            all[nplaced + i] = NULL;
        }
        mpirun_bind_sets_free(all, nplaced);
    }
    free(all);
    return rc;
}

void mpirun_bind_sets_free(hwloc_bitmap_t *sets, int n)
{
    if (sets == NULL) {
        return;
    }
    for (int i = 0; i < n; i++) {
        if (sets[i] != NULL) {
            hwloc_bitmap_free(sets[i]);
            sets[i] = NULL;
        }
    }
}

/* Whether set is exactly the allowed part of obj's cpuset. */
static bool is_allowed_part(hwloc_topology_t topo, hwloc_obj_t obj, hwloc_const_bitmap_t set)
{
    hwloc_bitmap_t part = hwloc_bitmap_alloc();
    bool equal;
    if (part == NULL) {
        return false;
    }
    hwloc_bitmap_and(part, obj->cpuset, hwloc_topology_get_allowed_cpuset(topo));
    equal = !hwloc_bitmap_iszero(part) && hwloc_bitmap_isequal(part, set);
    hwloc_bitmap_free(part);
    return equal;
}

/* The first object of a type whose allowed part is exactly set, with its index. */
static hwloc_obj_t find_equal(hwloc_topology_t topo, hwloc_obj_type_t type,
                              hwloc_const_bitmap_t set, int *index_p)
{
    int n = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (obj != NULL && obj->cpuset != NULL && is_allowed_part(topo, obj, set)) {
            *index_p = i;
            return obj;
        }
    }
    return NULL;
}

/* "package 0 core 3", "package 1", "NUMA node 2", "package 0, NUMA node 0", or "" (none). */
static void name_set(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len)
{
    hwloc_obj_type_t type = core_type(topo);
    size_t pos = 0;
    int core_i, pkg_i, numa_i;
    hwloc_obj_t core, pkg, numa;

    buf[0] = '\0';
    core = find_equal(topo, type, set, &core_i);
    /* One hardware thread of a core with several: named by its core and its own index. */
    int pu_i = -1;
    hwloc_obj_t pu =
        core == NULL && type == HWLOC_OBJ_CORE ? find_equal(topo, HWLOC_OBJ_PU, set, &pu_i) : NULL;
    if (pu != NULL) {
        core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
        core_i = core != NULL ? (int)core->logical_index : -1;
    }
    if (core != NULL) {
        if (containing(topo, HWLOC_OBJ_PACKAGE, core, &pkg_i) != NULL) {
            append(buf, len, &pos, "package %d ", pkg_i);
        }
        append(buf, len, &pos, "%s %d", type == HWLOC_OBJ_CORE ? "core" : "cpu", core_i);
        if (pu != NULL) {
            append(buf, len, &pos, " hwthread %d", pu_i);
        }
        return;
    }
    pkg = find_equal(topo, HWLOC_OBJ_PACKAGE, set, &pkg_i);
    numa = find_equal(topo, HWLOC_OBJ_NUMANODE, set, &numa_i);
    if (pkg != NULL) {
        append(buf, len, &pos, "package %d", pkg_i);
    }
    if (numa != NULL) {
        append(buf, len, &pos, "%sNUMA node %d", pkg != NULL ? ", " : "", numa_i);
    }
}

/* The PUs of one core (or the PU itself) as 'B' (in set) and '.' (not). */
static void map_core(hwloc_topology_t topo, hwloc_obj_t core, hwloc_const_bitmap_t set, char *buf,
                     size_t len, size_t *pos)
{
    hwloc_obj_t pu = NULL;
    if (core->type == HWLOC_OBJ_PU) {
        append(buf, len, pos, "%c", hwloc_bitmap_isset(set, core->os_index) ? 'B' : '.');
        return;
    }
    while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, pu)) !=
           NULL) {
        append(buf, len, pos, "%c", hwloc_bitmap_isset(set, pu->os_index) ? 'B' : '.');
    }
}

/* "[../BB][../..]": one bracket per package (or one for the machine), '/' between cores. */
static void map_set(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len,
                    size_t *pos)
{
    hwloc_obj_type_t type = core_type(topo);
    int ncores = hwloc_get_nbobjs_by_type(topo, type);
    int npkg = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    /* Bracket g holds the cores of package g; bracket npkg the cores of no package. */
    for (int g = 0; g <= npkg; g++) {
        bool first = true;
        for (int i = 0; i < ncores; i++) {
            hwloc_obj_t core = hwloc_get_obj_by_type(topo, type, (unsigned)i);
            int pkg_i;
            containing(topo, HWLOC_OBJ_PACKAGE, core, &pkg_i);
            if (pkg_i != g) {
                continue;
            }
            append(buf, len, pos, "%s", first ? "[" : "/");
            first = false;
            map_core(topo, core, set, buf, len, pos);
        }
        if (!first) {
            append(buf, len, pos, "]");
        }
    }
}

void mpirun_bind_describe(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len)
{
    char name[128];
    char cpus[256];
    size_t pos = 0;

    if (buf == NULL || len == 0) {
        return;
    }
    buf[0] = '\0';
    if (set == NULL) {
        append(buf, len, &pos, "not bound");
        return;
    }
    if (hwloc_bitmap_iszero(set)) {
        append(buf, len, &pos, "bound to no cpu (empty set)");
        return;
    }
    name_set(topo, set, name, sizeof(name));
    if (hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), set) < 0) {
        snprintf(cpus, sizeof(cpus), "?");
    }
    if (name[0] != '\0') {
        append(buf, len, &pos, "bound to %s (cpus %s): ", name, cpus);
    } else {
        append(buf, len, &pos, "bound to cpus %s: ", cpus);
    }
    map_set(topo, set, buf, len, &pos);
}

void mpirun_bind_describe_rank(hwloc_topology_t topo, hwloc_const_bitmap_t set, int nlocal,
                               mpirun_bind_t bind_to, char *buf, size_t len)
{
    size_t pos = 0;
    int ncores;

    if (set != NULL || buf == NULL || len == 0) {
        mpirun_bind_describe(topo, set, buf, len);
        return;
    }
    buf[0] = '\0';
    ncores = mp_hwtopo_ncores(topo);
    if (bind_to == MPIRUN_BIND_NONE) {
        append(buf, len, &pos, "not bound (--bind-to none)");
    } else if (nlocal > ncores) {
        append(buf, len, &pos, "not bound (%d ranks on %d core%s: oversubscribed)", nlocal, ncores,
               ncores == 1 ? "" : "s");
    } else {
        append(buf, len, &pos, "not bound");
    }
}
