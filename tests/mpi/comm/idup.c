/*
 * MPI_Comm_idup: traffic on the parent while the duplication is pending, several in flight at
 * once (started in different orders on different ranks, which the agreement must survive), a
 * blocking MPI_Comm_dup while one is in flight (also on ranks whose peers wait for the idup
 * first), an idup some ranks start only once another one completed, every result isolated from
 * the others, and many idup + free cycles. Then the same on
 * an intercommunicator, with MPICH's comm/comm_idup scenario: the idup must return at once.
 */
#include <string.h>

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

/* Every rank of inter sends to every remote rank on both dup and inter with one tag, and
 * checks that each receive sees the message of its own communicator. */
static void inter_traffic(MPI_Comm inter, MPI_Comm dup, int round)
{
    int lrank, rsize;
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    MPI_Request *reqs = malloc(sizeof(MPI_Request) * 2 * (size_t)rsize);
    int *out = malloc(sizeof(int) * 2 * (size_t)rsize);
    for (int j = 0; j < rsize; j++) {
        out[2 * j] = 100000 * round + 1000 * wrank + j;        /* on dup */
        out[2 * j + 1] = -(100000 * round + 1000 * wrank + j); /* on inter */
        P2P_MPI(MPI_Isend(&out[2 * j], 1, MPI_INT, j, 13, dup, &reqs[2 * j]));
        P2P_MPI(MPI_Isend(&out[2 * j + 1], 1, MPI_INT, j, 13, inter, &reqs[2 * j + 1]));
    }
    for (int j = rsize - 1; j >= 0; j--) {
        int from = ct_world_rank(inter, j, 1), want = 100000 * round + 1000 * from + lrank;
        int v = 0;
        MPI_Status st;
        P2P_MPI(MPI_Recv(&v, 1, MPI_INT, j, 13, inter, &st));
        MPT_CHECK(v == -want && st.MPI_SOURCE == j && st.MPI_TAG == 13,
                  "round %d: parent intercomm got %d from %d tag %d, expected %d from %d", round, v,
                  st.MPI_SOURCE, st.MPI_TAG, -want, j);
        P2P_MPI(MPI_Recv(&v, 1, MPI_INT, j, 13, dup, &st));
        MPT_CHECK(v == want && st.MPI_SOURCE == j && st.MPI_TAG == 13,
                  "round %d: idup'd intercomm got %d from %d tag %d, expected %d from %d", round, v,
                  st.MPI_SOURCE, st.MPI_TAG, want, j);
    }
    P2P_MPI(MPI_Waitall(2 * rsize, reqs, MPI_STATUSES_IGNORE));
    free(reqs);
    free(out);
}

/* What an intercommunicator's duplicate must be like. */
static void check_inter_dup(MPI_Comm inter, MPI_Comm dup, const char *what)
{
    int flag = 0, cmp = -1, rsize = -1, rsize2 = -2, lrank = -1, lrank2 = -2;
    P2P_MPI(MPI_Comm_test_inter(dup, &flag));
    MPT_CHECK(flag, "%s: the duplicate is not an intercommunicator", what);
    P2P_MPI(MPI_Comm_compare(inter, dup, &cmp));
    MPT_CHECK(cmp == MPI_CONGRUENT, "%s: compare with the parent gives %d, expected congruent",
              what, cmp);
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    P2P_MPI(MPI_Comm_remote_size(dup, &rsize2));
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    P2P_MPI(MPI_Comm_rank(dup, &lrank2));
    MPT_CHECK(rsize == rsize2 && lrank == lrank2, "%s: remote size %d rank %d, expected %d and %d",
              what, rsize2, lrank2, rsize, lrank);
}

/* MPICH's comm/comm_idup on an intercommunicator: each group's leader blocks in MPI_Recv on
 * the parent for messages that the other group's other members send synchronously only after
 * starting their idup, and only then starts its own. The idup must return at once. */
