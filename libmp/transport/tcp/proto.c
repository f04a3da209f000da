/*
 * The tcp transport's wire formats: card checks, the handshake state machine and frame headers.
 * Everything here reads only the bytes it is given and trusts none of them.
 */
#include "transport/tcp/proto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "transport/transport.h"

enum { HS_HELLO = 1, HS_CHALLENGE = 2, HS_PROOF = 3 };

/* Acceptor states: waiting for HELLO, then PROOF; connector: waiting for CHALLENGE. */
enum { ST_WANT_HELLO, ST_WANT_PROOF, ST_WANT_CHALLENGE, ST_DONE, ST_FAILED };

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool mp_tcp_addr_is_v4(const uint8_t ip[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(ip, mapped, sizeof(mapped)) == 0;
}

mp_status_t mp_tcp_card_check(const void *data, size_t len, mp_tcp_card_t *card_p,
                              const char **why_p)
{
    mp_tcp_card_t card;
    /* Magic and version first: a card of another version has another size too. */
    size_t head = offsetof(mp_tcp_card_t, node_id);
    memset(&card, 0, sizeof(card));
    memcpy(&card, data, len < head ? len : head);
    if (len < head || card.magic != MP_TCP_CARD_MAGIC) {
        *why_p = "the card is not a libmp tcp card (bad magic)";
        return MP_ERR_INVALID;
    }
    if (card.version != MP_TCP_VERSION) {
        *why_p = "the card comes from another libmp version: run every rank with the same libmp";
        return MP_ERR_INVALID;
    }
    if (len != sizeof(card)) {
        *why_p = "the card has the wrong size";
        return MP_ERR_INVALID;
    }
    memcpy(&card, data, sizeof(card));
    if (card.naddrs == 0 || card.naddrs > MP_TCP_MAX_ADDRS) {
        *why_p = "the card lists no usable address (or too many)";
    } else if (card.port == 0) {
        *why_p = "the card has no port";
    } else {
        for (int i = 0; i < card.naddrs; i++) {
            const mp_tcp_card_addr_t *a = &card.addrs[i];
            if (a->prefix > 128 || (mp_tcp_addr_is_v4(a->ip) && a->prefix < 96)) {
                *why_p = "the card has a prefix length out of range";
                return MP_ERR_INVALID;
            }
        }
        *card_p = card;
        return MP_OK;
    }
    return MP_ERR_INVALID;
}

/* The common head of each handshake message: magic, version, type, from and to ranks. */
static void put_head(uint8_t *out, int type, int from, int to)
{
    put32(out, MP_TCP_HS_MAGIC);
    put32(out + 4, (uint32_t)MP_TCP_VERSION << 16 | (uint32_t)type);
    put32(out + 8, (uint32_t)from);
    put32(out + 12, (uint32_t)to);
}

static bool check_head(const uint8_t *in, int type, const char **why_p)
{
    if (get32(in) != MP_TCP_HS_MAGIC) {
        *why_p = "not a libmp connection (bad magic in the handshake)";
        return false;
    }
    uint32_t vt = get32(in + 4);
    if (vt >> 16 != MP_TCP_VERSION) {
        *why_p = "handshake from another libmp version";
        return false;
    }
    if ((int)(vt & 0xffff) != type) {
        *why_p = "unexpected handshake message type";
        return false;
    }
    return true;
}

/* HMAC(K, label | HELLO | nonce_a). */
static void mac(const mp_tcp_auth_t *auth, char label, uint8_t out[MP_SHA256_LEN])
{
    uint8_t msg[1 + MP_TCP_HELLO_LEN + MP_TCP_NONCE_LEN];
    msg[0] = (uint8_t)label;
    memcpy(msg + 1, auth->hello, MP_TCP_HELLO_LEN);
    memcpy(msg + 1 + MP_TCP_HELLO_LEN, auth->nonce_a, MP_TCP_NONCE_LEN);
    mp_hmac_sha256(auth->secret, MP_SHA256_LEN, msg, sizeof(msg), out);
}

void mp_tcp_auth_start(mp_tcp_auth_t *auth, int role, int my_rank, int peer_rank, int job_size,
                       const uint8_t *secret, const uint8_t nonce[MP_TCP_NONCE_LEN], uint8_t *out,
                       size_t *out_len_p)
{
    mp_tcp_auth_start_jobs(auth, role, 0, my_rank, 0, peer_rank, job_size, secret, nonce, out,
                           out_len_p);
}

void mp_tcp_auth_start_jobs(mp_tcp_auth_t *auth, int role, uint32_t my_job, int my_rank,
                            uint32_t peer_job, int peer_rank, int job_size, const uint8_t *secret,
                            const uint8_t nonce[MP_TCP_NONCE_LEN], uint8_t *out, size_t *out_len_p)
{
    memset(auth, 0, sizeof(*auth));
    auth->role = role;
    auth->my_rank = my_rank;
    auth->peer_rank = role == MP_TCP_CONNECTOR ? peer_rank : -1;
    auth->job_size = job_size;
    auth->my_job = my_job;
    auth->peer_job = role == MP_TCP_CONNECTOR ? peer_job : 0;
    auth->secret = secret;
    *out_len_p = 0;
    if (role == MP_TCP_CONNECTOR) {
        put_head(auth->hello, HS_HELLO, my_rank, peer_rank);
        memcpy(auth->hello + 16, nonce, MP_TCP_NONCE_LEN);
        put32(auth->hello + 32, my_job);
        put32(auth->hello + 36, peer_job);
        memcpy(out, auth->hello, MP_TCP_HELLO_LEN);
        *out_len_p = MP_TCP_HELLO_LEN;
        auth->state = ST_WANT_CHALLENGE;
    } else {
        memcpy(auth->nonce_a, nonce, MP_TCP_NONCE_LEN);
        auth->state = ST_WANT_HELLO;
    }
}

static size_t want_len(int state)
{
    switch (state) {
    case ST_WANT_HELLO:
        return MP_TCP_HELLO_LEN;
    case ST_WANT_CHALLENGE:
        return MP_TCP_CHALLENGE_LEN;
    case ST_WANT_PROOF:
        return MP_TCP_PROOF_LEN;
    default:
        return 0;
    }
}

size_t mp_tcp_auth_want(const mp_tcp_auth_t *auth)
{
    size_t want = want_len(auth->state);
    return want > auth->in_len ? want - auth->in_len : 0;
}

/* The acceptor got HELLO: checks the ranks, answers with its challenge. */
static int on_hello(mp_tcp_auth_t *auth, uint8_t *out, size_t *out_len_p, const char **why_p)
{
    const uint8_t *in = auth->in;
    if (!check_head(in, HS_HELLO, why_p)) {
        return MP_TCP_AUTH_FAIL;
    }
    uint32_t from = get32(in + 8), to = get32(in + 12);
    uint32_t from_job = get32(in + 32), to_job = get32(in + 36);
    bool same_job = from_job == auth->my_job;
    if (from > INT32_MAX ||
        (same_job && (from >= (uint32_t)auth->job_size || (int)from == auth->my_rank))) {
        *why_p = "the handshake names a rank that is not a peer in this job";
        return MP_TCP_AUTH_FAIL;
    }
    if ((int)to != auth->my_rank || to_job != auth->my_job) {
        *why_p = "the handshake is meant for another rank";
        return MP_TCP_AUTH_FAIL;
    }
    auth->peer_rank = (int)from;
    auth->peer_job = from_job;
    memcpy(auth->hello, in, MP_TCP_HELLO_LEN);
    put_head(out, HS_CHALLENGE, auth->my_rank, (int)from);
    memcpy(out + 16, auth->nonce_a, MP_TCP_NONCE_LEN);
    memset(out + 32, 0, MP_TCP_HELLO_LEN - 32);
    mac(auth, 'A', out + MP_TCP_HELLO_LEN);
    *out_len_p = MP_TCP_CHALLENGE_LEN;
    auth->state = ST_WANT_PROOF;
    return MP_TCP_AUTH_MORE;
}

/* The connector got CHALLENGE: checks the acceptor's proof, answers with its own. */
static int on_challenge(mp_tcp_auth_t *auth, uint8_t *out, size_t *out_len_p, const char **why_p)
{
    const uint8_t *in = auth->in;
    if (!check_head(in, HS_CHALLENGE, why_p)) {
        return MP_TCP_AUTH_FAIL;
    }
    if ((int)get32(in + 8) != auth->peer_rank || (int)get32(in + 12) != auth->my_rank) {
        *why_p = "the peer answered with the wrong ranks";
        return MP_TCP_AUTH_FAIL;
    }
    memcpy(auth->nonce_a, in + 16, MP_TCP_NONCE_LEN);
    uint8_t expect[MP_SHA256_LEN];
    mac(auth, 'A', expect);
    if (!mp_digest_equal(expect, in + MP_TCP_HELLO_LEN)) {
        *why_p = "the peer does not know the job's secret (wrong HMAC)";
        return MP_TCP_AUTH_FAIL;
    }
    put_head(out, HS_PROOF, auth->my_rank, auth->peer_rank);
    mac(auth, 'C', out + 16);
    *out_len_p = MP_TCP_PROOF_LEN;
    auth->state = ST_DONE;
    return MP_TCP_AUTH_DONE;
}

/* The acceptor got PROOF. */
static int on_proof(mp_tcp_auth_t *auth, const char **why_p)
{
    const uint8_t *in = auth->in;
    if (!check_head(in, HS_PROOF, why_p)) {
        return MP_TCP_AUTH_FAIL;
    }
    if ((int)get32(in + 8) != auth->peer_rank || (int)get32(in + 12) != auth->my_rank) {
        *why_p = "the proof names other ranks than the hello";
        return MP_TCP_AUTH_FAIL;
    }
    uint8_t expect[MP_SHA256_LEN];
    mac(auth, 'C', expect);
    if (!mp_digest_equal(expect, in + 16)) {
        *why_p = "the peer does not know the job's secret (wrong HMAC)";
        return MP_TCP_AUTH_FAIL;
    }
    auth->state = ST_DONE;
    return MP_TCP_AUTH_DONE;
}

int mp_tcp_auth_feed(mp_tcp_auth_t *auth, const uint8_t *data, size_t len, size_t *used_p,
                     uint8_t *out, size_t *out_len_p, const char **why_p)
{
    *used_p = 0;
    *out_len_p = 0;
    size_t want = want_len(auth->state);
    if (want == 0) {
        *why_p = auth->state == ST_DONE ? "handshake already finished" : "handshake failed";
        return MP_TCP_AUTH_FAIL;
    }
    size_t take = want - auth->in_len < len ? want - auth->in_len : len;
    memcpy(auth->in + auth->in_len, data, take);
    auth->in_len += take;
    *used_p = take;
    if (auth->in_len < want) {
        return MP_TCP_AUTH_MORE;
    }
    auth->in_len = 0;
    int result;
    switch (auth->state) {
    case ST_WANT_HELLO:
        result = on_hello(auth, out, out_len_p, why_p);
        break;
    case ST_WANT_CHALLENGE:
        result = on_challenge(auth, out, out_len_p, why_p);
        break;
    default:
        result = on_proof(auth, why_p);
        break;
    }
    if (result == MP_TCP_AUTH_FAIL) {
        auth->state = ST_FAILED;
        *out_len_p = 0;
    }
    return result;
}

void mp_tcp_frame_encode(uint8_t out[MP_TCP_FRAME_LEN], size_t hdr_len, size_t len)
{
    out[0] = MP_TCP_FRAME_MARK;
    out[1] = (uint8_t)hdr_len;
    out[2] = 0;
    out[3] = 0;
    put32(out + 4, (uint32_t)len);
}

mp_status_t mp_tcp_frame_decode(const uint8_t in[MP_TCP_FRAME_LEN], size_t max_payload,
                                mp_tcp_frame_t *frame_p, const char **why_p)
{
    if (in[0] != MP_TCP_FRAME_MARK || in[2] != 0 || in[3] != 0) {
        *why_p = "malformed frame header";
        return MP_ERR_INVALID;
    }
    if (in[1] > MP_TL_HDR_MAX) {
        *why_p = "frame with an oversized packet header";
        return MP_ERR_INVALID;
    }
    uint32_t len = get32(in + 4);
    if (len > max_payload) {
        *why_p = "frame with an oversized payload";
        return MP_ERR_INVALID;
    }
    frame_p->hdr_len = in[1];
    frame_p->len = len;
    return MP_OK;
}
