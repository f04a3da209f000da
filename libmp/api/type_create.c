/*
 * The derived datatype constructors (MPI_Type_contiguous ... MPI_Type_create_darray, resized)
 * and their large-count (_c) forms: argument checks, one core constructor, and the arguments
 * recorded for MPI_Type_get_contents.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* How a constructor's array is typed: the int, address and large-count forms share code. */
typedef enum arr_kind { ARR_NONE, ARR_INT, ARR_AINT, ARR_COUNT } arr_kind_t;

static MPI_Count arr_get(const void *arr, arr_kind_t kind, MPI_Count i)
{
    switch (kind) {
    case ARR_INT:
        return ((const int *)arr)[i];
    case ARR_AINT:
        return ((const MPI_Aint *)arr)[i];
    case ARR_COUNT:
        return ((const MPI_Count *)arr)[i];
    default:
        return 0;
    }
}

/* The contents of a new type as they are gathered: integers (MPI_Count wide, narrowed when
 * stored), addresses and large counts. */
typedef struct gather {
    size_t nints, naddrs, ncounts;
    int *ints;
    intptr_t *addrs;
    int64_t *counts;
} gather_t;

static bool gather_init(gather_t *g, size_t nints, size_t naddrs, size_t ncounts)
{
    memset(g, 0, sizeof(*g));
    g->ints = malloc((nints + 1) * sizeof(*g->ints));
    g->addrs = malloc((naddrs + 1) * sizeof(*g->addrs));
    g->counts = malloc((ncounts + 1) * sizeof(*g->counts));
    return g->ints != NULL && g->addrs != NULL && g->counts != NULL;
}

static void gather_fini(gather_t *g)
{
    free(g->ints);
    free(g->addrs);
    free(g->counts);
}

/* Appends n values of arr (or the one value v when arr is NULL) as integers, addresses or
 * large counts. */
static void gather_int(gather_t *g, MPI_Count v)
{
    g->ints[g->nints++] = (int)v;
}

static void gather_arr(gather_t *g, arr_kind_t dest, const void *arr, arr_kind_t kind, MPI_Count n)
{
    for (MPI_Count i = 0; i < n; i++) {
        MPI_Count v = arr_get(arr, kind, i);
        if (dest == ARR_INT) {
            g->ints[g->nints++] = (int)v;
        } else if (dest == ARR_AINT) {
            g->addrs[g->naddrs++] = (intptr_t)v;
        } else {
            g->counts[g->ncounts++] = (int64_t)v;
        }
    }
}

/* Finishes a constructor: reports a core failure, or records contents and hands out the handle. */
static int finish(const char *call, mp_status_t st, mp_datatype_t *dt, int combiner, bool large,
                  gather_t *g, const MPI_Datatype *types, size_t ntypes, MPI_Datatype *newtype)
{
    if (st != MP_OK) {
        gather_fini(g);
        if (st == MP_ERR_INVALID) {
            return mp_api_error(NULL, call, MPI_ERR_COUNT,
                                "the new type's size or extent does not fit in an MPI_Aint; use "
                                "smaller counts");
        }
        return mp_api_error(NULL, call, mp_api_errclass(st), "cannot build the type: %s",
                            mp_status_string(st));
    }
    /* On the heap: a struct type of millions of blocks names as many types, more than a
     * stack holds (MPICH's rma/getfence1 built one of 8000000 and died of SIGSEGV). */
    mp_datatype_t **tv = malloc((ntypes > 0 ? ntypes : 1) * sizeof(*tv));
    if (tv == NULL) {
        gather_fini(g);
        mp_datatype_release(dt);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM,
                            "no memory to record the %zu types of the new type", ntypes);
    }
    for (size_t i = 0; i < ntypes; i++) {
        tv[i] = (mp_datatype_t *)mp_api_datatype_get(types[i]);
    }
    mp_dt_contents_t c = {.combiner = combiner,
                          .large = large,
                          .nints = g->nints,
                          .naddrs = g->naddrs,
                          .ncounts = g->ncounts,
                          .ntypes = ntypes,
                          .ints = g->ints,
                          .addrs = g->addrs,
                          .counts = g->counts,
                          .types = tv};
    int rc = mp_api_type_new_handle(call, dt, &c, newtype);
    free(tv);
    gather_fini(g);
    return rc;
}

/* ---- Shared checks ---- */

