/*
 * Distributed graph topologies: MPI_Dist_graph_create_adjacent with weights, without
 * (MPI_UNWEIGHTED) and with no edges (MPI_WEIGHTS_EMPTY); MPI_Dist_graph_create where one
 * process names every edge, where each names its out-edges, and where each names its
 * in-edges; the queries against the edges given, a duplicate keeping them, and the errors.
 */
#include "topotest.h"

#define MAXE 64

/* An edge seen from one end: the other end and the weight. */
typedef struct end {
    int rank, weight;
} end_t;

static int end_cmp(const void *a, const void *b)
{
    const end_t *x = a, *y = b;
    return x->rank != y->rank ? x->rank - y->rank : x->weight - y->weight;
}

/* The test graph: r -> r+1, r -> 2r+1 (mod n) and, on rank 1, a self-loop; weight 100 s + d. */
static int graph_out(int r, int n, int *dst)
{
    int k = 0;
    dst[k++] = (r + 1) % n;
    dst[k++] = (2 * r + 1) % n;
    if (r == 1 % n) {
        dst[k++] = r;
    }
    return k;
}

static int weight_of(int s, int d)
{
    return 100 * s + d;
}

/* The edges of the test graph at rank me: its out-ends and in-ends, sorted. */
static void graph_ends(int me, int n, end_t *out, int *nout, end_t *in, int *nin)
{
    int d[4];
    *nout = *nin = 0;
    for (int s = 0; s < n; s++) {
        int k = graph_out(s, n, d);
        for (int i = 0; i < k; i++) {
            if (s == me) {
                out[(*nout)++] = (end_t){d[i], weight_of(s, d[i])};
            }
            if (d[i] == me) {
                in[(*nin)++] = (end_t){s, weight_of(s, d[i])};
            }
        }
    }
    qsort(out, (size_t)*nout, sizeof(end_t), end_cmp);
    qsort(in, (size_t)*nin, sizeof(end_t), end_cmp);
}

/* Checks that comm's topology has exactly these ends (as sets, in any order), with weights
 * when weighted. */
static void check_ends(MPI_Comm comm, const end_t *out, int nout, const end_t *in, int nin,
                       int weighted, const char *what)
{
    int indeg = -1, outdeg = -1, w = -1, status = -1;
    int src[MAXE], sw[MAXE], dst[MAXE], dw[MAXE];

    P2P_MPI(MPI_Topo_test(comm, &status));
    MPT_CHECK(status == MPI_DIST_GRAPH, "%s: Topo_test = %d", what, status);
    P2P_MPI(MPI_Dist_graph_neighbors_count(comm, &indeg, &outdeg, &w));
    MPT_CHECK(indeg == nin && outdeg == nout && !w == !weighted,
              "%s: neighbors_count %d in %d out weighted %d, expected %d %d %d", what, indeg,
              outdeg, w, nin, nout, weighted);
    if (indeg != nin || outdeg != nout || nin + nout == 0) {
        return; /* (MPICH 4.0 crashes on a query for no edges) */
    }
    P2P_MPI(MPI_Dist_graph_neighbors(comm, MAXE, src, weighted ? sw : MPI_UNWEIGHTED, MAXE, dst,
                                     weighted ? dw : MPI_UNWEIGHTED));
    end_t got_in[MAXE], got_out[MAXE];
    for (int i = 0; i < nin; i++) {
        got_in[i] = (end_t){src[i], weighted ? sw[i] : in[0].weight};
    }
    for (int i = 0; i < nout; i++) {
        got_out[i] = (end_t){dst[i], weighted ? dw[i] : out[0].weight};
    }
    qsort(got_in, (size_t)nin, sizeof(end_t), end_cmp);
    qsort(got_out, (size_t)nout, sizeof(end_t), end_cmp);
    for (int i = 0; i < nin; i++) {
        MPT_CHECK(got_in[i].rank == in[i].rank && (!weighted || got_in[i].weight == in[i].weight),
                  "%s: in-edge %d from %d weight %d, expected from %d weight %d", what, i,
                  got_in[i].rank, got_in[i].weight, in[i].rank, in[i].weight);
    }
    for (int i = 0; i < nout; i++) {
        MPT_CHECK(got_out[i].rank == out[i].rank &&
                      (!weighted || got_out[i].weight == out[i].weight),
                  "%s: out-edge %d to %d weight %d, expected to %d weight %d", what, i,
                  got_out[i].rank, got_out[i].weight, out[i].rank, out[i].weight);
    }
}

