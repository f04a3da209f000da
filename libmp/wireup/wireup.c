/*
 * The PMIx client side of wire-up. Job facts come from the job-level data that the launcher
 * registered (mpirun, Slurm, PRRTE alike); cards travel through PMIx_Put/Commit/Fence/Get.
 */
#define _GNU_SOURCE
#include "wireup/wireup.h"

#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pmix.h>

#include "core/log.h"
#include "core/settings.h"
#include "util/sha256.h"
#include "wireup/cpus.h"
#include "wireup/wireup_internal.h"

/* The card under which each rank publishes its CPU affinity (a cpu_set_t; all zeros when it
 * could not be read). */
#define CPUS_CARD_KEY "cpus"

static pmix_proc_t my_proc;
static bool have_server;
static int my_size; /* ranks in the job: peer indices from here on are other jobs' processes */
/* PMIx_Init done and PMIx_Finalize not yet: a restart of the runtime (sessions) keeps the
 * connection, because a rank that reconnected could fence while a peer still disconnects, and
 * PMIx fails a fence whose participant disconnected. */
static bool connected;
/* How many times mp_wireup_init ran before this one: each run's cards get keys of their own,
 * so a card of an earlier run, cached by PMIx, is never read for a new one. */
static unsigned generation;
/* A singleton has no server to keep cards: they stay here (only rank 0's own). */
static struct {
    char key[PMIX_MAX_KEYLEN + 1];
    void *data;
    size_t len;
} * self_cards;
static size_t self_ncards;
/* This rank's CPU affinity, read at init; my_ncpus is 0 when it could not be read. */
static cpu_set_t my_cpus;
static int my_ncpus;

const pmix_proc_t *mp_wireup_self(void)
{
    return have_server ? &my_proc : NULL;
}

