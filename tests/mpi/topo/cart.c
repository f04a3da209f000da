/*
 * Cartesian topologies on 1..8 processes: MPI_Cart_create with several shapes (periodic, not,
 * mixed; grids smaller than the communicator), every query (Cart_get, Cartdim_get, Cart_rank,
 * Cart_coords, Cart_shift at and past the edges) against row-major answers worked out here,
 * MPI_Cart_sub of 3-D grids, topologies kept by MPI_Comm_dup and MPI_Comm_idup, and the errors
 * of each call.
 */
#include "topotest.h"

/* Checks every query of comm, a grid of ndims dims (periods) that holds this process. */
static void check_queries(MPI_Comm comm, int ndims, const int *dims, const int *periods)
{
    int rank, size, nd = -1, status = -1;
    int gd[8], gp[8], gc[8], mycoords[8];

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int grid = 1;
    for (int d = 0; d < ndims; d++) {
        grid *= dims[d];
    }
    MPT_CHECK(size == grid, "the Cartesian communicator has %d processes, the grid %d", size, grid);
    P2P_MPI(MPI_Topo_test(comm, &status));
    MPT_CHECK(status == MPI_CART, "Topo_test = %d, expected MPI_CART", status);
    P2P_MPI(MPI_Cartdim_get(comm, &nd));
    MPT_CHECK(nd == ndims, "Cartdim_get = %d, expected %d", nd, ndims);
    P2P_MPI(MPI_Cart_get(comm, 8, gd, gp, gc));
    topo_ref_coords(ndims, dims, rank, mycoords);
    for (int d = 0; d < ndims; d++) {
        MPT_CHECK(gd[d] == dims[d] && !gp[d] == !periods[d] && gc[d] == mycoords[d],
                  "Cart_get dim %d: dims %d periods %d coords %d, expected %d %d %d", d, gd[d],
                  gp[d], gc[d], dims[d], periods[d], mycoords[d]);
    }
    for (int r = 0; r < size; r++) {
        int c[8], want[8], back = -1;
        P2P_MPI(MPI_Cart_coords(comm, r, ndims, c));
        topo_ref_coords(ndims, dims, r, want);
        for (int d = 0; d < ndims; d++) {
            MPT_CHECK(c[d] == want[d], "Cart_coords(%d)[%d] = %d, expected %d", r, d, c[d],
                      want[d]);
        }
        P2P_MPI(MPI_Cart_rank(comm, c, &back));
        MPT_CHECK(back == r, "Cart_rank(Cart_coords(%d)) = %d", r, back);
    }
    for (int d = 0; d < ndims; d++) {
        for (int disp = -3; disp <= 3; disp++) {
            int src = -7, dst = -7;
            P2P_MPI(MPI_Cart_shift(comm, d, disp, &src, &dst));
            int wsrc = topo_ref_shift(ndims, dims, periods, rank, d, -disp);
            int wdst = topo_ref_shift(ndims, dims, periods, rank, d, disp);
            MPT_CHECK(src == wsrc && dst == wdst,
                      "Cart_shift(dim %d, disp %d) of rank %d: source %d dest %d, expected %d %d",
                      d, disp, rank, src, dst, wsrc, wdst);
        }
        /* Coordinates past a periodic edge wrap; past another one they are an error. */
        int c[8];
        memcpy(c, mycoords, sizeof(int) * (size_t)ndims);
        c[d] = dims[d] + mycoords[d];
        int r = -1;
        if (periods[d]) {
            P2P_MPI(MPI_Cart_rank(comm, c, &r));
            MPT_CHECK(r == rank, "Cart_rank with a wrapped coordinate: %d, expected %d", r, rank);
            c[d] = mycoords[d] - 2 * dims[d];
            P2P_MPI(MPI_Cart_rank(comm, c, &r));
            MPT_CHECK(r == rank, "Cart_rank with a negative wrapped coordinate: %d", r);
        } else {
            TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_rank(comm, c, &r));
            c[d] = -1;
            TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_rank(comm, c, &r));
        }
    }
    /* Errors of the queries. */
    int src, dst, c[8];
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_shift(comm, ndims, 1, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_shift(comm, -1, 1, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Cart_coords(comm, size, 8, c));
    TOPO_EXPECT_ERR(MPI_ERR_RANK, MPI_Cart_coords(comm, -1, 8, c));
    if (ndims > 0) {
        TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_coords(comm, 0, ndims - 1, c));
        TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_get(comm, ndims - 1, gd, gp, gc));
    }
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Graphdims_get(comm, &src, &dst));
    TOPO_EXPECT_ERR(MPI_ERR_TOPOLOGY, MPI_Dist_graph_neighbors_count(comm, &src, &dst, c));
}

/* Creates a grid on MPI_COMM_WORLD; checks who is in it, its queries, and that a duplicate
 * keeps it. */
