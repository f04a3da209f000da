/*
 * Point-to-point protocols. Eager: the envelope and data go at once (in fragments when longer
 * than one packet); an unmatched eager message waits in the unexpected queue with its data.
 * Rendezvous, above the eager limit: the envelope goes alone (RTS); once matched, the receiver
 * reads the data straight from the sender's memory when the transport can (one copy) and says
 * FIN, or asks for it (CTS) and the sender streams DATA fragments.
 */
#include "pt2pt/pt2pt.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/log.h"
#include "core/settings.h"
#include "pt2pt/cancel.h"
#include "pt2pt/leave.h"
#include "pt2pt/match.h"
#include "pt2pt/node.h"
#include "pt2pt/peer.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt_internal.h"
#include "pt2pt/wire.h"
#include "transport/transport.h"
#include "util/copy.h"
#include "util/memcheck.h"
#include "wireup/procs.h"

#define MP_PKT_FLAG_CONTIG 0x2 /* RTS: the sender's data is one block at addr */

static int my_rank;
static const mp_wireup_info_t *wire_info; /* the job's facts, for a tcp brought up late */
static bool have_shm;
static bool have_tcp;
static struct pollfd mixed_fds[2]; /* tcp's epoll set and the shm doorbell, once both exist */
static int mixed_state;            /* 0: not tried yet, 1: polling both, -1: slices */
/* Largest message sent eagerly inside a node, in bytes. Measured on 2 cores: eager halves the
 * latency up to 128 KiB (64 KiB: 5.3 vs 12.7 us), but from 32 KiB up a window of messages moves
 * faster by single-copy rendezvous (64 KiB: 7.0 vs 4.4 GB/s); 32 KiB keeps both near their best.
 * Over tcp rendezvous saves no copy and costs a round trip more. Measured between two network
 * namespaces (veth and a bridge), a window of 128..512 KiB messages moves 1.3-1.8x faster eagerly
 * (512 KiB: 6.5 against 3.5 GB/s), and since tcp's blocking receive took a fast path, 1-2 MiB
 * ones too (4 alternating pairs: 1 MiB 4.2-4.8 against 3.6-3.8 GB/s, 2 MiB 4.5-5.3 against
 * 3.8-4.0), with the same ping-pong latency; a 64 KiB message takes 19 us eagerly against 28 by
 * rendezvous over loopback. Only loopback (MP_TCP_ONLY, a test mode) prefers rendezvous at
 * 128-256 KiB (0.85x). MP_TCP_EAGER_LIMIT is therefore 2M: messages above one frame
 * (MP_TCP_MAX_PAYLOAD) go as fragments, and unexpected ones count against MP_UNEXPECTED_MAX. */
static size_t eager_limit;
static size_t tcp_eager_limit;
static size_t unexp_limit; /* unexpected bytes above which new eager messages wait */

/* ---- receiving ---- */

/* Copies bytes of the message at stream position offset into req's buffer, dropping what
 * does not fit (a truncated receive still consumes the whole message). */
static void deliver(mp_request_t *req, size_t offset, const void *data, size_t len)
{
    if (offset < req->capacity) {
        size_t n = req->capacity - offset < len ? req->capacity - offset : len;
        if (req->dt->contiguous) {
            mp_copy((char *)req->buf + req->dt->lb + offset, data, n); /* the common case */
        } else {
            mp_datatype_unpack(req->dt, req->count, req->buf, offset, data, n);
        }
    }
    req->done_bytes += len;
}

static void finish_recv(mp_request_t *req)
{
    bool truncated = req->msg_bytes > req->capacity;
    req->status.bytes = truncated ? req->capacity : req->msg_bytes;
    if (req->status.error == MP_OK && truncated) {
        req->status.error = MP_ERR_TRUNCATE; /* a transfer failure, if any, is kept */
    }
    mp_request_complete(req);
}

static void send_ctl(int world, uint8_t type, uint64_t req, uint64_t req2)
{
    mp_pkt_ctl_t c;
    memset(&c, 0, sizeof(c));
    c.type = type;
    c.req = req;
    c.req2 = req2;
    if (mp_peer_send_ctl(world, &c, sizeof(c)) != MP_OK) {
        mp_log_error("out of memory queueing a control packet for rank %d", world);
    }
}

/* Messages from this size up are copied by both ranks at once: one core alone does not use
 * all the memory bandwidth (two copies together reach ~1.7x one here), and a single copy
 * between processes costs about 0.3 us a page. Measured on 2 cores: 64 KiB ping-pong takes
 * 7.3 us split against 12.2 us whole; at 32 KiB splitting gains nothing over eager. */
