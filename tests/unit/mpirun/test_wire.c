/*
 * Unit tests of the mpirun <-> daemon protocol: framing (whole, split, foreign, oversized),
 * field decoding past the end, the job description round trip and its checks, the proofs of
 * the secret and the secret's text form, the parent daemon's address (IPv4 or IPv6) and its
 * checks.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mpirun/wire.h"

static char err[256];

static void test_frame_round_trip(void **state)
{
    (void)state;
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_begin(&buf, MPIRUN_WIRE_OUTPUT);
    mpirun_wire_put_u32(&buf, 7);
    mpirun_wire_put_u32(&buf, 2);
    mpirun_wire_put_bytes(&buf, "line\n", 5);
    mpirun_wire_end(&buf);
    mpirun_wire_begin(&buf, MPIRUN_WIRE_SIGNAL);
    mpirun_wire_put_u32(&buf, 15);
    mpirun_wire_end(&buf);
    assert_false(buf.oom);

    uint16_t type;
    const uint8_t *payload;
    size_t plen, flen;
    /* Every prefix shorter than the first frame asks for more bytes. */
    size_t first = MPIRUN_WIRE_HEADER_LEN + 4 + 4 + 4 + 5;
    for (size_t n = 0; n < first; n++) {
        assert_int_equal(
            mpirun_wire_frame(buf.data, n, 1024, &type, &payload, &plen, &flen, err, sizeof(err)),
            0);
    }
    assert_int_equal(
        mpirun_wire_frame(buf.data, buf.len, 1024, &type, &payload, &plen, &flen, err, sizeof(err)),
        1);
    assert_int_equal(type, MPIRUN_WIRE_OUTPUT);
    assert_int_equal(flen, first);
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, plen);
    assert_int_equal(mpirun_wire_get_u32(&rd), 7);
    assert_int_equal(mpirun_wire_get_u32(&rd), 2);
    size_t n;
    const uint8_t *bytes = mpirun_wire_get_bytes(&rd, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(bytes, "line\n", 5);
    assert_true(mpirun_wire_reader_done(&rd));

    assert_int_equal(mpirun_wire_frame(buf.data + flen, buf.len - flen, 1024, &type, &payload,
                                       &plen, &flen, err, sizeof(err)),
                     1);
    assert_int_equal(type, MPIRUN_WIRE_SIGNAL);
    assert_int_equal(plen, 4);
    mpirun_wire_buf_fini(&buf);
}

