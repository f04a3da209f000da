/*
 * Launcher test helper: every rank prints "rank R of N pid P", then the ranks pass checked
 * messages around a ring for SECONDS (rank 0's clock decides, by broadcast) and rank 0 prints
 * "No Errors". With DIE_RANK, that rank kills itself with SIGKILL after half a second, so that
 * the others find their peer gone. Usage: ring_for SECONDS [DIE_RANK].
 */
#include "mptest.h"

#include <signal.h>
#include <time.h>

#include <mpi.h>

#define COUNT 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int rank = -1, size = -1;
    double seconds = argc > 1 ? (double)mpt_parse_long(argv[1], "seconds") : 3;
    long die_rank = argc > 2 ? mpt_parse_long(argv[2], "rank to die") : -1;
    static int out[COUNT], in[COUNT];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    mpt_announce(rank, size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    double start = now();
    int go = 1;
    for (int iter = 0; go; iter++) {
        if (rank == die_rank && now() - start > 0.5) {
            raise(SIGKILL);
        }
        for (int i = 0; i < COUNT; i++) {
            out[i] = rank * 1000003 + iter * 31 + i;
        }
        MPI_Sendrecv(out, COUNT, MPI_INT, right, iter % 100, in, COUNT, MPI_INT, left, iter % 100,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int i = 0; i < COUNT; i++) {
            MPT_CHECK(in[i] == left * 1000003 + iter * 31 + i,
                      "iteration %d: element %d from rank %d is %d", iter, i, left, in[i]);
        }
        go = rank != 0 || now() - start < seconds;
        MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
