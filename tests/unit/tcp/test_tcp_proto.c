/*
 * Unit tests of the tcp transport's wire parsing (cmocka): the mutual handshake (good, wrong
 * secret, replayed proof, malformed, truncated and random input), frame headers, business cards,
 * the MP_NET_IF filter and the order in which a peer's addresses are tried.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/runtime.h"
#include "transport/tcp/netif.h"
#include "transport/tcp/proto.h"
#include "transport/transport.h"

/* log.c prefixes lines with the rank; the runtime itself is not part of this test. */
mp_runtime_t mp_runtime = {.rank = -1};

static const uint8_t secret[MP_SHA256_LEN] = "0123456789abcdef0123456789abcde";
static const uint8_t other_secret[MP_SHA256_LEN] = "0123456789abcdef0123456789abcdX";
static const uint8_t nonce_c[MP_TCP_NONCE_LEN] = "connector-nonce";
static const uint8_t nonce_a[MP_TCP_NONCE_LEN] = "acceptor--nonce";

/* Runs a whole handshake between connector rank 1 and acceptor rank 0 of a 4-rank job, with
 * the given secrets, feeding bytes in chunks of chunk. Returns the acceptor's final result and
 * puts the connector's in *conn_result_p; the PROOF sent is copied to proof (if not NULL). */
static int handshake(const uint8_t *csecret, const uint8_t *asecret, size_t chunk,
                     int *conn_result_p, uint8_t *proof)
{
    mp_tcp_auth_t c, a;
    uint8_t c_out[MP_TCP_MSG_MAX], a_out[MP_TCP_MSG_MAX];
    size_t c_len, a_len;
    mp_tcp_auth_start(&c, MP_TCP_CONNECTOR, 1, 0, 4, csecret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start(&a, MP_TCP_ACCEPTOR, 0, -1, 4, asecret, nonce_a, a_out, &a_len);
    assert_int_equal(c_len, MP_TCP_HELLO_LEN);
    assert_int_equal(a_len, 0);
    const char *why = NULL;
    int ar = MP_TCP_AUTH_MORE, cr = MP_TCP_AUTH_MORE;
    /* HELLO to the acceptor. */
    for (size_t off = 0; off < c_len && ar == MP_TCP_AUTH_MORE;) {
        size_t n = c_len - off < chunk ? c_len - off : chunk, used;
        ar = mp_tcp_auth_feed(&a, c_out + off, n, &used, a_out, &a_len, &why);
        assert_int_equal(used, n);
        off += used;
    }
    assert_int_equal(ar, MP_TCP_AUTH_MORE);
    assert_int_equal(a_len, MP_TCP_CHALLENGE_LEN);
    assert_int_equal(a.peer_rank, 1);
    /* CHALLENGE to the connector. */
    uint8_t challenge[MP_TCP_CHALLENGE_LEN];
    memcpy(challenge, a_out, sizeof(challenge));
    for (size_t off = 0; off < sizeof(challenge) && cr == MP_TCP_AUTH_MORE;) {
        size_t n = sizeof(challenge) - off < chunk ? sizeof(challenge) - off : chunk, used;
        cr = mp_tcp_auth_feed(&c, challenge + off, n, &used, c_out, &c_len, &why);
        off += used;
    }
    *conn_result_p = cr;
    if (cr != MP_TCP_AUTH_DONE) {
        return MP_TCP_AUTH_MORE;
    }
    assert_int_equal(c_len, MP_TCP_PROOF_LEN);
    if (proof != NULL) {
        memcpy(proof, c_out, MP_TCP_PROOF_LEN);
    }
    /* PROOF, followed by the first frame bytes, which the acceptor must leave alone. */
    uint8_t wire[MP_TCP_PROOF_LEN + 8];
    memcpy(wire, c_out, MP_TCP_PROOF_LEN);
    memset(wire + MP_TCP_PROOF_LEN, 0xa5, 8);
    size_t off = 0;
    while (off < sizeof(wire) && ar == MP_TCP_AUTH_MORE) {
        size_t n = sizeof(wire) - off < chunk ? sizeof(wire) - off : chunk, used;
        ar = mp_tcp_auth_feed(&a, wire + off, n, &used, a_out, &a_len, &why);
        off += used;
    }
    if (ar == MP_TCP_AUTH_DONE) {
        assert_int_equal(off, MP_TCP_PROOF_LEN);
    }
    return ar;
}

static void test_handshake_ok(void **state)
{
    (void)state;
    size_t chunks[] = {1, 3, 7, 16, 100};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        int cr;
        assert_int_equal(handshake(secret, secret, chunks[i], &cr, NULL), MP_TCP_AUTH_DONE);
        assert_int_equal(cr, MP_TCP_AUTH_DONE);
    }
}

