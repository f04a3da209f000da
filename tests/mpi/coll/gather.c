/*
 * MPI_Gather, MPI_Gatherv, MPI_Scatter, MPI_Scatterv and their nonblocking forms from every
 * root, in place at the root and not, over several datatypes and sizes. The v-forms give rank
 * i a count that depends on i (some zero) and lay the blocks out in reverse order with gaps;
 * every rank checks every element, and the gaps must stay untouched.
 */
#include "colltest.h"

static int rank, size, seq;

/* Rank i's count in the v-forms, for a base count n: varies with i, zero for some. */
static int vcount(int i, size_t n)
{
    return (int)((n * (size_t)(i % 3)) / 2);
}

/* Block displacements of the v-forms: reverse rank order, one element of gap between blocks. */
static int vdispls(int *displs, const int *counts)
{
    int at = 0;
    for (int i = size - 1; i >= 0; i--) {
        displs[i] = at;
        at += counts[i] + 1;
    }
    return at;
}

static void wait_or_not(int nb, MPI_Request *req)
{
    if (nb) {
        CT_MPI(MPI_Wait(req, MPI_STATUS_IGNORE));
    }
}

static void test_gather(ct_type_t t, size_t n, int root, int nb, int in_place)
{
    MPI_Request req;
    size_t total = n * (size_t)size;
    void *sbuf = ct_alloc(t.type, n), *rbuf = ct_alloc(t.type, total);
    char what[128];
    snprintf(what, sizeof(what), "%sgather %s n=%zu root=%d%s", nb ? "I" : "", t.name, n, root,
             in_place ? " in place" : "");
    seq++;
    ct_fill(sbuf, t.type, 0, n, rank, seq);
    const void *s = sbuf;
    if (in_place && rank == root) {
        ct_fill(rbuf, t.type, n * (size_t)root, n, rank, seq);
        s = MPI_IN_PLACE;
    }
    if (nb) {
        CT_MPI(MPI_Igather(s, (int)n, t.type, rbuf, (int)n, t.type, root, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Gather(s, (int)n, t.type, rbuf, (int)n, t.type, root, MPI_COMM_WORLD));
    }
    wait_or_not(nb, &req);
    for (int i = 0; rank == root && i < size; i++) {
        ct_check(rbuf, t.type, n * (size_t)i, n, i, seq, what);
    }
    /* Scatter back what was gathered, the other way round. */
    seq++;
    if (rank == root) {
        for (int i = 0; i < size; i++) {
            ct_fill(rbuf, t.type, n * (size_t)i, n, i, seq);
        }
    }
    void *r = sbuf;
    if (in_place && rank == root) {
        r = MPI_IN_PLACE;
    }
    memset(sbuf, 0xa5, (size_t)ct_extent(t.type) * (n > 0 ? n : 1));
    if (nb) {
        CT_MPI(MPI_Iscatter(rbuf, (int)n, t.type, r, (int)n, t.type, root, MPI_COMM_WORLD, &req));
    } else {
        CT_MPI(MPI_Scatter(rbuf, (int)n, t.type, r, (int)n, t.type, root, MPI_COMM_WORLD));
    }
    wait_or_not(nb, &req);
    snprintf(what, sizeof(what), "%sscatter %s n=%zu root=%d%s", nb ? "I" : "", t.name, n, root,
             in_place ? " in place" : "");
    if (r != MPI_IN_PLACE) {
        ct_check(sbuf, t.type, 0, n, rank, seq, what);
    } else {
        ct_check(rbuf, t.type, n * (size_t)root, n, root, seq, what);
    }
    free(sbuf);
    free(rbuf);
}

static void test_gatherv(ct_type_t t, size_t n, int root, int nb, int in_place)
{
    MPI_Request req;
    int counts[64], displs[64];
    for (int i = 0; i < size; i++) {
        counts[i] = vcount(i, n);
    }
    int span = vdispls(displs, counts);
    int mine = counts[rank];
    void *sbuf = ct_alloc(t.type, (size_t)mine), *rbuf = ct_alloc(t.type, (size_t)span);
    char what[128];
    snprintf(what, sizeof(what), "%sgatherv %s n=%zu root=%d%s", nb ? "I" : "", t.name, n, root,
             in_place ? " in place" : "");
    seq++;
    ct_fill(sbuf, t.type, 0, (size_t)mine, rank, seq);
    const void *s = sbuf;
    if (in_place && rank == root) {
        ct_fill(rbuf, t.type, (size_t)displs[root], (size_t)mine, rank, seq);
        s = MPI_IN_PLACE;
    }
    if (nb) {
        CT_MPI(MPI_Igatherv(s, mine, t.type, rbuf, counts, displs, t.type, root, MPI_COMM_WORLD,
                            &req));
    } else {
        CT_MPI(MPI_Gatherv(s, mine, t.type, rbuf, counts, displs, t.type, root, MPI_COMM_WORLD));
    }
    wait_or_not(nb, &req);
    MPI_Aint ext = ct_extent(t.type);
    for (int i = 0; rank == root && i < size; i++) {
        ct_check(rbuf, t.type, (size_t)displs[i], (size_t)counts[i], i, seq, what);
        const unsigned char *gap = (const unsigned char *)rbuf + ext * (displs[i] + counts[i]);
        MPT_CHECK(displs[i] + counts[i] >= span || gap[0] == 0xa5, "%s: gap after block %d written",
                  what, i);
    }
    seq++;
    if (rank == root) {
        for (int i = 0; i < size; i++) {
            ct_fill(rbuf, t.type, (size_t)displs[i], (size_t)counts[i], i, seq);
        }
    }
    void *r = in_place && rank == root ? MPI_IN_PLACE : sbuf;
    memset(sbuf, 0xa5, (size_t)ext * (mine > 0 ? (size_t)mine : 1));
    if (nb) {
        CT_MPI(MPI_Iscatterv(rbuf, counts, displs, t.type, r, mine, t.type, root, MPI_COMM_WORLD,
                             &req));
    } else {
        CT_MPI(MPI_Scatterv(rbuf, counts, displs, t.type, r, mine, t.type, root, MPI_COMM_WORLD));
    }
    wait_or_not(nb, &req);
    snprintf(what, sizeof(what), "%sscatterv %s n=%zu root=%d%s", nb ? "I" : "", t.name, n, root,
             in_place ? " in place" : "");
    if (r != MPI_IN_PLACE) {
        ct_check(sbuf, t.type, 0, (size_t)mine, rank, seq, what);
    }
    free(sbuf);
    free(rbuf);
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
            for (int root = 0; root < size; root++) {
                for (int variant = 0; variant < 4; variant++) {
                    test_gather(t, sizes[si], root, variant & 1, variant >> 1);
                    test_gatherv(t, sizes[si], root, variant & 1, variant >> 1);
                }
            }
        }
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
