/*
 * Intercommunicators: MPI_Intercomm_create and MPI_Intercomm_merge, and the queries on the
 * remote group. Point-to-point on them names ranks of the remote group (core/comm.h).
 */
#include "api/api.h"
#include "comm/comm_create.h"
#include "core/group.h"

/* Checks comm is an intercommunicator. */
static int inter_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc == MPI_SUCCESS && !(*comm_p)->is_inter) {
        rc = mp_api_error(*comm_p, call, MPI_ERR_COMM,
                          "%s is an intracommunicator; this call takes an intercommunicator",
                          (*comm_p)->name);
    }
    return rc;
}

#pragma weak MPI_Comm_remote_size = PMPI_Comm_remote_size
int PMPI_Comm_remote_size(MPI_Comm comm, int *size)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = inter_check("MPI_Comm_remote_size", comm, &c);
    if (rc == MPI_SUCCESS && size == NULL) {
        rc = mp_api_error(c, "MPI_Comm_remote_size", MPI_ERR_ARG, "size is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *size = c->remote_group->size;
    }
    return rc;
}

#pragma weak MPI_Comm_remote_group = PMPI_Comm_remote_group
int PMPI_Comm_remote_group(MPI_Comm comm, MPI_Group *group)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = inter_check("MPI_Comm_remote_group", comm, &c);
    if (rc == MPI_SUCCESS && group == NULL) {
        rc = mp_api_error(c, "MPI_Comm_remote_group", MPI_ERR_ARG, "group is NULL");
    }
    if (rc == MPI_SUCCESS) {
        mp_group_retain(c->remote_group);
        *group = mp_api_group_handle(c->remote_group);
    }
    return rc;
}

