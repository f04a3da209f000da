/*
 * The synchronization calls of one-sided communication: fence, post-start-complete-wait, and
 * passive target (lock, unlock, flush, sync). Epoch misuse is reported as MPI_ERR_RMA_SYNC
 * through the window's error handler; libmp/rma does the waiting.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "api/api.h"
#include "core/group.h"
#include "pt2pt/progress.h"

static int check_assert(mp_win_t *w, const char *call, int mode, int allowed)
{
    if ((mode & ~allowed) == 0) {
        return MPI_SUCCESS;
    }
    return mp_api_error(w->comm, call, MPI_ERR_ASSERT,
                        "mode %d has bits this call does not take (%d); use 0 or an or of the "
                        "MPI_MODE_* values the standard lists for it",
                        mode, mode & ~allowed);
}

static int sync_error(mp_win_t *w, const char *call, const char *why)
{
    return mp_api_error(w->comm, call, MPI_ERR_RMA_SYNC, "%s on %s", why, w->name);
}

/* A lock, lock_all or start after a fence: access epochs of one window are disjoint, so that
 * fence opened none (MPI 4.1, 12.5: a fence starts an epoch only if another fence follows the
 * operations); operations after the new epoch ends need a synchronization of their own. An
 * active-target access epoch (MPI_Win_start) excludes the passive-target ones. */
static int open_access(mp_win_t *w, const char *call)
{
    if (w->access_open) {
        return sync_error(w, call,
                          "an access epoch is open (MPI_Win_start without MPI_Win_complete); "
                          "access epochs of one window must not overlap");
    }
    w->fence_open = false;
    return MPI_SUCCESS;
}

static int failed(mp_win_t *w, const char *call, mp_status_t st)
{
    if (st == MP_ERR_INVALID) {
        return mp_api_error(w->comm, call, MPI_ERR_RMA_RANGE,
                            "the target refused operations of this epoch: they fell outside the "
                            "memory attached to its dynamic window");
    }
    return mp_api_error(w->comm, call, mp_api_errclass(st), "%s", mp_status_string(st));
}

/* ---- Fence ---- */

#pragma weak MPI_Win_fence = PMPI_Win_fence
int PMPI_Win_fence(int mode, MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_fence";
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_assert(w, call, mode,
                          MPI_MODE_NOSTORE | MPI_MODE_NOPUT | MPI_MODE_NOPRECEDE |
                              MPI_MODE_NOSUCCEED);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (w->access_open || w->exposure_open || w->nlocks > 0) {
        return sync_error(w, call,
                          "a post-start-complete-wait or lock epoch is open; close it before "
                          "MPI_Win_fence");
    }
    mp_status_t st = mp_rma_fence(w, (mode & MPI_MODE_NOPRECEDE) != 0);
    if (st != MP_OK) {
        return failed(w, call, st);
    }
    w->fence_open = (mode & MPI_MODE_NOSUCCEED) == 0;
    return MPI_SUCCESS;
}

/* ---- Post, start, complete, wait, test ---- */

/* The window ranks of the processes of group; every one must be in the window. */
static int group_ranks(mp_win_t *w, const char *call, MPI_Group group, int **ranks_p, int *n_p)
{
    struct mp_group *g = NULL;
    int rc = mp_api_group_check(w->comm, call, group, &g);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int *ranks = malloc((size_t)(g->size > 0 ? g->size : 1) * sizeof(int));
    if (ranks == NULL) {
        return mp_api_error(w->comm, call, MPI_ERR_NO_MEM, "no memory for the group's ranks");
    }
    for (int i = 0; i < g->size; i++) {
        ranks[i] = mp_group_rank_of(w->comm->group, g->world_ranks[i]);
        if (ranks[i] < 0) {
            free(ranks);
            return mp_api_error(w->comm, call, MPI_ERR_GROUP,
                                "rank %d of the group (job rank %d) is not in the window's group",
                                i, g->world_ranks[i]);
        }
    }
    *ranks_p = ranks;
    *n_p = g->size;
    return MPI_SUCCESS;
}

/* MPI_Win_post and MPI_Win_start: checks, then opens the exposure (post) or access (start)
 * epoch towards the ranks of group with open_epoch. */
