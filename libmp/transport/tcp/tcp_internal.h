/*
 * The state shared by the tcp transport's files: connections (sockets in the one epoll set),
 * endpoints (one per peer: the connection this rank sends on, the one it receives on), and the
 * transport's own settings. Not for use outside libmp/transport/tcp/.
 */
#ifndef MP_TCP_INTERNAL_H
#define MP_TCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/tcp/proto.h"
#include "transport/transport.h"

/* The largest payload of one packet. Measured between two network namespaces, a window of 1..4
 * MiB messages moves 1.5-1.7x faster in 512 KiB frames than in 4 MiB ones (4.0-4.5 against
 * 2.6-2.7 GB/s; 256 KiB frames: 3.7-3.8); eager messages up to this size go whole, larger
 * ones in fragments of it. */
#define MP_TCP_MAX_PAYLOAD (512 * 1024)
/* A connection's receive buffer starts with room for two frames of this payload; it grows only
 * for a larger frame that pt2pt does not place (rendezvous data is mostly read in place). */
#define MP_TCP_RX_PAYLOAD (128 * 1024)
#define MP_TCP_RX_START (2 * (MP_TCP_FRAME_LEN + MP_TL_HDR_MAX + MP_TCP_RX_PAYLOAD))
/* A progress pass looks at the whole epoll set at least every this many passes; the others
 * read the hot connection directly. */
#define MP_TCP_EPOLL_EVERY 8
/* How long a lost peer goes unreported: a rank that died is usually reported by the launcher
 * within this time, which ends the job with the real cause (a signal, an exit status) rather
 * than with the survivors' account of a closed connection. */
#define MP_TCP_LOST_GRACE_NS 1000000000u
/* Connections accepted but not yet authenticated, at most: more are refused at once. */
#define MP_TCP_MAX_UNAUTH 64

/*
 * A rank sends to a peer on exactly one connection, chosen at its first send and kept: the one
 * the peer opened, if it is authenticated by then (so both directions share one socket, and
 * acknowledgements ride on the answers instead of costing packets of their own), else one this
 * rank opens. Two ranks that connect to each other at the same time each keep sending on their
 * own, so no socket is ever switched or raced over, and each direction keeps its order because
 * it has exactly one stream. Every authenticated connection is read.
 */
enum tcp_conn_state {
    MP_TCP_CONN_CONNECTING, /* outgoing: connect() in progress */
    MP_TCP_CONN_AUTH,       /* the handshake runs */
    MP_TCP_CONN_READY,      /* authenticated: packets flow */
};

typedef struct tcp_conn {
    int fd;
    int state;            /* enum tcp_conn_state */
    int peer;             /* job rank; -1 until an accepted connection says who it is */
    bool outgoing;        /* this rank opened it */
    bool heard;           /* handshake bytes came from the other end */
    bool dead;            /* closed; freed at the end of the progress pass that closed it */
    uint64_t deadline_ns; /* CONNECTING, AUTH: when to give up (CLOCK_MONOTONIC) */
    char where[64];       /* the remote address, "a.b.c.d:port" or "[v6]:port", for messages */
    mp_tcp_auth_t auth;
    uint8_t *rx;     /* READY: received bytes not yet delivered (allocated on first read) */
    size_t rx_cap;   /* its size: MP_TCP_RX_START, or more for a large frame not placed */
    size_t rx_start; /* first byte not delivered */
    size_t rx_end;   /* one past the last byte received */
    bool backlog;    /* holds a whole frame that may_deliver held back (counted in nbacklog) */
    /* A payload read straight into the place pt2pt gave (mp_tl_place_fn). */
    bool placing;
    uint8_t place_hdr[MP_TL_HDR_MAX]; /* the packet's header, kept until delivery */
    size_t place_hdr_len;
    uint8_t *place_dst;
    size_t place_len, place_got;
    bool streaming;        /* the last frame was placed: read the next headers alone, not ahead */
    struct tcp_conn *next; /* every connection, in tcp.conns */
} tcp_conn_t;