#define SPLIT_MIN (64 * 1024)

/* A matched rendezvous: fetch the data in one copy, or ask the sender to stream it. */
static void rndv_start(mp_request_t *req, int world, size_t size, uint64_t sreq, uint64_t addr,
                       bool contig)
{
    mp_tl_ep_t *ep = mp_peers[world].ep;
    req->msg_bytes = size;
    if (ep->can_get && contig && req->dt->contiguous) {
        char *base = (char *)req->buf + req->dt->lb;
        size_t n = size < req->capacity ? size : req->capacity;
        /* The sender writes the second half (page-aligned) while we read the first. */
        size_t split = n;
        if (n >= SPLIT_MIN && ep->ops->put != NULL) {
            split = (n / 2) & ~(size_t)4095;
            mp_pkt_put_t put = {.type = MP_PKT_PUT,
                                .sreq = sreq,
                                .rreq = (uint64_t)(uintptr_t)req,
                                .offset = split,
                                .len = n - split,
                                .addr = (uint64_t)(uintptr_t)(base + split)};
            if (mp_peer_send_ctl(world, &put, sizeof(put)) != MP_OK) {
                split = n;
            }
        }
        if (split > 0 && ep->ops->get(ep, base, addr, split) != MP_OK) {
            req->status.error = MP_ERR_PEER;
        }
        send_ctl(world, MP_PKT_FIN, sreq, 0);
        if (split == n) {
            finish_recv(req);
        } /* else PUT_DONE finishes it */
        return;
    }
    req->done_bytes = 0;
    send_ctl(world, MP_PKT_CTS, sreq, (uint64_t)(uintptr_t)req);
}

/* Gives an unexpected message to the receive that matched it, and frees the entry. */
static void take_unexp(mp_request_t *req, mp_unexp_t *u)
{
    req->status.source = u->src;
    req->status.tag = u->tag;
    if (u->rendezvous) {
        rndv_start(req, u->world_src, u->size, u->sreq, u->addr, u->contig);
        free(u);
        return;
    }
    req->msg_bytes = u->size;
    if (u->lost) {
        req->status.error = MP_ERR_PEER;
        req->msg_bytes = u->received;
    }
    deliver(req, 0, u->data, u->received);
    if (u->sync) {
        send_ctl(u->world_src, MP_PKT_ACK, u->sreq, 0);
    }
    mp_peer_t *peer = &mp_peers[u->world_src];
    if (peer->in_unexp == u) {
        /* Fragments are still coming: they go straight to the receive now. */
        peer->in_unexp = NULL;
        peer->in_req = req;
    } else {
        finish_recv(req);
    }
    free(u->data);
    free(u);
}

static void on_eager(int world, const mp_pkt_match_t *m, const void *payload, size_t len)
{
    mp_peer_t *peer = &mp_peers[world];
    uint64_t seq = ++peer->in_msgs;
    bool sync = (m->flags & MP_PKT_FLAG_SYNC) != 0;
    mp_request_t *req = mp_match_take_posted(m->context_id, m->src, m->tag);
    if (req != NULL) {
        req->status.source = m->src;
        req->status.tag = m->tag;
        req->msg_bytes = m->size;
        deliver(req, 0, payload, len);
        if (sync) {
            send_ctl(world, MP_PKT_ACK, m->sreq, 0);
        }
        if (len < m->size) {
            peer->in_req = req;
            peer->in_offset = len;
            peer->in_left = m->size - len;
        } else {
            finish_recv(req);
        }
        return;
    }
    mp_unexp_t *u = calloc(1, sizeof(*u));
    char *data = malloc(m->size > 0 ? m->size : 1);
    if (u == NULL || data == NULL) {
        mp_log_error("out of memory keeping a %llu-byte message from rank %d",
                     (unsigned long long)m->size, world);
        free(u);
        free(data);
        return;
    }
    *u = (mp_unexp_t){.context_id = m->context_id,
                      .src = m->src,
                      .tag = m->tag,
                      .world_src = world,
                      .size = m->size,
                      .sync = sync,
                      .sreq = m->sreq,
                      .seq = seq,
                      .data = data,
                      .received = len};
    memcpy(data, payload, len);
    mp_match_add_unexp(u);
    if (len < m->size) {
        peer->in_unexp = u;
        peer->in_offset = len;
        peer->in_left = m->size - len;
    }
}

