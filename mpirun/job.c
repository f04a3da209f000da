/*
 * mpirun's rules for ending a job: the first failure decides the exit status; a rank that
 * fails (non-zero status, signal) or leaves MPI without MPI_Finalize ends the job, as in Open
 * MPI, since the others may wait for it forever (after a non-zero exit that follows
 * MPI_Finalize they first get a moment to exit on their own); nothing is reported twice.
 */
#define _GNU_SOURCE
#include "mpirun/job.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int mpirun_job_init(mpirun_job_t *job, const char *nspace, int np, int nhosts, char *const *hosts,
                    const int *host_of_rank)
{
    memset(job, 0, sizeof(*job));
    snprintf(job->nspace, sizeof(job->nspace), "%s", nspace);
    job->np = np;
    job->njobs = 1;
    job->nhosts = nhosts;
    job->exited_before_init = -1;
    job->ranks = calloc((size_t)np, sizeof(*job->ranks));
    job->hosts = calloc((size_t)nhosts, sizeof(*job->hosts));
    job->host_nranks = calloc((size_t)nhosts, sizeof(*job->host_nranks));
    if (job->ranks == NULL || job->hosts == NULL || job->host_nranks == NULL) {
        mpirun_job_fini(job);
        return -1;
    }
    for (int h = 0; h < nhosts; h++) {
        job->hosts[h] = strdup(hosts[h]);
        if (job->hosts[h] == NULL) {
            mpirun_job_fini(job);
            return -1;
        }
    }
    for (int r = 0; r < np; r++) {
        int h = host_of_rank[r];
        job->ranks[r].host = h;
        job->ranks[r].local_rank = job->host_nranks[h]++;
        job->ranks[r].jrank = r;
    }
    return 0;
}

int mpirun_job_add(mpirun_job_t *job, int n, int host)
{
    mpirun_rank_t *grown = realloc(job->ranks, (size_t)(job->np + n) * sizeof(*job->ranks));
    if (grown == NULL) {
        return -1;
    }
    job->ranks = grown;
    int first = job->np;
    for (int i = 0; i < n; i++) {
        job->ranks[first + i] = (mpirun_rank_t){
            .host = host, .local_rank = job->host_nranks[host]++, .job = job->njobs, .jrank = i};
    }
    job->np += n;
    job->njobs++;
    return first;
}

void mpirun_job_name(const mpirun_job_t *job, int slot, char *buf, size_t len)
{
    const mpirun_rank_t *r = &job->ranks[slot];
    if (r->job == 0) {
        snprintf(buf, len, "rank %d", r->jrank);
    } else {
        snprintf(buf, len, "job %d rank %d", r->job + 1, r->jrank);
    }
}

void mpirun_job_host_ranks(const mpirun_job_t *job, int node, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int r = 0; r < job->np; r++) {
        const mpirun_rank_t *rk = &job->ranks[r];
        if (rk->job != 0 || rk->host != node) {
            continue;
        }
        int last = r;
        while (last + 1 < job->np && job->ranks[last + 1].job == 0 &&
               job->ranks[last + 1].host == node) {
            last++;
        }
        char run[32];
        int n = last > r ? snprintf(run, sizeof(run), "%s%d-%d", used > 0 ? "," : "", r, last)
                         : snprintf(run, sizeof(run), "%s%d", used > 0 ? "," : "", r);
        if (used + (size_t)n + 4 > len) { /* room for "..." and the '\0' */
            snprintf(buf + used, len - used, "...");
            return;
        }
        memcpy(buf + used, run, (size_t)n + 1);
        used += (size_t)n;
        r = last;
    }
}

void mpirun_job_fini(mpirun_job_t *job)
{
    for (int h = 0; job->hosts != NULL && h < job->nhosts; h++) {
        free(job->hosts[h]);
    }
    free(job->hosts);
    free(job->host_nranks);
    free(job->ranks);
    job->hosts = NULL;
    job->host_nranks = NULL;
    job->ranks = NULL;
}

/* The first failure decides the exit status; later ones do not change it, but end the job at
 * once. */
static void fail(mpirun_job_t *job, int status)
{
    if (!job->status_set) {
        job->status_set = true;
        job->exit_status = status;
    }
    job->ending = true;
    job->end_grace_s = 0;
}

