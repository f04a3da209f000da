/*
 * MPI_Put, MPI_Get, the accumulates, MPI_Fetch_and_op, MPI_Compare_and_swap and their
 * request-based forms: every argument checked here (target rank, epoch, datatypes, op, the
 * target range), then one call down to libmp/rma.
 */
#include <stdlib.h>

#include "api/api.h"

/* One call's arguments, as the standard's signatures give them. */
typedef struct rma_args {
    const char *call;
    mp_rma_kind_t kind;
    const void *origin;
    MPI_Count ocount;
    MPI_Datatype odt;
    void *result;
    MPI_Count rcount;
    MPI_Datatype rdt;
    const void *compare;
    int target;
    MPI_Aint tdisp;
    MPI_Count tcount;
    MPI_Datatype tdt;
    MPI_Op op;
    MPI_Win win;
    MPI_Request *request; /* NULL: not a request-based call */
} rma_args_t;

/* Checks count and looks the datatype up (committed), naming which argument is wrong. */
static int check_buf(mp_win_t *w, const rma_args_t *a, const char *what, MPI_Count count,
                     MPI_Datatype dt, const mp_datatype_t **dt_p)
{
    if (count < 0) {
        return mp_api_error(w->comm, a->call, MPI_ERR_COUNT, "%s_count %lld is negative", what,
                            (long long)count);
    }
    return mp_api_datatype_check_count(w->comm, a->call, dt, count, dt_p);
}

/* The byte range [lo, hi) that count elements of dt touch from offset 0. */
static void type_span(const mp_datatype_t *dt, size_t count, long long *lo, long long *hi)
{
    long long n = (long long)count;
    long long ext = (long long)dt->extent;
    *lo = (long long)dt->true_lb + (ext < 0 ? (n - 1) * ext : 0);
    *hi = (long long)dt->true_lb + (long long)dt->true_extent + (ext > 0 ? (n - 1) * ext : 0);
}

/* The epoch and the target range. */
static int check_target(mp_win_t *w, const rma_args_t *a, const mp_datatype_t *tdt,
                        uint64_t *disp_p)
{
    const mp_win_peer_t *p = &w->peers[a->target];
    bool passive = p->lock != MP_WIN_LOCK_NONE;
    if (a->request != NULL && !passive) {
        return mp_api_error(w->comm, a->call, MPI_ERR_RMA_SYNC,
                            "request-based operations need a passive-target epoch: rank %d of %s "
                            "is not locked (MPI_Win_lock or MPI_Win_lock_all)",
                            a->target, w->name);
    }
    if (!passive && !p->in_access && !w->fence_open) {
        return mp_api_error(w->comm, a->call, MPI_ERR_RMA_SYNC,
                            "no access epoch is open towards rank %d on %s; open one with "
                            "MPI_Win_fence, MPI_Win_start, MPI_Win_lock or MPI_Win_lock_all",
                            a->target, w->name);
    }
    if (w->flavor == MP_WIN_DYNAMIC) {
        *disp_p = (uint64_t)a->tdisp; /* an address at the target: the target checks it */
        return MPI_SUCCESS;
    }
    long long off = (long long)a->tdisp * (long long)p->disp_unit;
    long long lo = 0, hi = 0;
    if (a->tcount > 0 && tdt->size > 0) {
        type_span(tdt, (size_t)a->tcount, &lo, &hi);
        if (a->tdisp < 0 || off + lo < 0 || off + hi > (long long)p->size) {
            return mp_api_error(w->comm, a->call, MPI_ERR_RMA_RANGE,
                                "target_disp %ld (unit %zu) with %lld elements of %s touches "
                                "bytes %lld to %lld of rank %d's window, which has %zu bytes",
                                (long)a->tdisp, p->disp_unit, (long long)a->tcount,
                                mp_api_datatype_name(tdt), off + lo, off + hi, a->target, p->size);
        }
    }
    *disp_p = (uint64_t)off;
    return MPI_SUCCESS;
}

/* Accumulates: a predefined op that applies to the target type's basic type, the same basic
 * type at the origin. */
