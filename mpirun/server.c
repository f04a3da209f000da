/*
 * The PMIx server module: job registration (node and process maps from which PMIx derives
 * every rank's locality), and the upcalls that PMIx makes on its own progress thread. Upcalls
 * never block: they answer PMIx at once and queue an event for mpirun's main loop.
 */
#define _GNU_SOURCE
#include "mpirun/server.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pmix.h>
#include <pmix_server.h>

#include "mpirun/names.h"
#include "wireup/wireup.h"

/* State shared with PMIx's thread, all under lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static mpirun_event_t *queue;
static size_t queue_len, queue_cap;
static pid_t *rank_pids; /* by slot (mpirun_job_t): every process of every job */
static int nranks;       /* the first job's ranks */
static int nslots;       /* slots of every job so far */
static int event_fd = -1;
static char job_nspace[PMIX_MAX_NSLEN + 1];
static int *rank_host; /* each slot's node id */

/* The namespaces of the jobs, the first and the spawned ones: a process's slot is its job's
 * first slot plus its rank. */
typedef struct server_job {
    char nspace[PMIX_MAX_NSLEN + 1];
    int first, np;
} server_job_t;
static server_job_t *sjobs;
static size_t nsjobs;

/* MPI_Comm_spawn's requests, from the spawn upcall until the main loop answers them. */
static mpirun_spawn_req_t **spawn_reqs;
static size_t nspawn_reqs, spawn_reqs_cap;
static int next_spawn_id;
static int job_nhosts;
static bool relay;

/* Fences waiting for the other hosts (relay mode), and the count of fences seen per
 * participant signature, which gives the next fence with that signature its sequence number. */
typedef struct pending_fence {
    mpirun_fence_t fence;
    int id;
    pmix_modex_cbfunc_t cbfunc;
    void *cbdata;
} pending_fence_t;
static pending_fence_t *fences;
static size_t nfences, fences_cap;
static int next_fence_id;
typedef struct sig_count {
    uint64_t sig;
    uint32_t count;
} sig_count_t;
static sig_count_t *sig_counts;
static size_t nsig_counts;

/* Direct modex requests of local ranks waiting for another host, and answers of local ranks
 * to other hosts' requests waiting for the main loop. */
typedef struct dmodex_req {
    int id;
    int rank;
    double deadline;
    pmix_modex_cbfunc_t cbfunc;
    void *cbdata;
} dmodex_req_t;
static dmodex_req_t *dreqs;
static size_t ndreqs, dreqs_cap;
static int next_dreq_id;
typedef struct dmodex_served {
    int serial;
    mpirun_dmodex_data_t data;
} dmodex_served_t;
static dmodex_served_t *served;
static size_t nserved, served_cap;
static int next_served;

/* The names the job's ranks published (MPI_Publish_name), under lock. */
static mpirun_names_t names;

static void push_event(mpirun_event_kind_t kind, int rank, int status)
{
    pthread_mutex_lock(&lock);
    if (queue_len == queue_cap) {
        size_t cap = queue_cap == 0 ? 64 : 2 * queue_cap;
        mpirun_event_t *grown = realloc(queue, cap * sizeof(*queue));
        if (grown == NULL) {
            pthread_mutex_unlock(&lock);
            return; /* Out of memory: the rank's exit will still end the job. */
        }
        queue = grown;
        queue_cap = cap;
    }
    queue[queue_len++] = (mpirun_event_t){.kind = kind, .rank = rank, .status = status};
    pthread_mutex_unlock(&lock);
    uint64_t one = 1;
    ssize_t ignored = write(event_fd, &one, sizeof(one));
    (void)ignored;
}

/* The slot of one of our jobs' processes; -1 for anything else (tools, strangers). */
static int our_rank(const pmix_proc_t *proc)
{
    int slot = -1;
    pthread_mutex_lock(&lock);
    for (size_t j = 0; j < nsjobs; j++) {
        if (PMIX_CHECK_NSPACE(proc->nspace, sjobs[j].nspace) &&
            proc->rank < (pmix_rank_t)sjobs[j].np) {
            slot = sjobs[j].first + (int)proc->rank;
        }
    }
    pthread_mutex_unlock(&lock);
    return slot;
}

static pmix_status_t on_client_connected(const pmix_proc_t *proc, void *server_object,
                                         pmix_op_cbfunc_t cbfunc, void *cbdata)
{
    (void)server_object;
    int rank = our_rank(proc);
    if (rank >= 0) {
        push_event(MPIRUN_EVENT_CONNECTED, rank, 0);
    }
    /* PMIx 4.2 calls this without cbfunc and reads the answer from the return value. */
    if (cbfunc != NULL) {
        cbfunc(PMIX_SUCCESS, cbdata);
    }
    return PMIX_SUCCESS;
}

/* PMIx also calls client_finalized when a client's connection drops without PMIx_Finalize.
 * A rank that really finalizes is alive, blocked until we answer; a dropped one is exiting. */
static bool rank_is_alive(int rank)
{
    pthread_mutex_lock(&lock);
    pid_t pid = rank_pids[rank];
    pthread_mutex_unlock(&lock);
    if (pid <= 0) {
        return false;
    }
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        return false; /* Already reaped by the main loop. */
    }
    return info.si_pid == 0;
}

static pmix_status_t on_client_finalized(const pmix_proc_t *proc, void *server_object,
                                         pmix_op_cbfunc_t cbfunc, void *cbdata)
{
    (void)server_object;
    int rank = our_rank(proc);
    if (rank >= 0 && rank_is_alive(rank)) {
        push_event(MPIRUN_EVENT_FINALIZED, rank, 0);
    }
    /* Answer at once: the rank is blocked in PMIx_Finalize until we do. */
    if (cbfunc != NULL) {
        cbfunc(PMIX_SUCCESS, cbdata);
    }
    return PMIX_SUCCESS;
}

static pmix_status_t on_abort(const pmix_proc_t *proc, void *server_object, int status,
                              const char msg[], pmix_proc_t procs[], size_t nprocs,
                              pmix_op_cbfunc_t cbfunc, void *cbdata)
{
    (void)server_object;
    (void)msg; /* The rank printed its own message. */
    (void)procs;
    (void)nprocs; /* Like Open MPI and MPICH, an abort ends the whole job. */
    int rank = our_rank(proc);
    /* Release the caller first (its PMIx_Abort returns), then the main loop ends the job. */
    if (cbfunc != NULL) {
        cbfunc(PMIX_SUCCESS, cbdata);
    }
    if (rank >= 0) {
        push_event(MPIRUN_EVENT_ABORTED, rank, status);
    }
    return PMIX_SUCCESS;
}

/* PMIx keeps using the data we hand back until it calls this. */
static void release_fence_data(void *cbdata)
{
    free(cbdata);
}

