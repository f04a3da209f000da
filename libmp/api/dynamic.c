/*
 * Process management as a spawned program sees it: MPI_Init of a job that MPI_Comm_spawn
 * started meets its parents (comm/dynamic.h), and MPI_Comm_get_parent returns that
 * intercommunicator until the program frees or disconnects it; in a job nobody spawned it is
 * MPI_COMM_NULL. MPI_Comm_disconnect works on any communicator the program made.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "comm/comm_create.h"
#include "comm/dynamic.h"
#include "core/runtime.h"

/* The parent intercommunicator; this module holds a reference of its own, so that a freed
 * one can be told from a live one. */
static mp_comm_t *parent;

int mp_api_parent_start(const char *call)
{
    if (!mp_runtime.has_parent) {
        return MPI_SUCCESS;
    }
    mp_comm_t *n = NULL;
    mp_status_t st = mp_comm_parent_connect(&mp_runtime.world, mp_runtime.parent, &n);
    if (st != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(st),
                            "cannot meet the processes that spawned this job: %s",
                            mp_status_string(st));
    }
    snprintf(n->name, sizeof(n->name), "MPI_COMM_PARENT");
    n->named = true;
    MPI_Comm handle;
    mp_api_comm_publish(n, &handle);
    mp_comm_retain(n);
    parent = n;
    return MPI_SUCCESS;
}

void mp_api_parent_fini(void)
{
    if (parent == NULL) {
        return;
    }
    if (!parent->freed) {
        /* Never disconnected: MPI_Finalize drops it. */
        mp_api_errhandler_release(parent->errhandler);
        mp_comm_release(parent);
    }
    mp_comm_unref(parent);
    parent = NULL;
}

/* The program's communicators that join processes of several jobs, while it holds them:
 * MPI_Finalize disconnects (and so frees) those it kept. */
static mp_comm_t **joined;
static size_t njoined, joined_cap;

void mp_api_joined_note(mp_comm_t *comm)
{
    if (njoined == joined_cap) {
        size_t n = joined_cap == 0 ? 8 : 2 * joined_cap;
        mp_comm_t **grown = realloc(joined, n * sizeof(*joined));
        if (grown == NULL) {
            /* Only the memory of this communicator is lost, should the program keep it. */
            return;
        }
        joined = grown;
        joined_cap = n;
    }
    joined[njoined++] = comm;
}

void mp_api_joined_forget(const mp_comm_t *comm)
{
    for (size_t i = 0; i < njoined; i++) {
        if (joined[i] == comm) {
            joined[i] = joined[--njoined];
            return;
        }
    }
}

void mp_api_joined_fini(void)
{
    for (size_t i = 0; i < njoined; i++) {
        mp_comm_t *c = joined[i];
        if (!c->freed) {
            mp_api_attr_comm_delete_all("MPI_Finalize", c);
            mp_api_errhandler_release(c->errhandler);
            mp_comm_release(c);
        }
    }
    free(joined);
    joined = NULL;
    njoined = joined_cap = 0;
}

#pragma weak MPI_Comm_get_parent = PMPI_Comm_get_parent
int PMPI_Comm_get_parent(MPI_Comm *parent_p)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Comm_get_parent";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (parent_p == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "parent is NULL");
    }
    *parent_p = parent != NULL && !parent->freed ? mp_api_comm_handle(parent) : MPI_COMM_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_disconnect = PMPI_Comm_disconnect
int PMPI_Comm_disconnect(MPI_Comm *comm)
{
    MP_API_LOCK();
    return mp_api_comm_free("MPI_Comm_disconnect", comm, true);
}
