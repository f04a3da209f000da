/*
 * Spawned jobs: checks a request's hosts and programs, adds its processes as slots of the job,
 * registers the new namespace, forks them with their PMIx environments and pipes, and answers
 * PMIx. A request that cannot start whole starts nothing: what was forked is killed and reaped.
 */
#define _GNU_SOURCE
#include "mpirun/spawn.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hwloc.h>
#include <hwloc/glibc-sched.h>

#include "mpirun/launch.h"
#include "mpirun/loop.h"
#include "mpirun/mapping.h"
#include "mpirun/server.h"

#define ERRLEN 512

bool mpirun_spawn_is_local(const char *name, const char *hostname)
{
    size_t short_len = strcspn(hostname, ".");
    return strcmp(name, "localhost") == 0 || strncmp(name, "127.", 4) == 0 ||
           strcmp(name, hostname) == 0 ||
           (strlen(name) == short_len && strncmp(name, hostname, short_len) == 0);
}

/* Every host an app names must be this one: spawned jobs start only where mpirun runs. */
static int check_hosts(const mpirun_spawner_t *sp, const mpirun_spawn_app_t *app, char *err)
{
    if (sp->local_host < 0 || sp->multi_host) {
        snprintf(err, ERRLEN,
                 "cannot start \"%s\": libmp's mpirun starts spawned processes only when the "
                 "whole first job runs on its own host",
                 app->cmd);
        return -1;
    }
    if (app->host == NULL) {
        return 0;
    }
    char *list = strdup(app->host);
    int rc = list != NULL ? 0 : -1;
    char *save = NULL;
    for (char *h = list != NULL ? strtok_r(list, ", ", &save) : NULL; h != NULL && rc == 0;
         h = strtok_r(NULL, ", ", &save)) {
        char *colon = strchr(h, ':'); /* "host:slots" */
        if (colon != NULL) {
            *colon = '\0';
        }
        if (!mpirun_spawn_is_local(h, sp->hostname)) {
            snprintf(err, ERRLEN,
                     "cannot start \"%s\" on host \"%s\": libmp's mpirun starts spawned "
                     "processes only on its own host (%s)",
                     app->cmd, h, sp->hostname);
            rc = -1;
        }
    }
    if (list == NULL) {
        snprintf(err, ERRLEN, "out of memory");
    }
    free(list);
    return rc;
}

/* A relative path made absolute from mpirun's directory: the process starts in wdir. */
static int absolute(char *path, size_t len, char *err)
{
    char cwd[4096];
    if (path[0] == '/') {
        return 0;
    }
    if (getcwd(cwd, sizeof(cwd)) == NULL || strlen(cwd) + 1 + strlen(path) >= len) {
        snprintf(err, ERRLEN, "cannot make \"%s\" an absolute path", path);
        return -1;
    }
    size_t n = strlen(cwd), m = strlen(path);
    memmove(path + n + 1, path, m + 1);
    memcpy(path, cwd, n);
    path[n] = '/';
    return 0;
}

/* The program's path: relative to wdir, or in one of the "path" directories, else as execvp
 * finds it from mpirun's directory; always absolute, since the process starts in wdir. */
static int resolve(const mpirun_spawn_app_t *app, char *path, size_t len, char *err)
{
    if (app->cwd != NULL && app->cmd[0] != '/' && strchr(app->cmd, '/') != NULL) {
        snprintf(path, len, "%s/%s", app->cwd, app->cmd);
        if (access(path, X_OK) == 0) {
            return absolute(path, len, err);
        }
    }
    int rc = mpirun_launch_resolve(app->cmd, app->path, path, len, err, ERRLEN);
    return rc == 0 ? absolute(path, len, err) : rc;
}

/* The environment additions of one process: mpirun's -x settings, then the app's own. */
static char **extra_env(const mpirun_spawner_t *sp, const mpirun_spawn_app_t *app, int *n_p)
{
    int n = 0;
    while (app->env != NULL && app->env[n] != NULL) {
        n++;
    }
    char **list = calloc((size_t)(sp->nexport + n + 1), sizeof(char *));
    if (list == NULL) {
        return NULL;
    }
    for (int i = 0; i < sp->nexport; i++) {
        list[i] = sp->exports[i];
    }
    for (int i = 0; i < n; i++) {
        list[sp->nexport + i] = app->env[i];
    }
    *n_p = sp->nexport + n;
    return list;
}

