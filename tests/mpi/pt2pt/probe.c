/*
 * Checks MPI_Probe/Iprobe and the matched probes MPI_Mprobe/Improbe with Mrecv/Imrecv: rank 0
 * takes messages of every size from all ranks with MPI_ANY_SOURCE; probes do not consume a
 * message, matched probes do; Iprobe and Improbe are polled until the message comes.
 */
#include "p2ptest.h"

#define PER_SENDER 24
#define NSIZES 8

static const int sizes[NSIZES] = {0, 1, 7, 100, 4096, 65537, 300000, 1 << 20};
static int rank, nprocs;

static int msg_tag(int k)
{
    return k % 3;
}

static int msg_size(int src, int k)
{
    return sizes[(k + src) % NSIZES];
}

/* Spins on MPI_Iprobe until it finds a message; fails after 30 s. */
static void iprobe_until(int source, int tag, MPI_Status *st, const char *what)
{
    int flag = 0;
    double t0 = p2p_now();

    while (!flag) {
        P2P_MPI(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, st));
        if (!flag && p2p_now() - t0 > 30) {
            mpt_fail(__FILE__, __LINE__, "%s: Iprobe found nothing in 30 s", what);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
}

static void improbe_until(int source, int tag, MPI_Message *msg, MPI_Status *st, const char *what)
{
    int flag = 0;
    double t0 = p2p_now();

    while (!flag) {
        P2P_MPI(MPI_Improbe(source, tag, MPI_COMM_WORLD, &flag, msg, st));
        if (!flag && p2p_now() - t0 > 30) {
            mpt_fail(__FILE__, __LINE__, "%s: Improbe found nothing in 30 s", what);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
}

/*
 * All ranks send PER_SENDER messages to rank 0, which takes each with a wildcard probe and one
 * of four ways: Probe + Recv, Iprobe + Recv, Mprobe + Mrecv, Improbe + Imrecv.
 */
static void check_all_to_root(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;

    if (rank != 0) {
        MPI_Request reqs[PER_SENDER];
        unsigned char *out[PER_SENDER];
        for (int k = 0; k < PER_SENDER; k++) {
            out[k] = p2p_malloc((size_t)msg_size(rank, k));
            p2p_fill(out[k], (size_t)msg_size(rank, k), p2p_seed(rank, msg_tag(k), (uint64_t)k));
            P2P_MPI(MPI_Isend(out[k], msg_size(rank, k), MPI_BYTE, 0, msg_tag(k), comm, &reqs[k]));
        }
        P2P_MPI(MPI_Waitall(PER_SENDER, reqs, MPI_STATUSES_IGNORE));
        for (int k = 0; k < PER_SENDER; k++) {
            free(out[k]);
        }
        /* Nothing more goes to rank 0 until it has taken every message with its wildcards. */
        P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, 0, P2P_TAG_SYNC, comm, MPI_STATUS_IGNORE));
        return;
    }

    int next_k[512] = {0};
    for (int i = 0; i < (nprocs - 1) * PER_SENDER; i++) {
        MPI_Status st, st2;
        MPI_Message msg = MPI_MESSAGE_NULL;
        MPI_Request req;
        int count = -1, count2 = -1, way = i % 4;
        char what[128];

        p2p_status_poison(&st);
        if (way == 0) {
            P2P_MPI(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st));
        } else if (way == 1) {
            iprobe_until(MPI_ANY_SOURCE, MPI_ANY_TAG, &st, "Iprobe(ANY_SOURCE, ANY_TAG)");
        } else if (way == 2) {
            P2P_MPI(MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &msg, &st));
        } else {
            improbe_until(MPI_ANY_SOURCE, MPI_ANY_TAG, &msg, &st, "Improbe(ANY_SOURCE, ANY_TAG)");
        }
        P2P_MPI(MPI_Get_count(&st, MPI_BYTE, &count));
        int src = st.MPI_SOURCE;
        if (src < 1 || src >= nprocs || next_k[src] >= PER_SENDER) {
            mpt_fail(__FILE__, __LINE__, "probe %d: source %d, tag %d", i, src, st.MPI_TAG);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        int k = next_k[src]++;
        snprintf(what, sizeof(what), "message %d of rank %d (way %d)", k, src, way);
        p2p_status_is(&st, src, msg_tag(k), msg_size(src, k), what);

        p2p_guard_set(buf, (size_t)count);
        p2p_status_poison(&st2);
        if (way < 2) {
            /* A probe leaves the message there: a second probe sees it again. */
            iprobe_until(src, st.MPI_TAG, &st2, "Iprobe after a probe");
            P2P_MPI(MPI_Get_count(&st2, MPI_BYTE, &count2));
            MPT_CHECK(count2 == count, "%s: a second probe saw %d bytes, not %d", what, count2,
                      count);
            p2p_status_poison(&st2);
            P2P_MPI(MPI_Recv(buf, count, MPI_BYTE, src, st.MPI_TAG, comm, &st2));
        } else if (way == 2) {
            P2P_MPI(MPI_Mrecv(buf, count, MPI_BYTE, &msg, &st2));
            MPT_CHECK(msg == MPI_MESSAGE_NULL, "%s: Mrecv did not set MPI_MESSAGE_NULL", what);
        } else {
            P2P_MPI(MPI_Imrecv(buf, count, MPI_BYTE, &msg, &req));
            MPT_CHECK(msg == MPI_MESSAGE_NULL, "%s: Imrecv did not set MPI_MESSAGE_NULL", what);
            P2P_MPI(MPI_Wait(&req, &st2));
        }
        p2p_status_is(&st2, src, msg_tag(k), msg_size(src, k), what);
        p2p_check(buf, (size_t)count, p2p_seed(src, msg_tag(k), (uint64_t)k), what);
        p2p_guard_check(buf, (size_t)count, what);
    }
    for (int r = 1; r < nprocs; r++) {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, r, P2P_TAG_SYNC, comm));
    }
}

