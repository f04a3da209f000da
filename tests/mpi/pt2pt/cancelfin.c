/*
 * Checks that cancelling a send whose receiver has matched it and entered MPI_Finalize returns:
 * the answer to the cancel must still come while that receiver waits in its closing fence. The
 * send is not cancelled (MPI_Test_cancelled false) and the message arrived whole.
 * Pairs of ranks (2k sends, 2k+1 receives and finalizes at once); a rank without a partner only
 * finalizes.
 */
#include <time.h>

#include "p2ptest.h"

#define TAG_MSG 11
#define TAG_GOT 12
#define NMSG 2

static const int sizes[NMSG] = {100, 24576}; /* one packet, several fragments (both eager) */

/* Gives the receiver time to reach its closing fence. */
static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void send_then_cancel(int rank, int partner)
{
    unsigned char *buf[NMSG];
    MPI_Request req[NMSG];
    for (int i = 0; i < NMSG; i++) {
        buf[i] = p2p_malloc((size_t)sizes[i]);
        p2p_fill(buf[i], (size_t)sizes[i], p2p_seed(rank, TAG_MSG, (uint64_t)i));
        P2P_MPI(MPI_Isend(buf[i], sizes[i], MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, &req[i]));
    }
    int got = -1;
    P2P_MPI(MPI_Recv(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    MPT_CHECK(got == NMSG, "the receiver reports %d messages, expected %d", got, NMSG);
    pause_ms(200);
    for (int i = 0; i < NMSG; i++) {
        MPI_Status st;
        int flag = -1;
        P2P_MPI(MPI_Cancel(&req[i]));
        P2P_MPI(MPI_Wait(&req[i], &st));
        P2P_MPI(MPI_Test_cancelled(&st, &flag));
        MPT_CHECK(flag == 0, "message %d (%d bytes) was received, yet its cancel succeeded", i,
                  sizes[i]);
        free(buf[i]);
    }
}

static void receive_all(int partner)
{
    int got = 0;
    for (int i = 0; i < NMSG; i++) {
        unsigned char *buf = p2p_malloc((size_t)sizes[i]);
        MPI_Status st;
        P2P_MPI(MPI_Recv(buf, sizes[i], MPI_BYTE, partner, TAG_MSG, MPI_COMM_WORLD, &st));
        if (p2p_status_is(&st, partner, TAG_MSG, sizes[i], "message") &&
            p2p_check(buf, (size_t)sizes[i], p2p_seed(partner, TAG_MSG, (uint64_t)i), "message")) {
            got++;
        }
        free(buf);
    }
    P2P_MPI(MPI_Send(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    if (partner > rank) {
        send_then_cancel(rank, partner);
    } else if (partner < rank) {
        receive_all(partner);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
