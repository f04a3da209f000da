/*
 * Unit tests of datatype flattening and packing: nested derived types (struct of vector of
 * indexed), resized, subarray grids, negative strides, checked against hand-computed byte
 * layouts, packed and unpacked whole and in fragments at every offset; bounds, true bounds,
 * segment merging, basic element counts and references.
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

static const mp_datatype_t *dt_char, *dt_int, *dt_double, *dt_double_int;

static int setup(void **state)
{
    (void)state;
    dt_char = mp_datatype_predefined((uintptr_t)MPI_CHAR);
    dt_int = mp_datatype_predefined((uintptr_t)MPI_INT);
    dt_double = mp_datatype_predefined((uintptr_t)MPI_DOUBLE);
    dt_double_int = mp_datatype_predefined((uintptr_t)MPI_DOUBLE_INT);
    return dt_char != NULL && dt_int != NULL && dt_double != NULL && dt_double_int != NULL ? 0 : -1;
}

/* A layout: the byte offsets of one element's data, in type map order, from runs {off, len}. */
typedef struct layout {
    ptrdiff_t offs[256];
    size_t n;
} layout_t;

static void add_run(layout_t *l, ptrdiff_t off, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        l->offs[l->n++] = off + (ptrdiff_t)i;
    }
}

/* Packs and unpacks count elements of dt, whole and in fragments of several lengths at every
 * offset, against the layout: the packed byte k of element e is the byte at e * extent +
 * offs[k]; unpacking writes exactly those bytes. base_off places the origin inside the buffer
 * (for negative displacements). */
static void check_pack(const mp_datatype_t *dt, const layout_t *l, size_t count, size_t base_off)
{
    size_t span = base_off + count * (size_t)(dt->extent > 0 ? dt->extent : -dt->extent) + 512;
    unsigned char *mem = malloc(span);
    unsigned char *dst = malloc(span);
    size_t total = l->n * count;
    unsigned char *want = malloc(total + 1);
    unsigned char *out = malloc(total + 1);
    assert_int_equal(mp_datatype_bytes(dt, count), total);
    for (size_t i = 0; i < span; i++) {
        mem[i] = (unsigned char)(rand() & 0xff);
    }
    char *origin = (char *)mem + base_off;
    for (size_t e = 0; e < count; e++) {
        for (size_t k = 0; k < l->n; k++) {
            want[e * l->n + k] = (unsigned char)origin[(ptrdiff_t)e * dt->extent + l->offs[k]];
        }
    }
    mp_datatype_pack(dt, count, origin, 0, out, total);
    assert_memory_equal(out, want, total);
    static const size_t lens[] = {1, 2, 3, 5, 8, 13, 100};
    for (size_t off = 0; off < total; off++) {
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            size_t len = lens[i] < total - off ? lens[i] : total - off;
            memset(out, 0, len);
            mp_datatype_pack(dt, count, origin, off, out, len);
            assert_memory_equal(out, want + off, len);
        }
    }
    /* Unpack in uneven fragments: only the type map's bytes change. */
    for (size_t step = 1; step <= 7; step += 3) {
        memset(dst, 0x5a, span);
        char *dorigin = (char *)dst + base_off;
        for (size_t off = 0; off < total; off += step) {
            size_t len = step < total - off ? step : total - off;
            mp_datatype_unpack(dt, count, dorigin, off, want + off, len);
        }
        unsigned char *expect = malloc(span);
        memset(expect, 0x5a, span);
        for (size_t e = 0; e < count; e++) {
            for (size_t k = 0; k < l->n; k++) {
                size_t at = base_off + (size_t)((ptrdiff_t)e * dt->extent + l->offs[k]);
                expect[at] = want[e * l->n + k];
            }
        }
        assert_memory_equal(dst, expect, span);
        free(expect);
    }
    free(mem);
    free(dst);
    free(want);
    free(out);
}

static void test_pair_type(void **state)
{
    (void)state;
    const mp_datatype_t *t = dt_double_int;
    assert_false(t->contiguous);
    assert_int_equal(t->size, 12);
    assert_int_equal(t->extent, 16);
    assert_int_equal(t->true_extent, 12);
    layout_t l = {0};
    add_run(&l, 0, 8);
    add_run(&l, 8, 4);
    check_pack(t, &l, 3, 0);
    assert_int_equal(mp_datatype_elements(t, 12), 2);
    assert_int_equal(mp_datatype_elements(t, 8), 1);
    assert_int_equal(mp_datatype_elements(t, 10), -1);
    assert_int_equal(mp_datatype_elements(t, 36), 6);
    assert_int_equal(mp_datatype_elements_bytes(t, 3), 20);
    assert_ptr_equal(t->elem_type, t);
}

