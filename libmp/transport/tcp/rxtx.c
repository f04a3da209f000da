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
    if (!mp_tcp_tx_pending(ep)) {
        return MP_OK; /* a late EPOLLOUT: nothing to do, and nothing to count */
    }
    while (mp_tcp_tx_pending(ep)) {
        struct iovec iov[2];
        int niov = 0;
        if (ep->tx_len > ep->tx_off) {
            iov[niov++] = (struct iovec){ep->tx + ep->tx_off, ep->tx_len - ep->tx_off};
        }
        if (ep->ref_len > 0) {
            iov[niov++] = (struct iovec){(void *)ep->ref, ep->ref_len};
        }
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)niov};
        ssize_t n = sendmsg(ep->out->fd, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return MP_OK; /* still pending; EPOLLOUT says when to go on */
        }
        if (n <= 0) {
            return send_failed(ep, n == 0 ? EPIPE : errno);
        }
        size_t done = (size_t)n, copied = ep->tx_len - ep->tx_off;
        size_t from_tx = done < copied ? done : copied;
        ep->tx_off += from_tx;
        ep->ref += done - from_tx;
        ep->ref_len -= done - from_tx;
    }
    ep->tx_off = ep->tx_len = 0;
    ep->ref = NULL;
    mp_tcp.ntx--;
    mp_tcp_conn_watch(ep->out, EPOLLIN);
    return MP_OK;
}

/* Keeps the part of the packet the kernel did not take: frame and packet headers are copied,
 * the payload too unless by_ref, when it is referenced where it lies. */
