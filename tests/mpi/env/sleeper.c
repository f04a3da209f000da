/*
 * Launcher test helper: every rank prints "rank R of N pid P", sleeps, then finalizes.
 * With 0 seconds it is the plain "who am I" program. Usage: sleeper [SECONDS] (default 30).
 */
#include "mptest.h"

#include <mpi.h>

int main(int argc, char **argv)
{
    int rank = -1, size = -1;
    long seconds = argc > 1 ? mpt_parse_long(argv[1], "seconds") : 30;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);
    mpt_sleep_ms(seconds * 1000);
    MPI_Finalize();
    return 0;
}
