/*
 * The transport interface: how pt2pt moves packets to a peer. A packet is a small protocol
 * header written by pt2pt plus an optional payload; a transport carries packets to one peer in
 * order and hands arriving ones up through the callback given at init. Transports know
 * nothing of matching, tags or requests. Each transport is one ops struct in a static registry.
 *
 * Threading: every function is called from the one thread that drives MPI (at most
 * MPI_THREAD_SERIALIZED), never concurrently.
 */
#ifndef MP_TRANSPORT_H
#define MP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "wireup/wireup.h"

/* The largest protocol header pt2pt puts in front of a payload. */
#define MP_TL_HDR_MAX 64

/* Node memory: a transport that shares memory between the ranks of a node gives every local
 * rank a region of mp_tl_node_area_size(local_size) bytes, zeroed at start, that every local
 * rank maps and that the transport itself never touches. The collectives' fast paths lay their
 * flags and data slots out in it (coll/shm.c): a fixed part plus a little per local rank, so
 * that memory per rank stays linear in the local ranks. */
#define MP_TL_NODE_FIXED_BYTES ((size_t)264 * 1024) /* 8 slots of 32 KiB, and flags */
#define MP_TL_NODE_RANK_BYTES ((size_t)4160)

static inline size_t mp_tl_node_area_size(int local_size)
{
    size_t n = MP_TL_NODE_FIXED_BYTES + MP_TL_NODE_RANK_BYTES * (size_t)local_size;
    return (n + 63) / 64 * 64;
}

/* A connection to one peer. Transports embed it first in their own endpoint struct. */
typedef struct mp_tl_ep {
    const struct mp_tl_ops *ops; /* the transport that owns it */
    int peer;                    /* the peer's rank in the job */
    size_t max_payload;          /* the most payload bytes one packet carries (>= 4096) */
    bool can_get;                /* ops->get works for this peer (single copy from its memory) */
} mp_tl_ep_t;

/* Called by a transport, from inside its progress, once per arriving packet: src is the
 * sender's job rank; hdr and payload are valid only during the call. Packets from one peer
 * arrive in the order they were sent. The callback may call send (to any peer). */
typedef void (*mp_tl_recv_fn)(int src, const void *hdr, size_t hdr_len, const void *payload,
                              size_t len);

/* What a transport's poll_ep did with the next packet from one peer. */
typedef enum mp_tl_offer {
    MP_TL_OFFER_NONE,     /* no packet from that peer has arrived */
    MP_TL_OFFER_DECLINED, /* one has (or the transport is busy): it stays first in line */
    MP_TL_OFFER_TAKEN,    /* take consumed it; it is gone from the transport */
} mp_tl_offer_t;

/* The consumer of an offered packet: returns whether it took it. hdr and payload are valid only
 * during the call; take must not call back into the transport. */
typedef bool (*mp_tl_take_fn)(void *arg, const void *hdr, size_t hdr_len, const void *payload,
                              size_t len);
/* Called by a transport, from inside its progress (never from send), when the peer of job rank
 * peer is lost: its connection broke or it cannot be reached. The transport has logged why;
 * from then on its send to that peer returns MP_ERR_PEER. */
typedef void (*mp_tl_lost_fn)(int peer);

/* Asked by a transport that can receive a payload straight into its final place, once a
 * packet's header has arrived and before its len payload bytes have: returns where they go
 * (len contiguous writable bytes), or NULL to have them delivered through recv as usual. A
 * placed packet still comes through recv, with payload pointing at that place. */
typedef void *(*mp_tl_place_fn)(int src, const void *hdr, size_t hdr_len, size_t len);

