/*
 * Checks MPI_Publish_name, MPI_Lookup_name and MPI_Unpublish_name between ranks: every rank
 * publishes a name of its own that every other finds with its value; rank 0 publishes the port
 * of a server that the other ranks find by name and connect to (traffic checked); errors under
 * MPI_ERRORS_RETURN: an unpublished name (MPI_ERR_NAME), a name published twice, unpublished by
 * another rank or with another port (MPI_ERR_SERVICE), bad arguments.
 * With "nonames" (jobs on several hosts, where libmp's mpirun keeps no names) it checks that
 * every call says so (MPI_ERR_UNSUPPORTED_OPERATION) instead.
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "../env/mptest.h"

static void own_names(int rank, int size)
{
    char svc[64], port[MPI_MAX_PORT_NAME], want[64];
    snprintf(svc, sizeof(svc), "pubname-svc-%d", rank);
    snprintf(want, sizeof(want), "value of rank %d", rank);
    CHECK_RC(MPI_Publish_name(svc, MPI_INFO_NULL, want));
    /* Published twice, by itself or by the next rank. */
    EXPECT_CLASS(MPI_Publish_name(svc, MPI_INFO_NULL, "again"), MPI_ERR_SERVICE);
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    for (int r = 0; r < size; r++) {
        snprintf(svc, sizeof(svc), "pubname-svc-%d", r);
        snprintf(want, sizeof(want), "value of rank %d", r);
        memset(port, 'x', sizeof(port));
        CHECK_RC(MPI_Lookup_name(svc, MPI_INFO_NULL, port));
        MPT_CHECK(strcmp(port, want) == 0, "lookup of \"%s\" gave \"%.40s\", expected \"%s\"", svc,
                  port, want);
        if (r != rank) {
            /* Only the publisher may withdraw it. */
            EXPECT_CLASS(MPI_Unpublish_name(svc, MPI_INFO_NULL, want), MPI_ERR_SERVICE);
            EXPECT_CLASS(MPI_Publish_name(svc, MPI_INFO_NULL, "mine now"), MPI_ERR_SERVICE);
        }
    }
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    snprintf(svc, sizeof(svc), "pubname-svc-%d", rank);
    snprintf(want, sizeof(want), "value of rank %d", rank);
    EXPECT_CLASS(MPI_Unpublish_name(svc, MPI_INFO_NULL, "another port"), MPI_ERR_SERVICE);
    CHECK_RC(MPI_Unpublish_name(svc, MPI_INFO_NULL, want));
    EXPECT_CLASS(MPI_Unpublish_name(svc, MPI_INFO_NULL, want), MPI_ERR_SERVICE);
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    for (int r = 0; r < size; r++) {
        snprintf(svc, sizeof(svc), "pubname-svc-%d", r);
        EXPECT_CLASS(MPI_Lookup_name(svc, MPI_INFO_NULL, port), MPI_ERR_NAME);
    }
}

/* Rank 0 serves under a name; the others find it and connect together. */
static void server_by_name(int rank, int size)
{
    char port[MPI_MAX_PORT_NAME] = "", found[MPI_MAX_PORT_NAME] = "";
    MPI_Comm clients, inter;
    CHECK_RC(MPI_Comm_split(MPI_COMM_WORLD, rank == 0, rank, &clients));
    if (rank == 0) {
        CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
        CHECK_RC(MPI_Publish_name("pubname-server", MPI_INFO_NULL, port));
    }
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    if (rank == 0) {
        CHECK_RC(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter));
    } else {
        CHECK_RC(MPI_Lookup_name("pubname-server", MPI_INFO_NULL, found));
        CHECK_RC(MPI_Comm_connect(found, MPI_INFO_NULL, 0, clients, &inter));
    }
    int rsize = 0;
    CHECK_RC(MPI_Comm_remote_size(inter, &rsize));
    MPT_CHECK(rsize == (rank == 0 ? size - 1 : 1), "remote size %d", rsize);
    /* Rank 0 sends each client its world rank squared; the clients answer with it plus one. */
    if (rank == 0) {
        for (int r = 0; r < rsize; r++) {
            int v = (r + 1) * (r + 1), back = -1;
            CHECK_RC(MPI_Send(&v, 1, MPI_INT, r, 5, inter));
            CHECK_RC(MPI_Recv(&back, 1, MPI_INT, r, 6, inter, MPI_STATUS_IGNORE));
            MPT_CHECK(back == v + 1, "client %d answered %d, expected %d", r, back, v + 1);
        }
        CHECK_RC(MPI_Unpublish_name("pubname-server", MPI_INFO_NULL, port));
    } else {
        int v = -1;
        CHECK_RC(MPI_Recv(&v, 1, MPI_INT, 0, 5, inter, MPI_STATUS_IGNORE));
        MPT_CHECK(v == rank * rank, "got %d, expected %d", v, rank * rank);
        v++;
        CHECK_RC(MPI_Send(&v, 1, MPI_INT, 0, 6, inter));
    }
    CHECK_RC(MPI_Comm_disconnect(&inter));
    CHECK_RC(MPI_Comm_free(&clients));
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    if (rank == 0) {
        CHECK_RC(MPI_Close_port(port));
    }
}

static void arg_errors(void)
{
    char port[MPI_MAX_PORT_NAME];
    EXPECT_CLASS(MPI_Publish_name(NULL, MPI_INFO_NULL, "p"), MPI_ERR_SERVICE);
    EXPECT_CLASS(MPI_Publish_name("", MPI_INFO_NULL, "p"), MPI_ERR_SERVICE);
    EXPECT_CLASS(MPI_Publish_name("s", MPI_INFO_NULL, NULL), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Lookup_name(NULL, MPI_INFO_NULL, port), MPI_ERR_NAME);
    EXPECT_CLASS(MPI_Lookup_name("s", MPI_INFO_NULL, NULL), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Lookup_name("pubname-never-published", MPI_INFO_NULL, port), MPI_ERR_NAME);
    EXPECT_CLASS(MPI_Unpublish_name("pubname-never-published", MPI_INFO_NULL, "p"),
                 MPI_ERR_SERVICE);
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
    if (argc > 1 && strcmp(argv[1], "nonames") == 0) {
        char port[MPI_MAX_PORT_NAME];
        EXPECT_CLASS(MPI_Publish_name("s", MPI_INFO_NULL, "p"), MPI_ERR_UNSUPPORTED_OPERATION);
        EXPECT_CLASS(MPI_Lookup_name("s", MPI_INFO_NULL, port), MPI_ERR_UNSUPPORTED_OPERATION);
    } else {
        arg_errors();
        own_names(rank, size);
        if (size > 1) {
            server_by_name(rank, size);
        }
    }
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    MPI_Finalize();
    return mpt_finish(rank);
}
