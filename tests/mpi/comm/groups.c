/*
 * Group algebra against hand-computed answers: incl, excl, range_incl/excl (with negative
 * strides, and a last rank past the group that the stride steps over), union, intersection,
 * difference, translate_ranks (MPI_PROC_NULL, MPI_UNDEFINED), compare (IDENT, SIMILAR, UNEQUAL),
 * MPI_GROUP_EMPTY, and the error classes of bad arguments under MPI_ERRORS_RETURN. Every process
 * checks every result locally.
 */
#include "commtest.h"

static int wrank, wsize;
static MPI_Group world;

/* Checks that g holds exactly the world ranks want[0..n), in order, and my rank in it. */
static void check_members(MPI_Group g, int n, const int *want, const char *what)
{
    int size = -1, rank = -2, me = MPI_UNDEFINED;
    P2P_MPI(MPI_Group_size(g, &size));
    MPT_CHECK(size == n, "%s: size %d, expected %d", what, size, n);
    if (size != n) {
        return;
    }
    for (int i = 0; i < n; i++) {
        int w = -1;
        P2P_MPI(MPI_Group_translate_ranks(g, 1, &i, world, &w));
        MPT_CHECK(w == want[i], "%s: rank %d is world rank %d, expected %d", what, i, w, want[i]);
        if (want[i] == wrank) {
            me = i;
        }
    }
    P2P_MPI(MPI_Group_rank(g, &rank));
    MPT_CHECK(rank == me, "%s: my rank %d, expected %d", what, rank, me);
}

static void check_compare(MPI_Group a, MPI_Group b, int want, const char *what)
{
    int result = -1;
    P2P_MPI(MPI_Group_compare(a, b, &result));
    MPT_CHECK(result == want, "%s: MPI_Group_compare gave %d, expected %d", what, result, want);
}

/* The fixed example on 4 processes or more: a = {3, 1}, b = {1, 2, 0}. */
static void test_example(void)
{
    if (wsize < 4) {
        return;
    }
    MPI_Group a, b, u, in, d, d2;
    const int ra[] = {3, 1}, rb[] = {1, 2, 0};
    P2P_MPI(MPI_Group_incl(world, 2, ra, &a));
    P2P_MPI(MPI_Group_incl(world, 3, rb, &b));
    P2P_MPI(MPI_Group_union(a, b, &u));
    P2P_MPI(MPI_Group_intersection(a, b, &in));
    P2P_MPI(MPI_Group_difference(a, b, &d));
    P2P_MPI(MPI_Group_difference(b, a, &d2));
    check_members(a, 2, (const int[]){3, 1}, "incl {3,1}");
    check_members(u, 4, (const int[]){3, 1, 2, 0}, "{3,1} union {1,2,0}");
    check_members(in, 1, (const int[]){1}, "{3,1} intersection {1,2,0}");
    check_members(d, 1, (const int[]){3}, "{3,1} minus {1,2,0}");
    check_members(d2, 2, (const int[]){2, 0}, "{1,2,0} minus {3,1}");
    /* Translate u's ranks into b: 3 is not in b; PROC_NULL stays. */
    int from[] = {0, 1, 2, 3, MPI_PROC_NULL}, to[5];
    P2P_MPI(MPI_Group_translate_ranks(u, 5, from, b, to));
    const int want[] = {MPI_UNDEFINED, 0, 1, 2, MPI_PROC_NULL};
    for (int i = 0; i < 5; i++) {
        MPT_CHECK(to[i] == want[i], "translate u->b: [%d] = %d, expected %d", i, to[i], want[i]);
    }
    MPI_Group u4;
    const int r4[] = {0, 1, 2, 3};
    P2P_MPI(MPI_Group_incl(world, 4, r4, &u4));
    check_compare(u, u4, MPI_SIMILAR, "{3,1,2,0} vs {0,1,2,3}");
    check_compare(a, b, MPI_UNEQUAL, "{3,1} vs {1,2,0}");
    MPI_Group *all[] = {&a, &b, &u, &in, &d, &d2, &u4};
    for (int i = 0; i < 7; i++) {
        P2P_MPI(MPI_Group_free(all[i]));
        MPT_CHECK(*all[i] == MPI_GROUP_NULL, "MPI_Group_free left the handle set");
    }
}