typedef struct mp_tl_ops {
    const char *name;

    /* Before the wire-up fence: set up local resources and publish business cards. */
    mp_status_t (*init)(const mp_wireup_info_t *info, mp_tl_recv_fn recv);

    /* After the fence: the endpoint for job rank peer, or NULL if this transport cannot reach
     * it (the next transport in the registry is then asked). Owned by the transport. */
    mp_tl_ep_t *(*connect)(int peer);

    /* Sends one packet. Non-blocking: copies hdr (hdr_len <= MP_TL_HDR_MAX) and payload
     * (len <= ep->max_payload) before returning, so both may be reused at once. Returns
     * MP_OK, or MP_ERR_AGAIN when the channel to that peer is full (or, for tcp, still being
     * opened): nothing was sent, try again after progress; MP_ERR_PEER when the peer is lost. */
    mp_status_t (*send)(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                        size_t len);

    /* Like send, but instead of copying the payload that the channel does not take at once,
     * the transport may keep a reference to it: payload must stay valid and unchanged until
     * sent_all(ep) says true. NULL when the transport has no such path. */
    mp_status_t (*send_ref)(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                            size_t len);
    /* Whether every payload given to send_ref for ep has left this process. */
    bool (*sent_all)(mp_tl_ep_t *ep);

    /* Delivers arrived packets through the recv callback and returns how many. Non-blocking.
     * may_deliver, if not NULL, is asked before each packet from a peer whether it may be
     * delivered now; when it says false, that peer's packets wait (flow control). */
    int (*progress)(bool (*may_deliver)(int src, const void *hdr, size_t hdr_len));

    /* The fast path of a blocking receive: offers the next arrived packet from ep's peer, and
     * only that one, to take(arg, ...) without going through the recv callback or looking at
     * other peers. Non-blocking. Packets keep their order: one not taken is the next that
     * progress delivers. NULL when the transport has no such path. */
    mp_tl_offer_t (*poll_ep)(mp_tl_ep_t *ep, mp_tl_take_fn take, void *arg);

    /* Whether packets from ep's peer wait here undelivered: the peer sends to this rank as it
     * is sent to. NULL when the transport cannot tell. */
    bool (*has_incoming)(mp_tl_ep_t *ep);

    /* Single copy: reads len bytes at address remote of ep's peer into local. Blocking;
     * only when ep->can_get. NULL when the transport has no such path. */
    mp_status_t (*get)(mp_tl_ep_t *ep, void *local, uint64_t remote, size_t len);

    /* The other direction: writes len bytes of local at address remote of ep's peer. Same
     * conditions as get (ep->can_get). */
    mp_status_t (*put)(mp_tl_ep_t *ep, const void *local, uint64_t remote, size_t len);

    /* Sleeping while waiting (NULL if the transport cannot wake a sleeper). sleep_prepare
     * announces to peers that this rank is about to sleep and returns false if packets
     * arrived meanwhile (then do not sleep); sleep_wait sleeps until a peer's send wakes it
     * or max_ns passed; sleep_done withdraws the announcement. A send to a sleeping peer
     * wakes it; a send to an awake peer makes no system call. */
    bool (*sleep_prepare)(void);
    void (*sleep_wait)(uint64_t max_ns);
    void (*sleep_done)(void);

    /* For a rank that waits on several transports at once: a descriptor that becomes readable
     * (poll) whenever sleep_wait would return early; from the first call on, peers wake this
     * rank through it. NULL, or -1 returned: none (then wait in short slices). */
    int (*sleep_fd)(void);

    /* Whether every packet send accepted has left this process (NULL: always, as send copies
     * into memory the peer reads). The closing fence waits for it. */
    bool (*is_flushed)(void);

    /* Registers the handler of lost peers (NULL when the transport cannot lose one). Given
     * NULL, withdraws it: from the closing fence on, peers leave as they finish, so a peer that
     * goes away is neither reported nor logged any more. */
    void (*set_lost)(mp_tl_lost_fn lost);

    /* Registers the placement hook (NULL when the transport always delivers from its own
     * buffers). */
    void (*set_place)(mp_tl_place_fn place);
    /* Node memory (NULL where the transport has none): the region of local rank lr (an index
     * into the wire-up info's local_ranks; this rank's own included), mapped here, or NULL when
     * lr is not connected. Valid from connect until fini. */
    void *(*node_area)(int lr);

    /* Wakes local rank lr if it announced a sleep (sleep_prepare), after this rank stored into
     * node memory something lr may be waiting for: the same protocol as a send's wake-up, so a
     * store followed by node_wake is never missed by a rank about to sleep. No system call when
     * lr is awake. */
    void (*node_wake)(int lr);

    /* After the closing fence: release everything. */
    void (*fini)(void);
} mp_tl_ops_t;

/* The transports, in the order they are asked to connect a peer. */
extern const mp_tl_ops_t mp_tl_self_ops;
extern const mp_tl_ops_t mp_tl_shm_ops;
extern const mp_tl_ops_t mp_tl_tcp_ops;

#endif
