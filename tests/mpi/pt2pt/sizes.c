/*
 * Checks every message size from 0 bytes up to a maximum (0, 1, 2, 3, then 2^k - 1, 2^k, 2^k + 1)
 * with Send/Recv, Isend/Irecv, Ssend, Rsend, Sendrecv and Sendrecv_replace, between all pairs
 * (ring shifts 1..n-1): every byte received and the bytes after it. Usage: sizes [max] [modes].
 */
#include "p2ptest.h"

enum mode { M_SEND, M_ISEND, M_SSEND, M_RSEND, M_SENDRECV, M_REPLACE, M_COUNT };

static const char *const mode_names[M_COUNT] = {"send",  "isend",    "ssend",
                                                "rsend", "sendrecv", "replace"};

/* The tag of the messages of one size, so that a message of another size never matches. */
static int size_tag(int index)
{
    return 1000 + index;
}

/*
 * The position of 'rank' in its cycle of the permutation r -> (r + shift) % n, counted from the
 * cycle's smallest member. Blocking modes send first at even positions and receive first at odd
 * ones, which cannot deadlock even when the cycle length is odd.
 */
static int cycle_position(int rank, int shift, int n)
{
    int x = rank, steps = 0, min = rank, min_steps = 0;

    do {
        x = (x + shift) % n;
        steps++;
        if (x < min) {
            min = x;
            min_steps = steps;
        }
    } while (x != rank);
    return (steps - min_steps) % steps;
}

/*
 * Sends 'bytes' bytes of pattern to dest and receives as many from src with one mode. The receive
 * buffer has room for more than the message (except for Sendrecv_replace, which has one buffer),
 * so Get_count and the untouched bytes after the message are checked too.
 */
static void exchange(enum mode mode, size_t bytes, int index, int dest, int src, int send_first,
                     unsigned char *sbuf, unsigned char *rbuf, int rank)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int tag = size_tag(index), count = (int)bytes;
    int rcount = mode == M_REPLACE ? count : count + 16;
    MPI_Request reqs[2];
    MPI_Status st;
    char what[128];

    p2p_fill(sbuf, bytes, p2p_seed(rank, tag, bytes));
    memset(rbuf, 0xee, bytes + 16);
    p2p_guard_set(rbuf, bytes + 16);
    p2p_status_poison(&st);

    switch (mode) {
    case M_SEND:
    case M_SSEND:
        if (send_first) {
            if (mode == M_SEND) {
                P2P_MPI(MPI_Send(sbuf, count, MPI_BYTE, dest, tag, comm));
            } else {
                P2P_MPI(MPI_Ssend(sbuf, count, MPI_BYTE, dest, tag, comm));
            }
            P2P_MPI(MPI_Recv(rbuf, rcount, MPI_BYTE, src, tag, comm, &st));
        } else {
            P2P_MPI(MPI_Recv(rbuf, rcount, MPI_BYTE, src, tag, comm, &st));
            if (mode == M_SEND) {
                P2P_MPI(MPI_Send(sbuf, count, MPI_BYTE, dest, tag, comm));
            } else {
                P2P_MPI(MPI_Ssend(sbuf, count, MPI_BYTE, dest, tag, comm));
            }
        }
        break;
    case M_ISEND:
        P2P_MPI(MPI_Irecv(rbuf, rcount, MPI_BYTE, src, tag, comm, &reqs[0]));
        P2P_MPI(MPI_Isend(sbuf, count, MPI_BYTE, dest, tag, comm, &reqs[1]));
        /* Wait for the send first: it must complete whatever the receive's progress. */
        P2P_MPI(MPI_Wait(&reqs[1], MPI_STATUS_IGNORE));
        P2P_MPI(MPI_Wait(&reqs[0], &st));
        MPT_CHECK(reqs[0] == MPI_REQUEST_NULL && reqs[1] == MPI_REQUEST_NULL,
                  "MPI_Wait left a request that is not MPI_REQUEST_NULL");
        break;
    case M_RSEND:
        /* The receive is posted before the sync message that allows src to send. */
        P2P_MPI(MPI_Irecv(rbuf, rcount, MPI_BYTE, src, tag, comm, &reqs[0]));
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, src, P2P_TAG_SYNC, comm));
        P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, dest, P2P_TAG_SYNC, comm, MPI_STATUS_IGNORE));
        P2P_MPI(MPI_Rsend(sbuf, count, MPI_BYTE, dest, tag, comm));
        P2P_MPI(MPI_Wait(&reqs[0], &st));
        break;
    case M_SENDRECV:
        P2P_MPI(MPI_Sendrecv(sbuf, count, MPI_BYTE, dest, tag, rbuf, rcount, MPI_BYTE, src, tag,
                             comm, &st));
        break;
    case M_REPLACE:
        memcpy(rbuf, sbuf, bytes);
        P2P_MPI(MPI_Sendrecv_replace(rbuf, count, MPI_BYTE, dest, tag, src, tag, comm, &st));
        break;
    default:
        break;
    }

    snprintf(what, sizeof(what), "%s of %zu bytes from rank %d", mode_names[mode], bytes, src);
    p2p_status_is(&st, src, tag, count, what);
    p2p_check(rbuf, bytes, p2p_seed(src, tag, bytes), what);
    if (mode != M_REPLACE) {
        for (size_t i = bytes; i < bytes + 16; i++) {
            if (rbuf[i] != 0xee) {
                mpt_fail(__FILE__, __LINE__, "%s: byte %zu of the receive buffer was written", what,
                         i);
                break;
            }
        }
    }
    p2p_guard_check(rbuf, bytes + 16, what);
}

