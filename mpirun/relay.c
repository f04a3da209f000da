/*
 * A daemon's links in the fence tree: the listener its children connect to, their proofs, the
 * link to its parent, and the gathering of whole-job fences over its subtree.
 */
#define _GNU_SOURCE
#include "mpirun/relay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mpirun/server.h"
#include "mpirun/wire.h"
#include "util/sha256.h"

/* The connection itself: a parent that does not answer this soon is on a network this daemon
 * does not reach, and the fences go to mpirun instead (MPIRUN_WIRE_ORPHAN). */
#define PARENT_CONNECT_S 3.0
/* Both proofs after it, as long as the parent gives a child to prove itself (it may still be
 * starting its own ranks). Nothing waits on it but this subtree's fence parts, held meanwhile. */
#define LINK_TIMEOUT_S 10.0
#define PENDING_TIMEOUT_S 10.0
#define PENDING_MAX_PAYLOAD 1024

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void say(mpirun_relay_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(mpirun_relay_t *r, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (r->say != NULL) {
        r->say(r->say_ctx, line);
    }
}

static void put_fence(mpirun_wire_buf_t *buf, mpirun_wire_type_t type, uint64_t sig, uint32_t seq,
                      int status, const void *data, size_t n)
{
    mpirun_wire_begin(buf, type);
    mpirun_wire_put_u32(buf, (uint32_t)(sig >> 32));
    mpirun_wire_put_u32(buf, (uint32_t)sig);
    mpirun_wire_put_u32(buf, seq);
    mpirun_wire_put_u32(buf, (uint32_t)status);
    mpirun_wire_put_bytes(buf, data, n);
    mpirun_wire_end(buf);
}

static bool get_fence(const uint8_t *payload, size_t len, uint64_t *sig, uint32_t *seq, int *status,
                      const uint8_t **data, size_t *n)
{
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    *sig = (uint64_t)mpirun_wire_get_u32(&rd) << 32;
    *sig |= mpirun_wire_get_u32(&rd);
    *seq = mpirun_wire_get_u32(&rd);
    *status = (int)mpirun_wire_get_u32(&rd);
    *data = mpirun_wire_get_bytes(&rd, n);
    return mpirun_wire_reader_done(&rd);
}

int mpirun_relay_init(mpirun_relay_t *r, int node, const uint8_t *secret, mpirun_conn_t *mpirun,
                      const uint8_t *payload, size_t len, int *port, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->node = node;
    r->secret = secret;
    r->mpirun = mpirun;
    r->parent.fd = -1;
    r->listen_fd = -1;
    *port = 0;
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    r->parent_is_mpirun = mpirun_wire_get_u32(&rd) == 0;
    uint32_t n = mpirun_wire_get_u32(&rd);
    if (rd.bad || n > len / 4) {
        snprintf(err, errlen, "a malformed fence tree from mpirun");
        return -1;
    }
    r->children = calloc(n > 0 ? n : 1, sizeof(*r->children));
    if (r->children == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->nchildren = (int)n;
    for (int i = 0; i < r->nchildren; i++) {
        r->children[i].node = (int)mpirun_wire_get_u32(&rd);
        r->children[i].conn.fd = -1;
    }
    if (!mpirun_wire_reader_done(&rd)) {
        snprintf(err, errlen, "a malformed fence tree from mpirun");
        return -1;
    }
    if (r->nchildren == 0) {
        return 0;
    }
    char why[256];
    r->listen_fd = mpirun_conn_listen(64, port, why, sizeof(why));
    if (r->listen_fd < 0) {
        snprintf(err, errlen, "cannot listen for the daemons below this one: %s", why);
        return -1;
    }
    return 0;
}

/* The parent cannot be reached: this daemon becomes mpirun's direct child. mpirun hears why
 * (it re-plans the tree), then gets the parts held so far, in that order. */
static void fall_back(mpirun_relay_t *r, const char *why)
{
    mpirun_conn_close(&r->parent);
    r->link = MPIRUN_RELAY_LINK_NONE;
    r->parent_is_mpirun = true;
    mpirun_wire_begin(&r->mpirun->out, MPIRUN_WIRE_ORPHAN);
    mpirun_wire_put_str(&r->mpirun->out, why);
    mpirun_wire_end(&r->mpirun->out);
    mpirun_wire_put_raw(&r->mpirun->out, r->held.data, r->held.len);
    mpirun_wire_buf_fini(&r->held);
}

int mpirun_relay_connect_parent(mpirun_relay_t *r, const uint8_t *payload, size_t len, char *err,
                                size_t errlen)
{
    char *addr;
    int port;
    if (mpirun_wire_get_parent(payload, len, &addr, &port, err, errlen) != 0) {
        return -1;
    }
    if (r->parent_is_mpirun || r->link != MPIRUN_RELAY_LINK_NONE) {
        free(addr);
        snprintf(err, errlen, "an unexpected parent daemon from mpirun");
        return -1;
    }
    snprintf(r->parent_addr, sizeof(r->parent_addr), "%s", addr);
    r->parent_port = port;
    free(addr);
    int fd = mpirun_conn_connect_start(r->parent_addr, port);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to the parent daemon at %s port %d: %s",
                 r->parent_addr, port, strerror(errno));
        fall_back(r, err);
        return 1;
    }
    mpirun_conn_init(&r->parent, fd, MPIRUN_WIRE_MAX_PAYLOAD);
    r->link = MPIRUN_RELAY_LINK_CONNECTING;
    r->link_deadline = now() + PARENT_CONNECT_S;
    return 0;
}