static void on_frag(int world, const void *payload, size_t len)
{
    mp_peer_t *peer = &mp_peers[world];
    if (peer->in_req != NULL) {
        deliver(peer->in_req, peer->in_offset, payload, len);
    } else if (peer->in_unexp != NULL) {
        memcpy(peer->in_unexp->data + peer->in_offset, payload, len);
        peer->in_unexp->received += len;
    }
    peer->in_offset += len;
    peer->in_left -= len;
    if (peer->in_left == 0) {
        if (peer->in_req != NULL) {
            finish_recv(peer->in_req);
        }
        peer->in_req = NULL;
        peer->in_unexp = NULL;
    }
}

static void on_rts(int world, const mp_pkt_match_t *m)
{
    uint64_t seq = ++mp_peers[world].in_msgs;
    bool contig = (m->flags & MP_PKT_FLAG_CONTIG) != 0;
    mp_request_t *req = mp_match_take_posted(m->context_id, m->src, m->tag);
    if (req != NULL) {
        req->status.source = m->src;
        req->status.tag = m->tag;
        rndv_start(req, world, m->size, m->sreq, m->addr, contig);
        return;
    }
    mp_unexp_t *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        mp_log_error("out of memory keeping a message envelope from rank %d", world);
        return;
    }
    *u = (mp_unexp_t){.context_id = m->context_id,
                      .src = m->src,
                      .tag = m->tag,
                      .world_src = world,
                      .size = m->size,
                      .rendezvous = true,
                      .contig = contig,
                      .sreq = m->sreq,
                      .seq = seq,
                      .addr = m->addr};
    mp_match_add_unexp(u);
}

static void on_cts(int world, const mp_pkt_ctl_t *c)
{
    mp_request_t *sreq = (mp_request_t *)(uintptr_t)c->req;
    mp_pkt_ctl_t first;
    memset(&first, 0, sizeof(first));
    first.type = MP_PKT_DATA;
    first.req = c->req2;
    mp_send_job_t job;
    memset(&job, 0, sizeof(job));
    memcpy(job.hdr, &first, sizeof(first));
    job.hdr_len = sizeof(first);
    job.req = sreq;
    job.end = sreq->msg_bytes;
    job.next_type = MP_PKT_DATA;
    job.data_req = c->req2;
    job.completes_req = true;
    if (mp_peer_send_job(world, &job) != MP_OK) {
        mp_log_error("out of memory sending %zu bytes to rank %d", sreq->msg_bytes, world);
    }
}

static void on_data(const mp_pkt_ctl_t *c, const void *payload, size_t len)
{
    mp_request_t *req = (mp_request_t *)(uintptr_t)c->req;
    if (req->dt->contiguous && payload == (const char *)req->buf + req->dt->lb + c->offset) {
        req->done_bytes += len; /* the transport put it in place already (place_payload) */
    } else {
        deliver(req, c->offset, payload, len);
    }
    if (req->done_bytes == req->msg_bytes) {
        finish_recv(req);
    }
}

/* A transport asks where a payload goes before it arrives: rendezvous data for a contiguous
 * receive goes straight into the user's buffer (truncated ones take the usual path). */
static void *place_payload(int world, const void *hdr, size_t hdr_len, size_t len)
{
    (void)world;
    mp_pkt_ctl_t c;
    if (hdr_len != sizeof(c) || ((const uint8_t *)hdr)[0] != MP_PKT_DATA) {
        return NULL;
    }
    memcpy(&c, hdr, sizeof(c));
    mp_request_t *req = (mp_request_t *)(uintptr_t)c.req;
    if (!req->dt->contiguous || c.offset > req->capacity || len > req->capacity - c.offset) {
        return NULL;
    }
    return (char *)req->buf + req->dt->lb + c.offset;
}

/* The receiver asked us to write a part of a rendezvous message: the FIN that follows (packets
 * arrive in order) completes the send, after this. */
static void on_put(int world, const mp_pkt_put_t *p)
{
    mp_request_t *sreq = (mp_request_t *)(uintptr_t)p->sreq;
    mp_tl_ep_t *ep = mp_peers[world].ep;
    const char *local = (const char *)sreq->buf + sreq->dt->lb + p->offset;
    bool failed = ep->ops->put(ep, local, p->addr, p->len) != MP_OK;
    send_ctl(world, MP_PKT_PUT_DONE, p->rreq, failed ? 1 : 0);
}

static void on_put_done(const mp_pkt_ctl_t *c)
{
    mp_request_t *req = (mp_request_t *)(uintptr_t)c->req;
    if (c->req2 != 0) {
        req->status.error = MP_ERR_PEER;
    }
    /* The peer wrote part of the buffer from its own process: tell valgrind, which did not
     * see it, that the bytes are set now. */
    size_t bytes = req->msg_bytes < req->capacity ? req->msg_bytes : req->capacity;
    MP_MEM_DEFINED((char *)req->buf + req->dt->lb, bytes);
    finish_recv(req);
}