/* FNV-1a of the participants, in the order PMIx lists them (the same on every host). */
static uint64_t fence_signature(const pmix_proc_t procs[], size_t nprocs)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < nprocs; i++) {
        const unsigned char *ns = (const unsigned char *)procs[i].nspace;
        for (size_t k = 0; k < PMIX_MAX_NSLEN && ns[k] != '\0'; k++) {
            h = (h ^ ns[k]) * 1099511628211ull;
        }
        uint32_t r = procs[i].rank;
        for (int k = 0; k < 4; k++) {
            h = (h ^ ((r >> (8 * k)) & 0xff)) * 1099511628211ull;
        }
    }
    return h;
}

/* How many hosts have ranks among the participants. */
static int fence_hosts(const pmix_proc_t procs[], size_t nprocs)
{
    bool *has = calloc((size_t)job_nhosts, sizeof(bool));
    if (has == NULL) {
        return job_nhosts;
    }
    for (size_t i = 0; i < nprocs; i++) {
        if (!PMIX_CHECK_NSPACE(procs[i].nspace, job_nspace)) {
            continue;
        }
        if (procs[i].rank == PMIX_RANK_WILDCARD) {
            for (int r = 0; r < nranks; r++) {
                has[rank_host[r]] = true;
            }
        } else if (procs[i].rank < (pmix_rank_t)nranks) {
            has[rank_host[procs[i].rank]] = true;
        }
    }
    int n = 0;
    for (int h = 0; h < job_nhosts; h++) {
        n += has[h];
    }
    free(has);
    return n;
}

/* Queues this host's part of a fence for the main loop, which relays it to the other hosts. */
static pmix_status_t relay_fence(const pmix_proc_t procs[], size_t nprocs, int status, char *data,
                                 size_t ndata, pmix_modex_cbfunc_t cbfunc, void *cbdata)
{
    uint64_t sig = fence_signature(procs, nprocs);
    int nhosts = fence_hosts(procs, nprocs);
    char *copy = malloc(ndata > 0 ? ndata : 1);
    pthread_mutex_lock(&lock);
    size_t s = 0;
    while (s < nsig_counts && sig_counts[s].sig != sig) {
        s++;
    }
    if (s == nsig_counts) {
        sig_count_t *grown = realloc(sig_counts, (nsig_counts + 1) * sizeof(*sig_counts));
        if (grown != NULL) {
            sig_counts = grown;
            sig_counts[nsig_counts++] = (sig_count_t){.sig = sig, .count = 0};
        }
    }
    if (nfences == fences_cap) {
        size_t cap = fences_cap == 0 ? 8 : 2 * fences_cap;
        pending_fence_t *grown = realloc(fences, cap * sizeof(*fences));
        if (grown != NULL) {
            fences = grown;
            fences_cap = cap;
        }
    }
    if (copy == NULL || s == nsig_counts || nfences == fences_cap) {
        pthread_mutex_unlock(&lock);
        free(copy);
        return PMIX_ERR_NOMEM;
    }
    if (ndata > 0) {
        memcpy(copy, data, ndata);
    }
    int id = next_fence_id++;
    fences[nfences++] = (pending_fence_t){
        .fence = {.sig = sig,
                  .seq = sig_counts[s].count++,
                  .nhosts = nhosts,
                  .status = status,
                  .data = copy,
                  .ndata = ndata},
        .id = id,
        .cbfunc = cbfunc,
        .cbdata = cbdata,
    };
    pthread_mutex_unlock(&lock);
    push_event(MPIRUN_EVENT_FENCE, id, 0);
    return PMIX_SUCCESS;
}

/* On one host the fence is complete once it reaches us (PMIx usually completes it itself);
 * across hosts it waits for the other hosts' data (relay mode). */
static pmix_status_t on_fence(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[],
                              size_t ninfo, char *data, size_t ndata, pmix_modex_cbfunc_t cbfunc,
                              void *cbdata)
{
    /* PMIx 4.2 calls us even when a local rank died in the fence, with what the others gave
     * and this status: the fence must fail everywhere, not complete with a hole. */
    pmix_status_t status = PMIX_SUCCESS;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_LOCAL_COLLECTIVE_STATUS) &&
            info[i].value.type == PMIX_STATUS) {
            status = info[i].value.data.status;
        }
    }
    if (relay) {
        return relay_fence(procs, nprocs, status, data, ndata, cbfunc, cbdata);
    }
    char *copy = malloc(ndata > 0 ? ndata : 1);
    if (copy == NULL) {
        return PMIX_ERR_NOMEM;
    }
    if (ndata > 0) {
        memcpy(copy, data, ndata);
    }
    cbfunc(status, copy, ndata, cbdata, release_fence_data, copy);
    return PMIX_SUCCESS;
}

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Grows an array of n elements of size sz to hold one more; false when out of memory. */
static bool grow(void **array, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap) {
        return true;
    }
    size_t bigger = *cap == 0 ? 8 : 2 * *cap;
    void *grown = realloc(*array, bigger * sz);
    if (grown == NULL) {
        return false;
    }
    *array = grown;
    *cap = bigger;
    return true;
}

/* PMIx asks for a rank's data that it does not hold (no collecting fence brought it here). */
static pmix_status_t on_direct_modex(const pmix_proc_t *proc, const pmix_info_t info[],
                                     size_t ninfo, pmix_modex_cbfunc_t cbfunc, void *cbdata)
{
    int rank = our_rank(proc);
    if (rank < 0) {
        return PMIX_ERR_NOT_FOUND; /* not our job, or a wildcard: nobody else has more */
    }
    double timeout = MPIRUN_DMODEX_TIMEOUT_S;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_TIMEOUT) && info[i].value.type == PMIX_INT &&
            info[i].value.data.integer > 0) {
            timeout = info[i].value.data.integer;
        }
    }
    pthread_mutex_lock(&lock);
    if (!grow((void **)&dreqs, ndreqs, &dreqs_cap, sizeof(*dreqs))) {
        pthread_mutex_unlock(&lock);
        return PMIX_ERR_NOMEM;
    }
    int id = next_dreq_id++;
    dreqs[ndreqs++] = (dmodex_req_t){.id = id,
                                     .rank = rank,
                                     .deadline = monotonic_now() + timeout,
                                     .cbfunc = cbfunc,
                                     .cbdata = cbdata};
    pthread_mutex_unlock(&lock);
    push_event(MPIRUN_EVENT_DMODEX, id, 0);
    return PMIX_SUCCESS;
}

/* ---- Published names: PMIx_Publish, _Lookup and _Unpublish of libmp's ranks ---- */

/* The service name in a key of libmp's (MP_WIREUP_NAME_PREFIX + service), or NULL for the other
 * keys (PMIx adds its own directives to what a rank publishes). */
static const char *service_of(const char *key)
{
    size_t n = strlen(MP_WIREUP_NAME_PREFIX);
    return strncmp(key, MP_WIREUP_NAME_PREFIX, n) == 0 ? key + n : NULL;
}

