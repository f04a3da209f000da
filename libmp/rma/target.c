/*
 * The target side of the one-sided protocol: takes requests off matching as they arrive and
 * serves them one at a time in arrival order, from the progress engine. Serving them in order
 * makes each accumulate atomic per element and keeps an origin's requests in the order sent.
 */
#include <stdlib.h>
#include <string.h>

#include "coll/coll.h"
#include "core/log.h"
#include "pt2pt/pt2pt.h"
#include "rma/rma_internal.h"

/* This rank's window memory, as requests name it. */
static mp_rma_mem_t win_mem(const mp_win_t *win)
{
    return (mp_rma_mem_t){(uintptr_t)win->base, win->size, win->regions,
                          win->flavor == MP_WIN_DYNAMIC};
}

/* ---- Serving one request ---- */

/* Sends the fetched bytes to the origin; the buffer goes with the send. */
static void reply(mp_win_t *win, int dst, int tag, unsigned char *buf, size_t len)
{
    mp_request_t *req = NULL;
    if (mp_pt2pt_isend(buf, len, mp_coll_byte(), dst, tag, win->comm, MP_SEND_STANDARD, &req) !=
        MP_OK) {
        mp_log_error("one-sided: cannot answer rank %d: out of memory", dst);
        free(buf);
        return;
    }
    req->owned_buf = buf;
    mp_request_free(req);
}

/* A get of one block sends it straight from the window: no copy here, and the origin reads it
 * with a single copy where the transport allows. The origin's epoch cannot end before its
 * receive completed, so nobody may change these bytes before they are read. */
static bool reply_in_place(mp_win_t *win, int src, const mp_rma_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    if (h->nsegs != 1 || h->tcount != 1 || v->segs[0].count != 1) {
        return false;
    }
    mp_rma_mem_t mem = win_mem(win);
    uintptr_t a = mp_rma_mem_addr(&mem, h->disp) + (uintptr_t)v->segs[0].disp;
    size_t len = (size_t)v->segs[0].len;
    mp_request_t *req = NULL;
    if (!mp_rma_mem_has(&mem, a, len) ||
        mp_pt2pt_isend((void *)a, len, mp_coll_byte(), src, h->reply_tag, win->comm,
                       MP_SEND_STANDARD, &req) != MP_OK) {
        return false;
    }
    mp_request_free(req);
    return true;
}

static void serve_data(mp_win_t *win, int src, const mp_rma_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    win->peers[src].processed++;
    if (h->type == MP_RMA_MSG_GET && reply_in_place(win, src, v)) {
        return;
    }
    size_t len = mp_rma_fetch_bytes(h);
    bool fetch =
        h->type == MP_RMA_MSG_GET || h->type == MP_RMA_MSG_GACC || h->type == MP_RMA_MSG_CAS;
    unsigned char *out = fetch ? malloc(len > 0 ? len : 1) : NULL;
    mp_rma_mem_t mem = win_mem(win);
    bool ok = (!fetch || out != NULL) && mp_rma_apply(&mem, v, out);
    if (out != NULL) {
        /* The origin waits for an answer in any case: an empty one when this failed. */
        reply(win, src, h->reply_tag, out, ok ? len : 0);
    }
    if (!ok) {
        if (out == NULL) {
            win->peers[src].refused++; /* a fetching one's empty answer tells the origin */
        }
        mp_log_error("one-sided: an operation from rank %d falls outside this rank's window "
                     "memory (%s 0x%llx, %llu elements); it was not applied",
                     src, win->flavor == MP_WIN_DYNAMIC ? "address" : "byte offset",
                     (unsigned long long)h->disp, (unsigned long long)h->tcount);
    }
}

/* Grants waiting lock requests that fit now, oldest first (no overtaking, so none starves). */
static void serve_in(mp_win_t *win, mp_rma_in_t *in);

/* Serves the requests that src sent after its lock request, now that it is granted, in order;
 * they stop at a lock request of src's that must wait again. */
static void replay(mp_win_t *win, int src)
{
    mp_win_peer_t *p = &win->peers[src];
    while (!p->lock_waiting && p->parked != NULL) {
        mp_rma_in_t *in = p->parked;
        p->parked = in->next;
        if (p->parked == NULL) {
            p->parked_tail = NULL;
        }
        serve_in(win, in);
    }
}

