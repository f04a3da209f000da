/*
 * The tcp transport: packets between ranks that share no memory (other nodes, or every peer
 * when MP_TCP_ONLY=1). One listening socket and one epoll set per rank; a connection to a peer
 * opens on the first packet for it, and wakes a sleeping rank through the same epoll set.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/settings.h"
#include "transport/tcp/netif.h"
#include "transport/tcp/tcp_internal.h"
#include "wireup/procs.h"

tcp_state_t mp_tcp = {.listen_fd = -1, .epfd = -1};

/* One port for every address: an IPv6 socket that takes IPv4 too, or IPv4 alone where this
 * host has no IPv6 (then no IPv6 address is published). */
static mp_status_t open_listener(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int off = 0;
    mp_tcp.v6 = fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == 0;
    if (!mp_tcp.v6) {
        if (fd >= 0) {
            close(fd);
        }
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) {
        mp_log_error("tcp: socket() failed: %s", strerror(errno));
        return MP_ERR_SYSCALL;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    if (mp_tcp.v6) {
        struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;
        sa->sin6_family = AF_INET6;
        sa->sin6_addr = in6addr_any;
        len = sizeof(*sa);
    } else {
        struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
        sa->sin_family = AF_INET;
        sa->sin_addr.s_addr = htonl(INADDR_ANY);
        len = sizeof(*sa);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        mp_log_error("tcp: cannot listen on a tcp port: %s", strerror(errno));
        close(fd);
        return MP_ERR_SYSCALL;
    }
    mp_tcp.listen_fd = fd;
    mp_tcp.card.port =
        mp_tcp.v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(mp_tcp.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        mp_log_error("tcp: epoll_ctl failed: %s", strerror(errno));
        return MP_ERR_SYSCALL;
    }
    return MP_OK;
}

/* The addresses to publish: MP_NET_IF's, or all but the usual host-only bridges. */
static mp_status_t list_addresses(void)
{
    const char *spec = getenv("MP_NET_IF");
    bool user = spec != NULL && spec[0] != '\0';
    mp_tcp_netif_filter_t filter;
    const char *why, *bad;
    if (mp_tcp_netif_parse(user ? spec : MP_TCP_NETIF_DEFAULT, &filter, &why, &bad) != MP_OK) {
        mp_log_error("tcp: MP_NET_IF=\"%s\": %s at \"%s\" (" MP_NETFILTER_EXPECTED ")", spec, why,
                     bad);
        return MP_ERR_INVALID;
    }
    int n;
    mp_status_t status =
        mp_tcp_netif_list(&filter, mp_tcp.v6, mp_tcp.card.addrs, MP_TCP_MAX_ADDRS, &n);
    if (status != MP_OK) {
        return status;
    }
    if (n == 0) {
        mp_log_error("tcp: no network interface that is up passes MP_NET_IF=\"%s\"",
                     user ? spec : MP_TCP_NETIF_DEFAULT);
        return MP_ERR_INVALID;
    }
    mp_tcp.card.naddrs = (uint16_t)n;
    return MP_OK;
}

/* Without a secret from the launcher, rank 0 makes one and publishes it before the fence;
 * only processes of the job can read it. */
static mp_status_t publish_secret(const mp_wireup_info_t *info)
{
    if (info->has_secret) {
        memcpy(mp_tcp.secret, info->job_secret, MP_SHA256_LEN);
        mp_tcp.have_secret = true;
        return MP_OK;
    }
    if (info->rank != 0) {
        return MP_OK;
    }
    if (getrandom(mp_tcp.secret, MP_SHA256_LEN, 0) != MP_SHA256_LEN) {
        mp_log_error("tcp: getrandom failed: %s", strerror(errno));
        return MP_ERR_SYSCALL;
    }
    mp_tcp.have_secret = true;
    return mp_wireup_card_put(MP_TCP_SECRET_KEY, mp_tcp.secret, MP_SHA256_LEN);
}

static mp_status_t fetch_secret(void)
{
    if (mp_tcp.have_secret) {
        return MP_OK;
    }
    void *data;
    size_t len;
    mp_status_t status = mp_wireup_card_get(0, MP_TCP_SECRET_KEY, &data, &len);
    if (status != MP_OK) {
        mp_log_error("tcp: the launcher gave no job secret and rank 0 published none: %s",
                     mp_status_string(status));
        return status;
    }
    if (len != MP_SHA256_LEN) {
        mp_log_error("tcp: rank 0's job secret is %zu bytes, expected %d", len, MP_SHA256_LEN);
        free(data);
        return MP_ERR_INVALID;
    }
    memcpy(mp_tcp.secret, data, MP_SHA256_LEN);
    free(data);
    mp_tcp.have_secret = true;
    return MP_OK;
}

static void tcp_fini(void);

static mp_status_t tcp_init(const mp_wireup_info_t *info, mp_tl_recv_fn recv)
{
    memset(&mp_tcp, 0, sizeof(mp_tcp));
    mp_tcp.listen_fd = -1;
    mp_tcp.recv = recv;
    mp_tcp.rank = info->rank;
    mp_tcp.size = info->size;
    mp_tcp.node_id = info->node_id;
    mp_tcp.connect_timeout_ns = mp_setting_size("MP_TCP_CONNECT_TIMEOUT", 2) * 1000000000u;
    mp_tcp.auth_timeout_ns = mp_setting_size("MP_TCP_AUTH_TIMEOUT", 5) * 1000000000u;
    /* Room for other jobs' processes from the start (pointers: 32 KiB), so that an endpoint
     * added from inside progress never moves the table. */
    mp_tcp.eps = calloc((size_t)info->size + MP_WIREUP_FOREIGN_MAX, sizeof(*mp_tcp.eps));
    mp_tcp.npeers = info->size;
    mp_tcp.job = mp_wireup_job_number();
    mp_tcp.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (mp_tcp.eps == NULL || mp_tcp.epfd < 0) {
        mp_log_error("tcp: cannot set up (%s)",
                     mp_tcp.eps == NULL ? "out of memory" : strerror(errno));
        tcp_fini();
        return MP_ERR_SYSCALL;
    }
    mp_tcp.card.magic = MP_TCP_CARD_MAGIC;
    mp_tcp.card.version = MP_TCP_VERSION;
    mp_tcp.card.node_id = info->node_id;
    mp_status_t status = open_listener();
    if (status == MP_OK) {
        status = list_addresses();
    }
    if (status == MP_OK) {
        status = publish_secret(info);
    }
    if (status == MP_OK) {
        status = mp_wireup_card_put(MP_TCP_CARD_KEY, &mp_tcp.card, sizeof(mp_tcp.card));
    }
    if (status != MP_OK) {
        tcp_fini();
    }
    return status;
}

mp_status_t mp_tcp_ep_load_card(tcp_ep_t *ep)
{
    int peer = ep->base.peer;
    void *data;
    size_t len;
    mp_status_t status = mp_wireup_card_get(peer, MP_TCP_CARD_KEY, &data, &len);
    if (status != MP_OK) {
        mp_log_error("tcp: rank %d published no tcp card: %s", peer, mp_status_string(status));
        return status;
    }
    const char *why;
    if (mp_tcp_card_check(data, len, &ep->card, &why) != MP_OK) {
        mp_log_error("tcp: the card of rank %d is unusable: %s", peer, why);
        free(data);
        return MP_ERR_INVALID;
    }
    free(data);
    ep->norder = mp_tcp_netif_order(&ep->card, ep->card.node_id == mp_tcp.node_id,
                                    mp_tcp.card.addrs, mp_tcp.card.naddrs, ep->order);
    ep->card_loaded = true;
    return MP_OK;
}

static mp_tl_ep_t *tcp_connect(int peer)
{
    if (peer < 0 || peer >= mp_tcp.size + MP_WIREUP_FOREIGN_MAX || peer == mp_tcp.rank ||
        mp_tcp.eps == NULL) {
        return NULL;
    }
    if (mp_tcp.eps[peer] != NULL) {
        return &mp_tcp.eps[peer]->base;
    }
    if (fetch_secret() != MP_OK) {
        return NULL;
    }
    tcp_ep_t *ep = calloc(1, sizeof(*ep));
    if (ep == NULL) {
        mp_log_error("tcp: out of memory connecting to rank %d", peer);
        return NULL;
    }
    ep->base.ops = &mp_tl_tcp_ops;
    ep->base.peer = peer;
    ep->base.max_payload = MP_TCP_MAX_PAYLOAD;
    ep->base.can_get = false;
    /* A process of another job may not have published its card yet: it is read when this
     * rank first connects to it (it may well connect here first). */
    if (peer < mp_tcp.size && mp_tcp_ep_load_card(ep) != MP_OK) {
        free(ep);
        return NULL;
    }
    mp_tcp.eps[peer] = ep;
    if (peer >= mp_tcp.npeers) {
        mp_tcp.npeers = peer + 1;
    }
    return &ep->base;
}

/* Sends to a lost peer wait until it is reported, then fail. */
static mp_status_t lost_status(const tcp_ep_t *ep)
{
    return ep->lost_reported ? MP_ERR_PEER : MP_ERR_AGAIN;
}

static mp_status_t send_packet(mp_tl_ep_t *tl_ep, const void *hdr, size_t hdr_len,
                               const void *payload, size_t len, bool by_ref)
{
    tcp_ep_t *ep = (tcp_ep_t *)tl_ep;
    if (ep->failed) {
        return lost_status(ep);
    }
    if (hdr_len > MP_TL_HDR_MAX || len > MP_TCP_MAX_PAYLOAD) {
        mp_log_error("tcp: a packet to rank %d of %zu header and %zu payload bytes is too large "
                     "(at most %d and %d)",
                     tl_ep->peer, hdr_len, len, MP_TL_HDR_MAX, MP_TCP_MAX_PAYLOAD);
        return MP_ERR_INVALID;
    }
    if (ep->out == NULL && ep->in != NULL) {
        ep->out = ep->in; /* the peer's connection is up: answer on it */
    }
    if (ep->out == NULL) {
        mp_tcp_conn_start(ep);
        return MP_ERR_AGAIN;
    }
    if (ep->out->state != MP_TCP_CONN_READY) {
        return MP_ERR_AGAIN;
    }
    mp_status_t status = mp_tcp_tx_send(ep, hdr, hdr_len, payload, len, by_ref);
    return ep->failed ? lost_status(ep) : status;
}

static mp_status_t tcp_send(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                            size_t len)
{
    return send_packet(ep, hdr, hdr_len, payload, len, false);
}

static mp_status_t tcp_send_ref(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len,
                                const void *payload, size_t len)
{
    return send_packet(ep, hdr, hdr_len, payload, len, true);
}

static bool tcp_sent_all(mp_tl_ep_t *tl_ep)
{
    const tcp_ep_t *ep = (const tcp_ep_t *)tl_ep;
    return ep->ref_len == 0;
}

/* Tells pt2pt about peers lost at least MP_TCP_LOST_GRACE_NS ago, outside of any send it is
 * making; returns how many. */
static int report_lost(void)
{
    int n = 0;
    uint64_t now = mp_tcp_now_ns();
    for (int p = 0; mp_tcp.nlost > 0 && p < mp_tcp.npeers; p++) {
        tcp_ep_t *ep = mp_tcp.eps[p];
        if (ep != NULL && ep->failed && !ep->lost_reported &&
            now - ep->failed_ns >= MP_TCP_LOST_GRACE_NS) {
            ep->lost_reported = true;
            mp_tcp.nlost--;
            if (mp_tcp.lost != NULL) {
                mp_log_error("tcp: lost rank %d: %s", p, ep->why);
                mp_tcp.lost(p);
            }
            n++;
        }
    }
    return n;
}

static int tcp_progress(bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    if (mp_tcp.delivering || mp_tcp.epfd < 0) {
        return 0;
    }
    mp_tcp.delivering = true;
    int n = 0;
    struct epoll_event ev[32];
    int k = 0;
    tcp_conn_t *hot = mp_tcp.hot;
    if (hot != NULL && mp_tcp.ntx == 0 && mp_tcp.polls++ % MP_TCP_EPOLL_EVERY != 0) {
        /* A spinning rank mostly hears from the peer it heard from last: a read straight from
         * that socket saves the epoll_wait before it; everything else waits a few polls (but
         * not sends in progress: their EPOLLOUT is watched every pass). */
        mp_tcp_rx_read(hot, may_deliver, &n);
    } else {
        k = epoll_wait(mp_tcp.epfd, ev, 32, 0);
    }
    for (int i = 0; i < k; i++) {
        tcp_conn_t *conn = ev[i].data.ptr;
        if (conn == NULL) {
            mp_tcp_conn_accept_all();
        } else if (!conn->dead) {
            mp_tcp_conn_event(conn, ev[i].events, may_deliver, &n);
        }
    }
    if (mp_tcp.nbacklog > 0) {
        for (tcp_conn_t *conn = mp_tcp.conns; conn != NULL; conn = conn->next) {
            if (conn->backlog && !conn->dead) {
                n += mp_tcp_rx_deliver(conn, may_deliver);
            }
        }
    }
    if (mp_tcp.nwaiting > 0) {
        mp_tcp_conn_check_deadlines();
    }
    mp_tcp_conn_reap();
    mp_tcp.delivering = false;
    if (mp_tcp.nlost > 0) {
        n += report_lost();
    }
    return n;
}

/* Empty looks of the fast path in a row, at most: each is a system call, and meanwhile no other
 * peer is served (a ping-pong's answer over a network comes within some 10 of them). */
#define MP_TCP_OFFER_IDLE_MAX 64

/* The fast path needs the connection the peer's packets come on: the one that delivered last,
 * in the ping-pong this is for. Anything else goes the general way, as do sends still in
 * flight (the peer may wait for them before it answers). */
static mp_tl_offer_t tcp_poll_ep(mp_tl_ep_t *ep, mp_tl_take_fn take, void *arg)
{
    tcp_conn_t *conn = mp_tcp.hot;
    mp_tl_offer_t offer = MP_TL_OFFER_DECLINED;
    if (!mp_tcp.delivering && conn != NULL && conn->peer == ep->peer && mp_tcp.ntx == 0 &&
        mp_tcp.idle_offers < MP_TCP_OFFER_IDLE_MAX) {
        offer = mp_tcp_rx_offer(conn, take, arg);
    }
    mp_tcp.idle_offers = offer == MP_TL_OFFER_NONE ? mp_tcp.idle_offers + 1 : 0;
    return offer;
}

static bool tcp_is_flushed(void)
{
    return mp_tcp.ntx == 0;
}

static bool tcp_sleep_prepare(void)
{
    return mp_tcp.nbacklog == 0;
}

static void tcp_sleep_wait(uint64_t max_ns)
{
    /* Level-triggered: whatever woke this is still there for the next progress pass. */
    struct epoll_event ev;
    int ms = (int)((max_ns + 999999u) / 1000000u);
    epoll_wait(mp_tcp.epfd, &ev, 1, ms > 0 ? ms : 1);
}

static void tcp_sleep_done(void)
{
}

/* The epoll set: readable when a socket in it is. */
static int tcp_sleep_fd(void)
{
    return mp_tcp.epfd;
}

static void tcp_set_lost(mp_tl_lost_fn lost)
{
    mp_tcp.lost = lost;
}

static void tcp_set_place(mp_tl_place_fn place)
{
    mp_tcp.place = place;
}

/* Hands the last partial packets to the kernel, for a bounded time (peers are past the closing
 * fence, so nothing they still need can be stuck here in a correct program). */
static void drain_tx(void)
{
    uint64_t until = mp_tcp_now_ns() + 2000000000u;
    while (mp_tcp.ntx > 0 && mp_tcp_now_ns() < until) {
        for (int p = 0; p < mp_tcp.npeers; p++) {
            tcp_ep_t *ep = mp_tcp.eps[p];
            if (ep != NULL && ep->out != NULL && mp_tcp_tx_pending(ep)) {
                mp_tcp_tx_flush(ep);
            }
        }
        struct epoll_event ev;
        epoll_wait(mp_tcp.epfd, &ev, 1, 1);
    }
}

static void tcp_fini(void)
{
    mp_tcp.closing = true;
    if (mp_tcp.eps != NULL) {
        drain_tx();
    }
    for (tcp_conn_t *conn = mp_tcp.conns; conn != NULL; conn = conn->next) {
        mp_tcp_conn_close(conn);
    }
    mp_tcp_conn_reap();
    for (int p = 0; mp_tcp.eps != NULL && p < mp_tcp.npeers; p++) {
        if (mp_tcp.eps[p] != NULL) {
            free(mp_tcp.eps[p]->tx);
            free(mp_tcp.eps[p]);
        }
    }
    free(mp_tcp.eps);
    if (mp_tcp.listen_fd >= 0) {
        close(mp_tcp.listen_fd);
    }
    if (mp_tcp.epfd >= 0) {
        close(mp_tcp.epfd);
    }
    memset(&mp_tcp, 0, sizeof(mp_tcp));
    mp_tcp.listen_fd = -1;
    mp_tcp.epfd = -1;
}

const mp_tl_ops_t mp_tl_tcp_ops = {
    .name = "tcp",
    .init = tcp_init,
    .connect = tcp_connect,
    .send = tcp_send,
    .send_ref = tcp_send_ref,
    .sent_all = tcp_sent_all,
    .progress = tcp_progress,
    .poll_ep = tcp_poll_ep,
    .get = NULL,
    .put = NULL,
    .sleep_prepare = tcp_sleep_prepare,
    .sleep_wait = tcp_sleep_wait,
    .sleep_done = tcp_sleep_done,
    .sleep_fd = tcp_sleep_fd,
    .is_flushed = tcp_is_flushed,
    .set_lost = tcp_set_lost,
    .set_place = tcp_set_place,
    .fini = tcp_fini,
};
