/*
 * Unit tests of the reduction ops: every predefined op on every predefined type, against a plain
 * C loop where the standard defines the pair and rejected (mp_op_reduce and mp_api_op_check)
 * where it does not; derived layouts (contiguous, strided, pairs without padding), user ops
 * and their reference counts. The api layer's error path is replaced by a recorder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* ---- The api layer's error path, recorded ---- */

static int last_class;
static char last_msg[512];

int mp_api_error(const mp_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
{
    (void)comm;
    (void)call;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
    va_end(ap);
    last_class = errclass;
    return errclass;
}

/* MPI is up for the calls under test (api.h's check reads the runtime's state). */
mp_runtime_t mp_runtime = {.state = MP_RUNTIME_READY};

int mp_api_not_ready(const char *call)
{
    (void)call;
    return MPI_ERR_OTHER;
}

int mp_api_errclass(mp_status_t status)
{
    return status == MP_ERR_NOMEM ? MPI_ERR_NO_MEM : MPI_ERR_OTHER;
}

/* ---- The standard's table (MPI 4.1 section 6.9.2), written out independently, with the
 * extensions MPICH and Open MPI both make: MPI_CHAR and MPI_CHARACTER are C integers, and the
 * logical ops apply to the multi-language types (MPI_AINT, MPI_OFFSET, MPI_COUNT). ---- */

enum {
    G_CINT = 1,
    G_FINT = 2,
    G_FLOAT = 4,
    G_LOGICAL = 8,
    G_COMPLEX = 16,
    G_BYTE = 32,
    G_MULTI = 64,
    G_PAIR = 128,
};

typedef struct op_case {
    MPI_Op op;
    const char *name;
    unsigned groups;
} op_case_t;

static const op_case_t ops[] = {
    {MPI_MAX, "MPI_MAX", G_CINT | G_FINT | G_FLOAT | G_MULTI},
    {MPI_MIN, "MPI_MIN", G_CINT | G_FINT | G_FLOAT | G_MULTI},
    {MPI_SUM, "MPI_SUM", G_CINT | G_FINT | G_FLOAT | G_COMPLEX | G_MULTI},
    {MPI_PROD, "MPI_PROD", G_CINT | G_FINT | G_FLOAT | G_COMPLEX | G_MULTI},
    {MPI_LAND, "MPI_LAND", G_CINT | G_LOGICAL | G_MULTI},
    {MPI_LOR, "MPI_LOR", G_CINT | G_LOGICAL | G_MULTI},
    {MPI_LXOR, "MPI_LXOR", G_CINT | G_LOGICAL | G_MULTI},
    {MPI_BAND, "MPI_BAND", G_CINT | G_FINT | G_BYTE | G_MULTI},
    {MPI_BOR, "MPI_BOR", G_CINT | G_FINT | G_BYTE | G_MULTI},
    {MPI_BXOR, "MPI_BXOR", G_CINT | G_FINT | G_BYTE | G_MULTI},
    {MPI_MINLOC, "MPI_MINLOC", G_PAIR},
    {MPI_MAXLOC, "MPI_MAXLOC", G_PAIR},
    {MPI_REPLACE, "MPI_REPLACE", ~0u},
    {MPI_NO_OP, "MPI_NO_OP", ~0u},
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* Elements per test: not a multiple of any vector width, so loop tails run too. */
#define N 37

/* One predefined type: how to fill two operands, the expected result of an op (false: the
 * oracle has none, so the op must be rejected), and equality by value (padding ignored). */
typedef struct type_case {
    MPI_Datatype handle;
    const char *name;
    unsigned group;
    size_t esize;
    void (*fill)(void *a, void *b);
    bool (*expect)(MPI_Op op, const void *a, const void *b, void *r);
    bool (*equal)(const void *x, const void *y);
} type_case_t;

/* ---- Oracles: plain C loops, one set per C type ---- */

/* Operand values in -9..9 (shifted to 0..18 for unsigned types): sums and products of two fit
 * every type, and ties occur. */
static long long val(int i, int seed)
{
    return (long long)((i * (7 + seed) + seed * 3) % 19) - 9;
}

#define INT_ORACLE(sfx, T, LOGICAL_VALUES)                                                         \
    static void fill_##sfx(void *a_, void *b_)                                                     \
    {                                                                                              \
        T *a = a_, *b = b_;                                                                        \
        bool is_signed = (T)-1 < (T)1;                                                             \
        for (int i = 0; i < N; i++) {                                                              \
            long long x = val(i, 1), y = val(i, 2);                                                \
            if (LOGICAL_VALUES) {                                                                  \
                x = x % 3 == 0 ? 0 : (x < 0 ? -1 : x); /* true is any nonzero */                   \
                y = y % 4 == 0 ? 0 : y;                                                            \
            }                                                                                      \
            a[i] = (T)(is_signed ? x : x + 9);                                                     \
            b[i] = (T)(is_signed ? y : y + 9);                                                     \
        }                                                                                          \
    }                                                                                              \
    static bool expect_##sfx(MPI_Op op, const void *a_, const void *b_, void *r_)                  \
    {                                                                                              \
        const T *a = a_, *b = b_;                                                                  \
        T *r = r_;                                                                                 \
        for (int i = 0; i < N; i++) {                                                              \
            T x = a[i], y = b[i];                                                                  \
            if (op == MPI_MAX) {                                                                   \
                r[i] = x > y ? x : y;                                                              \
            } else if (op == MPI_MIN) {                                                            \
                r[i] = x < y ? x : y;                                                              \
            } else if (op == MPI_SUM) {                                                            \
                r[i] = (T)(x + y);                                                                 \
            } else if (op == MPI_PROD) {                                                           \
                r[i] = (T)(x * y);                                                                 \
            } else if (op == MPI_LAND) {                                                           \
                r[i] = (T)(x && y);                                                                \
            } else if (op == MPI_LOR) {                                                            \
                r[i] = (T)(x || y);                                                                \
            } else if (op == MPI_LXOR) {                                                           \
                r[i] = (T)(!x != !y);                                                              \
            } else if (op == MPI_BAND) {                                                           \
                r[i] = (T)(x & y);                                                                 \
            } else if (op == MPI_BOR) {                                                            \
                r[i] = (T)(x | y);                                                                 \
            } else if (op == MPI_BXOR) {                                                           \
                r[i] = (T)(x ^ y);                                                                 \
            } else {                                                                               \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }                                                                                              \
    static bool equal_##sfx(const void *x_, const void *y_)                                        \
    {                                                                                              \
        const T *x = x_, *y = y_;                                                                  \
        for (int i = 0; i < N; i++) {                                                              \
            if (x[i] != y[i]) {                                                                    \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }

INT_ORACLE(schar, signed char, false)
INT_ORACLE(char, char, false)
INT_ORACLE(uchar, unsigned char, false)
INT_ORACLE(short, short, false)
INT_ORACLE(ushort, unsigned short, false)
INT_ORACLE(int, int, false)
INT_ORACLE(uint, unsigned, false)
INT_ORACLE(long, long, false)
INT_ORACLE(ulong, unsigned long, false)
INT_ORACLE(llong, long long, false)
INT_ORACLE(ullong, unsigned long long, false)
INT_ORACLE(i8, int8_t, false)
INT_ORACLE(u8, uint8_t, false)
INT_ORACLE(i16, int16_t, false)
INT_ORACLE(u16, uint16_t, false)
INT_ORACLE(i32, int32_t, false)
INT_ORACLE(u32, uint32_t, false)
INT_ORACLE(i64, int64_t, false)
INT_ORACLE(u64, uint64_t, false)
INT_ORACLE(aint, MPI_Aint, false)
INT_ORACLE(offset, MPI_Offset, false)
INT_ORACLE(count, MPI_Count, false)
INT_ORACLE(l8, int8_t, true)
INT_ORACLE(l16, int16_t, true)
INT_ORACLE(l32, int32_t, true)
INT_ORACLE(l64, int64_t, true)
#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 i128_t;
INT_ORACLE(i128, i128_t, false)
INT_ORACLE(l128, i128_t, true)
#endif

/* _Bool holds only 0 and 1. */
static void fill_bool(void *a_, void *b_)
{
    _Bool *a = a_, *b = b_;
    for (int i = 0; i < N; i++) {
        a[i] = (i % 3) != 0;
        b[i] = (i % 2) != 0;
    }
}
#define expect_bool expect_u8
static bool equal_bool(const void *x, const void *y)
{
    return memcmp(x, y, N) == 0;
}

/* Reals: halves of -9..9, so every sum and product is exact even in half precision. */
#define REAL_ORACLE(sfx, R)                                                                        \
    static void fill_##sfx(void *a_, void *b_)                                                     \
    {                                                                                              \
        R *a = a_, *b = b_;                                                                        \
        for (int i = 0; i < N; i++) {                                                              \
            a[i] = (R)val(i, 1) / 2;                                                               \
            b[i] = (R)val(i, 2) / 2;                                                               \
        }                                                                                          \
    }                                                                                              \
    static bool expect_##sfx(MPI_Op op, const void *a_, const void *b_, void *r_)                  \
    {                                                                                              \
        const R *a = a_, *b = b_;                                                                  \
        R *r = r_;                                                                                 \
        for (int i = 0; i < N; i++) {                                                              \
            if (op == MPI_MAX) {                                                                   \
                r[i] = a[i] > b[i] ? a[i] : b[i];                                                  \
            } else if (op == MPI_MIN) {                                                            \
                r[i] = a[i] < b[i] ? a[i] : b[i];                                                  \
            } else if (op == MPI_SUM) {                                                            \
                r[i] = a[i] + b[i];                                                                \
            } else if (op == MPI_PROD) {                                                           \
                r[i] = a[i] * b[i];                                                                \
            } else {                                                                               \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }                                                                                              \
    static bool equal_##sfx(const void *x_, const void *y_)                                        \
    {                                                                                              \
        const R *x = x_, *y = y_;                                                                  \
        for (int i = 0; i < N; i++) {                                                              \
            if (x[i] != y[i]) {                                                                    \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }

/* Complex numbers: C's own complex arithmetic is the oracle. */
#define COMPLEX_ORACLE(sfx, R)                                                                     \
    static void fill_##sfx(void *a_, void *b_)                                                     \
    {                                                                                              \
        R *a = a_, *b = b_;                                                                        \
        for (int i = 0; i < 2 * N; i++) {                                                          \
            a[i] = (R)val(i, 1) / 2;                                                               \
            b[i] = (R)val(i, 3) / 2;                                                               \
        }                                                                                          \
    }                                                                                              \
    static bool expect_##sfx(MPI_Op op, const void *a_, const void *b_, void *r_)                  \
    {                                                                                              \
        for (int i = 0; i < N; i++) {                                                              \
            _Complex R x, y, z;                                                                    \
            memcpy(&x, (const char *)a_ + i * sizeof(x), sizeof(x));                               \
            memcpy(&y, (const char *)b_ + i * sizeof(y), sizeof(y));                               \
            if (op == MPI_SUM) {                                                                   \
                z = x + y;                                                                         \
            } else if (op == MPI_PROD) {                                                           \
                z = x * y;                                                                         \
            } else {                                                                               \
                return false;                                                                      \
            }                                                                                      \
            memcpy((char *)r_ + i * sizeof(z), &z, sizeof(z));                                     \
        }                                                                                          \
        return true;                                                                               \
    }                                                                                              \
    static bool equal_##sfx(const void *x_, const void *y_)                                        \
    {                                                                                              \
        const R *x = x_, *y = y_;                                                                  \
        for (int i = 0; i < 2 * N; i++) {                                                          \
            if (x[i] != y[i]) {                                                                    \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }

REAL_ORACLE(f32, float)
REAL_ORACLE(f64, double)
REAL_ORACLE(ld, long double)
COMPLEX_ORACLE(c32, float)
COMPLEX_ORACLE(c64, double)
COMPLEX_ORACLE(cld, long double)
#ifdef __FLT16_MAX__
REAL_ORACLE(f16, _Float16)
COMPLEX_ORACLE(c16, _Float16)
#endif
#ifdef __FLT128_MAX__
REAL_ORACLE(f128, _Float128)
COMPLEX_ORACLE(c128, _Float128)
#endif

/* Value-index pairs, laid out as the C struct (with its padding). Values repeat, so ties on
 * the value are decided by the index. */
#define PAIR_ORACLE(sfx, V, I)                                                                     \
    typedef struct {                                                                               \
        V v;                                                                                       \
        I i;                                                                                       \
    } pair_##sfx##_t;                                                                              \
    static void fill_##sfx(void *a_, void *b_)                                                     \
    {                                                                                              \
        pair_##sfx##_t *a = a_, *b = b_;                                                           \
        memset(a, 0, N * sizeof(*a));                                                              \
        memset(b, 0, N * sizeof(*b));                                                              \
        for (int k = 0; k < N; k++) {                                                              \
            a[k].v = (V)(val(k, 1) % 4);                                                           \
            a[k].i = (I)(k % 5);                                                                   \
            b[k].v = (V)(val(k, 2) % 4);                                                           \
            b[k].i = (I)((k + 2) % 7);                                                             \
        }                                                                                          \
    }                                                                                              \
    static bool expect_##sfx(MPI_Op op, const void *a_, const void *b_, void *r_)                  \
    {                                                                                              \
        const pair_##sfx##_t *a = a_, *b = b_;                                                     \
        pair_##sfx##_t *r = r_;                                                                    \
        if (op != MPI_MINLOC && op != MPI_MAXLOC) {                                                \
            return false;                                                                          \
        }                                                                                          \
        for (int k = 0; k < N; k++) {                                                              \
            bool a_better = op == MPI_MINLOC ? a[k].v < b[k].v : a[k].v > b[k].v;                  \
            r[k] = b[k];                                                                           \
            if (a_better) {                                                                        \
                r[k] = a[k];                                                                       \
            } else if (a[k].v == b[k].v && a[k].i < b[k].i) {                                      \
                r[k].i = a[k].i;                                                                   \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }                                                                                              \
    static bool equal_##sfx(const void *x_, const void *y_)                                        \
    {                                                                                              \
        const pair_##sfx##_t *x = x_, *y = y_;                                                     \
        for (int k = 0; k < N; k++) {                                                              \
            if (x[k].v != y[k].v || x[k].i != y[k].i) {                                            \
                return false;                                                                      \
            }                                                                                      \
        }                                                                                          \
        return true;                                                                               \
    }

PAIR_ORACLE(float_int, float, int)
PAIR_ORACLE(double_int, double, int)
PAIR_ORACLE(long_int, long, int)
PAIR_ORACLE(2int, int, int)
PAIR_ORACLE(short_int, short, int)
PAIR_ORACLE(long_double_int, long double, int)
PAIR_ORACLE(2float, float, float)
PAIR_ORACLE(2double, double, double)

/* MPI_WCHAR and MPI_PACKED: no predefined op but MPI_REPLACE and MPI_NO_OP. */
static bool expect_none(MPI_Op op, const void *a, const void *b, void *r)
{
    (void)op;
    (void)a;
    (void)b;
    (void)r;
    return false;
}

#define CASE(h, sfx, g, T)                                                                         \
    {                                                                                              \
        h, #h, g, sizeof(T), fill_##sfx, expect_##sfx, equal_##sfx                                 \
    }
#define NONE_CASE(h, sfx, T)                                                                       \
    {                                                                                              \
        h, #h, 0, sizeof(T), fill_##sfx, expect_none, equal_##sfx                                  \
    }

static const type_case_t types[] = {
    CASE(MPI_SIGNED_CHAR, schar, G_CINT, signed char),
    CASE(MPI_UNSIGNED_CHAR, uchar, G_CINT, unsigned char),
    CASE(MPI_SHORT, short, G_CINT, short),
    CASE(MPI_UNSIGNED_SHORT, ushort, G_CINT, unsigned short),
    CASE(MPI_INT, int, G_CINT, int),
    CASE(MPI_UNSIGNED, uint, G_CINT, unsigned),
    CASE(MPI_LONG, long, G_CINT, long),
    CASE(MPI_UNSIGNED_LONG, ulong, G_CINT, unsigned long),
    CASE(MPI_LONG_LONG, llong, G_CINT, long long),
    CASE(MPI_UNSIGNED_LONG_LONG, ullong, G_CINT, unsigned long long),
    CASE(MPI_INT8_T, i8, G_CINT, int8_t),
    CASE(MPI_UINT8_T, u8, G_CINT, uint8_t),
    CASE(MPI_INT16_T, i16, G_CINT, int16_t),
    CASE(MPI_UINT16_T, u16, G_CINT, uint16_t),
    CASE(MPI_INT32_T, i32, G_CINT, int32_t),
    CASE(MPI_UINT32_T, u32, G_CINT, uint32_t),
    CASE(MPI_INT64_T, i64, G_CINT, int64_t),
    CASE(MPI_UINT64_T, u64, G_CINT, uint64_t),
    CASE(MPI_INTEGER, i32, G_FINT, int32_t),
    CASE(MPI_INTEGER1, i8, G_FINT, int8_t),
    CASE(MPI_INTEGER2, i16, G_FINT, int16_t),
    CASE(MPI_INTEGER4, i32, G_FINT, int32_t),
    CASE(MPI_INTEGER8, i64, G_FINT, int64_t),
    CASE(MPI_AINT, aint, G_MULTI, MPI_Aint),
    CASE(MPI_OFFSET, offset, G_MULTI, MPI_Offset),
    CASE(MPI_COUNT, count, G_MULTI, MPI_Count),
    CASE(MPI_BYTE, u8, G_BYTE, uint8_t),
    CASE(MPI_LOGICAL, l32, G_LOGICAL, int32_t),
    CASE(MPI_LOGICAL1, l8, G_LOGICAL, int8_t),
    CASE(MPI_LOGICAL2, l16, G_LOGICAL, int16_t),
    CASE(MPI_LOGICAL4, l32, G_LOGICAL, int32_t),
    CASE(MPI_LOGICAL8, l64, G_LOGICAL, int64_t),
    CASE(MPI_C_BOOL, bool, G_LOGICAL, _Bool),
    CASE(MPI_CXX_BOOL, bool, G_LOGICAL, _Bool),
    CASE(MPI_FLOAT, f32, G_FLOAT, float),
    CASE(MPI_DOUBLE, f64, G_FLOAT, double),
    CASE(MPI_LONG_DOUBLE, ld, G_FLOAT, long double),
    CASE(MPI_REAL, f32, G_FLOAT, float),
    CASE(MPI_DOUBLE_PRECISION, f64, G_FLOAT, double),
    CASE(MPI_REAL4, f32, G_FLOAT, float),
    CASE(MPI_REAL8, f64, G_FLOAT, double),
    CASE(MPI_C_FLOAT_COMPLEX, c32, G_COMPLEX, float _Complex),
    CASE(MPI_C_DOUBLE_COMPLEX, c64, G_COMPLEX, double _Complex),
    CASE(MPI_C_LONG_DOUBLE_COMPLEX, cld, G_COMPLEX, long double _Complex),
    CASE(MPI_CXX_FLOAT_COMPLEX, c32, G_COMPLEX, float _Complex),
    CASE(MPI_CXX_DOUBLE_COMPLEX, c64, G_COMPLEX, double _Complex),
    CASE(MPI_CXX_LONG_DOUBLE_COMPLEX, cld, G_COMPLEX, long double _Complex),
    CASE(MPI_COMPLEX, c32, G_COMPLEX, float _Complex),
    CASE(MPI_DOUBLE_COMPLEX, c64, G_COMPLEX, double _Complex),
    CASE(MPI_COMPLEX8, c32, G_COMPLEX, float _Complex),
    CASE(MPI_COMPLEX16, c64, G_COMPLEX, double _Complex),
#ifdef __SIZEOF_INT128__
    CASE(MPI_INTEGER16, i128, G_FINT, i128_t),
    CASE(MPI_LOGICAL16, l128, G_LOGICAL, i128_t),
#endif
#ifdef __FLT16_MAX__
    CASE(MPI_REAL2, f16, G_FLOAT, _Float16),
    CASE(MPI_COMPLEX4, c16, G_COMPLEX, _Complex _Float16),
#endif
#ifdef __FLT128_MAX__
    CASE(MPI_REAL16, f128, G_FLOAT, _Float128),
    CASE(MPI_COMPLEX32, c128, G_COMPLEX, _Complex _Float128),
#endif
    CASE(MPI_FLOAT_INT, float_int, G_PAIR, pair_float_int_t),
    CASE(MPI_DOUBLE_INT, double_int, G_PAIR, pair_double_int_t),
    CASE(MPI_LONG_INT, long_int, G_PAIR, pair_long_int_t),
    CASE(MPI_2INT, 2int, G_PAIR, pair_2int_t),
    CASE(MPI_SHORT_INT, short_int, G_PAIR, pair_short_int_t),
    CASE(MPI_LONG_DOUBLE_INT, long_double_int, G_PAIR, pair_long_double_int_t),
    CASE(MPI_2REAL, 2float, G_PAIR, pair_2float_t),
    CASE(MPI_2DOUBLE_PRECISION, 2double, G_PAIR, pair_2double_t),
    CASE(MPI_2INTEGER, 2int, G_PAIR, pair_2int_t),
    CASE(MPI_CHAR, char, G_CINT, char),
    CASE(MPI_CHARACTER, uchar, G_CINT, char),
    NONE_CASE(MPI_WCHAR, i32, wchar_t),
    NONE_CASE(MPI_PACKED, uchar, char),
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/* ---- The matrix ---- */

static const mp_datatype_t *dt_of(MPI_Datatype handle)
{
    const mp_datatype_t *dt = mp_datatype_predefined((uintptr_t)handle);
    assert_non_null(dt);
    return dt;
}

/* The largest element of any case (long double complex, _Float128 complex: 32 bytes). */
#define MAXBUF (N * 32)

/* A failed check names the op and the type it was on. */
#define CHECK_PAIR(tc, oc, cond)                                                                   \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fail_msg("%s on %s: %s", (oc)->name, (tc)->name, #cond);                               \
        }                                                                                          \
    } while (0)

/* One op on one type: the result equals the oracle's, or the pair is rejected everywhere and
 * inout is left alone. */
static void check_pair(const type_case_t *tc, const op_case_t *oc)
{
    _Alignas(32) char a[MAXBUF], b[MAXBUF], r[MAXBUF], b0[MAXBUF];
    const mp_datatype_t *dt = dt_of(tc->handle);
    CHECK_PAIR(tc, oc, dt->extent == (ptrdiff_t)tc->esize);
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    tc->fill(a, b);
    memcpy(b0, b, sizeof(b));
    memcpy(r, b, sizeof(r));
    const mp_op_t *op = mp_op_predefined((uintptr_t)oc->op);
    assert_non_null(op);
    const mp_op_t *got = NULL;

    bool defined = oc->op == MPI_REPLACE || oc->op == MPI_NO_OP || (oc->groups & tc->group) != 0;
    if (!defined) {
        CHECK_PAIR(tc, oc, mp_op_applies(op, dt) == MP_OP_UNDEFINED);
        CHECK_PAIR(tc, oc, mp_op_reduce(op, a, b, N, dt) == MP_ERR_INVALID);
        CHECK_PAIR(tc, oc, memcmp(b, b0, sizeof(b)) == 0);
        last_class = 0;
        CHECK_PAIR(tc, oc, mp_api_op_check(NULL, "test", oc->op, dt, &got) == MPI_ERR_OP);
        CHECK_PAIR(tc, oc, last_class == MPI_ERR_OP);
        CHECK_PAIR(tc, oc, strstr(last_msg, oc->name) != NULL);
        CHECK_PAIR(tc, oc, strstr(last_msg, tc->name) != NULL);
        return;
    }
    if (oc->op == MPI_REPLACE) {
        memcpy(r, a, sizeof(r));
    } else if (oc->op != MPI_NO_OP) {
        CHECK_PAIR(tc, oc, tc->expect(oc->op, a, b, r));
    }
    CHECK_PAIR(tc, oc, mp_op_applies(op, dt) == MP_OP_APPLIES);
    CHECK_PAIR(tc, oc, mp_api_op_check(NULL, "test", oc->op, dt, &got) == MPI_SUCCESS);
    CHECK_PAIR(tc, oc, got == op);
    CHECK_PAIR(tc, oc, mp_op_reduce(op, a, b, N, dt) == MP_OK);
    CHECK_PAIR(tc, oc, tc->equal(b, r));
}

static void test_every_op_on_every_type(void **state)
{
    (void)state;
    for (size_t t = 0; t < NTYPES; t++) {
        for (size_t o = 0; o < NOPS; o++) {
            check_pair(&types[t], &ops[o]);
        }
    }
}

/* Every predefined type the library knows has a case here (MPI_WCHAR and MPI_PACKED included),
 * when the compiler has every optional C type. */
static void test_every_type_is_covered(void **state)
{
    (void)state;
    int known = 0;
    for (uintptr_t h = 0x200; h < 0x300; h++) {
        const mp_datatype_t *dt = mp_datatype_predefined(h);
        if (dt == NULL) {
            continue;
        }
        known++;
        bool found = false;
        for (size_t t = 0; t < NTYPES && !found; t++) {
            found = (uintptr_t)types[t].handle == h;
        }
#if defined(__SIZEOF_INT128__) && defined(__FLT16_MAX__) && defined(__FLT128_MAX__)
        if (!found) {
            fail_msg("no test case for %s", dt->name);
        }
#endif
    }
    assert_true(known >= 60);
}

static void test_messages(void **state)
{
    (void)state;
    const mp_op_t *got = NULL;
    assert_int_equal(mp_api_op_check(NULL, "MPI_Reduce", MPI_SUM, dt_of(MPI_2INT), &got),
                     MPI_ERR_OP);
    assert_string_equal(last_msg, "MPI_SUM is not defined on MPI_2INT; MPI_MINLOC and MPI_MAXLOC "
                                  "are");
    assert_int_equal(mp_api_op_check(NULL, "MPI_Reduce", MPI_LAND, dt_of(MPI_DOUBLE), &got),
                     MPI_ERR_OP);
    assert_string_equal(last_msg,
                        "MPI_LAND is not defined on MPI_DOUBLE; MPI_MAX, MPI_MIN, MPI_SUM and "
                        "MPI_PROD are");
    assert_int_equal(mp_api_op_check(NULL, "MPI_Reduce", MPI_OP_NULL, dt_of(MPI_INT), &got),
                     MPI_ERR_OP);
    assert_non_null(strstr(last_msg, "MPI_OP_NULL"));
    /* Small values that name no op, and the datatype range: not ops. */
    assert_int_equal(mp_api_op_check(NULL, "MPI_Reduce", (MPI_Op)0x25, dt_of(MPI_INT), &got),
                     MPI_ERR_OP);
    assert_int_equal(mp_api_op_check(NULL, "MPI_Reduce", (MPI_Op)MPI_INT, dt_of(MPI_INT), &got),
                     MPI_ERR_OP);
    assert_null(mp_api_op_get(MPI_OP_NULL));
    assert_null(mp_api_op_get((MPI_Op)0x3f));
    assert_non_null(mp_api_op_get(MPI_BXOR));
    assert_true(mp_op_is_commutative(mp_api_op_get(MPI_MAXLOC)));
    assert_true(mp_op_is_predefined(mp_api_op_get(MPI_NO_OP)));
}

/* ---- Derived layouts, built by hand as the datatype layer would build them ---- */

/* An int every 8 bytes (a resized MPI_INT): not contiguous, so reduced through packing. */
static mp_datatype_t strided_int(void)
{
    const mp_datatype_t *base = dt_of(MPI_INT);
    mp_datatype_t dt = *base;
    dt.predefined = false;
    dt.name = NULL;
    dt.extent = 8;
    dt.contiguous = false;
    dt.elem_type = base;
    dt.handle = (uintptr_t)&dt;
    return dt;
}

static void test_strided(void **state)
{
    (void)state;
    /* More elements than one scratch chunk holds, to cross chunk boundaries. */
    enum { COUNT = 3001 };
    int *a = malloc(2 * COUNT * sizeof(int)), *b = malloc(2 * COUNT * sizeof(int));
    for (int i = 0; i < COUNT; i++) {
        a[2 * i] = i - 1000;
        a[2 * i + 1] = -1;
        b[2 * i] = 3 * i;
        b[2 * i + 1] = -2;
    }
    mp_datatype_t dt = strided_int();
    dt.handle = (uintptr_t)&dt;
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_SUM), a, b, COUNT, &dt), MP_OK);
    for (int i = 0; i < COUNT; i++) {
        assert_int_equal(b[2 * i], 4 * i - 1000);
        assert_int_equal(b[2 * i + 1], -2); /* the gaps are not touched */
    }
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_REPLACE), a, b, COUNT, &dt),
                     MP_OK);
    for (int i = 0; i < COUNT; i++) {
        assert_int_equal(b[2 * i], i - 1000);
        assert_int_equal(b[2 * i + 1], -2);
    }
    free(a);
    free(b);
}

/* Three doubles per element starting 8 bytes into the buffer (lb = 8): contiguous. */
static void test_contiguous_lb(void **state)
{
    (void)state;
    const mp_datatype_t *base = dt_of(MPI_DOUBLE);
    mp_datatype_t dt = *base;
    dt.predefined = false;
    dt.name = NULL;
    dt.size = 24;
    dt.extent = 24;
    dt.lb = 8;
    dt.segs = dt.inline_segs; /* the copy must not share the predefined type's storage */
    dt.runs = dt.inline_runs;
    dt.segs[0] = (mp_dt_seg_t){.len = 24, .count = 1};
    dt.runs[0] = (mp_dt_run_t){.bytes = 24, .basic = 8};
    dt.elem_type = base;
    dt.handle = (uintptr_t)&dt;
    double a[1 + 3 * 5], b[1 + 3 * 5];
    for (int i = 0; i < 16; i++) {
        a[i] = i;
        b[i] = 100 + i;
    }
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_MAX), a, b, 5, &dt), MP_OK);
    assert_true(b[0] == 100); /* before lb: untouched */
    for (int i = 1; i < 16; i++) {
        assert_true(b[i] == 100 + i);
    }
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_MIN), a, b, 5, &dt), MP_OK);
    assert_true(b[0] == 100);
    for (int i = 1; i < 16; i++) {
        assert_true(b[i] == i);
    }
}

/* A derived type of MPI_DOUBLE_INT (a dup): reduced through the packed stream, where the pairs
 * have no padding and the doubles sit unaligned. */
static void test_packed_pairs(void **state)
{
    (void)state;
    const mp_datatype_t *base = dt_of(MPI_DOUBLE_INT);
    mp_datatype_t dt = *base;
    dt.predefined = false;
    dt.name = NULL;
    dt.elem_type = base;
    dt.handle = (uintptr_t)&dt;
    pair_double_int_t a[N], b[N], r[N];
    fill_double_int(a, b);
    memcpy(r, b, sizeof(r));
    assert_true(expect_double_int(MPI_MAXLOC, a, b, r));
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_MAXLOC), a, b, N, &dt), MP_OK);
    assert_true(equal_double_int(b, r));
    /* A pair op on a non-pair basic type is refused, naming both. */
    const mp_datatype_t sdt = strided_int();
    const mp_op_t *got = NULL;
    assert_int_equal(mp_api_op_check(NULL, "t", MPI_MINLOC, &sdt, &got), MPI_ERR_OP);
    assert_string_equal(last_msg, "MPI_MINLOC is not defined on MPI_INT, the basic type of this "
                                  "derived datatype; MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, the "
                                  "logical (MPI_LAND, MPI_LOR, MPI_LXOR) and the bitwise ops "
                                  "(MPI_BAND, MPI_BOR, MPI_BXOR) are");
}

