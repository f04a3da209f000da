/*
 * Point-to-point communication: the standard, synchronous and ready sends, receives, their
 * nonblocking and persistent forms, and send-receive. Each call checks its arguments, then
 * starts one pt2pt operation; a blocking call is the nonblocking one followed by a wait.
 * The large-count (_c) forms share the code: counts are MPI_Count inside.
 */
#include <stdint.h>
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/pt2pt.h"

/* ---- Argument checks ---- */

/* Every message's call passes these checks: the happy paths are inline and the reports of what
 * was wrong are out of line, so that a correct call pays a few compares for each. */

static MP_API_COLD int tag_error(const char *call, const mp_comm_t *comm, int tag, bool is_receive)
{
    if (tag == MPI_ANY_TAG) {
        return mp_api_error(comm, call, MPI_ERR_TAG,
                            "MPI_ANY_TAG is for receives only; a send needs a tag in 0..%d",
                            MP_API_TAG_UB);
    }
    return mp_api_error(comm, call, MPI_ERR_TAG, "tag %d is invalid: tags are 0..%d (MPI_TAG_UB)%s",
                        tag, MP_API_TAG_UB, is_receive ? " or MPI_ANY_TAG" : "");
}

static inline int check_tag(const char *call, const mp_comm_t *comm, int tag, bool is_receive)
{
    if ((tag >= 0 && tag <= MP_API_TAG_UB) || (is_receive && tag == MPI_ANY_TAG)) {
        return MPI_SUCCESS;
    }
    return tag_error(call, comm, tag, is_receive);
}

static MP_API_COLD int rank_error(const char *call, const mp_comm_t *comm, int rank)
{
    int size = mp_comm_peer_size(comm);
    if (rank == MPI_ANY_SOURCE) {
        return mp_api_error(comm, call, MPI_ERR_RANK,
                            "MPI_ANY_SOURCE is for receives only; a send needs a rank in 0..%d of "
                            "%s or MPI_PROC_NULL",
                            size - 1, comm->name);
    }
    return mp_api_error(comm, call, MPI_ERR_RANK, "rank %d is out of range 0..%d of %s", rank,
                        size - 1, comm->name);
}

static inline int check_rank(const char *call, const mp_comm_t *comm, int rank, bool is_source)
{
    /* An intercommunicator's point-to-point names ranks of its remote group. */
    if ((rank >= 0 && rank < mp_comm_peer_size(comm)) || rank == MPI_PROC_NULL ||
        (is_source && rank == MPI_ANY_SOURCE)) {
        return MPI_SUCCESS;
    }
    return rank_error(call, comm, rank);
}

int mp_api_check_source_tag(const char *call, const mp_comm_t *comm, int source, int tag)
{
    int rc = check_tag(call, comm, tag, true);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return check_rank(call, comm, source, true);
}

static MP_API_COLD int count_error(const char *call, const mp_comm_t *comm, MPI_Count count,
                                   const mp_datatype_t *dt)
{
    if (count < 0) {
        return mp_api_error(comm, call, MPI_ERR_COUNT,
                            "count %lld is negative; pass the number of elements (0 or more)",
                            (long long)count);
    }
    return mp_api_error(comm, call, MPI_ERR_COUNT, "count %lld of %s is too large to address",
                        (long long)count, mp_api_datatype_name(dt));
}

static MP_API_COLD int buffer_error(const char *call, const mp_comm_t *comm, MPI_Count count)
{
    return mp_api_error(comm, call, MPI_ERR_BUFFER,
                        "the buffer is NULL but count is %lld; pass the address of the data",
                        (long long)count);
}

