/*
 * Error classes and their strings (MPI_Error_string, MPI_Error_class), and the error path: under
 * MPI_ERRORS_RETURN the class goes back to the caller; under MPI_ERRORS_ARE_FATAL (the default)
 * and MPI_ERRORS_ABORT one line names the rank, the call and the reason, then the job ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/runtime.h"

/* X(class, description): every error class of the standard, with what it means to a user. */
#define MP_ERRCLASS_LIST(X)                                                                        \
    X(MPI_SUCCESS, "no error")                                                                     \
    X(MPI_ERR_BUFFER, "invalid buffer pointer")                                                    \
    X(MPI_ERR_COUNT, "invalid count argument")                                                     \
    X(MPI_ERR_TYPE, "invalid datatype")                                                            \
    X(MPI_ERR_TAG, "invalid tag")                                                                  \
    X(MPI_ERR_COMM, "invalid communicator")                                                        \
    X(MPI_ERR_RANK, "invalid rank")                                                                \
    X(MPI_ERR_REQUEST, "invalid request")                                                          \
    X(MPI_ERR_ROOT, "invalid root")                                                                \
    X(MPI_ERR_GROUP, "invalid group")                                                              \
    X(MPI_ERR_OP, "invalid operation")                                                             \
    X(MPI_ERR_TOPOLOGY, "invalid topology")                                                        \
    X(MPI_ERR_DIMS, "invalid dimension argument")                                                  \
    X(MPI_ERR_ARG, "invalid argument")                                                             \
    X(MPI_ERR_UNKNOWN, "unknown error")                                                            \
    X(MPI_ERR_TRUNCATE, "message truncated on receive")                                            \
    X(MPI_ERR_OTHER, "other error")                                                                \
    X(MPI_ERR_INTERN, "internal error")                                                            \
    X(MPI_ERR_PENDING, "pending request")                                                          \
    X(MPI_ERR_IN_STATUS, "error code is in status")                                                \
    X(MPI_ERR_ACCESS, "permission denied")                                                         \
    X(MPI_ERR_AMODE, "invalid file access mode")                                                   \
    X(MPI_ERR_ASSERT, "invalid assert argument")                                                   \
    X(MPI_ERR_BAD_FILE, "invalid file name")                                                       \
    X(MPI_ERR_BASE, "invalid base address")                                                        \
    X(MPI_ERR_CONVERSION, "data conversion error")                                                 \
    X(MPI_ERR_DISP, "invalid displacement")                                                        \
    X(MPI_ERR_DUP_DATAREP, "data representation already defined")                                  \
    X(MPI_ERR_FILE_EXISTS, "file exists")                                                          \
    X(MPI_ERR_FILE_IN_USE, "file in use")                                                          \
    X(MPI_ERR_FILE, "invalid file handle")                                                         \
    X(MPI_ERR_INFO_KEY, "info key too long")                                                       \
    X(MPI_ERR_INFO_NOKEY, "info key not defined")                                                  \
    X(MPI_ERR_INFO_VALUE, "info value too long")                                                   \
    X(MPI_ERR_INFO, "invalid info object")                                                         \
    X(MPI_ERR_IO, "I/O error")                                                                     \
    X(MPI_ERR_KEYVAL, "invalid attribute key")                                                     \
    X(MPI_ERR_LOCKTYPE, "invalid lock type")                                                       \
    X(MPI_ERR_NAME, "service name not published")                                                  \
    X(MPI_ERR_NO_MEM, "out of memory")                                                             \
    X(MPI_ERR_NOT_SAME, "arguments differ between processes")                                      \
    X(MPI_ERR_NO_SPACE, "not enough space")                                                        \
    X(MPI_ERR_NO_SUCH_FILE, "file does not exist")                                                 \
    X(MPI_ERR_PORT, "invalid port name")                                                           \
    X(MPI_ERR_PROC_ABORTED, "operation involves an aborted process")                               \
    X(MPI_ERR_QUOTA, "quota exceeded")                                                             \
    X(MPI_ERR_READ_ONLY, "read-only file or file system")                                          \
    X(MPI_ERR_RMA_ATTACH, "memory cannot be attached")                                             \
    X(MPI_ERR_RMA_CONFLICT, "conflicting accesses to a window")                                    \
    X(MPI_ERR_RMA_RANGE, "target memory is outside the window")                                    \
    X(MPI_ERR_RMA_SHARED, "memory cannot be shared")                                               \
    X(MPI_ERR_RMA_SYNC, "wrong synchronisation of RMA calls")                                      \
    X(MPI_ERR_RMA_FLAVOR, "wrong window flavor")                                                   \
    X(MPI_ERR_SERVICE, "invalid service name")                                                     \
    X(MPI_ERR_SESSION, "invalid session")                                                          \
    X(MPI_ERR_SIZE, "invalid size")                                                                \
    X(MPI_ERR_SPAWN, "error spawning processes")                                                   \
    X(MPI_ERR_UNSUPPORTED_DATAREP, "unsupported data representation")                              \
    X(MPI_ERR_UNSUPPORTED_OPERATION, "unsupported operation")                                      \
    X(MPI_ERR_VALUE_TOO_LARGE, "value too large to be stored")                                     \
    X(MPI_ERR_WIN, "invalid window")                                                               \
    X(MPI_ERR_ERRHANDLER, "invalid error handler")                                                 \
    X(MPI_ERR_ABI, "ABI mismatch")

