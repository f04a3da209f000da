/*
 * The self transport: packets a rank sends to itself. They wait in a queue until the next
 * progress pass (never delivered from inside send, so protocol code is not re-entered), and
 * a "get" from oneself is a memcpy.
 */
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"

/* Enough for any eager fragment; larger messages go by rendezvous and get. */
#define SELF_MAX_PAYLOAD (256 * 1024)
/* Packets queued at most before send says "full", so a flood cannot grow without bound. */
#define SELF_MAX_QUEUED 4096

typedef struct self_pkt {
    struct self_pkt *next;
    size_t hdr_len;
    size_t len;
    unsigned char hdr[MP_TL_HDR_MAX];
    unsigned char payload[]; /* len bytes */
} self_pkt_t;

static mp_tl_recv_fn recv_cb;
static mp_tl_ep_t self_ep;
static self_pkt_t *head, *tail;
static size_t queued;

static mp_status_t self_init(const mp_wireup_info_t *info, mp_tl_recv_fn recv)
{
    recv_cb = recv;
    self_ep = (mp_tl_ep_t){.ops = &mp_tl_self_ops,
                           .peer = info->rank,
                           .max_payload = SELF_MAX_PAYLOAD,
                           .can_get = true};
    return MP_OK;
}

static mp_tl_ep_t *self_connect(int peer)
{
    return peer == self_ep.peer ? &self_ep : NULL;
}

static mp_status_t self_send(mp_tl_ep_t *ep, const void *hdr, size_t hdr_len, const void *payload,
                             size_t len)
{
    (void)ep;
    if (queued >= SELF_MAX_QUEUED) {
        return MP_ERR_AGAIN;
    }
    self_pkt_t *pkt = malloc(sizeof(*pkt) + len);
    if (pkt == NULL) {
        return MP_ERR_AGAIN;
    }
    pkt->next = NULL;
    pkt->hdr_len = hdr_len;
    pkt->len = len;
    memcpy(pkt->hdr, hdr, hdr_len);
    if (len > 0) {
        memcpy(pkt->payload, payload, len);
    }
    if (tail != NULL) {
        tail->next = pkt;
    } else {
        head = pkt;
    }
    tail = pkt;
    queued++;
    return MP_OK;
}

static int self_progress(bool (*may_deliver)(int src, const void *hdr, size_t hdr_len))
{
    int n = 0;
    /* Only what is queued now: packets sent by the handlers wait for the next pass. */
    size_t budget = queued;
    while (head != NULL && budget-- > 0) {
        self_pkt_t *pkt = head;
        if (may_deliver != NULL && !may_deliver(self_ep.peer, pkt->hdr, pkt->hdr_len)) {
            break;
        }
        head = pkt->next;
        if (head == NULL) {
            tail = NULL;
        }
        queued--;
        recv_cb(self_ep.peer, pkt->hdr, pkt->hdr_len, pkt->payload, pkt->len);
        free(pkt);
        n++;
    }
    return n;
}

static mp_status_t self_get(mp_tl_ep_t *ep, void *local, uint64_t remote, size_t len)
{
    (void)ep;
    memcpy(local, (const void *)(uintptr_t)remote, len);
    return MP_OK;
}

static mp_status_t self_put(mp_tl_ep_t *ep, const void *local, uint64_t remote, size_t len)
{
    (void)ep;
    memcpy((void *)(uintptr_t)remote, local, len);
    return MP_OK;
}

static void self_fini(void)
{
    while (head != NULL) {
        self_pkt_t *pkt = head;
        head = pkt->next;
        free(pkt);
    }
    tail = NULL;
    queued = 0;
}

const mp_tl_ops_t mp_tl_self_ops = {
    .name = "self",
    .init = self_init,
    .connect = self_connect,
    .send = self_send,
    .progress = self_progress,
    .get = self_get,
    .put = self_put,
    .fini = self_fini,
};
