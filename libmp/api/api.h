/*
 * Shared by the MPI_* entry points: state checks, handle to object translation, and the one
 * error path that maps a failure to an MPI error class and calls the error handler.
 */
#ifndef MP_API_H
#define MP_API_H

#include <stdbool.h>

/* The library builds with hidden visibility; the standard's functions alone are exported. */
#pragma GCC visibility push(default)
#include <mpi.h>
#pragma GCC visibility pop

#include "core/comm.h"
#include "core/status.h"

/* Reports an error of class errclass raised in call (e.g. "MPI_Comm_rank"), with a reason
 * that tells the user what to fix. Under MPI_ERRORS_ARE_FATAL, the only handler so far, it
 * prints one line and ends the job; otherwise it returns errclass for the call to return. */
int mp_api_error(const char *call, int errclass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The MPI error class for an internal status. */
int mp_api_errclass(mp_status_t status);

/* The standard name of an error class ("MPI_ERR_COMM"), or NULL if errclass is not one. */
const char *mp_api_errclass_name(int errclass);

/* Returns MPI_SUCCESS when MPI is initialised and not finalised; otherwise reports the error
 * for call and returns its class. */
int mp_api_check_ready(const char *call);

/* The object behind a communicator handle, or NULL if the handle is not a valid one. */
mp_comm_t *mp_api_comm_get(MPI_Comm comm);

#endif