/* Evens and odds built in several ways must agree. */
static void test_parity(void)
{
    int ne = (wsize + 1) / 2, no = wsize / 2;
    int *evens = malloc(sizeof(int) * (size_t)wsize), *odds = malloc(sizeof(int) * (size_t)wsize);
    int *rev = malloc(sizeof(int) * (size_t)wsize);
    for (int i = 0; i < ne; i++) {
        evens[i] = 2 * i;
    }
    for (int i = 0; i < no; i++) {
        odds[i] = 2 * i + 1;
    }
    for (int i = 0; i < wsize; i++) {
        rev[i] = wsize - 1 - i;
    }
    MPI_Group ge, ge2, ge3, go, all, back, inter, diff, r;
    int range_e[1][3] = {{0, wsize - 1, 2}};
    P2P_MPI(MPI_Group_range_incl(world, 1, range_e, &ge));
    P2P_MPI(MPI_Group_incl(world, ne, evens, &ge2));
    P2P_MPI(MPI_Group_excl(world, no, odds, &ge3));
    check_members(ge, ne, evens, "range_incl evens");
    check_members(ge2, ne, evens, "incl evens");
    check_members(ge3, ne, evens, "excl odds");
    check_compare(ge, ge2, MPI_IDENT, "evens vs evens");
    if (no > 0) {
        int range_o[1][3] = {{1, wsize - 1, 2}};
        P2P_MPI(MPI_Group_range_excl(world, 1, range_o, &go));
        check_members(go, ne, evens, "range_excl odds");
        P2P_MPI(MPI_Group_free(&go));
    }
    P2P_MPI(MPI_Group_difference(world, ge, &go));
    check_members(go, no, odds, "world minus evens");
    P2P_MPI(MPI_Group_union(ge, go, &all));
    int *eo = malloc(sizeof(int) * (size_t)wsize);
    memcpy(eo, evens, sizeof(int) * (size_t)ne);
    memcpy(eo + ne, odds, sizeof(int) * (size_t)no);
    check_members(all, wsize, eo, "evens union odds");
    check_compare(all, world, wsize <= 2 ? MPI_IDENT : MPI_SIMILAR, "evens+odds vs world");
    P2P_MPI(MPI_Group_intersection(ge, go, &inter));
    MPT_CHECK(inter == MPI_GROUP_EMPTY, "evens intersection odds is not MPI_GROUP_EMPTY");
    P2P_MPI(MPI_Group_difference(ge, ge2, &diff));
    MPT_CHECK(diff == MPI_GROUP_EMPTY, "evens minus evens is not MPI_GROUP_EMPTY");
    int range_r[1][3] = {{wsize - 1, 0, -1}};
    P2P_MPI(MPI_Group_range_incl(world, 1, range_r, &r));
    check_members(r, wsize, rev, "range_incl reversed");
    check_compare(r, world, wsize == 1 ? MPI_IDENT : MPI_SIMILAR, "reversed vs world");
    P2P_MPI(MPI_Group_union(r, world, &back));
    check_compare(back, r, MPI_IDENT, "reversed union world vs reversed");
    check_compare(ge, go, MPI_UNEQUAL, "evens vs odds");
    MPI_Group *gs[] = {&ge, &ge2, &ge3, &go, &all, &inter, &diff, &r, &back};
    for (int i = 0; i < 9; i++) {
        P2P_MPI(MPI_Group_free(gs[i]));
    }
    free(evens);
    free(odds);
    free(rev);
    free(eo);
}

static void test_empty(void)
{
    int size = -1, rank = -1;
    P2P_MPI(MPI_Group_size(MPI_GROUP_EMPTY, &size));
    P2P_MPI(MPI_Group_rank(MPI_GROUP_EMPTY, &rank));
    MPT_CHECK(size == 0 && rank == MPI_UNDEFINED, "MPI_GROUP_EMPTY: size %d rank %d", size, rank);
    MPI_Group e, u;
    P2P_MPI(MPI_Group_incl(world, 0, NULL, &e));
    MPT_CHECK(e == MPI_GROUP_EMPTY, "incl of no rank is not MPI_GROUP_EMPTY");
    P2P_MPI(MPI_Group_union(MPI_GROUP_EMPTY, world, &u));
    check_compare(u, world, MPI_IDENT, "empty union world");
    check_compare(MPI_GROUP_EMPTY, e, MPI_IDENT, "empty vs empty");
    P2P_MPI(MPI_Group_free(&u));
    P2P_MPI(MPI_Group_free(&e));
}

