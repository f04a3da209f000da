/*
 * Checks receives into buffers too small for the message, with MPI_ERRORS_RETURN: the call
 * returns MPI_ERR_TRUNCATE (MPI_ERR_IN_STATUS from Waitall), the status names the message, no
 * byte past the buffer is written, the sender completes, and the next message arrives intact.
 */
#include "p2ptest.h"

/*
 * Open MPI 4.1 with its shared-memory single-copy path (vader + CMA) writes the whole of a
 * truncated large message, past the end of the receive buffer. The buffers here have room for
 * the whole message, so that it does no harm, and the bytes after the buffer are not checked.
 */
#if defined(OPEN_MPI)
#define OMPI_TRUNCATE_OVERRUN 1
#else
#define OMPI_TRUNCATE_OVERRUN 0
#endif

enum way { W_RECV, W_WAIT, W_WAITALL, W_WILDCARD, W_MRECV, W_SENDRECV, W_COUNT };

static const char *const way_names[W_COUNT] = {
    "Recv", "Irecv+Wait", "Irecv+Waitall", "Recv(ANY_SOURCE, ANY_TAG)", "Mprobe+Mrecv", "Sendrecv"};

static int rank, partner;
static bool sender, receiver;

static void check_class(int rc, int want, const char *what)
{
    int cls = p2p_err_class(rc);

    MPT_CHECK(cls == want, "%s returned %d (class %d: %s), expected class %d", what, rc, cls,
              p2p_err_string(rc), want);
}

/* The error field of the status of a failed single-status call: not set, or the error class. */
static void check_single_error_field(const MPI_Status *st, const char *what)
{
    MPT_CHECK(st->MPI_ERROR == -77 || p2p_err_class(st->MPI_ERROR) == MPI_ERR_TRUNCATE,
              "%s: status MPI_ERROR %d, expected it unset or MPI_ERR_TRUNCATE", what,
              st->MPI_ERROR);
}

/*
 * One case: the partner sends 'bytes' bytes with tag 'tag', then 'bytes' bytes with tag + 1;
 * the first is received into 'room' bytes in one of the ways, the second whole.
 */
