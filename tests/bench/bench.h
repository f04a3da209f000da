/*
 * Helpers shared by the point-to-point benchmarks (latency, bw, bibw, msgrate): options, the
 * message sizes, iteration counts scaled down for large sizes, a point-to-point handshake and
 * the output format. Plain MPI, so that the same code builds with libmp, Open MPI and MPICH.
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_WINDOW 64
#define BENCH_TAG 1
#define BENCH_TAG_ACK 2

/* What the command line chose: sizes from min to max bytes (0 and powers of two between). */
struct bench_opts {
    long min_size, max_size;
    double scale; /* multiplies every iteration count */
};

static inline long bench_parse(const char *s, const char *what)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || v < 0) {
        fprintf(stderr, "bad %s '%s'\n", what, s);
        exit(2);
    }
    switch (*end) {
    case 'K':
        v <<= 10, end++;
        break;
    case 'M':
        v <<= 20, end++;
        break;
    default:
        break;
    }
    if (*end != '\0') {
        fprintf(stderr, "bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

/*
 * Usage: PROG [min_size [max_size [scale]]]; sizes take K and M suffixes. BENCH_SCALE in the
 * environment also multiplies the iteration counts (e.g. 0.1 for a quick look).
 */
static inline struct bench_opts bench_options(int argc, char **argv, long min, long max)
{
    struct bench_opts o = {min, max, 1.0};
    const char *env = getenv("BENCH_SCALE");

    if (argc > 1) {
        o.min_size = o.max_size = bench_parse(argv[1], "minimum size");
    }
    if (argc > 2) {
        o.max_size = bench_parse(argv[2], "maximum size");
    }
    if (argc > 3) {
        o.scale = strtod(argv[3], NULL);
    }
    if (env != NULL && *env != '\0') {
        o.scale *= strtod(env, NULL);
    }
    if (o.scale <= 0 || o.max_size > (1L << 30) || o.min_size > o.max_size) {
        fprintf(stderr, "usage: %s [min_size [max_size [scale]]]\n", argv[0]);
        exit(2);
    }
    return o;
}

/* The next size after s: 0, 1, 2, 4, ... */
static inline long bench_next_size(long s)
{
    return s == 0 ? 1 : 2 * s;
}

/*
 * Iterations for one size: 'most' for small messages, fewer as the bytes per iteration grow so
 * that each size moves about 'budget' bytes, never fewer than 'least'. Warm-up: a tenth more.
 */
static inline int bench_iters(const struct bench_opts *o, long bytes_per_iter, int most, int least,
                              double budget)
{
    double n = bytes_per_iter > 0 ? budget / (double)bytes_per_iter : most;

    if (n > most) {
        n = most;
    }
    n *= o->scale;
    return n < least ? least : (int)n;
}

static inline int bench_warmup(int iters)
{
    return iters / 10 < 2 ? 2 : iters / 10;
}

/* A zero-byte exchange between ranks 0 and 1, so that both start a measurement together. */
static inline void bench_handshake(int rank)
{
    if (rank == 0) {
        MPI_Send(NULL, 0, MPI_BYTE, 1, BENCH_TAG_ACK, MPI_COMM_WORLD);
        MPI_Recv(NULL, 0, MPI_BYTE, 1, BENCH_TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
        MPI_Recv(NULL, 0, MPI_BYTE, 0, BENCH_TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(NULL, 0, MPI_BYTE, 0, BENCH_TAG_ACK, MPI_COMM_WORLD);
    }
}

/* A page-aligned buffer, written once so that no page fault lands in a measurement. */
static inline void *bench_buffer(size_t n)
{
    void *p = NULL;

    if (posix_memalign(&p, 4096, n > 0 ? n : 1) != 0) {
        fprintf(stderr, "out of memory for %zu bytes\n", n);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    memset(p, 'a', n > 0 ? n : 1);
    return p;
}

/* Checks that the job has at least two ranks; the benchmarks use ranks 0 and 1 only. */
static inline int bench_start(int *argc, char ***argv, int *rank)
{
    int size;

    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        if (*rank == 0) {
            fprintf(stderr, "%s: needs 2 processes\n", (*argv)[0]);
        }
        MPI_Finalize();
        exit(2);
    }
    return size;
}

/* The output header: comment lines (#) naming the library and the columns. */
static inline void bench_header(int rank, const char *what, const char *column)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;

    if (rank != 0) {
        return;
    }
    MPI_Get_library_version(lib, &len);
    lib[strcspn(lib, "\n")] = '\0';
    printf("# %s\n# library: %.100s\n# %-10s %14s %10s\n", what, lib, "size", column, "iters");
    fflush(stdout);
}

static inline void bench_line(long size, double value, int iters)
{
    printf("%-12ld %14.3f %10d\n", size, value, iters);
    fflush(stdout);
}

#endif /* BENCH_H */
