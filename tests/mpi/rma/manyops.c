/*
 * Corners of one-sided operations: many small operations in one epoch (every one applied),
 * operations on MPI_PROC_NULL and of zero elements in every call, operations on the calling
 * rank itself, locks held on several targets at once, an indexed target type, a contiguous type
 * whose data starts after its lower bound, and accumulates of MPI_MINLOC pairs. Every value is
 * checked; windows are created (messages) and allocated (shared memory within a node).
 * Usage: manyops [operations per epoch] (default 2000).
 */
#include "rmatest.h"

static int rank, size;

static void many_small(MPI_Win win, int *base, int nops)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int i = 0; i < nops; i++) {
        base[i] = -1;
    }
    int *vals = malloc((size_t)nops * sizeof(int));
    for (int i = 0; i < nops; i++) {
        vals[i] = pattern(rank, right, i, 11);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int i = 0; i < nops; i++) {
        CHECK_MPI(MPI_Put(&vals[i], 1, MPI_INT, right, i, 1, MPI_INT, win));
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int i = 0; i < nops; i++) {
        MPT_CHECK(base[i] == pattern(left, rank, i, 11), "put %d of %d: %d", i, nops, base[i]);
    }
    /* Accumulates of one int each onto the same place, from every rank. */
    base[0] = 0;
    CHECK_MPI(MPI_Win_fence(0, win));
    int one = 1;
    for (int i = 0; i < nops; i++) {
        CHECK_MPI(MPI_Accumulate(&one, 1, MPI_INT, i % size, 0, 1, MPI_INT, MPI_SUM, win));
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    int want = 0;
    for (int r = 0; r < size; r++) {
        for (int i = 0; i < nops; i++) {
            want += i % size == rank;
        }
    }
    MPT_CHECK(base[0] == want, "many accumulates: %d, want %d", base[0], want);
    free(vals);
}

static void null_and_zero(MPI_Win win, int *base)
{
    int v = 5, r = -1;
    long lv = 1, lr = -1;
    MPI_Request req;
    base[0] = 77;
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Put(&v, 1, MPI_INT, MPI_PROC_NULL, 0, 1, MPI_INT, win));
    CHECK_MPI(MPI_Get(&r, 1, MPI_INT, MPI_PROC_NULL, 0, 1, MPI_INT, win));
    CHECK_MPI(MPI_Accumulate(&v, 1, MPI_INT, MPI_PROC_NULL, 0, 1, MPI_INT, MPI_SUM, win));
    CHECK_MPI(MPI_Get_accumulate(&v, 1, MPI_INT, &r, 1, MPI_INT, MPI_PROC_NULL, 0, 1, MPI_INT,
                                 MPI_SUM, win));
    CHECK_MPI(MPI_Fetch_and_op(&v, &r, MPI_INT, MPI_PROC_NULL, 0, MPI_SUM, win));
    CHECK_MPI(MPI_Compare_and_swap(&v, &v, &r, MPI_INT, MPI_PROC_NULL, 0, win));
    CHECK_MPI(MPI_Put(&v, 0, MPI_INT, (rank + 1) % size, 0, 0, MPI_INT, win));
    CHECK_MPI(MPI_Get(&r, 0, MPI_INT, (rank + 1) % size, 0, 0, MPI_INT, win));
    CHECK_MPI(MPI_Accumulate(&v, 0, MPI_INT, (rank + 1) % size, 0, 0, MPI_INT, MPI_SUM, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    MPT_CHECK(base[0] == 77 && r == -1, "null or empty operations changed data: %d %d", base[0], r);
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, MPI_PROC_NULL, 0, win));
    CHECK_MPI(MPI_Win_unlock(MPI_PROC_NULL, win));
    CHECK_MPI(MPI_Win_lock_all(0, win));
    CHECK_MPI(MPI_Rput(&lv, 1, MPI_LONG, MPI_PROC_NULL, 0, 1, MPI_LONG, win, &req));
    CHECK_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    CHECK_MPI(MPI_Rget(&lr, 1, MPI_LONG, MPI_PROC_NULL, 0, 1, MPI_LONG, win, &req));
    CHECK_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    CHECK_MPI(MPI_Win_flush(MPI_PROC_NULL, win));
    CHECK_MPI(MPI_Win_unlock_all(win));
    MPT_CHECK(lr == -1, "MPI_Rget from MPI_PROC_NULL wrote %ld", lr);
}

