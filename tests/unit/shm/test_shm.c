/*
 * Unit tests of the shm transport between processes forked here, wired up through a fake
 * wire-up (fake_wireup.c): packet sizes and order, full rings, flow control, many-to-many
 * traffic, sleeping and waking, single copy, /dev/shm clean-up and refusing foreign segments.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_wireup.h"
#include "transport/shm/ring.h"
#include "transport/shm/segment.h"
#include "transport/shm/shm.h"
#include "transport/transport.h"

#define MAX_RANKS 4

static const mp_tl_ops_t *const tl = &mp_tl_shm_ops;

/* The job the current test runs: set in the parent, inherited by its children. */
static char job_id[128];
static int nranks;

/* The state of one child (one rank). */
static int my_rank;
static mp_wireup_info_t info;
static mp_tl_ep_t *eps[MAX_RANKS];

/*
 * Checks inside children. cmocka's asserts would unwind into the child's copy of the test
 * runner, so a failed check prints what and where, and ends the child with status 1; the parent
 * asserts that every child exited 0.
 */
#define CHECK(cond) check_true((cond), #cond, __LINE__)
#define CHECK_INT(a, b) check_int((long long)(a), (long long)(b), #a, #b, __LINE__)
#define CHECK_HAS(text, part) check_has((text), (part), __LINE__)

static void check_true(bool ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "test_shm.c:%d: rank %d: check failed: %s\n", line, my_rank, what);
        exit(1);
    }
}

static void check_int(long long a, long long b, const char *sa, const char *sb, int line)
{
    if (a != b) {
        fprintf(stderr, "test_shm.c:%d: rank %d: %s == %lld, expected %s == %lld\n", line, my_rank,
                sa, a, sb, b);
        exit(1);
    }
}

static void check_has(const char *text, const char *part, int line)
{
    if (strstr(text, part) == NULL) {
        fprintf(stderr, "test_shm.c:%d: rank %d: \"%s\" does not contain \"%s\"\n", line, my_rank,
                text, part);
        exit(1);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned timeout_s(unsigned seconds)
{
    const char *mult = getenv("MP_TEST_TIMEOUT_MULT");
    return seconds * (mult != NULL && atoi(mult) > 0 ? (unsigned)atoi(mult) : 1u);
}

/* What a child writes to stderr between capture_begin and capture_end. */
static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void)
{
    fflush(stderr);
    captured = tmpfile();
    CHECK(captured != NULL);
    saved_stderr = dup(STDERR_FILENO);
    dup2(fileno(captured), STDERR_FILENO);
}

static void capture_end(char *buf, size_t size)
{
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    rewind(captured);
    size_t n = fread(buf, 1, size - 1, captured);
    buf[n] = '\0';
    fclose(captured);
}

/* /dev/shm entries of the current job's segments; with remove, they are removed too. */
static int find_segments(bool remove)
{
    char prefix[MP_SHM_NAME_MAX];
    mp_shm_segment_name(prefix, job_id, 0);
    *strrchr(prefix, '.') = '\0'; /* "/libmp.<job>" */
    size_t prefix_len = strlen(prefix + 1);
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL) {
        return -1;
    }
    int n = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, prefix + 1, prefix_len) == 0 &&
            entry->d_name[prefix_len] == '.') {
            n++;
            if (remove) {
                char name[MP_SHM_NAME_MAX + 1];
                snprintf(name, sizeof(name), "/%s", entry->d_name);
                shm_unlink(name);
            }
        }
    }
    closedir(dir);
    return n;
}

static int count_segments(void)
{
    return find_segments(false);
}

static void segment_path(char *path, size_t size, int rank)
{
    char name[MP_SHM_NAME_MAX];
    mp_shm_segment_name(name, job_id, rank);
    snprintf(path, size, "/dev/shm%s", name);
}

/* Runs body in n forked ranks of a fresh job and asserts they all succeeded and left nothing
 * in /dev/shm. */
static void run_ranks(int n, void (*body)(void))
{
    static int njobs;
    /* The '/' checks that segment names replace it. */
    snprintf(job_id, sizeof(job_id), "test/shm.%ld.%d", (long)getpid(), ++njobs);
    nranks = n;
    fake_wireup_setup(n);
    fflush(NULL);
    pid_t pids[MAX_RANKS];
    for (int r = 0; r < n; r++) {
        pids[r] = fork();
        assert_true(pids[r] >= 0);
        if (pids[r] == 0) {
            alarm(timeout_s(60));
            my_rank = r;
            fake_wireup_set_rank(r);
            body();
            exit(0);
        }
    }
    /* When one rank fails, the others would wait for it at the next fence until their alarm:
     * end them at once. */
    int failed = 0;
    for (int left = n; left > 0; left--) {
        int wstatus;
        pid_t pid = wait(&wstatus);
        assert_true(pid > 0);
        int r = 0;
        while (r < n && pids[r] != pid) {
            r++;
        }
        assert_true(r < n);
        pids[r] = 0;
        if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
            continue;
        }
        fprintf(stderr, "rank %d ended with %s %d\n", r,
                WIFEXITED(wstatus) ? "exit status" : "signal",
                WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
        if (failed++ == 0) {
            for (int other = 0; other < n; other++) {
                if (pids[other] > 0) {
                    kill(pids[other], SIGKILL);
                }
            }
        }
    }
    fake_wireup_teardown();
    int left_behind = find_segments(true);
    assert_int_equal(failed, 0);
    assert_int_equal(left_behind, 0);
}