static int check_count(const char *call, MPI_Count count, const char *what)
{
    if (count < 0) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "%s %lld is negative; it must be 0 or more",
                            what, (long long)count);
    }
    return MPI_SUCCESS;
}

/* MPI is ready, oldtype is a valid type (committed or not) and newtype can be written. */
static int check_old(const char *call, MPI_Datatype oldtype, const MPI_Datatype *newtype,
                     const mp_datatype_t **old_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (newtype == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "newtype is NULL; pass the address of an MPI_Datatype");
    }
    return mp_api_datatype_lookup(NULL, call, oldtype, old_p);
}

static int check_array(const char *call, const void *arr, MPI_Count count, const char *name)
{
    if (count > 0 && arr == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "%s is NULL but count is %lld; pass an array of count entries", name,
                            (long long)count);
    }
    return MPI_SUCCESS;
}

/* A displacement in extents of old, as bytes; false on overflow. */
static bool scale(MPI_Count v, const mp_datatype_t *old, ptrdiff_t *out)
{
    return !__builtin_mul_overflow((ptrdiff_t)v, old->extent, out);
}

/* ---- contiguous, vector, hvector ---- */

/* count blocks of blocklen copies of old, stride apart (in extents of old unless stride_bytes);
 * args are the nargs arguments recorded as contents. */
static int vector(const char *call, int combiner, bool large, MPI_Count count, MPI_Count blocklen,
                  MPI_Count stride, bool stride_bytes, const MPI_Count *args, int nargs,
                  MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    const mp_datatype_t *old = NULL;
    int rc = check_old(call, oldtype, newtype, &old);
    if (rc == MPI_SUCCESS) {
        rc = check_count(call, count, "count");
    }
    if (rc == MPI_SUCCESS && blocklen < 0) {
        rc =
            mp_api_error(NULL, call, MPI_ERR_COUNT,
                         "blocklength %lld is negative; it must be 0 or more", (long long)blocklen);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    ptrdiff_t stride_b = (ptrdiff_t)stride;
    if (!stride_bytes && !scale(stride, old, &stride_b)) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "stride %lld times the extent overflows",
                            (long long)stride);
    }
    gather_t g;
    if (!gather_init(&g, 3, 1, 3)) {
        return finish(call, MP_ERR_NOMEM, NULL, 0, false, &g, NULL, 0, newtype);
    }
    if (large) {
        gather_arr(&g, ARR_COUNT, args, ARR_COUNT, nargs);
    } else if (combiner == MPI_COMBINER_HVECTOR) {
        gather_arr(&g, ARR_INT, args, ARR_COUNT, 2);
        gather_arr(&g, ARR_AINT, &args[2], ARR_COUNT, 1);
    } else {
        gather_arr(&g, ARR_INT, args, ARR_COUNT, nargs);
    }
    mp_datatype_t *dt = NULL;
    mp_status_t st =
        mp_datatype_create_hvector((size_t)count, (size_t)blocklen, stride_b, old, &dt);
    return finish(call, st, dt, combiner, large, &g, &oldtype, 1, newtype);
}

static int contiguous(const char *call, bool large, MPI_Count count, MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    int rc = mp_api_check_ready(call);
    if (rc == MPI_SUCCESS) {
        rc = check_count(call, count, "count");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return vector(call, MPI_COMBINER_CONTIGUOUS, large, 1, count, 0, true, &count, 1, oldtype,
                  newtype);
}

#pragma weak MPI_Type_contiguous = PMPI_Type_contiguous
int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return contiguous("MPI_Type_contiguous", false, count, oldtype, newtype);
}

#pragma weak MPI_Type_contiguous_c = PMPI_Type_contiguous_c
int PMPI_Type_contiguous_c(MPI_Count count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return contiguous("MPI_Type_contiguous_c", true, count, oldtype, newtype);
}

#pragma weak MPI_Type_vector = PMPI_Type_vector
int PMPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                     MPI_Datatype *newtype)
{
    MP_API_LOCK();
    MPI_Count args[3] = {count, blocklength, stride};
    return vector("MPI_Type_vector", MPI_COMBINER_VECTOR, false, count, blocklength, stride, false,
                  args, 3, oldtype, newtype);
}

