/*
 * Launcher test helper: the ranks pass checked messages around a ring, then one rank ends
 * itself (MPI_Abort or a signal) while every other rank blocks in a receive from it with a
 * large send to it in flight. Usage: peer_dies RANK abort CODE | peer_dies RANK signal SIGNUM.
 */
#include "mptest.h"

#include <signal.h>

#include <mpi.h>

#define RING_COUNT 4096
#define BIG_COUNT (1 << 18) /* 1 MiB of ints: beyond any eager limit */

/* Every rank sends to the next and receives from the previous, checking each value. */
static void ring(int rank, int size)
{
    static int out[RING_COUNT], in[RING_COUNT];
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;

    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < RING_COUNT; i++) {
            out[i] = rank * 1000003 + round * 7919 + i;
        }
        MPI_Sendrecv(out, RING_COUNT, MPI_INT, next, round, in, RING_COUNT, MPI_INT, prev, round,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int i = 0; i < RING_COUNT; i++) {
            MPT_CHECK(in[i] == prev * 1000003 + round * 7919 + i,
                      "round %d: in[%d] = %d from rank %d", round, i, in[i], prev);
        }
    }
}

int main(int argc, char **argv)
{
    int rank = -1, size = -1, how_abort, got = 0;
    long who, value;
    MPI_Request reqs[2];
    static int big[BIG_COUNT];

    if (argc != 4 || (strcmp(argv[2], "abort") != 0 && strcmp(argv[2], "signal") != 0)) {
        fprintf(stderr, "usage: %s RANK abort CODE | %s RANK signal SIGNUM\n", argv[0], argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    how_abort = strcmp(argv[2], "abort") == 0;
    value = mpt_parse_long(argv[3], how_abort ? "abort code" : "signal number");

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    mpt_announce(rank, size);
    if (who < 0 || who >= size) {
        fprintf(stderr, "bad rank %ld: the job has %d ranks\n", who, size);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    ring(rank, size);
    printf("rank %d: ring done\n", rank);
    fflush(stdout);

    if (rank == who) {
        /* Long enough for the others to be blocked in their receives. */
        mpt_sleep_ms(300);
        if (how_abort) {
            MPI_Abort(MPI_COMM_WORLD, (int)value);
        } else {
            signal((int)value, SIG_DFL);
            raise((int)value);
        }
        fprintf(stderr, "rank %d: still alive after ending itself\n", rank);
        return 3;
    }
    MPI_Irecv(&got, 1, MPI_INT, (int)who, 99, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(big, BIG_COUNT, MPI_INT, (int)who, 98, MPI_COMM_WORLD, &reqs[1]);
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    /* The peer never sends: getting here at all is the failure. */
    fprintf(stderr, "rank %d: a receive from rank %ld completed (value %d)\n", rank, who, got);
    MPI_Finalize();
    return 4;
}
