/*
 * Unit tests of the point-to-point protocols through the self transport: eager and rendezvous
 * (single copy, and CTS/DATA for non-contiguous data), matching order with wildcards,
 * truncation, probe, mprobe and cancel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/runtime.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"
#include "pt2pt/pt2pt_internal.h"
#include "transport/transport.h"
#include "wireup/procs.h"

/* The runtime and the shm and tcp transports are not part of this test: one rank, self only. */
mp_runtime_t mp_runtime = {.rank = 0};
const mp_tl_ops_t mp_tl_shm_ops = {.name = "unused"};
const mp_tl_ops_t mp_tl_tcp_ops = {.name = "unused"};

/* Nor are other jobs' processes (wireup/procs.h). */
mp_status_t mp_wireup_commit(void)
{
    return MP_OK;
}

void mp_wireup_procs_on_new(mp_wireup_proc_fn fn)
{
    (void)fn;
}

static mp_comm_t comm;
static const mp_datatype_t *byte_t, *int_t, *double_int_t;

static int setup(void **state)
{
    (void)state;
    static int local_ranks[1] = {0};
    mp_wireup_info_t info = {
        .rank = 0, .size = 1, .local_rank = 0, .local_size = 1, .local_ranks = local_ranks};
    setenv("MP_EAGER_LIMIT", "1024", 1);
    assert_int_equal(mp_pt2pt_setup(&info), MP_OK);
    assert_int_equal(mp_pt2pt_init(&info), MP_OK);
    comm = (mp_comm_t){.rank = 0, .size = 1, .context_id = 0};
    byte_t = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    int_t = mp_datatype_predefined((uintptr_t)MPI_INT);
    double_int_t = mp_datatype_predefined((uintptr_t)MPI_DOUBLE_INT);
    assert_non_null(byte_t);
    assert_non_null(double_int_t);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mp_pt2pt_fini();
    return 0;
}

static void fill(unsigned char *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (unsigned char)(i * 31 + seed);
    }
}

/* Sends n bytes to self with tag and receives them; checks every byte and the status. */
static void roundtrip(size_t n, int tag, mp_send_mode_t mode)
{
    unsigned char *out = malloc(n + 1), *in = calloc(1, n + 1);
    fill(out, n, (unsigned)tag);
    mp_request_t *s, *r;
    assert_int_equal(mp_pt2pt_isend(out, n, byte_t, 0, tag, &comm, mode, &s), MP_OK);
    assert_int_equal(mp_pt2pt_irecv(in, n, byte_t, 0, tag, &comm, &r), MP_OK);
    mp_request_wait(r);
    mp_request_wait(s);
    assert_int_equal(r->status.error, MP_OK);
    assert_int_equal(r->status.bytes, n);
    assert_int_equal(r->status.source, 0);
    assert_int_equal(r->status.tag, tag);
    assert_memory_equal(in, out, n);
    mp_request_free(s);
    mp_request_free(r);
    free(out);
    free(in);
}

static void test_sizes_across_eager_and_rendezvous(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 7, 1023, 1024, 1025, 4096, 65536, 300001, 4u << 20};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        roundtrip(sizes[i], (int)i, MP_SEND_STANDARD);
        roundtrip(sizes[i], (int)i, MP_SEND_SYNC);
    }
}

static void test_receive_posted_first(void **state)
{
    (void)state;
    int out[2000], in[2000];
    for (int i = 0; i < 2000; i++) {
        out[i] = i * 7;
    }
    mp_request_t *s, *r;
    assert_int_equal(mp_pt2pt_irecv(in, 2000, int_t, MPI_ANY_SOURCE, MPI_ANY_TAG, &comm, &r),
                     MP_OK);
    assert_false(r->complete);
    assert_int_equal(mp_pt2pt_isend(out, 2000, int_t, 0, 42, &comm, MP_SEND_STANDARD, &s), MP_OK);
    mp_request_wait(r);
    mp_request_wait(s);
    assert_int_equal(r->status.tag, 42);
    assert_memory_equal(in, out, sizeof(out));
    mp_request_free(s);
    mp_request_free(r);
}

