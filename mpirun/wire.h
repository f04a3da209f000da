/*
 * The protocol between mpirun and its per-host daemons over TCP: framed messages with a
 * versioned header, the encoding of their fields, the job description and the proofs of the
 * job's secret. Pure: no sockets, no printing, so every rule is unit-tested.
 */
#ifndef MPIRUN_WIRE_H
#define MPIRUN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpirun/addrs.h"

/* Every frame starts with this header, all fields in network byte order. A peer that sends
 * another magic or version is not one of ours (or another release): the connection closes. */
#define MPIRUN_WIRE_MAGIC 0x4d504431u /* "MPD1" */
/* 2: fence status, direct modex; 3: fence tree; 4: IPv6 addresses, the star fallback;
 * 5: a daemon's address for its children in LISTENING (the interface filter) */
#define MPIRUN_WIRE_VERSION 6u
#define MPIRUN_WIRE_HEADER_LEN 12 /* magic u32, version u16, type u16, payload length u32 */
#define MPIRUN_WIRE_MAX_PAYLOAD (64u << 20) /* fence data of a large job fits */
#define MPIRUN_WIRE_NONCE_LEN 32

typedef enum mpirun_wire_type {
    /* mpirun -> daemon */
    MPIRUN_WIRE_CHALLENGE = 1, /* nonce: prove you know the secret */
    MPIRUN_WIRE_WELCOME,       /* mpirun's proof over the daemon's nonce */
    MPIRUN_WIRE_JOB,           /* the job description (mpirun_wire_job_t) */
    MPIRUN_WIRE_SIGNAL,        /* u32 signal: send it to every local rank */
    MPIRUN_WIRE_FENCE_DONE,    /* fence key, i32 status, bytes: every host's data */
    MPIRUN_WIRE_BYE,           /* u32 clean: the job is over, exit */
    MPIRUN_WIRE_DMODEX_ASK,    /* u32 origin, u32 id, u32 rank: fetch a local rank's data */
    MPIRUN_WIRE_DMODEX_DONE,   /* u32 id, i32 status, bytes: the answer to a DMODEX_REQ */
    MPIRUN_WIRE_TREE,          /* u32 parent is a daemon (PARENT follows), u32 n, n times u32
                                  node: its children in the fence tree (right after JOB) */
    MPIRUN_WIRE_PARENT,        /* string address (IPv4 or IPv6 text), u32 port: connect to the
                                  parent daemon there (mpirun_wire_put_parent) */
    MPIRUN_WIRE_FENCE_DOWN,    /* as FENCE_DONE, for a whole-job fence: also to the children */
    MPIRUN_WIRE_UNCHILD,       /* u32 node: that child went straight to mpirun (an ORPHAN) */
    /* daemon -> mpirun */
    MPIRUN_WIRE_HELLO = 16,  /* u32 node, nonce, proof over mpirun's nonce */
    MPIRUN_WIRE_STARTED,     /* u32 n, then n times (u32 rank, u32 pid) */
    MPIRUN_WIRE_FAILED,      /* string: why the ranks could not start */
    MPIRUN_WIRE_SAY,         /* string: a line for the user */
    MPIRUN_WIRE_OUTPUT,      /* u32 rank, u32 stream (1 stdout, 2 stderr), bytes */
    MPIRUN_WIRE_EVENT,       /* u32 kind (mpirun_event_kind_t), u32 rank, i32 status */
    MPIRUN_WIRE_EXITED,      /* u32 rank, i32 wait status */
    MPIRUN_WIRE_FENCE,       /* fence key, u32 number of hosts taking part, i32 status of the
                                local collective (PMIx's), bytes: this host's data */
    MPIRUN_WIRE_DMODEX_REQ,  /* u32 id, u32 rank: a local rank wants that rank's data */
    MPIRUN_WIRE_DMODEX_DATA, /* u32 origin, u32 id, i32 status, bytes: a DMODEX_ASK answered */
    MPIRUN_WIRE_LISTENING,   /* u32 port, string address ("": the one it connected from):
                                where its children connect (mpirun_wire_put_listening) */
    MPIRUN_WIRE_FENCE_UP,    /* fence key, i32 status, bytes: its subtree's parts of a whole-job
                                fence (also daemon -> parent daemon) */
    MPIRUN_WIRE_ORPHAN,      /* string: why it cannot reach its parent daemon; its subtree's
                                parts come to mpirun from now on */
} mpirun_wire_type_t;

/* A growing buffer of frames to send. On allocation failure it sets oom and ignores writes. */
typedef struct mpirun_wire_buf {
    uint8_t *data;
    size_t len, cap;
    size_t frame; /* where the frame being written starts */
    bool oom;
} mpirun_wire_buf_t;

void mpirun_wire_buf_fini(mpirun_wire_buf_t *buf);
/* Starts a frame of the given type; the fields follow; end fills in the length. */
void mpirun_wire_begin(mpirun_wire_buf_t *buf, mpirun_wire_type_t type);
void mpirun_wire_end(mpirun_wire_buf_t *buf);
void mpirun_wire_put_u32(mpirun_wire_buf_t *buf, uint32_t v);
void mpirun_wire_put_raw(mpirun_wire_buf_t *buf, const void *data, size_t len);
/* A u32 length, then the bytes. */
void mpirun_wire_put_bytes(mpirun_wire_buf_t *buf, const void *data, size_t len);
void mpirun_wire_put_str(mpirun_wire_buf_t *buf, const char *s);
/* Drops the first n bytes (sent). */
void mpirun_wire_consume(mpirun_wire_buf_t *buf, size_t n);

