/*
 * The node memory of the collectives' fast paths: its layout, the choice of communicators that
 * use it, and the steps (take a slot, post, wait, acknowledge) the algorithms are made of.
 */
#include "coll/shm.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/lock.h"
#include "core/settings.h"
#include "pt2pt/node.h"
#include "pt2pt/progress.h"

#define LINE 64
#define NSLOTS MP_COLL_SHM_SLOTS
/* Lines of the queue from one rank to another: how far a root may run ahead of a slow rank
 * (with more ranks than cores, a rank runs a while, then waits for a core). */
#define DEPTH 64
/* Posts take whole units of the queue, one for a header and up to 8 bytes of data, and never
 * cross a line: 8-byte posts go four to a line, and the consumer of a run of them misses once
 * per four (slot 8-byte broadcasts: 0.052 against 0.065 us a call, two to a line). */
#define UNIT 16
#define UNITS (DEPTH * LINE / UNIT) /* of a queue */
#define LINE_UNITS (LINE / UNIT)
/* The length of a skip: a post that fills the rest of its line, which nobody sees. */
#define SKIP_LEN 0xffffu
#define NOT_WAITING 0

_Static_assert(sizeof(mp_coll_shm_post_t) == 8, "a post's header is 8 bytes");
_Static_assert((sizeof(mp_coll_shm_post_t) + MP_COLL_SHM_INLINE + UNIT - 1) / UNIT <= LINE_UNITS,
               "a post fits a line");

/*
 * The layout of one local rank's node memory, with N local ranks; all of it is written by its
 * owner only and read by the others:
 *
 *   waiting   _Atomic uint64_t, a line of its own: what the owner waits for once it is
 *             about to sleep in mp_progress_wait: count << 8 | (w + 1), local rank w's post
 *             number count to it or w's count of its posts consumed; NOT_WAITING (0) when it
 *             waits for nothing of node memory, or only spins. A rank whose post or
 *             acknowledgement brings its count there wakes the owner; no other does.
 *   readable  four _Atomic uint64_t, a line of their own, written once, when the owner first
 *             looks at node memory: a mask of the local ranks whose memory the owner may copy
 *             from in one copy (mp_pt2pt_node_can_get); 1 once the others are there; 1 if
 *             the owner shares its cores with other ranks (mp_progress_cores_shared), else 0;
 *             1 if the owner takes the fast paths, 0 if it does not (MPI_THREAD_MULTIPLE, or
 *             MP_COLL_SHM=0 in its environment), so that a communicator with such a rank
 *             takes point to point on every rank.
 *   seen[N]   _Atomic uint64_t, from the third line on: seen[w] = posts of w consumed so
 *             far. Read by w before it reuses a queue entry or a slot.
 *   queue     N * DEPTH lines: the queue to local rank d is DEPTH lines from line d * DEPTH,
 *             UNITS units of UNIT bytes; post after post, each in whole units of one line,
 *             from unit 0 on and around. A post's header bears its number, and the header
 *             where the next post will go bears the number of the last (see post_publish).
 *   slot[NSLOTS]  MP_COLL_SHM_SLOT_BYTES of data each.
 *
 * The segment that holds it has a magic and a version (transport/shm/segment.h); a change of
 * this layout changes that version.
 */

