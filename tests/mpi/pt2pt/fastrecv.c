/*
 * Blocking receives from a named source, the case that libmp serves without a request when
 * nothing else could match first: every way the next message may not be the one received
 * (another tag, another communicator, a posted wildcard receive, a synchronous send, queued
 * sends of the receiver, a type with a gap in front) must still give the standard's answer.
 * Ranks work in pairs (2k, 2k+1); with an odd count the last rank is its own partner.
 * Usage: fastrecv [iterations]
 */
#include "p2ptest.h"

#define TAG_A 11
#define TAG_B 12
#define MAX_SMALL 8192
#define QUEUED_MSGS 100
#define QUEUED_BYTES 4096

static int rank, size, partner;
static bool first; /* the lower rank of the pair (or a rank alone) */

/* Sends with a nonblocking send and waits after the caller's receive, so that a rank that is
 * its own partner does not block on itself. */
static MPI_Request isend_pattern(void *buf, int n, int tag, uint64_t seq, MPI_Comm comm)
{
    MPI_Request req;

    p2p_fill(buf, (size_t)n, p2p_seed(rank, tag, seq));
    P2P_MPI(MPI_Isend(buf, n, MPI_BYTE, partner, tag, comm, &req));
    return req;
}

/* Receives n bytes (buffer of cap bytes) from the partner and checks data, guard and status. */
static void recv_check(unsigned char *buf, int n, int cap, int tag, int want_tag, uint64_t seq,
                       MPI_Comm comm, int src_in_comm, const char *what)
{
    MPI_Status st;

    p2p_guard_set(buf, (size_t)cap);
    memset(buf, 0, (size_t)cap);
    p2p_status_poison(&st);
    P2P_MPI(MPI_Recv(buf, cap, MPI_BYTE, src_in_comm, tag, comm, &st));
    p2p_status_is(&st, src_in_comm, want_tag, n, what);
    p2p_check(buf, (size_t)n, p2p_seed(partner, want_tag, seq), what);
    for (int i = n; i < cap; i++) {
        if (buf[i] != 0) {
            mpt_fail(__FILE__, __LINE__, "%s: byte %d after the message was written", what, i);
            break;
        }
    }
    p2p_guard_check(buf, (size_t)cap, what);
}

/* Ping-pong of every small size: the plain case. */
static void pingpong(int iters, unsigned char *sbuf, unsigned char *rbuf)
{
    for (int it = 0; it < iters; it++) {
        for (int n = 0; n <= MAX_SMALL; n = n < 64 ? n + 1 : n * 2) {
            uint64_t seq = (uint64_t)it * 100000 + (uint64_t)n;
            if (first) {
                MPI_Request req = isend_pattern(sbuf, n, TAG_A, seq, MPI_COMM_WORLD);
                recv_check(rbuf, n, n + 8, TAG_A, TAG_A, seq, MPI_COMM_WORLD, partner, "pong");
                P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
            } else {
                recv_check(rbuf, n, n + 8, TAG_A, TAG_A, seq, MPI_COMM_WORLD, partner, "ping");
                MPI_Request req = isend_pattern(sbuf, n, TAG_A, seq, MPI_COMM_WORLD);
                P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
            }
        }
    }
}