/* A type that mixes basic types (elem_type NULL): only user ops, REPLACE and NO_OP. */
static void test_mixed(void **state)
{
    (void)state;
    mp_datatype_t dt = *dt_of(MPI_DOUBLE_INT);
    dt.predefined = false;
    dt.name = NULL;
    dt.elem_type = NULL;
    dt.handle = (uintptr_t)&dt;
    pair_double_int_t a[3] = {{1.5, 1}, {2.5, 2}, {3.5, 3}}, b[3] = {{0, 0}, {0, 0}, {0, 0}};
    const mp_op_t *sum = mp_op_predefined((uintptr_t)MPI_SUM);
    assert_int_equal(mp_op_applies(sum, &dt), MP_OP_MIXED);
    assert_int_equal(mp_op_reduce(sum, a, b, 3, &dt), MP_ERR_INVALID);
    assert_int_equal(mp_op_reduce(sum, NULL, NULL, 0, &dt), MP_ERR_INVALID);
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_REPLACE), NULL, NULL, 0, &dt),
                     MP_OK);
    const mp_op_t *got = NULL;
    assert_int_equal(mp_api_op_check(NULL, "t", MPI_SUM, &dt, &got), MPI_ERR_OP);
    assert_non_null(strstr(last_msg, "mixes basic types"));
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_NO_OP), a, b, 3, &dt), MP_OK);
    assert_true(b[2].v == 0 && b[2].i == 0);
    assert_int_equal(mp_op_reduce(mp_op_predefined((uintptr_t)MPI_REPLACE), a, b, 3, &dt), MP_OK);
    for (int k = 0; k < 3; k++) {
        assert_true(b[k].v == a[k].v && b[k].i == a[k].i);
    }
}

