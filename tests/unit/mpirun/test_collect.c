/*
 * Unit tests of fence gathering across hosts: a fence completes when its last part arrives,
 * with every part and every contributor; fences are told apart by key; a second part from the
 * same host or a disagreeing host count is refused; when the tree is re-planned (a daemon
 * goes straight to mpirun) the open fences are re-counted and every host's part arrives once.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "mpirun/collect.h"

static char err[256];

static void test_completes_with_every_part(void **state)
{
    (void)state;
    mpirun_collector_t c = {0};
    mpirun_collect_t *done = NULL;
    assert_int_equal(mpirun_collector_add(&c, 7, 0, 3, 2, 0, "cc", 2, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 7, 0, 3, -1, 0, "a", 1, &done, err, sizeof(err)), 0);
    /* Another fence (same participants, next in sequence) does not mix in. */
    assert_int_equal(mpirun_collector_add(&c, 7, 1, 3, 2, 0, "x", 1, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 7, 0, 3, 0, 0, "", 0, &done, err, sizeof(err)), 1);
    assert_int_equal(done->got, 3);
    assert_int_equal(done->contributors[0], 2);
    assert_int_equal(done->contributors[1], -1);
    assert_int_equal(done->contributors[2], 0);
    assert_int_equal(done->data.len, 3);
    assert_memory_equal(done->data.data, "cca", 3);
    mpirun_collector_release(&c, done);
    assert_int_equal(c.nfences, 1); /* fence 1 still waits */
    mpirun_collector_fini(&c);
}

static void test_single_host_fence(void **state)
{
    (void)state;
    mpirun_collector_t c = {0};
    mpirun_collect_t *done = NULL;
    assert_int_equal(mpirun_collector_add(&c, 1, 5, 1, 4, 0, "data", 4, &done, err, sizeof(err)),
                     1);
    assert_memory_equal(done->data.data, "data", 4);
    mpirun_collector_release(&c, done);
    assert_int_equal(c.nfences, 0);
    mpirun_collector_fini(&c);
}

static void test_refusals(void **state)
{
    (void)state;
    mpirun_collector_t c = {0};
    mpirun_collect_t *done = NULL;
    assert_int_equal(mpirun_collector_add(&c, 9, 0, 2, 1, 0, "a", 1, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 9, 0, 2, 1, 0, "a", 1, &done, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "second part"));
    assert_int_equal(mpirun_collector_add(&c, 9, 0, 3, 0, 0, "b", 1, &done, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "another host said 2"));
    assert_int_equal(mpirun_collector_add(&c, 9, 1, 0, 0, 0, "b", 1, &done, err, sizeof(err)), -1);
    mpirun_collector_fini(&c);
}

/* A host whose ranks' part is incomplete (one died in the fence) fails the whole fence: the
 * first failing status reaches every host, whatever order the parts come in. */
static void test_failed_part_fails_the_fence(void **state)
{
    (void)state;
    mpirun_collector_t c = {0};
    mpirun_collect_t *done = NULL;
    assert_int_equal(mpirun_collector_add(&c, 3, 0, 3, 0, 0, "a", 1, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 3, 0, 3, 1, -52, "", 0, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 3, 0, 3, 2, -1, "c", 1, &done, err, sizeof(err)), 1);
    assert_int_equal(done->status, -52);
    assert_memory_equal(done->data.data, "ac", 2);
    mpirun_collector_release(&c, done);
    assert_int_equal(mpirun_collector_add(&c, 3, 1, 1, 0, 0, "a", 1, &done, err, sizeof(err)), 1);
    assert_int_equal(done->status, 0);
    mpirun_collector_release(&c, done);
    mpirun_collector_fini(&c);
}

