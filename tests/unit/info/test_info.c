/*
 * Unit tests of the info storage (core/info.c): order of keys, replacement in place, deletion at
 * the head, middle and tail, nthkey bounds, dup independence and merge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/info.h"

static void expect_keys(const mp_info_t *info, const char *const *keys, int n)
{
    assert_int_equal(info->nkeys, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(mp_info_nthkey(info, i), keys[i]);
    }
    assert_null(mp_info_nthkey(info, n));
    assert_null(mp_info_nthkey(info, -1));
}

static void test_order_and_replace(void **state)
{
    (void)state;
    mp_info_t *info = NULL;
    assert_int_equal(mp_info_create(&info), MP_OK);
    assert_int_equal(mp_info_set(info, "a", "1"), MP_OK);
    assert_int_equal(mp_info_set(info, "b", "2"), MP_OK);
    assert_int_equal(mp_info_set(info, "c", "3"), MP_OK);
    assert_int_equal(mp_info_set(info, "a", "one"), MP_OK);
    const char *keys[] = {"a", "b", "c"};
    expect_keys(info, keys, 3);
    assert_string_equal(mp_info_get(info, "a"), "one");
    assert_string_equal(mp_info_get(info, "c"), "3");
    assert_null(mp_info_get(info, "d"));
    mp_info_destroy(info);
}

static void test_delete(void **state)
{
    (void)state;
    mp_info_t info;
    mp_info_init(&info);
    const char *all[] = {"k0", "k1", "k2", "k3"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(mp_info_set(&info, all[i], "v"), MP_OK);
    }
    assert_int_equal(mp_info_delete(&info, "k1"), MP_OK); /* middle */
    assert_int_equal(mp_info_delete(&info, "k3"), MP_OK); /* tail */
    assert_int_equal(mp_info_delete(&info, "k3"), MP_ERR_NOT_FOUND);
    const char *left[] = {"k0", "k2"};
    expect_keys(&info, left, 2);
    /* The tail moved: a new key goes after k2. */
    assert_int_equal(mp_info_set(&info, "k4", "v"), MP_OK);
    assert_int_equal(mp_info_delete(&info, "k0"), MP_OK); /* head */
    const char *last[] = {"k2", "k4"};
    expect_keys(&info, last, 2);
    assert_int_equal(mp_info_delete(&info, "k2"), MP_OK);
    assert_int_equal(mp_info_delete(&info, "k4"), MP_OK);
    expect_keys(&info, NULL, 0);
    assert_int_equal(mp_info_set(&info, "again", "v"), MP_OK);
    const char *again[] = {"again"};
    expect_keys(&info, again, 1);
    mp_info_clear(&info);
    assert_int_equal(info.nkeys, 0);
}

static void test_dup_and_merge(void **state)
{
    (void)state;
    mp_info_t *a = NULL, *b = NULL;
    assert_int_equal(mp_info_create(&a), MP_OK);
    assert_int_equal(mp_info_set(a, "x", "1"), MP_OK);
    assert_int_equal(mp_info_set(a, "y", "2"), MP_OK);
    assert_int_equal(mp_info_dup(a, &b), MP_OK);
    assert_int_equal(mp_info_set(a, "x", "changed"), MP_OK);
    assert_string_equal(mp_info_get(b, "x"), "1");

    mp_info_t *c = NULL;
    assert_int_equal(mp_info_create(&c), MP_OK);
    assert_int_equal(mp_info_set(c, "y", "20"), MP_OK);
    assert_int_equal(mp_info_set(c, "z", "30"), MP_OK);
    assert_int_equal(mp_info_merge(b, c), MP_OK);
    const char *keys[] = {"x", "y", "z"};
    expect_keys(b, keys, 3);
    assert_string_equal(mp_info_get(b, "x"), "1");
    assert_string_equal(mp_info_get(b, "y"), "20");
    assert_string_equal(mp_info_get(b, "z"), "30");
    mp_info_destroy(a);
    mp_info_destroy(b);
    mp_info_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_replace),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_dup_and_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