static void test_handshake_wrong_secret(void **state)
{
    (void)state;
    int cr;
    /* The acceptor answers with the wrong key: the connector refuses it. */
    handshake(secret, other_secret, 100, &cr, NULL);
    assert_int_equal(cr, MP_TCP_AUTH_FAIL);
}

/* A connector without the secret can still send HELLO, but not a PROOF that passes. */
static void test_handshake_stranger_proof(void **state)
{
    (void)state;
    mp_tcp_auth_t c, a;
    uint8_t c_out[MP_TCP_MSG_MAX], a_out[MP_TCP_MSG_MAX];
    size_t c_len, a_len, used;
    const char *why = NULL;
    mp_tcp_auth_start(&c, MP_TCP_CONNECTOR, 2, 0, 4, other_secret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start(&a, MP_TCP_ACCEPTOR, 0, -1, 4, secret, nonce_a, a_out, &a_len);
    assert_int_equal(mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_MORE);
    /* The stranger cannot check the challenge either; it forges a proof with its own key. */
    mp_tcp_auth_t forged = c;
    forged.secret = other_secret;
    memcpy(forged.nonce_a, a_out + 16, MP_TCP_NONCE_LEN);
    uint8_t proof[MP_TCP_PROOF_LEN];
    memcpy(proof, a_out, 16); /* any head */
    uint32_t head[4] = {MP_TCP_HS_MAGIC, (MP_TCP_VERSION << 16) | 3, 2, 0};
    memcpy(proof, head, sizeof(head)); /* little-endian host */
    memset(proof + 16, 0x42, MP_SHA256_LEN);
    assert_int_equal(mp_tcp_auth_feed(&a, proof, sizeof(proof), &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_FAIL);
    assert_non_null(strstr(why, "secret"));
    /* Once failed, it stays failed. */
    assert_int_equal(mp_tcp_auth_feed(&a, proof, 1, &used, a_out, &a_len, &why), MP_TCP_AUTH_FAIL);
}

/* A proof recorded from one handshake does not open another: the acceptor's nonce differs. */
static void test_handshake_replay(void **state)
{
    (void)state;
    int cr;
    uint8_t proof[MP_TCP_PROOF_LEN];
    assert_int_equal(handshake(secret, secret, 100, &cr, proof), MP_TCP_AUTH_DONE);
    mp_tcp_auth_t c, a;
    uint8_t c_out[MP_TCP_MSG_MAX], a_out[MP_TCP_MSG_MAX];
    size_t c_len, a_len, used;
    const char *why = NULL;
    static const uint8_t fresh[MP_TCP_NONCE_LEN] = "a-fresh-nonce!!";
    mp_tcp_auth_start(&c, MP_TCP_CONNECTOR, 1, 0, 4, secret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start(&a, MP_TCP_ACCEPTOR, 0, -1, 4, secret, fresh, a_out, &a_len);
    mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why); /* the replayed HELLO */
    assert_int_equal(mp_tcp_auth_feed(&a, proof, sizeof(proof), &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_FAIL);
}

/* Corrupts one field of a good HELLO and expects the acceptor to refuse it. */
static void expect_hello_refused(size_t at, uint8_t value, const char *reason)
{
    mp_tcp_auth_t c, a;
    uint8_t hello[MP_TCP_MSG_MAX], a_out[MP_TCP_MSG_MAX];
    size_t c_len, a_len, used;
    const char *why = NULL;
    mp_tcp_auth_start(&c, MP_TCP_CONNECTOR, 1, 0, 4, secret, nonce_c, hello, &c_len);
    mp_tcp_auth_start(&a, MP_TCP_ACCEPTOR, 0, -1, 4, secret, nonce_a, a_out, &a_len);
    hello[at] = value;
    assert_int_equal(mp_tcp_auth_feed(&a, hello, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_FAIL);
    assert_int_equal(a_len, 0);
    assert_non_null(strstr(why, reason));
}

static void test_handshake_malformed(void **state)
{
    (void)state;
    expect_hello_refused(0, 'G', "magic");        /* "GET / HTTP..." */
    expect_hello_refused(6, 9, "version");        /* version 9 */
    expect_hello_refused(4, 2, "type");           /* a CHALLENGE where HELLO belongs */
    expect_hello_refused(8, 7, "not a peer");     /* from rank 7 of 4 */
    expect_hello_refused(11, 0x80, "not a peer"); /* a negative rank */
    expect_hello_refused(8, 0, "not a peer");     /* from itself */
    expect_hello_refused(12, 3, "another rank");
}

/* A truncated HELLO only ever asks for more; random garbage never passes. */
static void test_handshake_truncated_and_random(void **state)
{
    (void)state;
    uint8_t hello[MP_TCP_MSG_MAX], out[MP_TCP_MSG_MAX];
    size_t len, out_len, used;
    const char *why;
    mp_tcp_auth_t c, a;
    mp_tcp_auth_start(&c, MP_TCP_CONNECTOR, 1, 0, 4, secret, nonce_c, hello, &len);
    for (size_t cut = 0; cut < len; cut++) {
        mp_tcp_auth_start(&a, MP_TCP_ACCEPTOR, 0, -1, 4, secret, nonce_a, out, &out_len);
        assert_int_equal(mp_tcp_auth_feed(&a, hello, cut, &used, out, &out_len, &why),
                         MP_TCP_AUTH_MORE);
        assert_int_equal(used, cut);
        assert_int_equal(out_len, 0);
        assert_int_equal(mp_tcp_auth_want(&a), MP_TCP_HELLO_LEN - cut);
    }
    srand(12345);
    for (int i = 0; i < 20000; i++) {
        uint8_t junk[200];
        size_t n = (size_t)(rand() % (int)sizeof(junk));
        for (size_t k = 0; k < n; k++) {
            junk[k] = (uint8_t)rand();
        }
        if (i % 3 == 0 && n >= 4) {
            memcpy(junk, hello, 4); /* get past the magic now and then */
        }
        int role = i % 2 == 0 ? MP_TCP_ACCEPTOR : MP_TCP_CONNECTOR;
        mp_tcp_auth_start(&a, role, 0, 1, 4, secret, nonce_a, out, &out_len);
        size_t off = 0;
        int r = MP_TCP_AUTH_MORE;
        while (off < n && r == MP_TCP_AUTH_MORE) {
            r = mp_tcp_auth_feed(&a, junk + off, n - off, &used, out, &out_len, &why);
            assert_true(used <= n - off);
            assert_true(out_len <= MP_TCP_MSG_MAX);
            off += used;
        }
        /* An acceptor may answer a well-formed HELLO, but nothing random authenticates. */
        assert_int_not_equal(r, MP_TCP_AUTH_DONE);
    }
}

static void test_frame(void **state)
{
    (void)state;
    uint8_t f[MP_TCP_FRAME_LEN];
    mp_tcp_frame_t frame;
    const char *why;
    mp_tcp_frame_encode(f, 40, 4096);
    assert_int_equal(mp_tcp_frame_decode(f, 4096, &frame, &why), MP_OK);
    assert_int_equal(frame.hdr_len, 40);
    assert_int_equal(frame.len, 4096);
    assert_int_equal(mp_tcp_frame_decode(f, 4095, &frame, &why), MP_ERR_INVALID);
    assert_non_null(strstr(why, "payload"));
    mp_tcp_frame_encode(f, MP_TL_HDR_MAX + 1, 0);
    assert_int_equal(mp_tcp_frame_decode(f, 4096, &frame, &why), MP_ERR_INVALID);
    mp_tcp_frame_encode(f, 0, 0);
    f[0] = 0;
    assert_int_equal(mp_tcp_frame_decode(f, 4096, &frame, &why), MP_ERR_INVALID);
    mp_tcp_frame_encode(f, 0, 0);
    f[3] = 1;
    assert_int_equal(mp_tcp_frame_decode(f, 4096, &frame, &why), MP_ERR_INVALID);
    /* Every 8-byte pattern either decodes within the limits or is refused. */
    srand(7);
    for (int i = 0; i < 100000; i++) {
        for (int k = 0; k < MP_TCP_FRAME_LEN; k++) {
            f[k] = (uint8_t)rand();
        }
        f[0] = i % 2 ? MP_TCP_FRAME_MARK : f[0];
        if (mp_tcp_frame_decode(f, 65536, &frame, &why) == MP_OK) {
            assert_true(frame.hdr_len <= MP_TL_HDR_MAX && frame.len <= 65536);
        }
    }
}

static mp_tcp_card_t good_card(void)
{
    mp_tcp_card_t card;
    memset(&card, 0, sizeof(card));
    card.magic = MP_TCP_CARD_MAGIC;
    card.version = MP_TCP_VERSION;
    card.port = htons(5000);
    card.naddrs = 1;
    card.addrs[0] = (mp_tcp_card_addr_t){
        .ip = {[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1}, .prefix = 104, .loopback = 1};
    return card;
}

static void test_card(void **state)
{
    (void)state;
    mp_tcp_card_t card = good_card(), out;
    const char *why;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_OK);
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card) - 1, &out, &why), MP_ERR_INVALID);
    card.magic++;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    card = good_card();
    card.version = 99;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    assert_non_null(strstr(why, "version"));
    card = good_card();
    card.naddrs = 0;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    card.naddrs = MP_TCP_MAX_ADDRS + 1;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    card = good_card();
    card.addrs[0].prefix = 129;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    card.addrs[0].prefix = 95; /* IPv4: 96 + 0..32 */
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
    card.addrs[0].ip[10] = 0; /* IPv6 now: any prefix up to 128 */
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_OK);
    /* Another version's card is named as such, though its size differs too. */
    card = good_card();
    card.version = MP_TCP_VERSION - 1;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card) - 64, &out, &why), MP_ERR_INVALID);
    assert_non_null(strstr(why, "version"));
    card = good_card();
    card.port = 0;
    assert_int_equal(mp_tcp_card_check(&card, sizeof(card), &out, &why), MP_ERR_INVALID);
}

