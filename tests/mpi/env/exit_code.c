/*
 * Launcher test helper: one rank exits with a given status, after MPI_Finalize or before it,
 * while the others sleep. Usage: exit_code RANK CODE after|before [OTHERS_SLEEP_S].
 */
#include "mptest.h"

#include <mpi.h>

int main(int argc, char **argv)
{
    int rank = -1, size = -1, after;
    long who, code, others_s;

    if (argc < 4 || argc > 5 || (strcmp(argv[3], "after") != 0 && strcmp(argv[3], "before") != 0)) {
        fprintf(stderr, "usage: %s RANK CODE after|before [OTHERS_SLEEP_S]\n", argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    code = mpt_parse_long(argv[2], "exit code");
    after = strcmp(argv[3], "after") == 0;
    others_s = argc > 4 ? mpt_parse_long(argv[4], "sleep seconds") : 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);

    if (rank == who) {
        if (after) {
            MPI_Finalize();
        } else {
            /* Let the others reach their sleep first. */
            mpt_sleep_ms(200);
        }
        return (int)code;
    }
    /* The others are blocked (asleep) when the chosen rank exits, inside or after MPI. */
    if (after) {
        MPI_Finalize();
        mpt_sleep_ms(others_s * 1000);
    } else {
        mpt_sleep_ms(others_s * 1000);
        MPI_Finalize();
    }
    return 0;
}
