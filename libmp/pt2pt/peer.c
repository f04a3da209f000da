/*
 * Outgoing packet queues. A job is pushed packet by packet until the transport reports the
 * channel full; the rest waits for the next progress pass. Payload of contiguous messages goes
 * straight from the user's buffer into the transport; other types are packed through a bounce
 * buffer one fragment at a time.
 */
#include "pt2pt/peer.h"

#include <stdlib.h>
#include <string.h>

#include "pt2pt/wire.h"

mp_peer_t *mp_peers;
int mp_npeers;
/* Jobs waiting in all queues: polling skips the peers altogether when there are none. */
static size_t jobs_queued;

/* Payloads from this size up go to transports by reference (send_ref) where they can. */
#define REF_MIN (16 * 1024)

/* Bounce buffer for packing non-contiguous fragments; grows to the largest packet payload. */
static void *bounce;
static size_t bounce_len;

/* Queued jobs are kept for reuse, as requests are: a window of sends larger than the transport's
 * channel costs no malloc per message. Bounded, so that a burst does not pin memory. */
#define JOB_POOL_MAX 256
static mp_send_job_t *job_pool;
static unsigned job_pool_len;

static mp_send_job_t *job_alloc(void)
{
    mp_send_job_t *job = job_pool;
    if (job == NULL) {
        return malloc(sizeof(*job));
    }
    job_pool = job->next;
    job_pool_len--;
    return job;
}

static void job_free(mp_send_job_t *job)
{
    if (job_pool_len >= JOB_POOL_MAX) {
        free(job);
        return;
    }
    job->next = job_pool;
    job_pool = job;
    job_pool_len++;
}

void mp_peer_fini(void)
{
    while (job_pool != NULL) {
        mp_send_job_t *job = job_pool;
        job_pool = job->next;
        free(job);
    }
    job_pool_len = 0;
    free(bounce);
    bounce = NULL;
    bounce_len = 0;
}

static const void *payload_of(mp_send_job_t *job, size_t len)
{
    mp_request_t *req = job->req;
    if (req->dt->contiguous) {
        return (const char *)req->buf + req->dt->lb + job->offset;
    }
    if (bounce_len < len) {
        void *grown = realloc(bounce, len);
        if (grown == NULL) {
            return NULL;
        }
        bounce = grown;
        bounce_len = len;
    }
    mp_datatype_pack(req->dt, req->count, req->buf, job->offset, bounce, len);
    return bounce;
}

static void job_done(mp_send_job_t *job)
{
    mp_request_t *req = job->req;
    if (req != NULL && job->completes_req) {
        req->data_done = true;
        if (mp_request_send_is_done(req)) {
            mp_request_complete(req);
        }
    }
}

/* A job's first packet went: if it carries a message, number it. */
static void count_message(mp_peer_t *peer, const mp_send_job_t *job)
{
    mp_pkt_match_t m;
    if (job->hdr_len < MP_PKT_EAGER_LEN) {
        return;
    }
    memcpy(&m, job->hdr, MP_PKT_EAGER_LEN);
    if (m.type == MP_PKT_EAGER || m.type == MP_PKT_RTS) {
        mp_peer_msg_sent(peer, m.sreq);
    }
}