/* The table lives in this process: ranks on other hosts could not reach it, so with several
 * hosts every server refuses, and the ranks say so. The answers go through cbfunc at once. */
static pmix_status_t on_publish(const pmix_proc_t *proc, const pmix_info_t info[], size_t ninfo,
                                pmix_op_cbfunc_t cbfunc, void *cbdata)
{
    int rank = our_rank(proc);
    pmix_status_t st = rank < 0 || relay ? PMIX_ERR_NOT_SUPPORTED : PMIX_ERR_BAD_PARAM;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ninfo && rank >= 0 && !relay; i++) {
        const char *service = service_of(info[i].key);
        if (service == NULL || info[i].value.type != PMIX_STRING) {
            continue;
        }
        mpirun_names_status_t r =
            mpirun_names_publish(&names, service, info[i].value.data.string, rank);
        st = r == MPIRUN_NAMES_OK          ? PMIX_SUCCESS
             : r == MPIRUN_NAMES_DUPLICATE ? PMIX_ERR_DUPLICATE_KEY
                                           : PMIX_ERR_NOMEM;
        if (st != PMIX_SUCCESS) {
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    if (cbfunc != NULL) {
        cbfunc(st, cbdata);
    }
    return PMIX_SUCCESS;
}

static pmix_status_t on_lookup(const pmix_proc_t *proc, char **keys, const pmix_info_t info[],
                               size_t ninfo, pmix_lookup_cbfunc_t cbfunc, void *cbdata)
{
    (void)info;
    (void)ninfo;
    size_t nkeys = 0;
    while (keys != NULL && keys[nkeys] != NULL) {
        nkeys++;
    }
    if (our_rank(proc) < 0 || relay) {
        cbfunc(PMIX_ERR_NOT_SUPPORTED, NULL, 0, cbdata);
        return PMIX_SUCCESS;
    }
    pmix_pdata_t *data = nkeys > 0 ? calloc(nkeys, sizeof(*data)) : NULL;
    size_t n = 0;
    pthread_mutex_lock(&lock);
    for (size_t k = 0; k < nkeys && data != NULL; k++) {
        const char *service = service_of(keys[k]);
        const mpirun_name_t *e = service != NULL ? mpirun_names_lookup(&names, service) : NULL;
        if (e == NULL) {
            continue;
        }
        PMIX_LOAD_PROCID(&data[n].proc, job_nspace, (pmix_rank_t)e->owner);
        PMIX_LOAD_KEY(data[n].key, keys[k]);
        if (PMIx_Value_load(&data[n].value, e->port, PMIX_STRING) == PMIX_SUCCESS) {
            n++;
        }
    }
    pthread_mutex_unlock(&lock);
    /* The data is ours again once cbfunc returns. */
    cbfunc(n > 0 ? PMIX_SUCCESS : PMIX_ERR_NOT_FOUND, data, n, cbdata);
    for (size_t i = 0; i < n; i++) {
        PMIX_VALUE_DESTRUCT(&data[i].value);
    }
    free(data);
    return PMIX_SUCCESS;
}

static pmix_status_t on_unpublish(const pmix_proc_t *proc, char **keys, const pmix_info_t info[],
                                  size_t ninfo, pmix_op_cbfunc_t cbfunc, void *cbdata)
{
    (void)info;
    (void)ninfo;
    int rank = our_rank(proc);
    pmix_status_t st = rank < 0 || relay ? PMIX_ERR_NOT_SUPPORTED : PMIX_SUCCESS;
    pthread_mutex_lock(&lock);
    for (size_t k = 0; keys != NULL && keys[k] != NULL && st == PMIX_SUCCESS; k++) {
        const char *service = service_of(keys[k]);
        if (service == NULL) {
            continue;
        }
        mpirun_names_status_t r = mpirun_names_unpublish(&names, service, rank);
        st = r == MPIRUN_NAMES_OK          ? PMIX_SUCCESS
             : r == MPIRUN_NAMES_NOT_OWNER ? PMIX_ERR_NO_PERMISSIONS
                                           : PMIX_ERR_NOT_FOUND;
    }
    pthread_mutex_unlock(&lock);
    if (cbfunc != NULL) {
        cbfunc(st, cbdata);
    }
    return PMIX_SUCCESS;
}

/* ---- MPI_Comm_spawn: the upcall copies the request and hands it to the main loop ---- */

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static char **dup_argv(char *const *v)
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL) {
        n++;
    }
    char **copy = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; copy != NULL && i < n; i++) {
        copy[i] = strdup(v[i]);
    }
    return copy;
}

static void free_argv(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        free(v[i]);
    }
    free(v);
}

void mpirun_server_spawn_free(mpirun_spawn_req_t *req)
{
    for (int a = 0; req != NULL && a < req->napps; a++) {
        mpirun_spawn_app_t *app = &req->apps[a];
        free(app->cmd);
        free_argv(app->argv);
        free_argv(app->env);
        free(app->cwd);
        free(app->host);
        free(app->path);
    }
    if (req != NULL) {
        free(req->apps);
    }
    free(req);
}

/* The info keys of one application that mpirun reads: the rest is ignored. */
static void read_app_info(mpirun_spawn_app_t *app, const pmix_info_t *info, size_t ninfo)
{
    for (size_t i = 0; i < ninfo; i++) {
        if (info[i].value.type != PMIX_STRING || info[i].value.data.string == NULL) {
            continue;
        }
        if (PMIX_CHECK_KEY(&info[i], PMIX_HOST)) {
            free(app->host);
            app->host = strdup(info[i].value.data.string);
        } else if (PMIX_CHECK_KEY(&info[i], PMIX_WDIR) && app->cwd == NULL) {
            app->cwd = strdup(info[i].value.data.string);
        } else if (PMIX_CHECK_KEY(&info[i], MP_WIREUP_SPAWN_PATH_KEY)) {
            free(app->path);
            app->path = strdup(info[i].value.data.string);
        }
    }
}

