/*
 * Error classes and their strings (MPI_Error_string, MPI_Error_class), the classes, codes and
 * strings a program adds (MPI_Add_error_*, MPI_Remove_error_*), and the error path: under
 * MPI_ERRORS_RETURN the class goes back to the caller; a user handler is called, then the class
 * goes back; under MPI_ERRORS_ARE_FATAL (the default) and MPI_ERRORS_ABORT one line names the
 * rank, the call and the reason, then the job ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
    X(MPI_ERR_ABI, "ABI mismatch")                                                                 \
    X(MPI_T_ERR_CANNOT_INIT, "the tool interface cannot be initialised")                           \
    X(MPI_T_ERR_NOT_ACCESSIBLE, "not accessible now")                                              \
    X(MPI_T_ERR_NOT_INITIALIZED, "the tool interface is not initialised")                          \
    X(MPI_T_ERR_NOT_SUPPORTED, "not supported")                                                    \
    X(MPI_T_ERR_MEMORY, "out of memory in the tool interface")                                     \
    X(MPI_T_ERR_INVALID, "invalid use of the tool interface")                                      \
    X(MPI_T_ERR_INVALID_INDEX, "invalid index")                                                    \
    X(MPI_T_ERR_INVALID_ITEM, "invalid item index")                                                \
    X(MPI_T_ERR_INVALID_SESSION, "invalid tool session")                                           \
    X(MPI_T_ERR_INVALID_HANDLE, "invalid tool handle")                                             \
    X(MPI_T_ERR_INVALID_NAME, "invalid variable or category name")                                 \
    X(MPI_T_ERR_OUT_OF_HANDLES, "no more tool handles")                                            \
    X(MPI_T_ERR_OUT_OF_SESSIONS, "no more tool sessions")                                          \
    X(MPI_T_ERR_CVAR_SET_NOT_NOW, "the control variable cannot be set now")                        \
    X(MPI_T_ERR_CVAR_SET_NEVER, "the control variable can never be set")                           \
    X(MPI_T_ERR_PVAR_NO_WRITE, "the performance variable cannot be written")                       \
    X(MPI_T_ERR_PVAR_NO_STARTSTOP, "the performance variable cannot be started or stopped")        \
    X(MPI_T_ERR_PVAR_NO_ATOMIC, "the performance variable cannot be read and reset atomically")

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
    case MP_ERR_PEER:
        return MPI_ERR_PROC_ABORTED; /* the peer's process ended or can no longer be reached */
    case MP_ERR_UNSUPPORTED:
        return MPI_ERR_UNSUPPORTED_OPERATION;
    case MP_ERR_SPAWN:
        return MPI_ERR_SPAWN;
    case MP_ERR_WIREUP:
    case MP_ERR_NOT_FOUND:
    case MP_ERR_EXISTS:
    case MP_ERR_SYSCALL:
    case MP_ERR_AGAIN:
        return MPI_ERR_OTHER;
    }
    return MPI_ERR_INTERN;
}

/* ---- Added classes and codes ---- */

/* A class or code the program added: code (MPI_ERR_LASTCODE + 1 + its slot) is a class when
 * errclass == code. Removal frees the slot and a later addition takes the lowest free one, as
 * MPI 4.1 lets removed values be reused: programs that add and remove classes in a loop (MPICH's
 * errhan/adderr) then use a bounded range of codes however long they run. */
typedef struct added_code {
    bool in_use;
    int errclass;
    char *string; /* from MPI_Add_error_string, or NULL */
    int ncodes;   /* of an added class: its codes in use, which keep it from being removed */
} added_code_t;

static added_code_t *added;
static int nslots;   /* slots ever used: codes stay at or below MPI_ERR_LASTCODE + nslots */
static int nfree;    /* slots below nslots that were removed and can be reused */
static int low_free; /* no slot below this one is free: where the search for one starts */
static int added_cap;

static added_code_t *added_get(int code)
{
    if (code <= MPI_ERR_LASTCODE || code > MPI_ERR_LASTCODE + nslots) {
        return NULL;
    }
    added_code_t *a = &added[code - MPI_ERR_LASTCODE - 1];
    return a->in_use ? a : NULL;
}

