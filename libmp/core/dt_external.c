/*
 * The "external32" data representation (MPI_Pack_external): basic elements big-endian, with the
 * standard's fixed sizes. Natively packed data is converted element by element, following the
 * type's runs of basic elements. Here long and unsigned long change size (8 to 4 bytes), wide
 * characters too (to the standard's 2), and long double changes format (the x87 80-bit layout to
 * the standard's 16-byte IEEE one).
 */
#include <float.h>
#include <limits.h>
#include <string.h>
#include <wchar.h>

#include <mpi.h>

#include "core/datatype.h"

/* How one basic element converts: its external32 size, and the byte-swapped unit (a complex
 * number swaps its two halves separately). */
typedef struct conv {
    size_t ext_size;
    size_t unit;
    bool is_long;     /* native long, narrowed to 4 bytes */
    bool is_unsigned; /* unsigned long */
    bool is_ldbl;     /* native long double, re-encoded in 16 bytes (see LDBL_EXT_SIZE) */
    bool is_wchar;    /* native wchar_t, narrowed to the standard's 2-byte Unicode unit */
    bool is_bool;     /* C _Bool or C++ bool: any nonzero byte reads as true */
} conv_t;

/* external32 holds a long double as IEEE 754 "Double Extended" in 16 bytes: sign, 15 exponent
 * bits (bias 16383) and 112 fraction bits with a hidden leading one (MPI 4.1 section 13.5.2), the
 * layout of _Float128. Where long double is another format (x86's 80-bit x87 type, or double),
 * values convert through _Float128, exactly one way and rounded to nearest the other; where it
 * already is that layout, the bytes are only swapped. */
#define LDBL_EXT_SIZE 16
#if LDBL_MANT_DIG != 113 && defined(__FLT128_MAX__)
#define LDBL_CONVERTS 1
#else
#define LDBL_CONVERTS 0
#endif

static bool is_long_double(uintptr_t h)
{
    return h == (uintptr_t)MPI_LONG_DOUBLE || h == (uintptr_t)MPI_C_LONG_DOUBLE_COMPLEX ||
           h == (uintptr_t)MPI_CXX_LONG_DOUBLE_COMPLEX;
}

static conv_t conv_of(const mp_dt_run_t *run)
{
    conv_t c = {.ext_size = run->basic, .unit = run->basic};
    uintptr_t h = run->type != NULL ? run->type->handle : 0;
    if (h == (uintptr_t)MPI_C_FLOAT_COMPLEX || h == (uintptr_t)MPI_C_DOUBLE_COMPLEX ||
        h == (uintptr_t)MPI_C_LONG_DOUBLE_COMPLEX || h == (uintptr_t)MPI_CXX_FLOAT_COMPLEX ||
        h == (uintptr_t)MPI_CXX_DOUBLE_COMPLEX || h == (uintptr_t)MPI_CXX_LONG_DOUBLE_COMPLEX ||
        h == (uintptr_t)MPI_COMPLEX || h == (uintptr_t)MPI_DOUBLE_COMPLEX ||
        h == (uintptr_t)MPI_COMPLEX4 || h == (uintptr_t)MPI_COMPLEX8 ||
        h == (uintptr_t)MPI_COMPLEX16 || h == (uintptr_t)MPI_COMPLEX32) {
        c.unit = run->basic / 2;
    }
    if (sizeof(long) == 8 && (h == (uintptr_t)MPI_LONG || h == (uintptr_t)MPI_UNSIGNED_LONG)) {
        c.ext_size = 4;
        c.is_long = true;
        c.is_unsigned = h == (uintptr_t)MPI_UNSIGNED_LONG;
    }
    /* The standard has every byte of a bool checked, nonzero meaning true; a native _Bool may
     * hold only 0 or 1. */
    c.is_bool = (h == (uintptr_t)MPI_C_BOOL || h == (uintptr_t)MPI_CXX_BOOL) && run->basic == 1;
    if (sizeof(wchar_t) != 2 && h == (uintptr_t)MPI_WCHAR) {
        c.ext_size = 2;
        c.is_wchar = true;
    }
    if (LDBL_CONVERTS && is_long_double(h)) {
        c.is_ldbl = true;
        c.ext_size = run->basic / sizeof(long double) * LDBL_EXT_SIZE;
    }
    return c;
}

#if LDBL_CONVERTS
static void ldbl_to_ext(const unsigned char *in, unsigned char *out)
{
    long double v;
    memcpy(&v, in, sizeof(v));
    _Float128 q = (_Float128)v;
    unsigned char b[LDBL_EXT_SIZE];
    memcpy(b, &q, sizeof(b));
    for (size_t i = 0; i < LDBL_EXT_SIZE; i++) {
        out[i] = b[LDBL_EXT_SIZE - 1 - i];
    }
}

