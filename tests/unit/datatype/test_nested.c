/*
 * Unit tests of nested segments: types whose flattened map repeats at several levels (vector of
 * vector, the transpose, 3-d subarrays, darrays, contiguous runs of vectors, struct of them)
 * packed and unpacked at random offsets and fragment lengths against a plain walk of the type
 * map built here from the constructors' definitions; and their size does not grow with counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/datatype.h"

static const mp_datatype_t *dt_int, *dt_double, *dt_float_int;

static int setup(void **state)
{
    (void)state;
    dt_int = mp_datatype_predefined((uintptr_t)MPI_INT);
    dt_double = mp_datatype_predefined((uintptr_t)MPI_DOUBLE);
    dt_float_int = mp_datatype_predefined((uintptr_t)MPI_FLOAT_INT);
    srand(12345);
    return dt_int != NULL && dt_double != NULL && dt_float_int != NULL ? 0 : -1;
}

/* The reference: one element's type map as byte blocks {off, len} in order, and its extent. */
typedef struct ref {
    ptrdiff_t *off;
    size_t *len;
    size_t n;
    ptrdiff_t extent;
} ref_t;

static void ref_add(ref_t *r, ptrdiff_t off, size_t len)
{
    r->off = realloc(r->off, (r->n + 1) * sizeof(*r->off));
    r->len = realloc(r->len, (r->n + 1) * sizeof(*r->len));
    assert_non_null(r->off);
    assert_non_null(r->len);
    r->off[r->n] = off;
    r->len[r->n++] = len;
}

static void ref_free(ref_t *r)
{
    free(r->off);
    free(r->len);
    memset(r, 0, sizeof(*r));
}

static size_t ref_size(const ref_t *r)
{
    size_t size = 0;
    for (size_t i = 0; i < r->n; i++) {
        size += r->len[i];
    }
    return size;
}

/* The map of a predefined type from its own description (bytes of data at 0). */
static ref_t ref_basic(size_t bytes)
{
    ref_t r = {0};
    ref_add(&r, 0, bytes);
    r.extent = (ptrdiff_t)bytes;
    return r;
}

/* blocklen copies of old, extent apart, at disp, appended to r: the definition of a block. */
static void ref_block(ref_t *r, const ref_t *old, ptrdiff_t disp, size_t blocklen)
{
    for (size_t j = 0; j < blocklen; j++) {
        for (size_t k = 0; k < old->n; k++) {
            ref_add(r, disp + (ptrdiff_t)j * old->extent + old->off[k], old->len[k]);
        }
    }
}

/* hvector(count, blocklen, stride, old); extent from the type built by libmp (bounds are
 * checked elsewhere). */
static ref_t ref_hvector(size_t count, size_t blocklen, ptrdiff_t stride, const ref_t *old,
                         ptrdiff_t extent)
{
    ref_t r = {0};
    for (size_t i = 0; i < count; i++) {
        ref_block(&r, old, (ptrdiff_t)i * stride, blocklen);
    }
    r.extent = extent;
    return r;
}

/* The elements of a C-order grid over old: index runs per dimension, by recursion. */
static void ref_grid_rec(ref_t *r, size_t d, size_t ndims, const ptrdiff_t *strides,
                         const size_t *nruns, const mp_dt_index_run_t *const *runs,
                         const ref_t *old, ptrdiff_t base)
{
    for (size_t k = 0; k < nruns[d]; k++) {
        for (size_t i = runs[d][k].first; i < runs[d][k].first + runs[d][k].len; i++) {
            ptrdiff_t at = base + (ptrdiff_t)i * strides[d];
            if (d == ndims - 1) {
                ref_block(r, old, at, 1);
            } else {
                ref_grid_rec(r, d + 1, ndims, strides, nruns, runs, old, at);
            }
        }
    }
}

static ref_t ref_grid(size_t ndims, const size_t *sizes, const size_t *nruns,
                      const mp_dt_index_run_t *const *runs, const ref_t *old, ptrdiff_t extent)
{
    ptrdiff_t strides[8];
    ptrdiff_t stride = old->extent;
    for (size_t d = ndims; d-- > 0;) {
        strides[d] = stride;
        stride *= (ptrdiff_t)sizes[d];
    }
    ref_t r = {0};
    ref_grid_rec(&r, 0, ndims, strides, nruns, runs, old, 0);
    r.extent = extent;
    return r;
}