static void rank_init(mp_tl_recv_fn recv)
{
    memset(&info, 0, sizeof(info));
    info.rank = my_rank;
    info.size = nranks;
    info.local_rank = my_rank;
    info.local_size = nranks;
    info.local_ranks = malloc((size_t)nranks * sizeof(int));
    CHECK(info.local_ranks != NULL);
    for (int r = 0; r < nranks; r++) {
        info.local_ranks[r] = r;
    }
    snprintf(info.job_id, sizeof(info.job_id), "%s", job_id);
    CHECK_INT(tl->init(&info, recv), MP_OK);
}

static void rank_connect(void)
{
    mp_wireup_fence(true);
    for (int r = 0; r < nranks; r++) {
        eps[r] = tl->connect(r);
        if (r == my_rank) {
            CHECK(eps[r] == NULL);
            continue;
        }
        CHECK(eps[r] != NULL);
        CHECK(eps[r]->ops == tl);
        CHECK_INT(eps[r]->peer, r);
        CHECK_INT(eps[r]->max_payload, MP_SHM_CELL_PAYLOAD);
        CHECK(tl->connect(r) == eps[r]); /* connecting twice gives the same endpoint */
    }
}

static void rank_fini(void)
{
    mp_wireup_fence(false);
    tl->fini();
    free(info.local_ranks);
}

/* Sends, retrying after progress while the ring is full. */
static void send_all(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                     size_t len)
{
    mp_status_t status;
    while ((status = tl->send(ep, hdr, hdr_len, payload, len)) == MP_ERR_AGAIN) {
        tl->progress(NULL);
        sched_yield();
    }
    CHECK_INT(status, MP_OK);
}

static int progress_until(int *counter, int target)
{
    int calls = 0;
    while (*counter < target) {
        if (tl->progress(NULL) == 0) {
            sched_yield();
        }
        calls++;
    }
    return calls;
}

/* ---- sizes and order ------------------------------------------------------------------- */

#define STREAM_PACKETS 100000
static const size_t stream_sizes[] = {0, 1, 63, 64, 4095, MP_SHM_CELL_PAYLOAD};
static unsigned char pattern[MP_SHM_CELL_PAYLOAD + 256];
static int stream_received;

/* Packet k: every header length 0..64 with every size above and odd sizes in between, each
 * with contents shifted by k, so a lost, repeated or reordered packet shows. */
static size_t stream_hdr_len(int k)
{
    return (size_t)k % (MP_TL_HDR_MAX + 1);
}

static size_t stream_len(int k)
{
    return k % 7 == 6 ? (size_t)k * 7919 % (MP_SHM_CELL_PAYLOAD + 1) : stream_sizes[k % 6];
}

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (unsigned char)(i * 7 + i / 251);
    }
}

static void stream_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    int k = stream_received;
    CHECK_INT(src, 0);
    CHECK_INT(hdr_len, stream_hdr_len(k));
    CHECK_INT(len, stream_len(k));
    CHECK(memcmp(hdr, pattern + k % 241, hdr_len) == 0);
    CHECK(memcmp(payload, pattern + k % 251, len) == 0);
    stream_received++;
}

static void sizes_and_order_rank(void)
{
    fill_pattern();
    rank_init(stream_recv);
    rank_connect();
    if (my_rank == 0) {
        for (int k = 0; k < STREAM_PACKETS; k++) {
            send_all(eps[1], pattern + k % 241, stream_hdr_len(k), pattern + k % 251,
                     stream_len(k));
        }
        char log[1024];
        capture_begin();
        mp_status_t too_long_hdr = tl->send(eps[1], pattern, MP_TL_HDR_MAX + 1, NULL, 0);
        mp_status_t too_long = tl->send(eps[1], NULL, 0, pattern, MP_SHM_CELL_PAYLOAD + 1);
        capture_end(log, sizeof(log));
        CHECK_INT(too_long_hdr, MP_ERR_INVALID);
        CHECK_INT(too_long, MP_ERR_INVALID);
        CHECK_HAS(log, "too large");
    } else {
        progress_until(&stream_received, STREAM_PACKETS);
        CHECK_INT(tl->progress(NULL), 0);
    }
    rank_fini();
    CHECK_INT(stream_received, my_rank == 1 ? STREAM_PACKETS : 0);
}

static void test_sizes_and_order(void **state)
{
    (void)state;
    run_ranks(2, sizes_and_order_rank);
}

/* ---- full ring ------------------------------------------------------------------------- */

static uint32_t ids[4 * MP_SHM_RING_CELLS];
static int nids;

static void id_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    CHECK_INT(src, 0);
    CHECK_INT(hdr_len, sizeof(uint32_t));
    CHECK(nids < (int)(sizeof(ids) / sizeof(ids[0])));
    memcpy(&ids[nids], hdr, sizeof(uint32_t));
    CHECK_INT(len, ids[nids] % 100);
    for (size_t i = 0; i < len; i++) {
        CHECK_INT(((const unsigned char *)payload)[i], (unsigned char)(ids[nids] + i));
    }
    nids++;
}

static mp_status_t send_id(uint32_t id)
{
    unsigned char payload[100];
    for (size_t i = 0; i < sizeof(payload); i++) {
        payload[i] = (unsigned char)(id + i);
    }
    return tl->send(eps[1], &id, sizeof(id), payload, id % 100);
}

static bool may_deliver(int src, const void *hdr, size_t hdr_len);
static int64_t refused_id = -1;

/* The ring takes exactly MP_SHM_RING_CELLS packets; then sends fail with MP_ERR_AGAIN until the
 * receiver frees cells, one cell freed letting exactly one more packet in. */