static struct {
    int state;                                  /* 0: not looked at yet, 1: usable, -1: not */
    int n;                                      /* local ranks */
    int me;                                     /* my local index */
    size_t seen_off, queue_off, slot_off;       /* offsets in node memory */
    unsigned char *area[MP_COLL_SHM_MAX_RANKS]; /* each local rank's node memory */
    uint64_t posted[MP_COLL_SHM_MAX_RANKS];     /* my posts to each local rank */
    uint64_t consumed[MP_COLL_SHM_MAX_RANKS];   /* each local rank's posts I consumed */
    uint64_t put_at[MP_COLL_SHM_MAX_RANKS];     /* the unit of my next post to each, from 0 on */
    uint64_t take_at[MP_COLL_SHM_MAX_RANKS];    /* the unit of each one's next post to me */
    /* The first unit of each of my last UNITS posts to each rank (post k at k % UNITS), and
     * up to where its queue is known to have room. */
    uint64_t starts[MP_COLL_SHM_MAX_RANKS][UNITS];
    uint64_t room[MP_COLL_SHM_MAX_RANKS];
    uint64_t seen_known[MP_COLL_SHM_MAX_RANKS]; /* the last seen[me] I read of each */
    /* Slot s is free again once seen[me] of every rank d in need[s] reached need_count[s][d]. */
    uint64_t need[NSLOTS];
    uint64_t need_count[NSLOTS][MP_COLL_SHM_MAX_RANKS];
    int next_slot;
    size_t bcast_max; /* MP_COLL_SHM_BCAST_MAX */
    size_t copy_min;  /* MP_COLL_SHM_COPY_MIN, or SIZE_MAX when unset */
    uint64_t known;   /* local ranks whose readable line I have copied below */
    uint64_t readable[MP_COLL_SHM_MAX_RANKS]; /* each one's mask */
    uint64_t shared;                          /* local ranks that share their cores */
    uint64_t off;                             /* local ranks that take no fast path */
} node;

/* The scratch memory of the single-copy reductions: kept from call to call, as fresh pages
 * for every large call cost more than the reduction itself (a fault per page). */
static struct {
    unsigned char *buf;
    size_t size;
} scratch;

static _Atomic uint64_t *waiting_word(int owner)
{
    return (_Atomic uint64_t *)node.area[owner];
}

/* Word i of owner's readable line (see the layout). */
static _Atomic uint64_t *readable_word(int owner, int i)
{
    return (_Atomic uint64_t *)(node.area[owner] + LINE) + i;
}

static _Atomic uint64_t *seen_word(int owner, int w)
{
    return (_Atomic uint64_t *)(node.area[owner] + node.seen_off) + w;
}

/* The post at unit at (counted from 0 on, around and around) of owner's queue to d. */
static mp_coll_shm_post_t *entry(int owner, int d, uint64_t at)
{
    return (mp_coll_shm_post_t *)(node.area[owner] + node.queue_off + (size_t)d * DEPTH * LINE +
                                  (size_t)(at % UNITS) * UNIT);
}

static unsigned units_of(size_t len)
{
    return (unsigned)((sizeof(mp_coll_shm_post_t) + len + UNIT - 1) / UNIT);
}

/* Says which local ranks this one reads in one copy, for the others to agree on single-copy
 * algorithms (mp_coll_shm_single_copy), and wakes any that already wait for it. */
static void publish_readable(bool on)
{
    uint64_t mask = 0;
    for (int i = 0; i < node.n; i++) {
        if (i == node.me || mp_pt2pt_node_can_get(i)) {
            mask |= 1ull << i;
        }
    }
    atomic_store_explicit(readable_word(node.me, 0), mask, memory_order_relaxed);
    atomic_store_explicit(readable_word(node.me, 2), mp_progress_cores_shared() ? 1 : 0,
                          memory_order_relaxed);
    atomic_store_explicit(readable_word(node.me, 3), on ? 1 : 0, memory_order_relaxed);
    /* Release: a rank that sees the flag sees the others. */
    atomic_store_explicit(readable_word(node.me, 1), 1, memory_order_release);
    for (int i = 0; i < node.n; i++) {
        if (i != node.me) {
            mp_pt2pt_node_wake(i);
        }
    }
}