/* A pair type has a gap per element: the rendezvous must go through CTS and DATA. */
static void test_noncontiguous_rendezvous(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct {
        double v;
        int i;
    } out[N], in[N];
    memset(in, 0, sizeof(in));
    for (int k = 0; k < N; k++) {
        out[k].v = k * 0.5;
        out[k].i = -k;
    }
    mp_request_t *s, *r;
    assert_int_equal(mp_pt2pt_isend(out, N, double_int_t, 0, 3, &comm, MP_SEND_STANDARD, &s),
                     MP_OK);
    assert_int_equal(mp_pt2pt_irecv(in, N, double_int_t, 0, 3, &comm, &r), MP_OK);
    mp_request_wait(r);
    mp_request_wait(s);
    assert_int_equal(r->status.bytes, (size_t)N * 12);
    for (int k = 0; k < N; k++) {
        assert_true(in[k].v == k * 0.5 && in[k].i == -k);
    }
    mp_request_free(s);
    mp_request_free(r);
}

/* Messages with the same envelope match in the order sent, whatever their sizes. */
static void test_order_with_wildcards(void **state)
{
    (void)state;
    enum { M = 40 };
    static unsigned char bufs[M][3000];
    mp_request_t *s[M];
    for (int k = 0; k < M; k++) {
        size_t n = (size_t)(k * 71) % 3000;
        memset(bufs[k], k, sizeof(bufs[k]));
        assert_int_equal(
            mp_pt2pt_isend(bufs[k], n, byte_t, 0, k % 3, &comm, MP_SEND_STANDARD, &s[k]), MP_OK);
    }
    for (int k = 0; k < M; k++) {
        unsigned char in[3000];
        mp_request_t *r;
        assert_int_equal(mp_pt2pt_irecv(in, 3000, byte_t, MPI_ANY_SOURCE, MPI_ANY_TAG, &comm, &r),
                         MP_OK);
        mp_request_wait(r);
        assert_int_equal(r->status.tag, k % 3);
        assert_int_equal(r->status.bytes, (size_t)(k * 71) % 3000);
        for (size_t i = 0; i < r->status.bytes; i++) {
            assert_int_equal(in[i], k);
        }
        mp_request_free(r);
    }
    for (int k = 0; k < M; k++) {
        mp_request_wait(s[k]);
        mp_request_free(s[k]);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    unsigned char out[5000], in[100];
    fill(out, sizeof(out), 9);
    size_t sizes[] = {200, 5000}; /* eager, rendezvous */
    for (int k = 0; k < 2; k++) {
        mp_request_t *s, *r;
        assert_int_equal(mp_pt2pt_isend(out, sizes[k], byte_t, 0, 1, &comm, MP_SEND_STANDARD, &s),
                         MP_OK);
        assert_int_equal(mp_pt2pt_irecv(in, 100, byte_t, 0, 1, &comm, &r), MP_OK);
        mp_request_wait(r);
        mp_request_wait(s);
        assert_int_equal(r->status.error, MP_ERR_TRUNCATE);
        assert_int_equal(r->status.bytes, 100);
        assert_memory_equal(in, out, 100);
        mp_request_free(s);
        mp_request_free(r);
    }
    roundtrip(64, 5, MP_SEND_STANDARD); /* the next message is intact */
}

/* Large enough to be copied by both sides at once, and truncated: both parts stay inside the
 * receive buffer and the bytes past it are untouched. */
static void test_split_copy_truncated(void **state)
{
    (void)state;
    size_t n = 1u << 20, cap = 600000;
    unsigned char *out = malloc(n), *in = malloc(cap + 4096);
    fill(out, n, 3);
    memset(in, 0xee, cap + 4096);
    mp_request_t *s, *r;
    assert_int_equal(mp_pt2pt_isend(out, n, byte_t, 0, 2, &comm, MP_SEND_STANDARD, &s), MP_OK);
    assert_int_equal(mp_pt2pt_irecv(in, cap, byte_t, 0, 2, &comm, &r), MP_OK);
    mp_request_wait(r);
    mp_request_wait(s);
    assert_int_equal(r->status.error, MP_ERR_TRUNCATE);
    assert_int_equal(r->status.bytes, cap);
    assert_memory_equal(in, out, cap);
    for (size_t i = cap; i < cap + 4096; i++) {
        assert_int_equal(in[i], 0xee);
    }
    mp_request_free(s);
    mp_request_free(r);
    free(out);
    free(in);
}

static void test_probe_and_mprobe(void **state)
{
    (void)state;
    int v = 1234, got = 0;
    mp_msg_status_t st;
    assert_false(mp_pt2pt_iprobe(0, 8, &comm, &st));
    mp_request_t *s, *r;
    assert_int_equal(mp_pt2pt_isend(&v, 1, int_t, 0, 8, &comm, MP_SEND_STANDARD, &s), MP_OK);
    while (!mp_pt2pt_iprobe(0, 8, &comm, &st)) {
        mp_progress_poll();
    }
    assert_int_equal(st.bytes, sizeof(int));
    assert_int_equal(st.tag, 8);
    mp_message_t *msg;
    assert_int_equal(mp_pt2pt_improbe(MPI_ANY_SOURCE, 8, &comm, &msg, &st), MP_OK);
    assert_non_null(msg);
    /* Taken out of matching: no longer visible to probes. */
    assert_false(mp_pt2pt_iprobe(0, 8, &comm, &st));
    assert_int_equal(mp_pt2pt_imrecv(&got, 1, int_t, msg, &r), MP_OK);
    mp_request_wait(r);
    assert_int_equal(got, 1234);
    mp_request_wait(s);
    mp_request_free(s);
    mp_request_free(r);
}

static void test_cancel_receive(void **state)
{
    (void)state;
    int v = 77, got = 0;
    mp_request_t *r1, *r2, *s;
    assert_int_equal(mp_pt2pt_irecv(&got, 1, int_t, 0, 11, &comm, &r1), MP_OK);
    assert_true(mp_pt2pt_cancel(r1));
    assert_true(r1->complete);
    assert_true(r1->status.cancelled);
    assert_false(mp_pt2pt_cancel(r1));
    /* The message goes to the next receive. */
    assert_int_equal(mp_pt2pt_isend(&v, 1, int_t, 0, 11, &comm, MP_SEND_STANDARD, &s), MP_OK);
    assert_int_equal(mp_pt2pt_irecv(&got, 1, int_t, 0, 11, &comm, &r2), MP_OK);
    mp_request_wait(r2);
    assert_int_equal(got, 77);
    mp_request_wait(s);
    mp_request_free(r1);
    mp_request_free(r2);
    mp_request_free(s);
}

static void test_proc_null(void **state)
{
    (void)state;
    mp_request_t *r;
    assert_int_equal(mp_pt2pt_irecv(NULL, 0, byte_t, MPI_PROC_NULL, 0, &comm, &r), MP_OK);
    assert_true(r->complete);
    assert_int_equal(r->status.source, MPI_PROC_NULL);
    assert_int_equal(r->status.tag, MPI_ANY_TAG);
    assert_int_equal(r->status.bytes, 0);
    mp_request_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_across_eager_and_rendezvous),
        cmocka_unit_test(test_receive_posted_first),
        cmocka_unit_test(test_noncontiguous_rendezvous),
        cmocka_unit_test(test_order_with_wildcards),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_split_copy_truncated),
        cmocka_unit_test(test_probe_and_mprobe),
        cmocka_unit_test(test_cancel_receive),
        cmocka_unit_test(test_proc_null),
    };
    return cmocka_run_group_tests_name("pt2pt over self", tests, setup, teardown);
}
