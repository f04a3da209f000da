/*
 * MPI_Comm_disconnect across jobs and MPI_Finalize's farewell (disconnect.h): counts of the
 * communicators built and disconnected with each member of a communicator that joins jobs, the DISC
 * exchange of a disconnect, and the BYE round of MPI_Finalize.
 */
#include "comm/disconnect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/group.h"
#include "core/log.h"
#include "core/runtime.h"
#include "pt2pt/leave.h"
#include "pt2pt/progress.h"
#include "util/grow.h"

/* Per peer index, for the communicators that join processes of several jobs (a member of this
 * job too may finalize while this process disconnects such a communicator). */
typedef struct connection {
    uint64_t built;        /* communicators with it, built (both sides count the same ones) */
    uint64_t disconnected; /* of those, disconnected by this process */
} connection_t;

static connection_t *conns;
static size_t nconns;

static bool is_other_job(int peer)
{
    return peer >= mp_runtime.size;
}

/* The entry of peer, grown to it; NULL when out of memory. */
static connection_t *conn_of(int peer)
{
    connection_t *grown = mp_grow_to(conns, &nconns, (size_t)peer, sizeof(*conns));
    if (grown == NULL) {
        return NULL;
    }
    conns = grown;
    return &conns[peer];
}

/* Calls fn(peer, arg) for each member of comm's groups but this process. */
static void for_members(const mp_comm_t *comm, void (*fn)(int peer, void *arg), void *arg)
{
    const mp_group_t *groups[2] = {comm->group, comm->remote_group};
    for (int g = 0; g < 2; g++) {
        if (groups[g] == NULL) {
            continue;
        }
        for (int r = 0; r < groups[g]->size; r++) {
            int peer = groups[g]->world_ranks[r];
            if (peer != mp_runtime.rank) {
                fn(peer, arg);
            }
        }
    }
}

static void note_member(int peer, void *arg)
{
    (void)arg;
    connection_t *c = conn_of(peer);
    if (c == NULL) {
        /* Only the wait for this peer at MPI_Finalize is lost: it may leave before it. */
        mp_log_error("out of memory counting the communicators with process %d", peer);
        return;
    }
    c->built++;
}

void mp_comm_connect_note(const mp_comm_t *comm)
{
    if (comm != NULL && mp_comm_has_other_jobs(comm)) {
        for_members(comm, note_member, NULL);
    }
}

static void find_other(int peer, void *arg)
{
    if (is_other_job(peer)) {
        *(bool *)arg = true;
    }
}

bool mp_comm_has_other_jobs(const mp_comm_t *comm)
{
    bool found = false;
    for_members(comm, find_other, &found);
    return found;
}

/* ---- MPI_Comm_disconnect ---- */

typedef struct disc_round {
    const mp_comm_t *comm;
    mp_status_t status; /* the first failed send */
    int *waiting;       /* members whose DISC (or BYE) has not come yet */
    int nwaiting;
} disc_round_t;

static void tell_member(int peer, void *arg)
{
    disc_round_t *d = arg;
    uint64_t total = 0;
    connection_t *c = conn_of(peer);
    if (c != NULL) {
        total = ++c->disconnected;
    }
    /* Also to a member that said BYE: a process that finalizes waits for the DISCs of a
     * disconnect it takes part in by its BYE, until the totals reach what they built. */
    mp_status_t st = mp_pt2pt_leave_disc_send(peer, d->comm->context_id, total);
    if (st != MP_OK && !mp_pt2pt_leave_is_gone(peer) && d->status == MP_OK) {
        d->status = st;
    }
    d->waiting[d->nwaiting++] = peer;
}

static bool all_arrived(void *arg)
{
    disc_round_t *d = arg;
    for (int i = 0; i < d->nwaiting;) {
        int peer = d->waiting[i];
        if (mp_pt2pt_leave_disc_take(peer, d->comm->context_id) || mp_pt2pt_leave_is_gone(peer)) {
            d->waiting[i] = d->waiting[--d->nwaiting];
        } else {
            i++;
        }
    }
    return d->nwaiting == 0;
}

mp_status_t mp_comm_disconnect(const mp_comm_t *comm)
{
    int members = comm->group->size + (comm->remote_group != NULL ? comm->remote_group->size : 0);
    disc_round_t d = {.comm = comm, .status = MP_OK};
    d.waiting = malloc(sizeof(int) * (size_t)members);
    if (d.waiting == NULL) {
        return MP_ERR_NOMEM;
    }
    for_members(comm, tell_member, &d);
    if (d.status == MP_OK) {
        mp_progress_wait(all_arrived, &d);
    }
    free(d.waiting);
    return d.status;
}

/* ---- MPI_Finalize ---- */

static bool still_connected(size_t i)
{
    return conns[i].built > conns[i].disconnected;
}

/* Whether every process connected to this one is done with it: it said BYE (or is gone), or
 * disconnected every communicator built with this one. */
static bool all_done(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < nconns; i++) {
        int peer = (int)i;
        if (conns[i].built > 0 && !mp_pt2pt_leave_is_gone(peer) &&
            mp_pt2pt_leave_disc_total(peer) < conns[i].built) {
            return false;
        }
    }
    return true;
}

mp_status_t mp_comm_farewell(void)
{
    mp_status_t status = MP_OK;
    for (size_t i = 0; i < nconns; i++) {
        int peer = (int)i;
        if (still_connected(i)) {
            mp_status_t st = mp_pt2pt_leave_bye_send(peer);
            if (st != MP_OK && !mp_pt2pt_leave_is_gone(peer) && status == MP_OK) {
                status = st;
            }
        }
    }
    mp_progress_wait(all_done, NULL);
    return status;
}

void mp_comm_disconnect_fini(void)
{
    free(conns);
    conns = NULL;
    nconns = 0;
}