static void test_adjust(void **state)
{
    (void)state;
    mpirun_collector_t c = {0};
    mpirun_collect_t *done = NULL;
    assert_int_equal(mpirun_collector_adjust(&c, -1, err, sizeof(err)), 0); /* nothing open */
    assert_int_equal(mpirun_collector_add(&c, 4, 0, 3, -1, 0, "a", 1, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 4, 1, 3, -1, 0, "b", 1, &done, err, sizeof(err)), 0);
    assert_int_equal(mpirun_collector_add(&c, 4, 1, 3, 0, 0, "c", 1, &done, err, sizeof(err)), 0);
    assert_null(mpirun_collector_complete(&c));
    /* One part fewer: fence 1 has the two it needs now, fence 0 still waits for one. */
    assert_int_equal(mpirun_collector_adjust(&c, -1, err, sizeof(err)), 0);
    done = mpirun_collector_complete(&c);
    assert_non_null(done);
    assert_int_equal(done->seq, 1);
    assert_memory_equal(done->data.data, "bc", 2);
    mpirun_collector_release(&c, done);
    assert_null(mpirun_collector_complete(&c));
    /* No fence can need fewer parts than it has, nor none. */
    assert_int_equal(mpirun_collector_adjust(&c, -2, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "now expected"));
    /* Growing makes room for the new contributors; later parts give the new count. */
    assert_int_equal(mpirun_collector_adjust(&c, +2, err, sizeof(err)), 0);
    for (int who = 0; who < 3; who++) {
        int rc = mpirun_collector_add(&c, 4, 0, 4, who, 0, "x", 1, &done, err, sizeof(err));
        assert_int_equal(rc, who == 2 ? 1 : 0);
    }
    assert_int_equal(done->got, 4);
    assert_memory_equal(done->data.data, "axxx", 4);
    mpirun_collector_release(&c, done);
    mpirun_collector_fini(&c);
}

/*
 * The re-planning of the fence tree, with one collector per gathering place as mpirun and the
 * daemons run them: mpirun (root) has its own host's part and child A; A has its own part and
 * child B; B cannot reach A. Whatever has arrived when B reports it, the fence completes at
 * the root with every host's part exactly once: mpirun counts B before telling A to stop
 * waiting for it, and B's part comes to mpirun after its report.
 */
static void test_replan_tree(void **state)
{
    (void)state;
    for (int order = 0; order < 2; order++) {
        mpirun_collector_t root = {0}, a = {0};
        mpirun_collect_t *done = NULL;
        int root_parts = 2, a_parts = 2;
        const int ME = -1, CHILD_A = 0, CHILD_B = 1;
        if (order == 0) { /* fence parts in flight before the report */
            assert_int_equal(
                mpirun_collector_add(&a, 1, 0, a_parts, ME, 0, "A", 1, &done, err, sizeof(err)), 0);
            assert_int_equal(mpirun_collector_add(&root, 1, 0, root_parts, ME, 0, "R", 1, &done,
                                                  err, sizeof(err)),
                             0);
        }
        /* B's report at mpirun, then A told (UNCHILD). */
        root_parts++;
        assert_int_equal(mpirun_collector_adjust(&root, +1, err, sizeof(err)), 0);
        a_parts--;
        assert_int_equal(mpirun_collector_adjust(&a, -1, err, sizeof(err)), 0);
        mpirun_collect_t *up = mpirun_collector_complete(&a);
        if (order == 1) {
            assert_null(up);
            assert_int_equal(
                mpirun_collector_add(&a, 1, 0, a_parts, ME, 0, "A", 1, &up, err, sizeof(err)), 1);
            assert_int_equal(mpirun_collector_add(&root, 1, 0, root_parts, ME, 0, "R", 1, &done,
                                                  err, sizeof(err)),
                             0);
        }
        assert_non_null(up);
        /* A's subtree (A alone now) and B's part reach mpirun. */
        assert_int_equal(mpirun_collector_add(&root, 1, 0, root_parts, CHILD_A, 0, up->data.data,
                                              up->data.len, &done, err, sizeof(err)),
                         0);
        mpirun_collector_release(&a, up);
        assert_int_equal(mpirun_collector_add(&root, 1, 0, root_parts, CHILD_B, 0, "B", 1, &done,
                                              err, sizeof(err)),
                         1);
        assert_int_equal(done->data.len, 3);
        assert_memory_equal(done->data.data, "RAB", 3);
        mpirun_collector_release(&root, done);
        mpirun_collector_fini(&root);
        mpirun_collector_fini(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completes_with_every_part),
        cmocka_unit_test(test_single_host_fence),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_failed_part_fails_the_fence),
        cmocka_unit_test(test_adjust),
        cmocka_unit_test(test_replan_tree),
    };
    return cmocka_run_group_tests_name("mpirun fence gathering", tests, NULL, NULL);
}
