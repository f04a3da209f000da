/*
 * Datatype handles and the queries on them (size, extent). The predefined types are the standard
 * ABI's fixed handle values; derived types (a later issue) will be pointers to their objects.
 */
#include <limits.h>

#include "api/api.h"

const mp_datatype_t *mp_api_datatype_get(MPI_Datatype datatype)
{
    uintptr_t value = (uintptr_t)datatype;
    if (value < MP_API_HANDLE_RESERVED) {
        return mp_datatype_predefined(value);
    }
    const mp_datatype_t *dt = (const mp_datatype_t *)datatype;
    return dt->magic == MP_DATATYPE_MAGIC ? dt : NULL;
}

int mp_api_datatype_check(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                          const mp_datatype_t **dt_p)
{
    if (datatype == MPI_DATATYPE_NULL) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "MPI_DATATYPE_NULL is not a datatype to use; pass a type such as "
                            "MPI_INT");
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "invalid datatype handle %p; use a predefined type such as MPI_INT "
                            "or one you created",
                            (void *)datatype);
    }
    if (!dt->committed) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "datatype %s is not committed; call MPI_Type_commit first",
                            dt->name != NULL ? dt->name : "(derived)");
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

/* The checks every query below starts with. Queries work on uncommitted types too. */
static int type_lookup(const char *call, MPI_Datatype datatype, const void *out,
                       const mp_datatype_t **dt_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_TYPE,
                            datatype == MPI_DATATYPE_NULL
                                ? "MPI_DATATYPE_NULL is not a datatype to query"
                                : "invalid datatype handle %p; use a predefined type such as "
                                  "MPI_INT or one you created",
                            (void *)datatype);
    }
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "the output argument is NULL");
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size = PMPI_Type_size
int PMPI_Type_size(MPI_Datatype datatype, int *size)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The standard: a size that does not fit in an int is returned as MPI_UNDEFINED. */
    *size = dt->size <= INT_MAX ? (int)dt->size : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size_x = PMPI_Type_size_x
int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count *size)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size_x", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size_c = PMPI_Type_size_c
int PMPI_Type_size_c(MPI_Datatype datatype, MPI_Count *size)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size_c", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent = PMPI_Type_get_extent
int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Aint)dt->lb;
    *extent = (MPI_Aint)dt->extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent_x = PMPI_Type_get_extent_x
int PMPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent_x", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Count)dt->lb;
    *extent = (MPI_Count)dt->extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent_c = PMPI_Type_get_extent_c
int PMPI_Type_get_extent_c(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent_c", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Count)dt->lb;
    *extent = (MPI_Count)dt->extent;
    return MPI_SUCCESS;
}
