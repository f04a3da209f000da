/*
 * Synchronization of one-sided epochs: fence (counts exchanged, then a barrier), post-start-
 * complete-wait (one message per pair), and passive target locks and flushes (a request served
 * in order at the target and its answer). Every wait drives progress, so targets keep serving.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "coll/coll.h"
#include "pt2pt/progress.h"
#include "rma/rma_internal.h"

/* ---- Fence ---- */

static bool fence_applied(void *arg)
{
    const mp_win_t *win = arg;
    for (int r = 0; r < win->comm->size; r++) {
        if (win->peers[r].processed < win->peers[r].expected) {
            return false;
        }
    }
    return true;
}

/* A blocking collective on the window's communicator (its collective context: never mixed with
 * the requests). */
static mp_status_t coll_run(mp_win_t *win, const uint64_t *sent, uint64_t *expected)
{
    mp_coll_sched_t *s = NULL;
    mp_status_t st = mp_coll_sched_create(win->comm, &s);
    if (st != MP_OK) {
        return st;
    }
    mp_coll_sched_set_immediate(s);
    if (sent != NULL) {
        mp_coll_alltoall(s, sent, sizeof(uint64_t), mp_coll_byte(), expected, sizeof(uint64_t),
                         mp_coll_byte());
    } else {
        mp_coll_barrier(s);
    }
    return mp_coll_sched_run(s);
}

mp_status_t mp_rma_fence(mp_win_t *win, bool noprecede)
{
    int n = win->comm->size;
    /* Direct windows: every operation completed in its call; the barrier orders them. */
    atomic_thread_fence(memory_order_seq_cst);
    if (!noprecede && !win->direct) {
        uint64_t *buf = malloc(2 * (size_t)n * sizeof(uint64_t));
        if (buf == NULL) {
            return MP_ERR_NOMEM;
        }
        for (int r = 0; r < n; r++) {
            buf[r] = win->peers[r].sent;
        }
        mp_rma_wait_pending(win, -1);
        mp_status_t st = coll_run(win, buf, buf + n);
        for (int r = 0; st == MP_OK && r < n; r++) {
            win->peers[r].expected = buf[n + r];
        }
        free(buf);
        if (st != MP_OK) {
            return st;
        }
        mp_progress_wait(fence_applied, win);
    }
    /* Nobody goes on before every target applied what its epoch brought: a later epoch's
     * operations must not overtake them. */
    mp_status_t st = coll_run(win, NULL, NULL);
    atomic_thread_fence(memory_order_seq_cst);
    return st;
}

/* ---- Post, start, complete, wait ---- */

mp_status_t mp_rma_post(mp_win_t *win, const int *ranks, int n)
{
    for (int i = 0; i < n; i++) {
        win->peers[ranks[i]].in_exposure = true;
    }
    for (int i = 0; i < n; i++) {
        mp_status_t st = mp_rma_send_ctrl(win, ranks[i], MP_RMA_MSG_POST, MP_WIN_LOCK_NONE, 0);
        if (st != MP_OK) {
            return st;
        }
    }
    win->exposure_open = true;
    return MP_OK;
}

static bool posts_arrived(void *arg)
{
    const mp_win_t *win = arg;
    for (int r = 0; r < win->comm->size; r++) {
        if (win->peers[r].in_access && win->peers[r].posts == 0) {
            return false;
        }
    }
    return true;
}

mp_status_t mp_rma_start(mp_win_t *win, const int *ranks, int n)
{
    for (int i = 0; i < n; i++) {
        win->peers[ranks[i]].in_access = true;
    }
    win->access_open = true;
    /* Allowed to block until the targets posted (MPI 4.1 12.5.2): simplest and safe. */
    mp_progress_wait(posts_arrived, win);
    for (int i = 0; i < n; i++) {
        win->peers[ranks[i]].posts--;
    }
    return MP_OK;
}

mp_status_t mp_rma_complete(mp_win_t *win)
{
    mp_status_t st = MP_OK;
    mp_rma_wait_pending(win, -1);
    atomic_thread_fence(memory_order_seq_cst); /* direct operations before the message */
    for (int r = 0; r < win->comm->size; r++) {
        if (win->peers[r].in_access) {
            mp_status_t s = mp_rma_send_ctrl(win, r, MP_RMA_MSG_COMPLETE, MP_WIN_LOCK_NONE, 0);
            st = st == MP_OK ? s : st;
            win->peers[r].in_access = false;
        }
    }
    win->access_open = false;
    return st;
}

static bool completes_arrived(void *arg)
{
    const mp_win_t *win = arg;
    for (int r = 0; r < win->comm->size; r++) {
        if (win->peers[r].in_exposure && win->peers[r].completes == 0) {
            return false;
        }
    }
    return true;
}

mp_status_t mp_rma_wait(mp_win_t *win, bool block, bool *done_p)
{
    if (block) {
        mp_progress_wait(completes_arrived, win);
    } else {
        mp_progress_poll();
    }
    *done_p = completes_arrived(win);
    if (!*done_p) {
        return MP_OK;
    }
    atomic_thread_fence(memory_order_seq_cst); /* then the origins' direct operations */
    /* A COMPLETE is served after every request its origin sent before it: all applied. */
    for (int r = 0; r < win->comm->size; r++) {
        if (win->peers[r].in_exposure) {
            win->peers[r].completes--;
            win->peers[r].in_exposure = false;
        }
    }
    win->exposure_open = false;
    return MP_OK;
}

/* ---- Passive target ----
 * rank -1 means every rank of the window (lock_all) or every locked one (unlock_all, the
 * flush_all calls): the requests all go out first, then the answers are awaited together. */