typedef struct ip16 {
    uint8_t b[16];
} ip16_t;

/* An address as the transport holds it: IPv6, or IPv4 mapped into IPv6. */
static ip16_t ip16(const char *text)
{
    ip16_t ip = {.b = {[10] = 0xff, [11] = 0xff}};
    if (inet_pton(AF_INET, text, ip.b + 12) != 1) {
        assert_int_equal(inet_pton(AF_INET6, text, ip.b), 1);
    }
    return ip;
}

#define ip(text) (ip16(text).b)

static void test_netif_filter(void **state)
{
    (void)state;
    mp_tcp_netif_filter_t f;
    const char *why, *bad;
    assert_int_equal(mp_tcp_netif_parse("eth0,10.1.0.0/16", &f, &why, &bad), MP_OK);
    assert_false(f.exclude);
    assert_int_equal(f.n, 2);
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("192.168.1.5")));
    assert_true(mp_tcp_netif_allows(&f, "ib0", ip("10.1.200.3")));
    assert_false(mp_tcp_netif_allows(&f, "ib0", ip("10.2.0.1")));
    assert_false(mp_tcp_netif_allows(&f, "lo", ip("127.0.0.1")));

    assert_int_equal(mp_tcp_netif_parse("^docker*,virbr0,172.16.0.0/12", &f, &why, &bad), MP_OK);
    assert_true(f.exclude);
    assert_false(mp_tcp_netif_allows(&f, "docker0", ip("1.2.3.4")));
    assert_false(mp_tcp_netif_allows(&f, "virbr0", ip("1.2.3.4")));
    assert_false(mp_tcp_netif_allows(&f, "eth1", ip("172.20.0.1")));
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("10.0.0.1")));
    assert_true(mp_tcp_netif_allows(&f, "virbr1", ip("10.0.0.1")));

    assert_int_equal(mp_tcp_netif_parse("10.0.0.7", &f, &why, &bad), MP_OK);
    assert_true(mp_tcp_netif_allows(&f, "x", ip("10.0.0.7")));
    assert_false(mp_tcp_netif_allows(&f, "x", ip("10.0.0.8")));

    /* IPv6 subnets; IPv4 and IPv6 never match each other's subnets. */
    assert_int_equal(mp_tcp_netif_parse("fd00:1::/64,10.0.0.0/8", &f, &why, &bad), MP_OK);
    assert_int_equal(f.n, 2);
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("fd00:1::5")));
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("fd00:1::ffff:1")));
    assert_false(mp_tcp_netif_allows(&f, "eth0", ip("fd00:2::5")));
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("10.3.0.1")));
    assert_false(mp_tcp_netif_allows(&f, "eth0", ip("::a03:1")));
    assert_int_equal(mp_tcp_netif_parse("^fd00:1::/33,::1", &f, &why, &bad), MP_OK);
    assert_false(mp_tcp_netif_allows(&f, "eth0", ip("fd00:1:7fff::1")));
    assert_true(mp_tcp_netif_allows(&f, "eth0", ip("fd00:1:8000::1")));
    assert_false(mp_tcp_netif_allows(&f, "lo", ip("::1")));
    assert_true(mp_tcp_netif_allows(&f, "lo", ip("127.0.0.1")));
    /* An interface alias label is a name, not an address. */
    assert_int_equal(mp_tcp_netif_parse("eth0:1", &f, &why, &bad), MP_OK);
    assert_false(f.items[0].is_subnet);

    /* Malformed lists: every one is in tests/unit/util/test_netfilter.c; here, that tcp's
     * wrapper refuses one and names where. */
    const char *bad_list = "eth0,10.0.0.0/33";
    why = NULL;
    assert_int_equal(mp_tcp_netif_parse(bad_list, &f, &why, &bad), MP_ERR_INVALID);
    assert_non_null(why);
    assert_ptr_equal(bad, bad_list + 5);
}