static void test_frame_rejects_strangers(void **state)
{
    (void)state;
    uint16_t type;
    const uint8_t *payload;
    size_t plen, flen;
    const uint8_t http[] = "GET / HTTP/1.0\r\n";
    assert_int_equal(
        mpirun_wire_frame(http, 4, 1024, &type, &payload, &plen, &flen, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not an mpirun daemon message"));

    mpirun_wire_buf_t buf = {0};
    mpirun_wire_begin(&buf, MPIRUN_WIRE_HELLO);
    mpirun_wire_put_raw(&buf, http, 16);
    mpirun_wire_end(&buf);
    /* Too long for what this end accepts. */
    assert_int_equal(
        mpirun_wire_frame(buf.data, buf.len, 8, &type, &payload, &plen, &flen, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "16 bytes"));
    /* Another protocol version. */
    buf.data[5] = 99;
    assert_int_equal(
        mpirun_wire_frame(buf.data, buf.len, 1024, &type, &payload, &plen, &flen, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "version 99"));
    mpirun_wire_buf_fini(&buf);
}

static void test_reader_past_end(void **state)
{
    (void)state;
    const uint8_t data[] = {0, 0, 0, 9, 'a', 'b'}; /* a string claiming 9 bytes, with 2 */
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, data, sizeof(data));
    assert_null(mpirun_wire_get_str(&rd));
    assert_true(rd.bad);
    assert_int_equal(mpirun_wire_get_u32(&rd), 0);
    assert_false(mpirun_wire_reader_done(&rd));

    const uint8_t nul[] = {0, 0, 0, 3, 'a', 0, 'b'};
    mpirun_wire_reader_init(&rd, nul, sizeof(nul));
    assert_null(mpirun_wire_get_str(&rd)); /* a NUL inside a string is refused */
    assert_true(rd.bad);
}

static mpirun_wire_job_t sample_job(void)
{
    static char *hosts[] = {"nodeA", "nodeB"};
    static int host_of_rank[] = {0, 0, 1};
    static char *argv[] = {"./prog", "--flag", "", NULL};
    static char *argv2[] = {"worker", NULL};
    static char *env[] = {"OMP_NUM_THREADS=2", NULL};
    static char *env2[] = {"OMP_NUM_THREADS=2", "ROLE=worker", NULL};
    static mpirun_wire_app_t apps[] = {
        {.argc = 3, .argv = argv, .nenv = 1, .env = env, .wdir = "", .path = ""},
        {.argc = 1,
         .argv = argv2,
         .nenv = 2,
         .env = env2,
         .wdir = "/tmp/w",
         .path = "/opt/b:/home/u/bin"},
    };
    static int app_of_rank[] = {0, 1, 1};
    return (mpirun_wire_job_t){
        .nspace = "libmp.x.1",
        .np = 3,
        .nhosts = 2,
        .hosts = hosts,
        .host_of_rank = host_of_rank,
        .map_by = 4,
        .bind_to = 2,
        .report_bindings = true,
        .napps = 2,
        .apps = apps,
        .app_of_rank = app_of_rank,
        .nenv = 1,
        .env = env,
        .wdir = "/tmp/run",
        .wdir_given = true,
    };
}

static void test_job_round_trip(void **state)
{
    (void)state;
    mpirun_wire_job_t in = sample_job(), out;
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_job(&buf, &in);
    uint16_t type;
    const uint8_t *payload;
    size_t plen, flen;
    assert_int_equal(mpirun_wire_frame(buf.data, buf.len, MPIRUN_WIRE_MAX_PAYLOAD, &type, &payload,
                                       &plen, &flen, err, sizeof(err)),
                     1);
    assert_int_equal(type, MPIRUN_WIRE_JOB);
    assert_int_equal(mpirun_wire_get_job(payload, plen, &out, err, sizeof(err)), 0);
    assert_string_equal(out.nspace, "libmp.x.1");
    assert_int_equal(out.np, 3);
    assert_int_equal(out.nhosts, 2);
    assert_string_equal(out.hosts[1], "nodeB");
    assert_int_equal(out.host_of_rank[2], 1);
    assert_int_equal(out.map_by, 4);
    assert_int_equal(out.bind_to, 2);
    assert_true(out.report_bindings);
    assert_int_equal(out.napps, 2);
    assert_int_equal(out.apps[0].argc, 3);
    assert_string_equal(out.apps[0].argv[1], "--flag");
    assert_string_equal(out.apps[0].argv[2], "");
    assert_null(out.apps[0].argv[3]); /* ready for execve */
    assert_string_equal(out.apps[0].wdir, "");
    assert_string_equal(out.apps[0].path, "");
    assert_int_equal(out.apps[1].argc, 1);
    assert_string_equal(out.apps[1].argv[0], "worker");
    assert_null(out.apps[1].argv[1]);
    assert_int_equal(out.apps[1].nenv, 2);
    assert_string_equal(out.apps[1].env[1], "ROLE=worker");
    assert_null(out.apps[1].env[2]);
    assert_string_equal(out.apps[1].wdir, "/tmp/w");
    assert_string_equal(out.apps[1].path, "/opt/b:/home/u/bin");
    assert_int_equal(out.app_of_rank[0], 0);
    assert_int_equal(out.app_of_rank[1], 1);
    assert_int_equal(out.app_of_rank[2], 1);
    assert_string_equal(out.env[0], "OMP_NUM_THREADS=2");
    assert_string_equal(out.wdir, "/tmp/run");
    assert_true(out.wdir_given);
    mpirun_wire_job_fini(&out);

    /* Every truncation is refused cleanly (run under ASan, nothing is read past the end). */
    for (size_t n = 0; n < plen; n++) {
        uint8_t *copy = malloc(n + 1);
        memcpy(copy, payload, n);
        assert_int_equal(mpirun_wire_get_job(copy, n, &out, err, sizeof(err)), -1);
        free(copy);
    }
    mpirun_wire_buf_fini(&buf);
}

/* Encodes in and expects the decoder to refuse it with a message containing what. */
static void expect_job_refused(const mpirun_wire_job_t *in, const char *what)
{
    mpirun_wire_job_t out;
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_job(&buf, in);
    assert_int_equal(mpirun_wire_get_job(buf.data + MPIRUN_WIRE_HEADER_LEN,
                                         buf.len - MPIRUN_WIRE_HEADER_LEN, &out, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, what));
    mpirun_wire_buf_fini(&buf);
}

/* A rank placed on a node the job does not have is refused. */
static void test_job_bad_rank_map(void **state)
{
    (void)state;
    mpirun_wire_job_t in = sample_job();
    int bad_map[] = {0, 2, 1};
    in.host_of_rank = bad_map;
    expect_job_refused(&in, "rank 1 on node 2");
}

/* A rank of a program the job does not have is refused, and so is a job without programs. */
static void test_job_bad_programs(void **state)
{
    (void)state;
    mpirun_wire_job_t in = sample_job();
    int bad_apps[] = {0, 1, 2};
    in.app_of_rank = bad_apps;
    expect_job_refused(&in, "bad programs");
    in = sample_job();
    in.napps = 0;
    expect_job_refused(&in, "bad programs");
}

static void test_proofs(void **state)
{
    (void)state;
    uint8_t secret[32], other[32], nonce[MPIRUN_WIRE_NONCE_LEN];
    uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++) {
        secret[i] = (uint8_t)i;
        other[i] = (uint8_t)i;
        nonce[i] = (uint8_t)(255 - i);
    }
    other[31] ^= 1;
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_DAEMON, 3, nonce, a);
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_DAEMON, 3, nonce, b);
    assert_memory_equal(a, b, 32);
    /* The role, the node, the nonce and the secret all change the proof. */
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_MPIRUN, 3, nonce, b);
    assert_memory_not_equal(a, b, 32);
    uint8_t c[32];
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_PARENT, 3, nonce, c);
    assert_memory_not_equal(a, c, 32);
    assert_memory_not_equal(b, c, 32);
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_DAEMON, 4, nonce, b);
    assert_memory_not_equal(a, b, 32);
    nonce[0] ^= 1;
    mpirun_wire_proof(secret, MPIRUN_WIRE_ROLE_DAEMON, 3, nonce, b);
    assert_memory_not_equal(a, b, 32);
    nonce[0] ^= 1;
    mpirun_wire_proof(other, MPIRUN_WIRE_ROLE_DAEMON, 3, nonce, b);
    assert_memory_not_equal(a, b, 32);
}

