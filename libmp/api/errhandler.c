/*
 * Error handlers: the predefined ones (MPI_ERRORS_ARE_FATAL, the default, MPI_ERRORS_ABORT and
 * MPI_ERRORS_RETURN) and those a program creates for communicators, windows, files and sessions.
 * A window and a file keep their handler in the slot of their private communicator.
 * A created handler is reference counted: its handle holds one reference, and so does each
 * object it is attached to. mp_api_error (errors.c) asks here which one applies.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "api/file.h"
#include "core/runtime.h"

#define MP_ERRHANDLER_MAGIC 0x6d706568u /* "mpeh" */

/* The kind of object a handler is for; the predefined handlers suit every kind. */
typedef enum eh_kind {
    EH_COMM,
    EH_WIN,
    EH_FILE,
    EH_SESSION,
} eh_kind_t;

static const char *const kind_names[] = {"communicator", "window", "file", "session"};

typedef struct errhandler {
    uint32_t magic; /* MP_ERRHANDLER_MAGIC while the object is valid */
    eh_kind_t kind;
    int refs; /* the handle's reference, if not freed, and one per object using it */
    union {
        MPI_Comm_errhandler_function *comm;
        MPI_Win_errhandler_function *win;
        MPI_File_errhandler_function *file;
        MPI_Session_errhandler_function *session;
    } fn;
} errhandler_t;

/* The handler of files opened from now on (set on MPI_FILE_NULL): MPI_ERRORS_RETURN at first, as
 * the standard says. */
static uintptr_t file_default;

static bool is_predefined_errhandler(MPI_Errhandler errhandler)
{
    return errhandler == MPI_ERRORS_ARE_FATAL || errhandler == MPI_ERRORS_RETURN ||
           errhandler == MPI_ERRORS_ABORT;
}

/* Where user error handlers lie (their handles are their addresses). */
static mp_addr_span_t errhandler_span = MP_ADDR_SPAN_EMPTY;

static errhandler_t *user_errhandler(MPI_Errhandler errhandler)
{
    errhandler_t *eh = (errhandler_t *)errhandler;
    if (!mp_addr_span_holds(&errhandler_span, eh, sizeof(*eh))) {
        return NULL;
    }
    return eh->magic == MP_ERRHANDLER_MAGIC ? eh : NULL;
}

bool mp_api_errhandler_is_user(MPI_Errhandler errhandler)
{
    return user_errhandler(errhandler) != NULL;
}

void mp_api_errhandler_retain(uintptr_t errhandler)
{
    errhandler_t *eh = user_errhandler((MPI_Errhandler)errhandler);
    if (eh != NULL) {
        eh->refs++;
    }
}

