/*
 * Windows of nonblocking messages around the eager limit, in both directions at once and in one
 * direction alone: every rank sends a window to each ring neighbour while receiving theirs, so
 * that channels fill and medium messages change protocol mid-window (libmp: rendezvous when
 * both directions are busy). Checks that each message lands in the receive posted for it (the
 * non-overtaking rule), its status, and every byte. Some sends are synchronous.
 * Usage: window [iterations].
 */
#include "p2ptest.h"

#define WINDOW 64
#define TAG_FROM_LEFT 1
#define TAG_FROM_RIGHT 2

static const int sizes[] = {1,         8 * 1024,      16 * 1024 - 1,
                            16 * 1024, 16 * 1024 + 1, 24 * 1024 + 5,
                            32 * 1024, 32 * 1024 + 1, 48 * 1024};

static int me, nprocs;

/* The seed of message k of an exchange, from who sent it on which tag. */
static uint64_t seed_of(int src, int tag, long k)
{
    return p2p_seed(src, tag, (uint64_t)k);
}

/* One window. Both ways: to each ring neighbour (the right one's end sees tag FROM_LEFT, the
 * left one's FROM_RIGHT), receiving theirs alike. One way: in pairs, rank 2k to rank 2k + 1
 * only (an odd last rank sits out). */
static void exchange(int size, long round, bool both_ways, unsigned char **sbuf,
                     unsigned char **rbuf)
{
    int left = (me - 1 + nprocs) % nprocs;
    int right = (me + 1) % nprocs;
    int nto = both_ways ? 2 : (me % 2 == 0 && me + 1 < nprocs);
    int nfrom = both_ways ? 2 : me % 2;
    MPI_Request req[4 * WINDOW];
    MPI_Status st[4 * WINDOW];
    int nreq = 0;
    for (int d = 0; d < nfrom; d++) {
        int from = d == 0 ? left : right;
        int tag = d == 0 ? TAG_FROM_LEFT : TAG_FROM_RIGHT;
        for (int i = 0; i < WINDOW; i++) {
            unsigned char *b = rbuf[d * WINDOW + i];
            memset(b, 0, (size_t)size);
            P2P_MPI(MPI_Irecv(b, size, MPI_BYTE, from, tag, MPI_COMM_WORLD, &req[nreq++]));
        }
    }
    for (int d = 0; d < nto; d++) {
        int to = d == 0 ? right : left;
        int tag = d == 0 ? TAG_FROM_LEFT : TAG_FROM_RIGHT;
        for (int i = 0; i < WINDOW; i++) {
            unsigned char *b = sbuf[d * WINDOW + i];
            p2p_fill(b, (size_t)size, seed_of(me, tag, round * WINDOW + i));
            if (i % 7 == 3) {
                P2P_MPI(MPI_Issend(b, size, MPI_BYTE, to, tag, MPI_COMM_WORLD, &req[nreq++]));
            } else {
                P2P_MPI(MPI_Isend(b, size, MPI_BYTE, to, tag, MPI_COMM_WORLD, &req[nreq++]));
            }
        }
    }
    P2P_MPI(MPI_Waitall(nreq, req, st));
    for (int d = 0; d < nfrom; d++) {
        int from = d == 0 ? left : right;
        int tag = d == 0 ? TAG_FROM_LEFT : TAG_FROM_RIGHT;
        for (int i = 0; i < WINDOW; i++) {
            char what[96];
            snprintf(what, sizeof(what), "size %d round %ld %s message %d from rank %d", size,
                     round, both_ways ? "both ways" : "one way", i, from);
            p2p_status_is(&st[d * WINDOW + i], from, tag, size, what);
            p2p_check(rbuf[d * WINDOW + i], (size_t)size, seed_of(from, tag, round * WINDOW + i),
                      what);
        }
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    mpt_set_rank(me);
    long iterations = argc > 1 ? mpt_parse_long(argv[1], "iterations") : 3;
    int max = sizes[sizeof(sizes) / sizeof(sizes[0]) - 1];
    unsigned char *sbuf[2 * WINDOW], *rbuf[2 * WINDOW];
    for (int i = 0; i < 2 * WINDOW; i++) {
        sbuf[i] = p2p_malloc((size_t)max);
        rbuf[i] = p2p_malloc((size_t)max);
    }
    long round = 0;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (long it = 0; it < iterations; it++) {
            exchange(sizes[s], round++, true, sbuf, rbuf);
            exchange(sizes[s], round++, false, sbuf, rbuf);
        }
    }
    for (int i = 0; i < 2 * WINDOW; i++) {
        free(sbuf[i]);
        free(rbuf[i]);
    }
    int rc = mpt_finish(me);
    MPI_Finalize();
    return rc;
}