#pragma weak MPI_Type_vector_c = PMPI_Type_vector_c
int PMPI_Type_vector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                       MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    MPI_Count args[3] = {count, blocklength, stride};
    return vector("MPI_Type_vector_c", MPI_COMBINER_VECTOR, true, count, blocklength, stride, false,
                  args, 3, oldtype, newtype);
}

#pragma weak MPI_Type_create_hvector = PMPI_Type_create_hvector
int PMPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                             MPI_Datatype *newtype)
{
    MP_API_LOCK();
    MPI_Count args[3] = {count, blocklength, stride};
    return vector("MPI_Type_create_hvector", MPI_COMBINER_HVECTOR, false, count, blocklength,
                  stride, true, args, 3, oldtype, newtype);
}

#pragma weak MPI_Type_create_hvector_c = PMPI_Type_create_hvector_c
int PMPI_Type_create_hvector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                               MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    MPI_Count args[3] = {count, blocklength, stride};
    return vector("MPI_Type_create_hvector_c", MPI_COMBINER_HVECTOR, true, count, blocklength,
                  stride, true, args, 3, oldtype, newtype);
}

/* ---- indexed, hindexed, their block forms, struct ---- */

/* The arguments of the array constructors: blocklengths (bl, or one blocklen when bl_kind is
 * ARR_NONE), displacements (in extents of each type unless in bytes), and one old type or
 * count types. */
typedef struct blocks_args {
    const char *call;
    int combiner;
    bool large;
    MPI_Count count;
    const void *bl;
    arr_kind_t bl_kind;
    MPI_Count blocklen;
    const void *disps;
    arr_kind_t disp_kind;
    bool disp_bytes;
    const MPI_Datatype *types; /* count types (struct) or one */
    bool one_type;
} blocks_args_t;

/* Records the arguments as the standard's tables say: large-count forms keep counts,
 * blocklengths and displacements as large counts; the others keep them as integers, except
 * byte displacements, which are addresses. */
static void gather_blocks(gather_t *g, const blocks_args_t *a)
{
    arr_kind_t ints = a->large ? ARR_COUNT : ARR_INT;
    MPI_Count one[1] = {a->count};
    gather_arr(g, ints, one, ARR_COUNT, 1);
    if (a->bl_kind == ARR_NONE) {
        one[0] = a->blocklen;
        gather_arr(g, ints, one, ARR_COUNT, 1);
    } else {
        gather_arr(g, ints, a->bl, a->bl_kind, a->count);
    }
    gather_arr(g, a->large ? ARR_COUNT : (a->disp_bytes ? ARR_AINT : ARR_INT), a->disps,
               a->disp_kind, a->count);
}

static int check_blocks(const blocks_args_t *a, const mp_datatype_t **types)
{
    int rc = check_count(a->call, a->count, "count");
    if (rc == MPI_SUCCESS && a->bl_kind == ARR_NONE && a->blocklen < 0) {
        rc = mp_api_error(NULL, a->call, MPI_ERR_COUNT,
                          "blocklength %lld is negative; it must be 0 or more",
                          (long long)a->blocklen);
    }
    if (rc == MPI_SUCCESS && a->bl_kind != ARR_NONE) {
        rc = check_array(a->call, a->bl, a->count, "array_of_blocklengths");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_array(a->call, a->disps, a->count, "array_of_displacements");
    }
    if (rc == MPI_SUCCESS && !a->one_type) {
        rc = check_array(a->call, a->types, a->count, "array_of_types");
    }
    for (MPI_Count i = 0; rc == MPI_SUCCESS && a->bl_kind != ARR_NONE && i < a->count; i++) {
        MPI_Count b = arr_get(a->bl, a->bl_kind, i);
        if (b < 0) {
            rc = mp_api_error(NULL, a->call, MPI_ERR_COUNT,
                              "array_of_blocklengths[%lld] is %lld; blocklengths must be 0 or "
                              "more",
                              (long long)i, (long long)b);
        }
    }
    for (MPI_Count i = 0; rc == MPI_SUCCESS && !a->one_type && i < a->count; i++) {
        types[i] = mp_api_datatype_get(a->types[i]);
        if (types[i] == NULL) {
            rc = mp_api_error(NULL, a->call, MPI_ERR_TYPE,
                              "array_of_types[%lld] is %s; pass valid datatypes", (long long)i,
                              a->types[i] == MPI_DATATYPE_NULL ? "MPI_DATATYPE_NULL"
                                                               : "not a valid datatype");
        }
    }
    return rc;
}

