/*
 * MPI_Comm_spawn, checked from both sides: the parents (every rank of MPI_COMM_WORLD, root the
 * last rank) start K copies of this program, ROUNDS times in a row. Parents and children check
 * the intercommunicator (sizes, ranks, MPI_Comm_get_parent), exchange checked values both ways
 * with point-to-point, bcast and allreduce on it, merge it (children high) and use the merged
 * communicator, then disconnect. Usage: basic [K [ROUNDS]] (default 3 children, 2 rounds).
 */
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

/* The value parent p sends child c in round r, and the answer. */
static int down(int p, int c, int r)
{
    return 100000 * r + 1000 * p + c;
}
static int up(int c, int p, int r)
{
    return -(100000 * r + 1000 * c + p) - 1;
}

/* The exchanges; parent: this side is the parents. nlocal, nremote: the groups' sizes. */
static void exchange(MPI_Comm inter, bool parent, int me, int nlocal, int nremote, int r)
{
    int *in = calloc((size_t)nremote, sizeof(int));
    int *out = calloc((size_t)nremote, sizeof(int));
    MPI_Request *reqs = calloc(2 * (size_t)nremote, sizeof(MPI_Request));
    for (int o = 0; o < nremote; o++) {
        out[o] = parent ? down(me, o, r) : up(me, o, r);
        CHECK_RC(MPI_Irecv(&in[o], 1, MPI_INT, o, parent ? 6 : 5, inter, &reqs[o]));
        CHECK_RC(MPI_Isend(&out[o], 1, MPI_INT, o, parent ? 5 : 6, inter, &reqs[nremote + o]));
    }
    CHECK_RC(MPI_Waitall(2 * nremote, reqs, MPI_STATUSES_IGNORE));
    for (int o = 0; o < nremote; o++) {
        int want = parent ? up(o, me, r) : down(o, me, r);
        MPT_CHECK(in[o] == want, "round %d: from remote rank %d got %d, expected %d", r, o, in[o],
                  want);
    }
    /* Bcast from the parents' rank 0, then from the children's rank 0. */
    for (int from_parents = 1; from_parents >= 0; from_parents--) {
        int v = -1;
        int root;
        bool sender = (bool)from_parents == parent;
        if (sender) {
            root = me == 0 ? MPI_ROOT : MPI_PROC_NULL;
            v = me == 0 ? 777 + r + 10 * from_parents : -1;
        } else {
            root = 0;
        }
        CHECK_RC(MPI_Bcast(&v, 1, MPI_INT, root, inter));
        if (!sender) {
            MPT_CHECK(v == 777 + r + 10 * from_parents, "round %d: bcast gave %d", r, v);
        }
    }
    /* Allreduce: each side gets the other side's sum. */
    int mine = parent ? me + 1 : 10 * (me + 1), sum = 0;
    CHECK_RC(MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, inter));
    int want = parent ? 10 * nremote * (nremote + 1) / 2 : nremote * (nremote + 1) / 2;
    MPT_CHECK(sum == want, "round %d: intercomm allreduce gave %d, expected %d", r, sum, want);
    /* Merged: parents first (low), children after. */
    MPI_Comm merged;
    CHECK_RC(MPI_Intercomm_merge(inter, parent ? 0 : 1, &merged));
    int mrank, msize;
    MPI_Comm_rank(merged, &mrank);
    MPI_Comm_size(merged, &msize);
    int nparents = parent ? nlocal : nremote;
    MPT_CHECK(msize == nlocal + nremote, "round %d: merged size %d", r, msize);
    MPT_CHECK(mrank == (parent ? me : nparents + me), "round %d: merged rank %d", r, mrank);
    int *all = calloc((size_t)msize, sizeof(int));
    int tag = (parent ? 1000 : 2000) + me;
    CHECK_RC(MPI_Allgather(&tag, 1, MPI_INT, all, 1, MPI_INT, merged));
    for (int i = 0; i < msize; i++) {
        int w = i < nparents ? 1000 + i : 2000 + (i - nparents);
        MPT_CHECK(all[i] == w, "round %d: merged allgather [%d] = %d, expected %d", r, i, all[i],
                  w);
    }
    /* The first and the last process of the merged communicator talk directly. */
    if (mrank == 0 || mrank == msize - 1) {
        int peer = mrank == 0 ? msize - 1 : 0, v = mrank * 3 + r, got = -1;
        CHECK_RC(MPI_Sendrecv(&v, 1, MPI_INT, peer, 9, &got, 1, MPI_INT, peer, 9, merged,
                              MPI_STATUS_IGNORE));
        MPT_CHECK(got == peer * 3 + r, "round %d: merged sendrecv got %d", r, got);
    }
    CHECK_RC(MPI_Barrier(merged));
    CHECK_RC(MPI_Comm_free(&merged));
    free(all);
    free(in);
    free(out);
    free(reqs);
}

