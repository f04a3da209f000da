/*
 * Communicator objects: creation from groups, reference counting, the predefined ones, and
 * the table of context ids this process has free (agreement on a new id is in libmp/comm/).
 */
#include "core/comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/group.h"
#include "core/topo.h"

static uint64_t ctx_free[MP_COMM_CTX_WORDS];

void mp_comm_ctx_free_mask(uint64_t mask[MP_COMM_CTX_WORDS])
{
    memcpy(mask, ctx_free, sizeof(ctx_free));
}

void mp_comm_ctx_take(uint32_t context_id)
{
    uint32_t pair = context_id / 2;
    ctx_free[pair / 64] &= ~(UINT64_C(1) << (pair % 64));
}

void mp_comm_ctx_give(uint32_t context_id)
{
    uint32_t pair = context_id / 2;
    ctx_free[pair / 64] |= UINT64_C(1) << (pair % 64);
}

int mp_comm_remote_size(const mp_comm_t *comm)
{
    return comm->remote_group->size;
}

mp_addr_span_t mp_comm_span = MP_ADDR_SPAN_EMPTY;

mp_status_t mp_comm_create(struct mp_group *group, struct mp_group *remote, uint32_t context_id,
                           mp_comm_t **comm_p)
{
    mp_comm_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_addr_span_note(&mp_comm_span, c, sizeof(*c));
    c->magic = MP_COMM_MAGIC;
    c->refcount = 1;
    c->rank = group->rank;
    c->size = group->size;
    c->context_id = context_id;
    c->group = group;
    mp_group_retain(group);
    c->world_ranks = group->world_ranks;
    if (remote != NULL) {
        c->is_inter = true;
        c->remote_group = remote;
        mp_group_retain(remote);
        c->world_ranks = remote->world_ranks;
    }
    *comm_p = c;
    return MP_OK;
}

static void destroy(mp_comm_t *comm)
{
    comm->magic = 0;
    mp_comm_ctx_give(comm->context_id);
    if (comm->local_comm != NULL) {
        comm->local_comm->freed = true;
        mp_comm_unref(comm->local_comm);
    }
    mp_group_release(comm->group);
    mp_group_release(comm->remote_group);
    mp_topo_release(comm->topo);
    free(comm);
}

void mp_comm_unref(mp_comm_t *comm)
{
    if (--comm->refcount == 0 && comm->freed && !comm->predefined) {
        destroy(comm);
    }
}

static void predefined_init(mp_comm_t *comm, mp_group_t *group, uint32_t context_id,
                            const char *name)
{
    comm->magic = MP_COMM_MAGIC;
    comm->predefined = true;
    comm->named = true;
    comm->refcount = 1;
    comm->rank = group->rank;
    comm->size = group->size;
    comm->context_id = context_id;
    comm->group = group;
    snprintf(comm->name, sizeof(comm->name), "%s", name);
    mp_comm_ctx_take(context_id);
}

mp_status_t mp_comm_world_init(mp_comm_t *world, mp_comm_t *self, int rank, int size)
{
    mp_group_t *wg = NULL, *sg = NULL;
    if (mp_group_create(size, &wg) != MP_OK || mp_group_create(1, &sg) != MP_OK) {
        mp_group_release(wg);
        return MP_ERR_NOMEM;
    }
    mp_group_self = rank;
    for (int r = 0; r < size; r++) {
        wg->world_ranks[r] = r;
    }
    wg->rank = rank;
    sg->world_ranks[0] = rank;
    sg->rank = 0;
    memset(ctx_free, 0xff, sizeof(ctx_free));
    /* Each communicator owns two contexts: point-to-point, and collectives (id + 1). */
    predefined_init(world, wg, 0, "MPI_COMM_WORLD");
    predefined_init(self, sg, 2, "MPI_COMM_SELF");
    mp_comm_ctx_take(MP_COMM_CTX_PORTS);
    mp_comm_ctx_take(MP_COMM_CTX_LINK);
    world->world_ranks = NULL; /* the identity: the fast path of pt2pt */
    self->world_ranks = sg->world_ranks;
    return MP_OK;
}

void mp_comm_world_fini(mp_comm_t *world, mp_comm_t *self)
{
    mp_group_release(world->group);
    mp_group_release(self->group);
    world->group = NULL;
    self->group = NULL;
    world->magic = 0;
    self->magic = 0;
}