static int blocks(const blocks_args_t *a, MPI_Datatype *newtype)
{
    const mp_datatype_t *old = NULL;
    int rc = a->one_type ? check_old(a->call, a->types[0], newtype, &old)
                         : check_old(a->call, MPI_BYTE, newtype, &old);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t n = a->count > 0 ? (size_t)a->count : 0;
    size_t *lens = malloc((n + 1) * sizeof(*lens));
    ptrdiff_t *disps = malloc((n + 1) * sizeof(*disps));
    const mp_datatype_t **types = malloc((n + 1) * sizeof(*types));
    gather_t g;
    bool ok =
        gather_init(&g, 2 * n + 2, n, 2 * n + 2) && lens != NULL && disps != NULL && types != NULL;
    rc = ok ? check_blocks(a, types) : mp_api_error(NULL, a->call, MPI_ERR_NO_MEM, "out of memory");
    for (size_t i = 0; rc == MPI_SUCCESS && i < n; i++) {
        const mp_datatype_t *t = a->one_type ? old : types[i];
        lens[i] = (size_t)(a->bl_kind == ARR_NONE ? a->blocklen
                                                  : arr_get(a->bl, a->bl_kind, (MPI_Count)i));
        MPI_Count d = arr_get(a->disps, a->disp_kind, (MPI_Count)i);
        disps[i] = (ptrdiff_t)d;
        if (!a->disp_bytes && !scale(d, t, &disps[i])) {
            rc = mp_api_error(NULL, a->call, MPI_ERR_ARG,
                              "array_of_displacements[%zu] = %lld times the extent overflows", i,
                              (long long)d);
        }
    }
    if (rc != MPI_SUCCESS) {
        gather_fini(&g);
        free(lens);
        free(disps);
        free(types);
        return rc;
    }
    gather_blocks(&g, a);
    if (a->one_type) {
        types[0] = old;
    }
    mp_datatype_t *dt = NULL;
    mp_status_t st = mp_datatype_create_blocks(n, lens, disps, types, a->one_type,
                                               a->combiner == MPI_COMBINER_STRUCT, &dt);
    free(lens);
    free(disps);
    free(types);
    return finish(a->call, st, dt, a->combiner, a->large, &g, a->types, a->one_type ? 1 : n,
                  newtype);
}

