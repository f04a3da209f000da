/*
 * Connections of the tcp transport: opening one to a peer's next address (with a bounded time
 * per address), accepting, running the handshake on both sides, and closing. A connection that
 * fails to prove it belongs to the job is dropped with one line on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "transport/tcp/netif.h"
#include "transport/tcp/tcp_internal.h"
#include "wireup/procs.h"

uint64_t mp_tcp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void nonce_fill(uint8_t nonce[MP_TCP_NONCE_LEN])
{
    size_t got = 0;
    while (got < MP_TCP_NONCE_LEN) {
        ssize_t n = getrandom(nonce + got, MP_TCP_NONCE_LEN - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (errno != EINTR) {
            /* getrandom cannot fail on Linux >= 3.17 once the pool is up; keep it unique. */
            uint64_t t = mp_tcp_now_ns() ^ (uint64_t)getpid() << 32;
            memcpy(nonce, &t, sizeof(t));
            break;
        }
    }
}

void mp_tcp_conn_watch(tcp_conn_t *conn, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = conn};
    epoll_ctl(mp_tcp.epfd, EPOLL_CTL_MOD, conn->fd, &ev);
}

/* "a.b.c.d:port" or "[v6]:port"; IPv4 mapped into IPv6 is written as IPv4. */
static void format_where(const struct sockaddr *sa, char *buf, size_t size)
{
    uint8_t ip[16] = {[10] = 0xff, [11] = 0xff};
    unsigned port;
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const void *)sa;
        memcpy(ip, &s6->sin6_addr, 16);
        port = ntohs(s6->sin6_port);
    } else {
        const struct sockaddr_in *s4 = (const void *)sa;
        memcpy(ip + 12, &s4->sin_addr, 4);
        port = ntohs(s4->sin_port);
    }
    char text[INET6_ADDRSTRLEN] = "?";
    mp_tcp_netif_ntop(ip, text, sizeof(text));
    bool v4 = mp_tcp_addr_is_v4(ip);
    snprintf(buf, size, "%s%s%s:%u", v4 ? "" : "[", text, v4 ? "" : "]", port);
}

/* The socket address of a card address: IPv4 ones as IPv4, so they work without IPv6 too. */
static socklen_t card_sockaddr(const mp_tcp_card_addr_t *a, uint16_t port,
                               struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (mp_tcp_addr_is_v4(a->ip)) {
        struct sockaddr_in *sa = (struct sockaddr_in *)ss;
        sa->sin_family = AF_INET;
        sa->sin_port = port;
        memcpy(&sa->sin_addr, a->ip + 12, 4);
        return sizeof(*sa);
    }
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
    sa->sin6_family = AF_INET6;
    sa->sin6_port = port;
    memcpy(&sa->sin6_addr, a->ip, 16);
    return sizeof(*sa);
}

