/*
 * MPI_Win_* for window objects: the four ways to create one, MPI_Win_free, shared-memory
 * queries, dynamic attach and detach, the group, name and hints of a window, and the window
 * handle's checks shared by the one-sided calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/group.h"
#include "core/info.h"

mp_win_t *mp_api_win_get(MPI_Win win)
{
    if ((uintptr_t)win < MP_API_HANDLE_RESERVED || (uintptr_t)win % _Alignof(mp_win_t) != 0) {
        return NULL;
    }
    return mp_rma_win_lookup((const void *)win);
}

int mp_api_win_check(const char *call, MPI_Win win, mp_win_t **win_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_win_t *w = mp_api_win_get(win);
    if (w == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_WIN,
                            win == MPI_WIN_NULL ? "MPI_WIN_NULL is not a window to use"
                                                : "invalid window handle %p; it may have been "
                                                  "freed already",
                            (void *)win);
    }
    *win_p = w;
    return MPI_SUCCESS;
}

MPI_Win mp_api_win_handle(const mp_win_t *win)
{
    return win != NULL ? (MPI_Win)(uintptr_t)win : MPI_WIN_NULL;
}

void *mp_api_win_predefined_attr(mp_win_t *win, int keyval)
{
    switch (keyval) {
    case MPI_WIN_BASE:
        return win->base; /* the base itself, not a pointer to it (MPI 4.1 12.2.6) */
    case MPI_WIN_SIZE:
        return &win->attr_size;
    case MPI_WIN_DISP_UNIT:
        return &win->attr_disp_unit;
    case MPI_WIN_CREATE_FLAVOR:
        return &win->attr_flavor;
    case MPI_WIN_MODEL:
        return &win->attr_model;
    default:
        return NULL;
    }
}

/* ---- Creation ---- */

static const int flavor_values[] = {
    [MP_WIN_CREATE] = MPI_WIN_FLAVOR_CREATE,
    [MP_WIN_ALLOCATE] = MPI_WIN_FLAVOR_ALLOCATE,
    [MP_WIN_DYNAMIC] = MPI_WIN_FLAVOR_DYNAMIC,
    [MP_WIN_SHARED] = MPI_WIN_FLAVOR_SHARED,
};

/* The hints a window uses: the program's, and libmp's values for the standard's other keys. */
static mp_status_t hints_make(const mp_info_t *given, mp_win_flavor_t flavor, mp_info_t **info_p)
{
    static const char *const defaults[][2] = {
        {"no_locks", "false"},
        {"accumulate_ordering", "rar,raw,war,waw"},
        {"accumulate_ops", "same_op_no_op"},
        {"same_size", "false"},
        {"same_disp_unit", "false"},
    };
    mp_info_t *info = NULL;
    mp_status_t st = given != NULL ? mp_info_dup(given, &info) : mp_info_create(&info);
    for (size_t i = 0; st == MP_OK && i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (mp_info_get(info, defaults[i][0]) == NULL) {
            st = mp_info_set(info, defaults[i][0], defaults[i][1]);
        }
    }
    if (st == MP_OK && flavor == MP_WIN_SHARED) {
        /* The parts are contiguous across ranks whatever the program asked: say so. */
        st = mp_info_set(info, "alloc_shared_noncontig", "false");
    }
    if (st != MP_OK) {
        if (info != NULL) {
            mp_info_destroy(info);
        }
        return st;
    }
    *info_p = info;
    return MP_OK;
}

typedef struct create_args {
    const char *call;
    mp_win_flavor_t flavor;
    void *base;
    MPI_Aint size;
    MPI_Aint disp_unit;
    MPI_Info info;
    MPI_Comm comm;
    void *baseptr; /* allocate, allocate_shared: where the base address goes */
    MPI_Win *win;
} create_args_t;