#pragma weak MPI_Type_indexed = PMPI_Type_indexed
int PMPI_Type_indexed(int count, const int array_of_blocklengths[],
                      const int array_of_displacements[], MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_indexed",
                       MPI_COMBINER_INDEXED,
                       false,
                       count,
                       array_of_blocklengths,
                       ARR_INT,
                       0,
                       array_of_displacements,
                       ARR_INT,
                       false,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_indexed_c = PMPI_Type_indexed_c
int PMPI_Type_indexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                        const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                        MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_indexed_c",
                       MPI_COMBINER_INDEXED,
                       true,
                       count,
                       array_of_blocklengths,
                       ARR_COUNT,
                       0,
                       array_of_displacements,
                       ARR_COUNT,
                       false,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_hindexed = PMPI_Type_create_hindexed
int PMPI_Type_create_hindexed(int count, const int array_of_blocklengths[],
                              const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                              MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_hindexed",
                       MPI_COMBINER_HINDEXED,
                       false,
                       count,
                       array_of_blocklengths,
                       ARR_INT,
                       0,
                       array_of_displacements,
                       ARR_AINT,
                       true,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_hindexed_c = PMPI_Type_create_hindexed_c
int PMPI_Type_create_hindexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                                const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                                MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_hindexed_c",
                       MPI_COMBINER_HINDEXED,
                       true,
                       count,
                       array_of_blocklengths,
                       ARR_COUNT,
                       0,
                       array_of_displacements,
                       ARR_COUNT,
                       true,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_indexed_block = PMPI_Type_create_indexed_block
int PMPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[],
                                   MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_indexed_block",
                       MPI_COMBINER_INDEXED_BLOCK,
                       false,
                       count,
                       NULL,
                       ARR_NONE,
                       blocklength,
                       array_of_displacements,
                       ARR_INT,
                       false,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_indexed_block_c = PMPI_Type_create_indexed_block_c
int PMPI_Type_create_indexed_block_c(MPI_Count count, MPI_Count blocklength,
                                     const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                                     MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_indexed_block_c",
                       MPI_COMBINER_INDEXED_BLOCK,
                       true,
                       count,
                       NULL,
                       ARR_NONE,
                       blocklength,
                       array_of_displacements,
                       ARR_COUNT,
                       false,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_hindexed_block = PMPI_Type_create_hindexed_block
int PMPI_Type_create_hindexed_block(int count, int blocklength,
                                    const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                                    MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_hindexed_block",
                       MPI_COMBINER_HINDEXED_BLOCK,
                       false,
                       count,
                       NULL,
                       ARR_NONE,
                       blocklength,
                       array_of_displacements,
                       ARR_AINT,
                       true,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_hindexed_block_c = PMPI_Type_create_hindexed_block_c
int PMPI_Type_create_hindexed_block_c(MPI_Count count, MPI_Count blocklength,
                                      const MPI_Count array_of_displacements[],
                                      MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_hindexed_block_c",
                       MPI_COMBINER_HINDEXED_BLOCK,
                       true,
                       count,
                       NULL,
                       ARR_NONE,
                       blocklength,
                       array_of_displacements,
                       ARR_COUNT,
                       true,
                       &oldtype,
                       true};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_struct = PMPI_Type_create_struct
int PMPI_Type_create_struct(int count, const int array_of_blocklengths[],
                            const MPI_Aint array_of_displacements[],
                            const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_struct",
                       MPI_COMBINER_STRUCT,
                       false,
                       count,
                       array_of_blocklengths,
                       ARR_INT,
                       0,
                       array_of_displacements,
                       ARR_AINT,
                       true,
                       array_of_types,
                       false};
    return blocks(&a, newtype);
}

#pragma weak MPI_Type_create_struct_c = PMPI_Type_create_struct_c
int PMPI_Type_create_struct_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                              const MPI_Count array_of_displacements[],
                              const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    MP_API_LOCK();
    blocks_args_t a = {"MPI_Type_create_struct_c",
                       MPI_COMBINER_STRUCT,
                       true,
                       count,
                       array_of_blocklengths,
                       ARR_COUNT,
                       0,
                       array_of_displacements,
                       ARR_COUNT,
                       true,
                       array_of_types,
                       false};
    return blocks(&a, newtype);
}

/* ---- resized ---- */

static int resized(const char *call, bool large, MPI_Datatype oldtype, MPI_Count lb,
                   MPI_Count extent, MPI_Datatype *newtype)
{
    const mp_datatype_t *old = NULL;
    int rc = check_old(call, oldtype, newtype, &old);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    gather_t g;
    if (!gather_init(&g, 0, 2, 2)) {
        return finish(call, MP_ERR_NOMEM, NULL, 0, false, &g, NULL, 0, newtype);
    }
    MPI_Count args[2] = {lb, extent};
    gather_arr(&g, large ? ARR_COUNT : ARR_AINT, args, ARR_COUNT, 2);
    mp_datatype_t *dt = NULL;
    mp_status_t st = mp_datatype_create_resized(old, (ptrdiff_t)lb, (ptrdiff_t)extent, &dt);
    return finish(call, st, dt, MPI_COMBINER_RESIZED, large, &g, &oldtype, 1, newtype);
}

#pragma weak MPI_Type_create_resized = PMPI_Type_create_resized
int PMPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent,
                             MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return resized("MPI_Type_create_resized", false, oldtype, lb, extent, newtype);
}

#pragma weak MPI_Type_create_resized_c = PMPI_Type_create_resized_c
int PMPI_Type_create_resized_c(MPI_Datatype oldtype, MPI_Count lb, MPI_Count extent,
                               MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return resized("MPI_Type_create_resized_c", true, oldtype, lb, extent, newtype);
}

/* ---- subarray and darray ---- */

static int check_order(const char *call, int order)
{
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN", order);
    }
    return MPI_SUCCESS;
}

/* Per-dimension arrays of a subarray or darray, on the heap: ndims has no bound. */
typedef struct dims {
    size_t *sizes;
    size_t *nruns;
    mp_dt_index_run_t **runs;
    mp_dt_index_run_t *one; /* subarray: the one run of each dimension */
} dims_t;

static bool dims_alloc(dims_t *d, size_t n)
{
    d->sizes = calloc(n, sizeof(*d->sizes));
    d->nruns = calloc(n, sizeof(*d->nruns));
    d->runs = calloc(n, sizeof(*d->runs));
    d->one = calloc(n, sizeof(*d->one));
    return d->sizes != NULL && d->nruns != NULL && d->runs != NULL && d->one != NULL;
}

