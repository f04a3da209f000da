/*
 * Language bindings: handles as integers, for Fortran (MPI_X_c2f, MPI_X_f2c) and for the standard
 * ABI (MPI_X_toint, MPI_X_fromint, the same numbers), and statuses as Fortran integer arrays.
 * A predefined handle's integer is its ABI value; a handle the library made gets the next free
 * integer above those the first time it is converted, and keeps it.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/ptrmap.h"

/* The handle kinds, one table each: integers of different kinds may coincide. */
enum kind {
    K_COMM,
    K_TYPE,
    K_GROUP,
    K_REQUEST,
    K_OP,
    K_INFO,
    K_ERRHANDLER,
    K_MESSAGE,
    K_WIN,
    K_FILE,
    K_SESSION,
    K_COUNT
};

/* The integers given to handles the library made, from FIRST_USER_INT up. Entries are never
 * removed: a freed object's integer keeps naming its address, which the next object allocated
 * there reuses, so the table stays about as large as the most objects ever converted at once. */
typedef struct handle_table {
    mp_ptrmap_t index_of; /* handle -> index in handles */
    void **handles;       /* index -> handle */
    int count;
    int cap;
} handle_table_t;

static handle_table_t tables[K_COUNT];

/* Above every predefined handle's value (they are all below MP_API_HANDLE_RESERVED). */
#define FIRST_USER_INT ((int)MP_API_HANDLE_RESERVED)

/* The integer of handle h of kind k, or null's integer when memory runs out (the conversions
 * have no error to return). */
static int to_int(enum kind k, const void *h, const void *null)
{
    uintptr_t v = (uintptr_t)h;
    if (v < MP_API_HANDLE_RESERVED) {
        return (int)v;
    }
    handle_table_t *t = &tables[k];
    uintptr_t index;
    if (mp_ptrmap_get(&t->index_of, h, &index)) {
        return FIRST_USER_INT + (int)index;
    }
    if (t->count == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        if (cap > INT32_MAX - FIRST_USER_INT) {
            return (int)(uintptr_t)null;
        }
        void **handles = realloc(t->handles, (size_t)cap * sizeof(*handles));
        if (handles == NULL) {
            return (int)(uintptr_t)null;
        }
        t->handles = handles;
        t->cap = cap;
    }
    if (!mp_ptrmap_put(&t->index_of, h, (uintptr_t)t->count)) {
        return (int)(uintptr_t)null;
    }
    t->handles[t->count] = (void *)(uintptr_t)v;
    return FIRST_USER_INT + t->count++;
}

/* The handle of kind k whose integer is i; null for an integer that names none. A small value
 * comes back as the predefined handle it would be: calls given it check it like any handle. */
static void *from_int(enum kind k, int i, void *null)
{
    if (i > 0 && i < FIRST_USER_INT) {
        return (void *)(uintptr_t)i;
    }
    const handle_table_t *t = &tables[k];
    if (i >= FIRST_USER_INT && i - FIRST_USER_INT < t->count) {
        return t->handles[i - FIRST_USER_INT];
    }
    return null;
}

#pragma weak MPI_Comm_c2f = PMPI_Comm_c2f
MPI_Fint PMPI_Comm_c2f(MPI_Comm comm)
{
    MP_API_LOCK();
    return to_int(K_COMM, comm, MPI_COMM_NULL);
}

#pragma weak MPI_Comm_f2c = PMPI_Comm_f2c
MPI_Comm PMPI_Comm_f2c(MPI_Fint comm)
{
    MP_API_LOCK();
    return (MPI_Comm)from_int(K_COMM, comm, MPI_COMM_NULL);
}

#pragma weak MPI_Comm_toint = PMPI_Comm_toint
int PMPI_Comm_toint(MPI_Comm comm)
{
    MP_API_LOCK();
    return to_int(K_COMM, comm, MPI_COMM_NULL);
}

#pragma weak MPI_Comm_fromint = PMPI_Comm_fromint
MPI_Comm PMPI_Comm_fromint(int comm)
{
    MP_API_LOCK();
    return (MPI_Comm)from_int(K_COMM, comm, MPI_COMM_NULL);
}