/* Packs and unpacks count elements of dt at random offsets and fragment lengths: packed byte
 * k is the byte the reference map puts there, and unpacking writes those bytes and no others.
 * base_off places the origin inside the buffer (negative displacements). */
static void check_against(const mp_datatype_t *dt, const ref_t *ref, size_t count, size_t base_off,
                          size_t span)
{
    size_t per = ref_size(ref);
    size_t total = per * count;
    assert_int_equal(dt->size, per);
    assert_int_equal(dt->extent, ref->extent);
    unsigned char *mem = malloc(span);
    unsigned char *dst = malloc(span);
    unsigned char *expect = malloc(span);
    ptrdiff_t *where = malloc(total * sizeof(*where)); /* memory offset of packed byte k */
    unsigned char *want = malloc(total);
    unsigned char *out = malloc(total);
    assert_true(mem && dst && expect && where && want && out);
    for (size_t i = 0; i < span; i++) {
        mem[i] = (unsigned char)(rand() & 0xff);
    }
    size_t k = 0;
    for (size_t e = 0; e < count; e++) {
        for (size_t b = 0; b < ref->n; b++) {
            for (size_t i = 0; i < ref->len[b]; i++) {
                where[k] =
                    (ptrdiff_t)base_off + (ptrdiff_t)e * ref->extent + ref->off[b] + (ptrdiff_t)i;
                assert_true(where[k] >= 0 && (size_t)where[k] < span);
                want[k] = mem[where[k]];
                k++;
            }
        }
    }
    char *origin = (char *)mem + base_off;
    mp_datatype_pack(dt, count, origin, 0, out, total);
    assert_memory_equal(out, want, total);
    for (int t = 0; t < 300; t++) {
        size_t off = (size_t)rand() % total;
        size_t len =
            1 + (size_t)rand() % (t % 3 == 0 ? total - off : (total - off < 40 ? total - off : 40));
        memset(out, 0, len);
        mp_datatype_pack(dt, count, origin, off, out, len);
        assert_memory_equal(out, want + off, len);
    }
    /* Unpack the whole stream in random fragments. */
    for (int rep = 0; rep < 3; rep++) {
        memset(dst, 0x5a, span);
        memset(expect, 0x5a, span);
        for (size_t i = 0; i < total; i++) {
            expect[where[i]] = want[i];
        }
        for (size_t off = 0; off < total;) {
            size_t len = 1 + (size_t)rand() % (rep == 0 ? 7 : 97);
            len = len < total - off ? len : total - off;
            mp_datatype_unpack(dt, count, (char *)dst + base_off, off, want + off, len);
            off += len;
        }
        assert_memory_equal(dst, expect, span);
    }
    free(mem);
    free(dst);
    free(expect);
    free(where);
    free(want);
    free(out);
}

/* Bytes from the lowest to the highest byte count elements of dt touch, and where the origin
 * sits in such a buffer. */
static void buffer_for(const mp_datatype_t *dt, size_t count, size_t *base_off_p, size_t *span_p)
{
    ptrdiff_t lo = dt->true_lb;
    ptrdiff_t hi = dt->true_lb + dt->true_extent;
    ptrdiff_t last = (ptrdiff_t)(count - 1) * dt->extent;
    lo += last < 0 ? last : 0;
    hi += last > 0 ? last : 0;
    *base_off_p = lo < 0 ? (size_t)-lo : 0;
    *span_p = (size_t)(hi - (lo < 0 ? lo : 0)) + 1;
}

static void check(const mp_datatype_t *dt, const ref_t *ref, size_t count)
{
    size_t base_off;
    size_t span;
    buffer_for(dt, count, &base_off, &span);
    check_against(dt, ref, count, base_off, span);
}

/* The transpose of MPI 4's example 4.17: a column is a vector of doubles one row apart, and the
 * transpose is ncols columns a double apart. One segment, two levels. */