static inline __attribute__((always_inline)) int
check_msg(const char *call, const mp_comm_t *comm, const void *buf, MPI_Count count,
          MPI_Datatype datatype, int peer, int tag, bool peer_is_source, const mp_datatype_t **dt_p)
{
    if (count < 0) {
        return count_error(call, comm, count, NULL);
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL || !dt->committed) {
        int rc = mp_api_datatype_check_count(comm, call, datatype, count, &dt);
        if (rc != MPI_SUCCESS) {
            return rc; /* reported there; else MPI_DATATYPE_NULL with count 0, which passes */
        }
    }
    size_t bytes;
    if (__builtin_mul_overflow((uint64_t)count, dt->size, &bytes)) {
        return count_error(call, comm, count, dt); /* a multiply that checks: no division */
    }
    int rc = check_tag(call, comm, tag, peer_is_source);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rc = check_rank(call, comm, peer, peer_is_source);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* A derived type may address absolute memory from MPI_BOTTOM (NULL); a predefined one not. */
    if (buf == NULL && count > 0 && dt->size > 0 && dt->predefined) {
        return buffer_error(call, comm, count);
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

int mp_api_check_msg(const char *call, const mp_comm_t *comm, const void *buf, MPI_Count count,
                     MPI_Datatype datatype, int peer, int tag, bool peer_is_source,
                     const mp_datatype_t **dt_p)
{
    return check_msg(call, comm, buf, count, datatype, peer, tag, peer_is_source, dt_p);
}

static MP_API_COLD int request_ptr_error(const char *call, const mp_comm_t *comm)
{
    return mp_api_error(comm, call, MPI_ERR_ARG,
                        "request is NULL; pass the address of an MPI_Request");
}

/* ---- Starting operations ---- */

static MP_API_COLD int isend_error(const char *call, mp_status_t st, int dest, mp_comm_t *comm)
{
    return mp_api_error(comm, call, mp_api_errclass(st),
                        "cannot start the send to rank %d of %s: %s", dest, comm->name,
                        mp_status_string(st));
}

static MP_API_COLD int irecv_error(const char *call, mp_status_t st, int source, mp_comm_t *comm)
{
    return mp_api_error(comm, call, mp_api_errclass(st),
                        "cannot post the receive from rank %d of %s: %s", source, comm->name,
                        mp_status_string(st));
}

static inline int isend_checked(const char *call, const void *buf, MPI_Count count,
                                const mp_datatype_t *dt, int dest, int tag, mp_comm_t *comm,
                                mp_send_mode_t mode, mp_request_t **req_p)
{
    mp_status_t st = mp_pt2pt_isend(buf, (size_t)count, dt, dest, tag, comm, mode, req_p);
    return st == MP_OK ? MPI_SUCCESS : isend_error(call, st, dest, comm);
}

static inline int irecv_checked(const char *call, void *buf, MPI_Count count,
                                const mp_datatype_t *dt, int source, int tag, mp_comm_t *comm,
                                mp_request_t **req_p)
{
    mp_status_t st = mp_pt2pt_irecv(buf, (size_t)count, dt, source, tag, comm, req_p);
    return st == MP_OK ? MPI_SUCCESS : irecv_error(call, st, source, comm);
}

/* Checks the communicator and the message arguments of a send (is_receive false) or a receive;
 * sets *comm_p and *dt_p on success. */
static inline int msg_check(const char *call, const void *buf, MPI_Count count,
                            MPI_Datatype datatype, int peer, int tag, MPI_Comm comm,
                            bool is_receive, mp_comm_t **comm_p, const mp_datatype_t **dt_p)
{
    mp_comm_t *c = mp_api_comm_get(comm);
    if (mp_runtime.state != MP_RUNTIME_READY || c == NULL) {
        int rc = mp_api_comm_check(call, comm, &c); /* reports which */
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    *comm_p = c;
    return check_msg(call, c, buf, count, datatype, peer, tag, is_receive, dt_p);
}

static int send_blocking(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                         int dest, int tag, MPI_Comm comm, mp_send_mode_t mode)
{
    mp_comm_t *c = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = msg_check(call, buf, count, datatype, dest, tag, comm, false, &c, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mode != MP_SEND_SYNC && mp_pt2pt_send_now(buf, (size_t)count, dt, dest, tag, c)) {
        return MPI_SUCCESS;
    }
    mp_request_t *req = NULL;
    rc = isend_checked(call, buf, count, dt, dest, tag, c, mode, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_request_complete_blocking(call, c, req, MPI_STATUS_IGNORE);
}

static int recv_blocking(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype,
                         int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    mp_comm_t *c = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = msg_check(call, buf, count, datatype, source, tag, comm, true, &c, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_msg_status_t now;
    if (mp_pt2pt_recv_now(buf, (size_t)count, dt, source, tag, c, &now)) {
        mp_api_status_fill(status, &now, MPI_SUCCESS);
        return MPI_SUCCESS;
    }
    mp_request_t *req = NULL;
    rc = irecv_checked(call, buf, count, dt, source, tag, c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_request_complete_blocking(call, c, req, status);
}

static inline int send_nonblocking(const char *call, const void *buf, MPI_Count count,
                                   MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                                   mp_send_mode_t mode, MPI_Request *request)
{
    mp_comm_t *c = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = msg_check(call, buf, count, datatype, dest, tag, comm, false, &c, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return request_ptr_error(call, c);
    }
    mp_request_t *req = NULL;
    rc = isend_checked(call, buf, count, dt, dest, tag, c, mode, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *request = (MPI_Request)req;
    return MPI_SUCCESS;
}

static inline int recv_nonblocking(const char *call, void *buf, MPI_Count count,
                                   MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
                                   MPI_Request *request)
{
    mp_comm_t *c = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = msg_check(call, buf, count, datatype, source, tag, comm, true, &c, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return request_ptr_error(call, c);
    }
    mp_request_t *req = NULL;
    rc = irecv_checked(call, buf, count, dt, source, tag, c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *request = (MPI_Request)req;
    return MPI_SUCCESS;
}

/* ---- Blocking sends and receives ---- */

#pragma weak MPI_Send = PMPI_Send
int PMPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Send", buf, count, datatype, dest, tag, comm, MP_SEND_STANDARD);
}

#pragma weak MPI_Send_c = PMPI_Send_c
int PMPI_Send_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Send_c", buf, count, datatype, dest, tag, comm, MP_SEND_STANDARD);
}

#pragma weak MPI_Ssend = PMPI_Ssend
int PMPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Ssend", buf, count, datatype, dest, tag, comm, MP_SEND_SYNC);
}

#pragma weak MPI_Ssend_c = PMPI_Ssend_c
int PMPI_Ssend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Ssend_c", buf, count, datatype, dest, tag, comm, MP_SEND_SYNC);
}

#pragma weak MPI_Rsend = PMPI_Rsend
int PMPI_Rsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Rsend", buf, count, datatype, dest, tag, comm, MP_SEND_READY);
}

#pragma weak MPI_Rsend_c = PMPI_Rsend_c
int PMPI_Rsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    MP_API_LOCK();
    return send_blocking("MPI_Rsend_c", buf, count, datatype, dest, tag, comm, MP_SEND_READY);
}

#pragma weak MPI_Recv = PMPI_Recv
int PMPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
              MPI_Status *status)
{
    MP_API_LOCK();
    return recv_blocking("MPI_Recv", buf, count, datatype, source, tag, comm, status);
}

#pragma weak MPI_Recv_c = PMPI_Recv_c
int PMPI_Recv_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    return recv_blocking("MPI_Recv_c", buf, count, datatype, source, tag, comm, status);
}

