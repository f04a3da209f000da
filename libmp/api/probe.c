/*
 * Probing for messages (MPI_Probe, MPI_Iprobe) and matched probes with their receives (MPI_Mprobe,
 * MPI_Improbe, MPI_Mrecv, MPI_Imrecv). An MPI_Message is the address of a small object holding
 * the pt2pt message taken out of matching and its communicator; MPI_MESSAGE_NO_PROC stands for a
 * probe of MPI_PROC_NULL.
 */
#include <stdlib.h>

#include "api/api.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

#define API_MESSAGE_MAGIC 0x6d706d73u /* "mpms" */

/* What an MPI_Message handle points at, from the matched probe to the matched receive. */
typedef struct api_message {
    uint32_t magic; /* API_MESSAGE_MAGIC until received */
    mp_message_t *msg;
    mp_comm_t *comm; /* where it was probed: errors of the receive are raised there */
} api_message_t;

static void message_destroy(api_message_t *m)
{
    m->magic = 0;
    free(m);
}

/* The checks every probe starts with. */
static int probe_check(const char *call, int source, int tag, MPI_Comm comm, mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return mp_api_check_source_tag(call, *comm_p, source, tag);
}

/* What a blocking probe waits for: a matching message, recorded in status (and, for a matched
 * probe, taken out of matching into msg). */
typedef struct probe_wait {
    int source;
    int tag;
    mp_comm_t *comm;
    bool take; /* matched probe: remove the message from matching */
    mp_message_t *msg;
    mp_status_t error; /* set when improbe fails */
    mp_msg_status_t status;
} probe_wait_t;

static bool probe_found(void *arg)
{
    probe_wait_t *p = arg;
    if (!p->take) {
        return mp_pt2pt_iprobe(p->source, p->tag, p->comm, &p->status);
    }
    p->error = mp_pt2pt_improbe(p->source, p->tag, p->comm, &p->msg, &p->status);
    return p->error != MP_OK || p->msg != NULL;
}

static int probe_failed(const char *call, const probe_wait_t *p)
{
    return mp_api_error(p->comm, call, mp_api_errclass(p->error),
                        "cannot probe for a message from rank %d with tag %d on %s: %s", p->source,
                        p->tag, p->comm->name, mp_status_string(p->error));
}

#pragma weak MPI_Probe = PMPI_Probe
int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = probe_check("MPI_Probe", source, tag, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (source == MPI_PROC_NULL) {
        mp_api_status_proc_null(status);
        return MPI_SUCCESS;
    }
    probe_wait_t p = {.source = source, .tag = tag, .comm = c, .take = false};
    if (!probe_found(&p)) {
        mp_progress_wait(probe_found, &p);
    }
    mp_api_status_fill(status, &p.status, MPI_SUCCESS);
    return MPI_SUCCESS;
}

#pragma weak MPI_Iprobe = PMPI_Iprobe
int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = probe_check("MPI_Iprobe", source, tag, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL) {
        return mp_api_error(c, "MPI_Iprobe", MPI_ERR_ARG, "flag is NULL");
    }
    if (source == MPI_PROC_NULL) {
        *flag = 1;
        mp_api_status_proc_null(status);
        return MPI_SUCCESS;
    }
    mp_msg_status_t st;
    mp_progress_test();
    *flag = mp_pt2pt_iprobe(source, tag, c, &st);
    if (*flag) {
        mp_api_status_fill(status, &st, MPI_SUCCESS);
    }
    return MPI_SUCCESS;
}

/* Where message objects lie (their handles are their addresses). */
static mp_addr_span_t message_span = MP_ADDR_SPAN_EMPTY;