typedef struct tcp_ep {
    mp_tl_ep_t base;             /* first: what pt2pt holds */
    mp_tcp_card_t card;          /* the peer's addresses */
    bool card_loaded;            /* card and order are read (other jobs' peers: on first use) */
    int order[MP_TCP_MAX_ADDRS]; /* indexes into card.addrs, in the order to try them */
    int norder;
    int next_addr;   /* the next entry of order to try */
    char tried[512]; /* addresses tried and why they failed, for the message */
    tcp_conn_t *out; /* the connection packets to the peer go on (may be in) */
    tcp_conn_t *in;  /* the connection the peer opened to this rank, once authenticated */
    uint8_t *tx;     /* bytes accepted by send but not yet taken by the kernel */
    size_t tx_off, tx_len, tx_cap;
    const uint8_t *ref; /* then these, still in the sender's memory (send_ref) */
    size_t ref_len;
    bool failed;        /* the peer is lost: sends wait, then fail once it is reported */
    uint64_t failed_ns; /* when (CLOCK_MONOTONIC) */
    char why[256];      /* for the report */
    bool lost_reported; /* pt2pt was told */
} tcp_ep_t;

typedef struct tcp_state {
    mp_tl_recv_fn recv;
    mp_tl_lost_fn lost;
    mp_tl_place_fn place;
    int rank, size;
    uint32_t node_id;
    int listen_fd;
    bool v6; /* the listener takes IPv6 (and IPv4): IPv6 addresses are published */
    int epfd;
    uint8_t secret[MP_SHA256_LEN];
    bool have_secret;
    mp_tcp_card_t card; /* this rank's own */
    tcp_ep_t **eps;     /* by peer index (job rank, then other jobs' processes, see
                           wireup/procs.h); NULL until connect */
    int npeers;         /* one past the highest index eps may hold */
    uint32_t job;       /* this job's number (wireup/procs.h) */
    tcp_conn_t *conns;
    int nunauth;  /* accepted connections still in the handshake */
    int nwaiting; /* connections with a deadline (CONNECTING or AUTH) */
    int nbacklog; /* incoming connections holding whole frames not yet delivered */
    int ntx;      /* endpoints with bytes in tx */
    int ndead;    /* connections closed but not yet freed */
    int nlost;    /* endpoints failed but not yet reported to pt2pt */
    uint64_t connect_timeout_ns;
    uint64_t auth_timeout_ns;
    tcp_conn_t *hot;      /* the connection that delivered last: polled without epoll */
    unsigned polls;       /* progress passes, to look at the epoll set every MP_TCP_EPOLL_EVERY */
    unsigned idle_offers; /* empty looks of the blocking receive's fast path in a row */
    bool delivering;      /* inside progress: nested calls deliver nothing */
    bool closing;         /* fini: a peer closing its end is expected now */
} tcp_state_t;

extern tcp_state_t mp_tcp;

uint64_t mp_tcp_now_ns(void);

/* Reads the peer's card (wire-up) and orders its addresses. */
mp_status_t mp_tcp_ep_load_card(tcp_ep_t *ep);

/* conn.c: opening, accepting, authenticating and closing connections. */
void mp_tcp_conn_start(tcp_ep_t *ep);
/* Sets the epoll events a connection waits for. */
void mp_tcp_conn_watch(tcp_conn_t *conn, uint32_t events);
void mp_tcp_conn_accept_all(void);
void mp_tcp_conn_event(tcp_conn_t *conn, uint32_t events,
                       bool (*may_deliver)(int src, const void *hdr, size_t hdr_len), int *n);
void mp_tcp_conn_check_deadlines(void);
void mp_tcp_conn_close(tcp_conn_t *conn);
void mp_tcp_conn_reap(void);
/* The peer is lost: closes its connections and notes why, for the report after
 * MP_TCP_LOST_GRACE_NS (tcp.c). */
void mp_tcp_ep_fail(tcp_ep_t *ep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* rxtx.c: frames on READY connections. */
mp_status_t mp_tcp_tx_flush(tcp_ep_t *ep);
/* by_ref: the payload may stay referenced (send_ref) rather than copied. */
mp_status_t mp_tcp_tx_send(tcp_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                           size_t len, bool by_ref);
static inline bool mp_tcp_tx_pending(const tcp_ep_t *ep)
{
    return ep->tx_len > ep->tx_off || ep->ref_len > 0;
}
void mp_tcp_rx_read(tcp_conn_t *conn, bool (*may_deliver)(int src, const void *hdr, size_t hdr_len),
                    int *n);
/* The blocking receive's fast path (ops->poll_ep) on the connection that carries the peer's
 * packets: offers the whole frame at the front of its buffer, reading once first when even its
 * headers have not come. Large frames, and a connection in any other state than plain reading,
 * are declined: progress delivers them. */
mp_tl_offer_t mp_tcp_rx_offer(tcp_conn_t *conn, mp_tl_take_fn take, void *arg);
int mp_tcp_rx_deliver(tcp_conn_t *conn,
                      bool (*may_deliver)(int src, const void *hdr, size_t hdr_len));

#endif