static void node_open(const mp_comm_t *comm)
{
    node.state = -1;
    /* Under MPI_THREAD_MULTIPLE several threads may run collectives at once (each on its own
     * communicator), but these paths keep one collective's state per rank in node memory. Such
     * a rank still publishes its line, saying so: the processes of a job may ask for different
     * thread levels, and the others must then leave the fast paths too. */
    bool on = mp_setting_size("MP_COLL_SHM", 1) != 0 && !mp_lock_on;
    int n = mp_pt2pt_node_size();
    if (n < 2 || n > MP_COLL_SHM_MAX_RANKS) {
        return;
    }
    node.seen_off = 2 * LINE;
    node.queue_off = node.seen_off + ((size_t)n * sizeof(uint64_t) + LINE - 1) / LINE * LINE;
    node.slot_off = node.queue_off + (size_t)n * DEPTH * LINE;
    if (node.slot_off + NSLOTS * (size_t)MP_COLL_SHM_SLOT_BYTES > mp_pt2pt_node_area_size()) {
        return;
    }
    node.me = mp_pt2pt_node_index(mp_comm_world_rank(comm, comm->rank));
    for (int i = 0; i < n; i++) {
        node.area[i] = mp_pt2pt_node_area(i);
        if (node.area[i] == NULL) {
            /* A peer's memory this rank cannot see: off, and it says so if it has its own. */
            on = false;
            if (i == node.me) {
                return;
            }
        }
    }
    node.n = n;
    /* Measured on 2 cores: with a core per rank, single-copy point-to-point broadcasts win
     * from 64 KiB on (n = 2, 1 MiB: 160-350 vs 570-770 us); with 8 ranks on them, the slots
     * win at every size (n = 8, 1 MiB: 2.3-4.9 vs 2.9-6.0 ms; 64 KiB: 120-225 vs 170-450 us):
     * the point-to-point algorithms wait for ranks that are not running. */
    size_t dflt = mp_progress_cores_shared() ? SIZE_MAX : 64 * 1024;
    node.bcast_max = mp_setting_size("MP_COLL_SHM_BCAST_MAX", dflt);
    node.copy_min = mp_setting_size("MP_COLL_SHM_COPY_MIN", SIZE_MAX);
    atomic_store_explicit(waiting_word(node.me), NOT_WAITING, memory_order_relaxed);
    publish_readable(on);
    node.state = on ? 1 : -1;
}

static bool masks_known(void *arg);

bool mp_coll_shm_open(const mp_comm_t *comm, mp_coll_shm_t *v)
{
    if (comm->is_inter) {
        return false;
    }
    if (node.state == 0) {
        node_open(comm); /* an intracommunicator: it tells my job rank */
    }
    if (node.state < 0 || comm->size < 2 || comm->size > node.n) {
        return false;
    }
    for (int i = 0; i < comm->size; i++) {
        v->lr[i] = mp_pt2pt_node_index(mp_comm_world_rank(comm, i));
        if (v->lr[i] < 0) {
            return false;
        }
    }
    v->size = comm->size;
    v->rank = comm->rank;
    /* Every rank of comm publishes its line in its first call here, before it waits for
     * anything, so this wait ends (once per rank at most). */
    if (!masks_known(v)) {
        mp_progress_wait(masks_known, v);
    }
    for (int i = 0; i < v->size; i++) {
        if (node.off & (1ull << v->lr[i])) {
            return false;
        }
    }
    return true;
}

bool mp_coll_shm_reduce_fits(size_t count, const mp_datatype_t *dt)
{
    (void)count;
    return dt->contiguous;
}

size_t mp_coll_shm_bcast_max(void)
{
    return node.bcast_max;
}

/* ---- Waiting and waking ---- */

/* A wait in the progress engine, and what it says in my waiting word if it goes to sleep. */
typedef struct wait_ctx {
    bool (*done)(void *arg);
    void *arg;
    uint64_t word;  /* count << 8 | (lr + 1) */
    bool announced; /* the word is stored */
} wait_ctx_t;

static bool wait_done(void *arg)
{
    const wait_ctx_t *w = arg;
    return w->done(w->arg);
}

static void wait_announce(void *arg)
{
    wait_ctx_t *w = arg;
    if (!w->announced) {
        atomic_store_explicit(waiting_word(node.me), w->word, memory_order_relaxed);
        w->announced = true;
    }
}