static void full_ring_rank(void)
{
    rank_init(id_recv);
    rank_connect();
    const uint32_t cells = MP_SHM_RING_CELLS;
    if (my_rank == 0) {
        for (uint32_t id = 0; id < cells; id++) {
            CHECK_INT(send_id(id), MP_OK);
        }
        CHECK_INT(send_id(cells), MP_ERR_AGAIN);
        CHECK_INT(send_id(cells), MP_ERR_AGAIN);
        mp_wireup_fence(false); /* A: the ring is full */
        mp_wireup_fence(false); /* B: rank 1 took one packet */
        CHECK_INT(send_id(cells), MP_OK);
        CHECK_INT(send_id(cells + 1), MP_ERR_AGAIN);
        mp_wireup_fence(false); /* C */
        mp_wireup_fence(false); /* D: rank 1 drained the ring */
        for (uint32_t id = cells + 1; id < 2 * cells + 1; id++) {
            CHECK_INT(send_id(id), MP_OK);
        }
        CHECK_INT(send_id(2 * cells + 1), MP_ERR_AGAIN);
        mp_wireup_fence(false); /* E */
    } else {
        mp_wireup_fence(false); /* A */
        refused_id = 1;
        CHECK_INT(tl->progress(may_deliver), 1);
        refused_id = -1;
        mp_wireup_fence(false); /* B */
        mp_wireup_fence(false); /* C */
        /* A progress call takes at most a burst from one ring. */
        CHECK_INT(tl->progress(NULL), MP_SHM_POLL_BURST < cells ? MP_SHM_POLL_BURST : cells);
        progress_until(&nids, (int)cells + 1);
        CHECK_INT(tl->progress(NULL), 0);
        mp_wireup_fence(false); /* D */
        mp_wireup_fence(false); /* E */
        progress_until(&nids, 2 * (int)cells + 1);
        CHECK_INT(tl->progress(NULL), 0);
        for (int i = 0; i < nids; i++) {
            CHECK_INT(ids[i], i);
        }
    }
    rank_fini();
}

static void test_full_ring_again(void **state)
{
    (void)state;
    run_ranks(2, full_ring_rank);
}

/* ---- ring sizes -------------------------------------------------------------------------- */

/* Rings keep MP_SHM_RING_CELLS cells up to 32 of them in a segment, then halve so that a
 * segment holds about MP_SHM_SEGMENT_CELLS cells, down to MP_SHM_RING_CELLS_MIN. */
static void test_ring_cells(void **state)
{
    (void)state;
    const int nrings[] = {1, 7, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 4095};
    const uint32_t cells[] = {32, 32, 32, 16, 16, 16, 8, 8, 8, 4, 4, 4, 4, 4};
    for (size_t i = 0; i < sizeof(nrings) / sizeof(nrings[0]); i++) {
        assert_int_equal(mp_shm_ring_cells(nrings[i]), cells[i]);
    }
    /* A segment of a 256-rank node's rank: its rings take about 8.5 MB, not 66 MB. */
    size_t rings = mp_shm_segment_size(255) - mp_shm_segment_rings_offset(255);
    assert_int_equal(rings, 255 * mp_shm_ring_size(4));
    assert_true(rings < 9 * 1024 * 1024);
}

/* A ring of the fewest cells, both ends in this process: it takes exactly that many packets,
 * one freed cell lets exactly one more in (the sender's batch look-ahead never passes the
 * ring), and positions stay in order over many laps. */
static void test_small_ring(void **state)
{
    (void)state;
    const uint32_t cells = MP_SHM_RING_CELLS_MIN;
    void *mem = NULL;
    assert_int_equal(posix_memalign(&mem, MP_SHM_CACHE_LINE, mp_shm_ring_size(cells)), 0);
    mp_shm_ring_init(mem, cells);
    mp_shm_ring_t tx = {.cells = mem, .mask = cells - 1}, rx = tx;
    uint32_t sent = 0, got = 0;
    for (int lap = 0; lap < 50; lap++) {
        mp_shm_cell_t *cell;
        while ((cell = mp_shm_ring_reserve(&tx)) != NULL) {
            cell->len = sent++;
            mp_shm_ring_publish(&tx, cell);
        }
        assert_int_equal(sent - got, cells); /* full: exactly the ring's cells */
        int take = 1 + lap % (int)cells;
        for (int i = 0; i < take; i++) {
            cell = mp_shm_ring_peek(&rx);
            assert_non_null(cell);
            assert_int_equal(cell->len, got++);
            mp_shm_ring_release(&rx, cell);
        }
        if (take == 1) {
            cell = mp_shm_ring_reserve(&tx);
            assert_non_null(cell); /* the one freed cell */
            cell->len = sent++;
            mp_shm_ring_publish(&tx, cell);
            assert_null(mp_shm_ring_reserve(&tx));
        }
    }
    while (got < sent) {
        mp_shm_cell_t *cell = mp_shm_ring_peek(&rx);
        assert_non_null(cell);
        assert_int_equal(cell->len, got++);
        mp_shm_ring_release(&rx, cell);
    }
    assert_null(mp_shm_ring_peek(&rx));
    free(mem);
}

/* ---- flow control ---------------------------------------------------------------------- */

static int asked;

static bool may_deliver(int src, const void *hdr, size_t hdr_len)
{
    uint32_t id;
    CHECK_INT(src, 0);
    CHECK_INT(hdr_len, sizeof(id));
    memcpy(&id, hdr, sizeof(id));
    CHECK_INT(id, nids); /* asked in order, about the next packet only */
    asked++;
    return (int64_t)id != refused_id;
}

