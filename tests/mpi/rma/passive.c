/*
 * Passive target: exclusive locks around read-modify-write (a counter no update of which is
 * lost), MPI_Fetch_and_op increments from every rank that sum exactly and hand out distinct
 * tickets, a mutex made of MPI_Compare_and_swap, MPI_Get_accumulate, shared locks with
 * flushes, MPI_Win_lock_all with request-based operations (Rput, Rget, Raccumulate,
 * Rget_accumulate), MPI_MODE_NOCHECK, and a large put under a lock that another rank holds
 * exclusively when it asks. Every value is checked.
 * Usage: passive [iterations] (default 50).
 */
#include "rmatest.h"

#include <stdint.h>

static int rank, size;

/* Slots of rank 0's window. */
enum { COUNTER, TICKET, MUTEX, GUARDED, GACC, NSLOTS };

static void exclusive_counter(MPI_Win win, long *base, int iters)
{
    for (int i = 0; i < iters; i++) {
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win));
        long v = -1;
        CHECK_MPI(MPI_Get(&v, 1, MPI_LONG, 0, COUNTER, 1, MPI_LONG, win));
        CHECK_MPI(MPI_Win_flush(0, win));
        v++;
        CHECK_MPI(MPI_Put(&v, 1, MPI_LONG, 0, COUNTER, 1, MPI_LONG, win));
        CHECK_MPI(MPI_Win_unlock(0, win));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
        MPT_CHECK(base[COUNTER] == (long)iters * size, "exclusive counter %ld, want %ld",
                  base[COUNTER], (long)iters * size);
        CHECK_MPI(MPI_Win_unlock(0, win));
    }
}

static void tickets(MPI_Win win, long *base, int iters)
{
    long *mine = malloc((size_t)iters * sizeof(long));
    long one = 1;
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
    for (int i = 0; i < iters; i++) {
        CHECK_MPI(MPI_Fetch_and_op(&one, &mine[i], MPI_LONG, 0, TICKET, MPI_SUM, win));
        CHECK_MPI(MPI_Win_flush(0, win));
    }
    CHECK_MPI(MPI_Win_unlock(0, win));
    /* Every ticket from 0 to iters * size - 1 was handed out exactly once. */
    long total = (long)iters * size;
    long *all = malloc((size_t)total * sizeof(long));
    MPI_Allgather(mine, iters, MPI_LONG, all, iters, MPI_LONG, MPI_COMM_WORLD);
    char *seen = calloc((size_t)total, 1);
    for (long i = 0; i < total; i++) {
        bool ok = all[i] >= 0 && all[i] < total && !seen[all[i]];
        MPT_CHECK(ok, "ticket %ld handed out twice or out of range", all[i]);
        if (ok) {
            seen[all[i]] = 1;
        }
    }
    for (int i = 1; i < iters; i++) {
        MPT_CHECK(mine[i] > mine[i - 1], "my tickets go down: %ld after %ld", mine[i], mine[i - 1]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win));
        MPT_CHECK(base[TICKET] == total, "fetch_and_op sum %ld, want %ld", base[TICKET], total);
        CHECK_MPI(MPI_Win_unlock(0, win));
    }
    free(mine);
    free(all);
    free(seen);
}

