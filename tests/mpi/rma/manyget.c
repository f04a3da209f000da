/*
 * A deep queue of one-sided operations in flight: the even ranks issue tens of thousands of gets
 * from the odd ones (a rank alone gets from itself)
 * in one fence epoch, then in one lock_all epoch (there some as MPI_Rget, completed by
 * MPI_Waitall in one go), before it waits for any. Every fetched value is checked. An origin that
 * looked at every operation in flight on every pass of progress took minutes here (MPICH's
 * rma/manyget ran past its time limit). The origins are not targets: a target that also has as
 * many replies posted still searches them for every request (the one posted queue, match.c). Usage:
 * manyget [gets per epoch] (default 100000).
 */
#include "rmatest.h"

#define WIN_INTS 4096
#define RGET_EVERY 16 /* one get in RGET_EVERY is an MPI_Rget */

static int rank, size;

/* Issues n gets of one int from target into out[] (index i from i % WIN_INTS); with reqs (a
 * passive-target epoch), every RGET_EVERY-th as an MPI_Rget whose request goes there. */
static void issue_gets(MPI_Win win, int target, int *out, long n, MPI_Request *reqs)
{
    long r = 0;
    for (long i = 0; i < n; i++) {
        out[i] = -1;
        MPI_Aint disp = (MPI_Aint)(i % WIN_INTS);
        if (reqs != NULL && i % RGET_EVERY == 0) {
            CHECK_MPI(MPI_Rget(&out[i], 1, MPI_INT, target, disp, 1, MPI_INT, win, &reqs[r++]));
        } else {
            CHECK_MPI(MPI_Get(&out[i], 1, MPI_INT, target, disp, 1, MPI_INT, win));
        }
    }
}

static void check_gets(const int *out, int target, long n, int round, const char *epoch)
{
    long bad = 0;
    for (long i = 0; i < n; i++) {
        int want = pattern(target, target, (int)(i % WIN_INTS), round);
        if (out[i] != want && bad++ < 5) {
            MPT_CHECK(0, "%s: get %ld of %ld from rank %d: %d, expected %d", epoch, i, n, target,
                      out[i], want);
        }
    }
    MPT_CHECK(bad == 0, "%s: %ld of %ld gets from rank %d wrong", epoch, bad, n, target);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    long n = argc > 1 ? mpt_parse_long(argv[1], "gets per epoch") : 100000;
    /* An even rank gets from the odd rank after it; odd ranks (and an even last one) only serve,
     * except a rank alone. */
    bool origin = rank % 2 == 0 && (rank + 1 < size || size == 1);
    int target = size == 1 ? 0 : rank + 1;
    long nreq = (n + RGET_EVERY - 1) / RGET_EVERY;
    int *base = malloc(WIN_INTS * sizeof(int));
    int *out = malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
    MPI_Request *reqs = malloc((size_t)(nreq > 0 ? nreq : 1) * sizeof(MPI_Request));
    MPT_CHECK(base != NULL && out != NULL && reqs != NULL, "out of memory for %ld gets", n);
    MPI_Win win;
    CHECK_MPI(MPI_Win_create(base, WIN_INTS * sizeof(int), sizeof(int), MPI_INFO_NULL,
                             MPI_COMM_WORLD, &win));

    /* Round 1: a fence epoch. */
    for (int i = 0; i < WIN_INTS; i++) {
        base[i] = pattern(rank, rank, i, 1);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    if (origin) {
        issue_gets(win, target, out, n, NULL);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    if (origin) {
        check_gets(out, target, n, 1, "fence");
    }

    /* Round 2: a lock_all epoch, completed by a flush of the one target. */
    for (int i = 0; i < WIN_INTS; i++) {
        base[i] = pattern(rank, rank, i, 2);
    }
    CHECK_MPI(MPI_Barrier(MPI_COMM_WORLD));
    CHECK_MPI(MPI_Win_lock_all(0, win));
    if (origin) {
        issue_gets(win, target, out, n, reqs);
        CHECK_MPI(MPI_Win_flush(target, win));
        check_gets(out, target, n, 2, "lock_all");
        CHECK_MPI(MPI_Waitall((int)nreq, reqs, MPI_STATUSES_IGNORE));
    }
    CHECK_MPI(MPI_Win_unlock_all(win));
    CHECK_MPI(MPI_Barrier(MPI_COMM_WORLD));

    CHECK_MPI(MPI_Win_free(&win));
    free(reqs);
    free(out);
    free(base);
    MPI_Finalize();
    return mpt_finish(rank);
}