static void one_case(enum way way, int bytes, int room, int tag, unsigned char *out,
                     unsigned char *out2, unsigned char *in)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Request sreqs[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL}, reqs[2];
    MPI_Status st, sts[2];
    MPI_Message msg;
    unsigned char other[8];
    char what[160];
    int rc;

    snprintf(what, sizeof(what), "%s of %d bytes into %d", way_names[way], bytes, room);
    if (sender) {
        p2p_fill(out, (size_t)bytes, p2p_seed(rank, tag, 0));
        p2p_fill(out2, (size_t)bytes, p2p_seed(rank, tag + 1, 0));
        if (way == W_SENDRECV && !receiver) {
            /* The partner's Sendrecv sends 8 bytes back to us. */
            rc = MPI_Sendrecv(out, bytes, MPI_BYTE, partner, tag, other, 8, MPI_BYTE, partner, tag,
                              comm, &st);
            check_class(rc, MPI_SUCCESS, "Sendrecv on the sending side");
        } else if (way == W_WAIT) {
            P2P_MPI(MPI_Issend(out, bytes, MPI_BYTE, partner, tag, comm, &sreqs[0]));
        } else {
            P2P_MPI(MPI_Isend(out, bytes, MPI_BYTE, partner, tag, comm, &sreqs[0]));
        }
        P2P_MPI(MPI_Isend(out2, bytes, MPI_BYTE, partner, tag + 1, comm, &sreqs[1]));
    }
    if (receiver) {
        memset(in, 0, (size_t)room);
        p2p_guard_set(in, (size_t)room);
        p2p_status_poison(&st);
        switch (way) {
        case W_RECV:
            rc = MPI_Recv(in, room, MPI_BYTE, partner, tag, comm, &st);
            check_class(rc, MPI_ERR_TRUNCATE, what);
            check_single_error_field(&st, what);
            break;
        case W_WAIT:
            P2P_MPI(MPI_Irecv(in, room, MPI_BYTE, partner, tag, comm, &reqs[0]));
            rc = MPI_Wait(&reqs[0], &st);
            check_class(rc, MPI_ERR_TRUNCATE, what);
            check_single_error_field(&st, what);
            MPT_CHECK(reqs[0] == MPI_REQUEST_NULL, "%s: the request was not freed", what);
            break;
        case W_WAITALL:
            /* The second receive, of the next message, succeeds: its error field says so. */
            P2P_MPI(MPI_Irecv(in, room, MPI_BYTE, partner, tag, comm, &reqs[0]));
            P2P_MPI(MPI_Irecv(out2 + bytes, bytes, MPI_BYTE, partner, tag + 1, comm, &reqs[1]));
            p2p_status_poison(&sts[0]);
            p2p_status_poison(&sts[1]);
            rc = MPI_Waitall(2, reqs, sts);
            check_class(rc, MPI_ERR_IN_STATUS, what);
            st = sts[0];
            MPT_CHECK(p2p_err_class(sts[0].MPI_ERROR) == MPI_ERR_TRUNCATE,
                      "%s: statuses[0].MPI_ERROR %d, expected MPI_ERR_TRUNCATE", what,
                      sts[0].MPI_ERROR);
            /* The other receive completed (MPI_SUCCESS) or is still pending (MPI_ERR_PENDING,
             * as MPICH answers): then it is still active and is waited for here. */
            if (sts[1].MPI_ERROR == MPI_ERR_PENDING && reqs[1] != MPI_REQUEST_NULL) {
                rc = MPI_Wait(&reqs[1], &sts[1]);
                check_class(rc, MPI_SUCCESS, "the Wait for the receive Waitall left pending");
            } else {
                MPT_CHECK(sts[1].MPI_ERROR == MPI_SUCCESS && reqs[1] == MPI_REQUEST_NULL,
                          "%s: statuses[1].MPI_ERROR %d, expected MPI_SUCCESS or MPI_ERR_PENDING",
                          what, sts[1].MPI_ERROR);
            }
            MPT_CHECK(reqs[0] == MPI_REQUEST_NULL, "%s: the truncated request was not freed", what);
            p2p_status_is(&sts[1], partner, tag + 1, bytes, "the message after Waitall");
            p2p_check(out2 + bytes, (size_t)bytes, p2p_seed(partner, tag + 1, 0),
                      "the message after a truncation in Waitall");
            break;
        case W_WILDCARD:
            rc = MPI_Recv(in, room, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st);
            check_class(rc, MPI_ERR_TRUNCATE, what);
            check_single_error_field(&st, what);
            break;
        case W_MRECV:
            P2P_MPI(MPI_Mprobe(partner, tag, comm, &msg, &st));
            p2p_status_is(&st, partner, tag, bytes, "Mprobe before a truncated Mrecv");
            p2p_status_poison(&st);
            rc = MPI_Mrecv(in, room, MPI_BYTE, &msg, &st);
            check_class(rc, MPI_ERR_TRUNCATE, what);
            check_single_error_field(&st, what);
            break;
        case W_SENDRECV:
            /* 8 bytes go to the partner's Sendrecv; a rank paired with itself sends nothing. */
            memset(other, 7, sizeof(other));
            rc = MPI_Sendrecv(other, 8, MPI_BYTE, sender ? MPI_PROC_NULL : partner, tag, in, room,
                              MPI_BYTE, partner, tag, comm, &st);
            check_class(rc, MPI_ERR_TRUNCATE, what);
            check_single_error_field(&st, what);
            break;
        default:
            break;
        }
        MPT_CHECK(st.MPI_SOURCE == partner && st.MPI_TAG == tag,
                  "%s: status source %d tag %d, expected %d and %d", what, st.MPI_SOURCE,
                  st.MPI_TAG, partner, tag);
        if (!OMPI_TRUNCATE_OVERRUN) {
            p2p_guard_check(in, (size_t)room, what);
        }
        if (way != W_WAITALL) {
            /* The next message is whole. */
            p2p_status_poison(&st);
            rc = MPI_Recv(out2 + bytes, bytes, MPI_BYTE, partner, tag + 1, comm, &st);
            check_class(rc, MPI_SUCCESS, "the receive after a truncation");
            p2p_status_is(&st, partner, tag + 1, bytes, "the message after a truncation");
            p2p_check(out2 + bytes, (size_t)bytes, p2p_seed(partner, tag + 1, 0),
                      "the message after a truncation");
        }
    }
    if (sender) {
        rc = MPI_Waitall(2, sreqs, MPI_STATUSES_IGNORE);
        check_class(rc, MPI_SUCCESS, "the sender's Waitall after a truncation");
    }
}

int main(int argc, char **argv)
{
    static const int cases[][2] = {
        {100, 50}, {1, 0}, {65537, 65536}, {1 << 20, 1000}, {4 << 20, (4 << 20) - 1}};
    int size, ncases = (int)(sizeof(cases) / sizeof(cases[0]));
    int max = 4 << 20;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));

    partner = (rank ^ 1) < size ? rank ^ 1 : rank;
    sender = rank % 2 == 0 || partner == rank;
    receiver = rank % 2 == 1 || partner == rank;

    unsigned char *out = p2p_malloc((size_t)max);
    unsigned char *out2 = p2p_malloc(2 * (size_t)max);
    /* Room for a whole message after any receive buffer (see OMPI_TRUNCATE_OVERRUN). */
    unsigned char *in = p2p_malloc((size_t)max + P2P_GUARD_BYTES);

    for (int w = 0; w < W_COUNT; w++) {
        for (int c = 0; c < ncases; c++) {
            one_case((enum way)w, cases[c][0], cases[c][1], 100 + 2 * (w * ncases + c), out, out2,
                     in);
        }
    }

    free(out);
    free(out2);
    free(in);
    MPI_Finalize();
    return mpt_finish(rank);
}
