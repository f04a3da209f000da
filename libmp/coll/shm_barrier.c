/*
 * Barrier through node memory: every rank posts to rank 0, which waits for them all and then
 * posts back to each. Two one-way hops; a sleeping rank is woken once, when it may leave.
 */
#include "coll/shm.h"

mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v)
{
    int root = v->lr[0];
    if (v->rank != 0) {
        mp_coll_shm_post(root, -1, NULL, 0);
        mp_coll_shm_wait(root);
        mp_coll_shm_ack(root);
        return MP_OK;
    }
    for (int i = 1; i < v->size; i++) {
        mp_coll_shm_wait(v->lr[i]);
        mp_coll_shm_ack(v->lr[i]);
    }
    for (int i = 1; i < v->size; i++) {
        mp_coll_shm_post(v->lr[i], -1, NULL, 0);
    }
    return MP_OK;
}
