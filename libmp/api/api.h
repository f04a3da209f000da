/*
 * Shared by the MPI_* entry points: state checks, handle to object translation, and the one
 * error path that maps a failure to an MPI error class and calls the error handler.
 */
#ifndef MP_API_H
#define MP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The library builds with hidden visibility; the standard's functions alone are exported. */
#pragma GCC visibility push(default)
#include <mpi.h>
#pragma GCC visibility pop

#include "core/comm.h"
#include "core/datatype.h"
#include "core/lock.h"
#include "core/op.h"
#include "core/runtime.h"
#include "core/status.h"
#include "pt2pt/request.h"
#include "rma/rma.h"

/* The first statement of every PMPI_ function but those that keep no state (MPI_Initialized,
 * MPI_Finalized, MPI_Get_version, MPI_Get_library_version, MPI_Wtime, MPI_Wtick,
 * MPI_Query_thread, MPI_Is_thread_main) and MPI_Abort, which must end the job whatever another
 * thread holds (a callback of the program runs with the lock). Under MPI_THREAD_MULTIPLE it takes
 * the library lock, and the cleanup attribute gives it back on every return; at lower thread levels
 * it costs one test of a bool. Callbacks into the program run with the lock held (it is
 * recursive: they may call MPI); waiting calls drop it while they wait (pt2pt/progress.c). */
#define MP_API_LOCK()                                                                              \
    mp_lock_guard_t mp_api_lock_guard __attribute__((cleanup(mp_lock_guard_leave), unused)) =      \
        mp_lock_guard_enter()

/* Marks the functions that report a bad argument: kept out of line, so that the checks of
 * every call's arguments stay a few inline compares. */
#define MP_API_COLD __attribute__((noinline, cold))

/* Handle values below this are the standard ABI's predefined handles (or invalid); objects the
 * library creates live at addresses above it, so a small value is never dereferenced. */
#define MP_API_HANDLE_RESERVED 4096u

/* ---- Errors (errors.c, errhandler.c) ---- */

/* Reports an error of class errclass raised in call (e.g. "MPI_Send") on communicator comm (NULL
 * for calls without one, or with an invalid one: the error is then raised on MPI_COMM_SELF, as
 * MPI 4 says), with a reason that tells the user what to fix. Under MPI_ERRORS_ARE_FATAL and
 * MPI_ERRORS_ABORT it prints one line and ends the job; under MPI_ERRORS_RETURN it returns
 * errclass for the call to return. */
