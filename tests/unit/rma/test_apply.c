/*
 * Unit tests of libmp/rma/apply.c: parsing of one-sided request messages (malformed ones are
 * refused before any byte reaches memory) and applying put, accumulate, get, get-accumulate and
 * compare-and-swap to window memory, strided target types, and the range checks (a window,
 * regions of a dynamic window).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "rma/rma_internal.h"

/* A request message under construction: header, segments, inline data. */
typedef struct msg {
    unsigned char buf[1024];
    size_t len;
} msg_t;

static mp_rma_hdr_t *msg_start(msg_t *m, mp_rma_msg_t type, uint64_t disp, uint64_t tcount,
                               int64_t textent, uint64_t tsize)
{
    memset(m, 0, sizeof(*m));
    mp_rma_hdr_t *h = (mp_rma_hdr_t *)m->buf;
    h->magic = MP_RMA_WIRE_MAGIC;
    h->type = (uint8_t)type;
    h->inlined = 1;
    h->disp = disp;
    h->tcount = tcount;
    h->textent = textent;
    h->tsize = tsize;
    h->elem = (uint64_t)(uintptr_t)MPI_INT;
    h->op = (uint64_t)(uintptr_t)MPI_SUM;
    m->len = sizeof(*h);
    return h;
}

static void msg_seg(msg_t *m, int64_t disp, uint64_t len, uint64_t count, int64_t stride)
{
    mp_rma_hdr_t *h = (mp_rma_hdr_t *)m->buf;
    mp_rma_wseg_t s = {disp, len, count, stride};
    memcpy(m->buf + m->len, &s, sizeof(s));
    m->len += sizeof(s);
    h->nsegs++;
}

static void msg_data(msg_t *m, const void *data, size_t len)
{
    mp_rma_hdr_t *h = (mp_rma_hdr_t *)m->buf;
    memcpy(m->buf + m->len, data, len);
    m->len += len;
    h->bytes += len;
}

static bool run(msg_t *m, const mp_rma_mem_t *mem, void *out)
{
    mp_rma_view_t v;
    if (!mp_rma_view_parse(m->buf, m->len, NULL, &v)) {
        return false;
    }
    return mp_rma_apply(mem, &v, out);
}

static void test_put_contiguous_and_strided(void **state)
{
    (void)state;
    int win[16] = {0};
    mp_rma_mem_t mem = {(uintptr_t)win, sizeof(win), NULL, false};
    int data[4] = {1, 2, 3, 4};
    msg_t m;
    msg_start(&m, MP_RMA_MSG_PUT, 2 * sizeof(int), 1, 16, 16);
    msg_seg(&m, 0, 16, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_true(run(&m, &mem, NULL));
    assert_int_equal(win[1], 0);
    assert_int_equal(win[2], 1);
    assert_int_equal(win[5], 4);
    assert_int_equal(win[6], 0);
    /* Two elements of a strided type: 2 blocks of one int, 2 ints apart; extent 5 ints. */
    memset(win, 0, sizeof(win));
    msg_start(&m, MP_RMA_MSG_PUT, 0, 2, 5 * sizeof(int), 2 * sizeof(int));
    msg_seg(&m, 0, sizeof(int), 2, 2 * sizeof(int));
    msg_data(&m, data, sizeof(data));
    assert_true(run(&m, &mem, NULL));
    int want[8] = {1, 0, 2, 0, 0, 3, 0, 4};
    assert_memory_equal(win, want, sizeof(want));
}

static void test_accumulate_get_cas(void **state)
{
    (void)state;
    int win[8] = {10, 20, 30, 40, 50, 60, 70, 80};
    mp_rma_mem_t mem = {(uintptr_t)win, sizeof(win), NULL, false};
    int add[3] = {1, 2, 3};
    msg_t m;
    msg_start(&m, MP_RMA_MSG_ACC, sizeof(int), 1, 12, 12);
    msg_seg(&m, 0, 12, 1, 0);
    msg_data(&m, add, sizeof(add));
    assert_true(run(&m, &mem, NULL));
    assert_int_equal(win[0], 10);
    assert_int_equal(win[1], 21);
    assert_int_equal(win[3], 43);
    /* Get every other int from index 4: 50, 70. */
    int out[4] = {0};
    msg_start(&m, MP_RMA_MSG_GET, 4 * sizeof(int), 1, 16, 8);
    msg_seg(&m, 0, sizeof(int), 2, 2 * sizeof(int));
    assert_int_equal(mp_rma_fetch_bytes((mp_rma_hdr_t *)m.buf), 8);
    assert_true(run(&m, &mem, out));
    assert_int_equal(out[0], 50);
    assert_int_equal(out[1], 70);
    /* Get-accumulate with MPI_MAX: the old values come back, the larger ones stay. */
    int cand[2] = {5, 99};
    mp_rma_hdr_t *h = msg_start(&m, MP_RMA_MSG_GACC, 0, 1, 8, 8);
    h->op = (uint64_t)(uintptr_t)MPI_MAX;
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, cand, sizeof(cand));
    assert_true(run(&m, &mem, out));
    assert_int_equal(out[0], 10);
    assert_int_equal(out[1], 21);
    assert_int_equal(win[0], 10);
    assert_int_equal(win[1], 99);
    /* Compare-and-swap: swaps only on a match, returns the old value either way. */
    int swap[2] = {7, 10}; /* new value, compared value */
    msg_start(&m, MP_RMA_MSG_CAS, 0, 1, 4, 4);
    msg_seg(&m, 0, 4, 1, 0);
    msg_data(&m, swap, sizeof(swap));
    assert_true(run(&m, &mem, out));
    assert_int_equal(out[0], 10);
    assert_int_equal(win[0], 7);
    assert_true(run(&m, &mem, out)); /* 7 is not 10 now */
    assert_int_equal(out[0], 7);
    assert_int_equal(win[0], 7);
}

