/*
 * Checks buffered sends: with a buffer attached (sized count + MPI_BSEND_OVERHEAD per message),
 * MPI_Bsend and MPI_Ibsend to every rank complete before any receive is posted, the send buffer
 * may be overwritten at once, every byte arrives, and detach returns the buffer attached.
 */
#include "p2ptest.h"

#define NSIZES 6

static const int sizes[NSIZES] = {0, 1, 100, 5000, 70000, 1 << 20};
static int rank, nprocs;

/* The ranks this rank sends to and receives from: all others, or itself when alone. */
static int peer(int i)
{
    return nprocs == 1 ? rank : (rank + 1 + i) % nprocs;
}

static int npeers(void)
{
    return nprocs == 1 ? 1 : nprocs - 1;
}

static int from(int i)
{
    return nprocs == 1 ? rank : (rank - 1 - i + nprocs) % nprocs;
}

/* Every size to every peer, buffered, then every message received after a barrier. */
static void check_all(unsigned char *sbuf, unsigned char *rbuf)
{
    int bsize = 0, dsize = -1;
    void *bbuf, *detached = NULL;

    for (int i = 0; i < npeers(); i++) {
        for (int k = 0; k < NSIZES; k++) {
            bsize += sizes[k] + MPI_BSEND_OVERHEAD;
        }
    }
    bbuf = p2p_malloc((size_t)bsize);
    P2P_MPI(MPI_Buffer_attach(bbuf, bsize));

    for (int i = 0; i < npeers(); i++) {
        for (int k = 0; k < NSIZES; k++) {
            int tag = 20 + k;
            p2p_fill(sbuf, (size_t)sizes[k], p2p_seed(rank, tag, (uint64_t)peer(i)));
            if (k % 2 == 0) {
                P2P_MPI(MPI_Bsend(sbuf, sizes[k], MPI_BYTE, peer(i), tag, MPI_COMM_WORLD));
            } else {
                MPI_Request req;
                int flag = 0;
                double t0 = p2p_now();
                P2P_MPI(MPI_Ibsend(sbuf, sizes[k], MPI_BYTE, peer(i), tag, MPI_COMM_WORLD, &req));
                /* Local completion: no receive is posted anywhere yet. */
                while (!flag && p2p_now() - t0 < 30) {
                    P2P_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
                }
                MPT_CHECK(flag, "Ibsend of %d bytes did not complete before the receive", sizes[k]);
                if (!flag) {
                    MPI_Abort(MPI_COMM_WORLD, 1);
                }
            }
            /* The data is in the attached buffer: the send buffer is free again. */
            memset(sbuf, 0xdd, (size_t)sizes[k]);
        }
    }

    /* Every rank has sent everything before anyone receives. */
    p2p_barrier(MPI_COMM_WORLD);

    for (int i = 0; i < npeers(); i++) {
        for (int k = NSIZES - 1; k >= 0; k--) {
            int tag = 20 + k;
            MPI_Status st;
            char what[96];
            snprintf(what, sizeof(what), "buffered message of %d bytes from rank %d", sizes[k],
                     from(i));
            p2p_guard_set(rbuf, (size_t)sizes[k]);
            p2p_status_poison(&st);
            P2P_MPI(MPI_Recv(rbuf, sizes[k], MPI_BYTE, from(i), tag, MPI_COMM_WORLD, &st));
            p2p_status_is(&st, from(i), tag, sizes[k], what);
            p2p_check(rbuf, (size_t)sizes[k], p2p_seed(from(i), tag, (uint64_t)rank), what);
            p2p_guard_check(rbuf, (size_t)sizes[k], what);
        }
    }

    P2P_MPI(MPI_Buffer_detach(&detached, &dsize));
    MPT_CHECK(detached == bbuf && dsize == bsize,
              "Buffer_detach returned %p and %d, but %p and %d were attached", detached, dsize,
              bbuf, bsize);
    free(bbuf);
}

/*
 * A buffer with room for exactly one message, used several times: each detach waits until the
 * message left, so the next attach may reuse the same memory.
 */
static void check_reuse(unsigned char *sbuf, unsigned char *rbuf)
{
    int bytes = 1000, bsize = bytes + MPI_BSEND_OVERHEAD, dsize;
    void *bbuf = p2p_malloc((size_t)bsize), *detached;
    int dest = peer(0), src = from(0);

    for (int round = 0; round < 3; round++) {
        MPI_Request rreq;
        P2P_MPI(MPI_Irecv(rbuf, bytes, MPI_BYTE, src, 40, MPI_COMM_WORLD, &rreq));
        P2P_MPI(MPI_Buffer_attach(bbuf, bsize));
        p2p_fill(sbuf, (size_t)bytes, p2p_seed(rank, 40, (uint64_t)round));
        P2P_MPI(MPI_Bsend(sbuf, bytes, MPI_BYTE, dest, 40, MPI_COMM_WORLD));
        memset(sbuf, 0xdd, (size_t)bytes);
        P2P_MPI(MPI_Buffer_detach(&detached, &dsize));
        MPT_CHECK(detached == bbuf && dsize == bsize, "detach in round %d", round);
        memset(bbuf, 0xdd, (size_t)bsize);
        P2P_MPI(MPI_Wait(&rreq, MPI_STATUS_IGNORE));
        p2p_check(rbuf, (size_t)bytes, p2p_seed(src, 40, (uint64_t)round),
                  "message through a reused attach buffer");
    }
    free(bbuf);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    mpt_set_rank(rank);

    unsigned char *sbuf = p2p_malloc(1 << 20);
    unsigned char *rbuf = p2p_malloc((1 << 20) + P2P_GUARD_BYTES);
    check_all(sbuf, rbuf);
    check_reuse(sbuf, rbuf);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