#pragma weak MPI_Type_c2f = PMPI_Type_c2f
MPI_Fint PMPI_Type_c2f(MPI_Datatype datatype)
{
    MP_API_LOCK();
    return to_int(K_TYPE, datatype, MPI_DATATYPE_NULL);
}

#pragma weak MPI_Type_f2c = PMPI_Type_f2c
MPI_Datatype PMPI_Type_f2c(MPI_Fint datatype)
{
    MP_API_LOCK();
    return (MPI_Datatype)from_int(K_TYPE, datatype, MPI_DATATYPE_NULL);
}

#pragma weak MPI_Type_toint = PMPI_Type_toint
int PMPI_Type_toint(MPI_Datatype datatype)
{
    MP_API_LOCK();
    return to_int(K_TYPE, datatype, MPI_DATATYPE_NULL);
}

#pragma weak MPI_Type_fromint = PMPI_Type_fromint
MPI_Datatype PMPI_Type_fromint(int datatype)
{
    MP_API_LOCK();
    return (MPI_Datatype)from_int(K_TYPE, datatype, MPI_DATATYPE_NULL);
}

#pragma weak MPI_Group_c2f = PMPI_Group_c2f
MPI_Fint PMPI_Group_c2f(MPI_Group group)
{
    MP_API_LOCK();
    return to_int(K_GROUP, group, MPI_GROUP_NULL);
}

#pragma weak MPI_Group_f2c = PMPI_Group_f2c
MPI_Group PMPI_Group_f2c(MPI_Fint group)
{
    MP_API_LOCK();
    return (MPI_Group)from_int(K_GROUP, group, MPI_GROUP_NULL);
}

#pragma weak MPI_Group_toint = PMPI_Group_toint
int PMPI_Group_toint(MPI_Group group)
{
    MP_API_LOCK();
    return to_int(K_GROUP, group, MPI_GROUP_NULL);
}

#pragma weak MPI_Group_fromint = PMPI_Group_fromint
MPI_Group PMPI_Group_fromint(int group)
{
    MP_API_LOCK();
    return (MPI_Group)from_int(K_GROUP, group, MPI_GROUP_NULL);
}

#pragma weak MPI_Request_c2f = PMPI_Request_c2f
MPI_Fint PMPI_Request_c2f(MPI_Request request)
{
    MP_API_LOCK();
    return to_int(K_REQUEST, request, MPI_REQUEST_NULL);
}

#pragma weak MPI_Request_f2c = PMPI_Request_f2c
MPI_Request PMPI_Request_f2c(MPI_Fint request)
{
    MP_API_LOCK();
    return (MPI_Request)from_int(K_REQUEST, request, MPI_REQUEST_NULL);
}

#pragma weak MPI_Request_toint = PMPI_Request_toint
int PMPI_Request_toint(MPI_Request request)
{
    MP_API_LOCK();
    return to_int(K_REQUEST, request, MPI_REQUEST_NULL);
}

#pragma weak MPI_Request_fromint = PMPI_Request_fromint
MPI_Request PMPI_Request_fromint(int request)
{
    MP_API_LOCK();
    return (MPI_Request)from_int(K_REQUEST, request, MPI_REQUEST_NULL);
}

#pragma weak MPI_Op_c2f = PMPI_Op_c2f
MPI_Fint PMPI_Op_c2f(MPI_Op op)
{
    MP_API_LOCK();
    return to_int(K_OP, op, MPI_OP_NULL);
}

#pragma weak MPI_Op_f2c = PMPI_Op_f2c
MPI_Op PMPI_Op_f2c(MPI_Fint op)
{
    MP_API_LOCK();
    return (MPI_Op)from_int(K_OP, op, MPI_OP_NULL);
}

#pragma weak MPI_Op_toint = PMPI_Op_toint
int PMPI_Op_toint(MPI_Op op)
{
    MP_API_LOCK();
    return to_int(K_OP, op, MPI_OP_NULL);
}