/* Waits in the progress engine (which sleeps when the rank shares its core) until done(arg),
 * saying that it waits for lr's count to reach count before it first announces a sleep (a
 * seq_cst fence follows), so that a rank that completes the wait afterwards either is seen by
 * the last look before sleeping, or sees what we wait for (see wake). Only then: a waiting word
 * written on every wait would cost the rank that reads it in wake a cache miss per post. */
static void wait_for(int lr, uint64_t count, bool (*done)(void *arg), void *arg)
{
    wait_ctx_t w = {.done = done, .arg = arg, .word = count << 8 | (uint64_t)(lr + 1)};
    mp_progress_wait_announced(wait_done, &w, wait_announce);
    if (w.announced) {
        atomic_store_explicit(waiting_word(node.me), NOT_WAITING, memory_order_relaxed);
    }
}

/* After a release store that brought my count towards lr to count (posts to it, or its posts
 * consumed): wakes lr only if that is what it waits for. */
static void wake(int lr, uint64_t count)
{
    atomic_thread_fence(memory_order_seq_cst);
    uint64_t w = atomic_load_explicit(waiting_word(lr), memory_order_relaxed);
    if ((w & 0xff) == (uint64_t)(node.me + 1) && w >> 8 <= count) {
        mp_pt2pt_node_wake(lr);
    }
}

typedef struct seen_cond {
    int lr;         /* the rank that consumes my posts */
    uint64_t count; /* how many it must have consumed */
} seen_cond_t;

static bool seen_reached(void *arg)
{
    const seen_cond_t *c = arg;
    /* What I read last is still true (counts only grow): the line, which lr writes on every
     * acknowledgement, is read again only when that is not enough. */
    if (node.seen_known[c->lr] >= c->count) {
        return true;
    }
    /* Acquire: its reads of the entry or slot happen before my next writes to them. */
    node.seen_known[c->lr] = atomic_load_explicit(seen_word(c->lr, node.me), memory_order_acquire);
    return node.seen_known[c->lr] >= c->count;
}

static void wait_seen(int lr, uint64_t count)
{
    seen_cond_t c = {.lr = lr, .count = count};
    if (!seen_reached(&c)) {
        wait_for(lr, count, seen_reached, &c);
    }
}

static bool post_arrived(void *arg)
{
    int lr = *(const int *)arg;
    uint32_t k = (uint32_t)(node.consumed[lr] + 1);
    /* Acquire: pairs with the release of the post, so its data and slot are visible. */
    return atomic_load_explicit(&entry(lr, node.me, node.take_at[lr])->seq, memory_order_acquire) ==
           k;
}

/* ---- The steps ---- */

int mp_coll_shm_slot_take(void)
{
    int s = node.next_slot;
    node.next_slot = (s + 1) % NSLOTS;
    for (uint64_t m = node.need[s]; m != 0; m &= m - 1) {
        int d = __builtin_ctzll(m);
        wait_seen(d, node.need_count[s][d]);
    }
    node.need[s] = 0;
    return s;
}

unsigned char *mp_coll_shm_slot(int lr, int s)
{
    return node.area[lr] + node.slot_off + (size_t)s * MP_COLL_SHM_SLOT_BYTES;
}

/* Where the queue to lr has room up to (not included) once lr consumed count of my posts: a
 * queue's length past the first unit of the oldest post it has not consumed. */
static uint64_t room_end(int lr, uint64_t count)
{
    uint64_t first =
        count < node.posted[lr] ? node.starts[lr][(count + 1) % UNITS] : node.put_at[lr];
    return first + UNITS;
}

/* How many of my posts lr must have consumed for the queue to have room up to end. */
static uint64_t posts_for_room(int lr, uint64_t end)
{
    uint64_t count = node.seen_known[lr];
    while (count < node.posted[lr] && room_end(lr, count) < end) {
        count++;
    }
    return count;
}

/* Takes the next u units of my queue to lr for post number posted + 1, once every post there
 * before was consumed, and the unit after them too (post_publish may write its header). */
