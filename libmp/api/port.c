/*
 * MPI_Open_port, MPI_Close_port, MPI_Comm_accept and MPI_Comm_connect between processes of one
 * job, or of the jobs of one mpirun (MPI_Comm_spawn's). A port name says which job, which job rank
 * owns it and its number on that rank; the roots meet through comm/port.h, then both groups build
 * the intercommunicator as MPI_Intercomm_create does, the roots talking on the hidden port
 * communicator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "comm/comm_create.h"
#include "comm/port.h"
#include "core/runtime.h"

#define PORT_PREFIX "libmp-port:"

/* A parsed port name. */
typedef struct port_name {
    int owner;       /* job rank of the process that opened it */
    uint32_t number; /* its number there */
} port_name_t;

/* Parses a decimal number of at most max from *s, leaving *s after it; false if none. */
static bool parse_number(const char **s, unsigned long max, unsigned long *value)
{
    if (**s < '0' || **s > '9') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(*s, &end, 10);
    if (errno != 0 || v > max) {
        return false;
    }
    *s = end;
    *value = v;
    return true;
}

/* Reads "libmp-port:<rank>:<number>:<job id>" of this job or another of its launcher. Otherwise
 * returns MPI_ERR_PORT with the reason in why. */
static int port_parse(const char *name, port_name_t *p, char *why, size_t len)
{
    if (name == NULL) {
        snprintf(why, len, "port_name is NULL; pass a name from MPI_Open_port");
        return MPI_ERR_PORT;
    }
    if (strnlen(name, MPI_MAX_PORT_NAME) == MPI_MAX_PORT_NAME) {
        snprintf(why, len,
                 "port_name is not a string of fewer than MPI_MAX_PORT_NAME (%d) characters",
                 MPI_MAX_PORT_NAME);
        return MPI_ERR_PORT;
    }
    const char *s = name;
    unsigned long owner = 0, number = 0;
    bool ok = strncmp(s, PORT_PREFIX, strlen(PORT_PREFIX)) == 0;
    s += ok ? strlen(PORT_PREFIX) : 0;
    ok = ok && parse_number(&s, INT32_MAX, &owner) && *s++ == ':';
    ok = ok && parse_number(&s, UINT32_MAX, &number) && number != 0 && *s++ == ':';
    if (!ok) {
        snprintf(why, len,
                 "port_name \"%.64s\" is not a port name of libmp (they read "
                 "\"" PORT_PREFIX "RANK:NUMBER:JOB\"); pass a name from MPI_Open_port",
                 name);
        return MPI_ERR_PORT;
    }
    int index = -1;
    mp_status_t st = mp_comm_port_owner(s, owner, &index);
    if (st == MP_ERR_INVALID) {
        snprintf(why, len, "port_name \"%.64s\" names job rank %lu, but the job has ranks 0..%d",
                 name, owner, mp_runtime.size - 1);
        return MPI_ERR_PORT;
    }
    if (st != MP_OK) {
        snprintf(why, len,
                 "port_name \"%.64s\" belongs to job \"%.64s\", which this one (\"%.64s\") "
                 "cannot reach: libmp connects the processes of one mpirun (its first job and "
                 "those MPI_Comm_spawn started) only",
                 name, s, mp_runtime.wireup.job_name);
        return MPI_ERR_PORT;
    }
    p->owner = index;
    p->number = (uint32_t)number;
    return MPI_SUCCESS;
}

/* info is MPI_INFO_NULL or a valid info object (no keys are used). */
static int check_info(const mp_comm_t *comm, const char *call, MPI_Info info)
{
    struct mp_info *obj = NULL;
    return info == MPI_INFO_NULL ? MPI_SUCCESS : mp_api_info_check(comm, call, info, &obj);
}

#pragma weak MPI_Open_port = PMPI_Open_port
int PMPI_Open_port(MPI_Info info, char *port_name)
{
    MP_API_LOCK();
    const char *call = "MPI_Open_port";
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS) {
        rc = check_info(NULL, call, info);
    }
    if (rc == MPI_SUCCESS && port_name == NULL) {
        rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                          "port_name is NULL; pass a buffer of MPI_MAX_PORT_NAME characters");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    uint32_t number = 0;
    mp_status_t st = mp_comm_port_open(&number);
    if (st != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(st), "cannot open a port: %s",
                            mp_status_string(st));
    }
    snprintf(port_name, MPI_MAX_PORT_NAME, PORT_PREFIX "%d:%u:%s", mp_runtime.rank, number,
             mp_runtime.wireup.job_name);
    return MPI_SUCCESS;
}

#pragma weak MPI_Close_port = PMPI_Close_port
int PMPI_Close_port(const char *port_name)
{
    MP_API_LOCK();
    const char *call = "MPI_Close_port";
    port_name_t p;
    char why[400];
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (port_parse(port_name, &p, why, sizeof(why)) != MPI_SUCCESS) {
        return mp_api_error(NULL, call, MPI_ERR_PORT, "%s", why);
    }
    if (p.owner != mp_runtime.rank || mp_comm_port_close(p.number) != MP_OK) {
        return mp_api_error(NULL, call, MPI_ERR_PORT,
                            "port \"%.64s\" is not open on this process (job rank %d): close "
                            "only ports this process opened, once",
                            port_name, mp_runtime.rank);
    }
    return MPI_SUCCESS;
}