/* Pushes one job's packets; true when the whole job went out. */
static bool push_job(mp_peer_t *peer, mp_send_job_t *job, int *sent)
{
    const mp_tl_ops_t *ops = peer->ep->ops;
    size_t max = peer->ep->max_payload;
    while (!job->first_sent || job->offset < job->end) {
        size_t len = job->req != NULL ? job->end - job->offset : 0;
        if (len > max) {
            len = max;
        }
        const void *payload = len > 0 ? payload_of(job, len) : NULL;
        if (len > 0 && payload == NULL) {
            return false; /* out of memory for the bounce buffer: retry later */
        }
        mp_pkt_ctl_t frag;
        const void *hdr = job->hdr;
        size_t hdr_len = job->hdr_len;
        if (job->first_sent) {
            memset(&frag, 0, sizeof(frag));
            frag.type = job->next_type;
            frag.req = job->data_req;
            frag.offset = job->offset;
            hdr = &frag;
            hdr_len = job->next_type == MP_PKT_FRAG ? 1 : sizeof(frag);
        }
        /* Large payloads from the user's own contiguous buffer, which stays put until the
         * request completes, may be referenced rather than copied by the transport. */
        bool by_ref = len >= REF_MIN && ops->send_ref != NULL && job->req->dt->contiguous;
        mp_status_t status = by_ref ? ops->send_ref(peer->ep, hdr, hdr_len, payload, len)
                                    : ops->send(peer->ep, hdr, hdr_len, payload, len);
        if (status != MP_OK) {
            return false;
        }
        if (!job->first_sent) {
            count_message(peer, job);
        }
        (*sent)++;
        job->first_sent = true;
        job->offset += len;
        job->by_ref = job->by_ref || by_ref;
    }
    /* The request may complete only once the transport no longer reads its buffer. */
    return !job->by_ref || ops->sent_all(peer->ep);
}

static int push_peer(mp_peer_t *peer)
{
    int sent = 0;
    while (peer->head != NULL) {
        mp_send_job_t *job = peer->head;
        if (!push_job(peer, job, &sent)) {
            break;
        }
        peer->head = job->next;
        if (peer->head == NULL) {
            peer->tail = NULL;
        }
        jobs_queued--;
        job_done(job);
        job_free(job);
    }
    return sent;
}

mp_status_t mp_peer_send_job(int world, const mp_send_job_t *job)
{
    mp_peer_t *peer = &mp_peers[world];
    if (peer->lost) {
        return MP_ERR_PEER;
    }
    mp_send_job_t now = *job;
    /* The fast path: nothing queued and the transport takes it all, without a heap copy. */
    if (peer->head == NULL) {
        int sent = 0;
        if (push_job(peer, &now, &sent)) {
            job_done(&now);
            return MP_OK;
        }
    }
    mp_send_job_t *copy = job_alloc();
    if (copy == NULL) {
        return MP_ERR_NOMEM;
    }
    *copy = now;
    copy->next = NULL;
    if (peer->tail != NULL) {
        peer->tail->next = copy;
    } else {
        peer->head = copy;
    }
    peer->tail = copy;
    jobs_queued++;
    push_peer(peer);
    return MP_OK;
}

void mp_peer_drop_queue(int world)
{
    mp_peer_t *peer = &mp_peers[world];
    while (peer->head != NULL) {
        mp_send_job_t *job = peer->head;
        peer->head = job->next;
        jobs_queued--;
        job_free(job);
    }
    peer->tail = NULL;
}

mp_status_t mp_peer_send_ctl(int world, const void *hdr, size_t hdr_len)
{
    mp_send_job_t job;
    memset(&job, 0, sizeof(job));
    memcpy(job.hdr, hdr, hdr_len);
    job.hdr_len = hdr_len;
    return mp_peer_send_job(world, &job);
}

bool mp_peer_unqueue(int world, uint64_t sreq)
{
    mp_peer_t *peer = &mp_peers[world];
    mp_send_job_t *prev = NULL;
    for (mp_send_job_t *job = peer->head; job != NULL; prev = job, job = job->next) {
        mp_pkt_match_t m;
        if (job->first_sent || job->hdr_len < MP_PKT_EAGER_LEN) {
            continue;
        }
        memcpy(&m, job->hdr, MP_PKT_EAGER_LEN);
        if ((m.type != MP_PKT_EAGER && m.type != MP_PKT_RTS) || m.sreq != sreq) {
            continue;
        }
        if (prev != NULL) {
            prev->next = job->next;
        } else {
            peer->head = job->next;
        }
        if (peer->tail == job) {
            peer->tail = prev;
        }
        jobs_queued--;
        job_free(job);
        return true;
    }
    return false;
}

int mp_peer_push_all(void)
{
    int sent = 0;
    for (int p = 0; jobs_queued > 0 && p < mp_npeers; p++) {
        if (mp_peers[p].head != NULL) {
            sent += push_peer(&mp_peers[p]);
        }
    }
    return sent;
}

bool mp_peer_has_queued(void)
{
    return jobs_queued > 0;
}
