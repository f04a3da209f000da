/*
 * One-sided communication below the API: window objects and the active-message protocol that
 * carries puts, gets, accumulates and the synchronization of epochs over pt2pt, on a private
 * communicator of each window (a dup of the user's, made at creation).
 *
 * The target side runs inside the progress engine (a hook): incoming requests are served, in
 * the order they arrived, whenever the target process is inside any MPI call that drives
 * progress. Passive-target operations therefore progress while the target calls MPI, as with
 * Open MPI's osc/pt2pt; a target that computes without calling MPI delays them.
 *
 * Windows whose memory all lies in one node segment (allocated and shared windows of a node;
 * "direct") skip the messages for data and locks: the origin applies each operation to the
 * target's memory itself and takes lock words in the segment (direct.c), so nothing waits for
 * the target. Post, start, complete and wait stay messages.
 *
 * Arguments are trusted: the API layer checked handles, ranks, epochs and ranges. Calls that
 * wait (fence, start, complete, wait, lock, unlock, flush, free) drive progress until done.
 */
#ifndef MP_RMA_H
#define MP_RMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"
#include "core/status.h"
#include "pt2pt/request.h"

#define MP_WIN_MAGIC 0x6d70776eu /* "mpwn" */
#define MP_WIN_NAME_MAX 128

typedef enum mp_win_flavor {
    MP_WIN_CREATE,   /* memory the program gave */
    MP_WIN_ALLOCATE, /* memory the library allocated */
    MP_WIN_DYNAMIC,  /* regions attached later; target displacements are addresses */
    MP_WIN_SHARED,   /* one shared-memory segment for the ranks of one node */
} mp_win_flavor_t;

typedef enum mp_win_lock {
    MP_WIN_LOCK_NONE,
    MP_WIN_LOCK_SHARED,
    MP_WIN_LOCK_EXCLUSIVE,
    MP_WIN_LOCK_NOCHECK, /* MPI_MODE_NOCHECK: an epoch without a lock at the target */
} mp_win_lock_t;

/* What this process knows of, and does with, one rank of the window (as origin and target). */
typedef struct mp_win_peer {
    size_t size;      /* that rank's window bytes (0 for dynamic windows) */
    size_t disp_unit; /* that rank's displacement unit */
    /* As origin, towards that rank. */
    uint64_t sent;        /* data operations sent, ever: fence counts them */
    unsigned pending;     /* operations not yet complete here (data to send, replies due) */
    unsigned acks_due;    /* flush and unlock answers awaited */
    unsigned errors_seen; /* operations the target refused, as its answers said */
    /* A put or accumulate went since the last answer or fetching operation: a flush must ask.
     * Otherwise the last fetched answer shows that everything before it was applied (the
     * target serves in order and answers after applying). */
    bool unanswered;
    mp_win_lock_t lock; /* the passive-target epoch open towards that rank */
    bool granted;       /* the lock was granted */
    unsigned posts;     /* MPI_Win_post messages received from that rank, not yet used */
    bool in_access;     /* in the group of the open MPI_Win_start */
    /* As target, from that rank. */
    uint64_t processed; /* data operations applied here, ever */
    uint64_t expected;  /* fence: what that rank said it sent */
    unsigned completes; /* MPI_Win_complete messages received, not yet used */
    bool in_exposure;   /* in the group of the open MPI_Win_post */
    unsigned refused;   /* operations refused since the last answer (out of range) */
    /* That rank's lock request waits here: its later requests wait too, parked in order, and
     * are served once the lock is granted (origins do not wait for the grant). */
    bool lock_waiting;
    struct mp_rma_in *parked;
    struct mp_rma_in *parked_tail;
} mp_win_peer_t;

/* A region of a dynamic window (MPI_Win_attach). */
typedef struct mp_win_region {
    struct mp_win_region *next;
    uintptr_t base;
    size_t size;
} mp_win_region_t;

struct mp_rma_in;
struct mp_rma_pend;
struct mp_rma_lockreq;

typedef struct mp_win {
    uint32_t magic;  /* MP_WIN_MAGIC while the handle is valid */
    mp_comm_t *comm; /* private: a dup of the creating communicator; its errhandler is the
                      * window's, and only api/ reads it */
    mp_win_flavor_t flavor;
    /* Every rank's memory is in the node segment and the origin accesses it itself
     * (direct.c); otherwise operations travel as messages to the target. */
    bool direct;
    void *base;           /* this rank's memory (NULL: dynamic, or size 0) */
    size_t size;          /* its bytes */
    size_t disp_unit;     /* its displacement unit */
    mp_win_peer_t *peers; /* one per rank of comm */
    /* Shared and direct windows: the node segment (rma_internal.h: a header, a control line
     * per rank, then every rank's part in rank order). */
    void *seg;
    size_t seg_len;
    size_t *seg_offsets;      /* each rank's part in the segment */
    mp_win_region_t *regions; /* dynamic: attached memory */
    /* Target side. */
    struct mp_rma_in *in_head; /* requests received, served in arrival order */
    struct mp_rma_in *in_tail;
    int lock_shared;                     /* shared locks held on this rank's window */
    bool lock_exclusive;                 /* an exclusive lock is held */
    struct mp_rma_lockreq *lock_waiting; /* lock requests not yet granted, oldest first */
    void *scratch;      /* where separate data lands before it is applied: only the queue's head */
    size_t scratch_len; /* receives data, so one buffer serves them all */
    /* Origin side. */
    struct mp_rma_pend *pending;   /* operations not complete here */
    struct mp_rma_pend *done;      /* those of them whose requests completed, oldest first */
    struct mp_rma_pend *done_tail; /* (ops.c reaps them) */
    uint32_t next_tag;             /* reply tags handed out */
    /* Epochs. */
    bool fence_open;    /* a fence opened an epoch (no MPI_MODE_NOSUCCEED) */
    bool access_open;   /* MPI_Win_start ... MPI_Win_complete */
    bool exposure_open; /* MPI_Win_post ... MPI_Win_wait/test */
    bool lock_all;      /* MPI_Win_lock_all ... MPI_Win_unlock_all */
    int nlocks;         /* passive-target epochs open (per target; lock_all counts once) */
    /* Owned by api/. */
    char name[MP_WIN_NAME_MAX]; /* set by MPI_Win_set_name, else a label for messages */
    bool named;
    void *attrs;
    void *info; /* the hints in use (an info object) */
    /* What MPI_Win_get_attr points at for MPI_WIN_SIZE, DISP_UNIT, CREATE_FLAVOR, MODEL. */
    intptr_t attr_size;
    int attr_disp_unit;
    int attr_flavor;
    int attr_model;
    struct mp_win *next; /* every window, for the progress hook */
} mp_win_t;

