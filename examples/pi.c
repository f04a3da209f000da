/*
 * Computes pi by integrating 4 / (1 + x^2) over [0, 1]: rank 0 broadcasts the number of
 * intervals, every rank sums its share of them, and MPI_Reduce adds the shares up.
 * Build and run: mpicc pi.c -o pi && mpirun -n 4 ./pi [INTERVALS]
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int rank, size;
    long n = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) {
        n = argc > 1 ? atol(argv[1]) : 10000000;
    }
    double start = MPI_Wtime();
    MPI_Bcast(&n, 1, MPI_LONG, 0, MPI_COMM_WORLD);

    double h = 1.0 / (double)n, sum = 0.0;
    for (long i = rank; i < n; i += size) {
        double x = h * ((double)i + 0.5);
        sum += 4.0 / (1.0 + x * x);
    }
    double mine = h * sum, pi = 0.0;
    MPI_Reduce(&mine, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);

    if (rank == 0) {
        const double pi25 = 3.141592653589793238462643;
        printf("pi is about %.16f, error %.2e, %ld intervals on %d ranks in %.3f s\n", pi,
               fabs(pi - pi25), n, size, MPI_Wtime() - start);
    }
    MPI_Finalize();
    return 0;
}
