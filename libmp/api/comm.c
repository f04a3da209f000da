/*
 * Communicator queries and the translation of communicator handles to objects. The predefined
 * handles are the standard ABI's fixed values; others will point at objects created later.
 */
#include "api/api.h"
#include "core/runtime.h"

mp_comm_t *mp_api_comm_get(MPI_Comm comm)
{
    if (comm == MPI_COMM_WORLD) {
        return &mp_runtime.world;
    }
    if (comm == MPI_COMM_SELF) {
        return &mp_runtime.self;
    }
    return NULL;
}

int mp_api_comm_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *c = mp_api_comm_get(comm);
    if (c == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_COMM,
                            comm == MPI_COMM_NULL ? "MPI_COMM_NULL is not a communicator to use"
                                                  : "invalid communicator handle %p; use "
                                                    "MPI_COMM_WORLD, MPI_COMM_SELF or one you "
                                                    "created",
                            (void *)comm);
    }
    *comm_p = c;
    return MPI_SUCCESS;
}

/* Checks the state and the handle shared by every communicator query, and its output. */
static int comm_lookup(const char *call, MPI_Comm comm, const void *out, mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (out == NULL) {
        return mp_api_error(*comm_p, call, MPI_ERR_ARG, "the output argument is NULL");
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_rank = PMPI_Comm_rank
int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_rank", comm, rank, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *rank = c->rank;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_size = PMPI_Comm_size
int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_size", comm, size, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = c->size;
    return MPI_SUCCESS;
}
