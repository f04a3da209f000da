/*
 * The meeting of a spawning communicator and the job it spawned: every member makes itself
 * reachable by other jobs first (tcp and its card), so that no process of either side can be
 * contacted before it can answer; then the roots meet on a one-to-one link and the
 * intercommunicator is built over it.
 */
#include "comm/dynamic.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "comm/comm_create.h"
#include "core/datatype.h"
#include "core/group.h"
#include "core/runtime.h"
#include "pt2pt/pt2pt.h"
#include "wireup/procs.h"

/* The links made so far, by peer index minus the job's size (processes of other jobs). */
static mp_comm_t **links;
static int nlinks;

/* A one-to-one intercommunicator between this process and peer index, on the reserved link
 * context; marked predefined, so that the references requests take never destroy it. */
static mp_status_t link_create(int peer, mp_comm_t **link_p)
{
    mp_group_t *me = NULL, *other = NULL;
    mp_status_t st = mp_group_create(1, &me);
    if (st == MP_OK) {
        st = mp_group_create(1, &other);
    }
    if (st == MP_OK) {
        me->world_ranks[0] = mp_runtime.rank;
        mp_group_seal(me);
        other->world_ranks[0] = peer;
        mp_group_seal(other);
        st = mp_comm_create(me, other, MP_COMM_CTX_LINK, link_p);
    }
    mp_group_release(me);
    mp_group_release(other);
    if (st == MP_OK) {
        (*link_p)->predefined = true;
        snprintf((*link_p)->name, sizeof((*link_p)->name), "libmp's link to another job");
    }
    return st;
}

mp_status_t mp_comm_link_get(int peer, mp_comm_t **link_p)
{
    int i = peer - mp_runtime.size;
    if (i < 0 || i >= MP_WIREUP_FOREIGN_MAX) {
        return MP_ERR_INVALID;
    }
    if (i >= nlinks) {
        mp_comm_t **grown = realloc(links, sizeof(*links) * (size_t)(i + 1));
        if (grown == NULL) {
            return MP_ERR_NOMEM;
        }
        for (int k = nlinks; k <= i; k++) {
            grown[k] = NULL;
        }
        links = grown;
        nlinks = i + 1;
    }
    if (links[i] == NULL) {
        mp_status_t st = link_create(peer, &links[i]);
        if (st != MP_OK) {
            return st;
        }
    }
    *link_p = links[i];
    return MP_OK;
}

void mp_comm_dynamic_fini(void)
{
    for (int i = 0; i < nlinks; i++) {
        if (links[i] != NULL) {
            mp_group_release(links[i]->group);
            mp_group_release(links[i]->remote_group);
            free(links[i]);
        }
    }
    free(links);
    links = NULL;
    nlinks = 0;
}

/* The tag on the link: the spawned job's number, so that a process that spawned several jobs
 * (or spawned one and was spawned by another) keeps their meetings apart. */
static int link_tag(uint32_t job)
{
    return (int)(MP_COMM_LINK_TAG_SPAWN | (job & (MP_COMM_LINK_TAG_SPAWN - 1)));
}

/* The spawned job's root says it is ready (it published its card): the spawning root waits
 * for that before it sends anything, since the launcher answers the spawn as soon as the
 * processes are started, long before they reach MPI_Init. The message also brings the
 * connection that the spawning root then answers on. */
static mp_status_t ready_signal(mp_comm_t *link, int tag, bool send)
{
    mp_request_t *req = NULL;
    const mp_datatype_t *byte = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    mp_status_t st = send ? mp_pt2pt_isend(NULL, 0, byte, 0, tag, link, MP_SEND_STANDARD, &req)
                          : mp_pt2pt_irecv(NULL, 0, byte, 0, tag, link, &req);
    if (st != MP_OK) {
        return st;
    }
    mp_request_wait(req);
    st = req->status.error;
    mp_request_free(req);
    return st;
}

static mp_status_t meet(mp_comm_t *comm, int root, uint64_t peer, uint32_t job, bool spawned,
                        mp_comm_t **inter_p)
{
    *inter_p = NULL;
    mp_status_t st = mp_pt2pt_dynamic_enable();
    mp_comm_t *link = NULL;
    int index = -1;
    if (st == MP_OK && comm->rank == root) {
        st = mp_wireup_proc_index(peer, &index);
        if (st == MP_OK) {
            st = mp_comm_link_get(index, &link);
        }
        if (st == MP_OK) {
            st = ready_signal(link, link_tag(job), spawned);
        }
    }
    if (st == MP_OK) {
        st = mp_comm_intercomm_create(comm, root, link, 0, link_tag(job), inter_p);
    }
    return st;
}

mp_status_t mp_comm_spawn_start(const mp_wireup_app_t *apps, int napps, uint32_t *job_p)
{
    /* The children's root contacts this process as soon as they have started. */
    mp_status_t st = mp_pt2pt_dynamic_enable();
    return st == MP_OK ? mp_wireup_spawn(apps, napps, job_p) : st;
}

mp_status_t mp_comm_spawn_connect(mp_comm_t *comm, int root, uint32_t job, mp_comm_t **inter_p)
{
    return meet(comm, root, mp_wireup_gid_make(job, 0), job, false, inter_p);
}

mp_status_t mp_comm_parent_connect(mp_comm_t *world, uint64_t parent, mp_comm_t **inter_p)
{
    return meet(world, 0, parent, mp_wireup_job_number(), true, inter_p);
}
