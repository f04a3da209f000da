/*
 * Checks the errors of the port calls under MPI_ERRORS_RETURN: malformed port names, a name of
 * another job, a rank out of range, a port closed (or closed twice, or never opened), accept on
 * a port the root does not own, a port of a rank that never opened one, bad roots, communicators
 * and output pointers; a failed collective call fails on every member with MPI_COMM_NULL, and the
 * job goes on.
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "../env/mptest.h"

/* Expects call to fail with error class want. */
/* The job part of a port name (after the third ':'). */
static const char *job_of(const char *port)
{
    const char *s = port;
    for (int i = 0; i < 3 && s != NULL; i++) {
        s = strchr(s, ':');
        s = s != NULL ? s + 1 : NULL;
    }
    return s != NULL ? s : "";
}

static void name_errors(int size)
{
    char port[MPI_MAX_PORT_NAME], bad[MPI_MAX_PORT_NAME + 64];
    MPI_Comm c = MPI_COMM_WORLD;
    CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
    const char *malformed[] = {
        "", "nonsense", "libmp-port:", "libmp-port:x:1:j", "libmp-port:0:0:j", "libmp-port:0:1"};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        c = MPI_COMM_WORLD;
        EXPECT_CLASS(MPI_Comm_connect(malformed[i], MPI_INFO_NULL, 0, MPI_COMM_SELF, &c),
                     MPI_ERR_PORT);
        MPT_CHECK(c == MPI_COMM_NULL, "failed connect to \"%s\" left a communicator", malformed[i]);
        EXPECT_CLASS(MPI_Close_port(malformed[i]), MPI_ERR_PORT);
    }
    /* Another job's port. */
    snprintf(bad, sizeof(bad), "libmp-port:0:1:%s-other", job_of(port));
    EXPECT_CLASS(MPI_Comm_connect(bad, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
    /* A rank the job does not have. */
    snprintf(bad, sizeof(bad), "libmp-port:%d:1:%s", size, job_of(port));
    EXPECT_CLASS(MPI_Comm_connect(bad, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
    /* A port of this process: the two sides must be different processes. */
    EXPECT_CLASS(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
    /* Too long: no terminating NUL in MPI_MAX_PORT_NAME characters. */
    memset(bad, 'x', sizeof(bad));
    EXPECT_CLASS(MPI_Comm_connect(bad, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
    EXPECT_CLASS(MPI_Comm_connect(NULL, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
    /* Arguments every member checks. */
    EXPECT_CLASS(MPI_Comm_connect(port, MPI_INFO_NULL, 1, MPI_COMM_SELF, &c), MPI_ERR_ROOT);
    EXPECT_CLASS(MPI_Comm_accept(port, MPI_INFO_NULL, -1, MPI_COMM_SELF, &c), MPI_ERR_ROOT);
    EXPECT_CLASS(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_NULL, &c), MPI_ERR_COMM);
    EXPECT_CLASS(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, NULL), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Open_port(MPI_INFO_NULL, NULL), MPI_ERR_ARG);
    /* Closing twice. */
    CHECK_RC(MPI_Close_port(port));
    EXPECT_CLASS(MPI_Close_port(port), MPI_ERR_PORT);
    /* Accept on a closed port. */
    EXPECT_CLASS(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
}

/* Rank 0 opens a port and closes it; the others connect to it (refused), then to a port
 * number rank 0 never opened, then all of world tries to accept on rank 1's closed port. */
static void closed_ports(int rank, int size)
{
    char port[MPI_MAX_PORT_NAME] = "", never[MPI_MAX_PORT_NAME + 64];
    MPI_Comm c = MPI_COMM_WORLD;
    if (rank == 0) {
        CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
        CHECK_RC(MPI_Close_port(port));
    }
    CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, MPI_COMM_WORLD));
    snprintf(never, sizeof(never), "libmp-port:0:999999:%s", job_of(port));
    if (rank != 0) {
        EXPECT_CLASS(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
        MPT_CHECK(c == MPI_COMM_NULL, "a refused connect left a communicator");
        c = MPI_COMM_WORLD;
        EXPECT_CLASS(MPI_Comm_connect(never, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
        MPT_CHECK(c == MPI_COMM_NULL, "a refused connect left a communicator");
    }
    /* Collective: the whole world connects (root: the last rank) to rank 0's closed port;
     * rank 0 answers from inside the call. Every member fails alike. */
    c = MPI_COMM_WORLD;
    if (size > 1) {
        EXPECT_CLASS(MPI_Comm_connect(port, MPI_INFO_NULL, size - 1, MPI_COMM_WORLD, &c),
                     MPI_ERR_PORT);
        MPT_CHECK(c == MPI_COMM_NULL, "a failed collective connect left a communicator");
    }
    /* Accept by the whole world on a port the root does not own. */
    c = MPI_COMM_WORLD;
    EXPECT_CLASS(MPI_Comm_accept(port, MPI_INFO_NULL, size - 1, MPI_COMM_WORLD, &c), MPI_ERR_PORT);
    MPT_CHECK(c == MPI_COMM_NULL, "a failed accept left a communicator");
}

/* A connect to a rank that never opened a port is refused from inside its next MPI call (here
 * the barrier), not left waiting. */
static void never_opened(int rank, int size)
{
    if (rank == 0 && size > 1) {
        char port[MPI_MAX_PORT_NAME], other[MPI_MAX_PORT_NAME + 64];
        MPI_Comm c = MPI_COMM_WORLD;
        CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
        CHECK_RC(MPI_Close_port(port));
        snprintf(other, sizeof(other), "libmp-port:%d:1:%s", size - 1, job_of(port));
        EXPECT_CLASS(MPI_Comm_connect(other, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c), MPI_ERR_PORT);
        MPT_CHECK(c == MPI_COMM_NULL, "a refused connect left a communicator");
    }
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    never_opened(rank, size);
    name_errors(size);
    closed_ports(rank, size);
    /* The job still works. */
    int sum = 0;
    CHECK_RC(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    MPT_CHECK(sum == size * (size - 1) / 2, "allreduce after the errors: %d", sum);
    MPI_Finalize();
    return mpt_finish(rank);
}
