/*
 * Barrier through node memory. Up to FLAT_MAX ranks, every rank posts to every other and waits
 * for every other's post: one hop, and a rank that runs once after all others arrived is
 * through (with more ranks than cores, every extra run of a rank costs a context switch). More
 * ranks post to rank 0, which waits for them all and then posts back to each: two hops, but
 * 2 (n - 1) posts rather than n (n - 1).
 */
#include "coll/shm.h"

/* The most ranks that take the one-hop barrier. Measured on 2 cores (busy), 8 ranks: 0.9-1.1
 * context switches and 2.4-2.6 us of CPU per rank and barrier, against 1.5 and 3.0 through rank
 * 0, whose extra runs after the last arrival cost a switch each; 16 ranks: 40-46 against 48-56
 * us per barrier; 12 ranks: about even. */
#define FLAT_MAX 16

static void barrier_flat(const mp_coll_shm_t *v)
{
    /* Upwards from me, and the waits downwards: the ranks below me posted to me first. */
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post(v->lr[(v->rank + k) % v->size], -1, NULL, 0);
    }
    for (int k = 1; k < v->size; k++) {
        int from = v->lr[(v->rank - k + v->size) % v->size];
        mp_coll_shm_wait(from);
        mp_coll_shm_ack(from);
    }
}

mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v)
{
    if (v->size <= FLAT_MAX) {
        barrier_flat(v);
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