/* ---- Nonblocking sends and receives ---- */

#pragma weak MPI_Isend = PMPI_Isend
int PMPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Isend", buf, count, datatype, dest, tag, comm, MP_SEND_STANDARD,
                            request);
}

#pragma weak MPI_Isend_c = PMPI_Isend_c
int PMPI_Isend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Isend_c", buf, count, datatype, dest, tag, comm, MP_SEND_STANDARD,
                            request);
}

#pragma weak MPI_Issend = PMPI_Issend
int PMPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Issend", buf, count, datatype, dest, tag, comm, MP_SEND_SYNC,
                            request);
}

#pragma weak MPI_Issend_c = PMPI_Issend_c
int PMPI_Issend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Issend_c", buf, count, datatype, dest, tag, comm, MP_SEND_SYNC,
                            request);
}

#pragma weak MPI_Irsend = PMPI_Irsend
int PMPI_Irsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Irsend", buf, count, datatype, dest, tag, comm, MP_SEND_READY,
                            request);
}

#pragma weak MPI_Irsend_c = PMPI_Irsend_c
int PMPI_Irsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return send_nonblocking("MPI_Irsend_c", buf, count, datatype, dest, tag, comm, MP_SEND_READY,
                            request);
}

#pragma weak MPI_Irecv = PMPI_Irecv
int PMPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    MP_API_LOCK();
    return recv_nonblocking("MPI_Irecv", buf, count, datatype, source, tag, comm, request);
}

