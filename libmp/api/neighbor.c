/*
 * Neighbourhood collectives (MPI 4.1 section 8.6): allgather(v) and alltoall(v,w) with the
 * neighbours of a topology, blocking, nonblocking and persistent (started from the arguments
 * neighbor_init.c saved), with int and MPI_Count (_c) counts. Every
 * form posts all its receives and sends at once on the collective context; a progress hook
 * completes the collective's request when all of them have completed.
 */
#include <stdlib.h>

#include "api/coll.h"
#include "api/topo.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

/* ---- The operation ---- */

/* One neighbourhood collective in flight. */
typedef struct nbr_op {
    mp_request_t *req; /* the MP_REQ_COLL request the user holds */
    mp_comm_t *user;   /* the user's communicator: referenced until the parts complete */
    mp_comm_t coll;    /* the communicator on its collective context: the parts' comm */
    int nparts;
    int ndone;             /* parts[0 .. ndone) are known complete */
    struct nbr_op *next;   /* the list of operations in flight */
    mp_request_t *parts[]; /* the receives, then the sends */
} nbr_op_t;

static nbr_op_t *active;

/* Completes op's request with the first failure among its parts, and frees op. */
static void op_finish(nbr_op_t *op)
{
    mp_request_t *req = op->req;
    for (int i = 0; i < op->nparts; i++) {
        const mp_request_t *p = op->parts[i];
        if (p->status.error != MP_OK && req->status.error == MP_OK) {
            /* What MPI_Wait's message describes: the failed part, on the user's communicator. */
            req->status.error = p->status.error;
            req->status.source = p->status.source;
            req->peer = p->peer;
            req->tag = p->tag;
            req->msg_bytes = p->msg_bytes;
            req->capacity = p->capacity;
            req->count = p->count;
            req->dt = p->dt;
        }
        mp_request_free(op->parts[i]);
    }
    mp_comm_unref(op->user);
    free(op);
    mp_request_complete(req);
}

/* Whether every part of op has completed. */
static bool op_done(nbr_op_t *op)
{
    while (op->ndone < op->nparts && mp_request_is_complete(op->parts[op->ndone])) {
        op->ndone++;
    }
    return op->ndone == op->nparts;
}

/* The progress hook: finishes the operations whose parts have all completed. */
static int nbr_progress(void)
{
    int events = 0;
    nbr_op_t **link = &active;
    while (*link != NULL) {
        nbr_op_t *op = *link;
        if (op_done(op)) {
            *link = op->next;
            op_finish(op);
            events++;
        } else {
            link = &op->next;
        }
    }
    return events;
}

/* ---- Arguments ---- */

/* One side (send or receive) of a call, in the shape of whichever call it was. */
typedef struct nbr_side {
    const char *dir; /* "send" or "recv", for messages */
    const void *buf;
    MPI_Count count; /* the count of every block, when counts and counts_c are NULL */
    const int *counts;
    const MPI_Count *counts_c;
    const int *displs; /* per-block displacements (elements, or bytes when byte_displs) */
    const MPI_Aint *displs_c;
    bool byte_displs;
    MPI_Datatype type; /* the type of every block, when types is NULL */
    const MPI_Datatype *types;
    bool same_block; /* allgather's send: every neighbour gets the one block at buf */
    bool vector;     /* counts and displacements per block (the v and w forms) */
} nbr_side_t;

/* A block of a side, resolved: where, how many, of what. */
typedef struct nbr_block {
    void *buf;
    size_t count;
    const mp_datatype_t *dt;
} nbr_block_t;

/* Checks the arrays of a side with n blocks (the "v" and "w" forms). */
static int check_side_arrays(const char *call, const mp_comm_t *c, const nbr_side_t *s, int n)
{
    if (n == 0 || !s->vector) {
        return MPI_SUCCESS;
    }
    if (s->counts == NULL && s->counts_c == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%scounts is NULL; pass %d counts", s->dir, n);
    }
    if (s->displs == NULL && s->displs_c == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "the %s displacements are NULL; pass %d", s->dir,
                            n);
    }
    if (s->byte_displs && s->types == NULL) {
        return mp_api_error(c, call, MPI_ERR_TYPE, "%stypes is NULL; pass %d datatypes", s->dir, n);
    }
    return MPI_SUCCESS;
}