static void test_transpose(void **state)
{
    (void)state;
    size_t nrows = 7, ncols = 11;
    mp_datatype_t *col, *xpose;
    assert_int_equal(mp_datatype_create_hvector(nrows, 1, (ptrdiff_t)(ncols * 8), dt_double, &col),
                     MP_OK);
    assert_int_equal(mp_datatype_create_hvector(ncols, 1, 8, col, &xpose), MP_OK);
    assert_int_equal(xpose->nsegs, 1);
    assert_int_equal(xpose->segs[0].nouter, 1);
    ref_t d = ref_basic(8);
    ref_t rc = ref_hvector(nrows, 1, (ptrdiff_t)(ncols * 8), &d, col->extent);
    ref_t rx = ref_hvector(ncols, 1, 8, &rc, xpose->extent);
    check(xpose, &rx, 1);
    check(xpose, &rx, 3);
    /* A vector of vectors (blocks of 2 and 3, strides in elements of the inner one). */
    mp_datatype_t *inner, *vv;
    assert_int_equal(mp_datatype_create_hvector(4, 2, 20, dt_int, &inner), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(5, 3, 3 * inner->extent + 16, inner, &vv), MP_OK);
    ref_t ri = ref_basic(4);
    ref_t rin = ref_hvector(4, 2, 20, &ri, inner->extent);
    ref_t rvv = ref_hvector(5, 3, 3 * inner->extent + 16, &rin, vv->extent);
    assert_int_equal(vv->nsegs, 1);
    check(vv, &rvv, 2);
    mp_datatype_release(col);
    mp_datatype_release(xpose);
    mp_datatype_release(inner);
    mp_datatype_release(vv);
    ref_free(&d);
    ref_free(&rc);
    ref_free(&rx);
    ref_free(&ri);
    ref_free(&rin);
    ref_free(&rvv);
}

/* Contiguous runs of vectors, a vector of resized ints, and negative strides at every level. */
static void test_contiguous_resized_negative(void **state)
{
    (void)state;
    ref_t ri = ref_basic(4);
    mp_datatype_t *v, *cv;
    assert_int_equal(mp_datatype_create_hvector(3, 2, 24, dt_int, &v), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(1, 6, 0, v, &cv), MP_OK); /* contiguous(6, v) */
    assert_int_equal(cv->nsegs, 1);
    ref_t rv = ref_hvector(3, 2, 24, &ri, v->extent);
    ref_t rcv = ref_hvector(1, 6, 0, &rv, cv->extent);
    check(cv, &rcv, 2);

    /* A vector whose stride equals its blocks' span: contiguous of it folds into one level. */
    mp_datatype_t *r, *vr, *folded;
    assert_int_equal(mp_datatype_create_resized(dt_int, 0, 12, &r), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(5, 1, 12, r, &vr), MP_OK);
    assert_int_equal(mp_datatype_create_resized(vr, 0, 60, &folded), MP_OK);
    mp_datatype_t *cf;
    assert_int_equal(mp_datatype_create_hvector(1, 4, 0, folded, &cf), MP_OK);
    assert_int_equal(cf->nsegs, 1);
    assert_int_equal(cf->segs[0].nouter, 0);
    assert_int_equal(cf->segs[0].count, 20);
    ref_t rr = ref_basic(4);
    rr.extent = 12;
    ref_t rvr = ref_hvector(5, 1, 12, &rr, 60);
    ref_t rcf = ref_hvector(1, 4, 0, &rvr, cf->extent);
    check(cf, &rcf, 3);

    /* Resized inside a vector inside an hvector, all strides negative. */
    mp_datatype_t *nv, *nh;
    assert_int_equal(mp_datatype_create_hvector(4, 2, -36, r, &nv), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(3, 2, -1000, nv, &nh), MP_OK);
    ref_t rnv = ref_hvector(4, 2, -36, &rr, nv->extent);
    ref_t rnh = ref_hvector(3, 2, -1000, &rnv, nh->extent);
    assert_int_equal(nh->nsegs, 1);
    check(nh, &rnh, 2);

    mp_datatype_t *vlist[] = {v, cv, r, vr, folded, cf, nv, nh};
    for (size_t i = 0; i < sizeof(vlist) / sizeof(vlist[0]); i++) {
        mp_datatype_release(vlist[i]);
    }
    ref_t *rlist[] = {&ri, &rv, &rcv, &rr, &rvr, &rcf, &rnv, &rnh};
    for (size_t i = 0; i < sizeof(rlist) / sizeof(rlist[0]); i++) {
        ref_free(rlist[i]);
    }
}

/* Subarrays in three dimensions, in C order and (as the api layer gives it: dimensions
 * reversed) Fortran order, of a basic type and of a vector; and a cyclic darray. */
