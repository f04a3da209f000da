/*
 * The heat equation on a 2-D plate, the classic stencil code: the grid is cut into a Cartesian
 * grid of blocks, one per rank; every step exchanges one-cell halos with the four neighbours
 * (a column travels as an MPI_Type_vector), updates the interior, and an MPI_Allreduce of the
 * largest change decides when the plate has settled.
 * Build and run: mpicc heat.c -o heat && mpirun -n 4 ./heat [N] [MAXSTEPS]
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cell (i, j) of a block with nx interior columns and a halo of one cell all around. */
#define AT(u, i, j) ((u)[(size_t)(i) * (size_t)(nx + 2) + (size_t)(j)])

int main(int argc, char **argv)
{
    int rank, size, dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2];
    MPI_Comm grid;

    MPI_Init(&argc, &argv);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int n = argc > 1 ? atoi(argv[1]) : 64;
    int max_steps = argc > 2 ? atoi(argv[2]) : 2000;
    MPI_Dims_create(size, 2, dims);
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &grid);
    MPI_Comm_rank(grid, &rank);
    MPI_Cart_coords(grid, rank, 2, coords);

    /* This rank's block: rows [y0, y0 + ny) and columns [x0, x0 + nx) of the n x n plate. */
    int ny = n / dims[0] + (coords[0] < n % dims[0]);
    int nx = n / dims[1] + (coords[1] < n % dims[1]);
    int y0 = coords[0] * (n / dims[0]) + (coords[0] < n % dims[0] ? coords[0] : n % dims[0]);
    double *u = calloc((size_t)(ny + 2) * (size_t)(nx + 2), sizeof(double));
    double *v = calloc((size_t)(ny + 2) * (size_t)(nx + 2), sizeof(double));
    if (u == NULL || v == NULL) {
        fprintf(stderr, "rank %d: out of memory\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* The top edge of the plate is held at 100 degrees, the others at 0. */
    if (y0 == 0) {
        for (int j = 0; j < nx + 2; j++) {
            AT(u, 0, j) = AT(v, 0, j) = 100.0;
        }
    }

    int up, down, left, right;
    MPI_Cart_shift(grid, 0, 1, &up, &down);
    MPI_Cart_shift(grid, 1, 1, &left, &right);
    MPI_Datatype column;
    MPI_Type_vector(ny, 1, nx + 2, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);

    double start = MPI_Wtime(), change = 0.0;
    int step;
    for (step = 1; step <= max_steps; step++) {
        MPI_Sendrecv(&AT(u, 1, 1), nx, MPI_DOUBLE, up, 0, &AT(u, ny + 1, 1), nx, MPI_DOUBLE, down,
                     0, grid, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&AT(u, ny, 1), nx, MPI_DOUBLE, down, 1, &AT(u, 0, 1), nx, MPI_DOUBLE, up, 1,
                     grid, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&AT(u, 1, 1), 1, column, left, 2, &AT(u, 1, nx + 1), 1, column, right, 2,
                     grid, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&AT(u, 1, nx), 1, column, right, 3, &AT(u, 1, 0), 1, column, left, 3, grid,
                     MPI_STATUS_IGNORE);
        double local = 0.0;
        for (int i = 1; i <= ny; i++) {
            for (int j = 1; j <= nx; j++) {
                AT(v, i, j) =
                    0.25 * (AT(u, i - 1, j) + AT(u, i + 1, j) + AT(u, i, j - 1) + AT(u, i, j + 1));
                local = fmax(local, fabs(AT(v, i, j) - AT(u, i, j)));
            }
        }
        double *t = u;
        u = v;
        v = t;
        MPI_Allreduce(&local, &change, 1, MPI_DOUBLE, MPI_MAX, grid);
        if (change < 1e-4) {
            break;
        }
    }
    /* The mean temperature of the plate, summed over all blocks. */
    double sum = 0.0, total = 0.0;
    for (int i = 1; i <= ny; i++) {
        for (int j = 1; j <= nx; j++) {
            sum += AT(u, i, j);
        }
    }
    MPI_Reduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, 0, grid);
    if (rank == 0) {
        printf("%dx%d plate on a %dx%d grid of ranks: %d steps, last change %.2e, mean %.4f, "
               "%.3f s\n",
               n, n, dims[0], dims[1], step > max_steps ? max_steps : step, change,
               total / ((double)n * n), MPI_Wtime() - start);
    }
    MPI_Type_free(&column);
    MPI_Comm_free(&grid);
    free(u);
    free(v);
    MPI_Finalize();
    return 0;
}