/* Resolves and checks block i of side s. */
static int side_block(const char *call, const mp_comm_t *c, const nbr_side_t *s, int i,
                      nbr_block_t *b)
{
    MPI_Count count = s->counts != NULL     ? s->counts[i]
                      : s->counts_c != NULL ? s->counts_c[i]
                                            : s->count;
    if (count < 0) {
        return mp_api_error(c, call, MPI_ERR_COUNT,
                            "%scounts[%d] = %lld is negative; counts are 0 or more", s->dir, i,
                            (long long)count);
    }
    const mp_datatype_t *dt = NULL;
    int rc =
        mp_api_datatype_check_count(c, call, s->types != NULL ? s->types[i] : s->type, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->size > 0 && (uint64_t)count > SIZE_MAX / dt->size) {
        return mp_api_error(c, call, MPI_ERR_COUNT,
                            "%scount %lld of neighbour %d is too large to address", s->dir,
                            (long long)count, i);
    }
    ptrdiff_t off = 0;
    if (s->displs != NULL || s->displs_c != NULL) {
        MPI_Aint d = s->displs != NULL ? s->displs[i] : s->displs_c[i];
        off = s->byte_displs ? (ptrdiff_t)d : (ptrdiff_t)d * dt->extent;
    } else if (!s->same_block) {
        off = (ptrdiff_t)i * (ptrdiff_t)count * dt->extent;
    }
    if (s->buf == NULL && count > 0 && dt->size > 0 && dt->predefined) {
        return mp_api_error(c, call, MPI_ERR_BUFFER,
                            "%sbuf is NULL but neighbour %d has count %lld; pass the address of "
                            "the data",
                            s->dir, i, (long long)count);
    }
    b->buf = (char *)(uintptr_t)s->buf + off;
    b->count = (size_t)count;
    b->dt = dt;
    return MPI_SUCCESS;
}

static int check_side(const char *call, const mp_comm_t *c, const nbr_side_t *s, int n,
                      nbr_block_t *blocks)
{
    if (s->buf == MPI_IN_PLACE) {
        return mp_api_error(c, call, MPI_ERR_BUFFER,
                            "%sbuf is MPI_IN_PLACE, which neighborhood collectives do not allow; "
                            "pass separate send and receive buffers",
                            s->dir);
    }
    /* The single count and type are checked even without neighbours. */
    const mp_datatype_t *dt = NULL;
    int rc = MPI_SUCCESS;
    if (!s->vector && s->count < 0) {
        rc = mp_api_error(c, call, MPI_ERR_COUNT, "%scount is %lld; counts are 0 or more", s->dir,
                          (long long)s->count);
    }
    if (rc == MPI_SUCCESS && s->types == NULL) {
        rc = mp_api_datatype_check(c, call, s->type, &dt);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_side_arrays(call, c, s, n);
    }
    for (int i = 0; i < n && rc == MPI_SUCCESS; i++) {
        rc = side_block(call, c, s, i, &blocks[i]);
    }
    return rc;
}

/* ---- Starting ---- */

/* Posts the parts of op: the receives, then the sends, on the collective context. On a
 * Cartesian topology the block sent to the -1 neighbour of a dimension lands in that
 * neighbour's +1 block and the other way round (MPI 4.1, 8.6): when both neighbours are one
 * process (a periodic dimension of extent 1 or 2) its two messages are told apart by order
 * only, so the two receives of each dimension are posted swapped. */
