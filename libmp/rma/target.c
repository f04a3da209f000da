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

/* A parsed request: the header, the target type's segments, the inline data. */
typedef struct in_view {
    const mp_rma_hdr_t *hdr;
    const mp_rma_wseg_t *segs;
    const unsigned char *data; /* origin data: inline, or the separate message */
} in_view_t;

/* Whether the request's header is well formed (a stranger's bytes never reach memory). */
static bool view_parse(const mp_rma_in_t *in, in_view_t *v)
{
    if (in->msg_bytes < sizeof(mp_rma_hdr_t)) {
        return false;
    }
    v->hdr = (const mp_rma_hdr_t *)in->msg;
    const mp_rma_hdr_t *h = v->hdr;
    if (h->magic != MP_RMA_WIRE_MAGIC || h->nsegs > (in->msg_bytes / sizeof(mp_rma_wseg_t))) {
        return false;
    }
    size_t want = sizeof(*h) + h->nsegs * sizeof(mp_rma_wseg_t);
    if (h->inlined) {
        want += h->bytes;
    }
    if (want != in->msg_bytes) {
        return false;
    }
    v->segs = (const mp_rma_wseg_t *)(in->msg + sizeof(*h));
    v->data = h->inlined ? in->msg + sizeof(*h) + h->nsegs * sizeof(mp_rma_wseg_t) : in->data;
    return true;
}

/* ---- The target memory a request touches ---- */

/* Whether [addr, addr + len) lies in this rank's window memory. */
static bool in_window(const mp_win_t *win, uintptr_t addr, size_t len)
{
    if (win->flavor == MP_WIN_DYNAMIC) {
        for (const mp_win_region_t *r = win->regions; r != NULL; r = r->next) {
            if (addr >= r->base && addr - r->base <= r->size && len <= r->size - (addr - r->base)) {
                return true;
            }
        }
        return false;
    }
    uintptr_t base = (uintptr_t)win->base;
    return addr >= base && addr - base <= win->size && len <= win->size - (addr - base);
}

/* The address of target byte offset disp (an address already in dynamic windows). */
static uintptr_t target_addr(const mp_win_t *win, uint64_t disp)
{
    return win->flavor == MP_WIN_DYNAMIC ? (uintptr_t)disp : (uintptr_t)win->base + disp;
}

/* Calls fn on each block of the target data in type-map order: its address and its offset in
 * the packed stream. Checks every block against the window first; false when one is outside. */
typedef void block_fn(void *ctx, unsigned char *addr, size_t len, size_t off);

/* The bytes [lo, hi) that the target data spans, relative to its start. */
static void blocks_span(const in_view_t *v, int64_t *lo_p, int64_t *hi_p)
{
    const mp_rma_hdr_t *h = v->hdr;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint32_t s = 0; s < h->nsegs; s++) {
        const mp_rma_wseg_t *sg = &v->segs[s];
        int64_t last = (int64_t)(sg->count - 1) * sg->stride;
        int64_t a = sg->disp + (last < 0 ? last : 0);
        int64_t b = sg->disp + (last > 0 ? last : 0) + (int64_t)sg->len;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    int64_t elems = (int64_t)(h->tcount - 1) * h->textent;
    *lo_p = lo + (elems < 0 ? elems : 0);
    *hi_p = hi + (elems > 0 ? elems : 0);
}

static bool blocks_walk(const mp_win_t *win, const in_view_t *v, block_fn *fn, void *ctx)
{
    const mp_rma_hdr_t *h = v->hdr;
    if (h->tcount == 0 || h->nsegs == 0) {
        return true;
    }
    uintptr_t start = target_addr(win, h->disp);
    int64_t lo = 0, hi = 0;
    blocks_span(v, &lo, &hi);
    /* One check for the whole span: it must lie in the window (in one attached region). */
    if (!in_window(win, start + (uintptr_t)lo, (size_t)(hi - lo))) {
        return false;
    }
    if (fn == NULL) {
        return true;
    }
    size_t off = 0;
    for (uint64_t e = 0; e < h->tcount; e++) {
        uintptr_t elem = start + (uintptr_t)((int64_t)e * h->textent);
        for (uint32_t s = 0; s < h->nsegs; s++) {
            const mp_rma_wseg_t *sg = &v->segs[s];
            for (uint64_t b = 0; b < sg->count; b++) {
                fn(ctx, (unsigned char *)(elem + (uintptr_t)(sg->disp + (int64_t)b * sg->stride)),
                   sg->len, off);
                off += sg->len;
            }
        }
    }
    return true;
}

static void block_unpack(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    memcpy(addr, (const unsigned char *)ctx + off, len);
}

static void block_pack(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    memcpy((unsigned char *)ctx + off, addr, len);
}

typedef struct acc_ctx {
    const unsigned char *in;
    const mp_op_t *op;
    const mp_datatype_t *elem;
} acc_ctx_t;

