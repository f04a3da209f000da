/*
 * Inclusive and exclusive scan by recursive doubling: in round k every rank swaps its partial
 * result (the reduction of a run of 2^k ranks ending at it) with rank ^ 2^k, and folds in what
 * comes from below. Lower ranks are always the left operand, so non-commutative ops hold.
 */
#include <mpi.h>

#include "coll/coll.h"

void mp_coll_scan(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                  const mp_datatype_t *dt, const mp_op_t *op, bool exclusive)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    const void *mine = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (!exclusive && sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, count, dt, rbuf, count, dt);
    }
    if (p == 1 || count == 0) {
        return;
    }
    void *partial = mp_coll_sched_tmp(s, count, dt);
    void *spare = mp_coll_sched_tmp(s, count, dt);
    if (partial == NULL || spare == NULL) {
        return;
    }
    mp_coll_sched_copy(s, mine, count, dt, partial, count, dt);
    bool have_result = !exclusive; /* exclusive: rbuf holds nothing until something comes */
    for (int mask = 1; mask < p; mask <<= 1) {
        int peer = r ^ mask;
        if (peer >= p) {
            continue;
        }
        mp_coll_sched_recv(s, spare, count, dt, peer);
        mp_coll_sched_send(s, partial, count, dt, peer);
        mp_coll_sched_fence(s);
        if (peer < r) {
            if (have_result) {
                mp_coll_sched_reduce(s, spare, rbuf, count, dt, op); /* rbuf = below op rbuf */
            } else {
                mp_coll_sched_copy(s, spare, count, dt, rbuf, count, dt);
                have_result = true;
            }
            mp_coll_sched_reduce(s, spare, partial, count, dt, op); /* partial = below op it */
        } else {
            mp_coll_sched_reduce(s, partial, spare, count, dt, op); /* spare = it op above */
            void *t = partial;
            partial = spare;
            spare = t;
        }
    }
}