static void on_send_done(mp_request_t *sreq, bool acked)
{
    sreq->peer_matched = true;
    if (acked) {
        sreq->waiting_ack = false;
    } else {
        sreq->data_done = true;
    }
    if (mp_request_send_is_done(sreq)) {
        mp_request_complete(sreq);
    }
}

/* Copies the first size bytes of a packet's header into h: headers may sit unaligned in a
 * transport's buffer. A shorter header (libmp never sends one) reads as padded with zeros. */
static inline void read_hdr(void *h, size_t size, const void *hdr, size_t hdr_len)
{
    if (hdr_len >= size) {
        memcpy(h, hdr, size); /* a constant size: a few moves, no call */
        return;
    }
    memset(h, 0, size);
    memcpy(h, hdr, hdr_len);
}

static void on_packet(int world, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    uint8_t type = hdr_len > 0 ? *(const uint8_t *)hdr : 0;
    mp_pkt_match_t m;
    mp_pkt_ctl_t c;
    mp_pkt_put_t p;
    switch (type) {
    case MP_PKT_EAGER:
        m.addr = 0; /* not sent with an eager message */
        read_hdr(&m, MP_PKT_EAGER_LEN, hdr, hdr_len);
        on_eager(world, &m, payload, len);
        return;
    case MP_PKT_FRAG:
        on_frag(world, payload, len);
        return;
    case MP_PKT_RTS:
        read_hdr(&m, sizeof(m), hdr, hdr_len);
        on_rts(world, &m);
        return;
    case MP_PKT_PUT:
        read_hdr(&p, sizeof(p), hdr, hdr_len);
        on_put(world, &p);
        return;
    default:
        break;
    }
    read_hdr(&c, sizeof(c), hdr, hdr_len);
    switch (type) {
    case MP_PKT_CTS:
        on_cts(world, &c);
        break;
    case MP_PKT_DATA:
        on_data(&c, payload, len);
        break;
    case MP_PKT_FIN:
        on_send_done((mp_request_t *)(uintptr_t)c.req, false);
        break;
    case MP_PKT_ACK:
        on_send_done((mp_request_t *)(uintptr_t)c.req, true);
        break;
    case MP_PKT_PUT_DONE:
        on_put_done(&c);
        break;
    case MP_PKT_CANCEL:
        mp_cancel_on_request(world, &c);
        break;
    case MP_PKT_CANCEL_DONE:
        mp_cancel_on_answer(&c);
        break;
    case MP_PKT_DISC:
    case MP_PKT_BYE:
        mp_pt2pt_leave_on_packet(world, type, c.req, c.req2);
        break;
    default:
        mp_log_error("unknown packet type %d from rank %d", type, world);
    }
}

/* Flow control: past the limit, a new eager message that nobody waits for stays in the
 * transport (its sender then waits) instead of growing the unexpected queue. */
static bool may_deliver(int world, const void *hdr, size_t hdr_len)
{
    (void)world;
    if (mp_match_unexp_bytes <= unexp_limit || hdr_len < MP_PKT_EAGER_LEN) {
        return true;
    }
    mp_pkt_match_t m;
    memcpy(&m, hdr, MP_PKT_EAGER_LEN);
    if (m.type != MP_PKT_EAGER) {
        return true;
    }
    return mp_match_has_posted(m.context_id, m.src, m.tag);
}

/* ---- the calls ---- */

static mp_request_t *new_request(mp_request_kind_t kind, void *buf, size_t count,
                                 const mp_datatype_t *dt, int peer, int tag, mp_comm_t *comm)
{
    mp_request_t *req = mp_request_create(kind);
    if (req != NULL) {
        req->buf = buf;
        req->count = count;
        req->dt = dt;
        if (!dt->predefined) {
            mp_datatype_retain(dt); /* MPI_Type_free may come before completion */
        }
        req->capacity = mp_datatype_bytes(dt, count);
        req->peer = peer;
        req->tag = tag;
        req->comm = comm;
        req->holds_comm = true;
        mp_comm_retain(comm);
        req->context_id = comm->context_id;
    }
    return req;
}

/* A PROC_NULL operation: complete at once with the standard's empty status. */
static void complete_proc_null(mp_request_t *req)
{
    req->status.source = MPI_PROC_NULL;
    req->status.tag = MPI_ANY_TAG;
    req->status.bytes = 0;
    mp_request_complete(req);
}

