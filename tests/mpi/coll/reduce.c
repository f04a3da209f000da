/*
 * The reductions: MPI_Reduce (every root, in place and not), MPI_Allreduce, MPI_Reduce_scatter,
 * MPI_Reduce_scatter_block, MPI_Scan, MPI_Exscan and their nonblocking forms, with predefined
 * ops (MPI_SUM on int and double, MPI_MAX, MPI_MAXLOC on the non-contiguous MPI_SHORT_INT) and
 * user ops, commutative and not, and MPI_SUM on a derived (non-contiguous) type: the
 * non-commutative one composes affine maps, so any change of the rank order shows. Every element of
 * every result is checked; allreduce results of doubles are compared bit for bit across ranks,
 * also at the sizes where libmp's shared-memory allreduce changes its algorithm.
 */
#include "colltest.h"

static int rank, size, seq;

enum { K_SUM_INT, K_SUM_DOUBLE, K_MAX_INT, K_MAXLOC, K_USER_AFFINE, K_USER_SUM, K_SUM_VEC, NKINDS };
static const char *kind_names[NKINDS] = {"MPI_SUM int", "MPI_SUM double",
                                         "MPI_MAX int", "MPI_MAXLOC short_int",
                                         "user affine", "user commutative sum"};
static MPI_Op affine_op, usum_op;

/* An affine map x -> a x + b (mod 2^16) packed in an unsigned int: a << 16 | b. Composing
 * maps is associative and not commutative. left op right = apply left, then right. */
static unsigned compose(unsigned left, unsigned right)
{
    unsigned la = left >> 16, lb = left & 0xffff, ra = right >> 16, rb = right & 0xffff;
    unsigned a = (ra * la) & 0xffff, b = (ra * lb + rb) & 0xffff;
    return a << 16 | b;
}

static void affine_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    for (int i = 0; i < *len; i++) {
        ((unsigned *)inout)[i] = compose(((unsigned *)in)[i], ((unsigned *)inout)[i]);
    }
}

static void usum_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    for (int i = 0; i < *len; i++) {
        ((int *)inout)[i] += ((int *)in)[i];
    }
}

static MPI_Datatype kind_type(int k)
{
    switch (k) {
    case K_SUM_DOUBLE:
        return MPI_DOUBLE;
    case K_MAXLOC:
        return MPI_SHORT_INT;
    case K_USER_AFFINE:
        return MPI_UNSIGNED;
    case K_SUM_VEC:
        return ct_vec_type();
    default:
        return MPI_INT;
    }
}

static MPI_Op kind_op(int k)
{
    MPI_Op ops[NKINDS] = {MPI_SUM, MPI_SUM, MPI_MAX, MPI_MAXLOC, affine_op, usum_op, MPI_SUM};
    return ops[k];
}

/* One element of any kind. */
typedef union elem {
    int i;
    double d;
    unsigned u;
    ct_short_int_t si;
    ct_vec_t vec;
} elem_t;

/* Rank r's element i. */
static elem_t value(int k, int r, size_t i)
{
    long long v = ct_value(r, i, seq);
    elem_t e;
    switch (k) {
    case K_SUM_DOUBLE:
        e.d = (double)v * 0.5;
        break;
    case K_MAXLOC:
        e.si.s = (short)(v % 50);
        e.si.i = r;
        break;
    case K_USER_AFFINE:
        /* b unrelated to a: maps with b = c (a - 1) for one c would all commute. */
        e.u = (unsigned)((2 * v + 1) & 0xffff) << 16 | (unsigned)((v * v + 13) & 0xffff);
        break;
    case K_SUM_VEC:
        e.vec.a = (int)v - 50000;
        e.vec.b = (int)v;
        break;
    default:
        e.i = (int)v - 50000;
        break;
    }
    return e;
}

static void set_elem(int k, void *buf, size_t i, int r)
{
    elem_t e = value(k, r, i);
    switch (k) {
    case K_SUM_DOUBLE:
        ((double *)buf)[i] = e.d;
        break;
    case K_MAXLOC:
        ((ct_short_int_t *)buf)[i] = e.si;
        break;
    case K_SUM_VEC:
        ((ct_vec_t *)buf)[i].a = e.vec.a;
        ((ct_vec_t *)buf)[i].b = e.vec.b;
        break;
    default:
        ((int *)buf)[i] = e.i;
        break;
    }
}

