/*
 * The shared-memory path of windows whose memory all lies in one segment of the node (allocated
 * and shared windows of a communicator on one node): the origin reads and writes the target's
 * memory itself, accumulates under the target's accumulate lock, and passive-target locks are
 * words in the segment. Operations are complete when the call returns; nothing waits for the
 * target to call MPI.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pt2pt/node.h"
#include "pt2pt/progress.h"
#include "rma/rma_internal.h"

static mp_rma_ctrl_t *ctrl_of(const mp_win_t *win, int rank)
{
    return &((mp_rma_ctrl_t *)((char *)win->seg + sizeof(mp_rma_seg_hdr_t)))[rank];
}

/* ---- The accumulate lock: held only while one operation applies, never across MPI calls ---- */

static void acc_lock(mp_rma_ctrl_t *c)
{
    unsigned spins = 0;
    while (atomic_exchange_explicit(&c->acc, 1, memory_order_acquire) != 0) {
        /* The holder may have lost its core (oversubscribed): give it ours soon. */
        if (++spins % 64 == 0) {
            sched_yield();
        }
    }
}

static void acc_unlock(mp_rma_ctrl_t *c)
{
    atomic_store_explicit(&c->acc, 0, memory_order_release);
}

/* ---- Data operations ---- */

/* Copies between a contiguous origin and a contiguous target when both are; false otherwise. */
static bool copy_contiguous(const mp_rma_op_t *op, unsigned char *taddr)
{
    const mp_datatype_t *tdt = op->tdt;
    const mp_datatype_t *odt = op->kind == MP_RMA_GET ? op->rdt : op->odt;
    if (!tdt->contiguous || !odt->contiguous) {
        return false;
    }
    size_t len = mp_datatype_bytes(tdt, op->tcount);
    if (op->kind == MP_RMA_GET) {
        memcpy((char *)op->result + odt->lb, taddr + tdt->lb, len);
    } else {
        memcpy(taddr + tdt->lb, (const char *)op->origin + odt->lb, len);
    }
    return true;
}

/* Accumulates, fetch-and-op and compare-and-swap between contiguous buffers, without the
 * request format: under the target's accumulate lock, the old data out, the op applied in
 * place. False when a buffer is not contiguous. */
static bool acc_contiguous(mp_win_t *win, const mp_rma_op_t *op, unsigned char *taddr)
{
    const mp_datatype_t *tdt = op->tdt, *odt = op->odt, *rdt = op->rdt;
    const mp_datatype_t *elem = tdt->elem_type;
    if (!tdt->contiguous || (odt != NULL && !odt->contiguous) ||
        (rdt != NULL && !rdt->contiguous) || elem == NULL || elem->size == 0) {
        return false;
    }
    const mp_op_t *mop = op->kind == MP_RMA_CAS ? NULL : mp_op_predefined(op->op);
    size_t len = mp_datatype_bytes(tdt, op->tcount);
    unsigned char old[64];
    if ((op->kind != MP_RMA_CAS && mop == NULL) || (op->kind != MP_RMA_ACC && len > sizeof(old))) {
        return false;
    }
    unsigned char *t = taddr + tdt->lb;
    const unsigned char *in = odt != NULL ? (const unsigned char *)op->origin + odt->lb : NULL;
    mp_rma_ctrl_t *c = ctrl_of(win, op->target);
    acc_lock(c);
    if (op->kind != MP_RMA_ACC) {
        memcpy(old, t, len);
    }
    if (op->kind == MP_RMA_CAS) {
        if (memcmp(t, (const unsigned char *)op->compare + odt->lb, len) == 0) {
            memcpy(t, in, len);
        }
    } else if (in != NULL) {
        (void)mp_op_reduce(mop, in, t, len / elem->size, elem);
    }
    acc_unlock(c);
    if (op->kind != MP_RMA_ACC) {
        memcpy((unsigned char *)op->result + rdt->lb, old, len);
    }
    return true;
}

