/*
 * The profiling interface's one call. MPI_Pcontrol exists for tools that intercept it through
 * PMPI; the library itself has no profiling to switch, so the call only returns.
 */
#include <config.h>

#include "api/api.h"

#pragma weak MPI_Pcontrol = PMPI_Pcontrol
int PMPI_Pcontrol(const int level, ...)
{
    MP_API_LOCK();
    /* Any level is allowed: 0 off, 1 default, 2 full, others tool-defined (MPI 4.1, 15.2.4). */
    (void)level;
    return MPI_SUCCESS;
}
