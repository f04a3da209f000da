/*
 * Partitioned communication (MPI_Psend_init, MPI_Precv_init, MPI_Pready, MPI_Pready_range,
 * MPI_Pready_list, MPI_Parrived): each rank exchanges with its neighbour (rank ^ 1, or itself),
 * three rounds of one started pair, the partitions marked ready one by one (in reverse),
 * by ranges and by lists; nothing arrives before the sender marked every partition, then every
 * partition arrives, every element checked. Two pairs with the same peer and tag match in init
 * order whatever order they are readied in; an ordinary message with the same tag never matches
 * a partitioned receive; a derived element type; zero partitions; MPI_PROC_NULL as the peer.
 * Errors under MPI_ERRORS_RETURN: wildcards, negative counts, readying what is not an active
 * partitioned send, a partition out of range or twice, freeing or cancelling an active
 * partitioned request.
 */
#include "p2ptest.h"

/* MPICH before 4.1 raises an error for MPI_Parrived on an inactive request, where the standard
 * says flag = true (fixed by pmodels/mpich#6361): those checks are skipped for it only. */
#if defined(MPICH_NUMVERSION) && MPICH_NUMVERSION < 40100000
#define CHECK_INACTIVE_PARRIVED 0
#else
#define CHECK_INACTIVE_PARRIVED 1
#endif
/* MPICH refuses zero partitions; libmp takes partitions as the non-negative count it is. */
#if defined(MPICH)
#define CHECK_ZERO_PARTITIONS 0
#else
#define CHECK_ZERO_PARTITIONS 1
#endif

#define P 6 /* partitions */
#define C 5 /* elements per partition */
#define TAG 7

static int rank, partner;

static int value(int from, int round, int part, int e)
{
    return from * 100000 + round * 1000 + part * 10 + e;
}

static void fill(int *buf, int from, int round)
{
    for (int p = 0; p < P; p++) {
        for (int e = 0; e < C; e++) {
            buf[p * C + e] = value(from, round, p, e);
        }
    }
}

static void check(const int *buf, int from, int round, const char *what)
{
    for (int p = 0; p < P; p++) {
        for (int e = 0; e < C; e++) {
            MPT_CHECK(buf[p * C + e] == value(from, round, p, e),
                      "%s round %d: partition %d element %d = %d, expected %d", what, round, p, e,
                      buf[p * C + e], value(from, round, p, e));
        }
    }
}

/* A zero-byte message each way: after it, the partner has done what came before it. */
static void handshake(MPI_Comm comm, int tag)
{
    P2P_MPI(MPI_Sendrecv(NULL, 0, MPI_BYTE, partner, tag, NULL, 0, MPI_BYTE, partner, tag, comm,
                         MPI_STATUS_IGNORE));
}

static void arrived_all(MPI_Request r, int expect, const char *what)
{
    for (int p = 0; p < P; p++) {
        int flag = -1;
        P2P_MPI(MPI_Parrived(r, p, &flag));
        MPT_CHECK(flag == expect, "%s: MPI_Parrived(%d) = %d, expected %d", what, p, flag, expect);
    }
}

