/*
 * Collective operations below the API. A collective is built as a schedule: rounds of sends,
 * receives and local copies or reductions on a context of its own (the communicator's
 * context_id + 1) with a tag of its own (comm->coll_seq), so that any number of collectives
 * may be in flight on one communicator. A blocking collective runs its schedule to completion;
 * a nonblocking one hands back an MP_REQ_COLL request that progress completes.
 *
 * Arguments are trusted: the API layer has checked them. Ranks are ranks of comm. Buffers may
 * be MPI_IN_PLACE where the standard allows it. Counts and displacements are in elements of the
 * datatype given with them.
 */
#ifndef MP_COLL_H
#define MP_COLL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/comm.h"
#include "core/datatype.h"
#include "core/status.h"
#include "pt2pt/request.h"

/* Reductions use the op module when the tree has it (core/op.h, written in parallel). */
#if defined(__has_include)
#if __has_include("core/op.h")
#define MP_COLL_HAVE_OP 1
#include "core/op.h"
#endif
#endif
#ifndef MP_COLL_HAVE_OP
#define MP_COLL_HAVE_OP 0
typedef struct mp_op mp_op_t;
#endif

/* ---- Schedules (sched.c) ---- */

typedef struct mp_coll_sched mp_coll_sched_t;

/* A new, empty schedule for one collective call on comm; takes the call's tag from
 * comm->coll_seq. Every rank of comm must create its schedules in the same order. */
mp_status_t mp_coll_sched_create(mp_comm_t *comm, mp_coll_sched_t **s_p);

/* Makes s run each step as it is added instead of recording it (a fence waits for the round
 * before it): what a blocking collective wants, with none of the recording's cost. The same
 * builders then serve both; mp_coll_sched_run finishes the last round. Call it right after
 * create. */
void mp_coll_sched_set_immediate(mp_coll_sched_t *s);

/* Intercommunicators: the sends and receives added from now on address ranks of the local group
 * (local true: on the local communicator's collective context) or of the remote group (false,
 * the default). The intracommunicator builders below then serve as the steps inside a group:
 * mp_coll_sched_comm's rank and size are those of the local group. */
void mp_coll_sched_set_local(mp_coll_sched_t *s, bool local);

/* The communicator the schedule was created on. */
const mp_comm_t *mp_coll_sched_comm(const mp_coll_sched_t *s);

/* Frees a schedule that was never started (building it failed). */
void mp_coll_sched_destroy(mp_coll_sched_t *s);

/* Steps. They run in the order they were added; a round's sends and receives are all started
 * together, and the next round starts when every one of them has completed. Adding returns
 * nothing: an allocation failure is remembered and returned by start or run. */
void mp_coll_sched_send(mp_coll_sched_t *s, const void *buf, size_t count, const mp_datatype_t *dt,
                        int peer);
void mp_coll_sched_recv(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                        int peer);
/* Copies the data of (scount, sdt) at src into (rcount, rdt) at dst: the type signatures may
 * differ, the byte counts must fit (the data is truncated to dst's size otherwise). */
void mp_coll_sched_copy(mp_coll_sched_t *s, const void *src, size_t scount,
                        const mp_datatype_t *sdt, void *dst, size_t rcount,
                        const mp_datatype_t *rdt);
/* inout = in op inout (in is the left operand), count elements of dt. */
void mp_coll_sched_reduce(mp_coll_sched_t *s, const void *in, void *inout, size_t count,
                          const mp_datatype_t *dt, const mp_op_t *op);
/* Ends the current round. */
void mp_coll_sched_fence(mp_coll_sched_t *s);

/* A buffer for count elements of dt laid out as in user memory (extent apart), owned by the
 * schedule and freed with it. NULL (and the failure remembered) when out of memory. */
void *mp_coll_sched_tmp(mp_coll_sched_t *s, size_t count, const mp_datatype_t *dt);

/* MPI_BYTE, for packed data. */
const mp_datatype_t *mp_coll_byte(void);

/* Starts a built schedule and hands back its request (MP_REQ_COLL), which completes when every
 * step has run; the schedule frees itself then. On failure nothing was started. */
mp_status_t mp_coll_sched_start(mp_coll_sched_t *s, mp_request_t **req_p);

/* Runs a built schedule to completion (blocking) and frees it. Returns the first failure of
 * its steps (MP_ERR_TRUNCATE: a peer sent more than the buffer holds). */
mp_status_t mp_coll_sched_run(mp_coll_sched_t *s);

/* ---- Algorithms: each adds the steps of one collective to a new schedule ---- */

