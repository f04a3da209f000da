/*
 * Epochs of every kind in turn on one window, round after round with no barrier between them:
 * a fence epoch of accumulates from every rank, a lock epoch of puts to the right neighbour, a
 * post-start-complete-wait epoch among all ranks, and a fence epoch of gets that reads back
 * what the others wrote. Operations of one epoch must never overtake or trail the epoch's end;
 * every value is checked against what the ranks wrote. Created and allocated windows.
 * Usage: epochs [rounds] (default 30).
 */
#include "rmatest.h"

static int rank, size;

/* Slots: 0 the accumulated sum, 1 the lock-epoch put, 2 + r the PSCW put of rank r. */
static void round_of(MPI_Win win, int *base, MPI_Group all, int round)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    /* Fence: accumulate into everyone's slot 0 (which the previous round left at its sum). */
    int add = rank + round;
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int t = 0; t < size; t++) {
        CHECK_MPI(MPI_Accumulate(&add, 1, MPI_INT, t, 0, 1, MPI_INT, MPI_SUM, win));
    }
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOSUCCEED, win));
    int sum = 0;
    for (int r = 0; r < size; r++) {
        for (int k = 0; k <= round; k++) {
            sum += r + k;
        }
    }
    MPT_CHECK(base[0] == sum, "round %d: accumulated %d, want %d", round, base[0], sum);
    /* Lock: put into the right neighbour's slot 1. */
    int v = pattern(rank, right, 1, round);
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, right, 0, win));
    CHECK_MPI(MPI_Put(&v, 1, MPI_INT, right, 1, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_unlock(right, win));
    /* PSCW among all: everyone puts into slot 2 + rank of everyone. (Slot 1, from the left
     * neighbour's lock epoch, is checked after the fence below, which orders it.) */
    CHECK_MPI(MPI_Win_post(all, 0, win));
    CHECK_MPI(MPI_Win_start(all, 0, win));
    int w = pattern(rank, 0, 2, round);
    for (int t = 0; t < size; t++) {
        CHECK_MPI(MPI_Put(&w, 1, MPI_INT, t, 2 + rank, 1, MPI_INT, win));
    }
    CHECK_MPI(MPI_Win_complete(win));
    CHECK_MPI(MPI_Win_wait(win));
    for (int r = 0; r < size; r++) {
        MPT_CHECK(base[2 + r] == pattern(r, 0, 2, round), "round %d: PSCW slot of rank %d: %d",
                  round, r, base[2 + r]);
    }
    /* Fence of gets: read the right neighbour's slots 1 and 2 + left-of-right (= me). */
    int got[2] = {-1, -1};
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOPRECEDE, win));
    CHECK_MPI(MPI_Get(&got[0], 1, MPI_INT, right, 1, 1, MPI_INT, win));
    CHECK_MPI(MPI_Get(&got[1], 1, MPI_INT, right, 2 + rank, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOSUCCEED, win));
    MPT_CHECK(base[1] == pattern(left, rank, 1, round), "round %d: lock put %d", round, base[1]);
    MPT_CHECK(got[0] == v && got[1] == w, "round %d: read back %d %d, want %d %d", round, got[0],
              got[1], v, w);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int rounds = argc > 1 ? (int)mpt_parse_long(argv[1], "rounds") : 30;
    MPI_Group all;
    MPI_Comm_group(MPI_COMM_WORLD, &all);
    MPI_Aint bytes = (MPI_Aint)(size + 2) * (MPI_Aint)sizeof(int);
    for (int flavor = 0; flavor < 2; flavor++) {
        int *base = NULL;
        MPI_Win win;
        if (flavor == 0) {
            CHECK_MPI(MPI_Alloc_mem(bytes, MPI_INFO_NULL, &base));
            CHECK_MPI(
                MPI_Win_create(base, bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
        } else {
            CHECK_MPI(
                MPI_Win_allocate(bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win));
        }
        for (int i = 0; i < size + 2; i++) {
            base[i] = 0;
        }
        MPI_Barrier(MPI_COMM_WORLD);
        for (int round = 0; round < rounds; round++) {
            round_of(win, base, all, round);
        }
        CHECK_MPI(MPI_Win_free(&win));
        if (flavor == 0) {
            CHECK_MPI(MPI_Free_mem(base));
        }
    }
    MPI_Group_free(&all);
    MPI_Finalize();
    return mpt_finish(rank);
}