static mp_status_t op_post(nbr_op_t *op, const mp_topo_t *t, int tag, const nbr_block_t *rb,
                           const nbr_block_t *sb)
{
    bool swap = t->kind == MP_TOPO_CART;
    mp_status_t st = MP_OK;
    for (int k = 0; k < t->indegree && st == MP_OK; k++) {
        int i = swap ? k ^ 1 : k;
        st = mp_pt2pt_irecv(rb[i].buf, rb[i].count, rb[i].dt, t->in[i], tag, &op->coll,
                            &op->parts[op->nparts]);
        op->nparts += st == MP_OK;
    }
    for (int j = 0; j < t->outdegree && st == MP_OK; j++) {
        st = mp_pt2pt_isend(sb[j].buf, sb[j].count, sb[j].dt, t->out[j], tag, &op->coll,
                            MP_SEND_STANDARD, &op->parts[op->nparts]);
        op->nparts += st == MP_OK;
    }
    return st;
}

/* Cancels what op_post started before it failed: receives not matched yet are cancelled;
 * the rest complete on their own. */
static void op_abandon(nbr_op_t *op)
{
    for (int i = 0; i < op->nparts; i++) {
        if (op->parts[i]->kind == MP_REQ_RECV && !mp_request_is_complete(op->parts[i])) {
            mp_pt2pt_cancel(op->parts[i]);
        }
    }
}

static mp_status_t op_start(mp_comm_t *c, const mp_topo_t *t, const nbr_block_t *rb,
                            const nbr_block_t *sb, mp_request_t **req_p)
{
    size_t nparts = (size_t)t->indegree + (size_t)t->outdegree;
    nbr_op_t *op = malloc(sizeof(*op) + nparts * sizeof(mp_request_t *));
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (op == NULL || req == NULL) {
        free(op);
        if (req != NULL) {
            mp_request_free(req);
        }
        return MP_ERR_NOMEM;
    }
    /* A collective's status is the empty one. */
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->comm = c;
    req->owner = op;
    op->req = req;
    op->user = c;
    mp_comm_retain(c);
    op->coll = mp_api_topo_coll_comm(c);
    op->nparts = op->ndone = 0;
    int tag = (int)(c->coll_seq++ & INT32_MAX);
    mp_status_t st = op_post(op, t, tag, rb, sb);
    if (st != MP_OK) {
        /* Peers may wait for messages that will not come: this process is out of memory,
         * and the error handler (fatal by default) reports it. */
        op_abandon(op);
        req->status.error = st;
    }
    mp_progress_hook_add(nbr_progress);
    op->next = active;
    active = op;
    *req_p = req;
    return MP_OK;
}

/* Checks the arguments of a neighbourhood collective and, unless check_only, starts it;
 * *req_p completes it. */
static int nbr_run(const char *call, MPI_Comm comm, const nbr_side_t *send, const nbr_side_t *recv,
                   bool check_only, mp_comm_t **comm_p, mp_request_t **req_p)
{
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, -1, &c, &t);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    nbr_block_t *blocks = malloc(sizeof(nbr_block_t) * (size_t)(t->indegree + t->outdegree + 1));
    if (blocks == NULL) {
        return mp_api_error(c, call, MPI_ERR_NO_MEM, "out of memory for %d neighbours",
                            t->indegree + t->outdegree);
    }
    nbr_block_t *rb = blocks, *sb = blocks + t->indegree;
    rc = check_side(call, c, send, t->outdegree, sb);
    if (rc == MPI_SUCCESS) {
        rc = check_side(call, c, recv, t->indegree, rb);
    }
    if (rc == MPI_SUCCESS && !check_only) {
        mp_status_t st = op_start(c, t, rb, sb, req_p);
        if (st != MP_OK) {
            rc = mp_api_error(c, call, mp_api_errclass(st), "cannot start: %s",
                              mp_status_string(st));
        }
    }
    free(blocks);
    *comm_p = c;
    return rc;
}

static int nbr_start(const char *call, MPI_Comm comm, const nbr_side_t *send,
                     const nbr_side_t *recv, mp_comm_t **comm_p, mp_request_t **req_p)
{
    return nbr_run(call, comm, send, recv, false, comm_p, req_p);
}

