/*
 * Messages read ahead of the one a blocking receive wanted: rank 1 sends two small messages back
 * to back, then sleeps; rank 0's blocking receive of the first may read both from the wire at
 * once (tcp's fast path does, on the connection that delivered last: a warm-up message makes
 * it that one). Rank 0 then starts sends too large for the wire to take while rank 1 sleeps,
 * and receives the second message: it arrived long ago, so the receive must complete at once,
 * not when rank 1 wakes and drains the sends (a tcp connection whose socket was emptied by the
 * read-ahead gets no further readiness event for it). Rounds with a growing number of messages
 * read ahead. Every value and status is checked.
 * Usage: readahead [rounds]   (2 ranks; run over tcp, MP_TCP_ONLY=1 or across hosts)
 */
#include "p2ptest.h"

#define NAP_S 1.5     /* rank 1's sleep: the receive must take far less */
#define LATE_S 0.75   /* a receive slower than this waited for the sleeper */
#define BIG (2 << 20) /* eager over tcp (MP_TCP_EAGER_LIMIT) */
#define NBIG 8        /* more than the sockets' buffers take while rank 1 sleeps */
#define TAG_BIG 7
#define TAG_GO 8

/* Rank 1: a warm-up and k small messages, then a nap outside MPI, then the big ones and the
 * go-ahead. */
static void sender(int k, char *big)
{
    P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_GO, MPI_COMM_WORLD));
    for (int i = 0; i < k; i++) {
        uint64_t v = (uint64_t)k * 1000 + (uint64_t)i;
        P2P_MPI(MPI_Send(&v, 1, MPI_UINT64_T, 0, i, MPI_COMM_WORLD));
    }
    mpt_sleep_ms((long)(NAP_S * 1000));
    for (int j = 0; j < NBIG; j++) {
        MPI_Status st;
        P2P_MPI(MPI_Recv(big, BIG, MPI_BYTE, 0, TAG_BIG, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, 0, TAG_BIG, BIG, "a big message");
        p2p_check(big, BIG, p2p_seed(0, TAG_BIG, (uint64_t)(k * NBIG + j)), "a big message");
    }
    P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_GO, MPI_COMM_WORLD));
}

/* Rank 0: the first message blocking, the big sends started, then the others, each at once. */
static void receiver(int k, char *big)
{
    P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    mpt_sleep_ms(200); /* all k messages are on the wire by now */
    MPI_Request reqs[NBIG];
    for (int i = 0; i < k; i++) {
        uint64_t v = 0;
        MPI_Status st;
        double t0 = p2p_now();
        P2P_MPI(MPI_Recv(&v, 1, MPI_UINT64_T, 1, i, MPI_COMM_WORLD, &st));
        double took = p2p_now() - t0;
        p2p_status_is(&st, 1, i, (int)sizeof(v), "a small message");
        MPT_CHECK(v == (uint64_t)k * 1000 + (uint64_t)i, "round %d message %d: value %llu", k, i,
                  (unsigned long long)v);
        MPT_CHECK(took < LATE_S,
                  "round %d message %d: the receive took %.2f s (the sender naps "
                  "%.1f s): it waited for the nap to end",
                  k, i, took, NAP_S);
        for (int j = 0; i == 0 && j < NBIG; j++) {
            char *b = big + (size_t)j * BIG;
            p2p_fill(b, BIG, p2p_seed(0, TAG_BIG, (uint64_t)(k * NBIG + j)));
            P2P_MPI(MPI_Isend(b, BIG, MPI_BYTE, 1, TAG_BIG, MPI_COMM_WORLD, &reqs[j]));
        }
    }
    P2P_MPI(MPI_Waitall(NBIG, reqs, MPI_STATUSES_IGNORE));
    P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int rounds = argc > 1 ? (int)mpt_parse_long(argv[1], "rounds") : 2;
    if (size != 2) {
        if (rank == 0) {
            fprintf(stderr, "readahead: needs exactly 2 ranks\n");
        }
        MPI_Finalize();
        return 2;
    }
    char *big = p2p_malloc((size_t)BIG * NBIG);
    for (int k = 2; k < 2 + rounds; k++) {
        if (rank == 0) {
            receiver(k, big);
        } else {
            sender(k, big);
        }
    }
    free(big);
    MPI_Finalize();
    return mpt_finish(rank);
}