static void may_deliver_rank(void)
{
    rank_init(id_recv);
    rank_connect();
    if (my_rank == 0) {
        for (uint32_t id = 0; id < 5; id++) {
            CHECK_INT(send_id(id), MP_OK);
        }
        mp_wireup_fence(false); /* A: five packets wait */
    } else {
        mp_wireup_fence(false); /* A */
        refused_id = 2;
        CHECK_INT(tl->progress(may_deliver), 2);
        CHECK_INT(nids, 2);
        CHECK_INT(asked, 3);
        CHECK_INT(tl->progress(may_deliver), 0); /* still refused, still there */
        CHECK_INT(asked, 4);
        refused_id = -1;
        CHECK_INT(tl->progress(may_deliver), 3);
        CHECK_INT(asked, 7);
        CHECK_INT(nids, 5);
        for (int i = 0; i < nids; i++) {
            CHECK_INT(ids[i], i);
        }
    }
    rank_fini();
}

static void test_may_deliver(void **state)
{
    (void)state;
    run_ranks(2, may_deliver_rank);
}

/* ---- one peer's next packet (poll_ep) -------------------------------------------------- */

static bool take_refused;

/* poll_ep's consumer: records the packet like id_recv, unless told to refuse it. */
static bool take_id(void *arg, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    CHECK(arg == &take_refused);
    if (take_refused) {
        return false;
    }
    id_recv(0, hdr, hdr_len, payload, len);
    return true;
}

/* The packets of one peer, offered one at a time in order: one refused stays first in line,
 * one taken is gone, and progress delivers the rest in order. */
static void poll_ep_rank(void)
{
    rank_init(id_recv);
    rank_connect();
    if (my_rank == 0) {
        mp_wireup_fence(false); /* A: nothing sent yet */
        for (uint32_t id = 0; id < 5; id++) {
            CHECK_INT(send_id(id), MP_OK);
        }
        mp_wireup_fence(false); /* B: five packets wait */
    } else {
        CHECK(tl->poll_ep != NULL);
        CHECK_INT(tl->poll_ep(eps[0], take_id, &take_refused), MP_TL_OFFER_NONE);
        mp_wireup_fence(false); /* A */
        mp_wireup_fence(false); /* B */
        take_refused = true;
        CHECK_INT(tl->poll_ep(eps[0], take_id, &take_refused), MP_TL_OFFER_DECLINED);
        CHECK_INT(nids, 0);
        take_refused = false;
        CHECK_INT(tl->poll_ep(eps[0], take_id, &take_refused), MP_TL_OFFER_TAKEN);
        CHECK_INT(tl->poll_ep(eps[0], take_id, &take_refused), MP_TL_OFFER_TAKEN);
        CHECK_INT(nids, 2);
        CHECK_INT(tl->progress(NULL), 3);
        CHECK_INT(tl->poll_ep(eps[0], take_id, &take_refused), MP_TL_OFFER_NONE);
        CHECK_INT(nids, 5);
        for (int i = 0; i < nids; i++) {
            CHECK_INT(ids[i], i);
        }
    }
    rank_fini();
}

static void test_poll_ep(void **state)
{
    (void)state;
    run_ranks(2, poll_ep_rank);
}

/* ---- the callback sends ---------------------------------------------------------------- */

static int pongs;

static void ping_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    (void)payload;
    CHECK_INT(hdr_len, 1);
    CHECK_INT(len, 0);
    if (*(const char *)hdr == 'p') {
        CHECK_INT(src, 0);
        CHECK_INT(tl->progress(NULL), 0); /* nested progress delivers nothing */
        CHECK_INT(tl->send(eps[0], "P", 1, NULL, 0), MP_OK);
    } else {
        CHECK_INT(src, 1);
        CHECK_INT(*(const char *)hdr, 'P');
    }
    pongs++;
}

static void callback_sends_rank(void)
{
    rank_init(ping_recv);
    rank_connect();
    if (my_rank == 0) {
        for (int i = 0; i < 100; i++) {
            send_all(eps[1], "p", 1, NULL, 0);
            progress_until(&pongs, i + 1);
        }
    } else {
        progress_until(&pongs, 100);
    }
    rank_fini();
    CHECK_INT(pongs, 100);
}

static void test_callback_sends(void **state)
{
    (void)state;
    run_ranks(2, callback_sends_rank);
}

/* ---- everyone to everyone -------------------------------------------------------------- */

#define A2A_PACKETS 20000
static int a2a_next[MAX_RANKS]; /* the next packet expected from each rank */
static int a2a_received;

static unsigned char a2a_byte(int src, int k, size_t i)
{
    return (unsigned char)(src * 31 + k + (int)i);
}

static void a2a_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    int32_t h[2];
    CHECK_INT(hdr_len, sizeof(h));
    memcpy(h, hdr, sizeof(h));
    CHECK_INT(h[0], src);
    CHECK_INT(h[1], a2a_next[src]);
    CHECK_INT(len, h[1] % 301);
    for (size_t i = 0; i < len; i++) {
        CHECK_INT(((const unsigned char *)payload)[i], a2a_byte(src, h[1], i));
    }
    a2a_next[src]++;
    a2a_received++;
}

