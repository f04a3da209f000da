/*
 * Blocking collectives interleaved on overlapping communicators: MPI_COMM_WORLD, a dup of it,
 * its two halves (even and odd ranks), the whole in reversed rank order and halves in reversed
 * order. Every rank draws the same random sequence of (communicator, collective, root, size,
 * type): barrier, bcast (contiguous and a derived type), allgather and alltoall (in place and
 * not), reduce and allreduce (MPI_SUM on ints,
 * and a non-commutative user op that composes affine maps, so any change of rank order shows),
 * a nonblocking allreduce left in flight across a blocking bcast on the same communicator, and
 * bursts of small broadcasts in which the root runs far ahead.
 * Every received value and a guard element after each buffer are checked, and allreduce results
 * must be the same bits on every rank. Ranks leave collectives early and enter the next one
 * on another communicator while peers still read the last: what the shared-memory paths must
 * keep apart. Sizes reach past every switch point between slots, single copy and point-to-point.
 * With "asym", the odd ranks turn single copy off for themselves (MP_SHM_SINGLE_COPY=0 before
 * MPI_Init, where the launcher names the rank in PMIX_RANK): every communicator must still agree
 * on one path. Usage: interleave [steps [asym]]
 */
#include "colltest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCOMMS 5
#define GUARD (-77777)

static int wrank, wsize;
static unsigned long long rng = 88172645463325252ull;