static int check_op(mp_win_t *w, const rma_args_t *a, const mp_datatype_t *odt,
                    const mp_datatype_t *tdt)
{
    const mp_op_t *op = NULL;
    int rc = mp_api_op_check(w->comm, a->call, a->op, tdt, &op);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!mp_op_is_predefined(op)) {
        return mp_api_error(w->comm, a->call, MPI_ERR_OP,
                            "one-sided accumulates take predefined ops only (MPI_SUM ... "
                            "MPI_REPLACE, MPI_NO_OP), not a user-defined op");
    }
    if (tdt->elem_type == NULL) {
        return mp_api_error(w->comm, a->call, MPI_ERR_TYPE,
                            "the target datatype %s mixes basic types; accumulates need one "
                            "predefined type throughout",
                            mp_api_datatype_name(tdt));
    }
    if (odt != NULL && odt->elem_type != tdt->elem_type) {
        return mp_api_error(w->comm, a->call, MPI_ERR_TYPE,
                            "the origin datatype %s and the target datatype %s are not made of "
                            "the same predefined type",
                            mp_api_datatype_name(odt), mp_api_datatype_name(tdt));
    }
    return MPI_SUCCESS;
}

/* An accumulate of no data: its op must still be a valid predefined op. */
static int check_empty_op(mp_win_t *w, const rma_args_t *a)
{
    const mp_op_t *op = mp_api_op_get(a->op);
    if (op == NULL) {
        return mp_api_error(w->comm, a->call, MPI_ERR_OP,
                            "invalid op handle %p; pass a predefined op such as MPI_SUM",
                            (void *)a->op);
    }
    if (!mp_op_is_predefined(op)) {
        return mp_api_error(w->comm, a->call, MPI_ERR_OP,
                            "one-sided accumulates take predefined ops only (MPI_SUM ... "
                            "MPI_REPLACE, MPI_NO_OP), not a user-defined op");
    }
    return MPI_SUCCESS;
}

/* The data sizes on both sides must agree, as their type signatures must. */
static int check_sizes(mp_win_t *w, const rma_args_t *a, const char *what, size_t bytes,
                       size_t tbytes)
{
    if (bytes == tbytes) {
        return MPI_SUCCESS;
    }
    return mp_api_error(w->comm, a->call, MPI_ERR_TYPE,
                        "the %s data has %zu bytes but the target data %zu: the type signatures "
                        "must match",
                        what, bytes, tbytes);
}

/* A request that is complete already (an operation on MPI_PROC_NULL). */
static int request_done(mp_win_t *w, const rma_args_t *a)
{
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (req == NULL) {
        return mp_api_error(w->comm, a->call, MPI_ERR_NO_MEM, "no memory for a request");
    }
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->comm = w->comm;
    mp_request_complete(req);
    *a->request = (MPI_Request)req;
    return MPI_SUCCESS;
}