static int grow_streams(mpirun_spawner_t *sp, int first)
{
    int np = sp->job->np;
    mpirun_iof_t *out = realloc(*sp->out, (size_t)np * sizeof(*out));
    if (out != NULL) {
        *sp->out = out;
    }
    mpirun_iof_t *errs = realloc(*sp->err, (size_t)np * sizeof(*errs));
    if (errs != NULL) {
        *sp->err = errs;
    }
    if (out == NULL || errs == NULL) {
        return -1;
    }
    for (int s = first; s < np; s++) {
        const mpirun_rank_t *r = &sp->job->ranks[s];
        mpirun_iof_init(&out[s], -1, STDOUT_FILENO, r->jrank, sp->tag_output);
        mpirun_iof_init(&errs[s], -1, STDERR_FILENO, r->jrank, sp->tag_output);
        out[s].job = errs[s].job = r->job + 1;
        char why[512];
        if (mpirun_iof_output(&out[s], sp->output, why, sizeof(why)) != 0 ||
            mpirun_iof_output(&errs[s], sp->output, why, sizeof(why)) != 0) {
            mpirun_say("%s (its output goes to mpirun's only)", why);
        }
    }
    return 0;
}

/* Gives up on slots first..np-1: kills and reaps what was forked, counts them all as gone. */
static void abandon(mpirun_spawner_t *sp, int first)
{
    mpirun_job_t *job = sp->job;
    for (int s = first; s < job->np; s++) {
        mpirun_rank_t *r = &job->ranks[s];
        if (r->pid > 0) {
            kill(-r->pid, SIGKILL);
            kill(r->pid, SIGKILL);
            waitpid(r->pid, NULL, 0);
        }
        if (!r->exited) {
            r->exited = true;
            job->nexited++;
        }
        mpirun_iof_fini(&(*sp->out)[s]);
        mpirun_iof_fini(&(*sp->err)[s]);
    }
}

/* The cpusets of slots first..np-1 (sets[i] for slot first + i; NULL: unbound): the cores
 * after the processes placed before them, as mpirun's mapping would go on (mapping.h); said
 * with --report-bindings. */
static int bind_new(mpirun_spawner_t *sp, int first, hwloc_bitmap_t *sets, char *err)
{
    mpirun_job_t *job = sp->job;
    int k = job->np - first;
    if (sp->topo == NULL) {
        return 0;
    }
    if (mpirun_bind_compute_more(sp->topo, sp->nplaced, sp->placed_bound, k,
                                 (mpirun_map_t)sp->map_by, (mpirun_bind_t)sp->bind_to, sets, err,
                                 ERRLEN) != 0) {
        return -1;
    }
    sp->nplaced += k;
    for (int i = 0; i < k && sp->report_bindings; i++) {
        char name[64], desc[512];
        mpirun_job_name(job, first + i, name, sizeof(name));
        mpirun_bind_describe_rank(sp->topo, sets[i], sp->nplaced, (mpirun_bind_t)sp->bind_to, desc,
                                  sizeof(desc));
        mpirun_say("%s on %s: %s", name, sp->hostname, desc);
    }
    return 0;
}

