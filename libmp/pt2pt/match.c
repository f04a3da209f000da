/*
 * The two matching queues as doubly-linked lists. Searches are linear from the oldest entry,
 * which is what the ordering rules need; deep queues are rare in practice.
 */
#include "pt2pt/match.h"

static mp_request_t *posted_head, *posted_tail;
static mp_unexp_t *unexp_head, *unexp_tail;
size_t mp_match_unexp_bytes;
static uint32_t watched_ctx;
static void (*watch_fn)(int tag);

void mp_match_watch_unexp(uint32_t ctx, void (*fn)(int tag))
{
    watched_ctx = ctx;
    watch_fn = fn;
}

void mp_match_post(mp_request_t *req)
{
    req->next = NULL;
    req->prev = posted_tail;
    if (posted_tail != NULL) {
        posted_tail->next = req;
    } else {
        posted_head = req;
    }
    posted_tail = req;
}

static void unlink_posted(mp_request_t *req)
{
    if (req->prev != NULL) {
        req->prev->next = req->next;
    } else {
        posted_head = req->next;
    }
    if (req->next != NULL) {
        req->next->prev = req->prev;
    } else {
        posted_tail = req->prev;
    }
    req->next = req->prev = NULL;
}

static mp_request_t *find_posted(uint32_t ctx, int src, int tag)
{
    for (mp_request_t *req = posted_head; req != NULL; req = req->next) {
        if (req->context_id == ctx && mp_match_fits(req->peer, req->tag, src, tag)) {
            return req;
        }
    }
    return NULL;
}

mp_request_t *mp_match_take_posted(uint32_t ctx, int src, int tag)
{
    mp_request_t *req = find_posted(ctx, src, tag);
    if (req != NULL) {
        unlink_posted(req);
    }
    return req;
}

bool mp_match_has_posted(uint32_t ctx, int src, int tag)
{
    return find_posted(ctx, src, tag) != NULL;
}

bool mp_match_posted_is_empty(void)
{
    return posted_head == NULL;
}

bool mp_match_unpost(mp_request_t *req)
{
    for (mp_request_t *r = posted_head; r != NULL; r = r->next) {
        if (r == req) {
            unlink_posted(req);
            return true;
        }
    }
    return false;
}

void mp_match_add_unexp(mp_unexp_t *msg)
{
    msg->next = NULL;
    msg->prev = unexp_tail;
    if (unexp_tail != NULL) {
        unexp_tail->next = msg;
    } else {
        unexp_head = msg;
    }
    unexp_tail = msg;
    mp_match_unexp_bytes += sizeof(*msg) + (msg->rendezvous ? 0 : msg->size);
    if (watch_fn != NULL && msg->context_id == watched_ctx) {
        watch_fn(msg->tag);
    }
}

mp_unexp_t *mp_match_find_unexp(uint32_t ctx, int src, int tag)
{
    for (mp_unexp_t *msg = unexp_head; msg != NULL; msg = msg->next) {
        if (msg->context_id == ctx && mp_match_fits(src, tag, msg->src, msg->tag)) {
            return msg;
        }
    }
    return NULL;
}

mp_unexp_t *mp_match_find_sent(int world_src, uint64_t seq)
{
    /* Newest first: a message being cancelled was sent recently, as a rule. */
    for (mp_unexp_t *msg = unexp_tail; msg != NULL; msg = msg->prev) {
        if (msg->world_src == world_src && msg->seq == seq) {
            return msg;
        }
    }
    return NULL;
}

void mp_match_remove_unexp(mp_unexp_t *msg)
{
    if (msg->prev != NULL) {
        msg->prev->next = msg->next;
    } else {
        unexp_head = msg->next;
    }
    if (msg->next != NULL) {
        msg->next->prev = msg->prev;
    } else {
        unexp_tail = msg->prev;
    }
    msg->next = msg->prev = NULL;
    mp_match_unexp_bytes -= sizeof(*msg) + (msg->rendezvous ? 0 : msg->size);
}