static pmix_status_t on_spawn(const pmix_proc_t *proc, const pmix_info_t job_info[], size_t ninfo,
                              const pmix_app_t apps[], size_t napps, pmix_spawn_cbfunc_t cbfunc,
                              void *cbdata)
{
    (void)job_info;
    (void)ninfo;
    int parent = our_rank(proc);
    if (parent < 0 || napps == 0 || napps > INT32_MAX) {
        return PMIX_ERR_NOT_SUPPORTED; /* a tool or a stranger: only our processes spawn */
    }
    mpirun_spawn_req_t *req = calloc(1, sizeof(*req));
    if (req == NULL || (req->apps = calloc(napps, sizeof(*req->apps))) == NULL) {
        free(req);
        return PMIX_ERR_NOMEM;
    }
    req->napps = (int)napps;
    req->parent = parent;
    req->cbfunc = (void (*)(void))cbfunc;
    req->cbdata = cbdata;
    for (size_t a = 0; a < napps; a++) {
        mpirun_spawn_app_t *app = &req->apps[a];
        app->cmd = dup_or_null(apps[a].cmd);
        app->argv = dup_argv(apps[a].argv);
        app->env = dup_argv(apps[a].env);
        app->cwd = dup_or_null(apps[a].cwd);
        app->maxprocs = apps[a].maxprocs;
        read_app_info(app, apps[a].info, apps[a].ninfo);
        if (app->cmd == NULL || app->argv == NULL || app->env == NULL || app->maxprocs <= 0) {
            mpirun_server_spawn_free(req);
            return app->maxprocs <= 0 ? PMIX_ERR_BAD_PARAM : PMIX_ERR_NOMEM;
        }
    }
    pthread_mutex_lock(&lock);
    if (!grow((void **)&spawn_reqs, nspawn_reqs, &spawn_reqs_cap, sizeof(*spawn_reqs))) {
        pthread_mutex_unlock(&lock);
        mpirun_server_spawn_free(req);
        return PMIX_ERR_NOMEM;
    }
    req->id = next_spawn_id++;
    spawn_reqs[nspawn_reqs++] = req;
    int id = req->id;
    pthread_mutex_unlock(&lock);
    push_event(MPIRUN_EVENT_SPAWN, id, 0);
    return PMIX_SUCCESS;
}

mpirun_spawn_req_t *mpirun_server_spawn_take(int id)
{
    mpirun_spawn_req_t *req = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nspawn_reqs && req == NULL; i++) {
        if (spawn_reqs[i]->id == id) {
            req = spawn_reqs[i];
            spawn_reqs[i] = spawn_reqs[--nspawn_reqs];
        }
    }
    pthread_mutex_unlock(&lock);
    return req;
}

void mpirun_server_spawn_answer(mpirun_spawn_req_t *req, int status, const char *nspace)
{
    pmix_nspace_t ns;
    PMIX_LOAD_NSPACE(ns, nspace != NULL ? nspace : "");
    pmix_spawn_cbfunc_t cbfunc = (pmix_spawn_cbfunc_t)req->cbfunc;
    cbfunc(status == 0 ? PMIX_SUCCESS : PMIX_ERR_JOB_FAILED_TO_LAUNCH, ns, req->cbdata);
    mpirun_server_spawn_free(req);
}

static pmix_server_module_t module = {
    .spawn = on_spawn,
    .client_connected = on_client_connected,
    .client_finalized = on_client_finalized,
    .abort = on_abort,
    .fence_nb = on_fence,
    .direct_modex = on_direct_modex,
    .publish = on_publish,
    .lookup = on_lookup,
    .unpublish = on_unpublish,
};

/* Waits for a PMIx operation's callback. */
typedef struct op_wait {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool done;
    pmix_status_t status;
} op_wait_t;

static void op_done(pmix_status_t status, void *cbdata)
{
    op_wait_t *w = cbdata;
    pthread_mutex_lock(&w->mutex);
    w->status = status;
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mutex);
}

static void op_wait_init(op_wait_t *w)
{
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->done = false;
    w->status = PMIX_SUCCESS;
}

static pmix_status_t op_wait(op_wait_t *w, pmix_status_t rc)
{
    if (rc == PMIX_SUCCESS) {
        pthread_mutex_lock(&w->mutex);
        while (!w->done) {
            pthread_cond_wait(&w->cond, &w->mutex);
        }
        pthread_mutex_unlock(&w->mutex);
        rc = w->status;
    } else if (rc == PMIX_OPERATION_SUCCEEDED) {
        rc = PMIX_SUCCESS;
    }
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->cond);
    return rc;
}

int mpirun_server_init(const char *tmpdir, hwloc_topology_t topo, char *err, size_t errlen)
{
    event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (event_fd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        return -1;
    }
    /* Our topology spares the server its own discovery. Set by hand: loading would copy it,
     * and destructing the info would destroy the topology the server keeps using. */
    static pmix_topology_t pmix_topo;
    pmix_topo.source = "hwloc";
    pmix_topo.topology = topo;
    pmix_info_t info[5];
    bool no = false, yes = true;
    PMIX_INFO_LOAD(&info[0], PMIX_SERVER_TMPDIR, tmpdir, PMIX_STRING);
    PMIX_INFO_LOAD(&info[1], PMIX_SYSTEM_TMPDIR, tmpdir, PMIX_STRING);
    PMIX_INFO_LOAD(&info[2], PMIX_SERVER_TOOL_SUPPORT, &no, PMIX_BOOL);
    /* Clients that want a topology (PMIx 5 always does) adopt ours instead of discovering
     * their own, which costs ~200 ms on a machine with GPUs. */
    PMIX_INFO_LOAD(&info[3], PMIX_SERVER_SHARE_TOPOLOGY, &yes, PMIX_BOOL);
    PMIX_INFO_CONSTRUCT(&info[4]);
    snprintf(info[4].key, sizeof(info[4].key), "%s", PMIX_TOPOLOGY2);
    info[4].value.type = PMIX_TOPO;
    info[4].value.data.topo = &pmix_topo;
    pmix_status_t rc = PMIx_server_init(&module, info, 5);
    for (int i = 0; i < 4; i++) {
        PMIX_INFO_DESTRUCT(&info[i]);
    }
    if (rc != PMIX_SUCCESS) {
        snprintf(err, errlen, "cannot start the PMIx server: %s", PMIx_Error_string(rc));
        return -1;
    }
    return 0;
}

/* "a,b,c" of the host names, in node id order, for PMIx_generate_regex. */
static char *host_list(const mpirun_job_t *job)
{
    size_t len = 1;
    for (int h = 0; h < job->nhosts; h++) {
        len += strlen(job->hosts[h]) + 1;
    }
    char *list = calloc(1, len);
    for (int h = 0; list != NULL && h < job->nhosts; h++) {
        if (h > 0) {
            strcat(list, ",");
        }
        strcat(list, job->hosts[h]);
    }
    return list;
}

/* "0,1;2,3" of the ranks on each host, for PMIx_generate_ppn. */
static char *rank_lists(const mpirun_job_t *job)
{
    size_t len = (size_t)job->np * 12 + (size_t)job->nhosts + 1;
    char *list = calloc(1, len);
    if (list == NULL) {
        return NULL;
    }
    size_t pos = 0;
    for (int h = 0; h < job->nhosts; h++) {
        bool first = true;
        if (h > 0) {
            list[pos++] = ';';
        }
        for (int r = 0; r < job->np; r++) {
            if (job->ranks[r].host == h) {
                pos += (size_t)snprintf(list + pos, len - pos, first ? "%d" : ",%d", r);
                first = false;
            }
        }
    }
    return list;
}

/* One value to register: the key, a pointer to the value, and its PMIx type. */
typedef struct info_item {
    const char *key;
    void *value;
    pmix_data_type_t type;
} info_item_t;

