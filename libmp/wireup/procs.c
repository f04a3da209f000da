/*
 * The table of processes of other jobs: peer index (past the job's size) <-> global id, and how
 * a global id names a PMIx process: job k of libmp's mpirun has namespace "<base>.<k>", job 0
 * the base itself. Also the few job facts of dynamic processes (parent, appnum, universe).
 */
#include "wireup/procs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmix.h>

#include "core/log.h"
#include "wireup/wireup.h"
#include "wireup/wireup_internal.h"

static struct {
    bool ready;
    int size;                             /* ranks in this job */
    uint32_t number;                      /* this job's number */
    bool known;                           /* the launcher names its jobs (libmp's mpirun) */
    char base[PMIX_MAX_NSLEN + 1];        /* the namespace of job 0 */
    uint64_t gids[MP_WIREUP_FOREIGN_MAX]; /* index size + i: gids[i] */
    int nforeign;
    mp_wireup_proc_fn on_new;
} procs;

/* An optional job-level value of this job; NULL when the launcher gave none. */
static pmix_value_t *job_value(const char *key)
{
    pmix_proc_t job;
    pmix_info_t optional;
    pmix_value_t *val = NULL;
    bool yes = true;
    PMIX_LOAD_PROCID(&job, mp_wireup_self()->nspace, PMIX_RANK_WILDCARD);
    PMIX_INFO_LOAD(&optional, PMIX_OPTIONAL, &yes, PMIX_BOOL);
    pmix_status_t rc = PMIx_Get(&job, key, &optional, 1, &val);
    PMIX_INFO_DESTRUCT(&optional);
    return rc == PMIX_SUCCESS ? val : NULL;
}

void mp_wireup_procs_init(int size, bool has_secret)
{
    memset(&procs, 0, sizeof(procs));
    procs.size = size;
    procs.ready = true;
    const pmix_proc_t *self = mp_wireup_self();
    if (self == NULL) {
        return; /* a singleton: one job, nobody else */
    }
    snprintf(procs.base, sizeof(procs.base), "%s", self->nspace);
    /* Only libmp's mpirun gives a secret, and with it the naming of its jobs. */
    procs.known = has_secret;
    pmix_value_t *base = job_value(MP_WIREUP_JOB_BASE_KEY);
    pmix_value_t *number = job_value(MP_WIREUP_JOB_NUMBER_KEY);
    if (base != NULL && number != NULL && base->type == PMIX_STRING && base->data.string != NULL &&
        number->type == PMIX_UINT32) {
        snprintf(procs.base, sizeof(procs.base), "%s", base->data.string);
        procs.number = number->data.uint32;
    }
    if (base != NULL) {
        PMIX_VALUE_RELEASE(base);
    }
    if (number != NULL) {
        PMIX_VALUE_RELEASE(number);
    }
}

uint32_t mp_wireup_job_number(void)
{
    return procs.number;
}

bool mp_wireup_jobs_known(void)
{
    return procs.known;
}

void mp_wireup_procs_on_new(mp_wireup_proc_fn fn)
{
    procs.on_new = fn;
}

uint64_t mp_wireup_proc_gid(int index)
{
    if (index < procs.size) {
        return mp_wireup_gid_make(procs.number, (uint32_t)index);
    }
    return procs.gids[index - procs.size];
}

mp_status_t mp_wireup_proc_index(uint64_t gid, int *index_p)
{
    uint32_t job = mp_wireup_gid_job(gid);
    uint32_t rank = mp_wireup_gid_rank(gid);
    if (job == procs.number) {
        if (rank >= (uint32_t)procs.size) {
            mp_log_error("rank %u of this job does not exist (the job has %d)", rank, procs.size);
            return MP_ERR_INVALID;
        }
        *index_p = (int)rank;
        return MP_OK;
    }
    for (int i = 0; i < procs.nforeign; i++) {
        if (procs.gids[i] == gid) {
            *index_p = procs.size + i;
            return MP_OK;
        }
    }
    if (!procs.known) {
        mp_log_error("a process of another job (job %u rank %u) cannot be reached: only libmp's "
                     "mpirun connects the jobs it starts",
                     job, rank);
        return MP_ERR_UNSUPPORTED;
    }
    if (procs.nforeign == MP_WIREUP_FOREIGN_MAX) {
        mp_log_error("this process knows %d processes of other jobs already, the most it can",
                     MP_WIREUP_FOREIGN_MAX);
        return MP_ERR_UNSUPPORTED;
    }
    int index = procs.size + procs.nforeign;
    procs.gids[procs.nforeign++] = gid;
    mp_status_t st = procs.on_new != NULL ? procs.on_new(index) : MP_OK;
    if (st != MP_OK) {
        procs.nforeign--;
        return st;
    }
    *index_p = index;
    return MP_OK;
}

