/*
 * Checks what a receive reports: status source and tag (also with wildcards), MPI_Get_count and
 * MPI_Get_elements (MPI_UNDEFINED when the bytes are not a whole number of elements), zero-byte
 * messages, the MPI_TAG_UB attribute and messages with that tag. Ranks work in pairs.
 */
#include "p2ptest.h"

/*
 * The smallest MPI_TAG_UB we accept: libmp promises 2^30 - 1; the standard only 32767, which is
 * what the peers are held to (MPICH 4.0 with UCX has 2^28 - 1).
 */
#if defined(OPEN_MPI) || defined(MPICH_VERSION)
#define MIN_TAG_UB 32767
#else
#define MIN_TAG_UB ((1 << 30) - 1)
#endif

static int rank, partner;
static bool sender, receiver;

/* Sends count elements of type to the partner with a nonblocking send, so that a rank without a
 * partner can send to itself. Returns the request to wait for. */
static MPI_Request send_to_partner(const void *buf, int count, MPI_Datatype type, int tag)
{
    MPI_Request req = MPI_REQUEST_NULL;

    if (sender) {
        P2P_MPI(MPI_Isend(buf, count, type, partner, tag, MPI_COMM_WORLD, &req));
    }
    return req;
}

static void check_count(const MPI_Status *st, MPI_Datatype type, const char *tname, int want,
                        const char *what)
{
    int count = -7, elements = -7;

    P2P_MPI(MPI_Get_count(st, type, &count));
    P2P_MPI(MPI_Get_elements(st, type, &elements));
    MPT_CHECK(count == want, "%s: MPI_Get_count(%s) %d, expected %d", what, tname, count, want);
    MPT_CHECK(elements == want, "%s: MPI_Get_elements(%s) %d, expected %d", what, tname, elements,
              want);
}

/* A status's error field after a successful single receive: not set, or MPI_SUCCESS. */
static void check_error_field(const MPI_Status *st, const char *what)
{
    MPT_CHECK(st->MPI_ERROR == -77 || st->MPI_ERROR == MPI_SUCCESS,
              "%s: status MPI_ERROR %d after success", what, st->MPI_ERROR);
}

static void check_zero_bytes(void)
{
    unsigned char buf[16];
    MPI_Request reqs[3];
    MPI_Status st;

    reqs[0] = send_to_partner(NULL, 0, MPI_BYTE, 3);
    reqs[1] = send_to_partner(buf, 0, MPI_INT, 4);
    reqs[2] = send_to_partner(NULL, 0, MPI_DOUBLE, 5);
    if (receiver) {
        p2p_fill(buf, sizeof(buf), 9);
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(buf, 0, MPI_BYTE, partner, 3, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 3, 0, "zero-byte receive of count 0");
        check_count(&st, MPI_BYTE, "MPI_BYTE", 0, "zero-byte message");
        check_count(&st, MPI_INT, "MPI_INT", 0, "zero-byte message");
        check_error_field(&st, "zero-byte receive");
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(buf, 4, MPI_INT, partner, 4, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 4, 0, "zero-byte receive of count 4");
        check_count(&st, MPI_INT, "MPI_INT", 0, "zero-byte message of MPI_INT");
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(NULL, 0, MPI_DOUBLE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 5, 0, "zero-byte receive with wildcards");
        p2p_check(buf, sizeof(buf), 9, "buffer of zero-byte receives");
    }
    P2P_MPI(MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE));
}

/*
 * Six bytes are three shorts but not a whole number of ints or doubles. They are received as
 * MPI_BYTE and counted in other types: receiving them as MPI_INT breaks the type-matching rules
 * (MPICH 4.0 asserts on it).
 */
static void check_partial_elements(void)
{
    unsigned char out[6], in[16];
    MPI_Request req;
    MPI_Status st;

    p2p_fill(out, sizeof(out), p2p_seed(rank, 6, 0));
    req = send_to_partner(out, 6, MPI_BYTE, 6);
    if (receiver) {
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(in, (int)sizeof(in), MPI_BYTE, partner, 6, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 6, 6, "6-byte receive");
        p2p_check(in, 6, p2p_seed(partner, 6, 0), "6-byte receive");
        check_count(&st, MPI_BYTE, "MPI_BYTE", 6, "6 bytes");
        check_count(&st, MPI_SHORT, "MPI_SHORT", 3, "6 bytes");
        check_count(&st, MPI_INT, "MPI_INT", MPI_UNDEFINED, "6 bytes");
        check_count(&st, MPI_DOUBLE, "MPI_DOUBLE", MPI_UNDEFINED, "6 bytes");
        check_error_field(&st, "6-byte receive");
    }
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
}