static pmix_status_t add_items(void *list, const info_item_t *items, size_t n)
{
    pmix_status_t rc = PMIX_SUCCESS;
    for (size_t i = 0; rc == PMIX_SUCCESS && i < n; i++) {
        rc = PMIx_Info_list_add(list, items[i].key, items[i].value, items[i].type);
    }
    return rc;
}

/* Adds items to list as one array under key (a rank's PMIX_PROC_DATA, a program's
 * PMIX_APP_INFO_ARRAY). */
static pmix_status_t add_array(void *list, const char *key, const info_item_t *items, size_t n)
{
    void *sub = PMIx_Info_list_start();
    if (sub == NULL) {
        return PMIX_ERR_NOMEM;
    }
    pmix_data_array_t array = PMIX_DATA_ARRAY_STATIC_INIT;
    pmix_status_t rc = add_items(sub, items, n);
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_Info_list_convert(sub, &array);
    }
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_Info_list_add(list, key, &array, PMIX_DATA_ARRAY);
    }
    PMIX_DATA_ARRAY_DESTRUCT(&array);
    PMIx_Info_list_release(sub);
    return rc;
}

/* ---- the first job's programs (mpirun ... : ...): ranks of one program are consecutive ---- */

static int app_count(const mpirun_job_t *job)
{
    return job->np > 0 ? job->ranks[job->np - 1].app + 1 : 1;
}

/* Program app's size and leader (its first rank), from *r_p on; leaves *r_p past its ranks. */
static pmix_status_t add_one_app(void *list, const mpirun_job_t *job, int app, int *r_p)
{
    int first = *r_p;
    while (*r_p < job->np && job->ranks[*r_p].app == app) {
        (*r_p)++;
    }
    uint32_t appnum = (uint32_t)app;
    uint32_t size = (uint32_t)(*r_p - first);
    pmix_rank_t leader = (pmix_rank_t)first;
    info_item_t items[] = {
        {PMIX_APPNUM, &appnum, PMIX_UINT32},
        {PMIX_APP_SIZE, &size, PMIX_UINT32},
        {PMIX_APPLDR, &leader, PMIX_PROC_RANK},
    };
    return add_array(list, PMIX_APP_INFO_ARRAY, items, sizeof(items) / sizeof(items[0]));
}

/* Each program's number, size and leader, as PMIx's per-application data. */
static pmix_status_t add_app_info(void *list, const mpirun_job_t *job)
{
    pmix_status_t rc = PMIX_SUCCESS;
    for (int a = 0, r = 0; rc == PMIX_SUCCESS && a < app_count(job); a++) {
        rc = add_one_app(list, job, a, &r);
    }
    return rc;
}

/* One rank's data, led by the rank as PMIx requires. Given this, PMIx no longer derives the
 * rank's locality from the maps: it is all here. */
static pmix_status_t add_rank_info(void *list, const mpirun_job_t *job, int rank, int leader_rank)
{
    const mpirun_rank_t *rk = &job->ranks[rank];
    pmix_rank_t r = (pmix_rank_t)rank;
    uint16_t local_rank = (uint16_t)rk->local_rank; /* one job per node: node rank is the same */
    uint32_t node_id = (uint32_t)rk->host;
    uint32_t appnum = (uint32_t)rk->app;
    pmix_rank_t leader = (pmix_rank_t)leader_rank;
    pmix_rank_t app_rank = r - leader;
    info_item_t items[] = {
        {PMIX_RANK, &r, PMIX_PROC_RANK},
        {PMIX_APPNUM, &appnum, PMIX_UINT32},
        {PMIX_APPLDR, &leader, PMIX_PROC_RANK},
        {PMIX_APP_RANK, &app_rank, PMIX_PROC_RANK},
        {PMIX_GLOBAL_RANK, &r, PMIX_PROC_RANK},
        {PMIX_LOCAL_RANK, &local_rank, PMIX_UINT16},
        {PMIX_NODE_RANK, &local_rank, PMIX_UINT16},
        {PMIX_NODEID, &node_id, PMIX_UINT32},
        {PMIX_HOSTNAME, job->hosts[rk->host], PMIX_STRING},
    };
    return add_array(list, PMIX_PROC_DATA, items, sizeof(items) / sizeof(items[0]));
}

/* What a client expects to read about the job: sizes, the node and process maps (already in
 * PMIx's regex form), one application, and each rank's own data. */
static pmix_status_t add_job_info(void *list, const mpirun_job_t *job, char *node_map,
                                  char *proc_map)
{
    uint32_t np = (uint32_t)job->np;
    uint32_t univ = job->univ_size > np ? job->univ_size : np;
    uint32_t nnodes = (uint32_t)job->nhosts;
    uint32_t napps = (uint32_t)app_count(job);
    uint32_t appnum = 0;
    pmix_byte_object_t secret = {(char *)job->secret, sizeof(job->secret)};
    info_item_t items[] = {
        {MP_WIREUP_SECRET_KEY, &secret, PMIX_BYTE_OBJECT},
        {PMIX_UNIV_SIZE, &univ, PMIX_UINT32},
        {PMIX_JOB_SIZE, &np, PMIX_UINT32},
        {PMIX_MAX_PROCS, &np, PMIX_UINT32},
        {PMIX_NUM_NODES, &nnodes, PMIX_UINT32},
        {PMIX_JOB_NUM_APPS, &napps, PMIX_UINT32},
        {PMIX_JOBID, (void *)job->nspace, PMIX_STRING},
        {PMIX_NODE_MAP, node_map, PMIX_REGEX},
        {PMIX_PROC_MAP, proc_map, PMIX_REGEX},
        /* With one program its number and size are the job's too (what libmp read so far). */
        {PMIX_APPNUM, &appnum, PMIX_UINT32},
        {PMIX_APP_SIZE, &np, PMIX_UINT32},
    };
    size_t nitems = sizeof(items) / sizeof(items[0]) - (napps > 1 ? 2 : 0);
    pmix_status_t rc = add_items(list, items, nitems);
    if (rc == PMIX_SUCCESS) {
        rc = add_app_info(list, job);
    }
    for (int r = 0, leader = 0; rc == PMIX_SUCCESS && r < job->np; r++) {
        if (job->ranks[r].app != job->ranks[leader].app) {
            leader = r; /* the first rank of the next program */
        }
        rc = add_rank_info(list, job, r, leader);
    }
    return rc;
}

