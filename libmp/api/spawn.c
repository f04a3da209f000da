/*
 * MPI_Comm_spawn and MPI_Comm_spawn_multiple: the root checks the programs and asks the
 * launcher to start them as a new job (wireup/procs.h, through comm/dynamic.h); every member
 * learns the outcome, and on success all of comm meet the new job's MPI_COMM_WORLD in an
 * intercommunicator. On failure every member fails alike: MPI_ERR_SPAWN, every error code set,
 * intercomm MPI_COMM_NULL.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "comm/dynamic.h"
#include "core/info.h"

/* What the root found, for every member: the error class, the number of processes asked for
 * (the length of array_of_errcodes, known at the root only) and the new job's number. */
typedef struct outcome {
    int errclass;
    int nprocs;
    int job;
} outcome_t;

/* The arguments every member checks. */
static int check_common(const char *call, int root, MPI_Comm comm, const MPI_Comm *intercomm,
                        mp_comm_t **c_p)
{
    int rc = mp_api_comm_ctor_check(call, comm, intercomm, c_p);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_comm_check_intra(call, *c_p);
    }
    if (rc == MPI_SUCCESS && (root < 0 || root >= (*c_p)->size)) {
        rc = mp_api_error(*c_p, call, MPI_ERR_ROOT,
                          "root %d is out of range: it must be a rank of %s, 0..%d, the same on "
                          "every member",
                          root, (*c_p)->name, (*c_p)->size - 1);
    }
    return rc;
}

/* One program's arguments at the root: reports what is wrong on comm's handler, and fills app
 * from them (the info's keys "wdir", "path", "host" and "env"; others are ignored). */
static int check_program(mp_comm_t *c, const char *call, const char *what, const char *command,
                         char **argv, int maxprocs, MPI_Info info, mp_wireup_app_t *app)
{
    if (command == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%scommand is NULL; pass a program's path", what);
    }
    if (command[0] == '\0') {
        return mp_api_error(c, call, MPI_ERR_ARG, "%scommand is empty; pass a program's path",
                            what);
    }
    if (maxprocs <= 0) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "%smaxprocs is %d; pass the number of processes to start, at least 1",
                            what, maxprocs);
    }
    *app = (mp_wireup_app_t){.command = command, .argv = argv, .maxprocs = maxprocs};
    if (info != MPI_INFO_NULL) {
        struct mp_info *obj = NULL;
        int rc = mp_api_info_check(c, call, info, &obj);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
        app->wdir = mp_info_get(obj, "wdir");
        app->path = mp_info_get(obj, "path");
        app->host = mp_info_get(obj, "host");
        app->env = mp_info_get(obj, "env");
    }
    return MPI_SUCCESS;
}

/* The root asks the launcher for the new job. */
static void root_spawn(mp_comm_t *c, const char *call, const mp_wireup_app_t *apps, int napps,
                       outcome_t *o)
{
    uint32_t job = 0;
    mp_status_t st = mp_comm_spawn_start(apps, napps, &job);
    if (st == MP_OK && job > INT32_MAX) {
        st = MP_ERR_SPAWN;
    }
    if (st != MP_OK) {
        o->errclass =
            mp_api_error(c, call, MPI_ERR_SPAWN,
                         "cannot start %d process%s of \"%s\"%s: %s (the launcher says "
                         "why above)",
                         o->nprocs, o->nprocs == 1 ? "" : "es", apps[0].command,
                         napps > 1 ? " and the other programs" : "", mp_status_string(st));
        return;
    }
    o->job = (int)job;
}

