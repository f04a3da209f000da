/*
 * Nested derived types over the wire: a matrix transpose through the standard's column-of-
 * vector type (eager and rendezvous sizes, both directions), a 3-d halo exchange of subarray
 * faces in C and Fortran order on a periodic process grid, and darray pieces scattered from rank
 * 0. Every received value is checked against the value its global position must hold.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int errors;

static void fail(const char *what, long a, long b, double got, double want)
{
    if (errors++ < 10) {
        fprintf(stderr, "%s (%ld, %ld): got %g, want %g\n", what, a, b, got, want);
    }
}

static double mval(int rank, int i, int j)
{
    return rank * 1e6 + i * 1000.0 + j;
}

/* The standard's transpose of an nrows x ncols matrix of doubles: a column (a vector), repeated
 * a double apart (an hvector of it). Committed. */
static MPI_Datatype transpose_type(int nrows, int ncols)
{
    MPI_Datatype column, xpose;
    MPI_Type_vector(nrows, 1, ncols, MPI_DOUBLE, &column);
    MPI_Type_create_hvector(ncols, 1, sizeof(double), column, &xpose);
    MPI_Type_commit(&xpose);
    MPI_Type_free(&column);
    return xpose;
}

/* rank sends its nrows x ncols matrices (two of them) to the next rank as their transposes and
 * receives the previous rank's; then the same back, the receiver's type doing the transpose. */
static void transpose(int nrows, int ncols)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    MPI_Datatype xpose = transpose_type(nrows, ncols);
    size_t n = (size_t)nrows * ncols;
    double *a = malloc(2 * n * sizeof(double));
    double *b = malloc(2 * n * sizeof(double));
    for (int m = 0; m < 2; m++) {
        for (int i = 0; i < nrows; i++) {
            for (int j = 0; j < ncols; j++) {
                a[m * n + (size_t)i * ncols + j] = mval(rank, i, j) + m * 0.5;
            }
        }
    }
    /* Sent as the transpose: b holds ncols x nrows, b[j][i] = a[i][j] of prev. */
    MPI_Sendrecv(a, 2, xpose, next, 0, b, (int)(2 * n), MPI_DOUBLE, prev, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    for (int m = 0; m < 2; m++) {
        for (int j = 0; j < ncols; j++) {
            for (int i = 0; i < nrows; i++) {
                double want = mval(prev, i, j) + m * 0.5;
                double got = b[m * n + (size_t)j * nrows + i];
                if (got != want) {
                    fail("transpose sent", i, j, got, want);
                }
            }
        }
    }
    /* Received through the transpose type: the plain matrices land transposed. */
    for (size_t k = 0; k < 2 * n; k++) {
        b[k] = -1;
    }
    MPI_Sendrecv(a, (int)(2 * n), MPI_DOUBLE, next, 1, b, 2, xpose, prev, 1, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    /* The type puts the k-th value received at row k % nrows, column k / nrows. */
    for (int m = 0; m < 2; m++) {
        for (size_t k = 0; k < n; k++) {
            int si = (int)(k / ncols), sj = (int)(k % ncols); /* the sender's position */
            double want = mval(prev, si, sj) + m * 0.5;
            size_t ri = k % nrows, rj = k / nrows;
            double got = b[m * n + ri * ncols + rj];
            if (got != want) {
                fail("transpose received", (long)ri, (long)rj, got, want);
            }
        }
    }
    MPI_Type_free(&xpose);
    free(a);
    free(b);
}

/* One-sided: each rank puts its matrix into the next rank's window through the transpose as
 * the target type, then accumulates it once more (MPI_SUM): the target holds twice the
 * transpose. */
static void rma_transpose(int nrows, int ncols)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    MPI_Datatype xpose = transpose_type(nrows, ncols);
    int n = nrows * ncols;
    double *a = malloc((size_t)n * sizeof(double));
    double *w;
    MPI_Win win;
    MPI_Win_allocate((MPI_Aint)n * sizeof(double), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD,
                     &w, &win);
    for (int k = 0; k < n; k++) {
        a[k] = mval(rank, k / ncols, k % ncols);
        w[k] = -1;
    }
    MPI_Win_fence(0, win);
    MPI_Put(a, n, MPI_DOUBLE, next, 0, 1, xpose, win);
    MPI_Win_fence(0, win);
    MPI_Accumulate(a, n, MPI_DOUBLE, next, 0, 1, xpose, MPI_SUM, win);
    MPI_Win_fence(0, win);
    for (int i = 0; i < nrows; i++) {
        for (int j = 0; j < ncols; j++) {
            /* The k-th value sent lands at row k % nrows, column k / nrows. */
            int k = j * nrows + i;
            double want = 2 * mval(prev, k / ncols, k % ncols);
            double got = w[i * ncols + j];
            if (got != want) {
                fail("rma transpose", i, j, got, want);
            }
        }
    }
    MPI_Win_free(&win);
    MPI_Type_free(&xpose);
    free(a);
}

