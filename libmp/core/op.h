/*
 * Reduction operations: the standard's predefined ops (MPI_SUM ... MPI_NO_OP) with one
 * vectorizable kernel per op and C type, and user ops made by MPI_Op_create(_c).
 * Collectives, MPI_Reduce_local and one-sided accumulate all reduce through mp_op_reduce.
 */
#ifndef MP_CORE_OP_H
#define MP_CORE_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datatype.h"
#include "core/status.h"

#define MP_OP_MAGIC 0x6d706f70u /* "mpop" */

typedef struct mp_op mp_op_t;

/* A user function as MPI_Op_create (MPI_User_function) or MPI_Op_create_c
 * (MPI_User_function_c) took it, cast to a plain function pointer so that core need not see
 * <mpi.h>; mp_op_create's large_count says which of the two it is. */
typedef void (*mp_op_user_fn_t)(void);

/* inout[i] = in[i] op inout[i] for count elements of dt, both buffers laid out as dt
 * describes (user layout: element i at buf + i * extent, data at the type's displacements).
 * in is the left operand (it holds lower ranks' data for non-commutative ops). in and inout
 * must not overlap. Blocking, no communication; safe to call from several threads at once.
 * Fails only with MP_ERR_INVALID, when op is not defined on dt (see mp_op_applies; also for
 * count 0), leaving inout unchanged. Never allocates: non-contiguous types are packed through
 * a few KiB of stack. */
mp_status_t mp_op_reduce(const mp_op_t *op, const void *in, void *inout, size_t count,
                         const mp_datatype_t *dt);

/* Whether op points at a live op object: where ops lie (a handle that is garbage is not read)
 * and with its magic number intact. */
bool mp_op_is_valid(const mp_op_t *op);

/* Whether op is commutative (every predefined op is; a user op as created). */
bool mp_op_is_commutative(const mp_op_t *op);

/* Whether op is one of the standard's named ops (never freed). */
bool mp_op_is_predefined(const mp_op_t *op);

/* The standard's name of a predefined op ("MPI_SUM"), or "a user-defined op". Never NULL. */
const char *mp_op_name(const mp_op_t *op);

/* The predefined op behind a handle value of the standard ABI (MPI_SUM ... MPI_NO_OP), or NULL
 * (MPI_OP_NULL and values that name no op). */
const mp_op_t *mp_op_predefined(uintptr_t handle);

/* Why mp_op_reduce would refuse a pair (MP_OP_APPLIES when it would not). */
typedef enum mp_op_applicability {
    MP_OP_APPLIES,     /* op is defined on dt */
    MP_OP_UNDEFINED,   /* the standard does not define this predefined op on dt's basic type */
    MP_OP_MIXED,       /* dt mixes basic types: only user ops, MPI_REPLACE and MPI_NO_OP apply */
    MP_OP_UNSUPPORTED, /* defined, but this build's compiler lacks the C type (e.g. _Float128) */
} mp_op_applicability_t;

mp_op_applicability_t mp_op_applies(const mp_op_t *op, const mp_datatype_t *dt);

/* For messages: the predefined ops that apply to a basic type, in words, e.g.
 * "MPI_MINLOC and MPI_MAXLOC" or "none but MPI_REPLACE and MPI_NO_OP". Never NULL. */
const char *mp_op_ops_for_type(const mp_datatype_t *elem_type);

/* Creates a user op around fn (an MPI_User_function, or an MPI_User_function_c when
 * large_count); it starts with one reference, the user's handle. Its handle is its address. */
mp_status_t mp_op_create(mp_op_user_fn_t fn, bool large_count, bool commutative, mp_op_t **op_p);

/* References: a pending nonblocking collective retains its op and releases it when done, so
 * MPI_Op_free may come first. The last release of a user op destroys it. Predefined ops
 * ignore both. Thread-safe. */
void mp_op_retain(const mp_op_t *op);
void mp_op_release(const mp_op_t *op);

/* MPI_Op_free: the user's handle is gone (a stale copy of it is then rejected by
 * mp_op_is_freed); drops the reference the handle held. Not for predefined ops. */
void mp_op_free(mp_op_t *op);

/* Whether the user freed this op's handle (it may live on for pending operations). */
bool mp_op_is_freed(const mp_op_t *op);

#endif
