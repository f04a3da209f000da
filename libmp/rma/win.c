/*
 * Window objects: creation (each flavor's memory, the private communicator, every rank's size
 * and displacement unit), the node segment of shared windows, dynamic regions, freeing, and
 * the progress hook that serves every window.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coll/coll.h"
#include "comm/comm_create.h"
#include "core/log.h"
#include "core/settings.h"
#include "pt2pt/node.h"
#include "pt2pt/progress.h"
#include "rma/rma_internal.h"

mp_win_t *mp_rma_windows;

static bool hook_busy; /* the hook does not run inside itself */

int mp_rma_progress(void)
{
    if (hook_busy) {
        return 0;
    }
    hook_busy = true;
    int events = 0;
    for (mp_win_t *w = mp_rma_windows; w != NULL; w = w->next) {
        events += mp_rma_target_progress(w);
        events += mp_rma_origin_progress(w);
    }
    hook_busy = false;
    return events;
}

mp_win_t *mp_rma_win_lookup(const void *p)
{
    for (mp_win_t *w = mp_rma_windows; w != NULL; w = w->next) {
        if (w == p) {
            return w->magic == MP_WIN_MAGIC ? w : NULL;
        }
    }
    return NULL;
}

mp_win_t *mp_rma_win_of_comm(const mp_comm_t *comm)
{
    for (mp_win_t *w = mp_rma_windows; w != NULL; w = w->next) {
        if (w->comm == comm) {
            return w;
        }
    }
    return NULL;
}

/* ---- Collectives on the new window's communicator ---- */

static mp_status_t allgather(mp_comm_t *comm, const void *mine, void *all, size_t len)
{
    mp_coll_sched_t *s = NULL;
    mp_status_t st = mp_coll_sched_create(comm, &s);
    if (st != MP_OK) {
        return st;
    }
    mp_coll_sched_set_immediate(s);
    mp_coll_allgather(s, mine, len, mp_coll_byte(), all, len, mp_coll_byte());
    return mp_coll_sched_run(s);
}

/* ---- Shared windows: one segment in node memory, each rank's part in rank order ---- */

/* Whether every rank of comm runs on this node. */
static bool comm_on_node(const mp_comm_t *comm)
{
    for (int r = 0; r < comm->size; r++) {
        if (mp_pt2pt_node_index(mp_comm_world_rank(comm, r)) < 0) {
            return false;
        }
    }
    return true;
}

/* What rank 0 tells the others: whether the segment exists, and its name. */
typedef struct seg_card {
    int32_t ok;
    char name[60];
} seg_card_t;

