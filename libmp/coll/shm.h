/*
 * Shared-memory fast paths of the blocking barrier, bcast, reduce, allreduce, allgather and
 * alltoall on communicators whose ranks all share this node: posts and data slots in node
 * memory (pt2pt/node.h) instead of trees of point-to-point messages. Nonblocking and persistent
 * collectives keep the schedules (sched.c); the two mix on one communicator because every rank
 * of it takes the same path for the same call.
 *
 * Between each ordered pair of local ranks runs a queue of posts (a slot number, a length and
 * up to MP_COLL_SHM_INLINE bytes of data, packed: up to four to a cache line), consumed in the
 * order they were made; the consumer counts what it consumed in a word the poster reads. A
 * rank rewrites one of its data slots only once every post naming it was consumed. Collectives
 * on different communicators therefore never mix their data: the standard has every pair of
 * ranks call the collectives they share in one order, so both ends of a queue agree on what
 * each post belongs to.
 */
#ifndef MP_COLL_SHM_H
#define MP_COLL_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coll/coll.h"

/* The most ranks a node may have for the fast paths (the flat algorithms' fan-in). */
#define MP_COLL_SHM_MAX_RANKS 64
/* Data bytes one slot holds: larger broadcasts, and reduces to a root up to 512 KiB, go
 * through the slots in pieces; larger allreduces take single copy or point to point. */
#define MP_COLL_SHM_SLOT_BYTES (32 * 1024)
/* Data slots of each rank, taken in turn (mp_coll_shm_slot_take): as many calls' worth as a
 * rank may run ahead of the others. With 4 and 8 ranks on 2 cores, 8 slots rather than 2 cut
 * the time of 1 KiB broadcasts and reductions by half, of 64 KiB-1 MiB ones by 10-25%. */
#define MP_COLL_SHM_SLOTS 8
/* Data bytes a post carries itself (16-byte aligned), without a slot. */
#define MP_COLL_SHM_INLINE 48

/* A call's view of its communicator: its ranks' local indices. */
typedef struct mp_coll_shm {
    int size;                      /* ranks of the communicator */
    int rank;                      /* mine */
    int lr[MP_COLL_SHM_MAX_RANKS]; /* local index of each rank */
} mp_coll_shm_t;

/* Whether the blocking collectives of comm take the fast paths: an intracommunicator of 2 or
 * more ranks, all on this node, with node memory, none of them at MPI_THREAD_MULTIPLE or with
 * MP_COLL_SHM=0 (each rank publishes that in node memory at its first call; a rank's first call
 * on a communicator may wait for the others to do so). Fills *v if so. The answer is the same on
 * every rank of comm. */
bool mp_coll_shm_open(const mp_comm_t *comm, mp_coll_shm_t *v);

/* Whether a reduction of count elements of dt may go through node memory (the same on every
 * rank, whose counts and types the standard makes equal): contiguous data. */
bool mp_coll_shm_reduce_fits(size_t count, const mp_datatype_t *dt);

/* The collectives, blocking; arguments as in coll.h (checked by the API layer). Where a call
 * sets *pt2pt_p, nothing moved, on every rank alike, and the caller runs the point-to-point
 * algorithm (coll.h) instead: data too large for the slots where single copy does not work. */
mp_status_t mp_coll_shm_barrier(const mp_coll_shm_t *v);
/* MP_ERR_TRUNCATE at a rank whose buffer is smaller than the root's data (the data that fits is
 * delivered; the collective still completes everywhere). From MP_COLL_SHM_BCAST_MAX bytes on
 * (the root's count decides, and tells the others), point-to-point transfers (single copy,
 * shared by the root and each receiver) beat the slots and copies out of the root's buffer. */
mp_status_t mp_coll_shm_bcast(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root, bool *pt2pt_p);
/* Reduce to root, or with all, allreduce (root unused): the result is a0 op a1 op ... op a(p-1)
 * in rank order, each part computed once and copied, so it is the same bits on every rank. */