/* Every member learns the root's outcome; on success all meet the new job. */
static int finish(const char *call, mp_comm_t *c, int root, outcome_t *o, MPI_Comm *intercomm,
                  int array_of_errcodes[])
{
    *intercomm = MPI_COMM_NULL;
    int rc = PMPI_Bcast(o, 3, MPI_INT, root, mp_api_comm_handle(c));
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (o->errclass == MPI_SUCCESS) {
        mp_comm_t *n = NULL;
        mp_status_t st = mp_comm_spawn_connect(c, root, (uint32_t)o->job, &n);
        if (st != MP_OK) {
            rc = mp_api_comm_failed(call, c, st);
            o->errclass = MPI_ERR_SPAWN;
        } else {
            mp_api_comm_publish(n, intercomm);
        }
    } else if (c->rank != root && o->nprocs >= 0) {
        /* The root reported its error already. */
        rc = mp_api_error(c, call, o->errclass, "the root (rank %d of %s) failed with %s", root,
                          c->name, mp_api_errclass_name(o->errclass));
    } else {
        rc = o->errclass;
    }
    if (array_of_errcodes != MPI_ERRCODES_IGNORE) {
        int code = o->errclass == MPI_SUCCESS ? MPI_SUCCESS : MPI_ERR_SPAWN;
        for (int i = 0; i < o->nprocs; i++) {
            array_of_errcodes[i] = code;
        }
    }
    return rc;
}

#pragma weak MPI_Comm_spawn = PMPI_Comm_spawn
int PMPI_Comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                    MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[])
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_spawn";
    mp_comm_t *c = NULL;
    int rc = check_common(call, root, comm, intercomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    outcome_t o = {MPI_SUCCESS, 0, 0};
    if (c->rank == root) {
        mp_wireup_app_t app;
        o.errclass = check_program(c, call, "", command, argv, maxprocs, info, &app);
        /* A bad argument leaves no error codes to set. */
        o.nprocs = o.errclass == MPI_SUCCESS ? maxprocs : 0;
        if (o.errclass == MPI_SUCCESS) {
            root_spawn(c, call, &app, 1, &o);
        }
    }
    return finish(call, c, root, &o, intercomm, array_of_errcodes);
}

#pragma weak MPI_Comm_spawn_multiple = PMPI_Comm_spawn_multiple
int PMPI_Comm_spawn_multiple(int count, char *array_of_commands[], char **array_of_argv[],
                             const int array_of_maxprocs[], const MPI_Info array_of_info[],
                             int root, MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[])
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_spawn_multiple";
    mp_comm_t *c = NULL;
    int rc = check_common(call, root, comm, intercomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    outcome_t o = {MPI_SUCCESS, 0, 0};
    mp_wireup_app_t *apps = NULL;
    if (c->rank == root) {
        if (count <= 0) {
            o.errclass =
                mp_api_error(c, call, MPI_ERR_ARG,
                             "count is %d; pass the number of programs, at least 1", count);
        } else if (array_of_commands == NULL || array_of_maxprocs == NULL ||
                   array_of_info == NULL) {
            o.errclass = mp_api_error(c, call, MPI_ERR_ARG,
                                      "array_of_commands, array_of_maxprocs or array_of_info is "
                                      "NULL; pass count entries in each");
        } else if ((apps = calloc((size_t)count, sizeof(*apps))) == NULL) {
            o.errclass = mp_api_error(c, call, MPI_ERR_NO_MEM, "out of memory");
        }
        for (int i = 0; i < count && o.errclass == MPI_SUCCESS; i++) {
            char what[48];
            snprintf(what, sizeof(what), "program %d: ", i);
            char **argv = array_of_argv != MPI_ARGVS_NULL ? array_of_argv[i] : MPI_ARGV_NULL;
            o.errclass = check_program(c, call, what, array_of_commands[i], argv,
                                       array_of_maxprocs[i], array_of_info[i], &apps[i]);
            if (o.errclass == MPI_SUCCESS && array_of_maxprocs[i] > INT32_MAX - o.nprocs) {
                o.errclass =
                    mp_api_error(c, call, MPI_ERR_ARG,
                                 "the programs' maxprocs add up to more than %d", INT32_MAX);
            }
            o.nprocs += o.errclass == MPI_SUCCESS ? array_of_maxprocs[i] : 0;
        }
        if (o.errclass == MPI_SUCCESS) {
            root_spawn(c, call, apps, count, &o);
        } else {
            o.nprocs = 0;
        }
        free(apps);
    }
    return finish(call, c, root, &o, intercomm, array_of_errcodes);
}
