/*
 * The blocking collective operations and their large-count (_c) forms: each checks and runs
 * its schedule through api/coll_impl.c, which waits for it to complete.
 */
#include "api/coll.h"

#pragma weak MPI_Barrier = PMPI_Barrier
int PMPI_Barrier(MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_barrier("MPI_Barrier", comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Bcast = PMPI_Bcast
int PMPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_bcast("MPI_Bcast", buffer, count, datatype, root, comm, MP_API_COLL_BLOCKING,
                             NULL);
}

#pragma weak MPI_Bcast_c = PMPI_Bcast_c
int PMPI_Bcast_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_bcast("MPI_Bcast_c", buffer, count, datatype, root, comm,
                             MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Gather = PMPI_Gather
int PMPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Gather", false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                              recvtype, NULL, NULL, false, MP_API_INT, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Gather_c = PMPI_Gather_c
int PMPI_Gather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                  MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Gather_c", false, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_BIG, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Gatherv = PMPI_Gatherv
int PMPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                 MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Gatherv", false, sendbuf, sendcount, sendtype, recvbuf, 0,
                              recvtype, recvcounts, displs, true, MP_API_INT, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Gatherv_c = PMPI_Gatherv_c
int PMPI_Gatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   const MPI_Count recvcounts[], const MPI_Aint displs[], MPI_Datatype recvtype,
                   int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Gatherv_c", false, sendbuf, sendcount, sendtype, recvbuf, 0,
                              recvtype, recvcounts, displs, true, MP_API_BIG, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scatter = PMPI_Scatter
int PMPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Scatter", true, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                              recvtype, NULL, NULL, false, MP_API_INT, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scatter_c = PMPI_Scatter_c
int PMPI_Scatter_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Scatter_c", true, sendbuf, sendcount, sendtype, recvbuf,
                              recvcount, recvtype, NULL, NULL, false, MP_API_BIG, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scatterv = PMPI_Scatterv
int PMPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                  MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                  int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Scatterv", true, sendbuf, 0, sendtype, recvbuf, recvcount,
                              recvtype, sendcounts, displs, true, MP_API_INT, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scatterv_c = PMPI_Scatterv_c
int PMPI_Scatterv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                    MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                    MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_gather("MPI_Scatterv_c", true, sendbuf, 0, sendtype, recvbuf, recvcount,
                              recvtype, sendcounts, displs, true, MP_API_BIG, root, comm,
                              MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allgather = PMPI_Allgather
int PMPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Allgather", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                 NULL, NULL, false, MP_API_INT, recvtype, comm,
                                 MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allgather_c = PMPI_Allgather_c
int PMPI_Allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                     MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Allgather_c", sendbuf, sendcount, sendtype, recvbuf,
                                 recvcount, NULL, NULL, false, MP_API_BIG, recvtype, comm,
                                 MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allgatherv = PMPI_Allgatherv
int PMPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                    const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                    MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Allgatherv", sendbuf, sendcount, sendtype, recvbuf, 0,
                                 recvcounts, displs, true, MP_API_INT, recvtype, comm,
                                 MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allgatherv_c = PMPI_Allgatherv_c
int PMPI_Allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                      void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                      MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_allgather("MPI_Allgatherv_c", sendbuf, sendcount, sendtype, recvbuf, 0,
                                 recvcounts, displs, true, MP_API_BIG, recvtype, comm,
                                 MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoall = PMPI_Alltoall
int PMPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoall("MPI_Alltoall", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                recvtype, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoall_c = PMPI_Alltoall_c
int PMPI_Alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoall("MPI_Alltoall_c", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                                recvtype, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoallv = PMPI_Alltoallv
int PMPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                   MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                   const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Alltoallv", sendbuf, sendcounts, sdispls, sendtype, NULL,
                                 recvbuf, recvcounts, rdispls, recvtype, NULL, false, MP_API_INT,
                                 comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoallv_c = PMPI_Alltoallv_c
int PMPI_Alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                     MPI_Datatype sendtype, void *recvbuf, const MPI_Count recvcounts[],
                     const MPI_Aint rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Alltoallv_c", sendbuf, sendcounts, sdispls, sendtype, NULL,
                                 recvbuf, recvcounts, rdispls, recvtype, NULL, false, MP_API_BIG,
                                 comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoallw = PMPI_Alltoallw
int PMPI_Alltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                   const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                   const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Alltoallw", sendbuf, sendcounts, sdispls, MPI_DATATYPE_NULL,
                                 sendtypes, recvbuf, recvcounts, rdispls, MPI_DATATYPE_NULL,
                                 recvtypes, true, MP_API_INT, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Alltoallw_c = PMPI_Alltoallw_c
int PMPI_Alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                     const MPI_Datatype sendtypes[], void *recvbuf, const MPI_Count recvcounts[],
                     const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_alltoallw("MPI_Alltoallw_c", sendbuf, sendcounts, sdispls, MPI_DATATYPE_NULL,
                                 sendtypes, recvbuf, recvcounts, rdispls, MPI_DATATYPE_NULL,
                                 recvtypes, true, MP_API_BIG, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Reduce = PMPI_Reduce
int PMPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Reduce", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype,
                              op, root, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Reduce_c = PMPI_Reduce_c
int PMPI_Reduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                  MPI_Op op, int root, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Reduce_c", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype,
                              op, root, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allreduce = PMPI_Allreduce
int PMPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                   MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Allreduce", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                              datatype, op, 0, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Allreduce_c = PMPI_Allreduce_c
int PMPI_Allreduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Allreduce_c", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                              datatype, op, 0, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Reduce_scatter_block = PMPI_Reduce_scatter_block
int PMPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                              MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Reduce_scatter_block", sendbuf, recvbuf, NULL, recvcount,
                                      false, MP_API_INT, datatype, op, comm, MP_API_COLL_BLOCKING,
                                      NULL);
}

#pragma weak MPI_Reduce_scatter_block_c = PMPI_Reduce_scatter_block_c
int PMPI_Reduce_scatter_block_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Reduce_scatter_block_c", sendbuf, recvbuf, NULL,
                                      recvcount, false, MP_API_BIG, datatype, op, comm,
                                      MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Reduce_scatter = PMPI_Reduce_scatter
int PMPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                        MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Reduce_scatter", sendbuf, recvbuf, recvcounts, 0, true,
                                      MP_API_INT, datatype, op, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Reduce_scatter_c = PMPI_Reduce_scatter_c
int PMPI_Reduce_scatter_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce_scatter("MPI_Reduce_scatter_c", sendbuf, recvbuf, recvcounts, 0, true,
                                      MP_API_BIG, datatype, op, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scan = PMPI_Scan
int PMPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
              MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Scan", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op, 0,
                              comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Scan_c = PMPI_Scan_c
int PMPI_Scan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Scan_c", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op,
                              0, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Exscan = PMPI_Exscan
int PMPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Exscan", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype,
                              op, 0, comm, MP_API_COLL_BLOCKING, NULL);
}

#pragma weak MPI_Exscan_c = PMPI_Exscan_c
int PMPI_Exscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                  MPI_Op op, MPI_Comm comm)
{
    MP_API_LOCK();
    return mp_api_coll_reduce("MPI_Exscan_c", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype,
                              op, 0, comm, MP_API_COLL_BLOCKING, NULL);
}
