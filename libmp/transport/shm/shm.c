/*
 * The shm transport: packets between the ranks of a node. Each rank owns a segment holding one
 * incoming ring per local peer, and senders write into it; a futex doorbell (or, for a rank
 * that also waits on sockets, a pollable one: bell.c) wakes a sleeping receiver, and
 * process_vm_readv gives single-copy reads where the kernel permits it.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "transport/shm/bell.h"
#include "transport/shm/cma.h"
#include "transport/shm/ring.h"
#include "transport/shm/segment.h"
#include "transport/shm/shm.h"
#include "transport/transport.h"
#include "util/copy.h"

/*
 * Sleeping without lost wake-ups. The receiver announces its sleep in its control block, then
 * looks at its rings once more; a sender, after publishing a packet, looks at the announcement:
 *
 *   receiver: sleep_prepare, sleep_wait         sender: send
 *     t = doorbell                                cell.seq = p + 1                 (release)
 *     sleeping = 1                     (seq_cst)  fence                            (seq_cst)
 *     fence                            (seq_cst)  if sleeping == 1 and
 *     if a ring's next cell is ready:                exchange(sleeping, 0) == 1:   (acq_rel)
 *         sleeping = 0; do not sleep                 doorbell += 1; FUTEX_WAKE
 *     FUTEX_WAIT(doorbell, t)
 *
 * 1. The two seq_cst fences are ordered one way or the other in the single total order of
 *    seq_cst operations, so at least one side sees the other's store (store buffering cannot
 *    hide both): either the receiver sees the packet and stays awake, or the sender's load sees
 *    this sleeping = 1 (or a later value: another sender already took it to 0 and rang).
 * 2. The sender whose exchange takes sleeping from 1 to 0 read the receiver's release store, so
 *    the receiver's read of t happened before that sender's increment: the doorbell is no
 *    longer t, and FUTEX_WAIT, which compares the word inside the kernel, either returns at
 *    once or is woken by the FUTEX_WAKE that follows the increment.
 * 3. A sender that finds sleeping == 0 needs nothing more: by 1, the receiver's next
 *    sleep_prepare (a later sleeping = 1) sees its packet.
 * Only that one sender makes system calls; a send to an awake receiver costs a fence and the
 * load of a cache line that stays shared. FUTEX_WAIT is not the PRIVATE kind: the word is in a
 * mapping shared between processes.
 * A receiver that sleeps in poll on other descriptors too (sleep_fd) announces sleeping = 2
 * instead: the sender that takes it to 0 rings the receiver's bell socket (bell.c) in place of
 * the futex. The receiver empties the socket before it announces, so a ring that wakes it is
 * one of this sleep (or a late one of the last, a harmless early wake-up).
 */

typedef struct shm_ep {
    mp_tl_ep_t base;      /* first: what pt2pt holds */
    mp_shm_ring_t ring;   /* the sending end of this rank's ring in the peer's segment */
    mp_shm_ctl_t *ctl;    /* the peer's control block, to wake it */
    mp_shm_segment_t seg; /* the peer's segment, mapped here */
    pid_t pid;            /* the peer's process, for single copy */
    mp_shm_ring_t *in;    /* the receiving end of the peer's ring in this rank's segment */
} shm_ep_t;

static struct {
    mp_tl_recv_fn recv;   /* where arriving packets go */
    int rank;             /* this rank in the job */
    int local_rank;       /* this rank among the node's ranks */
    int local_size;       /* ranks on this node */
    int *local_ranks;     /* the job rank of each local rank */
    mp_shm_segment_t own; /* this rank's segment: base NULL without local peers */
    mp_shm_ring_t *in;    /* receiving ends of the local_size - 1 incoming rings */
    int *in_src;          /* the job rank that sends on each incoming ring */
    shm_ep_t **eps;       /* by local rank; NULL until connected */
    bool single_copy;     /* MP_SHM_SINGLE_COPY allows process_vm_readv */
    bool delivering;      /* inside progress: a nested call delivers nothing */
    uint32_t ticket;      /* the doorbell as sleep_prepare read it */
    bool bell;            /* sleeping on bell_fd (sleeping = 2), not the futex */
    int bell_fd;          /* this rank's pollable doorbell, when bell */
    uint64_t wakeups;     /* peers woken by this process */
} shm;

