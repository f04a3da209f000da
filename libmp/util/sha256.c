/*
 * SHA-256 and HMAC-SHA-256, written from FIPS 180-4 and RFC 2104 so that libmp and mpirun need
 * no crypto library. Speed does not matter here: it runs once per connection.
 */
#include "util/sha256.h"

#include <stdbool.h>
#include <string.h>

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + round_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void mp_sha256_init(mp_sha256_t *ctx)
{
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->h, initial, sizeof(initial));
    ctx->len = 0;
}

void mp_sha256_update(mp_sha256_t *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        size_t used = (size_t)(ctx->len % 64);
        size_t take = 64 - used < len ? 64 - used : len;
        memcpy(ctx->block + used, p, take);
        ctx->len += take;
        p += take;
        len -= take;
        if (used + take == 64) {
            compress(ctx->h, ctx->block);
        }
    }
}

void mp_sha256_final(mp_sha256_t *ctx, uint8_t out[MP_SHA256_LEN])
{
    uint64_t bits = ctx->len * 8;
    uint8_t pad = 0x80;
    mp_sha256_update(ctx, &pad, 1);
    pad = 0;
    while (ctx->len % 64 != 56) {
        mp_sha256_update(ctx, &pad, 1);
    }
    uint8_t length[8];
    for (int i = 0; i < 8; i++) {
        length[i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    mp_sha256_update(ctx, length, sizeof(length));
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(ctx->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(ctx->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(ctx->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)ctx->h[i];
    }
}

void mp_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                    uint8_t out[MP_SHA256_LEN])
{
    uint8_t block_key[64] = {0};
    mp_sha256_t ctx;
    if (key_len > sizeof(block_key)) {
        mp_sha256_init(&ctx);
        mp_sha256_update(&ctx, key, key_len);
        mp_sha256_final(&ctx, block_key);
    } else if (key_len > 0) {
        memcpy(block_key, key, key_len);
    }
    uint8_t pad[64];
    for (int i = 0; i < 64; i++) {
        pad[i] = block_key[i] ^ 0x36;
    }
    uint8_t inner[MP_SHA256_LEN];
    mp_sha256_init(&ctx);
    mp_sha256_update(&ctx, pad, sizeof(pad));
    mp_sha256_update(&ctx, msg, len);
    mp_sha256_final(&ctx, inner);
    for (int i = 0; i < 64; i++) {
        pad[i] = block_key[i] ^ 0x5c;
    }
    mp_sha256_init(&ctx);
    mp_sha256_update(&ctx, pad, sizeof(pad));
    mp_sha256_update(&ctx, inner, sizeof(inner));
    mp_sha256_final(&ctx, out);
}

bool mp_digest_equal(const uint8_t a[MP_SHA256_LEN], const uint8_t b[MP_SHA256_LEN])
{
    uint8_t diff = 0;
    for (int i = 0; i < MP_SHA256_LEN; i++) {
        diff |= a[i] ^ b[i];
    }
    return diff == 0;
}