static void locks_grant(mp_win_t *win)
{
    while (win->lock_waiting != NULL) {
        mp_rma_lockreq_t *l = win->lock_waiting;
        if (win->lock_exclusive || (l->type == MP_WIN_LOCK_EXCLUSIVE && win->lock_shared > 0)) {
            return;
        }
        if (l->type == MP_WIN_LOCK_EXCLUSIVE) {
            win->lock_exclusive = true;
        } else {
            win->lock_shared++;
        }
        win->lock_waiting = l->next;
        int src = l->src;
        free(l);
        win->peers[src].lock_waiting = false;
        (void)mp_rma_send_ctrl(win, src, MP_RMA_MSG_GRANT, MP_WIN_LOCK_NONE, 0);
        replay(win, src); /* may release locks and grant more: the loop reads the queue again */
    }
}

static void lock_request(mp_win_t *win, int src, mp_win_lock_t type)
{
    mp_rma_lockreq_t *l = malloc(sizeof(*l));
    if (l == NULL) {
        mp_log_error("one-sided: no memory for the lock request of rank %d", src);
        return;
    }
    l->next = NULL;
    l->src = src;
    l->type = type;
    mp_rma_lockreq_t **pp = &win->lock_waiting;
    while (*pp != NULL) {
        pp = &(*pp)->next;
    }
    *pp = l;
    win->peers[src].lock_waiting = true;
    locks_grant(win);
}

static void answer(mp_win_t *win, int src)
{
    (void)mp_rma_send_ctrl(win, src, MP_RMA_MSG_ACK, MP_WIN_LOCK_NONE, win->peers[src].refused);
    win->peers[src].refused = 0;
}

static void serve(mp_win_t *win, int src, const mp_rma_view_t *v)
{
    mp_win_peer_t *p = &win->peers[src];
    switch ((mp_rma_msg_t)v->hdr->type) {
    case MP_RMA_MSG_LOCK:
        lock_request(win, src, (mp_win_lock_t)v->hdr->lock);
        return;
    case MP_RMA_MSG_UNLOCK:
        if (v->hdr->lock == MP_WIN_LOCK_EXCLUSIVE) {
            win->lock_exclusive = false;
        } else if (win->lock_shared > 0) {
            win->lock_shared--;
        }
        answer(win, src);
        locks_grant(win);
        return;
    case MP_RMA_MSG_FLUSH:
        answer(win, src);
        return;
    case MP_RMA_MSG_ACK:
        p->acks_due--;
        p->errors_seen += v->hdr->errors;
        return;
    case MP_RMA_MSG_GRANT:
        p->granted = true;
        return;
    case MP_RMA_MSG_POST:
        p->posts++;
        return;
    case MP_RMA_MSG_COMPLETE:
        p->completes++;
        return;
    default:
        serve_data(win, src, v);
        return;
    }
}

/* ---- The queue ---- */

/* Takes every arrived request off matching, in arrival order, and starts receiving it. */
static int take_arrived(mp_win_t *win)
{
    int events = 0;
    for (;;) {
        mp_message_t *msg = NULL;
        mp_msg_status_t st;
        if (mp_pt2pt_improbe(-1 /* any source */, MP_RMA_TAG_HDR, win->comm, &msg, &st) != MP_OK ||
            msg == NULL) {
            return events;
        }
        mp_rma_in_t *in = calloc(1, sizeof(*in));
        unsigned char *buf = malloc(st.bytes > 0 ? st.bytes : 1);
        if (in == NULL || buf == NULL) {
            /* The message must still leave matching: receive it into nothing, and say so. */
            mp_log_error("one-sided: no memory for a request from rank %d; it is lost", st.source);
            free(in);
            free(buf);
            mp_request_t *req = NULL;
            if (mp_pt2pt_imrecv(NULL, 0, mp_coll_byte(), msg, &req) == MP_OK) {
                mp_request_free(req);
            }
            continue;
        }
        in->src = st.source;
        in->msg = buf;
        in->msg_bytes = st.bytes;
        if (mp_pt2pt_imrecv(buf, st.bytes, mp_coll_byte(), msg, &in->hdr_req) != MP_OK) {
            mp_log_error("one-sided: cannot receive a request from rank %d", st.source);
            free(buf);
            free(in);
            continue;
        }
        if (win->in_tail != NULL) {
            win->in_tail->next = in;
        } else {
            win->in_head = in;
        }
        win->in_tail = in;
        events++;
    }
}

