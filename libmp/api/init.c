/*
 * Starting and ending MPI: MPI_Init(_thread), MPI_Finalize, their queries, MPI_Abort and the
 * thread-level calls, and the runtime that the world model and the sessions (session.c) share.
 * libmp provides up to MPI_THREAD_MULTIPLE: then every call holds one library lock (core/lock.h)
 * that waiting calls drop while they wait.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "coll/shm.h"
#include "comm/disconnect.h"
#include "comm/dynamic.h"
#include "comm/port.h"
#include "core/log.h"
#include "core/runtime.h"
#include "core/settings.h"

#define MP_THREAD_LEVEL_MAX MPI_THREAD_MULTIPLE

/* The world model (MPI_Init to MPI_Finalize) and the sessions share one runtime: the first of
 * them starts it, the last to end stops it, and a session opened later starts it again. */
static enum { WORLD_NEVER, WORLD_ACTIVE, WORLD_DONE } world;

static bool is_thread_level(int level)
{
    return level == MPI_THREAD_SINGLE || level == MPI_THREAD_FUNNELED ||
           level == MPI_THREAD_SERIALIZED || level == MPI_THREAD_MULTIPLE;
}

/* Under a launcher, a rank's stdout is a pipe, which the C library buffers fully: lines would
 * come out late and in bursts, and be lost with a rank that is killed (another rank's MPI_Abort,
 * a timeout). Written line by line, as at a terminal and as Open MPI's ranks write;
 * MP_STDOUT_LINE_BUFFERED=0 leaves the C library's (or the program's) choice. */
static void line_buffer_stdout(void)
{
    struct stat st;
    if (mp_setting_size("MP_STDOUT_LINE_BUFFERED", 1) != 0 && fstat(STDOUT_FILENO, &st) == 0 &&
        S_ISFIFO(st.st_mode)) {
        setvbuf(stdout, NULL, _IOLBF, 0);
    }
}

int mp_api_runtime_start(const char *call, int required, int *provided)
{
    if (!is_thread_level(required)) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "required thread level %d is not one of MPI_THREAD_SINGLE, "
                            "MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE",
                            required);
    }
    if (provided == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "provided is NULL");
    }
    /* A runtime that the last session (or MPI_Finalize, after the last session) ended starts
     * again for a new session: sessions come and go during the life of a process (MPI 4.1,
     * 11.3); only the world model cannot be initialised twice, which init_common checks. */
    if (mp_runtime.state == MP_RUNTIME_READY) {
        /* A session or the world model started it already: its level holds. */
        *provided = required < mp_runtime.thread_level ? required : mp_runtime.thread_level;
        return MPI_SUCCESS;
    }
    /* The thread levels are ordered, so the lower of the two is what we can promise. */
    int level = required < MP_THREAD_LEVEL_MAX ? required : MP_THREAD_LEVEL_MAX;
    /* Before any peer can reach this rank: connect requests are noticed from the start. */
    mp_comm_port_init();
    mp_status_t status = mp_runtime_init(level);
    if (status != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(status), "cannot join the job: %s",
                            mp_status_string(status));
    }
    line_buffer_stdout();
    if (level == MPI_THREAD_MULTIPLE && !mp_lock_on) {
        /* From here on: no other thread can be in MPI before this call returns. The rest of
         * this call runs without the lock, as nothing can contend for it yet. */
        mp_lock_enable();
    }
    *provided = level;
    return MPI_SUCCESS;
}

int mp_api_runtime_stop(const char *call, bool disconnect)
{
    mp_api_joined_fini();
    mp_api_parent_fini();
    /* Buffered sends still in flight are delivered before this rank leaves. */
    mp_api_bsend_fini();
    mp_api_greq_fini();
    /* MPI_Finalize is collective over every process connected to this one: the processes of
     * other jobs take part in it as in a disconnect, before this job's closing fence. */
    mp_status_t farewell = mp_comm_farewell();
    if (farewell != MP_OK) {
        mp_log_error("%s: could not tell every process of another job that this one leaves: %s",
                     call, mp_status_string(farewell));
    }
    mp_coll_shm_fini();
    mp_status_t status = mp_runtime_fini(disconnect);
    if (status != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(status), "cannot leave the job: %s",
                            mp_status_string(status));
    }
    mp_rma_fini();
    mp_comm_port_fini();
    mp_comm_dynamic_fini();
    mp_comm_disconnect_fini();
    mp_api_type_f90_fini();
    mp_api_split_type_fini();
    mp_api_errhandler_fini();
    mp_api_info_fini();
    mp_api_error_fini();
    return MPI_SUCCESS;
}