/* ---- User ops ---- */

static int calls;
static long long lens[4];
static MPI_Datatype seen_type;

/* 2x2 integer matrices, row-major: inout = in x inout (not commutative). */
static void matmul(void *in, void *inout, int *len, MPI_Datatype *type)
{
    const int *a = in;
    int *b = inout;
    for (int k = 0; k < *len; k++, a += 4, b += 4) {
        int r[4] = {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
                    a[2] * b[1] + a[3] * b[3]};
        memcpy(b, r, sizeof(r));
    }
    if (calls < 4) {
        lens[calls] = *len;
    }
    calls++;
    seen_type = *type;
}

static void record_c(void *in, void *inout, MPI_Count *len, MPI_Datatype *type)
{
    (void)in;
    (void)inout;
    if (calls < 4) {
        lens[calls] = *len;
    }
    calls++;
    seen_type = *type;
}

static void record(void *in, void *inout, int *len, MPI_Datatype *type)
{
    record_c(in, inout, &(MPI_Count){*len}, type);
}

static void test_user_op(void **state)
{
    (void)state;
    mp_op_t *op = NULL;
    assert_int_equal(mp_op_create((mp_op_user_fn_t)matmul, false, false, &op), MP_OK);
    assert_false(mp_op_is_commutative(op));
    assert_false(mp_op_is_predefined(op));
    assert_ptr_equal(mp_api_op_get((MPI_Op)op), op);
    /* A contiguous type of four ints is one matrix; the user function sees its handle. */
    mp_datatype_t mat = *dt_of(MPI_INT);
    mat.predefined = false;
    mat.size = mat.extent = 16;
    mat.segs = mat.inline_segs;
    mat.runs = mat.inline_runs;
    mat.segs[0].len = 16;
    mat.runs[0].bytes = 16;
    mat.handle = (uintptr_t)&mat;
    int a[8] = {1, 2, 3, 4, 0, 1, 1, 0}, b[8] = {5, 6, 7, 8, 1, 2, 3, 4};
    calls = 0;
    assert_int_equal(mp_op_reduce(op, a, b, 2, &mat), MP_OK);
    assert_int_equal(calls, 1);
    assert_int_equal(lens[0], 2);
    assert_ptr_equal(seen_type, (MPI_Datatype)&mat);
    /* in x inout, in that order: [1 2; 3 4] x [5 6; 7 8] and the swap [0 1; 1 0] x [1 2; 3 4]. */
    int want[8] = {19, 22, 43, 50, 3, 4, 1, 2};
    assert_memory_equal(b, want, sizeof(want));
    /* Applies on any type, mixed ones included. */
    const mp_op_t *got = NULL;
    assert_int_equal(mp_api_op_check(NULL, "t", (MPI_Op)op, dt_of(MPI_2INT), &got), MPI_SUCCESS);
    assert_ptr_equal(got, op);

    /* A pending operation keeps a freed op alive; the handle is then refused. */
    mp_op_retain(op);
    mp_op_free(op);
    assert_true(mp_op_is_valid(op));
    assert_true(mp_op_is_freed(op));
    assert_null(mp_api_op_get((MPI_Op)op));
    assert_int_equal(mp_api_op_check(NULL, "t", (MPI_Op)op, dt_of(MPI_INT), &got), MPI_ERR_OP);
    assert_non_null(strstr(last_msg, "freed"));
    assert_int_equal(mp_op_reduce(op, a, b, 1, &mat), MP_OK);
    mp_op_release(op); /* the last reference: gone (ASan would see a leak or a double free) */
}