int mp_api_error(const mp_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The MPI error class for an internal status. */
int mp_api_errclass(mp_status_t status);

/* Ends the whole job with exit status code (MPI_Abort and the fatal error handlers): first
 * flushes this process's stdio streams, so that what the program printed before giving up (its
 * reason, most often) is not lost with the process, then asks the launcher to end every rank.
 * Never returns. */
void mp_api_job_abort(int code, const char *msg) __attribute__((noreturn));

/* The standard name of an error class ("MPI_ERR_COMM"), or NULL if errclass is not one. */
const char *mp_api_errclass_name(int errclass);

/* The error handler attached to comm (NULL: MPI_COMM_SELF), as a handle. */
MPI_Errhandler mp_api_errhandler_of(const mp_comm_t *comm);

/* Reports the error of a call made before MPI_Init or after MPI_Finalize; returns its class. */
int mp_api_not_ready(const char *call);

/* Returns MPI_SUCCESS when MPI is initialised and not finalised; otherwise reports the error
 * for call and returns its class. Inline, as the handle lookups below: every call checks. */
static inline int mp_api_check_ready(const char *call)
{
    return mp_runtime.state == MP_RUNTIME_READY ? MPI_SUCCESS : mp_api_not_ready(call);
}

/* Error handler objects are reference counted: a communicator holds one reference to its
 * handler (errhandler.c). Predefined handlers are never freed. */
void mp_api_errhandler_retain(uintptr_t errhandler);
void mp_api_errhandler_release(uintptr_t errhandler);

/* Calls the user-defined error handler errhandler (a communicator one) for an error of code
 * errcode raised on comm (NULL: MPI_COMM_SELF); returns the code the handler left, which the
 * call that raised the error returns, or errcode where it left MPI_SUCCESS (see below) or the
 * handler is a predefined one. */
int mp_api_errhandler_call_comm(MPI_Errhandler errhandler, const mp_comm_t *comm, int errcode);

/* A handler may leave MPI_SUCCESS as the code of an error: the api layer's error paths still
 * carry the original code (so that nothing goes on with bad arguments), and an entry point whose
 * every failure ends it calls mp_api_errhandler_outcome_begin first and returns
 * mp_api_errhandler_outcome(rc): MPI_SUCCESS when rc failed and the last user handler this
 * thread ran since then left MPI_SUCCESS, else rc. */
void mp_api_errhandler_outcome_begin(void);
int mp_api_errhandler_outcome(int rc);

/* Whether errhandler is a handle made by one of the MPI_*_create_errhandler calls. */
bool mp_api_errhandler_is_user(MPI_Errhandler errhandler);

/* MPI_Finalize: every communicator is done; world and self drop their handlers. */
void mp_api_errhandler_fini(void);

/* The largest error code in use (the MPI_LASTUSEDCODE attribute): MPI_ERR_LASTCODE until the
 * program adds classes or codes. */
int mp_api_error_lastused(void);

/* Whether errorcode is a predefined error class or a class or code the program added. */
bool mp_api_error_is_valid(int errorcode);

/* MPI_Finalize: forgets the added error classes, codes and strings. */
void mp_api_error_fini(void);

/* ---- The runtime, the world model and sessions (init.c, session.c) ---- */

/* Starts the runtime at thread level required unless a session or MPI_Init did already; sets
 * *provided. Reports for call and returns an MPI error class. */
int mp_api_runtime_start(const char *call, int required, int *provided);

/* Stops the runtime: the last of MPI_Finalize and MPI_Session_finalize to run calls it;
 * disconnect as for mp_runtime_fini. */
int mp_api_runtime_stop(const char *call, bool disconnect);

/* Whether the world model is on (between MPI_Init and MPI_Finalize). */
bool mp_api_world_is_active(void);

/* The number of sessions open. */
int mp_api_sessions_open(void);

/* The error handler slot of a session, or NULL if session is not an open session. */
uintptr_t *mp_api_session_errhandler_slot(MPI_Session session);

/* Where an open session keeps its attached buffer (bsend.c), or NULL if it is not open. */
void **mp_api_session_bsend_slot(MPI_Session session);

/* Raises errclass in call on an open session, through its error handler. */
__attribute__((format(printf, 4, 5))) int
mp_api_session_raise(MPI_Session session, const char *call, int errclass, const char *fmt, ...);

/* Raises an error of class errclass in call on session (a session handle and its handler):
 * calls a user handler, returns errclass under MPI_ERRORS_RETURN, ends the job under the fatal
 * handlers with reason. Returns the class for the call to return. */
int mp_api_session_error(MPI_Session session, uintptr_t handler, const char *call, int errclass,
                         const char *reason);

/* Checks that errhandler can be attached to a session (errhandler.c). */
int mp_api_errhandler_check_session(const char *call, MPI_Errhandler errhandler);

/* Checks that errhandler suits a communicator (errors go to MPI_COMM_SELF's handler). */
int mp_api_errhandler_check_comm(const char *call, MPI_Errhandler errhandler);

/* A stand-in communicator that holds only errhandler (a checked communicator handler): errors
 * raised with it as comm go to that handler, which sees MPI_COMM_NULL. For the calls that take
 * the handler of the communicator they make and raise their own errors on it. */
mp_comm_t mp_api_errhandler_stand_in(MPI_Errhandler errhandler);

/* ---- Attributes (attr.c) ---- */

/* MPI_Comm_dup and friends: runs the copy callbacks of old's attributes in the standard's
 * order, attaching the copies to new_comm. Returns an MPI error class (reported for call). */
int mp_api_attr_comm_copy_all(const char *call, mp_comm_t *old, mp_comm_t *new_comm);

/* MPI_Comm_free (and MPI_Finalize, for MPI_COMM_SELF then MPI_COMM_WORLD): runs the delete
 * callbacks of every attribute on comm and removes them, in the reverse order of their setting,
 * then frees comm's info hints. Returns an MPI error class. */
int mp_api_attr_comm_delete_all(const char *call, mp_comm_t *comm);

/* MPI_Type_dup: as mp_api_attr_comm_copy_all, for the attributes of datatype old. (datatype.c
 * has weak versions that do nothing, for unit tests built without attr.c.) */
int mp_api_attr_type_copy_all(const char *call, mp_datatype_t *old, mp_datatype_t *new_type);

/* MPI_Type_free: as mp_api_attr_comm_delete_all, for a datatype (call it before the type goes). */
int mp_api_attr_type_delete_all(const char *call, mp_datatype_t *datatype);

/* MPI_Finalize: runs the delete callbacks of MPI_COMM_SELF's attributes, then MPI_COMM_WORLD's,
 * as MPI asks, and frees the keyvals and the attributes on predefined datatypes. */
void mp_api_attr_fini(void);

/* ---- Info (info.c) ---- */

struct mp_info;

/* The info object behind a handle (MPI_INFO_ENV included), or NULL if the handle is not one. */
struct mp_info *mp_api_info_get(MPI_Info info);

/* Checks an info handle for call on comm (NULL: none); sets *info_p on success. */
int mp_api_info_check(const mp_comm_t *comm, const char *call, MPI_Info info,
                      struct mp_info **info_p);

/* Sets the hints of hints on comm (MPI_Comm_set_info, MPI_Comm_dup_with_info); keys that hints
 * lacks keep their value. Returns an MPI error class (reported for call). */
int mp_api_info_comm_merge(const char *call, mp_comm_t *comm, const struct mp_info *hints);

/* Frees comm's hints (mp_api_attr_comm_delete_all does it on MPI_Comm_free). */
void mp_api_info_comm_free(mp_comm_t *comm);

/* A new info object of n (key, value) pairs, for calls that report facts; pairs whose value is
 * NULL are left out. Returns an MPI error class (reported for call). */
int mp_api_info_make(const char *call, const char *(*pairs)[2], size_t n, MPI_Info *info_p);

/* MPI_Init's argc and argv (either may be NULL), for MPI_INFO_ENV. */
void mp_api_info_env_args(int *argc, char ***argv);

/* MPI_Finalize: frees the strings of MPI_INFO_ENV. */
void mp_api_info_fini(void);

/* ---- Handles to objects ---- */

/* The object behind a communicator handle, or NULL if the handle is not a valid one. */
static inline mp_comm_t *mp_api_comm_get(MPI_Comm comm)
{
    mp_comm_t *c = NULL;
    if (comm == MPI_COMM_WORLD) {
        c = &mp_runtime.world;
    } else if (comm == MPI_COMM_SELF) {
        c = &mp_runtime.self;
    } else if (mp_addr_span_holds(&mp_comm_span, comm, sizeof(mp_comm_t)) &&
               (uintptr_t)comm % _Alignof(mp_comm_t) == 0) {
        c = (mp_comm_t *)comm;
    }
    return c != NULL && c->magic == MP_COMM_MAGIC ? c : NULL;
}

/* Checks that MPI is ready and comm is a valid communicator; sets *comm_p on success.
 * Otherwise reports the error for call and returns its class. */
int mp_api_comm_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p);