/* The next message has another tag: the receive takes the later one, then the earlier. */
static void other_tag_first(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request r[2];

    r[0] = isend_pattern(sbuf, 40, TAG_A, 1, MPI_COMM_WORLD);
    r[1] = isend_pattern(sbuf + 64, 24, TAG_B, 2, MPI_COMM_WORLD);
    recv_check(rbuf, 24, 64, TAG_B, TAG_B, 2, MPI_COMM_WORLD, partner, "other tag first: B");
    recv_check(rbuf, 40, 64, TAG_A, TAG_A, 1, MPI_COMM_WORLD, partner, "other tag first: A");
    P2P_MPI(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
    /* MPI_ANY_TAG from a named source: arrival order. */
    r[0] = isend_pattern(sbuf, 8, TAG_B, 3, MPI_COMM_WORLD);
    r[1] = isend_pattern(sbuf + 64, 16, TAG_A, 4, MPI_COMM_WORLD);
    recv_check(rbuf, 8, 64, MPI_ANY_TAG, TAG_B, 3, MPI_COMM_WORLD, partner, "any tag: first");
    recv_check(rbuf, 16, 64, MPI_ANY_TAG, TAG_A, 4, MPI_COMM_WORLD, partner, "any tag: second");
    P2P_MPI(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
}

/* A wildcard receive posted before the blocking one takes the first message. */
static void posted_wildcard(unsigned char *sbuf, unsigned char *rbuf)
{
    unsigned char wbuf[64 + P2P_GUARD_BYTES];
    MPI_Request w, r[2];
    MPI_Status st;

    P2P_MPI(MPI_Irecv(wbuf, 64, MPI_BYTE, MPI_ANY_SOURCE, TAG_A, MPI_COMM_WORLD, &w));
    /* Both ranks have posted before either sends: the wildcard receive must take seq 5. */
    p2p_barrier(MPI_COMM_WORLD);
    r[0] = isend_pattern(sbuf, 32, TAG_A, 5, MPI_COMM_WORLD);
    r[1] = isend_pattern(sbuf + 64, 33, TAG_A, 6, MPI_COMM_WORLD);
    recv_check(rbuf, 33, 64, TAG_A, TAG_A, 6, MPI_COMM_WORLD, partner, "after a posted wildcard");
    P2P_MPI(MPI_Wait(&w, &st));
    /* Only the partner (or the rank itself, alone) sends to this rank. */
    p2p_status_is(&st, partner, TAG_A, 32, "posted wildcard");
    p2p_check(wbuf, 32, p2p_seed(partner, TAG_A, 5), "posted wildcard");
    P2P_MPI(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
    p2p_barrier(MPI_COMM_WORLD);
}

/* The next message is on another communicator; then a communicator whose ranks are numbered
 * backwards, so that its ranks differ from the job's. */
static void other_comm(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Comm dup, rev;
    MPI_Request r[2];
    int rev_rank, rev_partner;

    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    r[0] = isend_pattern(sbuf, 20, TAG_A, 7, dup);
    r[1] = isend_pattern(sbuf + 64, 21, TAG_A, 8, MPI_COMM_WORLD);
    recv_check(rbuf, 21, 64, TAG_A, TAG_A, 8, MPI_COMM_WORLD, partner, "world after dup's");
    recv_check(rbuf, 20, 64, TAG_A, TAG_A, 7, dup, partner, "dup");
    P2P_MPI(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
    P2P_MPI(MPI_Comm_free(&dup));

    P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, 0, size - rank, &rev));
    MPI_Comm_rank(rev, &rev_rank);
    MPT_CHECK(rev_rank == size - 1 - rank, "reversed rank %d, expected %d", rev_rank,
              size - 1 - rank);
    rev_partner = size - 1 - partner;
    p2p_fill(sbuf, 48, p2p_seed(rank, TAG_B, 9));
    P2P_MPI(MPI_Isend(sbuf, 48, MPI_BYTE, rev_partner, TAG_B, rev, &r[0]));
    recv_check(rbuf, 48, 64, TAG_B, TAG_B, 9, rev, rev_partner, "reversed communicator");
    P2P_MPI(MPI_Wait(&r[0], MPI_STATUS_IGNORE));
    P2P_MPI(MPI_Comm_free(&rev));
}

/* A synchronous send completes only once received: the receive must acknowledge it. */
static void sync_send(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request req;

    p2p_fill(sbuf, 16, p2p_seed(rank, TAG_A, 10));
    P2P_MPI(MPI_Issend(sbuf, 16, MPI_BYTE, partner, TAG_A, MPI_COMM_WORLD, &req));
    recv_check(rbuf, 16, 64, TAG_A, TAG_A, 10, MPI_COMM_WORLD, partner, "synchronous");
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
}

/* Both ranks send more than the channel holds, then receive: the receive must push its own
 * queued sends out while it waits, and take the messages in order. */
static void queued_sends(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Request req[QUEUED_MSGS];

    for (int i = 0; i < QUEUED_MSGS; i++) {
        req[i] = isend_pattern(sbuf + (size_t)i * QUEUED_BYTES, QUEUED_BYTES, TAG_A,
                               (uint64_t)(100 + i), MPI_COMM_WORLD);
    }
    for (int i = 0; i < QUEUED_MSGS; i++) {
        recv_check(rbuf, QUEUED_BYTES, QUEUED_BYTES, TAG_A, TAG_A, (uint64_t)(100 + i),
                   MPI_COMM_WORLD, partner, "queued sends");
    }
    P2P_MPI(MPI_Waitall(QUEUED_MSGS, req, MPI_STATUSES_IGNORE));
}

/* A type whose data starts 8 bytes into the buffer: those 8 bytes stay untouched. */
static void type_with_gap(unsigned char *sbuf, unsigned char *rbuf)
{
    MPI_Datatype t;
    MPI_Request req;
    MPI_Status st;
    int blocklen = 24, count = -1;
    MPI_Aint disp = 8;

    P2P_MPI(MPI_Type_create_hindexed(1, &blocklen, &disp, MPI_BYTE, &t));
    P2P_MPI(MPI_Type_commit(&t));
    p2p_fill(sbuf + 8, 24, p2p_seed(rank, TAG_B, 11));
    P2P_MPI(MPI_Isend(sbuf, 1, t, partner, TAG_B, MPI_COMM_WORLD, &req));
    memset(rbuf, 0x77, 40);
    P2P_MPI(MPI_Recv(rbuf, 1, t, partner, TAG_B, MPI_COMM_WORLD, &st));
    P2P_MPI(MPI_Get_count(&st, t, &count));
    MPT_CHECK(count == 1, "type with a gap: count %d, expected 1", count);
    p2p_check(rbuf + 8, 24, p2p_seed(partner, TAG_B, 11), "type with a gap");
    for (int i = 0; i < 40; i++) {
        if ((i < 8 || i >= 32) && rbuf[i] != 0x77) {
            mpt_fail(__FILE__, __LINE__, "type with a gap: byte %d outside the type written", i);
            break;
        }
    }
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    P2P_MPI(MPI_Type_free(&t));
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 3;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    first = rank <= partner;

    unsigned char *sbuf = p2p_malloc((size_t)QUEUED_MSGS * QUEUED_BYTES);
    unsigned char *rbuf = p2p_malloc((size_t)QUEUED_BYTES + MAX_SMALL + P2P_GUARD_BYTES);

    pingpong(iters, sbuf, rbuf);
    other_tag_first(sbuf, rbuf);
    posted_wildcard(sbuf, rbuf);
    other_comm(sbuf, rbuf);
    sync_send(sbuf, rbuf);
    queued_sends(sbuf, rbuf);
    type_with_gap(sbuf, rbuf);

    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