/*
 * Between ranks 0 and 1: Iprobe and Improbe find nothing before the message is sent, then find
 * it; a matched probe takes its message out of reach of later probes and receives.
 */
static void check_pair(unsigned char *buf)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    unsigned char out[3][64];
    MPI_Request reqs[3];
    MPI_Message msg = MPI_MESSAGE_NULL, msg2 = MPI_MESSAGE_NULL;
    MPI_Status st;
    int flag = 1;

    if (rank == 1) {
        P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, 0, P2P_TAG_SYNC, comm, MPI_STATUS_IGNORE));
        for (int i = 0; i < 3; i++) {
            p2p_fill(out[i], 64, p2p_seed(1, 50, (uint64_t)i));
            P2P_MPI(MPI_Isend(out[i], 10 * (i + 1), MPI_BYTE, 0, 50, comm, &reqs[i]));
        }
        P2P_MPI(MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE));
        return;
    }
    if (rank != 0) {
        return;
    }
    P2P_MPI(MPI_Iprobe(1, 50, comm, &flag, &st));
    MPT_CHECK(!flag, "Iprobe found a message that was not sent yet");
    flag = 1;
    P2P_MPI(MPI_Improbe(MPI_ANY_SOURCE, 50, comm, &flag, &msg, &st));
    MPT_CHECK(!flag, "Improbe found a message that was not sent yet");
    P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, 1, P2P_TAG_SYNC, comm));

    /* Three messages of 10, 20, 30 bytes: a matched probe takes the first, the second Mprobe
     * the second; a plain probe and a receive then see the third. */
    improbe_until(MPI_ANY_SOURCE, 50, &msg, &st, "Improbe after the go");
    p2p_status_is(&st, 1, 50, 10, "Improbe of the first message");
    P2P_MPI(MPI_Mprobe(1, MPI_ANY_TAG, comm, &msg2, &st));
    p2p_status_is(&st, 1, 50, 20, "Mprobe after an Improbe");
    P2P_MPI(MPI_Probe(1, 50, comm, &st));
    p2p_status_is(&st, 1, 50, 30, "Probe after two matched probes");
    P2P_MPI(MPI_Recv(buf, 64, MPI_BYTE, 1, 50, comm, &st));
    p2p_status_is(&st, 1, 50, 30, "Recv after two matched probes");
    p2p_check(buf, 30, p2p_seed(1, 50, 2), "Recv after two matched probes");
    /* The matched messages are received in the other order. */
    P2P_MPI(MPI_Mrecv(buf, 64, MPI_BYTE, &msg2, &st));
    p2p_status_is(&st, 1, 50, 20, "Mrecv of the second message");
    p2p_check(buf, 20, p2p_seed(1, 50, 1), "Mrecv of the second message");
    P2P_MPI(MPI_Mrecv(buf, 64, MPI_BYTE, &msg, &st));
    p2p_status_is(&st, 1, 50, 10, "Mrecv of the first message");
    p2p_check(buf, 10, p2p_seed(1, 50, 0), "Mrecv of the first message");
    flag = 1;
    P2P_MPI(MPI_Iprobe(MPI_ANY_SOURCE, 50, comm, &flag, &st));
    MPT_CHECK(!flag, "Iprobe found a message after all were received");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    mpt_set_rank(rank);
    if (nprocs > 512) {
        fprintf(stderr, "probe: at most 512 processes\n");
        return 2;
    }

    unsigned char *buf = p2p_malloc((1 << 20) + P2P_GUARD_BYTES);
    check_all_to_root(buf);
    if (nprocs >= 2) {
        check_pair(buf);
    }
    free(buf);
    MPI_Finalize();
    return mpt_finish(rank);
}
