/*
 * Shared-memory windows (MPI_Win_allocate_shared on the node's communicator): parts of
 * different sizes (one empty), contiguous across ranks, MPI_Win_shared_query of every rank and
 * of MPI_PROC_NULL, loads and stores through the queried pointers ordered by MPI_Win_sync and a
 * barrier, and RMA into the same memory. Then dynamic windows: attach, put and get at the
 * addresses the ranks exchanged, detach. Every value is checked.
 */
#include "rmatest.h"

static int rank, size;

/* Ints in rank r's part: rank 1 has none. */
static int part_ints(int r)
{
    return r == 1 ? 0 : 10 + r;
}

static void shared(void)
{
    MPI_Comm node;
    CHECK_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    int nrank, nsize;
    MPI_Comm_rank(node, &nrank);
    MPI_Comm_size(node, &nsize);
    int *mine = NULL;
    MPI_Win win;
    CHECK_MPI(MPI_Win_allocate_shared((MPI_Aint)part_ints(nrank) * (MPI_Aint)sizeof(int),
                                      sizeof(int), MPI_INFO_NULL, node, &mine, &win));
    int *first = NULL;
    for (int r = 0; r < nsize; r++) {
        MPI_Aint sz = -1;
        int du = -1;
        int *p = NULL;
        CHECK_MPI(MPI_Win_shared_query(win, r, &sz, &du, &p));
        MPT_CHECK(sz == (MPI_Aint)part_ints(r) * (MPI_Aint)sizeof(int) && du == sizeof(int),
                  "rank %d's part: size %ld, disp_unit %d", r, (long)sz, du);
        if (r == nrank && part_ints(r) > 0) {
            MPT_CHECK(p == mine, "my part queried at %p, allocated at %p", (void *)p, (void *)mine);
        }
        if (r == 0) {
            first = p;
        } else if (part_ints(r) > 0 && first != NULL) {
            /* Contiguous: rank r's part follows the parts before it. */
            long before = 0;
            for (int q = 0; q < r; q++) {
                before += part_ints(q);
            }
            MPT_CHECK(p == first + before, "rank %d's part at %p, want %p", r, (void *)p,
                      (void *)(first + before));
        }
    }
    MPI_Aint sz = -1;
    int du = -1;
    int *p = NULL;
    CHECK_MPI(MPI_Win_shared_query(win, MPI_PROC_NULL, &sz, &du, &p));
    MPT_CHECK(p == first && sz == (MPI_Aint)part_ints(0) * (MPI_Aint)sizeof(int),
              "MPI_PROC_NULL query: %p size %ld", (void *)p, (long)sz);

    /* Stores into my part, loads from everyone's, in a passive epoch with Win_sync. */
    CHECK_MPI(MPI_Win_lock_all(MPI_MODE_NOCHECK, win));
    for (int i = 0; i < part_ints(nrank); i++) {
        mine[i] = pattern(nrank, nrank, i, 1);
    }
    CHECK_MPI(MPI_Win_sync(win));
    MPI_Barrier(node);
    CHECK_MPI(MPI_Win_sync(win));
    for (int r = 0; r < nsize; r++) {
        int *q = NULL;
        CHECK_MPI(MPI_Win_shared_query(win, r, &sz, &du, &q));
        for (int i = 0; i < part_ints(r); i++) {
            MPT_CHECK(q[i] == pattern(r, r, i, 1), "load of rank %d [%d]: %d", r, i, q[i]);
        }
    }
    CHECK_MPI(MPI_Win_unlock_all(win));
    MPI_Barrier(node);

    /* RMA into the shared memory: everyone adds into rank 0's first int. */
    CHECK_MPI(MPI_Win_fence(0, win));
    int one = 1;
    CHECK_MPI(MPI_Accumulate(&one, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    MPT_CHECK(first[0] == pattern(0, 0, 0, 1) + nsize, "shared accumulate: %d, want %d", first[0],
              pattern(0, 0, 0, 1) + nsize);
    int flavor_ok = 0, *fl = NULL;
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_CREATE_FLAVOR, &fl, &flavor_ok));
    MPT_CHECK(flavor_ok && *fl == MPI_WIN_FLAVOR_SHARED, "flavor %d", fl != NULL ? *fl : -1);
    CHECK_MPI(MPI_Win_free(&win));
    CHECK_MPI(MPI_Comm_free(&node));
}