mp_status_t mp_coll_shm_reduce(const mp_coll_shm_t *v, const void *sbuf, void *rbuf, size_t count,
                               const mp_datatype_t *dt, const mp_op_t *op, int root, bool all,
                               bool *pt2pt_p);
/* The single-copy reduce-scatter behind mp_coll_shm_reduce for large data (shm_reduce_copy.c),
 * where mp_coll_shm_single_copy. */
mp_status_t mp_coll_shm_reduce_copy(const mp_coll_shm_t *v, const void *sbuf, void *rbuf,
                                    size_t count, const mp_datatype_t *dt, const mp_op_t *op,
                                    int root, bool all);

/* The reduce of two ranks by single copy behind mp_coll_shm_reduce for large data
 * (shm_reduce_pair.c): the root and the other rank each move half of the other's data. */
mp_status_t mp_coll_shm_reduce_pair(const mp_coll_shm_t *v, const void *sbuf, void *rbuf,
                                    size_t count, const mp_datatype_t *dt, const mp_op_t *op,
                                    int root);

/* Allreduce through the slots (shm_allreduce_slots.c): a reduce-scatter in which each rank folds
 * its segment of every rank's slots in rank order, then every rank copies each folded segment;
 * in rounds of all the slots where they do not hold all the data. For elements no larger
 * than a slot (mp_coll_shm_allreduce_slots_fits, the same on every rank); mine is the data (it
 * may be out: in place). */
bool mp_coll_shm_allreduce_slots_fits(const mp_datatype_t *dt);
mp_status_t mp_coll_shm_allreduce_slots(const mp_coll_shm_t *v, const unsigned char *mine,
                                        unsigned char *out, size_t count, const mp_datatype_t *dt,
                                        const mp_op_t *op);

/* Allgather of blocks of rcount elements of rdt. */
mp_status_t mp_coll_shm_allgather(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                  const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                  const mp_datatype_t *rdt, bool *pt2pt_p);
/* Alltoall of blocks of rcount elements of rdt. */
mp_status_t mp_coll_shm_alltoall(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                 const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                 const mp_datatype_t *rdt, bool *pt2pt_p);

/* ---- The steps the algorithms are made of (shm.c); lr is a local index ---- */

/* A post as its consumer sees it, in the poster's node memory: an 8-byte header and its data,
 * 8-byte aligned (copy it where an operand needs more). Posts are packed in the queue, 16
 * bytes for up to 8 bytes of data, so that a line carries up to four of them. */
typedef struct mp_coll_shm_post {
    _Atomic uint32_t seq; /* the post's number on its queue, from 1 (modulo 2^32) */
    int16_t slot;         /* the poster's slot it names, or -1, or a mark < -1 */
    uint16_t len;         /* bytes of data */
    unsigned char data[]; /* len bytes */
} mp_coll_shm_post_t;

/* Bytes from which a broadcast takes the point-to-point path (MP_COLL_SHM_BCAST_MAX). */
size_t mp_coll_shm_bcast_max(void);

/* Takes one of my slots for writing: waits until every post naming it was consumed. Returns
 * the slot's number (0 or 1). */
int mp_coll_shm_slot_take(void);

/* The data of slot s of local rank lr (mine included): MP_COLL_SHM_SLOT_BYTES bytes. */
unsigned char *mp_coll_shm_slot(int lr, int s);

/* Posts to lr: slot s (or -1, or a mark below -1 that the algorithm gives a meaning) and len <=
 * MP_COLL_SHM_INLINE bytes of data (copied). Waits first while lr's queue is full; wakes lr if it
 * sleeps waiting for this. */
void mp_coll_shm_post(int lr, int s, const void *data, size_t len);

/* The same for a post that names several of my slots at once: slots is a mask of them (not 0),
 * each kept from rewriting until lr acknowledged the post; the post's slot field names the
 * lowest, and the data says which holds what. */
