/*
 * Unit tests of the tcp transport between two forked processes, wired up through the fake,
 * file-based wire-up of the shm test: packets of every size arrive whole and in order, the
 * connector falls back past an address that does not answer (within MP_TCP_CONNECT_TIMEOUT),
 * a peer that vanishes is reported lost instead of being waited for; with the launcher's
 * secret and with one that rank 0 makes and publishes. A rank that first sends after its peer's
 * connection is up answers on it; two ranks that both send first keep a connection each.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../shm/fake_wireup.h"
#include "transport/tcp/proto.h"
#include "transport/tcp/tcp_internal.h"
#include "transport/transport.h"

static const mp_tl_ops_t *const tl = &mp_tl_tcp_ops;
static const uint8_t secret[MP_SHA256_LEN] = "unit-test-secret-unit-test-secr";

#define NPKT 200
/* Larger than a connection's first receive buffer (MP_TCP_RX_START) and at most the largest
 * payload: such packets (not placed) make it grow. */
#define BIG (400 * 1024)

static int my_rank;
static int received; /* packets from the peer, checked in order */
static int lost_peer = -1;
static bool launcher_secret; /* the "launcher" hands out the secret; else rank 0 makes one */
static bool both_first;      /* rank 1 sends at once too, instead of after receiving */
static unsigned char *big;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "test_tcp_conn.c:%d: rank %d: check failed: %s\n", __LINE__, my_rank,  \
                    #cond);                                                                        \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Packet i: a 4-byte header with i, and i * 997 (every 50th: BIG) payload bytes of a pattern
 * of i. */
static size_t payload_len(int i)
{
    return i % 50 == 49 ? BIG : (size_t)i * 997;
}

static void on_packet(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    int i;
    CHECK(src == 1 - my_rank && hdr_len == sizeof(i));
    memcpy(&i, hdr, sizeof(i));
    CHECK(i == received);
    CHECK(len == payload_len(i));
    for (size_t k = 0; k < len; k++) {
        CHECK(((const unsigned char *)payload)[k] == (unsigned char)(k * 7 + (size_t)i));
    }
    received++;
}

static void on_lost(int peer)
{
    lost_peer = peer;
}

static void start(int rank)
{
    my_rank = rank;
    fake_wireup_set_rank(rank);
    static int local_ranks[1];
    local_ranks[0] = rank;
    mp_wireup_info_t info = {.rank = rank,
                             .size = 2,
                             .local_rank = 0,
                             .local_size = 1,
                             .local_ranks = local_ranks,
                             .node_id = 0,
                             .has_secret = launcher_secret};
    if (launcher_secret) {
        memcpy(info.job_secret, secret, sizeof(secret));
    }
    CHECK(tl->init(&info, on_packet) == MP_OK);
    tl->set_lost(on_lost);
}

/* Rank 1 puts an address that never answers before its real ones. */
static void publish_dead_address_first(void)
{
    void *data;
    size_t len;
    CHECK(mp_wireup_card_get(1, MP_TCP_CARD_KEY, &data, &len) == MP_OK);
    mp_tcp_card_t card;
    CHECK(len == sizeof(card));
    memcpy(&card, data, sizeof(card));
    free(data);
    CHECK(card.naddrs < MP_TCP_MAX_ADDRS);
    memmove(&card.addrs[1], &card.addrs[0], card.naddrs * sizeof(card.addrs[0]));
    /* TEST-NET-2 (RFC 5737): never a host; flagged loopback so that it is tried first. */
    card.addrs[0] = (mp_tcp_card_addr_t){
        .ip = {[10] = 0xff, [11] = 0xff, [12] = 198, [13] = 51, [14] = 100, [15] = 1},
        .prefix = 128,
        .loopback = 1};
    card.naddrs++;
    CHECK(mp_wireup_card_put(MP_TCP_CARD_KEY, &card, sizeof(card)) == MP_OK);
}

static void send_all(mp_tl_ep_t *ep)
{
    for (int i = 0; i < NPKT; i++) {
        size_t len = payload_len(i);
        for (size_t k = 0; k < len; k++) {
            big[k] = (unsigned char)(k * 7 + (size_t)i);
        }
        mp_status_t status;
        double until = now() + 20;
        while ((status = tl->send(ep, &i, sizeof(i), big, len)) == MP_ERR_AGAIN) {
            CHECK(now() < until);
            tl->progress(NULL);
        }
        CHECK(status == MP_OK);
    }
}

