/*
 * Buffered sends: the buffers they copy into (one for the process, MPI_Buffer_attach, one per
 * session, MPI_Session_attach_buffer, and one per communicator, MPI_Comm_attach_buffer) and
 * MPI_Bsend, Ibsend and Bsend_init. A buffered send
 * copies its data into a buffer and sends from the copy, so it completes at once; the space comes
 * back when the send from the copy has completed, which is checked on each buffered send, by
 * flushes (also nonblocking ones, from a progress hook) and at detach.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

#define SEG_ALIGN 16u

/* A buffered message inside a buffer: this header, then the packed data. */
typedef struct bsend_seg {
    struct bsend_seg *next; /* the next segment, in address order (automatic: newest first) */
    size_t len;             /* bytes this segment occupies, header included */
    uint64_t seq;           /* the pool's count of segments before this one: flushes wait by it */
    mp_request_t *req;      /* the send from the copy; the segment is free once it completes */
} bsend_seg_t;

#define SEG_HEADER ((sizeof(bsend_seg_t) + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1))

_Static_assert(SEG_HEADER + SEG_ALIGN * 2 <= MPI_BSEND_OVERHEAD,
               "a segment's header and alignment fit in MPI_BSEND_OVERHEAD");

/* An attached buffer. */
typedef struct bsend_pool {
    struct bsend_pool *next; /* every attached buffer, for MPI_Finalize and the flush hook */
    mp_comm_t *comm;         /* the communicator it is attached to; NULL: see session */
    MPI_Session session;     /* the session it is attached to; with comm NULL too: the process's */
    bool automatic;          /* MPI_BUFFER_AUTOMATIC: each message gets its own allocation */
    void *buf;               /* as attached, for detach */
    size_t size;             /* as attached */
    bsend_seg_t *segs;
    size_t used;    /* bytes of the buffer that segments occupy */
    uint64_t nsegs; /* segments ever placed: the next one's seq */
} bsend_pool_t;

/* A nonblocking flush: its request completes once every segment placed before it was sent. */
typedef struct bsend_flush {
    struct bsend_flush *next;
    bsend_pool_t *pool;
    uint64_t until; /* segments with seq below this one */
    mp_request_t *req;
} bsend_flush_t;

static bsend_pool_t *pools;    /* attached buffers, the process's included */
static bsend_pool_t *process;  /* the one MPI_Buffer_attach attached, or NULL */
static bsend_flush_t *flushes; /* nonblocking flushes not complete yet */

