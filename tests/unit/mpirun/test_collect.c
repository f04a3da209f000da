/*
 * Unit tests of fence gathering across hosts: a fence completes when its last part arrives,
 * with every part and every contributor; fences are told apart by key; a second part from the
 * same host or a disagreeing host count is refused.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completes_with_every_part),
        cmocka_unit_test(test_single_host_fence),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_failed_part_fails_the_fence),
    };
    return cmocka_run_group_tests_name("mpirun fence gathering", tests, NULL, NULL);
}
