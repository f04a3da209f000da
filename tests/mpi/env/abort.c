/*
 * Launcher test helper: one rank calls MPI_Abort(MPI_COMM_WORLD, CODE) while the others sleep.
 * Just before, it prints a line to stdout and one to a stderr made fully buffered, without
 * flushing either: real programs print why they give up and then abort, and those lines must
 * not be lost; nor the line each other rank prints, unflushed, before it sleeps and is killed.
 * Usage: abort RANK CODE [OTHERS_SLEEP_S].
 */
#include "mptest.h"

#include <mpi.h>

int main(int argc, char **argv)
{
    int rank = -1, size = -1;
    long who, code, others_s;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s RANK CODE [OTHERS_SLEEP_S]\n", argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    code = mpt_parse_long(argv[2], "abort code");
    others_s = argc > 3 ? mpt_parse_long(argv[3], "sleep seconds") : 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);

    if (rank == who) {
        mpt_sleep_ms(200);
        static char errbuf[BUFSIZ];
        setvbuf(stderr, errbuf, _IOFBF, sizeof(errbuf));
        printf("rank %d: last words on stdout before MPI_Abort\n", rank);
        fprintf(stderr, "rank %d: last words on stderr before MPI_Abort\n", rank);
        MPI_Abort(MPI_COMM_WORLD, (int)code);
        fprintf(stderr, "rank %d: MPI_Abort returned\n", rank);
        return 3;
    }
    /* Not flushed either: the rank is killed in its sleep, and the line must not die with it. */
    printf("rank %d: a line before sleeping\n", rank);
    mpt_sleep_ms(others_s * 1000);
    MPI_Finalize();
    return 0;
}