static mp_status_t keep_rest(tcp_ep_t *ep, const struct iovec *iov, size_t skip, bool by_ref)
{
    size_t heads = iov[0].iov_len + iov[1].iov_len;
    size_t copy = heads > skip ? heads - skip : 0;
    size_t pay_skip = skip > heads ? skip - heads : 0;
    size_t pay_rest = iov[2].iov_len - pay_skip;
    if (!by_ref) {
        copy += pay_rest;
    }
    if (ep->tx_cap < copy) {
        uint8_t *grown = realloc(ep->tx, copy);
        if (grown == NULL) {
            mp_tcp_ep_fail(ep, "out of memory for %zu bytes of a packet in flight", copy);
            return MP_ERR_PEER;
        }
        ep->tx = grown;
        ep->tx_cap = copy;
    }
    size_t at = 0;
    for (int i = 0; i < (by_ref ? 2 : 3); i++) {
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
    ep->tx_len = at;
    ep->ref = by_ref && pay_rest > 0 ? (const uint8_t *)iov[2].iov_base + pay_skip : NULL;
    ep->ref_len = by_ref ? pay_rest : 0;
    mp_tcp.ntx++;
    mp_tcp_conn_watch(ep->out, EPOLLIN | EPOLLOUT);
    return MP_OK;
}

/* Packets up to this size are copied into one buffer and sent with send(): the kernel takes
 * one plain buffer faster than three pieces (a few hundred ns of a small message's latency). */
#define GATHER_MAX 512

static ssize_t send_gathered(int fd, const struct iovec *iov, size_t total)
{
    uint8_t buf[GATHER_MAX];
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        if (iov[i].iov_len > 0) { /* an empty payload may come as NULL */
            memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    return send(fd, buf, total, MSG_NOSIGNAL);
}

mp_status_t mp_tcp_tx_send(tcp_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                           size_t len, bool by_ref)
{
    if (mp_tcp_tx_pending(ep)) {
        if (mp_tcp_tx_flush(ep) != MP_OK) {
            return MP_ERR_PEER;
        }
        if (mp_tcp_tx_pending(ep)) {
            return MP_ERR_AGAIN;
        }
    }
    uint8_t frame[MP_TCP_FRAME_LEN];
    mp_tcp_frame_encode(frame, hdr_len, len);
    struct iovec iov[3] = {{frame, sizeof(frame)}, {(void *)hdr, hdr_len}, {(void *)payload, len}};
    size_t total = sizeof(frame) + hdr_len + len;
    ssize_t n;
    do {
        n = total <= GATHER_MAX
                ? send_gathered(ep->out->fd, iov, total)
                : sendmsg(ep->out->fd, &(struct msghdr){.msg_iov = iov, .msg_iovlen = 3},
                          MSG_NOSIGNAL);
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
    return keep_rest(ep, iov, (size_t)n, by_ref);
}

static void set_backlog(tcp_conn_t *conn, bool on)
{
    if (conn->backlog != on) {
        conn->backlog = on;
        mp_tcp.nbacklog += on ? 1 : -1;
    }
}

/* Payloads from this size up are read straight into the place pt2pt names, when it names one. */
#define PLACE_MIN (16 * 1024)

/* The frame at rx_start has its headers but not all its payload: asks pt2pt for the payload's
 * place, moves what arrived there, and reads the rest straight into it. */
static bool try_place(tcp_conn_t *conn, const mp_tcp_frame_t *f, const uint8_t *hdr,
                      bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    if (f->len < PLACE_MIN || mp_tcp.place == NULL ||
        (may_deliver != NULL && !may_deliver(conn->peer, hdr, f->hdr_len))) {
        return false;
    }
    uint8_t *dst = mp_tcp.place(conn->peer, hdr, f->hdr_len, f->len);
    if (dst == NULL) {
        return false;
    }
    size_t have = conn->rx_end - conn->rx_start - MP_TCP_FRAME_LEN - f->hdr_len;
    memcpy(conn->place_hdr, hdr, f->hdr_len);
    memcpy(dst, hdr + f->hdr_len, have);
    conn->place_hdr_len = f->hdr_len;
    conn->place_dst = dst;
    conn->place_len = f->len;
    conn->place_got = have;
    conn->placing = true;
    conn->rx_start = conn->rx_end = 0;
    return true;
}

int mp_tcp_rx_deliver(tcp_conn_t *conn,
                      bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    int count = 0;
    bool held = false;
    while (!conn->dead && !conn->placing && conn->rx_end - conn->rx_start >= MP_TCP_FRAME_LEN) {
        const uint8_t *at = conn->rx + conn->rx_start;
        size_t avail = conn->rx_end - conn->rx_start;
        mp_tcp_frame_t f;
        const char *why;
        if (mp_tcp_frame_decode(at, MP_TCP_MAX_PAYLOAD, &f, &why) != MP_OK) {
            mp_tcp_ep_fail(mp_tcp.eps[conn->peer], "it sent a %s", why);
            break;
        }
        const uint8_t *hdr = at + MP_TCP_FRAME_LEN;
        if (avail < MP_TCP_FRAME_LEN + f.hdr_len + f.len) {
            /* Headers complete, payload not: placed, or read ahead as usual from now on. */
            if (avail >= MP_TCP_FRAME_LEN + f.hdr_len && !try_place(conn, &f, hdr, may_deliver)) {
                conn->streaming = false;
            }
            break;
        }
        if (may_deliver != NULL && !may_deliver(conn->peer, hdr, f.hdr_len)) {
            held = true;
            break;
        }
        conn->rx_start += MP_TCP_FRAME_LEN + f.hdr_len + f.len;
        conn->streaming = false;
        mp_tcp.recv(conn->peer, hdr, f.hdr_len, hdr + f.hdr_len, f.len);
        mp_tcp.hot = conn;
        count++;
    }
    set_backlog(conn, held && !conn->dead);
    return count;
}

/* Makes room after the received bytes: for half the buffer at least, and for the whole frame at
 * rx_start, whose header may announce more than the buffer holds (a large payload that pt2pt
 * did not place): then the buffer grows. False when it cannot (the peer is failed). */
static bool make_room(tcp_conn_t *conn)
{
    size_t left = conn->rx_end - conn->rx_start;
    if (left == 0) {
        conn->rx_start = conn->rx_end = 0;
        return true;
    }
    size_t need = 0;
    mp_tcp_frame_t f;
    const char *why;
    if (left >= MP_TCP_FRAME_LEN &&
        mp_tcp_frame_decode(conn->rx + conn->rx_start, MP_TCP_MAX_PAYLOAD, &f, &why) == MP_OK) {
        need = MP_TCP_FRAME_LEN + f.hdr_len + f.len;
    }
    if (conn->rx_cap - conn->rx_end < conn->rx_cap / 2 || conn->rx_start + need > conn->rx_cap) {
        memmove(conn->rx, conn->rx + conn->rx_start, left);
        conn->rx_start = 0;
        conn->rx_end = left;
    }
    if (need > conn->rx_cap) {
        uint8_t *grown = realloc(conn->rx, need);
        if (grown == NULL) {
            mp_tcp_ep_fail(mp_tcp.eps[conn->peer], "out of memory for a %zu-byte packet", need);
            return false;
        }
        conn->rx = grown;
        conn->rx_cap = need;
    }
    return true;
}

/* How much to read into the buffer: while large payloads are being placed, only the headers of
 * the next frame (so that its payload is not read ahead into the buffer); else all there is. */
static size_t read_size(const tcp_conn_t *conn)
{
    size_t space = conn->rx_cap - conn->rx_end;
    if (!conn->streaming) {
        return space;
    }
    size_t avail = conn->rx_end - conn->rx_start;
    if (avail < MP_TCP_FRAME_LEN) {
        return MP_TCP_FRAME_LEN - avail;
    }
    size_t heads = MP_TCP_FRAME_LEN + conn->rx[conn->rx_start + 1];
    return avail < heads && heads - avail <= space ? heads - avail : space;
}

/* The connection broke or closed while reading. */
static void read_failed(tcp_conn_t *conn, ssize_t got)
{
    tcp_ep_t *ep = mp_tcp.eps[conn->peer];
    /* A process of another job leaves when it is done (MPI_Finalize, MPI_Comm_disconnect),
     * without a fence with this job: its closing is no loss. A later send reconnects, and
     * fails if it is gone. */
    bool unsent = ep->out == conn && mp_tcp_tx_pending(ep);
    if (got == 0 && (mp_tcp.closing || (conn->peer >= mp_tcp.size && !unsent))) {
        mp_tcp_conn_close(conn);
        if (ep->in == conn) {
            ep->in = NULL;
        }
        if (ep->out == conn) {
            ep->out = NULL;
        }
        return;
    }
    mp_tcp_ep_fail(ep, "%s",
                   got == 0 ? "it closed the connection (did the process end?)" : strerror(errno));
}

/* Reads more of a placed payload; true when the socket may have more. */
static bool read_placed(tcp_conn_t *conn, int *n)
{
    size_t want = conn->place_len - conn->place_got;
    ssize_t got = recv(conn->fd, conn->place_dst + conn->place_got, want, 0);
    if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return false;
        }
        read_failed(conn, got);
        return false;
    }
    conn->place_got += (size_t)got;
    if (conn->place_got < conn->place_len) {
        return false; /* drained before the payload ended */
    }
    conn->placing = false;
    conn->streaming = true;
    mp_tcp.recv(conn->peer, conn->place_hdr, conn->place_hdr_len, conn->place_dst, conn->place_len);
    mp_tcp.hot = conn;
    (*n)++;
    return true;
}

/* Frames whose payload reaches this size are left to progress, which may place them. */
#define OFFER_MAX (16 * 1024)

/* Whether the frame at rx_start is all in the buffer; its header goes to *f once that is. */
static bool frame_whole(const tcp_conn_t *conn, mp_tcp_frame_t *f, bool *bad)
{
    size_t avail = conn->rx_end - conn->rx_start;
    const char *why;
    if (avail < MP_TCP_FRAME_LEN) {
        return false;
    }
    if (mp_tcp_frame_decode(conn->rx + conn->rx_start, MP_TCP_MAX_PAYLOAD, f, &why) != MP_OK) {
        *bad = true;
        return false;
    }
    return avail >= MP_TCP_FRAME_LEN + f->hdr_len + f->len;
}

/* The end of an offer: whole frames it read and did not hand over are already out of the
 * socket, so epoll will not call for them; they are marked for progress to deliver, as frames
 * that flow control held back are. */
static mp_tl_offer_t offer_end(tcp_conn_t *conn, mp_tl_offer_t offer)
{
    mp_tcp_frame_t f;
    bool bad = false;
    if (!conn->dead && (frame_whole(conn, &f, &bad) || bad)) {
        set_backlog(conn, true);
    }
    return offer;
}

mp_tl_offer_t mp_tcp_rx_offer(tcp_conn_t *conn, mp_tl_take_fn take, void *arg)
{
    if (conn->rx == NULL || conn->placing || conn->backlog || conn->dead) {
        return MP_TL_OFFER_DECLINED;
    }
    mp_tcp_frame_t f = {0};
    bool bad = false;
    if (!frame_whole(conn, &f, &bad)) {
        /* One read (more frames than this one are fine: offer_end leaves them to progress),
         * unless the frame is bad (progress reports it) or large (progress may place it). */
        if (bad || f.len >= OFFER_MAX || !make_room(conn)) {
            return MP_TL_OFFER_DECLINED;
        }
        ssize_t got = recv(conn->fd, conn->rx + conn->rx_end, read_size(conn), 0);
        if (got <= 0) {
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                return MP_TL_OFFER_NONE;
            }
            read_failed(conn, got);
            return MP_TL_OFFER_DECLINED;
        }
        conn->rx_end += (size_t)got;
        if (!frame_whole(conn, &f, &bad)) {
            return offer_end(conn,
                             bad || f.len >= OFFER_MAX ? MP_TL_OFFER_DECLINED : MP_TL_OFFER_NONE);
        }
    }
    const uint8_t *hdr = conn->rx + conn->rx_start + MP_TCP_FRAME_LEN;
    if (!take(arg, hdr, f.hdr_len, hdr + f.hdr_len, f.len)) {
        return offer_end(conn, MP_TL_OFFER_DECLINED);
    }
    conn->rx_start += MP_TCP_FRAME_LEN + f.hdr_len + f.len;
    conn->streaming = false;
    mp_tcp.hot = conn;
    return offer_end(conn, MP_TL_OFFER_TAKEN);
}