#pragma weak MPI_Op_fromint = PMPI_Op_fromint
MPI_Op PMPI_Op_fromint(int op)
{
    MP_API_LOCK();
    return (MPI_Op)from_int(K_OP, op, MPI_OP_NULL);
}

#pragma weak MPI_Info_c2f = PMPI_Info_c2f
MPI_Fint PMPI_Info_c2f(MPI_Info info)
{
    MP_API_LOCK();
    return to_int(K_INFO, info, MPI_INFO_NULL);
}

#pragma weak MPI_Info_f2c = PMPI_Info_f2c
MPI_Info PMPI_Info_f2c(MPI_Fint info)
{
    MP_API_LOCK();
    return (MPI_Info)from_int(K_INFO, info, MPI_INFO_NULL);
}

#pragma weak MPI_Info_toint = PMPI_Info_toint
int PMPI_Info_toint(MPI_Info info)
{
    MP_API_LOCK();
    return to_int(K_INFO, info, MPI_INFO_NULL);
}

#pragma weak MPI_Info_fromint = PMPI_Info_fromint
MPI_Info PMPI_Info_fromint(int info)
{
    MP_API_LOCK();
    return (MPI_Info)from_int(K_INFO, info, MPI_INFO_NULL);
}

#pragma weak MPI_Errhandler_c2f = PMPI_Errhandler_c2f
MPI_Fint PMPI_Errhandler_c2f(MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    return to_int(K_ERRHANDLER, errhandler, MPI_ERRHANDLER_NULL);
}

#pragma weak MPI_Errhandler_f2c = PMPI_Errhandler_f2c
MPI_Errhandler PMPI_Errhandler_f2c(MPI_Fint errhandler)
{
    MP_API_LOCK();
    return (MPI_Errhandler)from_int(K_ERRHANDLER, errhandler, MPI_ERRHANDLER_NULL);
}

#pragma weak MPI_Errhandler_toint = PMPI_Errhandler_toint
int PMPI_Errhandler_toint(MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    return to_int(K_ERRHANDLER, errhandler, MPI_ERRHANDLER_NULL);
}

#pragma weak MPI_Errhandler_fromint = PMPI_Errhandler_fromint
MPI_Errhandler PMPI_Errhandler_fromint(int errhandler)
{
    MP_API_LOCK();
    return (MPI_Errhandler)from_int(K_ERRHANDLER, errhandler, MPI_ERRHANDLER_NULL);
}

#pragma weak MPI_Message_c2f = PMPI_Message_c2f
MPI_Fint PMPI_Message_c2f(MPI_Message message)
{
    MP_API_LOCK();
    return to_int(K_MESSAGE, message, MPI_MESSAGE_NULL);
}

#pragma weak MPI_Message_f2c = PMPI_Message_f2c
MPI_Message PMPI_Message_f2c(MPI_Fint message)
{
    MP_API_LOCK();
    return (MPI_Message)from_int(K_MESSAGE, message, MPI_MESSAGE_NULL);
}

#pragma weak MPI_Message_toint = PMPI_Message_toint
int PMPI_Message_toint(MPI_Message message)
{
    MP_API_LOCK();
    return to_int(K_MESSAGE, message, MPI_MESSAGE_NULL);
}

#pragma weak MPI_Message_fromint = PMPI_Message_fromint
MPI_Message PMPI_Message_fromint(int message)
{
    MP_API_LOCK();
    return (MPI_Message)from_int(K_MESSAGE, message, MPI_MESSAGE_NULL);
}

#pragma weak MPI_Win_c2f = PMPI_Win_c2f
MPI_Fint PMPI_Win_c2f(MPI_Win win)
{
    MP_API_LOCK();
    return to_int(K_WIN, win, MPI_WIN_NULL);
}

#pragma weak MPI_Win_f2c = PMPI_Win_f2c
MPI_Win PMPI_Win_f2c(MPI_Fint win)
{
    MP_API_LOCK();
    return (MPI_Win)from_int(K_WIN, win, MPI_WIN_NULL);
}

