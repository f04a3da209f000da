/*
 * Packets on authenticated tcp connections. Sending gathers frame header, packet header and
 * payload into one sendmsg straight from the caller's memory; only what the kernel did not
 * take is copied, and it goes first next time. Receiving reads into a per-peer buffer and
 * hands up each whole frame, checking every frame header.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/log.h"
#include "transport/tcp/tcp_internal.h"

static mp_status_t send_failed(tcp_ep_t *ep, int err)
{
    mp_tcp_ep_fail(ep, "sending failed: %s", strerror(err));
    return MP_ERR_PEER;
}

mp_status_t mp_tcp_tx_flush(tcp_ep_t *ep)
{
    while (ep->tx_off < ep->tx_len) {
        ssize_t n = send(ep->out->fd, ep->tx + ep->tx_off, ep->tx_len - ep->tx_off, MSG_NOSIGNAL);
        if (n > 0) {
            ep->tx_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return MP_OK; /* still pending; EPOLLOUT says when to go on */
        } else {
            return send_failed(ep, n == 0 ? EPIPE : errno);
        }
    }
    if (ep->tx_len > 0) {
        ep->tx_off = ep->tx_len = 0;
        mp_tcp.ntx--;
        mp_tcp_conn_watch(ep->out, EPOLLIN);
    }
    return MP_OK;
}

/* Keeps the bytes of iov past skip, which the kernel did not take. */
static mp_status_t keep_rest(tcp_ep_t *ep, const struct iovec *iov, int niov, size_t skip,
                             size_t rest)
{
    if (ep->tx_cap < rest) {
        uint8_t *grown = realloc(ep->tx, rest);
        if (grown == NULL) {
            mp_tcp_ep_fail(ep, "out of memory for %zu bytes of a packet in flight", rest);
            return MP_ERR_PEER;
        }
        ep->tx = grown;
        ep->tx_cap = rest;
    }
    size_t at = 0;
    for (int i = 0; i < niov; i++) {
        size_t l = iov[i].iov_len;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        memcpy(ep->tx + at, (const char *)iov[i].iov_base + skip, l - skip);
        at += l - skip;
        skip = 0;
    }
    ep->tx_off = 0;
    ep->tx_len = rest;
    mp_tcp.ntx++;
    mp_tcp_conn_watch(ep->out, EPOLLIN | EPOLLOUT);
    return MP_OK;
}

mp_status_t mp_tcp_tx_send(tcp_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                           size_t len)
{
    if (ep->tx_len > ep->tx_off) {
        if (mp_tcp_tx_flush(ep) != MP_OK) {
            return MP_ERR_PEER;
        }
        if (ep->tx_len > ep->tx_off) {
            return MP_ERR_AGAIN;
        }
    }
    uint8_t frame[MP_TCP_FRAME_LEN];
    mp_tcp_frame_encode(frame, hdr_len, len);
    struct iovec iov[3] = {{frame, sizeof(frame)}, {(void *)hdr, hdr_len}, {(void *)payload, len}};
    int niov = len > 0 ? 3 : 2;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)niov};
    size_t total = sizeof(frame) + hdr_len + len;
    ssize_t n;
    do {
        n = sendmsg(ep->out->fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return MP_ERR_AGAIN;
        }
        return send_failed(ep, errno);
    }
    if ((size_t)n == total) {
        return MP_OK;
    }
    return keep_rest(ep, iov, niov, (size_t)n, total - (size_t)n);
}

static void set_backlog(tcp_conn_t *conn, bool on)
{
    if (conn->backlog != on) {
        conn->backlog = on;
        mp_tcp.nbacklog += on ? 1 : -1;
    }
}

int mp_tcp_rx_deliver(tcp_conn_t *conn,
                      bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    int count = 0;
    bool held = false;
    while (!conn->dead && conn->rx_end - conn->rx_start >= MP_TCP_FRAME_LEN) {
        const uint8_t *at = conn->rx + conn->rx_start;
        mp_tcp_frame_t f;
        const char *why;
        if (mp_tcp_frame_decode(at, MP_TCP_MAX_PAYLOAD, &f, &why) != MP_OK) {
            mp_tcp_ep_fail(mp_tcp.eps[conn->peer], "it sent a %s", why);
            break;
        }
        size_t need = MP_TCP_FRAME_LEN + f.hdr_len + f.len;
        if (conn->rx_end - conn->rx_start < need) {
            break;
        }
        const uint8_t *hdr = at + MP_TCP_FRAME_LEN;
        if (may_deliver != NULL && !may_deliver(conn->peer, hdr, f.hdr_len)) {
            held = true;
            break;
        }
        conn->rx_start += need;
        mp_tcp.recv(conn->peer, hdr, f.hdr_len, hdr + f.hdr_len, f.len);
        count++;
    }
    if (!conn->dead) {
        set_backlog(conn, held);
    } else {
        set_backlog(conn, false);
    }
    return count;
}

/* Makes room at the end of the buffer for at least a whole frame. */
static void compact(tcp_conn_t *conn)
{
    size_t left = conn->rx_end - conn->rx_start;
    if (left == 0) {
        conn->rx_start = conn->rx_end = 0;
    } else if (MP_TCP_RX_CAP - conn->rx_end < MP_TCP_RX_CAP / 2) {
        memmove(conn->rx, conn->rx + conn->rx_start, left);
        conn->rx_start = 0;
        conn->rx_end = left;
    }
}

void mp_tcp_rx_read(tcp_conn_t *conn, bool (*may_deliver)(int src, const void *hdr, size_t hdr_len),
                    int *n)
{
    /* A few reads per call, so that one busy peer does not starve the others. */
    for (int round = 0; round < 4 && !conn->dead; round++) {
        *n += mp_tcp_rx_deliver(conn, may_deliver);
        if (conn->dead || conn->backlog) {
            return;
        }
        compact(conn);
        size_t space = MP_TCP_RX_CAP - conn->rx_end;
        ssize_t got = recv(conn->fd, conn->rx + conn->rx_end, space, 0);
        if (got > 0) {
            conn->rx_end += (size_t)got;
            if ((size_t)got < space) {
                *n += mp_tcp_rx_deliver(conn, may_deliver);
                return; /* the socket is drained */
            }
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        tcp_ep_t *ep = mp_tcp.eps[conn->peer];
        if (got == 0 && mp_tcp.closing) {
            mp_tcp_conn_close(conn);
            ep->in = NULL;
            return;
        }
        mp_tcp_ep_fail(ep, "%s",
                       got == 0 ? "it closed the connection (did the process end?)"
                                : strerror(errno));
        return;
    }
}