static mp_coll_shm_post_t *post_claim(int lr, unsigned u)
{
    uint64_t at = node.put_at[lr];
    if (at + u + 1 > node.room[lr]) {
        seen_cond_t c = {.lr = lr, .count = posts_for_room(lr, at + u + 1)};
        if (!seen_reached(&c)) {
            /* The queue is full: wait until it is half empty, not for one post, so that a rank
             * sharing its core is not woken for every post (a futex wake-up costs ~30 us). */
            c.count = posts_for_room(lr, at + u + 1 + UNITS / 2);
            wait_for(lr, c.count, seen_reached, &c);
        }
        node.room[lr] = room_end(lr, node.seen_known[lr]);
    }
    uint64_t k = ++node.posted[lr];
    node.starts[lr][k % UNITS] = at;
    node.put_at[lr] = at + u;
    return entry(node.me, lr, at);
}

/* Makes the post e, whose header and data are written, visible to lr. Before that, where the
 * next post will go in this line, its header gets this post's number: the consumer reads there
 * next, and what was there (data of a post of the last time round) must not look like the next
 * post. The first unit of a line always holds a header, as no post crosses a line. */
static void post_publish(int lr, mp_coll_shm_post_t *e)
{
    uint32_t k = (uint32_t)node.posted[lr];
    if (node.put_at[lr] % LINE_UNITS != 0) {
        atomic_store_explicit(&entry(node.me, lr, node.put_at[lr])->seq, k, memory_order_relaxed);
    }
    /* Release: the entry and the slot it names are visible to lr once it sees k. */
    atomic_store_explicit(&e->seq, k, memory_order_release);
}

/* Posts to lr, as mp_coll_shm_post; every slot in the mask slots is named by the post (kept
 * until lr acknowledges it), and its slot field says s. */
static void post_named(int lr, int s, unsigned slots, const void *data, size_t len)
{
    unsigned u = units_of(len);
    unsigned in_line = (unsigned)(node.put_at[lr] % LINE_UNITS);
    if (in_line + u > LINE_UNITS) {
        /* The post would cross a line: a skip fills the rest of this one. */
        mp_coll_shm_post_t *skip = post_claim(lr, LINE_UNITS - in_line);
        skip->slot = -1;
        skip->len = SKIP_LEN;
        post_publish(lr, skip);
    }
    mp_coll_shm_post_t *e = post_claim(lr, u);
    uint64_t k = node.posted[lr];
    for (unsigned m = slots; m != 0; m &= m - 1) {
        int n = __builtin_ctz(m);
        node.need[n] |= 1ull << lr;
        node.need_count[n][lr] = k;
    }
    e->slot = (int16_t)s;
    e->len = (uint16_t)len;
    if (len > 0) {
        memcpy(e->data, data, len);
    }
    post_publish(lr, e);
    wake(lr, k);
}

void mp_coll_shm_post(int lr, int s, const void *data, size_t len)
{
    /* s >= 0 is a slot, not a mark. */
    post_named(lr, s, s >= 0 ? 1u << s : 0, data, len);
}

void mp_coll_shm_post_slots(int lr, unsigned slots, const void *data, size_t len)
{
    post_named(lr, __builtin_ctz(slots), slots, data, len);
}

const mp_coll_shm_post_t *mp_coll_shm_wait(int lr)
{
    for (;;) {
        if (!post_arrived(&lr)) {
            wait_for(lr, node.consumed[lr] + 1, post_arrived, &lr);
        }
        const mp_coll_shm_post_t *p = entry(lr, node.me, node.take_at[lr]);
        if (p->len != SKIP_LEN) {
            return p;
        }
        mp_coll_shm_ack(lr);
    }
}

void mp_coll_shm_ack(int lr)
{
    const mp_coll_shm_post_t *p = entry(lr, node.me, node.take_at[lr]);
    uint64_t at = node.take_at[lr];
    node.take_at[lr] =
        p->len == SKIP_LEN ? at - at % LINE_UNITS + LINE_UNITS : at + units_of(p->len);
    /* Release: my reads of the post and its slot are done before lr may reuse them. */
    atomic_store_explicit(seen_word(node.me, lr), ++node.consumed[lr], memory_order_release);
    wake(lr, node.consumed[lr]);
}

