/*
 * Completion of requests: the wait and test families, freeing, cancelling, and persistent
 * requests (MPI_Start). An MPI_Request is the address of either a pt2pt request (a nonblocking
 * operation) or an mp_api_preq_t (a persistent one, which owns the pt2pt request it started);
 * both begin with a magic number that tells them apart.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

/* ---- Handles ---- */

/* Where persistent requests lie. */
static mp_addr_span_t preq_span = MP_ADDR_SPAN_EMPTY;

/* The magic number a request handle points at: 0 when it lies where no request does. */
static uint32_t handle_magic(MPI_Request handle)
{
    const void *p = (const void *)handle;
    if (!mp_addr_span_holds(&mp_request_span, p, sizeof(uint32_t)) &&
        !mp_addr_span_holds(&preq_span, p, sizeof(uint32_t))) {
        return 0;
    }
    return *(const uint32_t *)p;
}

static bool is_persistent(MPI_Request handle)
{
    return handle != MPI_REQUEST_NULL && handle_magic(handle) == MP_API_PREQ_MAGIC;
}

static mp_api_preq_t *as_preq(MPI_Request handle)
{
    return (mp_api_preq_t *)(void *)handle;
}

mp_api_preq_t *mp_api_preq_of(MPI_Request handle)
{
    return is_persistent(handle) ? as_preq(handle) : NULL;
}

/* The operation in progress behind a valid handle: NULL for MPI_REQUEST_NULL and for an inactive
 * persistent request. */
static mp_request_t *active_op(MPI_Request handle)
{
    if (handle == MPI_REQUEST_NULL) {
        return NULL;
    }
    if (is_persistent(handle)) {
        return as_preq(handle)->active;
    }
    return (mp_request_t *)(void *)handle;
}

/* Whether handle is MPI_REQUEST_NULL or the handle of a live request. A stale handle (freed
 * already) has lost its magic; one that never was a request usually has none. */
static bool handle_is_valid(MPI_Request handle)
{
    if (handle == MPI_REQUEST_NULL) {
        return true;
    }
    uint32_t magic = handle_magic(handle);
    return magic == MP_REQUEST_MAGIC || magic == MP_API_PREQ_MAGIC;
}

static int invalid_handle(const char *call, const char *what, MPI_Request handle)
{
    return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                        "%s (%p) is not a valid request: it was completed and freed already, or "
                        "never started",
                        what, (void *)handle);
}

/* Checks the handle a single-request call was given. */
static int check_one(const char *call, const MPI_Request *request)
{
    if (request == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    if (!handle_is_valid(*request)) {
        return invalid_handle(call, "*request", *request);
    }
    return MPI_SUCCESS;
}

/* Checks a request array and its count. */
static int check_array(const char *call, int count, const MPI_Request *requests)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count < 0) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "count %d is negative", count);
    }
    if (count > 0 && requests == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "array_of_requests is NULL but count is %d",
                            count);
    }
    for (int i = 0; i < count; i++) {
        if (!handle_is_valid(requests[i])) {
            char what[64];
            snprintf(what, sizeof(what), "array_of_requests[%d]", i);
            return invalid_handle(call, what, requests[i]);
        }
    }
    return MPI_SUCCESS;
}

/* ---- Completion ---- */

/* The first failure among the operations a call completes, for its error message. */
typedef struct failure {
    int errclass; /* MPI_SUCCESS while none failed */
    int index;    /* where in the array, or -1 */
    const mp_comm_t *comm;
    char why[400];
} failure_t;

/* Reports the status of the completed operation behind *handle into *status, and unless peek,
 * releases it: a nonblocking request is freed and *handle becomes MPI_REQUEST_NULL; a persistent
 * one becomes inactive. Returns the operation's error class and records a failure in *f. */
/* finish() for a generalized request: its query_fn gives the status, its free_fn runs at the
 * release; the first error code either returns is the operation's. */
static int finish_greq(MPI_Request *handle, int index, MPI_Status *status, bool peek, failure_t *f)
{
    mp_request_t *req = active_op(*handle);
    const char *which = "query_fn";
    int err = mp_api_greq_query(req, status);
    if (!peek) {
        *handle = MPI_REQUEST_NULL;
        int free_err = mp_api_greq_free(req);
        if (err == MPI_SUCCESS && free_err != MPI_SUCCESS) {
            err = free_err;
            which = "free_fn";
            mp_api_status_set_errclass(status, err);
        }
    }
    if (err != MPI_SUCCESS && f->errclass == MPI_SUCCESS) {
        f->errclass = err;
        f->index = index;
        f->comm = NULL;
        snprintf(f->why, sizeof(f->why), "the %s of the generalized request returned error code %d",
                 which, err);
    }
    return err;
}