/* The same sequence on every rank. */
static unsigned draw(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static int value(int step, int rank, int i)
{
    return (step * 131 + rank * 17 + i * 7) % 10007 - 5000;
}

/* x -> m x + c (mod 2^32), composed: (f . g)(x) = f(g(x)). Associative, not commutative. */
typedef struct {
    int m, c;
} affine_t;

static affine_t compose(affine_t f, affine_t g)
{
    affine_t r;
    r.m = (int)((unsigned)f.m * (unsigned)g.m);
    r.c = (int)((unsigned)f.m * (unsigned)g.c + (unsigned)f.c);
    return r;
}

/* inout = in . inout: in holds the lower ranks. */
static void compose_op(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    affine_t *a = in, *b = inout;
    for (int i = 0; i < *len; i++) {
        b[i] = compose(a[i], b[i]);
    }
}

static affine_t affine_of(int step, int rank, int i)
{
    affine_t f = {2 * value(step, rank, i) + 1, value(step + 1, rank, i)};
    return f;
}

/* The barrier holds on comm: its last rank enters 10 ms late, and meanwhile probes for the
 * message the others send it once their barrier returned. */
static void check_barrier(MPI_Comm comm, int tag)
{
    int r, p;
    MPI_Comm_rank(comm, &r);
    MPI_Comm_size(comm, &p);
    if (r == p - 1) {
        int flag = 0;
        for (int i = 0; i < 100 && !flag; i++) {
            usleep(100);
            CT_MPI(MPI_Iprobe(MPI_ANY_SOURCE, tag, comm, &flag, MPI_STATUS_IGNORE));
        }
        MPT_CHECK(!flag, "a rank left MPI_Barrier before rank %d of %d entered it", r, p);
        CT_MPI(MPI_Barrier(comm));
        for (int i = 0; i < p - 1; i++) {
            int x;
            CT_MPI(MPI_Recv(&x, 1, MPI_INT, MPI_ANY_SOURCE, tag, comm, MPI_STATUS_IGNORE));
        }
    } else {
        CT_MPI(MPI_Barrier(comm));
        CT_MPI(MPI_Send(&r, 1, MPI_INT, p - 1, tag, comm));
    }
}

static void do_bcast(MPI_Comm comm, int step, int root, int n, bool derived)
{
    int r;
    MPI_Comm_rank(comm, &r);
    int *buf = malloc(((size_t)n * 4 + 1) * sizeof(int));
    int stride = derived ? 4 : 1; /* the vec type: ints at 0 and 2 of every 4 */
    int elems = derived ? n * 2 : n;
    for (int i = 0; i < n * stride; i++) {
        buf[i] = r == root && (!derived || i % 4 == 0 || i % 4 == 2) ? 0 : -1;
    }
    buf[n * stride] = GUARD;
    for (int e = 0; e < elems; e++) {
        int at = derived ? (e / 2) * 4 + (e % 2) * 2 : e;
        if (r == root) {
            buf[at] = value(step, root, e);
        }
    }
    CT_MPI(MPI_Bcast(buf, n, derived ? ct_vec_type() : MPI_INT, root, comm));
    for (int e = 0; e < elems; e++) {
        int at = derived ? (e / 2) * 4 + (e % 2) * 2 : e;
        MPT_CHECK(buf[at] == value(step, root, e),
                  "step %d: bcast of %d %s from %d: element %d is %d, want %d", step, n,
                  derived ? "vec" : "int", root, e, buf[at], value(step, root, e));
        if (derived && e % 2 == 1) {
            MPT_CHECK(buf[at + 1] == -1 && buf[at - 1] == -1,
                      "step %d: bcast wrote into a gap of the derived type", step);
        }
    }
    MPT_CHECK(buf[n * stride] == GUARD, "step %d: bcast wrote past the buffer", step);
    free(buf);
}

/* Reduce (root >= 0) or allreduce (root < 0) of n elements, MPI_SUM or the affine op. */
static void do_reduce(MPI_Comm comm, int step, int root, int n, bool affine, MPI_Op compose_h)
{
    int r, p;
    MPI_Comm_rank(comm, &r);
    MPI_Comm_size(comm, &p);
    int width = affine ? 2 : 1;
    int *in = malloc(((size_t)n * 2 + 1) * sizeof(int));
    int *out = malloc(((size_t)n * 2 + 1) * sizeof(int));
    int *want = malloc(((size_t)n * 2 + 1) * sizeof(int));
    for (int i = 0; i < n; i++) {
        if (affine) {
            affine_t f = affine_of(step, r, i), acc = affine_of(step, p - 1, i);
            memcpy(&in[2 * i], &f, sizeof(f));
            for (int k = p - 2; k >= 0; k--) {
                acc = compose(affine_of(step, k, i), acc);
            }
            memcpy(&want[2 * i], &acc, sizeof(acc));
        } else {
            in[i] = value(step, r, i);
            long long sum = 0;
            for (int k = 0; k < p; k++) {
                sum += value(step, k, i);
            }
            want[i] = (int)sum;
        }
    }
    for (int i = 0; i <= n * width; i++) {
        out[i] = GUARD;
    }
    bool in_place = draw(2) == 0;
    MPI_Datatype dt = affine ? MPI_2INT : MPI_INT;
    MPI_Op op = affine ? compose_h : MPI_SUM;
    bool gets = root < 0 || r == root;
    if (in_place && gets) {
        memcpy(out, in, (size_t)n * (size_t)width * sizeof(int));
    }
    const void *sbuf = in_place && gets ? MPI_IN_PLACE : in;
    if (root < 0) {
        CT_MPI(MPI_Allreduce(sbuf, out, n, dt, op, comm));
    } else {
        CT_MPI(MPI_Reduce(sbuf, out, n, dt, op, root, comm));
    }
    if (gets) {
        for (int i = 0; i < n * width; i++) {
            MPT_CHECK(out[i] == want[i],
                      "step %d: %s of %d %s (root %d): element %d is %d, want %d", step,
                      root < 0 ? "allreduce" : "reduce", n, affine ? "affine" : "int sum", root, i,
                      out[i], want[i]);
        }
        MPT_CHECK(out[n * width] == GUARD, "step %d: reduction wrote past the buffer", step);
    }
    free(in);
    free(out);
    free(want);
}

/* An allreduce left in flight across a blocking bcast on the same communicator. */
static void do_mixed(MPI_Comm comm, int step, int root)
{
    int r, p;
    MPI_Comm_rank(comm, &r);
    MPI_Comm_size(comm, &p);
    int mine = value(step, r, 0), sum = 0;
    long long want = 0;
    for (int k = 0; k < p; k++) {
        want += value(step, k, 0);
    }
    MPI_Request req;
    CT_MPI(MPI_Iallreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, comm, &req));
    do_bcast(comm, step, root, 3, false);
    CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    MPT_CHECK(sum == (int)want, "step %d: Iallreduce across a bcast gave %d, want %d", step, sum,
              (int)want);
}