/* A new message object for a matched probe on comm; reports MPI_ERR_NO_MEM for call. */
static int message_create(const char *call, mp_comm_t *comm, api_message_t **m_p)
{
    api_message_t *m = malloc(sizeof(*m));
    if (m == NULL) {
        return mp_api_error(comm, call, MPI_ERR_NO_MEM, "cannot allocate a message handle");
    }
    mp_addr_span_note(&message_span, m, sizeof(*m));
    m->magic = API_MESSAGE_MAGIC;
    m->msg = NULL;
    m->comm = comm;
    *m_p = m;
    return MPI_SUCCESS;
}

#pragma weak MPI_Mprobe = PMPI_Mprobe
int PMPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *message, MPI_Status *status)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = probe_check("MPI_Mprobe", source, tag, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (message == NULL) {
        return mp_api_error(c, "MPI_Mprobe", MPI_ERR_ARG, "message is NULL");
    }
    if (source == MPI_PROC_NULL) {
        *message = MPI_MESSAGE_NO_PROC;
        mp_api_status_proc_null(status);
        return MPI_SUCCESS;
    }
    /* The handle exists before the message leaves matching, so that it is never lost. */
    api_message_t *m = NULL;
    rc = message_create("MPI_Mprobe", c, &m);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    probe_wait_t p = {.source = source, .tag = tag, .comm = c, .take = true};
    if (!probe_found(&p)) {
        mp_progress_wait(probe_found, &p);
    }
    if (p.error != MP_OK) {
        message_destroy(m);
        return probe_failed("MPI_Mprobe", &p);
    }
    m->msg = p.msg;
    *message = (MPI_Message)(void *)m;
    mp_api_status_fill(status, &p.status, MPI_SUCCESS);
    return MPI_SUCCESS;
}

#pragma weak MPI_Improbe = PMPI_Improbe
int PMPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *message,
                 MPI_Status *status)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = probe_check("MPI_Improbe", source, tag, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL || message == NULL) {
        return mp_api_error(c, "MPI_Improbe", MPI_ERR_ARG, "flag or message is NULL");
    }
    if (source == MPI_PROC_NULL) {
        *flag = 1;
        *message = MPI_MESSAGE_NO_PROC;
        mp_api_status_proc_null(status);
        return MPI_SUCCESS;
    }
    api_message_t *m = NULL;
    rc = message_create("MPI_Improbe", c, &m);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    probe_wait_t p = {.source = source, .tag = tag, .comm = c, .take = true};
    mp_progress_test();
    bool found = probe_found(&p);
    if (p.error != MP_OK || !found) {
        message_destroy(m);
        if (p.error != MP_OK) {
            return probe_failed("MPI_Improbe", &p);
        }
        *flag = 0;
        return MPI_SUCCESS;
    }
    *flag = 1;
    m->msg = p.msg;
    *message = (MPI_Message)(void *)m;
    mp_api_status_fill(status, &p.status, MPI_SUCCESS);
    return MPI_SUCCESS;
}

/* Checks the arguments of a matched receive; *m_p is the message, NULL for
 * MPI_MESSAGE_NO_PROC. */
static int mrecv_check(const char *call, const void *buf, MPI_Count count, MPI_Datatype datatype,
                       const MPI_Message *message, api_message_t **m_p, const mp_datatype_t **dt_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (message == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "message is NULL");
    }
    MPI_Message h = *message;
    api_message_t *m = NULL;
    if (h != MPI_MESSAGE_NO_PROC) {
        m = (api_message_t *)(void *)h;
        if (!mp_addr_span_holds(&message_span, m, sizeof(*m)) || m->magic != API_MESSAGE_MAGIC) {
            return mp_api_error(NULL, call, MPI_ERR_REQUEST,
                                "*message (%p) is not a matched message: MPI_Mprobe or "
                                "MPI_Improbe gives one, and each can be received only once",
                                (void *)h);
        }
    }
    /* The peer is fixed by the probe: only the buffer, count and datatype are checked here. */
    const mp_comm_t *c = m != NULL ? m->comm : NULL;
    if (count < 0) {
        return mp_api_error(c, call, MPI_ERR_COUNT,
                            "count %lld is negative; pass the number of elements (0 or more)",
                            (long long)count);
    }
    rc = mp_api_datatype_check_count(c, call, datatype, count, dt_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (buf == NULL && count > 0 && (*dt_p)->size > 0 && (*dt_p)->predefined) {
        return mp_api_error(c, call, MPI_ERR_BUFFER,
                            "the buffer is NULL but count is %lld; pass the address of the data",
                            (long long)count);
    }
    *m_p = m;
    return MPI_SUCCESS;
}