/* Frees the arrays, and the runs of each dimension that are not in d->one (grid may have
 * reversed the order of the dimensions). */
static void dims_free(dims_t *d, size_t n)
{
    for (size_t i = 0; d->runs != NULL && i < n; i++) {
        uintptr_t r = (uintptr_t)d->runs[i];
        bool in_one = r >= (uintptr_t)d->one && r < (uintptr_t)(d->one + n);
        if (!in_one) {
            free(d->runs[i]);
        }
    }
    free(d->sizes);
    free(d->nruns);
    free(d->runs);
    free(d->one);
}

/* Builds the grid type, the dimensions put in C order first: in Fortran order the first
 * dimension varies fastest, so the order of the dimensions is reversed. */
static mp_status_t grid(int ndims, int order, dims_t *d, const mp_datatype_t *old,
                        mp_datatype_t **new_p)
{
    size_t n = (size_t)ndims;
    for (size_t i = 0; order == MPI_ORDER_FORTRAN && i < n / 2; i++) {
        size_t j = n - 1 - i;
        size_t t = d->sizes[i];
        d->sizes[i] = d->sizes[j];
        d->sizes[j] = t;
        t = d->nruns[i];
        d->nruns[i] = d->nruns[j];
        d->nruns[j] = t;
        mp_dt_index_run_t *r = d->runs[i];
        d->runs[i] = d->runs[j];
        d->runs[j] = r;
    }
    return mp_datatype_create_grid(n, d->sizes, d->nruns, (const mp_dt_index_run_t *const *)d->runs,
                                   old, new_p);
}

static int check_ndims(const char *call, int ndims, const void *a, const void *b, const void *c)
{
    if (ndims <= 0) {
        return mp_api_error(NULL, call, MPI_ERR_DIMS, "ndims %d must be 1 or more", ndims);
    }
    if (a == NULL || b == NULL || c == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "an array argument is NULL");
    }
    return MPI_SUCCESS;
}

static int subarray(const char *call, bool large, int ndims, const void *sizes,
                    const void *subsizes, const void *starts, arr_kind_t kind, int order,
                    MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    const mp_datatype_t *old = NULL;
    int rc = check_old(call, oldtype, newtype, &old);
    if (rc == MPI_SUCCESS) {
        rc = check_ndims(call, ndims, sizes, subsizes, starts);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_order(call, order);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t n = (size_t)ndims;
    dims_t dims;
    if (!dims_alloc(&dims, n)) {
        dims_free(&dims, 0);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    for (int d = 0; d < ndims && rc == MPI_SUCCESS; d++) {
        MPI_Count size = arr_get(sizes, kind, d);
        MPI_Count sub = arr_get(subsizes, kind, d);
        MPI_Count start = arr_get(starts, kind, d);
        if (size < 1) {
            rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                              "array_of_sizes[%d] is %lld; sizes must be 1 or more", d,
                              (long long)size);
        } else if (sub < 0 || sub > size) {
            rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                              "array_of_subsizes[%d] is %lld; it must be in 0..%lld (the "
                              "size of that dimension)",
                              d, (long long)sub, (long long)size);
        } else if (start < 0 || start > size - sub) {
            rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                              "array_of_starts[%d] is %lld; with subsize %lld and size %lld it "
                              "must be in 0..%lld",
                              d, (long long)start, (long long)sub, (long long)size,
                              (long long)(size - sub));
        }
        dims.sizes[d] = (size_t)size;
        dims.one[d] = (mp_dt_index_run_t){.first = (size_t)start, .len = (size_t)sub};
        dims.runs[d] = &dims.one[d];
        dims.nruns[d] = 1;
    }
    gather_t g;
    if (rc == MPI_SUCCESS && !gather_init(&g, 3 * n + 2, 0, 3 * n)) {
        gather_fini(&g);
        rc = mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    if (rc != MPI_SUCCESS) {
        dims_free(&dims, n);
        return rc;
    }
    gather_int(&g, ndims);
    arr_kind_t dest = large ? ARR_COUNT : ARR_INT;
    gather_arr(&g, dest, sizes, kind, ndims);
    gather_arr(&g, dest, subsizes, kind, ndims);
    gather_arr(&g, dest, starts, kind, ndims);
    gather_int(&g, order);
    mp_datatype_t *dt = NULL;
    mp_status_t st = grid(ndims, order, &dims, old, &dt);
    dims_free(&dims, n);
    return finish(call, st, dt, MPI_COMBINER_SUBARRAY, large, &g, &oldtype, 1, newtype);
}