/* Allgather (alltoall: false) or alltoall of n ints per block; in place or not. */
static void do_exchange(MPI_Comm comm, int step, int n, bool alltoall)
{
    int r, p;
    MPI_Comm_rank(comm, &r);
    MPI_Comm_size(comm, &p);
    size_t total = (size_t)n * (size_t)p;
    int *in = malloc((total + 1) * sizeof(int));
    int *out = malloc((total + 1) * sizeof(int));
    for (size_t k = 0; k < total; k++) {
        /* Alltoall: block j of mine goes to j; allgather: block 0 is mine. */
        in[k] = alltoall ? value(step, r * 64 + (int)(k / (size_t)n), (int)(k % (size_t)n))
                         : value(step, r, (int)k);
        out[k] = -1;
    }
    out[total] = GUARD;
    bool in_place = draw(2) == 0;
    if (in_place) {
        if (alltoall) {
            memcpy(out, in, total * sizeof(int));
        } else {
            memcpy(out + (size_t)r * (size_t)n, in, (size_t)n * sizeof(int));
        }
    }
    const void *sbuf = in_place ? MPI_IN_PLACE : in;
    if (alltoall) {
        CT_MPI(MPI_Alltoall(sbuf, n, MPI_INT, out, n, MPI_INT, comm));
    } else {
        CT_MPI(MPI_Allgather(sbuf, n, MPI_INT, out, n, MPI_INT, comm));
    }
    for (size_t k = 0; k < total; k++) {
        int from = (int)(k / (size_t)n), i = (int)(k % (size_t)n);
        int want = alltoall ? value(step, from * 64 + r, i) : value(step, from, i);
        MPT_CHECK(out[k] == want, "step %d: %s of %d ints: block %d element %d is %d, want %d",
                  step, alltoall ? "alltoall" : "allgather", n, from, i, out[k], want);
    }
    MPT_CHECK(out[total] == GUARD, "step %d: exchange wrote past the buffer", step);
    free(in);
    free(out);
}

/* Many small rooted collectives in a row, of 1 to 12 ints (posts of every size a queue packs):
 * the root runs ahead of the others, farther than any queue between two ranks is deep. */
static void do_burst(MPI_Comm comm, int step, int root)
{
    int r;
    MPI_Comm_rank(comm, &r);
    for (int k = 0; k < 150; k++) {
        int n = 1 + (k * 5 + step) % 12, x[13];
        for (int i = 0; i <= n; i++) {
            x[i] = r == root && i < n ? value(step, k, i) : -1;
        }
        CT_MPI(MPI_Bcast(x, n, MPI_INT, root, comm));
        for (int i = 0; i < n; i++) {
            MPT_CHECK(x[i] == value(step, k, i),
                      "step %d: bcast %d of a burst gave [%d] %d, want %d", step, k, i, x[i],
                      value(step, k, i));
        }
        MPT_CHECK(x[n] == -1, "step %d: bcast %d of a burst wrote past its %d ints", step, k, n);
    }
}

/* Allreduce of many doubles whose sums depend on the order: every rank must get the same bits
 * (compared through a hash of them, gathered from all). */
