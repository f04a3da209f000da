/*
 * All-to-all exchanges. Alltoall posts every receive and send at once for few ranks or
 * medium blocks, takes Bruck's algorithm for tiny blocks on many ranks (ceil(log2 p) rounds of
 * about p / 2 blocks each, through packed temporary buffers, rather than p - 1 messages), and
 * runs the pairwise exchange (round k: send to rank + k, receive from rank - k) for large ones,
 * so that no rank is flooded. Alltoallv and alltoallw post everything at once. In place, the
 * outgoing blocks are first packed into a temporary buffer.
 */
#include <mpi.h>

#include "coll/coll.h"

/* Below this block size, or with at most this many ranks, all messages go at once. */
#define ALLTOALL_PAIRWISE_BYTES 8192
#define ALLTOALL_LINEAR_RANKS 8

/* Up to this block size, with more than ALLTOALL_LINEAR_RANKS ranks, Bruck's algorithm. */
#define ALLTOALL_BRUCK_BYTES 256

static char *at(const void *buf, ptrdiff_t bytes)
{
    return (char *)buf + bytes;
}

/* Bruck: tmp holds, packed, my blocks for ranks r, r + 1, ...; round k moves every block whose
 * index has bit k set k ranks on (to r + k, taking r - k's in its place), so that at the end
 * block i came from rank r - i. */
static void bruck(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                  void *rbuf, size_t rcount, const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    const mp_datatype_t *byte = mp_coll_byte();
    size_t b = mp_datatype_bytes(rdt, rcount), half = (size_t)(p + 1) / 2;
    char *tmp = mp_coll_sched_tmp(s, b * (size_t)p, byte);
    char *out = mp_coll_sched_tmp(s, b * half, byte);
    char *in = mp_coll_sched_tmp(s, b * half, byte);
    if (tmp == NULL || out == NULL || in == NULL) {
        return;
    }
    ptrdiff_t sext = (ptrdiff_t)scount * sdt->extent, rext = (ptrdiff_t)rcount * rdt->extent;
    for (int i = 0; i < p; i++) {
        mp_coll_sched_copy(s, at(sbuf, sext * ((r + i) % p)), scount, sdt, tmp + (size_t)i * b, b,
                           byte);
    }
    for (int k = 1; k < p; k <<= 1) {
        size_t m = 0;
        for (int i = k; i < p; i++) {
            if (i & k) {
                mp_coll_sched_copy(s, tmp + (size_t)i * b, b, byte, out + m++ * b, b, byte);
            }
        }
        mp_coll_sched_recv(s, in, m * b, byte, (r - k + p) % p);
        mp_coll_sched_send(s, out, m * b, byte, (r + k) % p);
        mp_coll_sched_fence(s);
        m = 0;
        for (int i = k; i < p; i++) {
            if (i & k) {
                mp_coll_sched_copy(s, in + m++ * b, b, byte, tmp + (size_t)i * b, b, byte);
            }
        }
    }
    for (int i = 0; i < p; i++) {
        mp_coll_sched_copy(s, tmp + (size_t)i * b, b, byte, at(rbuf, rext * ((r - i + p) % p)),
                           rcount, rdt);
    }
}

void mp_coll_alltoall(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                      void *rbuf, size_t rcount, const mp_datatype_t *rdt)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    if (sbuf == MPI_IN_PLACE) {
        /* Send what the receive buffer holds now: pack it away first. */
        size_t bytes = mp_datatype_bytes(rdt, rcount * (size_t)p);
        void *tmp = mp_coll_sched_tmp(s, bytes, mp_coll_byte());
        if (tmp == NULL) {
            return;
        }
        mp_coll_sched_copy(s, rbuf, rcount * (size_t)p, rdt, tmp, bytes, mp_coll_byte());
        sbuf = tmp;
        sdt = mp_coll_byte();
        scount = mp_datatype_bytes(rdt, rcount);
    }
    size_t block = mp_datatype_bytes(rdt, rcount);
    if (p > ALLTOALL_LINEAR_RANKS && block > 0 && block <= ALLTOALL_BRUCK_BYTES) {
        bruck(s, sbuf, scount, sdt, rbuf, rcount, rdt);
        return;
    }
    ptrdiff_t sext = (ptrdiff_t)scount * sdt->extent, rext = (ptrdiff_t)rcount * rdt->extent;
    mp_coll_sched_copy(s, at(sbuf, sext * r), scount, sdt, at(rbuf, rext * r), rcount, rdt);
    bool pairwise =
        mp_datatype_bytes(rdt, rcount) >= ALLTOALL_PAIRWISE_BYTES && p > ALLTOALL_LINEAR_RANKS;
    for (int k = 1; k < p; k++) {
        int to = (r + k) % p, from = (r - k + p) % p;
        mp_coll_sched_recv(s, at(rbuf, rext * from), rcount, rdt, from);
        mp_coll_sched_send(s, at(sbuf, sext * to), scount, sdt, to);
        if (pairwise) {
            mp_coll_sched_fence(s);
        }
    }
}

void mp_coll_alltoallw(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                       const ptrdiff_t *sdispls, const mp_datatype_t *const *sdts, void *rbuf,
                       const size_t *rcounts, const ptrdiff_t *rdispls,
                       const mp_datatype_t *const *rdts, bool bytes_displs)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    const mp_datatype_t *byte = mp_coll_byte();
    char *packed = NULL;
    size_t *offs = NULL;
    if (sbuf == MPI_IN_PLACE) {
        /* Pack every outgoing block (what the receive buffer holds now) one after another. */
        size_t total = 0;
        for (int i = 0; i < p; i++) {
            total += mp_datatype_bytes(rdts[i], rcounts[i]);
        }
        packed = mp_coll_sched_tmp(s, total, byte);
        offs = mp_coll_sched_tmp(s, (size_t)p * sizeof(size_t), byte);
        if (packed == NULL || offs == NULL) {
            return;
        }
        size_t off = 0;
        for (int i = 0; i < p; i++) {
            ptrdiff_t d = bytes_displs ? rdispls[i] : rdispls[i] * rdts[i]->extent;
            size_t n = mp_datatype_bytes(rdts[i], rcounts[i]);
            offs[i] = off;
            mp_coll_sched_copy(s, at(rbuf, d), rcounts[i], rdts[i], packed + off, n, byte);
            off += n;
        }
    }
    for (int k = 0; k < p; k++) {
        int to = (r + k) % p, from = (r - k + p) % p;
        ptrdiff_t rd = bytes_displs ? rdispls[from] : rdispls[from] * rdts[from]->extent;
        const void *src;
        size_t sn;
        const mp_datatype_t *st;
        if (packed != NULL) {
            src = packed + offs[to];
            sn = mp_datatype_bytes(rdts[to], rcounts[to]);
            st = byte;
        } else {
            ptrdiff_t sd = bytes_displs ? sdispls[to] : sdispls[to] * sdts[to]->extent;
            src = at(sbuf, sd);
            sn = scounts[to];
            st = sdts[to];
        }
        if (k == 0) {
            if (packed == NULL) {
                mp_coll_sched_copy(s, src, sn, st, at(rbuf, rd), rcounts[r], rdts[r]);
            }
            continue;
        }
        mp_coll_sched_recv(s, at(rbuf, rd), rcounts[from], rdts[from], from);
        mp_coll_sched_send(s, src, sn, st, to);
    }
}
