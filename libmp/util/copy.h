/*
 * A memcpy for the few bytes of a small message: up to 32 bytes it is a couple of unaligned
 * moves inline, where a call to the C library's memcpy costs more than the copy. Knows nothing
 * of MPI.
 */
#ifndef MP_COPY_H
#define MP_COPY_H

#include <stdint.h>
#include <string.h>

/* Copies n bytes from src to dst (not overlapping); dst and src may be NULL when n is 0. Short
 * lengths copy a head and a tail that overlap, in fixed-size moves the compiler inlines. */
static inline void mp_copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n > 32) {
        memcpy(d, s, n);
    } else if (n >= 16) {
        unsigned char head[16], tail[16];
        memcpy(head, s, 16);
        memcpy(tail, s + n - 16, 16);
        memcpy(d, head, 16);
        memcpy(d + n - 16, tail, 16);
    } else if (n >= 8) {
        uint64_t head, tail;
        memcpy(&head, s, 8);
        memcpy(&tail, s + n - 8, 8);
        memcpy(d, &head, 8);
        memcpy(d + n - 8, &tail, 8);
    } else if (n >= 4) {
        uint32_t head, tail;
        memcpy(&head, s, 4);
        memcpy(&tail, s + n - 4, 4);
        memcpy(d, &head, 4);
        memcpy(d + n - 4, &tail, 4);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

#endif