static int open_pscw(const char *call, MPI_Group group, int mode, int allowed, MPI_Win win,
                     bool exposure, mp_status_t (*open_epoch)(mp_win_t *, const int *, int))
{
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_assert(w, call, mode, allowed);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (exposure ? w->exposure_open : w->access_open) {
        return sync_error(w, call,
                          exposure ? "an exposure epoch is open already (MPI_Win_post without "
                                     "MPI_Win_wait)"
                                   : "an access epoch is open already (MPI_Win_start without "
                                     "MPI_Win_complete)");
    }
    if (!exposure && w->nlocks > 0) {
        return sync_error(w, call,
                          "a passive-target epoch is open (MPI_Win_lock or MPI_Win_lock_all); "
                          "access epochs of one window must not overlap");
    }
    int *ranks = NULL;
    int n = 0;
    rc = group_ranks(w, call, group, &ranks, &n);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!exposure) {
        w->fence_open = false;
    }
    mp_status_t st = open_epoch(w, ranks, n);
    free(ranks);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_post = PMPI_Win_post
int PMPI_Win_post(MPI_Group group, int mode, MPI_Win win)
{
    MP_API_LOCK();
    return open_pscw("MPI_Win_post", group, mode,
                     MPI_MODE_NOCHECK | MPI_MODE_NOSTORE | MPI_MODE_NOPUT, win, true, mp_rma_post);
}

#pragma weak MPI_Win_start = PMPI_Win_start
int PMPI_Win_start(MPI_Group group, int mode, MPI_Win win)
{
    MP_API_LOCK();
    return open_pscw("MPI_Win_start", group, mode, MPI_MODE_NOCHECK, win, false, mp_rma_start);
}

#pragma weak MPI_Win_complete = PMPI_Win_complete
int PMPI_Win_complete(MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_complete";
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!w->access_open) {
        return sync_error(w, call,
                          "no access epoch is open (MPI_Win_complete without "
                          "MPI_Win_start)");
    }
    mp_status_t st = mp_rma_complete(w);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