static tcp_conn_t *conn_new(int fd, bool outgoing, int peer, const struct sockaddr *sa,
                            uint32_t events)
{
    tcp_conn_t *conn = calloc(1, sizeof(*conn));
    if (conn == NULL) {
        mp_log_error("tcp: out of memory for a connection");
        close(fd);
        return NULL;
    }
    conn->fd = fd;
    conn->outgoing = outgoing;
    conn->peer = peer;
    format_where(sa, conn->where, sizeof(conn->where));
    struct epoll_event ev = {.events = events, .data.ptr = conn};
    if (epoll_ctl(mp_tcp.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        mp_log_error("tcp: epoll_ctl for a connection with %s failed: %s", conn->where,
                     strerror(errno));
        close(fd);
        free(conn);
        return NULL;
    }
    conn->next = mp_tcp.conns;
    mp_tcp.conns = conn;
    return conn;
}

void mp_tcp_conn_close(tcp_conn_t *conn)
{
    if (conn->dead) {
        return;
    }
    if (conn->state != MP_TCP_CONN_READY) {
        mp_tcp.nwaiting--;
        if (!conn->outgoing) {
            mp_tcp.nunauth--;
        }
    }
    if (conn->rx != NULL && conn->rx_end > conn->rx_start) {
        /* Its backlog, if counted, is dropped with it. */
        conn->rx_start = conn->rx_end;
    }
    if (mp_tcp.hot == conn) {
        mp_tcp.hot = NULL;
    }
    epoll_ctl(mp_tcp.epfd, EPOLL_CTL_DEL, conn->fd, NULL);
    close(conn->fd);
    conn->fd = -1;
    conn->dead = true;
    mp_tcp.ndead++;
}

void mp_tcp_conn_reap(void)
{
    if (mp_tcp.ndead == 0) {
        return;
    }
    mp_tcp.ndead = 0;
    tcp_conn_t **link = &mp_tcp.conns;
    while (*link != NULL) {
        tcp_conn_t *conn = *link;
        if (conn->dead) {
            *link = conn->next;
            free(conn->rx);
            free(conn);
        } else {
            link = &conn->next;
        }
    }
}

void mp_tcp_ep_fail(tcp_ep_t *ep, const char *fmt, ...)
{
    if (ep->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ep->why, sizeof(ep->why), fmt, ap);
    va_end(ap);
    ep->failed = true;
    ep->failed_ns = mp_tcp_now_ns();
    mp_tcp.nlost++;
    if (ep->out != NULL) {
        mp_tcp_conn_close(ep->out);
        ep->out = NULL;
    }
    if (ep->in != NULL) {
        mp_tcp_conn_close(ep->in);
        ep->in = NULL;
    }
    if (mp_tcp_tx_pending(ep)) {
        mp_tcp.ntx--;
    }
    ep->tx_off = ep->tx_len = 0;
    ep->ref = NULL;
    ep->ref_len = 0;
}

static void note_tried(tcp_ep_t *ep, const char *where, const char *why)
{
    size_t used = strlen(ep->tried);
    snprintf(ep->tried + used, sizeof(ep->tried) - used, "%s%s (%s)", used > 0 ? ", " : "", where,
             why);
}

/* Tries the peer's addresses from ep->next_addr on until a connect() is under way. */
void mp_tcp_conn_start(tcp_ep_t *ep)
{
    if (!ep->card_loaded && mp_tcp_ep_load_card(ep) != MP_OK) {
        mp_tcp_ep_fail(ep, "it published no usable tcp card");
        return;
    }
    while (ep->next_addr < ep->norder) {
        const mp_tcp_card_addr_t *a = &ep->card.addrs[ep->order[ep->next_addr++]];
        struct sockaddr_storage sa;
        socklen_t sa_len = card_sockaddr(a, ep->card.port, &sa);
        char where[64];
        format_where((const struct sockaddr *)&sa, where, sizeof(where));
        int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            note_tried(ep, where, strerror(errno));
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(fd, (const struct sockaddr *)&sa, sa_len) != 0 && errno != EINPROGRESS) {
            note_tried(ep, where, strerror(errno));
            close(fd);
            continue;
        }
        tcp_conn_t *conn =
            conn_new(fd, true, ep->base.peer, (const struct sockaddr *)&sa, EPOLLOUT);
        if (conn == NULL) {
            continue;
        }
        conn->state = MP_TCP_CONN_CONNECTING;
        conn->deadline_ns = mp_tcp_now_ns() + mp_tcp.connect_timeout_ns;
        mp_tcp.nwaiting++;
        ep->out = conn;
        return;
    }
    mp_tcp_ep_fail(ep, "cannot connect to any of its %d addresses: %s", ep->norder,
                   ep->norder > 0 ? ep->tried : "none usable from this host (see MP_NET_IF)");
}

/* An outgoing attempt failed: the next address, if any. */
static void retry(tcp_conn_t *conn, const char *why)
{
    tcp_ep_t *ep = mp_tcp.eps[conn->peer];
    note_tried(ep, conn->where, why);
    mp_tcp_conn_close(conn);
    ep->out = NULL;
    mp_tcp_conn_start(ep);
}

/* Writes a whole handshake message; the socket is fresh, so it fits in its buffer. */
static bool write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static void connected(tcp_conn_t *conn)
{
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        retry(conn, strerror(err));
        return;
    }
    uint8_t nonce[MP_TCP_NONCE_LEN];
    uint8_t out[MP_TCP_MSG_MAX];
    size_t out_len;
    nonce_fill(nonce);
    uint64_t gid = mp_wireup_proc_gid(conn->peer);
    mp_tcp_auth_start_jobs(&conn->auth, MP_TCP_CONNECTOR, mp_tcp.job, mp_tcp.rank,
                           mp_wireup_gid_job(gid), (int)mp_wireup_gid_rank(gid), mp_tcp.size,
                           mp_tcp.secret, nonce, out, &out_len);
    if (!write_all(conn->fd, out, out_len)) {
        retry(conn, "the connection broke at once");
        return;
    }
    conn->state = MP_TCP_CONN_AUTH;
    mp_tcp_conn_watch(conn, EPOLLIN);
}

void mp_tcp_conn_accept_all(void)
{
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);
        int fd =
            accept4(mp_tcp.listen_fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED) {
                mp_log_error("tcp: accept failed: %s", strerror(errno));
            }
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            return;
        }
        if (mp_tcp.nunauth >= MP_TCP_MAX_UNAUTH) {
            char where[64];
            format_where((const struct sockaddr *)&sa, where, sizeof(where));
            mp_log_error("tcp: refused a connection from %s: %d others are still in their "
                         "handshake",
                         where, MP_TCP_MAX_UNAUTH);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        tcp_conn_t *conn = conn_new(fd, false, -1, (const struct sockaddr *)&sa, EPOLLIN);
        if (conn == NULL) {
            continue;
        }
        uint8_t nonce[MP_TCP_NONCE_LEN];
        uint8_t out[MP_TCP_MSG_MAX];
        size_t out_len;
        nonce_fill(nonce);
        mp_tcp_auth_start_jobs(&conn->auth, MP_TCP_ACCEPTOR, mp_tcp.job, mp_tcp.rank, 0, -1,
                               mp_tcp.size, mp_tcp.secret, nonce, out, &out_len);
        conn->state = MP_TCP_CONN_AUTH;
        conn->deadline_ns = mp_tcp_now_ns() + mp_tcp.auth_timeout_ns;
        mp_tcp.nwaiting++;
        mp_tcp.nunauth++;
    }
}

