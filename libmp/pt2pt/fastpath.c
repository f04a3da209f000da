/*
 * The blocking receive's shortcut: a receive from one known source, with nothing posted or
 * queued that could change which message it matches, reads that peer's next packet straight
 * from its transport, with no request, no matching queue and no pass over the other peers.
 */
#include <mpi.h>
#include <string.h>

#include "pt2pt/match.h"
#include "pt2pt/peer.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"
#include "pt2pt/wire.h"
#include "util/copy.h"

/* Looks at most this many times at the peer's queue before handing the receive to the general
 * path, which also serves the other peers and the progress hooks while it waits: a ping-pong's
 * reply arrives well within it (a look costs a few ns while nothing changes). */
#define FAST_POLLS_MAX 1024

/* The receive being tried, and what it got. */
typedef struct fast_recv {
    void *dst; /* where the data goes: the buffer's first byte (contiguous type) */
    size_t capacity;
    uint32_t context_id;
    int src;
    int tag;
    mp_msg_status_t *status;
} fast_recv_t;

/* Takes the packet only if it is a whole eager message that this receive matches and that
 * fits: anything else (a synchronous send's ACK, fragments, rendezvous, control packets of
 * other operations, truncation) is left for the general path, which knows them all. */
static bool take(void *arg, const void *hdr, size_t hdr_len, const void *payload, size_t len)
{
    fast_recv_t *r = arg;
    mp_pkt_match_t m;
    if (hdr_len != MP_PKT_EAGER_LEN) {
        return false;
    }
    memcpy(&m, hdr, MP_PKT_EAGER_LEN); /* may sit unaligned in the transport */
    if (m.type != MP_PKT_EAGER || m.flags != 0 || m.context_id != r->context_id || m.size != len ||
        len > r->capacity || !mp_match_fits(r->src, r->tag, m.src, m.tag)) {
        return false;
    }
    mp_copy(r->dst, payload, len); /* dst may be NULL for an empty receive */
    *r->status = (mp_msg_status_t){.source = m.src, .tag = m.tag, .error = MP_OK, .bytes = len};
    return true;
}

bool mp_pt2pt_recv_now(void *buf, size_t count, const mp_datatype_t *dt, int src, int tag,
                       mp_comm_t *comm, mp_msg_status_t *status)
{
    if (src < 0 || !dt->contiguous) {
        return false; /* MPI_ANY_SOURCE and MPI_PROC_NULL are negative */
    }
    mp_peer_t *peer = &mp_peers[mp_comm_world_rank(comm, src)];
    mp_tl_ep_t *ep = peer->ep;
    /* A posted receive could match first; an arrived message, or one whose fragments are still
     * coming, comes before the next packet; queued packets of ours may be what the peer waits
     * for before it sends. */
    if (ep->ops->poll_ep == NULL || peer->in_left > 0 || !mp_match_posted_is_empty() ||
        mp_peer_has_queued() || mp_match_find_unexp(comm->context_id, src, tag) != NULL) {
        return false;
    }
    fast_recv_t r = {.dst = (char *)buf + dt->lb,
                     .capacity = mp_datatype_bytes(dt, count),
                     .context_id = comm->context_id,
                     .src = src,
                     .tag = tag,
                     .status = status};
    unsigned polls = mp_progress_spin_polls();
    if (polls > FAST_POLLS_MAX) {
        polls = FAST_POLLS_MAX;
    }
    for (unsigned i = 0; i < polls; i++) {
        mp_tl_offer_t offer = ep->ops->poll_ep(ep, take, &r);
        if (offer == MP_TL_OFFER_TAKEN) {
            peer->in_msgs++; /* numbered like the messages of the general path */
            return true;
        }
        if (offer == MP_TL_OFFER_DECLINED) {
            return false;
        }
    }
    return false;
}