mp_status_t mp_rma_direct_op(mp_win_t *win, const mp_rma_op_t *op)
{
    int t = op->target;
    unsigned char *tbase = mp_rma_win_shared_base(win, t);
    mp_rma_mem_t mem = {(uintptr_t)tbase, win->peers[t].size, NULL, false};
    if ((op->kind == MP_RMA_PUT || op->kind == MP_RMA_GET) && op->tcount > 0 &&
        copy_contiguous(op, tbase + op->disp)) {
        return MP_OK;
    }
    if (op->kind != MP_RMA_PUT && op->kind != MP_RMA_GET && op->tcount > 0 &&
        acc_contiguous(win, op, tbase + op->disp)) {
        return MP_OK;
    }
    /* Everything else goes through the request format, applied here to the target's memory. */
    size_t len = 0;
    unsigned char *msg = mp_rma_msg_build(op, 0, true, &len);
    if (msg == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_rma_view_t v;
    bool ok = mp_rma_view_parse(msg, len, NULL, &v);
    size_t fetch = ok ? mp_rma_fetch_bytes(v.hdr) : 0;
    unsigned char *out = fetch > 0 ? malloc(fetch) : NULL;
    if (fetch > 0 && out == NULL) {
        free(msg);
        return MP_ERR_NOMEM;
    }
    bool atomic = op->kind == MP_RMA_ACC || op->kind == MP_RMA_GACC || op->kind == MP_RMA_CAS;
    if (ok && atomic) {
        acc_lock(ctrl_of(win, t));
    }
    ok = ok && mp_rma_apply(&mem, &v, out);
    if (atomic) {
        acc_unlock(ctrl_of(win, t));
    }
    if (ok && fetch > 0) {
        mp_datatype_unpack(op->rdt, op->rcount, op->result, 0, out, fetch);
    }
    free(out);
    free(msg);
    return ok ? MP_OK : MP_ERR_INVALID;
}

/* ---- Passive-target locks: a word per rank in the segment ---- */

typedef struct lock_try {
    mp_rma_ctrl_t *c;
    bool exclusive;
    bool taken; /* the wait may ask again after success: the answer must stay yes */
} lock_try_t;

static bool try_take(const lock_try_t *l)
{
    int v = atomic_load_explicit(&l->c->lock, memory_order_relaxed);
    if (l->exclusive) {
        return v == 0 && atomic_compare_exchange_strong_explicit(
                             &l->c->lock, &v, -1, memory_order_acquire, memory_order_relaxed);
    }
    return v >= 0 && atomic_compare_exchange_strong_explicit(
                         &l->c->lock, &v, v + 1, memory_order_acquire, memory_order_relaxed);
}

static bool lock_taken(void *arg)
{
    lock_try_t *l = arg;
    if (l->taken) {
        return true;
    }
    l->taken = try_take(l);
    return l->taken;
}

void mp_rma_direct_lock(mp_win_t *win, int rank, bool exclusive)
{
    lock_try_t l = {ctrl_of(win, rank), exclusive, false};
    if (lock_taken(&l)) {
        return;
    }
    /* Announced before waiting, so that the unlock that frees the word wakes this rank if it
     * sleeps; meanwhile progress goes on serving this rank's other windows. */
    atomic_fetch_add(&l.c->waiters, 1);
    mp_progress_wait(lock_taken, &l);
    atomic_fetch_sub(&l.c->waiters, 1);
}

void mp_rma_direct_unlock(mp_win_t *win, int rank, bool exclusive)
{
    mp_rma_ctrl_t *c = ctrl_of(win, rank);
    if (exclusive) {
        atomic_store_explicit(&c->lock, 0, memory_order_release);
    } else {
        atomic_fetch_sub_explicit(&c->lock, 1, memory_order_release);
    }
    if (atomic_load(&c->waiters) == 0) {
        return;
    }
    for (int r = 0; r < win->comm->size; r++) {
        int lr = mp_pt2pt_node_index(mp_comm_world_rank(win->comm, r));
        if (r != win->comm->rank && lr >= 0) {
            mp_pt2pt_node_wake(lr);
        }
    }
}