static int wait_or_test(const char *call, MPI_Win win, bool test, int *flag)
{
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (test && flag == NULL) {
        return mp_api_error(w->comm, call, MPI_ERR_ARG, "flag is NULL");
    }
    if (!w->exposure_open) {
        return sync_error(w, call, "no exposure epoch is open (no MPI_Win_post before)");
    }
    bool done = false;
    mp_status_t st = mp_rma_wait(w, !test, &done);
    if (flag != NULL) {
        *flag = done;
    }
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_wait = PMPI_Win_wait
int PMPI_Win_wait(MPI_Win win)
{
    MP_API_LOCK();
    return wait_or_test("MPI_Win_wait", win, false, NULL);
}

#pragma weak MPI_Win_test = PMPI_Win_test
int PMPI_Win_test(MPI_Win win, int *flag)
{
    MP_API_LOCK();
    return wait_or_test("MPI_Win_test", win, true, flag);
}

/* ---- Passive target ---- */

/* Checks a target rank of a passive-target call; MPI_PROC_NULL is a no-op (*skip_p). */
static int check_rank(mp_win_t *w, const char *call, int rank, bool *skip_p)
{
    *skip_p = rank == MPI_PROC_NULL;
    if (*skip_p || (rank >= 0 && rank < w->comm->size)) {
        return MPI_SUCCESS;
    }
    return mp_api_error(w->comm, call, MPI_ERR_RANK,
                        "rank %d is not in the window's group of %d ranks", rank, w->comm->size);
}

#pragma weak MPI_Win_lock = PMPI_Win_lock
int PMPI_Win_lock(int lock_type, int rank, int mode, MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_lock";
    mp_win_t *w = NULL;
    bool skip = false;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_assert(w, call, mode, MPI_MODE_NOCHECK);
    }
    if (rc == MPI_SUCCESS && lock_type != MPI_LOCK_SHARED && lock_type != MPI_LOCK_EXCLUSIVE) {
        rc = mp_api_error(w->comm, call, MPI_ERR_LOCKTYPE,
                          "lock_type %d is neither MPI_LOCK_SHARED nor MPI_LOCK_EXCLUSIVE",
                          lock_type);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_rank(w, call, rank, &skip);
    }
    if (rc != MPI_SUCCESS || skip) {
        return rc;
    }
    if (w->peers[rank].lock != MP_WIN_LOCK_NONE) {
        return sync_error(w, call, "rank is locked already by this process");
    }
    rc = open_access(w, call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_win_lock_t type = (mode & MPI_MODE_NOCHECK)      ? MP_WIN_LOCK_NOCHECK
                         : lock_type == MPI_LOCK_SHARED ? MP_WIN_LOCK_SHARED
                                                        : MP_WIN_LOCK_EXCLUSIVE;
    mp_status_t st = mp_rma_lock(w, rank, type);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_unlock = PMPI_Win_unlock
int PMPI_Win_unlock(int rank, MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_unlock";
    mp_win_t *w = NULL;
    bool skip = false;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_rank(w, call, rank, &skip);
    }
    if (rc != MPI_SUCCESS || skip) {
        return rc;
    }
    if (w->peers[rank].lock == MP_WIN_LOCK_NONE || w->lock_all) {
        return sync_error(w, call,
                          w->lock_all ? "the rank was locked by MPI_Win_lock_all; use "
                                        "MPI_Win_unlock_all"
                                      : "the rank is not locked (MPI_Win_unlock without "
                                        "MPI_Win_lock)");
    }
    mp_status_t st = mp_rma_unlock(w, rank);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_lock_all = PMPI_Win_lock_all
int PMPI_Win_lock_all(int mode, MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_lock_all";
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_assert(w, call, mode, MPI_MODE_NOCHECK);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (w->nlocks > 0) {
        return sync_error(w, call, "ranks are locked already by this process");
    }
    rc = open_access(w, call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    bool nocheck = (mode & MPI_MODE_NOCHECK) != 0;
    mp_status_t st = mp_rma_lock(w, -1, nocheck ? MP_WIN_LOCK_NOCHECK : MP_WIN_LOCK_SHARED);
    w->lock_all = true;
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_unlock_all = PMPI_Win_unlock_all
int PMPI_Win_unlock_all(MPI_Win win)
{
    MP_API_LOCK();
    const char *call = "MPI_Win_unlock_all";
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!w->lock_all) {
        return sync_error(w, call, "MPI_Win_unlock_all without MPI_Win_lock_all");
    }
    mp_status_t st = mp_rma_unlock(w, -1);
    w->lock_all = false;
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

static int flush(const char *call, int rank, MPI_Win win, bool local)
{
    mp_win_t *w = NULL;
    bool skip = false;
    int rc = mp_api_win_check(call, win, &w);
    if (rc == MPI_SUCCESS) {
        rc = check_rank(w, call, rank, &skip);
    }
    if (rc != MPI_SUCCESS || skip) {
        return rc;
    }
    if (w->peers[rank].lock == MP_WIN_LOCK_NONE) {
        return sync_error(w, call,
                          "the rank is not locked: flushes belong in passive-target "
                          "epochs (MPI_Win_lock or MPI_Win_lock_all)");
    }
    mp_status_t st = mp_rma_flush(w, rank, local);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

static int flush_all(const char *call, MPI_Win win, bool local)
{
    mp_win_t *w = NULL;
    int rc = mp_api_win_check(call, win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (w->nlocks == 0) {
        return sync_error(w, call,
                          "no rank is locked: flushes belong in passive-target epochs "
                          "(MPI_Win_lock or MPI_Win_lock_all)");
    }
    mp_status_t st = mp_rma_flush(w, -1, local);
    return st == MP_OK ? MPI_SUCCESS : failed(w, call, st);
}

#pragma weak MPI_Win_flush = PMPI_Win_flush
int PMPI_Win_flush(int rank, MPI_Win win)
{
    MP_API_LOCK();
    return flush("MPI_Win_flush", rank, win, false);
}

#pragma weak MPI_Win_flush_local = PMPI_Win_flush_local
int PMPI_Win_flush_local(int rank, MPI_Win win)
{
    MP_API_LOCK();
    return flush("MPI_Win_flush_local", rank, win, true);
}

#pragma weak MPI_Win_flush_all = PMPI_Win_flush_all
int PMPI_Win_flush_all(MPI_Win win)
{
    MP_API_LOCK();
    return flush_all("MPI_Win_flush_all", win, false);
}

#pragma weak MPI_Win_flush_local_all = PMPI_Win_flush_local_all
int PMPI_Win_flush_local_all(MPI_Win win)
{
    MP_API_LOCK();
    return flush_all("MPI_Win_flush_local_all", win, true);
}

#pragma weak MPI_Win_sync = PMPI_Win_sync
int PMPI_Win_sync(MPI_Win win)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    int rc = mp_api_win_check("MPI_Win_sync", win, &w);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The memory is unified: a full barrier orders this process's loads and stores against
     * other processes' (shared windows); a poll lets waiting requests be served. */
    atomic_thread_fence(memory_order_seq_cst);
    mp_progress_poll();
    atomic_thread_fence(memory_order_seq_cst);
    return MPI_SUCCESS;
}