#pragma weak MPI_Type_create_subarray = PMPI_Type_create_subarray
int PMPI_Type_create_subarray(int ndims, const int array_of_sizes[], const int array_of_subsizes[],
                              const int array_of_starts[], int order, MPI_Datatype oldtype,
                              MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return subarray("MPI_Type_create_subarray", false, ndims, array_of_sizes, array_of_subsizes,
                    array_of_starts, ARR_INT, order, oldtype, newtype);
}

#pragma weak MPI_Type_create_subarray_c = PMPI_Type_create_subarray_c
int PMPI_Type_create_subarray_c(int ndims, const MPI_Count array_of_sizes[],
                                const MPI_Count array_of_subsizes[],
                                const MPI_Count array_of_starts[], int order, MPI_Datatype oldtype,
                                MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return subarray("MPI_Type_create_subarray_c", true, ndims, array_of_sizes, array_of_subsizes,
                    array_of_starts, ARR_COUNT, order, oldtype, newtype);
}

/* The darray arguments of one dimension, checked, as the runs of indices this process owns. */
static int darray_dim(const char *call, int d, MPI_Count gsize, int distrib, int darg, int psize,
                      int coord, mp_dt_index_run_t **runs_p, size_t *nruns_p)
{
    if (gsize < 1 || psize < 1) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "dimension %d: gsize %lld and psize %d must be 1 or more", d,
                            (long long)gsize, psize);
    }
    if (darg != MPI_DISTRIBUTE_DFLT_DARG && darg < 1) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "array_of_dargs[%d] is %d; it must be MPI_DISTRIBUTE_DFLT_DARG or 1 or "
                            "more",
                            d, darg);
    }
    size_t g = (size_t)gsize;
    size_t p = (size_t)psize;
    size_t first = 0;
    size_t blk = 0;
    size_t step = 0; /* cyclic: indices between the starts of two owned blocks */
    switch (distrib) {
    case MPI_DISTRIBUTE_NONE:
        if (psize != 1) {
            return mp_api_error(NULL, call, MPI_ERR_ARG,
                                "dimension %d is MPI_DISTRIBUTE_NONE, so array_of_psizes[%d] "
                                "must be 1, not %d",
                                d, d, psize);
        }
        blk = g;
        break;
    case MPI_DISTRIBUTE_BLOCK:
        blk = darg == MPI_DISTRIBUTE_DFLT_DARG ? (g + p - 1) / p : (size_t)darg;
        if (blk * p < g) {
            return mp_api_error(NULL, call, MPI_ERR_ARG,
                                "dimension %d: blocks of %zu on %zu processes cover %zu of the "
                                "%zu elements; use a block size of at least %zu",
                                d, blk, p, blk * p, g, (g + p - 1) / p);
        }
        first = blk * (size_t)coord;
        break;
    case MPI_DISTRIBUTE_CYCLIC:
        blk = darg == MPI_DISTRIBUTE_DFLT_DARG ? 1 : (size_t)darg;
        first = blk * (size_t)coord;
        step = blk * p;
        break;
    default:
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "array_of_distribs[%d] is %d; use MPI_DISTRIBUTE_BLOCK, _CYCLIC or "
                            "_NONE",
                            d, distrib);
    }
    size_t n = first >= g ? 0 : (step == 0 ? 1 : (g - first + step - 1) / step);
    mp_dt_index_run_t *runs = malloc((n + 1) * sizeof(*runs));
    if (runs == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size_t at = first + i * step;
        runs[i] = (mp_dt_index_run_t){.first = at, .len = g - at < blk ? g - at : blk};
    }
    *runs_p = runs;
    *nruns_p = n;
    return MPI_SUCCESS;
}

