/*
 * MPI_Pack / MPI_Unpack round trips of several types into one buffer, MPI_Pack_size, packed
 * data sent as MPI_PACKED and unpacked by the receiver, a derived type received as MPI_PACKED,
 * the errors of a too-small buffer (MPI_ERRORS_RETURN), and MPI_Pack_external ("external32",
 * big-endian) checked byte by byte, long double in the standard's 16-byte IEEE layout.
 */
#include <complex.h>
#include <float.h>
#include <mpi.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../env/mptest.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

static int rank, size, next, prev;

#define N 50

/* Packs an int header, a strided column of doubles, and chars into buf; returns the position. */
static int pack_message(void *buf, int bufsize, MPI_Datatype column, const double *grid, int tag)
{
    int pos = 0;
    char text[8] = "derived";
    MPI_Pack(&tag, 1, MPI_INT, buf, bufsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(grid, 1, column, buf, bufsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(text, 8, MPI_CHAR, buf, bufsize, &pos, MPI_COMM_WORLD);
    return pos;
}

static void check_unpacked(const void *buf, int bufsize, MPI_Datatype column, int src, int tag)
{
    double grid[N * 3];
    int got_tag = -1, pos = 0;
    char text[8] = "";
    for (int i = 0; i < N * 3; i++) {
        grid[i] = -1.0;
    }
    MPI_Unpack(buf, bufsize, &pos, &got_tag, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Unpack(buf, bufsize, &pos, grid, 1, column, MPI_COMM_WORLD);
    MPI_Unpack(buf, bufsize, &pos, text, 8, MPI_CHAR, MPI_COMM_WORLD);
    MPT_CHECK(got_tag == tag, "unpacked tag %d, expected %d", got_tag, tag);
    MPT_CHECK(strcmp(text, "derived") == 0, "unpacked text '%.8s'", text);
    int bad = 0;
    for (int i = 0; i < N * 3; i++) {
        double want = i % 3 == 0 ? src * 1000.0 + i : -1.0;
        bad += grid[i] != want;
    }
    MPT_CHECK(bad == 0, "unpacked column from %d: %d wrong values", src, bad);
    MPT_CHECK(pos == (int)(sizeof(int) + N * sizeof(double) + 8), "unpacked %d bytes", pos);
}

/* external32: big-endian, a long takes 4 bytes; checked byte by byte, then round trips. */
#if !defined(MPICH_VERSION)
static void external32(void)
{
    struct item {
        int i;
        long l;
        double d;
        short s;
    } in[2] = {{0x01020304, -2, 1.0, 0x0a0b}, {-1, 70000, -2.5, 7}}, out[2];
    int bl[4] = {1, 1, 1, 1};
    MPI_Aint disp[4] = {offsetof(struct item, i), offsetof(struct item, l),
                        offsetof(struct item, d), offsetof(struct item, s)};
    MPI_Datatype types[4] = {MPI_INT, MPI_LONG, MPI_DOUBLE, MPI_SHORT}, t;
    MPI_Type_create_struct(4, bl, disp, types, &t);
    MPI_Type_commit(&t);
    MPI_Aint esize = 0, pos = 0;
    MPI_Pack_external_size("external32", 2, t, &esize);
    MPT_CHECK(esize == 2 * (4 + 4 + 8 + 2), "external32 esize %ld", (long)esize);
    unsigned char buf[64];
    memset(buf, 0, sizeof(buf));
    MPI_Pack_external("external32", in, 2, t, buf, sizeof(buf), &pos);
    MPT_CHECK(pos == esize, "Pack_external advanced %ld", (long)pos);
    static const unsigned char want[18] = {1,    2, 3, 4, 0xff, 0xff, 0xff, 0xfe, 0x3f,
                                           0xf0, 0, 0, 0, 0,    0,    0,    0x0a, 0x0b};
    MPT_CHECK(memcmp(buf, want, sizeof(want)) == 0,
              "external32 bytes %02x %02x %02x %02x | %02x %02x %02x %02x | %02x %02x", buf[0],
              buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7], buf[8], buf[9]);
    memset(out, 0, sizeof(out));
    pos = 0;
    MPI_Unpack_external("external32", buf, esize, &pos, out, 2, t);
    for (int k = 0; k < 2; k++) {
        MPT_CHECK(out[k].i == in[k].i && out[k].l == in[k].l && out[k].d == in[k].d &&
                      out[k].s == in[k].s,
                  "external32 round trip of item %d", k);
    }
    /* Large-count forms, and a vector of doubles. */
    MPI_Datatype v;
    MPI_Type_vector(3, 1, 2, MPI_DOUBLE, &v);
    MPI_Type_commit(&v);
    double dv[6] = {1, -1, 2, -1, 3, -1}, back[6] = {0, 9, 0, 9, 0, 9};
    MPI_Count cpos = 0, csize = 0;
    MPI_Pack_external_size_c("external32", 1, v, &csize);
    MPI_Pack_external_c("external32", dv, 1, v, buf, sizeof(buf), &cpos);
    MPT_CHECK(csize == 24 && cpos == 24 && buf[16] == 0x40 && buf[17] == 0x08,
              "external32 vector: esize %lld, byte 16 %02x", (long long)csize, buf[16]);
    cpos = 0;
    MPI_Unpack_external_c("external32", buf, csize, &cpos, back, 1, v);
    MPT_CHECK(back[0] == 1 && back[2] == 2 && back[4] == 3 && back[1] == 9 && back[5] == 9,
              "external32 vector round trip");
    MPI_Type_free(&v);

    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int cls = -1;
    pos = 0;
    MPI_Error_class(MPI_Pack_external("native", in, 1, t, buf, sizeof(buf), &pos), &cls);
    MPT_CHECK(cls == MPI_ERR_ARG, "Pack_external(\"native\"): class %d", cls);
    /* Wide characters take 2 bytes (Unicode's basic plane); beyond it they do not fit. Open MPI
     * 4.1 packs the 4 native bytes. */
#if !defined(OPEN_MPI)
    wchar_t wide[3] = {L'A', 0xe9, 0x20ac}, wide_back[3] = {0, 0, 0};
    unsigned char wide_want[6] = {0x00, 0x41, 0x00, 0xe9, 0x20, 0xac};
    MPI_Pack_external_size("external32", 3, MPI_WCHAR, &esize);
    pos = 0;
    MPI_Pack_external("external32", wide, 3, MPI_WCHAR, buf, sizeof(buf), &pos);
    MPT_CHECK(esize == 6 && pos == 6 && memcmp(buf, wide_want, 6) == 0,
              "external32 of 3 wide characters: size %ld, packed %ld, bytes %02x %02x %02x %02x",
              (long)esize, (long)pos, buf[0], buf[1], buf[4], buf[5]);
    pos = 0;
    MPI_Unpack_external("external32", buf, 6, &pos, wide_back, 3, MPI_WCHAR);
    MPT_CHECK(pos == 6 && memcmp(wide, wide_back, sizeof(wide)) == 0,
              "external32 wide character round trip");
    /* Any nonzero byte of a bool is true; a native _Bool holds 1. */
    unsigned char bools[3] = {0x00, 0x02, 0x80};
    _Bool truth[3] = {1, 0, 0};
    pos = 0;
    MPI_Unpack_external("external32", bools, 3, &pos, truth, 3, MPI_C_BOOL);
    unsigned char raw[3];
    memcpy(raw, truth, 3);
    MPT_CHECK(pos == 3 && raw[0] == 0 && raw[1] == 1 && raw[2] == 1,
              "external32 bools 00 02 80 unpacked to bytes %02x %02x %02x", raw[0], raw[1], raw[2]);
    if (sizeof(wchar_t) > 2) {
        wchar_t astral = (wchar_t)0x1f600;
        pos = 0;
        MPI_Error_class(
            MPI_Pack_external("external32", &astral, 1, MPI_WCHAR, buf, sizeof(buf), &pos), &cls);
        MPT_CHECK(cls == MPI_ERR_CONVERSION && pos == 0,
                  "Pack_external of U+1F600 as a wide character: class %d", cls);
    }
#endif
    if (sizeof(long) == 8) {
        long big = 1L << 40;
        pos = 0;
        MPI_Error_class(MPI_Pack_external("external32", &big, 1, MPI_LONG, buf, sizeof(buf), &pos),
                        &cls);
        MPT_CHECK(cls == MPI_ERR_CONVERSION, "Pack_external of 2^40 as a long: class %d", cls);
    }
    pos = 0;
    MPI_Error_class(MPI_Pack_external("external32", in, 2, t, buf, 10, &pos), &cls);
    MPT_CHECK(cls == MPI_ERR_TRUNCATE, "Pack_external into 10 bytes: class %d", cls);
    MPI_Type_free(&t);
}

/* external32 long double: 16 bytes, sign, a 15-bit exponent (bias 16383) and 112 fraction bits
 * with the leading one hidden (MPI 4.1 section 13.5.2), whatever the native format (x86's is the
 * 80-bit x87 one). Open MPI 4.1 copies the native bytes instead. */
#if !defined(OPEN_MPI)
static void expect_bytes(const unsigned char *got, const unsigned char *want, int n,
                         const char *what)
{
    for (int i = 0; i < n; i++) {
        MPT_CHECK(got[i] == want[i], "%s: byte %d is %02x, expected %02x", what, i, got[i],
                  want[i]);
    }
}

static void external32_long_double(void)
{
    long double in[3] = {1.0L, -2.5L, 0.1L}, out[3] = {0, 0, 0};
    unsigned char buf[64], want[48] = {0x3f, 0xff};
    want[16] = 0xc0;
    want[18] = 0x40; /* -2.5 = -1.25 * 2^1 */
    MPI_Aint esize = 0, pos = 0;
    MPI_Pack_external_size("external32", 3, MPI_LONG_DOUBLE, &esize);
    MPT_CHECK(esize == 48, "external32 size of 3 long doubles: %ld", (long)esize);
    memset(buf, 0xee, sizeof(buf));
    MPI_Pack_external("external32", in, 3, MPI_LONG_DOUBLE, buf, sizeof(buf), &pos);
    MPT_CHECK(pos == 48, "Pack_external of 3 long doubles advanced %ld", (long)pos);
    expect_bytes(buf, want, 32, "external32 of 1.0L and -2.5L");
    /* 0.1 rounded to the native precision, its fraction continued with zeros (not under
     * valgrind, which computes x87 long doubles with a double's precision). */
    if ((LDBL_MANT_DIG == 64 || LDBL_MANT_DIG == 113) && !UNDER_VALGRIND()) {
        unsigned char tenth[16] = {0x3f, 0xfb};
        for (int i = 2; i < 16; i++) {
            tenth[i] = 0x99;
        }
        if (LDBL_MANT_DIG == 64) {
            tenth[9] = 0x9a;
            memset(tenth + 10, 0, 6);
        } else {
            tenth[15] = 0x9a;
        }
        expect_bytes(buf + 32, tenth, 16, "external32 of 0.1L");
    }
    MPT_CHECK(buf[48] == 0xee, "Pack_external wrote past its 48 bytes");
    pos = 0;
    MPI_Unpack_external("external32", buf, 48, &pos, out, 3, MPI_LONG_DOUBLE);
    MPT_CHECK(pos == 48 && out[0] == in[0] && out[1] == in[1] && out[2] == in[2],
              "external32 long double round trip: %Lg %Lg %Lg", out[0], out[1], out[2]);

    /* The pair type and the complex type hold long doubles in the same layout. */
    struct {
        long double v;
        int i;
    } pair = {1.5L, 7}, pair_back = {0, 0};
    unsigned char pair_want[20] = {0x3f, 0xff, 0x80};
    pair_want[19] = 7;
    pos = 0;
    MPI_Pack_external_size("external32", 1, MPI_LONG_DOUBLE_INT, &esize);
    MPI_Pack_external("external32", &pair, 1, MPI_LONG_DOUBLE_INT, buf, sizeof(buf), &pos);
    MPT_CHECK(esize == 20 && pos == 20, "external32 MPI_LONG_DOUBLE_INT: size %ld, packed %ld",
              (long)esize, (long)pos);
    expect_bytes(buf, pair_want, 20, "external32 of (1.5L, 7)");
    pos = 0;
    MPI_Unpack_external("external32", buf, 20, &pos, &pair_back, 1, MPI_LONG_DOUBLE_INT);
    MPT_CHECK(pair_back.v == 1.5L && pair_back.i == 7, "MPI_LONG_DOUBLE_INT round trip: %Lg %d",
              pair_back.v, pair_back.i);
    long double _Complex z = 1.0L - 2.5L * I, z_back = 0;
    pos = 0;
    MPI_Pack_external("external32", &z, 1, MPI_C_LONG_DOUBLE_COMPLEX, buf, sizeof(buf), &pos);
    MPT_CHECK(pos == 32, "external32 MPI_C_LONG_DOUBLE_COMPLEX packed %ld", (long)pos);
    expect_bytes(buf, want, 32, "external32 of 1.0L - 2.5Li");
    pos = 0;
    MPI_Unpack_external("external32", buf, 32, &pos, &z_back, 1, MPI_C_LONG_DOUBLE_COMPLEX);
    MPT_CHECK(z_back == z, "MPI_C_LONG_DOUBLE_COMPLEX round trip: %Lg%+Lgi", creall(z_back),
              cimagl(z_back));
}
#endif

#endif
int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    next = (rank + 1) % size;
    prev = (rank + size - 1) % size;

    /* Column 0 of an N x 3 array of doubles. */
    MPI_Datatype column;
    MPI_Type_vector(N, 1, 3, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);
    double grid[N * 3];
    for (int i = 0; i < N * 3; i++) {
        grid[i] = rank * 1000.0 + i;
    }
    int need = 0, part;
    MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &part);
    need += part;
    MPI_Pack_size(1, column, MPI_COMM_WORLD, &part);
    MPT_CHECK(part >= N * (int)sizeof(double), "Pack_size(column) %d", part);
    need += part;
    MPI_Pack_size(8, MPI_CHAR, MPI_COMM_WORLD, &part);
    need += part;
    char *buf = malloc((size_t)need);
    char *in = malloc((size_t)need);

    /* A local round trip. */
    int len = pack_message(buf, need, column, grid, 42);
    check_unpacked(buf, len, column, rank, 42);

    /* Over the wire as MPI_PACKED. */
    MPI_Status st;
    MPI_Sendrecv(buf, len, MPI_PACKED, next, 1, in, need, MPI_PACKED, prev, 1, MPI_COMM_WORLD, &st);
    int got = 0;
    MPI_Get_count(&st, MPI_PACKED, &got);
    MPT_CHECK(got == len, "received %d packed bytes, expected %d", got, len);
    check_unpacked(in, got, column, prev, 42);

    /* A derived type received as MPI_PACKED and unpacked; packed data received as the type. */
    MPI_Sendrecv(grid, 1, column, next, 2, in, need, MPI_PACKED, prev, 2, MPI_COMM_WORLD, &st);
    double back[N * 3];
    for (int i = 0; i < N * 3; i++) {
        back[i] = -1.0;
    }
    int pos = 0;
    MPI_Get_count(&st, MPI_PACKED, &got);
    MPI_Unpack(in, got, &pos, back, 1, column, MPI_COMM_WORLD);
    int bad = 0;
    for (int i = 0; i < N * 3; i++) {
        bad += back[i] != (i % 3 == 0 ? prev * 1000.0 + i : -1.0);
    }
    MPT_CHECK(bad == 0, "column received as MPI_PACKED: %d wrong values", bad);
    pos = 0;
    MPI_Pack(grid, 1, column, buf, need, &pos, MPI_COMM_WORLD);
    for (int i = 0; i < N * 3; i++) {
        back[i] = -1.0;
    }
    MPI_Sendrecv(buf, pos, MPI_PACKED, next, 3, back, 1, column, prev, 3, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    bad = 0;
    for (int i = 0; i < N * 3; i++) {
        bad += back[i] != (i % 3 == 0 ? prev * 1000.0 + i : -1.0);
    }
    MPT_CHECK(bad == 0, "MPI_PACKED received as the column: %d wrong values", bad);

    /* Large-count forms. */
    MPI_Count cpos = 0, csize = 0;
    MPI_Pack_size_c(1, column, MPI_COMM_WORLD, &csize);
    MPT_CHECK(csize == N * (MPI_Count)sizeof(double), "Pack_size_c %lld", (long long)csize);
    MPI_Pack_c(grid, 1, column, buf, need, &cpos, MPI_COMM_WORLD);
    MPT_CHECK(cpos == csize, "Pack_c advanced to %lld", (long long)cpos);
    cpos = 0;
    MPI_Unpack_c(buf, csize, &cpos, back, 1, column, MPI_COMM_WORLD);
    MPT_CHECK(cpos == csize && back[0] == grid[0] && back[3 * N - 3] == grid[3 * N - 3],
              "Unpack_c round trip");

    /* Too little room: MPI_ERR_TRUNCATE, position unchanged (MPICH 4.0 does not check). */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rc, cls = -1;
#if !defined(MPICH_VERSION)
    pos = need - 4;
    rc = MPI_Pack(grid, 1, column, buf, need, &pos, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_TRUNCATE && pos == need - 4, "Pack past the end: class %d pos %d", cls,
              pos);
    pos = 0;
    rc = MPI_Unpack(buf, 8, &pos, back, 1, column, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_TRUNCATE && pos == 0, "Unpack past the end: class %d", cls);
#endif
    pos = 0;
    rc = MPI_Pack(grid, -1, column, buf, need, &pos, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_COUNT, "Pack count -1: class %d", cls);

    MPI_Type_free(&column);
#if !defined(MPICH_VERSION)
    external32(); /* MPICH 4.0 stops on an illegal instruction in MPI_Pack_external_size */
#endif
#if !defined(MPICH_VERSION) && !defined(OPEN_MPI)
    external32_long_double();
#endif
    free(buf);
    free(in);
    MPI_Finalize();
    return mpt_finish(rank);
}