/* ---- 3-d halo ---- */

enum { NX = 5, NY = 4, NZ = 6 };

static double gval(const int g[3])
{
    return g[0] * 10000.0 + g[1] * 100.0 + g[2];
}

/* Linear index of local (i, j, k) in an array of ext[] (ghosts included), in order. */
static size_t lidx(int order, const int ext[3], int i, int j, int k)
{
    if (order == MPI_ORDER_C) {
        return ((size_t)i * ext[1] + j) * ext[2] + k;
    }
    return ((size_t)k * ext[1] + j) * ext[0] + i;
}

static void halo(int order)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int dims[3] = {0, 0, 0}, periods[3] = {1, 1, 1}, coords[3];
    MPI_Dims_create(size, 3, dims);
    MPI_Comm cart;
    MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 0, &cart);
    int crank;
    MPI_Comm_rank(cart, &crank);
    MPI_Cart_coords(cart, crank, 3, coords);
    const int n[3] = {NX, NY, NZ};
    const int ext[3] = {NX + 2, NY + 2, NZ + 2};
    size_t total = (size_t)ext[0] * ext[1] * ext[2];
    double *u = malloc(total * sizeof(double));
    for (size_t t = 0; t < total; t++) {
        u[t] = -1;
    }
    for (int i = 1; i <= NX; i++) {
        for (int j = 1; j <= NY; j++) {
            for (int k = 1; k <= NZ; k++) {
                int g[3] = {coords[0] * NX + i - 1, coords[1] * NY + j - 1, coords[2] * NZ + k - 1};
                u[lidx(order, ext, i, j, k)] = gval(g);
            }
        }
    }
    /* Subarray arguments are given in the array's own order: Fortran lists i first. */
    for (int d = 0; d < 3; d++) {
        int lo, hi;
        MPI_Cart_shift(cart, d, 1, &lo, &hi);
        int sub[3] = {NX, NY, NZ};
        sub[d] = 1;
        MPI_Datatype face[4]; /* send low, send high, recv low ghost, recv high ghost */
        int at[4] = {1, n[d], 0, n[d] + 1};
        for (int f = 0; f < 4; f++) {
            int starts[3] = {1, 1, 1};
            starts[d] = at[f];
            MPI_Type_create_subarray(3, ext, sub, starts, order, MPI_DOUBLE, &face[f]);
            MPI_Type_commit(&face[f]);
        }
        MPI_Sendrecv(u, 1, face[0], lo, d, u, 1, face[3], hi, d, cart, MPI_STATUS_IGNORE);
        MPI_Sendrecv(u, 1, face[1], hi, 10 + d, u, 1, face[2], lo, 10 + d, cart, MPI_STATUS_IGNORE);
        for (int f = 0; f < 4; f++) {
            MPI_Type_free(&face[f]);
        }
    }
    /* Each ghost face holds the neighbour's interior: the global value, wrapped. */
    int gn[3] = {dims[0] * NX, dims[1] * NY, dims[2] * NZ};
    for (int i = 0; i < ext[0]; i++) {
        for (int j = 0; j < ext[1]; j++) {
            for (int k = 0; k < ext[2]; k++) {
                int l[3] = {i, j, k};
                int ghosts = 0;
                for (int d = 0; d < 3; d++) {
                    ghosts += l[d] == 0 || l[d] == n[d] + 1;
                }
                if (ghosts > 1) {
                    continue; /* edges and corners are not exchanged */
                }
                int g[3];
                for (int d = 0; d < 3; d++) {
                    g[d] = ((coords[d] * n[d] + l[d] - 1) % gn[d] + gn[d]) % gn[d];
                }
                double want = gval(g);
                double got = u[lidx(order, ext, i, j, k)];
                if (got != want) {
                    fail(order == MPI_ORDER_C ? "halo C" : "halo Fortran",
                         (long)lidx(order, ext, i, j, k), crank, got, want);
                }
            }
        }
    }
    free(u);
    MPI_Comm_free(&cart);
}