bool mp_api_world_is_active(void)
{
    return world == WORLD_ACTIVE;
}

static int init_common(const char *call, int required, int *provided)
{
    if (world != WORLD_NEVER) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER,
                            world == WORLD_ACTIVE
                                ? "MPI is already initialised; call MPI_Init only once"
                                : "called after MPI_Finalize; MPI cannot be initialised again");
    }
    int rc = mp_api_runtime_start(call, required, provided);
    if (rc == MPI_SUCCESS) {
        world = WORLD_ACTIVE;
        rc = mp_api_parent_start(call);
    }
    return rc;
}

#pragma weak MPI_Init = PMPI_Init
int PMPI_Init(int *argc, char ***argv)
{
    MP_API_LOCK();
    mp_api_info_env_args(argc, argv);
    int provided;
    return init_common("MPI_Init", MPI_THREAD_SINGLE, &provided);
}

#pragma weak MPI_Init_thread = PMPI_Init_thread
int PMPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    MP_API_LOCK();
    mp_api_info_env_args(argc, argv);
    return init_common("MPI_Init_thread", required, provided);
}

#pragma weak MPI_Initialized = PMPI_Initialized
int PMPI_Initialized(int *flag)
{
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Initialized", MPI_ERR_ARG, "flag is NULL");
    }
    *flag = world != WORLD_NEVER;
    return MPI_SUCCESS;
}

#pragma weak MPI_Finalized = PMPI_Finalized
int PMPI_Finalized(int *flag)
{
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Finalized", MPI_ERR_ARG, "flag is NULL");
    }
    *flag = world == WORLD_DONE;
    return MPI_SUCCESS;
}

#pragma weak MPI_Finalize = PMPI_Finalize
int PMPI_Finalize(void)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Finalize");
    if (rc == MPI_SUCCESS && world != WORLD_ACTIVE) {
        rc = mp_api_error(NULL, "MPI_Finalize", MPI_ERR_OTHER,
                          "MPI_Init was not called: sessions end with MPI_Session_finalize");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* First, as MPI asks, the delete callbacks of MPI_COMM_SELF's attributes, then those of
     * MPI_COMM_WORLD's, while every MPI call still works. */
    mp_api_attr_fini();
    world = WORLD_DONE;
    /* Sessions still open keep the runtime; the last one to end stops it. */
    return mp_api_sessions_open() > 0 ? MPI_SUCCESS : mp_api_runtime_stop("MPI_Finalize", true);
}

#pragma weak MPI_Abort = PMPI_Abort
int PMPI_Abort(MPI_Comm comm, int errorcode)
{
    /* Exit statuses are 8 bits: a non-zero code must not turn into success. */
    int status = errorcode & 0xff;
    if (errorcode != 0 && status == 0) {
        status = 1;
    }
    const mp_comm_t *c = mp_api_comm_get(comm);
    char msg[256];
    snprintf(msg, sizeof(msg), "MPI_Abort(%s, %d) called: ending the job with status %d",
             c != NULL ? c->name : "invalid communicator", errorcode, status);
    mp_log_error("%s", msg);
    /* Every rank of the job ends, not only those of comm, as in the other implementations. */
    mp_api_job_abort(status, msg);
}

#pragma weak MPI_Query_thread = PMPI_Query_thread
int PMPI_Query_thread(int *provided)
{
    int rc = mp_api_check_ready("MPI_Query_thread");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (provided == NULL) {
        return mp_api_error(NULL, "MPI_Query_thread", MPI_ERR_ARG, "provided is NULL");
    }
    *provided = mp_runtime.thread_level;
    return MPI_SUCCESS;
}

#pragma weak MPI_Is_thread_main = PMPI_Is_thread_main
int PMPI_Is_thread_main(int *flag)
{
    int rc = mp_api_check_ready("MPI_Is_thread_main");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (flag == NULL) {
        return mp_api_error(NULL, "MPI_Is_thread_main", MPI_ERR_ARG, "flag is NULL");
    }
    *flag = pthread_equal(pthread_self(), mp_runtime.main_thread) != 0;
    return MPI_SUCCESS;
}