static int create_check(const create_args_t *a, mp_comm_t **comm_p, mp_info_t **info_p)
{
    int rc = mp_api_comm_check(a->call, a->comm, comm_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_comm_t *c = *comm_p;
    if (c->is_inter) {
        return mp_api_error(c, a->call, MPI_ERR_COMM,
                            "%s is an intercommunicator; windows are made over intracommunicators",
                            c->name);
    }
    if (a->size < 0) {
        return mp_api_error(c, a->call, MPI_ERR_SIZE, "size %ld is negative", (long)a->size);
    }
    if (a->disp_unit <= 0) {
        return mp_api_error(c, a->call, MPI_ERR_DISP,
                            "disp_unit %ld is not positive; use 1 for bytes or the size of the "
                            "window's elements",
                            (long)a->disp_unit);
    }
    if (a->win == NULL) {
        return mp_api_error(c, a->call, MPI_ERR_ARG, "win is NULL");
    }
    if ((a->flavor == MP_WIN_ALLOCATE || a->flavor == MP_WIN_SHARED) && a->baseptr == NULL) {
        return mp_api_error(c, a->call, MPI_ERR_ARG, "baseptr is NULL");
    }
    *info_p = NULL;
    if (a->info != MPI_INFO_NULL) {
        return mp_api_info_check(c, a->call, a->info, info_p);
    }
    return MPI_SUCCESS;
}

static int win_new(const create_args_t *a)
{
    mp_comm_t *c = NULL;
    mp_info_t *given = NULL;
    int rc = create_check(a, &c, &given);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_win_t *w = NULL;
    mp_status_t st =
        mp_rma_win_create(c, a->flavor, a->base, (size_t)a->size, (size_t)a->disp_unit, &w);
    if (st == MP_ERR_INVALID) {
        return mp_api_error(c, a->call, MPI_ERR_RMA_SHARED,
                            "the ranks of %s run on more than one node; shared-memory windows "
                            "need a communicator of one node (MPI_Comm_split_type with "
                            "MPI_COMM_TYPE_SHARED)",
                            c->name);
    }
    if (st != MP_OK) {
        return mp_api_error(c, a->call, mp_api_errclass(st), "cannot create the window: %s",
                            mp_status_string(st));
    }
    mp_info_t *hints = NULL;
    if (hints_make(given, a->flavor, &hints) != MP_OK) {
        mp_rma_win_free(w);
        return mp_api_error(c, a->call, MPI_ERR_NO_MEM, "no memory for the window's hints");
    }
    w->info = hints;
    w->attr_size = (intptr_t)w->size;
    w->attr_disp_unit = (int)w->disp_unit;
    w->attr_flavor = flavor_values[a->flavor];
    w->attr_model = MPI_WIN_UNIFIED; /* RMA lands in the very memory the program reads */
    if (a->baseptr != NULL) {
        *(void **)a->baseptr = w->base;
    }
    *a->win = mp_api_win_handle(w);
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_create = PMPI_Win_create
int PMPI_Win_create(void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                    MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {
        "MPI_Win_create", MP_WIN_CREATE, base, size, disp_unit, info, comm, NULL, win};
    return win_new(&a);
}

#pragma weak MPI_Win_create_c = PMPI_Win_create_c
int PMPI_Win_create_c(void *base, MPI_Aint size, MPI_Aint disp_unit, MPI_Info info, MPI_Comm comm,
                      MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {
        "MPI_Win_create_c", MP_WIN_CREATE, base, size, disp_unit, info, comm, NULL, win};
    return win_new(&a);
}

#pragma weak MPI_Win_allocate = PMPI_Win_allocate
int PMPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr,
                      MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {
        "MPI_Win_allocate", MP_WIN_ALLOCATE, NULL, size, disp_unit, info, comm, baseptr, win};
    return win_new(&a);
}

#pragma weak MPI_Win_allocate_c = PMPI_Win_allocate_c
int PMPI_Win_allocate_c(MPI_Aint size, MPI_Aint disp_unit, MPI_Info info, MPI_Comm comm,
                        void *baseptr, MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {
        "MPI_Win_allocate_c", MP_WIN_ALLOCATE, NULL, size, disp_unit, info, comm, baseptr, win};
    return win_new(&a);
}

#pragma weak MPI_Win_allocate_shared = PMPI_Win_allocate_shared
int PMPI_Win_allocate_shared(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                             void *baseptr, MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {
        "MPI_Win_allocate_shared", MP_WIN_SHARED, NULL, size, disp_unit, info, comm, baseptr, win};
    return win_new(&a);
}

#pragma weak MPI_Win_allocate_shared_c = PMPI_Win_allocate_shared_c
int PMPI_Win_allocate_shared_c(MPI_Aint size, MPI_Aint disp_unit, MPI_Info info, MPI_Comm comm,
                               void *baseptr, MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {"MPI_Win_allocate_shared_c",
                       MP_WIN_SHARED,
                       NULL,
                       size,
                       disp_unit,
                       info,
                       comm,
                       baseptr,
                       win};
    return win_new(&a);
}

#pragma weak MPI_Win_create_dynamic = PMPI_Win_create_dynamic
int PMPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win *win)
{
    MP_API_LOCK();
    create_args_t a = {"MPI_Win_create_dynamic", MP_WIN_DYNAMIC, NULL, 0, 1, info, comm, NULL, win};
    return win_new(&a);
}