#pragma weak MPI_Win_toint = PMPI_Win_toint
int PMPI_Win_toint(MPI_Win win)
{
    MP_API_LOCK();
    return to_int(K_WIN, win, MPI_WIN_NULL);
}

#pragma weak MPI_Win_fromint = PMPI_Win_fromint
MPI_Win PMPI_Win_fromint(int win)
{
    MP_API_LOCK();
    return (MPI_Win)from_int(K_WIN, win, MPI_WIN_NULL);
}

#pragma weak MPI_File_c2f = PMPI_File_c2f
MPI_Fint PMPI_File_c2f(MPI_File file)
{
    MP_API_LOCK();
    return to_int(K_FILE, file, MPI_FILE_NULL);
}

#pragma weak MPI_File_f2c = PMPI_File_f2c
MPI_File PMPI_File_f2c(MPI_Fint file)
{
    MP_API_LOCK();
    return (MPI_File)from_int(K_FILE, file, MPI_FILE_NULL);
}

#pragma weak MPI_File_toint = PMPI_File_toint
int PMPI_File_toint(MPI_File file)
{
    MP_API_LOCK();
    return to_int(K_FILE, file, MPI_FILE_NULL);
}

#pragma weak MPI_File_fromint = PMPI_File_fromint
MPI_File PMPI_File_fromint(int file)
{
    MP_API_LOCK();
    return (MPI_File)from_int(K_FILE, file, MPI_FILE_NULL);
}

#pragma weak MPI_Session_c2f = PMPI_Session_c2f
MPI_Fint PMPI_Session_c2f(MPI_Session session)
{
    MP_API_LOCK();
    return to_int(K_SESSION, session, MPI_SESSION_NULL);
}

#pragma weak MPI_Session_f2c = PMPI_Session_f2c
MPI_Session PMPI_Session_f2c(MPI_Fint session)
{
    MP_API_LOCK();
    return (MPI_Session)from_int(K_SESSION, session, MPI_SESSION_NULL);
}

#pragma weak MPI_Session_toint = PMPI_Session_toint
int PMPI_Session_toint(MPI_Session session)
{
    MP_API_LOCK();
    return to_int(K_SESSION, session, MPI_SESSION_NULL);
}

#pragma weak MPI_Session_fromint = PMPI_Session_fromint
MPI_Session PMPI_Session_fromint(int session)
{
    MP_API_LOCK();
    return (MPI_Session)from_int(K_SESSION, session, MPI_SESSION_NULL);
}

/* A status and its Fortran form hold the same MPI_F_STATUS_SIZE integers in the same order. */
_Static_assert(sizeof(MPI_Status) == MPI_F_STATUS_SIZE * sizeof(MPI_Fint),
               "MPI_Status is MPI_F_STATUS_SIZE Fortran integers");

#pragma weak MPI_Status_c2f = PMPI_Status_c2f
int PMPI_Status_c2f(const MPI_Status *c_status, MPI_Fint *f_status)
{
    MP_API_LOCK();
    if (c_status == NULL || f_status == NULL) {
        return mp_api_error(NULL, "MPI_Status_c2f", MPI_ERR_ARG,
                            "%s is NULL (MPI_STATUS_IGNORE has no Fortran form)",
                            c_status == NULL ? "c_status" : "f_status");
    }
    memcpy(f_status, c_status, sizeof(*c_status));
    return MPI_SUCCESS;
}

#pragma weak MPI_Status_f2c = PMPI_Status_f2c
int PMPI_Status_f2c(const MPI_Fint *f_status, MPI_Status *c_status)
{
    MP_API_LOCK();
    if (c_status == NULL || f_status == NULL) {
        return mp_api_error(NULL, "MPI_Status_f2c", MPI_ERR_ARG,
                            "%s is NULL (MPI_F_STATUS_IGNORE has no C form)",
                            f_status == NULL ? "f_status" : "c_status");
    }
    memcpy(c_status, f_status, sizeof(*c_status));
    return MPI_SUCCESS;
}
