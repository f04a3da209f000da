/*
 * Allgather: recursive doubling when the size is a power of two (log2 p rounds, each doubling
 * the blocks every rank holds); otherwise Bruck's algorithm for short blocks (ceil(log2 p)
 * rounds through a packed temporary buffer) and a ring for long ones (p - 1 rounds of one block
 * to each neighbour, each byte sent once). Recursive doubling and the ring move blocks in place
 * in the receive buffer, so any datatype works. Allgatherv uses the ring.
 */
#include <mpi.h>

#include "coll/coll.h"

static char *block(const void *buf, const mp_datatype_t *dt, ptrdiff_t elems)
{
    return (char *)buf + elems * dt->extent;
}

static void recursive_doubling(mp_coll_sched_t *s, void *rbuf, size_t rcount,
                               const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int r = comm->rank;
    for (int mask = 1; mask < comm->size; mask <<= 1) {
        int peer = r ^ mask;
        /* I hold the mask blocks starting at my group's first rank; the peer holds the next. */
        int mine = r & ~(mask - 1), theirs = peer & ~(mask - 1);
        size_t n = rcount * (size_t)mask;
        mp_coll_sched_recv(s, block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)theirs)), n, rdt, peer);
        mp_coll_sched_send(s, block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)mine)), n, rdt, peer);
        mp_coll_sched_fence(s);
    }
}

/* The ring over blocks given by counts and displacements (in elements of rdt). */
static void ring(mp_coll_sched_t *s, void *rbuf, const size_t *rcounts, const ptrdiff_t *displs,
                 size_t rcount, const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    for (int k = 0; k < p - 1; k++) {
        int sb = (r - k + p) % p, rb = (r - k - 1 + p) % p;
        size_t sn = rcounts != NULL ? rcounts[sb] : rcount;
        size_t rn = rcounts != NULL ? rcounts[rb] : rcount;
        ptrdiff_t sd = displs != NULL ? displs[sb] : (ptrdiff_t)(rcount * (size_t)sb);
        ptrdiff_t rd = displs != NULL ? displs[rb] : (ptrdiff_t)(rcount * (size_t)rb);
        mp_coll_sched_recv(s, block(rbuf, rdt, rd), rn, rdt, (r - 1 + p) % p);
        mp_coll_sched_send(s, block(rbuf, rdt, sd), sn, rdt, (r + 1) % p);
        mp_coll_sched_fence(s);
    }
}

/* Up to this many bytes in all, a non-power-of-two allgather uses Bruck's algorithm. */
#define ALLGATHER_BRUCK_BYTES (32 * 1024)

/* Bruck: tmp holds, packed, the blocks of ranks r, r + 1, ...; round k doubles them by taking
 * the k blocks that rank r + k holds. At the end they are unpacked, rotated, into rbuf. */
static void bruck(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                  void *rbuf, size_t rcount, const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    const mp_datatype_t *byte = mp_coll_byte();
    size_t blk = mp_datatype_bytes(rdt, rcount);
    char *tmp = mp_coll_sched_tmp(s, blk * (size_t)p, byte);
    if (tmp == NULL) {
        return;
    }
    if (sbuf == MPI_IN_PLACE) {
        mp_coll_sched_copy(s, block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)r)), rcount, rdt, tmp,
                           blk, byte);
    } else {
        mp_coll_sched_copy(s, sbuf, scount, sdt, tmp, blk, byte);
    }
    for (int k = 1; k < p; k <<= 1) {
        size_t n = (size_t)(k < p - k ? k : p - k);
        mp_coll_sched_recv(s, tmp + (size_t)k * blk, n * blk, byte, (r + k) % p);
        mp_coll_sched_send(s, tmp, n * blk, byte, (r - k + p) % p);
        mp_coll_sched_fence(s);
    }
    for (int i = 0; i < p; i++) {
        int owner = (r + i) % p;
        if (owner != r || sbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, tmp + (size_t)i * blk, blk, byte,
                               block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)owner)), rcount, rdt);
        }
    }
}

void mp_coll_allgather(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                       const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                       const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size;
    size_t total = mp_datatype_bytes(rdt, rcount) * (size_t)p;
    if (p > 1 && (p & (p - 1)) != 0 && total > 0 && total <= ALLGATHER_BRUCK_BYTES) {
        bruck(s, sbuf, scount, sdt, rbuf, rcount, rdt);
        return;
    }
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, scount, sdt,
                           block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)comm->rank)), rcount, rdt);
    }
    if (p == 1 || mp_datatype_bytes(rdt, rcount) == 0) {
        return;
    }
    if ((p & (p - 1)) == 0) {
        recursive_doubling(s, rbuf, rcount, rdt);
    } else {
        ring(s, rbuf, NULL, NULL, rcount, rdt);
    }
}

void mp_coll_allgatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                        const mp_datatype_t *sdt, void *rbuf, const size_t *rcounts,
                        const ptrdiff_t *displs, const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int r = comm->rank;
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, scount, sdt, block(rbuf, rdt, displs[r]), rcounts[r], rdt);
    }
    if (comm->size > 1) {
        ring(s, rbuf, rcounts, displs, 0, rdt);
    }
}