/* The arguments every member checks. */
static int check_common(const char *call, MPI_Info info, int root, MPI_Comm comm,
                        const MPI_Comm *newcomm, mp_comm_t **c_p)
{
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, c_p);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_comm_check_intra(call, *c_p);
    }
    if (rc == MPI_SUCCESS && (root < 0 || root >= (*c_p)->size)) {
        rc = mp_api_error(*c_p, call, MPI_ERR_ROOT,
                          "root %d is out of range: it must be a rank of %s, 0..%d, the same on "
                          "every member",
                          root, (*c_p)->name, (*c_p)->size - 1);
    }
    if (rc == MPI_SUCCESS && (*c_p)->rank == root) {
        rc = check_info(*c_p, call, info);
    }
    return rc;
}

/* What the root found, for every member: the outcome (an MPI error class) and, on success, the
 * remote root's job rank and the connection's tag (read by the root only). */
typedef struct meeting {
    int errclass;
    int peer;
    int tag;
    char why[400]; /* the root's reason on failure */
} meeting_t;

/* Accept's root: the port must be one of its own, open. */
static void root_accept(const char *port_name, meeting_t *m)
{
    port_name_t p;
    m->errclass = port_parse(port_name, &p, m->why, sizeof(m->why));
    if (m->errclass != MPI_SUCCESS) {
        return;
    }
    if (p.owner != mp_runtime.rank || !mp_comm_port_is_open(p.number)) {
        m->errclass = MPI_ERR_PORT;
        snprintf(m->why, sizeof(m->why),
                 "port \"%.64s\" is not open on the root (job rank %d): accept on a port the "
                 "root opened with MPI_Open_port and has not closed",
                 port_name, mp_runtime.rank);
        return;
    }
    mp_status_t st = mp_comm_port_accept(p.number, &m->peer, &m->tag);
    if (st != MP_OK) {
        m->errclass = MPI_ERR_PORT;
        snprintf(m->why, sizeof(m->why), "port \"%.64s\" was closed while the root waited",
                 port_name);
    }
}

/* Connect's root: the owner must accept. */
static void root_connect(const char *port_name, meeting_t *m)
{
    port_name_t p;
    m->errclass = port_parse(port_name, &p, m->why, sizeof(m->why));
    if (m->errclass != MPI_SUCCESS) {
        return;
    }
    if (p.owner == mp_runtime.rank) {
        m->errclass = MPI_ERR_PORT;
        snprintf(m->why, sizeof(m->why),
                 "port \"%.64s\" belongs to the connecting root itself; accept and connect "
                 "must be called by disjoint groups",
                 port_name);
        return;
    }
    mp_status_t st = mp_comm_port_connect(p.owner, p.number, &m->tag);
    if (st == MP_ERR_NOT_FOUND) {
        m->errclass = MPI_ERR_PORT;
        snprintf(m->why, sizeof(m->why),
                 "port \"%.64s\" is not open: job rank %d closed it or never opened it", port_name,
                 p.owner);
        return;
    }
    if (st != MP_OK) {
        m->errclass = mp_api_errclass(st);
        snprintf(m->why, sizeof(m->why), "cannot reach job rank %d: %s", p.owner,
                 mp_status_string(st));
        return;
    }
    m->peer = p.owner;
}

/* Both calls after the root's part: every member learns the outcome, then all build the
 * intercommunicator. */
static int meet(const char *call, mp_comm_t *c, int root, meeting_t *m, MPI_Comm *newcomm)
{
    int rc = PMPI_Bcast(&m->errclass, 1, MPI_INT, root, mp_api_comm_handle(c));
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (m->errclass != MPI_SUCCESS) {
        *newcomm = MPI_COMM_NULL;
        if (c->rank == root) {
            return mp_api_error(c, call, m->errclass, "%s", m->why);
        }
        return mp_api_error(c, call, m->errclass, "the root (rank %d of %s) failed with %s", root,
                            c->name, mp_api_errclass_name(m->errclass));
    }
    mp_comm_t *peer = NULL;
    int remote = 0, tag = 0;
    mp_status_t st = MP_OK;
    if (c->rank == root) {
        st = mp_comm_port_route(m->peer, m->tag, &peer, &remote, &tag);
    }
    mp_comm_t *n = NULL;
    if (st == MP_OK) {
        st = mp_comm_intercomm_create(c, root, peer, remote, tag, &n);
    }
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_accept = PMPI_Comm_accept
int PMPI_Comm_accept(const char *port_name, MPI_Info info, int root, MPI_Comm comm,
                     MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_accept";
    mp_comm_t *c = NULL;
    int rc = check_common(call, info, root, comm, newcomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    meeting_t m = {.errclass = MPI_SUCCESS};
    if (c->rank == root) {
        root_accept(port_name, &m);
    }
    return meet(call, c, root, &m, newcomm);
}

#pragma weak MPI_Comm_connect = PMPI_Comm_connect
int PMPI_Comm_connect(const char *port_name, MPI_Info info, int root, MPI_Comm comm,
                      MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_connect";
    mp_comm_t *c = NULL;
    int rc = check_common(call, info, root, comm, newcomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    meeting_t m = {.errclass = MPI_SUCCESS};
    if (c->rank == root) {
        root_connect(port_name, &m);
    }
    return meet(call, c, root, &m, newcomm);
}