static int finish(MPI_Request *handle, int index, MPI_Status *status, bool peek, failure_t *f)
{
    mp_request_t *req = active_op(*handle);
    if (req->kind == MP_REQ_GREQ) {
        return finish_greq(handle, index, status, peek, f);
    }
    int err = req->status.error == MP_OK ? MPI_SUCCESS : mp_api_errclass(req->status.error);
    mp_api_status_fill(status, &req->status, err); /* nothing for MPI_STATUS_IGNORE */
    if (err != MPI_SUCCESS && f->errclass == MPI_SUCCESS) {
        f->errclass = err;
        f->index = index;
        f->comm = req->comm;
        mp_api_describe_failure(req, f->why, sizeof(f->why));
    }
    if (peek) {
        return err;
    }
    /* Look at the handle before the free: for a nonblocking request it is req itself. */
    if (is_persistent(*handle)) {
        as_preq(*handle)->active = NULL;
    } else {
        *handle = MPI_REQUEST_NULL;
    }
    mp_request_free(req);
    return err;
}

static void failure_init(failure_t *f)
{
    f->errclass = MPI_SUCCESS;
    f->index = -1;
    f->comm = NULL;
    f->why[0] = '\0';
}

/* Reports the failure of a call that completes one operation. */
static int report_one(const char *call, const failure_t *f)
{
    if (f->errclass == MPI_SUCCESS) {
        return MPI_SUCCESS;
    }
    return mp_api_error(f->comm, call, f->errclass, "%s", f->why);
}

/* Reports the failure of a call that completes several: with statuses, MPI_ERR_IN_STATUS (the
 * MPI_ERROR field of each of the nstatuses statuses says which failed: only then is it written);
 * without, the class of the first failure. */
static int report_many(const char *call, const failure_t *f, MPI_Status *statuses, int nstatuses)
{
    if (f->errclass == MPI_SUCCESS) {
        return MPI_SUCCESS;
    }
    if (statuses == MPI_STATUSES_IGNORE) {
        return mp_api_error(f->comm, call, f->errclass, "request %d: %s", f->index, f->why);
    }
    for (int i = 0; i < nstatuses; i++) {
        mp_api_status_publish_error(&statuses[i]);
    }
    return mp_api_error(f->comm, call, MPI_ERR_IN_STATUS,
                        "request %d: %s (see the MPI_ERROR field of each status)", f->index,
                        f->why);
}

int mp_api_request_complete_blocking(const char *call, mp_comm_t *comm, mp_request_t *req,
                                     MPI_Status *status)
{
    mp_request_wait(req);
    int err = mp_api_errclass(req->status.error);
    mp_api_status_fill(status, &req->status, err);
    if (err == MPI_SUCCESS) {
        mp_request_free(req);
        return MPI_SUCCESS;
    }
    char why[400];
    mp_api_describe_failure(req, why, sizeof(why));
    mp_request_free(req);
    return mp_api_error(comm, call, err, "%s", why);
}

/* ---- Predicates over request arrays, for mp_progress_wait ---- */

typedef struct req_array {
    int count;
    const MPI_Request *requests;
    int first_open;        /* all_done: the requests before it are complete (they stay so) */
    uint64_t failures_had; /* all_done_or_failed: mp_request_failures at its last full look */
} req_array_t;

static bool is_done(MPI_Request handle)
{
    const mp_request_t *req = active_op(handle);
    return req != NULL && mp_request_is_complete(req);
}

/* Resumes where the last look stopped, so that waiting for n requests costs n looks in all, not
 * n per pass of progress. */
static bool all_done(void *arg)
{
    req_array_t *a = arg;
    for (; a->first_open < a->count; a->first_open++) {
        const mp_request_t *req = active_op(a->requests[a->first_open]);
        if (req != NULL && !mp_request_is_complete(req)) {
            return false;
        }
    }
    return true;
}

