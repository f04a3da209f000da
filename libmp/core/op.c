/*
 * Reduction op objects (predefined and user-defined) and mp_op_reduce, which lays a datatype's
 * elements out for a kernel: in place when they are dense, through packed scratch otherwise.
 */
#include "core/op.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/op_kernels.h"

struct mp_op {
    uint32_t magic;      /* MP_OP_MAGIC while the object is valid */
    mp_op_index_t index; /* which predefined op, or MP_OPI_USER */
    uintptr_t handle;    /* the MPI_Op handle: the ABI value, or the object's address */
    const char *name;    /* the standard's name, for messages */
    bool commutative;    /* every predefined op is */
    bool large_count;    /* user ops: fn is an MPI_User_function_c */
    mp_op_user_fn_t fn;  /* user ops: the user's function */
    atomic_int refs;     /* user ops: the handle's reference plus one per pending operation */
    atomic_bool freed;   /* user ops: MPI_Op_free was called on the handle */
};

#define PREDEFINED(idx, h)                                                                         \
    [idx] = {.magic = MP_OP_MAGIC,                                                                 \
             .index = (idx),                                                                       \
             .handle = (uintptr_t)(h),                                                             \
             .name = #h,                                                                           \
             .commutative = true}

static const mp_op_t predefined[MP_OPI_COUNT] = {
    PREDEFINED(MP_OPI_SUM, MPI_SUM),         PREDEFINED(MP_OPI_MIN, MPI_MIN),
    PREDEFINED(MP_OPI_MAX, MPI_MAX),         PREDEFINED(MP_OPI_PROD, MPI_PROD),
    PREDEFINED(MP_OPI_BAND, MPI_BAND),       PREDEFINED(MP_OPI_BOR, MPI_BOR),
    PREDEFINED(MP_OPI_BXOR, MPI_BXOR),       PREDEFINED(MP_OPI_LAND, MPI_LAND),
    PREDEFINED(MP_OPI_LOR, MPI_LOR),         PREDEFINED(MP_OPI_LXOR, MPI_LXOR),
    PREDEFINED(MP_OPI_MINLOC, MPI_MINLOC),   PREDEFINED(MP_OPI_MAXLOC, MPI_MAXLOC),
    PREDEFINED(MP_OPI_REPLACE, MPI_REPLACE), PREDEFINED(MP_OPI_NO_OP, MPI_NO_OP),
};

/* Scratch for packing non-contiguous operands: two chunks on the stack, so that reducing never
 * allocates. Aligned for the widest basic type (long double, _Float128). */
#define SCRATCH_BYTES 4096

/* ---- Objects ---- */

const mp_op_t *mp_op_predefined(uintptr_t handle)
{
    for (int i = 0; i < MP_OPI_COUNT; i++) {
        if (predefined[i].handle == handle) {
            return &predefined[i];
        }
    }
    return NULL;
}

/* Where the user-defined ops lie (their handles are their addresses). */
static mp_addr_span_t op_span = MP_ADDR_SPAN_EMPTY;

bool mp_op_is_valid(const mp_op_t *op)
{
    return mp_addr_span_holds(&op_span, op, sizeof(*op)) && op->magic == MP_OP_MAGIC;
}

bool mp_op_is_commutative(const mp_op_t *op)
{
    return op->commutative;
}

bool mp_op_is_predefined(const mp_op_t *op)
{
    return op->index != MP_OPI_USER;
}

const char *mp_op_name(const mp_op_t *op)
{
    return op->name;
}

