/*
 * Communicators: handle translation (predefined handles are the standard ABI's values, created
 * communicators are their objects' addresses, checked by magic number), queries, names,
 * comparison, and the constructors (dup, split, create) and MPI_Comm_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/coll.h"
#include "api/topo.h"
#include "comm/comm_create.h"
#include "comm/disconnect.h"
#include "core/group.h"
#include "core/info.h"
#include "core/runtime.h"

MPI_Comm mp_api_comm_handle(const mp_comm_t *comm)
{
    /* A stand-in that only carries a handler (mp_api_errhandler_stand_in) is no communicator. */
    if (comm == NULL || comm->magic != MP_COMM_MAGIC) {
        return MPI_COMM_NULL;
    }
    if (comm == &mp_runtime.world) {
        return MPI_COMM_WORLD;
    }
    if (comm == &mp_runtime.self) {
        return MPI_COMM_SELF;
    }
    return (MPI_Comm)(uintptr_t)comm;
}

void mp_api_comm_publish(mp_comm_t *newcomm, MPI_Comm *handle)
{
    if (newcomm != NULL) {
        /* Its members of other jobs stay connected to this process until it is disconnected
         * (or MPI_Finalize parts from them). */
        if (mp_comm_has_other_jobs(newcomm)) {
            mp_comm_connect_note(newcomm);
            mp_api_joined_note(newcomm);
        }
        mp_api_errhandler_retain(newcomm->errhandler);
        if (!newcomm->named) {
            /* What error messages call it ("rank 5 is out of range 0..3 of ..."). */
            snprintf(newcomm->name, sizeof(newcomm->name), "%s",
                     newcomm->is_inter ? "an unnamed intercommunicator"
                                       : "an unnamed communicator");
        }
    }
    *handle = mp_api_comm_handle(newcomm);
}

int mp_api_comm_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *c = mp_api_comm_get(comm);
    if (c == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_COMM,
                            comm == MPI_COMM_NULL ? "MPI_COMM_NULL is not a communicator to use"
                                                  : "invalid communicator handle %p (freed, or "
                                                    "never created); use MPI_COMM_WORLD, "
                                                    "MPI_COMM_SELF or one you created",
                            (void *)comm);
    }
    *comm_p = c;
    return MPI_SUCCESS;
}

int mp_api_comm_failed(const char *call, mp_comm_t *comm, mp_status_t st)
{
    if (st == MP_ERR_AGAIN) {
        return mp_api_error(comm, call, MPI_ERR_OTHER,
                            "no free context id: at most %d communicators may exist at once; "
                            "free the ones you no longer use with MPI_Comm_free",
                            MP_COMM_CTX_PAIRS - 3); /* world, self, ports */
    }
    return mp_api_error(comm, call, mp_api_errclass(st),
                        "cannot build the communicator from %s: %s", comm->name,
                        mp_status_string(st));
}

/* Checks the state and the handle shared by every communicator query, and its output. */
static int comm_lookup(const char *call, MPI_Comm comm, const void *out, mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (out == NULL) {
        return mp_api_error(*comm_p, call, MPI_ERR_ARG, "the output argument is NULL");
    }
    return MPI_SUCCESS;
}

int mp_api_comm_check_intra(const char *call, mp_comm_t *comm)
{
    if (comm->is_inter) {
        return mp_api_error(comm, call, MPI_ERR_COMM,
                            "%s is an intercommunicator; this call takes an intracommunicator",
                            comm->name);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_rank = PMPI_Comm_rank
int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_rank", comm, rank, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *rank = c->rank;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_size = PMPI_Comm_size
int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_size", comm, size, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = c->size;
    return MPI_SUCCESS;
}

/* ---- names ---- */

#pragma weak MPI_Comm_set_name = PMPI_Comm_set_name
int PMPI_Comm_set_name(MPI_Comm comm, const char *comm_name)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_set_name", comm, comm_name, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Longer names are cut to MPI_MAX_OBJECT_NAME - 1 characters, as MPICH does. */
    snprintf(c->name, sizeof(c->name), "%s", comm_name);
    c->named = true;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_get_name = PMPI_Comm_get_name
int PMPI_Comm_get_name(MPI_Comm comm, char *comm_name, int *resultlen)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_get_name", comm, comm_name, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (resultlen == NULL) {
        return mp_api_error(c, "MPI_Comm_get_name", MPI_ERR_ARG, "resultlen is NULL");
    }
    size_t len = c->named ? strnlen(c->name, MPI_MAX_OBJECT_NAME - 1) : 0;
    memcpy(comm_name, c->name, len);
    comm_name[len] = '\0';
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