int mpirun_server_register_job(const mpirun_job_t *job, int local_host, char *err, size_t errlen)
{
    snprintf(job_nspace, sizeof(job_nspace), "%s", job->nspace);
    nranks = job->np;
    nslots = job->np;
    job_nhosts = job->nhosts;
    rank_pids = calloc((size_t)job->np, sizeof(*rank_pids));
    rank_host = calloc((size_t)job->np, sizeof(*rank_host));
    sjobs = calloc(1, sizeof(*sjobs));
    if (sjobs != NULL) {
        snprintf(sjobs[0].nspace, sizeof(sjobs[0].nspace), "%s", job->nspace);
        sjobs[0].np = job->np;
        nsjobs = 1;
    }
    for (int r = 0; rank_host != NULL && r < job->np; r++) {
        rank_host[r] = job->ranks[r].host;
    }
    char *hosts = host_list(job);
    char *ranks = rank_lists(job);
    char *node_map = NULL;
    char *proc_map = NULL;
    int result = -1;
    if (rank_pids == NULL || rank_host == NULL || sjobs == NULL || hosts == NULL || ranks == NULL) {
        snprintf(err, errlen, "out of memory registering the job");
        goto free_lists;
    }
    pmix_status_t rc = PMIx_generate_regex(hosts, &node_map);
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_generate_ppn(ranks, &proc_map);
    }
    if (rc != PMIX_SUCCESS) {
        snprintf(err, errlen, "cannot describe the job to PMIx: %s", PMIx_Error_string(rc));
        goto free_lists;
    }
    void *list = PMIx_Info_list_start();
    rc = list != NULL ? add_job_info(list, job, node_map, proc_map) : PMIX_ERR_NOMEM;
    pmix_data_array_t info = PMIX_DATA_ARRAY_STATIC_INIT;
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_Info_list_convert(list, &info);
    }
    if (rc == PMIX_SUCCESS) {
        op_wait_t w;
        op_wait_init(&w);
        rc = op_wait(&w, PMIx_server_register_nspace(job_nspace, job->host_nranks[local_host],
                                                     info.array, info.size, op_done, &w));
    }
    PMIX_DATA_ARRAY_DESTRUCT(&info);
    PMIx_Info_list_release(list);
    if (rc != PMIX_SUCCESS) {
        snprintf(err, errlen, "cannot register the job with PMIx: %s", PMIx_Error_string(rc));
        goto free_lists;
    }
    result = 0;
free_lists:
    free(node_map);
    free(proc_map);
    free(hosts);
    free(ranks);
    return result;
}

/* ---- spawned jobs ---- */

/* A spawned job's info: what add_job_info gives the first job, for one host, plus the parent
 * and the keys by which libmp names every job of this mpirun (MP_WIREUP_JOB_*). */
static pmix_status_t add_spawn_info(void *list, const mpirun_job_t *job, const mpirun_spawn_t *sp,
                                    char *node_map, char *proc_map)
{
    uint32_t n = (uint32_t)sp->np;
    uint32_t nnodes = 1;
    uint32_t napps = (uint32_t)sp->napps;
    uint32_t appnum0 = 0;
    uint32_t univ = sp->univ_size;
    uint32_t number = (uint32_t)sp->number;
    pmix_byte_object_t secret = {(char *)job->secret, sizeof(job->secret)};
    pmix_proc_t parent;
    PMIX_LOAD_PROCID(&parent, sp->parent_nspace, (pmix_rank_t)sp->parent_rank);
    info_item_t items[] = {
        {MP_WIREUP_SECRET_KEY, &secret, PMIX_BYTE_OBJECT},
        {MP_WIREUP_JOB_BASE_KEY, (void *)job->nspace, PMIX_STRING},
        {MP_WIREUP_JOB_NUMBER_KEY, &number, PMIX_UINT32},
        {PMIX_PARENT_ID, &parent, PMIX_PROC},
        {PMIX_UNIV_SIZE, &univ, PMIX_UINT32},
        {PMIX_JOB_SIZE, &n, PMIX_UINT32},
        {PMIX_MAX_PROCS, &n, PMIX_UINT32},
        {PMIX_NUM_NODES, &nnodes, PMIX_UINT32},
        {PMIX_JOB_NUM_APPS, &napps, PMIX_UINT32},
        {PMIX_APPNUM, &appnum0, PMIX_UINT32},
        {PMIX_JOBID, (void *)sp->nspace, PMIX_STRING},
        {PMIX_NODE_MAP, node_map, PMIX_REGEX},
        {PMIX_PROC_MAP, proc_map, PMIX_REGEX},
    };
    pmix_status_t rc = add_items(list, items, sizeof(items) / sizeof(items[0]));
    for (int r = 0; rc == PMIX_SUCCESS && r < sp->np; r++) {
        const mpirun_rank_t *rk = &job->ranks[sp->first + r];
        pmix_rank_t pr = (pmix_rank_t)r;
        uint16_t local_rank = (uint16_t)r; /* every process of the job is on this host */
        uint16_t node_rank = (uint16_t)rk->local_rank;
        uint32_t node_id = (uint32_t)rk->host;
        uint32_t appnum = (uint32_t)sp->appnum[r];
        info_item_t ritems[] = {
            {PMIX_RANK, &pr, PMIX_PROC_RANK},
            {PMIX_APPNUM, &appnum, PMIX_UINT32},
            {PMIX_APP_RANK, &pr, PMIX_PROC_RANK},
            {PMIX_GLOBAL_RANK, &pr, PMIX_PROC_RANK},
            {PMIX_LOCAL_RANK, &local_rank, PMIX_UINT16},
            {PMIX_NODE_RANK, &node_rank, PMIX_UINT16},
            {PMIX_NODEID, &node_id, PMIX_UINT32},
            {PMIX_HOSTNAME, job->hosts[rk->host], PMIX_STRING},
        };
        rc = add_array(list, PMIX_PROC_DATA, ritems, sizeof(ritems) / sizeof(ritems[0]));
    }
    return rc;
}

