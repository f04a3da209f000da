/*
 * Checks persistent requests: Send_init, Ssend_init, Rsend_init and Bsend_init with Recv_init
 * around a ring, started many times (Start and Startall) with new buffer contents each time;
 * inactive requests (Wait, Test, Request_get_status, Request_free). Usage: persistent [iters].
 */
#include "p2ptest.h"

/*
 * Open MPI 4.1 resends the first payload when a Bsend_init request larger than its eager limit
 * is started again (fixed by open-mpi/ompi#12797, backported to 4.1.x by #14366): there, only
 * the first start of a Bsend_init is checked byte by byte.
 */
#if defined(OPEN_MPI)
#define OMPI_BSEND_INIT_STALE 1
#else
#define OMPI_BSEND_INIT_STALE 0
#endif

enum mode { M_SEND, M_SSEND, M_RSEND, M_BSEND, M_COUNT };

static const char *const mode_names[M_COUNT] = {"Send_init", "Ssend_init", "Rsend_init",
                                                "Bsend_init"};
static int rank, nprocs;

static void init_send(enum mode mode, void *buf, int count, int dest, int tag, MPI_Request *req)
{
    MPI_Comm comm = MPI_COMM_WORLD;

    switch (mode) {
    case M_SEND:
        P2P_MPI(MPI_Send_init(buf, count, MPI_BYTE, dest, tag, comm, req));
        break;
    case M_SSEND:
        P2P_MPI(MPI_Ssend_init(buf, count, MPI_BYTE, dest, tag, comm, req));
        break;
    case M_RSEND:
        P2P_MPI(MPI_Rsend_init(buf, count, MPI_BYTE, dest, tag, comm, req));
        break;
    default:
        P2P_MPI(MPI_Bsend_init(buf, count, MPI_BYTE, dest, tag, comm, req));
        break;
    }
}

