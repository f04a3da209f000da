/*
 * Partitioned communication (MPI 4.1, chapter 4): a persistent send whose buffer is handed over
 * in partitions (MPI_Pready*), and the receive that says which have arrived (MPI_Parrived). The
 * data travels as one message once every partition is ready, on a context of its own per pair,
 * so a partitioned send matches only the partitioned receive its init call pairs with.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

/*
 * The context of a pair: the communicator's context id (below MP_COMM_CTX_PAIRS * 2, so 13 bits)
 * with bit 31 set, and in bits 14..30 the pair's number among the pairs with the same
 * communicator, peer and tag (the standard pairs the k-th partitioned send to a process with the
 * k-th partitioned receive there from the sender, in init order). Numbers wrap after 131072
 * pairs of one communicator, peer and tag.
 */
#define PART_CTX_BIT 0x80000000u
#define PART_SEQ_SHIFT 14
#define PART_SEQ_MASK 0x1ffffu

_Static_assert(2 * MP_COMM_CTX_PAIRS <= (1u << PART_SEQ_SHIFT),
               "context ids must stay below the bits of the pair number");

/* One partitioned request's state (preq->part). */
typedef struct part {
    bool send;
    int partitions;
    mp_comm_t *user;      /* the program's communicator, referenced while the request lives */
    mp_comm_t wire;       /* the same on the pair's context: what the message travels on */
    unsigned char *ready; /* send: which partitions MPI_Pready marked in this round */
    int nready;
    mp_request_t *transfer; /* send: the message, once every partition is ready */
    mp_api_preq_t *preq;
    struct part *next; /* the sends whose message is in flight (the progress hook's list) */
} part_t;

static part_t *in_flight;

/* The pairs numbered so far, per communicator context, direction, peer and tag. */
typedef struct pair_count {
    uint32_t context_id;
    bool send;
    int peer, tag;
    uint32_t next;
} pair_count_t;

static pair_count_t *counts;
static size_t ncounts, counts_cap;

/* The number of the next pair of this kind; UINT32_MAX when memory runs out. */
static uint32_t pair_number(uint32_t context_id, bool send, int peer, int tag)
{
    for (size_t i = 0; i < ncounts; i++) {
        pair_count_t *c = &counts[i];
        if (c->context_id == context_id && c->send == send && c->peer == peer && c->tag == tag) {
            return c->next++ & PART_SEQ_MASK;
        }
    }
    if (ncounts == counts_cap) {
        size_t cap = counts_cap ? 2 * counts_cap : 16;
        pair_count_t *n = realloc(counts, cap * sizeof(*n));
        if (n == NULL) {
            return UINT32_MAX;
        }
        counts = n;
        counts_cap = cap;
    }
    counts[ncounts++] = (pair_count_t){context_id, send, peer, tag, 1};
    return 0;
}

/* The progress hook: completes the sends whose message has gone. */
static int part_progress(void)
{
    int events = 0;
    part_t **link = &in_flight;
    while (*link != NULL) {
        part_t *p = *link;
        if (!mp_request_is_complete(p->transfer)) {
            link = &p->next;
            continue;
        }
        *link = p->next;
        mp_request_t *req = p->preq->active;
        req->status.error = p->transfer->status.error;
        req->msg_bytes = p->transfer->msg_bytes;
        mp_request_free(p->transfer);
        p->transfer = NULL;
        mp_request_complete(req);
        events++;
    }
    return events;
}

/* Sends the whole buffer: every partition is ready. */
static int part_send(const char *call, part_t *p)
{
    mp_api_preq_t *q = p->preq;
    mp_status_t st = mp_pt2pt_isend(q->buf, q->count, q->dt, q->peer, q->tag, &p->wire,
                                    MP_SEND_STANDARD, &p->transfer);
    if (st != MP_OK) {
        /* The round fails: the request completes with the error. */
        q->active->status.error = st;
        mp_request_complete(q->active);
        return mp_api_error(p->user, call, mp_api_errclass(st), "cannot send to rank %d: %s",
                            q->peer, mp_status_string(st));
    }
    p->next = in_flight;
    in_flight = p;
    mp_progress_hook_add(part_progress);
    return MPI_SUCCESS;
}

int mp_api_part_start(const char *call, mp_api_preq_t *preq)
{
    part_t *p = preq->part;
    if (!p->send) {
        mp_status_t st = mp_pt2pt_irecv(preq->buf, preq->count, preq->dt, preq->peer, preq->tag,
                                        &p->wire, &preq->active);
        if (st != MP_OK) {
            preq->active = NULL;
            return mp_api_error(p->user, call, mp_api_errclass(st),
                                "cannot start the partitioned receive from rank %d: %s", preq->peer,
                                mp_status_string(st));
        }
        return MPI_SUCCESS;
    }
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (req == NULL) {
        return mp_api_error(p->user, call, MPI_ERR_NO_MEM, "out of memory");
    }
    /* What a completed send's status says: nothing about a message. */
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->comm = p->user;
    req->owner = p;
    preq->active = req;
    memset(p->ready, 0, (size_t)p->partitions);
    p->nready = 0;
    if (preq->peer == MPI_PROC_NULL) {
        /* A send to MPI_PROC_NULL returns as soon as possible (MPI 4.1, 3.10): it completes now,
         * and MPI_Pready still checks its partitions until MPI_Wait or MPI_Test completes it. */
        mp_request_complete(req);
        return MPI_SUCCESS;
    }
    return p->partitions == 0 ? part_send(call, p) : MPI_SUCCESS;
}

