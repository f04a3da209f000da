/*
 * Matching: receives posted before their message (posted queue) and messages that arrived
 * before their receive (unexpected queue), both in arrival order so that the first match is
 * the standard's match and messages from one sender never overtake each other.
 */
#ifndef MP_PT2PT_MATCH_H
#define MP_PT2PT_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt2pt/request.h"

/* A message that arrived before its receive. */
typedef struct mp_unexp {
    struct mp_unexp *next, *prev;
    uint32_t context_id;
    int src; /* comm rank of the sender */
    int tag;
    int world_src;   /* job rank of the sender */
    size_t size;     /* bytes of the message */
    bool rendezvous; /* data still at the sender (RTS) */
    bool sync;       /* eager, synchronous: acknowledge when matched */
    bool contig;     /* rendezvous: the sender's data is one block at addr */
    uint64_t sreq;   /* the sender's request */
    uint64_t seq;    /* the message's number on its channel (MP_PKT_CANCEL names it so) */
    uint64_t addr;   /* rendezvous: the sender's data address */
    mp_comm_t *comm; /* set by mprobe: the communicator the message was taken on */
    char *data;      /* eager: the bytes received so far */
    size_t received; /* eager: how many */
    bool lost;       /* its sender was lost before the rest came: its receive fails */
} mp_unexp_t;

/* Whether a receive for (src, tag) in context ctx takes a message (msg_src, msg_tag). */
static inline bool mp_match_fits(int src, int tag, int msg_src, int msg_tag)
{
    return (src == msg_src || src == -1 /* MPI_ANY_SOURCE */) &&
           (tag == msg_tag || tag == -2 /* MPI_ANY_TAG */);
}

/* Posted receives (linked through req->next/prev). */
void mp_match_post(mp_request_t *req);
mp_request_t *mp_match_take_posted(uint32_t ctx, int src, int tag);
/* Removes a posted receive that has not matched; false if it is not in the queue. */
bool mp_match_unpost(mp_request_t *req);
/* Whether some posted receive would take (ctx, src, tag). */
bool mp_match_has_posted(uint32_t ctx, int src, int tag);
/* Whether no receive is posted at all. */
bool mp_match_posted_is_empty(void);

/* Unexpected messages. */
void mp_match_add_unexp(mp_unexp_t *msg);
/* Calls fn(tag) whenever a message of context ctx goes to the unexpected queue (one context at a
 * time; fn NULL: none). fn runs inside delivery: it may only note the fact. */
void mp_match_watch_unexp(uint32_t ctx, void (*fn)(int tag));
mp_unexp_t *mp_match_find_unexp(uint32_t ctx, int src, int tag);
void mp_match_remove_unexp(mp_unexp_t *msg);
/* The unexpected message that job rank world_src sent as its seq-th message to this rank. */
mp_unexp_t *mp_match_find_sent(int world_src, uint64_t seq);

/* Bytes held by unexpected messages (data and bookkeeping), for flow control. */
extern size_t mp_match_unexp_bytes;

#endif
