/*
 * Gather and scatter with their v-variants: the root posts one receive (or send) per rank,
 * straight into (or out of) the user's buffer, so no data is copied on the way; the root's own
 * block is a local copy unless it is MPI_IN_PLACE. Gather and scatter (not the v-forms) of
 * small blocks on many ranks go along a binomial tree instead: ceil(log2 p) rounds in which
 * every rank passes on the packed blocks of its subtree, so the root handles log2 p messages
 * rather than p - 1. Every rank must therefore know which form it takes part in: the API
 * builds a non-root's steps with the plain builders for the plain forms only.
 */
#include <mpi.h>

#include "coll/coll.h"

static char *block(const void *buf, const mp_datatype_t *dt, ptrdiff_t elems)
{
    return (char *)buf + elems * dt->extent;
}

/* With at least this many ranks, and blocks up to TREE_BYTES, gather and scatter take the
 * tree. */
#define TREE_MIN_RANKS 9
#define TREE_BYTES 4096

/* Blocks in the subtree of relative rank rel below level mask (rel's own included). */
static size_t subtree(int rel, int mask, int p)
{
    return (size_t)(mask < p - rel ? mask : p - rel);
}

/* The level at which relative rank rel hands its subtree up: its lowest set bit (for the root,
 * the first power of two from p on). */
static int tree_top(int rel, int p)
{
    int top = 1;
    while (top < p && (rel & top) == 0) {
        top <<= 1;
    }
    return top;
}

/* Binomial gather: relative rank rel (to root) collects, packed in tmp, the b-byte blocks of
 * rel, rel + 1, ... of its subtree, and hands them to its parent; the root unpacks them. */
static void gather_tree(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                        const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                        const mp_datatype_t *rdt, int root, size_t b)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, rel = (comm->rank - root + p) % p, top = tree_top(rel, p);
    const mp_datatype_t *byte = mp_coll_byte();
    size_t mine = subtree(rel, top, p);
    char *tmp = mp_coll_sched_tmp(s, b * mine, byte);
    if (tmp == NULL) {
        return;
    }
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, scount, sdt, tmp, b, byte);
    }
    for (int mask = 1; mask < top && rel + mask < p; mask <<= 1) {
        mp_coll_sched_recv(s, tmp + (size_t)mask * b, subtree(rel + mask, mask, p) * b, byte,
                           (rel + mask + root) % p);
    }
    mp_coll_sched_fence(s);
    if (rel != 0) {
        mp_coll_sched_send(s, tmp, mine * b, byte, (rel - top + root) % p);
        return;
    }
    for (int i = 0; i < p; i++) {
        if (i != 0 || sbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, tmp + (size_t)i * b, b, byte,
                               block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)((root + i) % p))),
                               rcount, rdt);
        }
    }
}

/* Binomial scatter, the other way round: the root packs the blocks in tree order, and every
 * rank takes its subtree's from its parent, keeps its own and passes the rest down. */
static void scatter_tree(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                         const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                         const mp_datatype_t *rdt, int root, size_t b)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, rel = (comm->rank - root + p) % p, top = tree_top(rel, p);
    const mp_datatype_t *byte = mp_coll_byte();
    size_t mine = subtree(rel, top, p);
    char *tmp = mp_coll_sched_tmp(s, b * mine, byte);
    if (tmp == NULL) {
        return;
    }
    if (rel == 0) {
        for (int i = 0; i < p; i++) {
            const char *src = block(sbuf, sdt, (ptrdiff_t)(scount * (size_t)((root + i) % p)));
            mp_coll_sched_copy(s, src, scount, sdt, tmp + (size_t)i * b, b, byte);
        }
    } else {
        mp_coll_sched_recv(s, tmp, mine * b, byte, (rel - top + root) % p);
        mp_coll_sched_fence(s);
    }
    for (int mask = top >> 1; mask >= 1; mask >>= 1) {
        if (rel + mask < p) {
            mp_coll_sched_send(s, tmp + (size_t)mask * b, subtree(rel + mask, mask, p) * b, byte,
                               (rel + mask + root) % p);
        }
    }
    if (rel != 0 || rbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, tmp, b, byte, rbuf, rcount, rdt);
    }
}

void mp_coll_gatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, const size_t *rcounts, const ptrdiff_t *displs,
                     const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_send(s, sbuf, scount, sdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        if (i != root) {
            mp_coll_sched_recv(s, block(rbuf, rdt, displs[i]), rcounts[i], rdt, i);
        }
    }
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, scount, sdt, block(rbuf, rdt, displs[root]), rcounts[root],
                           rdt);
    }
}

void mp_coll_gather(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                    void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    /* The block's bytes, the same on every rank: the root's receive type, the others' send. */
    size_t b = comm->rank == root ? mp_datatype_bytes(rdt, rcount) : mp_datatype_bytes(sdt, scount);
    if (comm->size >= TREE_MIN_RANKS && b > 0 && b <= TREE_BYTES) {
        gather_tree(s, sbuf, scount, sdt, rbuf, rcount, rdt, root, b);
        return;
    }
    if (comm->rank != root) {
        mp_coll_sched_send(s, sbuf, scount, sdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        char *dst = block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)i));
        if (i != root) {
            mp_coll_sched_recv(s, dst, rcount, rdt, i);
        } else if (sbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, sbuf, scount, sdt, dst, rcount, rdt);
        }
    }
}

void mp_coll_scatterv(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                      const ptrdiff_t *displs, const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                      const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_recv(s, rbuf, rcount, rdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        if (i != root) {
            mp_coll_sched_send(s, block(sbuf, sdt, displs[i]), scounts[i], sdt, i);
        }
    }
    if (rbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, block(sbuf, sdt, displs[root]), scounts[root], sdt, rbuf, rcount,
                           rdt);
    }
}

void mp_coll_scatter(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    /* The block's bytes, the same on every rank: the root's send type, the others' receive. */
    size_t b = comm->rank == root ? mp_datatype_bytes(sdt, scount) : mp_datatype_bytes(rdt, rcount);
    if (comm->size >= TREE_MIN_RANKS && b > 0 && b <= TREE_BYTES) {
        scatter_tree(s, sbuf, scount, sdt, rbuf, rcount, rdt, root, b);
        return;
    }
    if (comm->rank != root) {
        mp_coll_sched_recv(s, rbuf, rcount, rdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        const char *src = block(sbuf, sdt, (ptrdiff_t)(scount * (size_t)i));
        if (i != root) {
            mp_coll_sched_send(s, src, scount, sdt, i);
        } else if (rbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, src, scount, sdt, rbuf, rcount, rdt);
        }
    }
}
