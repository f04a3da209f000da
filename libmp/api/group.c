/*
 * Groups: handle translation, queries, the set operations (union, intersection, difference),
 * subsets by rank lists and ranges, translation of ranks, comparison and MPI_Group_free.
 * Results follow the order rules of MPI 4.1 section 7.3; an empty result is MPI_GROUP_EMPTY.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/group.h"

mp_group_t *mp_api_group_get(MPI_Group group)
{
    if (group == MPI_GROUP_EMPTY) {
        return &mp_group_empty;
    }
    if (!mp_addr_span_holds(&mp_group_span, (const void *)group, sizeof(mp_group_t)) ||
        (uintptr_t)group % _Alignof(mp_group_t) != 0) {
        return NULL;
    }
    mp_group_t *g = (mp_group_t *)group;
    return g->magic == MP_GROUP_MAGIC ? g : NULL;
}

MPI_Group mp_api_group_handle(const mp_group_t *group)
{
    return group == &mp_group_empty ? MPI_GROUP_EMPTY : (MPI_Group)(uintptr_t)group;
}

int mp_api_group_check(const mp_comm_t *comm, const char *call, MPI_Group group,
                       mp_group_t **group_p)
{
    mp_group_t *g = mp_api_group_get(group);
    if (g == NULL) {
        return mp_api_error(comm, call, MPI_ERR_GROUP,
                            group == MPI_GROUP_NULL
                                ? "MPI_GROUP_NULL is not a group to use"
                                : "invalid group handle %p (freed, or never created); use "
                                  "MPI_GROUP_EMPTY or a group from MPI_Comm_group or a group call",
                            (void *)group);
    }
    *group_p = g;
    return MPI_SUCCESS;
}

/* Checks MPI is ready and group is valid, for queries and operations on one group. */
static int lookup(const char *call, MPI_Group group, mp_group_t **group_p)
{
    int rc = mp_api_check_ready(call);
    return rc != MPI_SUCCESS ? rc : mp_api_group_check(NULL, call, group, group_p);
}

static int check_out(const char *call, const void *out, const char *what)
{
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "%s is NULL", what);
    }
    return MPI_SUCCESS;
}

/* Gives a new group to the user: MPI_GROUP_EMPTY when it has no member. It derives from the
 * session of parent, the group it was made from (the first one of a set operation). */
static int publish(const char *call, const mp_group_t *parent, mp_group_t *g, MPI_Group *newgroup)
{
    g->session = parent->session;
    mp_group_seal(g);
    if (g->size == 0) {
        mp_group_release(g);
        g = &mp_group_empty;
    }
    (void)call;
    *newgroup = mp_api_group_handle(g);
    return MPI_SUCCESS;
}

static int no_mem(const char *call)
{
    return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory building a group");
}

#pragma weak MPI_Group_size = PMPI_Group_size
int PMPI_Group_size(MPI_Group group, int *size)
{
    MP_API_LOCK();
    mp_group_t *g = NULL;
    int rc = lookup("MPI_Group_size", group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out("MPI_Group_size", size, "size");
    }
    if (rc == MPI_SUCCESS) {
        *size = g->size;
    }
    return rc;
}

#pragma weak MPI_Group_rank = PMPI_Group_rank
int PMPI_Group_rank(MPI_Group group, int *rank)
{
    MP_API_LOCK();
    mp_group_t *g = NULL;
    int rc = lookup("MPI_Group_rank", group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out("MPI_Group_rank", rank, "rank");
    }
    if (rc == MPI_SUCCESS) {
        *rank = g->rank >= 0 ? g->rank : MPI_UNDEFINED;
    }
    return rc;
}

#pragma weak MPI_Group_free = PMPI_Group_free
int PMPI_Group_free(MPI_Group *group)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Group_free");
    if (rc == MPI_SUCCESS) {
        rc = check_out("MPI_Group_free", group, "group");
    }
    mp_group_t *g = NULL;
    if (rc == MPI_SUCCESS) {
        rc = mp_api_group_check(NULL, "MPI_Group_free", *group, &g);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Freeing MPI_GROUP_EMPTY only resets the handle (allowed by MPI 4, as in MPICH). */
    mp_group_release(g);
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}

/* Checks n and the n ranks of a list: in range, distinct. */
static int check_rank_list(const char *call, const mp_group_t *g, int n, const int *ranks)
{
    if (n < 0 || n > g->size) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "n = %d is out of range 0..%d (group size)", n,
                            g->size);
    }
    if (n > 0 && ranks == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "ranks is NULL but n is %d", n);
    }
    char *seen = calloc((size_t)g->size + 1, 1);
    if (seen == NULL) {
        return no_mem(call);
    }
    int rc = MPI_SUCCESS;
    for (int i = 0; i < n && rc == MPI_SUCCESS; i++) {
        if (ranks[i] < 0 || ranks[i] >= g->size) {
            rc = mp_api_error(NULL, call, MPI_ERR_RANK, "ranks[%d] = %d is out of range 0..%d", i,
                              ranks[i], g->size - 1);
        } else if (seen[ranks[i]]++) {
            rc = mp_api_error(NULL, call, MPI_ERR_RANK,
                              "ranks[%d] = %d appears twice; the ranks must be distinct", i,
                              ranks[i]);
        }
    }
    free(seen);
    return rc;
}