/* acc op v, acc holding lower ranks. */
static elem_t combine(int k, elem_t acc, elem_t v)
{
    switch (k) {
    case K_SUM_INT:
    case K_USER_SUM:
        acc.i += v.i;
        break;
    case K_SUM_DOUBLE:
        acc.d += v.d;
        break;
    case K_MAX_INT:
        acc.i = v.i > acc.i ? v.i : acc.i;
        break;
    case K_MAXLOC:
        acc.si = v.si.s > acc.si.s ? v.si : acc.si; /* ties keep the lower rank */
        break;
    case K_USER_AFFINE:
        acc.u = compose(acc.u, v.u);
        break;
    case K_SUM_VEC:
        acc.vec.a += v.vec.a;
        acc.vec.b += v.vec.b;
        break;
    }
    return acc;
}

/* The reduction of element i over ranks lo..hi in rank order. */
static elem_t expected(int k, size_t i, int lo, int hi)
{
    elem_t acc = value(k, lo, i);
    for (int r = lo + 1; r <= hi; r++) {
        acc = combine(k, acc, value(k, r, i));
    }
    return acc;
}

static bool same_elem(int k, const void *buf, size_t i, elem_t want)
{
    switch (k) {
    case K_SUM_DOUBLE:
        return ((const double *)buf)[i] == want.d;
    case K_MAXLOC:
        return ((const ct_short_int_t *)buf)[i].s == want.si.s &&
               ((const ct_short_int_t *)buf)[i].i == want.si.i;
    case K_SUM_VEC:
        return ((const ct_vec_t *)buf)[i].a == want.vec.a &&
               ((const ct_vec_t *)buf)[i].b == want.vec.b;
    default:
        return ((const int *)buf)[i] == want.i;
    }
}

/* Checks n elements of buf (from element first) against the reduction over lo..hi of the
 * elements first + off ... (off: where they sit in the full input). */
static void check_range(int k, const void *buf, size_t first, size_t n, size_t off, int lo, int hi,
                        const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!same_elem(k, buf, first + i, expected(k, off + i, lo, hi))) {
            mpt_fail(__FILE__, __LINE__, "%s (%s): element %zu is wrong", what, kind_names[k],
                     off + i);
            return;
        }
    }
}

static void fill(int k, void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        set_elem(k, buf, i, rank);
    }
}

static void nbwait(int nb, MPI_Request *req)
{
    if (nb) {
        CT_MPI(MPI_Wait(req, MPI_STATUS_IGNORE));
    }
}