/* A spin lock made of compare-and-swap at rank 0 guards a non-atomic update of GUARDED. */
static void cas_mutex(MPI_Win win, long *base, int iters)
{
    CHECK_MPI(MPI_Win_lock_all(0, win));
    for (int i = 0; i < iters; i++) {
        long free_v = 0, mine = rank + 1, old = -1;
        do {
            CHECK_MPI(MPI_Compare_and_swap(&mine, &free_v, &old, MPI_LONG, 0, MUTEX, win));
            CHECK_MPI(MPI_Win_flush(0, win));
        } while (old != 0);
        long v = -1;
        CHECK_MPI(MPI_Get(&v, 1, MPI_LONG, 0, GUARDED, 1, MPI_LONG, win));
        CHECK_MPI(MPI_Win_flush(0, win));
        v += 3;
        CHECK_MPI(MPI_Put(&v, 1, MPI_LONG, 0, GUARDED, 1, MPI_LONG, win));
        CHECK_MPI(MPI_Win_flush(0, win));
        CHECK_MPI(MPI_Compare_and_swap(&free_v, &mine, &old, MPI_LONG, 0, MUTEX, win));
        CHECK_MPI(MPI_Win_flush(0, win));
        MPT_CHECK(old == mine, "mutex held by %ld while I (%ld) held it", old, mine);
    }
    CHECK_MPI(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPT_CHECK(base[GUARDED] == 3L * iters * size, "guarded %ld, want %ld", base[GUARDED],
                  3L * iters * size);
        MPT_CHECK(base[MUTEX] == 0, "mutex left at %ld", base[MUTEX]);
    }
}

static void get_accumulate(MPI_Win win, long *base)
{
    /* Everyone adds rank + 1 and gets what was there before: the befores are distinct prefix
     * sums, and the largest before plus its adder is the total. */
    long add = rank + 1, before = -1;
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
    CHECK_MPI(MPI_Get_accumulate(&add, 1, MPI_LONG, &before, 1, MPI_LONG, 0, GACC, 1, MPI_LONG,
                                 MPI_SUM, win));
    CHECK_MPI(MPI_Win_unlock(0, win));
    long total = (long)size * (size + 1) / 2;
    MPT_CHECK(before >= 0 && before + add <= total, "get_accumulate before %ld", before);
    MPI_Barrier(MPI_COMM_WORLD);
    long now = -1;
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
    CHECK_MPI(MPI_Get_accumulate(NULL, 0, MPI_DATATYPE_NULL, &now, 1, MPI_LONG, 0, GACC, 1,
                                 MPI_LONG, MPI_NO_OP, win));
    CHECK_MPI(MPI_Win_unlock(0, win));
    MPT_CHECK(now == total, "MPI_NO_OP read %ld, want %ld", now, total);
    if (rank == 0) {
        MPT_CHECK(base[GACC] == total, "get_accumulate sum %ld", base[GACC]);
    }
}

/* lock_all, request-based operations on my right neighbour's window, completed by waits. */
static void requests(MPI_Win win, long *base)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    enum { N = 3000 }; /* over the inline limit: the data travels on its own */
    long *src = malloc(N * sizeof(long));
    long *got = malloc(N * sizeof(long));
    for (int i = 0; i < N; i++) {
        src[i] = pattern(rank, right, i, 5);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_MPI(MPI_Win_lock_all(0, win));
    MPI_Request req[4];
    CHECK_MPI(MPI_Rput(src, N, MPI_LONG, right, NSLOTS, N, MPI_LONG, win, &req[0]));
    CHECK_MPI(MPI_Wait(&req[0], MPI_STATUS_IGNORE));
    CHECK_MPI(MPI_Win_flush(right, win));
    CHECK_MPI(MPI_Rget(got, N, MPI_LONG, right, NSLOTS, N, MPI_LONG, win, &req[1]));
    CHECK_MPI(MPI_Wait(&req[1], MPI_STATUS_IGNORE));
    for (int i = 0; i < N; i++) {
        MPT_CHECK(got[i] == src[i], "rget[%d] = %ld, want %ld", i, got[i], src[i]);
    }
    long two = 2, prev = -1;
    CHECK_MPI(
        MPI_Raccumulate(&two, 1, MPI_LONG, right, NSLOTS, 1, MPI_LONG, MPI_PROD, win, &req[2]));
    CHECK_MPI(MPI_Win_flush(right, win));
    CHECK_MPI(MPI_Rget_accumulate(&two, 1, MPI_LONG, &prev, 1, MPI_LONG, right, NSLOTS, 1, MPI_LONG,
                                  MPI_SUM, win, &req[3]));
    CHECK_MPI(MPI_Waitall(2, &req[2], MPI_STATUSES_IGNORE));
    MPT_CHECK(prev == src[0] * 2, "rget_accumulate saw %ld, want %ld", prev, src[0] * 2);
    CHECK_MPI(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    long want0 = pattern(left, rank, 0, 5) * 2L + 2;
    MPT_CHECK(base[NSLOTS] == want0, "slot after prod and sum %ld, want %ld", base[NSLOTS], want0);
    for (int i = 1; i < N; i++) {
        MPT_CHECK(base[NSLOTS + i] == pattern(left, rank, i, 5), "rput[%d] = %ld", i,
                  base[NSLOTS + i]);
    }
    /* MPI_MODE_NOCHECK: no lock taken; the barriers order the epochs and the checks. */
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, right, MPI_MODE_NOCHECK, win));
    long r = rank;
    CHECK_MPI(MPI_Put(&r, 1, MPI_LONG, right, NSLOTS + 1, 1, MPI_LONG, win));
    CHECK_MPI(MPI_Win_unlock(right, win));
    MPI_Barrier(MPI_COMM_WORLD);
    MPT_CHECK(base[NSLOTS + 1] == left, "nocheck put %ld, want %d", base[NSLOTS + 1], left);
    free(src);
    free(got);
}

