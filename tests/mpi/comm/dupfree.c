/*
 * Context ids are recycled: many MPI_Comm_dup + MPI_Comm_free cycles (argument 1, default
 * 10000), with traffic checked now and then, and many communicators alive at once.
 */
#include "commtest.h"

#define ALIVE 200

int main(int argc, char **argv)
{
    int wrank, wsize;
    long cycles = argc > 1 ? mpt_parse_long(argv[1], "cycles") : 10000;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    for (long i = 0; i < cycles; i++) {
        MPI_Comm dup;
        P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
        if (i % 1000 == 0) {
            ct_ring(dup, 1, (int)i, "dup in the loop");
        }
        P2P_MPI(MPI_Comm_free(&dup));
    }
    /* Many at once, each its own context: a message on one never reaches another. */
    static MPI_Comm alive[ALIVE];
    for (int i = 0; i < ALIVE; i++) {
        P2P_MPI(MPI_Comm_dup(i == 0 ? MPI_COMM_WORLD : alive[i - 1], &alive[i]));
    }
    for (int i = ALIVE - 1; i >= 0; i -= 37) {
        ct_ring(alive[i], 2, i, "one of many");
    }
    for (int i = 0; i < ALIVE; i++) {
        P2P_MPI(MPI_Comm_free(&alive[i]));
    }
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