static void all_to_all_rank(void)
{
    rank_init(a2a_recv);
    rank_connect();
    int sent[MAX_RANKS] = {0};
    int total_sent = 0;
    const int target = A2A_PACKETS * (nranks - 1);
    unsigned char payload[301];
    while (total_sent < target || a2a_received < target) {
        int done = 0;
        for (int peer = 0; peer < nranks; peer++) {
            if (peer == my_rank || sent[peer] == A2A_PACKETS) {
                continue;
            }
            int32_t h[2] = {my_rank, sent[peer]};
            size_t len = (size_t)sent[peer] % 301;
            for (size_t i = 0; i < len; i++) {
                payload[i] = a2a_byte(my_rank, sent[peer], i);
            }
            mp_status_t status = tl->send(eps[peer], h, sizeof(h), payload, len);
            if (status == MP_OK) {
                sent[peer]++;
                total_sent++;
                done++;
            } else {
                CHECK_INT(status, MP_ERR_AGAIN);
            }
        }
        done += tl->progress(NULL);
        if (done == 0) {
            sched_yield();
        }
    }
    rank_fini();
    for (int peer = 0; peer < nranks; peer++) {
        CHECK_INT(a2a_next[peer], peer == my_rank ? 0 : A2A_PACKETS);
    }
}

static void test_all_to_all(void **state)
{
    (void)state;
    run_ranks(4, all_to_all_rank);
}

/* ---- sleeping -------------------------------------------------------------------------- */

static int count_received;

static void count_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    (void)hdr;
    (void)payload;
    CHECK_INT(src, 1 - my_rank);
    CHECK_INT(hdr_len, 8);
    CHECK_INT(len, 0);
    count_received++;
}

static void sleep_wake_rank(void)
{
    const uint64_t word = 42;
    rank_init(count_recv);
    rank_connect();
    if (my_rank == 0) {
        /* Sends to an awake peer make no system call. */
        for (int i = 0; i < 100; i++) {
            send_all(eps[1], &word, 8, NULL, 0);
        }
        /* Fence A. */
        mp_wireup_fence(false);
        CHECK_INT(mp_shm_wakeups(), 0);
        send_all(eps[1], &word, 8, NULL, 0);
        /* Fence B: rank 1 saw it in sleep_prepare. */
        mp_wireup_fence(false);
        /* Fence C. */
        mp_wireup_fence(false);
        send_all(eps[1], &word, 8, NULL, 0);
        /* The failed sleep_prepare took its announcement back. */
        CHECK_INT(mp_shm_wakeups(), 0);
        /* Fence D: rank 1 is about to sleep. */
        mp_wireup_fence(false);
        usleep(100000);
        send_all(eps[1], &word, 8, NULL, 0);
        send_all(eps[1], &word, 8, NULL, 0);
        /* Only the first send rings. */
        CHECK_INT(mp_shm_wakeups(), 1);
        /* Fence E: rank 1 woke. */
        mp_wireup_fence(false);
        /* Fence F: rank 1 slept until its time-out. */
        mp_wireup_fence(false);
        send_all(eps[1], &word, 8, NULL, 0);
        /* sleep_done took the announcement back. */
        CHECK_INT(mp_shm_wakeups(), 1);
    } else {
        progress_until(&count_received, 100);
        /* Fence A. */
        mp_wireup_fence(false);
        /* Fence B. */
        mp_wireup_fence(false);
        /* A packet is waiting. */
        CHECK(!tl->sleep_prepare());
        CHECK_INT(tl->progress(NULL), 1);
        /* Fence C. */
        mp_wireup_fence(false);
        progress_until(&count_received, 102);
        CHECK(tl->sleep_prepare());
        /* Fence D. */
        mp_wireup_fence(false);
        double t0 = now_s();
        tl->sleep_wait(10 * 1000000000ull);
        double woken = now_s() - t0;
        tl->sleep_done();
        CHECK(tl->progress(NULL) >= 1); /* already there when the sleep ended */
        if (woken >= 0.5) {
            fprintf(stderr, "woken after %.3f s\n", woken);
        }
        CHECK(woken < 0.5);
        progress_until(&count_received, 104);
        /* Fence E. */
        mp_wireup_fence(false);
        CHECK(tl->sleep_prepare());
        t0 = now_s();
        tl->sleep_wait(200 * 1000000ull);
        double slept = now_s() - t0;
        tl->sleep_done();
        CHECK(slept >= 0.2 && slept < 2.0);
        CHECK_INT(tl->progress(NULL), 0);
        /* Fence F. */
        mp_wireup_fence(false);
        progress_until(&count_received, 105);
    }
    rank_fini();
}

static void test_sleep_wake(void **state)
{
    (void)state;
    run_ranks(2, sleep_wake_rank);
}

/* ---- node memory ----------------------------------------------------------------------- */

/* Every rank sees every rank's node memory, zeroed, at its own address but with the same
 * contents; a store there followed by node_wake wakes a peer that sleeps, and only then. */
