/*
 * One-sided benchmarks between ranks 0 (origin) and 1 (target), in the manner of the OSU
 * one-sided micro-benchmarks (our own code, plain MPI). Rank 1 waits in MPI_Barrier while rank
 * 0 measures, so passive-target progress comes from inside MPI as with any library.
 *   put_lat   MPI_Win_lock (exclusive), MPI_Put, MPI_Win_unlock per iteration     us
 *   get_lat   in one MPI_Win_lock_all: MPI_Get + MPI_Win_flush per iteration        us
 *   acc_lat   in one MPI_Win_lock_all: MPI_Accumulate (longs, SUM) + flush          us
 *   fop_lat   in one MPI_Win_lock_all: MPI_Fetch_and_op (long, SUM) + flush (8 B)   us
 *   fence_put both ranks: MPI_Win_fence, rank 0 MPI_Put, MPI_Win_fence              us
 *   put_bw    in one MPI_Win_lock_all: 64 MPI_Put of size bytes, then a flush       MB/s
 * Usage: rma NAME [sizes [scale]], sizes a comma list with K and M suffixes (default
 * 8,1K,64K,1M). The window comes from MPI_Win_allocate, or with RMA_FLAVOR=create in the
 * environment from MPI_Win_create over MPI_Alloc_mem memory (what many programs do). Output: '#'
 * lines, then "size value iters" per size. The data is checked after each size (rank 1's window
 * holds rank 0's bytes; accumulates add up exactly).
 */
#include "bench.h"

#include <stdbool.h>

#define MAX_SIZE (1L << 20)

static int rank;

/* Runs one timed loop of iters iterations of bench at size on rank 0; returns seconds. */
static double run(const char *name, MPI_Win win, char *src, char *res, long size, int iters)
{
    double t0 = MPI_Wtime();
    long one = 1;
    int n = (int)size;
    if (strcmp(name, "fence_put") == 0) {
        for (int i = 0; i < iters; i++) {
            MPI_Win_fence(0, win);
            if (rank == 0) {
                MPI_Put(src, n, MPI_BYTE, 1, 0, n, MPI_BYTE, win);
            }
            MPI_Win_fence(0, win);
        }
        return MPI_Wtime() - t0;
    }
    if (rank != 0) {
        return 0;
    }
    if (strcmp(name, "put_lat") == 0) {
        for (int i = 0; i < iters; i++) {
            MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 1, 0, win);
            MPI_Put(src, n, MPI_BYTE, 1, 0, n, MPI_BYTE, win);
            MPI_Win_unlock(1, win);
        }
        return MPI_Wtime() - t0;
    }
    MPI_Win_lock_all(0, win);
    t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) {
        if (strcmp(name, "get_lat") == 0) {
            MPI_Get(res, n, MPI_BYTE, 1, 0, n, MPI_BYTE, win);
        } else if (strcmp(name, "acc_lat") == 0) {
            MPI_Accumulate(src, n / 8, MPI_LONG, 1, MAX_SIZE, n / 8, MPI_LONG, MPI_SUM, win);
        } else if (strcmp(name, "fop_lat") == 0) {
            MPI_Fetch_and_op(&one, res, MPI_LONG, 1, MAX_SIZE, MPI_SUM, win);
        } else {
            for (int k = 0; k < BENCH_WINDOW; k++) {
                MPI_Put(src, n, MPI_BYTE, 1, 0, n, MPI_BYTE, win);
            }
        }
        MPI_Win_flush(1, win);
    }
    double t = MPI_Wtime() - t0;
    MPI_Win_unlock_all(win);
    return t;
}

