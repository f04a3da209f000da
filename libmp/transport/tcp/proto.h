/*
 * The bytes the tcp transport puts on the wire: the business card, the mutual HMAC handshake
 * and the frame header of each packet. Pure functions over buffers (no sockets), so that the
 * parser can be fed anything by a unit test and a fuzzer.
 */
#ifndef MP_TCP_PROTO_H
#define MP_TCP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "util/sha256.h"

#define MP_TCP_CARD_KEY "libmp.tcp"
/* Where rank 0 publishes a job secret when the launcher gave none. */
#define MP_TCP_SECRET_KEY "libmp.tcp.secret"
#define MP_TCP_CARD_MAGIC 0x6c69626d70746370ULL /* "libmptcp" */
#define MP_TCP_VERSION 3
#define MP_TCP_MAX_ADDRS 16

/* One address of a rank, as published: IPv6, or IPv4 mapped into IPv6 (::ffff:a.b.c.d, with
 * its prefix length counted in IPv6 bits, 96 + n), so that one comparison serves both. */
typedef struct mp_tcp_card_addr {
    uint8_t ip[16]; /* network order */
    uint8_t prefix; /* the subnet's prefix length, 0..128 (96..128 for IPv4) */
    uint8_t loopback;
    uint8_t reserved[2];
} mp_tcp_card_addr_t;

/* Whether a card address is IPv4 (mapped). */
bool mp_tcp_addr_is_v4(const uint8_t ip[16]);

/* A rank's business card: where it listens. */
typedef struct mp_tcp_card {
    uint64_t magic;   /* MP_TCP_CARD_MAGIC */
    uint32_t version; /* MP_TCP_VERSION */
    uint32_t node_id; /* the publisher's node (loopback is used only within one node) */
    uint16_t port;    /* the listening port, network order; one port for every address */
    uint16_t naddrs;  /* addrs used, 1..MP_TCP_MAX_ADDRS */
    uint32_t reserved;
    mp_tcp_card_addr_t addrs[MP_TCP_MAX_ADDRS];
} mp_tcp_card_t;

/* Checks a card read from wire-up; on failure *why_p says what is wrong. */
mp_status_t mp_tcp_card_check(const void *data, size_t len, mp_tcp_card_t *card_p,
                              const char **why_p);

/*
 * The handshake, on every new connection, before any packet. Connector C (rank c of job jc) and
 * acceptor A (rank a of job ja) share the job secret K (every job of one libmp mpirun has the
 * same; jobs are numbered as in wireup/procs.h, 0 under other launchers):
 *   C -> A  HELLO      magic, version, type, c, a, nonce_c, jc, ja
 *   A -> C  CHALLENGE  magic, version, type, a, c, nonce_a, HMAC(K, "A" | HELLO | nonce_a)
 *   C -> A  PROOF      magic, version, type, c, a, HMAC(K, "C" | HELLO | nonce_a)
 * A proves itself on C's fresh nonce, C on A's fresh nonce: neither reply can be replayed,
 * and the labels keep one side's answer from serving as the other's.
 * All integers are little-endian on the wire; every message has a fixed length by type.
 */
#define MP_TCP_NONCE_LEN 16
#define MP_TCP_HELLO_LEN 40
#define MP_TCP_CHALLENGE_LEN (MP_TCP_HELLO_LEN + MP_SHA256_LEN)
#define MP_TCP_PROOF_LEN (16 + MP_SHA256_LEN)
#define MP_TCP_MSG_MAX MP_TCP_CHALLENGE_LEN
#define MP_TCP_HS_MAGIC 0x4354504du /* "MPTC" */

enum mp_tcp_auth_role { MP_TCP_CONNECTOR, MP_TCP_ACCEPTOR };

enum mp_tcp_auth_result {
    MP_TCP_AUTH_MORE, /* needs more bytes (all given were used) */
    MP_TCP_AUTH_DONE, /* authenticated: bytes after *used_p are the peer's first frames */
    MP_TCP_AUTH_FAIL, /* refused: *why_p says why; close the connection */
};

typedef struct mp_tcp_auth {
    int role;              /* enum mp_tcp_auth_role */
    int state;             /* which message is expected next (internal) */
    int my_rank;           /* this rank */
    int peer_rank;         /* known at start for a connector; learnt from HELLO by an acceptor */
    int job_size;          /* ranks in the job: HELLO's ranks of this job must be below */
    uint32_t my_job;       /* this rank's job */
    uint32_t peer_job;     /* the peer's: known at start for a connector, else from HELLO */
    const uint8_t *secret; /* MP_SHA256_LEN bytes, kept by the caller */
    uint8_t hello[MP_TCP_HELLO_LEN];   /* the HELLO, as sent or received */
    uint8_t nonce_a[MP_TCP_NONCE_LEN]; /* the acceptor's nonce */
    uint8_t in[MP_TCP_MSG_MAX];        /* the message being gathered */
    size_t in_len;                     /* bytes of it so far */
} mp_tcp_auth_t;

/* Starts a handshake. nonce is this side's fresh random nonce. A connector gets its HELLO in
 * out (*out_len_p bytes, at most MP_TCP_MSG_MAX); an acceptor sends nothing first. */
void mp_tcp_auth_start(mp_tcp_auth_t *auth, int role, int my_rank, int peer_rank, int job_size,
                       const uint8_t *secret, const uint8_t nonce[MP_TCP_NONCE_LEN], uint8_t *out,
                       size_t *out_len_p);

/* The same between jobs: my_job and peer_job (the connector's; an acceptor learns the peer's)
 * as wireup/procs.h numbers them. A peer of another job may have any rank. */
void mp_tcp_auth_start_jobs(mp_tcp_auth_t *auth, int role, uint32_t my_job, int my_rank,
                            uint32_t peer_job, int peer_rank, int job_size, const uint8_t *secret,
                            const uint8_t nonce[MP_TCP_NONCE_LEN], uint8_t *out, size_t *out_len_p);

/* Feeds bytes that arrived. Consumes at most one message's worth at a time and returns how
 * many bytes it used in *used_p; a reply to send (if any) is put in out (*out_len_p bytes,
 * 0 if none). Never reads past data + len; never blocks. */
int mp_tcp_auth_feed(mp_tcp_auth_t *auth, const uint8_t *data, size_t len, size_t *used_p,
                     uint8_t *out, size_t *out_len_p, const char **why_p);

/* Bytes still missing from the handshake message expected next (0 when none is). Reading no
 * more than this keeps the first frames after the handshake in the socket. */
size_t mp_tcp_auth_want(const mp_tcp_auth_t *auth);

/* The header in front of every packet on an authenticated connection. */
#define MP_TCP_FRAME_MARK 0xa5
#define MP_TCP_FRAME_LEN 8
typedef struct mp_tcp_frame {
    size_t hdr_len; /* pt2pt header bytes that follow, <= MP_TL_HDR_MAX */
    size_t len;     /* payload bytes after the header */
} mp_tcp_frame_t;

void mp_tcp_frame_encode(uint8_t out[MP_TCP_FRAME_LEN], size_t hdr_len, size_t len);

/* Decodes a frame header; MP_ERR_INVALID (with *why_p) when it is not one this build sends or
 * the packet is larger than max_payload. */
mp_status_t mp_tcp_frame_decode(const uint8_t in[MP_TCP_FRAME_LEN], size_t max_payload,
                                mp_tcp_frame_t *frame_p, const char **why_p);

#endif