static int nbr_blocking(const char *call, MPI_Comm comm, const nbr_side_t *send,
                        const nbr_side_t *recv)
{
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    int rc = nbr_start(call, comm, send, recv, &c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_request_complete_blocking(call, c, req, MPI_STATUS_IGNORE);
}

static int nbr_nonblocking(const char *call, MPI_Comm comm, const nbr_side_t *send,
                           const nbr_side_t *recv, MPI_Request *request)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc == MPI_SUCCESS && request == NULL) {
        rc = mp_api_error(c, call, MPI_ERR_ARG,
                          "request is NULL; pass the address of an MPI_Request");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_request_t *req = NULL;
    rc = nbr_start(call, comm, send, recv, &c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *request = (MPI_Request)req;
    return MPI_SUCCESS;
}

/* ---- The shapes of the calls ---- */

/* allgather: the one send block to every neighbour; recvcount elements from each, in turn. */
static void shape_allgather(nbr_side_t *s, nbr_side_t *r, const void *sendbuf, MPI_Count sendcount,
                            MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                            MPI_Datatype recvtype)
{
    *s = (nbr_side_t){
        .dir = "send", .buf = sendbuf, .count = sendcount, .type = sendtype, .same_block = true};
    *r = (nbr_side_t){.dir = "recv", .buf = recvbuf, .count = recvcount, .type = recvtype};
}

/* alltoall: block j of sendcount elements to neighbour j. */
static void shape_alltoall(nbr_side_t *s, nbr_side_t *r, const void *sendbuf, MPI_Count sendcount,
                           MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                           MPI_Datatype recvtype)
{
    *s = (nbr_side_t){.dir = "send", .buf = sendbuf, .count = sendcount, .type = sendtype};
    *r = (nbr_side_t){.dir = "recv", .buf = recvbuf, .count = recvcount, .type = recvtype};
}

#pragma weak MPI_Neighbor_allgather = PMPI_Neighbor_allgather
int PMPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_allgather(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_blocking("MPI_Neighbor_allgather", comm, &s, &r);
}

#pragma weak MPI_Neighbor_allgather_c = PMPI_Neighbor_allgather_c
int PMPI_Neighbor_allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_allgather(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_blocking("MPI_Neighbor_allgather_c", comm, &s, &r);
}

#pragma weak MPI_Ineighbor_allgather = PMPI_Ineighbor_allgather
int PMPI_Ineighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_allgather(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_nonblocking("MPI_Ineighbor_allgather", comm, &s, &r, request);
}

#pragma weak MPI_Ineighbor_allgather_c = PMPI_Ineighbor_allgather_c
int PMPI_Ineighbor_allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                               MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_allgather(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_nonblocking("MPI_Ineighbor_allgather_c", comm, &s, &r, request);
}

/* allgatherv: the one send block to every neighbour; recvcounts[i] elements at displs[i]. */
#define SHAPE_ALLGATHERV(counts_field, displs_field)                                               \
    nbr_side_t s = {                                                                               \
        .dir = "send", .buf = sendbuf, .count = sendcount, .type = sendtype, .same_block = true};  \
    nbr_side_t r = {.dir = "recv",                                                                 \
                    .buf = recvbuf,                                                                \
                    .counts_field = recvcounts,                                                    \
                    .displs_field = displs,                                                        \
                    .type = recvtype,                                                              \
                    .vector = true}

#pragma weak MPI_Neighbor_allgatherv = PMPI_Neighbor_allgatherv
int PMPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, const int recvcounts[], const int displs[],
                             MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLGATHERV(counts, displs);
    return nbr_blocking("MPI_Neighbor_allgatherv", comm, &s, &r);
}

#pragma weak MPI_Neighbor_allgatherv_c = PMPI_Neighbor_allgatherv_c
int PMPI_Neighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                               MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLGATHERV(counts_c, displs_c);
    return nbr_blocking("MPI_Neighbor_allgatherv_c", comm, &s, &r);
}