static void node_memory_rank(void)
{
    rank_init(count_recv);
    rank_connect();
    size_t size = mp_tl_node_area_size(nranks);
    for (int r = 0; r < nranks; r++) {
        unsigned char *a = tl->node_area(r);
        CHECK(a != NULL);
        bool zero = true;
        for (size_t i = 0; i < size; i++) {
            zero = zero && a[i] == 0;
        }
        CHECK(zero);
    }
    CHECK(tl->node_area(nranks) == NULL);
    CHECK(tl->node_area(-1) == NULL);
    mp_wireup_fence(false);
    /* Each rank writes its own region's last word. */
    _Atomic uint64_t *mine = (_Atomic uint64_t *)(tl->node_area(my_rank) + size - 8);
    atomic_store(mine, 1000u + (unsigned)my_rank);
    mp_wireup_fence(false);
    for (int r = 0; r < nranks; r++) {
        _Atomic uint64_t *w = (_Atomic uint64_t *)(tl->node_area(r) + size - 8);
        CHECK_INT(atomic_load(w), 1000 + r);
    }
    mp_wireup_fence(false);
    if (my_rank == 0) {
        /* A peer awake: no system call. */
        tl->node_wake(1);
        CHECK_INT(mp_shm_wakeups(), 0);
        /* Fence A. */
        mp_wireup_fence(false);
        /* Fence B: rank 1 is about to sleep. */
        mp_wireup_fence(false);
        usleep(100000);
        atomic_store(mine, 7);
        tl->node_wake(1);
        CHECK_INT(mp_shm_wakeups(), 1);
    } else if (my_rank == 1) {
        /* Fence A. */
        mp_wireup_fence(false);
        CHECK(tl->sleep_prepare());
        /* Fence B. */
        mp_wireup_fence(false);
        double t0 = now_s();
        tl->sleep_wait(10 * 1000000000ull);
        double woken = now_s() - t0;
        tl->sleep_done();
        CHECK(woken < 0.5);
        _Atomic uint64_t *w0 = (_Atomic uint64_t *)(tl->node_area(0) + size - 8);
        CHECK_INT(atomic_load(w0), 7);
    } else {
        mp_wireup_fence(false);
        mp_wireup_fence(false);
    }
    rank_fini();
}

static void test_node_memory(void **state)
{
    (void)state;
    run_ranks(3, node_memory_rank);
}

/* ---- single copy ----------------------------------------------------------------------- */

#define CMA_LEN ((1u << 20) + 3)
static uint64_t cma_msg[3]; /* rank 1's buffer address, pid, and a half-mapped buffer */
static int cma_announced;

static void cma_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    (void)payload;
    CHECK_INT(src, 1);
    CHECK_INT(hdr_len, sizeof(cma_msg));
    CHECK_INT(len, 0);
    memcpy(cma_msg, hdr, sizeof(cma_msg));
    cma_announced++;
}

static unsigned char cma_byte(size_t i)
{
    return (unsigned char)(i * 13 + i / 4096);
}

/* Whether this kernel lets the test itself read the peer, independently of the transport. */
static bool kernel_permits_cma(pid_t pid, uint64_t addr)
{
    unsigned char byte = 0;
    struct iovec local = {.iov_base = &byte, .iov_len = 1};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = 1};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == 1 && byte == cma_byte(0);
}

/* Rank 1 announces a buffer; rank 0 reads it, whole and in part, by single copy. */
static void single_copy_rank(void)
{
    rank_init(cma_recv);
    rank_connect();
    if (my_rank == 1) {
        unsigned char *buf = malloc(CMA_LEN);
        CHECK(buf != NULL);
        for (size_t i = 0; i < CMA_LEN; i++) {
            buf[i] = cma_byte(i);
        }
        /* Two pages of which only the first is mapped: a read across both stops short. */
        long page = sysconf(_SC_PAGESIZE);
        unsigned char *half = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(half != MAP_FAILED);
        CHECK_INT(munmap(half + page, (size_t)page), 0);
        memset(half, 0xab, (size_t)page);
        uint64_t msg[3] = {(uint64_t)(uintptr_t)buf, (uint64_t)getpid(), (uint64_t)(uintptr_t)half};
        CHECK_INT(tl->send(eps[0], msg, sizeof(msg), NULL, 0), MP_OK);
        mp_wireup_fence(false); /* A: rank 0 read it */
        free(buf);
        munmap(half, (size_t)page);
        rank_fini();
        return;
    }
    progress_until(&cma_announced, 1);
    uint64_t remote = cma_msg[0];
    if (!kernel_permits_cma((pid_t)cma_msg[1], remote)) {
        fprintf(stderr, "this kernel refuses process_vm_readv: only the fallback is checked\n");
        CHECK(!eps[1]->can_get);
        mp_wireup_fence(false); /* A */
        rank_fini();
        return;
    }
    CHECK(eps[1]->can_get);
    unsigned char *copy = calloc(1, CMA_LEN + 8);
    CHECK(copy != NULL);
    CHECK_INT(tl->get(eps[1], copy, remote, CMA_LEN), MP_OK);
    for (size_t i = 0; i < CMA_LEN; i++) {
        CHECK_INT(copy[i], cma_byte(i));
    }
    memset(copy, 0, CMA_LEN + 8);
    CHECK_INT(tl->get(eps[1], copy + 3, remote + 4093, 5000), MP_OK);
    CHECK_INT(copy[2], 0);
    for (size_t i = 0; i < 5000; i++) {
        CHECK_INT(copy[3 + i], cma_byte(4093 + i));
    }
    CHECK_INT(copy[5003], 0);
    CHECK_INT(tl->get(eps[1], copy, remote, 0), MP_OK);

    char log[1024];
    capture_begin();
    mp_status_t unmapped = tl->get(eps[1], copy, 4096, 16);
    capture_end(log, sizeof(log));
    CHECK_INT(unmapped, MP_ERR_SYSCALL);
    CHECK_HAS(log, "process_vm_readv of 16 bytes at 0x1000 of rank 1");
    long page = sysconf(_SC_PAGESIZE);
    memset(copy, 0, CMA_LEN);
    capture_begin();
    mp_status_t partial = tl->get(eps[1], copy, cma_msg[2], 2 * (size_t)page);
    capture_end(log, sizeof(log));
    CHECK_INT(partial, MP_ERR_SYSCALL);
    CHECK_INT(copy[0], 0xab);
    CHECK_INT(copy[page - 1], 0xab);
    char expected[64];
    snprintf(expected, sizeof(expected), "failed after %ld bytes", page);
    CHECK_HAS(log, expected);
    free(copy);
    mp_wireup_fence(false); /* A */
    rank_fini();
}

