/*
 * The MPI-1 calls that MPI-3.0 removed (MPI_Address, MPI_Type_struct, MPI_Errhandler_set, ...),
 * for old programs that still use them: each does what its successor does. The extent calls
 * take the lower and upper bounds from MPI_Type_get_extent, as MPI-1 defined them, and
 * MPI_Type_struct also takes MPI-1's bound markers MPI_LB and MPI_UB.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>

#include "api/api.h"

#pragma weak MPI_Address = PMPI_Address
int PMPI_Address(void *location, MPI_Aint *address)
{
    MP_API_LOCK();
    return PMPI_Get_address(location, address);
}

#pragma weak MPI_Type_extent = PMPI_Type_extent
int PMPI_Type_extent(MPI_Datatype datatype, MPI_Aint *extent)
{
    MP_API_LOCK();
    if (extent == NULL) {
        return mp_api_error(NULL, "MPI_Type_extent", MPI_ERR_ARG, "extent is NULL");
    }
    MPI_Aint lb;
    return PMPI_Type_get_extent(datatype, &lb, extent);
}

#pragma weak MPI_Type_lb = PMPI_Type_lb
int PMPI_Type_lb(MPI_Datatype datatype, MPI_Aint *displacement)
{
    MP_API_LOCK();
    if (displacement == NULL) {
        return mp_api_error(NULL, "MPI_Type_lb", MPI_ERR_ARG, "displacement is NULL");
    }
    MPI_Aint extent;
    return PMPI_Type_get_extent(datatype, displacement, &extent);
}

#pragma weak MPI_Type_ub = PMPI_Type_ub
int PMPI_Type_ub(MPI_Datatype datatype, MPI_Aint *displacement)
{
    MP_API_LOCK();
    if (displacement == NULL) {
        return mp_api_error(NULL, "MPI_Type_ub", MPI_ERR_ARG, "displacement is NULL");
    }
    MPI_Aint lb, extent;
    int rc = PMPI_Type_get_extent(datatype, &lb, &extent);
    if (rc == MPI_SUCCESS) {
        *displacement = lb + extent;
    }
    return rc;
}

#pragma weak MPI_Type_hvector = PMPI_Type_hvector
int PMPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return PMPI_Type_create_hvector(count, blocklength, stride, oldtype, newtype);
}

#pragma weak MPI_Type_hindexed = PMPI_Type_hindexed
int PMPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                       MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return PMPI_Type_create_hindexed(count, array_of_blocklengths, array_of_displacements, oldtype,
                                     newtype);
}

static bool is_marker(MPI_Datatype type)
{
    return type == MPI_LB || type == MPI_UB;
}

/* The bounds a struct's markers set, MPI-1's definition: the lowest MPI_LB and the highest
 * MPI_UB. A marker block of length 0 sets nothing, as no block of length 0 adds to a type map. */
typedef struct {
    bool has_lb, has_ub;
    MPI_Aint lb, ub;
} markers_t;

static void add_marker(markers_t *m, MPI_Datatype type, MPI_Aint disp)
{
    if (type == MPI_LB) {
        m->lb = m->has_lb && m->lb < disp ? m->lb : disp;
        m->has_lb = true;
    } else {
        m->ub = m->has_ub && m->ub > disp ? m->ub : disp;
        m->has_ub = true;
    }
}

/* Splits the entries into the markers' bounds and the other entries (bl, disp, types; *n_p of
 * them). */
static int split_markers(int count, const int blocklengths[], const MPI_Aint displacements[],
                         const MPI_Datatype types[], markers_t *m, int *bl, MPI_Aint *disp,
                         MPI_Datatype *real, int *n_p)
{
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (!is_marker(types[i])) {
            bl[n] = blocklengths[i];
            disp[n] = displacements[i];
            real[n++] = types[i];
        } else if (blocklengths[i] < 0) {
            return mp_api_error(NULL, "MPI_Type_struct", MPI_ERR_COUNT,
                                "array_of_blocklengths[%d] = %d is negative; it must be 0 or more",
                                i, blocklengths[i]);
        } else if (blocklengths[i] > 0) {
            add_marker(m, types[i], displacements[i]);
        }
    }
    *n_p = n;
    return MPI_SUCCESS;
}

/* A struct with markers: the struct of its other entries, resized to the bounds the markers
 * set (where they set none, to that struct's own). libmp's types carry no sticky markers, so
 * the result is a resized type (MPI_Type_get_envelope says MPI_COMBINER_RESIZED) whose bounds
 * count in a type built on it as any resized type's do. */
static int struct_with_markers(int count, int blocklengths[], MPI_Aint displacements[],
                               MPI_Datatype types[], MPI_Datatype *newtype)
{
    int *bl = malloc(sizeof(int) * (size_t)count);
    MPI_Aint *disp = malloc(sizeof(MPI_Aint) * (size_t)count);
    MPI_Datatype *real = malloc(sizeof(MPI_Datatype) * (size_t)count);
    int rc = MPI_SUCCESS, n = 0;
    if (bl == NULL || disp == NULL || real == NULL) {
        rc = mp_api_error(NULL, "MPI_Type_struct", MPI_ERR_NO_MEM,
                          "cannot allocate the %d entries of a struct", count);
    }
    markers_t m = {false, false, 0, 0};
    if (rc == MPI_SUCCESS) {
        rc = split_markers(count, blocklengths, displacements, types, &m, bl, disp, real, &n);
    }
    MPI_Datatype inner = MPI_DATATYPE_NULL;
    if (rc == MPI_SUCCESS) {
        rc = PMPI_Type_create_struct(n, bl, disp, real, &inner);
    }
    free(bl);
    free(disp);
    free(real);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Aint lb = 0, extent = 0;
    PMPI_Type_get_extent(inner, &lb, &extent);
    MPI_Aint new_lb = m.has_lb ? m.lb : lb, new_ub = m.has_ub ? m.ub : lb + extent;
    rc = PMPI_Type_create_resized(inner, new_lb, new_ub - new_lb, newtype);
    PMPI_Type_free(&inner);
    return rc;
}

#pragma weak MPI_Type_struct = PMPI_Type_struct
int PMPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                     MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    MP_API_LOCK();
    bool markers = false;
    if (count > 0 && array_of_blocklengths != NULL && array_of_displacements != NULL &&
        array_of_types != NULL && newtype != NULL) {
        for (int i = 0; i < count && !markers; i++) {
            markers = is_marker(array_of_types[i]);
        }
    }
    if (!markers) {
        /* Its successor checks the arguments, bad ones included. */
        return PMPI_Type_create_struct(count, array_of_blocklengths, array_of_displacements,
                                       array_of_types, newtype);
    }
    return struct_with_markers(count, array_of_blocklengths, array_of_displacements, array_of_types,
                               newtype);
}

#pragma weak MPI_Errhandler_create = PMPI_Errhandler_create
int PMPI_Errhandler_create(MPI_Handler_function *function, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return PMPI_Comm_create_errhandler(function, errhandler);
}

#pragma weak MPI_Errhandler_set = PMPI_Errhandler_set
int PMPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler)
{
    MP_API_LOCK();
    return PMPI_Comm_set_errhandler(comm, errhandler);
}

#pragma weak MPI_Errhandler_get = PMPI_Errhandler_get
int PMPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    MP_API_LOCK();
    return PMPI_Comm_get_errhandler(comm, errhandler);
}
