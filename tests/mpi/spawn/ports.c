/*
 * MPI_Comm_accept and MPI_Comm_connect between a job and the job it spawned: the parents' rank
 * 0 opens a port and sends its name to the children over the spawn's intercommunicator; the
 * parents accept and the children connect, each group whole, twice in a row (the second time
 * after disconnecting the spawn's intercommunicator). Over every new intercommunicator both
 * sides exchange checked values (point-to-point between all pairs, an allreduce).
 * Usage: ports [K] (K children, default 2).
 */
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

static void use(MPI_Comm inter, bool parent, int round)
{
    int me, nremote;
    MPI_Comm_rank(inter, &me);
    MPI_Comm_remote_size(inter, &nremote);
    for (int o = 0; o < nremote; o++) {
        int out = (parent ? 1 : -1) * (1000 * round + 100 * me + o), in = 0;
        CHECK_RC(
            MPI_Sendrecv(&out, 1, MPI_INT, o, 3, &in, 1, MPI_INT, o, 3, inter, MPI_STATUS_IGNORE));
        int want = (parent ? -1 : 1) * (1000 * round + 100 * o + me);
        MPT_CHECK(in == want, "round %d: got %d from remote %d, expected %d", round, in, o, want);
    }
    int one = 1, sum = 0;
    CHECK_RC(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, inter));
    MPT_CHECK(sum == nremote, "round %d: allreduce gave %d, expected %d", round, sum, nremote);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm parent;
    MPI_Comm_get_parent(&parent);
    char port[MPI_MAX_PORT_NAME] = "";
    if (parent != MPI_COMM_NULL) {
        /* A child: the port's name comes from the parents' rank 0, to every child. */
        CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, parent));
        for (int round = 0; round < 2; round++) {
            MPI_Comm inter;
            CHECK_RC(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter));
            use(inter, false, round);
            CHECK_RC(MPI_Comm_disconnect(&inter));
            if (round == 0) {
                CHECK_RC(MPI_Comm_disconnect(&parent));
            }
        }
        MPI_Finalize();
        return mpt_finish(-1);
    }
    int k = argc > 1 ? (int)mpt_parse_long(argv[1], "children") : 2;
    MPI_Comm children;
    CHECK_RC(MPI_Comm_spawn(argv[0], MPI_ARGV_NULL, k, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &children,
                            MPI_ERRCODES_IGNORE));
    if (rank == 0) {
        CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
    }
    CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, rank == 0 ? MPI_ROOT : MPI_PROC_NULL,
                       children));
    for (int round = 0; round < 2; round++) {
        MPI_Comm inter;
        CHECK_RC(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter));
        int rsize = 0;
        MPI_Comm_remote_size(inter, &rsize);
        MPT_CHECK(rsize == k, "round %d: remote size %d, expected %d", round, rsize, k);
        use(inter, true, round);
        CHECK_RC(MPI_Comm_disconnect(&inter));
        if (round == 0) {
            CHECK_RC(MPI_Comm_disconnect(&children));
        }
    }
    if (rank == 0) {
        CHECK_RC(MPI_Close_port(port));
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
