/*
 * mpirun's embedded PMIx server: it tells the ranks about the job, completes their fences and
 * hears their aborts and finalizes. PMIx calls us on its own thread; what mpirun must act on
 * comes out as events, read by the main loop when event_fd is readable.
 */
#ifndef MPIRUN_SERVER_H
#define MPIRUN_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <hwloc.h>

#include "mpirun/job.h"

typedef enum mpirun_event_kind {
    MPIRUN_EVENT_CONNECTED, /* the rank called PMIx_Init */
    MPIRUN_EVENT_FINALIZED, /* the rank called PMIx_Finalize */
    MPIRUN_EVENT_ABORTED,   /* the rank called PMIx_Abort with status */
} mpirun_event_kind_t;

typedef struct mpirun_event {
    mpirun_event_kind_t kind;
    int rank;
    int status;
} mpirun_event_t;

/* Starts the server with its files in tmpdir. topo must stay alive until the process ends. */
int mpirun_server_init(const char *tmpdir, hwloc_topology_t topo, char *err, size_t errlen);

/* Registers the whole job, of which this server hosts the ranks on host local_host. */
int mpirun_server_register_job(const mpirun_job_t *job, int local_host, char *err, size_t errlen);

/* Prepares one local rank: registers it and returns in *env_p a new environment (a copy of
 * environ plus -x settings in extra_env, plus PMIx's variables) to execve it with. */
int mpirun_server_setup_rank(const mpirun_job_t *job, int rank, char *const *extra_env, int nextra,
                             char ***env_p, char *err, size_t errlen);
void mpirun_server_env_free(char **env);

/* Forking a rank and recording its pid happen under this lock, so that PMIx's thread never
 * hears from a rank whose pid mpirun has not recorded yet. */
void mpirun_server_lock(void);
void mpirun_server_unlock(void);

/* Tells the server which process is the rank, once forked. Call with the lock held. */
void mpirun_server_rank_started(int rank, pid_t pid);

/* Readable when events wait; next_event returns false when none is left. */
int mpirun_server_event_fd(void);
bool mpirun_server_next_event(mpirun_event_t *ev);

/* Clean teardown, only after every rank finished normally: after a failure PMIx 4.2 may hang
 * here, so the caller just exits instead. */
void mpirun_server_fini(void);

#endif
