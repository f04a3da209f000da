/*
 * Shared-memory fast paths of the blocking barrier, bcast, reduce and allreduce on
 * communicators whose ranks all share this node: flags and data slots in node memory
 * (pt2pt/node.h) instead of trees of point-to-point messages. Nonblocking and persistent
 * collectives keep the schedules (sched.c); the two mix on one communicator because every rank
 * of it takes the same path for the same call.
 *
 * Each local rank owns, in its node memory, a post word per local rank (what it handed to
 * that rank: a count and the slot used), a seen word per local rank (how many of that rank's
 * posts it has consumed) and two data slots. Between two ranks posts are consumed in the order
 * they were made; a rank posts to a peer again only once the peer consumed its previous post,
 * and rewrites a slot only once every post that named it was consumed. That is what keeps
 * collectives on different communicators apart: the standard has every pair of ranks call the
 * collectives they share in one order.
 */
#ifndef MP_COLL_SHM_H
#define MP_COLL_SHM_H

#include <stdbool.h>
#include <stddef.h>

#include "coll/coll.h"

/* The most ranks a node may have for the fast paths (the flat algorithms' fan-in). */
#define MP_COLL_SHM_MAX_RANKS 64
/* Data bytes one slot holds: larger broadcasts go through the slots in pieces, larger
 * reductions take the point-to-point algorithms. */
#define MP_COLL_SHM_SLOT_BYTES (32 * 1024)

/* A call's view of its communicator: its ranks' local indices. */
typedef struct mp_coll_shm {
    int size;                      /* ranks of the communicator */
    int rank;                      /* mine */
    int lr[MP_COLL_SHM_MAX_RANKS]; /* local index of each rank */
} mp_coll_shm_t;

/* Whether the blocking collectives of comm take the fast paths: an intracommunicator of 2 or
 * more ranks, all on this node, with node memory and MP_COLL_SHM not 0. Fills *v if so. The
 * answer is the same on every rank of comm. */
bool mp_coll_shm_open(const mp_comm_t *comm, mp_coll_shm_t *v);

/* Whether a reduction of count elements of dt goes through the slots (the same on every rank,
 * whose counts and types the standard makes equal): contiguous data that fits in one slot. */
bool mp_coll_shm_reduce_fits(size_t count, const mp_datatype_t *dt);

/* The collectives, blocking; arguments as in coll.h (checked by the API layer). */
mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v);
/* MP_ERR_TRUNCATE at a rank whose buffer is smaller than the root's data (the data that fits is
 * delivered; the collective still completes everywhere). */
mp_status_t mp_coll_shm_bcast(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root);
/* Reduce to root, or with all, allreduce (root unused): the result is a0 op a1 op ... op a(p-1)
 * in rank order, computed once and copied, so it is the same bits on every rank. */
mp_status_t mp_coll_shm_reduce(const mp_coll_shm_t *v, const void *sbuf, void *rbuf, size_t count,
                               const mp_datatype_t *dt, const mp_op_t *op, int root, bool all);

/* ---- The steps the algorithms are made of (shm.c); lr is a local index ---- */

/* Takes one of my slots for writing: waits until every post naming it was consumed. Returns
 * the slot's number (0 or 1). */
int mp_coll_shm_slot_take(void);

/* The data of slot s of local rank lr (mine included): MP_COLL_SHM_SLOT_BYTES bytes. */
unsigned char *mp_coll_shm_slot(int lr, int s);

/* The word that travels with a slot's data (e.g. the message's total bytes): written by the
 * slot's owner before posting, read by the consumers of the post. */
void mp_coll_shm_slot_set_word(int s, size_t word);
size_t mp_coll_shm_slot_word(int lr, int s);

/* Hands a post to lr (waiting first until lr consumed my previous one) and wakes it if it
 * sleeps. s: the slot it names, or -1 for a bare flag. */
void mp_coll_shm_post(int lr, int s);

/* Waits for lr's next post to me and returns the slot it names (-1: a flag). The post stays
 * mine to read until mp_coll_shm_ack. */
int mp_coll_shm_wait(int lr);

/* Done with lr's post (its slot may be rewritten): tells lr and wakes it if it sleeps. */
void mp_coll_shm_ack(int lr);

#endif