#pragma weak MPI_Ineighbor_allgatherv = PMPI_Ineighbor_allgatherv
int PMPI_Ineighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, const int recvcounts[], const int displs[],
                              MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLGATHERV(counts, displs);
    return nbr_nonblocking("MPI_Ineighbor_allgatherv", comm, &s, &r, request);
}

#pragma weak MPI_Ineighbor_allgatherv_c = PMPI_Ineighbor_allgatherv_c
int PMPI_Ineighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                void *recvbuf, const MPI_Count recvcounts[],
                                const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLGATHERV(counts_c, displs_c);
    return nbr_nonblocking("MPI_Ineighbor_allgatherv_c", comm, &s, &r, request);
}

#pragma weak MPI_Neighbor_alltoall = PMPI_Neighbor_alltoall
int PMPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                           int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_alltoall(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_blocking("MPI_Neighbor_alltoall", comm, &s, &r);
}

#pragma weak MPI_Neighbor_alltoall_c = PMPI_Neighbor_alltoall_c
int PMPI_Neighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                             MPI_Comm comm)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_alltoall(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_blocking("MPI_Neighbor_alltoall_c", comm, &s, &r);
}

#pragma weak MPI_Ineighbor_alltoall = PMPI_Ineighbor_alltoall
int PMPI_Ineighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                            MPI_Request *request)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_alltoall(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_nonblocking("MPI_Ineighbor_alltoall", comm, &s, &r, request);
}

#pragma weak MPI_Ineighbor_alltoall_c = PMPI_Ineighbor_alltoall_c
int PMPI_Ineighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    nbr_side_t s, r;
    shape_alltoall(&s, &r, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype);
    return nbr_nonblocking("MPI_Ineighbor_alltoall_c", comm, &s, &r, request);
}

/* alltoallv: sendcounts[j] elements at sdispls[j] to neighbour j; likewise for receives. */
#define SHAPE_ALLTOALLV(counts_field, displs_field)                                                \
    nbr_side_t s = {.dir = "send",                                                                 \
                    .buf = sendbuf,                                                                \
                    .counts_field = sendcounts,                                                    \
                    .displs_field = sdispls,                                                       \
                    .type = sendtype,                                                              \
                    .vector = true};                                                               \
    nbr_side_t r = {.dir = "recv",                                                                 \
                    .buf = recvbuf,                                                                \
                    .counts_field = recvcounts,                                                    \
                    .displs_field = rdispls,                                                       \
                    .type = recvtype,                                                              \
                    .vector = true}

#pragma weak MPI_Neighbor_alltoallv = PMPI_Neighbor_alltoallv
int PMPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                            MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                            const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLV(counts, displs);
    return nbr_blocking("MPI_Neighbor_alltoallv", comm, &s, &r);
}

#pragma weak MPI_Neighbor_alltoallv_c = PMPI_Neighbor_alltoallv_c
int PMPI_Neighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                              const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              MPI_Datatype recvtype, MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLV(counts_c, displs_c);
    return nbr_blocking("MPI_Neighbor_alltoallv_c", comm, &s, &r);
}

#pragma weak MPI_Ineighbor_alltoallv = PMPI_Ineighbor_alltoallv
int PMPI_Ineighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                             MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                             const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLV(counts, displs);
    return nbr_nonblocking("MPI_Ineighbor_alltoallv", comm, &s, &r, request);
}

#pragma weak MPI_Ineighbor_alltoallv_c = PMPI_Ineighbor_alltoallv_c
int PMPI_Ineighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                               const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                               MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLV(counts_c, displs_c);
    return nbr_nonblocking("MPI_Ineighbor_alltoallv_c", comm, &s, &r, request);
}

