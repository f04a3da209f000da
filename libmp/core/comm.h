/*
 * Communicator objects: the group of processes, this process's rank, and the context ids that
 * keep their messages apart. Created ones are reference counted: the user's handle and every
 * request started on them hold a reference, so pending operations outlive MPI_Comm_free.
 */
#ifndef MP_CORE_COMM_H
#define MP_CORE_COMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "util/addr_span.h"

#define MP_COMM_NAME_MAX 128
#define MP_COMM_MAGIC 0x6d70636du /* "mpcm" */

/* Where the communicators mp_comm_create made lie (their handles are their addresses). */
extern mp_addr_span_t mp_comm_span;

/* Context ids come in pairs: id (point-to-point) and id + 1 (collectives). Pair p is id 2p;
 * MPI_COMM_WORLD is pair 0 and MPI_COMM_SELF pair 1. */
#define MP_COMM_CTX_PAIRS 4096
/* Pair 2 is reserved on every process for the hidden communicator over the job on which the
 * roots of MPI_Comm_accept/connect and MPI_Comm_join meet (comm/port.h). */
#define MP_COMM_CTX_PORTS 4
/* Pair 3 is reserved on every process for the link between the roots of two jobs that meet
 * (MPI_Comm_spawn's root and its children's rank 0, comm/dynamic.h). */
#define MP_COMM_CTX_LINK 6
#define MP_COMM_CTX_WORDS (MP_COMM_CTX_PAIRS / 64)

struct mp_group;

typedef struct mp_comm {
    uint32_t magic;      /* MP_COMM_MAGIC while the handle is valid */
    int rank;            /* my rank in this communicator (in the local group if inter) */
    int size;            /* ranks in this communicator (in the local group if inter) */
    uint32_t context_id; /* distinguishes this communicator's messages on the wire */
    /* Job rank of each rank that point-to-point names: the ranks of this communicator, or of the
     * remote group in an intercommunicator. NULL: the same as the job's ranks. */
    const int *world_ranks;
    /* The name MPI_Comm_set_name gave (when named) or, for messages only, a label such as "an
     * unnamed communicator" (MPI_Comm_get_name then returns ""). */
    char name[MP_COMM_NAME_MAX];
    /* The MPI_Errhandler handle attached by MPI_Comm_set_errhandler, as an integer so that core
     * need not see <mpi.h>; 0 (never set) means MPI_ERRORS_ARE_FATAL. Only api/ reads it. */
    uintptr_t errhandler;
    /* The session (an MPI_Session handle as an integer) the communicator derives from, through
     * the group of MPI_Comm_create_from_group or a parent; 0: the world model. Only api/ reads
     * it (the session's buffer for buffered sends). */
    uintptr_t session;
    void *attrs;       /* attributes cached on the communicator; owned by api/ */
    void *topo;        /* the virtual topology (Cart, graph, dist graph), or NULL */
    void *info;        /* the hints set by MPI_Comm_set_info (an info object), or NULL */
    void *bsend;       /* the buffer MPI_Comm_attach_buffer attached, or NULL; owned by api/ */
    uint32_t coll_seq; /* collectives started on this communicator: tells their messages apart */
    /* Lifetime and structure, owned by core/comm.c and libmp/comm/. */
    bool predefined;               /* MPI_COMM_WORLD, MPI_COMM_SELF: never destroyed */
    bool named;                    /* name was set by the user (or is predefined) */
    bool freed;                    /* MPI_Comm_free was called: destroyed at the last reference */
    int refcount;                  /* the handle, plus requests started on the communicator */
    bool is_inter;                 /* an intercommunicator */
    struct mp_group *group;        /* the (local) group */
    struct mp_group *remote_group; /* intercommunicators: the remote group; else NULL */
    /* Intercommunicators: an intracommunicator over the local group, with its own contexts, for
     * the agreements that building new communicators from this one needs. */
    struct mp_comm *local_comm;
} mp_comm_t;

/* The job rank of comm's rank r (of the remote group's rank r in an intercommunicator). */
static inline int mp_comm_world_rank(const mp_comm_t *comm, int r)
{
    return comm->world_ranks != NULL ? comm->world_ranks[r] : r;
}

/* The size of an intercommunicator's remote group. */
int mp_comm_remote_size(const mp_comm_t *comm);

/* The ranks a send's destination or a receive's source may name: comm's size, or the remote
 * group's size in an intercommunicator. */
static inline int mp_comm_peer_size(const mp_comm_t *comm)
{
    return comm->is_inter ? mp_comm_remote_size(comm) : comm->size;
}

/* A new communicator over group (retained), with my rank in it, context id context_id (taken
 * from the free ids by the caller), reference count 1, no name. remote is the remote group of
 * an intercommunicator (retained) or NULL. */
mp_status_t mp_comm_create(struct mp_group *group, struct mp_group *remote, uint32_t context_id,
                           mp_comm_t **comm_p);

/* Requests hold a reference to their communicator. */
static inline void mp_comm_retain(mp_comm_t *comm)
{
    comm->refcount++;
}

/* Drops a reference; the last one destroys a freed communicator and frees its context ids. */
void mp_comm_unref(mp_comm_t *comm);

/* Sets up world and self (with their groups) and the context-id table at MPI_Init; frees
 * them at MPI_Finalize. */
mp_status_t mp_comm_world_init(mp_comm_t *world, mp_comm_t *self, int rank, int size);
void mp_comm_world_fini(mp_comm_t *world, mp_comm_t *self);

/* The context-id table: a bit per pair, set while the pair is free on this process. */
void mp_comm_ctx_free_mask(uint64_t mask[MP_COMM_CTX_WORDS]);
/* Marks a pair (by its context id) in use, or free again. */
void mp_comm_ctx_take(uint32_t context_id);
void mp_comm_ctx_give(uint32_t context_id);

#endif
