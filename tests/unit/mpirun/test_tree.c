/*
 * Unit tests of the fence relay's tree: every daemon has one parent that lists it among its
 * children, fan-out 1 is a chain and a large one a star, the setting is checked; and gathering
 * each subtree with a collector, then combining up the tree, brings every host's part to the
 * root exactly once.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "mpirun/collect.h"
#include "mpirun/tree.h"

static char err[256];

static void test_parents_and_children_agree(void **state)
{
    (void)state;
    for (int k = 1; k <= 9; k++) {
        for (int n = 0; n <= 40; n++) {
            int seen[41] = {0};
            for (int p = 0; p <= n; p++) {
                int nc = mpirun_tree_nchildren(p, k, n);
                assert_true(nc >= 0 && nc <= k);
                for (int i = 0; i < nc; i++) {
                    int c = mpirun_tree_child(p, k, i);
                    assert_true(c >= 1 && c <= n);
                    assert_int_equal(mpirun_tree_parent(c, k), p);
                    seen[c]++;
                }
            }
            for (int c = 1; c <= n; c++) {
                assert_int_equal(seen[c], 1); /* every daemon is someone's child, once */
            }
        }
    }
}

static void test_shapes(void **state)
{
    (void)state;
    /* Fan-out 1: a chain 0 -> 1 -> 2 -> 3. */
    assert_int_equal(mpirun_tree_parent(3, 1), 2);
    assert_int_equal(mpirun_tree_nchildren(2, 1, 3), 1);
    assert_int_equal(mpirun_tree_nchildren(3, 1, 3), 0);
    /* Fan-out 2 over 3 daemons: mpirun has 1 and 2, daemon 1 has 3. */
    assert_int_equal(mpirun_tree_nchildren(0, 2, 3), 2);
    assert_int_equal(mpirun_tree_nchildren(1, 2, 3), 1);
    assert_int_equal(mpirun_tree_child(1, 2, 0), 3);
    assert_int_equal(mpirun_tree_nchildren(2, 2, 3), 0);
    /* A fan-out above the daemon count: the star. */
    assert_int_equal(mpirun_tree_nchildren(0, 8, 3), 3);
    assert_int_equal(mpirun_tree_nchildren(1, 8, 3), 0);
    /* No overflow for large positions and fan-outs. */
    assert_int_equal(mpirun_tree_nchildren(1 << 20, MPIRUN_TREE_FANOUT_MAX, 1 << 20), 0);
}

static void test_fanout_setting(void **state)
{
    (void)state;
    int k = 0;
    assert_int_equal(mpirun_tree_fanout_parse(NULL, &k, err, sizeof(err)), 0);
    assert_int_equal(k, MPIRUN_TREE_FANOUT_DEFAULT);
    assert_int_equal(mpirun_tree_fanout_parse("", &k, err, sizeof(err)), 0);
    assert_int_equal(k, MPIRUN_TREE_FANOUT_DEFAULT);
    assert_int_equal(mpirun_tree_fanout_parse("2", &k, err, sizeof(err)), 0);
    assert_int_equal(k, 2);
    const char *bad[] = {"0", "-1", "2x", "x", "1025", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(mpirun_tree_fanout_parse(bad[i], &k, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "MP_FENCE_FANOUT="));
        assert_non_null(strstr(err, bad[i]));
    }
}

/* Whether position q lies in p's subtree (q is p or below it). */
static int in_subtree(int q, int p, int k)
{
    while (q > p) {
        q = mpirun_tree_parent(q, k);
    }
    return q == p;
}

/* Positions 0..n each hold one host's one-letter part; each position's collector waits for its
 * own part and one combined part per child, then hands the combination up. */
static void gather(int k, int n)
{
    mpirun_collector_t c[12] = {{0}};
    char up[12][16]; /* what each position sent up */
    size_t uplen[12] = {0};
    int upstatus[12] = {0};
    /* Leaves first, then their parents: children have higher positions than their parent. */
    for (int p = n; p >= 0; p--) {
        mpirun_collect_t *done = NULL;
        int nc = mpirun_tree_nchildren(p, k, n);
        char mine = (char)('a' + p);
        int rc = mpirun_collector_add(&c[p], 5, 0, 1 + nc, -1, p == 2 ? -52 : 0, &mine, 1, &done,
                                      err, sizeof(err));
        for (int i = 0; i < nc; i++) {
            int ch = mpirun_tree_child(p, k, i);
            assert_int_equal(rc, 0);
            rc = mpirun_collector_add(&c[p], 5, 0, 1 + nc, ch, upstatus[ch], up[ch], uplen[ch],
                                      &done, err, sizeof(err));
        }
        assert_int_equal(rc, 1);
        /* Daemon 2's own part failed: it and every position above it see that. */
        assert_int_equal(done->status, in_subtree(2, p, k) ? -52 : 0);
        memcpy(up[p], done->data.data, done->data.len);
        uplen[p] = done->data.len;
        upstatus[p] = done->status;
        mpirun_collector_release(&c[p], done);
        mpirun_collector_fini(&c[p]);
    }
    /* The root holds every host's part once. */
    assert_int_equal(uplen[0], (size_t)n + 1);
    for (int p = 0; p <= n; p++) {
        assert_non_null(memchr(up[0], 'a' + p, uplen[0]));
    }
}

static void test_gathering_up_the_tree(void **state)
{
    (void)state;
    for (int k = 1; k <= 4; k++) {
        for (int n = 2; n <= 10; n++) {
            gather(k, n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parents_and_children_agree),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_fanout_setting),
        cmocka_unit_test(test_gathering_up_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