static mp_status_t get_value(int rank, const char *key, pmix_value_t **val_p)
{
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, my_proc.nspace, rank);
    if (rank >= my_size && my_size > 0 && !mp_wireup_proc_load(rank, &proc)) {
        mp_log_error("PMIx_Get(%s): peer %d is unknown", key, rank);
        return MP_ERR_NOT_FOUND;
    }
    pmix_status_t rc = PMIx_Get(&proc, key, NULL, 0, val_p);
    if (rc == PMIX_ERR_NOT_FOUND) {
        return MP_ERR_NOT_FOUND;
    }
    if (rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Get(%s) of rank %d failed: %s", key, rank, PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

/* Reads a job- or rank-level number, whatever integer type the launcher stored it as. */
static mp_status_t get_number(int rank, const char *key, uint64_t *num_p)
{
    pmix_value_t *val;
    mp_status_t status = get_value(rank, key, &val);
    if (status != MP_OK) {
        return status;
    }
    switch (val->type) {
    case PMIX_UINT8:
        *num_p = val->data.uint8;
        break;
    case PMIX_UINT16:
        *num_p = val->data.uint16;
        break;
    case PMIX_UINT32:
        *num_p = val->data.uint32;
        break;
    case PMIX_UINT64:
        *num_p = val->data.uint64;
        break;
    case PMIX_INT:
        *num_p = (uint64_t)val->data.integer;
        break;
    case PMIX_UINT:
        *num_p = val->data.uint;
        break;
    case PMIX_INT32:
        *num_p = (uint64_t)val->data.int32;
        break;
    case PMIX_PROC_RANK:
        *num_p = val->data.rank;
        break;
    default:
        mp_log_error("PMIx key %s has unexpected type %d", key, (int)val->type);
        status = MP_ERR_WIREUP;
    }
    PMIX_VALUE_RELEASE(val);
    return status;
}

static mp_status_t get_string(int rank, const char *key, char *buf, size_t len)
{
    pmix_value_t *val;
    mp_status_t status = get_value(rank, key, &val);
    if (status != MP_OK) {
        return status;
    }
    if (val->type == PMIX_STRING && val->data.string != NULL) {
        snprintf(buf, len, "%s", val->data.string);
    } else {
        status = MP_ERR_WIREUP;
    }
    PMIX_VALUE_RELEASE(val);
    return status;
}

/* The job's secret, if the launcher gave one (see MP_WIREUP_SECRET_KEY). Its absence (Slurm,
 * PRRTE) is normal and silent. PMIX_OPTIONAL: job data arrives whole at PMIx_Init, so a key not
 * there is not anywhere; without it PMIx asks the server, which costs 0.1-10 ms under Slurm. */
static void read_secret(mp_wireup_info_t *info)
{
    pmix_proc_t job;
    pmix_info_t optional;
    pmix_value_t *val = NULL;
    bool yes = true;
    PMIX_LOAD_PROCID(&job, my_proc.nspace, PMIX_RANK_WILDCARD);
    PMIX_INFO_LOAD(&optional, PMIX_OPTIONAL, &yes, PMIX_BOOL);
    pmix_status_t rc = PMIx_Get(&job, MP_WIREUP_SECRET_KEY, &optional, 1, &val);
    PMIX_INFO_DESTRUCT(&optional);
    if (rc != PMIX_SUCCESS || val == NULL) {
        return;
    }
    if (val->type == PMIX_BYTE_OBJECT && val->data.bo.size == MP_WIREUP_SECRET_LEN) {
        memcpy(info->job_secret, val->data.bo.bytes, MP_WIREUP_SECRET_LEN);
        info->has_secret = true;
    }
    PMIX_VALUE_RELEASE(val);
}

/* PMIX_LOCAL_PEERS is "r1,r2,..." in ascending order; it must contain local_size ranks. */
static mp_status_t parse_local_peers(const char *list, mp_wireup_info_t *info)
{
    info->local_ranks = calloc((size_t)info->local_size, sizeof(int));
    if (info->local_ranks == NULL) {
        return MP_ERR_NOMEM;
    }
    const char *p = list;
    for (int i = 0; i < info->local_size; i++) {
        char *end;
        long r = strtol(p, &end, 10);
        if (end == p || r < 0 || r >= info->size) {
            mp_log_error("malformed PMIX_LOCAL_PEERS \"%s\"", list);
            return MP_ERR_WIREUP;
        }
        info->local_ranks[i] = (int)r;
        p = (*end == ',') ? end + 1 : end;
    }
    return MP_OK;
}

static mp_status_t read_locality(mp_wireup_info_t *info)
{
    uint64_t num;
    char peers[65536];
    if (get_number(PMIX_RANK_WILDCARD, PMIX_LOCAL_SIZE, &num) != MP_OK ||
        get_string(PMIX_RANK_WILDCARD, PMIX_LOCAL_PEERS, peers, sizeof(peers)) != MP_OK) {
        mp_log_error("the launcher gave no locality (PMIX_LOCAL_SIZE, PMIX_LOCAL_PEERS)");
        return MP_ERR_WIREUP;
    }
    info->local_size = (int)num;
    mp_status_t status = parse_local_peers(peers, info);
    if (status != MP_OK) {
        return status;
    }
    info->local_rank = -1;
    for (int i = 0; i < info->local_size; i++) {
        if (info->local_ranks[i] == info->rank) {
            info->local_rank = i;
        }
    }
    if (info->local_rank < 0) {
        mp_log_error("rank %d is not among its node's PMIX_LOCAL_PEERS \"%s\"", info->rank, peers);
        return MP_ERR_WIREUP;
    }
    if (get_number(info->rank, PMIX_NODEID, &num) == MP_OK) {
        info->node_id = (uint32_t)num;
    }
    return MP_OK;
}

/* Reads this rank's CPU affinity and, when it has local peers, publishes it for them (see
 * mp_wireup_cpus_read). */
static mp_status_t publish_cpus(const mp_wireup_info_t *info)
{
    CPU_ZERO(&my_cpus);
    my_ncpus = 0;
    if (sched_getaffinity(0, sizeof(my_cpus), &my_cpus) == 0) {
        my_ncpus = CPU_COUNT(&my_cpus);
    } else {
        CPU_ZERO(&my_cpus); /* more CPUs than a cpu_set_t holds: peers learn "unknown" */
    }
    if (info->local_size < 2) {
        return MP_OK;
    }
    return mp_wireup_card_put(CPUS_CARD_KEY, &my_cpus, sizeof(my_cpus));
}

/* The estimate when the masks are unknown: a rank bound to one CPU has it to itself unless the
 * node has more ranks than CPUs; an unbound rank shares when there are more ranks than CPUs it
 * may run on. */
static bool cpus_shared_estimate(const mp_wireup_info_t *info)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (my_ncpus == 0 || my_ncpus == 1) {
        return info->local_size > online;
    }
    return info->local_size > my_ncpus;
}

