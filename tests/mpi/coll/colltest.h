/*
 * Helpers shared by the collective tests in tests/mpi/coll/: the datatypes every test runs
 * over (contiguous and not), a value for element i of rank r's data that every rank can
 * compute, and typed fill and check functions. Standard MPI only.
 */
#ifndef COLLTEST_H
#define COLLTEST_H

#include "../env/mptest.h"

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

/* Checks that an MPI call returned MPI_SUCCESS; otherwise counts a failure naming the call. */
#define CT_MPI(call)                                                                               \
    do {                                                                                           \
        int ct_rc_ = (call);                                                                       \
        if (ct_rc_ != MPI_SUCCESS) {                                                               \
            mpt_fail(__FILE__, __LINE__, "%s returned %d", #call, ct_rc_);                         \
        }                                                                                          \
    } while (0)

/* The types the data tests run over. MPI_SHORT_INT has a gap between its short and its int,
 * so it goes through packing; MPI_CHAR has odd sizes; the derived "vec" type holds two ints
 * with gaps after each (a vector resized to 16 bytes), the layout of ct_vec_t. */
typedef struct ct_type {
    MPI_Datatype type;
    const char *name;
} ct_type_t;

typedef struct {
    int a, gap1, b, gap2;
} ct_vec_t;

/* The derived type, built and committed on first use (MPI must be initialised). */
static inline MPI_Datatype ct_vec_type(void)
{
    static MPI_Datatype vec = MPI_DATATYPE_NULL;
    if (vec == MPI_DATATYPE_NULL) {
        MPI_Datatype v;
        MPI_Type_vector(2, 1, 2, MPI_INT, &v);
        MPI_Type_create_resized(v, 0, (MPI_Aint)sizeof(ct_vec_t), &vec);
        MPI_Type_commit(&vec);
        MPI_Type_free(&v);
    }
    return vec;
}

#define CT_NTYPES 5
static inline ct_type_t ct_type(int i)
{
    static const char *names[CT_NTYPES] = {"MPI_INT", "MPI_DOUBLE", "MPI_CHAR", "MPI_SHORT_INT",
                                           "vector of 2 ints resized to 16 bytes"};
    MPI_Datatype types[CT_NTYPES] = {MPI_INT, MPI_DOUBLE, MPI_CHAR, MPI_SHORT_INT,
                                     i == 4 ? ct_vec_type() : MPI_DATATYPE_NULL};
    ct_type_t t = {types[i], names[i]};
    return t;
}

typedef struct {
    short s;
    int i;
} ct_short_int_t;

/* The value of element i of the data that rank r contributes in test number seq. */
static inline long long ct_value(int r, size_t i, int seq)
{
    uint64_t x = (uint64_t)r * 1000003u + (uint64_t)i * 7919u + (uint64_t)seq * 104729u;
    x ^= x >> 13;
    return (long long)(x % 100000);
}

static inline MPI_Aint ct_extent(MPI_Datatype t)
{
    MPI_Aint lb, extent;
    MPI_Type_get_extent(t, &lb, &extent);
    return extent;
}

/* Writes element i of a buffer of type t. */
static inline void ct_set(void *buf, MPI_Datatype t, size_t i, long long v)
{
    if (t == MPI_INT) {
        ((int *)buf)[i] = (int)v;
    } else if (t == MPI_DOUBLE) {
        ((double *)buf)[i] = (double)v + 0.25;
    } else if (t == MPI_CHAR) {
        ((char *)buf)[i] = (char)(v % 127);
    } else if (t != MPI_SHORT_INT) {
        ((ct_vec_t *)buf)[i].a = (int)v;
        ((ct_vec_t *)buf)[i].b = (int)v + 1;
    } else {
        ((ct_short_int_t *)buf)[i].s = (short)(v % 30000);
        ((ct_short_int_t *)buf)[i].i = (int)v;
    }
}

/* Whether element i of a buffer of type t holds v. */
static inline bool ct_is(const void *buf, MPI_Datatype t, size_t i, long long v)
{
    if (t == MPI_INT) {
        return ((const int *)buf)[i] == (int)v;
    } else if (t == MPI_DOUBLE) {
        return ((const double *)buf)[i] == (double)v + 0.25;
    } else if (t == MPI_CHAR) {
        return ((const char *)buf)[i] == (char)(v % 127);
    } else if (t != MPI_SHORT_INT) {
        return ((const ct_vec_t *)buf)[i].a == (int)v && ((const ct_vec_t *)buf)[i].b == (int)v + 1;
    }
    return ((const ct_short_int_t *)buf)[i].s == (short)(v % 30000) &&
           ((const ct_short_int_t *)buf)[i].i == (int)v;
}

/* Fills n elements from element first with rank r's values (element index counted from 0 at
 * first). */
static inline void ct_fill(void *buf, MPI_Datatype t, size_t first, size_t n, int r, int seq)
{
    for (size_t i = 0; i < n; i++) {
        ct_set(buf, t, first + i, ct_value(r, i, seq));
    }
}

/* Checks n elements from element first against rank r's values; reports the first mismatch.
 * Returns whether all matched. */
static inline bool ct_check(const void *buf, MPI_Datatype t, size_t first, size_t n, int r, int seq,
                            const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!ct_is(buf, t, first + i, ct_value(r, i, seq))) {
            mpt_fail(__FILE__, __LINE__, "%s: element %zu (of rank %d's data, test %d) is wrong",
                     what, i, r, seq);
            return false;
        }
    }
    return true;
}

/* A buffer of n elements of t, poisoned so that unwritten elements are seen. */
static inline void *ct_alloc(MPI_Datatype t, size_t n)
{
    size_t bytes = (size_t)ct_extent(t) * (n > 0 ? n : 1);
    void *p = malloc(bytes);
    if (p == NULL) {
        fprintf(stderr, "out of memory for %zu bytes\n", bytes);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    memset(p, 0xa5, bytes);
    return p;
}

/* The sizes (in elements) the data tests go through: empty, one, small, beyond the eager limit
 * (> 32 KiB for every type), 150 KB (blocks of 32 to 64 KiB per rank at 3 and 4 ranks: both
 * shared-memory slots), and about 1 MiB for the largest, unless limited by max_bytes. */
static inline int ct_sizes(size_t *out, size_t elem_bytes, size_t max_bytes)
{
    size_t all[] = {0, 1, 7, 100, 40000, 150000, 1 << 20};
    int n = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        size_t c = all[i] >= 40000 ? all[i] / elem_bytes + 1 : all[i];
        if (c * elem_bytes <= max_bytes || c <= 100) {
            out[n++] = c;
        }
    }
    return n;
}

#endif