/* struct { char at 0; vector(2, 1, 40 bytes) of indexed({2, 1} ints at {0, 4}) at 8 }. */
static void test_nested_struct_vector_indexed(void **state)
{
    (void)state;
    mp_datatype_t *idx, *vec, *st;
    size_t bl[2] = {2, 1};
    ptrdiff_t disp[2] = {0, 16};
    assert_int_equal(mp_datatype_create_blocks(2, bl, disp, &dt_int, true, false, &idx), MP_OK);
    assert_int_equal(idx->size, 12);
    assert_int_equal(idx->lb, 0);
    assert_int_equal(idx->extent, 20);
    assert_ptr_equal(idx->elem_type, dt_int);
    assert_int_equal(idx->nsegs, 2);

    const mp_datatype_t *old = idx;
    assert_int_equal(mp_datatype_create_hvector(2, 1, 40, old, &vec), MP_OK);
    assert_int_equal(vec->size, 24);
    assert_int_equal(vec->extent, 60);
    assert_ptr_equal(vec->elem_type, dt_int);

    const mp_datatype_t *types[2] = {dt_char, vec};
    size_t sbl[2] = {1, 1};
    ptrdiff_t sdisp[2] = {0, 8};
    assert_int_equal(mp_datatype_create_blocks(2, sbl, sdisp, types, false, true, &st), MP_OK);
    assert_int_equal(st->size, 25);
    assert_int_equal(st->lb, 0);
    assert_int_equal(st->extent, 68); /* 8 + 60, already a multiple of int's alignment */
    assert_int_equal(st->true_lb, 0);
    assert_int_equal(st->true_extent, 68);
    assert_null(st->elem_type);
    assert_false(st->contiguous);

    layout_t l = {0};
    add_run(&l, 0, 1);
    add_run(&l, 8, 8);
    add_run(&l, 24, 4);
    add_run(&l, 48, 8);
    add_run(&l, 64, 4);
    check_pack(st, &l, 3, 0);

    /* Basic elements: a char, then 6 ints, per element. */
    assert_int_equal(mp_datatype_elements(st, 25), 7);
    assert_int_equal(mp_datatype_elements(st, 5), 2);
    assert_int_equal(mp_datatype_elements(st, 3), -1);
    assert_int_equal(mp_datatype_elements(st, 50 + 9), 17);
    assert_int_equal(mp_datatype_elements_bytes(st, 17), 59);
    assert_int_equal(mp_datatype_elements_bytes(st, 16), 55);
    mp_datatype_release(st);
    mp_datatype_release(vec);
    mp_datatype_release(idx);
}

static void test_struct_padding(void **state)
{
    (void)state;
    const mp_datatype_t *types[2] = {dt_double, dt_char};
    size_t bl[2] = {1, 1};
    ptrdiff_t disp[2] = {0, 8};
    mp_datatype_t *st, *rs, *st2;
    assert_int_equal(mp_datatype_create_blocks(2, bl, disp, types, false, true, &st), MP_OK);
    assert_int_equal(st->size, 9);
    assert_int_equal(st->extent, 16); /* like sizeof(struct { double d; char c; }) */
    assert_int_equal(st->true_extent, 9);
    /* An explicitly resized member turns the padding off, as MPICH does. */
    assert_int_equal(mp_datatype_create_resized(dt_double, 0, 8, &rs), MP_OK);
    types[0] = rs;
    assert_int_equal(mp_datatype_create_blocks(2, bl, disp, types, false, true, &st2), MP_OK);
    assert_int_equal(st2->extent, 9);
    mp_datatype_release(st);
    mp_datatype_release(st2);
    mp_datatype_release(rs);
}

static void test_resized(void **state)
{
    (void)state;
    mp_datatype_t *t;
    assert_int_equal(mp_datatype_create_resized(dt_int, -4, 12, &t), MP_OK);
    assert_int_equal(t->lb, -4);
    assert_int_equal(t->extent, 12);
    assert_int_equal(t->true_lb, 0);
    assert_int_equal(t->true_extent, 4);
    assert_false(t->contiguous);
    layout_t l = {0};
    add_run(&l, 0, 4);
    check_pack(t, &l, 5, 8);
    mp_datatype_release(t);
    /* Every other byte: one 1-byte block per element, packed as one strided run. */
    assert_int_equal(mp_datatype_create_resized(dt_char, 0, 2, &t), MP_OK);
    layout_t bytes = {0};
    add_run(&bytes, 0, 1);
    check_pack(t, &bytes, 300, 0);
    mp_datatype_release(t);
}

/* A vector is one strided segment however long; contiguous data is one block. */
static void test_merging(void **state)
{
    (void)state;
    mp_datatype_t *v, *c, *cv;
    assert_int_equal(mp_datatype_create_hvector(1000, 1, 16, dt_double, &v), MP_OK);
    assert_int_equal(v->nsegs, 1);
    assert_int_equal(v->segs[0].count, 1000);
    assert_int_equal(v->segs[0].stride, 16);
    assert_int_equal(v->extent, 999 * 16 + 8);
    assert_false(v->contiguous);
    layout_t l = {0};
    for (int i = 0; i < 30; i++) {
        add_run(&l, 16 * i, 8);
    }
    mp_datatype_t *v30;
    assert_int_equal(mp_datatype_create_hvector(30, 1, 16, dt_double, &v30), MP_OK);
    check_pack(v30, &l, 2, 0);

    assert_int_equal(mp_datatype_create_hvector(1, 1000, 0, dt_int, &c), MP_OK);
    assert_true(c->contiguous);
    assert_int_equal(c->nsegs, 1);
    assert_int_equal(c->segs[0].len, 4000);
    /* Blocks of 2 doubles back to back, and a vector of contiguous blocks. */
    assert_int_equal(mp_datatype_create_hvector(10, 2, 16, dt_double, &cv), MP_OK);
    assert_true(cv->contiguous);
    assert_int_equal(cv->run_reps * cv->runs[0].bytes, 160);
    assert_int_equal(mp_datatype_elements(cv, 160), 20);
    mp_datatype_release(v);
    mp_datatype_release(v30);
    mp_datatype_release(c);
    mp_datatype_release(cv);
}

