/*
 * General graph topologies: the standard's example graph (MPI 4.1, 8.5.3: 4 nodes), a ring
 * with self-loops and a doubled edge over every process, an empty graph, and each query
 * (Graphdims_get, Graph_get, Graph_neighbors_count, Graph_neighbors) against the arrays given,
 * also after MPI_Comm_dup; and the errors of each call.
 */
#include "topotest.h"

/* Checks every query of comm, made from (nnodes, index, edges). */
static void check_queries(MPI_Comm comm, int nnodes, const int *index, const int *edges)
{
    int status = -1, nn = -1, ne = -1, gi[64], ge[64];
    int nedges = index[nnodes - 1];

    P2P_MPI(MPI_Topo_test(comm, &status));
    MPT_CHECK(status == MPI_GRAPH, "Topo_test = %d, expected MPI_GRAPH", status);
    P2P_MPI(MPI_Graphdims_get(comm, &nn, &ne));
    MPT_CHECK(nn == nnodes && ne == nedges, "Graphdims_get: %d nodes %d edges, expected %d %d", nn,
              ne, nnodes, nedges);
    memset(gi, 0x7f, sizeof(gi));
    memset(ge, 0x7f, sizeof(ge));
    P2P_MPI(MPI_Graph_get(comm, 64, 64, gi, ge));
    for (int i = 0; i < nnodes; i++) {
        MPT_CHECK(gi[i] == index[i], "Graph_get index[%d] = %d, expected %d", i, gi[i], index[i]);
    }
    for (int j = 0; j < nedges; j++) {
        MPT_CHECK(ge[j] == edges[j], "Graph_get edges[%d] = %d, expected %d", j, ge[j], edges[j]);
    }
    /* Arrays too short for the graph are refused (like MPICH). */
    if (nnodes > 1) {
        TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_get(comm, nnodes - 1, 64, gi, ge));
    }
    if (nedges > 0) {
        TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_get(comm, 64, nedges - 1, gi, ge));
    }
    for (int r = 0; r < nnodes; r++) {
        int n = -1, nb[64];
        int start = r == 0 ? 0 : index[r - 1];
        P2P_MPI(MPI_Graph_neighbors_count(comm, r, &n));
        MPT_CHECK(n == index[r] - start, "Graph_neighbors_count(%d) = %d, expected %d", r, n,
                  index[r] - start);
        P2P_MPI(MPI_Graph_neighbors(comm, r, 64, nb));
        for (int k = 0; k < index[r] - start; k++) {
            MPT_CHECK(nb[k] == edges[start + k], "Graph_neighbors(%d)[%d] = %d, expected %d", r, k,
                      nb[k], edges[start + k]);
        }
    }
    int n, nb[4], src, dst;
    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Graph_neighbors_count(comm, nnodes, &n));
    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Graph_neighbors(comm, -1, 4, nb));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cart_shift(comm, 0, 1, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(comm, &n));
}

/* Creates the graph on MPI_COMM_WORLD and checks it, and a duplicate of it. */
static void check_graph(int nnodes, const int *index, const int *edges)
{
    int wrank;
    MPI_Comm g = MPI_COMM_WORLD, dup;

    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    P2P_MPI(MPI_Graph_create(MPI_COMM_WORLD, nnodes, index, edges, 1, &g));
    if (wrank >= nnodes) {
        MPT_CHECK(g == MPI_COMM_NULL, "rank %d outside a graph of %d nodes got a communicator",
                  wrank, nnodes);
        return;
    }
    MPT_CHECK(g != MPI_COMM_NULL, "rank %d of a graph of %d nodes got MPI_COMM_NULL", wrank,
              nnodes);
    if (g == MPI_COMM_NULL) {
        return;
    }
    MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
    int size = -1, rank = -1;
    MPI_Comm_size(g, &size);
    MPI_Comm_rank(g, &rank);
    MPT_CHECK(size == nnodes && rank == wrank, "graph communicator: rank %d of %d", rank, size);
    check_queries(g, nnodes, index, edges);
    P2P_MPI(MPI_Comm_dup(g, &dup));
    MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
    check_queries(dup, nnodes, index, edges);
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_free(&g));
}

static void check_errors(int size)
{
    MPI_Comm w = MPI_COMM_WORLD, g = MPI_COMM_NULL;
    int index[2] = {1, 2}, edges[2] = {1, 0};

    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, size + 1, index, edges, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, -1, index, edges, 0, &g));
    int dec[2] = {2, 1};
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, 2 <= size ? 2 : 1, dec, edges, 0, &g));
    int far[2] = {7, 0};
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, 1, index, far, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, 1, NULL, edges, 0, &g));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_create(w, 1, (int[]){0}, NULL, 0, NULL));
    MPT_CHECK(g == MPI_COMM_NULL, "a failed Graph_create set comm_graph");
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

    /* MPI 4.1, 8.5.3: node 0 - 1, 3; node 1 - 0; node 2 - 3; node 3 - 0, 2. */
    if (size >= 4) {
        check_graph(4, (int[]){2, 3, 4, 6}, (int[]){1, 3, 0, 3, 0, 2});
    }
    /* A ring over every process; node 0 also has a self-loop, node 1 its edge to 2 twice. */
    int index[8], edges[32], e = 0;
    for (int r = 0; r < size; r++) {
        edges[e++] = (r + 1) % size;
        edges[e++] = (r + size - 1) % size;
        if (r == 0) {
            edges[e++] = 0;
        }
        if (r == 1) {
            edges[e++] = 2 % size;
        }
        index[r] = e;
    }
    check_graph(size, index, edges);
    /* A node without edges. */
    check_graph(1, (int[]){0}, (int[]){0});
    /* The empty graph: MPI_COMM_NULL everywhere. */
    MPI_Comm g = MPI_COMM_WORLD;
    P2P_MPI(MPI_Graph_create(MPI_COMM_WORLD, 0, NULL, NULL, 0, &g));
    MPT_CHECK(g == MPI_COMM_NULL, "the empty graph gave a communicator");
    check_errors(size);
    MPI_Finalize();
    return mpt_finish(rank);
}
