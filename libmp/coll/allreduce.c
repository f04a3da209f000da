/*
 * Allreduce by recursive doubling. With p not a power of two, the first 2 * (p - p') ranks fold
 * in pairs first (the odd one keeps even op odd) and get the result back at the end. In every
 * exchange the lower group's value is the left operand, so every rank combines the same
 * operands in the same order: results are bitwise identical everywhere and rank order holds
 * for non-commutative ops too.
 */
#include <mpi.h>

#include "coll/coll.h"

void mp_coll_allreduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                       const mp_datatype_t *dt, const mp_op_t *op)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, count, dt, rbuf, count, dt);
    }
    if (p == 1 || count == 0) {
        return;
    }
    void *acc = rbuf;
    void *spare = mp_coll_sched_tmp(s, count, dt);
    if (spare == NULL) {
        return;
    }
    int pof2 = 1;
    while (pof2 * 2 <= p) {
        pof2 *= 2;
    }
    int rem = p - pof2;
    int newrank;
    if (r < 2 * rem) {
        if (r % 2 == 0) {
            /* Hand my value to r + 1, and wait for the result at the end. */
            mp_coll_sched_send(s, acc, count, dt, r + 1);
            mp_coll_sched_fence(s);
            mp_coll_sched_recv(s, rbuf, count, dt, r + 1);
            return;
        }
        mp_coll_sched_recv(s, spare, count, dt, r - 1);
        mp_coll_sched_fence(s);
        mp_coll_sched_reduce(s, spare, acc, count, dt, op); /* acc = left op mine */
        newrank = r / 2;
    } else {
        newrank = r - rem;
    }
    for (int mask = 1; mask < pof2; mask <<= 1) {
        int newpeer = newrank ^ mask;
        int peer = newpeer < rem ? newpeer * 2 + 1 : newpeer + rem;
        mp_coll_sched_recv(s, spare, count, dt, peer);
        mp_coll_sched_send(s, acc, count, dt, peer);
        mp_coll_sched_fence(s);
        if (newpeer < newrank) {
            mp_coll_sched_reduce(s, spare, acc, count, dt, op); /* acc = theirs op mine */
        } else {
            mp_coll_sched_reduce(s, acc, spare, count, dt, op); /* spare = mine op theirs */
            void *t = acc;
            acc = spare;
            spare = t;
        }
    }
    if (acc != rbuf) {
        mp_coll_sched_copy(s, acc, count, dt, rbuf, count, dt);
    }
    if (r < 2 * rem) {
        mp_coll_sched_send(s, rbuf, count, dt, r - 1);
    }
}
