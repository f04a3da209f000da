/*
 * Garbage handles: a handle that is no object at all (an uninitialised variable, a number, the
 * address of freed or unmapped memory, of a buffer, or inside a real object) gets the error
 * class of its kind under MPI_ERRORS_RETURN, never a crash. Every kind of handle libmp makes
 * from an address is tried: communicator, datatype, request (plain, persistent, generalized,
 * partitioned), message, op, group, info, error handler, file, session, window and MPI_T's cvar
 * handle and pvar session.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../attr/attrtest.h"

/* The values tried as handles of every kind. */
#define NGARBAGE 7
static uintptr_t garbage[NGARBAGE];
static const char *garbage_what[NGARBAGE] = {
    "unmapped memory", "a small number",        "a non-canonical address", "all bits set",
    "a stack buffer",  "inside a communicator", "inside a datatype",
};

static void make_garbage(MPI_Comm comm, MPI_Datatype type, const void *stack_buf)
{
    long page = sysconf(_SC_PAGESIZE);
    void *p =
        mmap(NULL, (size_t)page * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    MPT_CHECK(p != MAP_FAILED, "mmap failed");
    munmap(p, (size_t)page * 4);
    garbage[0] = (uintptr_t)p + (uintptr_t)page;
    garbage[1] = 0x12345678;
    garbage[2] = (uintptr_t)0xdead0000beef0000ull;
    garbage[3] = UINTPTR_MAX - 7;
    garbage[4] = (uintptr_t)stack_buf;
    garbage[5] = (uintptr_t)comm + 8;
    garbage[6] = (uintptr_t)type + 16;
}

static int try_comm(uintptr_t g)
{
    int n;
    return MPI_Comm_size((MPI_Comm)g, &n);
}

static int try_comm_send(uintptr_t g)
{
    int x = 1;
    return MPI_Send(&x, 1, MPI_INT, 0, 0, (MPI_Comm)g);
}

static int try_type(uintptr_t g)
{
    int n;
    return MPI_Type_size((MPI_Datatype)g, &n);
}

static int try_type_send(uintptr_t g)
{
    int x = 1;
    return MPI_Send(&x, 1, (MPI_Datatype)g, 0, 0, MPI_COMM_SELF);
}

static int try_wait(uintptr_t g)
{
    MPI_Request r = (MPI_Request)g;
    return MPI_Wait(&r, MPI_STATUS_IGNORE);
}

static int try_test(uintptr_t g)
{
    MPI_Request r = (MPI_Request)g;
    int flag;
    return MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
}

static int try_start(uintptr_t g)
{
    MPI_Request r = (MPI_Request)g;
    return MPI_Start(&r);
}

static int try_grequest(uintptr_t g)
{
    return MPI_Grequest_complete((MPI_Request)g);
}

static int try_pready(uintptr_t g)
{
    return MPI_Pready(0, (MPI_Request)g);
}

static int try_mrecv(uintptr_t g)
{
    int x;
    MPI_Message m = (MPI_Message)g;
    return MPI_Mrecv(&x, 1, MPI_INT, &m, MPI_STATUS_IGNORE);
}

static int try_op(uintptr_t g)
{
    int a = 1, b = 2;
    return MPI_Reduce_local(&a, &b, 1, MPI_INT, (MPI_Op)g);
}

static int try_group(uintptr_t g)
{
    int n;
    return MPI_Group_size((MPI_Group)g, &n);
}

static int try_info(uintptr_t g)
{
    int n;
    return MPI_Info_get_nkeys((MPI_Info)g, &n);
}

static int try_errhandler(uintptr_t g)
{
    return MPI_Comm_set_errhandler(MPI_COMM_SELF, (MPI_Errhandler)g);
}

static int try_file(uintptr_t g)
{
    MPI_Offset size;
    return MPI_File_get_size((MPI_File)g, &size);
}

static int try_session(uintptr_t g)
{
    int n;
    return MPI_Session_get_num_psets((MPI_Session)g, MPI_INFO_NULL, &n);
}

static int try_win(uintptr_t g)
{
    MPI_Group group;
    return MPI_Win_get_group((MPI_Win)g, &group);
}

static int try_cvar(uintptr_t g)
{
    char buf[256];
    return MPI_T_cvar_read((MPI_T_cvar_handle)g, buf);
}

static int try_pvar_session(uintptr_t g)
{
    MPI_T_pvar_session s = (MPI_T_pvar_session)g;
    return MPI_T_pvar_session_free(&s);
}

static const struct {
    const char *call;
    int (*fn)(uintptr_t g);
    int cls; /* the class expected */
} tries[] = {
    {"MPI_Comm_size", try_comm, MPI_ERR_COMM},
    {"MPI_Send (communicator)", try_comm_send, MPI_ERR_COMM},
    {"MPI_Type_size", try_type, MPI_ERR_TYPE},
    {"MPI_Send (datatype)", try_type_send, MPI_ERR_TYPE},
    {"MPI_Wait", try_wait, MPI_ERR_REQUEST},
    {"MPI_Test", try_test, MPI_ERR_REQUEST},
    {"MPI_Start", try_start, MPI_ERR_REQUEST},
    {"MPI_Grequest_complete", try_grequest, MPI_ERR_REQUEST},
    {"MPI_Pready", try_pready, MPI_ERR_REQUEST},
    {"MPI_Mrecv", try_mrecv, MPI_ERR_REQUEST},
    {"MPI_Reduce_local", try_op, MPI_ERR_OP},
    {"MPI_Group_size", try_group, MPI_ERR_GROUP},
    {"MPI_Info_get_nkeys", try_info, MPI_ERR_INFO},
    {"MPI_Comm_set_errhandler", try_errhandler, MPI_ERR_ERRHANDLER},
    {"MPI_File_get_size", try_file, MPI_ERR_FILE},
    {"MPI_Session_get_num_psets", try_session, MPI_ERR_SESSION},
    {"MPI_Win_get_group", try_win, MPI_ERR_WIN},
    {"MPI_T_cvar_read", try_cvar, MPI_T_ERR_INVALID_HANDLE},
    {"MPI_T_pvar_session_free", try_pvar_session, MPI_T_ERR_INVALID_SESSION},
};

int main(int argc, char **argv)
{
    int rank, provided;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    /* Errors of no object go to MPI_COMM_SELF (MPI 4.0); files' to MPI_FILE_NULL's, which
     * returns by default. */
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    AT_MPI(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));

    /* Real objects of some kinds, so that their kinds' address spans are not empty. */
    MPI_Comm dup;
    MPI_Datatype vec;
    MPI_Info info;
    MPI_Group group;
    MPI_Request req;
    int x = 0;
    AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    AT_MPI(MPI_Type_vector(2, 1, 2, MPI_INT, &vec));
    AT_MPI(MPI_Info_create(&info));
    AT_MPI(MPI_Comm_group(dup, &group));
    AT_MPI(MPI_Irecv(&x, 1, MPI_INT, MPI_PROC_NULL, 0, dup, &req));
    AT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));

    uint64_t stack_buf[64];
    memset(stack_buf, 0, sizeof(stack_buf));
    make_garbage(dup, vec, stack_buf);
    for (size_t t = 0; t < sizeof(tries) / sizeof(tries[0]); t++) {
        for (int g = 0; g < NGARBAGE; g++) {
            int rc = tries[t].fn(garbage[g]);
            int cls = MPI_SUCCESS;
            if (rc != MPI_SUCCESS) {
                MPI_Error_class(rc, &cls);
            }
            MPT_CHECK(cls == tries[t].cls,
                      "%s given %s (%#lx): returned %d (class %d), expected %d", tries[t].call,
                      garbage_what[g], (unsigned long)garbage[g], rc, cls, tries[t].cls);
        }
    }
    /* The real objects still work after all that. */
    int size;
    AT_MPI(MPI_Comm_size(dup, &size));
    AT_MPI(MPI_Type_size(vec, &size));
    MPT_CHECK(size == 2 * (int)sizeof(int), "vector size %d", size);

    AT_MPI(MPI_Group_free(&group));
    AT_MPI(MPI_Info_free(&info));
    AT_MPI(MPI_Type_free(&vec));
    AT_MPI(MPI_Comm_free(&dup));
    AT_MPI(MPI_T_finalize());
    MPI_Finalize();
    return mpt_finish(rank);
}
