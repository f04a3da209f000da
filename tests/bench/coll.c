/*
 * Collective latency benchmark in the manner of the OSU micro-benchmarks: for one collective and
 * each size, the time of one call averaged over many iterations (and over the ranks), after
 * checking the results once. Usage: coll NAME [sizes [scale [seconds]]]. Run by coll.sh.
 */
#include "bench.h"

#include <stdint.h>

#define COLL_TAG_TOKEN 11 /* the barrier check's "I have left the barrier" */
#define COLL_TAG_STATS 12 /* the harness's own reductions, point-to-point */
#define COLL_MAX_SIZES 32

enum coll_kind {
    COLL_ALLREDUCE,
    COLL_BCAST,
    COLL_REDUCE,
    COLL_BARRIER,
    COLL_ALLGATHER,
    COLL_ALLTOALL
};

static const char *const coll_names[] = {"allreduce", "bcast",     "reduce",
                                         "barrier",   "allgather", "alltoall"};

/* The header line of each: what one call does. */
static const char *const coll_what[] = {
    "allreduce: MPI_Allreduce of doubles with MPI_SUM",
    "bcast: MPI_Bcast of bytes from rank 0",
    "reduce: MPI_Reduce of doubles with MPI_SUM to rank 0",
    "barrier: MPI_Barrier",
    "allgather: MPI_Allgather of bytes, size per rank",
    "alltoall: MPI_Alltoall of bytes, size per pair of ranks",
};

/*
 * One collective at one size. size is in bytes: the whole message for allreduce, reduce and
 * bcast (reductions sum doubles, so it is a multiple of 8), each rank's block for allgather and
 * alltoall (as in OSU); barrier has none. The buffers hold what the largest size needs.
 */
struct coll {
    enum coll_kind kind;
    int rank, nprocs;
    long size;
    unsigned char *sbuf, *rbuf;
};

/* What the command line chose. */
struct coll_opts {
    enum coll_kind kind;
    long sizes[COLL_MAX_SIZES];
    int nsizes;
    double scale;   /* multiplies every iteration count */
    double seconds; /* at most about this long in the timed loop of each size */
};

/* Reports bad arguments (once, from rank 0) and ends every rank alike. */
static void usage(const char *prog)
{
    int rank;

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
        MPI_Finalize();
        exit(2);
    }
    fprintf(stderr,
            "usage: %s NAME [sizes [scale [seconds]]]\n"
            "  NAME: allreduce bcast reduce barrier allgather alltoall\n"
            "  sizes: comma-separated bytes with K and M suffixes (default 8,1K,64K,1M)\n"
            "  scale: multiplies the iteration counts (default 1; BENCH_SCALE multiplies too)\n"
            "  seconds: cap on the timed loop of each size (default 0.2)\n",
            prog);
    MPI_Finalize();
    exit(2);
}

static struct coll_opts coll_options(int argc, char **argv)
{
    struct coll_opts o = {.scale = 1.0, .seconds = 0.2};
    char list[256] = "8,1K,64K,1M";
    const char *env = getenv("BENCH_SCALE");
    int k = -1;

    for (int i = 0; argc > 1 && i < (int)(sizeof(coll_names) / sizeof(coll_names[0])); i++) {
        if (strcmp(argv[1], coll_names[i]) == 0) {
            k = i;
        }
    }
    if (k < 0) {
        usage(argv[0]);
    }
    o.kind = (enum coll_kind)k;
    if (argc > 2) {
        snprintf(list, sizeof(list), "%s", argv[2]);
    }
    if (o.kind == COLL_BARRIER) {
        snprintf(list, sizeof(list), "0");
    }
    for (char *save = NULL, *s = strtok_r(list, ",", &save); s != NULL;
         s = strtok_r(NULL, ",", &save)) {
        if (o.nsizes == COLL_MAX_SIZES) {
            usage(argv[0]);
        }
        o.sizes[o.nsizes] = bench_parse(s, "size");
        if (o.sizes[o.nsizes] > (64L << 20) ||
            ((o.kind == COLL_ALLREDUCE || o.kind == COLL_REDUCE) &&
             (o.sizes[o.nsizes] < 8 || o.sizes[o.nsizes] % 8 != 0))) {
            fprintf(stderr, "%s: size %s: at most 64M, and a multiple of 8 for reductions\n",
                    argv[0], s);
            usage(argv[0]);
        }
        o.nsizes++;
    }
    if (argc > 3) {
        o.scale = strtod(argv[3], NULL);
    }
    if (argc > 4) {
        o.seconds = strtod(argv[4], NULL);
    }
    if (env != NULL && *env != '\0') {
        o.scale *= strtod(env, NULL);
    }
    if (o.nsizes == 0 || !(o.scale > 0) || !(o.seconds > 0) || argc > 5) {
        usage(argv[0]);
    }
    return o;
}