/* ---- darray ---- */

/* Whether global index i of a dimension of n, distributed over p as dist (block or cyclic(k)),
 * belongs to process coordinate c. */
static int owns(int dist, int k, int n, int p, int c, int i)
{
    if (dist == MPI_DISTRIBUTE_BLOCK) {
        int b = (n + p - 1) / p;
        return i / b == c;
    }
    return (i / k) % p == c;
}

/* Rank 0 sends every rank its piece of a 3-d array (block x cyclic(2) x cyclic(1)) through a
 * darray type; each checks the values in the type's (C) order. */
static void darray(void)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int gsizes[3] = {7, 10, 9};
    int distribs[3] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC, MPI_DISTRIBUTE_CYCLIC};
    int dargs[3] = {MPI_DISTRIBUTE_DFLT_DARG, 2, 1};
    int psizes[3] = {0, 0, 0};
    MPI_Dims_create(size, 3, psizes);
    int total = gsizes[0] * gsizes[1] * gsizes[2];
    double *g = NULL;
    if (rank == 0) {
        g = malloc((size_t)total * sizeof(double));
        for (int t = 0; t < total; t++) {
            g[t] = t * 1.25;
        }
    }
    int pc[3] = {rank / (psizes[1] * psizes[2]), rank / psizes[2] % psizes[1], rank % psizes[2]};
    int mine = 0;
    for (int t = 0; t < total; t++) {
        int idx[3] = {t / (gsizes[1] * gsizes[2]), t / gsizes[2] % gsizes[1], t % gsizes[2]};
        int all = 1;
        for (int d = 0; d < 3; d++) {
            all &= owns(distribs[d], dargs[d], gsizes[d], psizes[d], pc[d], idx[d]);
        }
        mine += all;
    }
    double *piece = malloc((size_t)(mine > 0 ? mine : 1) * sizeof(double));
    MPI_Request req;
    MPI_Irecv(piece, mine, MPI_DOUBLE, 0, 5, MPI_COMM_WORLD, &req);
    if (rank == 0) {
        for (int r = 0; r < size; r++) {
            MPI_Datatype t;
            MPI_Type_create_darray(size, r, 3, gsizes, distribs, dargs, psizes, MPI_ORDER_C,
                                   MPI_DOUBLE, &t);
            MPI_Type_commit(&t);
            MPI_Send(g, 1, t, r, 5, MPI_COMM_WORLD);
            MPI_Type_free(&t);
        }
    }
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    int k = 0;
    for (int t = 0; t < total; t++) {
        int idx[3] = {t / (gsizes[1] * gsizes[2]), t / gsizes[2] % gsizes[1], t % gsizes[2]};
        int all = 1;
        for (int d = 0; d < 3; d++) {
            all &= owns(distribs[d], dargs[d], gsizes[d], psizes[d], pc[d], idx[d]);
        }
        if (all) {
            if (piece[k] != t * 1.25) {
                fail("darray", t, rank, piece[k], t * 1.25);
            }
            k++;
        }
    }
    free(piece);
    free(g);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    transpose(7, 13);    /* eager */
    transpose(150, 170); /* 400 KB: rendezvous */
    rma_transpose(9, 14);
    halo(MPI_ORDER_C);
    halo(MPI_ORDER_FORTRAN);
    darray();
    int all = 0;
    MPI_Allreduce(&errors, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0 && all == 0) {
        printf(" No Errors\n");
    }
    MPI_Finalize();
    return all != 0;
}