static void expect_class(int rc, int cls, const char *what)
{
    int got = p2p_err_class(rc);
    MPT_CHECK(rc != MPI_SUCCESS && got == cls, "%s: returned class %d, expected %d", what, got,
              cls);
}

static void test_errors(void)
{
    MPI_Group g = MPI_GROUP_NULL;
    int size, dup[2] = {0, 0}, out[1] = {wsize}, ranks[1][3] = {{0, 0, 0}};
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    expect_class(MPI_Group_size(MPI_GROUP_NULL, &size), MPI_ERR_GROUP, "size of MPI_GROUP_NULL");
    if (wsize > 1) {
        expect_class(MPI_Group_incl(world, 2, dup, &g), MPI_ERR_RANK, "incl of a rank twice");
    }
    expect_class(MPI_Group_incl(world, 1, out, &g), MPI_ERR_RANK, "incl of rank = size");
    expect_class(MPI_Group_excl(world, 1, out, &g), MPI_ERR_RANK, "excl of rank = size");
    expect_class(MPI_Group_range_incl(world, 1, ranks, &g), MPI_ERR_ARG, "range with stride 0");
    int tr = 0, bad = wsize;
    expect_class(MPI_Group_translate_ranks(world, 1, &bad, world, &tr), MPI_ERR_RANK,
                 "translate of rank = size");
    MPT_CHECK(g == MPI_GROUP_NULL, "a failed call set the output group");
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_ARE_FATAL));
}

/* A triplet's last need not be a rank of the group, only the ranks it computes must be (the
 * IBM suite's group/range uses {5, 8, 2} on 8 processes): with a stride of size - 1,
 * {0, size, stride} is {0, size - 1} and {size - 1, -1, -stride} is {size - 1, 0}, their last
 * outside the group and never reached (on 1 or 2 processes a stride of size + 1 names rank 0
 * or size - 1 alone); excluding the first leaves the others. A triplet that computes a rank
 * outside the group is MPI_ERR_RANK. */
static void test_range_past_end(void)
{
    int stride = wsize >= 3 ? wsize - 1 : wsize + 1, n = wsize >= 3 ? 2 : 1;
    int up_ranks[2] = {0, wsize - 1}, down_ranks[2] = {wsize - 1, 0};
    int *rest = malloc(sizeof(int) * (size_t)wsize), nrest = 0;
    for (int r = 0; r < wsize; r++) {
        if (r != 0 && (n == 1 || r != wsize - 1)) {
            rest[nrest++] = r;
        }
    }
    MPI_Group gu, gd, gx;
    int up[1][3] = {{0, wsize, stride}}, dn[1][3] = {{wsize - 1, -1, -stride}};
    P2P_MPI(MPI_Group_range_incl(world, 1, up, &gu));
    check_members(gu, n, up_ranks, "range_incl {0, size, stride}");
    P2P_MPI(MPI_Group_range_incl(world, 1, dn, &gd));
    check_members(gd, n, down_ranks, "range_incl {size-1, -1, -stride}");
    P2P_MPI(MPI_Group_range_excl(world, 1, up, &gx));
    check_members(gx, nrest, rest, "range_excl {0, size, stride}");
    MPI_Group *gs[] = {&gu, &gd, &gx};
    for (int i = 0; i < 3; i++) {
        P2P_MPI(MPI_Group_free(gs[i]));
    }
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    MPI_Group g = MPI_GROUP_NULL;
    int past[1][3] = {{0, wsize, 1}}, neg[1][3] = {{wsize - 1, -1, -1}};
    expect_class(MPI_Group_range_incl(world, 1, past, &g), MPI_ERR_RANK,
                 "range_incl {0, size, 1} computes rank size");
    expect_class(MPI_Group_range_excl(world, 1, neg, &g), MPI_ERR_RANK,
                 "range_excl {size-1, -1, -1} computes rank -1");
    MPT_CHECK(g == MPI_GROUP_NULL, "a failed range call set the output group");
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_ARE_FATAL));
    free(rest);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    P2P_MPI(MPI_Comm_group(MPI_COMM_WORLD, &world));
    test_example();
    test_parity();
    test_empty();
    test_errors();
    test_range_past_end();
    P2P_MPI(MPI_Group_free(&world));
    MPI_Finalize();
    return mpt_finish(wrank);
}