static void rounds(MPI_Comm comm)
{
    int sbuf[P * C] = {0}, rbuf[P * C] = {0};
    MPI_Request s, r;
    P2P_MPI(MPI_Psend_init(sbuf, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &s));
    P2P_MPI(MPI_Precv_init(rbuf, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &r));
    for (int round = 0; round < 3; round++) {
        fill(sbuf, rank, round);
        for (int i = 0; i < P * C; i++) {
            rbuf[i] = -1;
        }
        MPI_Request both[2] = {s, r};
        P2P_MPI(MPI_Startall(2, both));
        handshake(comm, 100 + round); /* the partner started and readied nothing yet */
        arrived_all(r, 0, "before the sender's MPI_Pready");
        handshake(comm, 200 + round); /* the partner checked: ready now */
        if (round == 0) {
            for (int p = P - 1; p >= 0; p--) {
                P2P_MPI(MPI_Pready(p, s));
            }
        } else if (round == 1) {
            P2P_MPI(MPI_Pready_range(2, P - 1, s));
            P2P_MPI(MPI_Pready_range(0, 1, s));
        } else {
            int list[P] = {4, 0, 5, 2, 1, 3};
            P2P_MPI(MPI_Pready_list(3, list, s));
            P2P_MPI(MPI_Pready_list(P - 3, list + 3, s));
        }
        for (int p = 0; p < P; p++) {
            int flag = 0;
            while (!flag) {
                P2P_MPI(MPI_Parrived(r, p, &flag));
            }
        }
        MPI_Status st[2];
        P2P_MPI(MPI_Waitall(2, both, st));
        MPT_CHECK(both[0] == s && both[1] == r, "MPI_Waitall freed a partitioned request");
        p2p_status_is(&st[1], partner, TAG, (int)sizeof(rbuf), "the partitioned receive");
        check(rbuf, partner, round, "partitioned");
        if (CHECK_INACTIVE_PARRIVED) {
            arrived_all(r, 1, "the inactive request");
        }
    }
    P2P_MPI(MPI_Request_free(&s));
    P2P_MPI(MPI_Request_free(&r));
    MPT_CHECK(s == MPI_REQUEST_NULL && r == MPI_REQUEST_NULL, "MPI_Request_free left requests");
}

/* Two pairs with the same peer and tag, readied second-first: init order decides. An ordinary
 * message with the same tag goes to the ordinary receive. */
static void matching(MPI_Comm comm)
{
    int s1[P * C] = {0}, s2[P * C] = {0}, r1[P * C] = {0}, r2[P * C] = {0};
    int plain = -1, out = 4242 + rank;
    MPI_Request q[4], pr;
    P2P_MPI(MPI_Psend_init(s1, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &q[0]));
    P2P_MPI(MPI_Psend_init(s2, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &q[1]));
    P2P_MPI(MPI_Precv_init(r1, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &q[2]));
    P2P_MPI(MPI_Precv_init(r2, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &q[3]));
    fill(s1, rank, 11);
    fill(s2, rank, 22);
    P2P_MPI(MPI_Irecv(&plain, 1, MPI_INT, partner, TAG, comm, &pr));
    P2P_MPI(MPI_Startall(4, q));
    P2P_MPI(MPI_Send(&out, 1, MPI_INT, partner, TAG, comm));
    P2P_MPI(MPI_Pready_range(0, P - 1, q[1]));
    P2P_MPI(MPI_Pready_range(0, P - 1, q[0]));
    P2P_MPI(MPI_Waitall(4, q, MPI_STATUSES_IGNORE));
    P2P_MPI(MPI_Wait(&pr, MPI_STATUS_IGNORE));
    check(r1, partner, 11, "the first pair");
    check(r2, partner, 22, "the second pair");
    MPT_CHECK(plain == 4242 + partner, "the ordinary receive got %d, expected %d", plain,
              4242 + partner);
    for (int i = 0; i < 4; i++) {
        P2P_MPI(MPI_Request_free(&q[i]));
    }
}