/* Checks the arguments of each kind's buffers; fills op. */
static int check_bufs(mp_win_t *w, const rma_args_t *a, mp_rma_op_t *op)
{
    int rc = check_buf(w, a, "target", a->tcount, a->tdt, &op->tdt);
    bool no_op = a->op == MPI_NO_OP && (a->kind == MP_RMA_GACC);
    if (rc == MPI_SUCCESS && a->kind != MP_RMA_GET && !no_op) {
        rc = check_buf(w, a, "origin", a->ocount, a->odt, &op->odt);
    }
    if (rc == MPI_SUCCESS &&
        (a->kind == MP_RMA_GET || a->kind == MP_RMA_GACC || a->kind == MP_RMA_CAS)) {
        rc = check_buf(w, a, a->kind == MP_RMA_GET ? "origin" : "result", a->rcount, a->rdt,
                       &op->rdt);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t tbytes = mp_datatype_bytes(op->tdt, (size_t)a->tcount);
    if (op->odt != NULL) {
        rc = check_sizes(w, a, "origin", mp_datatype_bytes(op->odt, (size_t)a->ocount), tbytes);
    }
    if (rc == MPI_SUCCESS && op->rdt != NULL) {
        rc = check_sizes(w, a, a->kind == MP_RMA_GET ? "origin" : "result",
                         mp_datatype_bytes(op->rdt, (size_t)a->rcount), tbytes);
    }
    return rc;
}

static int rma_call(const rma_args_t *a)
{
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(a->call, a->win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (a->target != MPI_PROC_NULL && (a->target < 0 || a->target >= w->comm->size)) {
        return mp_api_error(w->comm, a->call, MPI_ERR_RANK,
                            "target_rank %d is not in the window's group of %d ranks", a->target,
                            w->comm->size);
    }
    mp_rma_op_t op = {.kind = a->kind,
                      .origin = a->origin,
                      .ocount = (size_t)a->ocount,
                      .result = a->result,
                      .rcount = (size_t)a->rcount,
                      .compare = a->compare,
                      .target = a->target,
                      .tcount = (size_t)a->tcount,
                      .op = (uintptr_t)a->op};
    rc = check_bufs(w, a, &op);
    bool acc = a->kind == MP_RMA_ACC || a->kind == MP_RMA_GACC;
    /* An accumulate of no data (a count of 0, or types of size 0) applies its op to nothing:
     * its types need no common basic type, as the type signatures are empty alike. */
    bool empty = rc == MPI_SUCCESS && acc && mp_datatype_bytes(op.tdt, op.tcount) == 0;
    if (rc == MPI_SUCCESS && acc) {
        rc = empty ? check_empty_op(w, a) : check_op(w, a, op.odt, op.tdt);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (a->target == MPI_PROC_NULL) {
        return a->request != NULL ? request_done(w, a) : MPI_SUCCESS;
    }
    rc = check_target(w, a, op.tdt, &op.disp);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (empty) {
        return a->request != NULL ? request_done(w, a) : MPI_SUCCESS;
    }
    if (op.odt == NULL) {
        op.ocount = 0; /* MPI_NO_OP: the origin arguments are ignored */
    }
    mp_request_t *req = NULL;
    mp_status_t st = mp_rma_op_start(w, &op, a->request != NULL ? &req : NULL);
    if (st != MP_OK) {
        return mp_api_error(w->comm, a->call, mp_api_errclass(st),
                            "cannot start the operation towards rank %d: %s", a->target,
                            mp_status_string(st));
    }
    if (a->request != NULL) {
        *a->request = (MPI_Request)req;
    }
    return MPI_SUCCESS;
}

/* The request-based calls check their output argument first. */
static int rma_call_req(const rma_args_t *a)
{
    if (a->request == NULL) {
        mp_win_t *w = NULL;
        int rc = mp_api_win_check(a->call, a->win, &w);
        return rc != MPI_SUCCESS ? rc
                                 : mp_api_error(w->comm, a->call, MPI_ERR_ARG, "request is NULL");
    }
    return rma_call(a);
}

/* ---- Put and get ---- */

#pragma weak MPI_Put_c = PMPI_Put_c
int PMPI_Put_c(const void *origin_addr, MPI_Count origin_count, MPI_Datatype origin_datatype,
               int target_rank, MPI_Aint target_disp, MPI_Count target_count,
               MPI_Datatype target_datatype, MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Put",
                    .kind = MP_RMA_PUT,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = MPI_REPLACE,
                    .win = win};
    return rma_call(&a);
}

#pragma weak MPI_Put = PMPI_Put
int PMPI_Put(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
             int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype,
             MPI_Win win)
{
    MP_API_LOCK();
    return PMPI_Put_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                      target_count, target_datatype, win);
}

#pragma weak MPI_Rput_c = PMPI_Rput_c
int PMPI_Rput_c(const void *origin_addr, MPI_Count origin_count, MPI_Datatype origin_datatype,
                int target_rank, MPI_Aint target_disp, MPI_Count target_count,
                MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Rput",
                    .kind = MP_RMA_PUT,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = MPI_REPLACE,
                    .win = win,
                    .request = request};
    return rma_call_req(&a);
}

#pragma weak MPI_Rput = PMPI_Rput
int PMPI_Rput(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
              int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype,
              MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    return PMPI_Rput_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                       target_count, target_datatype, win, request);
}