uint64_t mp_shm_wakeups(void)
{
    return shm.wakeups;
}

static void free_state(void)
{
    free(shm.local_ranks);
    free(shm.in);
    free(shm.in_src);
    free(shm.eps);
    shm.local_ranks = NULL;
    shm.in = NULL;
    shm.in_src = NULL;
    shm.eps = NULL;
}

/* The index of sender local rank s among the incoming rings of local rank r. */
static int ring_index(int s, int r)
{
    return s < r ? s : s - 1;
}

static mp_status_t shm_init(const mp_wireup_info_t *info, mp_tl_recv_fn recv)
{
    memset(&shm, 0, sizeof(shm));
    shm.recv = recv;
    shm.rank = info->rank;
    shm.local_rank = info->local_rank;
    shm.local_size = info->local_size;
    if (info->local_size <= 1) {
        return MP_OK;
    }
    int nrings = info->local_size - 1;
    shm.local_ranks = malloc((size_t)info->local_size * sizeof(int));
    shm.in = calloc((size_t)nrings, sizeof(*shm.in));
    shm.in_src = calloc((size_t)nrings, sizeof(int));
    shm.eps = calloc((size_t)info->local_size, sizeof(*shm.eps));
    if (shm.local_ranks == NULL || shm.in == NULL || shm.in_src == NULL || shm.eps == NULL) {
        mp_log_error("shm: out of memory for %d local ranks", info->local_size);
        free_state();
        return MP_ERR_NOMEM;
    }
    memcpy(shm.local_ranks, info->local_ranks, (size_t)info->local_size * sizeof(int));

    mp_shm_card_t card;
    memset(&card, 0, sizeof(card));
    mp_shm_segment_name(card.seg_name, info->job_id, info->local_rank);
    mp_status_t status = mp_shm_segment_create(card.seg_name, nrings, &shm.own);
    if (status != MP_OK) {
        free_state();
        return status;
    }
    for (int i = 0; i < nrings; i++) {
        mp_shm_segment_ring(&shm.own, nrings, i, &shm.in[i]);
        int sender = i < info->local_rank ? i : i + 1;
        shm.in_src[i] = info->local_ranks[sender];
    }
    shm.single_copy = mp_shm_cma_is_enabled();

    card.magic = MP_SHM_MAGIC;
    card.version = MP_SHM_VERSION;
    card.local_rank = info->local_rank;
    card.pid = getpid();
    card.seg_size = shm.own.size;
    /* A rank that turned single copy off offers no probe either: its peers then neither read
     * from it nor ask it to write to them, so both ends of a pair agree on the path. */
    card.probe_addr = 0;
    card.probe_value = 0;
    if (shm.single_copy) {
        mp_shm_cma_probe(&card.probe_addr, &card.probe_value);
    }
    status = mp_wireup_card_put(MP_SHM_CARD_KEY, &card, sizeof(card));
    if (status != MP_OK) {
        mp_shm_segment_close(&shm.own);
        mp_shm_segment_unlink(card.seg_name);
        free_state();
        return status;
    }
    return MP_OK;
}