/*
 * Looks for one whole frame at the start of data[0..len). Returns 1 with *type_p, *payload_p,
 * *payload_len_p and *frame_len_p set; 0 when more bytes are needed; -1 with a message in err
 * when the bytes cannot be a frame of ours (magic, version, a length over max_payload).
 */
int mpirun_wire_frame(const uint8_t *data, size_t len, size_t max_payload, uint16_t *type_p,
                      const uint8_t **payload_p, size_t *payload_len_p, size_t *frame_len_p,
                      char *err, size_t errlen);

/* Reads fields from a payload. A read past the end sets bad and yields zeros / NULL. */
typedef struct mpirun_wire_reader {
    const uint8_t *data;
    size_t len, off;
    bool bad;
} mpirun_wire_reader_t;

void mpirun_wire_reader_init(mpirun_wire_reader_t *rd, const uint8_t *data, size_t len);
uint32_t mpirun_wire_get_u32(mpirun_wire_reader_t *rd);
const uint8_t *mpirun_wire_get_raw(mpirun_wire_reader_t *rd, size_t len);
/* Points into the payload: valid as long as it is. */
const uint8_t *mpirun_wire_get_bytes(mpirun_wire_reader_t *rd, size_t *len_p);
/* A new string (NUL bytes inside are refused: bad); free it. NULL when bad. */
char *mpirun_wire_get_str(mpirun_wire_reader_t *rd);
/* True when every byte was read and nothing was bad. */
bool mpirun_wire_reader_done(const mpirun_wire_reader_t *rd);

/* One program of the job (mpirun ... : ...): what its ranks run and with what. */
typedef struct mpirun_wire_app {
    int argc;
    char **argv; /* the program and its arguments, NULL-terminated */
    int nenv;
    char **env; /* every setting of its ranks (the job's and its own), "NAME=value" */
    char *wdir; /* its own --wdir, "" when none (the job's wdir) */
    char *path; /* where its program is looked for before PATH (-path), "" when nowhere */
} mpirun_wire_app_t;

/* What a daemon needs to run its share of the job (the secret travels apart, on stdin). */
typedef struct mpirun_wire_job {
    char *nspace;
    int np;
    int nhosts;
    char **hosts;      /* nhosts names, in node id order */
    int *host_of_rank; /* np node ids */
    int map_by;        /* mpirun_map_t */
    int bind_to;       /* mpirun_bind_t */
    bool report_bindings;
    int napps;
    mpirun_wire_app_t *apps; /* napps programs, in rank order */
    int *app_of_rank;        /* np program indexes */
    int nenv;
    char **env;      /* the job's -x settings, "NAME=value" (its interface filter) */
    char *wdir;      /* where to start the ranks */
    bool wdir_given; /* --wdir was given: a missing directory is an error, not a fallback */
} mpirun_wire_job_t;

void mpirun_wire_put_job(mpirun_wire_buf_t *buf, const mpirun_wire_job_t *job);
/* Decodes and checks a JOB payload. Returns 0 (free with mpirun_wire_job_fini) or -1 with a
 * message in err and *job empty. */
int mpirun_wire_get_job(const uint8_t *payload, size_t len, mpirun_wire_job_t *job, char *err,
                        size_t errlen);
void mpirun_wire_job_fini(mpirun_wire_job_t *job);

/* PARENT's payload. get checks it: 0 with *addr_p (IPv4 or IPv6 text, free it) and *port_p,
 * or -1 with a message in err. */
void mpirun_wire_put_parent(mpirun_wire_buf_t *buf, const char *addr, int port);
int mpirun_wire_get_parent(const uint8_t *payload, size_t len, char **addr_p, int *port_p,
                           char *err, size_t errlen);

/* LISTENING's payload. addr is the address the daemon's children connect to, "" for the one it
 * reached mpirun from. get checks it: 0 with *port_p and addr (empty or IPv4 or IPv6 text), or
 * -1 with a message in err. */
void mpirun_wire_put_listening(mpirun_wire_buf_t *buf, int port, const char *addr);
int mpirun_wire_get_listening(const uint8_t *payload, size_t len, int *port_p,
                              char addr[MPIRUN_ADDR_LEN], char *err, size_t errlen);

/* Who proves: the roles differ so that a proof cannot be sent back to its maker. */
typedef enum {
    MPIRUN_WIRE_ROLE_MPIRUN,
    MPIRUN_WIRE_ROLE_DAEMON, /* also a child daemon to its parent */
    MPIRUN_WIRE_ROLE_PARENT  /* a daemon to its children in the fence tree */
} mpirun_wire_role_t;

/* out = HMAC-SHA-256(secret, role name, node, nonce): what the role shows to prove it knows
 * the secret, given the other side's fresh nonce. */
void mpirun_wire_proof(const uint8_t secret[32], mpirun_wire_role_t role, uint32_t node,
                       const uint8_t nonce[MPIRUN_WIRE_NONCE_LEN], uint8_t out[32]);

/* The secret as 64 lower-case hex digits (out has 65 bytes) and back; parse returns -1 on
 * anything but exactly 64 hex digits. */
void mpirun_wire_secret_format(const uint8_t secret[32], char out[65]);
int mpirun_wire_secret_parse(const char *text, uint8_t secret[32]);

#endif
