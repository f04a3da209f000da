/*
 * Nonblocking collectives in flight together: a barrier that must not complete before the
 * last rank enters it, several broadcasts and gathers started at once on one communicator and
 * completed in reverse order or with MPI_Waitall / MPI_Testany, overlapped with point-to-point
 * traffic, and the empty status a completed collective reports.
 */
#include "colltest.h"

#define NCOLL 6

static int rank, size;

/* Rank 0's MPI_Ibarrier must stay incomplete while the last rank has not entered; the last
 * rank enters only after rank 0 told it (with a point-to-point message) to. It enters with
 * MPI_Ibarrier too: blocking and nonblocking collectives never match each other (MPI 4.1,
 * section 6.12), and libmp's blocking barrier takes another path inside a node. */
static void test_barrier_holds(void)
{
    int last = size - 1;
    MPI_Request req;
    if (size == 1) {
        CT_MPI(MPI_Ibarrier(MPI_COMM_WORLD, &req));
        CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        return;
    }
    if (rank == last) {
        int go;
        CT_MPI(MPI_Recv(&go, 1, MPI_INT, 0, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CT_MPI(MPI_Ibarrier(MPI_COMM_WORLD, &req));
        CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        return;
    }
    CT_MPI(MPI_Ibarrier(MPI_COMM_WORLD, &req));
    if (rank == 0) {
        int flag = 0;
        for (int i = 0; i < 2000 && !flag; i++) {
            CT_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
        }
        MPT_CHECK(!flag, "MPI_Ibarrier completed before rank %d entered the barrier", last);
        int go = 1;
        CT_MPI(MPI_Send(&go, 1, MPI_INT, last, 5, MPI_COMM_WORLD));
    }
    CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
}

/* Several collectives in flight at once, each root different, with pt2pt messages around a
 * ring on the same communicator at the same time. */
static void test_overlap(int seq0, size_t n)
{
    MPI_Request reqs[2 * NCOLL + 2];
    int *bufs[NCOLL], *gath[NCOLL];
    for (int k = 0; k < NCOLL; k++) {
        int root = k % size;
        bufs[k] = ct_alloc(MPI_INT, n);
        gath[k] = ct_alloc(MPI_INT, n * (size_t)size);
        if (rank == root) {
            ct_fill(bufs[k], MPI_INT, 0, n, root, seq0 + k);
        }
        CT_MPI(MPI_Ibcast(bufs[k], (int)n, MPI_INT, root, MPI_COMM_WORLD, &reqs[2 * k]));
    }
    int *mine = ct_alloc(MPI_INT, n);
    ct_fill(mine, MPI_INT, 0, n, rank, seq0 + 100);
    for (int k = 0; k < NCOLL; k++) {
        CT_MPI(MPI_Igather(mine, (int)n, MPI_INT, gath[k], (int)n, MPI_INT, (k + 1) % size,
                           MPI_COMM_WORLD, &reqs[2 * k + 1]));
    }
    int *ring_in = ct_alloc(MPI_INT, n), *ring_out = ct_alloc(MPI_INT, n);
    ct_fill(ring_out, MPI_INT, 0, n, rank, seq0 + 200);
    /* Tag 0 on the same communicator: must not mix with the collectives' messages. */
    CT_MPI(MPI_Irecv(ring_in, (int)n, MPI_INT, (rank - 1 + size) % size, 0, MPI_COMM_WORLD,
                     &reqs[2 * NCOLL]));
    CT_MPI(MPI_Isend(ring_out, (int)n, MPI_INT, (rank + 1) % size, 0, MPI_COMM_WORLD,
                     &reqs[2 * NCOLL + 1]));
    /* Complete the last started first, one by one, then the rest with Testany and Waitall. */
    CT_MPI(MPI_Wait(&reqs[2 * NCOLL - 1], MPI_STATUS_IGNORE));
    int done = 0, idx, flag;
    while (!done) {
        CT_MPI(MPI_Testany(2 * NCOLL + 2, reqs, &idx, &flag, MPI_STATUS_IGNORE));
        done = flag;
    }
    MPI_Status st[2 * NCOLL + 2];
    CT_MPI(MPI_Waitall(2 * NCOLL + 2, reqs, st));
    for (int k = 0; k < 2 * NCOLL + 2; k++) {
        MPT_CHECK(reqs[k] == MPI_REQUEST_NULL, "request %d not freed", k);
    }
    for (int k = 0; k < NCOLL; k++) {
        ct_check(bufs[k], MPI_INT, 0, n, k % size, seq0 + k, "overlapped Ibcast");
        if (rank == (k + 1) % size) {
            for (int i = 0; i < size; i++) {
                ct_check(gath[k], MPI_INT, n * (size_t)i, n, i, seq0 + 100, "overlapped Igather");
            }
        }
        free(bufs[k]);
        free(gath[k]);
    }
    ct_check(ring_in, MPI_INT, 0, n, (rank - 1 + size) % size, seq0 + 200, "ring message");
    free(mine);
    free(ring_in);
    free(ring_out);
}

/* Collectives on communicators other than MPI_COMM_WORLD: the halves of a split (ranks renamed
 * and reordered) run theirs at the same time; a duplicate is freed while its nonblocking
 * broadcast is still pending, which must still complete. */
static void test_other_comms(void)
{
    MPI_Comm half, dup;
    int color = rank % 2, hrank, hsize;
    CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, size - rank, &half));
    MPI_Comm_rank(half, &hrank);
    MPI_Comm_size(half, &hsize);
    int v = rank, got[64], root_world = -1;
    CT_MPI(MPI_Allgather(&v, 1, MPI_INT, got, 1, MPI_INT, half));
    for (int i = 0; i < hsize; i++) {
        /* Keys size - rank reverse the order: half rank i is the (hsize - 1 - i)-th of color. */
        int want = color + 2 * (hsize - 1 - i);
        MPT_CHECK(got[i] == want, "allgather on a split half: got[%d] = %d, want %d", i, got[i],
                  want);
    }
    if (hrank == 0) {
        root_world = rank;
    }
    CT_MPI(MPI_Bcast(&root_world, 1, MPI_INT, 0, half));
    MPT_CHECK(root_world == color + 2 * (hsize - 1), "bcast on a split half gave %d", root_world);
    CT_MPI(MPI_Comm_free(&half));

    CT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    int x = rank == 0 ? 99 : -1;
    MPI_Request req;
    CT_MPI(MPI_Ibcast(&x, 1, MPI_INT, 0, dup, &req));
    CT_MPI(MPI_Comm_free(&dup));
    CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    MPT_CHECK(x == 99, "Ibcast on a communicator freed before completion gave %d", x);
}