void mp_tcp_rx_read(tcp_conn_t *conn, bool (*may_deliver)(int src, const void *hdr, size_t hdr_len),
                    int *n)
{
    if (conn->rx == NULL) {
        /* Allocated on first use: an outgoing connection receives only if the peer answers on
         * it. */
        conn->rx = malloc(MP_TCP_RX_START);
        if (conn->rx == NULL) {
            mp_tcp_ep_fail(mp_tcp.eps[conn->peer], "out of memory for its receive buffer");
            return;
        }
        conn->rx_cap = MP_TCP_RX_START;
    }
    /* A few reads per call, so that one busy peer does not starve the others. */
    for (int round = 0; round < 8 && !conn->dead; round++) {
        if (conn->placing) {
            if (!read_placed(conn, n)) {
                return;
            }
            continue;
        }
        *n += mp_tcp_rx_deliver(conn, may_deliver);
        if (conn->dead || conn->backlog) {
            return;
        }
        if (conn->placing) {
            continue;
        }
        if (!make_room(conn)) {
            return;
        }
        size_t space = read_size(conn);
        ssize_t got = recv(conn->fd, conn->rx + conn->rx_end, space, 0);
        if (got > 0) {
            conn->rx_end += (size_t)got;
            if ((size_t)got < space) {
                *n += mp_tcp_rx_deliver(conn, may_deliver);
                if (!conn->placing) {
                    return; /* the socket is drained */
                }
            }
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        read_failed(conn, got);
        return;
    }
    /* Out of rounds: what the last read completed is delivered now, as the socket may stay
     * quiet and epoll would not call again for bytes already read. */
    if (!conn->dead && !conn->placing) {
        *n += mp_tcp_rx_deliver(conn, may_deliver);
    }
}
