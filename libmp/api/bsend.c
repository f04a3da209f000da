/*
 * Buffered sends: the attached buffer (MPI_Buffer_attach/detach/flush) and MPI_Bsend, Ibsend and
 * Bsend_init. A buffered send copies its data into the attached buffer and sends from the copy,
 * so it completes at once; the space comes back when the send from the copy has completed,
 * which is checked on each buffered send and at detach.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

#define SEG_ALIGN 16u

/* A buffered message inside the attached buffer: this header, then the packed data. */
typedef struct bsend_seg {
    struct bsend_seg *next; /* the next segment, in address order */
    size_t len;             /* bytes this segment occupies, header included */
    mp_request_t *req;      /* the send from the copy; the segment is free once it completes */
} bsend_seg_t;

#define SEG_HEADER ((sizeof(bsend_seg_t) + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1))

_Static_assert(SEG_HEADER + SEG_ALIGN * 2 <= MPI_BSEND_OVERHEAD,
               "a segment's header and alignment fit in MPI_BSEND_OVERHEAD");

static struct {
    bool attached;
    bool automatic; /* MPI_BUFFER_AUTOMATIC: each message gets its own allocation */
    void *buf;      /* as attached, for detach */
    size_t size;    /* as attached */
    bsend_seg_t *segs;
    size_t used; /* bytes of the buffer that segments occupy */
} bsend;

static size_t align_up(size_t n)
{
    return (n + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
}

/* Releases the segments whose sends have completed. */
static void reclaim(void)
{
    bsend_seg_t **link = &bsend.segs;
    while (*link != NULL) {
        bsend_seg_t *seg = *link;
        if (!mp_request_is_complete(seg->req)) {
            link = &seg->next;
            continue;
        }
        *link = seg->next;
        mp_request_free(seg->req);
        bsend.used -= seg->len;
        if (bsend.automatic) {
            free(seg);
        }
    }
}

static bool all_sent(void *arg)
{
    (void)arg;
    for (const bsend_seg_t *seg = bsend.segs; seg != NULL; seg = seg->next) {
        if (!mp_request_is_complete(seg->req)) {
            return false;
        }
    }
    return true;
}

/* Waits until every buffered send has completed, and releases their space. */
static void drain(void)
{
    if (!all_sent(NULL)) {
        mp_progress_wait(all_sent, NULL);
    }
    reclaim();
}

/* Finds room for a segment of len bytes (first fit, in address order) and links it in; NULL if
 * there is none. */
static bsend_seg_t *seg_alloc(size_t len)
{
    if (bsend.automatic) {
        bsend_seg_t *seg = malloc(len);
        if (seg != NULL) {
            seg->next = bsend.segs;
            bsend.segs = seg;
        }
        return seg;
    }
    uintptr_t start = (uintptr_t)bsend.buf;
    uintptr_t end = start + bsend.size;
    uintptr_t pos = align_up(start);
    bsend_seg_t **link = &bsend.segs;
    while (*link != NULL && (uintptr_t)*link - pos < len) {
        pos = (uintptr_t)*link + (*link)->len;
        link = &(*link)->next;
    }
    if (*link == NULL && (pos > end || end - pos < len)) {
        return NULL;
    }
    bsend_seg_t *seg = (bsend_seg_t *)pos;
    seg->next = *link;
    *link = seg;
    return seg;
}

static void seg_unlink(bsend_seg_t *victim)
{
    for (bsend_seg_t **link = &bsend.segs; *link != NULL; link = &(*link)->next) {
        if (*link == victim) {
            *link = victim->next;
            break;
        }
    }
    if (bsend.automatic) {
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
    if (!bsend.attached) {
        return mp_api_error(comm, call, MPI_ERR_BUFFER,
                            "no buffer is attached; call MPI_Buffer_attach first with at least "
                            "%zu bytes (%zu of data + MPI_BSEND_OVERHEAD)",
                            bytes + MPI_BSEND_OVERHEAD, bytes);
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
    reclaim();
    bsend_seg_t *seg = seg_alloc(len);
    if (seg == NULL && !bsend.automatic) {
        /* Sends may have finished since the last look. */
        mp_progress_poll();
        reclaim();
        seg = seg_alloc(len);
    }
    if (seg == NULL) {
        discard(done);
        if (bsend.automatic) {
            return mp_api_error(comm, call, MPI_ERR_NO_MEM,
                                "cannot allocate %zu bytes to buffer the message", len);
        }
        return mp_api_error(comm, call, MPI_ERR_BUFFER,
                            "the message needs %zu bytes of the attached buffer (%zu of data + "
                            "MPI_BSEND_OVERHEAD) but only %zu of its %zu bytes are free; attach a "
                            "larger buffer or complete earlier buffered sends first",
                            bytes + MPI_BSEND_OVERHEAD, bytes, bsend.size - bsend.used, bsend.size);
    }
    seg->len = len;
    seg->req = NULL;
    void *copy = (char *)seg + SEG_HEADER;
    mp_datatype_pack(dt, count, buf, 0, copy, bytes);
    const mp_datatype_t *byte_dt = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    st = mp_pt2pt_isend(copy, bytes, byte_dt, dest, tag, comm, MP_SEND_STANDARD, &seg->req);
    if (st != MP_OK) {
        seg_unlink(seg);
        discard(done);
        return mp_api_error(comm, call, mp_api_errclass(st),
                            "cannot start the send to rank %d of %s: %s", dest, comm->name,
                            mp_status_string(st));
    }
    bsend.used += len;
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
    mp_request_complete(done);
    *req_p = done;
    return MPI_SUCCESS;
}

void mp_api_bsend_fini(void)
{
    if (bsend.attached) {
        drain();
        bsend.attached = false;
    }
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
    return bsend_blocking("MPI_Bsend", buf, count, datatype, dest, tag, comm);
}

#pragma weak MPI_Bsend_c = PMPI_Bsend_c
int PMPI_Bsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    return bsend_blocking("MPI_Bsend_c", buf, count, datatype, dest, tag, comm);
}

#pragma weak MPI_Ibsend = PMPI_Ibsend
int PMPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return bsend_checked("MPI_Ibsend", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Ibsend_c = PMPI_Ibsend_c
int PMPI_Ibsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    return bsend_checked("MPI_Ibsend_c", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Bsend_init = PMPI_Bsend_init
int PMPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    return mp_api_bsend_init("MPI_Bsend_init", buf, count, datatype, dest, tag, comm, request);
}

#pragma weak MPI_Bsend_init_c = PMPI_Bsend_init_c
int PMPI_Bsend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    return mp_api_bsend_init("MPI_Bsend_init_c", buf, count, datatype, dest, tag, comm, request);
}

/* ---- The attached buffer ---- */

static int buffer_attach(const char *call, void *buffer, MPI_Count size)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (bsend.attached) {
        return mp_api_error(NULL, call, MPI_ERR_BUFFER,
                            "a buffer is attached already (%zu bytes at %p); detach it first with "
                            "MPI_Buffer_detach",
                            bsend.size, bsend.buf);
    }
    bool automatic = buffer == MPI_BUFFER_AUTOMATIC;
    if (!automatic) {
        if (size < 0) {
            return mp_api_error(NULL, call, MPI_ERR_ARG, "size %lld is negative", (long long)size);
        }
        if (buffer == NULL && size > 0) {
            return mp_api_error(NULL, call, MPI_ERR_BUFFER,
                                "the buffer is NULL but size is %lld; pass the address of a "
                                "buffer of size bytes, or MPI_BUFFER_AUTOMATIC",
                                (long long)size);
        }
    }
    bsend.attached = true;
    bsend.automatic = automatic;
    bsend.buf = buffer;
    bsend.size = automatic ? 0 : (size_t)size;
    bsend.segs = NULL;
    bsend.used = 0;
    return MPI_SUCCESS;
}

/* Waits for every buffered send, then hands the buffer back. */
static int buffer_detach(const char *call, void *buffer_addr, MPI_Count *size_p, bool int_size)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (buffer_addr == NULL || size_p == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "buffer_addr or size is NULL");
    }
    if (!bsend.attached) {
        /* As in MPICH: detaching nothing gives nothing. */
        *(void **)buffer_addr = NULL;
        *size_p = 0;
        return MPI_SUCCESS;
    }
    if (int_size && bsend.size > INT_MAX) {
        return mp_api_error(NULL, call, MPI_ERR_VALUE_TOO_LARGE,
                            "the attached buffer has %zu bytes, more than an int holds; use "
                            "MPI_Buffer_detach_c",
                            bsend.size);
    }
    drain();
    *(void **)buffer_addr = bsend.buf;
    *size_p = (MPI_Count)bsend.size;
    bsend.attached = false;
    bsend.automatic = false;
    bsend.buf = NULL;
    bsend.size = 0;
    return MPI_SUCCESS;
}

