/*
 * Persistent collective operations (MPI_Barrier_init ... MPI_Exscan_init) and their
 * large-count forms: each saves its arguments; coll_persist.c checks them now and starts a
 * nonblocking collective with them at every MPI_Start. The info hints are accepted and unused.
 */
#include "api/coll.h"

/* The reduction family (reduce, allreduce, scan, exscan): the same saved arguments. */
static int reduce_init(const char *call, mp_api_red_kind_t red, const void *sendbuf, void *recvbuf,
                       MPI_Count count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                       mp_api_width_t width, MPI_Request *request)
{
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_REDUCE,
                                 .red = red,
                                 .sbuf = sendbuf,
                                 .rbuf = recvbuf,
                                 .scount = count,
                                 .stype = datatype,
                                 .op = op,
                                 .root = root,
                                 .comm = comm,
                                 .width = width,
                                 .call = call};
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Barrier_init = PMPI_Barrier_init
int PMPI_Barrier_init(MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_BARRIER,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Barrier_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Bcast_init = PMPI_Bcast_init
int PMPI_Bcast_init(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
                    MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_BCAST,
                                 .rbuf = buffer,
                                 .rcount = count,
                                 .rtype = datatype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Bcast_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Bcast_init_c = PMPI_Bcast_init_c
int PMPI_Bcast_init_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm,
                      MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_BCAST,
                                 .rbuf = buffer,
                                 .rcount = count,
                                 .rtype = datatype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Bcast_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Gather_init = PMPI_Gather_init
int PMPI_Gather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                     int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                     MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Gather_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Gather_init_c = PMPI_Gather_init_c
int PMPI_Gather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                       void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                       MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Gather_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Gatherv_init = PMPI_Gatherv_init
int PMPI_Gatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                      MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .v = true,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Gatherv_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Gatherv_init_c = PMPI_Gatherv_init_c
int PMPI_Gatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                        void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                        MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .v = true,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Gatherv_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Scatter_init = PMPI_Scatter_init
int PMPI_Scatter_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                      MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .is_scatter = true,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Scatter_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Scatter_init_c = PMPI_Scatter_init_c
int PMPI_Scatter_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                        void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                        MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .is_scatter = true,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Scatter_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Scatterv_init = PMPI_Scatterv_init
int PMPI_Scatterv_init(const void *sendbuf, const int sendcounts[], const int displs[],
                       MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                       int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .is_scatter = true,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = displs,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .v = true,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Scatterv_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Scatterv_init_c = PMPI_Scatterv_init_c
int PMPI_Scatterv_init_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                         MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                         MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                         MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_GATHER,
                                 .is_scatter = true,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = displs,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .v = true,
                                 .root = root,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Scatterv_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Allgather_init = PMPI_Allgather_init
int PMPI_Allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                        int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Allgather_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Allgather_init_c = PMPI_Allgather_init_c
int PMPI_Allgather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                          void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                          MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Allgather_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Allgatherv_init = PMPI_Allgatherv_init
int PMPI_Allgatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                         const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                         MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .v = true,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Allgatherv_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Allgatherv_init_c = PMPI_Allgatherv_init_c
int PMPI_Allgatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                           void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                           MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                           MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .v = true,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Allgatherv_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoall_init = PMPI_Alltoall_init
int PMPI_Alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                       int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                       MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALL,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Alltoall_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoall_init_c = PMPI_Alltoall_init_c
int PMPI_Alltoall_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                         void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                         MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALL,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Alltoall_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoallv_init = PMPI_Alltoallv_init
int PMPI_Alltoallv_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                        MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                        const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                        MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Alltoallv_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoallv_init_c = PMPI_Alltoallv_init_c
int PMPI_Alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                          const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                          const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                          MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Alltoallv_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoallw_init = PMPI_Alltoallw_init
int PMPI_Alltoallw_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                        const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                        const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                        MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stypes = sendtypes,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtypes = recvtypes,
                                 .w = true,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Alltoallw_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Alltoallw_init_c = PMPI_Alltoallw_init_c
int PMPI_Alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                          const MPI_Aint sdispls[], const MPI_Datatype sendtypes[], void *recvbuf,
                          const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                          const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Info info,
                          MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stypes = sendtypes,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtypes = recvtypes,
                                 .w = true,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Alltoallw_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Reduce_init = PMPI_Reduce_init
int PMPI_Reduce_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                     MPI_Op op, int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Reduce_init", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype, op,
                       root, comm, MP_API_INT, request);
}

#pragma weak MPI_Reduce_init_c = PMPI_Reduce_init_c
int PMPI_Reduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                       MPI_Op op, int root, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Reduce_init_c", MP_API_RED_REDUCE, sendbuf, recvbuf, count, datatype,
                       op, root, comm, MP_API_BIG, request);
}

#pragma weak MPI_Allreduce_init = PMPI_Allreduce_init
int PMPI_Allreduce_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                        MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Allreduce_init", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                       datatype, op, 0, comm, MP_API_INT, request);
}

#pragma weak MPI_Allreduce_init_c = PMPI_Allreduce_init_c
int PMPI_Allreduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                          MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Allreduce_init_c", MP_API_RED_ALLREDUCE, sendbuf, recvbuf, count,
                       datatype, op, 0, comm, MP_API_BIG, request);
}

#pragma weak MPI_Reduce_scatter_block_init = PMPI_Reduce_scatter_block_init
int PMPI_Reduce_scatter_block_init(const void *sendbuf, void *recvbuf, int recvcount,
                                   MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_REDSCAT,
                                 .sbuf = sendbuf,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .stype = datatype,
                                 .op = op,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Reduce_scatter_block_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Reduce_scatter_block_init_c = PMPI_Reduce_scatter_block_init_c
int PMPI_Reduce_scatter_block_init_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                     MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                     MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_REDSCAT,
                                 .sbuf = sendbuf,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .stype = datatype,
                                 .op = op,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Reduce_scatter_block_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Reduce_scatter_init = PMPI_Reduce_scatter_init
int PMPI_Reduce_scatter_init(const void *sendbuf, void *recvbuf, const int recvcounts[],
                             MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                             MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_REDSCAT,
                                 .sbuf = sendbuf,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .v = true,
                                 .stype = datatype,
                                 .op = op,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Reduce_scatter_init"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Reduce_scatter_init_c = PMPI_Reduce_scatter_init_c
int PMPI_Reduce_scatter_init_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                               MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_REDSCAT,
                                 .sbuf = sendbuf,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .v = true,
                                 .stype = datatype,
                                 .op = op,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Reduce_scatter_init_c"};
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Scan_init = PMPI_Scan_init
int PMPI_Scan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Scan_init", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op, 0,
                       comm, MP_API_INT, request);
}

#pragma weak MPI_Scan_init_c = PMPI_Scan_init_c
int PMPI_Scan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Scan_init_c", MP_API_RED_SCAN, sendbuf, recvbuf, count, datatype, op, 0,
                       comm, MP_API_BIG, request);
}

#pragma weak MPI_Exscan_init = PMPI_Exscan_init
int PMPI_Exscan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Exscan_init", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                       0, comm, MP_API_INT, request);
}

#pragma weak MPI_Exscan_init_c = PMPI_Exscan_init_c
int PMPI_Exscan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                       MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    (void)info;
    return reduce_init("MPI_Exscan_init_c", MP_API_RED_EXSCAN, sendbuf, recvbuf, count, datatype,
                       op, 0, comm, MP_API_BIG, request);
}
