/*
 * The standard ABI's own calls (MPI 5.0): which version of the ABI this library follows, and an
 * info object with the sizes of its address, count and offset integers (the Fortran calls are
 * in abi_fortran.c).
 */
#include <config.h>

#include <stdio.h>

#include "api/api.h"

/* Like MPI_Get_version, these work before MPI_Init and after MPI_Finalize. */
#pragma weak MPI_Abi_get_version = PMPI_Abi_get_version
int PMPI_Abi_get_version(int *abi_major, int *abi_minor)
{
    MP_API_LOCK();
    if (abi_major == NULL || abi_minor == NULL) {
        return mp_api_error(NULL, "MPI_Abi_get_version", MPI_ERR_ARG,
                            "abi_major or abi_minor is NULL");
    }
    *abi_major = MPI_ABI_VERSION;
    *abi_minor = MPI_ABI_SUBVERSION;
    return MPI_SUCCESS;
}

#pragma weak MPI_Abi_get_info = PMPI_Abi_get_info
int PMPI_Abi_get_info(MPI_Info *info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Abi_get_info";
    if (info == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "info is NULL");
    }
    char aint[24], count[24], offset[24];
    snprintf(aint, sizeof(aint), "%zu", sizeof(MPI_Aint));
    snprintf(count, sizeof(count), "%zu", sizeof(MPI_Count));
    snprintf(offset, sizeof(offset), "%zu", sizeof(MPI_Offset));
    const char *pairs[][2] = {
        {"mpi_aint_size", aint},
        {"mpi_count_size", count},
        {"mpi_offset_size", offset},
    };
    return mp_api_info_make(call, pairs, sizeof(pairs) / sizeof(pairs[0]), info);
}
