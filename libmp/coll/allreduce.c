/*
 * Allreduce by recursive doubling. With p not a power of two, the first 2 * (p - p') ranks fold
 * in pairs first (the odd one keeps even op odd) and get the result back at the end. In every
 * exchange the lower group's value is the left operand, so every rank combines the same
 * operands in the same order: results are bitwise identical everywhere and rank order holds
 * for non-commutative ops too. Long vectors with a commutative op go around a ring instead
 * (reduce-scatter then allgather): each rank sends about 2 (p - 1) / p of the data rather than
 * log2 p times all of it, and each segment is reduced once, then copied, so the results are
 * still the same bits everywhere. With a power-of-two p, long vectors take Rabenseifner's
 * algorithm instead: a reduce-scatter by recursive halving, then an allgather by recursive
 * doubling, as much data as the ring in log2 p rounds rather than p - 1 (each segment is again
 * reduced once, at one rank, then copied).
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

/* The most halvings: a power-of-two communicator of up to 2^62 ranks. */
#define HALVINGS_MAX 62

/* Rabenseifner's allreduce for a power-of-two p (see the top of the file). */
static void halving_doubling(mp_coll_sched_t *s, void *rbuf, size_t count, const mp_datatype_t *dt,
                             const mp_op_t *op)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    void *tmp = mp_coll_sched_tmp(s, count / 2 + 1, dt);
    if (tmp == NULL) {
        return;
    }
    /* Level k halves the window [lo[k], lo[k] + n[k]) that r and its peer r ^ mask share:
     * the lower rank keeps the first half, the upper the second. */
    size_t lo[HALVINGS_MAX], n[HALVINGS_MAX];
    size_t wlo = 0, wn = count;
    int levels = 0;
    for (int mask = p / 2; mask >= 1; mask >>= 1, levels++) {
        int peer = r ^ mask;
        size_t half = wn / 2;
        lo[levels] = wlo;
        n[levels] = wn;
        size_t keep_lo = (r & mask) == 0 ? wlo : wlo + half;
        size_t keep_n = (r & mask) == 0 ? half : wn - half;
        size_t give_lo = (r & mask) == 0 ? wlo + half : wlo;
        size_t give_n = wn - keep_n;
        char *keep = (char *)rbuf + (ptrdiff_t)keep_lo * dt->extent;
        mp_coll_sched_recv(s, tmp, keep_n, dt, peer);
        mp_coll_sched_send(s, (char *)rbuf + (ptrdiff_t)give_lo * dt->extent, give_n, dt, peer);
        mp_coll_sched_fence(s);
        mp_coll_sched_reduce(s, tmp, keep, keep_n, dt, op); /* commutative: any order */
        wlo = keep_lo;
        wn = keep_n;
    }
    /* Back up the levels: the peer holds the other half of the window, finished. */
    for (int k = levels - 1; k >= 0; k--) {
        int peer = r ^ (1 << (levels - 1 - k));
        size_t other_lo = wlo == lo[k] ? lo[k] + wn : lo[k];
        size_t other_n = n[k] - wn;
        mp_coll_sched_recv(s, (char *)rbuf + (ptrdiff_t)other_lo * dt->extent, other_n, dt, peer);
        mp_coll_sched_send(s, (char *)rbuf + (ptrdiff_t)wlo * dt->extent, wn, dt, peer);
        mp_coll_sched_fence(s);
        wlo = lo[k];
        wn = n[k];
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
    if (commutative && count >= (size_t)p && mp_datatype_bytes(dt, count) >= ALLREDUCE_RING_BYTES) {
        if ((p & (p - 1)) == 0) {
            halving_doubling(s, rbuf, count, dt, op);
            return;
        }
        if (p > 2) {
            ring(s, rbuf, count, dt, op);
            return;
        }
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
