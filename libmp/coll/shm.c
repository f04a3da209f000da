/*
 * The node memory of the collectives' fast paths: its layout, the choice of communicators that
 * use it, and the steps (take a slot, post, wait, acknowledge) the algorithms are made of.
 */
#include "coll/shm.h"

#include <stdatomic.h>
#include <stdint.h>

#include "core/settings.h"
#include "pt2pt/node.h"
#include "pt2pt/progress.h"

#define LINE 64
#define NSLOTS 2

/*
 * The layout of one local rank's node memory (all of it written by its owner only, read by the
 * others), with N local ranks:
 *
 *   post[N]   _Atomic uint64_t, from offset 0: post[d] = (posts to d so far) << 2 | (slot + 1)
 *             of the latest, slot + 1 being 0 for a bare flag. Polled by d.
 *   seen[N]   _Atomic uint64_t, on lines of their own: seen[w] = posts of w consumed so far.
 *             Read by w before it posts to me again or rewrites a slot it named to me.
 *   slot[2]   a line whose first word travels with the data (slot_set_word), then
 *             MP_COLL_SHM_SLOT_BYTES of data.
 *
 * The segment that holds it has its magic and version (transport/shm/segment.h); a change of
 * this layout changes that version.
 */
#define SLOT_STRIDE (LINE + MP_COLL_SHM_SLOT_BYTES)

static struct {
    int state;                                  /* 0: not looked at yet, 1: usable, -1: not */
    int n;                                      /* local ranks */
    int me;                                     /* my local index */
    size_t words_bytes;                         /* bytes of post[] (and of seen[]), whole lines */
    unsigned char *area[MP_COLL_SHM_MAX_RANKS]; /* each local rank's node memory */
    uint64_t posted[MP_COLL_SHM_MAX_RANKS];     /* my posts to each local rank */
    uint64_t consumed[MP_COLL_SHM_MAX_RANKS];   /* each local rank's posts I consumed */
    /* Slot s is free again once seen[me] of every rank d in need[s] reached need_count[s][d]. */
    uint64_t need[NSLOTS];
    uint64_t need_count[NSLOTS][MP_COLL_SHM_MAX_RANKS];
    int next_slot;
} node;

static _Atomic uint64_t *post_word(int owner, int d)
{
    return (_Atomic uint64_t *)node.area[owner] + d;
}

static _Atomic uint64_t *seen_word(int owner, int w)
{
    return (_Atomic uint64_t *)(node.area[owner] + node.words_bytes) + w;
}

static unsigned char *slot_base(int owner, int s)
{
    return node.area[owner] + 2 * node.words_bytes + (size_t)s * SLOT_STRIDE;
}

static void node_open(void)
{
    node.state = -1;
    if (mp_setting_size("MP_COLL_SHM", 1) == 0) {
        return;
    }
    int n = mp_pt2pt_node_size();
    if (n < 2 || n > MP_COLL_SHM_MAX_RANKS) {
        return;
    }
    size_t words = ((size_t)n * sizeof(uint64_t) + LINE - 1) / LINE * LINE;
    if (2 * words + NSLOTS * (size_t)SLOT_STRIDE > mp_pt2pt_node_area_size()) {
        return;
    }
    for (int i = 0; i < n; i++) {
        node.area[i] = mp_pt2pt_node_area(i);
        if (node.area[i] == NULL) {
            return;
        }
    }
    node.n = n;
    node.words_bytes = words;
    node.me = -1;
    node.state = 1;
}

bool mp_coll_shm_open(const mp_comm_t *comm, mp_coll_shm_t *v)
{
    if (node.state == 0) {
        node_open();
    }
    if (node.state < 0 || comm->is_inter || comm->size < 2 || comm->size > node.n) {
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
    node.me = v->lr[comm->rank];
    return true;
}

bool mp_coll_shm_reduce_fits(size_t count, const mp_datatype_t *dt)
{
    return dt->contiguous && mp_datatype_bytes(dt, count) <= MP_COLL_SHM_SLOT_BYTES;
}

/* ---- Waiting: conditions for mp_progress_wait, which sleeps when the rank shares a core ---- */

typedef struct seen_cond {
    int lr;         /* the rank that consumes my posts */
    uint64_t count; /* how many it must have consumed */
} seen_cond_t;

static bool seen_reached(void *arg)
{
    const seen_cond_t *c = arg;
    /* Acquire: its reads of my slot happen before my next writes to it. */
    return atomic_load_explicit(seen_word(c->lr, node.me), memory_order_acquire) >= c->count;
}

static void wait_seen(int lr, uint64_t count)
{
    seen_cond_t c = {.lr = lr, .count = count};
    if (!seen_reached(&c)) {
        mp_progress_wait(seen_reached, &c);
    }
}

static bool post_arrived(void *arg)
{
    int lr = *(const int *)arg;
    /* Acquire: pairs with the release of the post, so the slot's data is visible. */
    uint64_t v = atomic_load_explicit(post_word(lr, node.me), memory_order_acquire);
    return (v >> 2) > node.consumed[lr];
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
    return slot_base(lr, s) + LINE;
}

void mp_coll_shm_slot_set_word(int s, size_t word)
{
    *(uint64_t *)slot_base(node.me, s) = word;
}

size_t mp_coll_shm_slot_word(int lr, int s)
{
    return (size_t) * (const uint64_t *)slot_base(lr, s);
}

void mp_coll_shm_post(int lr, int s)
{
    /* One post at a time per pair: the post word then always describes the one lr reads. */
    wait_seen(lr, node.posted[lr]);
    uint64_t count = ++node.posted[lr];
    if (s >= 0) {
        node.need[s] |= 1ull << lr;
        node.need_count[s][lr] = count;
    }
    /* Release: the slot's data and word are visible to lr once it sees the count. */
    atomic_store_explicit(post_word(node.me, lr), count << 2 | (uint64_t)(s + 1),
                          memory_order_release);
    mp_pt2pt_node_wake(lr);
}

int mp_coll_shm_wait(int lr)
{
    if (!post_arrived(&lr)) {
        mp_progress_wait(post_arrived, &lr);
    }
    uint64_t v = atomic_load_explicit(post_word(lr, node.me), memory_order_relaxed);
    return (int)(v & 3) - 1;
}

void mp_coll_shm_ack(int lr)
{
    /* Release: my reads of its slot are done before it may rewrite the slot. */
    atomic_store_explicit(seen_word(node.me, lr), ++node.consumed[lr], memory_order_release);
    mp_pt2pt_node_wake(lr);
}