static void check_grid(int ndims, const int *dims, const int *periods)
{
    int wrank, wsize;
    MPI_Comm cart = MPI_COMM_WORLD;

    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    int grid = 1;
    for (int d = 0; d < ndims; d++) {
        grid *= dims[d];
    }
    P2P_MPI(MPI_Cart_create(MPI_COMM_WORLD, ndims, dims, periods, 0, &cart));
    if (wrank >= grid) {
        MPT_CHECK(cart == MPI_COMM_NULL, "rank %d outside a grid of %d got a communicator", wrank,
                  grid);
        return;
    }
    MPT_CHECK(cart != MPI_COMM_NULL, "rank %d inside a grid of %d got MPI_COMM_NULL", wrank, grid);
    if (cart == MPI_COMM_NULL) {
        return;
    }
    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    int r = -1;
    MPI_Comm_rank(cart, &r);
    MPT_CHECK(r == wrank, "rank %d in the grid, %d in MPI_COMM_WORLD (no reordering)", r, wrank);
    check_queries(cart, ndims, dims, periods);
    MPI_Comm dup = MPI_COMM_NULL;
    P2P_MPI(MPI_Comm_dup(cart, &dup));
    MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
    check_queries(dup, ndims, dims, periods);
    P2P_MPI(MPI_Comm_free(&dup));
    MPI_Request req;
    P2P_MPI(MPI_Comm_idup(cart, &dup, &req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
    check_queries(dup, ndims, dims, periods);
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_free(&cart));
}

/* MPI_Cart_sub of a 3-D grid of every process, for each choice of kept dimensions. */
static void check_sub(int size)
{
    int dims[3] = {0, 0, 0}, periods[3] = {1, 0, 1}, rank;
    MPI_Comm cart, sub;

    P2P_MPI(MPI_Dims_create(size, 3, dims));
    P2P_MPI(MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 1, &cart));
    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    MPI_Comm_rank(cart, &rank);
    int c[3];
    topo_ref_coords(3, dims, rank, c);
    for (int mask = 0; mask < 8; mask++) {
        int remain[3] = {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1};
        int sdims[3], speriods[3], scoords[3], n = 0;
        for (int d = 0; d < 3; d++) {
            if (remain[d]) {
                sdims[n] = dims[d];
                speriods[n] = periods[d];
                scoords[n] = c[d];
                n++;
            }
        }
        P2P_MPI(MPI_Cart_sub(cart, remain, &sub));
        MPT_CHECK(sub != MPI_COMM_NULL, "Cart_sub(%d%d%d) gave MPI_COMM_NULL", remain[0], remain[1],
                  remain[2]);
        if (sub == MPI_COMM_NULL) {
            continue;
        }
        MPI_Comm_set_errhandler(sub, MPI_ERRORS_RETURN);
        int srank = -1, nd = -1, want = n > 0 ? topo_ref_rank(n, sdims, speriods, scoords) : 0;
        MPI_Comm_rank(sub, &srank);
        MPT_CHECK(srank == want, "Cart_sub(%d%d%d): rank %d, expected %d", remain[0], remain[1],
                  remain[2], srank, want);
        P2P_MPI(MPI_Cartdim_get(sub, &nd));
        MPT_CHECK(nd == n, "Cart_sub(%d%d%d): %d dimensions, expected %d", remain[0], remain[1],
                  remain[2], nd, n);
        check_queries(sub, n, sdims, speriods);
        /* The sub-grid's members are the processes that share my dropped coordinates: a
         * message to each one's world rank proves it. */
        int ssize;
        MPI_Comm_size(sub, &ssize);
        for (int k = 0; k < ssize; k++) {
            int got = -1, mine = rank, to = (srank + k) % ssize, from = (srank - k + ssize) % ssize;
            P2P_MPI(MPI_Sendrecv(&mine, 1, MPI_INT, to, 5, &got, 1, MPI_INT, from, 5, sub,
                                 MPI_STATUS_IGNORE));
            int oc[3], sc[3], m = 0;
            topo_ref_coords(3, dims, got, oc);
            for (int d = 0; d < 3; d++) {
                MPT_CHECK(remain[d] || oc[d] == c[d],
                          "Cart_sub: world rank %d is in my sub-grid but differs in dropped "
                          "dimension %d",
                          got, d);
                if (remain[d]) {
                    sc[m++] = oc[d];
                }
            }
            MPT_CHECK(n == 0 || topo_ref_rank(n, sdims, speriods, sc) == from,
                      "Cart_sub: world rank %d is not rank %d of the sub-grid", got, from);
        }
        P2P_MPI(MPI_Comm_free(&sub));
    }
    P2P_MPI(MPI_Comm_free(&cart));
}

