/*
 * Generalized requests (MPI 4.1 section 13.2): requests that the program itself completes with
 * MPI_Grequest_complete, and whose status, release and cancellation run the program's callbacks.
 * They are pt2pt requests of kind MP_REQ_GREQ, so every wait and test call takes them as is.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/progress.h"

/* The two events in a generalized request's life that may come in either order, and from
 * different threads: the program completes it (often from a thread of its own while the main
 * thread waits) and the program frees it. Whichever comes second releases it. */
enum {
    GREQ_COMPLETED = 1u, /* MPI_Grequest_complete was called */
    GREQ_FREED = 2u,     /* MPI_Request_free was called before completion */
};

/* What MPI_Grequest_start was given, and where the request is in its life. Owned by its
 * request (req->owner). */
typedef struct greq {
    MPI_Grequest_query_function *query_fn; /* NULL: the status stays empty */
    MPI_Grequest_free_function *free_fn;   /* NULL: nothing to free */
    MPI_Grequest_cancel_function *cancel_fn;
    void *extra_state;
    atomic_uint state; /* GREQ_COMPLETED | GREQ_FREED */
    mp_request_t *req;
    /* The main thread's list of requests not yet seen complete (see progress_hook), or the
     * stack of requests to reclaim (see reclaim_push): a request is on one at most. */
    struct greq *next;
    struct greq *prev;
} greq_t;

/* Requests started and not yet marked complete; only the main thread (the one inside the wait
 * and test calls) touches this list. */
static greq_t *pending;

/* Requests that MPI_Grequest_complete released after an early MPI_Request_free. That call may
 * run on another thread while the main thread is inside MPI, so it does not touch the request
 * pool: it pushes the request here, and the main thread returns it to the pool. */
static _Atomic(greq_t *) reclaim;

static greq_t *greq_of(const mp_request_t *req)
{
    return req->owner;
}

static void pending_remove(greq_t *g)
{
    if (g->prev != NULL) {
        g->prev->next = g->next;
    } else {
        pending = g->next;
    }
    if (g->next != NULL) {
        g->next->prev = g->prev;
    }
    g->next = NULL;
    g->prev = NULL;
}

/* Returns the request to the pool and frees its callbacks' record (main thread only). */
static void destroy(greq_t *g)
{
    mp_request_t *req = g->req;
    req->complete = true;
    mp_request_free(req);
    free(g);
}

static void reclaim_push(greq_t *g)
{
    greq_t *top = atomic_load_explicit(&reclaim, memory_order_relaxed);
    do {
        g->next = top;
    } while (!atomic_compare_exchange_weak_explicit(&reclaim, &top, g, memory_order_release,
                                                    memory_order_relaxed));
}

static int reclaim_all(void)
{
    greq_t *g = atomic_exchange_explicit(&reclaim, NULL, memory_order_acquire);
    int n = 0;
    while (g != NULL) {
        greq_t *next = g->next;
        destroy(g);
        g = next;
        n++;
    }
    return n;
}

/* Run by every progress poll: marks complete the requests that MPI_Grequest_complete reached,
 * so that the wait and test calls, which look at req->complete, see them. */
static int progress_hook(void)
{
    int events = 0;
    if (atomic_load_explicit(&reclaim, memory_order_relaxed) != NULL) {
        events += reclaim_all();
    }
    greq_t *g = pending;
    while (g != NULL) {
        greq_t *next = g->next;
        if (atomic_load_explicit(&g->state, memory_order_acquire) & GREQ_COMPLETED) {
            pending_remove(g);
            mp_request_complete(g->req);
            events++;
        }
        g = next;
    }
    return events;
}

void mp_api_greq_fini(void)
{
    reclaim_all();
}

/* ---- Completion, release and cancellation (called by request.c) ---- */

int mp_api_greq_query(mp_request_t *req, MPI_Status *status)
{
    const greq_t *g = greq_of(req);
    MPI_Status scratch;
    MPI_Status *st = status != MPI_STATUS_IGNORE ? status : &scratch;
    /* What query_fn does not set reads as an empty status. */
    mp_api_status_empty(st);
    int code = MPI_SUCCESS;
    if (g->query_fn != NULL) {
        code = g->query_fn(g->extra_state, st);
    }
    mp_api_status_set_errclass(st, code);
    return code;
}

/* Calls free_fn and releases the request; returns free_fn's code. */
static int release(greq_t *g, bool on_main_thread)
{
    int code = MPI_SUCCESS;
    if (g->free_fn != NULL) {
        code = g->free_fn(g->extra_state);
    }
    if (on_main_thread) {
        destroy(g);
    } else {
        reclaim_push(g);
    }
    return code;
}

