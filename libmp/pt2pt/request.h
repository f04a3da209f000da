/*
 * Requests: the handle of every nonblocking operation. Protocols complete them from inside
 * progress; the API layer tests, waits and frees them. A request is complete exactly once.
 */
#ifndef MP_PT2PT_REQUEST_H
#define MP_PT2PT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/datatype.h"
#include "core/status.h"

#define MP_REQUEST_MAGIC 0x6d707271u /* "mprq" */

/* Where requests lie (their handles are their addresses; comm.h includes util/addr_span.h). */
extern mp_addr_span_t mp_request_span;

/* What a completed receive (or probe) reports, before the API turns it into an MPI_Status. */
typedef struct mp_msg_status {
    int source; /* comm rank of the sender, MPI_PROC_NULL, or the caller's value */
    int tag;
    mp_status_t error; /* MP_OK, or MP_ERR_TRUNCATE when the message was longer than the buffer */
    size_t bytes;      /* bytes received (after truncation) */
    bool cancelled;
} mp_msg_status_t;

typedef enum mp_request_kind {
    MP_REQ_SEND,
    MP_REQ_RECV,
    MP_REQ_COLL, /* a nonblocking collective: completed by its schedule (owner) */
    MP_REQ_GREQ, /* a generalized request: the program completes it (owner: api/greq.c's record) */
} mp_request_kind_t;

typedef enum mp_send_mode {
    MP_SEND_STANDARD,
    MP_SEND_SYNC,  /* completes once the receiver matched it */
    MP_SEND_READY, /* the receive is known to be posted: same path as standard here */
} mp_send_mode_t;

typedef struct mp_request {
    uint32_t magic; /* MP_REQUEST_MAGIC while valid: stale handles are caught */
    mp_request_kind_t kind;
    bool complete;         /* the operation has finished; status is final */
    uint64_t complete_seq; /* when it completed, counted over the rank's requests from 1: of
                            * several complete requests, MPI_Waitany and MPI_Testany return
                            * the oldest, so that completions come out in the order they
                            * happened (a sender's messages in the order it sent them) */
    bool free_on_complete; /* MPI_Request_free was called before completion */
    mp_msg_status_t status;
    /* The operation, as posted. */
    void *buf;
    size_t count;
    const mp_datatype_t *dt;
    size_t capacity; /* bytes the buffer holds (receives) or sends (sends) */
    int peer;        /* comm rank (or MPI_ANY_SOURCE for receives) */
    int tag;         /* or MPI_ANY_TAG for receives */
    mp_comm_t *comm;
    bool holds_comm; /* the request holds a reference to comm (dropped when it is freed) */
    uint32_t context_id;
    /* Protocol state, owned by pt2pt. */
    size_t msg_bytes;    /* size of the matched/sent message */
    size_t done_bytes;   /* bytes moved so far */
    bool waiting_ack;    /* sync send: not complete until the receiver matched */
    bool data_done;      /* all data moved */
    uint64_t send_seq;   /* sends: the message's number on its channel (wire.h), set when its
                          * first packet left; 0 before, or when there is no message */
    bool cancel_pending; /* sends: MPI_Cancel asked the receiver; complete on its answer */
    bool peer_matched;   /* sends: FIN or ACK came, so the receiver has matched it */
    /* A buffered send (MPI_Ibsend): the user's request, complete at once, and the send from the
     * buffered copy point at each other while both live, so that MPI_Cancel reaches the copy's
     * message. The copy outlives its release by the buffer while the user's request holds it. */
    struct mp_request *bsend_copy; /* on the user's request: the send from the copy */
    struct mp_request *bsend_user; /* on that send: the user's request */
    void *owner;                   /* MP_REQ_COLL: the schedule that completes this request;
                                    * MP_REQ_GREQ: the program's callbacks */
    /* MPI_Isendrecv: one request (the receive) that completes once its send has too. */
    struct mp_request *join_send; /* on the receive: its send, until that completes */
    struct mp_request *join_recv; /* on the send: the receive that waits for it */
    bool join_deferred;           /* the receive finished first and waits for the send */
    void *owned_buf;              /* freed with the request (Isendrecv_replace's packed copy) */
    /* Called once, as the request completes (before a release asked for earlier frees it), by
     * a layer that keeps many requests in flight (rma): it learns of each completion without
     * polling every one of them on every pass of progress. */
    void (*on_complete)(struct mp_request *req, void *arg);
    void *on_complete_arg;
    struct mp_request *next; /* queue links, owned by whichever queue holds the request */
    struct mp_request *prev;
    /* Every incomplete request, so that a lost peer can fail the ones that wait for it. */
    struct mp_request *active_next;
    struct mp_request *active_prev;
} mp_request_t;

/* Whether a send may complete: its data went, the receiver matched it if it is synchronous,
 * and no cancel waits for its answer. */
static inline bool mp_request_send_is_done(const mp_request_t *req)
{
    return req->data_done && !req->waiting_ack && !req->cancel_pending;
}

/* A new request of the given kind, not complete, with magic set; NULL when out of memory. */
mp_request_t *mp_request_create(mp_request_kind_t kind);

/* Joins send to recv (both just started): recv completes only once send has, and send is
 * released on its own completion. */
void mp_request_join(mp_request_t *recv, mp_request_t *send);

/* Marks req complete and stamps the order of its completion; frees it if the user already
 * released it. */
void mp_request_complete(mp_request_t *req);

/* Requests of this process completed with an error so far: a wait for many requests looks for
 * a failed one among them only when this changed. */
extern uint64_t mp_request_failures;

/* Releases a request. If it is not complete yet, it is freed when it completes. */
void mp_request_free(mp_request_t *req);

static inline bool mp_request_is_complete(const mp_request_t *req)
{
    return req->complete;
}

/* The first incomplete send or receive for which pred says true, or NULL. */
mp_request_t *mp_request_find_active(bool (*pred)(const mp_request_t *req, void *arg), void *arg);

/* Frees the requests kept for reuse (at MPI_Finalize). */
void mp_request_pool_fini(void);

/* Drives progress until req completes (adaptive spin, yield, sleep). */
void mp_request_wait(mp_request_t *req);

/* Whether a handle's object looks like a live request. */
static inline bool mp_request_is_valid(const mp_request_t *req)
{
    return req != NULL && req->magic == MP_REQUEST_MAGIC;
}

#endif
