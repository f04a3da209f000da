/*
 * MPI_Status: how a completed operation becomes one, and the calls that read or set it (counts,
 * elements, cancellation, and the MPI 4.1 field accessors). The library's private slots of the
 * status hold the received byte count (64 bits in two ints) and the cancelled flag.
 */
#include <limits.h>
#include <stdio.h>

#include "api/api.h"

/* The private slots of MPI_Status (MPI_internal[5]) that libmp uses. */
enum {
    STATUS_BYTES_LO = 0,  /* received bytes, low 32 bits */
    STATUS_BYTES_HI = 1,  /* received bytes, high 32 bits */
    STATUS_CANCELLED = 2, /* 1 if the operation was cancelled */
    STATUS_ERRCLASS = 3,  /* the operation's error class, for MPI_ERROR (see below) */
};

static void status_set_bytes(MPI_Status *status, uint64_t bytes)
{
    status->MPI_internal[STATUS_BYTES_LO] = (int)(uint32_t)(bytes & 0xffffffffu);
    status->MPI_internal[STATUS_BYTES_HI] = (int)(uint32_t)(bytes >> 32);
}

static uint64_t status_bytes(const MPI_Status *status)
{
    return (uint64_t)(uint32_t)status->MPI_internal[STATUS_BYTES_LO] |
           (uint64_t)(uint32_t)status->MPI_internal[STATUS_BYTES_HI] << 32;
}

/* MPI_ERROR is left alone: the standard lets only the calls that complete several operations
 * write it, and only when they return MPI_ERR_IN_STATUS (MPI 4.1, 3.2.5); programs may rely on
 * it keeping what they put there. The class waits in a private slot until such a call
 * publishes it. */
static void status_set(MPI_Status *status, int source, int tag, int errclass, uint64_t bytes,
                       bool cancelled)
{
    status->MPI_SOURCE = source;
    status->MPI_TAG = tag;
    status_set_bytes(status, bytes);
    status->MPI_internal[STATUS_CANCELLED] = cancelled;
    status->MPI_internal[STATUS_ERRCLASS] = errclass;
    status->MPI_internal[4] = 0;
}

void mp_api_status_fill(MPI_Status *status, const mp_msg_status_t *msg, int errclass)
{
    if (status == MPI_STATUS_IGNORE) {
        return;
    }
    status_set(status, msg->source, msg->tag, errclass, msg->bytes, msg->cancelled);
}

void mp_api_status_empty(MPI_Status *status)
{
    if (status != MPI_STATUS_IGNORE) {
        status_set(status, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_SUCCESS, 0, false);
        /* The standard's empty status includes error = MPI_SUCCESS. */
        status->MPI_ERROR = MPI_SUCCESS;
    }
}

void mp_api_status_proc_null(MPI_Status *status)
{
    if (status != MPI_STATUS_IGNORE) {
        status_set(status, MPI_PROC_NULL, MPI_ANY_TAG, MPI_SUCCESS, 0, false);
    }
}

void mp_api_status_set_errclass(MPI_Status *status, int errclass)
{
    if (status != MPI_STATUS_IGNORE) {
        status->MPI_internal[STATUS_ERRCLASS] = errclass;
    }
}

void mp_api_status_publish_error(MPI_Status *status)
{
    status->MPI_ERROR = status->MPI_internal[STATUS_ERRCLASS];
}

void mp_api_describe_failure(const mp_request_t *req, char *buf, size_t len)
{
    const mp_msg_status_t *st = &req->status;
    if (st->error == MP_ERR_TRUNCATE && req->kind != MP_REQ_COLL) {
        snprintf(buf, len,
                 "the message from rank %d with tag %d on %s has %zu bytes, more than the %zu "
                 "bytes of the receive buffer (count %zu of %s); post a larger receive",
                 st->source, st->tag, req->comm != NULL ? req->comm->name : "?", req->msg_bytes,
                 req->capacity, req->count, req->dt != NULL ? mp_api_datatype_name(req->dt) : "?");
        return;
    }
    if (req->kind == MP_REQ_COLL) {
        snprintf(buf, len, "the collective on %s failed: %s%s",
                 req->comm != NULL ? req->comm->name : "?", mp_status_string(st->error),
                 st->error == MP_ERR_TRUNCATE
                     ? " (a rank sent more than another's buffer holds: the counts and datatypes "
                       "given on the ranks do not match)"
                     : "");
        return;
    }
    const char *what = req->kind == MP_REQ_SEND ? "send to" : "receive from";
    snprintf(buf, len, "the %s rank %d (tag %d) on %s failed: %s", what, req->peer, req->tag,
             req->comm != NULL ? req->comm->name : "?", mp_status_string(st->error));
}

/* ---- Counts and elements ---- */

/* The checks shared by the calls that read a status with a datatype. */
static int status_lookup(const char *call, const MPI_Status *status, MPI_Datatype datatype,
                         const void *out, const mp_datatype_t **dt_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "status is MPI_STATUS_IGNORE (NULL); pass the status that the "
                            "receive or probe filled in");
    }
    rc = mp_api_datatype_check(NULL, call, datatype, dt_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "count is NULL");
    }
    return MPI_SUCCESS;
}

/* Whole elements of dt in the status's bytes, or MPI_UNDEFINED if they are not a whole number. */
static MPI_Count status_count(const MPI_Status *status, const mp_datatype_t *dt)
{
    uint64_t bytes = status_bytes(status);
    if (dt->size == 0) {
        return 0;
    }
    if (bytes % dt->size != 0) {
        return MPI_UNDEFINED;
    }
    return (MPI_Count)(bytes / dt->size);
}

static MPI_Count status_elements(const MPI_Status *status, const mp_datatype_t *dt)
{
    long long n = mp_datatype_elements(dt, (size_t)status_bytes(status));
    return n < 0 ? MPI_UNDEFINED : (MPI_Count)n;
}

