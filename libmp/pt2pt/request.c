/*
 * Request objects: creation, completion exactly once, and release, including the case where
 * the user frees a request before it completes (MPI_Request_free on an active send).
 */
#include "pt2pt/request.h"

#include <stdlib.h>
#include <string.h>

#include "pt2pt/progress.h"

mp_request_t *mp_request_create(mp_request_kind_t kind)
{
    mp_request_t *req = calloc(1, sizeof(*req));
    if (req != NULL) {
        req->magic = MP_REQUEST_MAGIC;
        req->kind = kind;
    }
    return req;
}

static void destroy(mp_request_t *req)
{
    req->magic = 0;
    free(req);
}

void mp_request_complete(mp_request_t *req)
{
    req->complete = true;
    if (req->free_on_complete) {
        destroy(req);
    }
}

void mp_request_free(mp_request_t *req)
{
    if (req->complete) {
        destroy(req);
    } else {
        req->free_on_complete = true;
    }
}

static bool request_done(void *arg)
{
    return ((const mp_request_t *)arg)->complete;
}

void mp_request_wait(mp_request_t *req)
{
    if (!req->complete) {
        mp_progress_wait(request_done, req);
    }
}