static void test_secret_text(void **state)
{
    (void)state;
    uint8_t secret[32], back[32];
    char text[65];
    for (int i = 0; i < 32; i++) {
        secret[i] = (uint8_t)(i * 37 + 5);
    }
    mpirun_wire_secret_format(secret, text);
    assert_int_equal(strlen(text), 64);
    assert_int_equal(mpirun_wire_secret_parse(text, back), 0);
    assert_memory_equal(secret, back, 32);
    text[10] = 'g';
    assert_int_equal(mpirun_wire_secret_parse(text, back), -1);
    assert_int_equal(mpirun_wire_secret_parse("abcd", back), -1);
    assert_int_equal(mpirun_wire_secret_parse("", back), -1);
}

/* PARENT's payload: the frame of put, then get on its payload. */
static int parent_round_trip(const char *addr, int port, char **got, int *got_port)
{
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_parent(&buf, addr, port);
    uint16_t type = 0;
    const uint8_t *payload;
    size_t plen, flen;
    assert_int_equal(mpirun_wire_frame(buf.data, buf.len, MPIRUN_WIRE_MAX_PAYLOAD, &type, &payload,
                                       &plen, &flen, err, sizeof(err)),
                     1);
    assert_int_equal(type, MPIRUN_WIRE_PARENT);
    int rc = mpirun_wire_get_parent(payload, plen, got, got_port, err, sizeof(err));
    mpirun_wire_buf_fini(&buf);
    return rc;
}

