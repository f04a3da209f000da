/*
 * The span of addresses a kind of object was allocated at: every object is noted as it is made,
 * so that a value outside the span is known to be no such object without reading memory at it.
 * libmp's handles are the addresses of their objects, and a handle that is garbage (an
 * uninitialised variable, a number) would otherwise crash the read of its magic number; inside
 * the span lies heap memory, which the magic check then reads safely.
 *
 * Notes are made under the library lock; looks may come from any thread and see a span at
 * least as wide as when the object they look for was made.
 */
#ifndef MP_UTIL_ADDR_SPAN_H
#define MP_UTIL_ADDR_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mp_addr_span {
    uintptr_t lo; /* the lowest object's address (UINTPTR_MAX while there is none) */
    uintptr_t hi; /* one past the highest object's last byte */
} mp_addr_span_t;

#define MP_ADDR_SPAN_EMPTY                                                                         \
    {                                                                                              \
        UINTPTR_MAX, 0                                                                             \
    }

/* Widens the span to the size bytes at obj. */
static inline void mp_addr_span_note(mp_addr_span_t *span, const void *obj, size_t size)
{
    uintptr_t a = (uintptr_t)obj;
    if (a < __atomic_load_n(&span->lo, __ATOMIC_RELAXED)) {
        __atomic_store_n(&span->lo, a, __ATOMIC_RELAXED);
    }
    if (a + size > __atomic_load_n(&span->hi, __ATOMIC_RELAXED)) {
        __atomic_store_n(&span->hi, a + size, __ATOMIC_RELAXED);
    }
}

/* Whether the size bytes at obj lie inside the span. */
static inline bool mp_addr_span_holds(const mp_addr_span_t *span, const void *obj, size_t size)
{
    uintptr_t a = (uintptr_t)obj;
    return a >= __atomic_load_n(&span->lo, __ATOMIC_RELAXED) &&
           a <= __atomic_load_n(&span->hi, __ATOMIC_RELAXED) - size;
}

#endif