void mp_api_part_free(mp_api_preq_t *preq)
{
    part_t *p = preq->part;
    if (p != NULL) {
        mp_comm_unref(p->user);
        free(p->ready);
        free(p);
        preq->part = NULL;
    }
}

/* ---- Init ---- */

static int part_init(const char *call, bool send, void *buf, int partitions, MPI_Count count,
                     MPI_Datatype datatype, int peer, int tag, MPI_Comm comm, MPI_Info info,
                     MPI_Request *request)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!send && peer == MPI_ANY_SOURCE) {
        return mp_api_error(c, call, MPI_ERR_RANK,
                            "source is MPI_ANY_SOURCE; a partitioned receive names its source");
    }
    if (!send && tag == MPI_ANY_TAG) {
        return mp_api_error(c, call, MPI_ERR_TAG,
                            "tag is MPI_ANY_TAG; a partitioned receive names its tag");
    }
    if (partitions < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG, "partitions = %d is negative", partitions);
    }
    if (count < 0) {
        return mp_api_error(c, call, MPI_ERR_COUNT, "count = %lld is negative", (long long)count);
    }
    if (partitions > 0 && count > (MPI_Count)(SIZE_MAX / 2) / partitions) {
        return mp_api_error(c, call, MPI_ERR_COUNT,
                            "partitions * count = %d * %lld elements is too many", partitions,
                            (long long)count);
    }
    MPI_Count total = (MPI_Count)partitions * count;
    const mp_datatype_t *dt = NULL;
    rc = mp_api_check_msg(call, c, buf, total, datatype, peer, tag, !send, &dt);
    if (rc == MPI_SUCCESS && info != MPI_INFO_NULL) {
        struct mp_info *hints = NULL;
        rc = mp_api_info_check(c, call, info, &hints);
    }
    if (rc == MPI_SUCCESS && request == NULL) {
        rc = mp_api_error(c, call, MPI_ERR_ARG,
                          "request is NULL; pass the address of an MPI_Request");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    part_t *p = calloc(1, sizeof(*p));
    unsigned char *ready = malloc(partitions > 0 ? (size_t)partitions : 1);
    uint32_t number = pair_number(c->context_id, send, peer, tag);
    if (p == NULL || ready == NULL || number == UINT32_MAX) {
        free(p);
        free(ready);
        return mp_api_error(c, call, MPI_ERR_NO_MEM, "out of memory");
    }
    p->send = send;
    p->partitions = partitions;
    p->ready = ready;
    p->user = c;
    p->wire = *c;
    p->wire.context_id = c->context_id | PART_CTX_BIT | (number << PART_SEQ_SHIFT);
    mp_api_preq_t args = {
        .kind = send ? MP_API_PREQ_PSEND : MP_API_PREQ_PRECV,
        .mode = MP_SEND_STANDARD,
        .buf = buf,
        .count = (size_t)total,
        .dt = dt,
        .peer = peer,
        .tag = tag,
        .comm = c,
        .part = p,
    };
    rc = mp_api_preq_create(call, &args, request);
    if (rc != MPI_SUCCESS) {
        free(ready);
        free(p);
        return rc;
    }
    mp_comm_retain(c);
    p->preq = mp_api_preq_of(*request);
    return MPI_SUCCESS;
}

#pragma weak MPI_Psend_init = PMPI_Psend_init
int PMPI_Psend_init(const void *buf, int partitions, MPI_Count count, MPI_Datatype datatype,
                    int dest, int tag, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    /* A send never writes to its buffer. */
    return part_init("MPI_Psend_init", true, (void *)(uintptr_t)buf, partitions, count, datatype,
                     dest, tag, comm, info, request);
}

#pragma weak MPI_Precv_init = PMPI_Precv_init
int PMPI_Precv_init(void *buf, int partitions, MPI_Count count, MPI_Datatype datatype, int source,
                    int tag, MPI_Comm comm, MPI_Info info, MPI_Request *request)
{
    MP_API_LOCK();
    return part_init("MPI_Precv_init", false, buf, partitions, count, datatype, source, tag, comm,
                     info, request);
}

/* ---- Partitions ---- */

