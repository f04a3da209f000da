/*
 * The standard ABI's Fortran calls (MPI 5.0). libmp's Fortran datatypes have fixed sizes (the
 * default kinds of gfortran and most compilers) and its logical reductions write 0 and 1: these
 * calls report that, and let a Fortran binding layer confirm it. What disagrees is refused with
 * MPI_ERR_ABI, naming what differs, rather than taken and then miscomputed.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/info.h"

/* The standard's keys for the sizes of the default kinds. */
static const struct {
    const char *key;
    MPI_Datatype type;
} default_kinds[] = {
    {"mpi_logical_size", MPI_LOGICAL},
    {"mpi_integer_size", MPI_INTEGER},
    {"mpi_real_size", MPI_REAL},
    {"mpi_double_precision_size", MPI_DOUBLE_PRECISION},
};

/* The standard's keys for the optional types: all of them are real datatypes in libmp. */
static const struct {
    const char *key;
    MPI_Datatype type;
} optional_types[] = {
    {"mpi_logical1_supported", MPI_LOGICAL1},
    {"mpi_logical2_supported", MPI_LOGICAL2},
    {"mpi_logical4_supported", MPI_LOGICAL4},
    {"mpi_logical8_supported", MPI_LOGICAL8},
    {"mpi_logical16_supported", MPI_LOGICAL16},
    {"mpi_integer1_supported", MPI_INTEGER1},
    {"mpi_integer2_supported", MPI_INTEGER2},
    {"mpi_integer4_supported", MPI_INTEGER4},
    {"mpi_integer8_supported", MPI_INTEGER8},
    {"mpi_integer16_supported", MPI_INTEGER16},
    {"mpi_real2_supported", MPI_REAL2},
    {"mpi_real4_supported", MPI_REAL4},
    {"mpi_real8_supported", MPI_REAL8},
    {"mpi_real16_supported", MPI_REAL16},
    {"mpi_complex4_supported", MPI_COMPLEX4},
    {"mpi_complex8_supported", MPI_COMPLEX8},
    {"mpi_complex16_supported", MPI_COMPLEX16},
    {"mpi_complex32_supported", MPI_COMPLEX32},
    {"mpi_double_complex_supported", MPI_DOUBLE_COMPLEX},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* MPI_Abi_set_fortran_info succeeded once: the standard lets only the first call count. */
static bool fortran_info_set;

static int type_size(MPI_Datatype type)
{
    return (int)mp_datatype_predefined((uintptr_t)type)->size;
}

#pragma weak MPI_Abi_get_fortran_info = PMPI_Abi_get_fortran_info
int PMPI_Abi_get_fortran_info(MPI_Info *info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Abi_get_fortran_info";
    if (info == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "info is NULL");
    }
    const char *pairs[COUNT(default_kinds) + COUNT(optional_types)][2];
    char sizes[COUNT(default_kinds)][16];
    size_t n = 0;
    for (size_t i = 0; i < COUNT(default_kinds); i++) {
        snprintf(sizes[i], sizeof(sizes[i]), "%d", type_size(default_kinds[i].type));
        pairs[n][0] = default_kinds[i].key;
        pairs[n++][1] = sizes[i];
    }
    for (size_t i = 0; i < COUNT(optional_types); i++) {
        pairs[n][0] = optional_types[i].key;
        pairs[n++][1] = "true";
    }
    return mp_api_info_make(call, pairs, n, info);
}

/* Checks one key of a Fortran info against libmp's datatypes; MPI_SUCCESS or an error class. */
static int check_size_key(const char *call, const char *key, const char *value, MPI_Datatype type)
{
    char *end;
    long want = strtol(value, &end, 10);
    if (end == value || *end != '\0') {
        return mp_api_error(NULL, call, MPI_ERR_INFO_VALUE, "%s = \"%s\" is not a size in bytes",
                            key, value);
    }
    int have = type_size(type);
    if (want != have) {
        return mp_api_error(NULL, call, MPI_ERR_ABI,
                            "%s = %ld, but libmp's %s has %d bytes (its Fortran datatypes have "
                            "fixed sizes)",
                            key, want, mp_datatype_predefined((uintptr_t)type)->name, have);
    }
    return MPI_SUCCESS;
}

