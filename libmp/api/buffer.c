/*
 * The buffers of buffered sends, as MPI 4.1 has them: one for the process (MPI_Buffer_*), one per
 * session (MPI_Session_*_buffer) and one per communicator (MPI_Comm_*_buffer), each attached,
 * detached, flushed or flushed without blocking. Checks the arguments here; bsend.c keeps the
 * buffers.
 */
#include "api/api.h"

/* ---- The process's buffer ---- */

static int process_attach(const char *call, void *buffer, MPI_Count size)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_bsend_attach(call, NULL, buffer, size);
}

#pragma weak MPI_Buffer_attach = PMPI_Buffer_attach
int PMPI_Buffer_attach(void *buffer, int size)
{
    MP_API_LOCK();
    return process_attach("MPI_Buffer_attach", buffer, size);
}

#pragma weak MPI_Buffer_attach_c = PMPI_Buffer_attach_c
int PMPI_Buffer_attach_c(void *buffer, MPI_Count size)
{
    MP_API_LOCK();
    return process_attach("MPI_Buffer_attach_c", buffer, size);
}

#pragma weak MPI_Buffer_detach = PMPI_Buffer_detach
int PMPI_Buffer_detach(void *buffer_addr, int *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Buffer_detach";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Count n = 0;
    rc = mp_api_bsend_detach(call, NULL, buffer_addr, size != NULL ? &n : NULL, true);
    if (rc == MPI_SUCCESS) {
        *size = (int)n;
    }
    return rc;
}

#pragma weak MPI_Buffer_detach_c = PMPI_Buffer_detach_c
int PMPI_Buffer_detach_c(void *buffer_addr, MPI_Count *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Buffer_detach_c";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_bsend_detach(call, NULL, buffer_addr, size, false);
}

#pragma weak MPI_Buffer_flush = PMPI_Buffer_flush
int PMPI_Buffer_flush(void)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Buffer_flush");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_bsend_flush(NULL);
    return MPI_SUCCESS;
}

/* Starts a nonblocking flush of comm's buffer (the process's when comm is NULL). */
static int iflush(const char *call, mp_comm_t *comm, MPI_Request *request)
{
    if (request == NULL) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    mp_request_t *req = NULL;
    int rc = mp_api_bsend_iflush(call, comm, &req);
    if (rc == MPI_SUCCESS) {
        *request = (MPI_Request)(void *)req;
    }
    return rc;
}

#pragma weak MPI_Buffer_iflush = PMPI_Buffer_iflush
int PMPI_Buffer_iflush(MPI_Request *request)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Buffer_iflush");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return iflush("MPI_Buffer_iflush", NULL, request);
}

/* ---- A communicator's buffer ---- */

static int comm_attach(const char *call, MPI_Comm comm, void *buffer, MPI_Count size)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_bsend_attach(call, c, buffer, size);
}

#pragma weak MPI_Comm_attach_buffer = PMPI_Comm_attach_buffer
int PMPI_Comm_attach_buffer(MPI_Comm comm, void *buffer, int size)
{
    MP_API_LOCK();
    return comm_attach("MPI_Comm_attach_buffer", comm, buffer, size);
}

#pragma weak MPI_Comm_attach_buffer_c = PMPI_Comm_attach_buffer_c
int PMPI_Comm_attach_buffer_c(MPI_Comm comm, void *buffer, MPI_Count size)
{
    MP_API_LOCK();
    return comm_attach("MPI_Comm_attach_buffer_c", comm, buffer, size);
}

#pragma weak MPI_Comm_detach_buffer = PMPI_Comm_detach_buffer
int PMPI_Comm_detach_buffer(MPI_Comm comm, void *buffer_addr, int *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_detach_buffer";
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Count n = 0;
    rc = mp_api_bsend_detach(call, c, buffer_addr, size != NULL ? &n : NULL, true);
    if (rc == MPI_SUCCESS) {
        *size = (int)n;
    }
    return rc;
}