static void ldbl_from_ext(const unsigned char *in, unsigned char *out)
{
    unsigned char b[LDBL_EXT_SIZE];
    for (size_t i = 0; i < LDBL_EXT_SIZE; i++) {
        b[i] = in[LDBL_EXT_SIZE - 1 - i];
    }
    _Float128 q;
    memcpy(&q, b, sizeof(q));
    long double v = (long double)q;
    memcpy(out, &v, sizeof(v));
}
#endif

static void swap_copy(unsigned char *dst, const unsigned char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[n - 1 - i];
    }
}

size_t mp_datatype_external32_size(const mp_datatype_t *dt)
{
    size_t bytes = 0;
    for (size_t i = 0; i < dt->nruns; i++) {
        conv_t c = conv_of(&dt->runs[i]);
        bytes += dt->runs[i].bytes / dt->runs[i].basic * c.ext_size;
    }
    return bytes * dt->run_reps;
}

/* Converts n elements of one run; false when a long does not fit in 32 bits, or a wide
 * character in the 16 bits external32 gives it (a character beyond Unicode's basic plane). */
static bool run_to_ext(const conv_t *c, size_t basic, size_t n, const unsigned char *in,
                       unsigned char *out)
{
    for (size_t k = 0; k < n; k++, in += basic, out += c->ext_size) {
        if (c->is_long) {
            long v;
            memcpy(&v, in, sizeof(v));
            if (c->is_unsigned ? (unsigned long)v > UINT32_MAX : v < INT32_MIN || v > INT32_MAX) {
                return false;
            }
            uint32_t w = (uint32_t)v;
            unsigned char b[4] = {(unsigned char)(w >> 24), (unsigned char)(w >> 16),
                                  (unsigned char)(w >> 8), (unsigned char)w};
            memcpy(out, b, 4);
            continue;
        }
        if (c->is_wchar) {
            wchar_t v;
            memcpy(&v, in, sizeof(v));
            if (v < 0 || (uintmax_t)v > 0xffff) {
                return false;
            }
            out[0] = (unsigned char)((unsigned)v >> 8);
            out[1] = (unsigned char)v;
            continue;
        }
#if LDBL_CONVERTS
        if (c->is_ldbl) {
            for (size_t u = 0; u * sizeof(long double) < basic; u++) {
                ldbl_to_ext(in + u * sizeof(long double), out + u * LDBL_EXT_SIZE);
            }
            continue;
        }
#endif
        for (size_t u = 0; u < basic; u += c->unit) {
            swap_copy(out + u, in + u, c->unit);
        }
    }
    return true;
}

static void run_from_ext(const conv_t *c, size_t basic, size_t n, const unsigned char *in,
                         unsigned char *out)
{
    for (size_t k = 0; k < n; k++, in += c->ext_size, out += basic) {
        if (c->is_long) {
            uint32_t w = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 |
                         (uint32_t)in[3];
            long v = c->is_unsigned ? (long)(unsigned long)w : (long)(int32_t)w;
            memcpy(out, &v, sizeof(v));
            continue;
        }
        if (c->is_bool) {
            out[0] = in[0] != 0;
            continue;
        }
        if (c->is_wchar) {
            wchar_t v = (wchar_t)((unsigned)in[0] << 8 | in[1]);
            memcpy(out, &v, sizeof(v));
            continue;
        }
#if LDBL_CONVERTS
        if (c->is_ldbl) {
            for (size_t u = 0; u * sizeof(long double) < basic; u++) {
                ldbl_from_ext(in + u * LDBL_EXT_SIZE, out + u * sizeof(long double));
            }
            continue;
        }
#endif
        for (size_t u = 0; u < basic; u += c->unit) {
            swap_copy(out + u, in + u, c->unit);
        }
    }
}

mp_status_t mp_datatype_to_external32(const mp_datatype_t *dt, size_t count, const void *native,
                                      void *out)
{
    const unsigned char *in = native;
    unsigned char *o = out;
    for (size_t pass = 0; pass < count * dt->run_reps; pass++) {
        for (size_t i = 0; i < dt->nruns; i++) {
            const mp_dt_run_t *run = &dt->runs[i];
            conv_t c = conv_of(run);
            size_t n = run->bytes / run->basic;
            if (!run_to_ext(&c, run->basic, n, in, o)) {
                return MP_ERR_INVALID;
            }
            in += run->bytes;
            o += n * c.ext_size;
        }
    }
    return MP_OK;
}

void mp_datatype_from_external32(const mp_datatype_t *dt, size_t count, const void *in,
                                 void *native)
{
    const unsigned char *i8 = in;
    unsigned char *out = native;
    for (size_t pass = 0; pass < count * dt->run_reps; pass++) {
        for (size_t i = 0; i < dt->nruns; i++) {
            const mp_dt_run_t *run = &dt->runs[i];
            conv_t c = conv_of(run);
            size_t n = run->bytes / run->basic;
            run_from_ext(&c, run->basic, n, i8, out);
            i8 += n * c.ext_size;
            out += run->bytes;
        }
    }
}
