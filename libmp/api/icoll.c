/*
 * The nonblocking collective operations (MPI_Ibarrier ... MPI_Iexscan) and their large-count
 * (_c) forms: each checks its arguments and starts a schedule; the request completes from
 * progress and is waited for like any other.
 */
#include "api/coll.h"

#pragma weak MPI_Ibarrier = PMPI_Ibarrier
int PMPI_Ibarrier(MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_barrier("MPI_Ibarrier", comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ibcast = PMPI_Ibcast
int PMPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
                MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_bcast("MPI_Ibcast", buffer, count, datatype, root, comm,
                             MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ibcast_c = PMPI_Ibcast_c
int PMPI_Ibcast_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm,
                  MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_bcast("MPI_Ibcast_c", buffer, count, datatype, root, comm,
                             MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Igather = PMPI_Igather
int PMPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                 MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Igather", false, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_INT, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Igather_c = PMPI_Igather_c
int PMPI_Igather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                   MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Igather_c", false, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_BIG, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Igatherv = PMPI_Igatherv
int PMPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                  MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Igatherv", false, sendbuf, sendcount, sendtype, recvbuf, 0,
                              recvtype, recvcounts, displs, true, MP_API_INT, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Igatherv_c = PMPI_Igatherv_c
int PMPI_Igatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    const MPI_Count recvcounts[], const MPI_Aint displs[], MPI_Datatype recvtype,
                    int root, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Igatherv_c", false, sendbuf, sendcount, sendtype, recvbuf, 0,
                              recvtype, recvcounts, displs, true, MP_API_BIG, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iscatter = PMPI_Iscatter
int PMPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                  MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Iscatter", true, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_INT, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iscatter_c = PMPI_Iscatter_c
int PMPI_Iscatter_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                    MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Iscatter_c", true, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_BIG, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iscatterv = PMPI_Iscatterv
int PMPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                   MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                   int root, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Iscatterv", true, sendbuf, 0, sendtype, recvbuf, recvcount,
                              recvtype, sendcounts, displs, true, MP_API_INT, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iscatterv_c = PMPI_Iscatterv_c
int PMPI_Iscatterv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                     MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                     MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Iscatterv_c", true, sendbuf, 0, sendtype, recvbuf, recvcount,
                              recvtype, sendcounts, displs, true, MP_API_BIG, root, comm,
                              MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallgather = PMPI_Iallgather
int PMPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                    int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Iallgather", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                 NULL, NULL, false, MP_API_INT, recvtype, comm,
                                 MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallgather_c = PMPI_Iallgather_c
int PMPI_Iallgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                      void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                      MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Iallgather_c", sendbuf, sendcount, sendtype, recvbuf,
                                 recvcount, NULL, NULL, false, MP_API_BIG, recvtype, comm,
                                 MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallgatherv = PMPI_Iallgatherv
int PMPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                     const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                     MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Iallgatherv", sendbuf, sendcount, sendtype, recvbuf, 0,
                                 recvcounts, displs, true, MP_API_INT, recvtype, comm,
                                 MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallgatherv_c = PMPI_Iallgatherv_c
int PMPI_Iallgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                       void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Iallgatherv_c", sendbuf, sendcount, sendtype, recvbuf, 0,
                                 recvcounts, displs, true, MP_API_BIG, recvtype, comm,
                                 MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ialltoall = PMPI_Ialltoall
int PMPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoall("MPI_Ialltoall", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                recvtype, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ialltoall_c = PMPI_Ialltoall_c
int PMPI_Ialltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                     MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                     MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoall("MPI_Ialltoall_c", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                recvtype, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ialltoallv = PMPI_Ialltoallv
int PMPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                    MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                    const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Ialltoallv", sendbuf, sendcounts, sdispls, sendtype, NULL,
                                 recvbuf, recvcounts, rdispls, recvtype, NULL, false, MP_API_INT,
                                 comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ialltoallv_c = PMPI_Ialltoallv_c
int PMPI_Ialltoallv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                      MPI_Datatype sendtype, void *recvbuf, const MPI_Count recvcounts[],
                      const MPI_Aint rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                      MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Ialltoallv_c", sendbuf, sendcounts, sdispls, sendtype, NULL,
                                 recvbuf, recvcounts, rdispls, recvtype, NULL, false, MP_API_BIG,
                                 comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ialltoallw = PMPI_Ialltoallw
int PMPI_Ialltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                    const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                    const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                    MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Ialltoallw", sendbuf, sendcounts, sdispls, MPI_DATATYPE_NULL,
                                 sendtypes, recvbuf, recvcounts, rdispls, MPI_DATATYPE_NULL,
                                 recvtypes, true, MP_API_INT, comm, MP_API_COLL_NONBLOCKING,
                                 request);
}

#pragma weak MPI_Ialltoallw_c = PMPI_Ialltoallw_c
int PMPI_Ialltoallw_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                      const MPI_Datatype sendtypes[], void *recvbuf, const MPI_Count recvcounts[],
                      const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                      MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Ialltoallw_c", sendbuf, sendcounts, sdispls,
                                 MPI_DATATYPE_NULL, sendtypes, recvbuf, recvcounts, rdispls,
                                 MPI_DATATYPE_NULL, recvtypes, true, MP_API_BIG, comm,
                                 MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ireduce = PMPI_Ireduce
int PMPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                 int root, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Ireduce", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype,
                              op, root, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ireduce_c = PMPI_Ireduce_c
int PMPI_Ireduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                   MPI_Op op, int root, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Ireduce_c", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype,
                              op, root, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallreduce = PMPI_Iallreduce
int PMPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                    MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iallreduce", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                              datatype, op, 0, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iallreduce_c = PMPI_Iallreduce_c
int PMPI_Iallreduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                      MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iallreduce_c", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                              datatype, op, 0, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ireduce_scatter_block = PMPI_Ireduce_scatter_block
int PMPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                               MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Ireduce_scatter_block", sendbuf, recvbuf, NULL,
                                      recvcount, false, MP_API_INT, datatype, op, comm,
                                      MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ireduce_scatter_block_c = PMPI_Ireduce_scatter_block_c
int PMPI_Ireduce_scatter_block_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                 MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                 MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Ireduce_scatter_block_c", sendbuf, recvbuf, NULL,
                                      recvcount, false, MP_API_BIG, datatype, op, comm,
                                      MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Ireduce_scatter = PMPI_Ireduce_scatter
int PMPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                         MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Ireduce_scatter", sendbuf, recvbuf, recvcounts, 0, true,
                                      MP_API_INT, datatype, op, comm, MP_API_COLL_NONBLOCKING,
                                      request);
}

#pragma weak MPI_Ireduce_scatter_c = PMPI_Ireduce_scatter_c
int PMPI_Ireduce_scatter_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                           MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Ireduce_scatter_c", sendbuf, recvbuf, recvcounts, 0,
                                      true, MP_API_BIG, datatype, op, comm, MP_API_COLL_NONBLOCKING,
                                      request);
}

#pragma weak MPI_Iscan = PMPI_Iscan
int PMPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iscan", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op,
                              0, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iscan_c = PMPI_Iscan_c
int PMPI_Iscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                 MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iscan_c", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op,
                              0, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iexscan = PMPI_Iexscan
int PMPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                 MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iexscan", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype,
                              op, 0, comm, MP_API_COLL_NONBLOCKING, request);
}

#pragma weak MPI_Iexscan_c = PMPI_Iexscan_c
int PMPI_Iexscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                   MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Iexscan_c", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype,
                              op, 0, comm, MP_API_COLL_NONBLOCKING, request);
}
