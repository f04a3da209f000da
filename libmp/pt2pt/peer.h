/*
 * Per-peer state of pt2pt: the endpoint chosen at wire-up, the queue of outgoing packets
 * (kept in order: a message's fragments never interleave with another message's), and the
 * eager message whose fragments are still arriving from that peer.
 */
#ifndef MP_PT2PT_PEER_H
#define MP_PT2PT_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt2pt/request.h"
#include "transport/transport.h"

struct mp_unexp;

/* A run of packets to one peer: a first packet with its own header, then payload fragments. */
typedef struct mp_send_job {
    struct mp_send_job *next;
    unsigned char hdr[MP_TL_HDR_MAX]; /* the first packet's header */
    size_t hdr_len;
    mp_request_t *req;  /* where the payload comes from; NULL for a lone control packet */
    size_t offset;      /* next packed byte of req's message to send */
    size_t end;         /* one past the last packed byte to send */
    bool first_sent;    /* the first packet went: the rest carry next_type headers */
    uint8_t next_type;  /* MP_PKT_FRAG (eager) or MP_PKT_DATA (rendezvous) */
    uint64_t data_req;  /* MP_PKT_DATA: the receiver's request */
    bool completes_req; /* once all is sent, req's data part is done */
    bool by_ref;        /* some payload went by reference (send_ref): done once sent_all */
} mp_send_job_t;

typedef struct mp_peer {
    mp_tl_ep_t *ep;
    size_t eager_limit;         /* largest message sent eagerly: per transport (MP_*EAGER_LIMIT) */
    mp_send_job_t *head, *tail; /* outgoing, in order */
    /* The eager message from this peer that still has fragments to come: exactly one of
     * in_req (matched) and in_unexp (not matched yet) is set while in_left > 0. */
    mp_request_t *in_req;
    struct mp_unexp *in_unexp;
    size_t in_offset;  /* where the next fragment goes */
    size_t in_left;    /* bytes still to come */
    uint64_t out_msgs; /* messages (EAGER, RTS) sent to this peer: the last one's number */
    uint64_t in_msgs;  /* messages received from it: the last one's number */
    bool lost;         /* its transport lost it: nothing more goes to or comes from it */
} mp_peer_t;

/* One per job rank. */
extern mp_peer_t *mp_peers;
extern int mp_npeers;

/* Numbers a message whose first packet (EAGER or RTS) just left for peer, and tells the send
 * request sreq (0: none) its number, which a cancel names. */
static inline void mp_peer_msg_sent(mp_peer_t *peer, uint64_t sreq)
{
    peer->out_msgs++;
    if (sreq != 0) {
        ((mp_request_t *)(uintptr_t)sreq)->send_seq = peer->out_msgs;
    }
}

/* Queues job behind what the peer already has queued and pushes what the transport takes.
 * Returns MP_OK, MP_ERR_NOMEM or MP_ERR_PEER (the peer is lost; job is then not queued). */
mp_status_t mp_peer_send_job(int world, const mp_send_job_t *job);

/* The peer is lost: drops its queued packets (their requests are failed by the caller). */
void mp_peer_drop_queue(int world);

/* Frees the jobs kept for reuse and the bounce buffer (at MPI_Finalize). */
void mp_peer_fini(void);

/* Queues a lone control packet (no payload). */
mp_status_t mp_peer_send_ctl(int world, const void *hdr, size_t hdr_len);

/* Takes back the message of send request sreq (its EAGER or RTS packet) from the queue to job rank
 * world, if none of its packets has gone yet. Returns whether it did. */
bool mp_peer_unqueue(int world, uint64_t sreq);

/* Pushes queued packets of every peer as far as the transports take them. Returns the number
 * of packets sent. */
int mp_peer_push_all(void);

/* Whether any packet waits in an outgoing queue. */
bool mp_peer_has_queued(void);

#endif
