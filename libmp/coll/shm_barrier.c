/*
 * Barrier through node memory: every rank posts a flag to rank 0, which waits for them all and
 * then posts a flag back to each. Two one-way hops, and a sleeping rank is woken once, when it
 * may leave.
 */
#include "coll/shm.h"

mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v)
{
    int root = v->lr[0];
    if (v->rank != 0) {
        mp_coll_shm_post(root, -1);
        mp_coll_shm_wait(root);
        mp_coll_shm_ack(root);
        return MP_OK;
    }
    for (int i = 1; i < v->size; i++) {
        mp_coll_shm_wait(v->lr[i]);
        mp_coll_shm_ack(v->lr[i]);
    }
    for (int i = 1; i < v->size; i++) {
        mp_coll_shm_post(v->lr[i], -1);
    }
    return MP_OK;
}