/* A compiler may lack an optional type that libmp has: harmless, the program will not use it. */
static int check_supported_key(const char *call, const char *key, const char *value)
{
    if (strcasecmp(value, "true") != 0 && strcasecmp(value, "false") != 0) {
        return mp_api_error(NULL, call, MPI_ERR_INFO_VALUE, "%s = \"%s\" is not true or false", key,
                            value);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Abi_set_fortran_info = PMPI_Abi_set_fortran_info
int PMPI_Abi_set_fortran_info(MPI_Info info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Abi_set_fortran_info";
    if (info == MPI_INFO_NULL) {
        return mp_api_error(NULL, call, MPI_ERR_INFO, "info is MPI_INFO_NULL");
    }
    const struct mp_info *given = mp_api_info_get(info);
    if (given == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_INFO, "info is not a valid info object");
    }
    if (fortran_info_set) {
        return mp_api_error(NULL, call, MPI_ERR_ABI,
                            "the Fortran details were set already (only the first call counts)");
    }
    for (size_t i = 0; i < COUNT(default_kinds); i++) {
        const char *value = mp_info_get(given, default_kinds[i].key);
        int rc = value == NULL
                     ? MPI_SUCCESS
                     : check_size_key(call, default_kinds[i].key, value, default_kinds[i].type);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    for (size_t i = 0; i < COUNT(optional_types); i++) {
        const char *value = mp_info_get(given, optional_types[i].key);
        int rc =
            value == NULL ? MPI_SUCCESS : check_supported_key(call, optional_types[i].key, value);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    fortran_info_set = true;
    return MPI_SUCCESS;
}

/* A LOGICAL of size bytes holding the integer v (0 or 1), in this machine's byte order. */
static void logical_bits(unsigned char *out, int size, unsigned v)
{
    memset(out, 0, (size_t)size);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    out[0] = (unsigned char)v;
#else
    out[size - 1] = (unsigned char)v;
#endif
}

static int check_logical_size(const char *call, int logical_size, const void *t, const void *f)
{
    if (logical_size != 1 && logical_size != 2 && logical_size != 4 && logical_size != 8 &&
        logical_size != 16) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "logical_size %d is not 1, 2, 4, 8 or 16 bytes", logical_size);
    }
    if (t == NULL || f == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "logical_true or logical_false is NULL");
    }
    return MPI_SUCCESS;
}

/* libmp's logical reductions read any nonzero LOGICAL as .TRUE. and write 1 and 0: set
 * internally, for every size. */
#pragma weak MPI_Abi_get_fortran_booleans = PMPI_Abi_get_fortran_booleans
int PMPI_Abi_get_fortran_booleans(int logical_size, void *logical_true, void *logical_false,
                                  int *is_set)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Abi_get_fortran_booleans";
    int rc = check_logical_size(call, logical_size, logical_true, logical_false);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (is_set == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "is_set is NULL");
    }
    logical_bits(logical_true, logical_size, 1);
    logical_bits(logical_false, logical_size, 0);
    *is_set = 1;
    return MPI_SUCCESS;
}

#pragma weak MPI_Abi_set_fortran_booleans = PMPI_Abi_set_fortran_booleans
int PMPI_Abi_set_fortran_booleans(int logical_size, void *logical_true, void *logical_false)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Abi_set_fortran_booleans";
    int rc = check_logical_size(call, logical_size, logical_true, logical_false);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    unsigned char t[16], f[16];
    logical_bits(t, logical_size, 1);
    logical_bits(f, logical_size, 0);
    if (memcmp(logical_true, t, (size_t)logical_size) != 0 ||
        memcmp(logical_false, f, (size_t)logical_size) != 0) {
        return mp_api_error(NULL, call, MPI_ERR_ABI,
                            "libmp's logical reductions write .TRUE. as 1 and .FALSE. as 0 "
                            "(%d-byte LOGICAL); other values cannot be set",
                            logical_size);
    }
    return MPI_SUCCESS;
}