/* The adjacent form: the lists come back in the order given. */
static void check_adjacent(int rank, int size)
{
    int srcs[2] = {(rank + size - 1) % size, (rank + 2) % size};
    int sw[2] = {weight_of(srcs[0], rank), weight_of(srcs[1], rank)};
    int dsts[2] = {(rank + 1) % size, (rank + size - 2) % size};
    int dw[2] = {weight_of(rank, dsts[0]), weight_of(rank, dsts[1])};
    MPI_Comm g, dup;

    P2P_MPI(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 2, srcs, sw, 2, dsts, dw, MPI_INFO_NULL,
                                           0, &g));
    MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
    int s[2], w[2], d[2], x[2], in = -1, out = -1, weighted = -1;
    P2P_MPI(MPI_Dist_graph_neighbors_count(g, &in, &out, &weighted));
    MPT_CHECK(in == 2 && out == 2 && weighted, "adjacent: count %d %d %d", in, out, weighted);
    P2P_MPI(MPI_Dist_graph_neighbors(g, 2, s, w, 2, d, x));
    for (int i = 0; i < 2; i++) {
        MPT_CHECK(s[i] == srcs[i] && w[i] == sw[i] && d[i] == dsts[i] && x[i] == dw[i],
                  "adjacent: neighbour %d: %d/%d %d/%d, expected %d/%d %d/%d", i, s[i], w[i], d[i],
                  x[i], srcs[i], sw[i], dsts[i], dw[i]);
    }
    P2P_MPI(MPI_Comm_dup(g, &dup));
    P2P_MPI(MPI_Dist_graph_neighbors(dup, 2, s, w, 2, d, x));
    MPT_CHECK(s[1] == srcs[1] && x[0] == dw[0], "adjacent: the duplicate lost the edges");
    int n, nb[2];
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Graph_neighbors_count(g, 0, &n));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cart_shift(g, 0, 1, &n, nb));
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_free(&g));

    /* Unweighted. */
    P2P_MPI(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 2, srcs, MPI_UNWEIGHTED, 2, dsts,
                                           MPI_UNWEIGHTED, MPI_INFO_NULL, 1, &g));
    P2P_MPI(MPI_Dist_graph_neighbors_count(g, &in, &out, &weighted));
    MPT_CHECK(in == 2 && out == 2 && !weighted, "unweighted: count %d %d %d", in, out, weighted);
    P2P_MPI(MPI_Dist_graph_neighbors(g, 2, s, MPI_UNWEIGHTED, 2, d, MPI_UNWEIGHTED));
    MPT_CHECK(s[0] == srcs[0] && d[1] == dsts[1], "unweighted: neighbours");
    P2P_MPI(MPI_Comm_free(&g));

    /* No edges, weighted (MPI_WEIGHTS_EMPTY). */
    P2P_MPI(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 0, NULL, MPI_WEIGHTS_EMPTY, 0, NULL,
                                           MPI_WEIGHTS_EMPTY, MPI_INFO_NULL, 0, &g));
    P2P_MPI(MPI_Dist_graph_neighbors_count(g, &in, &out, &weighted));
    MPT_CHECK(in == 0 && out == 0 && weighted, "no edges: count %d %d %d", in, out, weighted);
    P2P_MPI(MPI_Comm_free(&g));
}