/* Whether every request is complete, or one of them completed with an error (generalized
 * requests tell theirs only when queried, so they never count as failed here). The array is
 * searched for a failure only when some request of this process failed since the last search
 * (failures_had starts at UINT64_MAX: the first look searches). */
static bool all_done_or_failed(void *arg)
{
    req_array_t *a = arg;
    if (a->failures_had != mp_request_failures) {
        a->failures_had = mp_request_failures;
        for (int i = 0; i < a->count; i++) {
            const mp_request_t *req = active_op(a->requests[i]);
            if (req != NULL && mp_request_is_complete(req) && req->kind != MP_REQ_GREQ &&
                req->status.error != MP_OK) {
                return true;
            }
        }
    }
    return all_done(a);
}

static bool any_done(void *arg)
{
    const req_array_t *a = arg;
    for (int i = 0; i < a->count; i++) {
        if (is_done(a->requests[i])) {
            return true;
        }
    }
    return false;
}

static int count_active(int count, const MPI_Request *requests)
{
    int n = 0;
    for (int i = 0; i < count; i++) {
        n += active_op(requests[i]) != NULL;
    }
    return n;
}

/* ---- Single requests ---- */

#pragma weak MPI_Wait = PMPI_Wait
int PMPI_Wait(MPI_Request *request, MPI_Status *status)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Wait");
    if (rc == MPI_SUCCESS) {
        rc = check_one("MPI_Wait", request);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_request_t *req = active_op(*request);
    if (req == NULL) {
        mp_api_status_empty(status);
        return MPI_SUCCESS;
    }
    mp_request_wait(req);
    failure_t f;
    failure_init(&f);
    finish(request, -1, status, false, &f);
    return report_one("MPI_Wait", &f);
}

#pragma weak MPI_Test = PMPI_Test
int PMPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Test");
    if (rc == MPI_SUCCESS) {
        rc = check_one("MPI_Test", request);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Test", MPI_ERR_ARG, "flag is NULL");
    }
    mp_request_t *req = active_op(*request);
    if (req == NULL) {
        *flag = 1;
        mp_api_status_empty(status);
        return MPI_SUCCESS;
    }
    if (!mp_request_is_complete(req)) {
        mp_progress_test();
    }
    if (!mp_request_is_complete(req)) {
        *flag = 0;
        return MPI_SUCCESS;
    }
    *flag = 1;
    failure_t f;
    failure_init(&f);
    finish(request, -1, status, false, &f);
    return report_one("MPI_Test", &f);
}

#pragma weak MPI_Request_get_status = PMPI_Request_get_status
int PMPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Request_get_status");
    if (rc == MPI_SUCCESS) {
        rc = check_one("MPI_Request_get_status", &request);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Request_get_status", MPI_ERR_ARG, "flag is NULL");
    }
    mp_request_t *req = active_op(request);
    if (req == NULL) {
        *flag = 1;
        mp_api_status_empty(status);
        return MPI_SUCCESS;
    }
    if (!mp_request_is_complete(req)) {
        mp_progress_test();
    }
    *flag = mp_request_is_complete(req);
    if (!*flag) {
        return MPI_SUCCESS;
    }
    failure_t f;
    failure_init(&f);
    finish(&request, -1, status, true, &f);
    return report_one("MPI_Request_get_status", &f);
}

/* What MPI_Request_free and MPI_Cancel check first: MPI is up and *request is a real request
 * (what is the verb, for the message about MPI_REQUEST_NULL). */
static int check_live(const char *call, MPI_Request *request, const char *what)
{
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS) {
        rc = check_one(call, request);
    }
    if (rc == MPI_SUCCESS && *request == MPI_REQUEST_NULL) {
        rc = mp_api_error(NULL, call, MPI_ERR_REQUEST,
                          "*request is MPI_REQUEST_NULL: there is nothing to %s", what);
    }
    return rc;
}

