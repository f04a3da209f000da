/*
 * Cancelling sends. A message that has not left is taken out of its queue. One that has left is
 * cancelled only while it waits unmatched in the receiver's unexpected queue, which only the
 * receiver knows: it is asked (MP_PKT_CANCEL), removes the message if it can, and answers
 * (MP_PKT_CANCEL_DONE); the send completes with the answer, cancelled or as sent.
 */
#include "pt2pt/cancel.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "pt2pt/match.h"
#include "pt2pt/peer.h"
#include "pt2pt/pt2pt.h"

/* The send is over: cancelled, or as it was sent once nothing else is awaited. A buffered send's
 * request that waits on this one's answer gets the same. */
static void finish(mp_request_t *req, bool cancelled)
{
    mp_request_t *user = req->bsend_user;
    if (user != NULL && user->cancel_pending) {
        finish(user, cancelled);
    }
    req->cancel_pending = false;
    if (cancelled) {
        /* Nothing more comes for it: no FIN, ACK or CTS of a message the receiver dropped. */
        req->data_done = true;
        req->waiting_ack = false;
        req->status.cancelled = true;
        req->status.bytes = 0;
        mp_request_complete(req);
    } else if (mp_request_send_is_done(req)) {
        mp_request_complete(req);
    }
}

void mp_pt2pt_buffered_link(mp_request_t *user, mp_request_t *copy)
{
    user->data_done = true; /* its own part is done: only a cancel's answer may be awaited */
    user->bsend_copy = copy;
    copy->bsend_user = user;
}

/* A buffered send is cancelled through the send from its copy. */
static bool cancel_buffered(mp_request_t *user)
{
    mp_request_t *copy = user->bsend_copy;
    if (user->cancel_pending || user->status.cancelled) {
        return false;
    }
    if (mp_cancel_send(copy)) {
        /* Complete already (the data was copied): it now reports the cancel. */
        user->status.cancelled = true;
        user->status.bytes = 0;
        return true;
    }
    if (copy->cancel_pending) {
        user->cancel_pending = true;
        user->complete = false;
    }
    return false;
}

bool mp_cancel_send(mp_request_t *req)
{
    if (req->bsend_copy != NULL) {
        return cancel_buffered(req);
    }
    if (req->cancel_pending || req->peer_matched || req->peer < 0 || req->comm == NULL) {
        return false; /* MPI_PROC_NULL is negative */
    }
    int world = mp_comm_world_rank(req->comm, req->peer);
    uint64_t sreq = (uint64_t)(uintptr_t)req;
    if (!req->complete && mp_peer_unqueue(world, sreq)) {
        finish(req, true);
        return true;
    }
    if (req->send_seq == 0) {
        return false; /* no message of its own left (a buffered send's request, say) */
    }
    mp_pkt_ctl_t c;
    memset(&c, 0, sizeof(c));
    c.type = MP_PKT_CANCEL;
    c.req = sreq;
    c.req2 = req->send_seq;
    if (mp_peer_send_ctl(world, &c, sizeof(c)) != MP_OK) {
        mp_log_error("out of memory asking rank %d to cancel a message; it stays sent", world);
        return false;
    }
    /* A sent eager message may have completed the send already: it completes again, once, with
     * the answer. */
    req->cancel_pending = true;
    req->complete = false;
    return false;
}

void mp_cancel_on_request(int world, const mp_pkt_ctl_t *c)
{
    /* The number names the message exactly; the request, a sanity check. */
    mp_unexp_t *u = mp_match_find_sent(world, c->req2);
    if (u != NULL && u->sreq != c->req) {
        u = NULL;
    }
    /* Packets arrive in order, so an eager message's fragments, sent before this packet, are all
     * here: only a message still arriving from another path would be partial. */
    bool gone = u != NULL && (u->rendezvous || mp_peers[world].in_unexp != u);
    if (gone) {
        mp_match_remove_unexp(u);
        free(u->data);
        free(u);
    }
    mp_pkt_ctl_t a;
    memset(&a, 0, sizeof(a));
    a.type = MP_PKT_CANCEL_DONE;
    a.req = c->req;
    a.req2 = gone ? 1 : 0;
    if (mp_peer_send_ctl(world, &a, sizeof(a)) != MP_OK) {
        mp_log_error("out of memory answering a cancel from rank %d", world);
    }
}

void mp_cancel_on_answer(const mp_pkt_ctl_t *c)
{
    finish((mp_request_t *)(uintptr_t)c->req, c->req2 == 1);
}