#pragma weak MPI_Get_c = PMPI_Get_c
int PMPI_Get_c(void *origin_addr, MPI_Count origin_count, MPI_Datatype origin_datatype,
               int target_rank, MPI_Aint target_disp, MPI_Count target_count,
               MPI_Datatype target_datatype, MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Get",
                    .kind = MP_RMA_GET,
                    .result = origin_addr,
                    .rcount = origin_count,
                    .rdt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = MPI_NO_OP,
                    .win = win};
    return rma_call(&a);
}

#pragma weak MPI_Get = PMPI_Get
int PMPI_Get(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
             MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win)
{
    MP_API_LOCK();
    return PMPI_Get_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                      target_count, target_datatype, win);
}

#pragma weak MPI_Rget_c = PMPI_Rget_c
int PMPI_Rget_c(void *origin_addr, MPI_Count origin_count, MPI_Datatype origin_datatype,
                int target_rank, MPI_Aint target_disp, MPI_Count target_count,
                MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Rget",
                    .kind = MP_RMA_GET,
                    .result = origin_addr,
                    .rcount = origin_count,
                    .rdt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = MPI_NO_OP,
                    .win = win,
                    .request = request};
    return rma_call_req(&a);
}

#pragma weak MPI_Rget = PMPI_Rget
int PMPI_Rget(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
              MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win,
              MPI_Request *request)
{
    MP_API_LOCK();
    return PMPI_Rget_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                       target_count, target_datatype, win, request);
}

/* ---- Accumulates ---- */

#pragma weak MPI_Accumulate_c = PMPI_Accumulate_c
int PMPI_Accumulate_c(const void *origin_addr, MPI_Count origin_count, MPI_Datatype origin_datatype,
                      int target_rank, MPI_Aint target_disp, MPI_Count target_count,
                      MPI_Datatype target_datatype, MPI_Op op, MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Accumulate",
                    .kind = MP_RMA_ACC,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = op,
                    .win = win};
    return rma_call(&a);
}

#pragma weak MPI_Accumulate = PMPI_Accumulate
int PMPI_Accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                    int target_rank, MPI_Aint target_disp, int target_count,
                    MPI_Datatype target_datatype, MPI_Op op, MPI_Win win)
{
    MP_API_LOCK();
    return PMPI_Accumulate_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                             target_count, target_datatype, op, win);
}

#pragma weak MPI_Raccumulate_c = PMPI_Raccumulate_c
int PMPI_Raccumulate_c(const void *origin_addr, MPI_Count origin_count,
                       MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp,
                       MPI_Count target_count, MPI_Datatype target_datatype, MPI_Op op, MPI_Win win,
                       MPI_Request *request)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Raccumulate",
                    .kind = MP_RMA_ACC,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = op,
                    .win = win,
                    .request = request};
    return rma_call_req(&a);
}

#pragma weak MPI_Raccumulate = PMPI_Raccumulate
int PMPI_Raccumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                     int target_rank, MPI_Aint target_disp, int target_count,
                     MPI_Datatype target_datatype, MPI_Op op, MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    return PMPI_Raccumulate_c(origin_addr, origin_count, origin_datatype, target_rank, target_disp,
                              target_count, target_datatype, op, win, request);
}

#pragma weak MPI_Get_accumulate_c = PMPI_Get_accumulate_c
int PMPI_Get_accumulate_c(const void *origin_addr, MPI_Count origin_count,
                          MPI_Datatype origin_datatype, void *result_addr, MPI_Count result_count,
                          MPI_Datatype result_datatype, int target_rank, MPI_Aint target_disp,
                          MPI_Count target_count, MPI_Datatype target_datatype, MPI_Op op,
                          MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Get_accumulate",
                    .kind = MP_RMA_GACC,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .result = result_addr,
                    .rcount = result_count,
                    .rdt = result_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = op,
                    .win = win};
    return rma_call(&a);
}

#pragma weak MPI_Get_accumulate = PMPI_Get_accumulate
int PMPI_Get_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                        void *result_addr, int result_count, MPI_Datatype result_datatype,
                        int target_rank, MPI_Aint target_disp, int target_count,
                        MPI_Datatype target_datatype, MPI_Op op, MPI_Win win)
{
    MP_API_LOCK();
    return PMPI_Get_accumulate_c(origin_addr, origin_count, origin_datatype, result_addr,
                                 result_count, result_datatype, target_rank, target_disp,
                                 target_count, target_datatype, op, win);
}

