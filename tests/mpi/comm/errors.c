/*
 * Error classes of the communicator calls under MPI_ERRORS_RETURN: MPI_COMM_NULL and handles
 * that are no communicator (MPI_ERR_COMM), freeing the predefined communicators, ranks out of
 * range on new communicators and intercommunicators (MPI_ERR_RANK), bad colors and split
 * types (MPI_ERR_ARG), bad groups (MPI_ERR_GROUP), intercommunicator-only calls on an
 * intracommunicator; new communicators inherit the error handler of their parent.
 */
#include "commtest.h"

static void expect_class(int rc, int cls, const char *what)
{
    int got = rc == MPI_SUCCESS ? MPI_SUCCESS : p2p_err_class(rc);
    MPT_CHECK(got == cls, "%s: returned class %d, expected %d", what, got, cls);
}

int main(int argc, char **argv)
{
    int wrank, wsize, v = 0, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));

    MPI_Comm c = MPI_COMM_NULL, world = MPI_COMM_WORLD, self = MPI_COMM_SELF;
    static double not_a_comm[64];
    expect_class(MPI_Comm_dup(MPI_COMM_NULL, &c), MPI_ERR_COMM, "dup of MPI_COMM_NULL");
    expect_class(MPI_Comm_size((MPI_Comm)(void *)not_a_comm, &size), MPI_ERR_COMM,
                 "size of a pointer to zeros");
    expect_class(MPI_Comm_free(&world), MPI_ERR_COMM, "free of MPI_COMM_WORLD");
    expect_class(MPI_Comm_free(&self), MPI_ERR_COMM, "free of MPI_COMM_SELF");
    MPT_CHECK(world == MPI_COMM_WORLD && self == MPI_COMM_SELF, "a failed free changed a handle");
    MPI_Comm nullc = MPI_COMM_NULL;
    expect_class(MPI_Comm_free(&nullc), MPI_ERR_COMM, "free of MPI_COMM_NULL");
    expect_class(MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &c), MPI_ERR_ARG, "split with color -5");
    expect_class(MPI_Comm_split_type(MPI_COMM_WORLD, 12345, 0, MPI_INFO_NULL, &c), MPI_ERR_ARG,
                 "split_type 12345");
    expect_class(MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_NULL, &c), MPI_ERR_GROUP,
                 "create with MPI_GROUP_NULL");
    expect_class(MPI_Comm_remote_size(MPI_COMM_WORLD, &size), MPI_ERR_COMM,
                 "remote size of an intracommunicator");
    expect_class(MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &c), MPI_ERR_COMM,
                 "merge of an intracommunicator");
    expect_class(MPI_Intercomm_create(MPI_COMM_WORLD, wsize, MPI_COMM_WORLD, 0, 1, &c),
                 MPI_ERR_RANK, "intercomm with local_leader = size");
    MPT_CHECK(c == MPI_COMM_NULL, "a failed call set newcomm");

    /* The duplicate inherits MPI_ERRORS_RETURN: its errors come back too. */
    MPI_Comm dup;
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    expect_class(MPI_Send(&v, 1, MPI_INT, wsize, 0, dup), MPI_ERR_RANK, "send to rank = size");
    expect_class(MPI_Recv(&v, 1, MPI_INT, -7, 0, dup, MPI_STATUS_IGNORE), MPI_ERR_RANK,
                 "receive from rank -7");
    MPI_Errhandler eh;
    P2P_MPI(MPI_Comm_get_errhandler(dup, &eh));
    MPT_CHECK(eh == MPI_ERRORS_RETURN, "the duplicate's error handler is not the parent's");
    P2P_MPI(MPI_Comm_free(&dup));
    expect_class(MPI_Comm_size(dup, &size), MPI_ERR_COMM, "size of a freed communicator's handle");

    /* On an intercommunicator, ranks are checked against the remote group. */
    if (wsize >= 2) {
        MPI_Comm local, inter;
        int color = wrank % 2;
        P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, 0, &local));
        P2P_MPI(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, 1 - color, 5, &inter));
        int rsize = -1;
        P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
        expect_class(MPI_Send(&v, 1, MPI_INT, rsize, 0, inter), MPI_ERR_RANK,
                     "intercomm send to remote size");
        MPI_Group g;
        P2P_MPI(MPI_Comm_group(inter, &g));
        expect_class(MPI_Comm_create_group(inter, g, 0, &c), MPI_ERR_COMM,
                     "create_group on an intercomm");
        P2P_MPI(MPI_Group_free(&g));
        P2P_MPI(MPI_Comm_free(&inter));
        P2P_MPI(MPI_Comm_free(&local));
    }
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