static void cpus_read_masks(mp_wireup_info_t *info)
{
    info->cpus_shared = false;
    if (info->local_size < 2) {
        return;
    }
    int npeers = info->local_size - 1;
    cpu_set_t *peers = calloc((size_t)npeers, sizeof(cpu_set_t));
    bool known = peers != NULL && my_ncpus > 0;
    for (int i = 0, n = 0; known && i < info->local_size; i++) {
        if (info->local_ranks[i] == info->rank) {
            continue;
        }
        void *data;
        size_t len;
        if (mp_wireup_card_get(info->local_ranks[i], CPUS_CARD_KEY, &data, &len) != MP_OK) {
            known = false;
            break;
        }
        known = len == sizeof(cpu_set_t);
        if (known) {
            memcpy(&peers[n], data, len);
            known = CPU_COUNT(&peers[n]) > 0;
            n++;
        }
        free(data);
    }
    if (known) {
        int nranks, ncpus;
        mp_wireup_cpus_overlap(&my_cpus, peers, npeers, &nranks, &ncpus);
        info->cpus_shared = nranks > ncpus;
    } else {
        info->cpus_shared = cpus_shared_estimate(info);
    }
    free(peers);
}

void mp_wireup_cpus_read(mp_wireup_info_t *info)
{
    /* The masks cannot see other jobs, nor "nodes" that are containers or network namespaces
     * of one machine: then the user knows better. */
    const char *text = getenv("MP_CPUS_SHARED");
    if (text != NULL && (strcmp(text, "0") == 0 || strcmp(text, "1") == 0)) {
        info->cpus_shared = text[0] == '1';
        return;
    }
    if (text != NULL && text[0] != '\0') {
        fprintf(stderr, "libmp: ignoring MP_CPUS_SHARED=\"%s\": expected 0 or 1\n", text);
    }
    cpus_read_masks(info);
}

static mp_status_t init_singleton(mp_wireup_info_t *info)
{
    info->rank = 0;
    info->size = 1;
    info->local_rank = 0;
    info->local_size = 1;
    info->local_ranks = calloc(1, sizeof(int));
    info->singleton = true;
    snprintf(info->job_id, sizeof(info->job_id), "singleton.%ld", (long)getpid());
    snprintf(info->job_name, sizeof(info->job_name), "%s", info->job_id);
    my_size = 1;
    mp_wireup_procs_init(1, false);
    return info->local_ranks != NULL ? MP_OK : MP_ERR_NOMEM;
}

/* A launcher that starts several processes but serves no PMIx would have each of them run as a
 * 1-rank job of its own: Slurm's srun without --mpi=pmix (or with --mpi=pmi2), or a launcher that
 * speaks the older PMI wire protocol (MPICH's and Intel MPI's mpiexec, hydra). Refuse, saying
 * what to change. Their variables only recognise that mistake; wire-up never reads them.
 * many_processes: the count in such a variable when it says several, else 0. */
static long many_processes(const char *var)
{
    const char *value = getenv(var);
    long n = value != NULL ? strtol(value, NULL, 10) : 0;
    return n > 1 ? n : 0;
}