static void check_errors(int size)
{
    MPI_Comm w = MPI_COMM_WORLD, c = MPI_COMM_NULL;
    int dims[2] = {size, 2}, periods[2] = {0, 0};

    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_create(w, 2, dims, periods, 0, &c));
    dims[1] = -1;
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Cart_create(w, 2, dims, periods, 0, &c));
    dims[1] = 0;
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Cart_create(w, 2, dims, periods, 0, &c));
    TOPO_EXPECT_ERR(MPI_ERR_DIMS, MPI_Cart_create(w, -1, dims, periods, 0, &c));
    dims[1] = 1;
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_create(w, 2, NULL, periods, 0, &c));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_create(w, 2, dims, NULL, 0, &c));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Cart_create(w, 2, dims, periods, 0, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_COMM, MPI_Cart_create(MPI_COMM_NULL, 2, dims, periods, 0, &c));
    MPT_CHECK(c == MPI_COMM_NULL, "a failed Cart_create set comm_cart");
    /* A failed creation leaves MPI_COMM_NULL, not what the handle held before. */
    int index[1] = {0}, edges[1] = {0}, one = 1, minus = -1;
    struct {
        int rc;
        const char *what;
    } failed[5];
    dims[0] = size + 1;
    dims[1] = 1;
    c = MPI_COMM_SELF;
    failed[0].rc = MPI_Cart_create(w, 2, dims, periods, 0, &c);
    failed[0].what = "MPI_Cart_create with more nodes than processes";
    MPI_Comm kept[5];
    kept[0] = c;
    c = MPI_COMM_SELF;
    failed[1].rc = MPI_Graph_create(w, -1, index, edges, 0, &c);
    failed[1].what = "MPI_Graph_create of -1 nodes";
    kept[1] = c;
    c = MPI_COMM_SELF;
    failed[2].rc = MPI_Dist_graph_create_adjacent(w, -1, index, MPI_UNWEIGHTED, 0, edges,
                                                  MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &c);
    failed[2].what = "MPI_Dist_graph_create_adjacent with indegree -1";
    kept[2] = c;
    c = MPI_COMM_SELF;
    failed[3].rc =
        MPI_Dist_graph_create(w, 1, index, &minus, edges, MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &c);
    failed[3].what = "MPI_Dist_graph_create with a degree of -1";
    kept[3] = c;
    c = MPI_COMM_SELF;
    failed[4].rc = MPI_Cart_sub(w, &one, &c);
    failed[4].what = "MPI_Cart_sub of a communicator without a Cartesian topology";
    kept[4] = c;
    for (int i = 0; i < 5; i++) {
        MPT_CHECK(failed[i].rc != MPI_SUCCESS && kept[i] == MPI_COMM_NULL,
                  "%s: returned %d, left the handle %s", failed[i].what, failed[i].rc,
                  kept[i] == MPI_COMM_NULL ? "MPI_COMM_NULL" : "as it was");
    }
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

    /* A ring, both ways; 2-D and 3-D grids from Dims_create with every kind of edge. */
    check_grid(1, (int[]){size}, (int[]){1});
    check_grid(1, (int[]){size}, (int[]){0});
    int d2[2] = {0, 0}, d3[3] = {0, 0, 0};
    MPI_Dims_create(size, 2, d2);
    MPI_Dims_create(size, 3, d3);
    check_grid(2, d2, (int[]){0, 0});
    check_grid(2, d2, (int[]){1, 1});
    check_grid(2, d2, (int[]){1, 0});
    check_grid(3, d3, (int[]){0, 1, 1});
    /* A grid smaller than the communicator: the others get MPI_COMM_NULL. */
    check_grid(2, (int[]){(size + 1) / 2, 1}, (int[]){0, 1});
    /* Zero dimensions: one process. */
    check_grid(0, NULL, NULL);
    /* By hand: rank 4 of a 3 x 2 grid periodic in dimension 1 is (2, 0). */
    if (size >= 6) {
        MPI_Comm c;
        P2P_MPI(MPI_Cart_create(MPI_COMM_WORLD, 2, (int[]){3, 2}, (int[]){0, 1}, 0, &c));
        if (rank == 4) {
            int co[2], s, d;
            P2P_MPI(MPI_Cart_coords(c, 4, 2, co));
            MPT_CHECK(co[0] == 2 && co[1] == 0, "rank 4 of 3x2 at (%d,%d)", co[0], co[1]);
            P2P_MPI(MPI_Cart_shift(c, 0, 1, &s, &d));
            MPT_CHECK(s == 2 && d == MPI_PROC_NULL, "3x2 shift dim 0: %d %d", s, d);
            P2P_MPI(MPI_Cart_shift(c, 1, 1, &s, &d));
            MPT_CHECK(s == 5 && d == 5, "3x2 shift dim 1: %d %d", s, d);
        }
        if (c != MPI_COMM_NULL) {
            MPI_Comm_free(&c);
        }
    }
    check_sub(size);
    check_errors(size);
    MPI_Finalize();
    return mpt_finish(rank);
}