/* MPI_Comm_free for call; with disconnect (MPI_Comm_disconnect), it waits first until every
 * member has called it. Returns an MPI error class. */
int mp_api_comm_free(const char *call, MPI_Comm *comm, bool disconnect);

/* A spawned job's MPI_Init: meets the parents and keeps MPI_Comm_get_parent's
 * intercommunicator (api/dynamic.c); MPI_Finalize drops it. */
int mp_api_parent_start(const char *call);
void mp_api_parent_fini(void);
/* The program's communicators that join several jobs (dynamic.c): published ones are noted,
 * freed or disconnected ones forgotten, and MPI_Finalize releases those the program kept, as
 * its implicit disconnect of them (before mp_api_parent_fini). */
void mp_api_joined_note(mp_comm_t *comm);
void mp_api_joined_forget(const mp_comm_t *comm);
void mp_api_joined_fini(void);

/* The handle of a communicator object (MPI_COMM_NULL for NULL). */
MPI_Comm mp_api_comm_handle(const mp_comm_t *comm);

/* Hands a communicator built by libmp/comm (comm_create.h) to the user: takes the reference to
 * its error handler that MPI_Comm_free drops, and sets *handle (MPI_COMM_NULL for NULL). */
void mp_api_comm_publish(mp_comm_t *newcomm, MPI_Comm *handle);

