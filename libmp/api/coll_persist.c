/*
 * Persistent collectives: MPI_X_init checks its arguments once (building and dropping a
 * schedule, so every rank agrees on the sequence of collectives) and saves them in a
 * persistent request; each MPI_Start starts the nonblocking collective with the saved arguments.
 */
#include <stdlib.h>

#include "api/coll.h"

/* Checks (mode MP_API_COLL_CHECK) or starts (MP_API_COLL_NONBLOCKING) the saved collective. */
static int saved_run(const mp_api_coll_saved_t *a, mp_api_coll_mode_t mode, MPI_Request *req)
{
    switch (a->which) {
    case MP_API_SAVED_BARRIER:
        return mp_api_coll_barrier(a->call, a->comm, mode, req);
    case MP_API_SAVED_BCAST:
        return mp_api_coll_bcast(a->call, a->rbuf, a->rcount, a->rtype, a->root, a->comm, mode,
                                 req);
    case MP_API_SAVED_GATHER:
        return mp_api_coll_gather(a->call, a->is_scatter, a->sbuf, a->scount, a->stype, a->rbuf,
                                  a->rcount, a->rtype, a->is_scatter ? a->scounts : a->rcounts,
                                  a->is_scatter ? a->sdispls : a->rdispls, a->v, a->width, a->root,
                                  a->comm, mode, req);
    case MP_API_SAVED_ALLGATHER:
        return mp_api_coll_allgather(a->call, a->sbuf, a->scount, a->stype, a->rbuf, a->rcount,
                                     a->rcounts, a->rdispls, a->v, a->width, a->rtype, a->comm,
                                     mode, req);
    case MP_API_SAVED_ALLTOALL:
        return mp_api_coll_alltoall(a->call, a->sbuf, a->scount, a->stype, a->rbuf, a->rcount,
                                    a->rtype, a->comm, mode, req);
    case MP_API_SAVED_ALLTOALLW:
        return mp_api_coll_alltoallw(a->call, a->sbuf, a->scounts, a->sdispls, a->stype, a->stypes,
                                     a->rbuf, a->rcounts, a->rdispls, a->rtype, a->rtypes, a->w,
                                     a->width, a->comm, mode, req);
    case MP_API_SAVED_REDUCE:
        return mp_api_coll_reduce(a->call, a->red, a->sbuf, a->rbuf, a->scount, a->stype, a->op,
                                  a->root, a->comm, mode, req);
    case MP_API_SAVED_REDSCAT:
        return mp_api_coll_reduce_scatter(a->call, a->sbuf, a->rbuf, a->rcounts, a->rcount, a->v,
                                          a->width, a->stype, a->op, a->comm, mode, req);
    case MP_API_SAVED_NEIGHBOR:
        return mp_api_neighbor_saved_run(a, mode, req);
    }
    return mp_api_error(NULL, a->call, MPI_ERR_INTERN, "unknown persistent collective %d",
                        (int)a->which);
}

int mp_api_coll_persistent_init(const mp_api_coll_saved_t *saved, MPI_Request *request)
{
    /* The check builds the collective's schedule once, which takes its tags: those are the
     * request's (see mp_api_coll_saved_t). An invalid communicator fails in the check. */
    mp_comm_t *comm = mp_api_comm_get(saved->comm);
    uint32_t seq = comm != NULL ? comm->coll_seq : 0;
    uint32_t local_seq = comm != NULL && comm->local_comm != NULL ? comm->local_comm->coll_seq : 0;
    int rc = saved_run(saved, MP_API_COLL_CHECK, NULL);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return mp_api_error(comm, saved->call, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    mp_api_coll_saved_t *copy = malloc(sizeof(*copy));
    if (copy == NULL) {
        return mp_api_error(comm, saved->call, MPI_ERR_NO_MEM,
                            "cannot allocate a persistent request");
    }
    *copy = *saved;
    copy->seq = seq;
    copy->local_seq = local_seq;
    mp_api_preq_t args = {.kind = MP_API_PREQ_COLL, .comm = comm, .coll = copy};
    rc = mp_api_preq_create(saved->call, &args, request);
    if (rc != MPI_SUCCESS) {
        free(copy);
    }
    return rc;
}

int mp_api_coll_persistent_start(mp_api_preq_t *preq)
{
    MPI_Request req = MPI_REQUEST_NULL;
    /* The start builds the same schedule with the tags of the init call; the collectives
     * created since then keep theirs, as the counters come back afterwards. */
    const mp_api_coll_saved_t *saved = preq->coll;
    mp_comm_t *comm = preq->comm;
    mp_comm_t *local = comm->local_comm;
    uint32_t seq = comm->coll_seq;
    uint32_t local_seq = local != NULL ? local->coll_seq : 0;
    comm->coll_seq = saved->seq;
    if (local != NULL) {
        local->coll_seq = saved->local_seq;
    }
    int rc = saved_run(saved, MP_API_COLL_NONBLOCKING, &req);
    comm->coll_seq = seq;
    if (local != NULL) {
        local->coll_seq = local_seq;
    }
    preq->active = rc == MPI_SUCCESS ? (mp_request_t *)(void *)req : NULL;
    return rc;
}

void mp_api_coll_persistent_free(mp_api_preq_t *preq)
{
    free(preq->coll);
    preq->coll = NULL;
}