/* ---- Single copy ---- */

/* Whether every rank of the view has published its mask, copying the new ones. */
static bool masks_known(void *arg)
{
    const mp_coll_shm_t *v = arg;
    bool all = true;
    for (int i = 0; i < v->size; i++) {
        int lr = v->lr[i];
        if (node.known & (1ull << lr)) {
            continue;
        }
        if (atomic_load_explicit(readable_word(lr, 1), memory_order_acquire) == 0) {
            all = false;
            continue;
        }
        node.readable[lr] = atomic_load_explicit(readable_word(lr, 0), memory_order_relaxed);
        if (atomic_load_explicit(readable_word(lr, 2), memory_order_relaxed) != 0) {
            node.shared |= 1ull << lr;
        }
        if (atomic_load_explicit(readable_word(lr, 3), memory_order_relaxed) == 0) {
            node.off |= 1ull << lr;
        }
        node.known |= 1ull << lr;
    }
    return all;
}

bool mp_coll_shm_single_copy(const mp_coll_shm_t *v, size_t bytes, size_t own_min,
                             size_t shared_min)
{
    if (node.copy_min != SIZE_MAX) {
        own_min = shared_min = node.copy_min;
    }
    if (bytes < own_min && bytes < shared_min) {
        return false;
    }
    /* A rank publishes its line when it first opens node memory, at the latest in this very
     * call, before it waits for anything: waiting here cannot deadlock, and happens once. */
    if (!masks_known((void *)v)) {
        mp_progress_wait(masks_known, (void *)v);
    }
    uint64_t members = 0;
    uint64_t all = ~0ull;
    for (int i = 0; i < v->size; i++) {
        members |= 1ull << v->lr[i];
        all &= node.readable[v->lr[i]];
    }
    size_t min = (node.shared & members) != 0 ? shared_min : own_min;
    return bytes >= min && (all & members) == members;
}

bool mp_coll_shm_shared(const mp_coll_shm_t *v)
{
    /* mp_coll_shm_open learnt every rank's line of v. */
    for (int i = 0; i < v->size; i++) {
        if (node.shared & (1ull << v->lr[i])) {
            return true;
        }
    }
    return false;
}

mp_status_t mp_coll_shm_get(int lr, void *local, uint64_t remote, size_t len)
{
    if (len == 0) {
        return MP_OK;
    }
    if (lr == node.me) {
        memcpy(local, (const void *)(uintptr_t)remote, len);
        return MP_OK;
    }
    return mp_pt2pt_node_get(lr, local, (const void *)(uintptr_t)remote, len);
}

mp_status_t mp_coll_shm_put(int lr, const void *local, uint64_t remote, size_t len)
{
    if (len == 0) {
        return MP_OK;
    }
    if (lr == node.me) {
        memcpy((void *)(uintptr_t)remote, local, len);
        return MP_OK;
    }
    return mp_pt2pt_node_put(lr, local, (void *)(uintptr_t)remote, len);
}

void mp_coll_shm_drain(int lr)
{
    wait_seen(lr, node.posted[lr]);
}

unsigned char *mp_coll_shm_scratch(size_t bytes)
{
    if (bytes > scratch.size) {
        free(scratch.buf);
        scratch.size = 0;
        scratch.buf = malloc(bytes);
        if (scratch.buf == NULL) {
            return NULL;
        }
        scratch.size = bytes;
    }
    return scratch.buf;
}

void mp_coll_shm_fini(void)
{
    /* A runtime that starts again (sessions) maps node memory anew, maybe elsewhere: the
     * next collective looks at it afresh, with counts from zero as the new memory's. */
    memset(&node, 0, sizeof(node));
    free(scratch.buf);
    scratch.buf = NULL;
    scratch.size = 0;
}
