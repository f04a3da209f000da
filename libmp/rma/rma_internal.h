/*
 * Inside libmp/rma: the messages of the one-sided protocol, and the records that the origin
 * and target sides keep between progress passes. Not for other modules.
 */
#ifndef MP_RMA_INTERNAL_H
#define MP_RMA_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "rma/rma.h"

/* Tags on the window's private communicator: requests and answers (headers) travel on
 * MP_RMA_TAG_HDR and are served in arrival order; the data of a large put or accumulate follows
 * its header on MP_RMA_TAG_DATA; fetched data comes back on a tag the origin chose (>= first). */
#define MP_RMA_TAG_HDR 0
#define MP_RMA_TAG_DATA 1
#define MP_RMA_TAG_REPLY_FIRST 2

/* Origin data up to this many bytes travels inside its header message (one message, packed);
 * larger data goes as a message of its own straight from the origin buffer. */
#define MP_RMA_INLINE_MAX 16384

#define MP_RMA_WIRE_MAGIC 0x6d700101u /* "mp", version 1, format 1: a mismatch fails loudly */

typedef enum mp_rma_msg {
    MP_RMA_MSG_PUT = 1,
    MP_RMA_MSG_GET,
    MP_RMA_MSG_ACC,
    MP_RMA_MSG_GACC,
    MP_RMA_MSG_CAS,
    MP_RMA_MSG_LOCK,   /* asks for a lock (lock: its type); answered by GRANT */
    MP_RMA_MSG_UNLOCK, /* releases it after the operations before it; answered by ACK */
    MP_RMA_MSG_FLUSH,  /* answered by ACK once the operations before it are applied */
    MP_RMA_MSG_ACK,    /* errors: operations refused since the last answer */
    MP_RMA_MSG_GRANT,
    MP_RMA_MSG_POST,     /* MPI_Win_post: the target exposes its window to this origin */
    MP_RMA_MSG_COMPLETE, /* MPI_Win_complete: the origin's operations before it are done */
} mp_rma_msg_t;

/* The header of every message on MP_RMA_TAG_HDR, followed by nsegs segments describing the
 * target datatype, then (inline) the packed origin data. 80 bytes, so that the data that
 * follows is aligned for every basic type. */
typedef struct mp_rma_hdr {
    uint32_t magic;    /* MP_RMA_WIRE_MAGIC */
    uint8_t type;      /* mp_rma_msg_t */
    uint8_t lock;      /* LOCK: mp_win_lock_t */
    uint8_t inlined;   /* data ops: the origin data follows the segments in this message */
    uint8_t unused;    /* zero */
    int32_t reply_tag; /* GET, GACC, CAS: the tag the origin receives the fetched data on */
    uint32_t nsegs;    /* segments of one target element that follow */
    uint32_t errors;   /* ACK: operations refused (out of range) since the last answer */
    uint32_t unused2;  /* zero */
    uint64_t disp;     /* bytes from the target's base (dynamic windows: an address) */
    uint64_t tcount;   /* target elements */
    int64_t textent;   /* extent of one target element */
    uint64_t tsize;    /* data bytes of one target element */
    uint64_t bytes;    /* origin data bytes (CAS: the new value, then the compared one) */
    uint64_t op;       /* ACC, GACC: the predefined op's handle value */
    uint64_t elem;     /* ACC, GACC, CAS: handle value of the basic type of every element */
} mp_rma_hdr_t;

/* One segment of the target type's map (mp_dt_seg_t, fixed width). */
typedef struct mp_rma_wseg {
    int64_t disp;   /* first block's offset from the element's origin */
    uint64_t len;   /* bytes per block */
    uint64_t count; /* blocks */
    int64_t stride; /* between block starts */
} mp_rma_wseg_t;

/* A request received at the target, served when it reaches the head of the queue and its
 * data is in. */
typedef struct mp_rma_in {
    struct mp_rma_in *next;
    int src;
    mp_request_t *hdr_req; /* receive of the header message; NULL once it completed */
    unsigned char *msg;    /* the header message */
    size_t msg_bytes;
    mp_request_t *data_req; /* receive of the data message, when it comes separately */
    unsigned char *data;    /* the window's scratch, or a copy of it (data_owned) while the
                             * request is parked; NULL when the data went straight in */
    bool data_owned;
    bool data_posted;
    bool straight; /* a put whose data the receive placed in the window itself */
} mp_rma_in_t;

/* An operation that is not complete at the origin: a data send or a reply to receive. */
typedef struct mp_rma_ureq {
    mp_request_t *req; /* the program's request (MPI_Rput ...) */
    int remaining;     /* parts not yet complete */
} mp_rma_ureq_t;

