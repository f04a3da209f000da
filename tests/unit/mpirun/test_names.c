/*
 * Unit tests of mpirun's table of published names: publish, lookup, duplicates, unpublish by
 * the owner only, growth past the first allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mpirun/names.h"

static void test_publish_lookup(void **state)
{
    (void)state;
    mpirun_names_t t = {0};
    assert_null(mpirun_names_lookup(&t, "svc"));
    assert_int_equal(mpirun_names_publish(&t, "svc", "port-a", 3), MPIRUN_NAMES_OK);
    assert_string_equal(mpirun_names_lookup(&t, "svc")->port, "port-a");
    assert_int_equal(mpirun_names_lookup(&t, "svc")->owner, 3);
    assert_int_equal(mpirun_names_publish(&t, "svc", "port-b", 4), MPIRUN_NAMES_DUPLICATE);
    assert_string_equal(mpirun_names_lookup(&t, "svc")->port, "port-a");
    assert_null(mpirun_names_lookup(&t, "sv"));
    mpirun_names_clear(&t);
    assert_null(mpirun_names_lookup(&t, "svc"));
}

static void test_unpublish(void **state)
{
    (void)state;
    mpirun_names_t t = {0};
    assert_int_equal(mpirun_names_unpublish(&t, "svc", 0), MPIRUN_NAMES_NOT_FOUND);
    assert_int_equal(mpirun_names_publish(&t, "svc", "p", 1), MPIRUN_NAMES_OK);
    assert_int_equal(mpirun_names_publish(&t, "other", "q", 2), MPIRUN_NAMES_OK);
    assert_int_equal(mpirun_names_unpublish(&t, "svc", 2), MPIRUN_NAMES_NOT_OWNER);
    assert_int_equal(mpirun_names_unpublish(&t, "svc", 1), MPIRUN_NAMES_OK);
    assert_null(mpirun_names_lookup(&t, "svc"));
    assert_string_equal(mpirun_names_lookup(&t, "other")->port, "q");
    /* Published again after it was withdrawn. */
    assert_int_equal(mpirun_names_publish(&t, "svc", "p2", 2), MPIRUN_NAMES_OK);
    assert_string_equal(mpirun_names_lookup(&t, "svc")->port, "p2");
    mpirun_names_clear(&t);
}

static void test_many(void **state)
{
    (void)state;
    mpirun_names_t t = {0};
    char s[32], p[32];
    for (int i = 0; i < 100; i++) {
        snprintf(s, sizeof(s), "svc%d", i);
        snprintf(p, sizeof(p), "port%d", i);
        assert_int_equal(mpirun_names_publish(&t, s, p, i), MPIRUN_NAMES_OK);
    }
    for (int i = 0; i < 100; i += 2) {
        snprintf(s, sizeof(s), "svc%d", i);
        assert_int_equal(mpirun_names_unpublish(&t, s, i), MPIRUN_NAMES_OK);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(s, sizeof(s), "svc%d", i);
        snprintf(p, sizeof(p), "port%d", i);
        if (i % 2 == 0) {
            assert_null(mpirun_names_lookup(&t, s));
        } else {
            assert_string_equal(mpirun_names_lookup(&t, s)->port, p);
        }
    }
    mpirun_names_clear(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_lookup),
        cmocka_unit_test(test_unpublish),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