/* Partitions of a strided type (every other int), and zero partitions. */
static void derived_and_empty(MPI_Comm comm)
{
    MPI_Datatype vec, every_other;
    P2P_MPI(MPI_Type_vector(C, 1, 2, MPI_INT, &vec));
    /* Extent 2C ints, so that partition p starts at int 2C p. */
    P2P_MPI(MPI_Type_create_resized(vec, 0, (MPI_Aint)(2 * C * sizeof(int)), &every_other));
    P2P_MPI(MPI_Type_commit(&every_other));
    P2P_MPI(MPI_Type_free(&vec));
    int sbuf[P * 2 * C], rbuf[P * 2 * C];
    for (int i = 0; i < P * 2 * C; i++) {
        sbuf[i] = i % 2 ? -5 : rank * 1000 + i;
        rbuf[i] = -1;
    }
    MPI_Request q[2];
    P2P_MPI(MPI_Psend_init(sbuf, P, 1, every_other, partner, TAG + 1, comm, MPI_INFO_NULL, &q[0]));
    P2P_MPI(MPI_Precv_init(rbuf, P, 1, every_other, partner, TAG + 1, comm, MPI_INFO_NULL, &q[1]));
    P2P_MPI(MPI_Startall(2, q));
    for (int p = 0; p < P; p++) {
        P2P_MPI(MPI_Pready(p, q[0]));
    }
    P2P_MPI(MPI_Waitall(2, q, MPI_STATUSES_IGNORE));
    for (int at = 0; at < P * 2 * C; at++) {
        int want = at % 2 ? -1 : partner * 1000 + at;
        MPT_CHECK(rbuf[at] == want, "strided: int %d = %d, expected %d", at, rbuf[at], want);
    }
    P2P_MPI(MPI_Request_free(&q[0]));
    P2P_MPI(MPI_Request_free(&q[1]));
    P2P_MPI(MPI_Type_free(&every_other));

    if (!CHECK_ZERO_PARTITIONS) {
        return;
    }
    P2P_MPI(MPI_Psend_init(sbuf, 0, C, MPI_INT, partner, TAG + 2, comm, MPI_INFO_NULL, &q[0]));
    P2P_MPI(MPI_Precv_init(rbuf, 0, C, MPI_INT, partner, TAG + 2, comm, MPI_INFO_NULL, &q[1]));
    MPI_Status st[2];
    P2P_MPI(MPI_Startall(2, q));
    P2P_MPI(MPI_Waitall(2, q, st));
    p2p_status_is(&st[1], partner, TAG + 2, 0, "zero partitions");
    P2P_MPI(MPI_Request_free(&q[0]));
    P2P_MPI(MPI_Request_free(&q[1]));
}

/*
 * MPI_PROC_NULL as the peer: a send to it returns as soon as possible (MPI 4.1, 3.10), so it
 * completes without any partition marked ready, and MPI_Pready still takes each partition once
 * while it is active; a receive from it completes at once with the MPI_PROC_NULL status,
 * its buffer untouched, every partition arrived.
 */
static void proc_null(MPI_Comm comm)
{
    int sbuf[P * C], rbuf[P * C];
    for (int i = 0; i < P * C; i++) {
        sbuf[i] = i;
        rbuf[i] = -7;
    }
    MPI_Request s, r;
    MPI_Status st;
    int flag = 0;
    P2P_MPI(MPI_Psend_init(sbuf, P, C, MPI_INT, MPI_PROC_NULL, TAG, comm, MPI_INFO_NULL, &s));
    P2P_MPI(MPI_Precv_init(rbuf, P, C, MPI_INT, MPI_PROC_NULL, TAG, comm, MPI_INFO_NULL, &r));
    for (int round = 0; round < 3; round++) {
        P2P_MPI(MPI_Start(&s));
        P2P_MPI(MPI_Start(&r));
        if (round == 1) {
            for (int p = 0; p < P; p++) {
                P2P_MPI(MPI_Pready(p, s));
            }
        } else if (round == 2) {
            P2P_MPI(MPI_Pready_range(0, P - 1, s));
        }
        /* Round 0 marks nothing ready: the send completes all the same. */
        P2P_MPI(MPI_Wait(&s, MPI_STATUS_IGNORE));
        for (int p = 0; p < P; p++) {
            flag = 0;
            P2P_MPI(MPI_Parrived(r, p, &flag));
            MPT_CHECK(flag == 1, "round %d: partition %d from MPI_PROC_NULL not arrived", round, p);
        }
        P2P_MPI(MPI_Wait(&r, &st));
        p2p_status_is_proc_null(&st, "partitioned receive from MPI_PROC_NULL");
    }
    for (int i = 0; i < P * C; i++) {
        MPT_CHECK(rbuf[i] == -7, "receive from MPI_PROC_NULL wrote int %d = %d", i, rbuf[i]);
    }
    P2P_MPI(MPI_Request_free(&s));
    P2P_MPI(MPI_Request_free(&r));
}

#define FAILS(cls, call)                                                                           \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        MPT_CHECK(p2p_err_class(rc_) == (cls), "%s returned %d (class %d), expected %s", #call,    \
                  rc_, p2p_err_class(rc_), #cls);                                                  \
    } while (0)

