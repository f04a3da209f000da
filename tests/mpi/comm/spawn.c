/*
 * Checks the failures of MPI_Comm_spawn and MPI_Comm_spawn_multiple under MPI_ERRORS_RETURN: a
 * program that does not exist fails on every member alike with MPI_ERR_SPAWN, every error code
 * set and MPI_COMM_NULL, and nothing hangs; argument errors (a NULL or empty command, maxprocs
 * not positive at the root, a bad root or communicator, a bad count) give their own classes on
 * every member. The job goes on, and with the argument "works" a spawn afterwards works; without
 * it (a singleton) it fails alike. Usage: spawn [works].
 */
#include <mpi.h>
#include <stddef.h>
#include <string.h>

#include "../env/mptest.h"

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int root = size - 1;
    int codes[8];
    char *args[] = {"x", NULL};

    for (int i = 0; i < 8; i++) {
        codes[i] = -1;
    }
    MPI_Comm inter = MPI_COMM_WORLD;
    /* maxprocs is read at the root only: the others pass nonsense. */
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        /* The spawn that works: the children just meet their parents and leave. */
        MPI_Comm parent;
        MPI_Comm_get_parent(&parent);
        MPT_CHECK(parent != MPI_COMM_NULL, "a spawned process has no parent");
        MPI_Comm_disconnect(&parent);
        MPI_Finalize();
        return mpt_finish(-1);
    }
    EXPECT_CLASS(MPI_Comm_spawn("./no-such-program", args, rank == root ? 3 : -7, MPI_INFO_NULL,
                                root, MPI_COMM_WORLD, &inter, codes),
                 MPI_ERR_SPAWN);
    MPT_CHECK(inter == MPI_COMM_NULL, "failed spawn left a communicator");
    for (int i = 0; i < 8; i++) {
        MPT_CHECK(codes[i] == (i < 3 ? MPI_ERR_SPAWN : -1), "error code %d is %d", i, codes[i]);
    }
    inter = MPI_COMM_WORLD;
    EXPECT_CLASS(MPI_Comm_spawn("no-such-program-on-path", MPI_ARGV_NULL, 2, MPI_INFO_NULL, 0,
                                MPI_COMM_SELF, &inter, MPI_ERRCODES_IGNORE),
                 MPI_ERR_SPAWN);
    MPT_CHECK(inter == MPI_COMM_NULL, "failed spawn left a communicator");

    /* Two programs, 2 + 3 processes: five codes. */
    char *cmds[] = {argv[0], "./no-such-program"};
    int maxprocs[] = {2, 3};
    MPI_Info infos[] = {MPI_INFO_NULL, MPI_INFO_NULL};
    char **argvs[] = {MPI_ARGV_NULL, args};
    for (int i = 0; i < 8; i++) {
        codes[i] = -1;
    }
    inter = MPI_COMM_WORLD;
    EXPECT_CLASS(
        MPI_Comm_spawn_multiple(2, cmds, argvs, maxprocs, infos, 0, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_SPAWN);
    MPT_CHECK(inter == MPI_COMM_NULL, "failed spawn_multiple left a communicator");
    for (int i = 0; i < 8; i++) {
        MPT_CHECK(codes[i] == (i < 5 ? MPI_ERR_SPAWN : -1), "error code %d is %d", i, codes[i]);
    }
    EXPECT_CLASS(MPI_Comm_spawn_multiple(2, cmds, MPI_ARGVS_NULL, maxprocs, infos, 0,
                                         MPI_COMM_WORLD, &inter, MPI_ERRCODES_IGNORE),
                 MPI_ERR_SPAWN);

    /* Argument errors: the root's reach every member. */
    EXPECT_CLASS(MPI_Comm_spawn(rank == root ? NULL : "./worker", args, 1, MPI_INFO_NULL, root,
                                MPI_COMM_WORLD, &inter, codes),
                 MPI_ERR_ARG);
    EXPECT_CLASS(
        MPI_Comm_spawn("./worker", args, -1, MPI_INFO_NULL, root, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_ARG);
    EXPECT_CLASS(
        MPI_Comm_spawn("./worker", args, 0, MPI_INFO_NULL, root, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Comm_spawn(rank == root ? "" : "./worker", args, 1, MPI_INFO_NULL, root,
                                MPI_COMM_WORLD, &inter, codes),
                 MPI_ERR_ARG);
    EXPECT_CLASS(
        MPI_Comm_spawn("./worker", args, 1, MPI_INFO_NULL, size, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_ROOT);
    EXPECT_CLASS(
        MPI_Comm_spawn("./worker", args, 1, MPI_INFO_NULL, 0, MPI_COMM_NULL, &inter, codes),
        MPI_ERR_COMM);
    EXPECT_CLASS(MPI_Comm_spawn("./worker", args, 1, MPI_INFO_NULL, 0, MPI_COMM_WORLD, NULL, codes),
                 MPI_ERR_ARG);
    EXPECT_CLASS(
        MPI_Comm_spawn_multiple(0, cmds, argvs, maxprocs, infos, 0, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_ARG);
    int bad[] = {2, -3};
    EXPECT_CLASS(
        MPI_Comm_spawn_multiple(2, cmds, argvs, bad, infos, 0, MPI_COMM_WORLD, &inter, codes),
        MPI_ERR_ARG);

    MPI_Comm parent = MPI_COMM_WORLD;
    MPI_Comm_get_parent(&parent);
    MPT_CHECK(parent == MPI_COMM_NULL, "a process of mpirun has a parent");
    /* After all the failures, a spawn works (under mpirun: "works" as the argument; a
     * singleton cannot spawn, and fails alike). */
    char *child_args[] = {"child", NULL};
    inter = MPI_COMM_NULL;
    if (argc > 1 && strcmp(argv[1], "works") == 0) {
        CHECK_RC(MPI_Comm_spawn(argv[0], child_args, 2, MPI_INFO_NULL, root, MPI_COMM_WORLD, &inter,
                                MPI_ERRCODES_IGNORE));
        MPT_CHECK(inter != MPI_COMM_NULL, "the spawn after the failures gave no communicator");
        if (inter != MPI_COMM_NULL) {
            CHECK_RC(MPI_Comm_disconnect(&inter));
        }
    } else {
        EXPECT_CLASS(MPI_Comm_spawn(argv[0], child_args, 2, MPI_INFO_NULL, root, MPI_COMM_WORLD,
                                    &inter, MPI_ERRCODES_IGNORE),
                     MPI_ERR_SPAWN);
    }
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPT_CHECK(sum == size * (size - 1) / 2, "allreduce after the errors: %d", sum);
    MPI_Finalize();
    return mpt_finish(rank);
}