static mp_status_t seg_open(mp_win_t *win, const uint64_t *sizes)
{
    mp_comm_t *comm = win->comm;
    int n = comm->size;
    win->seg_offsets = calloc((size_t)n, sizeof(size_t));
    if (win->seg_offsets == NULL) {
        return MP_ERR_NOMEM;
    }
    /* The header and the control lines, then the parts: contiguous across ranks (MPI 4.1
     * 12.2.3, the default), the first on a cache line. */
    size_t len = sizeof(mp_rma_seg_hdr_t) + (size_t)n * sizeof(mp_rma_ctrl_t);
    for (int r = 0; r < n; r++) {
        win->seg_offsets[r] = len;
        len += sizes[3 * r];
    }
    win->seg_len = len;
    seg_card_t card = {0};
    int fd = -1;
    if (comm->rank == 0) {
        static unsigned serial;
        snprintf(card.name, sizeof(card.name), "/mp-win-%d-%u", (int)getpid(), serial++);
        /* Owner-only, and unlinked once every rank mapped it: a crash leaves nothing behind. */
        fd = shm_open(card.name, O_RDWR | O_CREAT | O_EXCL, 0600);
        /* Reserved now, so that a full /dev/shm fails here rather than as SIGBUS later. */
        if (fd >= 0 && (ftruncate(fd, (off_t)win->seg_len) != 0 ||
                        posix_fallocate(fd, 0, (off_t)win->seg_len) != 0)) {
            close(fd);
            shm_unlink(card.name);
            fd = -1;
        }
        card.ok = fd >= 0;
        if (fd < 0) {
            mp_log_error("shared window: cannot create %s of %zu bytes: %m", card.name,
                         win->seg_len);
        }
    }
    /* Rank 0's card reaches everyone: an allgather of two (rank 0's and mine) would do too, a
     * bcast is what this is. */
    mp_coll_sched_t *s = NULL;
    mp_status_t st = mp_coll_sched_create(comm, &s);
    if (st != MP_OK) {
        return st;
    }
    mp_coll_sched_set_immediate(s);
    mp_coll_bcast(s, &card, sizeof(card), mp_coll_byte(), 0);
    st = mp_coll_sched_run(s);
    if (st != MP_OK) {
        return st;
    }
    if (comm->rank != 0 && card.ok) {
        fd = shm_open(card.name, O_RDWR, 0);
    }
    void *seg = MAP_FAILED;
    if (fd >= 0) {
        seg = mmap(NULL, win->seg_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
    }
    if (comm->rank == 0 && seg != MAP_FAILED) {
        mp_rma_seg_hdr_t *h = seg;
        h->version = MP_RMA_SEG_VERSION;
        h->nranks = (uint32_t)n;
        h->magic = MP_RMA_SEG_MAGIC; /* the others look only after the exchange below */
    }
    seg_card_t mine = {.ok = seg != MAP_FAILED};
    seg_card_t *oks = malloc((size_t)n * sizeof(seg_card_t));
    if (oks == NULL) {
        st = MP_ERR_NOMEM; /* the others then wait in the allgather: the job ends anyway */
    } else {
        st = allgather(comm, &mine, oks, sizeof(seg_card_t));
    }
    if (comm->rank == 0 && card.ok) {
        shm_unlink(card.name);
    }
    bool all_ok = st == MP_OK;
    for (int r = 0; all_ok && r < n; r++) {
        all_ok = oks[r].ok != 0;
    }
    free(oks);
    const mp_rma_seg_hdr_t *h = all_ok ? seg : NULL;
    if (h != NULL && (h->magic != MP_RMA_SEG_MAGIC || h->version != MP_RMA_SEG_VERSION ||
                      h->nranks != (uint32_t)n)) {
        mp_log_error("shared window: segment %s is not this window's (magic 0x%x, version %u, "
                     "%u ranks)",
                     card.name, h->magic, h->version, h->nranks);
        all_ok = false;
    }
    if (!all_ok) {
        if (seg != MAP_FAILED) {
            munmap(seg, win->seg_len);
        }
        return st != MP_OK ? st : MP_ERR_SYSCALL;
    }
    win->seg = seg;
    win->base = win->size > 0 ? (char *)seg + win->seg_offsets[comm->rank] : NULL;
    return MP_OK;
}

void *mp_rma_win_shared_base(const mp_win_t *win, int rank)
{
    return win->peers[rank].size > 0 ? (char *)win->seg + win->seg_offsets[rank] : NULL;
}

void *mp_rma_win_query(const mp_win_t *win, int rank, size_t *size_p)
{
    void *base = NULL;
    if (win->seg != NULL) {
        base = mp_rma_win_shared_base(win, rank);
    } else if (rank == win->comm->rank && win->size > 0) {
        base = win->base; /* a process always reaches its own memory */
    }
    *size_p = base != NULL ? win->peers[rank].size : 0;
    return base;
}

/* ---- Create and free ---- */

/* Frees a window and its memory; keep_comm leaves the communicator alone (at MPI_Finalize,
 * when the runtime has gone already). */
static void win_destroy_(mp_win_t *win, bool keep_comm)
{
    if (win->flavor == MP_WIN_ALLOCATE && win->seg == NULL) {
        free(win->base);
    }
    if (win->seg != NULL) {
        munmap(win->seg, win->seg_len);
    }
    while (win->regions != NULL) {
        mp_win_region_t *r = win->regions;
        win->regions = r->next;
        free(r);
    }
    while (win->lock_waiting != NULL) {
        mp_rma_lockreq_t *l = win->lock_waiting;
        win->lock_waiting = l->next;
        free(l);
    }
    free(win->scratch);
    free(win->seg_offsets);
    free(win->peers);
    if (win->comm != NULL && !keep_comm) {
        mp_comm_release(win->comm);
    }
    win->magic = 0;
    free(win);
}

static void win_destroy(mp_win_t *win)
{
    win_destroy_(win, false);
}

/* An AND of ok over comm (every rank calls it): creation steps that can fail on some ranks
 * only end the same way on all. */
static mp_status_t all_ok(mp_comm_t *comm, bool *ok)
{
    uint64_t mine = *ok;
    uint64_t *all = malloc((size_t)comm->size * sizeof(uint64_t));
    if (all == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_status_t st = allgather(comm, &mine, all, sizeof(mine));
    for (int r = 0; st == MP_OK && r < comm->size; r++) {
        *ok = *ok && all[r] != 0;
    }
    free(all);
    return st;
}

/* Sets up the memory of the window: the node segment (shared windows, and allocated ones
 * in direct mode when the segment can be made), or memory of this process. */
static mp_status_t win_memory(mp_win_t *win, const uint64_t *info, size_t size)
{
    mp_status_t st = MP_OK;
    if (win->flavor == MP_WIN_SHARED || win->direct) {
        st = seg_open(win, info);
        if (st == MP_ERR_SYSCALL && win->flavor == MP_WIN_ALLOCATE) {
            /* The node's shared memory is full: messages then, on memory of each process. */
            win->direct = false;
            st = MP_OK;
        }
    }
    if (st != MP_OK || win->flavor != MP_WIN_ALLOCATE || win->direct) {
        return st;
    }
    bool ok = size == 0 || posix_memalign(&win->base, 64, size) == 0;
    if (!ok) {
        win->base = NULL;
    }
    st = all_ok(win->comm, &ok);
    return st != MP_OK ? st : ok ? MP_OK : MP_ERR_NOMEM;
}

mp_status_t mp_rma_win_create(mp_comm_t *comm, mp_win_flavor_t flavor, void *base, size_t size,
                              size_t disp_unit, mp_win_t **win_p)
{
    bool on_node = comm_on_node(comm);
    if (flavor == MP_WIN_SHARED && !on_node) {
        return MP_ERR_INVALID;
    }
    mp_win_t *win = calloc(1, sizeof(*win));
    if (win == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_status_t st = mp_comm_dup(comm, &win->comm);
    if (st != MP_OK) {
        free(win);
        return st;
    }
    /* A window's errors go to its own handler, MPI_ERRORS_ARE_FATAL until set (the dup's
     * copy of the communicator's was not retained). */
    win->comm->errhandler = 0;
    win->magic = MP_WIN_MAGIC;
    win->flavor = flavor;
    win->size = flavor == MP_WIN_DYNAMIC ? 0 : size;
    win->disp_unit = disp_unit;
    win->base = flavor == MP_WIN_CREATE ? base : NULL;
    int n = win->comm->size;
    win->peers = calloc((size_t)n, sizeof(*win->peers));
    uint64_t *info = malloc(3 * (size_t)n * sizeof(uint64_t));
    if (win->peers == NULL || info == NULL) {
        /* The others wait in the exchange below: out of memory is fatal by default anyway. */
        free(info);
        win_destroy(win);
        return MP_ERR_NOMEM;
    }
    /* Direct mode needs every rank's memory in the node segment, and every rank to want it. */
    bool wants_direct = (flavor == MP_WIN_ALLOCATE || flavor == MP_WIN_SHARED) && on_node &&
                        mp_setting_size("MP_RMA_SHM", 1) != 0;
    uint64_t mine[3] = {win->size, disp_unit, wants_direct};
    st = allgather(win->comm, mine, info, sizeof(mine));
    win->direct = wants_direct;
    for (int r = 0; st == MP_OK && r < n; r++) {
        win->peers[r].size = (size_t)info[3 * r];
        win->peers[r].disp_unit = (size_t)info[3 * r + 1];
        win->direct = win->direct && info[3 * r + 2] != 0;
    }
    if (st == MP_OK) {
        st = win_memory(win, info, size);
    }
    free(info);
    if (st != MP_OK) {
        win_destroy(win);
        return st;
    }
    snprintf(win->name, sizeof(win->name), "an unnamed window");
    win->next = mp_rma_windows;
    mp_rma_windows = win;
    mp_progress_hook_add(mp_rma_progress);
    *win_p = win;
    return MP_OK;
}

static void win_unlink(mp_win_t *win)
{
    for (mp_win_t **pp = &mp_rma_windows; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == win) {
            *pp = win->next;
            return;
        }
    }
}

mp_status_t mp_rma_win_free(mp_win_t *win)
{
    mp_rma_wait_pending(win, -1);
    /* Every rank's operations are complete once its epochs are closed: after this barrier no
     * rank touches this one's memory. */
    mp_coll_sched_t *s = NULL;
    mp_status_t st = mp_coll_sched_create(win->comm, &s);
    if (st == MP_OK) {
        mp_coll_sched_set_immediate(s);
        mp_coll_barrier(s);
        st = mp_coll_sched_run(s);
    }
    /* Answers to this rank's own last requests may still be in the queue. */
    while (win->in_head != NULL) {
        mp_progress_poll();
    }
    win_unlink(win);
    win_destroy(win);
    return st;
}

void mp_rma_fini(void)
{
    while (mp_rma_windows != NULL) {
        mp_win_t *win = mp_rma_windows;
        mp_rma_windows = win->next;
        win_destroy_(win, true);
    }
}

/* ---- Dynamic windows ---- */

mp_status_t mp_rma_win_attach(mp_win_t *win, void *base, size_t size)
{
    uintptr_t b = (uintptr_t)base;
    for (const mp_win_region_t *o = win->regions; o != NULL; o = o->next) {
        if (size > 0 && o->size > 0 && b < o->base + o->size && o->base < b + size) {
            return MP_ERR_INVALID; /* regions of one window must not overlap */
        }
    }
    mp_win_region_t *r = malloc(sizeof(*r));
    if (r == NULL) {
        return MP_ERR_NOMEM;
    }
    r->base = (uintptr_t)base;
    r->size = size;
    r->next = win->regions;
    win->regions = r;
    return MP_OK;
}

mp_status_t mp_rma_win_detach(mp_win_t *win, const void *base)
{
    for (mp_win_region_t **pp = &win->regions; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->base == (uintptr_t)base) {
            mp_win_region_t *r = *pp;
            *pp = r->next;
            free(r);
            return MP_OK;
        }
    }
    return MP_ERR_NOT_FOUND;
}