/* Rank 1 checks its window after each size: the put bytes, or the accumulated sum. */
static void check(const char *name, const char *base, long size, long adds)
{
    if (rank != 1) {
        return;
    }
    const long *acc = (const long *)(base + MAX_SIZE);
    bool bad = false;
    if (strcmp(name, "acc_lat") == 0 || strcmp(name, "fop_lat") == 0) {
        bad = acc[0] != adds;
    } else if (strcmp(name, "get_lat") != 0) {
        for (long i = 0; i < size && !bad; i++) {
            bad = base[i] != 'p';
        }
    }
    if (bad) {
        fprintf(stderr, "%s: wrong data in the target window after size %ld\n", name, size);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv)
{
    bench_start(&argc, &argv, &rank);
    if (argc < 2) {
        fprintf(stderr,
                "usage: %s put_lat|get_lat|acc_lat|fop_lat|fence_put|put_bw [sizes "
                "[scale]]\n",
                argv[0]);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const char *name = argv[1];
    char sizes[256];
    snprintf(sizes, sizeof(sizes), "%s", argc > 2 ? argv[2] : "8,1K,64K,1M");
    double scale = argc > 3 ? strtod(argv[3], NULL) : 1.0;
    bool bw = strcmp(name, "put_bw") == 0;
    char *base = NULL;
    MPI_Win win;
    const char *flavor = getenv("RMA_FLAVOR");
    bool create = flavor != NULL && strcmp(flavor, "create") == 0;
    if (create) {
        MPI_Alloc_mem(2 * MAX_SIZE, MPI_INFO_NULL, &base);
        MPI_Win_create(base, 2 * MAX_SIZE, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    } else {
        MPI_Win_allocate(2 * MAX_SIZE, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    }
    memset(base, 0, 2 * MAX_SIZE);
    char *src = bench_buffer(MAX_SIZE);
    char *res = bench_buffer(MAX_SIZE);
    memset(src, 'p', MAX_SIZE);
    for (long i = 0; i < MAX_SIZE / 8; i++) {
        ((long *)src)[i] = 1;
    }
    if (strcmp(name, "acc_lat") != 0) {
        memset(src, 'p', MAX_SIZE);
    }
    char what[128];
    snprintf(what, sizeof(what), "%s, window from %s", name,
             create ? "MPI_Win_create" : "MPI_Win_allocate");
    bench_header(rank, what, bw ? "MB/s" : "usec");
    long adds = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    for (char *tok = strtok(sizes, ","); tok != NULL; tok = strtok(NULL, ",")) {
        long size = bench_parse(tok, "size");
        if (strcmp(name, "fop_lat") == 0) {
            size = 8;
        }
        if (size > MAX_SIZE || (strcmp(name, "acc_lat") == 0 && size < 8)) {
            fprintf(stderr, "size %ld out of range\n", size);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        struct bench_opts o = {size, size, scale};
        long per_iter = bw ? size * BENCH_WINDOW : size;
        int iters = bench_iters(&o, per_iter, bw ? 2000 : 5000, 20, bw ? 1e9 : 2e8);
        if (strcmp(name, "fence_put") == 0 || strcmp(name, "put_lat") == 0) {
            iters = iters / 4 > 20 ? iters / 4 : 20; /* two synchronizations per iteration */
        }
        int warm = bench_warmup(iters);
        MPI_Win_fence(0, win);
        run(name, win, src, res, size, warm);
        MPI_Barrier(MPI_COMM_WORLD);
        double t = run(name, win, src, res, size, iters);
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Win_fence(0, win);
        if (strcmp(name, "acc_lat") == 0 || strcmp(name, "fop_lat") == 0) {
            adds += warm + iters;
        }
        check(name, base, size, strcmp(name, "fop_lat") == 0 ? adds : adds);
        if (rank == 0) {
            double v = bw ? (double)size * BENCH_WINDOW * iters / t / 1e6 : t * 1e6 / iters;
            bench_line(size, v, iters);
        }
    }
    MPI_Win_free(&win);
    if (create) {
        MPI_Free_mem(base);
    }
    free(src);
    free(res);
    MPI_Finalize();
    return 0;
}