bool mp_wireup_proc_load(int index, pmix_proc_t *proc)
{
    if (index < procs.size || index >= procs.size + procs.nforeign) {
        return false;
    }
    uint64_t gid = procs.gids[index - procs.size];
    uint32_t job = mp_wireup_gid_job(gid);
    char ns[PMIX_MAX_NSLEN + 16];
    if (job == 0) {
        snprintf(ns, sizeof(ns), "%s", procs.base);
    } else {
        snprintf(ns, sizeof(ns), "%s.%u", procs.base, job);
    }
    PMIX_LOAD_PROCID(proc, ns, mp_wireup_gid_rank(gid));
    return true;
}

mp_status_t mp_wireup_job_of(const char *nspace, uint32_t *job_p)
{
    size_t n = strlen(procs.base);
    if (strcmp(nspace, procs.base) == 0) {
        *job_p = 0;
        return MP_OK;
    }
    char *end = NULL;
    unsigned long k = 0;
    if (strncmp(nspace, procs.base, n) == 0 && nspace[n] == '.' && nspace[n + 1] >= '1' &&
        nspace[n + 1] <= '9') {
        k = strtoul(nspace + n + 1, &end, 10);
    }
    if (end == NULL || *end != '\0' || k > UINT32_MAX) {
        mp_log_error("the launcher named a job \"%s\", not \"%s.<number>\" as libmp's mpirun "
                     "does: processes of other jobs cannot be reached",
                     nspace, procs.base);
        return MP_ERR_UNSUPPORTED;
    }
    *job_p = (uint32_t)k;
    return MP_OK;
}

mp_status_t mp_wireup_parent(uint64_t *gid_p)
{
    const pmix_proc_t *self = mp_wireup_self();
    if (self == NULL) {
        return MP_ERR_NOT_FOUND;
    }
    pmix_value_t *val = job_value(PMIX_PARENT_ID);
    if (val == NULL) {
        /* Some launchers give it per process only. */
        pmix_info_t optional;
        bool yes = true;
        PMIX_INFO_LOAD(&optional, PMIX_OPTIONAL, &yes, PMIX_BOOL);
        if (PMIx_Get(self, PMIX_PARENT_ID, &optional, 1, &val) != PMIX_SUCCESS) {
            val = NULL;
        }
        PMIX_INFO_DESTRUCT(&optional);
    }
    if (val == NULL) {
        return MP_ERR_NOT_FOUND;
    }
    mp_status_t st = MP_ERR_WIREUP;
    uint32_t job = 0;
    if (val->type == PMIX_PROC && val->data.proc != NULL) {
        st = mp_wireup_job_of(val->data.proc->nspace, &job);
        if (st == MP_OK) {
            *gid_p = mp_wireup_gid_make(job, val->data.proc->rank);
        }
    } else {
        mp_log_error("the launcher's PMIX_PARENT_ID is not a process (type %d)", (int)val->type);
    }
    PMIX_VALUE_RELEASE(val);
    return st;
}

/* A number the launcher gave this process or its job, or fallback. */
static int number_or(const char *key, int fallback)
{
    const pmix_proc_t *self = mp_wireup_self();
    if (self == NULL) {
        return fallback;
    }
    pmix_info_t optional;
    bool yes = true;
    pmix_value_t *val = NULL;
    PMIX_INFO_LOAD(&optional, PMIX_OPTIONAL, &yes, PMIX_BOOL);
    pmix_status_t rc = PMIx_Get(self, key, &optional, 1, &val);
    PMIX_INFO_DESTRUCT(&optional);
    if (rc != PMIX_SUCCESS || val == NULL) {
        val = job_value(key);
    }
    int n = fallback;
    if (val != NULL && val->type == PMIX_UINT32) {
        n = (int)val->data.uint32;
    }
    if (val != NULL) {
        PMIX_VALUE_RELEASE(val);
    }
    return n;
}

int mp_wireup_appnum(void)
{
    return number_or(PMIX_APPNUM, 0);
}

int mp_wireup_universe_size(void)
{
    return number_or(PMIX_UNIV_SIZE, procs.size);
}
