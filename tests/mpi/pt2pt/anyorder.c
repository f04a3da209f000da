/*
 * MPI_Waitany and MPI_Testany, when several requests of the array are complete, return the one
 * that completed first (libmp's choice among those the standard leaves open): wildcard receives
 * posted into the slots of an array in a scrambled order hand out a sender's messages in the
 * order it sent them, whichever slot each landed in. HPCC's MPIRandomAccess relies on this: it
 * stops at a sender's end marker and drops updates that completed before it in higher slots.
 * Under other MPIs only the standard's part is checked (posting order decides which receive
 * matches which message, each message once, its data and status).
 * Ranks work in pairs (2k receives, 2k+1 sends); with an odd count the last rank is both.
 * Usage: anyorder [rounds]
 */
#include "p2ptest.h"

#include <stdlib.h>

#define NSLOT 8
#define WORDS 16    /* ints per message: small, so that every message goes eagerly */
#define TAG_GO 1000 /* after the NSLOT messages of a round: they have all arrived */

enum way { WAY_WAITANY, WAY_TESTANY, WAY_COUNT };

static int rank, partner;
static bool sender, receiver;

static int word(int round, int tag, int i)
{
    return round * 100000 + tag * 100 + i;
}

/* The slot that the k-th receive of a round is posted into: a permutation drawn by round. */
static void draw_slots(int round, int *slot)
{
    for (int k = 0; k < NSLOT; k++) {
        slot[k] = k;
    }
    unsigned seed = (unsigned)round * 2654435761u + 1u;
    for (int k = NSLOT - 1; k > 0; k--) {
        seed = seed * 1103515245u + 12345u;
        int j = (int)((seed >> 16) % (unsigned)(k + 1));
        int t = slot[k];
        slot[k] = slot[j];
        slot[j] = t;
    }
    if (round == 0) {
        for (int k = 0; k < NSLOT; k++) {
            slot[k] = NSLOT - 1 - k; /* the plain reversed order first */
        }
    }
}

static void send_round(int round, int (*sbuf)[WORDS], MPI_Request *sreq)
{
    for (int t = 0; t < NSLOT; t++) {
        for (int i = 0; i < WORDS; i++) {
            sbuf[t][i] = word(round, t, i);
        }
        P2P_MPI(MPI_Isend(sbuf[t], WORDS, MPI_INT, partner, t, MPI_COMM_WORLD, &sreq[t]));
    }
    P2P_MPI(MPI_Isend(NULL, 0, MPI_INT, partner, TAG_GO, MPI_COMM_WORLD, &sreq[NSLOT]));
}

/* Completes one request of the array the chosen way; returns its index. */
static int complete_one(enum way way, MPI_Request *req, MPI_Status *st)
{
    int idx = MPI_UNDEFINED;

    if (way == WAY_WAITANY) {
        P2P_MPI(MPI_Waitany(NSLOT, req, &idx, st));
        return idx;
    }
    int flag = 0;
    while (!flag) {
        P2P_MPI(MPI_Testany(NSLOT, req, &idx, &flag, st));
    }
    return idx;
}

static void recv_round(int round, enum way way, int (*rbuf)[WORDS])
{
    int slot[NSLOT], seen[NSLOT] = {0};
    MPI_Request req[NSLOT];

    draw_slots(round, slot);
    for (int k = 0; k < NSLOT; k++) {
        memset(rbuf[slot[k]], 0, sizeof(rbuf[0]));
        P2P_MPI(MPI_Irecv(rbuf[slot[k]], WORDS, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG,
                          MPI_COMM_WORLD, &req[slot[k]]));
    }
    /* Once the end marker is in, all NSLOT messages are (they were sent before it). */
    P2P_MPI(MPI_Recv(NULL, 0, MPI_INT, partner, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int k = 0; k < NSLOT; k++) {
        MPI_Status st;
        p2p_status_poison(&st);
        int idx = complete_one(way, req, &st);
        if (idx < 0 || idx >= NSLOT) {
            mpt_fail(__FILE__, __LINE__, "round %d: completion %d gave index %d", round, k, idx);
            continue;
        }
        int tag = st.MPI_TAG;
        MPT_CHECK(st.MPI_SOURCE == partner, "round %d slot %d: source %d, expected %d", round, idx,
                  st.MPI_SOURCE, partner);
        if (tag < 0 || tag >= NSLOT || seen[tag]++) {
            mpt_fail(__FILE__, __LINE__, "round %d slot %d: tag %d unexpected or seen twice", round,
                     idx, tag);
            continue;
        }
        /* Receives match in the order they were posted: the t-th posted gets message t. */
        MPT_CHECK(idx == slot[tag],
                  "round %d: message %d landed in slot %d, posted %d-th in slot %d", round, tag,
                  idx, tag, slot[tag]);
#if !defined(OPEN_MPI) && !defined(MPICH_VERSION)
        /* libmp: the oldest completion comes out first (Open MPI and MPICH take the lowest
         * index, which the standard equally allows). */
        MPT_CHECK(tag == k,
                  "round %d, %s: completion %d returned message %d (slot %d), expected "
                  "message %d (slot %d), which completed first",
                  round, way == WAY_WAITANY ? "MPI_Waitany" : "MPI_Testany", k, tag, idx, k,
                  slot[k]);
#endif
        for (int i = 0; i < WORDS; i++) {
            if (rbuf[idx][i] != word(round, tag, i)) {
                mpt_fail(__FILE__, __LINE__, "round %d message %d word %d: %d, expected %d", round,
                         tag, i, rbuf[idx][i], word(round, tag, i));
                break;
            }
        }
    }
    /* Every request is now inactive: Waitany says so with MPI_UNDEFINED. */
    int idx = 0;
    P2P_MPI(MPI_Waitany(NSLOT, req, &idx, MPI_STATUS_IGNORE));
    MPT_CHECK(idx == MPI_UNDEFINED, "round %d: Waitany on spent requests gave index %d", round,
              idx);
}

int main(int argc, char **argv)
{
    int size;
    int sbuf[NSLOT][WORDS], rbuf[NSLOT][WORDS];
    MPI_Request sreq[NSLOT + 1];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    receiver = rank % 2 == 0 || partner == rank;
    sender = rank % 2 == 1 || partner == rank;

    for (int r = 0; r < rounds; r++) {
        for (int w = 0; w < WAY_COUNT; w++) {
            int round = r * WAY_COUNT + w;
            if (sender) {
                send_round(round, sbuf, sreq);
            }
            if (receiver) {
                recv_round(round, (enum way)w, rbuf);
            }
            if (sender) {
                P2P_MPI(MPI_Waitall(NSLOT + 1, sreq, MPI_STATUSES_IGNORE));
            }
        }
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