void mp_api_errhandler_release(uintptr_t errhandler)
{
    errhandler_t *eh = user_errhandler((MPI_Errhandler)errhandler);
    if (eh != NULL && --eh->refs == 0) {
        eh->magic = 0;
        free(eh);
    }
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

/* Whether the last user handler that this thread ran left MPI_SUCCESS as the code. The call that
 * raised the error returns the code a handler leaves (MPI 4.1, 9.3); a nonzero one passes up the
 * api layer's error paths as it is, but MPI_SUCCESS would let them go on with the bad arguments
 * they stopped at, so they carry the original code and the entry points whose failures all end
 * the call (mp_api_errhandler_outcome) turn it into MPI_SUCCESS. */
static _Thread_local bool left_success;

/* The code a call returns after a user handler left code for an error of errcode. */
static int handler_left(int errcode, int code)
{
    left_success = code == MPI_SUCCESS;
    return code != MPI_SUCCESS ? code : errcode;
}

void mp_api_errhandler_outcome_begin(void)
{
    left_success = false;
}

int mp_api_errhandler_outcome(int rc)
{
    bool success = rc != MPI_SUCCESS && left_success;
    left_success = false;
    return success ? MPI_SUCCESS : rc;
}

int mp_api_errhandler_call_comm(MPI_Errhandler errhandler, const mp_comm_t *comm, int errcode)
{
    errhandler_t *eh = user_errhandler(errhandler);
    if (eh == NULL) {
        return errcode;
    }
    /* A file's errors are raised on its private communicator: its handler gets the file. */
    if (eh->kind == EH_FILE) {
        return mp_api_errhandler_call_file(
            errhandler, comm != NULL ? mp_api_file_of_comm(comm) : NULL, errcode);
    }
    /* A window's errors are raised on its private communicator: its handler gets the window. */
    const mp_win_t *win = comm != NULL && eh->kind == EH_WIN ? mp_rma_win_of_comm(comm) : NULL;
    if (win != NULL) {
        return mp_api_errhandler_call_win(errhandler, win, errcode);
    }
    /* The handler gets a copy of the handle: what it does to it does not reach the caller.
     * Errors without a communicator are raised on MPI_COMM_SELF. */
    MPI_Comm handle = comm != NULL ? mp_api_comm_handle(comm) : MPI_COMM_SELF;
    int code = errcode;
    /* The handler may free its handle; the reference of comm keeps it alive during the call. */
    eh->fn.comm(&handle, &code);
    return handler_left(errcode, code);
}

void mp_api_errhandler_fini(void)
{
    mp_api_errhandler_release(mp_runtime.world.errhandler);
    mp_api_errhandler_release(mp_runtime.self.errhandler);
    mp_api_errhandler_release(file_default);
    mp_runtime.world.errhandler = 0;
    mp_runtime.self.errhandler = 0;
    file_default = 0;
}

/* Checks that errhandler can be attached to an object of kind: a predefined handler or one
 * created for that kind. */
static int check_errhandler(const mp_comm_t *comm, const char *call, MPI_Errhandler errhandler,
                            eh_kind_t kind)
{
    if (is_predefined_errhandler(errhandler)) {
        return MPI_SUCCESS;
    }
    const errhandler_t *eh = user_errhandler(errhandler);
    if (eh == NULL) {
        return mp_api_error(comm, call, MPI_ERR_ERRHANDLER,
                            errhandler == MPI_ERRHANDLER_NULL
                                ? "MPI_ERRHANDLER_NULL is not an error handler to use"
                                : "invalid error handler %p; use MPI_ERRORS_ARE_FATAL, "
                                  "MPI_ERRORS_RETURN, MPI_ERRORS_ABORT or one you created",
                            (void *)errhandler);
    }
    if (eh->kind != kind) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "error handler %p was created for a %s, not a %s; create one with "
                            "MPI_%s_create_errhandler",
                            (void *)errhandler, kind_names[eh->kind], kind_names[kind],
                            kind == EH_COMM   ? "Comm"
                            : kind == EH_WIN  ? "Win"
                            : kind == EH_FILE ? "File"
                                              : "Session");
    }
    return MPI_SUCCESS;
}

/* Replaces the handler held in *slot by errhandler, moving the reference. */
static void attach(uintptr_t *slot, MPI_Errhandler errhandler)
{
    mp_api_errhandler_retain((uintptr_t)errhandler);
    mp_api_errhandler_release(*slot);
    *slot = (uintptr_t)errhandler;
}

/* Gives a new reference to the handler in slot (0 stands for dflt), as MPI_*_get_errhandler
 * returns a handle the program frees. */
static MPI_Errhandler get_ref(uintptr_t slot, MPI_Errhandler dflt)
{
    if (slot == 0) {
        return dflt;
    }
    mp_api_errhandler_retain(slot);
    return (MPI_Errhandler)slot;
}