static void test_negative_stride(void **state)
{
    (void)state;
    mp_datatype_t *t;
    assert_int_equal(mp_datatype_create_hvector(3, 1, -8, dt_int, &t), MP_OK);
    assert_int_equal(t->lb, -16);
    assert_int_equal(t->extent, 20);
    assert_int_equal(t->true_lb, -16);
    layout_t l = {0};
    add_run(&l, 0, 4);
    add_run(&l, -8, 4);
    add_run(&l, -16, 4);
    check_pack(t, &l, 4, 64);
    mp_datatype_release(t);
}

/* The 2x3 block at (1, 1) of a 4x5 array of ints (C order), and a 3-D one. */
static void test_grid(void **state)
{
    (void)state;
    size_t sizes[2] = {4, 5};
    size_t nruns[2] = {1, 1};
    mp_dt_index_run_t r0 = {1, 2}, r1 = {1, 3};
    const mp_dt_index_run_t *runs[2] = {&r0, &r1};
    mp_datatype_t *t;
    assert_int_equal(mp_datatype_create_grid(2, sizes, nruns, runs, dt_int, &t), MP_OK);
    assert_int_equal(t->size, 24);
    assert_int_equal(t->lb, 0);
    assert_int_equal(t->extent, 80);
    assert_int_equal(t->true_lb, 24);
    assert_int_equal(t->true_extent, 32);
    assert_int_equal(t->nsegs, 1);
    layout_t l = {0};
    add_run(&l, 24, 12);
    add_run(&l, 44, 12);
    check_pack(t, &l, 2, 0);
    mp_datatype_release(t);

    /* 3x4x5 doubles, indices {0,2} x {1..2} x {3..4}: two cyclic-like runs in dimension 0. */
    size_t s3[3] = {3, 4, 5};
    size_t n3[3] = {2, 1, 1};
    mp_dt_index_run_t d0[2] = {{0, 1}, {2, 1}}, d1 = {1, 2}, d2 = {3, 2};
    const mp_dt_index_run_t *runs3[3] = {d0, &d1, &d2};
    assert_int_equal(mp_datatype_create_grid(3, s3, n3, runs3, dt_double, &t), MP_OK);
    layout_t l3 = {0};
    for (int i = 0; i <= 2; i += 2) {
        for (int j = 1; j <= 2; j++) {
            add_run(&l3, ((i * 4 + j) * 5 + 3) * 8, 16);
        }
    }
    assert_int_equal(t->size, 64);
    assert_int_equal(t->extent, 60 * 8);
    check_pack(t, &l3, 2, 0);
    mp_datatype_release(t);
}

/* A type lives while anything holds it; dup keeps the layout and the committed state. */
static void test_references_and_dup(void **state)
{
    (void)state;
    mp_datatype_t *v, *d;
    assert_int_equal(mp_datatype_create_hvector(4, 2, 32, dt_int, &v), MP_OK);
    v->committed = true;
    mp_datatype_retain(v);
    assert_int_equal(v->refs, 2);
    assert_int_equal(mp_datatype_create_dup(v, &d), MP_OK);
    assert_true(d->committed);
    assert_int_equal(d->extent, v->extent);
    assert_int_equal(d->nsegs, v->nsegs);
    mp_dt_contents_t c = {.combiner = MPI_COMBINER_DUP, .ntypes = 1, .types = &v};
    assert_int_equal(mp_datatype_set_contents(d, &c), MP_OK);
    assert_int_equal(v->refs, 3);
    mp_datatype_release(v);
    mp_datatype_release(v);
    assert_int_equal(v->refs, 1); /* held by d's contents */
    mp_datatype_release(d);       /* frees d, then v (LeakSanitizer checks) */
    /* Predefined types are not counted. */
    mp_datatype_retain(dt_int);
    mp_datatype_release(dt_int);
    assert_int_equal(dt_int->magic, MP_DATATYPE_MAGIC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pair_type),      cmocka_unit_test(test_nested_struct_vector_indexed),
        cmocka_unit_test(test_struct_padding), cmocka_unit_test(test_resized),
        cmocka_unit_test(test_merging),        cmocka_unit_test(test_negative_stride),
        cmocka_unit_test(test_grid),           cmocka_unit_test(test_references_and_dup),
    };
    return cmocka_run_group_tests_name("datatype", tests, setup, NULL);
}