/* The parent's challenge: answered with our proof and our own nonce. 0, or -1 with why. */
static int answer_challenge(mpirun_relay_t *r, uint16_t type, const uint8_t *p, size_t plen,
                            char *why, size_t whylen)
{
    uint8_t proof[32];
    if (type != MPIRUN_WIRE_CHALLENGE || plen != MPIRUN_WIRE_NONCE_LEN ||
        getrandom(r->link_nonce, sizeof(r->link_nonce), 0) != (ssize_t)sizeof(r->link_nonce)) {
        snprintf(why, whylen, "no valid challenge from the parent daemon at %s port %d",
                 r->parent_addr, r->parent_port);
        return -1;
    }
    mpirun_wire_proof(r->secret, MPIRUN_WIRE_ROLE_DAEMON, (uint32_t)r->node, p, proof);
    mpirun_wire_begin(&r->parent.out, MPIRUN_WIRE_HELLO);
    mpirun_wire_put_u32(&r->parent.out, (uint32_t)r->node);
    mpirun_wire_put_raw(&r->parent.out, r->link_nonce, sizeof(r->link_nonce));
    mpirun_wire_put_raw(&r->parent.out, proof, sizeof(proof));
    mpirun_wire_end(&r->parent.out);
    if (mpirun_conn_flush(&r->parent) != 0) {
        snprintf(why, whylen, "lost the parent daemon at %s port %d: %s", r->parent_addr,
                 r->parent_port, strerror(errno));
        return -1;
    }
    r->link = MPIRUN_RELAY_LINK_WELCOME;
    return 0;
}

/* The parent's answer to our nonce: the link is up, and the held parts go to it. */
static int check_welcome(mpirun_relay_t *r, uint16_t type, const uint8_t *p, size_t plen, char *why,
                         size_t whylen)
{
    uint8_t proof[32];
    mpirun_wire_proof(r->secret, MPIRUN_WIRE_ROLE_PARENT, (uint32_t)r->node, r->link_nonce, proof);
    if (type != MPIRUN_WIRE_WELCOME || plen != 32 || !mp_digest_equal(p, proof)) {
        snprintf(why, whylen, "the process at %s port %d did not prove it is our parent daemon",
                 r->parent_addr, r->parent_port);
        return -1;
    }
    r->link = MPIRUN_RELAY_LINK_UP;
    mpirun_wire_put_raw(&r->parent.out, r->held.data, r->held.len);
    mpirun_wire_buf_fini(&r->held);
    return 0;
}

