/*
 * The DISC and BYE packets of parting processes (leave.h): sent as lone control packets on the
 * peer's ordered queue, kept on arrival until comm/disconnect.c asks for them.
 */
#include "pt2pt/leave.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "pt2pt/peer.h"
#include "pt2pt/wire.h"
#include "util/grow.h"

/* A DISC that arrived and that no disconnect has taken yet. */
typedef struct disc {
    int peer;
    uint32_t ctx;
} disc_t;

static disc_t *discs;
static size_t ndiscs, discs_cap;

/* Per peer index (grown on arrival): a BYE came; the highest total of its DISCs. */
typedef struct farewell {
    bool bye;
    uint64_t total;
} farewell_t;

static farewell_t *peers;
static size_t npeers;

static mp_status_t send(int peer, int type, uint64_t ctx, uint64_t total)
{
    mp_pkt_ctl_t c;
    memset(&c, 0, sizeof(c));
    c.type = (uint8_t)type;
    c.req = ctx;
    c.req2 = total;
    return mp_peer_send_ctl(peer, &c, sizeof(c));
}

mp_status_t mp_pt2pt_leave_disc_send(int peer, uint32_t ctx, uint64_t total)
{
    return send(peer, MP_PKT_DISC, ctx, total);
}

mp_status_t mp_pt2pt_leave_bye_send(int peer)
{
    return send(peer, MP_PKT_BYE, 0, 0);
}

bool mp_pt2pt_leave_disc_take(int peer, uint32_t ctx)
{
    for (size_t i = 0; i < ndiscs; i++) {
        if (discs[i].peer == peer && discs[i].ctx == ctx) {
            discs[i] = discs[--ndiscs];
            return true;
        }
    }
    return false;
}

uint64_t mp_pt2pt_leave_disc_total(int peer)
{
    return peer >= 0 && (size_t)peer < npeers ? peers[peer].total : 0;
}

bool mp_pt2pt_leave_is_gone(int peer)
{
    if (peer >= 0 && (size_t)peer < npeers && peers[peer].bye) {
        return true;
    }
    return peer >= 0 && peer < mp_npeers && mp_peers[peer].lost;
}

/* The entry of peer, grown to it; NULL when out of memory. */
static farewell_t *entry(int peer)
{
    farewell_t *grown = mp_grow_to(peers, &npeers, (size_t)peer, sizeof(*peers));
    if (grown == NULL) {
        return NULL;
    }
    peers = grown;
    return &peers[peer];
}

void mp_pt2pt_leave_on_packet(int peer, int type, uint64_t ctx, uint64_t total)
{
    farewell_t *f = entry(peer);
    if (f == NULL) {
        mp_log_error("out of memory keeping a disconnect or finalize notice from process %d; "
                     "a disconnect with it may wait",
                     peer);
        return;
    }
    if (type == MP_PKT_BYE) {
        f->bye = true;
        return;
    }
    if (total > f->total) {
        f->total = total;
    }
    if (ndiscs == discs_cap) {
        size_t n = discs_cap == 0 ? 8 : 2 * discs_cap;
        disc_t *grown = realloc(discs, n * sizeof(*discs));
        if (grown == NULL) {
            mp_log_error("out of memory keeping a disconnect notice from process %d; the "
                         "disconnect with it may wait",
                         peer);
            return;
        }
        discs = grown;
        discs_cap = n;
    }
    discs[ndiscs++] = (disc_t){.peer = peer, .ctx = (uint32_t)ctx};
}

void mp_pt2pt_leave_fini(void)
{
    free(discs);
    discs = NULL;
    ndiscs = discs_cap = 0;
    free(peers);
    peers = NULL;
    npeers = 0;
}