/* MPI_LASTUSEDCODE: the high-water mark, so it is never below a code in use and never goes
 * down (a program may have sized a table by it). */
int mp_api_error_lastused(void)
{
    return MPI_ERR_LASTCODE + nslots;
}

bool mp_api_error_is_valid(int errorcode)
{
    return errclass_description(errorcode) != NULL || added_get(errorcode) != NULL;
}

void mp_api_error_fini(void)
{
    for (int i = 0; i < nslots; i++) {
        free(added[i].string);
    }
    free(added);
    added = NULL;
    nslots = 0;
    nfree = 0;
    low_free = 0;
    added_cap = 0;
}

/* The class of a valid error code. */
static int class_of(int errorcode)
{
    const added_code_t *a = added_get(errorcode);
    return a != NULL ? a->errclass : errorcode;
}

/* ---- The error path ---- */

int mp_api_error(const mp_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
{
    MPI_Errhandler handler = mp_api_errhandler_of(comm);
    if (handler == MPI_ERRORS_RETURN) {
        return errclass;
    }
    if (mp_api_errhandler_is_user(handler)) {
        /* The code the handler leaves is what the call returns (MPI 4.1, 9.3). */
        return mp_api_errhandler_call_comm(handler, comm, errclass);
    }
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    char line[768 + MPI_MAX_ERROR_STRING];
    const char *name = mp_api_errclass_name(class_of(errclass));
    if (name != NULL) {
        snprintf(line, sizeof(line), "%s: %s (%s)", call, reason, name);
    } else {
        /* A class or code the program added: its own string says more than any MPI name. */
        const added_code_t *a = added_get(errclass);
        const added_code_t *c = added_get(class_of(errclass));
        const char *text = a != NULL && a->string != NULL   ? a->string
                           : c != NULL && c->string != NULL ? c->string
                                                            : "no string set";
        snprintf(line, sizeof(line), "%s: %s (error class %d added by the program: %s)", call,
                 reason, class_of(errclass), text);
    }
    mp_log_error("%s", line);
    /* MPI_ERRORS_ARE_FATAL and MPI_ERRORS_ABORT: the exit status carries the error class. Both
     * end every rank, as a job cannot go on without some of its ranks. */
    int exit_status = class_of(errclass);
    mp_api_job_abort(exit_status > 0 && exit_status < 256 ? exit_status : 1, line);
}

void mp_api_job_abort(int code, const char *msg)
{
    /* The rank leaves through _exit (or is killed by the launcher), which drop what stdio still
     * buffers: stdout into a pipe is fully buffered, so a program's last lines, printed just
     * before MPI_Abort to say why, would vanish. Open MPI (a pty per rank) and MPICH (exit)
     * keep them. Flushed before the launcher hears of the abort, since it then kills the rank. */
    fflush(NULL);
    mp_wireup_abort(code, msg);
}

int mp_api_not_ready(const char *call)
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
    MP_API_LOCK();
    if (!mp_api_error_is_valid(errorcode)) {
        return mp_api_error(NULL, "MPI_Error_class", MPI_ERR_ARG,
                            "%d is not an error code: codes are the MPI_ERR_* classes and those "
                            "added by MPI_Add_error_class and MPI_Add_error_code",
                            errorcode);
    }
    if (errorclass == NULL) {
        return mp_api_error(NULL, "MPI_Error_class", MPI_ERR_ARG, "errorclass is NULL");
    }
    *errorclass = class_of(errorcode);
    return MPI_SUCCESS;
}