/* Fetches and checks the card of job rank peer, local rank lr: each mismatch names both values. */
static mp_status_t read_card(int peer, int lr, mp_shm_card_t *card_p)
{
    void *data;
    size_t len;
    mp_status_t status = mp_wireup_card_get(peer, MP_SHM_CARD_KEY, &data, &len);
    if (status != MP_OK) {
        mp_log_error("shm: rank %d on this node published no shm card: %s", peer,
                     mp_status_string(status));
        return status;
    }
    mp_shm_card_t card;
    memset(&card, 0, sizeof(card));
    memcpy(&card, data, len < sizeof(card) ? len : sizeof(card));
    free(data);
    size_t version_end = offsetof(mp_shm_card_t, version) + sizeof(card.version);
    status = MP_ERR_PEER;
    if (len < version_end) {
        mp_log_error("shm: the card of rank %d is %zu bytes, too short for a libmp shm card", peer,
                     len);
    } else if (card.magic != MP_SHM_MAGIC) {
        mp_log_error("shm: the card of rank %d has magic 0x%016llx, expected 0x%016llx: it is "
                     "not a libmp shm card",
                     peer, (unsigned long long)card.magic, (unsigned long long)MP_SHM_MAGIC);
    } else if (card.version != MP_SHM_VERSION) {
        mp_log_error("shm: the card of rank %d has version %u, this libmp has version %u: run "
                     "every rank with the same libmp",
                     peer, (unsigned)card.version, MP_SHM_VERSION);
    } else if (len != sizeof(card)) {
        mp_log_error("shm: the card of rank %d is %zu bytes, expected %zu", peer, len,
                     sizeof(card));
    } else if (card.local_rank != lr || card.seg_size != mp_shm_segment_size(shm.local_size - 1) ||
               memchr(card.seg_name, '\0', sizeof(card.seg_name)) == NULL) {
        mp_log_error("shm: the card of rank %d (local rank %d, segment of %llu bytes) does not "
                     "match the launcher's view (local rank %d, %zu bytes)",
                     peer, (int)card.local_rank, (unsigned long long)card.seg_size, lr,
                     mp_shm_segment_size(shm.local_size - 1));
    } else {
        status = MP_OK;
        *card_p = card;
    }
    return status;
}

/* Counts this mapping in the peer's segment; the last of its peers to map it removes its name,
 * so from then on a crash leaves nothing behind in /dev/shm. */
static void count_mapping(const mp_shm_segment_t *seg)
{
    mp_shm_seg_hdr_t *hdr = mp_shm_segment_hdr(seg);
    /* acq_rel: exactly one peer sees the final count; the owner's fini reads it (acquire). */
    uint32_t n = atomic_fetch_add_explicit(&hdr->nmapped, 1, memory_order_acq_rel) + 1;
    if (n == hdr->nrings) {
        mp_shm_segment_unlink(seg->name);
    }
}

static int local_index(int peer)
{
    for (int i = 0; i < shm.local_size && shm.local_ranks != NULL; i++) {
        if (shm.local_ranks[i] == peer) {
            return i;
        }
    }
    return -1;
}

static mp_tl_ep_t *shm_connect(int peer)
{
    int lr = local_index(peer);
    if (lr < 0 || lr == shm.local_rank) {
        return NULL;
    }
    if (shm.eps[lr] != NULL) {
        return &shm.eps[lr]->base;
    }
    mp_shm_card_t card;
    if (read_card(peer, lr, &card) != MP_OK) {
        return NULL;
    }
    shm_ep_t *ep = calloc(1, sizeof(*ep));
    if (ep == NULL) {
        mp_log_error("shm: out of memory connecting to rank %d", peer);
        return NULL;
    }
    if (mp_shm_segment_open(card.seg_name, shm.local_size - 1, peer, &ep->seg) != MP_OK) {
        free(ep);
        return NULL;
    }
    mp_shm_segment_ring(&ep->seg, shm.local_size - 1, ring_index(shm.local_rank, lr), &ep->ring);
    ep->ctl = mp_shm_segment_ctl(&ep->seg);
    ep->in = &shm.in[ring_index(lr, shm.local_rank)];
    ep->pid = (pid_t)card.pid;
    ep->base.ops = &mp_tl_shm_ops;
    ep->base.peer = peer;
    ep->base.max_payload = MP_SHM_CELL_PAYLOAD;
    ep->base.can_get = shm.single_copy && card.probe_value != 0 &&
                       mp_shm_cma_can_read(ep->pid, card.probe_addr, card.probe_value);
    count_mapping(&ep->seg);
    shm.eps[lr] = ep;
    return &ep->base;
}