/* Every packet handed to the kernel: a rank blocked in the fence would never send the rest. */
static void wait_flushed(void)
{
    double until = now() + 20;
    while (!tl->is_flushed()) {
        CHECK(now() < until);
        tl->progress(NULL);
    }
}

static void wait_received(void)
{
    double until = now() + 20;
    while (received < NPKT) {
        CHECK(now() < until);
        if (tl->progress(NULL) == 0 && tl->sleep_prepare()) {
            tl->sleep_wait(1000000);
            tl->sleep_done();
        }
    }
}

static void rank0(void)
{
    start(0);
    CHECK(mp_wireup_fence(true) == MP_OK);
    mp_tl_ep_t *ep = tl->connect(1);
    CHECK(ep != NULL && ep->max_payload >= BIG);
    double t0 = now();
    send_all(ep);
    /* The dead address cost at most one connect timeout (1 s), not a hang; the second one,
     * the real loopback address, carried the packets. */
    CHECK(now() - t0 < 10);
    const tcp_ep_t *tep = (const tcp_ep_t *)ep;
    CHECK(tep->next_addr == 2);
    CHECK(strstr(tep->tried, "198.51.100.1:") != NULL);
    wait_received();
    wait_flushed();
    CHECK(tep->out != NULL && tep->out->outgoing);
    CHECK(both_first ? tep->in != NULL && tep->in != tep->out : tep->in == NULL);
    /* Rank 1 ends without closing anything in order: it must be reported, not waited for. */
    CHECK(mp_wireup_fence(false) == MP_OK);
    double until = now() + 10;
    while (lost_peer < 0) {
        CHECK(now() < until);
        tl->progress(NULL);
        if (tl->sleep_prepare()) {
            tl->sleep_wait(1000000);
        }
    }
    CHECK(lost_peer == 1);
    CHECK(tl->send(ep, &lost_peer, sizeof(lost_peer), NULL, 0) == MP_ERR_PEER);
    tl->fini();
    _exit(0);
}

static void rank1(void)
{
    start(1);
    publish_dead_address_first();
    CHECK(mp_wireup_fence(true) == MP_OK);
    mp_tl_ep_t *ep = tl->connect(0);
    CHECK(ep != NULL);
    if (both_first) {
        send_all(ep);
        wait_received();
    } else {
        wait_received();
        send_all(ep);
    }
    /* Answering: on rank 0's connection. Sending at once: on its own. */
    const tcp_ep_t *tep = (const tcp_ep_t *)ep;
    CHECK(tep->in != NULL && tep->out != NULL);
    CHECK(both_first ? tep->out != tep->in && tep->out->outgoing : tep->out == tep->in);
    wait_flushed();
    /* Rank 0 must have everything before this one goes away without fini. */
    CHECK(mp_wireup_fence(false) == MP_OK);
    _exit(0);
}

static void run_two_ranks(void)
{
    setenv("MP_TCP_CONNECT_TIMEOUT", "1", 1);
    setenv("MP_NET_IF", "lo", 1);
    big = malloc(BIG);
    assert_non_null(big);
    fake_wireup_setup(2);
    pid_t pids[2];
    for (int r = 0; r < 2; r++) {
        pids[r] = fork();
        assert_true(pids[r] >= 0);
        if (pids[r] == 0) {
            alarm(60);
            if (r == 0) {
                rank0();
            } else {
                rank1();
            }
        }
    }
    for (int r = 0; r < 2; r++) {
        int status;
        assert_int_equal(waitpid(pids[r], &status, 0), pids[r]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    fake_wireup_teardown();
    free(big);
}

static void test_two_ranks(void **state)
{
    (void)state;
    launcher_secret = true;
    both_first = false;
    run_two_ranks();
}

/* Both connect at once: neither connection is switched, and nothing is lost or reordered. */
static void test_two_ranks_both_first(void **state)
{
    (void)state;
    launcher_secret = true;
    both_first = true;
    run_two_ranks();
}

/* As under a launcher without libmp's secret (srun --mpi=pmix): rank 0 publishes one. */
static void test_two_ranks_own_secret(void **state)
{
    (void)state;
    launcher_secret = false;
    both_first = false;
    run_two_ranks();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_ranks),
        cmocka_unit_test(test_two_ranks_both_first),
        cmocka_unit_test(test_two_ranks_own_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