/* Both directions busy: a message of this size or more whose peer's channel is full goes by
 * rendezvous, below the eager limit too, when the peer is also sending to this rank (its packets
 * wait here) and can read ours in one copy. Each core then makes one copy per message it
 * receives, where eager has it copy in what it sends and copy out what it receives: 32 KiB
 * bidirectional bandwidth, 2 cores, 7.1 -> 14 GB/s. One direction alone keeps eager, where the
 * sender's copy in and the receiver's copy out run on two cores at once (32 KiB: 22 GB/s,
 * against 7 by rendezvous, one core copying); so does a ping-pong, which never finds the
 * channel full. Below this size the fixed cost of a single copy outweighs the copy it saves. */
#define BUSY_RNDV_MIN (16 * 1024)

/* mp_pt2pt_send_now, for request sreq (0: none). */
static bool eager_now(const void *buf, size_t count, const mp_datatype_t *dt, int dest, int tag,
                      mp_comm_t *comm, uint64_t sreq)
{
    if (!dt->contiguous || dest == MPI_PROC_NULL) {
        return false;
    }
    size_t size = mp_datatype_bytes(dt, count);
    mp_peer_t *peer = &mp_peers[mp_comm_world_rank(comm, dest)];
    if (size > peer->eager_limit || size > peer->ep->max_payload || peer->head != NULL) {
        return false;
    }
    mp_pkt_match_t m = {.type = MP_PKT_EAGER,
                        .context_id = comm->context_id,
                        .src = comm->rank,
                        .tag = tag,
                        .size = size,
                        .sreq = sreq};
    if (peer->ep->ops->send(peer->ep, &m, MP_PKT_EAGER_LEN, (const char *)buf + dt->lb, size) !=
        MP_OK) {
        return false;
    }
    mp_peer_msg_sent(peer, sreq);
    return true;
}

bool mp_pt2pt_send_now(const void *buf, size_t count, const mp_datatype_t *dt, int dest, int tag,
                       mp_comm_t *comm)
{
    return eager_now(buf, count, dt, dest, tag, comm, 0);
}

mp_status_t mp_pt2pt_isend(const void *buf, size_t count, const mp_datatype_t *dt, int dest,
                           int tag, mp_comm_t *comm, mp_send_mode_t mode, mp_request_t **req_p)
{
    mp_request_t *req = new_request(MP_REQ_SEND, (void *)buf, count, dt, dest, tag, comm);
    if (req == NULL) {
        return MP_ERR_NOMEM;
    }
    *req_p = req;
    if (dest == MPI_PROC_NULL) {
        complete_proc_null(req);
        return MP_OK;
    }
    if (mode != MP_SEND_SYNC &&
        eager_now(buf, count, dt, dest, tag, comm, (uint64_t)(uintptr_t)req)) {
        req->data_done = true;
        req->msg_bytes = req->capacity;
        mp_request_complete(req);
        return MP_OK;
    }
    int world = mp_comm_world_rank(comm, dest);
    size_t size = req->capacity;
    req->msg_bytes = size;
    mp_pkt_match_t m = {.context_id = comm->context_id,
                        .src = comm->rank,
                        .tag = tag,
                        .size = size,
                        .sreq = (uint64_t)(uintptr_t)req};
    mp_send_job_t job;
    memset(&job, 0, sizeof(job));
    /* eager_now did not take it: for a contiguous standard send, its channel is full. */
    mp_tl_ep_t *ep = mp_peers[world].ep;
    bool busy_both_ways = size >= BUSY_RNDV_MIN && mode != MP_SEND_SYNC && dt->contiguous &&
                          ep->can_get && ep->ops->has_incoming != NULL && ep->ops->has_incoming(ep);
    if (size <= mp_peers[world].eager_limit && !busy_both_ways) {
        m.type = MP_PKT_EAGER;
        if (mode == MP_SEND_SYNC) {
            m.flags |= MP_PKT_FLAG_SYNC;
            req->waiting_ack = true;
        }
        memcpy(job.hdr, &m, MP_PKT_EAGER_LEN);
        job.hdr_len = MP_PKT_EAGER_LEN;
        job.req = req;
        job.end = size;
        job.next_type = MP_PKT_FRAG;
        job.completes_req = true;
    } else {
        /* The data stays here until the receiver takes it (FIN) or asks for it (CTS). */
        m.type = MP_PKT_RTS;
        m.flags = dt->contiguous ? MP_PKT_FLAG_CONTIG : 0;
        m.addr = (uint64_t)(uintptr_t)((const char *)buf + dt->lb);
        memcpy(job.hdr, &m, sizeof(m));
        job.hdr_len = sizeof(m);
    }
    mp_status_t status = mp_peer_send_job(world, &job);
    if (status != MP_OK) {
        *req_p = NULL;
        mp_request_free(req);
    }
    return status;
}