/* Reports for call on comm that building a communicator failed with st; returns the class. */
int mp_api_comm_failed(const char *call, mp_comm_t *comm, mp_status_t st);

/* Checks comm and the newcomm pointer of a constructor; sets *comm_p on success. */
int mp_api_comm_ctor_check(const char *call, MPI_Comm comm, const MPI_Comm *newcomm,
                           mp_comm_t **comm_p);

/* Refuses an intercommunicator where only intracommunicators are allowed. */
int mp_api_comm_check_intra(const char *call, mp_comm_t *comm);

/* MPI_Finalize: frees the hardware topology MPI_Comm_split_type loaded, if it did. */
void mp_api_split_type_fini(void);

/* The object behind a group handle (MPI_GROUP_EMPTY included), or NULL if it is not valid. */
struct mp_group *mp_api_group_get(MPI_Group group);

/* Checks a group handle for call on comm (NULL: none); sets *group_p on success. */
int mp_api_group_check(const mp_comm_t *comm, const char *call, MPI_Group group,
                       struct mp_group **group_p);

/* The handle of a group object (MPI_GROUP_EMPTY for the empty group). */
MPI_Group mp_api_group_handle(const struct mp_group *group);

/* The object behind a datatype handle, or NULL if the handle is not a valid datatype. */
static inline const mp_datatype_t *mp_api_datatype_get(MPI_Datatype datatype)
{
    uintptr_t value = (uintptr_t)datatype;
    if (value < MP_API_HANDLE_RESERVED) {
        return mp_datatype_predefined(value);
    }
    const mp_datatype_t *dt = (const mp_datatype_t *)datatype;
    if (!mp_addr_span_holds(&mp_datatype_span, dt, sizeof(*dt))) {
        return NULL;
    }
    /* A derived type whose handles the user freed may live on for pending operations, but
     * its handle is no longer valid. */
    return dt->magic == MP_DATATYPE_MAGIC && dt->user_refs > 0 ? dt : NULL;
}

/* A datatype's name for messages: its name, or a phrase for an unnamed derived type. */
const char *mp_api_datatype_name(const mp_datatype_t *dt);

/* Looks a datatype handle up for call (committed or not; MPI_DATATYPE_NULL and invalid handles
 * are reported as MPI_ERR_TYPE); sets *dt_p on success. */
int mp_api_datatype_lookup(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                           const mp_datatype_t **dt_p);

/* Records the constructor's arguments on the new type dt, gives the user its handle in
 * *newtype; on failure releases dt and reports for call. Returns an MPI error class. */
int mp_api_type_new_handle(const char *call, mp_datatype_t *dt, const mp_dt_contents_t *contents,
                           MPI_Datatype *newtype);

/* Whether dt is one of the cached MPI_Type_create_f90_* types (datatype.c): predefined for the
 * user (never freed by MPI_Type_free, handed out by MPI_Type_get_contents as they are). */
bool mp_api_type_is_f90(const mp_datatype_t *dt);

/* Drops the cached Fortran 90 types at the end of MPI (type_f90.c). */
void mp_api_type_f90_fini(void);

/* As mp_api_datatype_check, for a buffer of count elements: MPI_DATATYPE_NULL passes when count
 * is 0 (an empty MPI_BYTE comes back). */