static int darray_check(const char *call, int size, int rank, int ndims, const void *gsizes,
                        const int *distribs, const int *dargs, const int *psizes, int order)
{
    if (size < 1 || rank < 0 || rank >= size) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "size %d and rank %d: size must be 1 or more and rank in 0..size-1",
                            size, rank);
    }
    int rc = check_ndims(call, ndims, gsizes, distribs, dargs);
    if (rc == MPI_SUCCESS && psizes == NULL) {
        rc = mp_api_error(NULL, call, MPI_ERR_ARG, "array_of_psizes is NULL");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_order(call, order);
    }
    long long procs = 1;
    for (int d = 0; rc == MPI_SUCCESS && d < ndims; d++) {
        if (psizes[d] < 1) {
            return mp_api_error(NULL, call, MPI_ERR_ARG,
                                "array_of_psizes[%d] is %d; it must be 1 or more", d, psizes[d]);
        }
        procs *= psizes[d];
        if (procs > size) {
            break;
        }
    }
    if (rc == MPI_SUCCESS && procs != size) {
        rc = mp_api_error(NULL, call, MPI_ERR_ARG,
                          "the process grid (array_of_psizes) does not have size = %d processes",
                          size);
    }
    return rc;
}

static int darray(const char *call, bool large, int size, int rank, int ndims, const void *gsizes,
                  arr_kind_t kind, const int *distribs, const int *dargs, const int *psizes,
                  int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    const mp_datatype_t *old = NULL;
    int rc = check_old(call, oldtype, newtype, &old);
    if (rc == MPI_SUCCESS) {
        rc = darray_check(call, size, rank, ndims, gsizes, distribs, dargs, psizes, order);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t n = (size_t)ndims;
    dims_t dims;
    if (!dims_alloc(&dims, n)) {
        dims_free(&dims, 0);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    for (size_t d = 0; d < n; d++) {
        dims.runs[d] = &dims.one[d]; /* until darray_dim allocates the dimension's runs */
    }
    /* The process grid is numbered in row-major order, whatever the array order. */
    int rest = rank;
    int procs = size;
    for (int d = 0; d < ndims && rc == MPI_SUCCESS; d++) {
        procs /= psizes[d];
        int coord = rest / procs;
        rest %= procs;
        dims.sizes[d] = (size_t)arr_get(gsizes, kind, d);
        rc = darray_dim(call, d, arr_get(gsizes, kind, d), distribs[d], dargs[d], psizes[d], coord,
                        &dims.runs[d], &dims.nruns[d]);
    }
    gather_t g;
    if (rc == MPI_SUCCESS && !gather_init(&g, 4 * n + 4, 0, n)) {
        gather_fini(&g);
        rc = mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    if (rc != MPI_SUCCESS) {
        dims_free(&dims, n);
        return rc;
    }
    gather_int(&g, size);
    gather_int(&g, rank);
    gather_int(&g, ndims);
    gather_arr(&g, large ? ARR_COUNT : ARR_INT, gsizes, kind, ndims);
    gather_arr(&g, ARR_INT, distribs, ARR_INT, ndims);
    gather_arr(&g, ARR_INT, dargs, ARR_INT, ndims);
    gather_arr(&g, ARR_INT, psizes, ARR_INT, ndims);
    gather_int(&g, order);
    mp_datatype_t *dt = NULL;
    mp_status_t st = grid(ndims, order, &dims, old, &dt);
    dims_free(&dims, n);
    return finish(call, st, dt, MPI_COMBINER_DARRAY, large, &g, &oldtype, 1, newtype);
}

#pragma weak MPI_Type_create_darray = PMPI_Type_create_darray
int PMPI_Type_create_darray(int size, int rank, int ndims, const int array_of_gsizes[],
                            const int array_of_distribs[], const int array_of_dargs[],
                            const int array_of_psizes[], int order, MPI_Datatype oldtype,
                            MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return darray("MPI_Type_create_darray", false, size, rank, ndims, array_of_gsizes, ARR_INT,
                  array_of_distribs, array_of_dargs, array_of_psizes, order, oldtype, newtype);
}

#pragma weak MPI_Type_create_darray_c = PMPI_Type_create_darray_c
int PMPI_Type_create_darray_c(int size, int rank, int ndims, const MPI_Count array_of_gsizes[],
                              const int array_of_distribs[], const int array_of_dargs[],
                              const int array_of_psizes[], int order, MPI_Datatype oldtype,
                              MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return darray("MPI_Type_create_darray_c", true, size, rank, ndims, array_of_gsizes, ARR_COUNT,
                  array_of_distribs, array_of_dargs, array_of_psizes, order, oldtype, newtype);
}
