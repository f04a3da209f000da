/*
 * Launcher test helper: one rank exits with a given status, after MPI_Finalize or before it,
 * while the others sleep. With "after" and a non-zero CODE, the others first print a line to stdout
 * without flushing it (stdout into mpirun's pipe is fully buffered), as programs do that say why
 * they stop and exit: the line must come out. Usage: exit_code RANK CODE after|before
 * [OTHERS_SLEEP] where OTHERS_SLEEP is in seconds, or in milliseconds with the suffix "ms".
 */
#include "mptest.h"

#include <mpi.h>

/* "30" is 30 s, "300ms" is 300 ms. */
static long parse_sleep_ms(const char *s)
{
    size_t n = strlen(s);
    if (n > 2 && strcmp(s + n - 2, "ms") == 0) {
        char digits[32];
        snprintf(digits, sizeof(digits), "%.*s", (int)(n - 2), s);
        return mpt_parse_long(digits, "sleep milliseconds");
    }
    return mpt_parse_long(s, "sleep seconds") * 1000;
}

int main(int argc, char **argv)
{
    int rank = -1, size = -1, after;
    long who, code, others_ms;

    if (argc < 4 || argc > 5 || (strcmp(argv[3], "after") != 0 && strcmp(argv[3], "before") != 0)) {
        fprintf(stderr, "usage: %s RANK CODE after|before [OTHERS_SLEEP_S|OTHERS_SLEEP_MSms]\n",
                argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    code = mpt_parse_long(argv[2], "exit code");
    after = strcmp(argv[3], "after") == 0;
    others_ms = argc > 4 ? parse_sleep_ms(argv[4]) : 0;

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
        if (code != 0) {
            printf("rank %d: unflushed line before MPI_Finalize\n", rank);
        }
        MPI_Finalize();
        mpt_sleep_ms(others_ms);
    } else {
        mpt_sleep_ms(others_ms);
        MPI_Finalize();
    }
    return 0;
}