static size_t align_up(size_t n)
{
    return (n + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
}

/* Releases the segments whose sends have completed. */
static void reclaim(bsend_pool_t *pool)
{
    bsend_seg_t **link = &pool->segs;
    while (*link != NULL) {
        bsend_seg_t *seg = *link;
        if (!mp_request_is_complete(seg->req)) {
            link = &seg->next;
            continue;
        }
        *link = seg->next;
        mp_request_free(seg->req);
        pool->used -= seg->len;
        if (pool->automatic) {
            free(seg);
        }
    }
}

/* Whether every segment of pool placed before the until-th has been sent. */
static bool sent_until(const bsend_pool_t *pool, uint64_t until)
{
    for (const bsend_seg_t *seg = pool->segs; seg != NULL; seg = seg->next) {
        if (seg->seq < until && !mp_request_is_complete(seg->req)) {
            return false;
        }
    }
    return true;
}

static bool all_sent(void *arg)
{
    const bsend_pool_t *pool = arg;
    return sent_until(pool, UINT64_MAX);
}

/* Waits until every buffered send of pool has completed, and releases their space. */
static void drain(bsend_pool_t *pool)
{
    if (!all_sent(pool)) {
        mp_progress_wait(all_sent, pool);
    }
    reclaim(pool);
}

/* Completes the nonblocking flushes whose segments have gone (of pool only, if not NULL). */
static int complete_flushes(const bsend_pool_t *only)
{
    int done = 0;
    bsend_flush_t **link = &flushes;
    while (*link != NULL) {
        bsend_flush_t *f = *link;
        if ((only != NULL && f->pool != only) || !sent_until(f->pool, f->until)) {
            link = &f->next;
            continue;
        }
        *link = f->next;
        mp_request_complete(f->req);
        free(f);
        done++;
    }
    return done;
}

/* The progress hook: nonblocking flushes complete as their sends do. */
static int flush_progress(void)
{
    return flushes != NULL ? complete_flushes(NULL) : 0;
}

/* The buffer a buffered send on comm copies into: the communicator's, else that of the session it
 * derives from, else the process's (MPI 4.1, 3.6: the most specific one attached). */
static bsend_pool_t *pool_of(const mp_comm_t *comm)
{
    if (comm->bsend != NULL) {
        return comm->bsend;
    }
    if (comm->session != 0) {
        void **slot = mp_api_session_bsend_slot((MPI_Session)comm->session);
        if (slot != NULL && *slot != NULL) {
            return *slot;
        }
    }
    return process;
}

/* Whose buffer a call is about: comm's, else session's, else (both null) the process's. */
typedef struct owner {
    mp_comm_t *comm;
    MPI_Session session;
} owner_t;

/* Where the buffer of an owner is kept (the session is open: the api layer checked it). */
static bsend_pool_t **slot_of(const owner_t *o)
{
    if (o->comm != NULL) {
        return (bsend_pool_t **)&o->comm->bsend;
    }
    if (o->session != MPI_SESSION_NULL) {
        return (bsend_pool_t **)mp_api_session_bsend_slot(o->session);
    }
    return &process;
}

/* Raises an error of a buffer call: on the session for a session's buffer, else on comm. */
__attribute__((format(printf, 4, 5))) static int owner_error(const owner_t *o, const char *call,
                                                             int errclass, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (o->comm == NULL && o->session != MPI_SESSION_NULL) {
        return mp_api_session_raise(o->session, call, errclass, "%s", why);
    }
    return mp_api_error(o->comm, call, errclass, "%s", why);
}

/* Finds room for a segment of len bytes (first fit, in address order) and links it in; NULL if
 * there is none. */
static bsend_seg_t *seg_alloc(bsend_pool_t *pool, size_t len)
{
    bsend_seg_t *seg;
    if (pool->automatic) {
        seg = malloc(len);
        if (seg != NULL) {
            seg->next = pool->segs;
            pool->segs = seg;
        }
    } else {
        uintptr_t start = (uintptr_t)pool->buf;
        uintptr_t end = start + pool->size;
        uintptr_t pos = align_up(start);
        bsend_seg_t **link = &pool->segs;
        while (*link != NULL && (uintptr_t)*link - pos < len) {
            pos = (uintptr_t)*link + (*link)->len;
            link = &(*link)->next;
        }
        if (*link == NULL && (pos > end || end - pos < len)) {
            return NULL;
        }
        seg = (bsend_seg_t *)pos;
        seg->next = *link;
        *link = seg;
    }
    if (seg != NULL) {
        seg->seq = pool->nsegs++;
    }
    return seg;
}

static void seg_unlink(bsend_pool_t *pool, bsend_seg_t *victim)
{
    for (bsend_seg_t **link = &pool->segs; *link != NULL; link = &(*link)->next) {
        if (*link == victim) {
            *link = victim->next;
            break;
        }
    }
    if (pool->automatic) {
        free(victim);
    }
}

/* Releases a request that was never handed out. */
static void discard(mp_request_t *req)
{
    mp_request_complete(req);
    mp_request_free(req);
}

int mp_api_bsend_start(const char *call, const void *buf, size_t count, const mp_datatype_t *dt,
                       int dest, int tag, mp_comm_t *comm, mp_request_t **req_p)
{
    mp_status_t st;
    if (dest == MPI_PROC_NULL) {
        /* Nothing is sent, so nothing is buffered. */
        st = mp_pt2pt_isend(buf, count, dt, dest, tag, comm, MP_SEND_STANDARD, req_p);
        if (st != MP_OK) {
            return mp_api_error(comm, call, mp_api_errclass(st), "cannot start the send: %s",
                                mp_status_string(st));
        }
        return MPI_SUCCESS;
    }
    size_t bytes = mp_datatype_bytes(dt, count);
    bsend_pool_t *pool = pool_of(comm);
    if (pool == NULL) {
        return mp_api_error(comm, call, MPI_ERR_BUFFER,
                            "no buffer is attached to %s or to the process; call "
                            "MPI_Comm_attach_buffer or MPI_Buffer_attach first with at least %zu "
                            "bytes (%zu of data + MPI_BSEND_OVERHEAD)",
                            comm->name, bytes + MPI_BSEND_OVERHEAD, bytes);
    }
    if (bytes > SIZE_MAX - SEG_HEADER - SEG_ALIGN) {
        return mp_api_error(comm, call, MPI_ERR_BUFFER, "the message (%zu bytes) is too large",
                            bytes);
    }
    mp_request_t *done = mp_request_create(MP_REQ_SEND);
    if (done == NULL) {
        return mp_api_error(comm, call, MPI_ERR_NO_MEM, "cannot allocate a request");
    }
    size_t len = SEG_HEADER + align_up(bytes);
    reclaim(pool);
    bsend_seg_t *seg = seg_alloc(pool, len);
    if (seg == NULL && !pool->automatic) {
        /* Sends may have finished since the last look. */
        mp_progress_poll();
        reclaim(pool);
        seg = seg_alloc(pool, len);
    }
    if (seg == NULL) {
        discard(done);
        if (pool->automatic) {
            return mp_api_error(comm, call, MPI_ERR_NO_MEM,
                                "cannot allocate %zu bytes to buffer the message", len);
        }
        return mp_api_error(comm, call, MPI_ERR_BUFFER,
                            "the message needs %zu bytes of the attached buffer (%zu of data + "
                            "MPI_BSEND_OVERHEAD) but only %zu of its %zu bytes are free; attach a "
                            "larger buffer or complete earlier buffered sends first",
                            bytes + MPI_BSEND_OVERHEAD, bytes, pool->size - pool->used, pool->size);
    }
    seg->len = len;
    seg->req = NULL;
    void *copy = (char *)seg + SEG_HEADER;
    mp_datatype_pack(dt, count, buf, 0, copy, bytes);
    const mp_datatype_t *byte_dt = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    st = mp_pt2pt_isend(copy, bytes, byte_dt, dest, tag, comm, MP_SEND_STANDARD, &seg->req);
    if (st != MP_OK) {
        seg_unlink(pool, seg);
        discard(done);
        return mp_api_error(comm, call, mp_api_errclass(st),
                            "cannot start the send to rank %d of %s: %s", dest, comm->name,
                            mp_status_string(st));
    }
    pool->used += len;
    /* The data is safe in the buffer: for the caller, the send is complete. */
    done->buf = (void *)(uintptr_t)buf;
    done->count = count;
    done->dt = dt;
    mp_datatype_retain(dt); /* released with the request */
    done->peer = dest;
    done->tag = tag;
    done->comm = comm;
    done->status.source = MPI_ANY_SOURCE;
    done->status.tag = MPI_ANY_TAG;
    mp_pt2pt_buffered_link(done, seg->req); /* MPI_Cancel of done cancels the copy's message */
    mp_request_complete(done);
    *req_p = done;
    return MPI_SUCCESS;
}

/* ---- Sends ---- */

static int bsend_checked(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                         int dest, int tag, MPI_Comm comm, MPI_Request *request)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_check_msg(call, c, buf, count, datatype, dest, tag, false, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    mp_request_t *req = NULL;
    rc = mp_api_bsend_start(call, buf, (size_t)count, dt, dest, tag, c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *request = (MPI_Request)(void *)req;
    return MPI_SUCCESS;
}

static int bsend_blocking(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                          int dest, int tag, MPI_Comm comm)
{
    MPI_Request request;
    int rc = bsend_checked(call, buf, count, datatype, dest, tag, comm, &request);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_request_t *req = (mp_request_t *)(void *)request;
    return mp_api_request_complete_blocking(call, req->comm, req, MPI_STATUS_IGNORE);
}

#pragma weak MPI_Bsend = PMPI_Bsend
int PMPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    MP_API_LOCK();
    return bsend_blocking("MPI_Bsend", buf, count, datatype, dest, tag, comm);
}

#pragma weak MPI_Bsend_c = PMPI_Bsend_c
int PMPI_Bsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    MP_API_LOCK();
    return bsend_blocking("MPI_Bsend_c", buf, count, datatype, dest, tag, comm);
}