/* Rank 2 locks rank 1 while rank 0 holds it exclusively, and puts data large enough to travel
 * on its own: it must land only once rank 0 has let go, and whole. */
static void contended_large(MPI_Win win, long *base)
{
    enum { N = 3000 };
    if (size < 3) {
        return;
    }
    long *src = malloc(N * sizeof(long));
    for (int i = 0; i < N; i++) {
        src[i] = pattern(rank, 1, i, 21);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win));
        CHECK_MPI(MPI_Put(src, N, MPI_LONG, 1, NSLOTS, N, MPI_LONG, win));
        CHECK_MPI(MPI_Win_flush(1, win)); /* the lock is held now */
        MPI_Send(NULL, 0, MPI_BYTE, 2, 0, MPI_COMM_WORLD);
        mpt_sleep_ms(50);
        /* Still all mine: rank 2's data must not have landed. */
        long *got = malloc(N * sizeof(long));
        CHECK_MPI(MPI_Get(got, N, MPI_LONG, 1, NSLOTS, N, MPI_LONG, win));
        CHECK_MPI(MPI_Win_unlock(1, win));
        for (int i = 0; i < N; i++) {
            MPT_CHECK(got[i] == src[i], "inside my exclusive epoch [%d] = %ld, want %ld", i, got[i],
                      src[i]);
        }
        free(got);
    } else if (rank == 2) {
        MPI_Recv(NULL, 0, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win));
        CHECK_MPI(MPI_Put(src, N, MPI_LONG, 1, NSLOTS, N, MPI_LONG, win));
        CHECK_MPI(MPI_Win_unlock(1, win));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        for (int i = 0; i < N; i++) {
            MPT_CHECK(base[NSLOTS + i] == pattern(2, 1, i, 21), "after both epochs [%d] = %ld", i,
                      base[NSLOTS + i]);
        }
    }
    free(src);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int iters = argc > 1 ? (int)mpt_parse_long(argv[1], "iterations") : 50;
    long *base = NULL;
    MPI_Win win;
    MPI_Aint bytes = (NSLOTS + 3000) * (MPI_Aint)sizeof(long);
    CHECK_MPI(MPI_Win_allocate(bytes, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win));
    for (int i = 0; i < NSLOTS + 3000; i++) {
        base[i] = 0;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    exclusive_counter(win, base, iters);
    tickets(win, base, iters);
    cas_mutex(win, base, iters / 5 + 1);
    get_accumulate(win, base);
    requests(win, base);
    contended_large(win, base);
    CHECK_MPI(MPI_Win_free(&win));
    MPI_Finalize();
    return mpt_finish(rank);
}
