/*
 * The job's published names (MPI_Publish_name and friends reach it through PMIx's publish,
 * lookup and unpublish upcalls): service name -> port name, with the job rank that published
 * it. Pure: no PMIx, no locking (the caller holds its lock).
 */
#ifndef MPIRUN_NAMES_H
#define MPIRUN_NAMES_H

#include <stddef.h>

typedef enum mpirun_names_status {
    MPIRUN_NAMES_OK = 0,
    MPIRUN_NAMES_NOT_FOUND, /* lookup, unpublish: no such name */
    MPIRUN_NAMES_DUPLICATE, /* publish: the name is published already */
    MPIRUN_NAMES_NOT_OWNER, /* unpublish: another rank published it */
    MPIRUN_NAMES_NO_MEMORY,
} mpirun_names_status_t;

typedef struct mpirun_name {
    char *service;
    char *port;
    int owner; /* the job rank that published it */
} mpirun_name_t;

typedef struct mpirun_names {
    mpirun_name_t *items;
    size_t n, cap;
} mpirun_names_t;

/* Publishes service -> port for rank owner; both strings are copied. */
mpirun_names_status_t mpirun_names_publish(mpirun_names_t *names, const char *service,
                                           const char *port, int owner);

/* The entry of service (owned by the table, valid until the next change), or NULL. */
const mpirun_name_t *mpirun_names_lookup(const mpirun_names_t *names, const char *service);

/* Withdraws service, which rank owner must have published. */
mpirun_names_status_t mpirun_names_unpublish(mpirun_names_t *names, const char *service, int owner);

/* Frees every entry. */
void mpirun_names_clear(mpirun_names_t *names);

#endif
