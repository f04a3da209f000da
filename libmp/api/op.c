/*
 * Reduction operations: op handles (the standard ABI's values for the predefined ops, object
 * addresses for user ops), MPI_Op_create/_free/_commutative, and MPI_Reduce_local. The checks
 * that an op applies to a datatype live here too, for the collectives to share.
 * Beyond the standard's table, as MPICH and Open MPI both allow: MPI_CHAR and MPI_CHARACTER
 * reduce as C integers, and the logical ops apply to MPI_AINT, MPI_OFFSET and MPI_COUNT
 * (core/op_kernels.c). Overlapping buffers in MPI_Reduce_local are refused (MPI_ERR_BUFFER).
 */
#include <stdint.h>

#include "api/api.h"

/* ---- Handles and checks ---- */

/* The op behind a handle, including one the user freed (the caller tells the two apart). */
static const mp_op_t *op_lookup(MPI_Op op)
{
    uintptr_t value = (uintptr_t)op;
    if (value < MP_API_HANDLE_RESERVED) {
        return mp_op_predefined(value);
    }
    const mp_op_t *obj = (const mp_op_t *)op;
    return mp_op_is_valid(obj) ? obj : NULL;
}

const mp_op_t *mp_api_op_get(MPI_Op op)
{
    const mp_op_t *obj = op_lookup(op);
    return obj != NULL && !mp_op_is_freed(obj) ? obj : NULL;
}

/* Checks that op is a usable op handle; sets *op_p. */
static int op_handle_check(const mp_comm_t *comm, const char *call, MPI_Op op, const mp_op_t **op_p)
{
    if (op == MPI_OP_NULL) {
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "MPI_OP_NULL is not an operation; pass a predefined op such as "
                            "MPI_SUM or one made by MPI_Op_create");
    }
    const mp_op_t *obj = op_lookup(op);
    if (obj == NULL) {
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "invalid op handle %p; pass a predefined op such as MPI_SUM or one "
                            "made by MPI_Op_create",
                            (void *)op);
    }
    if (mp_op_is_freed(obj)) {
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "op %p was freed by MPI_Op_free; create it again before using it",
                            (void *)op);
    }
    *op_p = obj;
    return MPI_SUCCESS;
}

/* The name of a datatype for messages; derived types are named by their basic type. */
static const char *type_name(const mp_datatype_t *dt)
{
    return dt->name != NULL ? dt->name : "this derived datatype";
}

int mp_api_op_check(const mp_comm_t *comm, const char *call, MPI_Op op, const mp_datatype_t *dt,
                    const mp_op_t **op_p)
{
    const mp_op_t *obj = NULL;
    int rc = op_handle_check(comm, call, op, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *et = dt->elem_type;
    switch (mp_op_applies(obj, dt)) {
    case MP_OP_APPLIES:
        *op_p = obj;
        return MPI_SUCCESS;
    case MP_OP_MIXED:
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "%s is not defined on %s, which mixes basic types; only "
                            "user-defined ops, MPI_REPLACE and MPI_NO_OP apply to it",
                            mp_op_name(obj), type_name(dt));
    case MP_OP_UNSUPPORTED:
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "%s on %s needs a C type (_Float16, _Float128 or __int128) that the "
                            "compiler this libmp was built with lacks",
                            mp_op_name(obj), et->name);
    case MP_OP_UNDEFINED:
    default:
        if (dt != et) {
            return mp_api_error(comm, call, MPI_ERR_OP,
                                "%s is not defined on %s, the basic type of %s; %s",
                                mp_op_name(obj), et->name, type_name(dt), mp_op_ops_for_type(et));
        }
        return mp_api_error(comm, call, MPI_ERR_OP, "%s is not defined on %s; %s", mp_op_name(obj),
                            et->name, mp_op_ops_for_type(et));
    }
}

/* MPI_REPLACE and MPI_NO_OP are defined for the one-sided accumulates only; the standard rules
 * them out of collective reductions and MPI_Reduce_local, so they are refused there rather than
 * given a meaning of our own. */
int mp_api_reduction_op_check(const mp_comm_t *comm, const char *call, MPI_Op op,
                              const mp_datatype_t *dt, const mp_op_t **op_p)
{
    const mp_op_t *obj = NULL;
    int rc = mp_api_op_check(comm, call, op, dt, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (op == MPI_REPLACE || op == MPI_NO_OP) {
        return mp_api_error(comm, call, MPI_ERR_OP,
                            "%s applies only to one-sided accumulates (MPI_Accumulate, "
                            "MPI_Get_accumulate, MPI_Fetch_and_op), not to reductions; pass "
                            "MPI_SUM or another reduction op, or a user-defined op",
                            mp_op_name(obj));
    }
    *op_p = obj;
    return MPI_SUCCESS;
}

/* ---- User-defined ops ---- */

static int op_create(const char *call, mp_op_user_fn_t fn, bool large_count, int commute,
                     MPI_Op *op)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (fn == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "user_fn is NULL; pass the function that combines two vectors");
    }
    if (op == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "op is NULL; pass the address of an MPI_Op");
    }
    mp_op_t *obj = NULL;
    mp_status_t st = mp_op_create(fn, large_count, commute != 0, &obj);
    if (st != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(st), "cannot create the op: %s",
                            mp_status_string(st));
    }
    *op = (MPI_Op)obj;
    return MPI_SUCCESS;
}

