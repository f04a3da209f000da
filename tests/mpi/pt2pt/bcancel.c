/*
 * Checks MPI_Cancel of MPI_Ibsend: a buffered message the receiver has not matched is cancelled
 * (MPI_Test_cancelled true), never arrives, and its space in the attached buffer comes back (the
 * buffer holds one message, and a buffered send of the same size follows each cancel); eager,
 * several fragments and rendezvous sizes. Pairs of ranks (2k sends, 2k+1 receives); a rank
 * without a partner sends to itself.
 */
#include "p2ptest.h"

#define TAG_CANCELLED 40 /* + k: the cancelled message of size k */
#define TAG_KEPT 50      /* + k: the buffered message that follows it */
#define TAG_END 60
#define NSIZES 3

static const int sizes[NSIZES] = {100, 24576, 1 << 20}; /* ascending: the buffer fits the last */

/* libmp cancels every unmatched send; other MPIs may decline (the test then follows along). */
#if defined(OPEN_MPI) || defined(MPICH_VERSION)
#define MUST_CANCEL 0
#else
#define MUST_CANCEL 1
#endif

static void send_part(int rank, int partner)
{
    int cancelled[NSIZES];
    int max = sizes[NSIZES - 1];
    /* One message's worth where cancels must free their space; room for all elsewhere (a
     * message not cancelled keeps its space until the receive part takes it). */
    int bufsize = max + MPI_BSEND_OVERHEAD;
    for (int k = 0; !MUST_CANCEL && k < NSIZES; k++) {
        bufsize += 2 * (sizes[k] + MPI_BSEND_OVERHEAD);
    }
    unsigned char *attached = p2p_malloc((size_t)bufsize);
    unsigned char *sbuf = p2p_malloc((size_t)max);
    P2P_MPI(MPI_Buffer_attach(attached, bufsize));
    for (int k = 0; k < NSIZES; k++) {
        MPI_Request req;
        MPI_Status st;
        int flag = -1;
        p2p_fill(sbuf, (size_t)sizes[k], p2p_seed(rank, TAG_CANCELLED + k, 0));
        P2P_MPI(
            MPI_Ibsend(sbuf, sizes[k], MPI_BYTE, partner, TAG_CANCELLED + k, MPI_COMM_WORLD, &req));
        P2P_MPI(MPI_Cancel(&req));
        P2P_MPI(MPI_Wait(&req, &st));
        P2P_MPI(MPI_Test_cancelled(&st, &flag));
        MPT_CHECK(flag || !MUST_CANCEL, "Ibsend of %d bytes, not matched, was not cancelled",
                  sizes[k]);
        cancelled[k] = flag;
        p2p_fill(sbuf, (size_t)sizes[k], p2p_seed(rank, TAG_KEPT + k, 0));
        P2P_MPI(MPI_Bsend(sbuf, sizes[k], MPI_BYTE, partner, TAG_KEPT + k, MPI_COMM_WORLD));
    }
    P2P_MPI(MPI_Send(cancelled, NSIZES, MPI_INT, partner, TAG_END, MPI_COMM_WORLD));
    free(sbuf);
    /* Detach waits for the buffered messages, which the receive part takes. */
    if (partner != rank) {
        void *addr;
        int n;
        P2P_MPI(MPI_Buffer_detach(&addr, &n));
        free(attached);
    }
}

static void receive_one(unsigned char *buf, int partner, int tag, int n, const char *what)
{
    MPI_Status st;
    P2P_MPI(MPI_Recv(buf, n, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &st));
    if (p2p_status_is(&st, partner, tag, n, what)) {
        p2p_check(buf, (size_t)n, p2p_seed(partner, tag, 0), what);
    }
}

static void receive_part(int partner)
{
    int cancelled[NSIZES];
    unsigned char *rbuf = p2p_malloc((size_t)sizes[NSIZES - 1]);
    /* Messages from one sender arrive in order: the cancelled ones would be here by now. */
    P2P_MPI(
        MPI_Recv(cancelled, NSIZES, MPI_INT, partner, TAG_END, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int k = 0; k < NSIZES; k++) {
        receive_one(rbuf, partner, TAG_KEPT + k, sizes[k], "the message after the cancel");
        int there = -1;
        P2P_MPI(MPI_Iprobe(partner, TAG_CANCELLED + k, MPI_COMM_WORLD, &there, MPI_STATUS_IGNORE));
        if (cancelled[k]) {
            MPT_CHECK(!there, "the cancelled %d-byte message arrived", sizes[k]);
        } else {
            receive_one(rbuf, partner, TAG_CANCELLED + k, sizes[k], "a message not cancelled");
        }
    }
    free(rbuf);
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    if (partner >= rank) {
        send_part(rank, partner);
    }
    if (partner <= rank) {
        receive_part(partner);
    }
    if (partner == rank) {
        void *addr;
        int n;
        P2P_MPI(MPI_Buffer_detach(&addr, &n));
        free(addr);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
