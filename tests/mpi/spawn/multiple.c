/*
 * MPI_Comm_spawn_multiple with two programs (both this one, with different arguments): one
 * process of program "a" started in / with two environment settings (info "wdir", "env"), two
 * of program "b" found through info "path" on host "localhost". The children check their
 * MPI_APPNUM, arguments, directory and environment, and every check travels back to the
 * parents, which check the values and the intercommunicator. Usage: multiple.
 */
#include <libgen.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../env/mptest.h"

static int child(const char *which)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm parent;
    CHECK_RC(MPI_Comm_get_parent(&parent));
    MPT_CHECK(parent != MPI_COMM_NULL, "a spawned process has no parent");
    MPT_CHECK(size == 3, "the children's world has %d processes, expected 3", size);
    int *appnum = NULL, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag);
    int want = rank == 0 ? 0 : 1;
    MPT_CHECK(flag && *appnum == want, "MPI_APPNUM %d, expected %d", flag ? *appnum : -1, want);
    MPT_CHECK(strcmp(which, want == 0 ? "a" : "b") == 0, "rank %d runs program %s", rank, which);
    char cwd[4096] = "";
    MPT_CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd failed");
    if (want == 0) {
        const char *e1 = getenv("SPAWN_CHECK"), *e2 = getenv("SPAWN_OTHER");
        MPT_CHECK(e1 != NULL && strcmp(e1, "alpha") == 0, "SPAWN_CHECK is %s", e1 ? e1 : "unset");
        MPT_CHECK(e2 != NULL && strcmp(e2, "2") == 0, "SPAWN_OTHER is %s", e2 ? e2 : "unset");
        MPT_CHECK(strcmp(cwd, "/") == 0, "info wdir: working directory %s", cwd);
    } else {
        MPT_CHECK(getenv("SPAWN_CHECK") == NULL, "program b got program a's environment");
    }
    /* What this process saw goes to the parents' root: rank, appnum, and its error count. */
    int report[3] = {rank, flag ? *appnum : -1, *mpt_errs_p()};
    CHECK_RC(MPI_Send(report, 3, MPI_INT, 0, 1, parent));
    int sum = 0, one = 1;
    CHECK_RC(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, parent));
    int nparents;
    MPI_Comm_remote_size(parent, &nparents);
    MPT_CHECK(sum == nparents, "allreduce over the parents gave %d", sum);
    CHECK_RC(MPI_Comm_disconnect(&parent));
    MPI_Finalize();
    return mpt_finish(-1);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        return child(argv[2]);
    }
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    char dir[4096], base[4096];
    snprintf(dir, sizeof(dir), "%s", argv[0]);
    snprintf(base, sizeof(base), "%s", argv[0]);
    char *cmds[] = {argv[0], basename(base)};
    char *args_a[] = {"child", "a", NULL};
    char *args_b[] = {"child", "b", NULL};
    char **argvs[] = {args_a, args_b};
    int maxprocs[] = {1, 2};
    MPI_Info infos[2];
    MPI_Info_create(&infos[0]);
    MPI_Info_create(&infos[1]);
    MPI_Info_set(infos[0], "wdir", "/");
    MPI_Info_set(infos[0], "env", "SPAWN_CHECK=alpha\nSPAWN_OTHER=2");
    MPI_Info_set(infos[0], "unknown_key", "ignored");
    MPI_Info_set(infos[1], "host", "localhost");
    MPI_Info_set(infos[1], "path", dirname(dir));
    int codes[3] = {-1, -1, -1};
    MPI_Comm inter;
    CHECK_RC(
        MPI_Comm_spawn_multiple(2, cmds, argvs, maxprocs, infos, 0, MPI_COMM_WORLD, &inter, codes));
    for (int i = 0; i < 3; i++) {
        MPT_CHECK(codes[i] == MPI_SUCCESS, "error code %d is %d", i, codes[i]);
    }
    int rsize = 0;
    MPI_Comm_remote_size(inter, &rsize);
    MPT_CHECK(rsize == 3, "remote size %d, expected 3", rsize);
    if (rank == 0) {
        int seen = 0;
        for (int i = 0; i < 3; i++) {
            int report[3];
            MPI_Status st;
            CHECK_RC(MPI_Recv(report, 3, MPI_INT, MPI_ANY_SOURCE, 1, inter, &st));
            MPT_CHECK(report[0] == st.MPI_SOURCE, "child %d reported rank %d", st.MPI_SOURCE,
                      report[0]);
            MPT_CHECK(report[1] == (st.MPI_SOURCE == 0 ? 0 : 1), "child %d has appnum %d",
                      st.MPI_SOURCE, report[1]);
            MPT_CHECK(report[2] == 0, "child %d found %d errors", st.MPI_SOURCE, report[2]);
            seen |= 1 << st.MPI_SOURCE;
        }
        MPT_CHECK(seen == 7, "reports came from children %#x", seen);
    }
    int sum = 0, one = 1;
    CHECK_RC(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, inter));
    MPT_CHECK(sum == 3, "allreduce over the children gave %d", sum);
    CHECK_RC(MPI_Comm_disconnect(&inter));
    MPI_Info_free(&infos[0]);
    MPI_Info_free(&infos[1]);
    MPI_Finalize();
    return mpt_finish(rank);
}
