/*
 * Checks MPI_Comm_join: ranks pair up (0-1, 2-3, ...; an odd last rank waits), the even one
 * listens on a TCP loopback port that it sends to the odd one with MPI_Send, the odd one
 * connects, and both join over the socket twice (it stays theirs), checking the
 * intercommunicator (sizes, the remote world rank, traffic both ways) and disconnecting it.
 * Errors (MPI_ERRORS_RETURN): a socket whose other end writes garbage or closes, a bad fd.
 * "join listen FILE" and "join dial FILE" (1 rank each, two jobs: tests/mpi/launcher/
 * join_jobs.sh) join over a socket between two jobs, which both sides refuse (MPI_ERR_OTHER).
 */
#include <arpa/inet.h>
#include <mpi.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../env/mptest.h"

#define N 1000

/* The even rank of a pair: listens, tells the port, accepts. */
static int serve(int partner)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    MPT_CHECK(l >= 0, "socket failed");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    MPT_CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
                  getsockname(l, (struct sockaddr *)&a, &alen) == 0,
              "cannot listen on loopback");
    int port = ntohs(a.sin_port);
    CHECK_RC(MPI_Send(&port, 1, MPI_INT, partner, 0, MPI_COMM_WORLD));
    int fd = accept(l, NULL, NULL);
    MPT_CHECK(fd >= 0, "accept failed");
    close(l);
    return fd;
}

/* The odd rank of a pair: connects to the port the even one sent. */
static int dial(int partner)
{
    int port = -1;
    CHECK_RC(MPI_Recv(&port, 1, MPI_INT, partner, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    MPT_CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0,
              "cannot connect to loopback port %d", port);
    return fd;
}

static void check_joined(MPI_Comm inter, int rank, int partner, int round)
{
    int lsize = 0, rsize = 0, flag = 0;
    CHECK_RC(MPI_Comm_test_inter(inter, &flag));
    CHECK_RC(MPI_Comm_size(inter, &lsize));
    CHECK_RC(MPI_Comm_remote_size(inter, &rsize));
    MPT_CHECK(flag && lsize == 1 && rsize == 1, "round %d: inter %d sizes %d and %d", round, flag,
              lsize, rsize);
    /* The remote group is the partner. */
    MPI_Group rg, wg;
    int zero = 0, w = -1;
    CHECK_RC(MPI_Comm_remote_group(inter, &rg));
    CHECK_RC(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    CHECK_RC(MPI_Group_translate_ranks(rg, 1, &zero, wg, &w));
    MPT_CHECK(w == partner, "round %d: the remote process is world rank %d, expected %d", round, w,
              partner);
    MPI_Group_free(&rg);
    MPI_Group_free(&wg);
    int *out = malloc(N * sizeof(int)), *in = malloc(N * sizeof(int));
    for (int i = 0; i < N; i++) {
        out[i] = rank * 100000 + round * 10000 + i;
        in[i] = -1;
    }
    CHECK_RC(MPI_Sendrecv(out, N, MPI_INT, 0, round, in, N, MPI_INT, 0, round, inter,
                          MPI_STATUS_IGNORE));
    for (int i = 0; i < N; i++) {
        if (in[i] != partner * 100000 + round * 10000 + i) {
            MPT_CHECK(0, "round %d: element %d is %d, expected %d", round, i, in[i],
                      partner * 100000 + round * 10000 + i);
            break;
        }
    }
    free(out);
    free(in);
}

static void errors(void)
{
    int sv[2];
    MPI_Comm c = MPI_COMM_WORLD;
    char junk[1024];
    memset(junk, 'j', sizeof(junk));
    /* The other end writes something that is no libmp hello. */
    MPT_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair failed");
    MPT_CHECK(write(sv[1], junk, sizeof(junk)) == (ssize_t)sizeof(junk), "write failed");
    EXPECT_CLASS(MPI_Comm_join(sv[0], &c), MPI_ERR_OTHER);
    MPT_CHECK(c == MPI_COMM_NULL, "a failed join left a communicator");
    close(sv[0]);
    close(sv[1]);
    /* The other end closes at once. */
    MPT_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair failed");
    close(sv[1]);
    c = MPI_COMM_WORLD;
    EXPECT_CLASS(MPI_Comm_join(sv[0], &c), MPI_ERR_OTHER);
    MPT_CHECK(c == MPI_COMM_NULL, "a failed join left a communicator");
    close(sv[0]);
    EXPECT_CLASS(MPI_Comm_join(-1, &c), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Comm_join(0, NULL), MPI_ERR_ARG);
}

/* Two jobs: the listener writes its loopback port to file (whole, by a rename); the dialer
 * waits for it and connects. Both must fail to join. */
static void other_job(int listen_side, const char *file)
{
    int fd = -1;
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    if (listen_side) {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t alen = sizeof(a);
        MPT_CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
                      getsockname(l, (struct sockaddr *)&a, &alen) == 0,
                  "cannot listen on loopback");
        FILE *f = fopen(tmp, "w");
        MPT_CHECK(f != NULL, "cannot write %s", tmp);
        fprintf(f, "%d\n", ntohs(a.sin_port));
        fclose(f);
        MPT_CHECK(rename(tmp, file) == 0, "cannot rename %s", tmp);
        fd = accept(l, NULL, NULL);
        close(l);
    } else {
        int port = -1;
        for (int i = 0; i < 6000 && port < 0; i++) {
            FILE *f = fopen(file, "r");
            if (f != NULL) {
                if (fscanf(f, "%d", &port) != 1) {
                    port = -1;
                }
                fclose(f);
            } else {
                mpt_sleep_ms(10);
            }
        }
        MPT_CHECK(port > 0, "no port in %s", file);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        MPT_CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0,
                  "cannot connect to loopback port %d", port);
    }
    MPT_CHECK(fd >= 0, "no connection");
    MPI_Comm c = MPI_COMM_WORLD;
    EXPECT_CLASS(MPI_Comm_join(fd, &c), MPI_ERR_OTHER);
    MPT_CHECK(c == MPI_COMM_NULL, "a join across jobs left a communicator");
    close(fd);
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
    if (argc > 2) {
        other_job(argv[1][0] == 'l', argv[2]);
        MPI_Finalize();
        return mpt_finish(rank);
    }
    int partner = rank ^ 1;
    if (partner < size) {
        int fd = rank % 2 == 0 ? serve(partner) : dial(partner);
        for (int round = 0; round < 2; round++) {
            MPI_Comm inter = MPI_COMM_NULL;
            CHECK_RC(MPI_Comm_join(fd, &inter));
            check_joined(inter, rank, partner, round);
            CHECK_RC(MPI_Comm_disconnect(&inter));
        }
        close(fd);
    }
    errors();
    CHECK_RC(MPI_Barrier(MPI_COMM_WORLD));
    MPI_Finalize();
    return mpt_finish(rank);
}