/* prefix in the address family's own bits (0..32 for IPv4). */
static mp_tcp_card_addr_t addr(const char *text, int prefix, bool loopback)
{
    mp_tcp_card_addr_t a;
    memset(&a, 0, sizeof(a));
    memcpy(a.ip, ip(text), 16);
    a.prefix = (uint8_t)(prefix + (strchr(text, ':') == NULL ? 96 : 0));
    a.loopback = loopback;
    return a;
}

static void test_netif_order(void **state)
{
    (void)state;
    mp_tcp_card_t peer = good_card();
    peer.naddrs = 4;
    peer.addrs[0] = addr("127.0.0.1", 8, true);
    peer.addrs[1] = addr("172.17.0.1", 16, false); /* docker0 on every host */
    peer.addrs[2] = addr("192.168.7.2", 24, false);
    peer.addrs[3] = addr("10.9.0.2", 16, false);
    mp_tcp_card_addr_t own[3] = {addr("127.0.0.1", 8, true), addr("172.17.0.1", 16, false),
                                 addr("10.9.0.1", 16, false)};
    int order[MP_TCP_MAX_ADDRS];
    /* Another node: no loopback, not our own docker0 address, the shared subnet first. */
    int n = mp_tcp_netif_order(&peer, false, own, 3, order);
    assert_int_equal(n, 2);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    /* The same node: loopback first, then the rest. */
    n = mp_tcp_netif_order(&peer, true, own, 3, order);
    assert_int_equal(n, 4);
    assert_int_equal(order[0], 0);
    /* IPv6 alongside: the shared IPv6 subnet comes with the shared IPv4 one, before the rest. */
    peer.naddrs = 6;
    peer.addrs[4] = addr("2001:db8::2", 64, false);
    peer.addrs[5] = addr("fd00:9::2", 64, false);
    mp_tcp_card_addr_t own6[4] = {own[0], own[1], own[2], addr("fd00:9::1", 64, false)};
    n = mp_tcp_netif_order(&peer, false, own6, 4, order);
    assert_int_equal(n, 4);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 5);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 4);
}