/* Starts the receive of a matched message and consumes its handle; for MPI_MESSAGE_NO_PROC, a
 * receive from MPI_PROC_NULL (which completes at once). *comm_p is where errors are raised. */
static int imrecv_start(const char *call, void *buf, MPI_Count count, const mp_datatype_t *dt,
                        api_message_t *m, mp_comm_t **comm_p, mp_request_t **req_p)
{
    mp_status_t st;
    mp_comm_t *comm;
    if (m == NULL) {
        /* The receive is from nobody, so any communicator will do: MPI_COMM_SELF. */
        comm = mp_api_comm_get(MPI_COMM_SELF);
        st = mp_pt2pt_irecv(buf, (size_t)count, dt, MPI_PROC_NULL, MPI_ANY_TAG, comm, req_p);
    } else {
        comm = m->comm;
        st = mp_pt2pt_imrecv(buf, (size_t)count, dt, m->msg, req_p);
    }
    if (st != MP_OK) {
        return mp_api_error(comm, call, mp_api_errclass(st), "cannot receive the message: %s",
                            mp_status_string(st));
    }
    if ((*req_p)->comm == NULL) {
        /* pt2pt does not know the message's communicator; its errors belong there. */
        (*req_p)->comm = comm;
    }
    if (m != NULL) {
        message_destroy(m);
    }
    *comm_p = comm;
    return MPI_SUCCESS;
}

static int mrecv(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype,
                 MPI_Message *message, MPI_Status *status)
{
    api_message_t *m = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = mrecv_check(call, buf, count, datatype, message, &m, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    rc = imrecv_start(call, buf, count, dt, m, &c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *message = MPI_MESSAGE_NULL;
    return mp_api_request_complete_blocking(call, c, req, status);
}

static int imrecv(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype,
                  MPI_Message *message, MPI_Request *request)
{
    api_message_t *m = NULL;
    const mp_datatype_t *dt = NULL;
    int rc = mrecv_check(call, buf, count, datatype, message, &m, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (request == NULL) {
        return mp_api_error(m != NULL ? m->comm : NULL, call, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    mp_comm_t *c = NULL;
    mp_request_t *req = NULL;
    rc = imrecv_start(call, buf, count, dt, m, &c, &req);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *message = MPI_MESSAGE_NULL;
    *request = (MPI_Request)(void *)req;
    return MPI_SUCCESS;
}

#pragma weak MPI_Mrecv = PMPI_Mrecv
int PMPI_Mrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message,
               MPI_Status *status)
{
    MP_API_LOCK();
    return mrecv("MPI_Mrecv", buf, count, datatype, message, status);
}

#pragma weak MPI_Mrecv_c = PMPI_Mrecv_c
int PMPI_Mrecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, MPI_Message *message,
                 MPI_Status *status)
{
    MP_API_LOCK();
    return mrecv("MPI_Mrecv_c", buf, count, datatype, message, status);
}

#pragma weak MPI_Imrecv = PMPI_Imrecv
int PMPI_Imrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message,
                MPI_Request *request)
{
    MP_API_LOCK();
    return imrecv("MPI_Imrecv", buf, count, datatype, message, request);
}

#pragma weak MPI_Imrecv_c = PMPI_Imrecv_c
int PMPI_Imrecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, MPI_Message *message,
                  MPI_Request *request)
{
    MP_API_LOCK();
    return imrecv("MPI_Imrecv_c", buf, count, datatype, message, request);
}