/* The int variant is called with at most INT_MAX elements (and INT_MAX bytes of extent) at a
 * time; the _c one with all. A zero-size type lets the test pass counts beyond INT_MAX without
 * memory. */
static void test_user_op_chunks(void **state)
{
    (void)state;
    mp_datatype_t empty = *dt_of(MPI_INT);
    empty.predefined = false;
    empty.size = 0;
    empty.extent = 0;
    empty.nsegs = 0;
    empty.nruns = 0;
    empty.handle = (uintptr_t)&empty;
    size_t count = (size_t)INT_MAX * 2 + 5;
    int x = 0, y = 0;

    mp_op_t *op = NULL;
    assert_int_equal(mp_op_create((mp_op_user_fn_t)record, false, true, &op), MP_OK);
    calls = 0;
    assert_int_equal(mp_op_reduce(op, &x, &y, count, &empty), MP_OK);
    assert_int_equal(calls, 3);
    assert_int_equal(lens[0], INT_MAX);
    assert_int_equal(lens[1], INT_MAX);
    assert_int_equal(lens[2], 5);
    mp_op_free(op);

    assert_int_equal(mp_op_create((mp_op_user_fn_t)record_c, true, true, &op), MP_OK);
    calls = 0;
    assert_int_equal(mp_op_reduce(op, &x, &y, count, &empty), MP_OK);
    assert_int_equal(calls, 1);
    assert_int_equal(lens[0], (long long)count);
    assert_ptr_equal(seen_type, (MPI_Datatype)&empty);
    mp_op_free(op);

    /* With an extent of 1 MiB, at most INT_MAX / 2^20 = 2047 elements a call: their bytes fit
     * in an int. The function never touches the (absent) memory. */
    mp_datatype_t wide = empty;
    wide.extent = 1 << 20;
    wide.handle = (uintptr_t)&wide;
    assert_int_equal(mp_op_create((mp_op_user_fn_t)record, false, true, &op), MP_OK);
    calls = 0;
    assert_int_equal(mp_op_reduce(op, &x, &y, 5000, &wide), MP_OK);
    assert_int_equal(calls, 3);
    assert_int_equal(lens[0], 2047);
    assert_int_equal(lens[1], 2047);
    assert_int_equal(lens[2], 906);
    mp_op_free(op);
}

