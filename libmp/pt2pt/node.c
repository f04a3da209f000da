/*
 * Node memory for the collectives: a table from job rank to local index, and the shm
 * transport's node regions and wake-up handed up to coll (see node.h).
 */
#include "pt2pt/node.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/log.h"
#include "pt2pt/peer.h"
#include "transport/transport.h"

static struct {
    int size;    /* ranks on this node */
    int *index;  /* by job rank: local index, or -1 */
    int *world;  /* by local index: job rank */
    int nworld;  /* entries of index */
    bool shared; /* the shm transport serves the node: node memory exists */
} node;

mp_status_t mp_pt2pt_node_init(const mp_wireup_info_t *info)
{
    node.index = malloc((size_t)info->size * sizeof(int));
    if (node.index == NULL) {
        mp_log_error("out of memory for the node table of %d ranks", info->size);
        return MP_ERR_NOMEM;
    }
    node.world = malloc((size_t)(info->local_size > 0 ? info->local_size : 1) * sizeof(int));
    if (node.world == NULL) {
        mp_log_error("out of memory for the node table of %d ranks", info->size);
        free(node.index);
        node.index = NULL;
        return MP_ERR_NOMEM;
    }
    node.nworld = info->size;
    for (int r = 0; r < info->size; r++) {
        node.index[r] = -1;
    }
    for (int i = 0; i < info->local_size; i++) {
        node.index[info->local_ranks[i]] = i;
        node.world[i] = info->local_ranks[i];
    }
    node.size = info->local_size;
    node.shared = info->local_size > 1 && mp_tl_shm_ops.node_area != NULL;
    return MP_OK;
}

void mp_pt2pt_node_fini(void)
{
    free(node.index);
    node.index = NULL;
    free(node.world);
    node.world = NULL;
    node.nworld = 0;
    node.size = 0;
    node.shared = false;
}

int mp_pt2pt_node_size(void)
{
    return node.size;
}

int mp_pt2pt_node_index(int world)
{
    return world >= 0 && world < node.nworld ? node.index[world] : -1;
}

void *mp_pt2pt_node_area(int lr)
{
    return node.shared ? mp_tl_shm_ops.node_area(lr) : NULL;
}

size_t mp_pt2pt_node_area_size(void)
{
    return node.shared ? mp_tl_node_area_size(node.size) : 0;
}

void mp_pt2pt_node_wake(int lr)
{
    if (node.shared) {
        mp_tl_shm_ops.node_wake(lr);
    }
}

/* The endpoint of local index lr, when it is another rank that this one reads in one copy. */
static mp_tl_ep_t *get_ep(int lr)
{
    if (!node.shared || lr < 0 || lr >= node.size) {
        return NULL;
    }
    mp_tl_ep_t *ep = mp_peers[node.world[lr]].ep;
    return ep != NULL && ep->can_get && ep->ops->get != NULL && ep->ops->put != NULL ? ep : NULL;
}

bool mp_pt2pt_node_can_get(int lr)
{
    return get_ep(lr) != NULL;
}

mp_status_t mp_pt2pt_node_get(int lr, void *local, const void *remote, size_t len)
{
    mp_tl_ep_t *ep = get_ep(lr);
    if (ep == NULL) {
        mp_log_error("no single-copy path to local rank %d", lr);
        return MP_ERR_SYSCALL;
    }
    return ep->ops->get(ep, local, (uint64_t)(uintptr_t)remote, len);
}

mp_status_t mp_pt2pt_node_put(int lr, const void *local, void *remote, size_t len)
{
    mp_tl_ep_t *ep = get_ep(lr);
    if (ep == NULL) {
        mp_log_error("no single-copy path to local rank %d", lr);
        return MP_ERR_SYSCALL;
    }
    return ep->ops->put(ep, local, (uint64_t)(uintptr_t)remote, len);
}
