/*
 * Communicator objects. For now the two predefined ones exist; creation, groups and context-id
 * agreement come with the communicators work.
 */
#ifndef MP_CORE_COMM_H
#define MP_CORE_COMM_H

#include <stdint.h>

#define MP_COMM_NAME_MAX 128

typedef struct mp_comm {
    int rank;               /* my rank in this communicator */
    int size;               /* ranks in this communicator */
    uint32_t context_id;    /* distinguishes this communicator's messages on the wire */
    const int *world_ranks; /* job rank of each rank of this communicator; NULL: the same */
    char name[MP_COMM_NAME_MAX];
    /* The MPI_Errhandler handle attached by MPI_Comm_set_errhandler, as an integer so that core
     * need not see <mpi.h>; 0 (never set) means MPI_ERRORS_ARE_FATAL. Only api/ reads it. */
    uintptr_t errhandler;
    void *attrs;       /* attributes cached on the communicator; owned by api/ */
    void *topo;        /* the virtual topology (Cart, graph, dist graph), or NULL */
    void *info;        /* the hints set by MPI_Comm_set_info (an info object), or NULL */
    uint32_t coll_seq; /* collectives started on this communicator: tells their messages apart */
} mp_comm_t;

/* The job rank of comm's rank r. */
static inline int mp_comm_world_rank(const mp_comm_t *comm, int r)
{
    return comm->world_ranks != NULL ? comm->world_ranks[r] : r;
}

#endif