static const char *errclass_description(int errclass)
{
#define MP_ERRCLASS_DESCRIPTION(cls, text)                                                         \
    if (errclass == (cls)) {                                                                       \
        return text;                                                                               \
    }
    MP_ERRCLASS_LIST(MP_ERRCLASS_DESCRIPTION)
#undef MP_ERRCLASS_DESCRIPTION
    return NULL;
}

const char *mp_api_errclass_name(int errclass)
{
#define MP_ERRCLASS_NAME(cls, text)                                                                \
    if (errclass == (cls)) {                                                                       \
        return #cls;                                                                               \
    }
    MP_ERRCLASS_LIST(MP_ERRCLASS_NAME)
#undef MP_ERRCLASS_NAME
    return NULL;
}

int mp_api_errclass(mp_status_t status)
{
    switch (status) {
    case MP_OK:
    case MP_INPROGRESS:
        return MPI_SUCCESS;
    case MP_ERR_NOMEM:
        return MPI_ERR_NO_MEM;
    case MP_ERR_INVALID:
        return MPI_ERR_ARG;
    case MP_ERR_TRUNCATE:
        return MPI_ERR_TRUNCATE;
    case MP_ERR_WIREUP:
    case MP_ERR_PEER:
    case MP_ERR_NOT_FOUND:
    case MP_ERR_SYSCALL:
    case MP_ERR_AGAIN:
        return MPI_ERR_OTHER;
    }
    return MPI_ERR_INTERN;
}

int mp_api_error(const mp_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
{
    MPI_Errhandler handler = mp_api_errhandler_of(comm);
    if (handler == MPI_ERRORS_RETURN) {
        return errclass;
    }
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    const char *name = mp_api_errclass_name(errclass);
    char line[768];
    snprintf(line, sizeof(line), "%s: %s (%s)", call, reason,
             name != NULL ? name : "MPI_ERR_UNKNOWN");
    mp_log_error("%s", line);
    /* MPI_ERRORS_ARE_FATAL and MPI_ERRORS_ABORT: the exit status carries the error class. Both
     * end every rank, as a job cannot go on without some of its ranks. */
    mp_wireup_abort(errclass > 0 && errclass < 256 ? errclass : 1, line);
}

int mp_api_check_ready(const char *call)
{
    switch (mp_runtime.state) {
    case MP_RUNTIME_READY:
        return MPI_SUCCESS;
    case MP_RUNTIME_NEW:
        return mp_api_error(NULL, call, MPI_ERR_OTHER,
                            "called before MPI_Init; call MPI_Init first");
    case MP_RUNTIME_FINALIZED:
        break;
    }
    return mp_api_error(NULL, call, MPI_ERR_OTHER,
                        "called after MPI_Finalize; MPI cannot be used again");
}

#pragma weak MPI_Error_class = PMPI_Error_class
int PMPI_Error_class(int errorcode, int *errorclass)
{
    if (errclass_description(errorcode) == NULL) {
        return mp_api_error(NULL, "MPI_Error_class", MPI_ERR_ARG, "%d is not a valid error code",
                            errorcode);
    }
    if (errorclass == NULL) {
        return mp_api_error(NULL, "MPI_Error_class", MPI_ERR_ARG, "errorclass is NULL");
    }
    *errorclass = errorcode;
    return MPI_SUCCESS;
}

#pragma weak MPI_Error_string = PMPI_Error_string
int PMPI_Error_string(int errorcode, char *string, int *resultlen)
{
    const char *text = errclass_description(errorcode);
    if (text == NULL) {
        return mp_api_error(NULL, "MPI_Error_string", MPI_ERR_ARG, "%d is not a valid error code",
                            errorcode);
    }
    if (string == NULL || resultlen == NULL) {
        return mp_api_error(NULL, "MPI_Error_string", MPI_ERR_ARG, "string or resultlen is NULL");
    }
    int len =
        snprintf(string, MPI_MAX_ERROR_STRING, "%s: %s", mp_api_errclass_name(errorcode), text);
    *resultlen = len < MPI_MAX_ERROR_STRING ? len : MPI_MAX_ERROR_STRING - 1;
    return MPI_SUCCESS;
}
