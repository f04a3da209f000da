/*
 * MPI_DATATYPE_NULL with a count of 0 describes no data, and MPI calls take it (as MPICH does):
 * sends and receives of every kind, persistent and matched ones, alltoallw and alltoallv slots,
 * a broadcast, a neighbourhood alltoallw and one-sided operations. Every status, value and
 * untouched byte is checked. With a count above 0 it stays an error (MPI_ERRORS_RETURN).
 */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

#ifndef OPEN_MPI
static void check_status(const MPI_Status *st, int source, int tag, const char *what)
{
    int n = -1;
    MPI_Get_count(st, MPI_BYTE, &n);
    MPT_CHECK(st->MPI_SOURCE == source && st->MPI_TAG == tag && n == 0,
              "%s: status source %d tag %d bytes %d, expected %d %d 0", what, st->MPI_SOURCE,
              st->MPI_TAG, n, source, tag);
}

static void expect_class(int rc, int want, const char *what)
{
    int cls = -1;
    if (rc != MPI_SUCCESS) {
        MPI_Error_class(rc, &cls);
    }
    MPT_CHECK(cls == want, "%s: returned %d (class %d), expected class %d", what, rc, cls, want);
}

/* A ring of empty messages through each send and receive form. */
static void test_pt2pt(int rank, int size)
{
    int to = (rank + 1) % size, from = (rank + size - 1) % size;
    MPI_Status st;
    MPI_Request reqs[2];
    char guard = 'g';

    CHECK_RC(MPI_Irecv(&guard, 0, MPI_DATATYPE_NULL, from, 1, MPI_COMM_WORLD, &reqs[0]));
    CHECK_RC(MPI_Send(NULL, 0, MPI_DATATYPE_NULL, to, 1, MPI_COMM_WORLD));
    CHECK_RC(MPI_Wait(&reqs[0], &st));
    check_status(&st, from, 1, "Send/Irecv");

    CHECK_RC(MPI_Isend(NULL, 0, MPI_DATATYPE_NULL, to, 2, MPI_COMM_WORLD, &reqs[0]));
    CHECK_RC(MPI_Recv(&guard, 0, MPI_DATATYPE_NULL, from, 2, MPI_COMM_WORLD, &st));
    CHECK_RC(MPI_Wait(&reqs[0], MPI_STATUS_IGNORE));
    check_status(&st, from, 2, "Isend/Recv");

    CHECK_RC(MPI_Sendrecv(NULL, 0, MPI_DATATYPE_NULL, to, 3, &guard, 0, MPI_DATATYPE_NULL, from, 3,
                          MPI_COMM_WORLD, &st));
    check_status(&st, from, 3, "Sendrecv");

    /* Persistent synchronous send, started twice. */
    CHECK_RC(MPI_Ssend_init(NULL, 0, MPI_DATATYPE_NULL, to, 4, MPI_COMM_WORLD, &reqs[0]));
    CHECK_RC(MPI_Recv_init(&guard, 0, MPI_DATATYPE_NULL, from, 4, MPI_COMM_WORLD, &reqs[1]));
    for (int round = 0; round < 2; round++) {
        CHECK_RC(MPI_Startall(2, reqs));
        MPI_Status sts[2];
        CHECK_RC(MPI_Waitall(2, reqs, sts));
        check_status(&sts[1], from, 4, "persistent Ssend/Recv");
    }
    CHECK_RC(MPI_Request_free(&reqs[0]));
    CHECK_RC(MPI_Request_free(&reqs[1]));

    /* A matched probe, then the receive of the matched message. */
    CHECK_RC(MPI_Isend(NULL, 0, MPI_DATATYPE_NULL, to, 5, MPI_COMM_WORLD, &reqs[0]));
    MPI_Message msg;
    CHECK_RC(MPI_Mprobe(from, 5, MPI_COMM_WORLD, &msg, &st));
    CHECK_RC(MPI_Mrecv(&guard, 0, MPI_DATATYPE_NULL, &msg, &st));
    check_status(&st, from, 5, "Mprobe/Mrecv");
    CHECK_RC(MPI_Wait(&reqs[0], MPI_STATUS_IGNORE));
    MPT_CHECK(guard == 'g', "an empty receive wrote its buffer: '%c'", guard);

    /* Data into an empty MPI_DATATYPE_NULL receive: truncated. A count above 0: no type. */
    int one = 7;
    CHECK_RC(MPI_Isend(&one, 1, MPI_INT, to, 6, MPI_COMM_WORLD, &reqs[0]));
    expect_class(MPI_Recv(&guard, 0, MPI_DATATYPE_NULL, from, 6, MPI_COMM_WORLD, &st),
                 MPI_ERR_TRUNCATE, "4 bytes into an empty MPI_DATATYPE_NULL receive");
    CHECK_RC(MPI_Wait(&reqs[0], MPI_STATUS_IGNORE));
    expect_class(MPI_Send(&one, 1, MPI_DATATYPE_NULL, to, 7, MPI_COMM_WORLD), MPI_ERR_TYPE,
                 "a send of 1 MPI_DATATYPE_NULL");
    expect_class(MPI_Irecv(&one, 2, MPI_DATATYPE_NULL, from, 7, MPI_COMM_WORLD, &reqs[0]),
                 MPI_ERR_TYPE, "a receive of 2 MPI_DATATYPE_NULL");
}