static void inter_blocked_leaders(MPI_Comm inter)
{
    int lrank, rsize;
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    MPI_Comm dup;
    MPI_Request req;
    MPI_Status st;
    if (lrank == 0) {
        int seen = 0;
        for (int i = 1; i < rsize; i++) {
            int v = -1;
            P2P_MPI(MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 12, inter, &st));
            MPT_CHECK(st.MPI_SOURCE > 0 && st.MPI_SOURCE < rsize && !(seen & 1 << st.MPI_SOURCE),
                      "leader: message from remote rank %d (twice or out of 1..%d)", st.MPI_SOURCE,
                      rsize - 1);
            MPT_CHECK(v == 500 + st.MPI_SOURCE, "leader: got %d from remote rank %d, expected %d",
                      v, st.MPI_SOURCE, 500 + st.MPI_SOURCE);
            seen |= 1 << st.MPI_SOURCE;
        }
        P2P_MPI(MPI_Comm_idup(inter, &dup, &req));
    } else {
        int v = 500 + lrank;
        P2P_MPI(MPI_Comm_idup(inter, &dup, &req));
        P2P_MPI(MPI_Ssend(&v, 1, MPI_INT, 0, 12, inter));
    }
    P2P_MPI(MPI_Wait(&req, &st));
    MPT_CHECK(req == MPI_REQUEST_NULL, "MPI_Wait left the intercomm idup request set");
    MPT_CHECK(st.MPI_SOURCE == MPI_ANY_SOURCE && st.MPI_TAG == MPI_ANY_TAG &&
                  st.MPI_ERROR == MPI_SUCCESS,
              "intercomm idup status: source %d tag %d error %d", st.MPI_SOURCE, st.MPI_TAG,
              st.MPI_ERROR);
    check_inter_dup(inter, dup, "blocked leaders");
    inter_traffic(inter, dup, 1);
    P2P_MPI(MPI_Comm_free(&dup));
}

/* Idups of the intercommunicator and of a group's local communicator started in opposite
 * orders by the two groups, with a blocking dup of the intercommunicator in between; then
 * idup + free cycles. */
static void inter_overlap(MPI_Comm inter, MPI_Comm local, int color, long cycles)
{
    MPI_Comm di, dl, bd;
    MPI_Request reqs[2];
    if (color == 0) {
        P2P_MPI(MPI_Comm_idup(inter, &di, &reqs[0]));
        P2P_MPI(MPI_Comm_idup(local, &dl, &reqs[1]));
    } else {
        P2P_MPI(MPI_Comm_idup(local, &dl, &reqs[1]));
        P2P_MPI(MPI_Comm_idup(inter, &di, &reqs[0]));
    }
    P2P_MPI(MPI_Comm_dup(inter, &bd));
    P2P_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    check_inter_dup(inter, di, "overlapping idup");
    check_inter_dup(inter, bd, "blocking dup during idups");
    inter_traffic(inter, di, 2);
    inter_traffic(bd, di, 3);
    ct_ring(dl, 4, color, "idup of the local communicator");
    P2P_MPI(MPI_Comm_free(&di));
    P2P_MPI(MPI_Comm_free(&dl));
    P2P_MPI(MPI_Comm_free(&bd));

    /* One group dups its local communicator (blocking) while the other waits for the
     * intercommunicator's idup, which needs the first group too. */
    P2P_MPI(MPI_Comm_idup(inter, &di, &reqs[0]));
    if (color == 0) {
        P2P_MPI(MPI_Comm_dup(local, &dl));
    }
    P2P_MPI(MPI_Wait(&reqs[0], MPI_STATUS_IGNORE));
    if (color == 1) {
        P2P_MPI(MPI_Comm_dup(local, &dl));
    }
    check_inter_dup(inter, di, "idup while a group dups its local communicator");
    inter_traffic(inter, di, 4);
    ct_ring(dl, 4, color, "dup of the local communicator");
    P2P_MPI(MPI_Comm_free(&di));
    P2P_MPI(MPI_Comm_free(&dl));
    for (long i = 0; i < cycles; i++) {
        MPI_Request req;
        P2P_MPI(MPI_Comm_idup(inter, &di, &req));
        P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        if (i % 10 == 0) {
            inter_traffic(inter, di, 6 + (int)i);
        }
        P2P_MPI(MPI_Comm_free(&di));
    }
}