#pragma weak MPI_Irecv_c = PMPI_Irecv_c
int PMPI_Irecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                 MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return recv_nonblocking("MPI_Irecv_c", buf, count, datatype, source, tag, comm, request);
}

/* ---- Send-receive ---- */

/* Posts the receive, then the send, and joins them into one request (the receive's) that
 * completes when both have. The receive goes first so that a message to oneself finds it
 * posted. owned (may be NULL) is the send buffer to free once the send is done. */
static int sendrecv_start(const char *call, const void *sendbuf, MPI_Count sendcount,
                          const mp_datatype_t *sdt, int dest, int sendtag, void *recvbuf,
                          MPI_Count recvcount, const mp_datatype_t *rdt, int source, int recvtag,
                          mp_comm_t *c, void *owned, mp_request_t **req_p)
{
    mp_request_t *rreq = NULL;
    int rc = irecv_checked(call, recvbuf, recvcount, rdt, source, recvtag, c, &rreq);
    if (rc != MPI_SUCCESS) {
        free(owned);
        return rc;
    }
    mp_request_t *sreq = NULL;
    rc = isend_checked(call, sendbuf, sendcount, sdt, dest, sendtag, c, MP_SEND_STANDARD, &sreq);
    if (rc != MPI_SUCCESS) {
        /* No send will come of this call: take the receive back (or let it complete unseen). */
        mp_pt2pt_cancel(rreq);
        mp_request_free(rreq);
        free(owned);
        return rc;
    }
    sreq->owned_buf = owned;
    mp_request_join(rreq, sreq);
    *req_p = rreq;
    return MPI_SUCCESS;
}

/* Checks the arguments of a send-receive and starts it. */
static int sendrecv_checked_start(const char *call, const void *sendbuf, MPI_Count sendcount,
                                  MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
                                  MPI_Count recvcount, MPI_Datatype recvtype, int source,
                                  int recvtag, MPI_Comm comm, mp_comm_t **comm_p,
                                  mp_request_t **req_p)
{
    const mp_datatype_t *sdt = NULL;
    int rc =
        msg_check(call, sendbuf, sendcount, sendtype, dest, sendtag, comm, false, comm_p, &sdt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *rdt = NULL;
    rc = mp_api_check_msg(call, *comm_p, recvbuf, recvcount, recvtype, source, recvtag, true, &rdt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return sendrecv_start(call, sendbuf, sendcount, sdt, dest, sendtag, recvbuf, recvcount, rdt,
                          source, recvtag, *comm_p, NULL, req_p);
}

/* Hands a started send-receive over: the nonblocking calls (request not NULL) return its
 * request; the blocking ones wait for it and fill status. */
static int sendrecv_finish(const char *call, int rc, mp_comm_t *c, mp_request_t *req,
                           MPI_Status *status, MPI_Request *request)
{
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request != NULL) {
        *request = (MPI_Request)req;
        return MPI_SUCCESS;
    }
    return mp_api_request_complete_blocking(call, c, req, status);
}

/* MPI_Sendrecv (request NULL) and MPI_Isendrecv (nonblocking: request is the output). */
static int sendrecv(const char *call, const void *sendbuf, MPI_Count sendcount,
                    MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
                    MPI_Count recvcount, MPI_Datatype recvtype, int source, int recvtag,
                    MPI_Comm comm, MPI_Status *status, bool nonblocking, MPI_Request *request)
{
    if (nonblocking && request == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST, "the request argument is NULL");
    }
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    int rc = sendrecv_checked_start(call, sendbuf, sendcount, sendtype, dest, sendtag, recvbuf,
                                    recvcount, recvtype, source, recvtag, comm, &c, &req);
    return sendrecv_finish(call, rc, c, req, status, nonblocking ? request : NULL);
}