int mpirun_server_register_spawn(const mpirun_job_t *job, const mpirun_spawn_t *sp, char *err,
                                 size_t errlen)
{
    int host = job->ranks[sp->first].host;
    size_t len = (size_t)sp->np * 12 + 1;
    char *ranks = calloc(1, len);
    char *node_map = NULL, *proc_map = NULL;
    pmix_status_t rc = ranks != NULL ? PMIX_SUCCESS : PMIX_ERR_NOMEM;
    for (int r = 0, pos = 0; ranks != NULL && r < sp->np; r++) {
        pos += snprintf(ranks + pos, len - (size_t)pos, r == 0 ? "%d" : ",%d", r);
    }
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_generate_regex(job->hosts[host], &node_map);
    }
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_generate_ppn(ranks, &proc_map);
    }
    void *list = rc == PMIX_SUCCESS ? PMIx_Info_list_start() : NULL;
    if (rc == PMIX_SUCCESS) {
        rc = list != NULL ? add_spawn_info(list, job, sp, node_map, proc_map) : PMIX_ERR_NOMEM;
    }
    pmix_data_array_t info = PMIX_DATA_ARRAY_STATIC_INIT;
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_Info_list_convert(list, &info);
    }
    /* The slots first, so that the new processes' upcalls find them. */
    pthread_mutex_lock(&lock);
    pid_t *pids = realloc(rank_pids, (size_t)(sp->first + sp->np) * sizeof(*rank_pids));
    rank_pids = pids != NULL ? pids : rank_pids;
    int *hosts = realloc(rank_host, (size_t)(sp->first + sp->np) * sizeof(*rank_host));
    rank_host = hosts != NULL ? hosts : rank_host;
    server_job_t *grown = realloc(sjobs, (nsjobs + 1) * sizeof(*sjobs));
    sjobs = grown != NULL ? grown : sjobs;
    if (rc == PMIX_SUCCESS && (pids == NULL || hosts == NULL || grown == NULL)) {
        rc = PMIX_ERR_NOMEM;
    }
    if (rc == PMIX_SUCCESS) {
        for (int r = 0; r < sp->np; r++) {
            rank_pids[sp->first + r] = 0;
            rank_host[sp->first + r] = host;
        }
        nslots = sp->first + sp->np;
        server_job_t *j = &sjobs[nsjobs++];
        snprintf(j->nspace, sizeof(j->nspace), "%s", sp->nspace);
        j->first = sp->first;
        j->np = sp->np;
    }
    pthread_mutex_unlock(&lock);
    if (rc == PMIX_SUCCESS) {
        op_wait_t w;
        op_wait_init(&w);
        rc = op_wait(&w, PMIx_server_register_nspace(sp->nspace, sp->np, info.array, info.size,
                                                     op_done, &w));
    }
    PMIX_DATA_ARRAY_DESTRUCT(&info);
    if (list != NULL) {
        PMIx_Info_list_release(list);
    }
    free(node_map);
    free(proc_map);
    free(ranks);
    if (rc != PMIX_SUCCESS) {
        snprintf(err, errlen, "cannot register the spawned job with PMIx: %s",
                 PMIx_Error_string(rc));
        return -1;
    }
    return 0;
}

/* Whether the variable in "NAME=value" is set again by one of the -x settings. */
static bool is_overridden(const char *var, char *const *extra_env, int nextra)
{
    size_t name_len = strcspn(var, "=");
    for (int i = 0; i < nextra; i++) {
        if (strncmp(extra_env[i], var, name_len) == 0 && extra_env[i][name_len] == '=') {
            return true;
        }
    }
    return false;
}

/* The variables that Open MPI's and MPICH's launchers give each process, which scripts and
 * programs read for their rank (a wrapper that picks a GPU by local rank, say): rank and size in
 * its job, and on its host. */
#define RANK_VARS 8
static const char *const rank_var_names[RANK_VARS] = {"OMPI_COMM_WORLD_RANK",
                                                      "OMPI_COMM_WORLD_SIZE",
                                                      "OMPI_COMM_WORLD_LOCAL_RANK",
                                                      "OMPI_COMM_WORLD_LOCAL_SIZE",
                                                      "PMI_RANK",
                                                      "PMI_SIZE",
                                                      "MPI_LOCALRANKID",
                                                      "MPI_LOCALNRANKS"};

/* Whether "NAME=value" sets one of them: mpirun's own values replace what it inherited (from
 * the job around an mpirun started by a rank, say). */
static bool is_rank_var(const char *var)
{
    size_t name_len = strcspn(var, "=");
    for (int i = 0; i < RANK_VARS; i++) {
        if (strlen(rank_var_names[i]) == name_len &&
            strncmp(var, rank_var_names[i], name_len) == 0) {
            return true;
        }
    }
    return false;
}

static int add_rank_vars(const mpirun_job_t *job, int rank, int first, int np, char **env,
                         size_t *k_p)
{
    const mpirun_rank_t *rk = &job->ranks[rank];
    int local_rank = 0, local_size = 0;
    if (first == 0) {
        local_rank = rk->local_rank; /* the first job: ranks on a host numbered in rank order */
        local_size = job->host_nranks[rk->host];
    } else {
        for (int r = first; r < first + np; r++) { /* a spawned job's processes on this host */
            local_rank += r < rank && job->ranks[r].host == rk->host;
            local_size += job->ranks[r].host == rk->host;
        }
    }
    const int values[RANK_VARS] = {rank - first, np, local_rank, local_size,
                                   rank - first, np, local_rank, local_size};
    for (int i = 0; i < RANK_VARS; i++) {
        char *var = NULL;
        if (asprintf(&var, "%s=%d", rank_var_names[i], values[i]) < 0) {
            return -1;
        }
        env[(*k_p)++] = var;
    }
    return 0;
}

int mpirun_server_setup_rank(const mpirun_job_t *job, int rank, char *const *extra_env, int nextra,
                             char ***env_p, char *err, size_t errlen)
{
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, job->nspace, (pmix_rank_t)rank);
    pthread_mutex_lock(&lock);
    int first = 0, np = sjobs[0].np;
    for (size_t j = 1; j < nsjobs; j++) {
        if (rank >= sjobs[j].first && rank < sjobs[j].first + sjobs[j].np) {
            PMIX_LOAD_PROCID(&proc, sjobs[j].nspace, (pmix_rank_t)(rank - sjobs[j].first));
            first = sjobs[j].first;
            np = sjobs[j].np;
        }
    }
    pthread_mutex_unlock(&lock);
    op_wait_t w;
    op_wait_init(&w);
    pmix_status_t rc =
        op_wait(&w, PMIx_server_register_client(&proc, geteuid(), getegid(), NULL, op_done, &w));
    if (rc != PMIX_SUCCESS) {
        snprintf(err, errlen, "cannot register rank %d with PMIx: %s", rank, PMIx_Error_string(rc));
        return -1;
    }
    /* PMIx appends to a NULL-terminated array it may realloc: start from a malloc'd copy. */
    size_t n = 0;
    while (environ[n] != NULL) {
        n++;
    }
    char **env = calloc(n + (size_t)nextra + RANK_VARS + 1, sizeof(char *));
    if (env == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_overridden(environ[i], extra_env, nextra) && !is_rank_var(environ[i])) {
            env[k++] = strdup(environ[i]);
        }
    }
    for (int i = 0; i < nextra; i++) {
        env[k++] = strdup(extra_env[i]);
    }
    if (add_rank_vars(job, rank, first, np, env, &k) != 0) {
        mpirun_server_env_free(env);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    env[k] = NULL;
    rc = PMIx_server_setup_fork(&proc, &env);
    if (rc != PMIX_SUCCESS) {
        mpirun_server_env_free(env);
        snprintf(err, errlen, "cannot prepare rank %d's environment: %s", rank,
                 PMIx_Error_string(rc));
        return -1;
    }
    *env_p = env;
    return 0;
}

void mpirun_server_env_free(char **env)
{
    for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
        free(env[i]);
    }
    free(env);
}

void mpirun_server_lock(void)
{
    pthread_mutex_lock(&lock);
}

void mpirun_server_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

void mpirun_server_rank_started(int rank, pid_t pid)
{
    rank_pids[rank] = pid;
}

int mpirun_server_event_fd(void)
{
    return event_fd;
}