/* After a packet is published to the peer whose control block is ctl: wakes it if it sleeps.
 * See the protocol at the top of this file. */
/* Wakes the rank whose control block is ctl (process pid) if it announced a sleep. */
static void wake_ctl(mp_shm_ctl_t *ctl, pid_t pid)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&ctl->sleeping, memory_order_relaxed) == 0) {
        return;
    }
    uint32_t how = atomic_exchange_explicit(&ctl->sleeping, 0, memory_order_acq_rel);
    if (how == 1) {
        atomic_fetch_add_explicit(&ctl->doorbell, 1, memory_order_release);
        syscall(SYS_futex, (uint32_t *)&ctl->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
        shm.wakeups++;
    } else if (how == 2) {
        mp_shm_bell_ring(pid);
        shm.wakeups++;
    }
}

static void wake_if_sleeping(shm_ep_t *ep)
{
    wake_ctl(ep->ctl, ep->pid);
}

static mp_status_t shm_send(mp_tl_ep_t *tl_ep, const void *hdr, size_t hdr_len, const void *payload,
                            size_t len)
{
    shm_ep_t *ep = (shm_ep_t *)tl_ep;
    if (hdr_len > MP_TL_HDR_MAX || len > MP_SHM_CELL_PAYLOAD) {
        mp_log_error("shm: a packet to rank %d of %zu header and %zu payload bytes is too large "
                     "(at most %d and %d)",
                     tl_ep->peer, hdr_len, len, MP_TL_HDR_MAX, MP_SHM_CELL_PAYLOAD);
        return MP_ERR_INVALID;
    }
    mp_shm_cell_t *cell = mp_shm_ring_reserve(&ep->ring);
    if (cell == NULL) {
        return MP_ERR_AGAIN;
    }
    cell->hdr_len = (uint32_t)hdr_len;
    cell->len = (uint32_t)len;
    mp_copy(cell->data, hdr, hdr_len);
    mp_copy(cell->data + hdr_len, payload, len);
    mp_shm_ring_publish(&ep->ring, cell);
    wake_if_sleeping(ep);
    return MP_OK;
}

/* The packet's other cache lines are in the sender's cache: ask for them all now, so that
 * their transfers overlap instead of following one another during the copy. */
static inline void prefetch_packet(const mp_shm_cell_t *cell, size_t hdr_len, size_t len)
{
    for (size_t off = MP_SHM_CACHE_LINE; off < MP_SHM_CELL_META + hdr_len + len;
         off += MP_SHM_CACHE_LINE) {
        __builtin_prefetch((const char *)cell + off);
    }
}

/* Delivers up to MP_SHM_POLL_BURST packets of incoming ring i, in order. */
static int deliver(int i, bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    mp_shm_ring_t *ring = &shm.in[i];
    int src = shm.in_src[i];
    int n = 0;
    mp_shm_cell_t *cell;
    while (n < MP_SHM_POLL_BURST && (cell = mp_shm_ring_peek(ring)) != NULL) {
        size_t hdr_len = cell->hdr_len;
        size_t len = cell->len;
        if (hdr_len > MP_TL_HDR_MAX || len > MP_SHM_CELL_PAYLOAD) {
            /* Only a sender writing outside its cells can cause this: drop it, loudly. */
            mp_log_error("shm: dropped a corrupt packet from rank %d (%zu header, %zu payload "
                         "bytes)",
                         src, hdr_len, len);
            mp_shm_ring_release(ring, cell);
            continue;
        }
        prefetch_packet(cell, hdr_len, len);
        if (may_deliver != NULL && !may_deliver(src, cell->data, hdr_len)) {
            break;
        }
        shm.recv(src, cell->data, hdr_len, cell->data + hdr_len, len);
        mp_shm_ring_release(ring, cell);
        n++;
    }
    return n;
}

