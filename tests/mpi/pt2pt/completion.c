/*
 * Checks Waitany, Waitsome, Testany, Testsome, Testall and Waitall over arrays of receives where
 * some complete at once, some only later, and some entries are MPI_REQUEST_NULL: each index is
 * returned exactly once with its status (or MPI_STATUSES_IGNORE); Request_get_status frees nothing.
 */
#include "p2ptest.h"

#define NREQ 10

enum way { W_WAITANY, W_WAITSOME, W_TESTANY, W_TESTSOME, W_TESTALL, W_WAITALL, W_COUNT };

static const char *const way_names[W_COUNT] = {"Waitany",  "Waitsome", "Testany",
                                               "Testsome", "Testall",  "Waitall"};

/* Which entries are null, which messages are sent at once and which after the go. */
static const bool is_null[NREQ] = {0, 0, 1, 0, 0, 0, 0, 1, 0, 0};
static const bool is_early[NREQ] = {1, 0, 0, 1, 1, 0, 0, 0, 1, 0};
static const int sizes[NREQ] = {8, 100, 0, 3000, 1 << 20, 70000, 1 << 20, 0, 0, 1};

static int rank, partner;
static bool sender, receiver;

static void go(void)
{
    if (receiver && !sender) {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD));
    } else if (sender && !receiver) {
        P2P_MPI(
            MPI_Recv(NULL, 0, MPI_BYTE, partner, P2P_TAG_SYNC, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
}

static int tag_of(int round, int i)
{
    return 100 + round * 16 + i;
}

/* The state of one round on the receiving side. */
struct round {
    enum way way;
    int number;
    bool ignore; /* pass MPI_STATUS(ES)_IGNORE */
    MPI_Request reqs[NREQ];
    unsigned char *bufs[NREQ];
    bool done[NREQ];
    int ndone;
};

/* Checks one completed entry: not returned before, early in phase 1, its status and data. */
static void completed(struct round *r, int idx, const MPI_Status *st, bool phase1)
{
    char what[96];

    snprintf(what, sizeof(what), "%s round %d, entry %d", way_names[r->way], r->number, idx);
    if (idx < 0 || idx >= NREQ || is_null[idx] || r->done[idx]) {
        mpt_fail(__FILE__, __LINE__, "%s: index %d returned (null, done twice or out of range)",
                 what, idx);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPT_CHECK(!phase1 || is_early[idx], "%s: completed before its message was sent", what);
    MPT_CHECK(r->reqs[idx] == MPI_REQUEST_NULL, "%s: the request was not set to null", what);
    r->done[idx] = true;
    r->ndone++;
    if (st != NULL) {
        p2p_status_is(st, partner, tag_of(r->number, idx), sizes[idx], what);
    }
    p2p_check(r->bufs[idx], (size_t)sizes[idx], p2p_seed(partner, tag_of(r->number, idx), 0), what);
}

/* Counts the non-null entries that are early (phase 1) or all of them (phase 2). */
static int expected_done(bool phase1)
{
    int n = 0;

    for (int i = 0; i < NREQ; i++) {
        n += !is_null[i] && (!phase1 || is_early[i]);
    }
    return n;
}

/* Waits, without freeing anything, until every early receive has completed. */
static void wait_early_with_get_status(struct round *r)
{
    for (int i = 0; i < NREQ; i++) {
        int flag = 0;
        double t0 = p2p_now();
        if (is_null[i]) {
            continue;
        }
        if (!is_early[i]) {
            P2P_MPI(MPI_Request_get_status(r->reqs[i], &flag, MPI_STATUS_IGNORE));
            MPT_CHECK(!flag, "Request_get_status: entry %d complete before it was sent", i);
            continue;
        }
        while (!flag && p2p_now() - t0 < 30) {
            MPI_Status st;
            P2P_MPI(MPI_Request_get_status(r->reqs[i], &flag, &st));
            if (flag) {
                p2p_status_is(&st, partner, tag_of(r->number, i), sizes[i], "Request_get_status");
            }
        }
        MPT_CHECK(flag, "entry %d did not complete in 30 s", i);
        MPT_CHECK(r->reqs[i] != MPI_REQUEST_NULL, "Request_get_status freed a request");
    }
}

/* Phase 1 (only early messages sent) or phase 2 (all sent) of a round. */
static void run_phase(struct round *r, bool phase1)
{
    MPI_Status sts[NREQ], st;
    int idx, outcount, flag, indices[NREQ], want = expected_done(phase1);
    double t0 = p2p_now();

    switch (r->way) {
    case W_WAITANY:
    case W_TESTANY:
        while (r->ndone < want) {
            flag = 1;
            if (r->way == W_WAITANY) {
                P2P_MPI(MPI_Waitany(NREQ, r->reqs, &idx, r->ignore ? MPI_STATUS_IGNORE : &st));
            } else {
                P2P_MPI(
                    MPI_Testany(NREQ, r->reqs, &idx, &flag, r->ignore ? MPI_STATUS_IGNORE : &st));
                MPT_CHECK(flag || idx == MPI_UNDEFINED, "Testany: flag 0 but index %d", idx);
            }
            if (flag) {
                completed(r, idx, r->ignore ? NULL : &st, phase1);
            }
            if (p2p_now() - t0 > 30) {
                mpt_fail(__FILE__, __LINE__, "%s: not done in 30 s", way_names[r->way]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
        break;
    case W_WAITSOME:
    case W_TESTSOME:
        while (r->ndone < want) {
            MPI_Status *stp = r->ignore ? MPI_STATUSES_IGNORE : sts;
            if (r->way == W_WAITSOME) {
                P2P_MPI(MPI_Waitsome(NREQ, r->reqs, &outcount, indices, stp));
                MPT_CHECK(outcount >= 1, "Waitsome: outcount %d with requests active", outcount);
            } else {
                P2P_MPI(MPI_Testsome(NREQ, r->reqs, &outcount, indices, stp));
                MPT_CHECK(outcount >= 0, "Testsome: outcount %d with requests active", outcount);
            }
            for (int j = 0; j < outcount; j++) {
                completed(r, indices[j], r->ignore ? NULL : &sts[j], phase1);
            }
            if (p2p_now() - t0 > 30) {
                mpt_fail(__FILE__, __LINE__, "%s: not done in 30 s", way_names[r->way]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
        break;
    case W_TESTALL:
    case W_WAITALL:
        if (phase1) {
            wait_early_with_get_status(r);
            if (r->way == W_TESTALL) {
                /* Not all complete: flag 0, and no request is freed. */
                P2P_MPI(MPI_Testall(NREQ, r->reqs, &flag, MPI_STATUSES_IGNORE));
                MPT_CHECK(!flag, "Testall: flag 1 with messages not yet sent");
                for (int i = 0; i < NREQ; i++) {
                    MPT_CHECK(is_null[i] || r->reqs[i] != MPI_REQUEST_NULL,
                              "Testall with flag 0 freed request %d", i);
                }
            }
            return;
        }
        for (int i = 0; i < NREQ; i++) {
            p2p_status_poison(&sts[i]);
        }
        if (r->way == W_WAITALL) {
            P2P_MPI(MPI_Waitall(NREQ, r->reqs, r->ignore ? MPI_STATUSES_IGNORE : sts));
        } else {
            flag = 0;
            while (!flag) {
                P2P_MPI(MPI_Testall(NREQ, r->reqs, &flag, r->ignore ? MPI_STATUSES_IGNORE : sts));
                if (!flag && p2p_now() - t0 > 30) {
                    mpt_fail(__FILE__, __LINE__, "Testall: not done in 30 s");
                    MPI_Abort(MPI_COMM_WORLD, 1);
                }
            }
        }
        for (int i = 0; i < NREQ; i++) {
            if (is_null[i]) {
                if (!r->ignore) {
                    p2p_status_is_empty(&sts[i], "status of a null entry");
                }
            } else {
                completed(r, i, r->ignore ? NULL : &sts[i], false);
            }
        }
        break;
    default:
        break;
    }
}

/* After everything completed: the call on an array of nulls says there is nothing. */
static void check_all_null(struct round *r)
{
    MPI_Status st;
    int idx = 0, outcount = 0, flag = 0, indices[NREQ];

    p2p_status_poison(&st);
    switch (r->way) {
    case W_WAITANY:
        P2P_MPI(MPI_Waitany(NREQ, r->reqs, &idx, &st));
        MPT_CHECK(idx == MPI_UNDEFINED, "Waitany on nulls: index %d", idx);
        p2p_status_is_empty(&st, "Waitany on nulls");
        break;
    case W_TESTANY:
        P2P_MPI(MPI_Testany(NREQ, r->reqs, &idx, &flag, &st));
        MPT_CHECK(flag && idx == MPI_UNDEFINED, "Testany on nulls: flag %d index %d", flag, idx);
        p2p_status_is_empty(&st, "Testany on nulls");
        break;
    case W_WAITSOME:
        P2P_MPI(MPI_Waitsome(NREQ, r->reqs, &outcount, indices, MPI_STATUSES_IGNORE));
        MPT_CHECK(outcount == MPI_UNDEFINED, "Waitsome on nulls: outcount %d", outcount);
        break;
    case W_TESTSOME:
        P2P_MPI(MPI_Testsome(NREQ, r->reqs, &outcount, indices, MPI_STATUSES_IGNORE));
        MPT_CHECK(outcount == MPI_UNDEFINED, "Testsome on nulls: outcount %d", outcount);
        break;
    case W_TESTALL:
        P2P_MPI(MPI_Testall(NREQ, r->reqs, &flag, MPI_STATUSES_IGNORE));
        MPT_CHECK(flag, "Testall on nulls: flag 0");
        break;
    default:
        P2P_MPI(MPI_Waitall(NREQ, r->reqs, MPI_STATUSES_IGNORE));
        break;
    }
    MPT_CHECK(r->ndone == expected_done(false), "%s: %d entries completed, expected %d",
              way_names[r->way], r->ndone, expected_done(false));
}

static void one_round(enum way way, int number, bool ignore, unsigned char **sbufs)
{
    struct round r = {.way = way, .number = number, .ignore = ignore};
    MPI_Request sreqs[NREQ];

    for (int i = 0; i < NREQ; i++) {
        r.reqs[i] = MPI_REQUEST_NULL;
        sreqs[i] = MPI_REQUEST_NULL;
        r.bufs[i] = p2p_malloc((size_t)sizes[i]);
        if (receiver && !is_null[i]) {
            P2P_MPI(MPI_Irecv(r.bufs[i], sizes[i], MPI_BYTE, partner, tag_of(number, i),
                              MPI_COMM_WORLD, &r.reqs[i]));
        }
    }
    for (int late = 0; late < 2; late++) {
        if (late) {
            go();
        }
        for (int i = 0; sender && i < NREQ; i++) {
            if (!is_null[i] && is_early[i] == !late) {
                p2p_fill(sbufs[i], (size_t)sizes[i], p2p_seed(rank, tag_of(number, i), 0));
                P2P_MPI(MPI_Isend(sbufs[i], sizes[i], MPI_BYTE, partner, tag_of(number, i),
                                  MPI_COMM_WORLD, &sreqs[i]));
            }
        }
        if (receiver) {
            run_phase(&r, !late);
        }
    }
    if (receiver) {
        check_all_null(&r);
    }
    P2P_MPI(MPI_Waitall(NREQ, sreqs, MPI_STATUSES_IGNORE));
    for (int i = 0; i < NREQ; i++) {
        free(r.bufs[i]);
    }
}

int main(int argc, char **argv)
{
    unsigned char *sbufs[NREQ];
    int size, number = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    sender = rank % 2 == 0 || partner == rank;
    receiver = rank % 2 == 1 || partner == rank;

    for (int i = 0; i < NREQ; i++) {
        sbufs[i] = p2p_malloc((size_t)sizes[i]);
    }
    for (int w = 0; w < W_COUNT; w++) {
        one_round((enum way)w, number++, false, sbufs);
        one_round((enum way)w, number++, true, sbufs);
    }
    for (int i = 0; i < NREQ; i++) {
        free(sbufs[i]);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
