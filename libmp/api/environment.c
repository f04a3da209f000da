/*
 * The environment chapter: versions, processor name and timers. These work before MPI_Init
 * too, as the standard allows for the version calls.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "core/runtime.h"

#pragma weak MPI_Get_version = PMPI_Get_version
int PMPI_Get_version(int *version, int *subversion)
{
    if (version == NULL || subversion == NULL) {
        return mp_api_error(NULL, "MPI_Get_version", MPI_ERR_ARG, "version or subversion is NULL");
    }
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_library_version = PMPI_Get_library_version
int PMPI_Get_library_version(char *version, int *resultlen)
{
    if (version == NULL || resultlen == NULL) {
        return mp_api_error(NULL, "MPI_Get_library_version", MPI_ERR_ARG,
                            "version or resultlen is NULL");
    }
    int len =
        snprintf(version, MPI_MAX_LIBRARY_VERSION_STRING, "libmp %s (MPI %d.%d, standard ABI; %s)",
                 PACKAGE_VERSION, MPI_VERSION, MPI_SUBVERSION, mp_wireup_version());
    *resultlen = len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1;
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_processor_name = PMPI_Get_processor_name
int PMPI_Get_processor_name(char *name, int *resultlen)
{
    MP_API_LOCK();
    if (name == NULL || resultlen == NULL) {
        return mp_api_error(NULL, "MPI_Get_processor_name", MPI_ERR_ARG,
                            "name or resultlen is NULL");
    }
    char host[256] = "";
    if (mp_runtime.state == MP_RUNTIME_READY) {
        snprintf(host, sizeof(host), "%s", mp_runtime.wireup.hostname);
    } else if (gethostname(host, sizeof(host) - 1) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    int len = snprintf(name, MPI_MAX_PROCESSOR_NAME, "%s", host);
    *resultlen = len < MPI_MAX_PROCESSOR_NAME ? len : MPI_MAX_PROCESSOR_NAME - 1;
    return MPI_SUCCESS;
}

/* Local, monotonic time: MPI_WTIME_IS_GLOBAL is false. */
#pragma weak MPI_Wtime = PMPI_Wtime
double PMPI_Wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#pragma weak MPI_Wtick = PMPI_Wtick
double PMPI_Wtick(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0) {
        return 1e-9;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