#pragma weak MPI_Buffer_attach = PMPI_Buffer_attach
int PMPI_Buffer_attach(void *buffer, int size)
{
    return buffer_attach("MPI_Buffer_attach", buffer, size);
}

#pragma weak MPI_Buffer_attach_c = PMPI_Buffer_attach_c
int PMPI_Buffer_attach_c(void *buffer, MPI_Count size)
{
    return buffer_attach("MPI_Buffer_attach_c", buffer, size);
}

#pragma weak MPI_Buffer_detach = PMPI_Buffer_detach
int PMPI_Buffer_detach(void *buffer_addr, int *size)
{
    MPI_Count n = 0;
    int rc = buffer_detach("MPI_Buffer_detach", buffer_addr, size != NULL ? &n : NULL, true);
    if (rc == MPI_SUCCESS) {
        *size = (int)n;
    }
    return rc;
}

#pragma weak MPI_Buffer_detach_c = PMPI_Buffer_detach_c
int PMPI_Buffer_detach_c(void *buffer_addr, MPI_Count *size)
{
    return buffer_detach("MPI_Buffer_detach_c", buffer_addr, size, false);
}

#pragma weak MPI_Buffer_flush = PMPI_Buffer_flush
int PMPI_Buffer_flush(void)
{
    int rc = mp_api_check_ready("MPI_Buffer_flush");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (bsend.attached) {
        drain();
    }
    return MPI_SUCCESS;
}