#pragma weak MPI_Op_create = PMPI_Op_create
int PMPI_Op_create(MPI_User_function *user_fn, int commute, MPI_Op *op)
{
    MP_API_LOCK();
    return op_create("MPI_Op_create", (mp_op_user_fn_t)user_fn, false, commute, op);
}

#pragma weak MPI_Op_create_c = PMPI_Op_create_c
int PMPI_Op_create_c(MPI_User_function_c *user_fn, int commute, MPI_Op *op)
{
    MP_API_LOCK();
    return op_create("MPI_Op_create_c", (mp_op_user_fn_t)user_fn, true, commute, op);
}

#pragma weak MPI_Op_free = PMPI_Op_free
int PMPI_Op_free(MPI_Op *op)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Op_free";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (op == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "op is NULL; pass the address of an MPI_Op");
    }
    const mp_op_t *obj = NULL;
    rc = op_handle_check(NULL, call, *op, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_op_is_predefined(obj)) {
        return mp_api_error(NULL, call, MPI_ERR_OP,
                            "%s is predefined and cannot be freed; free only ops made by "
                            "MPI_Op_create",
                            mp_op_name(obj));
    }
    /* A user op is a heap object of ours; pending operations keep it alive past this. */
    mp_op_free((mp_op_t *)obj);
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_Op_commutative = PMPI_Op_commutative
int PMPI_Op_commutative(MPI_Op op, int *commute)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Op_commutative";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_op_t *obj = NULL;
    rc = op_handle_check(NULL, call, op, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (commute == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "commute is NULL; pass the address of an int to set");
    }
    *commute = mp_op_is_commutative(obj) ? 1 : 0;
    return MPI_SUCCESS;
}

/* ---- MPI_Reduce_local ---- */

static int check_local_buffers(const char *call, const void *inbuf, const void *inoutbuf,
                               MPI_Count count, const mp_datatype_t *dt)
{
    if (inbuf == MPI_IN_PLACE || inoutbuf == MPI_IN_PLACE) {
        return mp_api_error(NULL, call, MPI_ERR_BUFFER,
                            "MPI_IN_PLACE is not allowed in %s: pass both the input and the "
                            "input-output buffer",
                            call);
    }
    if (count == 0 || dt->size == 0) {
        return MPI_SUCCESS;
    }
    /* A derived type may address absolute memory from MPI_BOTTOM (NULL); a predefined one not. */
    if (dt->predefined && (inbuf == NULL || inoutbuf == NULL)) {
        return mp_api_error(NULL, call, MPI_ERR_BUFFER,
                            "%s is NULL but count is %lld; pass the address of the data",
                            inbuf == NULL ? "inbuf" : "inoutbuf", (long long)count);
    }
    if (inbuf == inoutbuf) {
        return mp_api_error(NULL, call, MPI_ERR_BUFFER,
                            "inbuf and inoutbuf are the same buffer %p; they must not overlap",
                            inbuf);
    }
    return MPI_SUCCESS;
}

static int reduce_local(const char *call, const void *inbuf, void *inoutbuf, MPI_Count count,
                        MPI_Datatype datatype, MPI_Op op)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count < 0) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT,
                            "count %lld is negative; pass the number of elements (0 or more)",
                            (long long)count);
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_check(NULL, call, datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->size > 0 && (uint64_t)count > SIZE_MAX / dt->size) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "count %lld of %s is too large to address",
                            (long long)count, type_name(dt));
    }
    const mp_op_t *obj = NULL;
    rc = mp_api_reduction_op_check(NULL, call, op, dt, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rc = check_local_buffers(call, inbuf, inoutbuf, count, dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st = mp_op_reduce(obj, inbuf, inoutbuf, (size_t)count, dt);
    if (st != MP_OK) {
        return mp_api_error(NULL, call, mp_api_errclass(st),
                            "cannot reduce %lld elements of %s "
                            "with %s: %s",
                            (long long)count, type_name(dt), mp_op_name(obj), mp_status_string(st));
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Reduce_local = PMPI_Reduce_local
int PMPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype,
                      MPI_Op op)
{
    MP_API_LOCK();
    return reduce_local("MPI_Reduce_local", inbuf, inoutbuf, count, datatype, op);
}

#pragma weak MPI_Reduce_local_c = PMPI_Reduce_local_c
int PMPI_Reduce_local_c(const void *inbuf, void *inoutbuf, MPI_Count count, MPI_Datatype datatype,
                        MPI_Op op)
{
    MP_API_LOCK();
    return reduce_local("MPI_Reduce_local_c", inbuf, inoutbuf, count, datatype, op);
}