static void check_inter(MPI_Comm inter, int nlocal, int nremote, int me)
{
    int flag = 0, size = -1, rsize = -1, rank = -1;
    MPI_Comm_test_inter(inter, &flag);
    MPI_Comm_size(inter, &size);
    MPI_Comm_remote_size(inter, &rsize);
    MPI_Comm_rank(inter, &rank);
    MPT_CHECK(flag, "not an intercommunicator");
    MPT_CHECK(size == nlocal && rsize == nremote && rank == me,
              "intercomm: size %d remote %d rank %d, expected %d %d %d", size, rsize, rank, nlocal,
              nremote, me);
}

static int child(int nparents, int r)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm parent;
    CHECK_RC(MPI_Comm_get_parent(&parent));
    MPT_CHECK(parent != MPI_COMM_NULL, "a spawned process has no parent");
    check_inter(parent, size, nparents, rank);
    int *appnum = NULL, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag);
    MPT_CHECK(flag && *appnum == 0, "MPI_APPNUM of a child: %d", flag ? *appnum : -1);
    exchange(parent, false, rank, size, nparents, r);
    CHECK_RC(MPI_Comm_disconnect(&parent));
    MPT_CHECK(parent == MPI_COMM_NULL, "disconnect left the handle");
    CHECK_RC(MPI_Comm_get_parent(&parent));
    MPT_CHECK(parent == MPI_COMM_NULL, "MPI_Comm_get_parent after the disconnect");
    MPI_Finalize();
    return mpt_finish(-1); /* the parents' rank 0 says "No Errors" */
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc > 3 && strcmp(argv[1], "child") == 0) {
        return child((int)mpt_parse_long(argv[2], "parents"),
                     (int)mpt_parse_long(argv[3], "round"));
    }
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int k = argc > 1 ? (int)mpt_parse_long(argv[1], "children") : 3;
    int rounds = argc > 2 ? (int)mpt_parse_long(argv[2], "rounds") : 2;
    MPI_Comm parent;
    CHECK_RC(MPI_Comm_get_parent(&parent));
    MPT_CHECK(parent == MPI_COMM_NULL, "a process of mpirun has a parent");
    int *usize = NULL, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &usize, &flag);
    MPT_CHECK(flag && *usize >= size, "MPI_UNIVERSE_SIZE %d", flag ? *usize : -1);
    for (int r = 0; r < rounds; r++) {
        char np[16], round[16];
        snprintf(np, sizeof(np), "%d", size);
        snprintf(round, sizeof(round), "%d", r);
        char *args[] = {"child", np, round, NULL};
        int *codes = malloc(sizeof(int) * (size_t)k);
        for (int i = 0; i < k; i++) {
            codes[i] = -1;
        }
        MPI_Comm inter = MPI_COMM_NULL;
        CHECK_RC(MPI_Comm_spawn(argv[0], args, rank == size - 1 ? k : -1, MPI_INFO_NULL, size - 1,
                                MPI_COMM_WORLD, &inter, codes));
        for (int i = 0; i < k; i++) {
            MPT_CHECK(codes[i] == MPI_SUCCESS, "round %d: error code %d is %d", r, i, codes[i]);
        }
        check_inter(inter, size, k, rank);
        exchange(inter, true, rank, size, k, r);
        CHECK_RC(MPI_Comm_disconnect(&inter));
        MPT_CHECK(inter == MPI_COMM_NULL, "disconnect left the handle");
        free(codes);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