static int shm_progress(bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    if (shm.delivering) {
        return 0;
    }
    shm.delivering = true;
    int n = 0;
    for (int i = 0; i < shm.local_size - 1; i++) {
        n += deliver(i, may_deliver);
    }
    shm.delivering = false;
    return n;
}

static mp_tl_offer_t shm_poll_ep(mp_tl_ep_t *tl_ep, mp_tl_take_fn take, void *arg)
{
    shm_ep_t *ep = (shm_ep_t *)tl_ep;
    if (shm.delivering) {
        return MP_TL_OFFER_DECLINED; /* called from inside progress: not now */
    }
    mp_shm_ring_t *ring = ep->in;
    mp_shm_cell_t *cell = mp_shm_ring_peek(ring);
    if (cell == NULL) {
        return MP_TL_OFFER_NONE;
    }
    size_t hdr_len = cell->hdr_len;
    size_t len = cell->len;
    /* A corrupt packet is progress's to report and drop. */
    if (hdr_len > MP_TL_HDR_MAX || len > MP_SHM_CELL_PAYLOAD) {
        return MP_TL_OFFER_DECLINED;
    }
    prefetch_packet(cell, hdr_len, len);
    if (!take(arg, cell->data, hdr_len, cell->data + hdr_len, len)) {
        return MP_TL_OFFER_DECLINED;
    }
    mp_shm_ring_release(ring, cell);
    return MP_TL_OFFER_TAKEN;
}

static mp_status_t shm_get(mp_tl_ep_t *tl_ep, void *local, uint64_t remote, size_t len)
{
    shm_ep_t *ep = (shm_ep_t *)tl_ep;
    if (!tl_ep->can_get) {
        mp_log_error("shm: get from rank %d, which has no single-copy path", tl_ep->peer);
        return MP_ERR_INVALID;
    }
    return mp_shm_cma_read(ep->pid, tl_ep->peer, local, remote, len);
}

static mp_status_t shm_put(mp_tl_ep_t *tl_ep, const void *local, uint64_t remote, size_t len)
{
    shm_ep_t *ep = (shm_ep_t *)tl_ep;
    if (!tl_ep->can_get) {
        mp_log_error("shm: put to rank %d, which has no single-copy path", tl_ep->peer);
        return MP_ERR_INVALID;
    }
    return mp_shm_cma_write(ep->pid, tl_ep->peer, local, remote, len);
}

static bool shm_sleep_prepare(void)
{
    if (shm.own.base == NULL) {
        return true;
    }
    mp_shm_ctl_t *ctl = mp_shm_segment_ctl(&shm.own);
    if (shm.bell) {
        mp_shm_bell_drain(shm.bell_fd);
    }
    /* Relaxed: read before the release store below, which orders it (see the top). */
    shm.ticket = atomic_load_explicit(&ctl->doorbell, memory_order_relaxed);
    atomic_store_explicit(&ctl->sleeping, shm.bell ? 2 : 1, memory_order_seq_cst);
    atomic_thread_fence(memory_order_seq_cst);
    for (int i = 0; i < shm.local_size - 1; i++) {
        if (mp_shm_ring_peek(&shm.in[i]) != NULL) {
            atomic_store_explicit(&ctl->sleeping, 0, memory_order_relaxed);
            return false;
        }
    }
    return true;
}

