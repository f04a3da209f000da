/*
 * The origin side of one-sided data operations: a request message (header, the target type's
 * segments, small origin data inline) to the target, the origin data of large ones straight
 * from the origin buffer, and a receive posted for what comes back; then tracking until done.
 */
#include <stdlib.h>
#include <string.h>

#include "coll/coll.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"
#include "rma/rma_internal.h"

/* ---- Sending headers ---- */

/* Sends a header message (buf, len bytes; the send owns buf) to dst. */
static mp_status_t hdr_send(mp_win_t *win, int dst, void *buf, size_t len)
{
    mp_request_t *req = NULL;
    mp_status_t st = mp_pt2pt_isend(buf, len, mp_coll_byte(), dst, MP_RMA_TAG_HDR, win->comm,
                                    MP_SEND_STANDARD, &req);
    if (st != MP_OK) {
        free(buf);
        return st;
    }
    req->owned_buf = buf;
    mp_request_free(req);
    return MP_OK;
}

mp_status_t mp_rma_send_ctrl(mp_win_t *win, int dst, mp_rma_msg_t type, mp_win_lock_t lock,
                             uint32_t errors)
{
    mp_rma_hdr_t *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return MP_ERR_NOMEM;
    }
    h->magic = MP_RMA_WIRE_MAGIC;
    h->type = (uint8_t)type;
    h->lock = (uint8_t)lock;
    h->errors = errors;
    return hdr_send(win, dst, h, sizeof(*h));
}

/* ---- Pending operations ---- */

/* A pending operation's request completed (called from inside progress): it goes on the
 * window's done list, so that reaping costs one step per completion, whatever the number of
 * operations in flight (100000 gets in one epoch took minutes when every pass of progress
 * looked at all of them). */
static void pend_completed(mp_request_t *req, void *arg)
{
    (void)req;
    mp_rma_pend_t *p = arg;
    mp_win_t *win = p->win;
    /* In the order of completion, so that the program's requests complete in that order. */
    if (win->done == NULL) {
        win->done = p;
    } else {
        win->done_tail->done_next = p;
    }
    win->done_tail = p;
}

static mp_status_t pend_add(mp_win_t *win, mp_request_t *req, int target, bool reply,
                            mp_rma_ureq_t *ureq)
{
    mp_rma_pend_t *p = malloc(sizeof(*p));
    if (p == NULL) {
        return MP_ERR_NOMEM;
    }
    p->win = win;
    p->req = req;
    p->target = target;
    p->reply = reply;
    p->ureq = ureq;
    p->done_next = NULL;
    if (ureq != NULL) {
        ureq->remaining++;
    }
    p->prev = NULL;
    p->next = win->pending;
    if (win->pending != NULL) {
        win->pending->prev = p;
    }
    win->pending = p;
    win->peers[target].pending++;
    if (mp_request_is_complete(req)) {
        pend_completed(req, p);
    } else {
        req->on_complete = pend_completed;
        req->on_complete_arg = p;
    }
    return MP_OK;
}

static void ureq_part_done(mp_rma_ureq_t *u)
{
    if (u != NULL && --u->remaining == 0) {
        mp_request_complete(u->req);
        free(u);
    }
}

int mp_rma_origin_progress(mp_win_t *win)
{
    int events = 0;
    while (win->done != NULL) {
        mp_rma_pend_t *p = win->done;
        win->done = p->done_next;
        if (p->prev != NULL) {
            p->prev->next = p->next;
        } else {
            win->pending = p->next;
        }
        if (p->next != NULL) {
            p->next->prev = p->prev;
        }
        if (p->ureq != NULL && p->req->status.error != MP_OK) {
            p->ureq->req->status.error = p->req->status.error;
        }
        if (p->reply && p->req->status.bytes < p->req->capacity) {
            win->peers[p->target].errors_seen++; /* the target answered empty: refused */
        }
        mp_request_free(p->req);
        win->peers[p->target].pending--;
        ureq_part_done(p->ureq);
        free(p);
        events++;
    }
    return events;
}