#pragma weak MPI_Request_free = PMPI_Request_free
int PMPI_Request_free(MPI_Request *request)
{
    MP_API_LOCK();
    int rc = check_live("MPI_Request_free", request, "free");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* An operation still in progress completes on its own and is freed then. */
    mp_request_t *req = active_op(*request);
    if (req != NULL && req->kind == MP_REQ_GREQ) {
        *request = MPI_REQUEST_NULL;
        rc = mp_api_greq_free(req);
        if (rc != MPI_SUCCESS) {
            return mp_api_error(NULL, "MPI_Request_free", rc,
                                "the free_fn of the generalized request returned error code %d",
                                rc);
        }
        return MPI_SUCCESS;
    }
    if (is_persistent(*request)) {
        mp_api_preq_t *preq = as_preq(*request);
        bool partitioned = preq->kind == MP_API_PREQ_PSEND || preq->kind == MP_API_PREQ_PRECV;
        if (partitioned && req != NULL) {
            /* Its partitions may still be marked ready or arrive: the standard lets a program
             * free a partitioned request only while it is inactive. */
            return mp_api_error(preq->comm, "MPI_Request_free", MPI_ERR_REQUEST,
                                "the partitioned %s is active; complete it (MPI_Wait, MPI_Test) "
                                "before freeing it",
                                preq->kind == MP_API_PREQ_PSEND ? "send" : "receive");
        }
        if (preq->kind == MP_API_PREQ_COLL) {
            mp_api_coll_persistent_free(preq);
        } else if (partitioned) {
            mp_api_part_free(preq);
        }
        preq->magic = 0;
        mp_datatype_release(preq->dt);
        free(preq);
    }
    if (req != NULL) {
        mp_request_free(req);
    }
    *request = MPI_REQUEST_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_Cancel = PMPI_Cancel
int PMPI_Cancel(MPI_Request *request)
{
    MP_API_LOCK();
    int rc = check_live("MPI_Cancel", request, "cancel");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* A receive that has not matched yet, or a send the receiver has not matched, is cancelled;
     * anything else completes as usual and MPI_Test_cancelled says false. */
    mp_request_t *req = active_op(*request);
    if (req != NULL && req->kind == MP_REQ_GREQ) {
        rc = mp_api_greq_cancel(req);
        if (rc != MPI_SUCCESS) {
            return mp_api_error(NULL, "MPI_Cancel", rc,
                                "the cancel_fn of the generalized request returned error code %d",
                                rc);
        }
        return MPI_SUCCESS;
    }
    if (req != NULL && is_persistent(*request)) {
        mp_api_preq_t *preq = as_preq(*request);
        if (preq->kind == MP_API_PREQ_PSEND || preq->kind == MP_API_PREQ_PRECV) {
            /* MPI 4.1 section 4.2: cancelling an active partitioned request is erroneous; ignoring
             * the cancel would leave the program waiting for partitions no one will send. */
            return mp_api_error(preq->comm, "MPI_Cancel", MPI_ERR_REQUEST,
                                "the partitioned %s is active and cannot be cancelled; mark its "
                                "partitions ready and complete it (MPI_Wait, MPI_Test)",
                                preq->kind == MP_API_PREQ_PSEND ? "send" : "receive");
        }
    }
    if (req != NULL &&
        (req->kind == MP_REQ_SEND || (req->kind == MP_REQ_RECV && !mp_request_is_complete(req)))) {
        mp_pt2pt_cancel(req);
    }
    return MPI_SUCCESS;
}

/* ---- Arrays of requests ---- */

/* Completes every complete request of the array. All are, unless one of them failed: those
 * still in progress then stay active, and their statuses say MPI_ERR_PENDING (MPI 4.1, 3.7.5). */
static int finish_all(const char *call, int count, MPI_Request *requests, MPI_Status *statuses,
                      bool peek)
{
    failure_t f;
    failure_init(&f);
    for (int i = 0; i < count; i++) {
        MPI_Status *st = statuses != MPI_STATUSES_IGNORE ? &statuses[i] : MPI_STATUS_IGNORE;
        const mp_request_t *req = active_op(requests[i]);
        if (req == NULL) {
            mp_api_status_empty(st);
        } else if (!mp_request_is_complete(req)) {
            mp_api_status_set_errclass(st, MPI_ERR_PENDING);
        } else {
            finish(&requests[i], i, st, peek, &f);
        }
    }
    return report_many(call, &f, statuses, count);
}

#pragma weak MPI_Waitall = PMPI_Waitall
int PMPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    int rc = check_array("MPI_Waitall", count, array_of_requests);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* A failed operation ends the wait: the others may never complete (hypre's sstruct_fac
     * posts a receive that a truncated message took and whose own message never comes), and
     * the failure, fatal by default, must be told rather than wait forever. */
    req_array_t a = {.count = count, .requests = array_of_requests, .failures_had = UINT64_MAX};
    if (!all_done_or_failed(&a)) {
        mp_progress_wait(all_done_or_failed, &a);
    }
    return finish_all("MPI_Waitall", count, array_of_requests, array_of_statuses, false);
}