/* The arguments only the local leader reads: the peer communicator, remote leader and tag. */
static int check_leader_args(const char *call, mp_comm_t *local, MPI_Comm peer_comm,
                             int remote_leader, int tag, mp_comm_t **peer_p)
{
    int rc = mp_api_comm_check(call, peer_comm, peer_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *peer = *peer_p;
    if (remote_leader < 0 || remote_leader >= mp_comm_peer_size(peer)) {
        return mp_api_error(local, call, MPI_ERR_RANK,
                            "remote_leader %d is out of range 0..%d of peer_comm", remote_leader,
                            mp_comm_peer_size(peer) - 1);
    }
    if (!peer->is_inter && remote_leader == peer->rank) {
        return mp_api_error(local, call, MPI_ERR_RANK,
                            "remote_leader %d is the local leader itself; the two groups must be "
                            "disjoint",
                            remote_leader);
    }
    if (tag < 0 || tag > MP_API_TAG_UB) {
        return mp_api_error(local, call, MPI_ERR_TAG,
                            "tag %d is invalid: tags are 0..%d (MPI_TAG_UB)", tag, MP_API_TAG_UB);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Intercomm_create = PMPI_Intercomm_create
int PMPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm,
                          int remote_leader, int tag, MPI_Comm *newintercomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Intercomm_create";
    mp_comm_t *local = NULL, *peer = NULL, *n = NULL;
    int rc = mp_api_comm_check(call, local_comm, &local);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (local->is_inter) {
        return mp_api_error(local, call, MPI_ERR_COMM,
                            "local_comm is an intercommunicator; pass an intracommunicator");
    }
    if (newintercomm == NULL) {
        return mp_api_error(local, call, MPI_ERR_ARG, "newintercomm is NULL");
    }
    if (local_leader < 0 || local_leader >= local->size) {
        return mp_api_error(local, call, MPI_ERR_RANK,
                            "local_leader %d is out of range 0..%d of local_comm", local_leader,
                            local->size - 1);
    }
    if (local->rank == local_leader) {
        rc = check_leader_args(call, local, peer_comm, remote_leader, tag, &peer);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    mp_status_t st = mp_comm_intercomm_create(local, local_leader, peer, remote_leader, tag, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, local, st);
    }
    mp_api_comm_publish(n, newintercomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Intercomm_merge = PMPI_Intercomm_merge
int PMPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm *newintracomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Intercomm_merge";
    mp_comm_t *c = NULL, *n = NULL;
    int rc = inter_check(call, intercomm, &c);
    if (rc == MPI_SUCCESS && newintracomm == NULL) {
        rc = mp_api_error(c, call, MPI_ERR_ARG, "newintracomm is NULL");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_comm_intercomm_merge(c, high != 0, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    mp_api_comm_publish(n, newintracomm);
    return MPI_SUCCESS;
}

/* ---- from groups (MPI 4; groups from MPI_Comm_group of the world model) ---- */

/* Checks what both *_from_group calls take besides groups. Their errhandler is also the handler
 * of the call's own errors (MPI 4.1, 7.4.2): once it is known to be one, *via holds it. */
static int from_group_common(const char *call, const char *stringtag, MPI_Errhandler errhandler,
                             const MPI_Comm *newcomm, mp_comm_t *via)
{
    if (errhandler == MPI_ERRHANDLER_NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ERRHANDLER,
                            "errhandler is MPI_ERRHANDLER_NULL; pass the new communicator's "
                            "handler, e.g. MPI_ERRORS_RETURN");
    }
    int rc = mp_api_errhandler_check_comm(call, errhandler);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *via = mp_api_errhandler_stand_in(errhandler);
    if (stringtag == NULL) {
        return mp_api_error(via, call, MPI_ERR_ARG,
                            "stringtag is NULL; pass a string naming this creation");
    }
    if (newcomm == NULL) {
        return mp_api_error(via, call, MPI_ERR_ARG, "the output communicator pointer is NULL");
    }
    return MPI_SUCCESS;
}

/* Checks a group that the caller must or must not belong to; errors go to via's handler. */
static int check_group_arg(const mp_comm_t *via, const char *call, MPI_Group group, bool member,
                           const char *what, mp_group_t **g_p)
{
    int rc = mp_api_group_check(via, call, group, g_p);
    if (rc == MPI_SUCCESS && ((*g_p)->rank >= 0) != member) {
        rc = mp_api_error(via, call, MPI_ERR_GROUP,
                          member ? "the calling process is not in %s; only its members call"
                                 : "the calling process is in %s; the groups must be disjoint",
                          what);
    }
    return rc;
}

/* The new communicator derives from the session of the group it was made from. */
static void publish_with(mp_comm_t *n, const mp_group_t *g, MPI_Errhandler errhandler,
                         MPI_Comm *newcomm)
{
    n->errhandler = (uintptr_t)errhandler;
    n->session = g->session;
    mp_api_comm_publish(n, newcomm);
}

#pragma weak MPI_Comm_create_from_group = PMPI_Comm_create_from_group
int PMPI_Comm_create_from_group(MPI_Group group, const char *stringtag, MPI_Info info,
                                MPI_Errhandler errhandler, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    (void)info;
    const char *call = "MPI_Comm_create_from_group";
    mp_group_t *g = NULL;
    mp_comm_t *n = NULL;
    mp_comm_t via;
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS) {
        rc = from_group_common(call, stringtag, errhandler, newcomm, &via);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_group_arg(&via, call, group, true, "group", &g);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_comm_create_from_group(g, stringtag, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, &via, st);
    }
    publish_with(n, g, errhandler, newcomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Intercomm_create_from_groups = PMPI_Intercomm_create_from_groups
int PMPI_Intercomm_create_from_groups(MPI_Group local_group, int local_leader,
                                      MPI_Group remote_group, int remote_leader,
                                      const char *stringtag, MPI_Info info,
                                      MPI_Errhandler errhandler, MPI_Comm *newintercomm)
{
    MP_API_LOCK();
    (void)info;
    const char *call = "MPI_Intercomm_create_from_groups";
    mp_group_t *lg = NULL, *rg = NULL;
    mp_comm_t *n = NULL;
    mp_comm_t via;
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS) {
        rc = from_group_common(call, stringtag, errhandler, newintercomm, &via);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_group_arg(&via, call, local_group, true, "local_group", &lg);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_group_arg(&via, call, remote_group, false, "remote_group", &rg);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (local_leader < 0 || local_leader >= lg->size || remote_leader < 0 ||
        remote_leader >= rg->size) {
        return mp_api_error(&via, call, MPI_ERR_RANK,
                            "local_leader %d or remote_leader %d is out of range 0..%d or 0..%d "
                            "of its group",
                            local_leader, remote_leader, lg->size - 1, rg->size - 1);
    }
    mp_status_t st =
        mp_comm_intercomm_from_groups(lg, local_leader, rg, remote_leader, stringtag, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, &via, st);
    }
    publish_with(n, lg, errhandler, newintercomm);
    return MPI_SUCCESS;
}
