/*
 * Request objects: creation, completion exactly once, and release, including the case where
 * the user frees a request before it completes (MPI_Request_free on an active send).
 */
#include "pt2pt/request.h"

#include <stdlib.h>
#include <string.h>

#include "pt2pt/progress.h"

/* Freed requests are kept for reuse: a message costs no malloc in the steady state. The list
 * is bounded so that a burst of requests does not pin memory forever. */
#define POOL_MAX 1024
static mp_request_t *pool;
static unsigned pool_len;
/* Incomplete requests, newest first. */
static mp_request_t *active;
/* Completions so far, for each request's complete_seq. */
static uint64_t completions;
uint64_t mp_request_failures;
mp_addr_span_t mp_request_span = MP_ADDR_SPAN_EMPTY;

static void active_add(mp_request_t *req)
{
    req->active_prev = NULL;
    req->active_next = active;
    if (active != NULL) {
        active->active_prev = req;
    }
    active = req;
}

static void active_remove(mp_request_t *req)
{
    if (req->active_prev == NULL && active != req) {
        return; /* not in the list */
    }
    if (req->active_prev != NULL) {
        req->active_prev->active_next = req->active_next;
    } else if (active == req) {
        active = req->active_next;
    }
    if (req->active_next != NULL) {
        req->active_next->active_prev = req->active_prev;
    }
    req->active_next = req->active_prev = NULL;
}

mp_request_t *mp_request_find_active(bool (*pred)(const mp_request_t *req, void *arg), void *arg)
{
    for (mp_request_t *req = active; req != NULL; req = req->active_next) {
        if ((req->kind == MP_REQ_SEND || req->kind == MP_REQ_RECV) && !req->complete &&
            pred(req, arg)) {
            return req;
        }
    }
    return NULL;
}

mp_request_t *mp_request_create(mp_request_kind_t kind)
{
    mp_request_t *req = pool;
    if (req != NULL) {
        pool = req->next;
        pool_len--;
    } else {
        req = malloc(sizeof(*req));
        if (req == NULL) {
            return NULL;
        }
        mp_addr_span_note(&mp_request_span, req, sizeof(*req));
    }
    /* Every other field zero: stores inline, cheaper than a call to memset for each message. */
    *req = (mp_request_t){.magic = MP_REQUEST_MAGIC, .kind = kind};
    active_add(req);
    return req;
}

static void destroy(mp_request_t *req)
{
    if (req->bsend_user != NULL) {
        /* Released by its buffer, but the user's request may still cancel its message: it goes
         * with that request. */
        req->free_on_complete = true;
        return;
    }
    mp_request_t *copy = req->bsend_copy;
    if (copy != NULL) {
        copy->bsend_user = NULL;
        req->bsend_copy = NULL;
        if (copy->complete && copy->free_on_complete) {
            destroy(copy);
        }
    }
    active_remove(req);
    req->magic = 0;
    if (req->owned_buf != NULL) {
        free(req->owned_buf);
    }
    /* Send and receive requests hold a reference to their datatype (taken where dt is set). */
    if (req->kind != MP_REQ_COLL && req->dt != NULL && !req->dt->predefined) {
        mp_datatype_release(req->dt);
        req->dt = NULL;
    }
    if (req->holds_comm) {
        mp_comm_unref(req->comm);
    }
    if (pool_len < POOL_MAX) {
        req->next = pool;
        pool = req;
        pool_len++;
    } else {
        free(req);
    }
}

void mp_request_pool_fini(void)
{
    while (pool != NULL) {
        mp_request_t *req = pool;
        pool = req->next;
        free(req);
    }
    pool_len = 0;
}

void mp_request_join(mp_request_t *recv, mp_request_t *send)
{
    if (send->complete) {
        mp_request_free(send);
        return;
    }
    if (recv->complete) {
        /* It matched at once; the user has not seen it yet: it now waits for the send too. */
        recv->complete = false;
        active_add(recv);
        recv->join_deferred = true;
    }
    recv->join_send = send;
    send->join_recv = recv;
    send->free_on_complete = true;
}

void mp_request_complete(mp_request_t *req)
{
    if (req->join_send != NULL) {
        req->join_deferred = true; /* completed by the send, below */
        return;
    }
    mp_request_t *recv = req->join_recv;
    active_remove(req);
    if (req->status.error != MP_OK) {
        mp_request_failures++;
    }
    req->complete = true;
    req->complete_seq = ++completions;
    if (req->on_complete != NULL) {
        req->on_complete(req, req->on_complete_arg);
    }
    if (req->free_on_complete) {
        destroy(req);
    }
    if (recv != NULL) {
        recv->join_send = NULL;
        if (recv->join_deferred) {
            mp_request_complete(recv);
        }
    }
}

void mp_request_free(mp_request_t *req)
{
    if (req->complete) {
        destroy(req);
    } else {
        req->free_on_complete = true;
    }
}

static bool request_done(void *arg)
{
    return ((const mp_request_t *)arg)->complete;
}

void mp_request_wait(mp_request_t *req)
{
    if (!req->complete) {
        mp_progress_wait(request_done, req);
    }
}