int mp_api_greq_free(mp_request_t *req)
{
    greq_t *g = greq_of(req);
    if (!req->complete) {
        /* Not seen complete yet: MPI_Grequest_complete may be running right now on another
         * thread. Whichever of the two calls comes second releases the request. */
        pending_remove(g);
        unsigned old = atomic_fetch_or_explicit(&g->state, GREQ_FREED, memory_order_acq_rel);
        if (!(old & GREQ_COMPLETED)) {
            return MPI_SUCCESS;
        }
    }
    return release(g, true);
}

int mp_api_greq_cancel(mp_request_t *req)
{
    const greq_t *g = greq_of(req);
    if (g->cancel_fn == NULL) {
        return MPI_SUCCESS;
    }
    bool completed = atomic_load_explicit(&g->state, memory_order_acquire) & GREQ_COMPLETED;
    return g->cancel_fn(g->extra_state, completed);
}

/* ---- The calls ---- */

#pragma weak MPI_Grequest_start = PMPI_Grequest_start
int PMPI_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn,
                        MPI_Grequest_cancel_function *cancel_fn, void *extra_state,
                        MPI_Request *request)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Grequest_start");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The callbacks may be NULL, as Open MPI allows: such a callback does nothing. */
    if (request == NULL) {
        return mp_api_error(NULL, "MPI_Grequest_start", MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    greq_t *g = calloc(1, sizeof(*g));
    mp_request_t *req = mp_request_create(MP_REQ_GREQ);
    if (g == NULL || req == NULL) {
        free(g);
        if (req != NULL) {
            req->complete = true;
            mp_request_free(req);
        }
        return mp_api_error(NULL, "MPI_Grequest_start", MPI_ERR_NO_MEM,
                            "cannot allocate a generalized request");
    }
    g->query_fn = query_fn;
    g->free_fn = free_fn;
    g->cancel_fn = cancel_fn;
    g->extra_state = extra_state;
    atomic_init(&g->state, 0u);
    g->req = req;
    req->owner = g;
    g->next = pending;
    if (pending != NULL) {
        pending->prev = g;
    }
    pending = g;
    mp_progress_hook_add(progress_hook);
    *request = (MPI_Request)(void *)req;
    return MPI_SUCCESS;
}

/* Checks that request is a live generalized request. */
static int check_greq(const char *call, MPI_Request request)
{
    mp_request_t *req = (mp_request_t *)(void *)request;
    if (request == MPI_REQUEST_NULL) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "request is MPI_REQUEST_NULL; pass the request that "
                            "MPI_Grequest_start returned");
    }
    if (!mp_addr_span_holds(&mp_request_span, req, sizeof(*req)) || !mp_request_is_valid(req)) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "request (%p) is not a valid request: it was completed and freed "
                            "already, or never started",
                            (void *)request);
    }
    if (req->kind != MP_REQ_GREQ) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "request (%p) is not a generalized request; only requests made by "
                            "MPI_Grequest_start are completed with MPI_Grequest_complete",
                            (void *)request);
    }
    return MPI_SUCCESS;
}

/* May run on a thread other than the one waiting for the request: it changes nothing but the
 * request's state word, unless the request was freed already (then it is this call's to
 * release). */
#pragma weak MPI_Grequest_complete = PMPI_Grequest_complete
int PMPI_Grequest_complete(MPI_Request request)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Grequest_complete");
    if (rc == MPI_SUCCESS) {
        rc = check_greq("MPI_Grequest_complete", request);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    greq_t *g = greq_of((mp_request_t *)(void *)request);
    /* After this, unless GREQ_FREED was set, the waiting thread may release g at any time. */
    unsigned old = atomic_fetch_or_explicit(&g->state, GREQ_COMPLETED, memory_order_acq_rel);
    if (old & GREQ_COMPLETED) {
        return mp_api_error(NULL, "MPI_Grequest_complete", MPI_ERR_REQUEST,
                            "MPI_Grequest_complete was already called on request %p; call it "
                            "once per generalized request",
                            (void *)request);
    }
    if (!(old & GREQ_FREED)) {
        return MPI_SUCCESS;
    }
    /* Freed already: the standard runs free_fn here. */
    int code = release(g, false);
    if (code != MPI_SUCCESS) {
        return mp_api_error(NULL, "MPI_Grequest_complete", code,
                            "the free_fn of the generalized request (freed already by "
                            "MPI_Request_free) returned error code %d",
                            code);
    }
    return MPI_SUCCESS;
}