mp_status_t mp_pt2pt_irecv(void *buf, size_t count, const mp_datatype_t *dt, int src, int tag,
                           mp_comm_t *comm, mp_request_t **req_p)
{
    mp_request_t *req = new_request(MP_REQ_RECV, buf, count, dt, src, tag, comm);
    if (req == NULL) {
        return MP_ERR_NOMEM;
    }
    *req_p = req;
    if (src == MPI_PROC_NULL) {
        complete_proc_null(req);
        return MP_OK;
    }
    mp_unexp_t *u = mp_match_find_unexp(comm->context_id, src, tag);
    if (u != NULL) {
        mp_match_remove_unexp(u);
        take_unexp(req, u);
    } else {
        mp_match_post(req);
    }
    return MP_OK;
}

static void probe_status(const mp_unexp_t *u, mp_msg_status_t *status)
{
    memset(status, 0, sizeof(*status));
    status->source = u->src;
    status->tag = u->tag;
    status->bytes = u->size;
}

void mp_pt2pt_watch_context(uint32_t ctx, void (*fn)(int tag))
{
    mp_match_watch_unexp(ctx, fn);
}

bool mp_pt2pt_iprobe(int src, int tag, mp_comm_t *comm, mp_msg_status_t *status)
{
    if (src == MPI_PROC_NULL) {
        *status = (mp_msg_status_t){.source = MPI_PROC_NULL, .tag = MPI_ANY_TAG};
        return true;
    }
    const mp_unexp_t *u = mp_match_find_unexp(comm->context_id, src, tag);
    if (u == NULL) {
        return false;
    }
    probe_status(u, status);
    return true;
}

mp_status_t mp_pt2pt_improbe(int src, int tag, mp_comm_t *comm, mp_message_t **msg_p,
                             mp_msg_status_t *status)
{
    *msg_p = NULL;
    mp_unexp_t *u = mp_match_find_unexp(comm->context_id, src, tag);
    if (u != NULL) {
        mp_match_remove_unexp(u);
        u->comm = comm;
        probe_status(u, status);
        *msg_p = (mp_message_t *)u;
    }
    return MP_OK;
}

mp_status_t mp_pt2pt_imrecv(void *buf, size_t count, const mp_datatype_t *dt, mp_message_t *msg,
                            mp_request_t **req_p)
{
    mp_unexp_t *u = (mp_unexp_t *)msg;
    mp_request_t *req = mp_request_create(MP_REQ_RECV);
    if (req == NULL) {
        return MP_ERR_NOMEM;
    }
    req->buf = buf;
    req->count = count;
    req->dt = dt;
    mp_datatype_retain(dt);
    req->capacity = mp_datatype_bytes(dt, count);
    req->peer = u->src;
    req->tag = u->tag;
    req->comm = u->comm;
    if (req->comm != NULL) {
        req->holds_comm = true;
        mp_comm_retain(req->comm);
    }
    req->context_id = u->context_id;
    *req_p = req;
    take_unexp(req, u);
    return MP_OK;
}

bool mp_pt2pt_cancel(mp_request_t *req)
{
    if (req->kind == MP_REQ_SEND) {
        return mp_cancel_send(req);
    }
    if (req->kind != MP_REQ_RECV || req->complete || !mp_match_unpost(req)) {
        return false;
    }
    req->status.cancelled = true;
    req->status.bytes = 0;
    mp_request_complete(req);
    return true;
}

/* ---- set-up, progress, sleep ---- */

/* A peer's transport lost it: every operation waiting on it fails with MP_ERR_PEER, so that
 * waits return to the API layer (whose error handler ends the job by default). */
static bool waits_on(const mp_request_t *req, void *arg)
{
    int world = *(const int *)arg;
    if (req->status.error == MP_ERR_PEER || req->comm == NULL || req->join_send != NULL) {
        return false;
    }
    int src = req->peer;
    if (req->kind == MP_REQ_RECV && src == -1 /* MPI_ANY_SOURCE */) {
        /* Posted (unmatched) wildcard receives could wait for the lost peer: they fail too. */
        return true;
    }
    if (src < 0) {
        return false;
    }
    return mp_comm_world_rank(req->comm, src) == world;
}