/* Starts receiving a request's separate data: into the window when it lands there as is. */
static mp_status_t data_post(mp_win_t *win, mp_rma_in_t *in, const mp_rma_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    size_t len = (size_t)h->bytes;
    void *dst = NULL;
    /* Not while the origin's lock request waits: the data must not land before the lock. */
    bool straight = !win->peers[in->src].lock_waiting && h->type == MP_RMA_MSG_PUT &&
                    h->nsegs == 1 && v->segs[0].count == 1 &&
                    (h->tcount == 1 || (int64_t)v->segs[0].len == h->textent) &&
                    v->segs[0].len * h->tcount == len;
    if (straight) {
        mp_rma_mem_t mem = win_mem(win);
        uintptr_t a = mp_rma_mem_addr(&mem, h->disp) + (uintptr_t)v->segs[0].disp;
        if (mp_rma_mem_has(&mem, a, len)) {
            dst = (void *)a;
        }
    }
    if (dst == NULL) {
        if (win->scratch_len < len) {
            void *grown = realloc(win->scratch, len);
            if (grown == NULL) {
                return MP_ERR_NOMEM;
            }
            win->scratch = grown;
            win->scratch_len = len;
        }
        in->data = win->scratch;
        dst = in->data;
    }
    mp_status_t st = mp_pt2pt_irecv(dst, len, mp_coll_byte(), in->src, MP_RMA_TAG_DATA, win->comm,
                                    &in->data_req);
    in->data_posted = st == MP_OK;
    return st;
}

/* Serves the head of the queue if it is all here; returns whether it did. */
static bool serve_head(mp_win_t *win)
{
    mp_rma_in_t *in = win->in_head;
    if (in == NULL) {
        return false;
    }
    if (in->hdr_req != NULL) {
        if (!mp_request_is_complete(in->hdr_req)) {
            return false;
        }
        mp_request_free(in->hdr_req);
        in->hdr_req = NULL;
    }
    mp_rma_view_t v;
    bool valid = mp_rma_view_parse(in->msg, in->msg_bytes, in->data, &v);
    if (valid && !v.hdr->inlined && v.hdr->type >= MP_RMA_MSG_PUT &&
        v.hdr->type <= MP_RMA_MSG_CAS && v.hdr->bytes > 0) {
        if (!in->data_posted && data_post(win, in, &v) != MP_OK) {
            mp_log_error("one-sided: no memory for the data of rank %d", in->src);
            return false; /* tried again on the next pass */
        }
        if (!mp_request_is_complete(in->data_req)) {
            return false;
        }
        mp_request_free(in->data_req);
        in->data_req = NULL;
        in->straight = in->data == NULL;
    }
    win->in_head = in->next;
    if (win->in_head == NULL) {
        win->in_tail = NULL;
    }
    in->next = NULL;
    serve_in(win, in);
    return true;
}

/* Whether a request waits behind its origin's lock request: everything an origin sends but
 * the answers and the PSCW messages it exchanges with this rank as a target of its own. */
static bool parks(const mp_rma_view_t *v)
{
    switch ((mp_rma_msg_t)v->hdr->type) {
    case MP_RMA_MSG_ACK:
    case MP_RMA_MSG_GRANT:
    case MP_RMA_MSG_POST:
    case MP_RMA_MSG_COMPLETE:
        return false;
    default:
        return true;
    }
}

/* Serves a complete request (its data in), or parks it behind its origin's waiting lock
 * request; frees it once served. */
static void serve_in(mp_win_t *win, mp_rma_in_t *in)
{
    mp_win_peer_t *p = &win->peers[in->src];
    mp_rma_view_t v;
    bool valid = mp_rma_view_parse(in->msg, in->msg_bytes, in->data, &v);
    if (valid && in->straight) {
        p->processed++; /* the put landed in the window already */
    } else if (valid && p->lock_waiting && parks(&v)) {
        if (in->data != NULL && in->data == win->scratch) {
            /* The scratch serves the next request: a parked one keeps its own copy. */
            unsigned char *copy = malloc(v.hdr->bytes > 0 ? v.hdr->bytes : 1);
            if (copy == NULL) {
                mp_log_error("one-sided: no memory to hold a request of rank %d", in->src);
                goto drop;
            }
            memcpy(copy, in->data, v.hdr->bytes);
            in->data = copy;
            in->data_owned = true;
        }
        in->next = NULL;
        if (p->parked_tail != NULL) {
            p->parked_tail->next = in;
        } else {
            p->parked = in;
        }
        p->parked_tail = in;
        return;
    } else if (valid) {
        serve(win, in->src, &v);
    } else {
        mp_log_error("one-sided: a malformed request from rank %d was dropped", in->src);
    }
drop:
    if (in->data_owned) {
        free(in->data);
    }
    free(in->msg);
    free(in);
}

int mp_rma_target_progress(mp_win_t *win)
{
    int events = take_arrived(win);
    while (serve_head(win)) {
        events++;
    }
    return events;
}
