/*
 * A token goes around the ring of ranks: rank 0 starts it, every rank adds its rank and passes
 * it on, and rank 0 checks the sum when it comes back, for a number of laps.
 * Build and run: mpicc ring.c -o ring && mpirun -n 4 ./ring [LAPS]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int laps = argc > 1 ? atoi(argv[1]) : 3;
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;

    long token = 0;
    for (int lap = 0; lap < laps; lap++) {
        if (rank == 0) {
            MPI_Send(&token, 1, MPI_LONG, next, lap, MPI_COMM_WORLD);
            MPI_Recv(&token, 1, MPI_LONG, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(&token, 1, MPI_LONG, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token += rank;
            MPI_Send(&token, 1, MPI_LONG, next, lap, MPI_COMM_WORLD);
        }
    }
    if (rank == 0) {
        long expected = (long)laps * size * (size - 1) / 2;
        printf("token after %d laps around %d ranks: %ld (expected %ld)\n", laps, size, token,
               expected);
        MPI_Finalize();
        return token == expected ? 0 : 1;
    }
    MPI_Finalize();
    return 0;
}
