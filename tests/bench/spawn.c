/*
 * Spawn benchmark: rank 0 of a 1-process job spawns K copies of this program ROUNDS times; each
 * round is timed from the call of MPI_Comm_spawn until a barrier over the new intercommunicator
 * has completed (every child is in MPI and connected), then the parent and child 0 ping-pong 8
 * bytes 1000 times over the intercommunicator (the latency between jobs), and all disconnect.
 * Prints the median spawn time in ms and the median one-way latency in us. Plain MPI, so that
 * the same code builds with libmp, Open MPI and MPICH. Usage: spawn K ROUNDS.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PINGS 1000

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The ping-pong between the parent and child 0: the one-way time in us. */
static double pingpong(MPI_Comm inter, int rank, int parent)
{
    char buf[8] = {0};
    double t0 = 0;
    for (int i = -10; i < PINGS; i++) {
        if (i == 0) {
            t0 = MPI_Wtime();
        }
        if (parent) {
            MPI_Send(buf, 8, MPI_CHAR, 0, 1, inter);
            MPI_Recv(buf, 8, MPI_CHAR, 0, 1, inter, MPI_STATUS_IGNORE);
        } else if (rank == 0) {
            MPI_Recv(buf, 8, MPI_CHAR, 0, 1, inter, MPI_STATUS_IGNORE);
            MPI_Send(buf, 8, MPI_CHAR, 0, 1, inter);
        }
    }
    return (MPI_Wtime() - t0) * 1e6 / (2.0 * PINGS);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm parent;
    MPI_Comm_get_parent(&parent);
    if (parent != MPI_COMM_NULL) {
        int rank;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Barrier(parent);
        pingpong(parent, rank, 0);
        MPI_Comm_disconnect(&parent);
        MPI_Finalize();
        return 0;
    }
    int k = argc > 1 ? atoi(argv[1]) : 1, rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (k < 1 || rounds < 1) {
        fprintf(stderr, "usage: spawn K ROUNDS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    double *spawn_ms = malloc(sizeof(double) * (size_t)rounds);
    double *lat_us = malloc(sizeof(double) * (size_t)rounds);
    for (int r = 0; r < rounds; r++) {
        MPI_Comm inter;
        double t0 = MPI_Wtime();
        MPI_Comm_spawn(argv[0], MPI_ARGV_NULL, k, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter,
                       MPI_ERRCODES_IGNORE);
        MPI_Barrier(inter);
        spawn_ms[r] = (MPI_Wtime() - t0) * 1e3;
        lat_us[r] = pingpong(inter, 0, 1);
        MPI_Comm_disconnect(&inter);
    }
    printf("spawn %d: %.2f ms, latency between jobs %.2f us\n", k, median(spawn_ms, rounds),
           median(lat_us, rounds));
    free(spawn_ms);
    free(lat_us);
    MPI_Finalize();
    return 0;
}
