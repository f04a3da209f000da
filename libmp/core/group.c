/*
 * Group objects: construction, membership lookups and comparison. Lookups scan the member
 * list: groups are built and compared at communicator creation, never on a message's path.
 */
#include "core/group.h"

#include <stdlib.h>
#include <string.h>

int mp_group_self = -1;

mp_group_t mp_group_empty = {
    .magic = MP_GROUP_MAGIC, .refcount = 1, .predefined = true, .size = 0, .rank = -1};

mp_addr_span_t mp_group_span = MP_ADDR_SPAN_EMPTY;

mp_status_t mp_group_create(int size, mp_group_t **group_p)
{
    mp_group_t *g = calloc(1, sizeof(*g));
    int *ranks = malloc(sizeof(int) * (size_t)(size > 0 ? size : 1));
    if (g == NULL || ranks == NULL) {
        free(g);
        free(ranks);
        return MP_ERR_NOMEM;
    }
    mp_addr_span_note(&mp_group_span, g, sizeof(*g));
    g->magic = MP_GROUP_MAGIC;
    g->refcount = 1;
    g->size = size;
    g->rank = -1;
    g->world_ranks = ranks;
    *group_p = g;
    return MP_OK;
}

void mp_group_seal(mp_group_t *group)
{
    group->rank = mp_group_rank_of(group, mp_group_self);
}

mp_status_t mp_group_incl(const mp_group_t *group, int n, const int *ranks, mp_group_t **group_p)
{
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(n, &g);
    if (st != MP_OK) {
        return st;
    }
    for (int i = 0; i < n; i++) {
        g->world_ranks[i] = group->world_ranks[ranks[i]];
    }
    mp_group_seal(g);
    *group_p = g;
    return MP_OK;
}

int mp_group_rank_of(const mp_group_t *group, int world)
{
    for (int i = 0; i < group->size; i++) {
        if (group->world_ranks[i] == world) {
            return i;
        }
    }
    return -1;
}

bool mp_group_is_ident(const mp_group_t *a, const mp_group_t *b)
{
    return a->size == b->size && (a->size == 0 || memcmp(a->world_ranks, b->world_ranks,
                                                         sizeof(int) * (size_t)a->size) == 0);
}

bool mp_group_is_similar(const mp_group_t *a, const mp_group_t *b)
{
    if (a->size != b->size) {
        return false;
    }
    /* Members are distinct, so equal sizes and a in b means the same set. */
    for (int i = 0; i < a->size; i++) {
        if (mp_group_rank_of(b, a->world_ranks[i]) < 0) {
            return false;
        }
    }
    return true;
}

void mp_group_retain(mp_group_t *group)
{
    if (!group->predefined) {
        group->refcount++;
    }
}

void mp_group_release(mp_group_t *group)
{
    if (group == NULL || group->predefined || --group->refcount > 0) {
        return;
    }
    group->magic = 0;
    free(group->world_ranks);
    free(group);
}