/* Forks the processes of slots first.. (app by app) and waits for their execs. */
static int launch_all(mpirun_spawner_t *sp, const mpirun_spawn_req_t *req, char (*paths)[4096],
                      int first, char *err)
{
    mpirun_job_t *job = sp->job;
    mpirun_child_t *children = calloc((size_t)(job->np - first), sizeof(*children));
    if (children == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int k = job->np - first;
    hwloc_bitmap_t *sets = calloc((size_t)k + 1, sizeof(*sets));
    if (sets == NULL) {
        free(children);
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int result = bind_new(sp, first, sets, err);
    int s = first;
    for (int a = 0; a < req->napps && result == 0; a++) {
        const mpirun_spawn_app_t *app = &req->apps[a];
        int nextra = 0;
        char **extra = extra_env(sp, app, &nextra);
        for (int i = 0; i < app->maxprocs && result == 0; i++, s++) {
            char **env = NULL;
            if (extra == NULL) {
                snprintf(err, ERRLEN, "out of memory");
                result = -1;
                break;
            }
            if (mpirun_server_setup_rank(job, s, extra, nextra, &env, err, ERRLEN) != 0) {
                result = -1;
                break;
            }
            cpu_set_t cpus;
            hwloc_bitmap_t set = sets[s - first];
            if (set != NULL) {
                hwloc_cpuset_to_glibc_sched_affinity(sp->topo, set, &cpus, sizeof(cpus));
            }
            mpirun_launch_t spec = {.path = paths[a],
                                    .argv = app->argv,
                                    .envp = env,
                                    .cpus = set != NULL ? &cpus : NULL,
                                    .wdir = app->cwd};
            mpirun_child_t *c = &children[s - first];
            mpirun_server_lock();
            result = mpirun_launch(&spec, c, err, ERRLEN);
            if (result == 0) {
                mpirun_server_rank_started(s, c->pid);
                job->ranks[s].pid = c->pid;
            }
            mpirun_server_unlock();
            mpirun_server_env_free(env);
            if (result == 0) {
                (*sp->out)[s].fd = c->out_fd;
                (*sp->err)[s].fd = c->err_fd;
            }
        }
        free(extra);
    }
    s = first;
    for (int a = 0; a < req->napps; a++) {
        for (int i = 0; i < req->apps[a].maxprocs; i++, s++) {
            char exec_err[ERRLEN];
            if (job->ranks[s].pid > 0 &&
                mpirun_launch_confirm(&children[s - first], paths[a], exec_err, ERRLEN) != 0 &&
                result == 0) {
                snprintf(err, ERRLEN, "%s", exec_err);
                result = -1;
            }
        }
    }
    mpirun_bind_sets_free(sets, k);
    free(sets);
    free(children);
    return result;
}

static int start(mpirun_spawner_t *sp, mpirun_spawn_req_t *req, char *nspace, size_t nslen,
                 char *err)
{
    mpirun_job_t *job = sp->job;
    if (job->ending) {
        snprintf(err, ERRLEN, "cannot start \"%s\": the job is ending", req->apps[0].cmd);
        return -1;
    }
    long total = 0;
    for (int a = 0; a < req->napps; a++) {
        total += req->apps[a].maxprocs;
        if (check_hosts(sp, &req->apps[a], err) != 0) {
            return -1;
        }
    }
    if (total > MPIRUN_SPAWN_MAX) {
        snprintf(err, ERRLEN, "cannot start %ld processes in one spawn: at most %d", total,
                 MPIRUN_SPAWN_MAX);
        return -1;
    }
    char(*paths)[4096] = calloc((size_t)req->napps, sizeof(*paths));
    int *appnum = calloc((size_t)total, sizeof(int));
    if (paths == NULL || appnum == NULL) {
        free(paths);
        free(appnum);
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int rc = 0;
    for (int a = 0, k = 0; a < req->napps && rc == 0; a++) {
        rc = resolve(&req->apps[a], paths[a], sizeof(paths[a]), err);
        for (int i = 0; i < req->apps[a].maxprocs; i++) {
            appnum[k++] = a;
        }
    }
    int first = rc == 0 ? mpirun_job_add(job, (int)total, sp->local_host) : -1;
    if (rc == 0 && first < 0) {
        snprintf(err, ERRLEN, "out of memory");
    }
    if (first >= 0) {
        const mpirun_rank_t *parent = &job->ranks[req->parent];
        char parent_ns[128];
        if (parent->job == 0) {
            snprintf(parent_ns, sizeof(parent_ns), "%s", job->nspace);
        } else {
            snprintf(parent_ns, sizeof(parent_ns), "%s.%d", job->nspace, parent->job);
        }
        int number = job->njobs - 1;
        snprintf(nspace, nslen, "%s.%d", job->nspace, number);
        mpirun_spawn_t desc = {.nspace = nspace,
                               .number = number,
                               .first = first,
                               .np = (int)total,
                               .napps = req->napps,
                               .appnum = appnum,
                               .parent_nspace = parent_ns,
                               .parent_rank = parent->jrank,
                               .univ_size = sp->univ_size};
        rc = grow_streams(sp, first);
        if (rc != 0) {
            snprintf(err, ERRLEN, "out of memory");
        }
        if (rc == 0) {
            rc = mpirun_server_register_spawn(job, &desc, err, ERRLEN);
        }
        if (rc == 0) {
            rc = launch_all(sp, req, paths, first, err);
        }
        if (rc != 0) {
            abandon(sp, first);
        }
    }
    free(paths);
    free(appnum);
    return rc;
}

void mpirun_spawn_handle(mpirun_spawner_t *sp, int id)
{
    mpirun_spawn_req_t *req = mpirun_server_spawn_take(id);
    if (req == NULL) {
        return;
    }
    char nspace[256] = "";
    char err[ERRLEN];
    if (start(sp, req, nspace, sizeof(nspace), err) != 0) {
        char name[64];
        mpirun_job_name(sp->job, req->parent, name, sizeof(name));
        mpirun_say("MPI_Comm_spawn by %s failed: %s", name, err);
        mpirun_server_spawn_answer(req, -1, NULL);
        return;
    }
    mpirun_server_spawn_answer(req, 0, nspace);
}
