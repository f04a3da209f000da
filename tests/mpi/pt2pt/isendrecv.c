/*
 * MPI_Isendrecv and MPI_Isendrecv_replace (and their blocking forms) around a ring, at sizes on
 * both sides of the eager limit: each rank sends to the next and receives from the previous,
 * checks every byte and the status, with several exchanges in flight at once, an exchange
 * freed before completion, MPI_PROC_NULL, and a datatype that is not contiguous in memory.
 * Usage: isendrecv [MAXSIZE]
 */
#include "p2ptest.h"

#define INFLIGHT 4

static int rank, size, next, prev;

/* The seed of the message 'from' sends in exchange 'seq'. */
static uint64_t seed_of(int from, int seq)
{
    return p2p_seed(from, 100 + seq, (uint64_t)seq);
}

/* INFLIGHT Isendrecv exchanges at once, completed with Waitall, then checked. */
static void exchange_many(size_t n)
{
    unsigned char *sbuf[INFLIGHT], *rbuf[INFLIGHT];
    MPI_Request reqs[INFLIGHT];
    MPI_Status sts[INFLIGHT];

    for (int i = 0; i < INFLIGHT; i++) {
        sbuf[i] = p2p_malloc(n + 1);
        rbuf[i] = p2p_malloc(n + 1);
        p2p_fill(sbuf[i], n, seed_of(rank, i));
        P2P_MPI(MPI_Isendrecv(sbuf[i], (int)n, MPI_BYTE, next, 100 + i, rbuf[i], (int)n, MPI_BYTE,
                              prev, 100 + i, MPI_COMM_WORLD, &reqs[i]));
    }
    P2P_MPI(MPI_Waitall(INFLIGHT, reqs, sts));
    for (int i = 0; i < INFLIGHT; i++) {
        p2p_check(rbuf[i], n, seed_of(prev, i), "Isendrecv data");
        p2p_status_is(&sts[i], prev, 100 + i, (int)n, "Isendrecv status");
        MPT_CHECK(reqs[i] == MPI_REQUEST_NULL, "Waitall left request %d set", i);
        free(sbuf[i]);
        free(rbuf[i]);
    }
}

/* Isendrecv_replace, completed by polling MPI_Test, then the blocking form. */
static void exchange_replace(size_t n)
{
    unsigned char *buf = p2p_malloc(n + 1);
    MPI_Request req;
    MPI_Status st;
    int flag = 0;

    p2p_fill(buf, n, seed_of(rank, 7));
    P2P_MPI(MPI_Isendrecv_replace(buf, (int)n, MPI_BYTE, next, 7, prev, MPI_ANY_TAG, MPI_COMM_WORLD,
                                  &req));
    while (!flag) {
        P2P_MPI(MPI_Test(&req, &flag, &st));
    }
    p2p_check(buf, n, seed_of(prev, 7), "Isendrecv_replace data");
    p2p_status_is(&st, prev, 7, (int)n, "Isendrecv_replace status");

    p2p_fill(buf, n, seed_of(rank, 8));
    P2P_MPI(MPI_Sendrecv_replace(buf, (int)n, MPI_BYTE, next, 8, MPI_ANY_SOURCE, 8, MPI_COMM_WORLD,
                                 &st));
    p2p_check(buf, n, seed_of(prev, 8), "Sendrecv_replace data");
    p2p_status_is(&st, prev, 8, (int)n, "Sendrecv_replace status");
    free(buf);
}

/* Whether buf holds the n pattern bytes of seed, without reporting. */
static bool pattern_is(const unsigned char *buf, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != p2p_pattern_byte(seed, i)) {
            return false;
        }
    }
    return true;
}

/* An exchange released with MPI_Request_free: nothing tells when it completes, so progress is
 * driven (MPI_Iprobe) until the data is there, for at most 20 s; then a barrier says every rank
 * has its data, so no one still reads a send buffer, and the buffers can go. */
static void exchange_freed(size_t n)
{
    unsigned char *sbuf = p2p_malloc(n + 1), *rbuf = p2p_malloc(n + 1);
    MPI_Request req;
    int flag;

    p2p_fill(sbuf, n, seed_of(rank, 9));
    memset(rbuf, 0, n + 1);
    P2P_MPI(MPI_Isendrecv(sbuf, (int)n, MPI_BYTE, next, 9, rbuf, (int)n, MPI_BYTE, prev, 9,
                          MPI_COMM_WORLD, &req));
    P2P_MPI(MPI_Request_free(&req));
    MPT_CHECK(req == MPI_REQUEST_NULL, "Request_free left the handle set");
    double deadline = MPI_Wtime() + 20;
    while (!pattern_is(rbuf, n, seed_of(prev, 9)) && MPI_Wtime() < deadline) {
        P2P_MPI(MPI_Iprobe(MPI_ANY_SOURCE, 12345, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
    }
    p2p_check(rbuf, n, seed_of(prev, 9), "freed Isendrecv data");
    p2p_barrier(MPI_COMM_WORLD);
    free(sbuf);
    free(rbuf);
}

/* MPI_PROC_NULL on both sides completes at once with the proc-null status. */
static void exchange_proc_null(void)
{
    int x = 5, y = 6;
    MPI_Request req;
    MPI_Status st;

    P2P_MPI(MPI_Isendrecv(&x, 1, MPI_INT, MPI_PROC_NULL, 1, &y, 1, MPI_INT, MPI_PROC_NULL, 1,
                          MPI_COMM_WORLD, &req));
    P2P_MPI(MPI_Wait(&req, &st));
    p2p_status_is_proc_null(&st, "Isendrecv with MPI_PROC_NULL");
    MPT_CHECK(y == 6, "receive from MPI_PROC_NULL changed the buffer to %d", y);
}

/* A pair type (gaps inside the element) through Isendrecv_replace. */
static void exchange_pairs(void)
{
    enum { N = 1000 };
    static struct {
        double v;
        int i;
    } pairs[N];
    MPI_Request req;

    for (int k = 0; k < N; k++) {
        pairs[k].v = rank * 1000.0 + k;
        pairs[k].i = rank * 7 + k;
    }
    P2P_MPI(MPI_Isendrecv_replace(pairs, N, MPI_DOUBLE_INT, next, 11, prev, 11, MPI_COMM_WORLD,
                                  &req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    for (int k = 0; k < N; k++) {
        MPT_CHECK(pairs[k].v == prev * 1000.0 + k && pairs[k].i == prev * 7 + k,
                  "pair %d is (%g, %d), expected (%g, %d)", k, pairs[k].v, pairs[k].i,
                  prev * 1000.0 + k, prev * 7 + k);
    }
}

int main(int argc, char **argv)
{
    size_t max = argc > 1 ? p2p_parse_size(argv[1], "MAXSIZE") : (size_t)1 << 20;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    next = (rank + 1) % size;
    prev = (rank + size - 1) % size;

    for (size_t n = 0; n <= max; n = n == 0 ? 1 : n * 8) {
        exchange_many(n);
        exchange_replace(n);
        exchange_freed(n);
    }
    exchange_proc_null();
    exchange_pairs();
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(rank);
}
