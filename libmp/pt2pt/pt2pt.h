/*
 * Point-to-point messaging below the API: matching (posted and unexpected queues per context),
 * the eager protocol for small messages and rendezvous for large ones (single copy from the
 * sender's memory where the transport allows it, pipelined fragments otherwise).
 *
 * Arguments are trusted: the API layer has checked them. Ranks are ranks of comm. Nonblocking:
 * every call returns at once; requests complete from inside progress.
 */
#ifndef MP_PT2PT_H
#define MP_PT2PT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/comm.h"
#include "core/datatype.h"
#include "core/status.h"
#include "pt2pt/request.h"
#include "wireup/wireup.h"

/* A message taken out of matching by mprobe, to be received by mrecv. */
typedef struct mp_message mp_message_t;

/* Connects this rank to every peer through the transports (after the wire-up fence). */
mp_status_t mp_pt2pt_init(const mp_wireup_info_t *info);
/* Sets transports up and publishes their cards (before the wire-up fence). */
mp_status_t mp_pt2pt_setup(const mp_wireup_info_t *info);
/* Releases the transports (after the closing fence). */
void mp_pt2pt_fini(void);

/* Processes of other jobs (MPI_Comm_spawn): they are reached over tcp, which this brings up
 * now if the job had no use for it, publishing this rank's card, so that they can connect.
 * Peers of other jobs get their entries as wireup/procs.h announces them. Blocking (one round
 * trip to the PMIx server). */
mp_status_t mp_pt2pt_dynamic_enable(void);

/* Starts a send of count elements of dt at buf to comm rank dest (or MPI_PROC_NULL). */
mp_status_t mp_pt2pt_isend(const void *buf, size_t count, const mp_datatype_t *dt, int dest,
                           int tag, mp_comm_t *comm, mp_send_mode_t mode, mp_request_t **req_p);

/* The blocking send's shortcut: sends a standard-mode message at once, with no request, when it
 * is one eager packet of contiguous data and nothing is queued to dest before it. Returns
 * whether it did; if not, nothing happened and the caller takes the general path. */
bool mp_pt2pt_send_now(const void *buf, size_t count, const mp_datatype_t *dt, int dest, int tag,
                       mp_comm_t *comm);

/* The blocking receive's shortcut (fastpath.c): receives a whole eager message from comm rank
 * src (not MPI_ANY_SOURCE) into contiguous memory at once, with no request, when nothing posted
 * or arrived before could match first; it waits for it only briefly. Returns whether it did,
 * with *status filled; if not, nothing happened and the caller takes the general path. */
bool mp_pt2pt_recv_now(void *buf, size_t count, const mp_datatype_t *dt, int src, int tag,
                       mp_comm_t *comm, mp_msg_status_t *status);

/* Calls fn(tag) from inside delivery whenever a message of context ctx finds no posted receive
 * (one context at a time; fn NULL stops it): a module that serves requests on a context of its
 * own starts doing so only once one comes (comm/port.c). fn may only note the fact. */
void mp_pt2pt_watch_context(uint32_t ctx, void (*fn)(int tag));

/* Starts a receive from comm rank src (or MPI_ANY_SOURCE, MPI_PROC_NULL) with tag (or
 * MPI_ANY_TAG). */
mp_status_t mp_pt2pt_irecv(void *buf, size_t count, const mp_datatype_t *dt, int src, int tag,
                           mp_comm_t *comm, mp_request_t **req_p);

/* Whether a matching message has arrived; fills *status if so. Looks at matching only: the
 * caller drives progress (one poll for MPI_Iprobe, mp_progress_wait for MPI_Probe). */
bool mp_pt2pt_iprobe(int src, int tag, mp_comm_t *comm, mp_msg_status_t *status);

/* Like iprobe, but removes the message from matching: *msg_p is NULL when none arrived. */
mp_status_t mp_pt2pt_improbe(int src, int tag, mp_comm_t *comm, mp_message_t **msg_p,
                             mp_msg_status_t *status);

/* Receives a message taken by improbe. */
mp_status_t mp_pt2pt_imrecv(void *buf, size_t count, const mp_datatype_t *dt, mp_message_t *msg,
                            mp_request_t **req_p);

/* Cancels a receive that has not matched yet, or a send (also a completed one) whose message the
 * receiver has not matched (cancel.c). Returns whether it is cancelled at once (it is then
 * complete with status.cancelled). A send whose cancel needs the receiver's answer is not
 * complete until that comes; then it is complete, cancelled or not (MPI_Test_cancelled). */
bool mp_pt2pt_cancel(mp_request_t *req);

/* A buffered send: user is the request the program holds (complete: the data is safe in the
 * buffer), copy the send from the buffered copy. Links them so that cancelling user cancels
 * copy's message while the receiver has not matched it (user then completes again, with the
 * answer), and copy stays alive as long as user does. */
void mp_pt2pt_buffered_link(mp_request_t *user, mp_request_t *copy);

#endif
