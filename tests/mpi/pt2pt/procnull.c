/*
 * Checks MPI_PROC_NULL as destination and source of every point-to-point call: the call
 * succeeds at once, touches no buffer, and the status says source MPI_PROC_NULL, tag
 * MPI_ANY_TAG, count 0. Also a chain with PROC_NULL at both ends (Sendrecv).
 */
#include "p2ptest.h"

#define N 64

/*
 * MPICH before 4.2 returns source 0, tag 0 for a nonblocking receive from MPI_PROC_NULL, and
 * MPI_ANY_SOURCE for a persistent one (pmodels/mpich#6805, fixed by #6819): not checked there.
 */
#if defined(MPICH_NUMVERSION) && MPICH_NUMVERSION < 40200000
#define MPICH_PROC_NULL_BUG 1
#else
#define MPICH_PROC_NULL_BUG 0
#endif

/* Checks that a buffer still holds the pattern it was filled with. */
static void check_untouched(const unsigned char *buf, const char *what)
{
    char msg[128];

    snprintf(msg, sizeof(msg), "buffer after %s from MPI_PROC_NULL", what);
    p2p_check(buf, N, 42, msg);
}

static void check_sends(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Status st;
    int flag = 0;

    P2P_MPI(MPI_Send(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm));
    P2P_MPI(MPI_Ssend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm));
    P2P_MPI(MPI_Rsend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm));

    /* The status of a send is undefined (MPI 4.1, 3.7.3): only the completion is checked. */
    P2P_MPI(MPI_Isend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &req));
    P2P_MPI(MPI_Wait(&req, &st));
    MPT_CHECK(req == MPI_REQUEST_NULL, "Wait on an Isend to MPI_PROC_NULL left the request");

    P2P_MPI(MPI_Issend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Test(&req, &flag, &st));
    MPT_CHECK(flag && req == MPI_REQUEST_NULL, "Test on an Issend to MPI_PROC_NULL: flag %d", flag);
    P2P_MPI(MPI_Irsend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    p2p_check(buf, N, 42, "send buffer after sends to MPI_PROC_NULL");
}

static void check_receives(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Request req = MPI_REQUEST_NULL, reqs[2];
    MPI_Status st, sts[2];
    unsigned char out[N];
    int flag = 0;

    memset(out, 1, sizeof(out));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Recv(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &st));
    p2p_status_is_proc_null(&st, "Recv from MPI_PROC_NULL");
    check_untouched(buf, "Recv");

    p2p_status_poison(&st);
    P2P_MPI(MPI_Recv(buf, N, MPI_BYTE, MPI_PROC_NULL, MPI_ANY_TAG, comm, &st));
    p2p_status_is_proc_null(&st, "Recv from MPI_PROC_NULL with MPI_ANY_TAG");

    P2P_MPI(MPI_Irecv(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Test(&req, &flag, &st));
    MPT_CHECK(flag && req == MPI_REQUEST_NULL, "Test on an Irecv from MPI_PROC_NULL: flag %d",
              flag);
    if (flag && !MPICH_PROC_NULL_BUG) {
        p2p_status_is_proc_null(&st, "Test on Irecv from MPI_PROC_NULL");
    }
    if (req != MPI_REQUEST_NULL) {
        P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    }
    check_untouched(buf, "Irecv");

    P2P_MPI(MPI_Irecv(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &reqs[0]));
    P2P_MPI(MPI_Isend(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &reqs[1]));
    p2p_status_poison(&sts[0]);
    p2p_status_poison(&sts[1]);
    P2P_MPI(MPI_Waitall(2, reqs, sts));
    if (!MPICH_PROC_NULL_BUG) {
        p2p_status_is_proc_null(&sts[0], "Waitall on Irecv from MPI_PROC_NULL");
    }

    p2p_status_poison(&st);
    P2P_MPI(MPI_Sendrecv(out, N, MPI_BYTE, MPI_PROC_NULL, 1, buf, N, MPI_BYTE, MPI_PROC_NULL, 1,
                         comm, &st));
    p2p_status_is_proc_null(&st, "Sendrecv with MPI_PROC_NULL");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Sendrecv_replace(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, MPI_PROC_NULL, 1, comm, &st));
    p2p_status_is_proc_null(&st, "Sendrecv_replace with MPI_PROC_NULL");
    check_untouched(buf, "Sendrecv_replace");
}