static void test_parent_addresses(void **state)
{
    (void)state;
    char *addr = NULL;
    int port = 0;
    const char *good[] = {"10.1.2.3", "fd00:12::1", "2001:db8::1:2:3:4", "::1",
                          "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(parent_round_trip(good[i], 65535, &addr, &port), 0);
        assert_string_equal(addr, good[i]);
        assert_int_equal(port, 65535);
        free(addr);
    }
    const char *bad[] = {"", "node1", "10.1.2.3:80", "[fd00::1]", "fe80::1%eth0", "10.1.2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parent_round_trip(bad[i], 80, &addr, &port), -1);
        assert_null(addr);
        assert_non_null(strstr(err, "neither IPv4 nor IPv6"));
    }
    assert_int_equal(parent_round_trip("10.1.2.3", 0, &addr, &port), -1);
    assert_non_null(strstr(err, "malformed"));
    assert_int_equal(parent_round_trip("10.1.2.3", 65536, &addr, &port), -1);
    /* Cut short, or with bytes after the port. */
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_str(&buf, "fd00::1");
    assert_int_equal(mpirun_wire_get_parent(buf.data, buf.len, &addr, &port, err, sizeof(err)), -1);
    mpirun_wire_put_u32(&buf, 80);
    mpirun_wire_put_u32(&buf, 0);
    assert_int_equal(mpirun_wire_get_parent(buf.data, buf.len, &addr, &port, err, sizeof(err)), -1);
    assert_null(addr);
    mpirun_wire_buf_fini(&buf);
}

static int listening_round_trip(int port, const char *addr, int *got_port,
                                char got[MPIRUN_ADDR_LEN])
{
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_listening(&buf, port, addr);
    uint16_t type = 0;
    const uint8_t *payload;
    size_t plen, flen;
    assert_int_equal(mpirun_wire_frame(buf.data, buf.len, MPIRUN_WIRE_MAX_PAYLOAD, &type, &payload,
                                       &plen, &flen, err, sizeof(err)),
                     1);
    assert_int_equal(type, MPIRUN_WIRE_LISTENING);
    int rc = mpirun_wire_get_listening(payload, plen, got_port, got, err, sizeof(err));
    mpirun_wire_buf_fini(&buf);
    return rc;
}

/* A daemon's listening port, with the address its children use when the interface filter
 * left out the one it reached mpirun from ("" otherwise). */
static void test_listening(void **state)
{
    (void)state;
    int port = 0;
    char addr[MPIRUN_ADDR_LEN];
    assert_int_equal(listening_round_trip(4242, "", &port, addr), 0);
    assert_int_equal(port, 4242);
    assert_string_equal(addr, "");
    assert_int_equal(listening_round_trip(1, "10.2.0.5", &port, addr), 0);
    assert_string_equal(addr, "10.2.0.5");
    assert_int_equal(listening_round_trip(65535, "fd00:12::5", &port, addr), 0);
    assert_string_equal(addr, "fd00:12::5");
    assert_int_equal(listening_round_trip(80, "eth0", &port, addr), -1);
    assert_non_null(strstr(err, "neither IPv4 nor IPv6"));
    assert_int_equal(listening_round_trip(0, "", &port, addr), -1);
    assert_non_null(strstr(err, "malformed"));
    assert_int_equal(listening_round_trip(65536, "", &port, addr), -1);
    /* The port alone (as version 4 sent it) is cut short. */
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_put_u32(&buf, 80);
    assert_int_equal(mpirun_wire_get_listening(buf.data, buf.len, &port, addr, err, sizeof(err)),
                     -1);
    mpirun_wire_buf_fini(&buf);
}

/* A daemon of another release is named as such, not taken for a stranger's garbage. */
static void test_version_mismatch_named(void **state)
{
    (void)state;
    mpirun_wire_buf_t buf = {0};
    mpirun_wire_begin(&buf, MPIRUN_WIRE_PARENT);
    mpirun_wire_end(&buf);
    buf.data[5] = 3; /* the version's low byte: the fence tree before IPv6 */
    uint16_t type;
    const uint8_t *payload;
    size_t plen, flen;
    assert_int_equal(mpirun_wire_frame(buf.data, buf.len, MPIRUN_WIRE_MAX_PAYLOAD, &type, &payload,
                                       &plen, &flen, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "protocol version 3, this mpirun speaks 6 (same libmp everywhere?)");
    mpirun_wire_buf_fini(&buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_round_trip),
        cmocka_unit_test(test_frame_rejects_strangers),
        cmocka_unit_test(test_reader_past_end),
        cmocka_unit_test(test_job_round_trip),
        cmocka_unit_test(test_job_bad_rank_map),
        cmocka_unit_test(test_job_bad_programs),
        cmocka_unit_test(test_proofs),
        cmocka_unit_test(test_secret_text),
        cmocka_unit_test(test_parent_addresses),
        cmocka_unit_test(test_listening),
        cmocka_unit_test(test_version_mismatch_named),
    };
    return cmocka_run_group_tests_name("mpirun daemon protocol", tests, NULL, NULL);
}
