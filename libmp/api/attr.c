/*
 * Communicator attributes: for now the keys MPI predefines on MPI_COMM_WORLD (and, as the other
 * implementations do, on every communicator). User keyvals come with the caching work.
 */
#include "api/api.h"
#include "core/runtime.h"

/* The values the attributes point at: the standard returns a pointer to an int. */
static int attr_tag_ub = MP_API_TAG_UB;
static int attr_host = MPI_PROC_NULL; /* no process is the "host" */
static int attr_io = MPI_ANY_SOURCE;  /* every process can do I/O */
static int attr_wtime_is_global = 0;  /* MPI_Wtime is a local clock */
static int attr_universe_size;        /* the ranks of the job: no spawning yet */
static int attr_appnum = 0;           /* one application: no MPMD yet */
static int attr_lastusedcode = MPI_ERR_ABI;

static int *predefined_attr(int keyval)
{
    switch (keyval) {
    case MPI_TAG_UB:
        return &attr_tag_ub;
    case MPI_HOST:
        return &attr_host;
    case MPI_IO:
        return &attr_io;
    case MPI_WTIME_IS_GLOBAL:
        return &attr_wtime_is_global;
    case MPI_UNIVERSE_SIZE:
        attr_universe_size = mp_runtime.size;
        return &attr_universe_size;
    case MPI_APPNUM:
        return &attr_appnum;
    case MPI_LASTUSEDCODE:
        return &attr_lastusedcode;
    default:
        return NULL;
    }
}

#pragma weak MPI_Comm_get_attr = PMPI_Comm_get_attr
int PMPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_get_attr", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (attribute_val == NULL || flag == NULL) {
        return mp_api_error(c, "MPI_Comm_get_attr", MPI_ERR_ARG, "attribute_val or flag is NULL");
    }
    int *value = predefined_attr(comm_keyval);
    if (value == NULL) {
        return mp_api_error(c, "MPI_Comm_get_attr", MPI_ERR_KEYVAL,
                            "%d is not a communicator attribute key; the predefined ones are "
                            "MPI_TAG_UB, MPI_HOST, MPI_IO, MPI_WTIME_IS_GLOBAL, "
                            "MPI_UNIVERSE_SIZE, MPI_APPNUM and MPI_LASTUSEDCODE",
                            comm_keyval);
    }
    /* attribute_val is the address of a pointer, which receives the address of the value. */
    *(int **)attribute_val = value;
    *flag = 1;
    return MPI_SUCCESS;
}

/* Placeholders until user keyvals exist: nothing is cached on communicators yet. */
int mp_api_attr_comm_copy_all(const char *call, mp_comm_t *old, mp_comm_t *new_comm)
{
    (void)call;
    (void)old;
    (void)new_comm;
    return MPI_SUCCESS;
}

int mp_api_attr_comm_delete_all(const char *call, mp_comm_t *comm)
{
    (void)call;
    (void)comm;
    return MPI_SUCCESS;
}