/* The outgoing data is packed into a temporary buffer first, so that the receive can land in
 * buf while the send is still going; it travels as bytes, and the buffer goes with the send. */
static int sendrecv_replace_start(const char *call, void *buf, MPI_Count count,
                                  MPI_Datatype datatype, int dest, int sendtag, int source,
                                  int recvtag, MPI_Comm comm, mp_comm_t **comm_p,
                                  mp_request_t **req_p)
{
    const mp_datatype_t *dt = NULL;
    int rc = msg_check(call, buf, count, datatype, dest, sendtag, comm, false, comm_p, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *c = *comm_p;
    rc = mp_api_check_source_tag(call, c, source, recvtag);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t bytes = mp_datatype_bytes(dt, (size_t)count);
    void *tmp = malloc(bytes > 0 ? bytes : 1);
    if (tmp == NULL) {
        return mp_api_error(c, call, MPI_ERR_NO_MEM,
                            "cannot allocate %zu bytes to hold the outgoing data", bytes);
    }
    mp_datatype_pack(dt, (size_t)count, buf, 0, tmp, bytes);
    const mp_datatype_t *byte_dt = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    return sendrecv_start(call, tmp, (MPI_Count)bytes, byte_dt, dest, sendtag, buf, count, dt,
                          source, recvtag, c, tmp, req_p);
}

/* MPI_Sendrecv_replace (request NULL) and MPI_Isendrecv_replace (nonblocking). */
static int sendrecv_replace(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype,
                            int dest, int sendtag, int source, int recvtag, MPI_Comm comm,
                            MPI_Status *status, bool nonblocking, MPI_Request *request)
{
    if (nonblocking && request == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_REQUEST, "the request argument is NULL");
    }
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    int rc = sendrecv_replace_start(call, buf, count, datatype, dest, sendtag, source, recvtag,
                                    comm, &c, &req);
    return sendrecv_finish(call, rc, c, req, status, nonblocking ? request : NULL);
}

#pragma weak MPI_Sendrecv = PMPI_Sendrecv
int PMPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                  void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                  MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    return sendrecv("MPI_Sendrecv", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                    recvtype, source, recvtag, comm, status, false, NULL);
}

#pragma weak MPI_Sendrecv_c = PMPI_Sendrecv_c
int PMPI_Sendrecv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, int dest,
                    int sendtag, void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                    int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    return sendrecv("MPI_Sendrecv_c", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf,
                    recvcount, recvtype, source, recvtag, comm, status, false, NULL);
}

#pragma weak MPI_Sendrecv_replace = PMPI_Sendrecv_replace
int PMPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag,
                          int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    return sendrecv_replace("MPI_Sendrecv_replace", buf, count, datatype, dest, sendtag, source,
                            recvtag, comm, status, false, NULL);
}

#pragma weak MPI_Sendrecv_replace_c = PMPI_Sendrecv_replace_c
int PMPI_Sendrecv_replace_c(void *buf, MPI_Count count, MPI_Datatype datatype, int dest,
                            int sendtag, int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    return sendrecv_replace("MPI_Sendrecv_replace_c", buf, count, datatype, dest, sendtag, source,
                            recvtag, comm, status, false, NULL);
}

/* ---- Persistent requests ---- */

static int persistent_init(const char *call, mp_api_preq_kind_t kind, mp_send_mode_t mode,
                           const void *buf, MPI_Count count, MPI_Datatype datatype, int peer,
                           int tag, MPI_Comm comm, MPI_Request *request)
{
    mp_comm_t *c = NULL;
    const mp_datatype_t *dt = NULL;
    int rc =
        msg_check(call, buf, count, datatype, peer, tag, comm, kind == MP_API_PREQ_RECV, &c, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return request_ptr_error(call, c);
    }
    mp_api_preq_t args = {
        .kind = kind,
        .mode = mode,
        .buf = (void *)(uintptr_t)buf, /* a send never writes to it */
        .count = (size_t)count,
        .dt = dt,
        .peer = peer,
        .tag = tag,
        .comm = c,
    };
    return mp_api_preq_create(call, &args, request);
}

