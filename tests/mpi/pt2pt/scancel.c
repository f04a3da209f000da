/*
 * Checks MPI_Cancel of sends: a send the receiver has not matched is cancelled (MPI_Test_cancelled
 * true) and its message never arrives, whether it waited unexpected at the receiver (eager,
 * several fragments, synchronous, rendezvous) or had not left the sender (a channel filled
 * first); a send the receiver matched is not cancelled and arrives whole. Also to oneself.
 * Pairs of ranks (2k sends, 2k+1 receives); a rank without a partner works with itself.
 */
#include "p2ptest.h"

#define TAG_MSG 7
#define NSIZES 4
#define NFILL 48 /* 8 KiB messages: more than the shm channel holds (32 cells) */

static const int sizes[NSIZES] = {0, 100, 24576, 1 << 20};
static int rank, size, partner;
static bool sender, receiver;

/* libmp cancels every unmatched send; other MPIs may decline (the test then follows along). */
#if defined(OPEN_MPI) || defined(MPICH_VERSION)
#define MUST_CANCEL 0
#else
#define MUST_CANCEL 1
#endif

static int start_send(bool sync, const unsigned char *buf, int n, MPI_Request *req)
{
    if (sync) {
        return MPI_Issend(buf, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, req);
    }
    return MPI_Isend(buf, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, req);
}

/* Cancels req and returns MPI_Test_cancelled after the wait. */
static int cancel_wait(MPI_Request *req, const char *what)
{
    MPI_Status st;
    int flag = -1;

    P2P_MPI(MPI_Cancel(req));
    P2P_MPI(MPI_Wait(req, &st));
    MPT_CHECK(*req == MPI_REQUEST_NULL, "%s: the request is still there after the wait", what);
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    return flag;
}

/* Receives the message with seq (n bytes) and checks every byte and the status. */
static void recv_msg(unsigned char *buf, int n, uint64_t seq, const char *what)
{
    MPI_Status st;

    memset(buf, 0, (size_t)n);
    P2P_MPI(MPI_Recv(buf, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, &st));
    p2p_status_is(&st, partner, TAG_MSG, n, what);
    p2p_check(buf, (size_t)n, p2p_seed(partner, TAG_MSG, seq), what);
}

/* The receiver learns which messages were cancelled: one int per message, in a sync message. */
static void tell(const int *cancelled, int count)
{
    if (sender) {
        P2P_MPI(MPI_Send(cancelled, count, MPI_INT, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
    }
}

static void hear(int *cancelled, int count)
{
    if (receiver) {
        P2P_MPI(MPI_Recv(cancelled, count, MPI_INT, partner, P2P_TAG_SYNC, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE));
    }
}

/* Nothing more with TAG_MSG waits for the receiver: a cancelled message did not arrive late. */
static void check_nothing_left(const char *what)
{
    int flag = 1;

    /* The sender's next sync message comes after anything it sent before. */
    if (sender) {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
    }
    if (receiver) {
        P2P_MPI(
            MPI_Recv(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        MPI_Status st;
        int n = -1;
        P2P_MPI(MPI_Iprobe(partner, TAG_MSG, MPI_COMM_WORLD, &flag, &st));
        if (flag) {
            MPI_Get_count(&st, MPI_BYTE, &n);
        }
        MPT_CHECK(!flag, "%s: a message of %d bytes is left after the cancelled ones", what, n);
    }
    /* The sender's next messages come after the probe. */
    if (receiver) {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
    }
    if (sender) {
        P2P_MPI(
            MPI_Recv(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
}

/* Unmatched: each size, standard and synchronous, sent and cancelled before any receive. */
static void unmatched(unsigned char *sbuf, unsigned char *rbuf)
{
    for (int s = 0; s < NSIZES; s++) {
        for (int sync = 0; sync < 2; sync++) {
            int n = sizes[s], cancelled = 0;
            uint64_t seq = (uint64_t)(s * 2 + sync);
            char what[64];
            snprintf(what, sizeof(what), "unmatched %s send of %d bytes", sync ? "sync" : "std", n);
            if (sender) {
                MPI_Request req;
                p2p_fill(sbuf, (size_t)n, p2p_seed(rank, TAG_MSG, seq));
                P2P_MPI(start_send(sync, sbuf, n, &req));
                cancelled = cancel_wait(&req, what);
                MPT_CHECK(cancelled || !MUST_CANCEL, "%s: not cancelled", what);
            }
            tell(&cancelled, 1);
            hear(&cancelled, 1);
            if (receiver && !cancelled) {
                recv_msg(rbuf, n, seq, what);
            }
            check_nothing_left(what);
        }
    }
}

/* Matched: the receiver has the message before the cancel, which then fails. */
static void matched(unsigned char *sbuf, unsigned char *rbuf)
{
    for (int s = 0; s < NSIZES; s++) {
        int n = sizes[s];
        uint64_t seq = (uint64_t)(100 + s);
        char what[64];
        snprintf(what, sizeof(what), "matched send of %d bytes", n);
        MPI_Request rreq = MPI_REQUEST_NULL, sreq = MPI_REQUEST_NULL;
        if (receiver) {
            memset(rbuf, 0, (size_t)n);
            P2P_MPI(MPI_Irecv(rbuf, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, &rreq));
        }
        if (sender) {
            p2p_fill(sbuf, (size_t)n, p2p_seed(rank, TAG_MSG, seq));
            P2P_MPI(MPI_Isend(sbuf, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, &sreq));
        }
        if (receiver) {
            P2P_MPI(MPI_Wait(&rreq, MPI_STATUS_IGNORE));
            p2p_check(rbuf, (size_t)n, p2p_seed(partner, TAG_MSG, seq), what);
            if (!sender) {
                P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
            }
        }
        if (sender) {
            if (!receiver) {
                P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD,
                                 MPI_STATUS_IGNORE));
            }
            MPT_CHECK(!cancel_wait(&sreq, what), "%s: cancelled after it was received", what);
        }
        check_nothing_left(what);
    }
}

/* More than the channel holds, then every send cancelled: the last ones never left the sender,
 * the first ones wait unexpected at the receiver. */
static void filled(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request req[NFILL];
    int cancelled[NFILL];
    const int n = 8192;

    memset(cancelled, 0, sizeof(cancelled));
    if (sender) {
        for (int i = 0; i < NFILL; i++) {
            p2p_fill(sbuf + (size_t)i * n, n, p2p_seed(rank, TAG_MSG, (uint64_t)(200 + i)));
            P2P_MPI(MPI_Isend(sbuf + (size_t)i * n, n, MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD,
                              &req[i]));
        }
        /* The last first: it has certainly not left yet. */
        for (int i = NFILL - 1; i >= 0; i--) {
            cancelled[i] = cancel_wait(&req[i], "filled channel");
            MPT_CHECK(cancelled[i] || !MUST_CANCEL, "filled channel: message %d not cancelled", i);
        }
    }
    tell(cancelled, NFILL);
    hear(cancelled, NFILL);
    for (int i = 0; receiver && i < NFILL; i++) {
        if (!cancelled[i]) {
            recv_msg(rbuf, n, (uint64_t)(200 + i), "filled channel, not cancelled");
        }
    }
    check_nothing_left("filled channel");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    sender = rank <= partner;
    receiver = rank >= partner;

    unsigned char *sbuf = p2p_malloc((size_t)NFILL * 8192 + (1 << 20));
    unsigned char *rbuf = p2p_malloc(1 << 20);
    unmatched(sbuf, rbuf);
    matched(sbuf, rbuf);
    filled(sbuf, rbuf);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