/* MPI_Comm_idup_with_info on the intercommunicator: the given hints (freed before the idup
 * completes) replace the parent's, and attributes are copied as by MPI_Comm_dup. */
static void inter_info_attr(MPI_Comm inter)
{
    int key = MPI_KEYVAL_INVALID, flag = 0, buflen;
    static int value = 42;
    P2P_MPI(MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &key, NULL));
    P2P_MPI(MPI_Comm_set_attr(inter, key, &value));
    MPI_Info given, hints;
    P2P_MPI(MPI_Info_create(&given));
    P2P_MPI(MPI_Info_set(given, "idup_hint", "inter"));
    MPI_Comm dup;
    MPI_Request req;
    P2P_MPI(MPI_Comm_idup_with_info(inter, given, &dup, &req));
    P2P_MPI(MPI_Info_free(&given));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    check_inter_dup(inter, dup, "idup_with_info");
    char got[32] = "";
    buflen = sizeof(got);
    P2P_MPI(MPI_Comm_get_info(dup, &hints));
    P2P_MPI(MPI_Info_get_string(hints, "idup_hint", &buflen, got, &flag));
    MPT_CHECK(flag && strcmp(got, "inter") == 0, "idup_with_info on an intercomm: hint %s (%d)",
              got, flag);
    P2P_MPI(MPI_Info_free(&hints));
    int *attr = NULL;
    flag = 0;
    P2P_MPI(MPI_Comm_get_attr(dup, key, &attr, &flag));
    MPT_CHECK(flag && attr == &value, "idup on an intercomm did not copy the attribute");
    inter_traffic(inter, dup, 5);
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_delete_attr(inter, key));
    P2P_MPI(MPI_Comm_free_keyval(&key));
}

/* Two groups (even and odd world ranks) joined by an intercommunicator. */
static void inter_tests(long cycles)
{
    if (wsize < 2) {
        return;
    }
    int color = wrank % 2;
    MPI_Comm local, inter;
    P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, wrank, &local));
    P2P_MPI(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, 1 - color, 11, &inter));
    inter_blocked_leaders(inter);
    inter_info_attr(inter);
    inter_overlap(inter, local, color, cycles);
    P2P_MPI(MPI_Comm_free(&inter));
    P2P_MPI(MPI_Comm_free(&local));
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

    /* An idup that some ranks start only after another idup completed, which the others
     * started after it (MPICH's threads/comm/idup_deadlock without threads): the first one's
     * round waits for those ranks, and must not keep the second from finding an id. */
    MPI_Comm p[2], q[2];
    MPI_Request pq[2];
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &p[0]));
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &p[1]));
    if (wrank % 2 == 0) {
        P2P_MPI(MPI_Comm_idup(p[1], &q[1], &pq[1]));
        P2P_MPI(MPI_Wait(&pq[1], MPI_STATUS_IGNORE));
        P2P_MPI(MPI_Comm_idup(p[0], &q[0], &pq[0]));
        P2P_MPI(MPI_Wait(&pq[0], MPI_STATUS_IGNORE));
    } else {
        P2P_MPI(MPI_Comm_idup(p[0], &q[0], &pq[0]));
        P2P_MPI(MPI_Comm_idup(p[1], &q[1], &pq[1]));
        P2P_MPI(MPI_Waitall(2, pq, MPI_STATUSES_IGNORE));
    }
    MPI_Comm pqs[5] = {p[0], p[1], q[0], q[1], d};
    check_distinct(pqs, 5);
    ct_ring(q[0], 4, 1, "the idup started late on even ranks");
    ct_ring(q[1], 4, 2, "the idup completed first on even ranks");
    for (int i = 0; i < 2; i++) {
        P2P_MPI(MPI_Comm_free(&q[i]));
        P2P_MPI(MPI_Comm_free(&p[i]));
    }

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
    inter_tests(cycles < 50 ? cycles : 50);
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
