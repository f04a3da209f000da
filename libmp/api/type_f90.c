/*
 * MPI_Type_create_f90_real/complex/integer: the Fortran 90 parameterized types, as C sees them.
 * Each (combiner, p, r) gets one cached type, a copy of the sized predefined type that Fortran's
 * SELECTED_REAL_KIND / SELECTED_INT_KIND would pick, which remembers p and r for its envelope.
 */
#include <stdlib.h>

#include "api/api.h"

/* The standard calls these types predefined: they are never freed by the user, and the same
 * arguments give the same handle. The cache holds one reference to each until MPI ends. */
typedef struct f90_type {
    int combiner;
    int p, r;
    mp_datatype_t *dt;
    struct f90_type *next;
} f90_type_t;

static f90_type_t *cache;

/* A Fortran kind: the most precision and exponent range it gives, and the sized types. */
typedef struct f90_kind {
    int precision;
    int range;
    MPI_Datatype real;
    MPI_Datatype complex;
} f90_kind_t;

/* gfortran's kinds on every platform libmp builds for. Kind 10 (x87 extended) has no MPI
 * type, so a precision of 16 to 18 digits goes to kind 16, as SELECTED_REAL_KIND would. */
static const f90_kind_t real_kinds[] = {
    {6, 37, MPI_REAL4, MPI_COMPLEX8},
    {15, 307, MPI_REAL8, MPI_COMPLEX16},
    {33, 4931, MPI_REAL16, MPI_COMPLEX32},
};

static const f90_kind_t int_kinds[] = {
    {0, 2, MPI_INTEGER1, MPI_DATATYPE_NULL},   {0, 4, MPI_INTEGER2, MPI_DATATYPE_NULL},
    {0, 9, MPI_INTEGER4, MPI_DATATYPE_NULL},   {0, 18, MPI_INTEGER8, MPI_DATATYPE_NULL},
    {0, 38, MPI_INTEGER16, MPI_DATATYPE_NULL},
};

void mp_api_type_f90_fini(void)
{
    while (cache != NULL) {
        f90_type_t *e = cache;
        cache = e->next;
        (void)mp_api_attr_type_delete_all("MPI_Finalize", e->dt);
        e->dt->user_refs = 0;
        mp_datatype_release(e->dt);
        free(e);
    }
}

/* The cached type for (combiner, p, r), made from base on first use. */
static int lookup(const char *call, int combiner, int p, int r, MPI_Datatype base,
                  MPI_Datatype *newtype)
{
    for (f90_type_t *e = cache; e != NULL; e = e->next) {
        if (e->combiner == combiner && e->p == p && e->r == r) {
            *newtype = (MPI_Datatype)e->dt->handle;
            return MPI_SUCCESS;
        }
    }
    f90_type_t *e = calloc(1, sizeof(*e));
    mp_datatype_t *dt = NULL;
    if (e == NULL || mp_datatype_create_dup(mp_api_datatype_get(base), &dt) != MP_OK) {
        free(e);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    int ints[2] = {p, r};
    mp_dt_contents_t c = {
        .combiner = combiner, .nints = combiner == MPI_COMBINER_F90_INTEGER ? 1 : 2, .ints = ints};
    MPI_Datatype handle = MPI_DATATYPE_NULL;
    int rc = mp_api_type_new_handle(call, dt, &c, &handle);
    if (rc != MPI_SUCCESS) {
        free(e);
        return rc;
    }
    dt->committed = true;
    *e = (f90_type_t){.combiner = combiner, .p = p, .r = r, .dt = dt, .next = cache};
    cache = e;
    *newtype = handle;
    return MPI_SUCCESS;
}

/* The real or complex kind SELECTED_REAL_KIND(p, r) names; either may be MPI_UNDEFINED. */
static int real_kind(const char *call, int combiner, int p, int r, MPI_Datatype *newtype)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (newtype == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "newtype is NULL");
    }
    if (p == MPI_UNDEFINED && r == MPI_UNDEFINED) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "p and r are both MPI_UNDEFINED; give a precision, a range or both");
    }
    if ((p < 0 && p != MPI_UNDEFINED) || (r < 0 && r != MPI_UNDEFINED)) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "p = %d and r = %d: each must be >= 0 or MPI_UNDEFINED", p, r);
    }
    for (size_t i = 0; i < sizeof(real_kinds) / sizeof(real_kinds[0]); i++) {
        const f90_kind_t *k = &real_kinds[i];
        if ((p == MPI_UNDEFINED || p <= k->precision) && (r == MPI_UNDEFINED || r <= k->range)) {
            return lookup(call, combiner, p, r,
                          combiner == MPI_COMBINER_F90_REAL ? k->real : k->complex, newtype);
        }
    }
    return mp_api_error(NULL, call, MPI_ERR_ARG,
                        "no real kind has a precision of %d digits and an exponent range of %d "
                        "(the most is 33 digits and 4931); ask for less",
                        p, r);
}

#pragma weak MPI_Type_create_f90_real = PMPI_Type_create_f90_real
int PMPI_Type_create_f90_real(int p, int r, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return real_kind("MPI_Type_create_f90_real", MPI_COMBINER_F90_REAL, p, r, newtype);
}

#pragma weak MPI_Type_create_f90_complex = PMPI_Type_create_f90_complex
int PMPI_Type_create_f90_complex(int p, int r, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    return real_kind("MPI_Type_create_f90_complex", MPI_COMBINER_F90_COMPLEX, p, r, newtype);
}

#pragma weak MPI_Type_create_f90_integer = PMPI_Type_create_f90_integer
int PMPI_Type_create_f90_integer(int r, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Type_create_f90_integer";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (newtype == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "newtype is NULL");
    }
    if (r < 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "r = %d: the decimal range must be >= 0", r);
    }
    for (size_t i = 0; i < sizeof(int_kinds) / sizeof(int_kinds[0]); i++) {
        if (r <= int_kinds[i].range) {
            return lookup(call, MPI_COMBINER_F90_INTEGER, r, MPI_UNDEFINED, int_kinds[i].real,
                          newtype);
        }
    }
    return mp_api_error(NULL, call, MPI_ERR_ARG,
                        "no integer kind holds %d decimal digits (the most is 38); ask for less",
                        r);
}
