/*
 * MPI_Comm_spawn's request to the launcher: PMIx_Spawn with one pmix_app_t per program, the MPI
 * info keys turned into PMIx ones (wdir -> cwd, host -> PMIX_HOST, path -> libmp's key, env ->
 * the app's environment), and the new namespace turned into a job number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmix.h>

#include "core/log.h"
#include "wireup/procs.h"
#include "wireup/wireup.h"
#include "wireup/wireup_internal.h"

/* "A=1\nB=2" (Open MPI's "env" info) as a NULL-terminated array; NULL when out of memory. */
static char **env_list(const char *text)
{
    size_t n = 0;
    for (const char *p = text; p != NULL && *p != '\0'; p++) {
        n += *p == '\n';
    }
    char **list = calloc(n + 2, sizeof(char *));
    char *copy = text != NULL ? strdup(text) : NULL;
    if (list == NULL || (text != NULL && copy == NULL)) {
        free(list);
        free(copy);
        return NULL;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *line = copy != NULL ? strtok_r(copy, "\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strchr(line, '=') != NULL) {
            list[k++] = strdup(line);
        }
    }
    free(copy);
    return list;
}

static void free_list(char **list)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        free(list[i]);
    }
    free(list);
}

/* argv[0] is the command, as PMIx expects. */
static char **argv_list(const char *command, char **argv)
{
    size_t n = 0;
    while (argv != NULL && argv[n] != NULL) {
        n++;
    }
    char **list = calloc(n + 2, sizeof(char *));
    if (list == NULL) {
        return NULL;
    }
    list[0] = strdup(command);
    for (size_t i = 0; i < n; i++) {
        list[i + 1] = strdup(argv[i]);
    }
    return list;
}

static mp_status_t fill_app(pmix_app_t *app, const mp_wireup_app_t *in)
{
    app->cmd = strdup(in->command);
    app->argv = argv_list(in->command, in->argv);
    app->env = env_list(in->env);
    app->cwd = in->wdir != NULL ? strdup(in->wdir) : NULL;
    app->maxprocs = in->maxprocs;
    size_t ninfo = (in->host != NULL) + (in->path != NULL);
    if (ninfo > 0) {
        PMIX_INFO_CREATE(app->info, ninfo);
        app->ninfo = ninfo;
        size_t i = 0;
        if (in->host != NULL) {
            PMIX_INFO_LOAD(&app->info[i++], PMIX_HOST, in->host, PMIX_STRING);
        }
        if (in->path != NULL) {
            PMIX_INFO_LOAD(&app->info[i++], MP_WIREUP_SPAWN_PATH_KEY, in->path, PMIX_STRING);
        }
    }
    bool ok = app->cmd != NULL && app->argv != NULL && app->env != NULL &&
              (in->wdir == NULL || app->cwd != NULL) && (ninfo == 0 || app->info != NULL);
    return ok ? MP_OK : MP_ERR_NOMEM;
}

static void free_app(pmix_app_t *app)
{
    free(app->cmd);
    free_list(app->argv);
    free_list(app->env);
    free(app->cwd);
    if (app->info != NULL) {
        PMIX_INFO_FREE(app->info, app->ninfo);
    }
}

mp_status_t mp_wireup_spawn(const mp_wireup_app_t *apps, int napps, uint32_t *job_p)
{
    if (mp_wireup_self() == NULL || !mp_wireup_jobs_known()) {
        /* A singleton has no launcher to start the new job nor to join it to this one; the
         * user's remedy is to start the program under mpirun, even as a 1-process job. */
        mp_log_error("MPI_Comm_spawn needs libmp's mpirun: %s",
                     mp_wireup_self() == NULL
                         ? "this process was started without it (a singleton); start it with "
                           "mpirun, e.g. mpirun -n 1 PROGRAM"
                         : "this launcher's jobs cannot reach one another");
        return MP_ERR_SPAWN;
    }
    pmix_app_t *papps = calloc((size_t)napps, sizeof(*papps));
    if (papps == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_status_t st = MP_OK;
    for (int a = 0; a < napps && st == MP_OK; a++) {
        st = fill_app(&papps[a], &apps[a]);
    }
    pmix_nspace_t nspace;
    memset(nspace, 0, sizeof(nspace));
    if (st == MP_OK) {
        pmix_status_t rc = PMIx_Spawn(NULL, 0, papps, (size_t)napps, nspace);
        if (rc != PMIX_SUCCESS) {
            mp_log_error("the launcher could not start \"%s\"%s: %s", apps[0].command,
                         napps > 1 ? " and the other programs" : "", PMIx_Error_string(rc));
            st = MP_ERR_SPAWN;
        }
    }
    if (st == MP_OK) {
        st = mp_wireup_job_of(nspace, job_p);
    }
    for (int a = 0; a < napps; a++) {
        free_app(&papps[a]);
    }
    free(papps);
    return st;
}
