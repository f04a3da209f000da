/*
 * Error classes: MPI_Error_string and MPI_Error_class for every class, and every class that the
 * library raises today provoked under MPI_ERRORS_RETURN (rank, tag, count, datatype, comm,
 * buffer, request, truncate, root, op, group, keyval, info, errhandler, window, session, file,
 * argument).
 */
#include "../attr/attrtest.h"

/* Every predefined error class, with its name. */
#define CLASS(c)                                                                                   \
    {                                                                                              \
        c, #c                                                                                      \
    }
static const struct {
    int cls;
    const char *name;
} classes[] = {
    CLASS(MPI_SUCCESS),
    CLASS(MPI_ERR_BUFFER),
    CLASS(MPI_ERR_COUNT),
    CLASS(MPI_ERR_TYPE),
    CLASS(MPI_ERR_TAG),
    CLASS(MPI_ERR_COMM),
    CLASS(MPI_ERR_RANK),
    CLASS(MPI_ERR_REQUEST),
    CLASS(MPI_ERR_ROOT),
    CLASS(MPI_ERR_GROUP),
    CLASS(MPI_ERR_OP),
    CLASS(MPI_ERR_TOPOLOGY),
    CLASS(MPI_ERR_DIMS),
    CLASS(MPI_ERR_ARG),
    CLASS(MPI_ERR_UNKNOWN),
    CLASS(MPI_ERR_TRUNCATE),
    CLASS(MPI_ERR_OTHER),
    CLASS(MPI_ERR_INTERN),
    CLASS(MPI_ERR_PENDING),
    CLASS(MPI_ERR_IN_STATUS),
    CLASS(MPI_ERR_ACCESS),
    CLASS(MPI_ERR_AMODE),
    CLASS(MPI_ERR_ASSERT),
    CLASS(MPI_ERR_BAD_FILE),
    CLASS(MPI_ERR_BASE),
    CLASS(MPI_ERR_CONVERSION),
    CLASS(MPI_ERR_DISP),
    CLASS(MPI_ERR_DUP_DATAREP),
    CLASS(MPI_ERR_FILE_EXISTS),
    CLASS(MPI_ERR_FILE_IN_USE),
    CLASS(MPI_ERR_FILE),
    CLASS(MPI_ERR_INFO_KEY),
    CLASS(MPI_ERR_INFO_NOKEY),
    CLASS(MPI_ERR_INFO_VALUE),
    CLASS(MPI_ERR_INFO),
    CLASS(MPI_ERR_IO),
    CLASS(MPI_ERR_KEYVAL),
    CLASS(MPI_ERR_LOCKTYPE),
    CLASS(MPI_ERR_NAME),
    CLASS(MPI_ERR_NO_MEM),
    CLASS(MPI_ERR_NOT_SAME),
    CLASS(MPI_ERR_NO_SPACE),
    CLASS(MPI_ERR_NO_SUCH_FILE),
    CLASS(MPI_ERR_PORT),
    CLASS(MPI_ERR_QUOTA),
    CLASS(MPI_ERR_READ_ONLY),
    CLASS(MPI_ERR_RMA_ATTACH),
    CLASS(MPI_ERR_RMA_CONFLICT),
    CLASS(MPI_ERR_RMA_RANGE),
    CLASS(MPI_ERR_RMA_SHARED),
    CLASS(MPI_ERR_RMA_SYNC),
    CLASS(MPI_ERR_SERVICE),
    CLASS(MPI_ERR_SIZE),
    CLASS(MPI_ERR_SPAWN),
    CLASS(MPI_ERR_UNSUPPORTED_DATAREP),
    CLASS(MPI_ERR_UNSUPPORTED_OPERATION),
    CLASS(MPI_ERR_WIN),
    CLASS(MPI_ERR_RMA_FLAVOR),
    CLASS(MPI_ERR_PROC_ABORTED),
    CLASS(MPI_ERR_VALUE_TOO_LARGE),
    CLASS(MPI_ERR_SESSION),
    CLASS(MPI_ERR_ERRHANDLER),
    CLASS(MPI_ERR_ABI),
    CLASS(MPI_T_ERR_CANNOT_INIT),
    CLASS(MPI_T_ERR_NOT_ACCESSIBLE),
    CLASS(MPI_T_ERR_NOT_INITIALIZED),
    CLASS(MPI_T_ERR_NOT_SUPPORTED),
    CLASS(MPI_T_ERR_MEMORY),
    CLASS(MPI_T_ERR_INVALID),
    CLASS(MPI_T_ERR_INVALID_INDEX),
    CLASS(MPI_T_ERR_INVALID_ITEM),
    CLASS(MPI_T_ERR_INVALID_SESSION),
    CLASS(MPI_T_ERR_INVALID_HANDLE),
    CLASS(MPI_T_ERR_INVALID_NAME),
    CLASS(MPI_T_ERR_OUT_OF_HANDLES),
    CLASS(MPI_T_ERR_OUT_OF_SESSIONS),
    CLASS(MPI_T_ERR_CVAR_SET_NOT_NOW),
    CLASS(MPI_T_ERR_CVAR_SET_NEVER),
    CLASS(MPI_T_ERR_PVAR_NO_WRITE),
    CLASS(MPI_T_ERR_PVAR_NO_STARTSTOP),
    CLASS(MPI_T_ERR_PVAR_NO_ATOMIC),
};

