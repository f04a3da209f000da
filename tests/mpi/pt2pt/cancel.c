/*
 * Checks MPI_Cancel of receives: a posted receive that nothing matched is cancelled
 * (MPI_Test_cancelled true) and the message then goes to a later receive; a completed receive is
 * not cancelled. Also wildcard, large, middle-of-the-queue and persistent receives. Pairs of ranks.
 */
#include "p2ptest.h"

#define BIG (1 << 20)

static int rank, partner;
static bool sender, receiver;

/* Tells the sender (or waits, on the sender) that it may send the next message. */
static void go(void)
{
    if (receiver && !sender) {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
    } else if (sender && !receiver) {
        P2P_MPI(
            MPI_Recv(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
}

/* Sends 'bytes' of pattern (seq) with a nonblocking send; returns its request. */
static MPI_Request send_msg(unsigned char *buf, int bytes, int tag, int seq)
{
    MPI_Request req = MPI_REQUEST_NULL;

    if (sender) {
        p2p_fill(buf, (size_t)bytes, p2p_seed(rank, tag, (uint64_t)seq));
        P2P_MPI(MPI_Isend(buf, bytes, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &req));
    }
    return req;
}

/* Cancels a pending receive and checks that it was cancelled and wrote nothing. */
static void cancel_pending(MPI_Request *req, unsigned char *buf, int bytes, const char *what)
{
    MPI_Status st;
    int flag = 0;

    P2P_MPI(MPI_Cancel(req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(req, &st));
    MPT_CHECK(*req == MPI_REQUEST_NULL, "%s: Wait after Cancel left the request", what);
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    MPT_CHECK(flag, "%s: MPI_Test_cancelled false for a receive nothing matched", what);
    p2p_check(buf, (size_t)bytes, 1234, what);
}

/* A receive from the partner, cancelled before the message is sent; then received for real. */
static void check_cancel_then_receive(int source, int tag, int bytes, unsigned char *sbuf,
                                      unsigned char *rbuf, const char *what)
{
    MPI_Request req, sreq;
    MPI_Status st;

    if (receiver) {
        p2p_fill(rbuf, (size_t)bytes, 1234);
        P2P_MPI(MPI_Irecv(rbuf, bytes, MPI_BYTE, source, tag, MPI_COMM_WORLD, &req));
        cancel_pending(&req, rbuf, bytes, what);
    }
    go();
    sreq = send_msg(sbuf, bytes, 5, 0);
    if (receiver) {
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(rbuf, bytes, MPI_BYTE, partner, 5, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 5, bytes, what);
        p2p_check(rbuf, (size_t)bytes, p2p_seed(partner, 5, 0), what);
    }
    P2P_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
}

/* Cancelling a receive that has completed (but was not yet freed) does not cancel it. */
static void check_cancel_completed(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request req = MPI_REQUEST_NULL, sreq;
    MPI_Status st;
    int flag = 0;

    if (receiver) {
        P2P_MPI(MPI_Irecv(rbuf, 64, MPI_BYTE, partner, 6, MPI_COMM_WORLD, &req));
    }
    sreq = send_msg(sbuf, 64, 6, 0);
    if (receiver) {
        double t0 = p2p_now();
        while (!flag && p2p_now() - t0 < 30) {
            P2P_MPI(MPI_Request_get_status(req, &flag, MPI_STATUS_IGNORE));
        }
        MPT_CHECK(flag, "a receive did not complete within 30 s");
        P2P_MPI(MPI_Cancel(&req));
        p2p_status_poison(&st);
        P2P_MPI(MPI_Wait(&req, &st));
        flag = 1;
        P2P_MPI(MPI_Test_cancelled(&st, &flag));
        MPT_CHECK(!flag, "MPI_Test_cancelled true for a receive that had completed");
        p2p_status_is(&st, partner, 6, 64, "completed receive after Cancel");
        p2p_check(rbuf, 64, p2p_seed(partner, 6, 0), "completed receive after Cancel");
    }
    P2P_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
}

/* Of three receives posted for the same tag, the middle one is cancelled: the two messages go
 * to the first and the third, in order. */
static void check_cancel_middle(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request reqs[3], sreqs[2];
    MPI_Status sts[3];

    if (receiver) {
        for (int i = 0; i < 3; i++) {
            p2p_fill(rbuf + i * 256, 256, 1234);
            P2P_MPI(MPI_Irecv(rbuf + i * 256, 256, MPI_BYTE, partner, 7, MPI_COMM_WORLD, &reqs[i]));
        }
        cancel_pending(&reqs[1], rbuf + 256, 256, "the middle of three receives");
    }
    go();
    sreqs[0] = send_msg(sbuf, 100, 7, 0);
    sreqs[1] = send_msg(sbuf + 256, 200, 7, 1);
    if (receiver) {
        P2P_MPI(MPI_Waitall(3, reqs, sts));
        p2p_status_is(&sts[0], partner, 7, 100, "first receive, the middle cancelled");
        p2p_check(rbuf, 100, p2p_seed(partner, 7, 0), "first receive, the middle cancelled");
        p2p_status_is(&sts[2], partner, 7, 200, "third receive, the middle cancelled");
        p2p_check(rbuf + 512, 200, p2p_seed(partner, 7, 1), "third receive, the middle cancelled");
    }
    P2P_MPI(MPI_Waitall(2, sreqs, MPI_STATUSES_IGNORE));
}

/* A persistent receive, started and cancelled, then started again for a real message. */
static void check_cancel_persistent(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request req = MPI_REQUEST_NULL, sreq;
    MPI_Status st;
    int flag = 0;

    if (receiver) {
        P2P_MPI(MPI_Recv_init(rbuf, 512, MPI_BYTE, partner, 8, MPI_COMM_WORLD, &req));
        p2p_fill(rbuf, 512, 1234);
        P2P_MPI(MPI_Start(&req));
        P2P_MPI(MPI_Cancel(&req));
        P2P_MPI(MPI_Wait(&req, &st));
        MPT_CHECK(req != MPI_REQUEST_NULL, "Wait freed a cancelled persistent request");
        P2P_MPI(MPI_Test_cancelled(&st, &flag));
        MPT_CHECK(flag, "MPI_Test_cancelled false for a cancelled persistent receive");
        p2p_check(rbuf, 512, 1234, "cancelled persistent receive");
        P2P_MPI(MPI_Start(&req));
    }
    go();
    sreq = send_msg(sbuf, 512, 8, 0);
    if (receiver) {
        p2p_status_poison(&st);
        P2P_MPI(MPI_Wait(&req, &st));
        flag = 1;
        P2P_MPI(MPI_Test_cancelled(&st, &flag));
        MPT_CHECK(!flag, "a persistent receive restarted after a cancel is still cancelled");
        p2p_status_is(&st, partner, 8, 512, "persistent receive after a cancel");
        p2p_check(rbuf, 512, p2p_seed(partner, 8, 0), "persistent receive after a cancel");
        P2P_MPI(MPI_Request_free(&req));
    }
    P2P_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
}

/* A cancelled receive completed with MPI_Test rather than MPI_Wait. */
static void check_cancel_test(unsigned char *rbuf)
{
    MPI_Request req;
    MPI_Status st;
    int flag = 0;
    double t0 = p2p_now();

    if (!receiver) {
        return;
    }
    P2P_MPI(MPI_Irecv(rbuf, 16, MPI_BYTE, partner, 9, MPI_COMM_WORLD, &req));
    P2P_MPI(MPI_Cancel(&req));
    while (!flag && p2p_now() - t0 < 30) {
        P2P_MPI(MPI_Test(&req, &flag, &st));
    }
    MPT_CHECK(flag && req == MPI_REQUEST_NULL, "Test did not complete a cancelled receive");
    flag = 0;
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    MPT_CHECK(flag, "MPI_Test_cancelled false after Test");
}

int main(int argc, char **argv)
{
    int size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    sender = rank % 2 == 0 || partner == rank;
    receiver = rank % 2 == 1 || partner == rank;
    unsigned char *sbuf = p2p_malloc(BIG);
    unsigned char *rbuf = p2p_malloc(BIG);

    check_cancel_then_receive(partner, 5, 32, sbuf, rbuf, "cancelled specific receive");
    check_cancel_then_receive(MPI_ANY_SOURCE, 5, 32, sbuf, rbuf, "cancelled ANY_SOURCE receive");
    check_cancel_then_receive(MPI_ANY_SOURCE, MPI_ANY_TAG, 0, sbuf, rbuf,
                              "cancelled receive with both wildcards");
    check_cancel_then_receive(partner, 5, BIG, sbuf, rbuf, "cancelled 1 MiB receive");
    check_cancel_completed(sbuf, rbuf);
    check_cancel_middle(sbuf, rbuf);
    check_cancel_persistent(sbuf, rbuf);
    check_cancel_test(rbuf);

    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