static void errors(MPI_Comm comm)
{
    int buf[P * C] = {0};
    MPI_Request s, r, x = MPI_REQUEST_NULL;
    int flag;
    FAILS(MPI_ERR_RANK,
          MPI_Precv_init(buf, P, C, MPI_INT, MPI_ANY_SOURCE, TAG, comm, MPI_INFO_NULL, &x));
    FAILS(MPI_ERR_TAG,
          MPI_Precv_init(buf, P, C, MPI_INT, partner, MPI_ANY_TAG, comm, MPI_INFO_NULL, &x));
    FAILS(MPI_ERR_ARG, MPI_Psend_init(buf, -1, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &x));
    FAILS(MPI_ERR_COUNT,
          MPI_Psend_init(buf, P, -1, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, &x));
    FAILS(MPI_ERR_ARG, MPI_Psend_init(buf, P, C, MPI_INT, partner, TAG, comm, MPI_INFO_NULL, NULL));
    MPT_CHECK(x == MPI_REQUEST_NULL, "a failed init set the request");

    P2P_MPI(MPI_Psend_init(buf, P, C, MPI_INT, partner, TAG + 3, comm, MPI_INFO_NULL, &s));
    P2P_MPI(MPI_Precv_init(buf, P, C, MPI_INT, partner, TAG + 3, comm, MPI_INFO_NULL, &r));
    FAILS(MPI_ERR_REQUEST, MPI_Pready(0, s)); /* not started */
    if (CHECK_INACTIVE_PARRIVED) {
        flag = 0;
        P2P_MPI(MPI_Parrived(r, 0, &flag)); /* inactive: true */
        MPT_CHECK(flag == 1, "MPI_Parrived of a request never started gave flag %d", flag);
    }
    MPI_Request both[2] = {s, r};
    P2P_MPI(MPI_Startall(2, both));
    FAILS(MPI_ERR_ARG, MPI_Pready(P, s));
    FAILS(MPI_ERR_ARG, MPI_Pready(-1, s));
    FAILS(MPI_ERR_ARG, MPI_Pready_range(3, 2, s));
    int dup[3] = {1, 2, 1};
    FAILS(MPI_ERR_ARG, MPI_Pready_list(3, dup, s));
    P2P_MPI(MPI_Pready(1, s)); /* the failed list marked nothing */
    FAILS(MPI_ERR_ARG, MPI_Pready(1, s));
    FAILS(MPI_ERR_ARG, MPI_Pready_range(0, 1, s)); /* 1 is ready: marks nothing */
    P2P_MPI(MPI_Pready(0, s));
    FAILS(MPI_ERR_REQUEST, MPI_Pready(2, r));
    FAILS(MPI_ERR_REQUEST, MPI_Parrived(s, 0, &flag));
    FAILS(MPI_ERR_ARG, MPI_Parrived(r, P, &flag));
    flag = 0;
    P2P_MPI(MPI_Parrived(MPI_REQUEST_NULL, 0, &flag));
    MPT_CHECK(flag == 1, "MPI_Parrived(MPI_REQUEST_NULL) gave flag %d", flag);
    FAILS(MPI_ERR_REQUEST, MPI_Request_free(&r));
    FAILS(MPI_ERR_REQUEST, MPI_Request_free(&s));
    FAILS(MPI_ERR_REQUEST, MPI_Cancel(&r));
    FAILS(MPI_ERR_REQUEST, MPI_Cancel(&s));
    P2P_MPI(MPI_Pready_range(2, P - 1, s));
    P2P_MPI(MPI_Waitall(2, both, MPI_STATUSES_IGNORE));
    P2P_MPI(MPI_Request_free(&s));
    P2P_MPI(MPI_Request_free(&r));
}

int main(int argc, char **argv)
{
    int size;
    MPI_Comm comm;

    P2P_MPI(MPI_Init(&argc, &argv));
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    partner = (rank ^ 1) < size ? (rank ^ 1) : rank;

    rounds(MPI_COMM_WORLD);
    matching(MPI_COMM_WORLD);
    derived_and_empty(MPI_COMM_WORLD);
    proc_null(MPI_COMM_WORLD);
    P2P_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &comm));
    P2P_MPI(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    /* MPICH raises the errors of calls on a request on MPI_COMM_WORLD. */
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    /* MPICH 4.0 crashes on some of these erroneous calls: they are libmp's checks only. */
#if !defined(MPICH)
    errors(comm);
#endif
    P2P_MPI(MPI_Comm_free(&comm));

    P2P_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
