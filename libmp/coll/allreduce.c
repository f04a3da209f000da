/*
 * Allreduce by recursive doubling. With p not a power of two, the first 2 * (p - p') ranks fold
 * in pairs first (the odd one keeps even op odd) and get the result back at the end. In every
 * exchange the lower group's value is the left operand, so every rank combines the same
 * operands in the same order: results are bitwise identical everywhere and rank order holds
 * for non-commutative ops too. Long vectors with a commutative op go around a ring instead
 * (reduce-scatter then allgather): each rank sends about 2 (p - 1) / p of the data rather than
 * log2 p times all of it, and each segment is reduced once, then copied, so the results are
 * still the same bits everywhere.
 */
#include <mpi.h>

#include "coll/coll.h"

/* From this many bytes on, a commutative allreduce goes around the ring. */
#define ALLREDUCE_RING_BYTES (64 * 1024)

/* Elements [first, first + n) of segment i of p over count. */
static void segment(size_t count, int p, int i, size_t *first_p, size_t *n_p)
{
    size_t base = count / (size_t)p, extra = count % (size_t)p, ui = (size_t)i;
    *first_p = ui * base + (ui < extra ? ui : extra);
    *n_p = base + (ui < extra ? 1 : 0);
}

static void ring(mp_coll_sched_t *s, void *rbuf, size_t count, const mp_datatype_t *dt,
                 const mp_op_t *op)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank, left = (r - 1 + p) % p, right = (r + 1) % p;
    void *tmp = mp_coll_sched_tmp(s, count / (size_t)p + 1, dt);
    if (tmp == NULL) {
        return;
    }
    /* Reduce-scatter: after step k, segment r - k - 1 holds k + 2 ranks' data. */
    for (int k = 0; k < p - 1; k++) {
        size_t sf, sn, rf, rn;
        segment(count, p, (r - k + p) % p, &sf, &sn);
        segment(count, p, (r - k - 1 + p) % p, &rf, &rn);
        mp_coll_sched_recv(s, tmp, rn, dt, left);
        mp_coll_sched_send(s, (char *)rbuf + (ptrdiff_t)sf * dt->extent, sn, dt, right);
        mp_coll_sched_fence(s);
        mp_coll_sched_reduce(s, tmp, (char *)rbuf + (ptrdiff_t)rf * dt->extent, rn, dt, op);
    }
    /* Allgather: rank r holds the whole of segment r + 1; pass the finished segments on. */
    for (int k = 0; k < p - 1; k++) {
        size_t sf, sn, rf, rn;
        segment(count, p, (r + 1 - k + p) % p, &sf, &sn);
        segment(count, p, (r - k + p) % p, &rf, &rn);
        mp_coll_sched_recv(s, (char *)rbuf + (ptrdiff_t)rf * dt->extent, rn, dt, left);
        mp_coll_sched_send(s, (char *)rbuf + (ptrdiff_t)sf * dt->extent, sn, dt, right);
        mp_coll_sched_fence(s);
    }
}

void mp_coll_allreduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                       const mp_datatype_t *dt, const mp_op_t *op, bool commutative)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, count, dt, rbuf, count, dt);
    }
    if (p == 1 || count == 0) {
        return;
    }
    if (commutative && p > 2 && count >= (size_t)p &&
        mp_datatype_bytes(dt, count) >= ALLREDUCE_RING_BYTES) {
        ring(s, rbuf, count, dt, op);
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