/* A long vector: the kernels' vector loops and their tails agree with the plain loop. */
static void test_long_vectors(void **state)
{
    (void)state;
    enum { LEN = 1027 };
    static double da[LEN], db[LEN];
    static int32_t ia[LEN], ib[LEN];
    for (int i = 0; i < LEN; i++) {
        da[i] = i * 0.25;
        db[i] = (LEN - i) * 0.5;
        ia[i] = i * 3 - 1500;
        ib[i] = 700 - i;
    }
    assert_int_equal(
        mp_op_reduce(mp_op_predefined((uintptr_t)MPI_SUM), da, db, LEN, dt_of(MPI_DOUBLE)), MP_OK);
    assert_int_equal(
        mp_op_reduce(mp_op_predefined((uintptr_t)MPI_MAX), ia, ib, LEN, dt_of(MPI_INT32_T)), MP_OK);
    for (int i = 0; i < LEN; i++) {
        assert_true(db[i] == i * 0.25 + (LEN - i) * 0.5);
        assert_int_equal(ib[i], i * 3 - 1500 > 700 - i ? i * 3 - 1500 : 700 - i);
    }
    /* Integer sums wrap rather than trap. */
    int32_t big[2] = {INT32_MAX, INT32_MIN}, one[2] = {1, -1};
    assert_int_equal(
        mp_op_reduce(mp_op_predefined((uintptr_t)MPI_SUM), big, one, 2, dt_of(MPI_INT32_T)), MP_OK);
    assert_int_equal(one[0], INT32_MIN);
    assert_int_equal(one[1], INT32_MAX);
}