typedef struct mp_rma_pend {
    struct mp_rma_pend *next; /* the window's list of pending operations (win->pending) */
    struct mp_rma_pend *prev;
    struct mp_rma_pend *done_next; /* win->done: those whose request completed, to be reaped */
    mp_win_t *win;
    mp_request_t *req;
    int target;
    bool reply;          /* req receives fetched data: a short answer means a refusal */
    mp_rma_ureq_t *ureq; /* or NULL */
} mp_rma_pend_t;

/* A lock request waiting at the target. */
typedef struct mp_rma_lockreq {
    struct mp_rma_lockreq *next;
    int src;
    mp_win_lock_t type;
} mp_rma_lockreq_t;

/* A parsed request: the header, the target type's segments, the origin data. */
typedef struct mp_rma_view {
    const mp_rma_hdr_t *hdr;
    const mp_rma_wseg_t *segs;
    const unsigned char *data; /* origin data: inline, or the separate message */
} mp_rma_view_t;

/* A rank's window memory, as requests name it: bytes from base, or attached regions (dynamic:
 * displacements are addresses). */
typedef struct mp_rma_mem {
    uintptr_t base;
    size_t size;
    const mp_win_region_t *regions;
    bool dynamic;
} mp_rma_mem_t;

/* ---- The node segment of shared and direct windows ----
 * [header][one control line per rank][every rank's part of the memory, in rank order,
 * contiguous]. Rank 0 writes the header before the others look at the segment. */

#define MP_RMA_SEG_MAGIC 0x6d707367u /* "mpsg" */
#define MP_RMA_SEG_VERSION 1u

typedef struct mp_rma_seg_hdr {
    uint32_t magic;   /* MP_RMA_SEG_MAGIC */
    uint32_t version; /* MP_RMA_SEG_VERSION: a mismatch fails loudly */
    uint32_t nranks;  /* control lines that follow */
    char pad[52];     /* to a cache line */
} mp_rma_seg_hdr_t;

/* What other ranks change of this rank's window in direct mode: a cache line per rank. */
typedef struct mp_rma_ctrl {
    atomic_int lock;     /* 0 free, n > 0: n shared holders, -1: held exclusively */
    atomic_uint waiters; /* processes waiting for lock: the unlock that frees it wakes them */
    atomic_uint acc;     /* 1 while an accumulate applies to this rank's memory */
    char pad[52];        /* to a cache line */
} mp_rma_ctrl_t;

/* ---- direct.c: windows whose memory is all in one node segment ---- */

/* Performs op at once on the target's memory in the segment (complete on return). */
mp_status_t mp_rma_direct_op(mp_win_t *win, const mp_rma_op_t *op);

/* Takes or releases rank's lock word (shared or exclusive), driving progress while it waits. */
void mp_rma_direct_lock(mp_win_t *win, int rank, bool exclusive);
void mp_rma_direct_unlock(mp_win_t *win, int rank, bool exclusive);

/* ---- ops.c ---- */

/* Builds op's request message (header, the target type's segments, the origin data when
 * inlined); *len_p its bytes. NULL when out of memory. */
unsigned char *mp_rma_msg_build(const mp_rma_op_t *op, int reply_tag, bool inlined, size_t *len_p);

/* ---- apply.c ---- */

/* Parses a request message of len bytes (data: its separate data, or NULL); false when it is
 * malformed (a stranger's bytes never reach memory). */
bool mp_rma_view_parse(const unsigned char *msg, size_t len, const unsigned char *data,
                       mp_rma_view_t *v);

/* The address of displacement disp in mem, and whether [addr, addr + len) lies in mem. */
uintptr_t mp_rma_mem_addr(const mp_rma_mem_t *mem, uint64_t disp);
bool mp_rma_mem_has(const mp_rma_mem_t *mem, uintptr_t addr, size_t len);

/* Bytes that a request fetches (GET, GACC, CAS), else 0. */
size_t mp_rma_fetch_bytes(const mp_rma_hdr_t *h);

/* Applies a data request to mem; fetched bytes go to out (mp_rma_fetch_bytes of them). False,
 * with nothing changed, when the data falls outside mem or the request is not valid. Not atomic
 * by itself: the caller serializes accumulates. */
bool mp_rma_apply(const mp_rma_mem_t *mem, const mp_rma_view_t *v, unsigned char *out);

/* Sends a control message (no segments, no data) of type to rank dst; lock and errors as the
 * header has them. */
mp_status_t mp_rma_send_ctrl(mp_win_t *win, int dst, mp_rma_msg_t type, mp_win_lock_t lock,
                             uint32_t errors);

/* Target side (target.c): takes arrived requests off matching and serves the queue's head as
 * far as it can. Returns events handled. */
int mp_rma_target_progress(mp_win_t *win);

/* Origin side (ops.c): completes pending operations whose requests completed. */
int mp_rma_origin_progress(mp_win_t *win);

/* Drives progress until every operation towards target (-1: all) is complete here. */
void mp_rma_wait_pending(mp_win_t *win, int target);

/* The list of windows (win.c), for the progress hook. */
extern mp_win_t *mp_rma_windows;

#endif
