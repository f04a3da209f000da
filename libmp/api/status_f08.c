/*
 * Statuses in the Fortran 2008 form (MPI_F08_status, TYPE(MPI_Status) of the mpi_f08 module) and
 * their conversions to and from C statuses and Fortran integer arrays (MPI_Status_c2f08 and the
 * three others). All three forms hold the same eight integers in the same order.
 */
#include <config.h>

#include <string.h>

#include "api/api.h"

_Static_assert(sizeof(MPI_F08_status) == sizeof(MPI_Status),
               "MPI_F08_status holds the integers of MPI_Status");
_Static_assert(sizeof(MPI_F08_status) == MPI_F_STATUS_SIZE * sizeof(MPI_Fint),
               "MPI_F08_status is MPI_F_STATUS_SIZE Fortran integers");

/* Copies one form into another: the three forms are the same bytes. The ignore constants are
 * null in every form; none of them stands for a status to convert. */
static int convert(const char *call, const void *from, const char *from_name, void *to,
                   const char *to_name)
{
    if (from == NULL || to == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "%s is NULL (an MPI_STATUS_IGNORE of any language is no status to "
                            "convert)",
                            from == NULL ? from_name : to_name);
    }
    memcpy(to, from, sizeof(MPI_F08_status));
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_c2f08 = PMPI_Status_c2f08
int PMPI_Status_c2f08(const MPI_Status *c_status, MPI_F08_status *f08_status)
{
    MP_API_LOCK();
    return convert("MPI_Status_c2f08", c_status, "c_status", f08_status, "f08_status");
}

#pragma weak MPI_Status_f082c = PMPI_Status_f082c
int PMPI_Status_f082c(const MPI_F08_status *f08_status, MPI_Status *c_status)
{
    MP_API_LOCK();
    return convert("MPI_Status_f082c", f08_status, "f08_status", c_status, "c_status");
}

#pragma weak MPI_Status_f2f08 = PMPI_Status_f2f08
int PMPI_Status_f2f08(const MPI_Fint *f_status, MPI_F08_status *f08_status)
{
    MP_API_LOCK();
    return convert("MPI_Status_f2f08", f_status, "f_status", f08_status, "f08_status");
}

#pragma weak MPI_Status_f082f = PMPI_Status_f082f
int PMPI_Status_f082f(const MPI_F08_status *f08_status, MPI_Fint *f_status)
{
    MP_API_LOCK();
    return convert("MPI_Status_f082f", f08_status, "f08_status", f_status, "f_status");
}
