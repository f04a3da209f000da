/*
 * Connection benchmark: the job splits in two halves; rank 0 opens a port, and ROUNDS times the
 * first half accepts and the second connects over it (then both disconnect). Prints the median
 * time of MPI_Comm_connect and of MPI_Comm_disconnect at the connecting root, in microseconds.
 * Usage: connect [ROUNDS] (default 50). Plain MPI.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int rank, size, rounds = argc > 1 ? atoi(argv[1]) : 50;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2 || rounds < 1) {
        if (rank == 0) {
            fprintf(stderr, "connect: needs 2 or more ranks and ROUNDS >= 1\n");
        }
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int server = rank < size / 2;
    MPI_Comm half, inter;
    MPI_Comm_split(MPI_COMM_WORLD, server, rank, &half);
    char port[MPI_MAX_PORT_NAME] = "";
    if (rank == 0) {
        MPI_Open_port(MPI_INFO_NULL, port);
    }
    MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, MPI_COMM_WORLD);
    double *tc = malloc(sizeof(double) * (size_t)rounds);
    double *td = malloc(sizeof(double) * (size_t)rounds);
    for (int r = 0; r < rounds; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        if (server) {
            MPI_Comm_accept(port, MPI_INFO_NULL, 0, half, &inter);
        } else {
            MPI_Comm_connect(port, MPI_INFO_NULL, 0, half, &inter);
        }
        double t1 = MPI_Wtime();
        MPI_Comm_disconnect(&inter);
        double t2 = MPI_Wtime();
        tc[r] = (t1 - t0) * 1e6;
        td[r] = (t2 - t1) * 1e6;
    }
    if (rank == size / 2) {
        printf("%.1f %.1f\n", median(tc, rounds), median(td, rounds));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Close_port(port);
    }
    free(tc);
    free(td);
    MPI_Comm_free(&half);
    MPI_Finalize();
    return 0;
}