/* One step of the link to the parent, as its socket allows: the connection, its challenge
 * answered, its proof checked. Never waits. Returns 0, or -1 with why. */
static int advance_link(mpirun_relay_t *r, short revents, char *why, size_t whylen)
{
    bool late = now() >= r->link_deadline;
    if (r->link == MPIRUN_RELAY_LINK_CONNECTING) {
        if (revents == 0 && !late) {
            return 0;
        }
        if (revents == 0 || mpirun_conn_connect_check(r->parent.fd) != 0) {
            snprintf(why, whylen, "cannot connect to the parent daemon at %s port %d: %s",
                     r->parent_addr, r->parent_port, strerror(revents == 0 ? ETIMEDOUT : errno));
            return -1;
        }
        mpirun_conn_tune(&r->parent);
        r->link = MPIRUN_RELAY_LINK_CHALLENGE;
        r->link_deadline = now() + LINK_TIMEOUT_S;
        return 0;
    }
    if ((revents & POLLOUT) && mpirun_conn_flush(&r->parent) != 0) {
        snprintf(why, whylen, "lost the parent daemon at %s port %d: %s", r->parent_addr,
                 r->parent_port, strerror(errno));
        return -1;
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && mpirun_conn_read(&r->parent) <= 0) {
        snprintf(why, whylen, "the parent daemon at %s port %d closed the connection",
                 r->parent_addr, r->parent_port);
        return -1;
    }
    while (r->link != MPIRUN_RELAY_LINK_UP) {
        uint16_t type;
        const uint8_t *p;
        size_t plen;
        char detail[256];
        int got = mpirun_conn_next(&r->parent, &type, &p, &plen, detail, sizeof(detail));
        if (got < 0) {
            snprintf(why, whylen, "the parent daemon at %s port %d: %s", r->parent_addr,
                     r->parent_port, detail);
            return -1;
        }
        if (got == 0) {
            if (late) {
                snprintf(why, whylen,
                         "the parent daemon at %s port %d did not prove itself within %g s",
                         r->parent_addr, r->parent_port, LINK_TIMEOUT_S);
                return -1;
            }
            return 0;
        }
        int rc = r->link == MPIRUN_RELAY_LINK_CHALLENGE
                     ? answer_challenge(r, type, p, plen, why, whylen)
                     : check_welcome(r, type, p, plen, why, whylen);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

/* Where combined parts go: mpirun, the parent, or held until the parent is known. */
static mpirun_wire_buf_t *up_buf(mpirun_relay_t *r)
{
    if (r->parent_is_mpirun) {
        return &r->mpirun->out;
    }
    return r->link == MPIRUN_RELAY_LINK_UP ? &r->parent.out : &r->held;
}

/* A fence gathered over this subtree goes up, and is forgotten here. */
static void send_up(mpirun_relay_t *r, mpirun_collect_t *done)
{
    put_fence(up_buf(r), MPIRUN_WIRE_FENCE_UP, done->sig, done->seq, done->status, done->data.data,
              done->data.len);
    mpirun_collector_release(&r->collector, done);
}

/* who: -1 for this host, else a child's index. */
static int add_part(mpirun_relay_t *r, int who, uint64_t sig, uint32_t seq, int status,
                    const void *data, size_t n, char *err, size_t errlen)
{
    mpirun_collect_t *done;
    int rc = mpirun_collector_add(&r->collector, sig, seq, 1 + r->nchildren - r->ndropped, who,
                                  status, data, n, &done, err, errlen);
    if (rc == 1) {
        send_up(r, done);
    }
    return rc < 0 ? -1 : 0;
}

int mpirun_relay_unchild(mpirun_relay_t *r, const uint8_t *payload, size_t len, char *err,
                         size_t errlen)
{
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    uint32_t node = mpirun_wire_get_u32(&rd);
    int c = 0;
    while (c < r->nchildren && (r->children[c].node != (int)node || r->children[c].dropped)) {
        c++;
    }
    if (!mpirun_wire_reader_done(&rd) || c == r->nchildren) {
        snprintf(err, errlen, "mpirun dropped node %u, which is no child of this daemon", node);
        return -1;
    }
    /* It never linked up (or gave up on the link): none of its parts came here. */
    r->children[c].dropped = true;
    mpirun_conn_close(&r->children[c].conn);
    r->ndropped++;
    if (mpirun_collector_adjust(&r->collector, -1, err, errlen) != 0) {
        return -1;
    }
    mpirun_collect_t *done;
    while ((done = mpirun_collector_complete(&r->collector)) != NULL) {
        send_up(r, done);
    }
    return 0;
}

int mpirun_relay_part(mpirun_relay_t *r, uint64_t sig, uint32_t seq, int status, const void *data,
                      size_t n, char *err, size_t errlen)
{
    return add_part(r, -1, sig, seq, status, data, n, err, errlen);
}

bool mpirun_relay_down(mpirun_relay_t *r, const uint8_t *payload, size_t len)
{
    uint64_t sig;
    uint32_t seq;
    int status;
    const uint8_t *data;
    size_t n;
    if (!get_fence(payload, len, &sig, &seq, &status, &data, &n)) {
        return false;
    }
    for (int i = 0; i < r->nchildren; i++) {
        if (r->children[i].conn.fd >= 0) {
            put_fence(&r->children[i].conn.out, MPIRUN_WIRE_FENCE_DOWN, sig, seq, status, data, n);
        }
    }
    mpirun_server_fence_complete(sig, seq, status, data, n);
    return true;
}

size_t mpirun_relay_nfds_max(const mpirun_relay_t *r)
{
    return 2 + (size_t)r->nchildren + MPIRUN_RELAY_PENDING_MAX;
}

/* Always the same layout (unused slots fd -1): listener, parent, children, pending. */
size_t mpirun_relay_pollfds(mpirun_relay_t *r, struct pollfd *fds)
{
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
    short ev = (short)(POLLIN | (mpirun_conn_wants_write(&r->parent) ? POLLOUT : 0));
    if (r->link == MPIRUN_RELAY_LINK_CONNECTING) {
        ev = POLLOUT; /* writable once the connection is made or failed */
    }
    fds[n++] = (struct pollfd){.fd = r->parent.fd, .events = ev};
    for (int i = 0; i < r->nchildren; i++) {
        mpirun_conn_t *c = &r->children[i].conn;
        ev = (short)(POLLIN | (mpirun_conn_wants_write(c) ? POLLOUT : 0));
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    for (size_t i = 0; i < MPIRUN_RELAY_PENDING_MAX; i++) {
        fds[n++] =
            (struct pollfd){.fd = i < r->npending ? r->pending[i].conn.fd : -1, .events = POLLIN};
    }
    return n;
}

static void accept_children(mpirun_relay_t *r)
{
    for (;;) {
        char addr[MPIRUN_ADDR_LEN];
        int fd = mpirun_conn_accept(r->listen_fd, addr, NULL);
        if (fd < 0) {
            return;
        }
        if (r->npending == MPIRUN_RELAY_PENDING_MAX) {
            say(r, "rejected a connection from %s: too many wait to prove themselves", addr);
            close(fd);
            continue;
        }
        mpirun_relay_pending_t *pd = &r->pending[r->npending];
        mpirun_conn_init(&pd->conn, fd, PENDING_MAX_PAYLOAD);
        pd->deadline = now() + PENDING_TIMEOUT_S;
        if (getrandom(pd->nonce, sizeof(pd->nonce), 0) != (ssize_t)sizeof(pd->nonce)) {
            mpirun_conn_close(&pd->conn); /* no proof is possible without a nonce */
            continue;
        }
        mpirun_wire_begin(&pd->conn.out, MPIRUN_WIRE_CHALLENGE);
        mpirun_wire_put_raw(&pd->conn.out, pd->nonce, sizeof(pd->nonce));
        mpirun_wire_end(&pd->conn.out);
        mpirun_conn_flush(&pd->conn);
        r->npending++;
    }
}

/* A pending connection's HELLO: the child it proves to be (its index), or -1 with why. 0 bytes
 * of a frame yet: -2. */
static int check_hello(mpirun_relay_t *r, mpirun_relay_pending_t *pd, char *why, size_t len)
{
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int rc = mpirun_conn_next(&pd->conn, &type, &payload, &plen, why, len);
    if (rc <= 0) {
        return rc == 0 ? -2 : -1;
    }
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, plen);
    uint32_t node = mpirun_wire_get_u32(&rd);
    const uint8_t *nonce = mpirun_wire_get_raw(&rd, MPIRUN_WIRE_NONCE_LEN);
    const uint8_t *proof = mpirun_wire_get_raw(&rd, 32);
    if (type != MPIRUN_WIRE_HELLO || !mpirun_wire_reader_done(&rd)) {
        snprintf(why, len, "it sent a message of type %u, not a daemon's greeting", type);
        return -1;
    }
    uint8_t expected[32];
    mpirun_wire_proof(r->secret, MPIRUN_WIRE_ROLE_DAEMON, node, pd->nonce, expected);
    if (!mp_digest_equal(expected, proof)) {
        snprintf(why, len, "wrong secret (it does not belong to this job)");
        return -1;
    }
    int c = 0;
    while (c < r->nchildren && (r->children[c].node != (int)node || r->children[c].conn.fd >= 0 ||
                                r->children[c].dropped)) {
        c++;
    }
    if (c == r->nchildren) {
        snprintf(why, len, "node %u is no child of this daemon waiting for it", node);
        return -1;
    }
    uint8_t mine[32];
    mpirun_wire_proof(r->secret, MPIRUN_WIRE_ROLE_PARENT, node, nonce, mine);
    r->children[c].conn = pd->conn;
    r->children[c].conn.max_payload = MPIRUN_WIRE_MAX_PAYLOAD;
    mpirun_conn_tune(&r->children[c].conn);
    mpirun_wire_begin(&r->children[c].conn.out, MPIRUN_WIRE_WELCOME);
    mpirun_wire_put_raw(&r->children[c].conn.out, mine, sizeof(mine));
    mpirun_wire_end(&r->children[c].conn.out);
    return c;
}

static void handle_pending(mpirun_relay_t *r, size_t i, bool readable)
{
    mpirun_relay_pending_t *pd = &r->pending[i];
    char why[256] = "";
    if (readable && mpirun_conn_read(&pd->conn) <= 0) {
        snprintf(why, sizeof(why), "it closed the connection before proving itself");
    }
    int c = why[0] == '\0' ? check_hello(r, pd, why, sizeof(why)) : -1;
    if (c >= 0) {
        r->pending[i] = r->pending[--r->npending]; /* its conn now belongs to the child */
        return;
    }
    if (c == -2) {
        if (now() < pd->deadline) {
            return;
        }
        snprintf(why, sizeof(why), "it did not prove itself within %g s", PENDING_TIMEOUT_S);
    }
    say(r, "rejected a connection to the fence tree: %s", why);
    mpirun_conn_close(&pd->conn);
    r->pending[i] = r->pending[--r->npending];
}

/* A child's messages: only combined parts come up. A child that breaks the protocol or goes
 * is closed: its own mpirun connection tells mpirun. Returns -1 with err for a bad part. */
static int handle_child(mpirun_relay_t *r, int c, short revents, char *err, size_t errlen)
{
    mpirun_conn_t *conn = &r->children[c].conn;
    if ((revents & POLLOUT) && mpirun_conn_flush(conn) != 0) {
        mpirun_conn_close(conn);
        return 0;
    }
    int rc = (revents & (POLLIN | POLLHUP | POLLERR)) ? mpirun_conn_read(conn) : 1;
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int got;
    while ((got = mpirun_conn_next(conn, &type, &payload, &plen, err, errlen)) == 1) {
        uint64_t sig;
        uint32_t seq;
        int status;
        const uint8_t *data;
        size_t n;
        if (type != MPIRUN_WIRE_FENCE_UP ||
            !get_fence(payload, plen, &sig, &seq, &status, &data, &n)) {
            snprintf(err, errlen, "the daemon of node %d sent an invalid message (type %u)",
                     r->children[c].node, type);
            return -1;
        }
        if (add_part(r, c, sig, seq, status, data, n, err, errlen) != 0) {
            return -1;
        }
    }
    if (got < 0) {
        return -1;
    }
    if (rc <= 0) {
        mpirun_conn_close(conn);
    }
    return 0;
}

static int handle_parent(mpirun_relay_t *r, short revents, char *err, size_t errlen)
{
    if ((revents & POLLOUT) && mpirun_conn_flush(&r->parent) != 0) {
        snprintf(err, errlen, "lost the connection to the parent daemon: %s", strerror(errno));
        return -1;
    }
    int rc = (revents & (POLLIN | POLLHUP | POLLERR)) ? mpirun_conn_read(&r->parent) : 1;
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int got;
    while ((got = mpirun_conn_next(&r->parent, &type, &payload, &plen, err, errlen)) == 1) {
        if (type != MPIRUN_WIRE_FENCE_DOWN || !mpirun_relay_down(r, payload, plen)) {
            snprintf(err, errlen, "the parent daemon sent an invalid message (type %u)", type);
            return -1;
        }
    }
    if (got < 0) {
        return -1;
    }
    if (rc <= 0) {
        snprintf(err, errlen, "lost the connection to the parent daemon");
        return -1;
    }
    return 0;
}

int mpirun_relay_handle(mpirun_relay_t *r, const struct pollfd *fds, size_t nfds, char *err,
                        size_t errlen)
{
    if (nfds < mpirun_relay_nfds_max(r)) {
        return 0;
    }
    int result = 0;
    short parent_revents = fds[1].revents;
    if (r->parent.fd >= 0 && r->link != MPIRUN_RELAY_LINK_UP) {
        /* What it read may hold the parent's first messages after its proof. */
        char why[512];
        if (advance_link(r, parent_revents, why, sizeof(why)) != 0) {
            fall_back(r, why);
        }
        parent_revents = r->link == MPIRUN_RELAY_LINK_UP ? POLLOUT : 0;
    }
    if (r->parent.fd >= 0 && parent_revents != 0 &&
        handle_parent(r, parent_revents, err, errlen) != 0) {
        mpirun_conn_close(&r->parent);
        r->parent_lost = true;
        result = -1;
    }
    for (int c = 0; c < r->nchildren && result == 0; c++) {
        if (r->children[c].conn.fd >= 0 && fds[2 + c].revents != 0) {
            result = handle_child(r, c, fds[2 + c].revents, err, errlen);
        }
    }
    /* From the last: handling one may move the last into its place. */
    const struct pollfd *pfds = fds + 2 + r->nchildren;
    for (size_t i = r->npending; i-- > 0;) {
        handle_pending(r, i, pfds[i].revents != 0);
    }
    if (fds[0].revents != 0) {
        accept_children(r);
    }
    return result;
}

void mpirun_relay_flush(mpirun_relay_t *r)
{
    if (r->parent.fd >= 0) {
        mpirun_conn_flush(&r->parent); /* a failure shows in the next poll (POLLERR) */
    }
    for (int c = 0; c < r->nchildren; c++) {
        if (r->children[c].conn.fd >= 0 && mpirun_conn_flush(&r->children[c].conn) != 0) {
            mpirun_conn_close(&r->children[c].conn);
        }
    }
}

void mpirun_relay_fini(mpirun_relay_t *r)
{
    for (int c = 0; r->children != NULL && c < r->nchildren; c++) {
        mpirun_conn_close(&r->children[c].conn);
    }
    free(r->children);
    for (size_t i = 0; i < r->npending; i++) {
        mpirun_conn_close(&r->pending[i].conn);
    }
    mpirun_conn_close(&r->parent);
    mpirun_wire_buf_fini(&r->held);
    mpirun_collector_fini(&r->collector);
    if (r->listen_fd >= 0) {
        close(r->listen_fd);
    }
    memset(r, 0, sizeof(*r));
    r->listen_fd = -1;
    r->parent.fd = -1;
}