static void test_subarray_darray(void **state)
{
    (void)state;
    ref_t rd = ref_basic(8);
    size_t sizes[3] = {6, 7, 9};
    size_t nruns[3] = {1, 1, 1};
    mp_dt_index_run_t a = {1, 3}, b = {2, 4}, c = {3, 5};
    const mp_dt_index_run_t *runs[3] = {&a, &b, &c};
    mp_datatype_t *t;
    assert_int_equal(mp_datatype_create_grid(3, sizes, nruns, runs, dt_double, &t), MP_OK);
    assert_int_equal(t->nsegs, 1);
    ref_t rt = ref_grid(3, sizes, nruns, runs, &rd, t->extent);
    check(t, &rt, 2);
    ref_free(&rt);
    mp_datatype_release(t);

    /* Fortran order: sizes {9, 7, 6}, starts {3, 2, 1} is the C grid of the reversed lists. */
    size_t fsizes[3] = {6, 7, 9};
    const mp_dt_index_run_t *fruns[3] = {&a, &b, &c};
    mp_datatype_t *v;
    assert_int_equal(mp_datatype_create_hvector(2, 1, 12, dt_int, &v), MP_OK);
    assert_int_equal(mp_datatype_create_grid(3, fsizes, nruns, fruns, v, &t), MP_OK);
    assert_int_equal(t->nsegs, 1);
    assert_true(t->segs[0].nouter >= 2);
    ref_t ri = ref_basic(4);
    ref_t rv = ref_hvector(2, 1, 12, &ri, v->extent);
    rt = ref_grid(3, fsizes, nruns, fruns, &rv, t->extent);
    check(t, &rt, 2);
    ref_free(&rt);
    mp_datatype_release(t);

    /* A darray piece: cyclic(2) rows, block columns, cyclic(1) planes of a 5x10x8 array. */
    size_t dsizes[3] = {5, 10, 8};
    size_t dnruns[3] = {2, 3, 1};
    mp_dt_index_run_t p0[2] = {{1, 1}, {3, 1}}, p1[3] = {{0, 2}, {4, 2}, {8, 2}}, p2 = {4, 4};
    const mp_dt_index_run_t *druns[3] = {p0, p1, &p2};
    assert_int_equal(mp_datatype_create_grid(3, dsizes, dnruns, druns, dt_float_int, &t), MP_OK);
    ref_t rfi = {0};
    ref_add(&rfi, 0, 8); /* float then int, no gap */
    rfi.extent = 8;
    rt = ref_grid(3, dsizes, dnruns, druns, &rfi, t->extent);
    assert_int_equal(t->nsegs, 1);
    check(t, &rt, 2);
    ref_free(&rt);
    mp_datatype_release(t);
    mp_datatype_release(v);
    ref_free(&rd);
    ref_free(&ri);
    ref_free(&rv);
    ref_free(&rfi);
}

/* A struct of two nested vectors and a pair type: a list of segments, each nested. */
static void test_struct_of_nested(void **state)
{
    (void)state;
    mp_datatype_t *col, *xpose, *v, *s;
    assert_int_equal(mp_datatype_create_hvector(5, 1, 40, dt_double, &col), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(5, 1, 8, col, &xpose), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(3, 2, 40, dt_int, &v), MP_OK);
    mp_datatype_t *vv;
    assert_int_equal(mp_datatype_create_hvector(4, 1, 200, v, &vv), MP_OK);
    const mp_datatype_t *types[3] = {xpose, dt_float_int, vv};
    size_t lens[3] = {2, 3, 1};
    ptrdiff_t disps[3] = {0, 500, 1000};
    assert_int_equal(mp_datatype_create_blocks(3, lens, disps, types, false, true, &s), MP_OK);
    ref_t rd = ref_basic(8);
    ref_t rc = ref_hvector(5, 1, 40, &rd, col->extent);
    ref_t rx = ref_hvector(5, 1, 8, &rc, xpose->extent);
    ref_t ri = ref_basic(4);
    ref_t rv = ref_hvector(3, 2, 40, &ri, v->extent);
    ref_t rvv = ref_hvector(4, 1, 200, &rv, vv->extent);
    ref_t rfi = {0};
    ref_add(&rfi, 0, 8);
    rfi.extent = 8;
    ref_t rs = {0};
    ref_block(&rs, &rx, 0, 2);
    ref_block(&rs, &rfi, 500, 3);
    ref_block(&rs, &rvv, 1000, 1);
    rs.extent = s->extent;
    assert_true(s->nsegs <= 4);
    check(s, &rs, 3);
    mp_datatype_t *list[] = {col, xpose, v, vv, s};
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        mp_datatype_release(list[i]);
    }
    ref_t *rlist[] = {&rd, &rc, &rx, &ri, &rv, &rvv, &rfi, &rs};
    for (size_t i = 0; i < sizeof(rlist) / sizeof(rlist[0]); i++) {
        ref_free(rlist[i]);
    }
}

