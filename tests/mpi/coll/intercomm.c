/*
 * Collectives on an intercommunicator between two groups of unequal sizes (1+1, 1+2, 2+3, 3+5
 * on 2, 3, 5, 8 processes): every collective the standard defines there, with every root on
 * either side, blocking and nonblocking, each received value checked.
 */
#include "colltest.h"

#include <stdlib.h>
#include <string.h>

static MPI_Comm inter;
static int grp;    /* my group: 0 (the lower world ranks) or 1 */
static int lr, ls; /* my rank in my group, and its size */
static int rs;     /* the size of the other group */

/* Blocking or nonblocking form of one collective (Name and its lower-case nonblocking stem). */
#define COLL(nb, Name, name, ...)                                                                  \
    do {                                                                                           \
        if (nb) {                                                                                  \
            MPI_Request r_;                                                                        \
            CT_MPI(MPI_I##name(__VA_ARGS__, &r_));                                                 \
            CT_MPI(MPI_Wait(&r_, MPI_STATUS_IGNORE));                                              \
        } else {                                                                                   \
            CT_MPI(MPI_##Name(__VA_ARGS__));                                                       \
        }                                                                                          \
    } while (0)

/* Element i of the data that rank r of group g contributes. */
static int val(int g, int r, int i)
{
    return 1000 * g + 100 * r + i;
}

/* Element i that rank `from` of group g sends to rank `to` of the other group. */
static int code(int g, int from, int to, int i)
{
    return 100000 * g + 1000 * from + 10 * to + i;
}

/* My root argument when the root is rank r of group g. */
static int root_arg(int g, int r)
{
    if (g != grp) {
        return r;
    }
    return r == lr ? MPI_ROOT : MPI_PROC_NULL;
}

/* A 2x2 integer matrix product: associative, not commutative, so it checks the rank order of
 * the reductions. Rank r of group g contributes [[r + 1 + g, 1], [1, 0]]. */
typedef struct {
    int m[4];
} mat_t;

static void mat_mul(const mat_t *a, const mat_t *b, mat_t *c)
{
    mat_t t = {{a->m[0] * b->m[0] + a->m[1] * b->m[2], a->m[0] * b->m[1] + a->m[1] * b->m[3],
                a->m[2] * b->m[0] + a->m[3] * b->m[2], a->m[2] * b->m[1] + a->m[3] * b->m[3]}};
    *c = t;
}

static void mat_op(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    for (int k = 0; k < *len; k++) {
        mat_mul((mat_t *)in + k, (mat_t *)inout + k, (mat_t *)inout + k);
    }
}

static mat_t mat_of(int g, int r)
{
    mat_t m = {{r + 1 + g, 1, 1, 0}};
    return m;
}

/* The product over the ranks of group g, in rank order. */
static mat_t mat_product(int g, int n)
{
    mat_t p = mat_of(g, 0);
    for (int r = 1; r < n; r++) {
        mat_t q = mat_of(g, r);
        mat_mul(&p, &q, &p);
    }
    return p;
}

static MPI_Datatype mat_type;
static MPI_Op mat_mpi_op;

/* The group `early` starts an Ibarrier, which must not complete while the other group has not
 * entered: that group waits for a message from every rank of the early one before it does. */
static void test_barrier(bool nb, int early)
{
    int world_rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    int other_first = early == 0 ? ls : 0; /* world rank of the other group's rank 0 */
    if (grp == early) {
        MPI_Request req;
        int flag = 0;
        CT_MPI(MPI_Ibarrier(inter, &req));
        for (int k = 0; k < 50 && !flag; k++) {
            CT_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
        }
        MPT_CHECK(!flag, "Ibarrier completed before the other group entered the barrier");
        for (int j = 0; j < rs; j++) {
            CT_MPI(MPI_Send(&world_rank, 1, MPI_INT, other_first + j, 5, MPI_COMM_WORLD));
        }
        if (!flag) {
            CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        }
        return;
    }
    for (int j = 0; j < rs; j++) {
        int from = -1;
        CT_MPI(MPI_Recv(&from, 1, MPI_INT, MPI_ANY_SOURCE, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
    COLL(nb, Barrier, barrier, inter);
}

static void test_bcast(bool nb, int count)
{
    int *buf = malloc(sizeof(int) * (size_t)count);
    for (int g = 0; g < 2; g++) {
        int gsize = g == grp ? ls : rs;
        for (int r = 0; r < gsize; r++) {
            int root = root_arg(g, r);
            for (int i = 0; i < count; i++) {
                buf[i] = root == MPI_ROOT ? val(g, r, i) : -1;
            }
            COLL(nb, Bcast, bcast, buf, count, MPI_INT, root, inter);
            for (int i = 0; i < count; i++) {
                int want = g == grp ? (root == MPI_ROOT ? val(g, r, i) : -1) : val(g, r, i);
                if (buf[i] != want) {
                    MPT_CHECK(0, "Bcast%s root %d of group %d: buf[%d] = %d, expected %d",
                              nb ? " (nb)" : "", r, g, i, buf[i], want);
                    break;
                }
            }
        }
    }
    free(buf);
}

static void test_reduce(bool nb, bool all, int count)
{
    int *sbuf = malloc(sizeof(int) * (size_t)count), *rbuf = malloc(sizeof(int) * (size_t)count);
    for (int i = 0; i < count; i++) {
        sbuf[i] = val(grp, lr, i);
    }
    int og = 1 - grp;
    for (int g = 0; g < 2; g++) {
        int gsize = g == grp ? ls : rs;
        for (int r = 0; r < (all ? 1 : gsize); r++) {
            int root = root_arg(g, r);
            for (int i = 0; i < count; i++) {
                rbuf[i] = -1;
            }
            if (all) {
                COLL(nb, Allreduce, allreduce, sbuf, rbuf, count, MPI_INT, MPI_SUM, inter);
            } else {
                COLL(nb, Reduce, reduce, sbuf, rbuf, count, MPI_INT, MPI_SUM, root, inter);
            }
            bool gets = all || root == MPI_ROOT;
            for (int i = 0; i < count; i++) {
                int want = -1;
                if (gets) {
                    want = 0;
                    for (int j = 0; j < rs; j++) {
                        want += val(og, j, i);
                    }
                }
                if (rbuf[i] != want) {
                    MPT_CHECK(0, "%s%s root %d of group %d, count %d: rbuf[%d] = %d, expected %d",
                              all ? "Allreduce" : "Reduce", nb ? " (nb)" : "", r, g, count, i,
                              rbuf[i], want);
                    break;
                }
            }
            /* The non-commutative op: the other group's matrices multiplied in rank order. */
            mat_t mine[2] = {mat_of(grp, lr), mat_of(grp, lr)}, got[2];
            memset(got, 0, sizeof(got));
            if (all) {
                COLL(nb, Allreduce, allreduce, mine, got, 2, mat_type, mat_mpi_op, inter);
            } else {
                COLL(nb, Reduce, reduce, mine, got, 2, mat_type, mat_mpi_op, root, inter);
            }
            if (gets) {
                mat_t want = mat_product(og, rs);
                for (int k = 0; k < 2; k++) {
                    MPT_CHECK(memcmp(&got[k], &want, sizeof(want)) == 0,
                              "%s%s with a non-commutative op: [%d %d %d %d], expected [%d %d %d "
                              "%d]",
                              all ? "Allreduce" : "Reduce", nb ? " (nb)" : "", got[k].m[0],
                              got[k].m[1], got[k].m[2], got[k].m[3], want.m[0], want.m[1],
                              want.m[2], want.m[3]);
                }
            }
        }
    }
    free(sbuf);
    free(rbuf);
}

/* Gather(v) and scatter(v): block j of the root's buffer belongs to rank j of the other group;
 * with v, rank j's block has j + 1 elements at j * (rs + 2) (gaps stay untouched). */
static void test_gather(bool nb, bool scatter, bool v)
{
    const int blk = 3;
    int cap = rs * (rs + 2) + rs * blk;
    int *many = malloc(sizeof(int) * (size_t)cap), one[64];
    int counts[64], displs[64];
    for (int j = 0; j < rs; j++) {
        counts[j] = v ? j + 1 : blk;
        displs[j] = v ? j * (rs + 2) : j * blk;
    }
    const char *name = scatter ? (v ? "Scatterv" : "Scatter") : (v ? "Gatherv" : "Gather");
    int og = 1 - grp;
    for (int g = 0; g < 2; g++) {
        int gsize = g == grp ? ls : rs;
        for (int r = 0; r < gsize; r++) {
            int root = root_arg(g, r);
            int mycount = v ? lr + 1 : blk; /* as a rank of the non-root group */
            for (int k = 0; k < cap; k++) {
                many[k] = -1;
            }
            for (int i = 0; i < 64; i++) {
                one[i] = -1;
            }
            if (root == MPI_ROOT && scatter) {
                for (int j = 0; j < rs; j++) {
                    for (int i = 0; i < counts[j]; i++) {
                        many[displs[j] + i] = code(grp, lr, j, i);
                    }
                }
            }
            if (g != grp && !scatter) {
                for (int i = 0; i < mycount; i++) {
                    one[i] = code(grp, lr, r, i);
                }
            }
            if (scatter && v) {
                COLL(nb, Scatterv, scatterv, many, counts, displs, MPI_INT, one, mycount, MPI_INT,
                     root, inter);
            } else if (scatter) {
                COLL(nb, Scatter, scatter, many, blk, MPI_INT, one, mycount, MPI_INT, root, inter);
            } else if (v) {
                COLL(nb, Gatherv, gatherv, one, mycount, MPI_INT, many, counts, displs, MPI_INT,
                     root, inter);
            } else {
                COLL(nb, Gather, gather, one, mycount, MPI_INT, many, blk, MPI_INT, root, inter);
            }
            if (g != grp && scatter) {
                for (int i = 0; i < 64; i++) {
                    int want = i < mycount ? code(g, r, lr, i) : -1;
                    if (one[i] != want) {
                        MPT_CHECK(0, "%s%s root %d of group %d: recvbuf[%d] = %d, expected %d",
                                  name, nb ? " (nb)" : "", r, g, i, one[i], want);
                        break;
                    }
                }
            }
            if (root == MPI_ROOT && !scatter) {
                for (int k = 0; k < cap; k++) {
                    int want = -1;
                    for (int j = 0; j < rs; j++) {
                        if (k >= displs[j] && k < displs[j] + counts[j]) {
                            want = code(og, j, r, k - displs[j]);
                        }
                    }
                    if (many[k] != want) {
                        MPT_CHECK(0,
                                  "%s%s at the root %d of group %d: recvbuf[%d] = %d, "
                                  "expected %d",
                                  name, nb ? " (nb)" : "", r, g, k, many[k], want);
                        break;
                    }
                }
            }
            if (g == grp && root != MPI_ROOT) { /* MPI_PROC_NULL: nothing moves */
                for (int k = 0; k < cap; k++) {
                    MPT_CHECK(many[k] == -1, "%s%s: a MPI_PROC_NULL rank's buffer changed", name,
                              nb ? " (nb)" : "");
                }
            }
        }
    }
    free(many);
}

/* Allgather(v): every rank gets every remote rank's block; with v, rank j of a group sends
 * j + 1 elements, placed at j * (rs + 2). */
static void test_allgather(bool nb, bool v)
{
    const int blk = 2;
    int counts[64], displs[64], rbuf[64 * 66], sbuf[64];
    for (int j = 0; j < rs; j++) {
        counts[j] = v ? j + 1 : blk;
        displs[j] = v ? j * (rs + 2) : j * blk;
    }
    int mycount = v ? lr + 1 : blk, cap = rs * (rs + 2);
    for (int i = 0; i < mycount; i++) {
        sbuf[i] = val(grp, lr, i);
    }
    for (int k = 0; k < cap; k++) {
        rbuf[k] = -1;
    }
    if (v) {
        COLL(nb, Allgatherv, allgatherv, sbuf, mycount, MPI_INT, rbuf, counts, displs, MPI_INT,
             inter);
    } else {
        COLL(nb, Allgather, allgather, sbuf, mycount, MPI_INT, rbuf, blk, MPI_INT, inter);
    }
    for (int k = 0; k < cap; k++) {
        int want = -1;
        for (int j = 0; j < rs; j++) {
            if (k >= displs[j] && k < displs[j] + counts[j]) {
                want = val(1 - grp, j, k - displs[j]);
            }
        }
        if (rbuf[k] != want) {
            MPT_CHECK(0, "%s%s: rbuf[%d] = %d, expected %d", v ? "Allgatherv" : "Allgather",
                      nb ? " (nb)" : "", k, rbuf[k], want);
            break;
        }
    }
}

/* The number of elements rank a of one group sends to rank b of the other in alltoallv. */
static int a2a_count(int a, int b)
{
    return (a + b) % 3 + 1;
}

/* kind 0: alltoall, 1: alltoallv, 2: alltoallw (byte displacements). */
static void test_alltoall(bool nb, int kind)
{
    const int blk = 2;
    int sbuf[64 * 8], rbuf[64 * 8];
    int sc[64], sd[64], rc[64], rd[64];
    MPI_Datatype types[64];
    int so = 0, ro = 0;
    for (int j = 0; j < rs; j++) {
        sc[j] = kind == 0 ? blk : a2a_count(lr, j);
        rc[j] = kind == 0 ? blk : a2a_count(j, lr);
        sd[j] = so;
        rd[j] = ro;
        so += sc[j] + (kind == 0 ? 0 : 1); /* v and w leave a gap after each block */
        ro += rc[j] + (kind == 0 ? 0 : 1);
        types[j] = MPI_INT;
    }
    for (int k = 0; k < 64 * 8; k++) {
        sbuf[k] = -2;
        rbuf[k] = -1;
    }
    for (int j = 0; j < rs; j++) {
        for (int i = 0; i < sc[j]; i++) {
            sbuf[sd[j] + i] = code(grp, lr, j, i);
        }
    }
    const char *name = kind == 0 ? "Alltoall" : kind == 1 ? "Alltoallv" : "Alltoallw";
    if (kind == 0) {
        COLL(nb, Alltoall, alltoall, sbuf, blk, MPI_INT, rbuf, blk, MPI_INT, inter);
    } else if (kind == 1) {
        COLL(nb, Alltoallv, alltoallv, sbuf, sc, sd, MPI_INT, rbuf, rc, rd, MPI_INT, inter);
    } else {
        int sdb[64], rdb[64];
        for (int j = 0; j < rs; j++) {
            sdb[j] = sd[j] * (int)sizeof(int);
            rdb[j] = rd[j] * (int)sizeof(int);
        }
        COLL(nb, Alltoallw, alltoallw, sbuf, sc, sdb, types, rbuf, rc, rdb, types, inter);
    }
    for (int k = 0; k < ro; k++) {
        int want = -1;
        for (int j = 0; j < rs; j++) {
            if (k >= rd[j] && k < rd[j] + rc[j]) {
                want = code(1 - grp, j, lr, k - rd[j]);
            }
        }
        if (rbuf[k] != want) {
            MPT_CHECK(0, "%s%s: rbuf[%d] = %d, expected %d", name, nb ? " (nb)" : "", k, rbuf[k],
                      want);
            break;
        }
    }
}

/* Both groups reduce vectors of the same length T = 2 * ls * rs: the block form with recvcount
 * 2 * rs, the v form with counts alternating around it. */
static void test_reduce_scatter(bool nb, bool block)
{
    int total = 2 * ls * rs;
    int counts[64], first = 0, mine = 0;
    for (int k = 0; k < ls; k++) {
        counts[k] = 2 * rs;
        if (!block && !(ls % 2 == 1 && k == ls - 1)) {
            counts[k] += k % 2 == 0 ? 1 : -1;
        }
        if (k < lr) {
            first += counts[k];
        }
    }
    mine = counts[lr];
    int *sbuf = malloc(sizeof(int) * (size_t)total), rbuf[64 * 4];
    for (int i = 0; i < total; i++) {
        sbuf[i] = val(grp, lr, i);
    }
    for (int i = 0; i < 64 * 4; i++) {
        rbuf[i] = -1;
    }
    if (block) {
        COLL(nb, Reduce_scatter_block, reduce_scatter_block, sbuf, rbuf, 2 * rs, MPI_INT, MPI_SUM,
             inter);
    } else {
        COLL(nb, Reduce_scatter, reduce_scatter, sbuf, rbuf, counts, MPI_INT, MPI_SUM, inter);
    }
    for (int i = 0; i < mine + 1; i++) {
        int want = -1;
        if (i < mine) {
            want = 0;
            for (int j = 0; j < rs; j++) {
                want += val(1 - grp, j, first + i);
            }
        }
        if (rbuf[i] != want) {
            MPT_CHECK(0, "%s%s: rbuf[%d] = %d, expected %d",
                      block ? "Reduce_scatter_block" : "Reduce_scatter", nb ? " (nb)" : "", i,
                      rbuf[i], want);
            break;
        }
    }
    free(sbuf);
}

/* Several nonblocking collectives in flight at once on the intercommunicator and on the local
 * communicator: their messages must not mix. */
static void test_in_flight(MPI_Comm local)
{
    MPI_Request reqs[5];
    int b1 = -1, b2 = -1, s1 = val(grp, lr, 0), r1 = -1, lsum = -1, one = 1;
    CT_MPI(MPI_Ibarrier(inter, &reqs[0]));
    if (grp == 0) {
        b1 = lr == 0 ? 4711 : -1;
        CT_MPI(MPI_Ibcast(&b1, 1, MPI_INT, lr == 0 ? MPI_ROOT : MPI_PROC_NULL, inter, &reqs[1]));
    } else {
        CT_MPI(MPI_Ibcast(&b1, 1, MPI_INT, 0, inter, &reqs[1]));
    }
    CT_MPI(MPI_Iallreduce(&one, &lsum, 1, MPI_INT, MPI_SUM, local, &reqs[2]));
    CT_MPI(MPI_Iallreduce(&s1, &r1, 1, MPI_INT, MPI_SUM, inter, &reqs[3]));
    if (grp == 1) {
        b2 = lr == 0 ? 815 : -1;
        CT_MPI(MPI_Ibcast(&b2, 1, MPI_INT, lr == 0 ? MPI_ROOT : MPI_PROC_NULL, inter, &reqs[4]));
    } else {
        CT_MPI(MPI_Ibcast(&b2, 1, MPI_INT, 0, inter, &reqs[4]));
    }
    /* Building a communicator from the intercommunicator meanwhile uses the same contexts. */
    MPI_Comm dup;
    CT_MPI(MPI_Comm_dup(inter, &dup));
    CT_MPI(MPI_Comm_free(&dup));
    CT_MPI(MPI_Waitall(5, reqs, MPI_STATUSES_IGNORE));
    int want = 0;
    for (int j = 0; j < rs; j++) {
        want += val(1 - grp, j, 0);
    }
    MPT_CHECK(b1 == (grp == 0 && lr != 0 ? -1 : 4711), "in flight: Ibcast from group 0 gave %d",
              b1);
    MPT_CHECK(b2 == (grp == 1 && lr != 0 ? -1 : 815), "in flight: Ibcast from group 1 gave %d", b2);
    MPT_CHECK(r1 == want, "in flight: Iallreduce gave %d, expected %d", r1, want);
    MPT_CHECK(lsum == ls, "in flight: Iallreduce on the local communicator gave %d, expected %d",
              lsum, ls);
}

/* Persistent forms: an allreduce and a bcast from group 0's rank 0, each started twice. */
static void test_persistent(void)
{
    MPI_Request reqs[2];
    int sval = 0, rval = -1, b = -1;
    int root = grp == 0 ? (lr == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    CT_MPI(MPI_Allreduce_init(&sval, &rval, 1, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &reqs[0]));
    CT_MPI(MPI_Bcast_init(&b, 1, MPI_INT, root, inter, MPI_INFO_NULL, &reqs[1]));
    for (int round = 0; round < 2; round++) {
        sval = val(grp, lr, round);
        rval = -1;
        b = root == MPI_ROOT ? 77 + round : -1;
        CT_MPI(MPI_Startall(2, reqs));
        CT_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
        int want = 0;
        for (int j = 0; j < rs; j++) {
            want += val(1 - grp, j, round);
        }
        MPT_CHECK(rval == want, "persistent Allreduce round %d gave %d, expected %d", round, rval,
                  want);
        int bwant = root == MPI_PROC_NULL ? -1 : 77 + round;
        MPT_CHECK(b == bwant, "persistent Bcast round %d gave %d, expected %d", round, b, bwant);
    }
    CT_MPI(MPI_Request_free(&reqs[0]));
    CT_MPI(MPI_Request_free(&reqs[1]));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (size < 2 || size > 64) {
        if (rank == 0) {
            printf("intercomm: needs 2..64 processes; nothing to test on %d\n", size);
        }
        MPI_Finalize();
        return mpt_finish(rank);
    }
    int nlow = (size + 1) / 3; /* 1+1, 1+2, 2+3, 3+5 */
    grp = rank < nlow ? 0 : 1;
    MPI_Comm local;
    CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, grp, rank, &local));
    CT_MPI(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, grp == 0 ? nlow : 0, 42, &inter));
    MPI_Comm_rank(inter, &lr);
    MPI_Comm_size(inter, &ls);
    MPI_Comm_remote_size(inter, &rs);
    MPT_CHECK(ls == (grp == 0 ? nlow : size - nlow) && rs == size - ls,
              "intercommunicator sizes %d and %d", ls, rs);
    CT_MPI(MPI_Type_contiguous(4, MPI_INT, &mat_type));
    CT_MPI(MPI_Type_commit(&mat_type));
    CT_MPI(MPI_Op_create(mat_op, 0, &mat_mpi_op));

    for (int nb = 0; nb < 2; nb++) {
        test_barrier(nb, 0);
        test_barrier(nb, 1);
        test_bcast(nb, 7);
        test_reduce(nb, false, 5);
        test_reduce(nb, true, 5);
        for (int sc = 0; sc < 2; sc++) {
            for (int v = 0; v < 2; v++) {
                test_gather(nb, sc, v);
            }
        }
        test_allgather(nb, false);
        test_allgather(nb, true);
        for (int kind = 0; kind < 3; kind++) {
            test_alltoall(nb, kind);
        }
        test_reduce_scatter(nb, true);
        test_reduce_scatter(nb, false);
    }
    /* Long messages reach the long-message algorithms inside the receiving group. */
    test_bcast(false, 300000 / (int)sizeof(int));
    test_reduce(true, true, 70000);
    test_in_flight(local);
    test_persistent();

    /* A duplicate runs collectives too, and freeing it with one pending is allowed. */
    MPI_Comm dup;
    CT_MPI(MPI_Comm_dup(inter, &dup));
    MPI_Comm saved = inter;
    inter = dup;
    test_reduce(true, true, 3);
    inter = saved;
    CT_MPI(MPI_Comm_free(&dup));

    CT_MPI(MPI_Op_free(&mat_mpi_op));
    CT_MPI(MPI_Type_free(&mat_type));
    CT_MPI(MPI_Comm_free(&inter));
    CT_MPI(MPI_Comm_free(&local));
    MPI_Finalize();
    return mpt_finish(rank);
}