static void shm_sleep_wait(uint64_t max_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(max_ns / 1000000000u),
                          .tv_nsec = (long)(max_ns % 1000000000u)};
    if (shm.own.base == NULL) {
        /* No local peer can wake this rank: just wait. */
        nanosleep(&ts, NULL);
        return;
    }
    if (shm.bell) {
        struct pollfd pfd = {.fd = shm.bell_fd, .events = POLLIN};
        poll(&pfd, 1, (int)((max_ns + 999999u) / 1000000u));
        return;
    }
    mp_shm_ctl_t *ctl = mp_shm_segment_ctl(&shm.own);
    /* Returns when woken, at once if the doorbell is no longer the ticket, after max_ns, or on
     * a signal: in every case the caller looks at its rings again. */
    syscall(SYS_futex, (uint32_t *)&ctl->doorbell, FUTEX_WAIT, shm.ticket, &ts, NULL, 0);
}

static void shm_sleep_done(void)
{
    if (shm.own.base != NULL) {
        /* Relaxed: a sender that still sees 1 only makes one needless wake-up. */
        atomic_store_explicit(&mp_shm_segment_ctl(&shm.own)->sleeping, 0, memory_order_relaxed);
    }
}

static void *shm_node_area(int lr)
{
    if (lr < 0 || lr >= shm.local_size || shm.own.base == NULL) {
        return NULL;
    }
    if (lr == shm.local_rank) {
        return mp_shm_segment_node(&shm.own);
    }
    return shm.eps[lr] != NULL ? mp_shm_segment_node(&shm.eps[lr]->seg) : NULL;
}

/* This rank's own lr too: the closing fence's completion wakes it from PMIx's thread. */
static void shm_node_wake(int lr)
{
    if (lr == shm.local_rank && shm.own.base != NULL) {
        wake_ctl(mp_shm_segment_ctl(&shm.own), getpid());
    } else if (lr >= 0 && lr < shm.local_size && shm.eps[lr] != NULL) {
        wake_if_sleeping(shm.eps[lr]);
    }
}

/* Switches this rank to the pollable doorbell (for good) and returns it; -1 without local
 * peers or when no bell can be made (the caller then wakes up in slices). */
static int shm_sleep_fd(void)
{
    if (shm.own.base == NULL) {
        return -1;
    }
    if (!shm.bell) {
        int fd = mp_shm_bell_open();
        if (fd < 0) {
            return -1;
        }
        shm.bell_fd = fd;
        shm.bell = true;
    }
    return shm.bell_fd;
}

static void shm_fini(void)
{
    for (int lr = 0; lr < shm.local_size && shm.eps != NULL; lr++) {
        if (shm.eps[lr] != NULL) {
            mp_shm_segment_close(&shm.eps[lr]->seg);
            free(shm.eps[lr]);
        }
    }
    if (shm.own.base != NULL) {
        mp_shm_seg_hdr_t *hdr = mp_shm_segment_hdr(&shm.own);
        /* Some peer never connected: the name is still there. */
        if (atomic_load_explicit(&hdr->nmapped, memory_order_acquire) < hdr->nrings) {
            mp_shm_segment_unlink(shm.own.name);
        }
        mp_shm_segment_close(&shm.own);
    }
    mp_shm_bell_close(shm.bell ? shm.bell_fd : -1);
    free_state();
    uint64_t wakeups = shm.wakeups;
    memset(&shm, 0, sizeof(shm));
    shm.wakeups = wakeups;
}

static bool shm_has_incoming(mp_tl_ep_t *tl_ep)
{
    shm_ep_t *ep = (shm_ep_t *)tl_ep;
    return ep->in != NULL && mp_shm_ring_peek(ep->in) != NULL;
}

const mp_tl_ops_t mp_tl_shm_ops = {
    .name = "shm",
    .init = shm_init,
    .connect = shm_connect,
    .send = shm_send,
    .progress = shm_progress,
    .poll_ep = shm_poll_ep,
    .has_incoming = shm_has_incoming,
    .get = shm_get,
    .put = shm_put,
    .sleep_prepare = shm_sleep_prepare,
    .sleep_wait = shm_sleep_wait,
    .sleep_done = shm_sleep_done,
    .node_area = shm_node_area,
    .node_wake = shm_node_wake,
    .sleep_fd = shm_sleep_fd,
    .fini = shm_fini,
};