/* Typed messages: three ints into room for five, four doubles with exact values. */
static void check_typed(void)
{
    int iout[3], iin[5];
    double dout[4], din[4];
    MPI_Request reqs[2];
    MPI_Status st;

    for (int i = 0; i < 3; i++) {
        iout[i] = (rank + 1) * 1000003 * (i + 1) - (1 << 30);
    }
    for (int i = 0; i < 4; i++) {
        dout[i] = (rank + 1) * 0.1 + i * 1e300 - 1e-300;
    }
    reqs[0] = send_to_partner(iout, 3, MPI_INT, 7);
    reqs[1] = send_to_partner(dout, 4, MPI_DOUBLE, 8);
    if (receiver) {
        for (int i = 0; i < 5; i++) {
            iin[i] = -1;
        }
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(iin, 5, MPI_INT, partner, 7, MPI_COMM_WORLD, &st));
        check_count(&st, MPI_INT, "MPI_INT", 3, "3 ints");
        check_count(&st, MPI_BYTE, "MPI_BYTE", 3 * (int)sizeof(int), "3 ints");
        for (int i = 0; i < 5; i++) {
            int want = i < 3 ? (partner + 1) * 1000003 * (i + 1) - (1 << 30) : -1;
            MPT_CHECK(iin[i] == want, "int %d received %d, expected %d", i, iin[i], want);
        }
        P2P_MPI(MPI_Recv(din, 4, MPI_DOUBLE, partner, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, 8, 4 * (int)sizeof(double), "4 doubles");
        check_count(&st, MPI_DOUBLE, "MPI_DOUBLE", 4, "4 doubles");
        for (int i = 0; i < 4; i++) {
            double want = (partner + 1) * 0.1 + i * 1e300 - 1e-300;
            MPT_CHECK(memcmp(&din[i], &want, sizeof(want)) == 0, "double %d received %g, not %g", i,
                      din[i], want);
        }
    }
    P2P_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
}

/* MPI_TAG_UB is at least MIN_TAG_UB, and a message with that tag is received with it. */
static void check_tag_ub(void)
{
    int *ub = NULL, flag = 0, tags[3];
    unsigned char out[3][8], in[8];
    MPI_Request reqs[3];
    MPI_Status st;

    P2P_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag));
    MPT_CHECK(flag && ub != NULL, "MPI_Comm_get_attr(MPI_TAG_UB): flag %d", flag);
    if (!flag || ub == NULL) {
        return;
    }
    MPT_CHECK(*ub >= MIN_TAG_UB, "MPI_TAG_UB %d, expected at least %d", *ub, MIN_TAG_UB);
    tags[0] = *ub;
    tags[1] = 0;
    tags[2] = *ub - 1;
    for (int i = 0; i < 3; i++) {
        p2p_fill(out[i], 8, p2p_seed(rank, tags[i], 0));
        reqs[i] = send_to_partner(out[i], 8, MPI_BYTE, tags[i]);
    }
    if (receiver) {
        /* Taken out of order by tag: the largest tag must not be confused with another. */
        int order[3] = {2, 0, 1};
        for (int j = 0; j < 3; j++) {
            int i = order[j];
            char what[64];
            snprintf(what, sizeof(what), "message with tag %d", tags[i]);
            p2p_status_poison(&st);
            P2P_MPI(MPI_Recv(in, 8, MPI_BYTE, partner, tags[i], MPI_COMM_WORLD, &st));
            p2p_status_is(&st, partner, tags[i], 8, what);
            p2p_check(in, 8, p2p_seed(partner, tags[i], 0), what);
        }
    }
    P2P_MPI(MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE));

    reqs[0] = send_to_partner(out[0], 8, MPI_BYTE, *ub);
    if (receiver) {
        p2p_status_poison(&st);
        P2P_MPI(MPI_Recv(in, 8, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        p2p_status_is(&st, partner, *ub, 8, "MPI_TAG_UB message received with MPI_ANY_TAG");
    }
    P2P_MPI(MPI_Wait(&reqs[0], MPI_STATUS_IGNORE));
}

/* MPI_STATUS_IGNORE in receive calls. */
static void check_status_ignore(void)
{
    unsigned char out[32], in[32];
    MPI_Request req;

    p2p_fill(out, sizeof(out), p2p_seed(rank, 9, 0));
    req = send_to_partner(out, 32, MPI_BYTE, 9);
    if (receiver) {
        P2P_MPI(MPI_Recv(in, 32, MPI_BYTE, partner, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        p2p_check(in, 32, p2p_seed(partner, 9, 0), "receive with MPI_STATUS_IGNORE");
    }
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    memset(in, 0, sizeof(in));
    P2P_MPI(MPI_Sendrecv(out, 32, MPI_BYTE, partner, 10, in, 32, MPI_BYTE, partner, 10,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    p2p_check(in, 32, p2p_seed(partner, 9, 0), "Sendrecv with MPI_STATUS_IGNORE");
}

int main(int argc, char **argv)
{
    int size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    /* Pairs (0, 1), (2, 3), ...: the even rank sends, the odd one receives; a rank left
     * without a partner does both with itself. */
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    sender = rank % 2 == 0 || partner == rank;
    receiver = rank % 2 == 1 || partner == rank;

    check_zero_bytes();
    check_partial_elements();
    check_typed();
    check_tag_ub();
    check_status_ignore();

    MPI_Finalize();
    return mpt_finish(rank);
}