/* MPI 4.1: the memory of an allocated window may be queried too; where it is reachable (size
 * above 0) it must be the target's memory. */
static void allocated_query(void)
{
    MPI_Comm node;
    CHECK_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    int nrank, nsize;
    MPI_Comm_rank(node, &nrank);
    MPI_Comm_size(node, &nsize);
    long *mine = NULL;
    MPI_Win win;
    CHECK_MPI(MPI_Win_allocate(4 * sizeof(long), sizeof(long), MPI_INFO_NULL, node, &mine, &win));
    for (int i = 0; i < 4; i++) {
        mine[i] = pattern(nrank, 0, i, 4);
    }
    MPI_Barrier(node);
    for (int r = 0; r < nsize; r++) {
        MPI_Aint sz = -1;
        int du = -1;
        long *p = NULL;
        CHECK_MPI(MPI_Win_shared_query(win, r, &sz, &du, &p));
        MPT_CHECK((sz == 0 && p == NULL && r != nrank) || (sz == 4 * sizeof(long) && p != NULL),
                  "query of rank %d's allocated memory: size %ld, %p", r, (long)sz, (void *)p);
        for (int i = 0; sz > 0 && i < 4; i++) {
            MPT_CHECK(p[i] == pattern(r, 0, i, 4), "rank %d's allocated [%d] = %ld", r, i, p[i]);
        }
    }
    MPI_Barrier(node);
    CHECK_MPI(MPI_Win_free(&win));
    CHECK_MPI(MPI_Comm_free(&node));
}

static void dynamic(void)
{
    MPI_Win win;
    CHECK_MPI(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    enum { N = 5000 };
    long *buf = malloc(N * sizeof(long));
    long *got = malloc(N * sizeof(long));
    for (int i = 0; i < N; i++) {
        buf[i] = -1;
    }
    CHECK_MPI(MPI_Win_attach(win, buf, N * (MPI_Aint)sizeof(long)));
    MPI_Aint mine, *addrs = malloc((size_t)size * sizeof(MPI_Aint));
    MPI_Get_address(buf, &mine);
    MPI_Allgather(&mine, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    long *src = malloc(N * sizeof(long));
    for (int i = 0; i < N; i++) {
        src[i] = pattern(rank, right, i, 3);
    }
    CHECK_MPI(MPI_Win_lock_all(0, win));
    CHECK_MPI(MPI_Put(src, N, MPI_LONG, right, addrs[right], N, MPI_LONG, win));
    CHECK_MPI(MPI_Put(src, 3, MPI_LONG, right, MPI_Aint_add(addrs[right], 8 * sizeof(long)), 3,
                      MPI_LONG, win));
    CHECK_MPI(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < N; i++) {
        long want = i >= 8 && i < 11 ? pattern(left, rank, i - 8, 3) : pattern(left, rank, i, 3);
        MPT_CHECK(buf[i] == want, "dynamic put [%d] = %ld, want %ld", i, buf[i], want);
    }
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, left, 0, win));
    CHECK_MPI(MPI_Get(got, N, MPI_LONG, left, addrs[left], N, MPI_LONG, win));
    CHECK_MPI(MPI_Win_unlock(left, win));
    int ll = (left + size - 1) % size;
    for (int i = 0; i < N; i++) {
        long want = i >= 8 && i < 11 ? pattern(ll, left, i - 8, 3) : pattern(ll, left, i, 3);
        MPT_CHECK(got[i] == want, "dynamic get [%d] = %ld, want %ld", i, got[i], want);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_MPI(MPI_Win_detach(win, buf));
    CHECK_MPI(MPI_Win_free(&win));
    free(buf);
    free(got);
    free(src);
    free(addrs);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    shared();
    allocated_query();
    dynamic();
    MPI_Finalize();
    return mpt_finish(rank);
}
