/*
 * Generalized active target (MPI_Win_post/start/complete/wait/test) with subsets of ranks:
 * even ranks expose their window to the odd ones, which put into it and accumulate; then the
 * roles swap, and the exposure is polled with MPI_Win_test. Every value is checked.
 */
#include "rmatest.h"

static int rank, size;

/* The group of world ranks with parity p (excluding me). */
static MPI_Group parity_group(int p)
{
    MPI_Group world, g;
    int *r = malloc((size_t)size * sizeof(int));
    int n = 0;
    for (int i = 0; i < size; i++) {
        if (i % 2 == p && i != rank) {
            r[n++] = i;
        }
    }
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Group_incl(world, n, r, &g);
    MPI_Group_free(&world);
    free(r);
    return g;
}

/* Targets of parity tp expose; the other ranks each put their pattern at their own slot and
 * add one to slot size (a counter). */
static void epoch(MPI_Win win, int *base, int tp, int round, bool test)
{
    for (int i = 0; i <= size; i++) {
        base[i] = -1;
    }
    base[size] = 0;
    MPI_Barrier(MPI_COMM_WORLD); /* the resets above happen before anyone's puts */
    int origins = 0;
    for (int i = 0; i < size; i++) {
        origins += i % 2 != tp;
    }
    if (rank % 2 == tp) {
        MPI_Group g = parity_group(1 - tp);
        CHECK_MPI(MPI_Win_post(g, 0, win));
        if (test) {
            int flag = 0;
            while (!flag) {
                CHECK_MPI(MPI_Win_test(win, &flag));
            }
        } else {
            CHECK_MPI(MPI_Win_wait(win));
        }
        MPI_Group_free(&g);
        for (int i = 0; i < size; i++) {
            int want = i % 2 != tp ? pattern(i, rank, i, round) : -1;
            MPT_CHECK(base[i] == want, "round %d: slot %d = %d, want %d", round, i, base[i], want);
        }
        MPT_CHECK(base[size] == origins, "round %d: counter %d, want %d", round, base[size],
                  origins);
    } else {
        MPI_Group g = parity_group(tp);
        int gsize = 0;
        MPI_Group_size(g, &gsize);
        CHECK_MPI(MPI_Win_start(g, 0, win));
        int one = 1;
        for (int t = 0; t < size; t++) {
            if (t % 2 == tp) {
                int v = pattern(rank, t, rank, round);
                CHECK_MPI(MPI_Put(&v, 1, MPI_INT, t, rank, 1, MPI_INT, win));
                CHECK_MPI(MPI_Accumulate(&one, 1, MPI_INT, t, size, 1, MPI_INT, MPI_SUM, win));
            }
        }
        CHECK_MPI(MPI_Win_complete(win));
        MPI_Group_free(&g);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int *base = NULL;
    MPI_Win win;
    CHECK_MPI(MPI_Win_allocate((MPI_Aint)(size + 1) * (MPI_Aint)sizeof(int), sizeof(int),
                               MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win));
    for (int round = 0; round < 4; round++) {
        epoch(win, base, round % 2, round, round >= 2);
    }
    /* A get inside an access epoch, with the empty group on the other side of nobody. */
    if (size >= 2) {
        MPI_Barrier(MPI_COMM_WORLD);
        base[0] = rank * 3;
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Group world, g;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        int peer = rank ^ 1;
        if (peer < size) {
            MPI_Group_incl(world, 1, &peer, &g);
            CHECK_MPI(MPI_Win_post(g, MPI_MODE_NOPUT, win));
            CHECK_MPI(MPI_Win_start(g, 0, win));
            int got = -1;
            CHECK_MPI(MPI_Get(&got, 1, MPI_INT, peer, 0, 1, MPI_INT, win));
            CHECK_MPI(MPI_Win_complete(win));
            CHECK_MPI(MPI_Win_wait(win));
            MPT_CHECK(got == peer * 3, "pair get: %d, want %d", got, peer * 3);
            MPI_Group_free(&g);
        }
        MPI_Group_free(&world);
    }
    CHECK_MPI(MPI_Win_free(&win));
    MPI_Finalize();
    return mpt_finish(rank);
}