int mp_api_bsend_init(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                      int dest, int tag, MPI_Comm comm, MPI_Request *request)
{
    return persistent_init(call, MP_API_PREQ_BSEND, MP_SEND_STANDARD, buf, count, datatype, dest,
                           tag, comm, request);
}

#pragma weak MPI_Send_init = PMPI_Send_init
int PMPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Send_init", MP_API_PREQ_SEND, MP_SEND_STANDARD, buf, count,
                           datatype, dest, tag, comm, request);
}

#pragma weak MPI_Send_init_c = PMPI_Send_init_c
int PMPI_Send_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                     MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Send_init_c", MP_API_PREQ_SEND, MP_SEND_STANDARD, buf, count,
                           datatype, dest, tag, comm, request);
}

#pragma weak MPI_Ssend_init = PMPI_Ssend_init
int PMPI_Ssend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Ssend_init", MP_API_PREQ_SEND, MP_SEND_SYNC, buf, count, datatype,
                           dest, tag, comm, request);
}

#pragma weak MPI_Ssend_init_c = PMPI_Ssend_init_c
int PMPI_Ssend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Ssend_init_c", MP_API_PREQ_SEND, MP_SEND_SYNC, buf, count, datatype,
                           dest, tag, comm, request);
}

#pragma weak MPI_Rsend_init = PMPI_Rsend_init
int PMPI_Rsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Rsend_init", MP_API_PREQ_SEND, MP_SEND_READY, buf, count, datatype,
                           dest, tag, comm, request);
}

#pragma weak MPI_Rsend_init_c = PMPI_Rsend_init_c
int PMPI_Rsend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Rsend_init_c", MP_API_PREQ_SEND, MP_SEND_READY, buf, count,
                           datatype, dest, tag, comm, request);
}

#pragma weak MPI_Recv_init = PMPI_Recv_init
int PMPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
                   MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Recv_init", MP_API_PREQ_RECV, MP_SEND_STANDARD, buf, count,
                           datatype, source, tag, comm, request);
}

#pragma weak MPI_Recv_init_c = PMPI_Recv_init_c
int PMPI_Recv_init_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                     MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return persistent_init("MPI_Recv_init_c", MP_API_PREQ_RECV, MP_SEND_STANDARD, buf, count,
                           datatype, source, tag, comm, request);
}

#pragma weak MPI_Isendrecv = PMPI_Isendrecv
int PMPI_Isendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                   void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                   MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return sendrecv("MPI_Isendrecv", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf,
                    recvcount, recvtype, source, recvtag, comm, MPI_STATUS_IGNORE, true, request);
}

#pragma weak MPI_Isendrecv_c = PMPI_Isendrecv_c
int PMPI_Isendrecv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, int dest,
                     int sendtag, void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                     int source, int recvtag, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return sendrecv("MPI_Isendrecv_c", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf,
                    recvcount, recvtype, source, recvtag, comm, MPI_STATUS_IGNORE, true, request);
}

#pragma weak MPI_Isendrecv_replace = PMPI_Isendrecv_replace
int PMPI_Isendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag,
                           int source, int recvtag, MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    return sendrecv_replace("MPI_Isendrecv_replace", buf, count, datatype, dest, sendtag, source,
                            recvtag, comm, MPI_STATUS_IGNORE, true, request);
}

#pragma weak MPI_Isendrecv_replace_c = PMPI_Isendrecv_replace_c
int PMPI_Isendrecv_replace_c(void *buf, MPI_Count count, MPI_Datatype datatype, int dest,
                             int sendtag, int source, int recvtag, MPI_Comm comm,
                             MPI_Request *request)
{
    MP_API_LOCK();
    return sendrecv_replace("MPI_Isendrecv_replace_c", buf, count, datatype, dest, sendtag, source,
                            recvtag, comm, MPI_STATUS_IGNORE, true, request);
}