/* Completes both requests in one of three ways; they must stay allocated (persistent). */
static void complete_both(MPI_Request reqs[2], MPI_Status *rst, int way)
{
    MPI_Status sts[2];
    int flag = 0;
    double t0 = p2p_now();

    if (way == 0) {
        P2P_MPI(MPI_Waitall(2, reqs, sts));
        *rst = sts[0];
    } else if (way == 1) {
        P2P_MPI(MPI_Wait(&reqs[1], MPI_STATUS_IGNORE));
        P2P_MPI(MPI_Wait(&reqs[0], rst));
    } else {
        while (!flag) {
            P2P_MPI(MPI_Testall(2, reqs, &flag, sts));
            if (!flag && p2p_now() - t0 > 30) {
                mpt_fail(__FILE__, __LINE__, "Testall did not complete in 30 s");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
        *rst = sts[0];
    }
    MPT_CHECK(reqs[0] != MPI_REQUEST_NULL && reqs[1] != MPI_REQUEST_NULL,
              "completion (way %d) freed a persistent request", way);
}

/* One mode and size: a persistent send to the right, a persistent receive from the left. */
static void check_mode(enum mode mode, int bytes, int iters, unsigned char *sbuf,
                       unsigned char *rbuf)
{
    int dest = (rank + 1) % nprocs, src = (rank + nprocs - 1) % nprocs, tag = 10 + mode;
    MPI_Request reqs[2], sync;
    MPI_Status st;
    char what[96];

    P2P_MPI(MPI_Recv_init(rbuf, bytes, MPI_BYTE, src, tag, MPI_COMM_WORLD, &reqs[0]));
    init_send(mode, sbuf, bytes, dest, tag, &reqs[1]);
    for (int i = 0; i < iters; i++) {
        snprintf(what, sizeof(what), "%s of %d bytes, start %d", mode_names[mode], bytes, i);
        p2p_fill(sbuf, (size_t)bytes, p2p_seed(rank, tag, (uint64_t)i));
        memset(rbuf, 0, (size_t)bytes);
        p2p_guard_set(rbuf, (size_t)bytes);
        if (mode == M_RSEND) {
            /* The receive is active before the left neighbour learns that it may send. */
            P2P_MPI(MPI_Start(&reqs[0]));
            P2P_MPI(MPI_Isend(NULL, 0, MPI_BYTE, src, P2P_TAG_SYNC, MPI_COMM_WORLD, &sync));
            P2P_MPI(
                MPI_Recv(NULL, 0, MPI_BYTE, dest, P2P_TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            P2P_MPI(MPI_Wait(&sync, MPI_STATUS_IGNORE));
            P2P_MPI(MPI_Start(&reqs[1]));
        } else if (i % 2 == 0) {
            P2P_MPI(MPI_Startall(2, reqs));
        } else {
            P2P_MPI(MPI_Start(&reqs[0]));
            P2P_MPI(MPI_Start(&reqs[1]));
        }
        p2p_status_poison(&st);
        complete_both(reqs, &st, i % 3);
        p2p_status_is(&st, src, tag, bytes, what);
        if (!(OMPI_BSEND_INIT_STALE && mode == M_BSEND && i > 0)) {
            p2p_check(rbuf, (size_t)bytes, p2p_seed(src, tag, (uint64_t)i), what);
        }
        p2p_guard_check(rbuf, (size_t)bytes, what);
        if (*mpt_errs_p() > 10) {
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    /* Inactive now: freeing them is allowed. */
    P2P_MPI(MPI_Request_free(&reqs[0]));
    P2P_MPI(MPI_Request_free(&reqs[1]));
    MPT_CHECK(reqs[0] == MPI_REQUEST_NULL && reqs[1] == MPI_REQUEST_NULL,
              "Request_free did not set MPI_REQUEST_NULL");
}

/* Requests never started, or inactive again: Wait and Test return at once with an empty
 * status, Request_get_status says complete, Request_free frees them. */
static void check_inactive(unsigned char *buf)
{
    MPI_Request req, reqs[2];
    MPI_Status st;
    int flag = 0;

    P2P_MPI(MPI_Send_init(buf, 8, MPI_BYTE, (rank + 1) % nprocs, 99, MPI_COMM_WORLD, &req));
    P2P_MPI(MPI_Request_free(&req));
    MPT_CHECK(req == MPI_REQUEST_NULL, "Request_free of an unstarted Send_init");

    P2P_MPI(MPI_Recv_init(buf, 8, MPI_BYTE, MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, &req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(&req, &st));
    MPT_CHECK(req != MPI_REQUEST_NULL, "Wait on an inactive request freed it");
    p2p_status_is_empty(&st, "Wait on an inactive persistent receive");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Test(&req, &flag, &st));
    MPT_CHECK(flag && req != MPI_REQUEST_NULL, "Test on an inactive request: flag %d", flag);
    p2p_status_is_empty(&st, "Test on an inactive persistent receive");
    flag = 0;
    p2p_status_poison(&st);
    P2P_MPI(MPI_Request_get_status(req, &flag, &st));
    MPT_CHECK(flag, "Request_get_status on an inactive request: flag 0");
    p2p_status_is_empty(&st, "Request_get_status on an inactive persistent receive");
    reqs[0] = req;
    P2P_MPI(MPI_Recv_init(buf, 8, MPI_BYTE, MPI_ANY_SOURCE, 98, MPI_COMM_WORLD, &reqs[1]));
    P2P_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    P2P_MPI(MPI_Request_free(&reqs[0]));
    P2P_MPI(MPI_Request_free(&reqs[1]));
}

int main(int argc, char **argv)
{
    static const int sizes[] = {0, 64, 100000, 1 << 20};
    int nsizes = (int)(sizeof(sizes) / sizeof(sizes[0])), iters, bsize;
    void *attached = NULL;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    mpt_set_rank(rank);
    iters = argc > 1 ? (int)mpt_parse_long(argv[1], "iterations") : 40;

    int max = sizes[nsizes - 1];
    unsigned char *sbuf = p2p_malloc((size_t)max);
    unsigned char *rbuf = p2p_malloc((size_t)max + P2P_GUARD_BYTES);
    /*
     * Room for nprocs + 1 buffered messages: a rank can be up to nprocs - 1 starts ahead of its
     * right neighbour (each start waits for the left neighbour's message, around the ring), and
     * the library may reclaim the space of a delivered message only at its next progress.
     */
    bsize = (nprocs + 1) * (max + MPI_BSEND_OVERHEAD);
    void *bbuf = p2p_malloc((size_t)bsize);
    P2P_MPI(MPI_Buffer_attach(bbuf, bsize));

    check_inactive(sbuf);
    for (int m = 0; m < M_COUNT; m++) {
        for (int s = 0; s < nsizes; s++) {
            check_mode((enum mode)m, sizes[s], iters, sbuf, rbuf);
        }
    }

    P2P_MPI(MPI_Buffer_detach(&attached, &bsize));
    MPT_CHECK(attached == bbuf, "Buffer_detach returned another buffer");
    free(bbuf);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