/* ---- comparison and groups ---- */

/* Names what an object derives from, for the message of mixed_models. */
static const char *derives_from(uintptr_t session)
{
    return session != 0 ? "a session" : "the world model";
}

/* Refuses objects of different sessions, or of a session and the world model, in one call:
 * MPI 4.1, 11.3 forbids mixing them, and their ranks and context ids need not agree. */
static int mixed_models(const char *call, mp_comm_t *comm, uintptr_t session, const char *what)
{
    if (comm->session == session) {
        return MPI_SUCCESS;
    }
    return mp_api_error(
        comm, call, MPI_ERR_ARG,
        "the communicator derives from %s and %s from %s; objects of different "
        "sessions (or of a session and the world model) cannot meet in one call",
        comm->session != 0 && session != 0 ? "one session" : derives_from(comm->session), what,
        comm->session != 0 && session != 0 ? "another" : derives_from(session));
}

#pragma weak MPI_Comm_compare = PMPI_Comm_compare
int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result)
{
    MP_API_LOCK();
    mp_comm_t *a = NULL, *b = NULL;
    int rc = comm_lookup("MPI_Comm_compare", comm1, result, &a);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_comm_check("MPI_Comm_compare", comm2, &b);
    }
    if (rc == MPI_SUCCESS) {
        rc = mixed_models("MPI_Comm_compare", a, b->session, "comm2");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (a == b) {
        *result = MPI_IDENT;
    } else if (a->is_inter != b->is_inter) {
        *result = MPI_UNEQUAL;
    } else if (mp_group_is_ident(a->group, b->group) &&
               (!a->is_inter || mp_group_is_ident(a->remote_group, b->remote_group))) {
        *result = MPI_CONGRUENT;
    } else if (mp_group_is_similar(a->group, b->group) &&
               (!a->is_inter || mp_group_is_similar(a->remote_group, b->remote_group))) {
        *result = MPI_SIMILAR;
    } else {
        *result = MPI_UNEQUAL;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_group = PMPI_Comm_group
int PMPI_Comm_group(MPI_Comm comm, MPI_Group *group)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_group", comm, group, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_group_retain(c->group);
    *group = mp_api_group_handle(c->group);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_test_inter = PMPI_Comm_test_inter
int PMPI_Comm_test_inter(MPI_Comm comm, int *flag)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = comm_lookup("MPI_Comm_test_inter", comm, flag, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *flag = c->is_inter;
    return MPI_SUCCESS;
}

/* ---- constructors ---- */

int mp_api_comm_ctor_check(const char *call, MPI_Comm comm, const MPI_Comm *newcomm,
                           mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc == MPI_SUCCESS && newcomm == NULL) {
        rc = mp_api_error(*comm_p, call, MPI_ERR_ARG,
                          "newcomm is NULL; pass the address of an MPI_Comm");
    }
    return rc;
}

static int dup_common(const char *call, MPI_Comm comm, MPI_Comm *newcomm)
{
    mp_comm_t *c = NULL, *n = NULL;
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_comm_dup(c, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    rc = mp_api_attr_comm_copy_all(call, c, n);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_copy(call, c, n);
    }
    if (rc != MPI_SUCCESS) {
        /* As MPI_Comm_idup does, and as programs that test newcomm expect: no communicator. */
        mp_comm_release(n);
        mp_api_comm_publish(NULL, newcomm);
        return rc;
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_dup = PMPI_Comm_dup
int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    return dup_common("MPI_Comm_dup", comm, newcomm);
}

#pragma weak MPI_Comm_dup_with_info = PMPI_Comm_dup_with_info
int PMPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_dup_with_info";
    /* The new communicator's hints are those of info, not comm's (MPI_INFO_NULL: none, as in
     * MPICH); libmp acts on none but keeps them for MPI_Comm_get_info. */
    struct mp_info *hints = NULL;
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS && info != MPI_INFO_NULL) {
        rc = mp_api_info_check(mp_api_comm_get(comm), call, info, &hints);
    }
    if (rc == MPI_SUCCESS) {
        rc = dup_common(call, comm, newcomm);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *n = mp_api_comm_get(*newcomm);
    mp_api_info_comm_free(n);
    return hints != NULL ? mp_api_info_comm_merge(call, n, hints) : MPI_SUCCESS;
}

/* Where a nonblocking duplication delivers its communicator. */
typedef struct idup_target {
    const char *call;
    mp_comm_t *parent;
    MPI_Comm *newcomm;
    struct mp_info *hints; /* MPI_Comm_idup_with_info: a copy of its info, or NULL */
    bool with_info;        /* the hints replace the parent's */
} idup_target_t;

/* Sets the hints of MPI_Comm_idup_with_info on newcomm, replacing the parent's. */
static void idup_set_hints(const char *call, mp_comm_t *newcomm, const struct mp_info *hints)
{
    mp_api_info_comm_free(newcomm);
    if (hints != NULL) {
        mp_api_info_comm_merge(call, newcomm, hints);
    }
}

static void idup_done(void *arg, mp_comm_t *newcomm, mp_status_t st)
{
    idup_target_t *t = arg;
    if (st == MP_OK && (mp_api_attr_comm_copy_all(t->call, t->parent, newcomm) != MPI_SUCCESS ||
                        mp_api_topo_copy(t->call, t->parent, newcomm) != MPI_SUCCESS)) {
        mp_comm_release(newcomm);
        newcomm = NULL;
    }
    if (newcomm != NULL && t->with_info) {
        idup_set_hints(t->call, newcomm, t->hints);
    }
    if (t->hints != NULL) {
        mp_info_destroy(t->hints);
    }
    mp_api_comm_publish(newcomm, t->newcomm);
    free(t);
}

/* Starts a duplication; with_info: hints (which it frees, whatever the outcome) replace the
 * parent's. */
static int idup_common(const char *call, MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request,
                       bool with_info, struct mp_info *hints)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, &c);
    if (rc == MPI_SUCCESS && request == NULL) {
        rc = mp_api_error(c, call, MPI_ERR_ARG,
                          "request is NULL; pass the address of an "
                          "MPI_Request");
    }
    idup_target_t *t = NULL;
    if (rc == MPI_SUCCESS) {
        t = malloc(sizeof(*t));
        if (t == NULL) {
            rc = mp_api_error(c, call, MPI_ERR_NO_MEM, "out of memory");
        }
    }
    if (t != NULL) {
        *t = (idup_target_t){call, c, newcomm, hints, with_info};
        mp_request_t *req = NULL;
        mp_status_t st = mp_comm_idup(c, idup_done, t, &req);
        if (st == MP_OK) {
            *request = (MPI_Request)req;
            return MPI_SUCCESS; /* idup_done frees the hints */
        }
        free(t);
        rc = mp_api_comm_failed(call, c, st);
    }
    if (hints != NULL) {
        mp_info_destroy(hints);
    }
    return rc;
}