/* The sizes to test, up to max: 0, 1, 2, 3, then 2^k - 1, 2^k, 2^k + 1 for k >= 2. */
static int make_sizes(size_t max, size_t *sizes, int cap)
{
    int n = 0;

    for (size_t s = 0; s <= 3 && s <= max; s++) {
        sizes[n++] = s;
    }
    for (size_t p = 4; p <= max && n + 3 <= cap; p *= 2) {
        for (size_t s = p - 1; s <= p + 1 && s <= max; s++) {
            if (s > sizes[n - 1]) {
                sizes[n++] = s;
            }
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    size_t max = 64u << 20, sizes[200];
    bool modes[M_COUNT];
    int rank, size, nsizes;
    double t0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    if (argc > 1) {
        max = p2p_parse_size(argv[1], "maximum size");
    }
    if (max > (size_t)INT_MAX - 4096) {
        fprintf(stderr, "maximum size %zu too large for an int count\n", max);
        return 2;
    }
    for (int m = 0; m < M_COUNT; m++) {
        modes[m] = argc <= 2 || strstr(argv[2], mode_names[m]) != NULL;
    }
    if (size < 2) {
        fprintf(stderr, "sizes needs at least 2 processes\n");
        return 2;
    }
    nsizes = make_sizes(max, sizes, (int)(sizeof(sizes) / sizeof(sizes[0])));

    unsigned char *sbuf = p2p_malloc(max);
    unsigned char *rbuf = p2p_malloc(max + 16 + P2P_GUARD_BYTES);

    t0 = p2p_now();
    for (int m = 0; m < M_COUNT; m++) {
        if (!modes[m]) {
            continue;
        }
        for (int shift = 1; shift < size; shift++) {
            int dest = (rank + shift) % size, src = (rank - shift + size) % size;
            int send_first = cycle_position(rank, shift, size) % 2 == 0;
            for (int i = 0; i < nsizes; i++) {
                exchange((enum mode)m, sizes[i], i, dest, src, send_first, sbuf, rbuf, rank);
                if (*mpt_errs_p() > 10) {
                    fprintf(stderr, "rank %d: too many errors, stopping\n", rank);
                    MPI_Abort(MPI_COMM_WORLD, 1);
                }
            }
        }
    }
    if (rank == 0) {
        printf("%d sizes from 0 to %zu bytes, %d shifts: %.2f s\n", nsizes, sizes[nsizes - 1],
               size - 1, p2p_now() - t0);
    }

    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return mpt_finish(rank);
}