/* The byte that rank 'from' sends to rank 'to' at offset i: differs by rank, peer and offset. */
static unsigned char pattern(int from, int to, long i)
{
    uint32_t x = (uint32_t)i * 2654435761u + (uint32_t)from * 40503u + (uint32_t)to * 9973u;

    return (unsigned char)(x ^ (x >> 13) ^ (x >> 24));
}

/* What rank r contributes to element i of a reduction; sums of these stay exact in doubles. */
static double contribution(int r, long i)
{
    return (double)(r + 1) * (double)(i % 1021 + 1);
}

static void coll_call(const struct coll *c)
{
    int count = (int)(c->size / (long)sizeof(double));
    int bytes = (int)c->size;

    switch (c->kind) {
    case COLL_ALLREDUCE:
        MPI_Allreduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        break;
    case COLL_REDUCE:
        MPI_Reduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        break;
    case COLL_BCAST:
        MPI_Bcast(c->rbuf, bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
        break;
    case COLL_BARRIER:
        MPI_Barrier(MPI_COMM_WORLD);
        break;
    case COLL_ALLGATHER:
        MPI_Allgather(c->sbuf, bytes, MPI_BYTE, c->rbuf, bytes, MPI_BYTE, MPI_COMM_WORLD);
        break;
    case COLL_ALLTOALL:
        MPI_Alltoall(c->sbuf, bytes, MPI_BYTE, c->rbuf, bytes, MPI_BYTE, MPI_COMM_WORLD);
        break;
    }
}

/* Fills the send buffers with this rank's data and clears what the collective must write. */
static void coll_fill(const struct coll *c)
{
    long n = c->size;
    double *d = (double *)c->sbuf;

    switch (c->kind) {
    case COLL_ALLREDUCE:
    case COLL_REDUCE:
        for (long i = 0; i < n / 8; i++) {
            d[i] = contribution(c->rank, i);
        }
        memset(c->rbuf, 0, (size_t)n);
        break;
    case COLL_BCAST:
        for (long i = 0; i < n; i++) {
            c->rbuf[i] = c->rank == 0 ? pattern(0, 0, i) : 0;
        }
        break;
    case COLL_BARRIER:
        break;
    case COLL_ALLGATHER:
        for (long i = 0; i < n; i++) {
            c->sbuf[i] = pattern(c->rank, 0, i);
        }
        memset(c->rbuf, 0, (size_t)n * (size_t)c->nprocs);
        break;
    case COLL_ALLTOALL:
        for (int to = 0; to < c->nprocs; to++) {
            for (long i = 0; i < n; i++) {
                c->sbuf[to * n + i] = pattern(c->rank, to, i);
            }
        }
        memset(c->rbuf, 0, (size_t)n * (size_t)c->nprocs);
        break;
    }
}

/* Reports a wrong result and ends the job: a broken collective must not pass for a fast one. */
static void coll_fail(const struct coll *c, const char *what, long at, double got, double want)
{
    fprintf(stderr, "coll %s, size %ld, rank %d: %s %ld is %g, expected %g\n", coll_names[c->kind],
            c->size, c->rank, what, at, got, want);
    MPI_Abort(MPI_COMM_WORLD, 3);
}

/* Checks a block of c->size bytes in buf against what rank 'from' sent to rank 'to'. */
static void check_block(const struct coll *c, const unsigned char *buf, int from, int to)
{
    char what[64];

    for (long i = 0; i < c->size; i++) {
        if (buf[i] != pattern(from, to, i)) {
            snprintf(what, sizeof(what), "in the block from rank %d, byte", from);
            coll_fail(c, what, i, buf[i], pattern(from, to, i));
        }
    }
}

/* Checks a reduction's result: the sum of every rank's contribution. */
static void check_sum(const struct coll *c)
{
    const double *d = (const double *)c->rbuf;
    double ranks = (double)c->nprocs * (c->nprocs + 1) / 2;

    for (long i = 0; i < c->size / 8; i++) {
        if (d[i] != ranks * (double)(i % 1021 + 1)) {
            coll_fail(c, "element", i, d[i], ranks * (double)(i % 1021 + 1));
        }
    }
}

/*
 * Checks that no rank leaves MPI_Barrier before rank 'late' has entered it: 'late' enters 20 ms
 * after the others and meanwhile probes for a message that they send only once their barrier
 * has returned. A message arriving then proves an early exit (a slow one may hide it).
 */
static void check_barrier(const struct coll *c, int late)
{
    int flag = 0;

    MPI_Barrier(MPI_COMM_WORLD);
    if (c->rank != late) {
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Send(NULL, 0, MPI_BYTE, late, COLL_TAG_TOKEN, MPI_COMM_WORLD);
        return;
    }
    for (double t0 = MPI_Wtime(); MPI_Wtime() - t0 < 0.02 && !flag;) {
        MPI_Iprobe(MPI_ANY_SOURCE, COLL_TAG_TOKEN, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    }
    if (flag) {
        fprintf(stderr, "coll barrier: a rank left MPI_Barrier before rank %d entered it\n", late);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < c->nprocs - 1; i++) {
        MPI_Recv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, COLL_TAG_TOKEN, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    }
}

/* Checks the result of the last call (after coll_fill, then any number of calls). */
static void coll_check(const struct coll *c)
{
    switch (c->kind) {
    case COLL_ALLREDUCE:
        check_sum(c);
        break;
    case COLL_REDUCE:
        if (c->rank == 0) {
            check_sum(c);
        }
        break;
    case COLL_BCAST:
        check_block(c, c->rbuf, 0, 0);
        break;
    case COLL_BARRIER:
        check_barrier(c, 0);
        if (c->nprocs > 1) {
            check_barrier(c, c->nprocs - 1);
        }
        break;
    case COLL_ALLGATHER:
        for (int r = 0; r < c->nprocs; r++) {
            check_block(c, c->rbuf + r * c->size, r, 0);
        }
        break;
    case COLL_ALLTOALL:
        for (int r = 0; r < c->nprocs; r++) {
            check_block(c, c->rbuf + r * c->size, r, c->rank);
        }
        break;
    }
}

/*
 * The maximum (want_max) or the sum of v over all ranks, known to every rank afterwards. Built
 * on point-to-point only, so that a benchmark depends on no collective but the one it measures
 * (and MPI_Barrier, as in OSU).
 */
static double world_combine(const struct coll *c, double v, int want_max)
{
    double x;

    if (c->rank != 0) {
        MPI_Send(&v, 1, MPI_DOUBLE, 0, COLL_TAG_STATS, MPI_COMM_WORLD);
        MPI_Recv(&v, 1, MPI_DOUBLE, 0, COLL_TAG_STATS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        return v;
    }
    for (int r = 1; r < c->nprocs; r++) {
        MPI_Recv(&x, 1, MPI_DOUBLE, r, COLL_TAG_STATS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        v = want_max ? (x > v ? x : v) : v + x;
    }
    for (int r = 1; r < c->nprocs; r++) {
        MPI_Send(&v, 1, MPI_DOUBLE, r, COLL_TAG_STATS, MPI_COMM_WORLD);
    }
    return v;
}

/*
 * Iterations for one size: 10000 for small messages, fewer as the bytes grow (about 1 GB moved
 * per size, at least 10), then capped so that the timed loop takes about o->seconds: with
 * ranks oversubscribed, a busy-polling MPI may need milliseconds per call, and such a run must
 * stay short (at least 5 calls then). The time per call comes from batches of calls (1, 4,
 * 16, ...) until one of at least 4 calls takes a twentieth of o->seconds on the slowest rank
 * (so that one hiccup does not count as the speed), or one takes a quarter; they warm up too.
 * Every rank gets the same count.
 */
static int coll_iters(const struct coll *c, const struct coll_opts *o)
{
    struct bench_opts bo = {0, 0, o->scale};
    long bytes =
        c->kind == COLL_ALLGATHER || c->kind == COLL_ALLTOALL ? c->size * c->nprocs : c->size;
    int iters = bench_iters(&bo, bytes, 10000, 10, 1e9);
    double t = 0;
    int batch;

    for (batch = 1;; batch *= 4) {
        double t0 = MPI_Wtime();
        for (int i = 0; i < batch; i++) {
            coll_call(c);
        }
        t = world_combine(c, MPI_Wtime() - t0, 1);
        if ((t >= o->seconds / 20 && batch >= 4) || t >= o->seconds / 4 || batch >= iters) {
            break;
        }
    }
    if (t / batch * iters > o->seconds) {
        iters = (int)(o->seconds / (t / batch));
        iters = iters < 5 ? 5 : iters;
    }
    return iters;
}

/*
 * Calls the collective, untimed, for about 'seconds' on the slowest rank (batches of 1, 2, 4,
 * ... calls): once per run, so that start-up work of the launcher and the library (connections,
 * helper threads settling) lands in no measurement. The first size of a run was often several
 * times slower than the same size measured again later without it.
 */
static void coll_warm(const struct coll *c, double seconds)
{
    double total = 0;

    for (int batch = 1; total < seconds; batch *= 2) {
        double t0 = MPI_Wtime();
        for (int i = 0; i < batch; i++) {
            coll_call(c);
        }
        total += world_combine(c, MPI_Wtime() - t0, 1);
    }
}

int main(int argc, char **argv)
{
    struct coll c = {0};
    long max = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.nprocs);
    struct coll_opts o = coll_options(argc, argv);
    c.kind = o.kind;
    for (int s = 0; s < o.nsizes; s++) {
        max = o.sizes[s] > max ? o.sizes[s] : max;
    }
    c.sbuf = bench_buffer((size_t)max * (size_t)c.nprocs);
    c.rbuf = bench_buffer((size_t)max * (size_t)c.nprocs);

    if (c.rank == 0) {
        printf("# %d ranks; usec: time per call, the average over the ranks\n", c.nprocs);
    }
    bench_header(c.rank, coll_what[c.kind], "usec");
    for (int s = 0; s < o.nsizes; s++) {
        c.size = o.sizes[s];
        coll_fill(&c);
        coll_call(&c);
        coll_check(&c);
        if (s == 0) {
            coll_warm(&c, o.seconds / 2);
        }

        int iters = coll_iters(&c, &o);
        int warmup = bench_warmup(iters);
        for (int i = 0; i < warmup; i++) {
            coll_call(&c);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int i = 0; i < iters; i++) {
            coll_call(&c);
        }
        double avg = world_combine(&c, (MPI_Wtime() - t0) * 1e6 / iters, 0) / c.nprocs;
        /* The data of repeated calls must still be right (barrier: checked once is enough). */
        if (c.kind != COLL_BARRIER) {
            coll_check(&c);
        }
        if (c.rank == 0) {
            bench_line(c.size, avg, iters);
        }
    }
    free(c.sbuf);
    free(c.rbuf);
    MPI_Finalize();
    return 0;
}