#pragma weak MPI_Testall = PMPI_Testall
int PMPI_Testall(int count, MPI_Request array_of_requests[], int *flag,
                 MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    int rc = check_array("MPI_Testall", count, array_of_requests);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Testall", MPI_ERR_ARG, "flag is NULL");
    }
    req_array_t a = {.count = count, .requests = array_of_requests};
    if (!all_done(&a)) {
        mp_progress_test();
    }
    *flag = all_done(&a);
    if (!*flag) {
        return MPI_SUCCESS;
    }
    return finish_all("MPI_Testall", count, array_of_requests, array_of_statuses, false);
}

/* The completed request of the array that completed first, or -1. The standard lets Waitany
 * and Testany pick any; the oldest never starves a slot, and hands out a sender's messages to
 * wildcard receives in the order it sent them whichever slots they landed in (HPCC's
 * MPIRandomAccess stops at a sender's end marker and would drop updates in higher slots). */
static int oldest_done(int count, const MPI_Request *requests)
{
    int oldest = -1;
    uint64_t oldest_seq = UINT64_MAX;
    for (int i = 0; i < count; i++) {
        const mp_request_t *req = active_op(requests[i]);
        if (req != NULL && mp_request_is_complete(req) && req->complete_seq < oldest_seq) {
            oldest = i;
            oldest_seq = req->complete_seq;
        }
    }
    return oldest;
}

static int check_out(const char *call, const void *out, const char *name)
{
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "%s is NULL", name);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Waitany = PMPI_Waitany
int PMPI_Waitany(int count, MPI_Request array_of_requests[], int *indx, MPI_Status *status)
{
    MP_API_LOCK();
    int rc = check_array("MPI_Waitany", count, array_of_requests);
    if (rc == MPI_SUCCESS) {
        rc = check_out("MPI_Waitany", indx, "index");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count_active(count, array_of_requests) == 0) {
        *indx = MPI_UNDEFINED;
        mp_api_status_empty(status);
        return MPI_SUCCESS;
    }
    req_array_t a = {.count = count, .requests = array_of_requests};
    if (!any_done(&a)) {
        mp_progress_wait(any_done, &a);
    }
    int i = oldest_done(count, array_of_requests);
    *indx = i;
    failure_t f;
    failure_init(&f);
    finish(&array_of_requests[i], i, status, false, &f);
    return report_one("MPI_Waitany", &f);
}

/* MPI_Testany and MPI_Request_get_status_any: the same test, except that the latter (peek)
 * leaves the completed request alive. */
static int test_any(const char *call, int count, MPI_Request array_of_requests[], int *indx,
                    int *flag, MPI_Status *status, bool peek)
{
    int rc = check_array(call, count, array_of_requests);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, indx, "index");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, flag, "flag");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *indx = MPI_UNDEFINED;
    if (count_active(count, array_of_requests) == 0) {
        *flag = 1;
        mp_api_status_empty(status);
        return MPI_SUCCESS;
    }
    int i = oldest_done(count, array_of_requests);
    if (i < 0) {
        mp_progress_test();
        i = oldest_done(count, array_of_requests);
    }
    *flag = i >= 0;
    if (i < 0) {
        return MPI_SUCCESS;
    }
    *indx = i;
    failure_t f;
    failure_init(&f);
    /* With peek, finish leaves the handle as it is: work on a copy of it. */
    MPI_Request handle = array_of_requests[i];
    finish(peek ? &handle : &array_of_requests[i], i, status, peek, &f);
    return report_one(call, &f);
}

#pragma weak MPI_Testany = PMPI_Testany
int PMPI_Testany(int count, MPI_Request array_of_requests[], int *indx, int *flag,
                 MPI_Status *status)
{
    MP_API_LOCK();
    return test_any("MPI_Testany", count, array_of_requests, indx, flag, status, false);
}

