/*
 * Wire-up: what a rank learns from the PMIx server (rank, size, locality) and the exchange of
 * business cards between ranks (put, fence, get). This is the only place libmp talks to PMIx.
 *
 * Threading: called only from the thread that initialised MPI; PMIx's own progress thread is
 * internal to this module. Blocking: fence and get may block; the others do not.
 */
#ifndef MP_WIREUP_H
#define MP_WIREUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* The job-level key under which libmp's mpirun hands every rank the job's secret (32 random
 * bytes, a PMIx byte object). Other launchers do not set it. */
#define MP_WIREUP_SECRET_KEY "libmp.job_secret"
#define MP_WIREUP_SECRET_LEN 32

/* Jobs of one libmp mpirun (MPI_Comm_spawn): the first job is number 0, its namespace the base;
 * spawned job k (1, 2, ...) has namespace "<base>.<k>", and its job-level data holds the base
 * and k under these keys (the first job's holds neither). A process names any process of the
 * same mpirun by (job number, rank). */
#define MP_WIREUP_JOB_BASE_KEY "libmp.job.base"
#define MP_WIREUP_JOB_NUMBER_KEY "libmp.job.number"
/* MPI_Comm_spawn's "path" info: directories where mpirun looks for the command (an app's
 * PMIx info, a string). */
#define MP_WIREUP_SPAWN_PATH_KEY "libmp.spawn.path"

/* The prefix of the PMIx keys under which MPI_Publish_name publishes a service name (libmp's
 * mpirun keeps these in its table of names). */
#define MP_WIREUP_NAME_PREFIX "libmp.name."

typedef struct mp_wireup_info {
    int rank;         /* rank in the job (MPI_COMM_WORLD) */
    int size;         /* ranks in the job */
    int local_rank;   /* index among the ranks on this node */
    int local_size;   /* ranks on this node */
    int *local_ranks; /* local_size job ranks on this node, ascending; owned by wireup */
    uint32_t node_id; /* which node this is, 0-based */
    char hostname[256];
    char job_id[256]; /* names this job on this node: "<PMIx namespace>.<server fingerprint>"
                         (a namespace alone may repeat across launchers), "singleton.<pid>" */
    bool singleton;   /* started without a PMIx server: a 1-rank job */
    bool has_secret;  /* the launcher gave job_secret (libmp's mpirun does) */
    bool cpus_shared; /* this rank competes with other ranks for its CPUs (more ranks than CPUs
                         among those that may run on its CPUs); set by mp_wireup_cpus_read */
    uint8_t job_secret[MP_WIREUP_SECRET_LEN];
    /* Names this job on every node (ports, MPI_Comm_join): the PMIx namespace and, where the
     * launcher gave a secret, a fingerprint of it ("singleton.<pid>" for a singleton). */
    char job_name[256];
} mp_wireup_info_t;

/* Connects to the PMIx server (or starts a singleton) and fills *info_p. */
mp_status_t mp_wireup_init(mp_wireup_info_t *info_p);

/* Publishes a business card under key for every other rank. Visible after the next fence. */
mp_status_t mp_wireup_card_put(const char *key, const void *data, size_t len);

/* Makes the cards put so far readable by other processes without a fence (they fetch them
 * from the server on demand). */
mp_status_t mp_wireup_commit(void);

/* Waits until every rank has reached the fence; with collect, all cards put before it become
 * readable without further communication. Collective over the job. */
mp_status_t mp_wireup_fence(bool collect);

/* The closing fence without blocking, so that the rank keeps answering its peers' packets (a
 * cancel's question, say) until all ranks have arrived: start it, poll is_done (any thread may
 * complete it), then finish, which returns whether it succeeded. Not collecting. on_done, if
 * not NULL, is called once from PMIx's thread right after is_done turns true (to wake the rank
 * if it sleeps); finish waits until that call has returned. */
mp_status_t mp_wireup_fence_start(void (*on_done)(void));
bool mp_wireup_fence_is_done(void);
mp_status_t mp_wireup_fence_finish(void);

/* After the first collecting fence: sets info->cpus_shared from the CPU affinity that every
 * rank of this node published at init. Launchers bind differently (mpirun one rank per core or
 * none when oversubscribed; Slurm may bind several ranks to one core), so the masks, not the
 * number of ranks, tell whether a rank has its CPUs to itself. Without the masks it estimates
 * from the number of ranks on the node. Cannot fail. */
void mp_wireup_cpus_read(mp_wireup_info_t *info);

/* Reads rank's card under key into a new buffer (*data_p, free() it) of *len_p bytes.
 * MP_ERR_NOT_FOUND if that rank published no such card. */
mp_status_t mp_wireup_card_get(int rank, const char *key, void **data_p, size_t *len_p);

/* The launcher's name service (names.c), for MPI_Publish_name and friends: service names up
 * to MP_WIREUP_NAME_MAX characters. Blocking (one round trip to the PMIx server).
 * publish: MP_ERR_EXISTS when service is published already. lookup: the port into port (len
 * bytes, NUL-terminated); MP_ERR_NOT_FOUND when nothing is published under service (it does
 * not wait). unpublish: MP_ERR_NOT_FOUND when this process did not publish service. All:
 * MP_ERR_UNSUPPORTED when the launcher keeps no names (a singleton, Slurm, libmp's mpirun
 * with ranks on several hosts), MP_ERR_INVALID for a service name too long. */
#define MP_WIREUP_NAME_MAX 400
mp_status_t mp_wireup_name_publish(const char *service, const char *port);
mp_status_t mp_wireup_name_lookup(const char *service, char *port, size_t len);
mp_status_t mp_wireup_name_unpublish(const char *service);

/* Asks the launcher to end the whole job with exit status code; then exits this process with
 * that code, in case the launcher (or a singleton) does not. Never returns. */
void mp_wireup_abort(int code, const char *msg) __attribute__((noreturn));

/* The PMIx library in use, e.g. "OpenPMIx 4.2.2", for MPI_Get_library_version. */
const char *mp_wireup_version(void);

/* Frees info's contents and, with disconnect, ends the connection to the PMIx server. Without
 * it the connection stays for the next mp_wireup_init (a session that starts MPI again), whose
 * cards then travel under keys of their own, and ends at process exit. */
mp_status_t mp_wireup_fini(mp_wireup_info_t *info, bool disconnect);

#endif