void mpirun_job_end(mpirun_job_t *job, int status)
{
    fail(job, status);
}

void mpirun_job_host_lost(mpirun_job_t *job, int host, const char *why, char *msg, size_t len)
{
    msg[0] = '\0';
    for (int r = 0; r < job->np; r++) {
        if (job->ranks[r].host == host && !job->ranks[r].exited) {
            job->ranks[r].exited = true;
            job->nexited++;
        }
    }
    if (!job->ending) {
        snprintf(msg, len, "lost the daemon on host %s: %s; ending the job", job->hosts[host], why);
        fail(job, 1);
    }
}

/* "pid P" of a rank, with its host when the job spans several: where to look for it. */
static void where(const mpirun_job_t *job, int rank, char *buf, size_t len)
{
    const mpirun_rank_t *r = &job->ranks[rank];
    if (job->nhosts > 1) {
        snprintf(buf, len, "pid %d on %s", (int)r->pid, job->hosts[r->host]);
    } else {
        snprintf(buf, len, "pid %d", (int)r->pid);
    }
}

void mpirun_job_rank_connected(mpirun_job_t *job, int rank, char *msg, size_t len)
{
    msg[0] = '\0';
    job->ranks[rank].connected = true;
    if (job->exited_before_init >= 0 && !job->ending) {
        char name[64];
        mpirun_job_name(job, job->exited_before_init, name, sizeof(name));
        snprintf(msg, len,
                 "%s exited without calling MPI_Init while other ranks did; ending the job", name);
        fail(job, 1);
    }
}

void mpirun_job_rank_finalized(mpirun_job_t *job, int rank)
{
    job->ranks[rank].finalized = true;
}

void mpirun_job_rank_aborted(mpirun_job_t *job, int rank, int status)
{
    (void)rank;
    fail(job, status);
}

static bool any_connected(const mpirun_job_t *job)
{
    for (int r = 0; r < job->np; r++) {
        if (job->ranks[r].connected) {
            return true;
        }
    }
    return false;
}

void mpirun_job_rank_exited(mpirun_job_t *job, int rank, int wstatus, char *msg, size_t len)
{
    mpirun_rank_t *r = &job->ranks[rank];
    msg[0] = '\0';
    r->exited = true;
    job->nexited++;
    if (job->ending) {
        return; /* We are killing the ranks: their ends are not news. */
    }
    char pid[300], name[64];
    where(job, rank, pid, sizeof(pid));
    mpirun_job_name(job, rank, name, sizeof(name));
    if (WIFSIGNALED(wstatus)) {
        int sig = WTERMSIG(wstatus);
        const char *abbrev = sigabbrev_np(sig);
        snprintf(msg, len, "%s (%s) was killed by signal %d (SIG%s: %s); ending the job", name, pid,
                 sig, abbrev != NULL ? abbrev : "?", strsignal(sig));
        fail(job, 128 + sig);
        return;
    }
    int code = WEXITSTATUS(wstatus);
    if (code != 0) {
        snprintf(msg, len, "%s (%s) exited with status %d; ending the job", name, pid, code);
        fail(job, code);
        if (r->finalized) {
            /* No MPI call can keep the others waiting for a rank past MPI_Finalize: they are
             * finishing too, and killing them at once would drop what their stdio still
             * buffers (a message printed just before MPI_Finalize and exit, as NPB does for a
             * process count it cannot use). */
            job->end_grace_s = job->after_finalize_grace_s;
        }
    } else if (r->connected && !r->finalized) {
        snprintf(msg, len, "%s (%s) exited without calling MPI_Finalize; ending the job", name,
                 pid);
        fail(job, 1);
    } else if (!r->connected) {
        /* A program that never uses MPI is fine, unless its peers wait for it in MPI_Init. */
        if (job->exited_before_init < 0) {
            job->exited_before_init = rank;
        }
        if (any_connected(job)) {
            snprintf(msg, len,
                     "%s exited without calling MPI_Init while other ranks did; ending the job",
                     name);
            fail(job, 1);
        }
    }
}

bool mpirun_job_is_done(const mpirun_job_t *job)
{
    return job->nexited == job->np;
}

bool mpirun_job_failed(const mpirun_job_t *job)
{
    return job->status_set;
}