static void check_strings(void)
{
    int n = (int)(sizeof(classes) / sizeof(classes[0]));
    for (int i = 0; i < n; i++) {
        char s[MPI_MAX_ERROR_STRING];
        int len = -1, cls = -1;
        memset(s, 0, sizeof(s));
        AT_MPI(MPI_Error_string(classes[i].cls, s, &len));
        MPT_CHECK(len > 0 && len < MPI_MAX_ERROR_STRING && (int)strlen(s) == len,
                  "%s: string length %d, strlen %zu", classes[i].name, len, strlen(s));
        /* Our strings name the class first, then say what it means. */
        MPT_CHECK(strncmp(s, classes[i].name, strlen(classes[i].name)) == 0 &&
                      strlen(s) > strlen(classes[i].name) + 4,
                  "%s: string \"%s\"", classes[i].name, s);
        AT_MPI(MPI_Error_class(classes[i].cls, &cls));
        MPT_CHECK(cls == classes[i].cls, "MPI_Error_class(%s) = %d", classes[i].name, cls);
        /* Strings differ between classes. */
        for (int j = 0; j < i; j++) {
            char t[MPI_MAX_ERROR_STRING];
            MPI_Error_string(classes[j].cls, t, &len);
            MPT_CHECK(strcmp(s, t) != 0, "%s and %s share the string \"%s\"", classes[i].name,
                      classes[j].name, s);
        }
    }
    char s[MPI_MAX_ERROR_STRING];
    int len, cls;
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_string(-1, s, &len));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_string(MPI_ERR_LASTCODE + 1000, s, &len));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(100, &cls));
}

/* Each error the library raises today, provoked on purpose. */
static void check_raised(int rank, int size)
{
    int buf[4] = {0};
    AT_MPI_FAILS(MPI_ERR_RANK, MPI_Send(buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_RANK, MPI_Send(buf, 1, MPI_INT, -5, 0, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_RANK,
                 MPI_Recv(buf, 1, MPI_INT, size + 3, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    AT_MPI_FAILS(MPI_ERR_TAG, MPI_Send(buf, 1, MPI_INT, rank, -1, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_TAG, MPI_Send(buf, 1, MPI_INT, rank, MPI_ANY_TAG, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_COUNT, MPI_Send(buf, -1, MPI_INT, rank, 0, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_TYPE, MPI_Send(buf, 1, MPI_DATATYPE_NULL, rank, 0, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_BUFFER, MPI_Send(NULL, 4, MPI_INT, rank, 0, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_COMM, MPI_Send(buf, 1, MPI_INT, 0, 0, MPI_COMM_NULL));
    int n;
    AT_MPI_FAILS(MPI_ERR_COMM, MPI_Comm_size(MPI_COMM_NULL, &n));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_size(MPI_COMM_WORLD, NULL));
    MPI_Request req = MPI_REQUEST_NULL;
    AT_MPI_FAILS(MPI_ERR_REQUEST, MPI_Start(&req));

    /* Truncation: a message of 4 ints into room for 1, sent to myself. */
    MPI_Request sreq;
    AT_MPI(MPI_Isend(buf, 4, MPI_INT, rank, 7, MPI_COMM_WORLD, &sreq));
    MPI_Status status;
    AT_MPI_FAILS(MPI_ERR_TRUNCATE, MPI_Recv(buf, 1, MPI_INT, rank, 7, MPI_COMM_WORLD, &status));
    AT_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));

    /* Operations and groups. */
    int in = 1, inout = 2;
    AT_MPI_FAILS(MPI_ERR_OP, MPI_Reduce_local(&in, &inout, 1, MPI_INT, MPI_OP_NULL));
    AT_MPI_FAILS(MPI_ERR_GROUP, MPI_Group_size(MPI_GROUP_NULL, &n));
    AT_MPI_FAILS(MPI_ERR_ROOT, MPI_Bcast(buf, 1, MPI_INT, size, MPI_COMM_WORLD));
    AT_MPI_FAILS(MPI_ERR_ROOT, MPI_Bcast(buf, 1, MPI_INT, -1, MPI_COMM_WORLD));
    MPI_Comm newcomm;
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &newcomm));

    int flag;
    void *v;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_get_attr(MPI_COMM_WORLD, 77777, &v, &flag));
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_get_nkeys(MPI_INFO_NULL, &n));
    AT_MPI_FAILS(MPI_ERR_ERRHANDLER, MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRHANDLER_NULL));
    AT_MPI_FAILS(MPI_ERR_WIN, MPI_Win_set_errhandler(MPI_WIN_NULL, MPI_ERRORS_RETURN));
    AT_MPI_FAILS(MPI_ERR_SESSION, MPI_Session_set_errhandler(MPI_SESSION_NULL, MPI_ERRORS_RETURN));
    AT_MPI_FAILS(MPI_ERR_FILE, MPI_File_set_errhandler((MPI_File)(void *)buf, MPI_ERRORS_RETURN));
}

int main(int argc, char **argv)
{
    int rank, size;
    /* MPI_Error_string and MPI_Error_class work before MPI_Init. */
    char s[MPI_MAX_ERROR_STRING];
    int len = 0;
    int rc = MPI_Error_string(MPI_ERR_RANK, s, &len);
    MPT_CHECK(rc == MPI_SUCCESS && len > 0, "MPI_Error_string before MPI_Init: %d", rc);

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    check_strings();
    check_raised(rank, size);

    MPI_Finalize();
    return mpt_finish(rank);
}
