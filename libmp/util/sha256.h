/*
 * SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104): how a TCP connection or a remote daemon
 * proves it knows the job's secret without sending it. Knows nothing of MPI.
 */
#ifndef MP_SHA256_H
#define MP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MP_SHA256_LEN 32

typedef struct mp_sha256 {
    uint32_t h[8];     /* the running hash */
    uint64_t len;      /* bytes hashed so far */
    uint8_t block[64]; /* a partial block waiting for more bytes */
} mp_sha256_t;

void mp_sha256_init(mp_sha256_t *ctx);
void mp_sha256_update(mp_sha256_t *ctx, const void *data, size_t len);
void mp_sha256_final(mp_sha256_t *ctx, uint8_t out[MP_SHA256_LEN]);

/* out = HMAC-SHA-256(key, msg). */
void mp_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                    uint8_t out[MP_SHA256_LEN]);

/* Compares two digests in time independent of where they differ; true when equal. */
_Bool mp_digest_equal(const uint8_t a[MP_SHA256_LEN], const uint8_t b[MP_SHA256_LEN]);

#endif
