/*
 * util/copy.h (cmocka): every length from 0 to 80 at every source and destination alignment
 * within 8 bytes copies exactly the bytes asked for and writes nothing around them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/copy.h"

#define MAX_LEN 80
#define GUARD 16

static void test_lengths_and_alignments(void **state)
{
    (void)state;
    unsigned char src[MAX_LEN + 2 * GUARD];
    unsigned char dst[MAX_LEN + 2 * GUARD];
    for (size_t i = 0; i < sizeof(src); i++) {
        src[i] = (unsigned char)(i * 7 + 1);
    }
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t so = 0; so < 8; so++) {
            for (size_t doff = 0; doff < 8; doff++) {
                memset(dst, 0xee, sizeof(dst));
                mp_copy(dst + GUARD + doff, src + GUARD + so, n);
                for (size_t i = 0; i < sizeof(dst); i++) {
                    bool inside = i >= GUARD + doff && i < GUARD + doff + n;
                    unsigned char want = inside ? src[GUARD + so + (i - GUARD - doff)] : 0xee;
                    if (dst[i] != want) {
                        fail_msg("length %zu, offsets %zu/%zu: byte %zu is %d, not %d", n, so, doff,
                                 i, dst[i], want);
                    }
                }
            }
        }
    }
}

static void test_empty_null(void **state)
{
    (void)state;
    mp_copy(NULL, NULL, 0); /* an empty receive may have no buffer */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_and_alignments),
        cmocka_unit_test(test_empty_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
