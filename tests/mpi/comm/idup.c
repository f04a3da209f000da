/*
 * MPI_Comm_idup: traffic on the parent while the duplication is pending, several in flight at
 * once (started in different orders on different ranks, which the agreement must survive), a
 * blocking MPI_Comm_dup while one is in flight (also on ranks whose peers wait for the idup
 * first), every result isolated from the others, and many idup + free cycles.
 */
#include "commtest.h"

#define NCOMMS 4

static int wrank, wsize;

/* Every communicator gets a message with the same tag; each receive must see its own. */
static void check_distinct(MPI_Comm *comms, int n)
{
    MPI_Request *reqs = malloc(sizeof(MPI_Request) * (size_t)n);
    int *out = malloc(sizeof(int) * (size_t)n), *in = malloc(sizeof(int) * (size_t)n);
    int next = (wrank + 1) % wsize, prev = (wrank + wsize - 1) % wsize;
    for (int i = 0; i < n; i++) {
        out[i] = 1000 * i + wrank;
        P2P_MPI(MPI_Isend(&out[i], 1, MPI_INT, next, 5, comms[i], &reqs[i]));
    }
    for (int i = n - 1; i >= 0; i--) {
        in[i] = -1;
        P2P_MPI(MPI_Recv(&in[i], 1, MPI_INT, MPI_ANY_SOURCE, 5, comms[i], MPI_STATUS_IGNORE));
        MPT_CHECK(in[i] == 1000 * i + prev, "communicator %d: got %d, expected %d", i, in[i],
                  1000 * i + prev);
    }
    P2P_MPI(MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE));
    free(reqs);
    free(out);
    free(in);
    p2p_barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    long cycles = argc > 1 ? mpt_parse_long(argv[1], "cycles") : 300;

    /* One idup, with traffic on the parent before the wait. */
    MPI_Comm d;
    MPI_Request req;
    MPI_Status st;
    P2P_MPI(MPI_Comm_idup(MPI_COMM_WORLD, &d, &req));
    ct_ring(MPI_COMM_WORLD, 1, 7, "world while idup pending");
    P2P_MPI(MPI_Wait(&req, &st));
    MPT_CHECK(req == MPI_REQUEST_NULL, "MPI_Wait left the request set");
    MPT_CHECK(st.MPI_SOURCE == MPI_ANY_SOURCE && st.MPI_TAG == MPI_ANY_TAG &&
                  st.MPI_ERROR == MPI_SUCCESS,
              "idup status: source %d tag %d error %d", st.MPI_SOURCE, st.MPI_TAG, st.MPI_ERROR);
    int cmp = -1;
    P2P_MPI(MPI_Comm_compare(MPI_COMM_WORLD, d, &cmp));
    MPT_CHECK(cmp == MPI_CONGRUENT, "idup result vs world: %d", cmp);
    ct_ring(d, 2, 8, "idup result");

    /* Two parents, idups started in opposite orders on even and odd ranks, plus a blocking
     * dup of a third while they are in flight. */
    MPI_Comm a, b, c[NCOMMS];
    MPI_Request reqs[2];
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &a));
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &b));
    if (wrank % 2 == 0) {
        P2P_MPI(MPI_Comm_idup(a, &c[0], &reqs[0]));
        P2P_MPI(MPI_Comm_idup(b, &c[1], &reqs[1]));
    } else {
        P2P_MPI(MPI_Comm_idup(b, &c[1], &reqs[1]));
        P2P_MPI(MPI_Comm_idup(a, &c[0], &reqs[0]));
    }
    P2P_MPI(MPI_Comm_dup(d, &c[2]));
    P2P_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    c[3] = d;
    check_distinct(c, NCOMMS);
    MPI_Comm all[NCOMMS + 3] = {c[0], c[1], c[2], c[3], a, b, MPI_COMM_WORLD};
    check_distinct(all, NCOMMS + 3);
    for (int i = 0; i < 3; i++) {
        P2P_MPI(MPI_Comm_free(&c[i]));
    }
    P2P_MPI(MPI_Comm_free(&a));
    P2P_MPI(MPI_Comm_free(&b));

    /* A blocking dup on one rank while its peers wait for an idup it started first: the
     * blocking agreement must not wait for the idup's round, which waits for the others. */
    MPI_Comm x, y;
    P2P_MPI(MPI_Comm_idup(MPI_COMM_WORLD, &x, &req));
    if (wrank % 2 == 0) {
        P2P_MPI(MPI_Comm_dup(d, &y));
        P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    } else {
        P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        P2P_MPI(MPI_Comm_dup(d, &y));
    }
    MPI_Comm xy[3] = {x, y, d};
    check_distinct(xy, 3);
    P2P_MPI(MPI_Comm_free(&x));
    P2P_MPI(MPI_Comm_free(&y));

    /* Cycles of idup and free. */
    for (long i = 0; i < cycles; i++) {
        MPI_Comm e;
        int flag = 0;
        P2P_MPI(MPI_Comm_idup(d, &e, &req));
        /* A few by testing (spinning ranks share 2 cores slowly), the rest by waiting. */
        while (!flag) {
            if (i < 5) {
                P2P_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
            } else {
                P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
                flag = 1;
            }
        }
        if (i % 100 == 0) {
            ct_ring(e, 3, (int)i, "idup in the loop");
        }
        P2P_MPI(MPI_Comm_free(&e));
    }
    P2P_MPI(MPI_Comm_free(&d));
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