#pragma weak MPI_Error_string = PMPI_Error_string
int PMPI_Error_string(int errorcode, char *string, int *resultlen)
{
    MP_API_LOCK();
    if (!mp_api_error_is_valid(errorcode)) {
        return mp_api_error(NULL, "MPI_Error_string", MPI_ERR_ARG,
                            "%d is not an error code: codes are the MPI_ERR_* classes and those "
                            "added by MPI_Add_error_class and MPI_Add_error_code",
                            errorcode);
    }
    if (string == NULL || resultlen == NULL) {
        return mp_api_error(NULL, "MPI_Error_string", MPI_ERR_ARG, "string or resultlen is NULL");
    }
    int len;
    const added_code_t *a = added_get(errorcode);
    if (a != NULL) {
        /* The standard: a code without an added string has the empty string. Added strings
         * fit in MPI_MAX_ERROR_STRING (MPI_Add_error_string checks). */
        const char *text = a->string != NULL ? a->string : "";
        len = (int)strlen(text);
        memcpy(string, text, (size_t)len + 1);
    } else {
        len = snprintf(string, MPI_MAX_ERROR_STRING, "%s: %s", mp_api_errclass_name(errorcode),
                       errclass_description(errorcode));
    }
    *resultlen = len < MPI_MAX_ERROR_STRING ? len : MPI_MAX_ERROR_STRING - 1;
    return MPI_SUCCESS;
}

/* The slot for a new code: the lowest removed one, else a new one at the end. */
static int slot_take(const char *call, int *slot_p)
{
    if (nfree > 0) {
        for (int i = low_free; i < nslots; i++) {
            if (!added[i].in_use) {
                nfree--;
                low_free = i + 1;
                *slot_p = i;
                return MPI_SUCCESS;
            }
        }
    }
    if (nslots == MPI_ERR_LASTCODE) { /* codes stay below 2 * MPI_ERR_LASTCODE: a sane bound */
        return mp_api_error(NULL, call, MPI_ERR_NO_SPACE,
                            "%d classes and codes are in use; remove some with "
                            "MPI_Remove_error_code or MPI_Remove_error_class to add more",
                            nslots);
    }
    if (nslots == added_cap) {
        int cap = added_cap > 0 ? 2 * added_cap : 16;
        added_code_t *grown = realloc(added, (size_t)cap * sizeof(*grown));
        if (grown == NULL) {
            return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "no memory for a new error code");
        }
        added = grown;
        added_cap = cap;
    }
    *slot_p = nslots++;
    return MPI_SUCCESS;
}

/* Hands out a code, of class errclass (-1: the code is a class of its own). */
static int add_code(const char *call, int errclass, int *code_p)
{
    int slot = 0;
    int rc = slot_take(call, &slot);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int code = MPI_ERR_LASTCODE + 1 + slot;
    added[slot] = (added_code_t){.in_use = true, .errclass = errclass < 0 ? code : errclass};
    if (errclass > MPI_ERR_LASTCODE) {
        added_get(errclass)->ncodes++;
    }
    *code_p = code;
    return MPI_SUCCESS;
}

/* Frees the slot of a removed class or code (its string is gone already). */
static void slot_release(added_code_t *a)
{
    a->in_use = false;
    nfree++;
    int slot = (int)(a - added);
    if (slot < low_free) {
        low_free = slot;
    }
}

#pragma weak MPI_Add_error_class = PMPI_Add_error_class
int PMPI_Add_error_class(int *errorclass)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Add_error_class");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errorclass == NULL) {
        return mp_api_error(NULL, "MPI_Add_error_class", MPI_ERR_ARG, "errorclass is NULL");
    }
    return add_code("MPI_Add_error_class", -1, errorclass);
}

#pragma weak MPI_Add_error_code = PMPI_Add_error_code
int PMPI_Add_error_code(int errorclass, int *errorcode)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Add_error_code");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!mp_api_error_is_valid(errorclass) || class_of(errorclass) != errorclass) {
        return mp_api_error(NULL, "MPI_Add_error_code", MPI_ERR_ARG,
                            "%d is not an error class; pass an MPI_ERR_* class or one made by "
                            "MPI_Add_error_class",
                            errorclass);
    }
    if (errorcode == NULL) {
        return mp_api_error(NULL, "MPI_Add_error_code", MPI_ERR_ARG, "errorcode is NULL");
    }
    return add_code("MPI_Add_error_code", errorclass, errorcode);
}