/* An indexed type whose groups of blocks recur at a fixed distance (MPICH's indexperf: block
 * i at double i * 3 + i % 3) folds into one nested segment, plus the incomplete last group. */
static void test_indexed_recurring(void **state)
{
    (void)state;
    enum { N = 200 };
    size_t lens[N];
    ptrdiff_t disps[N];
    ref_t rd = ref_basic(8);
    ref_t r = {0};
    for (size_t i = 0; i < N; i++) {
        lens[i] = 1;
        disps[i] = (ptrdiff_t)(i * 3 + i % 3) * 8;
        ref_block(&r, &rd, disps[i], 1);
    }
    const mp_datatype_t *types[1] = {dt_double};
    mp_datatype_t *t;
    assert_int_equal(mp_datatype_create_blocks(N, lens, disps, types, true, false, &t), MP_OK);
    assert_int_equal(t->nsegs, 2);
    assert_int_equal(t->segs[0].nouter, 1);
    assert_int_equal(mp_dt_seg_blocks(&t->segs[0]), 198);
    r.extent = t->extent;
    check(t, &r, 3);
    mp_datatype_release(t);
    ref_free(&rd);
    ref_free(&r);
}

/* Types deeper than a segment's levels are expanded into several segments, and still pack. */
static void test_deeper_than_levels(void **state)
{
    (void)state;
    mp_datatype_t *t[7];
    ref_t r[7];
    r[0] = ref_basic(4);
    const mp_datatype_t *old = dt_int;
    for (int i = 1; i < 7; i++) {
        ptrdiff_t stride = old->extent + 4 + 8 * i;
        assert_int_equal(mp_datatype_create_hvector(2 + (size_t)(i % 2), 1, stride, old, &t[i]),
                         MP_OK);
        r[i] = ref_hvector(2 + (size_t)(i % 2), 1, stride, &r[i - 1], t[i]->extent);
        old = t[i];
    }
    assert_true(t[6]->nsegs > 1);
    check(t[6], &r[6], 2);
    for (int i = 1; i < 7; i++) {
        mp_datatype_release(t[i]);
    }
    for (int i = 0; i < 7; i++) {
        ref_free(&r[i]);
    }
}

/* The memory of hvector(n, 1, 8, vector(n, 1, n, double)) does not depend on n. */
static void test_memory_independent_of_count(void **state)
{
    (void)state;
    size_t n_of[2] = {10, 100000};
    size_t nsegs[2], nruns[2];
    for (int i = 0; i < 2; i++) {
        size_t n = n_of[i];
        mp_datatype_t *col, *xpose;
        assert_int_equal(mp_datatype_create_hvector(n, 1, (ptrdiff_t)(n * 8), dt_double, &col),
                         MP_OK);
        assert_int_equal(mp_datatype_create_hvector(n, 1, 8, col, &xpose), MP_OK);
        nsegs[i] = xpose->nsegs;
        nruns[i] = xpose->nruns;
        assert_int_equal(xpose->size, n * n * 8);
        assert_int_equal(mp_datatype_elements(xpose, n * n * 8), (long long)(n * n));
        /* The last byte of the stream is element (n - 1, n - 1), found without a walk. */
        if (n <= 1000) {
            double *m = calloc(n * n, sizeof(*m));
            assert_non_null(m);
            m[n * n - 1] = 2.5;
            double last = 0;
            mp_datatype_pack(xpose, 1, m, n * n * 8 - 8, &last, 8);
            assert_true(last == 2.5);
            free(m);
        }
        mp_datatype_release(col);
        mp_datatype_release(xpose);
    }
    assert_int_equal(nsegs[0], 1);
    assert_int_equal(nsegs[1], nsegs[0]);
    assert_int_equal(nruns[1], nruns[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transpose),
        cmocka_unit_test(test_contiguous_resized_negative),
        cmocka_unit_test(test_subarray_darray),
        cmocka_unit_test(test_struct_of_nested),
        cmocka_unit_test(test_indexed_recurring),
        cmocka_unit_test(test_deeper_than_levels),
        cmocka_unit_test(test_memory_independent_of_count),
    };
    return cmocka_run_group_tests_name("datatype_nested", tests, setup, NULL);
}