void mp_coll_barrier(mp_coll_sched_t *s);
void mp_coll_bcast(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt, int root);
void mp_coll_gather(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                    void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root);
void mp_coll_gatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, const size_t *rcounts, const ptrdiff_t *displs,
                     const mp_datatype_t *rdt, int root);
void mp_coll_scatter(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root);
void mp_coll_scatterv(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                      const ptrdiff_t *displs, const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                      const mp_datatype_t *rdt, int root);
void mp_coll_allgather(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                       const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                       const mp_datatype_t *rdt);
void mp_coll_allgatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                        const mp_datatype_t *sdt, void *rbuf, const size_t *rcounts,
                        const ptrdiff_t *displs, const mp_datatype_t *rdt);
void mp_coll_alltoall(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                      void *rbuf, size_t rcount, const mp_datatype_t *rdt);
/* Alltoallv and alltoallw in one: per-peer types (sdts[i], rdts[i]) and displacements in bytes
 * when bytes_displs (alltoallw), in elements of the peer's type otherwise. */
void mp_coll_alltoallw(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                       const ptrdiff_t *sdispls, const mp_datatype_t *const *sdts, void *rbuf,
                       const size_t *rcounts, const ptrdiff_t *rdispls,
                       const mp_datatype_t *const *rdts, bool bytes_displs);
void mp_coll_reduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                    const mp_datatype_t *dt, const mp_op_t *op, bool commutative, int root);
void mp_coll_allreduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                       const mp_datatype_t *dt, const mp_op_t *op, bool commutative);
/* Reduce_scatter (rcounts per rank) and reduce_scatter_block (every rcounts[i] the same). */
void mp_coll_reduce_scatter(mp_coll_sched_t *s, const void *sbuf, void *rbuf, const size_t *rcounts,
                            const mp_datatype_t *dt, const mp_op_t *op, bool commutative);
void mp_coll_scan(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                  const mp_datatype_t *dt, const mp_op_t *op, bool exclusive);

/* ---- Intercommunicators (inter.c) ----
 * Ranks named root are ranks of the remote group; rooted calls take is_root (this rank is the
 * root: MPI_ROOT) and in_root_group (the root is in my group: MPI_ROOT or MPI_PROC_NULL). Per-peer
 * arrays (counts, displacements, types) have one entry per rank of the remote group, except
 * rcounts of reduce_scatter, which has one per rank of the local group. Reductions deliver to
 * each group the reduction of the other group's data, in the other group's rank order. */

typedef struct mp_coll_root {
    int root;           /* the root's rank in the remote group, when it is there */
    bool is_root;       /* this rank passed MPI_ROOT */
    bool in_root_group; /* this rank passed MPI_ROOT or MPI_PROC_NULL */
} mp_coll_root_t;

void mp_coll_inter_barrier(mp_coll_sched_t *s);
void mp_coll_inter_bcast(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                         mp_coll_root_t root);
/* Gather and scatter in one: at the root, many (counts[i] elements at displs[i] for remote rank
 * i) is received into (gather) or sent from (scatter); elsewhere one block moves. */
void mp_coll_inter_gatherv(mp_coll_sched_t *s, bool is_scatter, void *many, const size_t *counts,
                           const ptrdiff_t *displs, const mp_datatype_t *many_dt, void *one,
                           size_t one_count, const mp_datatype_t *one_dt, mp_coll_root_t root);
void mp_coll_inter_reduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                          const mp_datatype_t *dt, const mp_op_t *op, bool commutative,
                          mp_coll_root_t root);
void mp_coll_inter_allreduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                             const mp_datatype_t *dt, const mp_op_t *op, bool commutative);
/* Allgather(v): my scount elements go to every remote rank; remote rank i's land at displs[i]. */
void mp_coll_inter_allgatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                              const mp_datatype_t *sdt, void *rbuf, const size_t *rcounts,
                              const ptrdiff_t *displs, const mp_datatype_t *rdt);
/* Displacements in bytes when bytes_displs (alltoallw), in elements otherwise. */
void mp_coll_inter_alltoallw(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                             const ptrdiff_t *sdispls, const mp_datatype_t *const *sdts, void *rbuf,
                             const size_t *rcounts, const ptrdiff_t *rdispls,
                             const mp_datatype_t *const *rdts, bool bytes_displs);
void mp_coll_inter_reduce_scatter(mp_coll_sched_t *s, const void *sbuf, void *rbuf,
                                  const size_t *rcounts, const mp_datatype_t *dt, const mp_op_t *op,
                                  bool commutative);

#endif
