/*
 * Error handlers on communicators: the three predefined ones (MPI_ERRORS_ARE_FATAL, the default,
 * MPI_ERRORS_ABORT and MPI_ERRORS_RETURN). mp_api_error (errors.c) asks here which one applies.
 * User-defined handlers come later.
 */
#include "api/api.h"
#include "core/runtime.h"

static bool is_predefined_errhandler(MPI_Errhandler errhandler)
{
    return errhandler == MPI_ERRORS_ARE_FATAL || errhandler == MPI_ERRORS_RETURN ||
           errhandler == MPI_ERRORS_ABORT;
}

MPI_Errhandler mp_api_errhandler_of(const mp_comm_t *comm)
{
    if (comm == NULL) {
        comm = &mp_runtime.self;
    }
    if (comm->errhandler == 0) {
        return MPI_ERRORS_ARE_FATAL;
    }
    return (MPI_Errhandler)comm->errhandler;
}

static int check_errhandler(const mp_comm_t *comm, const char *call, MPI_Errhandler errhandler)
{
    if (is_predefined_errhandler(errhandler)) {
        return MPI_SUCCESS;
    }
    return mp_api_error(comm, call, MPI_ERR_ERRHANDLER,
                        errhandler == MPI_ERRHANDLER_NULL
                            ? "MPI_ERRHANDLER_NULL is not an error handler to use"
                            : "invalid error handler %p; use MPI_ERRORS_ARE_FATAL, "
                              "MPI_ERRORS_RETURN or MPI_ERRORS_ABORT",
                        (void *)errhandler);
}

#pragma weak MPI_Comm_set_errhandler = PMPI_Comm_set_errhandler
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_set_errhandler", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rc = check_errhandler(c, "MPI_Comm_set_errhandler", errhandler);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    c->errhandler = (uintptr_t)errhandler;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_get_errhandler = PMPI_Comm_get_errhandler
int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_get_errhandler", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errhandler == NULL) {
        return mp_api_error(c, "MPI_Comm_get_errhandler", MPI_ERR_ARG, "errhandler is NULL");
    }
    *errhandler = mp_api_errhandler_of(c);
    return MPI_SUCCESS;
}

/* Freeing a predefined handler is allowed since MPI 4 and does nothing but reset the handle. */
#pragma weak MPI_Errhandler_free = PMPI_Errhandler_free
int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    int rc = mp_api_check_ready("MPI_Errhandler_free");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errhandler == NULL) {
        return mp_api_error(NULL, "MPI_Errhandler_free", MPI_ERR_ARG, "errhandler is NULL");
    }
    rc = check_errhandler(NULL, "MPI_Errhandler_free", *errhandler);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* Placeholders until user error handlers exist: the predefined ones need no counting. */
void mp_api_errhandler_retain(uintptr_t errhandler)
{
    (void)errhandler;
}

void mp_api_errhandler_release(uintptr_t errhandler)
{
    (void)errhandler;
}
