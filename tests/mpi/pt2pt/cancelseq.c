/*
 * Checks that a cancel names its own message exactly: an older message of the sender that waits
 * unexpected at the receiver is never taken instead, even when the two sends used the same
 * request memory and were 65535 sends apart (the period of a 16-bit use counter, which told such
 * sends apart before). The cancelled send was matched already, so nothing is cancelled and both
 * messages arrive whole. Pairs of ranks (2k sends, 2k+1 receives); a rank without a partner
 * only finalizes.
 */
#include "p2ptest.h"

#define TAG_OLD 21
#define TAG_FILL 22
#define TAG_NEW 23
#define TAG_GOT 24
#define NFILL 65534 /* sends between the old message and the new one, less one */
#define LEN 64

static void sender(int rank, int partner)
{
    unsigned char old[LEN], msg[LEN];
    MPI_Request req;
    p2p_fill(old, LEN, p2p_seed(rank, TAG_OLD, 0));
    p2p_fill(msg, LEN, p2p_seed(rank, TAG_NEW, 0));
    /* Each send completes at once (eager) and its request goes back for reuse. */
    P2P_MPI(MPI_Isend(old, LEN, MPI_BYTE, partner, TAG_OLD, MPI_COMM_WORLD, &req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    for (int i = 0; i < NFILL; i++) {
        P2P_MPI(MPI_Isend(NULL, 0, MPI_BYTE, partner, TAG_FILL, MPI_COMM_WORLD, &req));
        P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    }
    P2P_MPI(MPI_Isend(msg, LEN, MPI_BYTE, partner, TAG_NEW, MPI_COMM_WORLD, &req));
    int got = 0;
    P2P_MPI(MPI_Recv(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    MPI_Status st;
    int flag = -1;
    P2P_MPI(MPI_Cancel(&req));
    P2P_MPI(MPI_Wait(&req, &st));
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    MPT_CHECK(flag == 0, "the receiver has the message, yet its cancel succeeded");
    P2P_MPI(MPI_Send(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD));
}

static void receive_one(int partner, int tag, const char *what)
{
    unsigned char buf[LEN];
    MPI_Status st;
    P2P_MPI(MPI_Recv(buf, LEN, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &st));
    if (p2p_status_is(&st, partner, tag, LEN, what)) {
        p2p_check(buf, LEN, p2p_seed(partner, tag, 0), what);
    }
}

static void receiver(int partner)
{
    for (int i = 0; i < NFILL; i++) {
        MPI_Status st;
        P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, partner, TAG_FILL, MPI_COMM_WORLD, &st));
    }
    receive_one(partner, TAG_NEW, "the new message");
    int got = 1;
    P2P_MPI(MPI_Send(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD));
    P2P_MPI(MPI_Recv(&got, 1, MPI_INT, partner, TAG_GOT, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    /* The older message waited unexpected all along: the cancel must have left it alone. */
    int there = 0;
    P2P_MPI(MPI_Iprobe(partner, TAG_OLD, MPI_COMM_WORLD, &there, MPI_STATUS_IGNORE));
    MPT_CHECK(there, "the older message is gone: the cancel of the newer one took it");
    if (there) {
        receive_one(partner, TAG_OLD, "the older message");
    }
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
        sender(rank, partner);
    } else if (partner < rank) {
        receiver(partner);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
