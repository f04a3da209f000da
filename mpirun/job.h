/*
 * The job as mpirun sees it: where each rank runs, what each rank has done so far, and the
 * policy that decides when the job ends and with which exit status. Pure logic: no system
 * calls, so every rule is unit-tested.
 */
#ifndef MPIRUN_JOB_H
#define MPIRUN_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct mpirun_rank {
    int host;       /* index into job->hosts: the PMIx node id */
    int local_rank; /* index among the ranks on its host, in rank order */
    pid_t pid;      /* 0 until launched */
    bool connected; /* called PMIx_Init (MPI_Init) */
    bool finalized; /* called PMIx_Finalize (MPI_Finalize) */
    bool exited;    /* reaped */
    bool remote;    /* runs on another host: pid is a process there, never signalled or
                       reaped here (its daemon does that) */
    int job;        /* which job: 0 the one mpirun started, 1.. those MPI_Comm_spawn started */
    int jrank;      /* its rank in that job */
    int app;        /* first job: its program (mpirun ... : ..., MPI_APPNUM), 0 with one */
} mpirun_rank_t;

typedef struct mpirun_job {
    char nspace[64];
    uint8_t secret[32]; /* random per job: TCP peers and daemons prove they know it */
    /* Every process of every job, in slots: the first job's ranks are slots 0..n-1, each
     * spawned job's processes follow in the order they were started (mpirun_job_add). */
    int np;
    mpirun_rank_t *ranks; /* np entries */
    int njobs;            /* jobs so far: 1, plus one per spawn */
    uint32_t univ_size;   /* MPI_UNIVERSE_SIZE (PMIX_UNIV_SIZE): the hosts' slots, at least the
                             first job's ranks; 0 means the first job's size */
    int nhosts;
    char **hosts;                  /* nhosts names, in node id order */
    int *host_nranks;              /* ranks on each host */
    bool ending;                   /* the job must end: kill every rank still running */
    double end_grace_s;            /* how long the ranks still running may take to exit on their own
                                      before they are signalled (0: signal them at once) */
    double after_finalize_grace_s; /* end_grace_s after a non-zero exit past MPI_Finalize:
                                      0 from mpirun_job_init, mpirun sets MP_END_GRACE */
    bool status_set;               /* exit_status holds the first failure */
    int exit_status;               /* mpirun's exit status */
    int nexited;                   /* ranks reaped so far */
    int exited_before_init;        /* a rank that ended cleanly without MPI_Init, or -1 */
} mpirun_job_t;

/* Lays out np ranks over nhosts hosts (host_of_rank[r] for each rank). Copies what it needs. */
int mpirun_job_init(mpirun_job_t *job, const char *nspace, int np, int nhosts, char *const *hosts,
                    const int *host_of_rank);
void mpirun_job_fini(mpirun_job_t *job);

/* A spawned job: n more processes on host, as job number job->njobs (which it increments),
 * with ranks 0..n-1. Returns the first new slot, or -1 when out of memory (nothing changed). */
int mpirun_job_add(mpirun_job_t *job, int n, int host);

/* How messages name a slot: "rank R" in the first job, "job J rank R" in a spawned one. */
void mpirun_job_name(const mpirun_job_t *job, int slot, char *buf, size_t len);

/* The first job's ranks on host node, as runs: "0-3,8,10-11" (cut short with "..." when buf
 * is too small): what --display-map prints. */
void mpirun_job_host_ranks(const mpirun_job_t *job, int node, char *buf, size_t len);

/* Each event below updates the job; when it ends the job or is worth telling the user, it
 * writes one line (without "mpirun: " and newline) into msg, else msg is empty. */
void mpirun_job_rank_connected(mpirun_job_t *job, int rank, char *msg, size_t len);
void mpirun_job_rank_finalized(mpirun_job_t *job, int rank);
/* wstatus as from waitpid. */
void mpirun_job_rank_exited(mpirun_job_t *job, int rank, int wstatus, char *msg, size_t len);
/* A rank called MPI_Abort (PMIx_Abort): the rank itself has said why. */
void mpirun_job_rank_aborted(mpirun_job_t *job, int rank, int status);
/* The daemon of host is lost (why: what happened): its ranks still running count as gone,
 * and the job ends unless it is ending already. */
void mpirun_job_host_lost(mpirun_job_t *job, int host, const char *why, char *msg, size_t len);
/* Ends the job from outside (timeout, signal to mpirun) with the given exit status. */
void mpirun_job_end(mpirun_job_t *job, int status);

/* Every rank has been reaped. */
bool mpirun_job_is_done(const mpirun_job_t *job);

/* The job ended because something went wrong (not a clean finish). */
bool mpirun_job_failed(const mpirun_job_t *job);

#endif
