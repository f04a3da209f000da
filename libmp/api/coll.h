/*
 * The collective calls' shared implementation: one function per collective checks every
 * argument and builds the schedule, then runs it (blocking: request NULL) or starts it
 * (nonblocking). coll.c (blocking), icoll.c (nonblocking) and the _c forms are thin wrappers.
 */
#ifndef MP_API_COLL_H
#define MP_API_COLL_H

#include <stdbool.h>

#include "api/api.h"

/* How the caller gave its count and displacement arrays: int (classic) or MPI_Count and
 * MPI_Aint (the large-count _c forms). */
typedef enum mp_api_width {
    MP_API_INT,
    MP_API_BIG,
} mp_api_width_t;

/* What a call does once its arguments are checked. */
typedef enum mp_api_coll_mode {
    MP_API_COLL_BLOCKING,    /* runs the collective to completion; request is NULL */
    MP_API_COLL_NONBLOCKING, /* starts it and sets *request */
    MP_API_COLL_CHECK,       /* only checks (persistent init): nothing moves, request unused */
} mp_api_coll_mode_t;

/* Every function returns an MPI error class, reported for call on comm. */
int mp_api_coll_barrier(const char *call, MPI_Comm comm, mp_api_coll_mode_t mode,
                        MPI_Request *request);
int mp_api_coll_bcast(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype, int root,
                      MPI_Comm comm, mp_api_coll_mode_t mode, MPI_Request *request);
/* Gather (is_scatter false) and scatter, and their v-forms (v). */
int mp_api_coll_gather(const char *call, bool is_scatter, const void *sendbuf, MPI_Count sendcount,
                       MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                       MPI_Datatype recvtype, const void *vcounts, const void *vdispls, bool v,
                       mp_api_width_t width, int root, MPI_Comm comm, mp_api_coll_mode_t mode,
                       MPI_Request *request);
/* Allgather, and allgatherv (v). */
int mp_api_coll_allgather(const char *call, const void *sendbuf, MPI_Count sendcount,
                          MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                          const void *rcounts, const void *displs, bool v, mp_api_width_t width,
                          MPI_Datatype recvtype, MPI_Comm comm, mp_api_coll_mode_t mode,
                          MPI_Request *request);
int mp_api_coll_alltoall(const char *call, const void *sendbuf, MPI_Count sendcount,
                         MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                         MPI_Datatype recvtype, MPI_Comm comm, mp_api_coll_mode_t mode,
                         MPI_Request *request);
/* Alltoallv (one send and one receive type, displacements in elements) and alltoallw (types
 * per peer: w, displacements in bytes). */
int mp_api_coll_alltoallw(const char *call, const void *sendbuf, const void *sendcounts,
                          const void *sdispls, MPI_Datatype sendtype, const MPI_Datatype *sendtypes,
                          void *recvbuf, const void *recvcounts, const void *rdispls,
                          MPI_Datatype recvtype, const MPI_Datatype *recvtypes, bool w,
                          mp_api_width_t width, MPI_Comm comm, mp_api_coll_mode_t mode,
                          MPI_Request *request);

/* The reductions. */
typedef enum mp_api_red_kind {
    MP_API_RED_REDUCE,
    MP_API_RED_ALLREDUCE,
    MP_API_RED_SCAN,
    MP_API_RED_EXSCAN,
} mp_api_red_kind_t;
int mp_api_coll_reduce(const char *call, mp_api_red_kind_t kind, const void *sendbuf, void *recvbuf,
                       MPI_Count count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                       mp_api_coll_mode_t mode, MPI_Request *request);
/* Reduce_scatter (v: recvcounts) and reduce_scatter_block (every rank gets block). */
int mp_api_coll_reduce_scatter(const char *call, const void *sendbuf, void *recvbuf,
                               const void *recvcounts, MPI_Count block, bool v,
                               mp_api_width_t width, MPI_Datatype datatype, MPI_Op op,
                               MPI_Comm comm, mp_api_coll_mode_t mode, MPI_Request *request);

/* ---- Persistent collectives (coll_persist.c) ---- */

typedef enum mp_api_saved_kind {
    MP_API_SAVED_BARRIER,
    MP_API_SAVED_BCAST,
    MP_API_SAVED_GATHER, /* gather, scatter and their v-forms */
    MP_API_SAVED_ALLGATHER,
    MP_API_SAVED_ALLTOALL,
    MP_API_SAVED_ALLTOALLW, /* alltoallv and alltoallw */
    MP_API_SAVED_REDUCE,    /* reduce, allreduce, scan, exscan */
    MP_API_SAVED_REDSCAT,   /* reduce_scatter and reduce_scatter_block */
    MP_API_SAVED_NEIGHBOR,  /* the neighbourhood collectives (neighbor.c), of shape nbr */
} mp_api_saved_kind_t;

/* Which neighbourhood collective a saved one is. */
typedef enum mp_api_nbr_shape {
    MP_API_NBR_ALLGATHER,
    MP_API_NBR_ALLGATHERV,
    MP_API_NBR_ALLTOALL,
    MP_API_NBR_ALLTOALLV,
    MP_API_NBR_ALLTOALLW,
} mp_api_nbr_shape_t;

/* The arguments of a persistent collective, as MPI_X_init took them. Arrays are the user's:
 * the standard forbids changing them until the request is freed. */
typedef struct mp_api_coll_saved {
    mp_api_saved_kind_t which;
    const char *call;
    const void *sbuf;
    void *rbuf;
    MPI_Count scount, rcount;
    MPI_Datatype stype, rtype;
    const void *scounts, *sdispls, *rcounts, *rdispls;
    const MPI_Datatype *stypes, *rtypes;
    bool v, w, is_scatter;
    mp_api_width_t width;
    mp_api_red_kind_t red;
    MPI_Op op;
    int root;
    MPI_Comm comm;
    mp_api_nbr_shape_t nbr;
    /* The collective tags (comm->coll_seq, and its local communicator's for an intercomm) that
     * the init call took: every start uses them again, so that starts match by the order of the
     * init calls, whatever order the ranks start them in (MPI 4.0, 6.13). */
    uint32_t seq, local_seq;
} mp_api_coll_saved_t;

/* Checks the saved arguments and creates an inactive persistent request that starts them. */
int mp_api_coll_persistent_init(const mp_api_coll_saved_t *saved, MPI_Request *request);

/* Checks (mode MP_API_COLL_CHECK) or starts (MP_API_COLL_NONBLOCKING) a saved neighbourhood
 * collective (neighbor.c). Returns an MPI error class. */
int mp_api_neighbor_saved_run(const mp_api_coll_saved_t *saved, mp_api_coll_mode_t mode,
                              MPI_Request *request);

#endif