static void test_single_copy(void **state)
{
    (void)state;
    run_ranks(2, single_copy_rank);
}

static void single_copy_off_rank(void)
{
    setenv("MP_SHM_SINGLE_COPY", "0", 1);
    rank_init(count_recv);
    rank_connect();
    int peer = 1 - my_rank;
    CHECK(!eps[peer]->can_get);
    char log[1024];
    unsigned char byte;
    capture_begin();
    mp_status_t status = tl->get(eps[peer], &byte, (uint64_t)(uintptr_t)&byte, 1);
    capture_end(log, sizeof(log));
    CHECK_INT(status, MP_ERR_INVALID);
    CHECK_HAS(log, "no single-copy path");
    rank_fini();
}

static void test_single_copy_off(void **state)
{
    (void)state;
    run_ranks(2, single_copy_off_rank);
}

/* ---- nothing left in /dev/shm ---------------------------------------------------------- */

static int ring_received;

static void ring_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    CHECK_INT(src, (my_rank + nranks - 1) % nranks);
    CHECK_INT(hdr_len, 4);
    CHECK_INT(len, 5);
    CHECK(memcmp(hdr, "ring", 4) == 0);
    CHECK(memcmp(payload, "token", 5) == 0);
    ring_received++;
}

static void no_leftovers_rank(void)
{
    rank_init(ring_recv);
    char path[MP_SHM_NAME_MAX + 16];
    segment_path(path, sizeof(path), my_rank);
    struct stat st;
    CHECK_INT(stat(path, &st), 0);
    CHECK_INT(st.st_mode & 07777, 0600);
    CHECK_INT(st.st_size, mp_shm_segment_size(nranks - 1));
    mp_wireup_fence(false); /* A: every segment exists */
    CHECK_INT(count_segments(), nranks);
    rank_connect();         /* (a fence, then connect) */
    mp_wireup_fence(false); /* B: every segment has been mapped by every peer */
    CHECK_INT(count_segments(), 0);
    /* The rings work on after their names are gone. */
    send_all(eps[(my_rank + 1) % nranks], "ring", 4, "token", 5);
    progress_until(&ring_received, 1);
    rank_fini();
    CHECK_INT(count_segments(), 0);
}

static void test_no_leftovers(void **state)
{
    (void)state;
    run_ranks(3, no_leftovers_rank);
}

/* Rank 0 never connects to rank 1: rank 1's name stays until its fini removes it. */
static void unlinked_at_fini_rank(void)
{
    rank_init(count_recv);
    mp_wireup_fence(true);
    if (my_rank == 1) {
        CHECK(tl->connect(0) != NULL);
    }
    mp_wireup_fence(false);
    char path[MP_SHM_NAME_MAX + 16];
    segment_path(path, sizeof(path), 1);
    CHECK_INT(count_segments(), 1);
    CHECK_INT(access(path, F_OK), 0);
    mp_wireup_fence(false);
    tl->fini();
    free(info.local_ranks);
}

static void test_unlinked_at_fini(void **state)
{
    (void)state;
    run_ranks(2, unlinked_at_fini_rank);
}

/* A rank alone on its node creates nothing and reaches nobody. */
static void single_rank_rank(void)
{
    rank_init(count_recv);
    CHECK_INT(count_segments(), 0);
    CHECK(tl->connect(0) == NULL);
    CHECK(tl->connect(1) == NULL);
    CHECK_INT(tl->progress(NULL), 0);
    CHECK(tl->sleep_prepare());
    double t0 = now_s();
    tl->sleep_wait(1000000);
    CHECK(now_s() - t0 >= 0.001);
    tl->sleep_done();
    tl->fini();
    free(info.local_ranks);
}

static void test_single_rank(void **state)
{
    (void)state;
    run_ranks(1, single_rank_rank);
}

/* ---- foreign segments and cards -------------------------------------------------------- */

typedef enum { SEG_MAGIC, SEG_VERSION, CARD_VERSION } tamper_t;
static tamper_t tamper;

/* Rank 0 finds rank 1's segment or card altered and refuses it; rank 1 still reaches rank 0. */
static void mismatch_rank(void)
{
    rank_init(count_recv);
    if (my_rank == 1 && tamper == CARD_VERSION) {
        void *data;
        size_t len;
        CHECK_INT(mp_wireup_card_get(1, MP_SHM_CARD_KEY, &data, &len), MP_OK);
        CHECK_INT(len, sizeof(mp_shm_card_t));
        ((mp_shm_card_t *)data)->version = 99;
        CHECK_INT(mp_wireup_card_put(MP_SHM_CARD_KEY, data, len), MP_OK);
        free(data);
    }
    mp_wireup_fence(true);
    if (my_rank == 1) {
        CHECK(tl->connect(0) != NULL);
        rank_fini();
        return;
    }
    if (tamper != CARD_VERSION) {
        char name[MP_SHM_NAME_MAX];
        mp_shm_segment_name(name, job_id, 1);
        int fd = shm_open(name, O_RDWR, 0);
        CHECK(fd >= 0);
        uint64_t magic = 0x1234;
        uint32_t version = 7;
        if (tamper == SEG_MAGIC) {
            CHECK_INT(pwrite(fd, &magic, sizeof(magic), offsetof(mp_shm_seg_hdr_t, magic)), 8);
        } else {
            CHECK_INT(pwrite(fd, &version, sizeof(version), offsetof(mp_shm_seg_hdr_t, version)),
                      4);
        }
        close(fd);
    }
    char log[1024];
    capture_begin();
    mp_tl_ep_t *ep = tl->connect(1);
    capture_end(log, sizeof(log));
    CHECK(ep == NULL);
    if (tamper == SEG_MAGIC) {
        CHECK_HAS(log, "libmp: rank 0: shm: the segment /dev/shm");
        CHECK_HAS(log, "of rank 1 has magic 0x0000000000001234, expected 0x314d48535f504d4c");
    } else if (tamper == SEG_VERSION) {
        char want[128];
        snprintf(want, sizeof(want), "of rank 1 has version 7, this libmp has version %u",
                 MP_SHM_VERSION);
        CHECK_HAS(log, want);
    } else {
        char want[128];
        snprintf(want, sizeof(want), "the card of rank 1 has version 99, this libmp has version %u",
                 MP_SHM_VERSION);
        CHECK_HAS(log, want);
    }
    rank_fini();
}

