/*
 * Start-up benchmark program: MPI_Init, rank and size, MPI_Finalize, nothing else. Built with
 * libmp, Open MPI and MPICH by tests/bench/startup.sh, which times whole mpirun runs of it.
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank = -1, size = -1;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank < 0 || rank >= size) {
        fprintf(stderr, "init_finalize: rank %d of %d\n", rank, size);
        return 1;
    }
    MPI_Finalize();
    return 0;
}