static int create(const char *call, eh_kind_t kind, void (*fn)(void), MPI_Errhandler *errhandler)
{
    /* A session's handler is made before MPI_Session_init, to be handed to it: the standard
     * makes MPI_Session_create_errhandler available at any time (MPI 4.1, Table 11.1). */
    int rc = kind == EH_SESSION ? MPI_SUCCESS : mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (fn == NULL || errhandler == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            fn == NULL ? "the error handler function is NULL"
                                       : "errhandler is NULL");
    }
    errhandler_t *eh = malloc(sizeof(*eh));
    if (eh == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "no memory for an error handler");
    }
    mp_addr_span_note(&errhandler_span, eh, sizeof(*eh));
    eh->magic = MP_ERRHANDLER_MAGIC;
    eh->kind = kind;
    eh->refs = 1;
    eh->fn.comm = (MPI_Comm_errhandler_function *)fn; /* all members are function pointers */
    *errhandler = (MPI_Errhandler)eh;
    return MPI_SUCCESS;
}

/* ---- Communicators ---- */

#pragma weak MPI_Comm_create_errhandler = PMPI_Comm_create_errhandler
int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function *comm_errhandler_fn,
                                MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return create("MPI_Comm_create_errhandler", EH_COMM, (void (*)(void))comm_errhandler_fn,
                  errhandler);
}

#pragma weak MPI_Comm_set_errhandler = PMPI_Comm_set_errhandler
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_set_errhandler", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rc = check_errhandler(c, "MPI_Comm_set_errhandler", errhandler, EH_COMM);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attach(&c->errhandler, errhandler);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_get_errhandler = PMPI_Comm_get_errhandler
int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_get_errhandler", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errhandler == NULL) {
        return mp_api_error(c, "MPI_Comm_get_errhandler", MPI_ERR_ARG, "errhandler is NULL");
    }
    *errhandler = get_ref(c->errhandler, MPI_ERRORS_ARE_FATAL);
    return MPI_SUCCESS;
}

/* Checks the error code given to an MPI_*_call_errhandler. */
static int check_code(const char *call, int errorcode)
{
    if (mp_api_error_is_valid(errorcode)) {
        return MPI_SUCCESS;
    }
    return mp_api_error(NULL, call, MPI_ERR_ARG,
                        "%d is not an error code: pass an MPI_ERR_* class or a class or code "
                        "added by MPI_Add_error_class or MPI_Add_error_code",
                        errorcode);
}

#pragma weak MPI_Comm_call_errhandler = PMPI_Comm_call_errhandler
int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_call_errhandler", comm, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_code("MPI_Comm_call_errhandler", errorcode);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Errhandler handler = mp_api_errhandler_of(c);
    if (mp_api_errhandler_is_user(handler) || handler == MPI_ERRORS_RETURN) {
        /* The standard (MPI 4.1, 9.3): MPI_SUCCESS once a handler that returns was called,
         * MPI_ERRORS_RETURN too; what a user handler makes of the code stays with it. */
        (void)mp_api_errhandler_call_comm(handler, c, errorcode);
        return MPI_SUCCESS;
    }
    /* The fatal handlers end the job with one line. */
    return mp_api_error(c, "MPI_Comm_call_errhandler", errorcode,
                        "the program raised error code %d on this communicator", errorcode);
}

/* Freeing a predefined handler is allowed since MPI 4 and does nothing but reset the handle. */
#pragma weak MPI_Errhandler_free = PMPI_Errhandler_free
int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    /* Available at any time, before MPI_Init and after MPI_Finalize (MPI 4.1, Table 11.1). */
    if (errhandler == NULL) {
        return mp_api_error(NULL, "MPI_Errhandler_free", MPI_ERR_ARG, "errhandler is NULL");
    }
    if (!is_predefined_errhandler(*errhandler) && !mp_api_errhandler_is_user(*errhandler)) {
        return mp_api_error(NULL, "MPI_Errhandler_free", MPI_ERR_ERRHANDLER,
                            *errhandler == MPI_ERRHANDLER_NULL
                                ? "MPI_ERRHANDLER_NULL is not an error handler to free"
                                : "invalid error handler %p; it may have been freed already",
                            (void *)*errhandler);
    }
    /* Objects still using the handler keep it alive: MPI frees it when the last one goes. */
    mp_api_errhandler_release((uintptr_t)*errhandler);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* ---- Windows ---- */