/* A count as an int: MPI_UNDEFINED when it does not fit, as the standard says. */
static int count_to_int(MPI_Count count)
{
    return count > INT_MAX ? MPI_UNDEFINED : (int)count;
}

#pragma weak MPI_Get_count = PMPI_Get_count
int PMPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = status_lookup("MPI_Get_count", status, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *count = count_to_int(status_count(status, dt));
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_count_c = PMPI_Get_count_c
int PMPI_Get_count_c(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = status_lookup("MPI_Get_count_c", status, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *count = status_count(status, dt);
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_elements = PMPI_Get_elements
int PMPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = status_lookup("MPI_Get_elements", status, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *count = count_to_int(status_elements(status, dt));
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_elements_c = PMPI_Get_elements_c
int PMPI_Get_elements_c(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = status_lookup("MPI_Get_elements_c", status, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *count = status_elements(status, dt);
    return MPI_SUCCESS;
}

#pragma weak MPI_Get_elements_x = PMPI_Get_elements_x
int PMPI_Get_elements_x(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = status_lookup("MPI_Get_elements_x", status, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *count = status_elements(status, dt);
    return MPI_SUCCESS;
}

static int set_elements(const char *call, MPI_Status *status, MPI_Datatype datatype,
                        MPI_Count count)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "status is MPI_STATUS_IGNORE (NULL)");
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_check(NULL, call, datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count < 0) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "count %lld is negative", (long long)count);
    }
    status_set_bytes(status, mp_datatype_elements_bytes(dt, (size_t)count));
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_set_elements = PMPI_Status_set_elements
int PMPI_Status_set_elements(MPI_Status *status, MPI_Datatype datatype, int count)
{
    MP_API_LOCK();
    return set_elements("MPI_Status_set_elements", status, datatype, count);
}

#pragma weak MPI_Status_set_elements_c = PMPI_Status_set_elements_c
int PMPI_Status_set_elements_c(MPI_Status *status, MPI_Datatype datatype, MPI_Count count)
{
    MP_API_LOCK();
    return set_elements("MPI_Status_set_elements_c", status, datatype, count);
}

#pragma weak MPI_Status_set_elements_x = PMPI_Status_set_elements_x
int PMPI_Status_set_elements_x(MPI_Status *status, MPI_Datatype datatype, MPI_Count count)
{
    MP_API_LOCK();
    return set_elements("MPI_Status_set_elements_x", status, datatype, count);
}

/* ---- Cancellation ---- */

#pragma weak MPI_Test_cancelled = PMPI_Test_cancelled
int PMPI_Test_cancelled(const MPI_Status *status, int *flag)
{
    MP_API_LOCK();
    if (status == MPI_STATUS_IGNORE || flag == NULL) {
        return mp_api_error(NULL, "MPI_Test_cancelled", MPI_ERR_ARG,
                            "status (MPI_STATUS_IGNORE?) or flag is NULL");
    }
    *flag = status->MPI_internal[STATUS_CANCELLED] != 0;
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_set_cancelled = PMPI_Status_set_cancelled
int PMPI_Status_set_cancelled(MPI_Status *status, int flag)
{
    MP_API_LOCK();
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, "MPI_Status_set_cancelled", MPI_ERR_ARG,
                            "status is MPI_STATUS_IGNORE (NULL)");
    }
    status->MPI_internal[STATUS_CANCELLED] = flag != 0;
    return MPI_SUCCESS;
}

/* ---- The public fields, through calls (MPI 4.1) ---- */

static int status_field_get(const char *call, const MPI_Status *status, const int *field, int *out)
{
    if (status == MPI_STATUS_IGNORE || out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "status (MPI_STATUS_IGNORE?) or the output argument is NULL");
    }
    *out = *field;
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_get_source = PMPI_Status_get_source
int PMPI_Status_get_source(const MPI_Status *status, int *source)
{
    MP_API_LOCK();
    return status_field_get("MPI_Status_get_source", status,
                            status != NULL ? &status->MPI_SOURCE : NULL, source);
}

#pragma weak MPI_Status_get_tag = PMPI_Status_get_tag
int PMPI_Status_get_tag(const MPI_Status *status, int *tag)
{
    MP_API_LOCK();
    return status_field_get("MPI_Status_get_tag", status, status != NULL ? &status->MPI_TAG : NULL,
                            tag);
}

#pragma weak MPI_Status_get_error = PMPI_Status_get_error
int PMPI_Status_get_error(const MPI_Status *status, int *error)
{
    MP_API_LOCK();
    return status_field_get("MPI_Status_get_error", status,
                            status != NULL ? &status->MPI_ERROR : NULL, error);
}

#pragma weak MPI_Status_set_source = PMPI_Status_set_source
int PMPI_Status_set_source(MPI_Status *status, int source)
{
    MP_API_LOCK();
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, "MPI_Status_set_source", MPI_ERR_ARG, "status is NULL");
    }
    status->MPI_SOURCE = source;
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_set_tag = PMPI_Status_set_tag
int PMPI_Status_set_tag(MPI_Status *status, int tag)
{
    MP_API_LOCK();
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, "MPI_Status_set_tag", MPI_ERR_ARG, "status is NULL");
    }
    status->MPI_TAG = tag;
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_set_error = PMPI_Status_set_error
int PMPI_Status_set_error(MPI_Status *status, int error)
{
    MP_API_LOCK();
    if (status == MPI_STATUS_IGNORE) {
        return mp_api_error(NULL, "MPI_Status_set_error", MPI_ERR_ARG, "status is NULL");
    }
    status->MPI_ERROR = error;
    return MPI_SUCCESS;
}
