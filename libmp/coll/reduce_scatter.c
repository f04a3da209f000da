/*
 * Reduce_scatter and reduce_scatter_block: a reduce of all the blocks to rank 0 (in rank order,
 * so non-commutative ops hold) into a temporary buffer, then a scatter of block i to rank i.
 */
#include <mpi.h>

#include "coll/coll.h"

void mp_coll_reduce_scatter(mp_coll_sched_t *s, const void *sbuf, void *rbuf, const size_t *rcounts,
                            const mp_datatype_t *dt, const mp_op_t *op, bool commutative)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    size_t total = 0, mine = 0;
    for (int i = 0; i < p; i++) {
        if (i == r) {
            mine = total;
        }
        total += rcounts[i];
    }
    const void *data = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    void *all = NULL;
    if (r == 0) {
        all = mp_coll_sched_tmp(s, total, dt);
        if (all == NULL) {
            return;
        }
    }
    mp_coll_reduce(s, data, all, total, dt, op, commutative, 0);
    mp_coll_sched_fence(s);
    if (r != 0) {
        mp_coll_sched_recv(s, rbuf, rcounts[r], dt, 0);
        return;
    }
    size_t off = 0;
    for (int i = 0; i < p; i++) {
        char *blk = (char *)all + (ptrdiff_t)off * dt->extent;
        if (i == 0) {
            mp_coll_sched_copy(s, blk, rcounts[0], dt, rbuf, rcounts[0], dt);
        } else {
            mp_coll_sched_send(s, blk, rcounts[i], dt, i);
        }
        off += rcounts[i];
    }
    (void)mine;
}