/* Completes every request of the array that is done, listing their indices. */
static int finish_some(const char *call, int count, MPI_Request *requests, int *outcount,
                       int *indices, MPI_Status *statuses, bool peek)
{
    failure_t f;
    failure_init(&f);
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (!is_done(requests[i])) {
            continue;
        }
        MPI_Status *st = statuses != MPI_STATUSES_IGNORE ? &statuses[n] : MPI_STATUS_IGNORE;
        finish(&requests[i], i, st, peek, &f);
        indices[n++] = i;
    }
    *outcount = n;
    return report_many(call, &f, statuses, n);
}

static int check_some(const char *call, int incount, const MPI_Request *requests,
                      const int *outcount, const int *indices)
{
    int rc = check_array(call, incount, requests);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, outcount, "outcount");
    }
    if (rc == MPI_SUCCESS && incount > 0) {
        rc = check_out(call, indices, "array_of_indices");
    }
    return rc;
}

/* MPI_Waitsome and MPI_Testsome: the same, but for waiting or polling once. */
static int some(const char *call, int incount, MPI_Request array_of_requests[], int *outcount,
                int array_of_indices[], MPI_Status *array_of_statuses, bool wait)
{
    int rc = check_some(call, incount, array_of_requests, outcount, array_of_indices);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count_active(incount, array_of_requests) == 0) {
        *outcount = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    req_array_t a = {.count = incount, .requests = array_of_requests};
    if (!any_done(&a)) {
        if (wait) {
            mp_progress_wait(any_done, &a);
        } else {
            mp_progress_test();
        }
    }
    return finish_some(call, incount, array_of_requests, outcount, array_of_indices,
                       array_of_statuses, false);
}

#pragma weak MPI_Waitsome = PMPI_Waitsome
int PMPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount,
                  int array_of_indices[], MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    return some("MPI_Waitsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, true);
}

#pragma weak MPI_Testsome = PMPI_Testsome
int PMPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount,
                  int array_of_indices[], MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    return some("MPI_Testsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, false);
}

/* ---- Status without completion (MPI 4.1) ---- */

