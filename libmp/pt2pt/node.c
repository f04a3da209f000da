/*
 * Node memory for the collectives: a table from job rank to local index, and the shm
 * transport's node regions and wake-up handed up to coll (see node.h).
 */
#include "pt2pt/node.h"

#include <stdlib.h>

#include "core/log.h"
#include "transport/transport.h"

static struct {
    int size;    /* ranks on this node */
    int *index;  /* by job rank: local index, or -1 */
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
    node.nworld = info->size;
    for (int r = 0; r < info->size; r++) {
        node.index[r] = -1;
    }
    for (int i = 0; i < info->local_size; i++) {
        node.index[info->local_ranks[i]] = i;
    }
    node.size = info->local_size;
    node.shared = info->local_size > 1 && mp_tl_shm_ops.node_area != NULL;
    return MP_OK;
}

void mp_pt2pt_node_fini(void)
{
    free(node.index);
    node.index = NULL;
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