#pragma weak MPI_Rget_accumulate_c = PMPI_Rget_accumulate_c
int PMPI_Rget_accumulate_c(const void *origin_addr, MPI_Count origin_count,
                           MPI_Datatype origin_datatype, void *result_addr, MPI_Count result_count,
                           MPI_Datatype result_datatype, int target_rank, MPI_Aint target_disp,
                           MPI_Count target_count, MPI_Datatype target_datatype, MPI_Op op,
                           MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Rget_accumulate",
                    .kind = MP_RMA_GACC,
                    .origin = origin_addr,
                    .ocount = origin_count,
                    .odt = origin_datatype,
                    .result = result_addr,
                    .rcount = result_count,
                    .rdt = result_datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = target_count,
                    .tdt = target_datatype,
                    .op = op,
                    .win = win,
                    .request = request};
    return rma_call_req(&a);
}

#pragma weak MPI_Rget_accumulate = PMPI_Rget_accumulate
int PMPI_Rget_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                         void *result_addr, int result_count, MPI_Datatype result_datatype,
                         int target_rank, MPI_Aint target_disp, int target_count,
                         MPI_Datatype target_datatype, MPI_Op op, MPI_Win win, MPI_Request *request)
{
    MP_API_LOCK();
    return PMPI_Rget_accumulate_c(origin_addr, origin_count, origin_datatype, result_addr,
                                  result_count, result_datatype, target_rank, target_disp,
                                  target_count, target_datatype, op, win, request);
}

#pragma weak MPI_Fetch_and_op = PMPI_Fetch_and_op
int PMPI_Fetch_and_op(const void *origin_addr, void *result_addr, MPI_Datatype datatype,
                      int target_rank, MPI_Aint target_disp, MPI_Op op, MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Fetch_and_op",
                    .kind = MP_RMA_GACC,
                    .origin = origin_addr,
                    .ocount = 1,
                    .odt = datatype,
                    .result = result_addr,
                    .rcount = 1,
                    .rdt = datatype,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = 1,
                    .tdt = datatype,
                    .op = op,
                    .win = win};
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt != NULL && !dt->predefined) {
        mp_win_t *w = NULL;
        int rc = mp_api_win_check(a.call, win, &w);
        return rc != MPI_SUCCESS ? rc
                                 : mp_api_error(w->comm, a.call, MPI_ERR_TYPE,
                                                "MPI_Fetch_and_op takes a predefined datatype, "
                                                "not %s",
                                                mp_api_datatype_name(dt));
    }
    return rma_call(&a);
}

#pragma weak MPI_Compare_and_swap = PMPI_Compare_and_swap
int PMPI_Compare_and_swap(const void *origin_addr, const void *compare_addr, void *result_addr,
                          MPI_Datatype datatype, int target_rank, MPI_Aint target_disp, MPI_Win win)
{
    MP_API_LOCK();
    rma_args_t a = {.call = "MPI_Compare_and_swap",
                    .kind = MP_RMA_CAS,
                    .origin = origin_addr,
                    .ocount = 1,
                    .odt = datatype,
                    .result = result_addr,
                    .rcount = 1,
                    .rdt = datatype,
                    .compare = compare_addr,
                    .target = target_rank,
                    .tdisp = target_disp,
                    .tcount = 1,
                    .tdt = datatype,
                    .op = MPI_REPLACE,
                    .win = win};
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(a.call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_check(w->comm, a.call, datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Integers, logicals and bytes: the types a bitwise op applies to. */
    if (!dt->predefined || (mp_op_applies(mp_api_op_get(MPI_BOR), dt) != MP_OP_APPLIES &&
                            mp_op_applies(mp_api_op_get(MPI_LOR), dt) != MP_OP_APPLIES)) {
        return mp_api_error(w->comm, a.call, MPI_ERR_TYPE,
                            "MPI_Compare_and_swap takes a predefined integer, logical or byte "
                            "type, not %s",
                            mp_api_datatype_name(dt));
    }
    return rma_call(&a);
}