static void check_probes(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Message msg = MPI_MESSAGE_NULL;
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Status st;
    int flag = 0;

    p2p_status_poison(&st);
    P2P_MPI(MPI_Probe(MPI_PROC_NULL, 1, comm, &st));
    p2p_status_is_proc_null(&st, "Probe of MPI_PROC_NULL");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Iprobe(MPI_PROC_NULL, MPI_ANY_TAG, comm, &flag, &st));
    MPT_CHECK(flag, "Iprobe of MPI_PROC_NULL: flag 0");
    p2p_status_is_proc_null(&st, "Iprobe of MPI_PROC_NULL");

    p2p_status_poison(&st);
    P2P_MPI(MPI_Mprobe(MPI_PROC_NULL, 1, comm, &msg, &st));
    MPT_CHECK(msg == MPI_MESSAGE_NO_PROC, "Mprobe of MPI_PROC_NULL: message is not NO_PROC");
    p2p_status_is_proc_null(&st, "Mprobe of MPI_PROC_NULL");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Mrecv(buf, N, MPI_BYTE, &msg, &st));
    MPT_CHECK(msg == MPI_MESSAGE_NULL, "Mrecv of MPI_MESSAGE_NO_PROC: message not MESSAGE_NULL");
    p2p_status_is_proc_null(&st, "Mrecv of MPI_MESSAGE_NO_PROC");
    check_untouched(buf, "Mrecv");

    flag = 0;
    msg = MPI_MESSAGE_NULL;
    p2p_status_poison(&st);
    P2P_MPI(MPI_Improbe(MPI_PROC_NULL, MPI_ANY_TAG, comm, &flag, &msg, &st));
    MPT_CHECK(flag && msg == MPI_MESSAGE_NO_PROC, "Improbe of MPI_PROC_NULL: flag %d", flag);
    p2p_status_is_proc_null(&st, "Improbe of MPI_PROC_NULL");
    P2P_MPI(MPI_Imrecv(buf, N, MPI_BYTE, &msg, &req));
    MPT_CHECK(msg == MPI_MESSAGE_NULL, "Imrecv of MPI_MESSAGE_NO_PROC: message not MESSAGE_NULL");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(&req, &st));
    p2p_status_is_proc_null(&st, "Wait on Imrecv of MPI_MESSAGE_NO_PROC");
    check_untouched(buf, "Imrecv");
}

static void check_persistent(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Request reqs[2];
    MPI_Status sts[2];

    P2P_MPI(MPI_Recv_init(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &reqs[0]));
    P2P_MPI(MPI_Send_init(buf, N, MPI_BYTE, MPI_PROC_NULL, 1, comm, &reqs[1]));
    for (int i = 0; i < 3; i++) {
        P2P_MPI(MPI_Startall(2, reqs));
        p2p_status_poison(&sts[0]);
        P2P_MPI(MPI_Waitall(2, reqs, sts));
        MPT_CHECK(reqs[0] != MPI_REQUEST_NULL && reqs[1] != MPI_REQUEST_NULL,
                  "Waitall freed a persistent request");
        if (!MPICH_PROC_NULL_BUG) {
            p2p_status_is_proc_null(&sts[0], "persistent receive from MPI_PROC_NULL");
        }
    }
    check_untouched(buf, "persistent receive");
    P2P_MPI(MPI_Request_free(&reqs[0]));
    P2P_MPI(MPI_Request_free(&reqs[1]));
}

/* A chain 0 -> 1 -> ... -> n-1 with MPI_PROC_NULL beyond both ends. */
static void check_chain(int rank, int size)
{
    int right = rank + 1 < size ? rank + 1 : MPI_PROC_NULL;
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    unsigned char out[N], in[N + P2P_GUARD_BYTES];
    MPI_Status st;

    p2p_fill(out, N, p2p_seed(rank, 7, 0));
    p2p_fill(in, N, 42);
    p2p_guard_set(in, N);
    p2p_status_poison(&st);
    P2P_MPI(
        MPI_Sendrecv(out, N, MPI_BYTE, right, 7, in, N, MPI_BYTE, left, 7, MPI_COMM_WORLD, &st));
    if (left == MPI_PROC_NULL) {
        p2p_status_is_proc_null(&st, "Sendrecv from MPI_PROC_NULL in a chain");
        check_untouched(in, "Sendrecv in a chain");
    } else {
        p2p_status_is(&st, left, 7, N, "Sendrecv in a chain");
        p2p_check(in, N, p2p_seed(left, 7, 0), "Sendrecv in a chain");
    }
    p2p_guard_check(in, N, "Sendrecv in a chain");
}

int main(int argc, char **argv)
{
    unsigned char buf[N];
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    p2p_fill(buf, N, 42);
    check_sends(buf);
    check_receives(buf);
    check_probes(buf);
    check_persistent(buf);
    check_chain(rank, size);

    MPI_Finalize();
    return mpt_finish(rank);
}