/* Locks on every other rank at once, then operations on myself inside them. */
static void nested_and_self(MPI_Win win, int *base)
{
    MPI_Barrier(MPI_COMM_WORLD);
    base[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    int one = 1;
    for (int t = 0; t < size; t++) {
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, t, 0, win));
    }
    for (int t = 0; t < size; t++) {
        CHECK_MPI(MPI_Accumulate(&one, 1, MPI_INT, t, 1, 1, MPI_INT, MPI_SUM, win));
    }
    for (int t = size - 1; t >= 0; t--) {
        CHECK_MPI(MPI_Win_unlock(t, win));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPT_CHECK(base[1] == size, "nested locks: %d accumulates, want %d", base[1], size);
    MPI_Barrier(MPI_COMM_WORLD);
    int v = pattern(rank, rank, 2, 12), r = -1;
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win));
    CHECK_MPI(MPI_Put(&v, 1, MPI_INT, rank, 2, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_flush(rank, win));
    CHECK_MPI(MPI_Get(&r, 1, MPI_INT, rank, 2, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_unlock(rank, win));
    MPT_CHECK(r == v && base[2] == v, "self put/get: %d %d, want %d", r, base[2], v);
}

/* An indexed target type, a contiguous type with a lower bound before its data, MINLOC. */
static void types(MPI_Win win, int *base)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    int lens[3] = {2, 1, 3}, displs[3] = {10, 3, 20};
    MPI_Datatype idx, shifted;
    CHECK_MPI(MPI_Type_indexed(3, lens, displs, MPI_INT, &idx));
    CHECK_MPI(MPI_Type_commit(&idx));
    /* Three ints whose data starts 2 ints after the type's lower bound. */
    MPI_Datatype three;
    CHECK_MPI(MPI_Type_contiguous(3, MPI_INT, &three));
    CHECK_MPI(
        MPI_Type_create_resized(three, -2 * (MPI_Aint)sizeof(int), 5 * sizeof(int), &shifted));
    CHECK_MPI(MPI_Type_commit(&shifted));
    for (int i = 0; i < 32; i++) {
        base[i] = i >= 4 && i < 10 ? 100 + i : -1;
    }
    int src[6];
    for (int i = 0; i < 6; i++) {
        src[i] = pattern(rank, right, i, 13);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Put(src, 6, MPI_INT, right, 0, 1, idx, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    int at[6] = {10, 11, 3, 20, 21, 22};
    for (int i = 0; i < 6; i++) {
        MPT_CHECK(base[at[i]] == pattern(left, rank, i, 13), "indexed put: [%d] = %d", at[i],
                  base[at[i]]);
    }
    int got[3] = {-1, -1, -1};
    CHECK_MPI(MPI_Get(got, 3, MPI_INT, right, 4, 1, shifted, win)); /* ints 2..4 of disp 4 */
    CHECK_MPI(MPI_Win_fence(0, win));
    /* The data of the shifted type starts at its displacement 0: target ints 4, 5 and 6. */
    MPT_CHECK(got[0] == 104 && got[1] == 105 && got[2] == 106, "shifted get: %d %d %d", got[0],
              got[1], got[2]);
    struct {
        int v, i;
    } mine = {rank % 3, rank}, *pair = (void *)&base[24];
    pair->v = 1000;
    pair->i = -1;
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Accumulate(&mine, 1, MPI_2INT, 0, 24, 1, MPI_2INT, MPI_MINLOC, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    if (rank == 0) {
        MPT_CHECK(pair->v == 0 && pair->i == 0, "MINLOC: (%d, %d), want (0, 0)", pair->v, pair->i);
    }
    CHECK_MPI(MPI_Type_free(&idx));
    CHECK_MPI(MPI_Type_free(&shifted));
    CHECK_MPI(MPI_Type_free(&three));
}

static void all(MPI_Win win, int *base, int nops)
{
    many_small(win, base, nops);
    null_and_zero(win, base);
    nested_and_self(win, base);
    types(win, base);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int nops = argc > 1 ? (int)mpt_parse_long(argv[1], "operations") : 2000;
    int n = nops > 32 ? nops : 32;
    MPI_Aint bytes = (MPI_Aint)n * (MPI_Aint)sizeof(int);
    int *mem = malloc((size_t)bytes);
    MPI_Win win;
    CHECK_MPI(MPI_Win_create(mem, bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    all(win, mem, nops);
    CHECK_MPI(MPI_Win_free(&win));
    free(mem);
    int *abase = NULL;
    CHECK_MPI(MPI_Win_allocate(bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &abase, &win));
    all(win, abase, nops);
    CHECK_MPI(MPI_Win_free(&win));
    MPI_Finalize();
    return mpt_finish(rank);
}
