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

/* Every function returns an MPI error class, reported for call on comm. A nonblocking call
 * passes nb true and its request argument; a blocking one nb false and NULL. */
int mp_api_coll_barrier(const char *call, MPI_Comm comm, bool nb, MPI_Request *request);
int mp_api_coll_bcast(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype, int root,
                      MPI_Comm comm, bool nb, MPI_Request *request);
/* Gather (is_scatter false) and scatter, and their v-forms (v). */
int mp_api_coll_gather(const char *call, bool is_scatter, const void *sendbuf, MPI_Count sendcount,
                       MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                       MPI_Datatype recvtype, const void *vcounts, const void *vdispls, bool v,
                       mp_api_width_t width, int root, MPI_Comm comm, bool nb,
                       MPI_Request *request);
/* Allgather, and allgatherv (v). */
int mp_api_coll_allgather(const char *call, const void *sendbuf, MPI_Count sendcount,
                          MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                          const void *rcounts, const void *displs, bool v, mp_api_width_t width,
                          MPI_Datatype recvtype, MPI_Comm comm, bool nb, MPI_Request *request);
int mp_api_coll_alltoall(const char *call, const void *sendbuf, MPI_Count sendcount,
                         MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                         MPI_Datatype recvtype, MPI_Comm comm, bool nb, MPI_Request *request);
/* Alltoallv (one send and one receive type, displacements in elements) and alltoallw (types
 * per peer: w, displacements in bytes). */
int mp_api_coll_alltoallw(const char *call, const void *sendbuf, const void *sendcounts,
                          const void *sdispls, MPI_Datatype sendtype, const MPI_Datatype *sendtypes,
                          void *recvbuf, const void *recvcounts, const void *rdispls,
                          MPI_Datatype recvtype, const MPI_Datatype *recvtypes, bool w,
                          mp_api_width_t width, MPI_Comm comm, bool nb, MPI_Request *request);

/* The reductions. */
typedef enum mp_api_red_kind {
    MP_API_RED_REDUCE,
    MP_API_RED_ALLREDUCE,
    MP_API_RED_SCAN,
    MP_API_RED_EXSCAN,
} mp_api_red_kind_t;
int mp_api_coll_reduce(const char *call, mp_api_red_kind_t kind, const void *sendbuf, void *recvbuf,
                       MPI_Count count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                       bool nb, MPI_Request *request);
/* Reduce_scatter (v: recvcounts) and reduce_scatter_block (every rank gets block). */
int mp_api_coll_reduce_scatter(const char *call, const void *sendbuf, void *recvbuf,
                               const void *recvcounts, MPI_Count block, bool v,
                               mp_api_width_t width, MPI_Datatype datatype, MPI_Op op,
                               MPI_Comm comm, bool nb, MPI_Request *request);

#endif
