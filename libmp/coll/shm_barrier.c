/*
 * Barrier through node memory: every rank posts to rank 0, which waits for them all and then
 * posts back to each. Two one-way hops; a sleeping rank is woken once, when it may leave. Two
 * ranks just exchange posts: one hop.
 */
#include "coll/shm.h"

mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v)
{
    if (v->size == 2) {
        /* Two ranks: one hop, each posting to the other and waiting for the other's post. */
        int other = v->lr[1 - v->rank];
        mp_coll_shm_post(other, -1, NULL, 0);
        mp_coll_shm_wait(other);
        mp_coll_shm_ack(other);
        return MP_OK;
    }
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