typedef struct pending_wait {
    mp_win_t *win;
    int target;
} pending_wait_t;

static bool pending_done(void *arg)
{
    const pending_wait_t *w = arg;
    if (w->target >= 0) {
        return w->win->peers[w->target].pending == 0;
    }
    return w->win->pending == NULL;
}

void mp_rma_wait_pending(mp_win_t *win, int target)
{
    pending_wait_t w = {win, target};
    mp_progress_wait(pending_done, &w);
}

/* ---- Starting an operation ---- */

static const mp_rma_msg_t msg_of_kind[] = {
    [MP_RMA_PUT] = MP_RMA_MSG_PUT,   [MP_RMA_GET] = MP_RMA_MSG_GET, [MP_RMA_ACC] = MP_RMA_MSG_ACC,
    [MP_RMA_GACC] = MP_RMA_MSG_GACC, [MP_RMA_CAS] = MP_RMA_MSG_CAS,
};

/* Bytes of origin data an operation sends. */
static size_t origin_bytes(const mp_rma_op_t *op)
{
    switch (op->kind) {
    case MP_RMA_GET:
        return 0;
    case MP_RMA_CAS:
        return 2 * op->odt->size;
    default:
        return op->odt != NULL ? mp_datatype_bytes(op->odt, op->ocount) : 0;
    }
}

/* Flat segments of one element of dt on the wire. */
static size_t wire_segs(const mp_datatype_t *dt)
{
    size_t n = 0;
    for (size_t i = 0; i < dt->nsegs; i++) {
        n += mp_dt_seg_blocks(&dt->segs[i]) / dt->segs[i].count;
    }
    return n;
}

unsigned char *mp_rma_msg_build(const mp_rma_op_t *op, int reply_tag, bool inlined, size_t *len_p)
{
    const mp_datatype_t *tdt = op->tdt;
    size_t bytes = origin_bytes(op);
    bool contiguous = tdt->contiguous && tdt->nsegs <= 1 && op->tcount > 0 && tdt->size > 0;
    size_t nsegs = contiguous ? 1 : wire_segs(tdt);
    size_t len = sizeof(mp_rma_hdr_t) + nsegs * sizeof(mp_rma_wseg_t) + (inlined ? bytes : 0);
    unsigned char *buf = malloc(len);
    if (buf == NULL) {
        return NULL;
    }
    mp_rma_hdr_t *h = (mp_rma_hdr_t *)buf;
    memset(h, 0, sizeof(*h));
    h->magic = MP_RMA_WIRE_MAGIC;
    h->type = (uint8_t)msg_of_kind[op->kind];
    h->inlined = inlined;
    h->reply_tag = reply_tag;
    h->nsegs = (uint32_t)tdt->nsegs;
    h->disp = op->disp;
    h->tcount = op->tcount;
    h->textent = tdt->extent;
    h->tsize = tdt->size;
    h->bytes = bytes;
    h->op = op->op;
    h->elem = tdt->elem_type != NULL ? tdt->elem_type->handle : 0;
    mp_rma_wseg_t *w = (mp_rma_wseg_t *)(buf + sizeof(*h));
    if (contiguous) {
        /* Contiguous data is one block at the target, however many elements. */
        w[0] = (mp_rma_wseg_t){tdt->lb, tdt->size * op->tcount, 1, 0};
        h->tcount = 1;
        h->textent = (int64_t)(tdt->size * op->tcount);
        h->tsize = tdt->size * op->tcount;
    } else {
        size_t at = 0;
        for (size_t i = 0; i < tdt->nsegs; i++) {
            /* The wire holds flat segments: a nested one goes as one per copy of level 0. */
            const mp_dt_seg_t *s = &tdt->segs[i];
            size_t rows = mp_dt_seg_blocks(s) / s->count;
            for (size_t r = 0; r < rows; r++) {
                w[at++] = (mp_rma_wseg_t){mp_dt_seg_block_disp(s, r * s->count), s->len, s->count,
                                          s->stride};
            }
        }
    }
    h->nsegs = (uint32_t)nsegs;
    unsigned char *data = (unsigned char *)(w + nsegs);
    if (inlined && op->kind == MP_RMA_CAS) {
        mp_datatype_pack(op->odt, 1, op->origin, 0, data, op->odt->size);
        mp_datatype_pack(op->odt, 1, op->compare, 0, data + op->odt->size, op->odt->size);
    } else if (inlined && bytes > 0) {
        mp_datatype_pack(op->odt, op->ocount, op->origin, 0, data, bytes);
    }
    *len_p = len;
    return buf;
}

