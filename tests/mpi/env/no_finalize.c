/*
 * Launcher test helper: one rank returns 0 from main without calling MPI_Finalize while the
 * others sleep. Usage: no_finalize RANK [OTHERS_SLEEP_S].
 */
#include "mptest.h"

#include <mpi.h>

int main(int argc, char **argv)
{
    int rank = -1, size = -1;
    long who, others_s;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s RANK [OTHERS_SLEEP_S]\n", argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    others_s = argc > 2 ? mpt_parse_long(argv[2], "sleep seconds") : 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);

    if (rank == who) {
        mpt_sleep_ms(200);
        return 0;
    }
    mpt_sleep_ms(others_s * 1000);
    MPI_Finalize();
    return 0;
}
