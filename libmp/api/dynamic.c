/*
 * Process creation and management, as far as a program that was not spawned sees it: libmp
 * starts every process with mpirun (or another PMIx launcher), never with MPI_Comm_spawn, so no
 * process has a parent; MPI_Comm_disconnect works on any communicator the program made.
 */
#include <config.h>

#include "api/api.h"

#pragma weak MPI_Comm_get_parent = PMPI_Comm_get_parent
int PMPI_Comm_get_parent(MPI_Comm *parent)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Comm_get_parent";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (parent == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "parent is NULL");
    }
    *parent = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_disconnect = PMPI_Comm_disconnect
int PMPI_Comm_disconnect(MPI_Comm *comm)
{
    MP_API_LOCK();
    return mp_api_comm_free("MPI_Comm_disconnect", comm, true);
}