/* Between jobs (MPI_Comm_spawn): a connector of job 2 may have any rank; one of the acceptor's
 * own job must be a peer of it; a HELLO for another job is refused. */
static void test_handshake_jobs(void **state)
{
    (void)state;
    mp_tcp_auth_t c, a;
    uint8_t c_out[MP_TCP_MSG_MAX], a_out[MP_TCP_MSG_MAX];
    size_t c_len, a_len, used;
    const char *why = NULL;
    /* Rank 7 of job 2 to rank 1 of job 1 (2 ranks). */
    mp_tcp_auth_start_jobs(&c, MP_TCP_CONNECTOR, 2, 7, 1, 1, 5, secret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start_jobs(&a, MP_TCP_ACCEPTOR, 1, 1, 0, -1, 2, secret, nonce_a, a_out, &a_len);
    assert_int_equal(mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_MORE);
    assert_int_equal(a.peer_rank, 7);
    assert_int_equal(a.peer_job, 2);
    assert_int_equal(mp_tcp_auth_feed(&c, a_out, a_len, &used, c_out, &c_len, &why),
                     MP_TCP_AUTH_DONE);
    assert_int_equal(mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_DONE);
    /* Rank 7 of the acceptor's own job (2 ranks): no such peer. */
    mp_tcp_auth_start_jobs(&c, MP_TCP_CONNECTOR, 1, 7, 1, 1, 2, secret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start_jobs(&a, MP_TCP_ACCEPTOR, 1, 1, 0, -1, 2, secret, nonce_a, a_out, &a_len);
    assert_int_equal(mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_FAIL);
    /* Meant for rank 1 of job 3, received by rank 1 of job 1. */
    mp_tcp_auth_start_jobs(&c, MP_TCP_CONNECTOR, 2, 0, 3, 1, 2, secret, nonce_c, c_out, &c_len);
    mp_tcp_auth_start_jobs(&a, MP_TCP_ACCEPTOR, 1, 1, 0, -1, 2, secret, nonce_a, a_out, &a_len);
    assert_int_equal(mp_tcp_auth_feed(&a, c_out, c_len, &used, a_out, &a_len, &why),
                     MP_TCP_AUTH_FAIL);
    assert_non_null(strstr(why, "another rank"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_ok),
        cmocka_unit_test(test_handshake_jobs),
        cmocka_unit_test(test_handshake_wrong_secret),
        cmocka_unit_test(test_handshake_stranger_proof),
        cmocka_unit_test(test_handshake_replay),
        cmocka_unit_test(test_handshake_malformed),
        cmocka_unit_test(test_handshake_truncated_and_random),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_card),
        cmocka_unit_test(test_netif_filter),
        cmocka_unit_test(test_netif_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
