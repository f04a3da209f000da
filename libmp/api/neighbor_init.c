/*
 * Persistent neighbourhood collectives (MPI 4.1, 8.13): MPI_Neighbor_X_init checks its
 * arguments against the topology once and saves them in a persistent request; each MPI_Start
 * starts the nonblocking neighbourhood collective with them (neighbor.c).
 */
#include "api/coll.h"

#pragma weak MPI_Neighbor_allgather_init = PMPI_Neighbor_allgather_init
int PMPI_Neighbor_allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Neighbor_allgather_init"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_allgather_init_c = PMPI_Neighbor_allgather_init_c
int PMPI_Neighbor_allgather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                   void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLGATHER,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Neighbor_allgather_init_c"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_allgatherv_init = PMPI_Neighbor_allgatherv_init
int PMPI_Neighbor_allgatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, const int recvcounts[], const int displs[],
                                  MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                  MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLGATHERV,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Neighbor_allgatherv_init"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_allgatherv_init_c = PMPI_Neighbor_allgatherv_init_c
int PMPI_Neighbor_allgatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                    void *recvbuf, const MPI_Count recvcounts[],
                                    const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                    MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLGATHERV,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = displs,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Neighbor_allgatherv_init_c"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoall_init = PMPI_Neighbor_alltoall_init
int PMPI_Neighbor_alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALL,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Neighbor_alltoall_init"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoall_init_c = PMPI_Neighbor_alltoall_init_c
int PMPI_Neighbor_alltoall_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                  MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALL,
                                 .sbuf = sendbuf,
                                 .scount = sendcount,
                                 .stype = sendtype,
                                 .rbuf = recvbuf,
                                 .rcount = recvcount,
                                 .rtype = recvtype,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Neighbor_alltoall_init_c"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoallv_init = PMPI_Neighbor_alltoallv_init
int PMPI_Neighbor_alltoallv_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                                 MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                                 const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALLV,
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
                                 .call = "MPI_Neighbor_alltoallv_init"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoallv_init_c = PMPI_Neighbor_alltoallv_init_c
int PMPI_Neighbor_alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                   const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                                   MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALLV,
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
                                 .call = "MPI_Neighbor_alltoallv_init_c"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoallw_init = PMPI_Neighbor_alltoallw_init
int PMPI_Neighbor_alltoallw_init(const void *sendbuf, const int sendcounts[],
                                 const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                 void *recvbuf, const int recvcounts[], const MPI_Aint rdispls[],
                                 const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Info info,
                                 MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stypes = sendtypes,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtypes = recvtypes,
                                 .comm = comm,
                                 .width = MP_API_INT,
                                 .call = "MPI_Neighbor_alltoallw_init"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}

#pragma weak MPI_Neighbor_alltoallw_init_c = PMPI_Neighbor_alltoallw_init_c
int PMPI_Neighbor_alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                   void *recvbuf, const MPI_Count recvcounts[],
                                   const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    mp_api_coll_saved_t saved = {.which = MP_API_SAVED_NEIGHBOR,
                                 .nbr = MP_API_NBR_ALLTOALLW,
                                 .sbuf = sendbuf,
                                 .scounts = sendcounts,
                                 .sdispls = sdispls,
                                 .stypes = sendtypes,
                                 .rbuf = recvbuf,
                                 .rcounts = recvcounts,
                                 .rdispls = rdispls,
                                 .rtypes = recvtypes,
                                 .comm = comm,
                                 .width = MP_API_BIG,
                                 .call = "MPI_Neighbor_alltoallw_init_c"};
    /* No hint changes how a neighbourhood collective runs. */
    (void)info;
    return mp_api_coll_persistent_init(&saved, request);
}