/* Checks that errorcode was added by the program (strings can only be attached to those). */
static int check_added(const char *call, int errorcode, added_code_t **a_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    added_code_t *a = added_get(errorcode);
    if (a == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            errorcode >= 0 && errorcode <= MPI_ERR_LASTCODE
                                ? "%d is a predefined error code; only classes and codes added "
                                  "by MPI_Add_error_class or MPI_Add_error_code can be changed"
                                : "%d is not an error class or code added by "
                                  "MPI_Add_error_class or MPI_Add_error_code (or it was removed)",
                            errorcode);
    }
    *a_p = a;
    return MPI_SUCCESS;
}

#pragma weak MPI_Add_error_string = PMPI_Add_error_string
int PMPI_Add_error_string(int errorcode, const char *string)
{
    MP_API_LOCK();
    added_code_t *a = NULL;
    int rc = check_added("MPI_Add_error_string", errorcode, &a);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (string == NULL) {
        return mp_api_error(NULL, "MPI_Add_error_string", MPI_ERR_ARG, "string is NULL");
    }
    if (strnlen(string, MPI_MAX_ERROR_STRING) >= MPI_MAX_ERROR_STRING) {
        return mp_api_error(NULL, "MPI_Add_error_string", MPI_ERR_ARG,
                            "the string is longer than %d characters (MPI_MAX_ERROR_STRING - 1)",
                            MPI_MAX_ERROR_STRING - 1);
    }
    char *copy = strdup(string);
    if (copy == NULL) {
        return mp_api_error(NULL, "MPI_Add_error_string", MPI_ERR_NO_MEM, "no memory for string");
    }
    free(a->string); /* a later string replaces the earlier one */
    a->string = copy;
    return MPI_SUCCESS;
}

#pragma weak MPI_Remove_error_string = PMPI_Remove_error_string
#pragma weak MPIX_Delete_error_string = PMPI_Remove_error_string
int PMPI_Remove_error_string(int errorcode)
{
    MP_API_LOCK();
    added_code_t *a = NULL;
    int rc = check_added("MPI_Remove_error_string", errorcode, &a);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (a->string == NULL) {
        return mp_api_error(NULL, "MPI_Remove_error_string", MPI_ERR_ARG,
                            "error code %d has no string; MPI_Add_error_string adds one",
                            errorcode);
    }
    free(a->string);
    a->string = NULL;
    return MPI_SUCCESS;
}

/* The checks MPI 4.1 puts on removing a class or a code: the right kind, its string gone. */
static int check_removable(const char *call, int errorcode, bool is_class, added_code_t **a_p)
{
    int rc = check_added(call, errorcode, a_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (((*a_p)->errclass == errorcode) != is_class) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            is_class ? "%d is an error code, not a class; use MPI_Remove_error_code"
                                     : "%d is an error class, not a code; use "
                                       "MPI_Remove_error_class",
                            errorcode);
    }
    if ((*a_p)->string != NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "%d still has a string; call MPI_Remove_error_string first", errorcode);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Remove_error_code = PMPI_Remove_error_code
#pragma weak MPIX_Delete_error_code = PMPI_Remove_error_code
int PMPI_Remove_error_code(int errorcode)
{
    MP_API_LOCK();
    added_code_t *a = NULL;
    int rc = check_removable("MPI_Remove_error_code", errorcode, false, &a);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (a->errclass > MPI_ERR_LASTCODE) {
        added_get(a->errclass)->ncodes--;
    }
    slot_release(a);
    return MPI_SUCCESS;
}

#pragma weak MPI_Remove_error_class = PMPI_Remove_error_class
#pragma weak MPIX_Delete_error_class = PMPI_Remove_error_class
int PMPI_Remove_error_class(int errorclass)
{
    MP_API_LOCK();
    added_code_t *a = NULL;
    int rc = check_removable("MPI_Remove_error_class", errorclass, true, &a);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The count says whether a code is left; the search, only to name one. */
    for (int i = 0; a->ncodes > 0 && i < nslots; i++) {
        int code = MPI_ERR_LASTCODE + 1 + i;
        if (added[i].in_use && added[i].errclass == errorclass && code != errorclass) {
            return mp_api_error(NULL, "MPI_Remove_error_class", MPI_ERR_ARG,
                                "class %d still has error code %d; remove its codes first with "
                                "MPI_Remove_error_code",
                                errorclass, code);
        }
    }
    slot_release(a);
    return MPI_SUCCESS;
}