#pragma weak MPI_Comm_idup = PMPI_Comm_idup
int PMPI_Comm_idup(MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request)
{
    MP_API_LOCK();
    return idup_common("MPI_Comm_idup", comm, newcomm, request, false, NULL);
}

#pragma weak MPI_Comm_idup_with_info = PMPI_Comm_idup_with_info
int PMPI_Comm_idup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm, MPI_Request *request)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_idup_with_info";
    /* As in MPI_Comm_dup_with_info; the hints are copied now, as info may be freed before the
     * duplication completes. */
    struct mp_info *given = NULL, *hints = NULL;
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS && info != MPI_INFO_NULL) {
        rc = mp_api_info_check(mp_api_comm_get(comm), call, info, &given);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (given != NULL && mp_info_dup(given, &hints) != MP_OK) {
        return mp_api_error(mp_api_comm_get(comm), call, MPI_ERR_NO_MEM, "out of memory");
    }
    return idup_common(call, comm, newcomm, request, true, hints);
}

#pragma weak MPI_Comm_split = PMPI_Comm_split
int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL, *n = NULL;
    int rc = mp_api_comm_ctor_check("MPI_Comm_split", comm, newcomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (color < 0 && color != MPI_UNDEFINED) {
        return mp_api_error(c, "MPI_Comm_split", MPI_ERR_ARG,
                            "color %d is negative; pass a color >= 0 or MPI_UNDEFINED", color);
    }
    color = color == MPI_UNDEFINED ? -1 : color;
    mp_status_t st =
        c->is_inter ? mp_comm_inter_split(c, color, key, &n) : mp_comm_split(c, color, key, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed("MPI_Comm_split", c, st);
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}

/* Checks that group is a subset of comm's group, and of the same session or world model. */
static int check_subgroup(const char *call, mp_comm_t *comm, const mp_group_t *group)
{
    /* The empty group (MPI_GROUP_EMPTY among them) names no process of either. */
    int rc = group->size > 0 ? mixed_models(call, comm, group->session, "the group") : MPI_SUCCESS;
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    for (int i = 0; i < group->size; i++) {
        if (mp_group_rank_of(comm->group, group->world_ranks[i]) < 0) {
            return mp_api_error(comm, call, MPI_ERR_GROUP,
                                "rank %d of the group (process %d of MPI_COMM_WORLD) is not in "
                                "the communicator; the group must be a subset of its group",
                                i, group->world_ranks[i]);
        }
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_create = PMPI_Comm_create
int PMPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_create";
    mp_comm_t *c = NULL, *n = NULL;
    mp_group_t *g = NULL;
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, &c);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_group_check(c, call, group, &g);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_subgroup(call, c, g);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* On an intercommunicator, each group names its part; the two parts are joined. */
    mp_status_t st = c->is_inter ? mp_comm_inter_split(c, g->rank >= 0 ? 0 : -1, g->rank, &n)
                                 : mp_comm_create_from(c, g, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_create_group = PMPI_Comm_create_group
int PMPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_create_group";
    mp_comm_t *c = NULL, *n = NULL;
    mp_group_t *g = NULL;
    int rc = mp_api_comm_ctor_check(call, comm, newcomm, &c);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_comm_check_intra(call, c);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_group_check(c, call, group, &g);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_subgroup(call, c, g);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (tag < 0 || tag > MP_API_TAG_UB) {
        return mp_api_error(c, call, MPI_ERR_TAG, "tag %d is invalid: tags are 0..%d (MPI_TAG_UB)",
                            tag, MP_API_TAG_UB);
    }
    if (g->rank < 0) {
        return mp_api_error(c, call, MPI_ERR_GROUP,
                            "the calling process is not in the group; only the group's members "
                            "call MPI_Comm_create_group");
    }
    mp_status_t st = mp_comm_create_group(c, g, tag, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, c, st);
    }
    mp_api_comm_publish(n, newcomm);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_free = PMPI_Comm_free
int PMPI_Comm_free(MPI_Comm *comm)
{
    MP_API_LOCK();
    return mp_api_comm_free("MPI_Comm_free", comm, false);
}

int mp_api_comm_free(const char *call, MPI_Comm *comm, bool disconnect)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (comm == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "comm is NULL; pass the address of a handle");
    }
    if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) {
        return mp_api_error(NULL, call, MPI_ERR_COMM,
                            "%s cannot be freed; free only communicators you created",
                            *comm == MPI_COMM_WORLD ? "MPI_COMM_WORLD" : "MPI_COMM_SELF");
    }
    mp_comm_t *c = NULL;
    rc = mp_api_comm_check(call, *comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Delete callbacks see the communicator still whole, and may fail the free. */
    rc = mp_api_attr_comm_delete_all(call, c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Messages in the communicator's own buffer go out before the user may reuse it. */
    mp_api_bsend_comm_free(c);
    if (disconnect && mp_comm_has_other_jobs(c)) {
        /* Members of other jobs may take part by finalizing instead (comm/disconnect.h). */
        mp_status_t st = mp_comm_disconnect(c);
        if (st != MP_OK) {
            return mp_api_comm_failed(call, c, st);
        }
    } else if (disconnect) {
        /* The standard asks that every message on comm was matched already: once all members
         * are here, none is still on its way, so the barrier is all the waiting there is. */
        rc = mp_api_coll_barrier(call, *comm, MP_API_COLL_BLOCKING, NULL);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    mp_api_joined_forget(c);
    mp_api_errhandler_release(c->errhandler);
    mp_comm_release(c);
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}