#pragma weak MPI_Group_incl = PMPI_Group_incl
int PMPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    MP_API_LOCK();
    const char *call = "MPI_Group_incl";
    mp_group_t *g = NULL, *ng = NULL;
    int rc = lookup(call, group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, newgroup, "newgroup");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_rank_list(call, g, n, ranks);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_group_incl(g, n, ranks, &ng) != MP_OK) {
        return no_mem(call);
    }
    return publish(call, g, ng, newgroup);
}

/* A new group of the members of g whose keep[] is set, in g's order. */
static int keep_members(const char *call, const mp_group_t *g, const char *keep,
                        MPI_Group *newgroup)
{
    int n = 0;
    for (int i = 0; i < g->size; i++) {
        n += keep[i] != 0;
    }
    mp_group_t *ng = NULL;
    if (mp_group_create(n, &ng) != MP_OK) {
        return no_mem(call);
    }
    n = 0;
    for (int i = 0; i < g->size; i++) {
        if (keep[i]) {
            ng->world_ranks[n++] = g->world_ranks[i];
        }
    }
    return publish(call, g, ng, newgroup);
}

#pragma weak MPI_Group_excl = PMPI_Group_excl
int PMPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    MP_API_LOCK();
    const char *call = "MPI_Group_excl";
    mp_group_t *g = NULL;
    int rc = lookup(call, group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, newgroup, "newgroup");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_rank_list(call, g, n, ranks);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    char *keep = malloc((size_t)g->size + 1);
    if (keep == NULL) {
        return no_mem(call);
    }
    memset(keep, 1, (size_t)g->size);
    for (int i = 0; i < n; i++) {
        keep[ranks[i]] = 0;
    }
    rc = keep_members(call, g, keep, newgroup);
    free(keep);
    return rc;
}

/* Expands range triplets into a rank list (*list_p, *n_p), checking every rank. */
static int expand_ranges(const char *call, const mp_group_t *g, int n, int ranges[][3],
                         int **list_p, int *n_p)
{
    if (n < 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "n = %d is negative", n);
    }
    if (n > 0 && ranges == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "ranges is NULL but n is %d", n);
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        if (stride == 0) {
            return mp_api_error(NULL, call, MPI_ERR_ARG, "ranges[%d] has stride 0", i);
        }
        if ((stride > 0 && first > last) || (stride < 0 && first < last)) {
            return mp_api_error(NULL, call, MPI_ERR_ARG,
                                "ranges[%d] = {%d, %d, %d}: the stride goes away from last", i,
                                first, last, stride);
        }
        /* Only the ranks the triplet computes must be in the group, so last itself may lie
         * outside it when the stride steps over it: {5, 8, 2} in a group of 8 is {5, 7}. */
        long count = ((long)last - first) / stride + 1;
        long final = first + (count - 1) * stride;
        if (first < 0 || first >= g->size || final < 0 || final >= g->size) {
            return mp_api_error(NULL, call, MPI_ERR_RANK,
                                "ranges[%d] = {%d, %d, %d}: the ranks it names, %d to %ld, must "
                                "be in 0..%d",
                                i, first, last, stride, first, final, g->size - 1);
        }
        total += count;
        if (total > g->size) {
            return mp_api_error(NULL, call, MPI_ERR_RANK,
                                "the ranges name more than the group's %d ranks, so some twice",
                                g->size);
        }
    }
    int *list = malloc(sizeof(int) * (size_t)(total > 0 ? total : 1));
    if (list == NULL) {
        return no_mem(call);
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        /* Counted, not stepped past last: first + stride may overflow an int. */
        long count = ((long)ranges[i][1] - ranges[i][0]) / ranges[i][2] + 1;
        for (long j = 0; j < count; j++) {
            list[k++] = (int)(ranges[i][0] + j * ranges[i][2]);
        }
    }
    int rc = check_rank_list(call, g, k, list);
    if (rc != MPI_SUCCESS) {
        free(list);
        return rc;
    }
    *list_p = list;
    *n_p = k;
    return MPI_SUCCESS;
}

#pragma weak MPI_Group_range_incl = PMPI_Group_range_incl
int PMPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    MP_API_LOCK();
    const char *call = "MPI_Group_range_incl";
    mp_group_t *g = NULL, *ng = NULL;
    int *list = NULL, k = 0;
    int rc = lookup(call, group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, newgroup, "newgroup");
    }
    if (rc == MPI_SUCCESS) {
        rc = expand_ranges(call, g, n, ranges, &list, &k);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_group_incl(g, k, list, &ng);
    free(list);
    return st != MP_OK ? no_mem(call) : publish(call, g, ng, newgroup);
}

