/*
 * MPI_Publish_name, MPI_Lookup_name and MPI_Unpublish_name: service names kept by the launcher
 * (libmp's mpirun keeps a table for its job) through the PMIx name service (wireup/).
 */
#include <string.h>

#include "api/api.h"
#include "core/runtime.h" /* the launcher's name service (wireup) */

/* Checks what all three take: a service name, an info, and a port name (NULL: not taken). */
static int check_args(const char *call, const char *service_name, MPI_Info info,
                      const char *port_name, bool port_taken, int bad_service)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (service_name == NULL || service_name[0] == '\0') {
        return mp_api_error(NULL, call, bad_service, "service_name is %s; pass a name",
                            service_name == NULL ? "NULL" : "empty");
    }
    if (strlen(service_name) > MP_WIREUP_NAME_MAX) {
        return mp_api_error(NULL, call, bad_service,
                            "service_name is %zu characters long; libmp takes at most %d",
                            strlen(service_name), MP_WIREUP_NAME_MAX);
    }
    if (info != MPI_INFO_NULL) {
        struct mp_info *obj = NULL;
        rc = mp_api_info_check(NULL, call, info, &obj);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    if (port_taken && port_name == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "port_name is NULL");
    }
    if (port_taken && strnlen(port_name, MPI_MAX_PORT_NAME) == MPI_MAX_PORT_NAME) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "port_name is not a string of fewer than MPI_MAX_PORT_NAME (%d) "
                            "characters",
                            MPI_MAX_PORT_NAME);
    }
    return MPI_SUCCESS;
}

/* The errors every call may meet in the launcher. */
static int launcher_failed(const char *call, const char *service_name, mp_status_t st)
{
    if (st == MP_ERR_UNSUPPORTED) {
        return mp_api_error(NULL, call, MPI_ERR_UNSUPPORTED_OPERATION,
                            "the launcher keeps no service names (\"%.64s\"): libmp's mpirun "
                            "keeps them for jobs on one host; a singleton, Slurm and jobs on "
                            "several hosts have none",
                            service_name);
    }
    return mp_api_error(NULL, call, mp_api_errclass(st),
                        "the launcher's name service failed for "
                        "\"%.64s\": %s",
                        service_name, mp_status_string(st));
}

#pragma weak MPI_Publish_name = PMPI_Publish_name
int PMPI_Publish_name(const char *service_name, MPI_Info info, const char *port_name)
{
    MP_API_LOCK();
    const char *call = "MPI_Publish_name";
    int rc = check_args(call, service_name, info, port_name, true, MPI_ERR_SERVICE);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_wireup_name_publish(service_name, port_name);
    if (st == MP_ERR_EXISTS) {
        return mp_api_error(NULL, call, MPI_ERR_SERVICE,
                            "service \"%.64s\" is published already; its publisher must "
                            "unpublish it first",
                            service_name);
    }
    return st == MP_OK ? MPI_SUCCESS : launcher_failed(call, service_name, st);
}

#pragma weak MPI_Lookup_name = PMPI_Lookup_name
int PMPI_Lookup_name(const char *service_name, MPI_Info info, char *port_name)
{
    MP_API_LOCK();
    const char *call = "MPI_Lookup_name";
    int rc = check_args(call, service_name, info, NULL, false, MPI_ERR_NAME);
    if (rc == MPI_SUCCESS && port_name == NULL) {
        rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                          "port_name is NULL; pass a buffer of MPI_MAX_PORT_NAME characters");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_wireup_name_lookup(service_name, port_name, MPI_MAX_PORT_NAME);
    if (st == MP_ERR_NOT_FOUND) {
        return mp_api_error(NULL, call, MPI_ERR_NAME,
                            "no port is published under service \"%.64s\" (lookup does not "
                            "wait: publish before, e.g. with a barrier between)",
                            service_name);
    }
    return st == MP_OK ? MPI_SUCCESS : launcher_failed(call, service_name, st);
}

#pragma weak MPI_Unpublish_name = PMPI_Unpublish_name
int PMPI_Unpublish_name(const char *service_name, MPI_Info info, const char *port_name)
{
    MP_API_LOCK();
    const char *call = "MPI_Unpublish_name";
    int rc = check_args(call, service_name, info, port_name, true, MPI_ERR_SERVICE);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The launcher withdraws a name by its key alone: the port must match first. */
    char published[MPI_MAX_PORT_NAME];
    mp_status_t st = mp_wireup_name_lookup(service_name, published, sizeof(published));
    if (st == MP_OK && strcmp(published, port_name) != 0) {
        return mp_api_error(NULL, call, MPI_ERR_SERVICE,
                            "service \"%.64s\" is published with port \"%.64s\", not with "
                            "\"%.64s\"",
                            service_name, published, port_name);
    }
    if (st == MP_OK) {
        st = mp_wireup_name_unpublish(service_name);
    }
    if (st == MP_ERR_NOT_FOUND) {
        return mp_api_error(NULL, call, MPI_ERR_SERVICE,
                            "service \"%.64s\" is not published by this process", service_name);
    }
    return st == MP_OK ? MPI_SUCCESS : launcher_failed(call, service_name, st);
}
