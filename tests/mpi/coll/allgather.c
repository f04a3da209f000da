/*
 * MPI_Allgather, MPI_Allgatherv, MPI_Alltoall, MPI_Alltoallv, MPI_Alltoallw and their
 * nonblocking forms, in place and not, over several datatypes and sizes. The v- and w-forms
 * use counts that vary per rank pair (some zero) and blocks laid out in reverse order with
 * gaps; every rank checks every element it receives.
 */
#include "colltest.h"

static int rank, size, seq;

static void finish(int nb, MPI_Request *req)
{
    if (nb) {
        CT_MPI(MPI_Wait(req, MPI_STATUS_IGNORE));
    }
}

static void test_allgather(ct_type_t t, size_t n, int nb, int in_place)
{
    MPI_Request req;
    size_t total = n * (size_t)size;
    void *sbuf = ct_alloc(t.type, n), *rbuf = ct_alloc(t.type, total);
    char what[128];
    snprintf(what, sizeof(what), "%sallgather %s n=%zu%s", nb ? "I" : "", t.name, n,
             in_place ? " in place" : "");
    seq++;
    ct_fill(sbuf, t.type, 0, n, rank, seq);
    const void *s = sbuf;
    if (in_place) {
        ct_fill(rbuf, t.type, n * (size_t)rank, n, rank, seq);
        s = MPI_IN_PLACE;
    }
    if (nb) {
        CT_MPI(MPI_Iallgather(s, (int)n, t.type, rbuf, (int)n, t.type, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Allgather(s, (int)n, t.type, rbuf, (int)n, t.type, MPI_COMM_WORLD));
    }
    finish(nb, &req);
    for (int i = 0; i < size; i++) {
        ct_check(rbuf, t.type, n * (size_t)i, n, i, seq, what);
    }
    free(sbuf);
    free(rbuf);
}

static void test_allgatherv(ct_type_t t, size_t n, int nb, int in_place)
{
    MPI_Request req;
    int counts[64], displs[64], at = 0;
    for (int i = size - 1; i >= 0; i--) {
        counts[i] = (int)(n * (size_t)((i + 1) % 3) / 2);
        displs[i] = at;
        at += counts[i] + 1;
    }
    int mine = counts[rank];
    void *sbuf = ct_alloc(t.type, (size_t)mine), *rbuf = ct_alloc(t.type, (size_t)at);
    char what[128];
    snprintf(what, sizeof(what), "%sallgatherv %s n=%zu%s", nb ? "I" : "", t.name, n,
             in_place ? " in place" : "");
    seq++;
    ct_fill(sbuf, t.type, 0, (size_t)mine, rank, seq);
    const void *s = sbuf;
    if (in_place) {
        ct_fill(rbuf, t.type, (size_t)displs[rank], (size_t)mine, rank, seq);
        s = MPI_IN_PLACE;
    }
    if (nb) {
        CT_MPI(
            MPI_Iallgatherv(s, mine, t.type, rbuf, counts, displs, t.type, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Allgatherv(s, mine, t.type, rbuf, counts, displs, t.type, MPI_COMM_WORLD));
    }
    finish(nb, &req);
    for (int i = 0; i < size; i++) {
        ct_check(rbuf, t.type, (size_t)displs[i], (size_t)counts[i], i, seq, what);
    }
    free(sbuf);
    free(rbuf);
}

/* Rank from's data for rank to in the alltoall tests: the values of from, shifted by to. */
static void fill_for(void *buf, MPI_Datatype t, size_t first, size_t n, int from, int to)
{
    ct_fill(buf, t, first, n, from * 64 + to, seq);
}

static bool check_from(const void *buf, MPI_Datatype t, size_t first, size_t n, int from,
                       const char *what)
{
    return ct_check(buf, t, first, n, from * 64 + rank, seq, what);
}

static void test_alltoall(ct_type_t t, size_t n, int nb, int in_place)
{
    MPI_Request req;
    size_t total = n * (size_t)size;
    void *sbuf = ct_alloc(t.type, total), *rbuf = ct_alloc(t.type, total);
    char what[128];
    snprintf(what, sizeof(what), "%salltoall %s n=%zu%s", nb ? "I" : "", t.name, n,
             in_place ? " in place" : "");
    seq++;
    for (int i = 0; i < size; i++) {
        fill_for(in_place ? rbuf : sbuf, t.type, n * (size_t)i, n, rank, i);
    }
    const void *s = in_place ? MPI_IN_PLACE : sbuf;
    if (nb) {
        CT_MPI(MPI_Ialltoall(s, (int)n, t.type, rbuf, (int)n, t.type, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Alltoall(s, (int)n, t.type, rbuf, (int)n, t.type, MPI_COMM_WORLD));
    }
    finish(nb, &req);
    for (int i = 0; i < size; i++) {
        check_from(rbuf, t.type, n * (size_t)i, n, i, what);
    }
    free(sbuf);
    free(rbuf);
}

/* Alltoallv (w false) or alltoallw (w true): rank i sends rank j a block of count(i, j). */
static int pair_count(int from, int to, size_t n)
{
    return (int)(n * (size_t)((from + 2 * to) % 3) / 2);
}

static int sym_count(int a, int b, size_t n)
{
    return (int)(n * (size_t)((a + b) % 3) / 2);
}

static void test_alltoallv(ct_type_t t, size_t n, int nb, int in_place, int w)
{
    MPI_Request req;
    int sc[64], sd[64], rc[64], rd[64], sdb[64], rdb[64];
    MPI_Datatype types[64];
    int sat = 0, rat = 0;
    MPI_Aint ext = ct_extent(t.type);
    for (int i = size - 1; i >= 0; i--) {
        /* In place, what rank sends i is what it receives from i: symmetric counts. */
        sc[i] = in_place ? sym_count(rank, i, n) : pair_count(rank, i, n);
        rc[i] = in_place ? sym_count(i, rank, n) : pair_count(i, rank, n);
        sd[i] = sat;
        rd[i] = rat;
        sdb[i] = (int)(sat * ext);
        rdb[i] = (int)(rat * ext);
        types[i] = t.type;
        sat += sc[i] + 1;
        rat += rc[i] + 1;
    }
    void *sbuf = ct_alloc(t.type, (size_t)sat), *rbuf = ct_alloc(t.type, (size_t)rat);
    char what[128];
    snprintf(what, sizeof(what), "%salltoall%s %s n=%zu%s", nb ? "I" : "", w ? "w" : "v", t.name, n,
             in_place ? " in place" : "");
    seq++;
    for (int i = 0; i < size; i++) {
        if (in_place) {
            fill_for(rbuf, t.type, (size_t)rd[i], (size_t)rc[i], rank, i);
        } else {
            fill_for(sbuf, t.type, (size_t)sd[i], (size_t)sc[i], rank, i);
        }
    }
    const void *s = in_place ? MPI_IN_PLACE : sbuf;
    if (w && nb) {
        CT_MPI(MPI_Ialltoallw(s, sc, sdb, types, rbuf, rc, rdb, types, MPI_COMM_WORLD, &req));
    } else if (w) {
        CT_MPI(MPI_Alltoallw(s, sc, sdb, types, rbuf, rc, rdb, types, MPI_COMM_WORLD));
    } else if (nb) {
        CT_MPI(MPI_Ialltoallv(s, sc, sd, t.type, rbuf, rc, rd, t.type, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Alltoallv(s, sc, sd, t.type, rbuf, rc, rd, t.type, MPI_COMM_WORLD));
    }
    finish(nb, &req);
    for (int i = 0; i < size; i++) {
        check_from(rbuf, t.type, (size_t)rd[i], (size_t)rc[i], i, what);
    }
    free(sbuf);
    free(rbuf);
}

/* Blocks at the switch points of libmp's shared-memory allgather (coll/shm_allgather.c) that the
 * sizes above miss: two slots' worth (64 KiB) and a byte more, pieces ahead of the copies (4),
 * more pieces than a rank's slots (8); bytes (MPI_CHAR, odd sizes) and the derived type (packed
 * into the slots), in place and not, blocking and not (the schedules), while the whole receive
 * buffer stays within max_bytes. */
static void test_allgather_edges(size_t max_bytes)
{
    size_t blocks[] = {65536, 65537, 4 * 32768 + 3, 8 * 32768 + 1, 300000};
    for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        if (blocks[b] * (size_t)size > max_bytes) {
            break;
        }
        for (int variant = 0; variant < 4; variant++) {
            int nb = variant & 1, in_place = variant >> 1;
            test_allgather(ct_type(2), blocks[b], nb, in_place);
            test_allgather(ct_type(4), blocks[b] / sizeof(ct_vec_t), nb, in_place);
        }
    }
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
    for (int ti = 0; ti < CT_NTYPES; ti++) {
        ct_type_t t = ct_type(ti);
        size_t sizes[8];
        int nsizes = ct_sizes(sizes, (size_t)ct_extent(t.type) * (size_t)size, max_bytes);
        for (int si = 0; si < nsizes; si++) {
            for (int variant = 0; variant < 4; variant++) {
                int nb = variant & 1, in_place = variant >> 1;
                test_allgather(t, sizes[si], nb, in_place);
                test_allgatherv(t, sizes[si], nb, in_place);
                test_alltoall(t, sizes[si], nb, in_place);
                test_alltoallv(t, sizes[si], nb, in_place, 0);
                test_alltoallv(t, sizes[si], nb, in_place, 1);
            }
        }
    }
    test_allgather_edges(max_bytes);
    MPI_Finalize();
    return mpt_finish(rank);
}
