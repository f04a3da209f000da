/*
 * A daemon's place in the tree that relays whole-job fences (see tree.h): it gathers its own
 * part and one combined part from each child, sends the combination up (to mpirun or to its
 * parent daemon), and hands the result coming down to its children and its PMIx server.
 * Children connect to a listener of ours and prove the job's secret; so do we to our parent.
 */
#ifndef MPIRUN_RELAY_H
#define MPIRUN_RELAY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpirun/collect.h"
#include "mpirun/conn.h"

typedef struct mpirun_relay_child {
    int node;
    mpirun_conn_t conn; /* fd -1 until it proved itself, and again once gone */
    bool dropped;       /* it could not reach us: its parts go to mpirun (UNCHILD) */
} mpirun_relay_child_t;

typedef struct mpirun_relay_pending {
    mpirun_conn_t conn;
    uint8_t nonce[32];
    double deadline;
} mpirun_relay_pending_t;

#define MPIRUN_RELAY_PENDING_MAX 16

/* The link to the parent daemon, made by the daemon's loop without ever waiting on it. */
typedef enum mpirun_relay_link {
    MPIRUN_RELAY_LINK_NONE,       /* no parent daemon, or not told yet, or given up */
    MPIRUN_RELAY_LINK_CONNECTING, /* the connection is under way */
    MPIRUN_RELAY_LINK_CHALLENGE,  /* connected: waiting for the parent's challenge */
    MPIRUN_RELAY_LINK_WELCOME,    /* answered: waiting for the parent's proof */
    MPIRUN_RELAY_LINK_UP          /* proved both ways: parts go to the parent */
} mpirun_relay_link_t;

typedef struct mpirun_relay {
    int node;
    const uint8_t *secret;
    mpirun_conn_t *mpirun;    /* our connection to mpirun */
    bool parent_is_mpirun;    /* position 1..k, or its parent daemon was unreachable (ORPHAN) */
    mpirun_conn_t parent;     /* otherwise: fd -1 until mpirun says where it is */
    mpirun_relay_link_t link; /* how far the link to the parent got */
    double link_deadline;     /* when the current step of the link is given up */
    char parent_addr[MPIRUN_ADDR_LEN]; /* where the parent listens, for messages */
    int parent_port;
    uint8_t link_nonce[32]; /* ours, which the parent's WELCOME answers */
    bool parent_lost;
    bool orphan;            /* its parent daemon was unreachable: mpirun took it as its child */
    mpirun_wire_buf_t held; /* parts for a parent we have not connected to yet */
    int nchildren;
    int ndropped; /* children that went to mpirun instead */
    mpirun_relay_child_t *children;
    int listen_fd;
    mpirun_relay_pending_t pending[MPIRUN_RELAY_PENDING_MAX]; /* accepted, not proved yet */
    size_t npending;
    mpirun_collector_t collector;
    void (*say)(void *ctx, const char *line); /* for connections turned away */
    void *say_ctx;
} mpirun_relay_t;

/* Sets up from mpirun's TREE payload; with children, listens on every address (IPv6 and
 * IPv4) and sets *port (else 0). Returns 0, or -1 with a message in err. Call fini in either case.
 */
int mpirun_relay_init(mpirun_relay_t *r, int node, const uint8_t *secret, mpirun_conn_t *mpirun,
                      const uint8_t *payload, size_t len, int *port, char *err, size_t errlen);

/* Starts linking to the parent daemon (mpirun's PARENT payload); mpirun_relay_handle goes on
 * with it as the socket allows (never blocking the loop): the connection within 3 s, then the
 * proofs both ways within 10 s, then the held parts follow. Returns 0 (under way); or 1 with
 * why in err when the parent cannot be reached: then, as for any failure of the link later,
 * the daemon falls back to mpirun as its parent (ORPHAN to mpirun, held parts after it); or -1
 * with a message in err when the payload is malformed or unexpected. */
int mpirun_relay_connect_parent(mpirun_relay_t *r, const uint8_t *payload, size_t len, char *err,
                                size_t errlen);

/* mpirun's UNCHILD payload: that child went to mpirun, so every fence here needs one part
 * fewer; those it completes go up. Returns 0, or -1 with a message in err. */
int mpirun_relay_unchild(mpirun_relay_t *r, const uint8_t *payload, size_t len, char *err,
                         size_t errlen);

/* This host's part of a whole-job fence. Returns 0, or -1 with a message in err. */
int mpirun_relay_part(mpirun_relay_t *r, uint64_t sig, uint32_t seq, int status, const void *data,
                      size_t n, char *err, size_t errlen);

/* A FENCE_DOWN payload from the parent (or mpirun): to the children, then to the server.
 * Returns false when the payload is malformed. */
bool mpirun_relay_down(mpirun_relay_t *r, const uint8_t *payload, size_t len);

size_t mpirun_relay_nfds_max(const mpirun_relay_t *r);
size_t mpirun_relay_pollfds(mpirun_relay_t *r, struct pollfd *fds);

/* After poll. Returns 0, or -1 with a message in err when the parent link is lost or broke
 * the protocol, or a child's part was invalid: the daemon cannot take part in fences then. */
int mpirun_relay_handle(mpirun_relay_t *r, const struct pollfd *fds, size_t nfds, char *err,
                        size_t errlen);

/* Sends what waits on the tree's links (call after the loop's work). */
void mpirun_relay_flush(mpirun_relay_t *r);

void mpirun_relay_fini(mpirun_relay_t *r);

#endif
