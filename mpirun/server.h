/*
 * mpirun's embedded PMIx server: it tells the ranks about the job, completes their fences and
 * hears their aborts and finalizes. PMIx calls us on its own thread; what mpirun must act on
 * comes out as events, read by the main loop when event_fd is readable.
 */
#ifndef MPIRUN_SERVER_H
#define MPIRUN_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hwloc.h>

#include "mpirun/job.h"

typedef enum mpirun_event_kind {
    MPIRUN_EVENT_CONNECTED, /* the rank called PMIx_Init */
    MPIRUN_EVENT_FINALIZED, /* the rank called PMIx_Finalize */
    MPIRUN_EVENT_ABORTED,   /* the rank called PMIx_Abort with status */
    MPIRUN_EVENT_FENCE,     /* this host's part of a fence is ready (relay mode): rank holds
                               its id for mpirun_server_fence_get */
} mpirun_event_kind_t;

typedef struct mpirun_event {
    mpirun_event_kind_t kind;
    int rank;
    int status;
} mpirun_event_t;

/* This host's part of a fence across hosts. A fence is known everywhere by its key: the
 * signature of its participants and how many fences with that signature came before. */
typedef struct mpirun_fence {
    uint64_t sig;
    uint32_t seq;
    int nhosts; /* how many hosts take part (each sends its part once) */
    char *data; /* this host's data, owned by the server */
    size_t ndata;
} mpirun_fence_t;

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

/* Across hosts: fences are no longer completed here but queued as MPIRUN_EVENT_FENCE, to be
 * completed with mpirun_server_fence_complete once every host's part is known. */
void mpirun_server_relay_fences(void);

/* Copies out the fence of a FENCE event; false when it is gone. Its data stays valid until
 * the fence is completed (only the main thread completes fences). */
bool mpirun_server_fence_get(int id, mpirun_fence_t *fence);

/* Hands every host's data (concatenated, any order) to the local ranks waiting in the fence
 * with this key, with PMIx status status; copies data. False when no such fence waits. */
bool mpirun_server_fence_complete(uint64_t sig, uint32_t seq, int status, const void *data,
                                  size_t ndata);

/* Clean teardown, only after every rank finished normally: after a failure PMIx 4.2 may hang
 * here, so the caller just exits instead. */
void mpirun_server_fini(void);

#endif