typedef struct peer_wait {
    mp_win_t *win;
    int rank; /* or -1: every rank */
} peer_wait_t;

static bool peer_granted(const mp_win_peer_t *p)
{
    return p->lock == MP_WIN_LOCK_NONE || p->granted;
}

static bool peer_answered(const mp_win_peer_t *p)
{
    return p->acks_due == 0 && p->pending == 0;
}

static bool all_peers(const peer_wait_t *w, bool (*pred)(const mp_win_peer_t *p))
{
    if (w->rank >= 0) {
        return pred(&w->win->peers[w->rank]);
    }
    for (int r = 0; r < w->win->comm->size; r++) {
        if (!pred(&w->win->peers[r])) {
            return false;
        }
    }
    return true;
}

static bool locks_granted(void *arg)
{
    return all_peers(arg, peer_granted);
}

static bool answers_in(void *arg)
{
    return all_peers(arg, peer_answered);
}

static mp_status_t lock_one(mp_win_t *win, int rank, mp_win_lock_t type)
{
    mp_win_peer_t *p = &win->peers[rank];
    p->lock = type;
    p->granted = type == MP_WIN_LOCK_NOCHECK;
    win->nlocks++;
    if (p->granted) {
        return MP_OK;
    }
    if (win->direct) {
        mp_rma_direct_lock(win, rank, type == MP_WIN_LOCK_EXCLUSIVE);
        p->granted = true;
        return MP_OK;
    }
    mp_status_t st = mp_rma_send_ctrl(win, rank, MP_RMA_MSG_LOCK, type, 0);
    if (st != MP_OK) {
        p->lock = MP_WIN_LOCK_NONE;
        win->nlocks--;
    }
    return st;
}

/* Whether a lock call must wait for the grant. MPI lets it return before the lock is held
 * (the target serves the epoch's requests once it grants it), but not where the program then
 * loads and stores itself: its own window, and the parts of a shared window. */
static bool lock_waits(const mp_win_t *win, int rank)
{
    return rank == win->comm->rank || win->flavor == MP_WIN_SHARED;
}

mp_status_t mp_rma_lock(mp_win_t *win, int rank, mp_win_lock_t type)
{
    mp_status_t st = MP_OK;
    for (int r = rank >= 0 ? rank : 0; r < (rank >= 0 ? rank + 1 : win->comm->size); r++) {
        mp_status_t s = lock_one(win, r, type);
        st = st == MP_OK ? s : st;
    }
    for (int r = rank >= 0 ? rank : 0; r < (rank >= 0 ? rank + 1 : win->comm->size); r++) {
        if (lock_waits(win, r)) {
            peer_wait_t w = {win, r};
            mp_progress_wait(locks_granted, &w);
        }
    }
    return st;
}

/* Sends rank's end-of-epoch request: UNLOCK, or FLUSH when no lock was taken (NOCHECK) or when
 * the epoch goes on (flush). Direct windows need none: their operations are complete. */
static mp_status_t ask(mp_win_t *win, int rank, bool unlock)
{
    mp_win_peer_t *p = &win->peers[rank];
    if (win->direct) {
        if (unlock && p->lock != MP_WIN_LOCK_NOCHECK) {
            mp_rma_direct_unlock(win, rank, p->lock == MP_WIN_LOCK_EXCLUSIVE);
        }
        return MP_OK;
    }
    bool release = unlock && p->lock != MP_WIN_LOCK_NOCHECK;
    if (!release && !p->unanswered) {
        return MP_OK; /* the answers awaited anyway (pending) show that all is applied */
    }
    p->unanswered = false;
    mp_status_t st =
        mp_rma_send_ctrl(win, rank, release ? MP_RMA_MSG_UNLOCK : MP_RMA_MSG_FLUSH, p->lock, 0);
    if (st == MP_OK) {
        p->acks_due++;
    }
    return st;
}

/* Asks every rank concerned (locked ones for rank -1), then waits for the answers and the
 * local completions; MP_ERR_INVALID when a target refused operations. */
static mp_status_t ask_all(mp_win_t *win, int rank, bool unlock)
{
    mp_status_t st = MP_OK;
    atomic_thread_fence(memory_order_seq_cst); /* direct operations before the release */
    for (int r = rank >= 0 ? rank : 0; r < (rank >= 0 ? rank + 1 : win->comm->size); r++) {
        if (win->peers[r].lock != MP_WIN_LOCK_NONE) {
            mp_status_t s = ask(win, r, unlock);
            st = st == MP_OK ? s : st;
        }
    }
    peer_wait_t w = {win, rank};
    mp_progress_wait(answers_in, &w);
    for (int r = rank >= 0 ? rank : 0; r < (rank >= 0 ? rank + 1 : win->comm->size); r++) {
        mp_win_peer_t *p = &win->peers[r];
        if (p->errors_seen > 0) {
            p->errors_seen = 0;
            st = st == MP_OK ? MP_ERR_INVALID : st;
        }
        if (unlock && p->lock != MP_WIN_LOCK_NONE) {
            p->lock = MP_WIN_LOCK_NONE;
            p->granted = false;
            win->nlocks--;
        }
    }
    return st;
}

mp_status_t mp_rma_unlock(mp_win_t *win, int rank)
{
    return ask_all(win, rank, true);
}

mp_status_t mp_rma_flush(mp_win_t *win, int rank, bool local)
{
    if (win->direct) {
        atomic_thread_fence(memory_order_seq_cst); /* complete already: made visible */
        return MP_OK;
    }
    if (local) {
        mp_rma_wait_pending(win, rank);
        return MP_OK;
    }
    return ask_all(win, rank, false);
}