static mp_status_t refuse_launcher_without_pmix(void)
{
    long n = many_processes("SLURM_STEP_NUM_TASKS");
    if (n > 0) {
        mp_log_error("started by Slurm's srun as one of %ld tasks, but without PMIx: each task "
                     "would run alone as a 1-rank job; use srun --mpi=pmix (srun --mpi=list "
                     "shows whether this Slurm has it; MpiDefault=pmix in slurm.conf makes it "
                     "the default)",
                     n);
        return MP_ERR_WIREUP;
    }
    n = many_processes("PMI_SIZE");
    if (n > 0) {
        mp_log_error("started as one of %ld processes by a launcher that speaks PMI, not PMIx "
                     "(MPICH's or Intel MPI's mpiexec?): each would run alone as a 1-rank job; "
                     "start libmp programs with libmp's mpirun (or mpiexec), Open MPI's mpirun "
                     "or srun --mpi=pmix",
                     n);
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

/* A namespace is unique only within its launcher: two Slurm clusters on one host (test clusters,
 * say) both run a "slurm.pmix.1.0". The URI of this rank's PMIx server (pid and port) is the same
 * for the job's ranks on this node and differs between live servers: a fingerprint of it makes
 * job_id, and the shared-memory names made from it, unique on the node. */
static void append_server_id(mp_wireup_info_t *info)
{
    pmix_value_t *val = NULL;
    if (PMIx_Get(&my_proc, PMIX_SERVER_URI, NULL, 0, &val) != PMIX_SUCCESS || val == NULL) {
        return;
    }
    if (val->type == PMIX_STRING && val->data.string != NULL) {
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
        for (const char *c = val->data.string; *c != '\0'; c++) {
            h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
        }
        size_t n = strlen(info->job_id);
        snprintf(info->job_id + n, sizeof(info->job_id) - n, ".%016" PRIx64, h);
    }
    PMIX_VALUE_RELEASE(val);
}

/* job_id differs between nodes (it holds the node's server): ports and MPI_Comm_join need a
 * name that every rank of the job shares and other jobs do not. The namespace may repeat across
 * launchers; the job's secret, where given, does not (a hash of it reveals nothing of it). */
static void name_job(mp_wireup_info_t *info)
{
    snprintf(info->job_name, sizeof(info->job_name), "%s", my_proc.nspace);
    if (!info->has_secret) {
        return;
    }
    static const char label[] = "libmp job name";
    uint8_t h[MP_SHA256_LEN];
    mp_sha256_t ctx;
    mp_sha256_init(&ctx);
    mp_sha256_update(&ctx, label, sizeof(label));
    mp_sha256_update(&ctx, info->job_secret, sizeof(info->job_secret));
    mp_sha256_final(&ctx, h);
    char hex[2 * 8 + 1];
    for (int i = 0; i < 8; i++) {
        snprintf(hex + 2 * i, sizeof(hex) - 2 * (size_t)i, "%02x", h[i]);
    }
    size_t n = strlen(info->job_name);
    snprintf(info->job_name + n, sizeof(info->job_name) - n, ".%s", hex);
}

mp_status_t mp_wireup_init(mp_wireup_info_t *info_p)
{
    memset(info_p, 0, sizeof(*info_p));
    if (gethostname(info_p->hostname, sizeof(info_p->hostname) - 1) != 0) {
        snprintf(info_p->hostname, sizeof(info_p->hostname), "localhost");
    }
    /* Every PMIx launcher gives its clients PMIX_NAMESPACE. Without it there is no server to
     * find, and PMIx_Init would spend ~10 ms looking for one before starting a singleton. */
    if (getenv("PMIX_NAMESPACE") == NULL) {
        mp_status_t status = refuse_launcher_without_pmix();
        return status == MP_OK ? init_singleton(info_p) : status;
    }
    if (have_server) {
        generation++;
    }
    if (!connected) {
        pmix_status_t rc = PMIx_Init(&my_proc, NULL, 0);
        if (rc != PMIX_SUCCESS) {
            mp_log_error("cannot connect to the launcher's PMIx server: %s", PMIx_Error_string(rc));
            return MP_ERR_WIREUP;
        }
        connected = true;
    }
    have_server = true;
    info_p->rank = (int)my_proc.rank;
    snprintf(info_p->job_id, sizeof(info_p->job_id), "%s", my_proc.nspace);
    append_server_id(info_p);
    uint64_t size;
    if (get_number(PMIX_RANK_WILDCARD, PMIX_JOB_SIZE, &size) != MP_OK || size == 0 ||
        my_proc.rank >= size) {
        mp_log_error("the launcher gave no valid job size (PMIX_JOB_SIZE)");
        return MP_ERR_WIREUP;
    }
    info_p->size = (int)size;
    get_string(info_p->rank, PMIX_HOSTNAME, info_p->hostname, sizeof(info_p->hostname));
    read_secret(info_p);
    my_size = info_p->size;
    mp_wireup_procs_init(info_p->size, info_p->has_secret);
    name_job(info_p);
    mp_status_t status = read_locality(info_p);
    if (status != MP_OK) {
        return status;
    }
    return publish_cpus(info_p);
}

/* The PMIx key of card key in this run of the wire-up (see generation). */
static const char *run_key(const char *key, char *buf, size_t len)
{
    if (generation == 0) {
        return key;
    }
    snprintf(buf, len, "%s.%u", key, generation);
    return buf;
}

mp_status_t mp_wireup_card_put(const char *key, const void *data, size_t len)
{
    if (!have_server) {
        void *copy = malloc(len > 0 ? len : 1);
        void *grown = realloc(self_cards, (self_ncards + 1) * sizeof(*self_cards));
        if (copy == NULL || grown == NULL) {
            free(copy);
            self_cards = grown != NULL ? grown : self_cards;
            return MP_ERR_NOMEM;
        }
        self_cards = grown;
        memcpy(copy, data, len);
        snprintf(self_cards[self_ncards].key, sizeof(self_cards[0].key), "%s", key);
        self_cards[self_ncards].data = copy;
        self_cards[self_ncards].len = len;
        self_ncards++;
        return MP_OK;
    }
    pmix_value_t val;
    val.type = PMIX_BYTE_OBJECT;
    val.data.bo.bytes = (char *)data;
    val.data.bo.size = len;
    char buf[PMIX_MAX_KEYLEN + 1];
    pmix_status_t rc = PMIx_Put(PMIX_GLOBAL, run_key(key, buf, sizeof(buf)), &val);
    if (rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Put(%s) failed: %s", key, PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

mp_status_t mp_wireup_commit(void)
{
    if (!have_server) {
        return MP_OK;
    }
    pmix_status_t rc = PMIx_Commit();
    if (rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Commit failed: %s", PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

mp_status_t mp_wireup_fence(bool collect)
{
    if (!have_server) {
        return MP_OK;
    }
    mp_status_t st = mp_wireup_commit();
    if (st != MP_OK) {
        return st;
    }
    pmix_info_t info;
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
    pmix_status_t rc = PMIx_Fence(NULL, 0, &info, 1);
    PMIX_INFO_DESTRUCT(&info);
    if (rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Fence failed: %s", PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

/* The nonblocking fence: PMIx completes it from its own thread. */
/* DONE is stored after fence_rc, NOTIFIED after on_done returned. */
enum { FENCE_IDLE, FENCE_RUNNING, FENCE_DONE, FENCE_NOTIFIED };
static atomic_int fence_state;      /* one of the above */
static pmix_status_t fence_rc;      /* how the fence ended */
static void (*fence_on_done)(void); /* mp_wireup_fence_start's on_done */

static void fence_done(pmix_status_t status, void *cbdata)
{
    (void)cbdata;
    fence_rc = status;
    atomic_store_explicit(&fence_state, FENCE_DONE, memory_order_release);
    if (fence_on_done != NULL) {
        fence_on_done();
    }
    atomic_store_explicit(&fence_state, FENCE_NOTIFIED, memory_order_release);
}

mp_status_t mp_wireup_fence_start(void (*on_done)(void))
{
    fence_on_done = on_done;
    if (!have_server) {
        fence_rc = PMIX_SUCCESS;
        atomic_store(&fence_state, FENCE_NOTIFIED);
        return MP_OK;
    }
    atomic_store(&fence_state, FENCE_RUNNING);
    pmix_status_t rc = PMIx_Fence_nb(NULL, 0, NULL, 0, fence_done, NULL);
    if (rc != PMIX_SUCCESS) {
        atomic_store(&fence_state, FENCE_IDLE);
        mp_log_error("PMIx_Fence_nb failed: %s", PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

bool mp_wireup_fence_is_done(void)
{
    return atomic_load_explicit(&fence_state, memory_order_acquire) >= FENCE_DONE;
}

mp_status_t mp_wireup_fence_finish(void)
{
    /* on_done may still be running on PMIx's thread: what it touches must outlive it. */
    while (atomic_load_explicit(&fence_state, memory_order_acquire) != FENCE_NOTIFIED) {
        sched_yield();
    }
    atomic_store(&fence_state, FENCE_IDLE);
    if (fence_rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Fence_nb completed with an error: %s", PMIx_Error_string(fence_rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}

mp_status_t mp_wireup_card_get(int rank, const char *key, void **data_p, size_t *len_p)
{
    if (!have_server) {
        for (size_t i = 0; rank == 0 && i < self_ncards; i++) {
            if (strcmp(self_cards[i].key, key) == 0) {
                *data_p = malloc(self_cards[i].len > 0 ? self_cards[i].len : 1);
                if (*data_p == NULL) {
                    return MP_ERR_NOMEM;
                }
                memcpy(*data_p, self_cards[i].data, self_cards[i].len);
                *len_p = self_cards[i].len;
                return MP_OK;
            }
        }
        return MP_ERR_NOT_FOUND;
    }
    pmix_value_t *val;
    char buf[PMIX_MAX_KEYLEN + 1];
    /* Another job's process publishes under its own generation's keys: its first. */
    mp_status_t status =
        get_value(rank, rank >= my_size ? key : run_key(key, buf, sizeof(buf)), &val);
    if (status != MP_OK) {
        return status;
    }
    if (val->type != PMIX_BYTE_OBJECT) {
        PMIX_VALUE_RELEASE(val);
        mp_log_error("card %s of rank %d is not a byte object", key, rank);
        return MP_ERR_WIREUP;
    }
    size_t len = val->data.bo.size;
    void *data = malloc(len > 0 ? len : 1);
    if (data == NULL) {
        PMIX_VALUE_RELEASE(val);
        return MP_ERR_NOMEM;
    }
    memcpy(data, val->data.bo.bytes, len);
    PMIX_VALUE_RELEASE(val);
    *data_p = data;
    *len_p = len;
    return MP_OK;
}

const char *mp_wireup_version(void)
{
    static char version[64];
    snprintf(version, sizeof(version), "OpenPMIx %d.%d.%d", (int)PMIX_VERSION_MAJOR,
             (int)PMIX_VERSION_MINOR, (int)PMIX_VERSION_RELEASE);
    return version;
}

void mp_wireup_abort(int code, const char *msg)
{
    if (have_server) {
        /* Returns once the launcher has taken note; it then ends every rank. */
        PMIx_Abort(code, msg, NULL, 0);
    }
    _exit(code);
}

/* atexit: the connection a restartable end of the runtime kept. */
static void disconnect_at_exit(void)
{
    if (connected) {
        connected = false;
        PMIx_Finalize(NULL, 0);
    }
}

mp_status_t mp_wireup_fini(mp_wireup_info_t *info, bool disconnect)
{
    free(info->local_ranks);
    info->local_ranks = NULL;
    for (size_t i = 0; i < self_ncards; i++) {
        free(self_cards[i].data);
    }
    free(self_cards);
    self_cards = NULL;
    self_ncards = 0;
    if (!connected) {
        return MP_OK;
    }
    if (!disconnect) {
        static bool registered;
        if (!registered && atexit(disconnect_at_exit) == 0) {
            registered = true;
        }
        if (registered) {
            return MP_OK;
        }
    }
    connected = false;
    pmix_status_t rc = PMIx_Finalize(NULL, 0);
    if (rc != PMIX_SUCCESS) {
        mp_log_error("PMIx_Finalize failed: %s", PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
    return MP_OK;
}