static void test_ranges(void **state)
{
    (void)state;
    int win[4] = {0};
    mp_rma_mem_t mem = {(uintptr_t)win, sizeof(win), NULL, false};
    int data[2] = {1, 2};
    msg_t m;
    msg_start(&m, MP_RMA_MSG_PUT, 3 * sizeof(int), 1, 8, 8); /* one int past the end */
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_false(run(&m, &mem, NULL));
    assert_int_equal(win[3], 0);
    msg_start(&m, MP_RMA_MSG_PUT, 0, 1, 8, 8); /* a negative displacement in the type */
    msg_seg(&m, -4, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_false(run(&m, &mem, NULL));
    /* Dynamic: two regions with an int between them that is not attached (one array, so that
     * the gap is sure); inside one is fine, across the gap is not. */
    int g[9] = {0};
    int *a = g, *b = g + 5;
    mp_win_region_t rb = {NULL, (uintptr_t)b, 4 * sizeof(int)};
    mp_win_region_t ra = {&rb, (uintptr_t)a, 4 * sizeof(int)};
    mp_rma_mem_t dyn = {0, 0, &ra, true};
    msg_start(&m, MP_RMA_MSG_PUT, (uint64_t)(uintptr_t)&b[2], 1, 8, 8);
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_true(run(&m, &dyn, NULL));
    assert_int_equal(b[3], 2);
    msg_start(&m, MP_RMA_MSG_PUT, (uint64_t)(uintptr_t)&a[3], 1, 8, 8);
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_false(run(&m, &dyn, NULL));
    assert_int_equal(a[3], 0);
    assert_int_equal(g[4], 0);
    /* Two halves of one array attached next to each other: an access across the seam is in
     * attached memory; one that runs past the second half is not. */
    int c[6] = {0};
    mp_win_region_t c2 = {NULL, (uintptr_t)&c[3], 3 * sizeof(int)};
    mp_win_region_t c1 = {&c2, (uintptr_t)c, 3 * sizeof(int)};
    mp_rma_mem_t seam = {0, 0, &c1, true};
    int four[4] = {5, 6, 7, 8};
    msg_start(&m, MP_RMA_MSG_PUT, (uint64_t)(uintptr_t)&c[1], 1, 16, 16);
    msg_seg(&m, 0, 16, 1, 0);
    msg_data(&m, four, sizeof(four));
    assert_true(run(&m, &seam, NULL));
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 5);
    assert_int_equal(c[4], 8);
    assert_int_equal(c[5], 0);
    msg_start(&m, MP_RMA_MSG_PUT, (uint64_t)(uintptr_t)&c[3], 1, 16, 16);
    msg_seg(&m, 0, 16, 1, 0);
    msg_data(&m, four, sizeof(four));
    assert_false(run(&m, &seam, NULL));
    assert_int_equal(c[3], 7);
}

static void test_malformed(void **state)
{
    (void)state;
    mp_rma_view_t v;
    msg_t m;
    int data[2] = {1, 2};
    msg_start(&m, MP_RMA_MSG_PUT, 0, 1, 8, 8);
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_true(mp_rma_view_parse(m.buf, m.len, NULL, &v));
    assert_false(mp_rma_view_parse(m.buf, sizeof(mp_rma_hdr_t) - 1, NULL, &v)); /* short */
    assert_false(mp_rma_view_parse(m.buf, m.len - 1, NULL, &v));                /* data cut */
    mp_rma_hdr_t *h = (mp_rma_hdr_t *)m.buf;
    h->nsegs = 1u << 30; /* more segments than bytes */
    assert_false(mp_rma_view_parse(m.buf, m.len, NULL, &v));
    h->nsegs = 1;
    h->magic ^= 1; /* another version */
    assert_false(mp_rma_view_parse(m.buf, m.len, NULL, &v));
    h->magic ^= 1;
    h->bytes = 1000; /* more data than came */
    assert_false(mp_rma_view_parse(m.buf, m.len, NULL, &v));
    /* An unknown op or basic type is refused, memory untouched. */
    int win[2] = {0};
    mp_rma_mem_t mem = {(uintptr_t)win, sizeof(win), NULL, false};
    h = msg_start(&m, MP_RMA_MSG_ACC, 0, 1, 8, 8);
    h->op = 12345;
    msg_seg(&m, 0, 8, 1, 0);
    msg_data(&m, data, sizeof(data));
    assert_false(run(&m, &mem, NULL));
    assert_int_equal(win[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_contiguous_and_strided),
        cmocka_unit_test(test_accumulate_get_cas),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
