/*
 * Reduce and allreduce through node memory, for contiguous data that fits in a slot. Every rank
 * but the root copies its data into one of its slots and posts it to the root (rank 0 for
 * allreduce), which folds them into a slot of its own in a fixed order, from the last rank to
 * the first, each rank's data the left operand of the ranks above it: a0 op (a1 op (... op
 * a(p-1))), rank order for non-commutative ops, the same bits whatever the timing. Allreduce
 * then posts the root's slot to every rank, which copies the result from there: one
 * computation, so every rank holds the same bits.
 */
#include <mpi.h>
#include <string.h>

#include "coll/shm.h"

/* Folds every rank's data into my slot s; returns the first failure of the op. */
static mp_status_t fold(const mp_coll_shm_t *v, const unsigned char *mine, unsigned char *acc,
                        size_t count, const mp_datatype_t *dt, const mp_op_t *op)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    mp_status_t st = MP_OK;
    for (int i = v->size - 1; i >= 0; i--) {
        const unsigned char *in = mine;
        if (i != v->rank) {
            in = mp_coll_shm_slot(v->lr[i], mp_coll_shm_wait(v->lr[i]));
        }
        if (i == v->size - 1) {
            memcpy(acc, in, bytes);
        } else {
            /* The op sees buffers as the user's: the data starts lb past the address. */
            mp_status_t rc = mp_op_reduce(op, in - dt->lb, acc - dt->lb, count, dt);
            if (st == MP_OK) {
                st = rc;
            }
        }
        if (i != v->rank) {
            mp_coll_shm_ack(v->lr[i]);
        }
    }
    return st;
}

mp_status_t mp_coll_shm_reduce(const mp_coll_shm_t *v, const void *sbuf, void *rbuf, size_t count,
                               const mp_datatype_t *dt, const mp_op_t *op, int root, bool all)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    const unsigned char *mine =
        (const unsigned char *)(sbuf == MPI_IN_PLACE ? rbuf : sbuf) + dt->lb;
    unsigned char *out = (unsigned char *)rbuf + dt->lb;
    if (all) {
        root = 0;
    }
    if (bytes == 0) {
        return MP_OK;
    }
    if (v->rank != root) {
        int s = mp_coll_shm_slot_take();
        memcpy(mp_coll_shm_slot(v->lr[v->rank], s), mine, bytes);
        mp_coll_shm_post(v->lr[root], s);
        if (all) {
            int from = v->lr[root];
            int rs = mp_coll_shm_wait(from);
            memcpy(out, mp_coll_shm_slot(from, rs), bytes);
            mp_coll_shm_ack(from);
        }
        return MP_OK;
    }
    int s = mp_coll_shm_slot_take();
    unsigned char *acc = mp_coll_shm_slot(v->lr[v->rank], s);
    mp_status_t st = fold(v, mine, acc, count, dt, op);
    if (all) {
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], s);
            }
        }
    }
    memcpy(out, acc, bytes);
    return st;
}