static void block_acc(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    const acc_ctx_t *a = ctx;
    /* The origin checked that op applies to elem; whole elements fill every block. */
    (void)mp_op_reduce(a->op, a->in + off, addr, len / a->elem->size, a->elem);
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
static bool reply_in_place(mp_win_t *win, int src, const in_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    if (h->nsegs != 1 || h->tcount != 1 || v->segs[0].count != 1) {
        return false;
    }
    uintptr_t a = target_addr(win, h->disp) + (uintptr_t)v->segs[0].disp;
    size_t len = (size_t)v->segs[0].len;
    mp_request_t *req = NULL;
    if (!in_window(win, a, len) || mp_pt2pt_isend((void *)a, len, mp_coll_byte(), src, h->reply_tag,
                                                  win->comm, MP_SEND_STANDARD, &req) != MP_OK) {
        return false;
    }
    mp_request_free(req);
    return true;
}

/* Applies origin data at the target with op (MPI_REPLACE and MPI_NO_OP included), element by
 * element of the basic type the origin named. */
static bool apply(mp_win_t *win, const in_view_t *v, const mp_op_t *op)
{
    acc_ctx_t ctx = {v->data, op, mp_datatype_predefined((uintptr_t)v->hdr->elem)};
    if (op == NULL || ctx.elem == NULL || ctx.elem->size == 0) {
        return false;
    }
    return blocks_walk(win, v, block_acc, &ctx);
}

/* The size of the data a request touches at the target. */
static size_t target_bytes(const mp_rma_hdr_t *h)
{
    return (size_t)(h->tcount * h->tsize);
}

static void serve_data(mp_win_t *win, int src, const in_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    bool ok = true;
    const mp_op_t *op = NULL;
    if (h->type == MP_RMA_MSG_ACC || h->type == MP_RMA_MSG_GACC) {
        op = mp_op_predefined((uintptr_t)h->op);
        ok = op != NULL;
    }
    if (h->type == MP_RMA_MSG_GET && reply_in_place(win, src, v)) {
        win->peers[src].processed++;
        return;
    }
    switch ((mp_rma_msg_t)h->type) {
    case MP_RMA_MSG_PUT:
        ok = blocks_walk(win, v, block_unpack, (void *)v->data);
        break;
    case MP_RMA_MSG_ACC:
        ok = ok && apply(win, v, op);
        break;
    case MP_RMA_MSG_GET:
    case MP_RMA_MSG_GACC: {
        size_t len = target_bytes(h);
        unsigned char *out = malloc(len > 0 ? len : 1);
        if (out == NULL) {
            mp_log_error("one-sided: no memory to answer rank %d", src);
            ok = false;
            break;
        }
        bool fetched = blocks_walk(win, v, block_pack, out);
        if (fetched && h->type == MP_RMA_MSG_GACC) {
            fetched = ok && apply(win, v, op);
        }
        ok = fetched;
        reply(win, src, h->reply_tag, out, fetched ? len : 0);
        break;
    }
    case MP_RMA_MSG_CAS: {
        size_t len = (size_t)h->tsize;
        unsigned char *out = malloc(len > 0 ? len : 1);
        uintptr_t a = target_addr(win, h->disp);
        ok = out != NULL && h->bytes == 2 * len && in_window(win, a, len);
        if (ok) {
            memcpy(out, (void *)a, len);
            if (memcmp((void *)a, v->data + len, len) == 0) {
                memcpy((void *)a, v->data, len);
            }
        }
        if (out != NULL) {
            reply(win, src, h->reply_tag, out, ok ? len : 0);
        }
        break;
    }
    default:
        ok = false;
        break;
    }
    win->peers[src].processed++;
    if (!ok) {
        win->peers[src].refused++;
        mp_log_error("one-sided: an operation from rank %d falls outside this rank's window "
                     "memory (%s 0x%llx, %llu elements); it was not applied",
                     src, win->flavor == MP_WIN_DYNAMIC ? "address" : "byte offset",
                     (unsigned long long)h->disp, (unsigned long long)h->tcount);
    }
}

/* Grants waiting lock requests that fit now, oldest first (no overtaking, so none starves). */
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
        (void)mp_rma_send_ctrl(win, l->src, MP_RMA_MSG_GRANT, l->type, 0);
        free(l);
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
    locks_grant(win);
}

static void answer(mp_win_t *win, int src)
{
    (void)mp_rma_send_ctrl(win, src, MP_RMA_MSG_ACK, MP_WIN_LOCK_NONE, win->peers[src].refused);
    win->peers[src].refused = 0;
}

static void serve(mp_win_t *win, int src, const in_view_t *v)
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
static mp_status_t data_post(mp_win_t *win, mp_rma_in_t *in, const in_view_t *v)
{
    const mp_rma_hdr_t *h = v->hdr;
    size_t len = (size_t)h->bytes;
    void *dst = NULL;
    bool straight = h->type == MP_RMA_MSG_PUT && h->nsegs == 1 && v->segs[0].count == 1 &&
                    (h->tcount == 1 || (int64_t)v->segs[0].len == h->textent) &&
                    v->segs[0].len * h->tcount == len;
    if (straight) {
        uintptr_t a = target_addr(win, h->disp) + (uintptr_t)v->segs[0].disp;
        if (in_window(win, a, len)) {
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
    in_view_t v;
    bool valid = view_parse(in, &v);
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
        valid = view_parse(in, &v); /* now with the data */
        if (in->data == NULL) {
            /* The put landed in the window already. */
            win->peers[in->src].processed++;
            goto done;
        }
    }
    if (valid) {
        serve(win, in->src, &v);
    } else {
        mp_log_error("one-sided: a malformed request from rank %d was dropped", in->src);
    }
done:
    win->in_head = in->next;
    if (win->in_head == NULL) {
        win->in_tail = NULL;
    }
    free(in->msg);
    free(in);
    return true;
}

int mp_rma_target_progress(mp_win_t *win)
{
    int events = take_arrived(win);
    while (serve_head(win)) {
        events++;
    }
    return events;
}