int mp_api_errhandler_call_win(MPI_Errhandler errhandler, const mp_win_t *win, int errcode)
{
    errhandler_t *eh = user_errhandler(errhandler);
    if (eh == NULL) {
        return errcode;
    }
    MPI_Win handle = mp_api_win_handle(win);
    int code = errcode;
    eh->fn.win(&handle, &code);
    return handler_left(errcode, code);
}

#pragma weak MPI_Win_create_errhandler = PMPI_Win_create_errhandler
int PMPI_Win_create_errhandler(MPI_Win_errhandler_function *win_errhandler_fn,
                               MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return create("MPI_Win_create_errhandler", EH_WIN, (void (*)(void))win_errhandler_fn,
                  errhandler);
}

#pragma weak MPI_Win_set_errhandler = PMPI_Win_set_errhandler
int PMPI_Win_set_errhandler(MPI_Win win, MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_set_errhandler", win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_errhandler(w->comm, "MPI_Win_set_errhandler", errhandler, EH_WIN);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attach(&w->comm->errhandler, errhandler);
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_get_errhandler = PMPI_Win_get_errhandler
int PMPI_Win_get_errhandler(MPI_Win win, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_get_errhandler", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errhandler == NULL) {
        return mp_api_error(w->comm, "MPI_Win_get_errhandler", MPI_ERR_ARG, "errhandler is NULL");
    }
    *errhandler = get_ref(w->comm->errhandler, MPI_ERRORS_ARE_FATAL);
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_call_errhandler = PMPI_Win_call_errhandler
int PMPI_Win_call_errhandler(MPI_Win win, int errorcode)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_call_errhandler", win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_code("MPI_Win_call_errhandler", errorcode);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Errhandler handler = mp_api_errhandler_of(w->comm);
    if (mp_api_errhandler_is_user(handler) || handler == MPI_ERRORS_RETURN) {
        (void)mp_api_errhandler_call_win(handler, w, errorcode);
        return MPI_SUCCESS;
    }
    return mp_api_error(w->comm, "MPI_Win_call_errhandler", errorcode,
                        "the program raised error code %d on window %s", errorcode, w->name);
}

#pragma weak MPI_Session_create_errhandler = PMPI_Session_create_errhandler
int PMPI_Session_create_errhandler(MPI_Session_errhandler_function *session_errhandler_fn,
                                   MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return create("MPI_Session_create_errhandler", EH_SESSION,
                  (void (*)(void))session_errhandler_fn, errhandler);
}

/* ---- Sessions (session.c keeps each one's handler) ---- */

int mp_api_errhandler_check_comm(const char *call, MPI_Errhandler errhandler)
{
    return check_errhandler(NULL, call, errhandler, EH_COMM);
}

mp_comm_t mp_api_errhandler_stand_in(MPI_Errhandler errhandler)
{
    mp_comm_t via = {.errhandler = (uintptr_t)errhandler};
    snprintf(via.name, sizeof(via.name), "the group");
    return via;
}

int mp_api_errhandler_check_session(const char *call, MPI_Errhandler errhandler)
{
    return check_errhandler(NULL, call, errhandler, EH_SESSION);
}

int mp_api_session_error(MPI_Session session, uintptr_t handler, const char *call, int errclass,
                         const char *reason)
{
    errhandler_t *eh = user_errhandler((MPI_Errhandler)handler);
    if (eh != NULL) {
        MPI_Session handle = session;
        int code = errclass;
        eh->fn.session(&handle, &code);
        return handler_left(errclass, code);
    }
    if ((MPI_Errhandler)handler == MPI_ERRORS_RETURN) {
        return errclass;
    }
    /* MPI_ERRORS_ARE_FATAL or MPI_ERRORS_ABORT: the fatal path, whatever MPI_COMM_SELF has. */
    mp_comm_t fatal = {.errhandler = (uintptr_t)MPI_ERRORS_ARE_FATAL};
    return mp_api_error(&fatal, call, errclass, "%s", reason);
}

