/*
 * MPI_Dims_create against hand-computed answers (the standard's examples, every process count
 * 1..64 in 2 and 3 dimensions checked for balance, fixed entries), its errors, and the calls
 * that need no new communicator: MPI_Topo_test on the predefined communicators, MPI_Cart_map,
 * MPI_Graph_map, and the topology queries refused on a communicator without a topology.
 */
#include "topotest.h"

/* Runs MPI_Dims_create(nnodes, ndims, dims = init) and compares dims with want. */
static void dims_is(int nnodes, int ndims, const int *init, const int *want)
{
    int dims[8] = {0};

    if (init != NULL) {
        memcpy(dims, init, sizeof(int) * (size_t)ndims);
    }
    P2P_MPI(MPI_Dims_create(nnodes, ndims, dims));
    for (int i = 0; i < ndims; i++) {
        MPT_CHECK(dims[i] == want[i], "Dims_create(%d, %d): dims[%d] = %d, expected %d", nnodes,
                  ndims, i, dims[i], want[i]);
    }
}

static void check_examples(void)
{
    /* MPI 4.1, Example 8.1 */
    dims_is(6, 2, NULL, (int[]){3, 2});
    dims_is(7, 2, NULL, (int[]){7, 1});
    dims_is(6, 3, (int[]){0, 3, 0}, (int[]){2, 3, 1});
    /* Process counts of the test runs. */
    dims_is(1, 2, NULL, (int[]){1, 1});
    dims_is(2, 2, NULL, (int[]){2, 1});
    dims_is(3, 2, NULL, (int[]){3, 1});
    dims_is(4, 2, NULL, (int[]){2, 2});
    dims_is(5, 2, NULL, (int[]){5, 1});
    dims_is(6, 3, NULL, (int[]){3, 2, 1});
    dims_is(8, 3, NULL, (int[]){2, 2, 2});
    dims_is(8, 2, NULL, (int[]){4, 2});
    dims_is(12, 3, NULL, (int[]){3, 2, 2});
    dims_is(24, 2, NULL, (int[]){6, 4});
    dims_is(16, 4, NULL, (int[]){2, 2, 2, 2});
    dims_is(12, 2, (int[]){0, 6}, (int[]){2, 6});
    dims_is(12, 2, (int[]){3, 4}, (int[]){3, 4});
    dims_is(1, 0, NULL, (int[]){0});
}

/* For every n and 2 or 3 dimensions: the product is n, the order non-increasing, and no
 * factorisation of n into that many factors has a smaller spread. */
static void check_balance(void)
{
    for (int n = 1; n <= 64; n++) {
        for (int k = 2; k <= 3; k++) {
            int d[3] = {0, 0, 0};
            P2P_MPI(MPI_Dims_create(n, k, d));
            int prod = 1;
            for (int i = 0; i < k; i++) {
                prod *= d[i];
                MPT_CHECK(i == 0 || d[i] <= d[i - 1], "Dims_create(%d, %d) not non-increasing", n,
                          k);
            }
            MPT_CHECK(prod == n, "Dims_create(%d, %d): product %d", n, k, prod);
            int best = n;
            for (int a = 1; a <= n; a++) {
                for (int b = 1; b <= a; b++) {
                    if (k == 2 && a * b == n && a - b < best) {
                        best = a - b;
                    }
                    for (int c = 1; k == 3 && c <= b; c++) {
                        if (a * b * c == n && a - c < best) {
                            best = a - c;
                        }
                    }
                }
            }
            MPT_CHECK(d[0] - d[k - 1] == best, "Dims_create(%d, %d): spread %d, best is %d", n, k,
                      d[0] - d[k - 1], best);
        }
    }
}

static void check_dims_errors(void)
{
    int d[3] = {0, 3, 0};

    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Dims_create(7, 3, d));
    MPT_CHECK(d[0] == 0 && d[1] == 3 && d[2] == 0, "a failed Dims_create changed dims");
    int neg[2] = {-1, 0};
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Dims_create(4, 2, neg));
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Dims_create(4, -1, d));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dims_create(0, 2, d));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Dims_create(4, 2, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Dims_create(5, 0, NULL));
    int fixed[2] = {2, 3};
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Dims_create(4, 2, fixed));
}

/* Queries on a communicator without a topology, and the maps. */
static void check_plain_comm(int rank, int size)
{
    MPI_Comm w = MPI_COMM_WORLD;
    int status = -5, v = 0, dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2], src, dst;

    P2P_MPI(MPI_Topo_test(w, &status));
    MPT_CHECK(status == MPI_UNDEFINED, "Topo_test(MPI_COMM_WORLD) = %d", status);
    P2P_MPI(MPI_Topo_test(MPI_COMM_SELF, &status));
    MPT_CHECK(status == MPI_UNDEFINED, "Topo_test(MPI_COMM_SELF) = %d", status);
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Topo_test(w, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(w, &v));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cart_get(w, 2, dims, periods, coords));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Cart_shift(w, 0, 1, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Graphdims_get(w, &v, &src));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Dist_graph_neighbors_count(w, &v, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY,
                    MPI_Neighbor_allgather(&v, 1, MPI_INT, coords, 1, MPI_INT, w));

    /* Cart_map: the identity on the first ranks, MPI_UNDEFINED beyond the grid. */
    int d2[2] = {size, 1}, p2[2] = {1, 0};
    P2P_MPI(MPI_Cart_map(w, 2, d2, p2, &v));
    MPT_CHECK(v == rank, "Cart_map of the whole grid: %d, expected %d", v, rank);
    int d1[1] = {(size + 1) / 2};
    P2P_MPI(MPI_Cart_map(w, 1, d1, p2, &v));
    MPT_CHECK(v == (rank < d1[0] ? rank : MPI_UNDEFINED), "Cart_map of %d: %d", d1[0], v);
    int big[2] = {size, 2};
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_map(w, 2, big, p2, &v));
    int zero[2] = {size, 0};
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Cart_map(w, 2, zero, p2, &v));

    /* Graph_map: a ring over every rank. */
    int index[8], edges[8];
    for (int i = 0; i < size; i++) {
        index[i] = i + 1;
        edges[i] = (i + 1) % size;
    }
    P2P_MPI(MPI_Graph_map(w, size, index, edges, &v));
    MPT_CHECK(v == rank, "Graph_map: %d, expected %d", v, rank);
    P2P_MPI(MPI_Graph_map(w, 1, index, (int[]){0}, &v));
    MPT_CHECK(v == (rank == 0 ? 0 : MPI_UNDEFINED), "Graph_map of 1 node: %d", v);
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_map(w, size + 1, index, edges, &v));
    int bad_edges[1] = {5};
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Graph_map(w, 1, index, bad_edges, &v));
}

int main(int argc, char **argv)
{
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    check_examples();
    check_balance();
    check_dims_errors();
    if (size <= 8) {
        check_plain_comm(rank, size);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