int mp_api_datatype_check_count(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                                MPI_Count count, const mp_datatype_t **dt_p);

/* Checks a datatype handle for call on comm (NULL: none); sets *dt_p on success. */
int mp_api_datatype_check(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                          const mp_datatype_t **dt_p);

/* ---- Windows (win.c, win_ops.c, win_sync.c) ---- */

/* The window behind a handle, or NULL if the handle is not a live window. */
mp_win_t *mp_api_win_get(MPI_Win win);

/* Checks that MPI is ready and win is a live window; sets *win_p on success. Errors on an
 * invalid handle are raised on MPI_COMM_SELF; errors on a window go through the window's handler
 * (mp_api_error on win->comm, whose errhandler slot the window owns). */
int mp_api_win_check(const char *call, MPI_Win win, mp_win_t **win_p);

/* The handle of a window object. */
MPI_Win mp_api_win_handle(const mp_win_t *win);

/* The value MPI_Win_get_attr returns for a predefined window key (MPI_WIN_BASE ...), or NULL. */
void *mp_api_win_predefined_attr(mp_win_t *win, int keyval);

/* MPI_Win_free: runs the delete callbacks of the window's attributes (attr.c). */
int mp_api_attr_win_delete_all(const char *call, mp_win_t *win);

/* Calls a user-defined window error handler for an error of code errcode raised on win;
 * returns the code the handler left (errcode where it left MPI_SUCCESS). */
int mp_api_errhandler_call_win(MPI_Errhandler errhandler, const mp_win_t *win, int errcode);

/* ---- Point-to-point arguments (pt2pt.c) ---- */

/* Checks the buffer, count, datatype, peer rank and tag of a send (peer_is_source false) or a
 * receive (true: MPI_ANY_SOURCE and MPI_ANY_TAG allowed) on comm; sets *dt_p on success. */
int mp_api_check_msg(const char *call, const mp_comm_t *comm, const void *buf, MPI_Count count,
                     MPI_Datatype datatype, int peer, int tag, bool peer_is_source,
                     const mp_datatype_t **dt_p);

/* Checks a source rank (with MPI_ANY_SOURCE and MPI_PROC_NULL) and a receive tag (with
 * MPI_ANY_TAG), as probes take them. */
int mp_api_check_source_tag(const char *call, const mp_comm_t *comm, int source, int tag);

/* Checks the arguments of a persistent buffered send and creates it (MPI_Bsend_init). */
int mp_api_bsend_init(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                      int dest, int tag, MPI_Comm comm, MPI_Request *request);

/* The largest tag (the MPI_TAG_UB attribute): tags travel as 32-bit integers. */
#define MP_API_TAG_UB INT32_MAX

/* ---- Statuses (status.c) ---- */

/* Fills *status (unless MPI_STATUS_IGNORE) from a completed operation whose error class is
 * errclass. MPI_ERROR is not written: mp_api_status_publish_error does that, for the calls that
 * return MPI_ERR_IN_STATUS. */
void mp_api_status_fill(MPI_Status *status, const mp_msg_status_t *msg, int errclass);

/* Fills *status (unless MPI_STATUS_IGNORE) as the standard's empty status: MPI_ANY_SOURCE,
 * MPI_ANY_TAG, MPI_SUCCESS (MPI_ERROR included), no bytes, not cancelled. */
void mp_api_status_empty(MPI_Status *status);

/* Fills *status as a receive from MPI_PROC_NULL completes: MPI_PROC_NULL, MPI_ANY_TAG, no bytes;
 * MPI_ERROR is not written. */
void mp_api_status_proc_null(MPI_Status *status);

/* Sets the error class that mp_api_status_publish_error would publish (unless
 * MPI_STATUS_IGNORE). */
void mp_api_status_set_errclass(MPI_Status *status, int errclass);

/* Writes the error class of the operation that filled *status into its MPI_ERROR: for calls that
 * complete several operations and return MPI_ERR_IN_STATUS. */