/* alltoallw: per-neighbour counts, byte displacements and datatypes. */
#define SHAPE_ALLTOALLW(counts_field)                                                              \
    nbr_side_t s = {.dir = "send",                                                                 \
                    .buf = sendbuf,                                                                \
                    .counts_field = sendcounts,                                                    \
                    .displs_c = sdispls,                                                           \
                    .byte_displs = true,                                                           \
                    .types = sendtypes,                                                            \
                    .vector = true};                                                               \
    nbr_side_t r = {.dir = "recv",                                                                 \
                    .buf = recvbuf,                                                                \
                    .counts_field = recvcounts,                                                    \
                    .displs_c = rdispls,                                                           \
                    .byte_displs = true,                                                           \
                    .types = recvtypes,                                                            \
                    .vector = true}

#pragma weak MPI_Neighbor_alltoallw = PMPI_Neighbor_alltoallw
int PMPI_Neighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[],
                            const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                            const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLW(counts);
    return nbr_blocking("MPI_Neighbor_alltoallw", comm, &s, &r);
}

#pragma weak MPI_Neighbor_alltoallw_c = PMPI_Neighbor_alltoallw_c
int PMPI_Neighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                              void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLW(counts_c);
    return nbr_blocking("MPI_Neighbor_alltoallw_c", comm, &s, &r);
}

#pragma weak MPI_Ineighbor_alltoallw = PMPI_Ineighbor_alltoallw
int PMPI_Ineighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[],
                             const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                             const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                             MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLW(counts);
    return nbr_nonblocking("MPI_Ineighbor_alltoallw", comm, &s, &r, request);
}

#pragma weak MPI_Ineighbor_alltoallw_c = PMPI_Ineighbor_alltoallw_c
int PMPI_Ineighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                               void *recvbuf, const MPI_Count recvcounts[],
                               const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                               MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    SHAPE_ALLTOALLW(counts_c);
    return nbr_nonblocking("MPI_Ineighbor_alltoallw_c", comm, &s, &r, request);
}

/* ---- Persistent: the saved arguments back into sides ---- */

int mp_api_neighbor_saved_run(const mp_api_coll_saved_t *a, mp_api_coll_mode_t mode,
                              MPI_Request *request)
{
    bool big = a->width == MP_API_BIG;
    nbr_side_t s = {.dir = "send", .buf = a->sbuf, .count = a->scount, .type = a->stype};
    nbr_side_t r = {.dir = "recv", .buf = a->rbuf, .count = a->rcount, .type = a->rtype};
    switch (a->nbr) {
    case MP_API_NBR_ALLGATHER:
        s.same_block = true;
        break;
    case MP_API_NBR_ALLGATHERV:
        s.same_block = true;
        r.vector = true;
        break;
    case MP_API_NBR_ALLTOALL:
        break;
    case MP_API_NBR_ALLTOALLV:
        s.vector = r.vector = true;
        break;
    case MP_API_NBR_ALLTOALLW:
        s.vector = r.vector = true;
        s.byte_displs = r.byte_displs = true;
        s.types = a->stypes;
        r.types = a->rtypes;
        break;
    }
    if (s.vector) {
        s.counts = big ? NULL : a->scounts;
        s.counts_c = big ? a->scounts : NULL;
    }
    if (r.vector) {
        r.counts = big ? NULL : a->rcounts;
        r.counts_c = big ? a->rcounts : NULL;
    }
    /* alltoallw's displacements are MPI_Aint in both forms. */
    bool aint_displs = big || a->nbr == MP_API_NBR_ALLTOALLW;
    if (s.vector) {
        s.displs = aint_displs ? NULL : a->sdispls;
        s.displs_c = aint_displs ? a->sdispls : NULL;
    }
    if (r.vector) {
        r.displs = aint_displs ? NULL : a->rdispls;
        r.displs_c = aint_displs ? a->rdispls : NULL;
    }
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    int rc = nbr_run(a->call, a->comm, &s, &r, mode == MP_API_COLL_CHECK, &c, &req);
    if (rc == MPI_SUCCESS && mode != MP_API_COLL_CHECK) {
        *request = (MPI_Request)req;
    }
    return rc;
}