mp_status_t mp_op_create(mp_op_user_fn_t fn, bool large_count, bool commutative, mp_op_t **op_p)
{
    mp_op_t *op = calloc(1, sizeof(*op));
    if (op == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_addr_span_note(&op_span, op, sizeof(*op));
    op->magic = MP_OP_MAGIC;
    op->index = MP_OPI_USER;
    op->handle = (uintptr_t)op;
    op->name = "a user-defined op";
    op->commutative = commutative;
    op->large_count = large_count;
    op->fn = fn;
    atomic_init(&op->refs, 1);
    atomic_init(&op->freed, false);
    *op_p = op;
    return MP_OK;
}

void mp_op_retain(const mp_op_t *op)
{
    if (op->index == MP_OPI_USER) {
        /* User ops are heap objects: const only in the eyes of their users. */
        atomic_fetch_add_explicit(&((mp_op_t *)op)->refs, 1, memory_order_relaxed);
    }
}

void mp_op_release(const mp_op_t *op)
{
    if (op->index != MP_OPI_USER) {
        return;
    }
    mp_op_t *mop = (mp_op_t *)op;
    if (atomic_fetch_sub_explicit(&mop->refs, 1, memory_order_acq_rel) == 1) {
        mop->magic = 0; /* a stale handle is caught while the memory is not reused */
        free(mop);
    }
}

void mp_op_free(mp_op_t *op)
{
    atomic_store(&op->freed, true);
    mp_op_release(op);
}

bool mp_op_is_freed(const mp_op_t *op)
{
    return op->index == MP_OPI_USER && atomic_load(&op->freed);
}

/* ---- Which ops apply to which types ---- */

/* Whether op applies to dt; for a predefined op with a kernel, sets *impl_p. */
static mp_op_applicability_t resolve(const mp_op_t *op, const mp_datatype_t *dt,
                                     mp_op_impl_t *impl_p)
{
    if (op->index == MP_OPI_USER || op->index == MP_OPI_REPLACE || op->index == MP_OPI_NO_OP) {
        return MP_OP_APPLIES;
    }
    if (dt->elem_type == NULL) {
        return MP_OP_MIXED;
    }
    return mp_op_resolve(op->index, dt->elem_type->handle, impl_p);
}

mp_op_applicability_t mp_op_applies(const mp_op_t *op, const mp_datatype_t *dt)
{
    mp_op_impl_t impl;
    return resolve(op, dt, &impl);
}

const char *mp_op_ops_for_type(const mp_datatype_t *elem_type)
{
    if (elem_type == NULL) {
        return "only user-defined ops, MPI_REPLACE and MPI_NO_OP apply to a type that mixes "
               "basic types";
    }
    switch (mp_op_type_info(elem_type->handle).group) {
    case MP_OPG_C_INT:
    case MP_OPG_MULTI:
        return "MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, the logical (MPI_LAND, MPI_LOR, MPI_LXOR) "
               "and the bitwise ops (MPI_BAND, MPI_BOR, MPI_BXOR) are";
    case MP_OPG_F_INT:
        return "MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD and the bitwise ops (MPI_BAND, MPI_BOR, "
               "MPI_BXOR) are";
    case MP_OPG_FLOAT:
        return "MPI_MAX, MPI_MIN, MPI_SUM and MPI_PROD are";
    case MP_OPG_COMPLEX:
        return "MPI_SUM and MPI_PROD are";
    case MP_OPG_LOGICAL:
        return "MPI_LAND, MPI_LOR and MPI_LXOR are";
    case MP_OPG_BYTE:
        return "MPI_BAND, MPI_BOR and MPI_BXOR are";
    case MP_OPG_PAIR:
        return "MPI_MINLOC and MPI_MAXLOC are";
    default:
        return "only MPI_REPLACE and MPI_NO_OP are (reduce integers with an integer type such "
               "as MPI_INT32_T)";
    }
}

/* ---- Reducing ---- */

/* Where a pair type's index starts: in its packed form (right after the value), and in the C
 * struct (after the value's padding: the second segment, unless none separates them). */
static size_t pair_packed_ioff(const mp_datatype_t *et)
{
    return et->runs[0].basic;
}

static size_t pair_struct_ioff(const mp_datatype_t *et)
{
    return et->nsegs > 1 ? (size_t)et->segs[1].disp : pair_packed_ioff(et);
}

/* Runs the kernel on n basic elements (pairs: stride bytes apart, index at ioff). */
static void run_kernel(const mp_op_impl_t *k, const void *in, void *inout, size_t n, size_t stride,
                       size_t ioff)
{
    if (k->pair_fn != NULL) {
        k->pair_fn(in, inout, n, stride, ioff);
    } else {
        k->fn(in, inout, n);
    }
}

/* Reduces a non-contiguous dt chunk by chunk: both operands packed (basic elements dense,
 * pairs without padding), reduced, and the result unpacked into inout. */
static void reduce_packed(const mp_op_impl_t *k, const void *in, void *inout, size_t count,
                          const mp_datatype_t *dt)
{
    _Alignas(16) char a[SCRATCH_BYTES];
    _Alignas(16) char b[SCRATCH_BYTES];
    const mp_datatype_t *et = dt->elem_type;
    size_t esize = et->size;
    size_t chunk = SCRATCH_BYTES / esize * esize;
    size_t total = mp_datatype_bytes(dt, count);
    for (size_t off = 0; off < total; off += chunk) {
        size_t len = total - off < chunk ? total - off : chunk;
        mp_datatype_pack(dt, count, in, off, a, len);
        mp_datatype_pack(dt, count, inout, off, b, len);
        run_kernel(k, a, b, len / esize, esize, pair_packed_ioff(et));
        mp_datatype_unpack(dt, count, inout, off, b, len);
    }
}

static mp_status_t reduce_predefined(const mp_op_t *op, const void *in, void *inout, size_t count,
                                     const mp_datatype_t *dt)
{
    mp_op_impl_t k;
    if (resolve(op, dt, &k) != MP_OP_APPLIES) {
        return MP_ERR_INVALID;
    }
    if (count == 0 || dt->size == 0) {
        return MP_OK;
    }
    const mp_datatype_t *et = dt->elem_type;
    if (dt == et) {
        /* A predefined type: elements (pairs with the C struct's padding) extent apart. */
        run_kernel(&k, in, inout, count, (size_t)dt->extent, pair_struct_ioff(dt));
    } else if (dt->contiguous) {
        /* Dense basic elements from lb on, laid out as packed. */
        size_t n = mp_datatype_bytes(dt, count) / et->size;
        run_kernel(&k, (const char *)in + dt->lb, (char *)inout + dt->lb, n, et->size,
                   pair_packed_ioff(et));
    } else {
        reduce_packed(&k, in, inout, count, dt);
    }
    return MP_OK;
}

/* MPI_REPLACE: inout takes in's data, and only the bytes dt describes. */
static void replace(const void *in, void *inout, size_t count, const mp_datatype_t *dt)
{
    size_t total = mp_datatype_bytes(dt, count);
    if (total == 0) {
        return;
    }
    if (dt->contiguous) {
        memcpy((char *)inout + dt->lb, (const char *)in + dt->lb, total);
        return;
    }
    _Alignas(16) char a[SCRATCH_BYTES];
    for (size_t off = 0; off < total; off += SCRATCH_BYTES) {
        size_t len = total - off < SCRATCH_BYTES ? total - off : SCRATCH_BYTES;
        mp_datatype_pack(dt, count, in, off, a, len);
        mp_datatype_unpack(dt, count, inout, off, a, len);
    }
}

/* A user function sees the buffers in the user's layout, with the datatype's handle; the int
 * variant is called with at most INT_MAX elements at a time, and no more than INT_MAX bytes of
 * extent: user functions often count bytes in an int (MPICH's coll_large does). */
static void reduce_user(const mp_op_t *op, const void *in, void *inout, size_t count,
                        const mp_datatype_t *dt)
{
    MPI_Datatype handle = (MPI_Datatype)dt->handle;
    if (count == 0) {
        return;
    }
    if (op->large_count) {
        MPI_Count len = (MPI_Count)count;
        ((MPI_User_function_c *)op->fn)((void *)in, inout, &len, &handle);
        return;
    }
    size_t most = INT_MAX;
    if (dt->extent > 0) {
        most = (size_t)dt->extent >= INT_MAX ? 1 : INT_MAX / (size_t)dt->extent;
    }
    for (size_t done = 0; done < count;) {
        int len = count - done > most ? (int)most : (int)(count - done);
        ptrdiff_t skip = (ptrdiff_t)done * dt->extent;
        ((MPI_User_function *)op->fn)((char *)in + skip, (char *)inout + skip, &len, &handle);
        done += (size_t)len;
    }
}

mp_status_t mp_op_reduce(const mp_op_t *op, const void *in, void *inout, size_t count,
                         const mp_datatype_t *dt)
{
    switch (op->index) {
    case MP_OPI_NO_OP:
        return MP_OK;
    case MP_OPI_REPLACE:
        replace(in, inout, count, dt);
        return MP_OK;
    case MP_OPI_USER:
        reduce_user(op, in, inout, count, dt);
        return MP_OK;
    default:
        return reduce_predefined(op, in, inout, count, dt);
    }
}