void mp_api_status_publish_error(MPI_Status *status);

/* A one-line account of why a completed operation failed (truncation: the sizes), for the
 * error message. */
void mp_api_describe_failure(const mp_request_t *req, char *buf, size_t len);

/* ---- Requests (request.c) ---- */

#define MP_API_PREQ_MAGIC 0x6d707071u /* "mppq" */

typedef enum mp_api_preq_kind {
    MP_API_PREQ_SEND,  /* standard, synchronous or ready send (mode) */
    MP_API_PREQ_BSEND, /* buffered send through the attached buffer */
    MP_API_PREQ_RECV,
    MP_API_PREQ_COLL,  /* a persistent collective (api/coll_persist.c) */
    MP_API_PREQ_PSEND, /* a partitioned send (api/partition.c) */
    MP_API_PREQ_PRECV, /* a partitioned receive (api/partition.c) */
} mp_api_preq_kind_t;

/* A persistent request (MPI_Send_init and friends): the arguments saved, and the operation that
 * MPI_Start started. Its MPI_Request handle is its address; its first field tells it from an
 * mp_request_t, whose first field is also a magic number. */
typedef struct mp_api_preq {
    uint32_t magic; /* MP_API_PREQ_MAGIC while valid */
    mp_api_preq_kind_t kind;
    mp_send_mode_t mode;
    void *buf;
    size_t count;
    const mp_datatype_t *dt;
    int peer; /* dest, or source (also MPI_ANY_SOURCE) */
    int tag;
    mp_comm_t *comm;
    mp_request_t *active; /* the started operation; NULL while the request is inactive */
    void *coll;           /* MP_API_PREQ_COLL: the saved arguments, owned by the request */
    void *part;           /* MP_API_PREQ_PSEND, _PRECV: the partitions' state, owned likewise */
} mp_api_preq_t;

/* Creates an inactive persistent request with the given arguments and sets *request to its
 * handle; reports MPI_ERR_NO_MEM for call otherwise. */
int mp_api_preq_create(const char *call, const mp_api_preq_t *args, MPI_Request *request);

/* MPI_Start of a persistent collective: starts it with the saved arguments, sets preq->active.
 * Returns an MPI error class. */
int mp_api_coll_persistent_start(mp_api_preq_t *preq);

/* Frees the saved arguments of a persistent collective (MPI_Request_free). */
void mp_api_coll_persistent_free(mp_api_preq_t *preq);

/* The persistent request behind a handle, or NULL if the handle is not one. */
mp_api_preq_t *mp_api_preq_of(MPI_Request handle);

/* MPI_Start of a partitioned send or receive: sets preq->active. Returns an MPI error class. */
int mp_api_part_start(const char *call, mp_api_preq_t *preq);

/* Frees the state of an inactive partitioned request (MPI_Request_free). */
void mp_api_part_free(mp_api_preq_t *preq);

/* Waits for req (a nonblocking operation started by a blocking call on comm), fills *status,
 * releases req, and reports a failure for call. Returns the MPI error class. */
int mp_api_request_complete_blocking(const char *call, mp_comm_t *comm, mp_request_t *req,
                                     MPI_Status *status);

/* ---- Generalized requests (greq.c) ---- */

/* A generalized request (kind MP_REQ_GREQ) is an MPI_Request like any other: the wait and test
 * calls see it complete once MPI_Grequest_complete was called and a progress poll ran. These are
 * for those calls, on the thread that is inside them. */

/* Fills *status (a scratch status for MPI_STATUS_IGNORE) from the complete request req: an empty
 * status that query_fn then sets; its error class (published by calls that return
 * MPI_ERR_IN_STATUS) is query_fn's result. Returns that result (an MPI error code of the
 * program's choosing). */
int mp_api_greq_query(mp_request_t *req, MPI_Status *status);

/* Releases req (MPI_Request_free, or a wait or test that completed it): calls free_fn now if req
 * is complete, else at MPI_Grequest_complete. Returns free_fn's result, or MPI_SUCCESS. */
