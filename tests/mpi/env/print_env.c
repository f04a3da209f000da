/*
 * Launcher test helper for -x: each rank prints "rank R NAME=VALUE" or "rank R NAME unset"
 * for every NAME given. Usage: print_env NAME...
 */
#include "mptest.h"

#include <mpi.h>

int main(int argc, char **argv)
{
    int rank = -1;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    for (int i = 1; i < argc; i++) {
        const char *value = getenv(argv[i]);

        if (value != NULL) {
            printf("rank %d %s=%s\n", rank, argv[i], value);
        } else {
            printf("rank %d %s unset\n", rank, argv[i]);
        }
    }
    fflush(stdout);
    MPI_Finalize();
    return 0;
}