/* ---- Windows (win.c) ---- */

/* Collective over comm: a window of size bytes at base (MP_WIN_CREATE), allocated here
 * (MP_WIN_ALLOCATE: base is ignored), in node memory shared by every rank of comm
 * (MP_WIN_SHARED: MP_ERR_INVALID when comm spans nodes, before any communication), or with no
 * memory yet (MP_WIN_DYNAMIC). Blocking. */
mp_status_t mp_rma_win_create(mp_comm_t *comm, mp_win_flavor_t flavor, void *base, size_t size,
                              size_t disp_unit, mp_win_t **win_p);

/* Collective: waits for every rank, then frees the window and what the library allocated for
 * it. The caller checked that no epoch is open. */
mp_status_t mp_rma_win_free(mp_win_t *win);

/* The live window at address p, or NULL (a freed window's memory is never read). */
mp_win_t *mp_rma_win_lookup(const void *p);

/* The window whose private communicator is comm, or NULL. */
mp_win_t *mp_rma_win_of_comm(const mp_comm_t *comm);

/* Windows with a node segment: rank's part of it, mapped here (NULL when it has no bytes). */
void *mp_rma_win_shared_base(const mp_win_t *win, int rank);

/* MPI_Win_shared_query: rank's memory when this process can load and store it (a node
 * segment's part, or its own memory), with its bytes in *size_p; else NULL and 0. */
void *mp_rma_win_query(const mp_win_t *win, int rank, size_t *size_p);

/* Dynamic windows: attaches or detaches a region (MP_ERR_NOT_FOUND: base is not attached). */
mp_status_t mp_rma_win_attach(mp_win_t *win, void *base, size_t size);
mp_status_t mp_rma_win_detach(mp_win_t *win, const void *base);

/* Frees the memory of every window left at MPI_Finalize (a program that did not free them),
 * after the runtime closed: their communicators go with the runtime. */
void mp_rma_fini(void);

/* ---- Operations (ops.c) ---- */

typedef enum mp_rma_kind {
    MP_RMA_PUT,
    MP_RMA_GET,
    MP_RMA_ACC,  /* accumulate */
    MP_RMA_GACC, /* get_accumulate, fetch_and_op */
    MP_RMA_CAS,  /* compare_and_swap */
} mp_rma_kind_t;

/* One data operation, as the API checked it. */
typedef struct mp_rma_op {
    mp_rma_kind_t kind;
    const void *origin; /* put, acc, gacc, cas: the data sent */
    size_t ocount;
    const mp_datatype_t *odt;
    void *result; /* get: origin buffer; gacc, cas: result buffer */
    size_t rcount;
    const mp_datatype_t *rdt;
    const void *compare; /* cas: the value compared with (one element of odt) */
    int target;
    uint64_t disp; /* in bytes from the target's base (for dynamic windows: the address) */
    size_t tcount;
    const mp_datatype_t *tdt;
    uintptr_t op; /* acc, gacc: the predefined op's handle value */
} mp_rma_op_t;

/* Starts op. When req_p is not NULL, *req_p is a request that completes when the operation
 * completes at the origin (its buffers may be used again; fetched data has arrived). */
mp_status_t mp_rma_op_start(mp_win_t *win, const mp_rma_op_t *op, mp_request_t **req_p);

/* ---- Synchronization (sync.c) ---- */

/* MPI_Win_fence: completes every operation from and to this rank (unless noprecede: none
 * precede), then waits for every rank. */
mp_status_t mp_rma_fence(mp_win_t *win, bool noprecede);

/* PSCW, with ranks of the window's communicator. */
mp_status_t mp_rma_post(mp_win_t *win, const int *ranks, int n);
mp_status_t mp_rma_start(mp_win_t *win, const int *ranks, int n);
mp_status_t mp_rma_complete(mp_win_t *win);
/* Wait (block true) or test: *done_p tells whether every origin of the post completed. */
mp_status_t mp_rma_wait(mp_win_t *win, bool block, bool *done_p);

/* Passive target, towards rank, or every rank for -1 (lock_all, unlock_all, flush_all: the
 * requests go out together, then the answers are awaited): lock, unlock (MP_ERR_INVALID: the
 * target refused some operations of the epoch, out of range of a dynamic window), flush (local:
 * only completion here). */
mp_status_t mp_rma_lock(mp_win_t *win, int rank, mp_win_lock_t type);
mp_status_t mp_rma_unlock(mp_win_t *win, int rank);
mp_status_t mp_rma_flush(mp_win_t *win, int rank, bool local);

/* The progress hook: serves requests at the target and completes operations at the origin. */
int mp_rma_progress(void);

#endif