void mp_coll_shm_post_slots(int lr, unsigned slots, const void *data, size_t len);

/* Waits for lr's next post to me. It stays valid (and names its slot's data) until
 * mp_coll_shm_ack. */
const mp_coll_shm_post_t *mp_coll_shm_wait(int lr);

/* Done with lr's oldest post: tells lr and wakes it if it sleeps waiting for this. */
void mp_coll_shm_ack(int lr);

/* ---- Single copy (shm.c): peers copy straight out of each other's buffers ---- */

/* Whether a collective of bytes bytes (the same on every rank) on v takes its single-copy
 * algorithm: every rank of v may copy out of every other's memory in one copy (the kernel
 * allows it, and MP_SHM_SINGLE_COPY is not 0), and bytes reaches own_min, or shared_min where
 * a rank of v shares its cores with others (measured switch points), or MP_COLL_SHM_COPY_MIN
 * for all when it is set. The same answer on every rank of v. May wait, once per rank, for
 * ranks that have not used node memory yet. */
bool mp_coll_shm_single_copy(const mp_coll_shm_t *v, size_t bytes, size_t own_min,
                             size_t shared_min);

/* Whether a rank of v shares its cores with other ranks (the same answer on every rank of v). */
bool mp_coll_shm_shared(const mp_coll_shm_t *v);

/* Copies len bytes at address remote of local rank lr (mine too: a memcpy) into local.
 * Blocking; MP_ERR_SYSCALL, logged, when the kernel refuses. */
mp_status_t mp_coll_shm_get(int lr, void *local, uint64_t remote, size_t len);

/* Copies len bytes of local to address remote of local rank lr (mine too: a memcpy), likewise;
 * single copy grants writing wherever it grants reading. */
mp_status_t mp_coll_shm_put(int lr, const void *local, uint64_t remote, size_t len);

/* Waits until lr consumed every post I made to it: after a post that named one of my buffers,
 * lr no longer reads that buffer once it acknowledged the post. */
void mp_coll_shm_drain(int lr);

/* Scratch memory of at least bytes bytes, kept for the next call (a blocking collective uses
 * it, and none runs inside another); NULL when there is no memory. Freed by mp_coll_shm_fini,
 * at MPI_Finalize. */
unsigned char *mp_coll_shm_scratch(size_t bytes);
void mp_coll_shm_fini(void);

/* What a post that names a buffer carries: where the data is in the poster's memory. */
typedef struct mp_coll_shm_addr {
    uint64_t addr;  /* the first byte, in the poster's address space */
    uint64_t bytes; /* how many there are */
} mp_coll_shm_addr_t;

/* Data of mine that peers copy out of: the user's buffer itself when it is contiguous, else a
 * packed copy (shm_copy.c). */
typedef struct mp_coll_shm_src {
    const unsigned char *base; /* the packed bytes */
    void *tmp;                 /* the copy to free, or NULL */
} mp_coll_shm_src_t;

/* Sets src to bytes bytes of the stream of count elements of dt at buf, from byte offset off:
 * a packed copy when dt is not contiguous or copy says so (the caller overwrites buf while
 * peers read). MP_ERR_NOMEM when a copy is needed and there is no memory for it. */
mp_status_t mp_coll_shm_src_init(mp_coll_shm_src_t *src, const void *buf, size_t count,
                                 const mp_datatype_t *dt, size_t off, size_t bytes, bool copy);
void mp_coll_shm_src_fini(mp_coll_shm_src_t *src);

/* Copies bytes bytes at remote in local rank lr (mine too) to offset off of the stream of count
 * elements of dt at buf: straight into place when dt is contiguous, else through a bounce
 * buffer. Blocking; MP_ERR_SYSCALL or MP_ERR_NOMEM (logged) on failure. */
mp_status_t mp_coll_shm_get_into(int lr, uint64_t remote, size_t bytes, void *buf, size_t count,
                                 const mp_datatype_t *dt, size_t off);

#endif
