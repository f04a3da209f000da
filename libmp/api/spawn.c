/*
 * MPI_Comm_spawn and MPI_Comm_spawn_multiple: libmp cannot add processes to a running job (its
 * transports address the ranks of one job, all started by mpirun), so both fail on every member
 * of comm alike: MPI_ERR_SPAWN, every error code set, intercomm MPI_COMM_NULL.
 */
#include <stdio.h>

#include "api/api.h"

/* What the root found, for every member: the error class and the number of processes asked
 * for (the length of array_of_errcodes, known at the root only). */
typedef struct outcome {
    int errclass;
    int nprocs;
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

/* One program's arguments at the root: reports what is wrong on comm's handler. */
static int check_program(mp_comm_t *c, const char *call, const char *what, const char *command,
                         int maxprocs, MPI_Info info)
{
    if (command == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%scommand is NULL; pass a program's path", what);
    }
    if (maxprocs < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%smaxprocs is %d; it must not be negative", what,
                            maxprocs);
    }
    if (info != MPI_INFO_NULL) {
        struct mp_info *obj = NULL;
        return mp_api_info_check(c, call, info, &obj);
    }
    return MPI_SUCCESS;
}

/* Every member learns the root's outcome, sets the codes and the handle, and fails. */
static int refuse(const char *call, mp_comm_t *c, int root, outcome_t *o, MPI_Comm *intercomm,
                  int array_of_errcodes[])
{
    *intercomm = MPI_COMM_NULL;
    int rc = PMPI_Bcast(o, 2, MPI_INT, root, mp_api_comm_handle(c));
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (o->errclass != MPI_SUCCESS) {
        /* The root reported its argument error already. */
        return c->rank == root ? o->errclass
                               : mp_api_error(c, call, o->errclass,
                                              "the root (rank %d of %s) refused its "
                                              "arguments with %s",
                                              root, c->name, mp_api_errclass_name(o->errclass));
    }
    if (array_of_errcodes != MPI_ERRCODES_IGNORE) {
        for (int i = 0; i < o->nprocs; i++) {
            array_of_errcodes[i] = MPI_ERR_SPAWN;
        }
    }
    return mp_api_error(c, call, MPI_ERR_SPAWN,
                        "libmp cannot start %d more process%s in a running job: it starts "
                        "processes only through mpirun; start them all with mpirun -n N, then "
                        "divide them with MPI_Comm_split, or join groups with MPI_Open_port, "
                        "MPI_Comm_accept and MPI_Comm_connect",
                        o->nprocs, o->nprocs == 1 ? "" : "es");
}

#pragma weak MPI_Comm_spawn = PMPI_Comm_spawn
int PMPI_Comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                    MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[])
{
    MP_API_LOCK();
    (void)argv;
    const char *call = "MPI_Comm_spawn";
    mp_comm_t *c = NULL;
    int rc = check_common(call, root, comm, intercomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    outcome_t o = {MPI_SUCCESS, 0};
    if (c->rank == root) {
        o.errclass = check_program(c, call, "", command, maxprocs, info);
        o.nprocs = maxprocs;
    }
    return refuse(call, c, root, &o, intercomm, array_of_errcodes);
}

#pragma weak MPI_Comm_spawn_multiple = PMPI_Comm_spawn_multiple
int PMPI_Comm_spawn_multiple(int count, char *array_of_commands[], char **array_of_argv[],
                             const int array_of_maxprocs[], const MPI_Info array_of_info[],
                             int root, MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[])
{
    MP_API_LOCK();
    (void)array_of_argv;
    const char *call = "MPI_Comm_spawn_multiple";
    mp_comm_t *c = NULL;
    int rc = check_common(call, root, comm, intercomm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    outcome_t o = {MPI_SUCCESS, 0};
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
        }
        for (int i = 0; i < count && o.errclass == MPI_SUCCESS; i++) {
            char what[48];
            snprintf(what, sizeof(what), "program %d: ", i);
            o.errclass = check_program(c, call, what, array_of_commands[i], array_of_maxprocs[i],
                                       array_of_info[i]);
            if (o.errclass == MPI_SUCCESS && array_of_maxprocs[i] > INT32_MAX - o.nprocs) {
                o.errclass =
                    mp_api_error(c, call, MPI_ERR_ARG,
                                 "the programs' maxprocs add up to more than %d", INT32_MAX);
            }
            o.nprocs += o.errclass == MPI_SUCCESS ? array_of_maxprocs[i] : 0;
        }
    }
    return refuse(call, c, root, &o, intercomm, array_of_errcodes);
}
