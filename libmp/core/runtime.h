/*
 * The process-wide state of libmp between MPI_Init and MPI_Finalize: who we are in the job, the
 * thread level, and the predefined objects.
 */
#ifndef MP_CORE_RUNTIME_H
#define MP_CORE_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"
#include "wireup/wireup.h"

typedef enum mp_runtime_state {
    MP_RUNTIME_NEW,       /* before MPI_Init */
    MP_RUNTIME_READY,     /* between MPI_Init and MPI_Finalize */
    MP_RUNTIME_FINALIZED, /* stopped: after MPI_Finalize and the last session; a new session starts
                             it again */
} mp_runtime_state_t;

typedef struct mp_runtime {
    mp_runtime_state_t state;
    int rank;                /* rank in the job, -1 until known */
    int size;                /* ranks in the job */
    int thread_level;        /* the MPI_THREAD_* level provided */
    pthread_t main_thread;   /* the thread that initialised MPI */
    mp_wireup_info_t wireup; /* job facts from the launcher */
    mp_comm_t world;         /* MPI_COMM_WORLD */
    mp_comm_t self;          /* MPI_COMM_SELF */
    /* Dynamic processes (read at init from the launcher): */
    bool has_parent;   /* this job was spawned (MPI_Comm_spawn) */
    uint64_t parent;   /* then: the global id of the spawning process (wireup/procs.h) */
    int universe_size; /* MPI_UNIVERSE_SIZE */
    int appnum;        /* MPI_APPNUM */
} mp_runtime_t;

extern mp_runtime_t mp_runtime;

/* Wires this process into the job and builds the predefined objects. Collective over the job. */
mp_status_t mp_runtime_init(int thread_level);

/* Waits for every rank, then leaves the job: with disconnect, for good; without it the PMIx
 * connection stays for an mp_runtime_init that starts again (see mp_wireup_fini). Collective
 * over the job. */
mp_status_t mp_runtime_fini(bool disconnect);

#endif
