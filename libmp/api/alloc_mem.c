/*
 * MPI_Alloc_mem and MPI_Free_mem: memory for one-sided communication (and any other use). It is
 * ordinary process memory, aligned to a cache line; windows of one node that should share
 * memory come from MPI_Win_allocate or MPI_Win_allocate_shared instead.
 */
#include <stdlib.h>

#include "api/api.h"

#pragma weak MPI_Alloc_mem = PMPI_Alloc_mem
int PMPI_Alloc_mem(MPI_Aint size, MPI_Info info, void *baseptr)
{
    const char *call = "MPI_Alloc_mem";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (size < 0) {
        return mp_api_error(NULL, call, MPI_ERR_SIZE, "size %ld is negative", (long)size);
    }
    if (baseptr == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "baseptr is NULL");
    }
    struct mp_info *hints = NULL;
    if (info != MPI_INFO_NULL) {
        rc = mp_api_info_check(NULL, call, info, &hints);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    /* Size 0 still gets memory of its own: a program may compare or free the pointer. */
    void *p = NULL;
    if (posix_memalign(&p, 64, size > 0 ? (size_t)size : 1) != 0) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "cannot allocate %ld bytes", (long)size);
    }
    *(void **)baseptr = p;
    return MPI_SUCCESS;
}

#pragma weak MPI_Free_mem = PMPI_Free_mem
int PMPI_Free_mem(void *base)
{
    int rc = mp_api_check_ready("MPI_Free_mem");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    free(base); /* MPI_Alloc_mem's memory, or NULL */
    return MPI_SUCCESS;
}