static void check_bitwise(int count)
{
    double *in = malloc((size_t)count * sizeof(double));
    double *out = malloc((size_t)count * sizeof(double));
    MPT_CHECK(in != NULL && out != NULL, "out of memory for %d doubles", count);
    for (int i = 0; i < count; i++) {
        in[i] = 1.0 / (wrank + 3 + i % 7) * 1e16 + wrank * 0.1 + i;
    }
    CT_MPI(MPI_Allreduce(in, out, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
    unsigned long long hash = 1469598103934665603ull, all[64];
    const unsigned char *b = (const unsigned char *)out;
    for (size_t k = 0; k < (size_t)count * sizeof(double); k++) {
        hash = (hash ^ b[k]) * 1099511628211ull;
    }
    CT_MPI(MPI_Allgather(&hash, 1, MPI_UNSIGNED_LONG_LONG, all, 1, MPI_UNSIGNED_LONG_LONG,
                         MPI_COMM_WORLD));
    for (int i = 0; i < wsize && i < 64; i++) {
        MPT_CHECK(all[i] == hash, "allreduce of %d doubles differs between ranks %d and %d", count,
                  wrank, i);
    }
    free(in);
    free(out);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[2], "asym") == 0) {
        const char *r = getenv("PMIX_RANK");
        if (r != NULL && atoi(r) % 2 == 1) {
            setenv("MP_SHM_SINGLE_COPY", "0", 1);
        }
    }
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    int steps = argc > 1 ? (int)mpt_parse_long(argv[1], "steps") : 400;
    MPI_Comm comms[NCOMMS];
    comms[0] = MPI_COMM_WORLD;
    CT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &comms[1]));
    CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, wrank % 2, wrank, &comms[2]));
    CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, 0, wsize - wrank, &comms[3]));
    CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, wrank < wsize / 2, -wrank, &comms[4]));
    MPI_Op compose_h;
    CT_MPI(MPI_Op_create(compose_op, 0, &compose_h));
    for (int c = 0; c < NCOMMS; c++) {
        check_barrier(comms[c], 1000 + c);
    }
    static const int counts[] = {0, 1, 2, 6, 12, 13, 100, 1000, 4096, 8193, 20000, 50000, 150000};
    int ncounts = (int)(sizeof(counts) / sizeof(counts[0]));
    for (int step = 0; step < steps; step++) {
        MPI_Comm comm = comms[draw(NCOMMS)];
        int p;
        MPI_Comm_size(comm, &p);
        int kind = (int)draw(9);
        int root = (int)draw(64) % p;
        int n = counts[draw((unsigned)ncounts)];
        bool flavour = draw(2) == 0;
        switch (kind) {
        case 0:
            CT_MPI(MPI_Barrier(comm));
            break;
        case 1:
        case 2:
            do_bcast(comm, step, root, n, flavour);
            break;
        case 3:
            do_reduce(comm, step, root, n, flavour, compose_h);
            break;
        case 4:
            do_reduce(comm, step, -1, n, flavour, compose_h);
            break;
        case 5:
            do_mixed(comm, step, root);
            break;
        case 6:
        case 7:
            do_exchange(comm, step, n > 1000 ? n / 8 : n, kind == 7);
            break;
        default:
            do_burst(comm, step, root);
            break;
        }
    }
    /* Allreduce results are the same bits everywhere: doubles whose sum depends on the order. */
    double d = 1.0 / (wrank + 3) * 1e16 + wrank, sum = 0, all[64];
    CT_MPI(MPI_Allreduce(&d, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
    CT_MPI(MPI_Allgather(&sum, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, MPI_COMM_WORLD));
    for (int i = 0; i < wsize && i < 64; i++) {
        MPT_CHECK(memcmp(&all[i], &sum, sizeof(sum)) == 0,
                  "allreduce of doubles differs between ranks %d and %d", wrank, i);
    }
    check_bitwise(3);
    check_bitwise(70001);
    CT_MPI(MPI_Op_free(&compose_h));
    for (int c = 1; c < NCOMMS; c++) {
        CT_MPI(MPI_Comm_free(&comms[c]));
    }
    MPI_Finalize();
    return mpt_finish(wrank);
}
