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
    MPIRUN_EVENT_CONNECTED,   /* the rank called PMIx_Init */
    MPIRUN_EVENT_FINALIZED,   /* the rank called PMIx_Finalize */
    MPIRUN_EVENT_ABORTED,     /* the rank called PMIx_Abort with status */
    MPIRUN_EVENT_FENCE,       /* this host's part of a fence is ready (relay mode): rank holds
                                 its id for mpirun_server_fence_get */
    MPIRUN_EVENT_DMODEX,      /* a local rank wants another host's rank's data: rank holds the
                                 request's id for mpirun_server_dmodex_get */
    MPIRUN_EVENT_DMODEX_DATA, /* a rank here answered a direct modex served for another host:
                                 rank holds its id for mpirun_server_dmodex_served */
    MPIRUN_EVENT_SPAWN,       /* a process called PMIx_Spawn (MPI_Comm_spawn): rank holds the
                                 request's id for mpirun_server_spawn_take */
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
    int status; /* PMIX_LOCAL_COLLECTIVE_STATUS: not 0 when a local rank died in the fence */
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

/* Direct modex: a rank asks for data of a rank on another host that no collecting fence
 * brought here. PMIx's upcall queues MPIRUN_EVENT_DMODEX; the main loop routes the request to
 * the host owning the target rank, whose server fetches the data once that rank committed
 * (mpirun_server_dmodex_serve, answered by MPIRUN_EVENT_DMODEX_DATA); the answer comes back
 * through mpirun_server_dmodex_answer. Requests not answered by their deadline (PMIX_TIMEOUT
 * of the Get, else MPIRUN_DMODEX_TIMEOUT_S) end with PMIX_ERR_TIMEOUT: PMIx 4.2 never answers
 * for a rank that died. */
#define MPIRUN_DMODEX_TIMEOUT_S 30.0

/* The target rank of the request with this id; false when it is no longer waiting. */
bool mpirun_server_dmodex_get(int id, int *rank_p);

/* Completes the request with this id with PMIx status status and data (copied); does
 * nothing when it already ended (timed out). */
void mpirun_server_dmodex_answer(int id, int status, const void *data, size_t ndata);

/* Ends the requests past their deadline with PMIX_ERR_TIMEOUT; returns the next deadline
 * (CLOCK_MONOTONIC seconds), or -1 when none waits. */
double mpirun_server_dmodex_expire(double now);

/* What a local rank's server answered for a request of another host. */
typedef struct mpirun_dmodex_data {
    uint32_t origin, id; /* the requester, as given to serve: opaque here */
    int status;
    char *data; /* owned by the caller after mpirun_server_dmodex_served: free it */
    size_t ndata;
} mpirun_dmodex_data_t;

/* Asks PMIx for local rank's data on behalf of (origin, id); the answer comes as a
 * MPIRUN_EVENT_DMODEX_DATA event. Returns a PMIx status: anything but PMIX_SUCCESS means no
 * event will come. */
int mpirun_server_dmodex_serve(int rank, uint32_t origin, uint32_t id);

/* Takes out the answer of a DMODEX_DATA event; false when it is gone. */
bool mpirun_server_dmodex_served(int serial, mpirun_dmodex_data_t *out);

/* ---- MPI_Comm_spawn ----
 * The spawn upcall copies the request and queues MPIRUN_EVENT_SPAWN; the main loop takes it,
 * starts the processes (mpirun/spawn.c) and answers. Processes of every job have slots in
 * mpirun_job_t: the first job's ranks, then each spawned job's in order. */

/* One program of a request: what PMIx_Spawn's pmix_app_t and its info gave. */
typedef struct mpirun_spawn_app {
    char *cmd;    /* the program */
    char **argv;  /* NULL-terminated, argv[0] first */
    char **env;   /* "NAME=value" settings added to the environment, NULL-terminated */
    char *cwd;    /* working directory, or NULL for mpirun's */
    int maxprocs; /* processes to start, > 0 */
    char *host;   /* PMIX_HOST: where to start them (a host list), or NULL */
    char *path;   /* MP_WIREUP_SPAWN_PATH_KEY: directories to find cmd in, or NULL */
} mpirun_spawn_app_t;

typedef struct mpirun_spawn_req {
    int id;
    int parent; /* the slot of the process that called PMIx_Spawn */
    int napps;
    mpirun_spawn_app_t *apps;
    void (*cbfunc)(void); /* PMIx's callback and its argument (opaque here) */
    void *cbdata;
} mpirun_spawn_req_t;

/* Takes the request of a SPAWN event out of the queue (the caller owns it); NULL when gone. */
mpirun_spawn_req_t *mpirun_server_spawn_take(int id);

/* Answers the request (status 0: started, as namespace nspace; else it failed) and frees it. */
void mpirun_server_spawn_answer(mpirun_spawn_req_t *req, int status, const char *nspace);
void mpirun_server_spawn_free(mpirun_spawn_req_t *req);

/* A spawned job as the server registers it: slots first..first+np-1 of the job (added with
 * mpirun_job_add), one host. */
typedef struct mpirun_spawn {
    const char *nspace;
    int number; /* the job's number among mpirun's jobs (1, 2, ...) */
    int first, np;
    int napps;
    const int *appnum; /* np entries: each process's application */
    const char *parent_nspace;
    int parent_rank;
    uint32_t univ_size;
} mpirun_spawn_t;

/* Registers a spawned job (its namespace and its slots) with PMIx. */
int mpirun_server_register_spawn(const mpirun_job_t *job, const mpirun_spawn_t *sp, char *err,
                                 size_t errlen);

/* Clean teardown, only after every rank finished normally: after a failure PMIx 4.2 may hang
 * here, so the caller just exits instead. */
void mpirun_server_fini(void);

#endif