/* What MPI_Wait reports for a collective: the empty status. */
static void test_status(void)
{
    MPI_Request req;
    MPI_Status st;
    int v = rank;
    st.MPI_SOURCE = 77;
    st.MPI_TAG = 77;
    CT_MPI(MPI_Iallgather(MPI_IN_PLACE, 0, MPI_INT, &v, 0, MPI_INT, MPI_COMM_WORLD, &req));
    CT_MPI(MPI_Wait(&req, &st));
    int count = -1;
    MPI_Get_count(&st, MPI_INT, &count);
    MPT_CHECK(st.MPI_SOURCE == MPI_ANY_SOURCE && st.MPI_TAG == MPI_ANY_TAG && count == 0,
              "status of a collective: source %d tag %d count %d, expected the empty status",
              st.MPI_SOURCE, st.MPI_TAG, count);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int iters = argc > 1 ? (int)mpt_parse_long(argv[1], "iterations") : 20;
    for (int it = 0; it < iters; it++) {
        test_barrier_holds();
        test_overlap(1000 * it, it % 2 == 0 ? 5 : 20000);
    }
    test_status();
    if (size <= 64) {
        test_other_comms();
    }
    CT_MPI(MPI_Barrier(MPI_COMM_WORLD));
    MPI_Finalize();
    return mpt_finish(rank);
}