/* The handler slot of an open session, or an error for call. */
static int session_slot(const char *call, MPI_Session session, uintptr_t **slot_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *slot_p = mp_api_session_errhandler_slot(session);
    if (*slot_p == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_SESSION,
                            session == MPI_SESSION_NULL
                                ? "MPI_SESSION_NULL is not a session to use"
                                : "invalid session %p; use one from MPI_Session_init that is "
                                  "not finalised",
                            (void *)session);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Session_set_errhandler = PMPI_Session_set_errhandler
int PMPI_Session_set_errhandler(MPI_Session session, MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_set_errhandler";
    uintptr_t *slot = NULL;
    int rc = session_slot(call, session, &slot);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* A bad handler is the session's error: its current handler decides what follows. */
    const errhandler_t *eh = user_errhandler(errhandler);
    if (!is_predefined_errhandler(errhandler) && (eh == NULL || eh->kind != EH_SESSION)) {
        char why[200];
        snprintf(why, sizeof(why),
                 eh == NULL ? "invalid error handler %p; use a predefined one or one from "
                              "MPI_Session_create_errhandler"
                            : "error handler %p was not created for a session; create one with "
                              "MPI_Session_create_errhandler",
                 (void *)errhandler);
        uintptr_t current = *slot != 0 ? *slot : (uintptr_t)MPI_ERRORS_ARE_FATAL;
        return mp_api_session_error(session, current, call,
                                    eh == NULL ? MPI_ERR_ERRHANDLER : MPI_ERR_ARG, why);
    }
    attach(slot, errhandler);
    return MPI_SUCCESS;
}

#pragma weak MPI_Session_get_errhandler = PMPI_Session_get_errhandler
int PMPI_Session_get_errhandler(MPI_Session session, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    uintptr_t *slot = NULL;
    int rc = session_slot("MPI_Session_get_errhandler", session, &slot);
    if (rc == MPI_SUCCESS && errhandler == NULL) {
        rc = mp_api_error(NULL, "MPI_Session_get_errhandler", MPI_ERR_ARG, "errhandler is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *errhandler = get_ref(*slot, MPI_ERRORS_ARE_FATAL);
    }
    return rc;
}

#pragma weak MPI_Session_call_errhandler = PMPI_Session_call_errhandler
int PMPI_Session_call_errhandler(MPI_Session session, int errorcode)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_call_errhandler";
    uintptr_t *slot = NULL;
    int rc = session_slot(call, session, &slot);
    if (rc == MPI_SUCCESS) {
        rc = check_code(call, errorcode);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    uintptr_t handler = *slot != 0 ? *slot : (uintptr_t)MPI_ERRORS_ARE_FATAL;
    if (user_errhandler((MPI_Errhandler)handler) != NULL ||
        (MPI_Errhandler)handler == MPI_ERRORS_RETURN) {
        /* The standard: MPI_SUCCESS once a handler that returns was called. */
        (void)mp_api_session_error(session, handler, call, errorcode, "");
        return MPI_SUCCESS;
    }
    char why[80];
    snprintf(why, sizeof(why), "the program raised error code %d on a session", errorcode);
    return mp_api_session_error(session, handler, call, errorcode, why);
}

/* ---- Files (file.c keeps each file's handler in the slot of its private communicator, and
 * MPI_FILE_NULL holds the default of files opened from then on) ---- */

MPI_Errhandler mp_api_errhandler_file_default(void)
{
    return file_default != 0 ? (MPI_Errhandler)file_default : MPI_ERRORS_RETURN;
}

void mp_api_errhandler_file_attach_default(mp_comm_t *comm)
{
    attach(&comm->errhandler, mp_api_errhandler_file_default());
}

int mp_api_errhandler_call_file(MPI_Errhandler errhandler, mp_api_file_t *f, int errcode)
{
    errhandler_t *eh = user_errhandler(errhandler);
    if (eh == NULL) {
        return errcode;
    }
    MPI_File handle = f != NULL ? (MPI_File)f : MPI_FILE_NULL;
    int code = errcode;
    eh->fn.file(&handle, &code);
    return handler_left(errcode, code);
}

#pragma weak MPI_File_create_errhandler = PMPI_File_create_errhandler
int PMPI_File_create_errhandler(MPI_File_errhandler_function *file_errhandler_fn,
                                MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return create("MPI_File_create_errhandler", EH_FILE, (void (*)(void))file_errhandler_fn,
                  errhandler);
}

/* The handler slot of file (MPI_FILE_NULL: the default of new files); *f_p is the open file,
 * or NULL for MPI_FILE_NULL. */
static int file_slot(const char *call, MPI_File file, mp_api_file_t **f_p, uintptr_t **slot_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *f_p = NULL;
    if (file == MPI_FILE_NULL) {
        *slot_p = &file_default;
        return MPI_SUCCESS;
    }
    rc = mp_api_file_check(call, file, f_p);
    if (rc == MPI_SUCCESS) {
        *slot_p = &(*f_p)->c->errhandler;
    }
    return rc;
}

#pragma weak MPI_File_set_errhandler = PMPI_File_set_errhandler
int PMPI_File_set_errhandler(MPI_File file, MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    uintptr_t *slot = NULL;
    int rc = file_slot("MPI_File_set_errhandler", file, &f, &slot);
    if (rc == MPI_SUCCESS) {
        rc = check_errhandler(f != NULL ? f->c : NULL, "MPI_File_set_errhandler", errhandler,
                              EH_FILE);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attach(slot, errhandler);
    return MPI_SUCCESS;
}

#pragma weak MPI_File_get_errhandler = PMPI_File_get_errhandler
int PMPI_File_get_errhandler(MPI_File file, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    uintptr_t *slot = NULL;
    int rc = file_slot("MPI_File_get_errhandler", file, &f, &slot);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (errhandler == NULL) {
        return mp_api_error(f != NULL ? f->c : NULL, "MPI_File_get_errhandler", MPI_ERR_ARG,
                            "errhandler is NULL");
    }
    *errhandler = get_ref(*slot, MPI_ERRORS_RETURN);
    return MPI_SUCCESS;
}

#pragma weak MPI_File_call_errhandler = PMPI_File_call_errhandler
int PMPI_File_call_errhandler(MPI_File fh, int errorcode)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    uintptr_t *slot = NULL;
    int rc = file_slot("MPI_File_call_errhandler", fh, &f, &slot);
    if (rc == MPI_SUCCESS) {
        rc = check_code("MPI_File_call_errhandler", errorcode);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Errhandler handler = *slot != 0 ? (MPI_Errhandler)*slot : MPI_ERRORS_RETURN;
    if (user_errhandler(handler) != NULL || handler == MPI_ERRORS_RETURN) {
        (void)mp_api_errhandler_call_file(handler, f, errorcode);
        return MPI_SUCCESS;
    }
    /* MPI_ERRORS_ARE_FATAL or MPI_ERRORS_ABORT: the fatal path, whatever MPI_COMM_SELF has. */
    mp_comm_t fatal = {.errhandler = (uintptr_t)MPI_ERRORS_ARE_FATAL};
    return mp_api_error(&fatal, "MPI_File_call_errhandler", errorcode,
                        "the program raised error code %d on %s", errorcode,
                        f != NULL ? f->path : "MPI_FILE_NULL");
}