/* ---- MPI_Reduce_local's argument checks (the datatype checks are api/datatype.c's) ---- */

static void test_reduce_local_args(void **state)
{
    (void)state;
    int a[3] = {1, 2, 3}, b[3] = {10, 20, 30};
    assert_int_equal(MPI_Reduce_local(a, b, 3, MPI_INT, MPI_SUM), MPI_SUCCESS);
    assert_int_equal(b[2], 33);
    assert_int_equal(MPI_Reduce_local(a, b, -1, MPI_INT, MPI_SUM), MPI_ERR_COUNT);
    assert_int_equal(MPI_Reduce_local(MPI_IN_PLACE, b, 3, MPI_INT, MPI_SUM), MPI_ERR_BUFFER);
    assert_int_equal(MPI_Reduce_local(a, MPI_IN_PLACE, 3, MPI_INT, MPI_SUM), MPI_ERR_BUFFER);
    assert_non_null(strstr(last_msg, "MPI_IN_PLACE"));
    assert_int_equal(MPI_Reduce_local(NULL, b, 3, MPI_INT, MPI_SUM), MPI_ERR_BUFFER);
    assert_int_equal(MPI_Reduce_local(b, b, 3, MPI_INT, MPI_SUM), MPI_ERR_BUFFER);
    assert_int_equal(MPI_Reduce_local(a, b, 3, MPI_DATATYPE_NULL, MPI_SUM), MPI_ERR_TYPE);
    assert_int_equal(MPI_Reduce_local(a, b, 3, MPI_INT, MPI_OP_NULL), MPI_ERR_OP);
    assert_int_equal(MPI_Reduce_local(a, b, 3, MPI_INT, MPI_MINLOC), MPI_ERR_OP);
    assert_int_equal(b[0], 11);
    /* Nothing to do: NULL buffers are fine with count 0. */
    assert_int_equal(MPI_Reduce_local_c(NULL, NULL, 0, MPI_INT, MPI_PROD), MPI_SUCCESS);
    MPI_Op predefined = MPI_SUM;
    assert_int_equal(MPI_Op_free(&predefined), MPI_ERR_OP);
    assert_ptr_equal(predefined, MPI_SUM);
    MPI_Op null_op = MPI_OP_NULL;
    assert_int_equal(MPI_Op_free(&null_op), MPI_ERR_OP);
    assert_int_equal(MPI_Op_free(NULL), MPI_ERR_ARG);
    MPI_Op user = MPI_OP_NULL;
    assert_int_equal(MPI_Op_create(NULL, 1, &user), MPI_ERR_ARG);
    assert_int_equal(MPI_Op_create(matmul, 0, NULL), MPI_ERR_ARG);
    assert_int_equal(MPI_Op_create(matmul, 0, &user), MPI_SUCCESS);
    int commute = -1;
    assert_int_equal(MPI_Op_commutative(user, &commute), MPI_SUCCESS);
    assert_int_equal(commute, 0);
    assert_int_equal(MPI_Op_commutative(user, NULL), MPI_ERR_ARG);
    assert_int_equal(MPI_Op_commutative(MPI_OP_NULL, &commute), MPI_ERR_OP);
    assert_int_equal(MPI_Op_free(&user), MPI_SUCCESS);
    assert_ptr_equal(user, MPI_OP_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_op_on_every_type),
        cmocka_unit_test(test_every_type_is_covered),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_strided),
        cmocka_unit_test(test_contiguous_lb),
        cmocka_unit_test(test_packed_pairs),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_user_op),
        cmocka_unit_test(test_user_op_chunks),
        cmocka_unit_test(test_long_vectors),
        cmocka_unit_test(test_reduce_local_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