int mp_api_greq_free(mp_request_t *req);

/* MPI_Cancel: calls cancel_fn, telling it whether MPI_Grequest_complete was called. Returns
 * cancel_fn's result. */
int mp_api_greq_cancel(mp_request_t *req);

/* MPI_Finalize: returns to the pool the requests released by MPI_Grequest_complete. */
void mp_api_greq_fini(void);

/* ---- Buffered sends (bsend.c) ---- */

/* Copies count elements of dt at buf into the attached buffer and starts sending them from
 * there. *req_p is a request that is already complete (the data is safe in the buffer). */
int mp_api_bsend_start(const char *call, const void *buf, size_t count, const mp_datatype_t *dt,
                       int dest, int tag, mp_comm_t *comm, mp_request_t **req_p);

/* Attaches buffer (size bytes, or MPI_BUFFER_AUTOMATIC) to comm, or to the process when comm is
 * NULL. Fails when one is attached there already. */
int mp_api_bsend_attach(const char *call, mp_comm_t *comm, void *buffer, MPI_Count size);

/* Waits until the messages in comm's buffer (the process's when comm is NULL) have been sent,
 * then detaches it: *(void **)buffer_addr and *size_p give what was attached (NULL and 0 when
 * nothing was). int_size: the caller's size is an int, so a larger buffer is an error. */
int mp_api_bsend_detach(const char *call, mp_comm_t *comm, void *buffer_addr, MPI_Count *size_p,
                        bool int_size);

/* Waits until the messages in comm's buffer (the process's when NULL) have been sent. */
void mp_api_bsend_flush(mp_comm_t *comm);

/* The nonblocking flush: *req_p completes once the messages now in the buffer have been sent. */
int mp_api_bsend_iflush(const char *call, mp_comm_t *comm, mp_request_t **req_p);

/* MPI_Comm_free: sends what comm's buffer holds, then detaches it. */
void mp_api_bsend_comm_free(mp_comm_t *comm);

/* The same for the buffer of an open session (MPI_Session_*_buffer; errors go to the session's
 * handler); buffered sends on the communicators that derive from the session use it when they
 * have none of their own. _free: at MPI_Session_finalize. */
int mp_api_bsend_session_attach(const char *call, MPI_Session session, void *buffer,
                                MPI_Count size);
int mp_api_bsend_session_detach(const char *call, MPI_Session session, void *buffer_addr,
                                MPI_Count *size_p, bool int_size);
void mp_api_bsend_session_flush(MPI_Session session);
int mp_api_bsend_session_iflush(const char *call, MPI_Session session, mp_request_t **req_p);
void mp_api_bsend_session_free(MPI_Session session);

/* Completes every buffered send and forgets every attached buffer: at MPI_Finalize. */
void mp_api_bsend_fini(void);

/* ---- Reduction operations (op.c) ---- */

/* The op behind an MPI_Op handle (predefined or created by MPI_Op_create), or NULL if the handle
 * is not a valid op (MPI_OP_NULL, garbage, or an op the user freed). */
const mp_op_t *mp_api_op_get(MPI_Op op);

/* Checks that op is a valid op (MPI_OP_NULL or garbage: MPI_ERR_OP) and is defined on dt (a
 * predefined op on a type it does not apply to: MPI_ERR_OP naming both, e.g. "MPI_SUM is not
 * defined on MPI_2INT; MPI_MINLOC and MPI_MAXLOC are"), reporting for call on comm (NULL:
 * none); sets *op_p on success. */
int mp_api_op_check(const mp_comm_t *comm, const char *call, MPI_Op op, const mp_datatype_t *dt,
                    const mp_op_t **op_p);

/* As mp_api_op_check, for collective reductions and MPI_Reduce_local: also refuses MPI_REPLACE
 * and MPI_NO_OP (MPI_ERR_OP), which the standard defines for one-sided accumulates only. */
int mp_api_reduction_op_check(const mp_comm_t *comm, const char *call, MPI_Op op,
                              const mp_datatype_t *dt, const mp_op_t **op_p);

#endif
