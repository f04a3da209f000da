/*
 * A helper of the launcher test spawn.sh: the parents spawn 2 children and wait for a message
 * from them that never comes; the children announce themselves ("rank R of N pid P", their
 * ranks in their own job) and child 1 then fails as MODE says, child 0 waits too:
 *   abort       MPI_Abort(MPI_COMM_WORLD, 7)
 *   signal      kills itself with SIGKILL
 *   nofinalize  returns from main without MPI_Finalize
 *   sleep       sleeps 60 s like the others (for timeouts and interrupts)
 *   ok          no failure: everyone disconnects and finalizes
 * Usage: fail MODE.
 */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../env/mptest.h"

static int child(const char *mode)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);
    MPI_Comm parent;
    MPI_Comm_get_parent(&parent);
    if (strcmp(mode, "ok") == 0) {
        MPI_Comm_disconnect(&parent);
        MPI_Finalize();
        return 0;
    }
    if (rank == 1 && strcmp(mode, "abort") == 0) {
        MPI_Abort(MPI_COMM_WORLD, 7);
    } else if (rank == 1 && strcmp(mode, "signal") == 0) {
        raise(SIGKILL);
    } else if (rank == 1 && strcmp(mode, "nofinalize") == 0) {
        return 0;
    }
    sleep(60);
    MPI_Finalize();
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        return child(argv[2]);
    }
    const char *mode = argc > 1 ? argv[1] : "ok";
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char *args[] = {"child", (char *)mode, NULL};
    MPI_Comm inter;
    MPI_Comm_spawn(argv[0], args, 2, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter, MPI_ERRCODES_IGNORE);
    if (strcmp(mode, "ok") == 0) {
        MPI_Comm_disconnect(&inter);
        MPI_Finalize();
        return 0;
    }
    int v;
    MPI_Recv(&v, 1, MPI_INT, 0, 0, inter, MPI_STATUS_IGNORE);
    MPI_Finalize();
    return 0;
}