static void test_segment_magic_mismatch(void **state)
{
    (void)state;
    tamper = SEG_MAGIC;
    run_ranks(2, mismatch_rank);
}

static void test_segment_version_mismatch(void **state)
{
    (void)state;
    tamper = SEG_VERSION;
    run_ranks(2, mismatch_rank);
}

static void test_card_version_mismatch(void **state)
{
    (void)state;
    tamper = CARD_VERSION;
    run_ranks(2, mismatch_rank);
}

/* ---- names ----------------------------------------------------------------------------- */

static void test_segment_names(void **state)
{
    (void)state;
    char name[MP_SHM_NAME_MAX];
    mp_shm_segment_name(name, "prterun-host-123@1/x", 7);
    assert_string_equal(name, "/libmp.prterun-host-123@1_x.7");
    char long_id[300];
    memset(long_id, 'j', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    mp_shm_segment_name(name, long_id, 12);
    assert_true(strlen(name) <= 255);
    assert_string_equal(name + strlen(name) - 3, ".12");
    assert_int_equal(strncmp(name, "/libmp.jjjj", 11), 0);
    char other[MP_SHM_NAME_MAX];
    long_id[298] = 'k'; /* differs only beyond the part kept as it is */
    mp_shm_segment_name(other, long_id, 12);
    assert_string_not_equal(name, other);
}

/* Rank 1 sleeps on the pollable doorbell (as a rank with tcp peers too does), rank 2 on the
 * futex; one send to each wakes each, and the doorbell is empty again at the next sleep. */
static void bell_recv(int src, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    (void)payload;
    CHECK_INT(src, 0);
    CHECK_INT(hdr_len, 8);
    CHECK_INT(len, 0);
    CHECK_INT(*(const uint64_t *)hdr, 43);
    count_received++;
}

static void sleep_bell_rank(void)
{
    const uint64_t word = 43;
    int fd = -1;
    rank_init(bell_recv);
    rank_connect();
    if (my_rank == 1) {
        fd = tl->sleep_fd();
        CHECK(fd >= 0);
        CHECK_INT(tl->sleep_fd(), fd);
    }
    /* Fence A: rank 1 has its doorbell. */
    mp_wireup_fence(false);
    if (my_rank != 0) {
        CHECK(tl->sleep_prepare());
    }
    /* Fence B: ranks 1 and 2 are about to sleep. */
    mp_wireup_fence(false);
    if (my_rank == 0) {
        usleep(100000);
        send_all(eps[1], &word, 8, NULL, 0);
        send_all(eps[2], &word, 8, NULL, 0);
        CHECK_INT(mp_shm_wakeups(), 2);
    } else if (my_rank == 1) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        double t0 = now_s();
        int ready = poll(&pfd, 1, 10000);
        double woken = now_s() - t0;
        tl->sleep_done();
        CHECK_INT(ready, 1);
        CHECK(woken < 0.5);
        progress_until(&count_received, 1);
        /* The next sleep starts with a quiet doorbell. */
        CHECK(tl->sleep_prepare());
        CHECK_INT(poll(&pfd, 1, 0), 0);
        tl->sleep_done();
    } else {
        double t0 = now_s();
        tl->sleep_wait(10 * 1000000000ull);
        double woken = now_s() - t0;
        tl->sleep_done();
        CHECK(woken < 0.5);
        progress_until(&count_received, 1);
    }
    /* Fence C. */
    mp_wireup_fence(false);
    rank_fini();
}

static void test_sleep_bell(void **state)
{
    (void)state;
    run_ranks(3, sleep_bell_rank);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_names),
        cmocka_unit_test(test_sizes_and_order),
        cmocka_unit_test(test_full_ring_again),
        cmocka_unit_test(test_ring_cells),
        cmocka_unit_test(test_small_ring),
        cmocka_unit_test(test_may_deliver),
        cmocka_unit_test(test_poll_ep),
        cmocka_unit_test(test_callback_sends),
        cmocka_unit_test(test_all_to_all),
        cmocka_unit_test(test_sleep_wake),
        cmocka_unit_test(test_single_copy),
        cmocka_unit_test(test_single_copy_off),
        cmocka_unit_test(test_no_leftovers),
        cmocka_unit_test(test_unlinked_at_fini),
        cmocka_unit_test(test_single_rank),
        cmocka_unit_test(test_segment_magic_mismatch),
        cmocka_unit_test(test_node_memory),
        cmocka_unit_test(test_sleep_bell),
        cmocka_unit_test(test_segment_version_mismatch),
        cmocka_unit_test(test_card_version_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
