/*
 * MPI_Comm_spawn in mpirun: the main loop's side of a spawn request (server.c queues it from
 * PMIx's thread). The new job runs on this host, under this mpirun's PMIx server, with its
 * stdio forwarded like the first job's; its processes are slots of the one mpirun_job_t, so
 * every rule that ends a job covers them too.
 */
#ifndef MPIRUN_SPAWN_H
#define MPIRUN_SPAWN_H

#include <hwloc.h>
#include <stdbool.h>
#include <stdint.h>

#include "mpirun/iof.h"
#include "mpirun/job.h"

/* The most processes one spawn starts. */
#define MPIRUN_SPAWN_MAX (1 << 16)

typedef struct mpirun_spawner {
    mpirun_job_t *job;
    mpirun_iof_t **out, **err; /* the streams of every slot: grown here for the new ones */
    char *const *exports;      /* the -x settings every job gets */
    int nexport;
    bool tag_output;
    const mpirun_output_t *output; /* the run's other output options */
    const char *hostname;          /* this host's name */
    int local_host;                /* its node id, -1 when it runs no rank */
    bool multi_host;               /* the first job spans several hosts */
    uint32_t univ_size;            /* MPI_UNIVERSE_SIZE */
    /* Binding (mapping.h): the host's topology and the job's policies; the processes placed
     * here so far (the first job's local ranks, then every spawned one), and whether the first
     * job's were bound. Spawned processes take the cores after them. */
    hwloc_topology_t topo;
    int map_by, bind_to; /* mpirun_map_t, mpirun_bind_t */
    bool report_bindings;
    int nplaced;
    bool placed_bound;
} mpirun_spawner_t;

/* Serves the spawn request with this id (MPIRUN_EVENT_SPAWN): starts its processes and
 * answers PMIx, or answers with a failure and says why on stderr. Never blocks for long. */
void mpirun_spawn_handle(mpirun_spawner_t *sp, int id);

/* Whether a -H/info "host" name means this host. */
bool mpirun_spawn_is_local(const char *name, const char *hostname);

#endif