/* ---- Free ---- */

#pragma weak MPI_Win_free = PMPI_Win_free
int PMPI_Win_free(MPI_Win *win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_free";
    if (win == NULL) {
        int rc = mp_api_check_ready(call);
        return rc != MPI_SUCCESS ? rc : mp_api_error(NULL, call, MPI_ERR_ARG, "win is NULL");
    }
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, *win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (w->access_open || w->exposure_open || w->nlocks > 0) {
        return mp_api_error(w->comm, call, MPI_ERR_RMA_SYNC,
                            "an epoch is still open on %s (%s); close it first", w->name,
                            w->access_open     ? "MPI_Win_start without MPI_Win_complete"
                            : w->exposure_open ? "MPI_Win_post without MPI_Win_wait"
                                               : "a lock without its unlock");
    }
    rc = mp_api_attr_win_delete_all(call, w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_errhandler_release(w->comm->errhandler);
    w->comm->errhandler = 0;
    mp_info_destroy(w->info);
    w->info = NULL;
    mp_status_t st = mp_rma_win_free(w);
    *win = MPI_WIN_NULL;
    if (st != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(st), "freeing the window failed: %s",
                            mp_status_string(st));
    }
    return MPI_SUCCESS;
}

/* ---- Shared memory ---- */

static int shared_query(const char *call, MPI_Win win, int rank, MPI_Aint *size,
                        MPI_Aint *disp_unit, void *baseptr)
{
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (w->flavor == MP_WIN_DYNAMIC) {
        return mp_api_error(w->comm, call, MPI_ERR_RMA_FLAVOR,
                            "%s is a dynamic window; its memory cannot be queried", w->name);
    }
    int n = w->comm->size;
    if (rank != MPI_PROC_NULL && (rank < 0 || rank >= n)) {
        return mp_api_error(w->comm, call, MPI_ERR_RANK,
                            "rank %d is not in the window's group of %d ranks", rank, n);
    }
    if (size == NULL || disp_unit == NULL || baseptr == NULL) {
        return mp_api_error(w->comm, call, MPI_ERR_ARG, "size, disp_unit or baseptr is NULL");
    }
    /* MPI 4.1: any flavor but dynamic. A rank whose memory this process cannot load and store
     * reports size 0 and NULL; MPI_PROC_NULL stands for the first rank with memory here. */
    void *base = NULL;
    size_t bytes = 0;
    if (rank == MPI_PROC_NULL) {
        for (int r = 0; r < n && base == NULL; r++) {
            base = mp_rma_win_query(w, r, &bytes);
            rank = r;
        }
    } else {
        base = mp_rma_win_query(w, rank, &bytes);
    }
    *size = (MPI_Aint)(base != NULL ? bytes : 0);
    *disp_unit = (MPI_Aint)w->peers[rank >= 0 && rank < n ? rank : 0].disp_unit;
    *(void **)baseptr = base;
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_shared_query = PMPI_Win_shared_query
int PMPI_Win_shared_query(MPI_Win win, int rank, MPI_Aint *size, int *disp_unit, void *baseptr)
{
    MP_API_LOCK();
    MPI_Aint du = 0;
    int rc = shared_query("MPI_Win_shared_query", win, rank, size, disp_unit != NULL ? &du : NULL,
                          baseptr);
    if (rc == MPI_SUCCESS) {
        *disp_unit = (int)du;
    }
    return rc;
}

#pragma weak MPI_Win_shared_query_c = PMPI_Win_shared_query_c
int PMPI_Win_shared_query_c(MPI_Win win, int rank, MPI_Aint *size, MPI_Aint *disp_unit,
                            void *baseptr)
{
    MP_API_LOCK();
    return shared_query("MPI_Win_shared_query_c", win, rank, size, disp_unit, baseptr);
}

/* ---- Dynamic windows ---- */

static int dynamic_check(const char *call, MPI_Win win, mp_win_t **w_p)
{
    int rc = mp_api_win_check(call, win, w_p);
    if (rc == MPI_SUCCESS && (*w_p)->flavor != MP_WIN_DYNAMIC) {
        return mp_api_error((*w_p)->comm, call, MPI_ERR_RMA_FLAVOR,
                            "%s was not made by MPI_Win_create_dynamic", (*w_p)->name);
    }
    return rc;
}

#pragma weak MPI_Win_attach = PMPI_Win_attach
int PMPI_Win_attach(MPI_Win win, void *base, MPI_Aint size)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = dynamic_check("MPI_Win_attach", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (size < 0) {
        return mp_api_error(w->comm, "MPI_Win_attach", MPI_ERR_SIZE, "size %ld is negative",
                            (long)size);
    }
    if (base == NULL && size > 0) {
        return mp_api_error(w->comm, "MPI_Win_attach", MPI_ERR_ARG, "base is NULL");
    }
    mp_status_t st = mp_rma_win_attach(w, base, (size_t)size);
    if (st == MP_ERR_INVALID) {
        return mp_api_error(w->comm, "MPI_Win_attach", MPI_ERR_RMA_ATTACH,
                            "memory at %p (%ld bytes) overlaps memory attached before", base,
                            (long)size);
    }
    if (st != MP_OK) {
        return mp_api_error(w->comm, "MPI_Win_attach", MPI_ERR_NO_MEM, "no memory for a region");
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_detach = PMPI_Win_detach
int PMPI_Win_detach(MPI_Win win, const void *base)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = dynamic_check("MPI_Win_detach", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_rma_win_detach(w, base) != MP_OK) {
        return mp_api_error(w->comm, "MPI_Win_detach", MPI_ERR_RMA_ATTACH,
                            "no memory attached at %p; pass the base given to MPI_Win_attach",
                            base);
    }
    return MPI_SUCCESS;
}

/* ---- Group, name, hints ---- */

#pragma weak MPI_Win_get_group = PMPI_Win_get_group
int PMPI_Win_get_group(MPI_Win win, MPI_Group *group)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_get_group", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (group == NULL) {
        return mp_api_error(w->comm, "MPI_Win_get_group", MPI_ERR_ARG, "group is NULL");
    }
    mp_group_retain(w->comm->group);
    *group = mp_api_group_handle(w->comm->group);
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_set_name = PMPI_Win_set_name
int PMPI_Win_set_name(MPI_Win win, const char *win_name)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_set_name", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (win_name == NULL) {
        return mp_api_error(w->comm, "MPI_Win_set_name", MPI_ERR_ARG, "win_name is NULL");
    }
    size_t len = strlen(win_name);
    if (len >= MPI_MAX_OBJECT_NAME) {
        return mp_api_error(w->comm, "MPI_Win_set_name", MPI_ERR_ARG,
                            "the name has %zu characters; at most %d fit", len,
                            MPI_MAX_OBJECT_NAME - 1);
    }
    memcpy(w->name, win_name, len + 1);
    w->named = true;
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_get_name = PMPI_Win_get_name
int PMPI_Win_get_name(MPI_Win win, char *win_name, int *resultlen)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_get_name", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (win_name == NULL || resultlen == NULL) {
        return mp_api_error(w->comm, "MPI_Win_get_name", MPI_ERR_ARG,
                            "win_name or resultlen is NULL");
    }
    const char *name = w->named ? w->name : ""; /* unnamed: the empty string */
    size_t len = strlen(name);
    memcpy(win_name, name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_set_info = PMPI_Win_set_info
int PMPI_Win_set_info(MPI_Win win, MPI_Info info)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_set_info", win, &w);
    mp_info_t *given = NULL;
    if (rc == MPI_SUCCESS) {
        rc = mp_api_info_check(w->comm, "MPI_Win_set_info", info, &given);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_info_merge(w->info, given) != MP_OK) {
        return mp_api_error(w->comm, "MPI_Win_set_info", MPI_ERR_NO_MEM, "no memory for hints");
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Win_get_info = PMPI_Win_get_info
int PMPI_Win_get_info(MPI_Win win, MPI_Info *info_used)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_get_info", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (info_used == NULL) {
        return mp_api_error(w->comm, "MPI_Win_get_info", MPI_ERR_ARG, "info_used is NULL");
    }
    mp_info_t *dup = NULL;
    if (mp_info_dup(w->info, &dup) != MP_OK) {
        return mp_api_error(w->comm, "MPI_Win_get_info", MPI_ERR_NO_MEM, "no memory for hints");
    }
    *info_used = (MPI_Info)dup;
    return MPI_SUCCESS;
}