/* alltoallw where only the slot towards the next rank carries data; alltoallv of no data. */
static void test_coll(int rank, int size)
{
    int *counts = calloc(size, sizeof(int)), *rcounts = calloc(size, sizeof(int));
    int *displs = calloc(size, sizeof(int));
    MPI_Datatype *stypes = malloc(size * sizeof(MPI_Datatype));
    MPI_Datatype *rtypes = malloc(size * sizeof(MPI_Datatype));
    for (int i = 0; i < size; i++) {
        stypes[i] = rtypes[i] = MPI_DATATYPE_NULL;
    }
    int to = (rank + 1) % size, from = (rank + size - 1) % size;
    counts[to] = 3;
    stypes[to] = MPI_INT;
    rcounts[from] = 3;
    rtypes[from] = MPI_INT;
    int out[3] = {rank * 10, rank * 10 + 1, rank * 10 + 2}, in[4] = {-1, -1, -1, -1};
    CHECK_RC(
        MPI_Alltoallw(out, counts, displs, stypes, in, rcounts, displs, rtypes, MPI_COMM_WORLD));
    MPT_CHECK(in[0] == from * 10 && in[1] == from * 10 + 1 && in[2] == from * 10 + 2 && in[3] == -1,
              "alltoallw from %d: %d %d %d %d", from, in[0], in[1], in[2], in[3]);
    memset(counts, 0, size * sizeof(int));
    /* MPICH 4.0 takes MPI_DATATYPE_NULL in pt2pt and alltoallw only: its alltoallv, bcast and
     * neighbourhood collectives fail or assert. */
#ifndef MPICH
    CHECK_RC(MPI_Alltoallv(NULL, counts, displs, MPI_DATATYPE_NULL, NULL, counts, displs,
                           MPI_DATATYPE_NULL, MPI_COMM_WORLD));
    CHECK_RC(MPI_Bcast(NULL, 0, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD));
#endif
    /* A slot with data keeps needing a type. */
    counts[to] = 1;
    rcounts[from] = 1;
    stypes[to] = MPI_DATATYPE_NULL;
    expect_class(
        MPI_Alltoallw(out, counts, displs, stypes, in, rcounts, displs, rtypes, MPI_COMM_WORLD),
        MPI_ERR_TYPE, "alltoallw with 1 element of MPI_DATATYPE_NULL");

    /* A ring (3 ranks or more, so that the left and right neighbours differ): neighbour
     * alltoallw, each rank sending to the right only and receiving from the left only, the
     * other slots empty with MPI_DATATYPE_NULL. Neighbours come in the order left, right. */
#ifndef MPICH
    if (size >= 3) {
        MPI_Comm ring;
        int dims[1] = {size}, periods[1] = {1};
        CHECK_RC(MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring));
        int sc[2] = {0, 1}, rc[2] = {1, 0}, nin[2] = {-1, -1};
        MPI_Aint nd[2] = {0, sizeof(int)};
        MPI_Datatype st[2] = {MPI_DATATYPE_NULL, MPI_INT}, rt[2] = {MPI_INT, MPI_DATATYPE_NULL};
        CHECK_RC(MPI_Neighbor_alltoallw(&rank, sc, (MPI_Aint[]){0, 0}, st, nin, rc, nd, rt, ring));
        MPT_CHECK(nin[0] == from && nin[1] == -1, "neighbor_alltoallw: %d %d, expected %d -1",
                  nin[0], nin[1], from);
        CHECK_RC(MPI_Comm_free(&ring));
    }
#endif
    free(counts);
    free(rcounts);
    free(displs);
    free(stypes);
    free(rtypes);
}

#endif

#if !defined(OPEN_MPI) && !defined(MPICH)
/* One-sided operations of no data with MPI_DATATYPE_NULL leave the window as it was. */
static void test_rma(int rank, int size)
{
    int *mem = NULL;
    MPI_Win win;
    CHECK_RC(
        MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mem, &win));
    CHECK_RC(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    for (int i = 0; i < 4; i++) {
        mem[i] = rank * 100 + i;
    }
    int right = (rank + 1) % size, res = -5;
    CHECK_RC(MPI_Win_fence(0, win));
    CHECK_RC(MPI_Put(NULL, 0, MPI_DATATYPE_NULL, right, 1, 0, MPI_DATATYPE_NULL, win));
    CHECK_RC(MPI_Get(&res, 0, MPI_DATATYPE_NULL, right, 2, 0, MPI_DATATYPE_NULL, win));
    CHECK_RC(
        MPI_Accumulate(NULL, 0, MPI_DATATYPE_NULL, right, 3, 0, MPI_DATATYPE_NULL, MPI_SUM, win));
    CHECK_RC(MPI_Win_fence(0, win));
    for (int i = 0; i < 4; i++) {
        MPT_CHECK(mem[i] == rank * 100 + i, "window[%d] = %d after empty operations", i, mem[i]);
    }
    MPT_CHECK(res == -5, "an empty get wrote %d", res);
    CHECK_RC(MPI_Win_free(&win));
}
#endif

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    /* Open MPI 4.1 refuses MPI_DATATYPE_NULL whatever the count. */
#ifndef OPEN_MPI
    test_pt2pt(rank, size);
    test_coll(rank, size);
#ifndef MPICH
    test_rma(rank, size);
#endif
#endif
    MPI_Finalize();
    return mpt_finish(rank);
}
