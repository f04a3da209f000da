/*
 * MPI_Comm_dup and MPI_Comm_split trees: sizes, ranks (keys reversing the order), groups,
 * comparison results, names, point-to-point traffic on every new communicator, messages on a
 * duplicate that never match the parent's, MPI_UNDEFINED colors and MPI_Comm_free.
 */
#include "commtest.h"

static int wrank, wsize;

/* A message on one communicator must not match a receive on another that holds the same
 * processes: both are sent around a ring with the same tag, a's first; the receive on b must
 * take b's message, and the one on a a's. */
static void check_isolation(MPI_Comm a, MPI_Comm b, const char *what)
{
    int ra, sa, rb, sb;
    P2P_MPI(MPI_Comm_rank(a, &ra));
    P2P_MPI(MPI_Comm_size(a, &sa));
    P2P_MPI(MPI_Comm_rank(b, &rb));
    P2P_MPI(MPI_Comm_size(b, &sb));
    int out_a = 1000 + wrank, out_b = 2000 + wrank, in_a = -1, in_b = -1;
    MPI_Request req[2];
    MPI_Status st;
    P2P_MPI(MPI_Isend(&out_a, 1, MPI_INT, (ra + 1) % sa, 9, a, &req[0]));
    P2P_MPI(MPI_Isend(&out_b, 1, MPI_INT, (rb + 1) % sb, 9, b, &req[1]));
    P2P_MPI(MPI_Recv(&in_b, 1, MPI_INT, MPI_ANY_SOURCE, 9, b, &st));
    P2P_MPI(MPI_Recv(&in_a, 1, MPI_INT, MPI_ANY_SOURCE, 9, a, MPI_STATUS_IGNORE));
    P2P_MPI(MPI_Waitall(2, req, MPI_STATUSES_IGNORE));
    int prev_b = (rb + sb - 1) % sb, prev_a = (ra + sa - 1) % sa;
    int want_b = 2000 + ct_world_rank(b, prev_b, 0), want_a = 1000 + ct_world_rank(a, prev_a, 0);
    MPT_CHECK(in_b == want_b && st.MPI_SOURCE == prev_b,
              "%s: the receive on the second got %d from %d, expected %d from %d", what, in_b,
              st.MPI_SOURCE, want_b, prev_b);
    MPT_CHECK(in_a == want_a, "%s: the receive on the first got %d, expected %d", what, in_a,
              want_a);
    /* Both rings must be done before either communicator carries the next test's messages. */
    p2p_barrier(a);
}

static void check_compare(MPI_Comm a, MPI_Comm b, int want, const char *what)
{
    int result = -1;
    P2P_MPI(MPI_Comm_compare(a, b, &result));
    MPT_CHECK(result == want, "%s: MPI_Comm_compare gave %d, expected %d", what, result, want);
}

static void test_dup(void)
{
    MPI_Comm dup, dup2;
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1, flag = -1;

    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    int r = -1, s = -1;
    P2P_MPI(MPI_Comm_rank(dup, &r));
    P2P_MPI(MPI_Comm_size(dup, &s));
    MPT_CHECK(r == wrank && s == wsize, "dup: rank %d size %d, expected %d %d", r, s, wrank, wsize);
    check_compare(MPI_COMM_WORLD, MPI_COMM_WORLD, MPI_IDENT, "world vs world");
    check_compare(MPI_COMM_WORLD, dup, MPI_CONGRUENT, "world vs dup");
    P2P_MPI(MPI_Comm_test_inter(dup, &flag));
    MPT_CHECK(flag == 0, "dup: MPI_Comm_test_inter says %d", flag);
    P2P_MPI(MPI_Comm_get_name(MPI_COMM_WORLD, name, &len));
    MPT_CHECK(strcmp(name, "MPI_COMM_WORLD") == 0 && len == 14, "world's name is '%s' (%d)", name,
              len);
    P2P_MPI(MPI_Comm_get_name(dup, name, &len));
    MPT_CHECK(len == 0 && name[0] == '\0', "a new communicator's name is '%s', expected ''", name);
    P2P_MPI(MPI_Comm_set_name(dup, "my dup"));
    P2P_MPI(MPI_Comm_get_name(dup, name, &len));
    MPT_CHECK(strcmp(name, "my dup") == 0 && len == 6, "set name: got '%s' (%d)", name, len);
    P2P_MPI(MPI_Comm_dup(dup, &dup2));
    check_compare(dup, dup2, MPI_CONGRUENT, "dup vs dup of dup");
    ct_ring(dup, 3, 11, "dup");
    ct_ring(dup2, 3, 12, "dup of dup");
    check_isolation(MPI_COMM_WORLD, dup, "world/dup");
    check_isolation(dup, dup2, "dup/dup2");
    P2P_MPI(MPI_Comm_free(&dup2));
    MPT_CHECK(dup2 == MPI_COMM_NULL, "MPI_Comm_free did not set the handle to MPI_COMM_NULL");
    P2P_MPI(MPI_Comm_free(&dup));
}

