/*
 * util/ptrmap.c (cmocka): put, get, replace and remove, growth past many rebuilds, tombstones
 * reused and dropped, lookups of absent keys, and the memory going with the last entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/ptrmap.h"

#define N 5000

static char keys[N][3];

static void test_basic(void **state)
{
    (void)state;
    mp_ptrmap_t m;
    mp_ptrmap_init(&m);
    uintptr_t v = 99;
    assert_false(mp_ptrmap_get(&m, keys[0], &v));
    assert_int_equal(v, 99);
    assert_false(mp_ptrmap_remove(&m, keys[0]));
    assert_true(mp_ptrmap_put(&m, keys[0], 7));
    assert_true(mp_ptrmap_get(&m, keys[0], &v));
    assert_int_equal(v, 7);
    assert_true(mp_ptrmap_get(&m, keys[0], NULL));
    assert_true(mp_ptrmap_put(&m, keys[0], 8)); /* replaces */
    assert_int_equal(mp_ptrmap_size(&m), 1);
    assert_true(mp_ptrmap_get(&m, keys[0], &v));
    assert_int_equal(v, 8);
    assert_false(mp_ptrmap_get(&m, keys[1], &v));
    assert_true(mp_ptrmap_remove(&m, keys[0]));
    assert_false(mp_ptrmap_get(&m, keys[0], &v));
    assert_int_equal(mp_ptrmap_size(&m), 0);
    assert_null(m.slots); /* the last entry took the table with it */
    mp_ptrmap_fini(&m);
}

static void test_many(void **state)
{
    (void)state;
    mp_ptrmap_t m;
    mp_ptrmap_init(&m);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            assert_true(mp_ptrmap_put(&m, keys[i], (uintptr_t)(i * 3 + round)));
        }
        assert_int_equal(mp_ptrmap_size(&m), N);
        /* Remove the odd ones: their tombstones must not hide the even ones. */
        for (int i = 1; i < N; i += 2) {
            assert_true(mp_ptrmap_remove(&m, keys[i]));
        }
        for (int i = 0; i < N; i++) {
            uintptr_t v = 0;
            bool there = mp_ptrmap_get(&m, keys[i], &v);
            assert_int_equal(there, i % 2 == 0);
            if (there) {
                assert_int_equal(v, (uintptr_t)(i * 3 + round));
            }
        }
        assert_int_equal(mp_ptrmap_size(&m), N / 2);
        /* Churn: adding and removing the same keys must not grow the table without end. */
        size_t cap = m.cap;
        for (int k = 0; k < 20; k++) {
            for (int i = 1; i < N; i += 2) {
                assert_true(mp_ptrmap_put(&m, keys[i], 1));
            }
            for (int i = 1; i < N; i += 2) {
                assert_true(mp_ptrmap_remove(&m, keys[i]));
            }
        }
        assert_true(m.cap <= 2 * cap);
        for (int i = 0; i < N; i += 2) {
            assert_true(mp_ptrmap_remove(&m, keys[i]));
        }
        assert_int_equal(mp_ptrmap_size(&m), 0);
    }
    mp_ptrmap_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
