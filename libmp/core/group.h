/*
 * Group objects: an ordered set of processes, named by their job ranks. Groups are immutable
 * once built and reference counted: communicators hold their groups, MPI_Group handles too.
 */
#ifndef MP_CORE_GROUP_H
#define MP_CORE_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "util/addr_span.h"

#define MP_GROUP_MAGIC 0x6d706770u /* "mpgp" */

/* Where the groups mp_group_create made lie (their handles are their addresses). */
extern mp_addr_span_t mp_group_span;

typedef struct mp_group {
    uint32_t magic;   /* MP_GROUP_MAGIC while valid */
    int refcount;     /* handles and communicators holding the group */
    bool predefined;  /* MPI_GROUP_EMPTY: never freed */
    int size;         /* processes in the group */
    int rank;         /* my rank in the group, or -1 when I am not in it */
    int *world_ranks; /* job rank of each group rank */
    /* The session (an MPI_Session handle as an integer, owned by api/) whose process set this
     * group was derived from, or 0: communicators made from the group derive from it. */
    uintptr_t session;
} mp_group_t;

/* This process's job rank, which mp_group_seal looks for (set at MPI_Init). */
extern int mp_group_self;

/* The empty group (MPI_GROUP_EMPTY). */
extern mp_group_t mp_group_empty;

/* A new group of size processes whose job ranks the caller writes into world_ranks, then
 * seals with mp_group_seal. Reference count 1. */
mp_status_t mp_group_create(int size, mp_group_t **group_p);

/* Computes the caller's rank in the group once world_ranks is filled. */
void mp_group_seal(mp_group_t *group);

/* A new group of the ranks ranks[0..n) of group (a subset, in that order). */
mp_status_t mp_group_incl(const mp_group_t *group, int n, const int *ranks, mp_group_t **group_p);

/* The rank of job rank world in group, or -1 when it is not a member. */
int mp_group_rank_of(const mp_group_t *group, int world);

/* Whether two groups hold the same processes in the same order. */
bool mp_group_is_ident(const mp_group_t *a, const mp_group_t *b);

/* Whether two groups hold the same processes, in any order. */
bool mp_group_is_similar(const mp_group_t *a, const mp_group_t *b);

void mp_group_retain(mp_group_t *group);

/* Drops a reference; the last one frees the group. NULL is allowed. */
void mp_group_release(mp_group_t *group);

#endif