static void on_lost(int world)
{
    mp_peer_t *peer = &mp_peers[world];
    if (peer->lost) {
        return;
    }
    peer->lost = true;
    mp_peer_drop_queue(world);
    if (peer->in_unexp != NULL) {
        /* Its fragments will never come: the receive that takes it fails. */
        peer->in_unexp->lost = true;
    }
    if (peer->in_req != NULL && !peer->in_req->complete) {
        peer->in_req->status.error = MP_ERR_PEER;
        finish_recv(peer->in_req);
    }
    peer->in_req = NULL;
    peer->in_unexp = NULL;
    peer->in_left = 0;
    mp_request_t *req;
    while ((req = mp_request_find_active(waits_on, &world)) != NULL) {
        if (req->kind == MP_REQ_RECV) {
            mp_match_unpost(req);
        }
        req->status.error = MP_ERR_PEER;
        req->waiting_ack = false;
        mp_request_complete(req);
    }
}

/* Which transports carry packets between different ranks: shm inside a node and tcp between
 * nodes, or tcp for everything with MP_TCP_ONLY=1. */
mp_status_t mp_pt2pt_setup(const mp_wireup_info_t *info)
{
    my_rank = info->rank;
    wire_info = info;
    eager_limit = mp_setting_size("MP_EAGER_LIMIT", 32768);
    tcp_eager_limit = mp_setting_size("MP_TCP_EAGER_LIMIT", 2 * 1024 * 1024);
    unexp_limit = mp_setting_size("MP_UNEXPECTED_MAX", 32u << 20);
    bool tcp_only = mp_setting_size("MP_TCP_ONLY", 0) != 0;
    mp_status_t status = mp_tl_self_ops.init(info, on_packet);
    if (status == MP_OK && info->local_size > 1 && !tcp_only) {
        have_shm = true;
        status = mp_tl_shm_ops.init(info, on_packet);
    }
    if (status == MP_OK && info->size > 1 && (tcp_only || info->local_size < info->size)) {
        status = mp_tl_tcp_ops.init(info, on_packet);
        if (status == MP_OK) {
            have_tcp = true;
            mp_tl_tcp_ops.set_lost(on_lost);
            mp_tl_tcp_ops.set_place(place_payload);
        }
    }
    return status;
}

static bool is_local(const mp_wireup_info_t *info, int rank)
{
    for (int i = 0; i < info->local_size; i++) {
        if (info->local_ranks[i] == rank) {
            return true;
        }
    }
    return false;
}

/* ---- processes of other jobs: tcp only, brought up on first need ---- */

static mp_status_t tcp_start(void)
{
    if (have_tcp) {
        return MP_OK;
    }
    mp_status_t status = mp_tl_tcp_ops.init(wire_info, on_packet);
    if (status == MP_OK) {
        status = mp_wireup_commit();
    }
    if (status != MP_OK) {
        return status;
    }
    have_tcp = true;
    mixed_state = 0; /* sleeping now also watches tcp */
    mp_tl_tcp_ops.set_lost(on_lost);
    mp_tl_tcp_ops.set_place(place_payload);
    return MP_OK;
}

mp_status_t mp_pt2pt_dynamic_enable(void)
{
    return tcp_start();
}

/* wireup/procs.h announces a process of another job: its entry and tcp endpoint. The table
 * has room for it from the start, so entries held elsewhere never move. */
static mp_status_t on_new_proc(int index)
{
    mp_status_t status = tcp_start();
    if (status != MP_OK) {
        return status;
    }
    mp_tl_ep_t *ep = mp_tl_tcp_ops.connect(index);
    if (ep == NULL) {
        return MP_ERR_PEER; /* tcp said why */
    }
    memset(&mp_peers[index], 0, sizeof(mp_peers[index]));
    mp_peers[index].ep = ep;
    mp_peers[index].eager_limit = tcp_eager_limit;
    if (index >= mp_npeers) {
        mp_npeers = index + 1;
    }
    return MP_OK;
}