static int reply_tag_next(mp_win_t *win)
{
    int tag = MP_RMA_TAG_REPLY_FIRST + (int)(win->next_tag % (INT32_MAX - MP_RMA_TAG_REPLY_FIRST));
    win->next_tag++;
    return tag;
}

mp_status_t mp_rma_op_start(mp_win_t *win, const mp_rma_op_t *op, mp_request_t **req_p)
{
    mp_rma_ureq_t *ureq = NULL;
    if (req_p != NULL) {
        ureq = calloc(1, sizeof(*ureq));
        mp_request_t *req = ureq != NULL ? mp_request_create(MP_REQ_COLL) : NULL;
        if (req == NULL) {
            free(ureq);
            return MP_ERR_NOMEM;
        }
        req->status.source = -1; /* the empty status: MPI_ANY_SOURCE, MPI_ANY_TAG */
        req->status.tag = -1;
        req->comm = win->comm;
        ureq->req = req;
        ureq->remaining = 1; /* until the operation is all started */
    }
    if (win->direct) {
        mp_status_t st = mp_rma_direct_op(win, op);
        if (ureq != NULL) {
            ureq->req->status.error = st;
            mp_request_t *req = ureq->req;
            ureq_part_done(ureq);
            if (st == MP_OK) {
                *req_p = req;
            } else {
                mp_request_free(req); /* the call fails: no request exists */
            }
        }
        return st;
    }
    bool fetch = op->kind == MP_RMA_GET || op->kind == MP_RMA_GACC || op->kind == MP_RMA_CAS;
    size_t bytes = origin_bytes(op);
    bool inlined = bytes <= MP_RMA_INLINE_MAX || op->kind == MP_RMA_CAS;
    int tag = fetch ? reply_tag_next(win) : 0;
    mp_status_t st = MP_OK;
    /* The answer's receive goes first, so that it never waits as an unexpected message. */
    if (fetch) {
        mp_request_t *rreq = NULL;
        st = mp_pt2pt_irecv(op->result, op->rcount, op->rdt, op->target, tag, win->comm, &rreq);
        if (st == MP_OK && (st = pend_add(win, rreq, op->target, true, ureq)) != MP_OK) {
            mp_request_free(rreq);
        }
    }
    size_t len = 0;
    unsigned char *buf = st == MP_OK ? mp_rma_msg_build(op, tag, inlined, &len) : NULL;
    if (st == MP_OK && buf == NULL) {
        st = MP_ERR_NOMEM;
    }
    if (st == MP_OK) {
        st = hdr_send(win, op->target, buf, len);
    }
    if (st == MP_OK && !inlined && bytes > 0) {
        mp_request_t *dreq = NULL;
        st = mp_pt2pt_isend(op->origin, op->ocount, op->odt, op->target, MP_RMA_TAG_DATA, win->comm,
                            MP_SEND_STANDARD, &dreq);
        if (st == MP_OK && (st = pend_add(win, dreq, op->target, false, ureq)) != MP_OK) {
            mp_request_free(dreq);
        }
    }
    if (st == MP_OK) {
        win->peers[op->target].sent++;
        win->peers[op->target].unanswered = !fetch;
    }
    if (ureq != NULL) {
        mp_request_t *req = ureq->req;
        if (st != MP_OK) {
            req->status.error = st;
        }
        ureq_part_done(ureq);
        *req_p = req;
    }
    return st;
}
