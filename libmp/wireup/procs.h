/*
 * Processes of other jobs of the same launcher (MPI_Comm_spawn's parents and children, and
 * whoever they introduce): each gets a peer index past the job's size on first mention, so that
 * groups, communicators and pt2pt name every process by one int, and a global id that every
 * process reads alike, which is what travels in messages (see MP_WIREUP_JOB_BASE_KEY).
 *
 * Threading: the thread that drives MPI only (the tcp transport resolves a connecting peer from
 * inside progress, on that thread).
 */
#ifndef MP_WIREUP_PROCS_H
#define MP_WIREUP_PROCS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

/* Processes of other jobs one process may know, at most: peer tables keep room for them from
 * the start, so that their entries never move. */
#define MP_WIREUP_FOREIGN_MAX 4096

/* A process's global id: its job's number (0 for the job mpirun started) and its rank there. */
static inline uint64_t mp_wireup_gid_make(uint32_t job, uint32_t rank)
{
    return (uint64_t)job << 32 | rank;
}
static inline uint32_t mp_wireup_gid_job(uint64_t gid)
{
    return (uint32_t)(gid >> 32);
}
static inline uint32_t mp_wireup_gid_rank(uint64_t gid)
{
    return (uint32_t)gid;
}

/* This job's number. */
uint32_t mp_wireup_job_number(void);

/* Whether processes of other jobs can be reached: libmp's mpirun names its jobs (and gives
 * them one secret); under other launchers only the job's own ranks are known. */
bool mp_wireup_jobs_known(void);

/* The global id of peer index (a job rank below the job's size, else a process of another
 * job known by mp_wireup_proc_index). */
uint64_t mp_wireup_proc_gid(int index);

/* The peer index of the process with global id gid: its job rank in this job, else the index
 * it got at its first mention, else a new one past the others (announced to the hook, which
 * may refuse it). MP_ERR_INVALID for a rank outside this job, MP_ERR_UNSUPPORTED when other
 * jobs are unknown (see mp_wireup_jobs_known) or MP_WIREUP_FOREIGN_MAX are known already. */
mp_status_t mp_wireup_proc_index(uint64_t gid, int *index_p);

/* The hook that hears of each new index before mp_wireup_proc_index returns it (pt2pt: a peer
 * entry and a tcp endpoint); a status other than MP_OK refuses the process. */
typedef mp_status_t (*mp_wireup_proc_fn)(int index);
void mp_wireup_procs_on_new(mp_wireup_proc_fn fn);

/* The number of the job with PMIx namespace nspace (see MP_WIREUP_JOB_BASE_KEY);
 * MP_ERR_UNSUPPORTED for a namespace that names no job of this launcher. */
mp_status_t mp_wireup_job_of(const char *nspace, uint32_t *job_p);

/* The process that spawned this job (PMIX_PARENT_ID): its global id, or MP_ERR_NOT_FOUND when
 * this job was not spawned. */
mp_status_t mp_wireup_parent(uint64_t *gid_p);

/* This process's MPI_APPNUM (PMIX_APPNUM), 0 when the launcher gave none. */
int mp_wireup_appnum(void);

/* The launcher's PMIX_UNIV_SIZE, or the job's size when it gave none. */
int mp_wireup_universe_size(void);

/* One program of a spawn (MPI_Comm_spawn_multiple gives several). */
typedef struct mp_wireup_app {
    const char *command;
    char **argv;      /* arguments after the command, NULL-terminated, or NULL */
    int maxprocs;     /* > 0 */
    const char *wdir; /* info "wdir", or NULL */
    const char *path; /* info "path", or NULL */
    const char *host; /* info "host", or NULL */
    const char *env;  /* info "env": "A=1\nB=2", or NULL */
} mp_wireup_app_t;

/* Asks the launcher to start a new job running apps (in order: its ranks are app 0's
 * processes, then app 1's...); *job_p is its number. Blocking until the launcher has started
 * them (not until they reached MPI_Init). MP_ERR_SPAWN when the launcher refused or failed
 * (it said why on its stderr). */
mp_status_t mp_wireup_spawn(const mp_wireup_app_t *apps, int napps, uint32_t *job_p);

#endif