mp_status_t mp_pt2pt_init(const mp_wireup_info_t *info)
{
    /* Virtual room for other jobs' processes: the pages stay untouched until used. */
    mp_peers = calloc((size_t)info->size + MP_WIREUP_FOREIGN_MAX, sizeof(*mp_peers));
    if (mp_peers == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_npeers = info->size;
    for (int r = 0; r < info->size; r++) {
        mp_tl_ep_t *ep = r == my_rank ? mp_tl_self_ops.connect(r) : NULL;
        if (ep == NULL && have_shm) {
            ep = mp_tl_shm_ops.connect(r);
        }
        if (ep == NULL && have_tcp && (r != my_rank)) {
            ep = mp_tl_tcp_ops.connect(r);
        }
        if (ep == NULL) {
            /* The transport that refused the peer has said why. */
            if (!have_tcp && !is_local(info, r)) {
                mp_log_error("rank %d runs on another host, and libmp has no tcp transport "
                             "set up to reach it",
                             r);
            }
            return MP_ERR_PEER;
        }
        mp_peers[r].ep = ep;
        mp_peers[r].eager_limit = ep->ops == &mp_tl_tcp_ops ? tcp_eager_limit : eager_limit;
    }
    mp_progress_init(info->cpus_shared);
    mp_wireup_procs_on_new(on_new_proc);
    return mp_pt2pt_node_init(info);
}

void mp_pt2pt_fini(void)
{
    mp_wireup_procs_on_new(NULL);
    mp_pt2pt_node_fini();
    if (have_tcp) {
        mp_tl_tcp_ops.fini();
        have_tcp = false;
    }
    if (have_shm) {
        mp_tl_shm_ops.fini();
    }
    mp_tl_self_ops.fini();
    mp_request_pool_fini();
    mp_peer_fini();
    mp_pt2pt_leave_fini();
    free(mp_peers);
    mp_peers = NULL;
    mp_npeers = 0;
    have_shm = false;
    mixed_state = 0;
}

int mp_pt2pt_progress(void)
{
    int n = mp_tl_self_ops.progress(may_deliver);
    if (have_shm) {
        n += mp_tl_shm_ops.progress(may_deliver);
    }
    if (have_tcp) {
        n += mp_tl_tcp_ops.progress(may_deliver);
    }
    return n + mp_peer_push_all();
}

/* Sleeping: on the shm doorbell (a futex) when only local peers exist, on the tcp epoll set
 * when only remote ones do. With both, the rank polls the tcp epoll set together with the
 * shm transport's pollable doorbell (its sleep_fd); should that doorbell be missing, it waits on
 * epoll in short slices, so that a shm packet waits at most one slice. */
#define MIXED_SLICE_NS (1000 * 1000)

/* Switches a rank with both kinds of peers to polling both, at its first sleep. */
static void mixed_setup(void)
{
    int tcp_fd = mp_tl_tcp_ops.sleep_fd ? mp_tl_tcp_ops.sleep_fd() : -1;
    int shm_fd = tcp_fd >= 0 && mp_tl_shm_ops.sleep_fd ? mp_tl_shm_ops.sleep_fd() : -1;
    if (shm_fd < 0) {
        mixed_state = -1;
        return;
    }
    mixed_fds[0] = (struct pollfd){.fd = tcp_fd, .events = POLLIN};
    mixed_fds[1] = (struct pollfd){.fd = shm_fd, .events = POLLIN};
    mixed_state = 1;
}

bool mp_pt2pt_sleep_prepare(void)
{
    if (have_tcp && have_shm && mixed_state == 0) {
        mixed_setup();
    }
    if (have_tcp && !mp_tl_tcp_ops.sleep_prepare()) {
        return false;
    }
    if (have_shm) {
        return mp_tl_shm_ops.sleep_prepare();
    }
    return have_tcp;
}

void mp_pt2pt_sleep_wait(uint64_t max_ns)
{
    if (!have_tcp) {
        mp_tl_shm_ops.sleep_wait(max_ns);
    } else if (have_shm && mixed_state == 1) {
        int ms = (int)((max_ns + 999999u) / 1000000u);
        poll(mixed_fds, 2, ms > 0 ? ms : 1);
    } else {
        mp_tl_tcp_ops.sleep_wait(have_shm && max_ns > MIXED_SLICE_NS ? MIXED_SLICE_NS : max_ns);
    }
}

void mp_pt2pt_sleep_done(void)
{
    if (have_shm) {
        mp_tl_shm_ops.sleep_done();
    }
    if (have_tcp) {
        mp_tl_tcp_ops.sleep_done();
    }
}

static bool nothing_queued(void *arg)
{
    (void)arg;
    return !mp_peer_has_queued() && (!have_tcp || mp_tl_tcp_ops.is_flushed());
}

void mp_pt2pt_flush(void)
{
    mp_progress_wait(nothing_queued, NULL);
}

/* mp_progress_wait's predicate for mp_pt2pt_serve_until. */
typedef struct serve_arg {
    bool (*done)(void);
} serve_arg_t;

static bool served_enough(void *arg)
{
    return ((const serve_arg_t *)arg)->done();
}

void mp_pt2pt_serve_until(bool (*done)(void))
{
    /* Peers that pass the closing fence first leave and close their connections. */
    if (have_tcp) {
        mp_tl_tcp_ops.set_lost(NULL);
    }
    serve_arg_t arg = {.done = done};
    mp_progress_wait(served_enough, &arg);
}

void mp_pt2pt_wake_self(void)
{
    int lr = mp_pt2pt_node_index(my_rank);
    if (lr >= 0) {
        mp_pt2pt_node_wake(lr);
    }
}