/* The general form, three ways to name the same graph. */
static void check_general(int rank, int size)
{
    end_t out[MAXE], in[MAXE];
    int nout, nin, d[4];
    MPI_Comm g;

    graph_ends(rank, size, out, &nout, in, &nin);

    /* Rank 0 names every edge: a source per edge, degree 1. */
    int srcs[MAXE], degs[MAXE], dsts[MAXE], ws[MAXE], n = 0;
    if (rank == 0) {
        for (int s = 0; s < size; s++) {
            int k = graph_out(s, size, d);
            for (int i = 0; i < k; i++) {
                srcs[n] = s;
                degs[n] = 1;
                dsts[n] = d[i];
                ws[n] = weight_of(s, d[i]);
                n++;
            }
        }
    }
    P2P_MPI(MPI_Dist_graph_create(MPI_COMM_WORLD, n, srcs, degs, dsts, ws, MPI_INFO_NULL, 0, &g));
    MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
    check_ends(g, out, nout, in, nin, 1, "all edges from rank 0");
    P2P_MPI(MPI_Comm_free(&g));

    /* Each process names its out-edges. */
    int k = graph_out(rank, size, d);
    for (int i = 0; i < k; i++) {
        ws[i] = weight_of(rank, d[i]);
    }
    P2P_MPI(MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &rank, &k, d, ws, MPI_INFO_NULL, 1, &g));
    check_ends(g, out, nout, in, nin, 1, "out-edges from their sources");
    P2P_MPI(MPI_Comm_free(&g));

    /* Each process names its in-edges, unweighted. */
    for (int i = 0; i < nin; i++) {
        srcs[i] = in[i].rank;
        degs[i] = 1;
        dsts[i] = rank;
    }
    P2P_MPI(MPI_Dist_graph_create(MPI_COMM_WORLD, nin, srcs, degs, dsts, MPI_UNWEIGHTED,
                                  MPI_INFO_NULL, 0, &g));
    check_ends(g, out, nout, in, nin, 0, "in-edges from their destinations");
    P2P_MPI(MPI_Comm_free(&g));

    /* Nobody names an edge. */
    P2P_MPI(MPI_Dist_graph_create(MPI_COMM_WORLD, 0, NULL, NULL, NULL, MPI_WEIGHTS_EMPTY,
                                  MPI_INFO_NULL, 0, &g));
    check_ends(g, out, 0, in, 0, 1, "no edges");
    P2P_MPI(MPI_Comm_free(&g));
}

static void check_errors(int size)
{
    MPI_Comm w = MPI_COMM_WORLD, g = MPI_COMM_NULL;
    int one[1] = {0}, bad[1] = {size}, neg[1] = {-1}, wt[1] = {1};

    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Dist_graph_create_adjacent(w, 1, bad, wt, 0, NULL, wt,
                                                                 MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Dist_graph_create_adjacent(w, 0, NULL, wt, 1, neg, wt,
                                                                 MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(w, -1, one, wt, 0, NULL, wt,
                                                                MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(w, 1, one, neg, 0, NULL, wt,
                                                                MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(w, 1, one, MPI_WEIGHTS_EMPTY, 0,
                                                                NULL, wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(w, 1, one, MPI_UNWEIGHTED, 1, one,
                                                                wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(w, 1, one, wt, 1, one, wt,
                                                                MPI_INFO_NULL, 0, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_RANK,
                    MPI_Dist_graph_create(w, 1, bad, (int[]){1}, one, wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_RANK,
                    MPI_Dist_graph_create(w, 1, one, (int[]){1}, bad, wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG,
                    MPI_Dist_graph_create(w, 1, one, neg, one, wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG,
                    MPI_Dist_graph_create(w, -1, one, one, one, wt, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG,
                    MPI_Dist_graph_create(w, 1, one, (int[]){1}, one, neg, MPI_INFO_NULL, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_INFO,
                    MPI_Dist_graph_create_adjacent(w, 0, NULL, MPI_UNWEIGHTED, 0, NULL,
                                                   MPI_UNWEIGHTED, (MPI_Info)(intptr_t)3, 0, &g));
    MPT_CHECK(g == MPI_COMM_NULL, "a failed Dist_graph_create set the new communicator");
    /* A real info object is accepted (its hints are not used). */
    MPI_Info info;
    P2P_MPI(MPI_Info_create(&info));
    P2P_MPI(MPI_Info_set(info, "reorder", "false"));
    P2P_MPI(MPI_Dist_graph_create_adjacent(w, 0, NULL, MPI_UNWEIGHTED, 0, NULL, MPI_UNWEIGHTED,
                                           info, 0, &g));
    P2P_MPI(MPI_Info_free(&info));
    P2P_MPI(MPI_Comm_free(&g));
}

int main(int argc, char **argv)
{
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN); /* errors without a communicator */
    check_adjacent(rank, size);
    check_general(rank, size);
    check_errors(size);
    MPI_Finalize();
    return mpt_finish(rank);
}
