/*
 * A halo exchange on a 2-D grid of doubles split by columns over a ring of ranks, with
 * subarray types: the boundary columns (strided) go to the left and right neighbours, the
 * boundary rows go around the periodic y direction (to itself). Every ghost cell is checked
 * against the value the global grid has there, over several steps.
 */
#include <mpi.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../env/mptest.h"

#define NY 40 /* interior rows */
#define NX 24 /* interior columns per rank */
#define ROWS (NY + 2)
#define COLS (NX + 2)

static double global_value(int step, int gx, int y)
{
    return step * 1.0e6 + gx * 1000.0 + y;
}

/* A subarray of the local (ROWS x COLS) grid, C order. */
static MPI_Datatype block(int rows, int cols, int row0, int col0)
{
    int sizes[2] = {ROWS, COLS}, subs[2] = {rows, cols}, starts[2] = {row0, col0};
    MPI_Datatype t;
    MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_DOUBLE, &t);
    MPI_Type_commit(&t);
    return t;
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int left = (rank + size - 1) % size, right = (rank + 1) % size;
    int gcols = NX * size;

    MPI_Datatype send_left = block(NY, 1, 1, 1), send_right = block(NY, 1, 1, NX);
    MPI_Datatype ghost_left = block(NY, 1, 1, 0), ghost_right = block(NY, 1, 1, NX + 1);
    MPI_Datatype send_top = block(1, NX, 1, 1), send_bottom = block(1, NX, NY, 1);
    MPI_Datatype ghost_top = block(1, NX, 0, 1), ghost_bottom = block(1, NX, NY + 1, 1);
    double *g = malloc(sizeof(double) * ROWS * COLS);

    for (int step = 0; step < 4; step++) {
        for (int y = 0; y < ROWS; y++) {
            for (int x = 0; x < COLS; x++) {
                bool interior = y >= 1 && y <= NY && x >= 1 && x <= NX;
                g[y * COLS + x] = interior ? global_value(step, rank * NX + x - 1, y - 1) : -1.0;
            }
        }
        MPI_Sendrecv(g, 1, send_left, left, 1, g, 1, ghost_right, right, 1, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        MPI_Sendrecv(g, 1, send_right, right, 2, g, 1, ghost_left, left, 2, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        /* Periodic in y, on this rank: the rows wrap around. */
        MPI_Sendrecv(g, 1, send_top, rank, 3, g, 1, ghost_bottom, rank, 3, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        MPI_Sendrecv(g, 1, send_bottom, rank, 4, g, 1, ghost_top, rank, 4, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        int bad = 0;
        for (int y = 1; y <= NY; y++) {
            int gl = (rank * NX - 1 + gcols) % gcols, gr = (rank * NX + NX) % gcols;
            bad += g[y * COLS] != global_value(step, gl, y - 1);
            bad += g[y * COLS + NX + 1] != global_value(step, gr, y - 1);
        }
        for (int x = 1; x <= NX; x++) {
            bad += g[x] != global_value(step, rank * NX + x - 1, NY - 1);
            bad += g[(NY + 1) * COLS + x] != global_value(step, rank * NX + x - 1, 0);
        }
        /* The corners are nobody's: untouched. */
        bad += g[0] != -1.0 || g[COLS - 1] != -1.0 || g[(ROWS - 1) * COLS] != -1.0 ||
               g[ROWS * COLS - 1] != -1.0;
        MPT_CHECK(bad == 0, "step %d: %d wrong ghost cells", step, bad);
    }
    MPI_Datatype all[8] = {send_left, send_right,  ghost_left, ghost_right,
                           send_top,  send_bottom, ghost_top,  ghost_bottom};
    for (int i = 0; i < 8; i++) {
        MPI_Type_free(&all[i]);
    }
    free(g);
    MPI_Finalize();
    return mpt_finish(rank);
}