static void test_reduce(int k, size_t n, int root, int nb, int in_place)
{
    MPI_Datatype t = kind_type(k);
    MPI_Request req;
    void *s = ct_alloc(t, n), *r = ct_alloc(t, n);
    seq++;
    fill(k, s, n);
    const void *sb = s;
    if (in_place && rank == root) {
        fill(k, r, n);
        sb = MPI_IN_PLACE;
    }
    if (nb) {
        CT_MPI(MPI_Ireduce(sb, r, (int)n, t, kind_op(k), root, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Reduce(sb, r, (int)n, t, kind_op(k), root, MPI_COMM_WORLD));
    }
    nbwait(nb, &req);
    if (rank == root) {
        char what[96];
        snprintf(what, sizeof(what), "%sreduce n=%zu root=%d%s", nb ? "I" : "", n, root,
                 in_place ? " in place" : "");
        check_range(k, r, 0, n, 0, 0, size - 1, what);
    }
    free(s);
    free(r);
}

static void test_allreduce(int k, size_t n, int nb, int in_place)
{
    MPI_Datatype t = kind_type(k);
    MPI_Request req;
    void *s = ct_alloc(t, n), *r = ct_alloc(t, n);
    seq++;
    fill(k, in_place ? r : s, n);
    const void *sb = in_place ? MPI_IN_PLACE : s;
    if (nb) {
        CT_MPI(MPI_Iallreduce(sb, r, (int)n, t, kind_op(k), MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Allreduce(sb, r, (int)n, t, kind_op(k), MPI_COMM_WORLD));
    }
    nbwait(nb, &req);
    char what[96];
    snprintf(what, sizeof(what), "%sallreduce n=%zu%s", nb ? "I" : "", n,
             in_place ? " in place" : "");
    check_range(k, r, 0, n, 0, 0, size - 1, what);
    free(s);
    free(r);
}

/* Doubles that do not add up exactly: the result must still be the same bits everywhere. */
static void test_allreduce_bitwise(size_t n)
{
    double *s = malloc(n * sizeof(double)), *r = malloc(n * sizeof(double));
    double *all = malloc(n * sizeof(double) * (size_t)size);
    for (size_t i = 0; i < n; i++) {
        s[i] = 1.0 / (double)(rank * 7 + (int)i + 3) * (i % 2 ? 1e10 : 1e-7);
    }
    CT_MPI(MPI_Allreduce(s, r, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
    CT_MPI(MPI_Allgather(r, (int)n, MPI_DOUBLE, all, (int)n, MPI_DOUBLE, MPI_COMM_WORLD));
    for (int q = 0; q < size; q++) {
        MPT_CHECK(memcmp(all + (size_t)q * n, r, n * sizeof(double)) == 0,
                  "allreduce of %zu doubles: rank %d's result differs in its bits from mine", n, q);
    }
    free(s);
    free(r);
    free(all);
}

static void test_reduce_scatter(int k, size_t n, int nb, int in_place, int block)
{
    MPI_Datatype t = kind_type(k);
    MPI_Request req;
    int counts[64];
    size_t total = 0, mine_at = 0;
    for (int i = 0; i < size; i++) {
        counts[i] = block ? (int)n : (int)(n * (size_t)(i % 3) / 2);
        if (i == rank) {
            mine_at = total;
        }
        total += (size_t)counts[i];
    }
    void *s = ct_alloc(t, total), *r = ct_alloc(t, total);
    seq++;
    fill(k, in_place ? r : s, total);
    const void *sb = in_place ? MPI_IN_PLACE : s;
    MPI_Op op = kind_op(k);
    if (block && nb) {
        CT_MPI(MPI_Ireduce_scatter_block(sb, r, (int)n, t, op, MPI_COMM_WORLD, &req));
    } else if (block) {
        CT_MPI(MPI_Reduce_scatter_block(sb, r, (int)n, t, op, MPI_COMM_WORLD));
    } else if (nb) {
        CT_MPI(MPI_Ireduce_scatter(sb, r, counts, t, op, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Reduce_scatter(sb, r, counts, t, op, MPI_COMM_WORLD));
    }
    nbwait(nb, &req);
    char what[96];
    snprintf(what, sizeof(what), "%sreduce_scatter%s n=%zu%s", nb ? "I" : "", block ? "_block" : "",
             n, in_place ? " in place" : "");
    check_range(k, r, 0, (size_t)counts[rank], mine_at, 0, size - 1, what);
    free(s);
    free(r);
}

static void test_scan(int k, size_t n, int nb, int in_place, int exclusive)
{
    MPI_Datatype t = kind_type(k);
    MPI_Request req;
    void *s = ct_alloc(t, n), *r = ct_alloc(t, n);
    seq++;
    fill(k, in_place ? r : s, n);
    const void *sb = in_place ? MPI_IN_PLACE : s;
    MPI_Op op = kind_op(k);
    if (exclusive && nb) {
        CT_MPI(MPI_Iexscan(sb, r, (int)n, t, op, MPI_COMM_WORLD, &req));
    } else if (exclusive) {
        CT_MPI(MPI_Exscan(sb, r, (int)n, t, op, MPI_COMM_WORLD));
    } else if (nb) {
        CT_MPI(MPI_Iscan(sb, r, (int)n, t, op, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Scan(sb, r, (int)n, t, op, MPI_COMM_WORLD));
    }
    nbwait(nb, &req);
    char what[96];
    snprintf(what, sizeof(what), "%s%sscan n=%zu%s", nb ? "I" : "", exclusive ? "ex" : "", n,
             in_place ? " in place" : "");
    int hi = exclusive ? rank - 1 : rank;
    if (hi >= 0) {
        check_range(k, r, 0, n, 0, 0, hi, what);
    }
    free(s);
    free(r);
}

/* The switch points of the shared-memory allreduce (libmp's coll/shm_reduce.c), an element
 * below, at and above each: data inside a post (48 bytes), two ranks each folding both
 * contributions (16 KiB), a slot (32 KiB), all of a rank's slots (256 KiB); a user op that does
 * not commute, in place and not, and doubles compared bit for bit. */
static void test_allreduce_edges(size_t max_bytes)
{
    size_t bytes[] = {48, 16384, 32768, 262144};
    for (int b = 0; b < 4 && bytes[b] <= max_bytes; b++) {
        for (int d = -1; d <= 1; d++) {
            size_t n = bytes[b] / sizeof(unsigned) + (size_t)(long)d;
            test_allreduce(K_USER_AFFINE, n, 0, 0);
            test_allreduce(K_USER_AFFINE, n, 0, 1);
            test_allreduce_bitwise(bytes[b] / sizeof(double) + (size_t)(long)d);
        }
    }
}

/* Element e of rank r's data in test_allreduce_blocks: word w of it, an affine map. */
static unsigned block_word(int r, size_t e, int w)
{
    unsigned a = (unsigned)(2 * r + 3 + (int)(e % 5) + 2 * w) & 0xffff;
    unsigned b = (unsigned)(r * 7 + (int)(e * 3) + w + seq) & 0xffff;
    return a << 16 | b;
}

static int block_words; /* words of one element of test_allreduce_blocks' type */

/* The affine composition on each word of elements of block_words words. */
static void affine_block_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    for (int i = 0; i < *len * block_words; i++) {
        ((unsigned *)inout)[i] = compose(((unsigned *)in)[i], ((unsigned *)inout)[i]);
    }
}

/* Allreduce and reduce of count elements of a contiguous type of words unsigned ints with a user
 * op that does not commute, in place and not: elements whose size does not divide a shared-memory
 * slot (12 bytes: the slots' pieces end between elements, and 256 KiB takes one piece more than all
 * of a rank's slots), fewer elements than ranks (ranks with no segment to fold), elements larger
 * than a slot (libmp must take another path). */
static void test_allreduce_blocks(int words, size_t count)
{
    MPI_Datatype t;
    MPI_Op op;
    block_words = words;
    CT_MPI(MPI_Type_contiguous(words, MPI_UNSIGNED, &t));
    CT_MPI(MPI_Type_commit(&t));
    CT_MPI(MPI_Op_create(affine_block_fn, 0, &op));
    size_t n = count * (size_t)words;
    unsigned *s = malloc(n * sizeof(unsigned)), *r = malloc(n * sizeof(unsigned));
    if (s == NULL || r == NULL) {
        mpt_fail(__FILE__, __LINE__, "out of memory");
        return;
    }
    /* Allreduce, in place and not, then reduce to the last rank, in place and not. */
    for (int v = 0; v < 4; v++) {
        int in_place = v & 1, root = v < 2 ? -1 : size - 1;
        bool gets = root < 0 || rank == root;
        seq++;
        for (size_t i = 0; i < n; i++) {
            s[i] = block_word(rank, i / (size_t)words, (int)(i % (size_t)words));
            r[i] = in_place ? s[i] : 0;
        }
        const void *sb = in_place && gets ? MPI_IN_PLACE : s;
        if (root < 0) {
            CT_MPI(MPI_Allreduce(sb, r, (int)count, t, op, MPI_COMM_WORLD));
        } else {
            CT_MPI(MPI_Reduce(sb, r, (int)count, t, op, root, MPI_COMM_WORLD));
        }
        for (size_t i = 0; gets && i < n; i++) {
            size_t e = i / (size_t)words;
            int w = (int)(i % (size_t)words);
            unsigned want = block_word(0, e, w);
            for (int q = 1; q < size; q++) {
                want = compose(want, block_word(q, e, w));
            }
            if (r[i] != want) {
                mpt_fail(__FILE__, __LINE__,
                         "%s of %zu elements of %d unsigned%s: word %d of element %zu is %#x, "
                         "not %#x",
                         root < 0 ? "allreduce" : "reduce", count, words,
                         in_place ? " in place" : "", w, e, r[i], want);
                break;
            }
        }
    }
    free(s);
    free(r);
    CT_MPI(MPI_Op_free(&op));
    CT_MPI(MPI_Type_free(&t));
}

/* A reduce of elements larger than a shared-memory slot (a contiguous type of 10000 ints,
 * 40000 bytes): libmp cannot cut them into slot-sized pieces and must take another path. */
static void test_reduce_big_elements(void)
{
    enum { INTS = 10000, COUNT = 3 };
    MPI_Datatype big;
    CT_MPI(MPI_Type_contiguous(INTS, MPI_INT, &big));
    CT_MPI(MPI_Type_commit(&big));
    int *s = malloc(sizeof(int) * INTS * COUNT), *r = malloc(sizeof(int) * INTS * COUNT);
    if (s == NULL || r == NULL) {
        mpt_fail(__FILE__, __LINE__, "out of memory");
        return;
    }
    for (int root = 0; root < size; root++) {
        for (int in_place = 0; in_place < 2; in_place++) {
            for (int i = 0; i < INTS * COUNT; i++) {
                s[i] = rank * 7 + i;
                r[i] = in_place && rank == root ? s[i] : -1;
            }
            const void *sb = in_place && rank == root ? MPI_IN_PLACE : s;
            CT_MPI(MPI_Reduce(sb, r, COUNT, big, MPI_SUM, root, MPI_COMM_WORLD));
            for (int i = 0; rank == root && i < INTS * COUNT; i++) {
                if (r[i] != 7 * size * (size - 1) / 2 + size * i) {
                    mpt_fail(__FILE__, __LINE__,
                             "reduce of 40000-byte elements, root %d%s: "
                             "int %d is %d",
                             root, in_place ? " in place" : "", i, r[i]);
                    break;
                }
            }
        }
    }
    free(s);
    free(r);
    CT_MPI(MPI_Type_free(&big));
}

/* Persistent reductions, started several times with new data. */
static void test_persistent(void)
{
    const size_t n = 100;
    int k = K_USER_AFFINE;
    unsigned *s = ct_alloc(MPI_UNSIGNED, n), *r = ct_alloc(MPI_UNSIGNED, n);
    unsigned *r0 = ct_alloc(MPI_UNSIGNED, n);
    MPI_Request reqs[2];
    CT_MPI(MPI_Allreduce_init(s, r, (int)n, MPI_UNSIGNED, affine_op, MPI_COMM_WORLD, MPI_INFO_NULL,
                              &reqs[0]));
    CT_MPI(MPI_Reduce_init(s, r0, (int)n, MPI_UNSIGNED, affine_op, size - 1, MPI_COMM_WORLD,
                           MPI_INFO_NULL, &reqs[1]));
    for (int round = 0; round < 3; round++) {
        seq++;
        fill(k, s, n);
        CT_MPI(MPI_Startall(2, reqs));
        CT_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
        check_range(k, r, 0, n, 0, 0, size - 1, "persistent allreduce");
        if (rank == size - 1) {
            check_range(k, r0, 0, n, 0, 0, size - 1, "persistent reduce");
        }
    }
    CT_MPI(MPI_Request_free(&reqs[0]));
    CT_MPI(MPI_Request_free(&reqs[1]));
    free(s);
    free(r);
    free(r0);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    size_t max_bytes = argc > 1 ? (size_t)mpt_parse_long(argv[1], "max bytes") : (1 << 20);
    if (size > 64) {
        fprintf(stderr, "at most 64 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    CT_MPI(MPI_Op_create(affine_fn, 0, &affine_op));
    CT_MPI(MPI_Op_create(usum_fn, 1, &usum_op));
    for (int k = 0; k < NKINDS; k++) {
        size_t sizes[8];
        int nsizes = ct_sizes(sizes, (size_t)ct_extent(kind_type(k)), max_bytes);
        for (int si = 0; si < nsizes; si++) {
            size_t n = sizes[si];
            for (int v = 0; v < 4; v++) {
                int nb = v & 1, in_place = v >> 1;
                for (int root = 0; root < size; root++) {
                    test_reduce(k, n, root, nb, in_place);
                }
                test_allreduce(k, n, nb, in_place);
                test_reduce_scatter(k, n / (size_t)size + 1, nb, in_place, 0);
                test_reduce_scatter(k, n / (size_t)size, nb, in_place, 1);
                test_scan(k, n, nb, in_place, 0);
                test_scan(k, n, nb, in_place, 1);
            }
        }
    }
    test_persistent();
    test_reduce_big_elements();
    test_allreduce_edges(max_bytes);
    /* 2730 12-byte elements fill a slot; 8 slots: 21840; beyond, rounds of that many. */
    size_t odd[] = {2731, 10000, 21839, 21840, 21841, 21846, 32761, 43680, 90000};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]) && odd[i] * 12 <= max_bytes; i++) {
        test_allreduce_blocks(3, odd[i]);
    }
    test_allreduce_blocks(5000, (size_t)size > 2 ? (size_t)size - 1 : 2);
    test_allreduce_blocks(10000, 3);
    test_allreduce_bitwise(1);
    test_allreduce_bitwise(1000);
    test_allreduce_bitwise(100000);
    CT_MPI(MPI_Op_free(&affine_op));
    CT_MPI(MPI_Op_free(&usum_op));
    MPI_Finalize();
    return mpt_finish(rank);
}
