/*
 * SHA-256 (FIPS 180-4 examples) and HMAC-SHA-256 (RFC 4231 test cases 1, 2, 3, 6) against their
 * published digests, and the digest comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/sha256.h"

static void to_hex(const uint8_t d[MP_SHA256_LEN], char out[2 * MP_SHA256_LEN + 1])
{
    for (int i = 0; i < MP_SHA256_LEN; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

static void check_sha(const void *msg, size_t len, const char *expect)
{
    mp_sha256_t ctx;
    uint8_t d[MP_SHA256_LEN];
    char hex[2 * MP_SHA256_LEN + 1];
    mp_sha256_init(&ctx);
    mp_sha256_update(&ctx, msg, len);
    mp_sha256_final(&ctx, d);
    to_hex(d, hex);
    assert_string_equal(hex, expect);
}

static void sha256_vectors(void **state)
{
    (void)state;
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a's fed in uneven pieces crosses block boundaries at every offset. */
static void sha256_pieces(void **state)
{
    (void)state;
    char chunk[997];
    memset(chunk, 'a', sizeof(chunk));
    mp_sha256_t ctx;
    mp_sha256_init(&ctx);
    size_t left = 1000000;
    for (size_t step = 1; left > 0; step = step % sizeof(chunk) + 1) {
        size_t n = step < left ? step : left;
        mp_sha256_update(&ctx, chunk, n);
        left -= n;
    }
    uint8_t d[MP_SHA256_LEN];
    char hex[2 * MP_SHA256_LEN + 1];
    mp_sha256_final(&ctx, d);
    to_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void check_hmac(const void *key, size_t key_len, const void *msg, size_t len,
                       const char *expect)
{
    uint8_t d[MP_SHA256_LEN];
    char hex[2 * MP_SHA256_LEN + 1];
    mp_hmac_sha256(key, key_len, msg, len, d);
    to_hex(d, hex);
    assert_string_equal(hex, expect);
}

static void hmac_rfc4231(void **state)
{
    (void)state;
    uint8_t key[131];
    memset(key, 0x0b, 20);
    check_hmac(key, 20, "Hi There", 8,
               "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    uint8_t data[50];
    memset(key, 0xaa, 20);
    memset(data, 0xdd, sizeof(data));
    check_hmac(key, 20, data, sizeof(data),
               "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    /* A key longer than a block is hashed first. */
    memset(key, 0xaa, sizeof(key));
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    check_hmac(key, sizeof(key), msg, strlen(msg),
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void digest_compare(void **state)
{
    (void)state;
    uint8_t a[MP_SHA256_LEN], b[MP_SHA256_LEN];
    memset(a, 7, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_true(mp_digest_equal(a, b));
    for (int i = 0; i < MP_SHA256_LEN; i++) {
        b[i] ^= 1;
        assert_false(mp_digest_equal(a, b));
        b[i] ^= 1;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(sha256_pieces),
        cmocka_unit_test(hmac_rfc4231),
        cmocka_unit_test(digest_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