#pragma weak MPI_Request_get_status_all = PMPI_Request_get_status_all
int PMPI_Request_get_status_all(int count, const MPI_Request array_of_requests[], int *flag,
                                MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    const char *call = "MPI_Request_get_status_all";
    int rc = check_array(call, count, array_of_requests);
    if (rc == MPI_SUCCESS) {
        rc = check_out(call, flag, "flag");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    req_array_t a = {.count = count, .requests = array_of_requests};
    if (!all_done(&a)) {
        mp_progress_test();
    }
    *flag = all_done(&a);
    if (!*flag) {
        return MPI_SUCCESS;
    }
    /* With peek, finish never writes to the handles. */
    return finish_all(call, count, (MPI_Request *)(uintptr_t)array_of_requests, array_of_statuses,
                      true);
}

#pragma weak MPI_Request_get_status_any = PMPI_Request_get_status_any
int PMPI_Request_get_status_any(int count, const MPI_Request array_of_requests[], int *indx,
                                int *flag, MPI_Status *status)
{
    MP_API_LOCK();
    /* With peek, the handles are never written. */
    return test_any("MPI_Request_get_status_any", count,
                    (MPI_Request *)(uintptr_t)array_of_requests, indx, flag, status, true);
}

#pragma weak MPI_Request_get_status_some = PMPI_Request_get_status_some
int PMPI_Request_get_status_some(int incount, const MPI_Request array_of_requests[], int *outcount,
                                 int array_of_indices[], MPI_Status *array_of_statuses)
{
    MP_API_LOCK();
    const char *call = "MPI_Request_get_status_some";
    int rc = check_some(call, incount, array_of_requests, outcount, array_of_indices);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count_active(incount, array_of_requests) == 0) {
        *outcount = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    req_array_t a = {.count = incount, .requests = array_of_requests};
    if (!any_done(&a)) {
        mp_progress_test();
    }
    return finish_some(call, incount, (MPI_Request *)(uintptr_t)array_of_requests, outcount,
                       array_of_indices, array_of_statuses, true);
}

/* ---- Persistent requests ---- */

int mp_api_preq_create(const char *call, const mp_api_preq_t *args, MPI_Request *request)
{
    mp_api_preq_t *preq = malloc(sizeof(*preq));
    if (preq == NULL) {
        return mp_api_error(args->comm, call, MPI_ERR_NO_MEM,
                            "cannot allocate a persistent request");
    }
    mp_addr_span_note(&preq_span, preq, sizeof(*preq));
    *preq = *args;
    mp_datatype_retain(preq->dt); /* the type may be freed before the request */
    preq->magic = MP_API_PREQ_MAGIC;
    preq->active = NULL;
    *request = (MPI_Request)(void *)preq;
    return MPI_SUCCESS;
}

/* Starts the operation of an inactive persistent request. */
static int preq_start(const char *call, mp_api_preq_t *preq)
{
    mp_status_t st;
    switch (preq->kind) {
    case MP_API_PREQ_SEND:
        st = mp_pt2pt_isend(preq->buf, preq->count, preq->dt, preq->peer, preq->tag, preq->comm,
                            preq->mode, &preq->active);
        break;
    case MP_API_PREQ_RECV:
        st = mp_pt2pt_irecv(preq->buf, preq->count, preq->dt, preq->peer, preq->tag, preq->comm,
                            &preq->active);
        break;
    case MP_API_PREQ_BSEND:
        return mp_api_bsend_start(call, preq->buf, preq->count, preq->dt, preq->peer, preq->tag,
                                  preq->comm, &preq->active);
    case MP_API_PREQ_COLL:
        return mp_api_coll_persistent_start(preq);
    case MP_API_PREQ_PSEND:
    case MP_API_PREQ_PRECV:
        return mp_api_part_start(call, preq);
    default:
        return mp_api_error(preq->comm, call, MPI_ERR_INTERN, "unknown persistent request kind %d",
                            (int)preq->kind);
    }
    if (st != MP_OK) {
        preq->active = NULL;
        return mp_api_error(preq->comm, call, mp_api_errclass(st),
                            "cannot start the %s rank %d of %s: %s",
                            preq->kind == MP_API_PREQ_RECV ? "receive from" : "send to", preq->peer,
                            preq->comm->name, mp_status_string(st));
    }
    return MPI_SUCCESS;
}

/* Checks that handle is an inactive persistent request (what names it in messages). */
static int check_startable(const char *call, const char *what, MPI_Request handle)
{
    if (!handle_is_valid(handle)) {
        return invalid_handle(call, what, handle);
    }
    if (handle == MPI_REQUEST_NULL) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "%s is MPI_REQUEST_NULL; only persistent requests (MPI_Send_init, "
                            "MPI_Recv_init, ...) can be started",
                            what);
    }
    if (!is_persistent(handle)) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "%s is not a persistent request; only those made by MPI_Send_init, "
                            "MPI_Recv_init and the like can be started",
                            what);
    }
    if (as_preq(handle)->active != NULL) {
        return mp_api_error(as_preq(handle)->comm, call, MPI_ERR_REQUEST,
                            "%s is already active; complete it (MPI_Wait, MPI_Test) before "
                            "starting it again",
                            what);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Start = PMPI_Start
int PMPI_Start(MPI_Request *request)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Start");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return mp_api_error(NULL, "MPI_Start", MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    rc = check_startable("MPI_Start", "*request", *request);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return preq_start("MPI_Start", as_preq(*request));
}

#pragma weak MPI_Startall = PMPI_Startall
int PMPI_Startall(int count, MPI_Request array_of_requests[])
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Startall");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count < 0) {
        return mp_api_error(NULL, "MPI_Startall", MPI_ERR_COUNT, "count %d is negative", count);
    }
    if (count > 0 && array_of_requests == NULL) {
        return mp_api_error(NULL, "MPI_Startall", MPI_ERR_ARG,
                            "array_of_requests is NULL but count is %d", count);
    }
    /* Check them all first, so that a bad one starts none. */
    char what[64];
    for (int i = 0; i < count; i++) {
        snprintf(what, sizeof(what), "array_of_requests[%d]", i);
        rc = check_startable("MPI_Startall", what, array_of_requests[i]);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    for (int i = 0; i < count; i++) {
        mp_api_preq_t *preq = as_preq(array_of_requests[i]);
        if (preq->active != NULL) {
            snprintf(what, sizeof(what), "array_of_requests[%d]", i);
            return mp_api_error(preq->comm, "MPI_Startall", MPI_ERR_REQUEST,
                                "%s appears twice in the array", what);
        }
        rc = preq_start("MPI_Startall", preq);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    return MPI_SUCCESS;
}