#pragma weak MPI_Comm_detach_buffer_c = PMPI_Comm_detach_buffer_c
int PMPI_Comm_detach_buffer_c(MPI_Comm comm, void *buffer_addr, MPI_Count *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_detach_buffer_c";
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_bsend_detach(call, c, buffer_addr, size, false);
}

#pragma weak MPI_Comm_flush_buffer = PMPI_Comm_flush_buffer
int PMPI_Comm_flush_buffer(MPI_Comm comm)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_flush_buffer", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_bsend_flush(c);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_iflush_buffer = PMPI_Comm_iflush_buffer
int PMPI_Comm_iflush_buffer(MPI_Comm comm, MPI_Request *request)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_iflush_buffer", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return iflush("MPI_Comm_iflush_buffer", c, request);
}

/* ---- A session's buffer (for the communicators that derive from it) ---- */

/* Checks that session is open. */
static int session_check(const char *call, MPI_Session session)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_api_session_bsend_slot(session) == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_SESSION,
                            "%s is not an open session; use one from MPI_Session_init that is "
                            "not finalised",
                            session == MPI_SESSION_NULL ? "MPI_SESSION_NULL" : "session");
    }
    return MPI_SUCCESS;
}

static int session_attach(const char *call, MPI_Session session, void *buffer, MPI_Count size)
{
    int rc = session_check(call, session);
    return rc != MPI_SUCCESS ? rc : mp_api_bsend_session_attach(call, session, buffer, size);
}

#pragma weak MPI_Session_attach_buffer = PMPI_Session_attach_buffer
int PMPI_Session_attach_buffer(MPI_Session session, void *buffer, int size)
{
    MP_API_LOCK();
    return session_attach("MPI_Session_attach_buffer", session, buffer, size);
}

#pragma weak MPI_Session_attach_buffer_c = PMPI_Session_attach_buffer_c
int PMPI_Session_attach_buffer_c(MPI_Session session, void *buffer, MPI_Count size)
{
    MP_API_LOCK();
    return session_attach("MPI_Session_attach_buffer_c", session, buffer, size);
}

#pragma weak MPI_Session_detach_buffer = PMPI_Session_detach_buffer
int PMPI_Session_detach_buffer(MPI_Session session, void *buffer_addr, int *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Session_detach_buffer";
    int rc = session_check(call, session);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Count n = 0;
    rc = mp_api_bsend_session_detach(call, session, buffer_addr, size != NULL ? &n : NULL, true);
    if (rc == MPI_SUCCESS) {
        *size = (int)n;
    }
    return rc;
}

#pragma weak MPI_Session_detach_buffer_c = PMPI_Session_detach_buffer_c
int PMPI_Session_detach_buffer_c(MPI_Session session, void *buffer_addr, MPI_Count *size)
{
    MP_API_LOCK();
    const char *call = "MPI_Session_detach_buffer_c";
    int rc = session_check(call, session);
    return rc != MPI_SUCCESS ? rc
                             : mp_api_bsend_session_detach(call, session, buffer_addr, size, false);
}

#pragma weak MPI_Session_flush_buffer = PMPI_Session_flush_buffer
int PMPI_Session_flush_buffer(MPI_Session session)
{
    MP_API_LOCK();
    int rc = session_check("MPI_Session_flush_buffer", session);
    if (rc == MPI_SUCCESS) {
        mp_api_bsend_session_flush(session);
    }
    return rc;
}

#pragma weak MPI_Session_iflush_buffer = PMPI_Session_iflush_buffer
int PMPI_Session_iflush_buffer(MPI_Session session, MPI_Request *request)
{
    MP_API_LOCK();
    const char *call = "MPI_Session_iflush_buffer";
    int rc = session_check(call, session);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return mp_api_session_raise(session, call, MPI_ERR_ARG,
                                    "request is NULL; pass the address of an MPI_Request");
    }
    mp_request_t *req = NULL;
    rc = mp_api_bsend_session_iflush(call, session, &req);
    if (rc == MPI_SUCCESS) {
        *request = (MPI_Request)(void *)req;
    }
    return rc;
}
