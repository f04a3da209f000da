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
                          (*comm_p)->name[0] != '\0' ? (*comm_p)->name : "the communicator");
    }
    return rc;
}

#pragma weak MPI_Comm_remote_size = PMPI_Comm_remote_size
int PMPI_Comm_remote_size(MPI_Comm comm, int *size)
{
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