/* The state of a partitioned request of the kind (send or not) that call needs. */
static int part_check(const char *call, MPI_Request request, bool send, part_t **p_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_preq_t *preq = mp_api_preq_of(request);
    mp_api_preq_kind_t want = send ? MP_API_PREQ_PSEND : MP_API_PREQ_PRECV;
    if (preq == NULL || preq->kind != want) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                            "request is not a partitioned %s; make one with %s",
                            send ? "send" : "receive", send ? "MPI_Psend_init" : "MPI_Precv_init");
    }
    *p_p = preq->part;
    return MPI_SUCCESS;
}

/* Marks partition i ready; the message leaves with the last one. */
static int ready_one(const char *call, part_t *p, int i)
{
    if (p->preq->active == NULL) {
        return mp_api_error(p->user, call, MPI_ERR_REQUEST,
                            "the partitioned send is not active; MPI_Start it first");
    }
    if (i < 0 || i >= p->partitions) {
        return mp_api_error(p->user, call, MPI_ERR_ARG,
                            "partition %d is out of range 0..%d (partitions - 1)", i,
                            p->partitions - 1);
    }
    if (p->ready[i]) {
        return mp_api_error(p->user, call, MPI_ERR_ARG,
                            "partition %d is already ready in this round", i);
    }
    p->ready[i] = 1;
    bool last = ++p->nready == p->partitions;
    return last && p->preq->peer != MPI_PROC_NULL ? part_send(call, p) : MPI_SUCCESS;
}

#pragma weak MPI_Pready = PMPI_Pready
int PMPI_Pready(int partition, MPI_Request request)
{
    MP_API_LOCK();
    part_t *p = NULL;
    int rc = part_check("MPI_Pready", request, true, &p);
    return rc != MPI_SUCCESS ? rc : ready_one("MPI_Pready", p, partition);
}

#pragma weak MPI_Pready_range = PMPI_Pready_range
int PMPI_Pready_range(int partition_low, int partition_high, MPI_Request request)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Pready_range";
    part_t *p = NULL;
    int rc = part_check(call, request, true, &p);
    if (rc == MPI_SUCCESS && partition_low > partition_high) {
        rc = mp_api_error(p->user, call, MPI_ERR_ARG, "partition_low = %d > partition_high = %d",
                          partition_low, partition_high);
    }
    /* Check the whole range first, so that a bad one marks nothing. */
    for (int i = partition_low; rc == MPI_SUCCESS && i <= partition_high; i++) {
        if (i < 0 || i >= p->partitions || p->ready[i]) {
            return ready_one(call, p, i);
        }
    }
    for (int i = partition_low; rc == MPI_SUCCESS && i <= partition_high; i++) {
        rc = ready_one(call, p, i);
    }
    return rc;
}

#pragma weak MPI_Pready_list = PMPI_Pready_list
int PMPI_Pready_list(int length, const int array_of_partitions[], MPI_Request request)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Pready_list";
    part_t *p = NULL;
    int rc = part_check(call, request, true, &p);
    if (rc == MPI_SUCCESS && length < 0) {
        rc = mp_api_error(p->user, call, MPI_ERR_ARG, "length = %d is negative", length);
    }
    if (rc == MPI_SUCCESS && length > 0 && array_of_partitions == NULL) {
        rc = mp_api_error(p->user, call, MPI_ERR_ARG, "array_of_partitions is NULL");
    }
    /* Check the whole list first (a partition twice in it included), so that a bad one marks
     * nothing. */
    for (int k = 0; rc == MPI_SUCCESS && k < length; k++) {
        int i = array_of_partitions[k];
        if (i < 0 || i >= p->partitions || p->ready[i]) {
            return ready_one(call, p, i);
        }
        for (int j = 0; j < k; j++) {
            if (array_of_partitions[j] == i) {
                return mp_api_error(p->user, call, MPI_ERR_ARG,
                                    "partition %d is in the list twice (entries %d and %d)", i, j,
                                    k);
            }
        }
    }
    for (int k = 0; rc == MPI_SUCCESS && k < length; k++) {
        rc = ready_one(call, p, array_of_partitions[k]);
    }
    return rc;
}

#pragma weak MPI_Parrived = PMPI_Parrived
int PMPI_Parrived(MPI_Request request, int partition, int *flag)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Parrived";
    if (flag == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "flag is NULL");
    }
    /* A null or inactive request has nothing pending: flag is true (MPI 4.1, 4.2.2). */
    if (request == MPI_REQUEST_NULL) {
        *flag = 1;
        return mp_api_check_ready(call);
    }
    part_t *p = NULL;
    int rc = part_check(call, request, false, &p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (partition < 0 || partition >= p->partitions) {
        return mp_api_error(p->user, call, MPI_ERR_ARG,
                            "partition %d is out of range 0..%d (partitions - 1)", partition,
                            p->partitions - 1);
    }
    /* The partitions arrive together, with the message. */
    mp_request_t *req = p->preq->active;
    if (req != NULL && !mp_request_is_complete(req)) {
        mp_progress_test();
    }
    *flag = req == NULL || mp_request_is_complete(req);
    return MPI_SUCCESS;
}