#pragma weak MPI_Group_range_excl = PMPI_Group_range_excl
int PMPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    MP_API_LOCK();
    const char *call = "MPI_Group_range_excl";
    mp_group_t *g = NULL;
    int *list = NULL, k = 0;
    int rc = lookup(call, group, &g);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, newgroup, "newgroup");
    }
    if (rc == MPI_SUCCESS) {
        rc = expand_ranges(call, g, n, ranges, &list, &k);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    char *keep = malloc((size_t)g->size + 1);
    if (keep == NULL) {
        free(list);
        return no_mem(call);
    }
    memset(keep, 1, (size_t)g->size);
    for (int i = 0; i < k; i++) {
        keep[list[i]] = 0;
    }
    rc = keep_members(call, g, keep, newgroup);
    free(keep);
    free(list);
    return rc;
}

/* Checks the two groups and the output of a set operation. */
static int two_groups(const char *call, MPI_Group group1, MPI_Group group2, const void *out,
                      mp_group_t **a_p, mp_group_t **b_p)
{
    int rc = lookup(call, group1, a_p);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_group_check(NULL, call, group2, b_p);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, out, "the output argument");
    }
    return rc;
}

/* The members of a that are (in_b true) or are not in b, in a's order, then (with_b) b's
 * members not in a: union, intersection and difference. */
static int combine(const char *call, const mp_group_t *a, const mp_group_t *b, bool in_b,
                   bool with_b, MPI_Group *newgroup)
{
    mp_group_t *ng = NULL;
    if (mp_group_create(a->size + b->size, &ng) != MP_OK) {
        return no_mem(call);
    }
    int n = 0;
    for (int i = 0; i < a->size; i++) {
        if (with_b || (mp_group_rank_of(b, a->world_ranks[i]) >= 0) == in_b) {
            ng->world_ranks[n++] = a->world_ranks[i];
        }
    }
    for (int i = 0; with_b && i < b->size; i++) {
        if (mp_group_rank_of(a, b->world_ranks[i]) < 0) {
            ng->world_ranks[n++] = b->world_ranks[i];
        }
    }
    ng->size = n;
    return publish(call, a, ng, newgroup);
}

#pragma weak MPI_Group_union = PMPI_Group_union
int PMPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    MP_API_LOCK();
    mp_group_t *a = NULL, *b = NULL;
    int rc = two_groups("MPI_Group_union", group1, group2, newgroup, &a, &b);
    return rc != MPI_SUCCESS ? rc : combine("MPI_Group_union", a, b, true, true, newgroup);
}

#pragma weak MPI_Group_intersection = PMPI_Group_intersection
int PMPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    MP_API_LOCK();
    mp_group_t *a = NULL, *b = NULL;
    int rc = two_groups("MPI_Group_intersection", group1, group2, newgroup, &a, &b);
    return rc != MPI_SUCCESS ? rc : combine("MPI_Group_intersection", a, b, true, false, newgroup);
}

#pragma weak MPI_Group_difference = PMPI_Group_difference
int PMPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    MP_API_LOCK();
    mp_group_t *a = NULL, *b = NULL;
    int rc = two_groups("MPI_Group_difference", group1, group2, newgroup, &a, &b);
    return rc != MPI_SUCCESS ? rc : combine("MPI_Group_difference", a, b, false, false, newgroup);
}

#pragma weak MPI_Group_compare = PMPI_Group_compare
int PMPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result)
{
    MP_API_LOCK();
    mp_group_t *a = NULL, *b = NULL;
    int rc = two_groups("MPI_Group_compare", group1, group2, result, &a, &b);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *result = mp_group_is_ident(a, b)     ? MPI_IDENT
              : mp_group_is_similar(a, b) ? MPI_SIMILAR
                                          : MPI_UNEQUAL;
    return MPI_SUCCESS;
}

#pragma weak MPI_Group_translate_ranks = PMPI_Group_translate_ranks
int PMPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2,
                               int ranks2[])
{
    MP_API_LOCK();
    const char *call = "MPI_Group_translate_ranks";
    mp_group_t *a = NULL, *b = NULL;
    int rc = two_groups(call, group1, group2, n > 0 ? ranks2 : (void *)call, &a, &b);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (n < 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "n = %d is negative", n);
    }
    if (n > 0 && ranks1 == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "ranks1 is NULL but n is %d", n);
    }
    for (int i = 0; i < n; i++) {
        if (ranks1[i] != MPI_PROC_NULL && (ranks1[i] < 0 || ranks1[i] >= a->size)) {
            return mp_api_error(NULL, call, MPI_ERR_RANK,
                                "ranks1[%d] = %d is out of range 0..%d of group1 (or "
                                "MPI_PROC_NULL)",
                                i, ranks1[i], a->size - 1);
        }
    }
    for (int i = 0; i < n; i++) {
        if (ranks1[i] == MPI_PROC_NULL) {
            ranks2[i] = MPI_PROC_NULL;
        } else {
            int r = mp_group_rank_of(b, a->world_ranks[ranks1[i]]);
            ranks2[i] = r >= 0 ? r : MPI_UNDEFINED;
        }
    }
    return MPI_SUCCESS;
}