bool mpirun_server_next_event(mpirun_event_t *ev)
{
    uint64_t count;
    ssize_t ignored = read(event_fd, &count, sizeof(count));
    (void)ignored;
    pthread_mutex_lock(&lock);
    bool have = queue_len > 0;
    if (have) {
        *ev = queue[0];
        memmove(queue, queue + 1, (queue_len - 1) * sizeof(*queue));
        queue_len--;
    }
    pthread_mutex_unlock(&lock);
    return have;
}

void mpirun_server_relay_fences(void)
{
    relay = true;
}

bool mpirun_server_fence_get(int id, mpirun_fence_t *fence)
{
    bool found = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nfences; i++) {
        if (fences[i].id == id) {
            *fence = fences[i].fence;
            found = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

bool mpirun_server_fence_complete(uint64_t sig, uint32_t seq, int status, const void *data,
                                  size_t ndata)
{
    pthread_mutex_lock(&lock);
    size_t i = 0;
    while (i < nfences && (fences[i].fence.sig != sig || fences[i].fence.seq != seq)) {
        i++;
    }
    if (i == nfences) {
        pthread_mutex_unlock(&lock);
        return false;
    }
    pending_fence_t f = fences[i];
    memmove(fences + i, fences + i + 1, (nfences - i - 1) * sizeof(*fences));
    nfences--;
    pthread_mutex_unlock(&lock);
    free(f.fence.data);
    char *copy = malloc(ndata > 0 ? ndata : 1);
    if (copy == NULL) {
        f.cbfunc(PMIX_ERR_NOMEM, NULL, 0, f.cbdata, NULL, NULL);
        return true;
    }
    if (ndata > 0) {
        memcpy(copy, data, ndata);
    }
    f.cbfunc(status, copy, ndata, f.cbdata, release_fence_data, copy);
    return true;
}

bool mpirun_server_dmodex_get(int id, int *rank_p)
{
    bool found = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ndreqs; i++) {
        if (dreqs[i].id == id) {
            *rank_p = dreqs[i].rank;
            found = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

/* Takes request i out of the table (lock held). */
static dmodex_req_t take_dreq(size_t i)
{
    dmodex_req_t r = dreqs[i];
    dreqs[i] = dreqs[--ndreqs];
    return r;
}

void mpirun_server_dmodex_answer(int id, int status, const void *data, size_t ndata)
{
    pthread_mutex_lock(&lock);
    size_t i = 0;
    while (i < ndreqs && dreqs[i].id != id) {
        i++;
    }
    if (i == ndreqs) {
        pthread_mutex_unlock(&lock);
        return;
    }
    dmodex_req_t r = take_dreq(i);
    pthread_mutex_unlock(&lock);
    char *copy = status == PMIX_SUCCESS ? malloc(ndata > 0 ? ndata : 1) : NULL;
    if (copy == NULL) {
        r.cbfunc(status == PMIX_SUCCESS ? PMIX_ERR_NOMEM : status, NULL, 0, r.cbdata, NULL, NULL);
        return;
    }
    if (ndata > 0) {
        memcpy(copy, data, ndata);
    }
    r.cbfunc(status, copy, ndata, r.cbdata, release_fence_data, copy);
}

double mpirun_server_dmodex_expire(double now)
{
    double next = -1;
    for (;;) {
        pthread_mutex_lock(&lock);
        size_t i = 0;
        while (i < ndreqs && dreqs[i].deadline > now) {
            i++;
        }
        if (i == ndreqs) {
            for (size_t k = 0; k < ndreqs; k++) {
                next = (next < 0 || dreqs[k].deadline < next) ? dreqs[k].deadline : next;
            }
            pthread_mutex_unlock(&lock);
            return next;
        }
        dmodex_req_t r = take_dreq(i);
        pthread_mutex_unlock(&lock);
        r.cbfunc(PMIX_ERR_TIMEOUT, NULL, 0, r.cbdata, NULL, NULL);
    }
}

/* Who asked, carried through PMIx_server_dmodex_request. */
typedef struct serve_tag {
    uint32_t origin, id;
} serve_tag_t;

/* PMIx's answer for a rank here (on its thread; data valid only during the call). */
static void on_served(pmix_status_t status, char *data, size_t sz, void *cbdata)
{
    serve_tag_t *tag = cbdata;
    char *copy = malloc(sz > 0 ? sz : 1);
    if (copy != NULL && sz > 0) {
        memcpy(copy, data, sz);
    }
    pthread_mutex_lock(&lock);
    if (copy == NULL || !grow((void **)&served, nserved, &served_cap, sizeof(*served))) {
        pthread_mutex_unlock(&lock);
        free(copy);
        free(tag);
        return; /* out of memory: the requester times out */
    }
    int serial = next_served++;
    served[nserved++] = (dmodex_served_t){
        .serial = serial,
        .data = {.origin = tag->origin, .id = tag->id, .status = status, .data = copy, .ndata = sz},
    };
    pthread_mutex_unlock(&lock);
    free(tag);
    push_event(MPIRUN_EVENT_DMODEX_DATA, serial, 0);
}

int mpirun_server_dmodex_serve(int rank, uint32_t origin, uint32_t id)
{
    serve_tag_t *tag = malloc(sizeof(*tag));
    if (tag == NULL) {
        return PMIX_ERR_NOMEM;
    }
    *tag = (serve_tag_t){.origin = origin, .id = id};
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, job_nspace, (pmix_rank_t)rank);
    pmix_status_t rc = PMIx_server_dmodex_request(&proc, on_served, tag);
    if (rc != PMIX_SUCCESS) {
        free(tag);
    }
    return rc;
}

bool mpirun_server_dmodex_served(int serial, mpirun_dmodex_data_t *out)
{
    bool found = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nserved && !found; i++) {
        if (served[i].serial == serial) {
            *out = served[i].data;
            served[i] = served[--nserved];
            found = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

void mpirun_server_fini(void)
{
    op_wait_t w;
    op_wait_init(&w);
    PMIx_server_deregister_nspace(job_nspace, op_done, &w);
    op_wait(&w, PMIX_SUCCESS);
    PMIx_server_finalize();
    for (size_t j = 1; j < nsjobs; j++) {
        op_wait_init(&w);
        PMIx_server_deregister_nspace(sjobs[j].nspace, op_done, &w);
        op_wait(&w, PMIX_SUCCESS);
    }
    free(sjobs);
    for (size_t i = 0; i < nspawn_reqs; i++) {
        mpirun_server_spawn_free(spawn_reqs[i]);
    }
    free(spawn_reqs);
    free(rank_pids);
    free(rank_host);
    free(queue);
    for (size_t i = 0; i < nfences; i++) {
        free(fences[i].fence.data);
    }
    free(fences);
    free(sig_counts);
    free(dreqs);
    for (size_t i = 0; i < nserved; i++) {
        free(served[i].data.data);
    }
    free(served);
    mpirun_names_clear(&names);
    close(event_fd);
}
