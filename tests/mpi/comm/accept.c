/*
 * Checks MPI_Open_port, MPI_Comm_accept, MPI_Comm_connect and MPI_Comm_disconnect in one job
 * split in a "server" half (the lower ranks) and a "client" half: several rounds over one port,
 * each with traffic both ways between every pair of the two groups (every value checked), then
 * every client rank connects on its own at once to one port, and the server accepts each once.
 * With one rank it only opens and closes ports.
 */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

#define ROUNDS 3

static int value(int round, int from_world, int to_world)
{
    return round * 1000003 + from_world * 1009 + to_world;
}

/* Every rank sends to every rank of the remote group and receives from each; checks the
 * values, the sources and the sizes of the groups. */
static void traffic(MPI_Comm inter, int round, int want_local, int want_remote)
{
    int flag = 0, lsize = 0, rsize = 0, wrank = 0;
    CHECK_RC(MPI_Comm_test_inter(inter, &flag));
    MPT_CHECK(flag, "round %d: the result is not an intercommunicator", round);
    CHECK_RC(MPI_Comm_size(inter, &lsize));
    CHECK_RC(MPI_Comm_remote_size(inter, &rsize));
    MPT_CHECK(lsize == want_local && rsize == want_remote,
              "round %d: local size %d remote size %d, expected %d and %d", round, lsize, rsize,
              want_local, want_remote);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    /* The world ranks of the remote group, as it tells them. */
    int *rworld = malloc(sizeof(int) * (size_t)rsize);
    int *out = malloc(sizeof(int) * (size_t)rsize);
    int *in = malloc(sizeof(int) * (size_t)rsize);
    MPI_Request *reqs = malloc(sizeof(MPI_Request) * 2 * (size_t)rsize);
    for (int r = 0; r < rsize; r++) {
        CHECK_RC(MPI_Irecv(&rworld[r], 1, MPI_INT, r, 1, inter, &reqs[r]));
        CHECK_RC(MPI_Isend(&wrank, 1, MPI_INT, r, 1, inter, &reqs[rsize + r]));
    }
    CHECK_RC(MPI_Waitall(2 * rsize, reqs, MPI_STATUSES_IGNORE));
    for (int r = 0; r < rsize; r++) {
        out[r] = value(round, wrank, rworld[r]);
        in[r] = -1;
        CHECK_RC(MPI_Irecv(&in[r], 1, MPI_INT, r, 2, inter, &reqs[r]));
        CHECK_RC(MPI_Isend(&out[r], 1, MPI_INT, r, 2, inter, &reqs[rsize + r]));
    }
    MPI_Status *st = malloc(sizeof(MPI_Status) * 2 * (size_t)rsize);
    CHECK_RC(MPI_Waitall(2 * rsize, reqs, st));
    for (int r = 0; r < rsize; r++) {
        MPT_CHECK(in[r] == value(round, rworld[r], wrank),
                  "round %d: from remote rank %d (world %d) got %d, expected %d", round, r,
                  rworld[r], in[r], value(round, rworld[r], wrank));
        MPT_CHECK(st[r].MPI_SOURCE == r, "round %d: source %d, expected %d", round,
                  st[r].MPI_SOURCE, r);
    }
    /* A collective across the two groups: the sum of the remote world ranks. */
    int sum = 0, want = 0;
    for (int r = 0; r < rsize; r++) {
        want += rworld[r];
    }
    CHECK_RC(MPI_Allreduce(&wrank, &sum, 1, MPI_INT, MPI_SUM, inter));
    MPT_CHECK(sum == want, "round %d: allreduce over the intercommunicator %d, expected %d", round,
              sum, want);
    free(st);
    free(reqs);
    free(in);
    free(out);
    free(rworld);
}

/* Rounds of accept/connect by the two halves over one port. */
static void halves(int rank, int size, MPI_Comm half, int is_server)
{
    int nserver = size / 2, nclient = size - size / 2;
    char port[MPI_MAX_PORT_NAME] = "";
    if (rank == 0) {
        CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
        MPT_CHECK(strlen(port) > 0 && strlen(port) < MPI_MAX_PORT_NAME, "port name \"%s\"", port);
    }
    /* Only the client's root needs the name; every client rank gets it to show that the
     * other ranks' port_name is ignored. */
    CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, MPI_COMM_WORLD));
    for (int round = 0; round < ROUNDS; round++) {
        MPI_Comm inter = MPI_COMM_NULL;
        /* The client's root moves from round to round. */
        int croot = round % nclient;
        if (is_server) {
            CHECK_RC(MPI_Comm_accept(rank == 0 ? port : NULL, MPI_INFO_NULL, 0, half, &inter));
            traffic(inter, round, nserver, nclient);
        } else {
            CHECK_RC(MPI_Comm_connect(port, MPI_INFO_NULL, croot, half, &inter));
            traffic(inter, round, nclient, nserver);
        }
        CHECK_RC(MPI_Comm_disconnect(&inter));
        MPT_CHECK(inter == MPI_COMM_NULL, "round %d: disconnect left a handle", round);
    }
    /* Every client rank connects alone at once; the server's root accepts one per call. */
    int *seen = calloc((size_t)size, sizeof(int));
    int hrank = 0;
    MPI_Comm_rank(half, &hrank);
    if (is_server) {
        if (hrank == 0) {
            for (int i = 0; i < nclient; i++) {
                MPI_Comm inter = MPI_COMM_NULL;
                int who = -1;
                CHECK_RC(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter));
                CHECK_RC(MPI_Recv(&who, 1, MPI_INT, 0, 3, inter, MPI_STATUS_IGNORE));
                MPT_CHECK(who >= nserver && who < size && !seen[who],
                          "accept %d: client world rank %d (twice, or not a client)", i, who);
                if (who >= 0 && who < size) {
                    seen[who] = 1;
                }
                int back = who * 7;
                CHECK_RC(MPI_Send(&back, 1, MPI_INT, 0, 4, inter));
                CHECK_RC(MPI_Comm_disconnect(&inter));
            }
        }
    } else {
        MPI_Comm inter = MPI_COMM_NULL;
        int back = -1;
        CHECK_RC(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter));
        CHECK_RC(MPI_Send(&rank, 1, MPI_INT, 0, 3, inter));
        CHECK_RC(MPI_Recv(&back, 1, MPI_INT, 0, 4, inter, MPI_STATUS_IGNORE));
        MPT_CHECK(back == rank * 7, "lone connect: got %d, expected %d", back, rank * 7);
        CHECK_RC(MPI_Comm_disconnect(&inter));
    }
    free(seen);
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    if (rank == 0) {
        CHECK_RC(MPI_Close_port(port));
    }
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

    /* Ports are distinct while open. */
    char a[MPI_MAX_PORT_NAME], b[MPI_MAX_PORT_NAME];
    CHECK_RC(MPI_Open_port(MPI_INFO_NULL, a));
    CHECK_RC(MPI_Open_port(MPI_INFO_NULL, b));
    MPT_CHECK(strcmp(a, b) != 0, "two open ports have one name \"%s\"", a);
    CHECK_RC(MPI_Close_port(a));
    CHECK_RC(MPI_Close_port(b));

    if (size >= 2) {
        int is_server = rank < size / 2;
        MPI_Comm half;
        CHECK_RC(MPI_Comm_split(MPI_COMM_WORLD, is_server ? 0 : 1, rank, &half));
        MPI_Comm_set_errhandler(half, MPI_ERRORS_RETURN);
        halves(rank, size, half, is_server);
        CHECK_RC(MPI_Comm_free(&half));
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