/* Split by parity with keys that reverse the order; then split and dup again. */
static void test_split(void)
{
    MPI_Comm half, quarter, qdup, none;
    int color = wrank % 2, r = -1, s = -1;

    P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, -wrank, &half));
    int want_size = (wsize + 1 - color) / 2, want_rank = 0;
    for (int w = wrank + 2; w < wsize; w += 2) {
        want_rank++; /* the higher world ranks of my color come first */
    }
    P2P_MPI(MPI_Comm_rank(half, &r));
    P2P_MPI(MPI_Comm_size(half, &s));
    MPT_CHECK(r == want_rank && s == want_size, "split: rank %d size %d, expected %d %d", r, s,
              want_rank, want_size);
    for (int i = 0; i < s; i++) {
        int w = ct_world_rank(half, i, 0);
        int want = color + 2 * (want_size - 1 - i);
        MPT_CHECK(w == want, "split: rank %d is world rank %d, expected %d", i, w, want);
    }
    check_compare(MPI_COMM_WORLD, half, wsize == 1 ? MPI_CONGRUENT : MPI_UNEQUAL, "world/half");
    ct_ring(half, 4, 21, "half");
    check_isolation(MPI_COMM_WORLD, half, "world/half");

    /* The second level: pairs of half, with the original order (key 0: by parent rank). */
    P2P_MPI(MPI_Comm_split(half, r / 2, 0, &quarter));
    int qr = -1, qs = -1;
    P2P_MPI(MPI_Comm_rank(quarter, &qr));
    P2P_MPI(MPI_Comm_size(quarter, &qs));
    int want_qs = (r / 2) * 2 + 2 <= s ? 2 : 1;
    MPT_CHECK(qr == r % 2 && qs == want_qs, "quarter: rank %d size %d, expected %d %d", qr, qs,
              r % 2, want_qs);
    P2P_MPI(MPI_Comm_dup(quarter, &qdup));
    ct_ring(quarter, 5, 31, "quarter");
    ct_ring(qdup, 5, 32, "dup of quarter");
    check_isolation(quarter, qdup, "quarter/dup");
    check_isolation(half, quarter, "half/quarter");

    /* The last world rank takes no part: it gets MPI_COMM_NULL. */
    int last = wrank == wsize - 1;
    P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, last ? MPI_UNDEFINED : 0, 0, &none));
    if (last) {
        MPT_CHECK(none == MPI_COMM_NULL, "MPI_UNDEFINED color gave a communicator");
    } else {
        P2P_MPI(MPI_Comm_size(none, &s));
        MPT_CHECK(s == wsize - 1, "split without the last rank: size %d, expected %d", s,
                  wsize - 1);
        ct_ring(none, 6, 41, "all but the last");
        P2P_MPI(MPI_Comm_free(&none));
    }
    P2P_MPI(MPI_Comm_free(&qdup));
    P2P_MPI(MPI_Comm_free(&quarter));
    P2P_MPI(MPI_Comm_free(&half));
}

/* Operations pending on a communicator complete normally after MPI_Comm_free: a receive
 * posted before the free, a large (rendezvous) send, and a message sent after the peer freed
 * its handle. */
static void test_free_pending(void)
{
    MPI_Comm d;
    int next = (wrank + 1) % wsize, prev = (wrank + wsize - 1) % wsize;
    enum { N = 100000 }; /* 400 KB: above the eager limit */
    int *out = malloc(sizeof(int) * N), *in = malloc(sizeof(int) * N);
    for (int i = 0; i < N; i++) {
        out[i] = wrank * N + i;
        in[i] = -1;
    }
    MPI_Request reqs[2];
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    P2P_MPI(MPI_Irecv(in, N, MPI_INT, prev, 1, d, &reqs[0]));
    P2P_MPI(MPI_Isend(out, N, MPI_INT, next, 1, d, &reqs[1]));
    P2P_MPI(MPI_Comm_free(&d));
    MPT_CHECK(d == MPI_COMM_NULL, "free with pending operations left the handle set");
    P2P_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    int bad = 0;
    for (int i = 0; i < N; i++) {
        bad += in[i] != prev * N + i;
    }
    MPT_CHECK(bad == 0, "free with pending operations: %d of %d values wrong", bad, N);
    /* New communicators may reuse the id now; their messages must not meet old ones. */
    MPI_Comm e;
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &e));
    ct_ring(e, 1, 77, "dup after a free with pending operations");
    P2P_MPI(MPI_Comm_free(&e));
    free(out);
    free(in);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    test_dup();
    test_split();
    test_free_pending();
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
