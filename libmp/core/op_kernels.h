/*
 * Inside core/op: the reduction kernels, one per predefined op and C type, and what each
 * predefined datatype is for them (its C representation and the standard's type group).
 */
#ifndef MP_CORE_OP_KERNELS_H
#define MP_CORE_OP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "core/op.h"

/* The predefined ops, in the order of their tables. */
typedef enum mp_op_index {
    MP_OPI_SUM,
    MP_OPI_MIN,
    MP_OPI_MAX,
    MP_OPI_PROD,
    MP_OPI_BAND,
    MP_OPI_BOR,
    MP_OPI_BXOR,
    MP_OPI_LAND,
    MP_OPI_LOR,
    MP_OPI_LXOR,
    MP_OPI_MINLOC,
    MP_OPI_MAXLOC,
    MP_OPI_REPLACE,
    MP_OPI_NO_OP,
    MP_OPI_COUNT, /* number of predefined ops */
    MP_OPI_USER = MP_OPI_COUNT,
} mp_op_index_t;

/* The C representation of a basic type's elements. Complex kinds are pairs of reals. */
typedef enum mp_op_kind {
    MP_OPK_NONE,
    MP_OPK_U8,
    MP_OPK_U16,
    MP_OPK_U32,
    MP_OPK_U64,
    MP_OPK_U128,
    MP_OPK_I8,
    MP_OPK_I16,
    MP_OPK_I32,
    MP_OPK_I64,
    MP_OPK_I128,
    MP_OPK_F16,
    MP_OPK_F32,
    MP_OPK_F64,
    MP_OPK_LD,
    MP_OPK_F128,
    MP_OPK_C16,
    MP_OPK_C32,
    MP_OPK_C64,
    MP_OPK_CLD,
    MP_OPK_C128,
    MP_OPK_FLOAT_INT, /* value-index pairs, for MINLOC and MAXLOC */
    MP_OPK_DOUBLE_INT,
    MP_OPK_LONG_INT,
    MP_OPK_2INT,
    MP_OPK_SHORT_INT,
    MP_OPK_LONG_DOUBLE_INT,
    MP_OPK_2FLOAT,
    MP_OPK_2DOUBLE,
    MP_OPK_COUNT,
} mp_op_kind_t;

/* The standard's groups of basic types (MPI 4.1 section 6.9.2), as bits. */
enum {
    MP_OPG_C_INT = 1u << 0,
    MP_OPG_F_INT = 1u << 1,
    MP_OPG_FLOAT = 1u << 2,
    MP_OPG_LOGICAL = 1u << 3,
    MP_OPG_COMPLEX = 1u << 4,
    MP_OPG_BYTE = 1u << 5,
    MP_OPG_MULTI = 1u << 6, /* MPI_AINT, MPI_OFFSET, MPI_COUNT */
    MP_OPG_PAIR = 1u << 7,
};

/* A kernel on basic elements: inout[i] = in[i] op inout[i] for i < n, both arrays dense. */
typedef void (*mp_op_kernel_t)(const void *in, void *inout, size_t n);

/* A kernel on value-index pairs: element i at i * stride, its index at ioff inside it. */
typedef void (*mp_op_pair_kernel_t)(const void *in, void *inout, size_t n, size_t stride,
                                    size_t ioff);

typedef struct mp_op_type_info {
    mp_op_kind_t kind;
    unsigned group; /* MP_OPG_* bit, or 0: no predefined op applies (MPI_CHAR, MPI_PACKED...) */
} mp_op_type_info_t;

/* What a predefined datatype is for reductions; kind MP_OPK_NONE and group 0 for a handle
 * that is not one. */
mp_op_type_info_t mp_op_type_info(uintptr_t dt_handle);

/* A predefined op's kernel for one basic type: fn for plain kinds, pair_fn for pairs. */
typedef struct mp_op_impl {
    mp_op_kernel_t fn;
    mp_op_pair_kernel_t pair_fn;
} mp_op_impl_t;

/* Finds the kernel of predefined op index (not MPI_REPLACE or MPI_NO_OP) on the predefined
 * basic type dt_handle: MP_OP_APPLIES and *impl_p set; MP_OP_UNDEFINED when the standard does
 * not define the pair; MP_OP_UNSUPPORTED when this build lacks the C type. One table look-up
 * each: this runs on every reduction. */
mp_op_applicability_t mp_op_resolve(mp_op_index_t index, uintptr_t dt_handle, mp_op_impl_t *impl_p);

#endif