/* A stranger (or a broken peer) on an accepted connection: one line, then it is gone. One that
 * went away before it said anything (a port probe, or a process of another job that finished
 * while connecting) is only closed: it tried nothing, and programs' output stays their own. */
static void refuse(tcp_conn_t *conn, const char *why)
{
    if (conn->heard) {
        mp_log_error("tcp: refused a connection from %s: %s", conn->where, why);
    }
    mp_tcp_conn_close(conn);
}

/* The accepted connection proved itself: the peer sends on it, and so may this rank (tcp.c). */
static void accepted(tcp_conn_t *conn)
{
    int peer = conn->auth.peer_rank;
    /* A process of another job (MPI_Comm_spawn) may connect before this rank heard of it:
     * it gets its peer index, and an endpoint, now. */
    if (conn->auth.peer_job != mp_tcp.job &&
        mp_wireup_proc_index(mp_wireup_gid_make(conn->auth.peer_job, (uint32_t)peer), &peer) !=
            MP_OK) {
        refuse(conn, "it names a process of another job that cannot be reached");
        return;
    }
    tcp_ep_t *ep = mp_tcp.eps[peer];
    if (ep == NULL || ep->failed || ep->in != NULL) {
        refuse(conn, ep != NULL && ep->in != NULL
                         ? "the rank it names is connected already"
                         : "the rank it names is not reachable over tcp from here");
        return;
    }
    conn->peer = peer;
    conn->state = MP_TCP_CONN_READY;
    mp_tcp.nwaiting--;
    mp_tcp.nunauth--;
    ep->in = conn;
}

/* Handshake bytes arrived. Reads no further than the handshake, so frames that follow stay in
 * the socket for the receive path. */
static void auth_read(tcp_conn_t *conn, bool (*may_deliver)(int, const void *, size_t), int *n)
{
    for (;;) {
        uint8_t buf[MP_TCP_MSG_MAX];
        size_t want = mp_tcp_auth_want(&conn->auth);
        ssize_t got = recv(conn->fd, buf, want, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (got <= 0) {
            const char *why = got == 0 ? "closed during the handshake" : strerror(errno);
            if (conn->outgoing) {
                retry(conn, why);
            } else {
                refuse(conn, why);
            }
            return;
        }
        conn->heard = true;
        size_t used;
        uint8_t out[MP_TCP_MSG_MAX];
        size_t out_len;
        const char *why = NULL;
        int r = mp_tcp_auth_feed(&conn->auth, buf, (size_t)got, &used, out, &out_len, &why);
        if (r == MP_TCP_AUTH_FAIL) {
            if (conn->outgoing) {
                retry(conn, why);
            } else {
                refuse(conn, why);
            }
            return;
        }
        if (out_len > 0 && !write_all(conn->fd, out, out_len)) {
            if (conn->outgoing) {
                retry(conn, "the connection broke during the handshake");
            } else {
                refuse(conn, "the connection broke during the handshake");
            }
            return;
        }
        if (r == MP_TCP_AUTH_DONE) {
            if (conn->outgoing) {
                conn->state = MP_TCP_CONN_READY;
                mp_tcp.nwaiting--;
                /* Packets may come back on it: the peer answers on the connection it has. */
                mp_tcp_conn_watch(conn, EPOLLIN);
            } else {
                accepted(conn);
            }
            if (!conn->dead) {
                mp_tcp_rx_read(conn, may_deliver, n);
            }
            return;
        }
    }
}

void mp_tcp_conn_event(tcp_conn_t *conn, uint32_t events,
                       bool (*may_deliver)(int src, const void *hdr, size_t hdr_len), int *n)
{
    switch (conn->state) {
    case MP_TCP_CONN_CONNECTING:
        connected(conn);
        break;
    case MP_TCP_CONN_AUTH:
        auth_read(conn, may_deliver, n);
        break;
    default:
        if ((events & EPOLLOUT) && mp_tcp.eps[conn->peer]->out == conn) {
            if (mp_tcp_tx_flush(mp_tcp.eps[conn->peer]) != MP_OK || conn->dead) {
                return;
            }
        }
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
            mp_tcp_rx_read(conn, may_deliver, n);
        }
        break;
    }
}

void mp_tcp_conn_check_deadlines(void)
{
    uint64_t now = mp_tcp_now_ns();
    for (tcp_conn_t *conn = mp_tcp.conns; conn != NULL; conn = conn->next) {
        if (conn->dead || conn->state == MP_TCP_CONN_READY || now < conn->deadline_ns) {
            continue;
        }
        if (conn->outgoing) {
            retry(conn, conn->state == MP_TCP_CONN_CONNECTING ? "connect timed out"
                                                              : "handshake timed out");
        } else {
            char why[96];
            snprintf(why, sizeof(why), "no valid handshake within %llu s",
                     (unsigned long long)(mp_tcp.auth_timeout_ns / 1000000000u));
            conn->heard = true; /* holding a connection silently is worth a line */
            refuse(conn, why);
        }
    }
}