#pragma weak MPI_Ibsend = PMPI_Ibsend
int PMPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    MP_API_LOCK();
    return bsend_checked("MPI_Ibsend", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Ibsend_c = PMPI_Ibsend_c
int PMPI_Ibsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return bsend_checked("MPI_Ibsend_c", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Bsend_init = PMPI_Bsend_init
int PMPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_bsend_init("MPI_Bsend_init", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Bsend_init_c = PMPI_Bsend_init_c
int PMPI_Bsend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return mp_api_bsend_init("MPI_Bsend_init_c", buf, count, datatype, dest, tag, comm, request);
}

/* ---- The buffers ---- */

/* The name of the buffer's owner in messages. */
static const char *owner_name(const owner_t *o)
{
    return o->comm != NULL                  ? o->comm->name
           : o->session != MPI_SESSION_NULL ? "the session"
                                            : "the process";
}

static int attach(const char *call, const owner_t *o, void *buffer, MPI_Count size)
{
    bsend_pool_t **slot = slot_of(o);
    bsend_pool_t *old = *slot;
    if (old != NULL) {
        return owner_error(o, call, MPI_ERR_BUFFER,
                           "a buffer is attached to %s already (%zu bytes at %p); detach it "
                           "first",
                           owner_name(o), old->size, old->buf);
    }
    bool automatic = buffer == MPI_BUFFER_AUTOMATIC;
    if (!automatic) {
        if (size < 0) {
            return owner_error(o, call, MPI_ERR_ARG, "size %lld is negative", (long long)size);
        }
        if (buffer == NULL && size > 0) {
            return owner_error(o, call, MPI_ERR_BUFFER,
                               "the buffer is NULL but size is %lld; pass the address of a "
                               "buffer of size bytes, or MPI_BUFFER_AUTOMATIC",
                               (long long)size);
        }
    }
    bsend_pool_t *pool = calloc(1, sizeof(*pool));
    if (pool == NULL) {
        return owner_error(o, call, MPI_ERR_NO_MEM, "out of memory attaching a buffer");
    }
    pool->comm = o->comm;
    pool->session = o->comm == NULL ? o->session : MPI_SESSION_NULL;
    pool->automatic = automatic;
    pool->buf = buffer;
    pool->size = automatic ? 0 : (size_t)size;
    pool->next = pools;
    pools = pool;
    *slot = pool;
    mp_progress_hook_add(flush_progress);
    return MPI_SUCCESS;
}

int mp_api_bsend_attach(const char *call, mp_comm_t *comm, void *buffer, MPI_Count size)
{
    return attach(call, &(owner_t){.comm = comm, .session = MPI_SESSION_NULL}, buffer, size);
}

int mp_api_bsend_session_attach(const char *call, MPI_Session session, void *buffer, MPI_Count size)
{
    return attach(call, &(owner_t){.comm = NULL, .session = session}, buffer, size);
}

/* Sends what pool holds, completes its flushes, and forgets it. */
static void pool_destroy(bsend_pool_t *pool)
{
    drain(pool);
    complete_flushes(pool);
    for (bsend_pool_t **link = &pools; *link != NULL; link = &(*link)->next) {
        if (*link == pool) {
            *link = pool->next;
            break;
        }
    }
    *slot_of(&(owner_t){.comm = pool->comm, .session = pool->session}) = NULL;
    free(pool);
}

static int detach(const char *call, const owner_t *o, void *buffer_addr, MPI_Count *size_p,
                  bool int_size)
{
    if (buffer_addr == NULL || size_p == NULL) {
        return owner_error(o, call, MPI_ERR_ARG, "buffer_addr or size is NULL");
    }
    bsend_pool_t *pool = *slot_of(o);
    if (pool == NULL) {
        /* As in MPICH: detaching nothing gives nothing. */
        *(void **)buffer_addr = NULL;
        *size_p = 0;
        return MPI_SUCCESS;
    }
    if (int_size && pool->size > INT_MAX) {
        return owner_error(o, call, MPI_ERR_VALUE_TOO_LARGE,
                           "the attached buffer has %zu bytes, more than an int holds; use the "
                           "_c form of this call",
                           pool->size);
    }
    *(void **)buffer_addr = pool->buf;
    *size_p = (MPI_Count)pool->size;
    pool_destroy(pool);
    return MPI_SUCCESS;
}

int mp_api_bsend_detach(const char *call, mp_comm_t *comm, void *buffer_addr, MPI_Count *size_p,
                        bool int_size)
{
    return detach(call, &(owner_t){.comm = comm, .session = MPI_SESSION_NULL}, buffer_addr, size_p,
                  int_size);
}

int mp_api_bsend_session_detach(const char *call, MPI_Session session, void *buffer_addr,
                                MPI_Count *size_p, bool int_size)
{
    return detach(call, &(owner_t){.comm = NULL, .session = session}, buffer_addr, size_p,
                  int_size);
}

static void flush(bsend_pool_t *pool)
{
    if (pool != NULL) {
        drain(pool);
        complete_flushes(pool);
    }
}

void mp_api_bsend_flush(mp_comm_t *comm)
{
    flush(*slot_of(&(owner_t){.comm = comm, .session = MPI_SESSION_NULL}));
}

void mp_api_bsend_session_flush(MPI_Session session)
{
    flush(*slot_of(&(owner_t){.comm = NULL, .session = session}));
}

static int iflush(const char *call, const owner_t *o, mp_request_t **req_p)
{
    mp_request_t *req = mp_request_create(MP_REQ_SEND);
    if (req == NULL) {
        return owner_error(o, call, MPI_ERR_NO_MEM, "cannot allocate a request");
    }
    /* It sends nothing of its own: its status is the empty one. */
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->peer = MPI_PROC_NULL;
    bsend_pool_t *pool = *slot_of(o);
    if (pool == NULL || all_sent(pool)) {
        mp_request_complete(req);
        *req_p = req;
        return MPI_SUCCESS;
    }
    bsend_flush_t *f = malloc(sizeof(*f));
    if (f == NULL) {
        discard(req);
        return owner_error(o, call, MPI_ERR_NO_MEM, "cannot allocate a flush");
    }
    *f = (bsend_flush_t){.next = flushes, .pool = pool, .until = pool->nsegs, .req = req};
    flushes = f;
    *req_p = req;
    return MPI_SUCCESS;
}

int mp_api_bsend_iflush(const char *call, mp_comm_t *comm, mp_request_t **req_p)
{
    return iflush(call, &(owner_t){.comm = comm, .session = MPI_SESSION_NULL}, req_p);
}

int mp_api_bsend_session_iflush(const char *call, MPI_Session session, mp_request_t **req_p)
{
    return iflush(call, &(owner_t){.comm = NULL, .session = session}, req_p);
}

void mp_api_bsend_session_free(MPI_Session session)
{
    bsend_pool_t *pool = *slot_of(&(owner_t){.comm = NULL, .session = session});
    if (pool != NULL) {
        pool_destroy(pool);
    }
}

void mp_api_bsend_comm_free(mp_comm_t *comm)
{
    if (comm->bsend != NULL) {
        pool_destroy(comm->bsend);
    }
}

void mp_api_bsend_fini(void)
{
    while (pools != NULL) {
        pool_destroy(pools);
    }
}
