/*
 * Datatype handles and the queries on them (size, extents, envelope and contents, names), commit
 * and free. Predefined types are the standard ABI's fixed handle values; derived types are
 * pointers to their objects.
 */
#include <limits.h>
#include <string.h>

#include "api/api.h"

const char *mp_api_datatype_name(const mp_datatype_t *dt)
{
    return dt->name != NULL && dt->name[0] != '\0' ? dt->name : "(unnamed derived datatype)";
}

int mp_api_datatype_check(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                          const mp_datatype_t **dt_p)
{
    if (datatype == MPI_DATATYPE_NULL) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "MPI_DATATYPE_NULL is not a datatype to use; pass a type such as "
                            "MPI_INT");
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "invalid datatype handle %p; use a predefined type such as MPI_INT "
                            "or one you created",
                            (void *)datatype);
    }
    if (!dt->committed) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            "datatype %s is not committed; call MPI_Type_commit first",
                            mp_api_datatype_name(dt));
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

int mp_api_datatype_check_count(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                                MPI_Count count, const mp_datatype_t **dt_p)
{
    /* MPI_DATATYPE_NULL with a count of 0 describes no data. MPICH accepts it and programs rely
     * on it (alltoallw with empty slots, zero-size sends); it stands for an empty MPI_BYTE. */
    if (datatype == MPI_DATATYPE_NULL && count == 0) {
        *dt_p = mp_datatype_predefined((uintptr_t)MPI_BYTE);
        return MPI_SUCCESS;
    }
    return mp_api_datatype_check(comm, call, datatype, dt_p);
}

/* The checks every query below starts with. Queries work on uncommitted types too. */
static int type_lookup(const char *call, MPI_Datatype datatype, const void *out,
                       const mp_datatype_t **dt_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_TYPE,
                            datatype == MPI_DATATYPE_NULL
                                ? "MPI_DATATYPE_NULL is not a datatype to query"
                                : "invalid datatype handle %p; use a predefined type such as "
                                  "MPI_INT or one you created",
                            (void *)datatype);
    }
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "the output argument is NULL");
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size = PMPI_Type_size
int PMPI_Type_size(MPI_Datatype datatype, int *size)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The standard: a size that does not fit in an int is returned as MPI_UNDEFINED. */
    *size = dt->size <= INT_MAX ? (int)dt->size : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size_x = PMPI_Type_size_x
int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count *size)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size_x", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_size_c = PMPI_Type_size_c
int PMPI_Type_size_c(MPI_Datatype datatype, MPI_Count *size)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_size_c", datatype, size, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent = PMPI_Type_get_extent
int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Aint)dt->lb;
    *extent = (MPI_Aint)dt->extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent_x = PMPI_Type_get_extent_x
int PMPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent_x", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Count)dt->lb;
    *extent = (MPI_Count)dt->extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_extent_c = PMPI_Type_get_extent_c
int PMPI_Type_get_extent_c(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_extent_c", datatype, lb != NULL ? extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *lb = (MPI_Count)dt->lb;
    *extent = (MPI_Count)dt->extent;
    return MPI_SUCCESS;
}

int mp_api_datatype_lookup(const mp_comm_t *comm, const char *call, MPI_Datatype datatype,
                           const mp_datatype_t **dt_p)
{
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(comm, call, MPI_ERR_TYPE,
                            datatype == MPI_DATATYPE_NULL
                                ? "the datatype is MPI_DATATYPE_NULL; pass a predefined type such "
                                  "as MPI_INT or one you created"
                                : "invalid datatype handle %p (freed, or never created); pass a "
                                  "predefined type such as MPI_INT or one you created",
                            (void *)datatype);
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_true_extent = PMPI_Type_get_true_extent
int PMPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_true_extent", datatype, true_lb != NULL ? true_extent : NULL,
                         &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *true_lb = (MPI_Aint)dt->true_lb;
    *true_extent = (MPI_Aint)dt->true_extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_true_extent_x = PMPI_Type_get_true_extent_x
int PMPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_true_extent_x", datatype,
                         true_lb != NULL ? true_extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *true_lb = (MPI_Count)dt->true_lb;
    *true_extent = (MPI_Count)dt->true_extent;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_true_extent_c = PMPI_Type_get_true_extent_c
int PMPI_Type_get_true_extent_c(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_true_extent_c", datatype,
                         true_lb != NULL ? true_extent : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *true_lb = (MPI_Count)dt->true_lb;
    *true_extent = (MPI_Count)dt->true_extent;
    return MPI_SUCCESS;
}

/* ---- Commit, free, dup ---- */

/* The checks of calls that take a datatype by address (commit, free). */
static int type_ptr_lookup(const char *call, const MPI_Datatype *datatype,
                           const mp_datatype_t **dt_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (datatype == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "datatype is NULL; pass the address of an MPI_Datatype");
    }
    return mp_api_datatype_lookup(NULL, call, *datatype, dt_p);
}

#pragma weak MPI_Type_commit = PMPI_Type_commit
int PMPI_Type_commit(MPI_Datatype *datatype)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_ptr_lookup("MPI_Type_commit", datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The type map is flattened when the type is built: committing only allows its use. */
    if (!dt->predefined) {
        ((mp_datatype_t *)dt)->committed = true;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_free = PMPI_Type_free
int PMPI_Type_free(MPI_Datatype *datatype)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_ptr_lookup("MPI_Type_free", datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->predefined) {
        return mp_api_error(NULL, "MPI_Type_free", MPI_ERR_TYPE,
                            "%s is a predefined datatype and cannot be freed; free only types "
                            "you created",
                            dt->name);
    }
    if (mp_api_type_is_f90(dt)) {
        return mp_api_error(NULL, "MPI_Type_free", MPI_ERR_TYPE,
                            "the type from MPI_Type_create_f90_* is predefined and cannot be "
                            "freed; free only types you created");
    }
    mp_datatype_t *d = (mp_datatype_t *)dt;
    if (d->user_refs == 1) {
        rc = mp_api_attr_type_delete_all("MPI_Type_free", d);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    /* Pending operations and types built on it keep their own references. */
    d->user_refs--;
    mp_datatype_release(d);
    *datatype = MPI_DATATYPE_NULL;
    return MPI_SUCCESS;
}

int mp_api_type_new_handle(const char *call, mp_datatype_t *dt, const mp_dt_contents_t *contents,
                           MPI_Datatype *newtype)
{
    mp_status_t st = mp_datatype_set_contents(dt, contents);
    if (st != MP_OK) {
        mp_datatype_release(dt);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory recording the new type");
    }
    dt->user_refs = 1;
    *newtype = (MPI_Datatype)(void *)dt;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_dup = PMPI_Type_dup
int PMPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_API_LOCK();
    const mp_datatype_t *old = NULL;
    int rc = type_lookup("MPI_Type_dup", oldtype, newtype, &old);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_datatype_t *dt = NULL;
    if (mp_datatype_create_dup(old, &dt) != MP_OK) {
        return mp_api_error(NULL, "MPI_Type_dup", MPI_ERR_NO_MEM, "out of memory");
    }
    mp_datatype_t *types[1] = {(mp_datatype_t *)old};
    mp_dt_contents_t c = {.combiner = MPI_COMBINER_DUP, .ntypes = 1, .types = types};
    MPI_Datatype handle = MPI_DATATYPE_NULL;
    rc = mp_api_type_new_handle("MPI_Type_dup", dt, &c, &handle);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rc = mp_api_attr_type_copy_all("MPI_Type_dup", (mp_datatype_t *)old, dt);
    if (rc != MPI_SUCCESS) {
        dt->user_refs = 0;
        mp_datatype_release(dt);
        return rc;
    }
    *newtype = handle;
    return MPI_SUCCESS;
}

bool mp_api_type_is_f90(const mp_datatype_t *dt)
{
    int c = dt->contents.combiner;
    return !dt->predefined && (c == MPI_COMBINER_F90_REAL || c == MPI_COMBINER_F90_COMPLEX ||
                               c == MPI_COMBINER_F90_INTEGER);
}

/* Defaults for builds without attr.c (unit tests that link api/datatype.c alone); attr.c
 * overrides them with its strong definitions in the library. */
__attribute__((weak)) int mp_api_attr_type_copy_all(const char *call, mp_datatype_t *old,
                                                    mp_datatype_t *new_type)
{
    (void)call;
    (void)old;
    (void)new_type;
    return MPI_SUCCESS;
}

__attribute__((weak)) int mp_api_attr_type_delete_all(const char *call, mp_datatype_t *datatype)
{
    (void)call;
    (void)datatype;
    return MPI_SUCCESS;
}

/* ---- Envelope and contents ---- */

static int envelope(const char *call, MPI_Datatype datatype, const mp_datatype_t **dt_p,
                    const void *out)
{
    int rc = type_lookup(call, datatype, out, dt_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_envelope = PMPI_Type_get_envelope
int PMPI_Type_get_envelope(MPI_Datatype datatype, int *num_integers, int *num_addresses,
                           int *num_datatypes, int *combiner)
{
    MP_API_LOCK();
    const char *call = "MPI_Type_get_envelope";
    const mp_datatype_t *dt = NULL;
    bool all = num_integers != NULL && num_addresses != NULL && num_datatypes != NULL;
    int rc = envelope(call, datatype, &dt, all ? (const void *)combiner : NULL);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->predefined) {
        *num_integers = *num_addresses = *num_datatypes = 0;
        *combiner = MPI_COMBINER_NAMED;
        return MPI_SUCCESS;
    }
    const mp_dt_contents_t *c = &dt->contents;
    if (c->ncounts > 0) {
        return mp_api_error(NULL, call, MPI_ERR_TYPE,
                            "the datatype was built by a large-count (_c) constructor; use "
                            "MPI_Type_get_envelope_c");
    }
    *num_integers = (int)c->nints;
    *num_addresses = (int)c->naddrs;
    *num_datatypes = (int)c->ntypes;
    *combiner = c->combiner;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_envelope_c = PMPI_Type_get_envelope_c
int PMPI_Type_get_envelope_c(MPI_Datatype datatype, MPI_Count *num_integers,
                             MPI_Count *num_addresses, MPI_Count *num_large_counts,
                             MPI_Count *num_datatypes, int *combiner)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    bool all = num_integers != NULL && num_addresses != NULL && num_datatypes != NULL &&
               num_large_counts != NULL;
    int rc =
        envelope("MPI_Type_get_envelope_c", datatype, &dt, all ? (const void *)combiner : NULL);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_dt_contents_t *c = &dt->contents;
    *num_integers = (MPI_Count)c->nints;
    *num_addresses = (MPI_Count)c->naddrs;
    *num_large_counts = (MPI_Count)c->ncounts;
    *num_datatypes = (MPI_Count)c->ntypes;
    *combiner = dt->predefined ? MPI_COMBINER_NAMED : c->combiner;
    return MPI_SUCCESS;
}

/* Copies dt's contents out; derived types come back as new handles the caller frees. */
static int contents(const char *call, MPI_Datatype datatype, MPI_Count max_integers,
                    MPI_Count max_addresses, MPI_Count max_large_counts, MPI_Count max_datatypes,
                    int ints[], MPI_Aint addrs[], MPI_Count counts[], MPI_Datatype types[])
{
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup(call, datatype, "", &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->predefined) {
        return mp_api_error(NULL, call, MPI_ERR_TYPE,
                            "%s is predefined (combiner MPI_COMBINER_NAMED) and has no contents; "
                            "check MPI_Type_get_envelope first",
                            dt->name);
    }
    const mp_dt_contents_t *c = &dt->contents;
    if (max_integers < 0 || (size_t)max_integers < c->nints || max_addresses < 0 ||
        (size_t)max_addresses < c->naddrs || max_large_counts < 0 ||
        (size_t)max_large_counts < c->ncounts || max_datatypes < 0 ||
        (size_t)max_datatypes < c->ntypes) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "the arrays are too small: this type needs %zu integers, %zu "
                            "addresses, %zu large counts and %zu datatypes (given %lld, %lld, "
                            "%lld, %lld); size them with MPI_Type_get_envelope",
                            c->nints, c->naddrs, c->ncounts, c->ntypes, (long long)max_integers,
                            (long long)max_addresses, (long long)max_large_counts,
                            (long long)max_datatypes);
    }
    if ((c->nints > 0 && ints == NULL) || (c->naddrs > 0 && addrs == NULL) ||
        (c->ncounts > 0 && counts == NULL) || (c->ntypes > 0 && types == NULL)) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "an output array is NULL");
    }
    for (size_t i = 0; i < c->nints; i++) {
        ints[i] = c->ints[i];
    }
    for (size_t i = 0; i < c->naddrs; i++) {
        addrs[i] = (MPI_Aint)c->addrs[i];
    }
    for (size_t i = 0; i < c->ncounts; i++) {
        counts[i] = (MPI_Count)c->counts[i];
    }
    for (size_t i = 0; i < c->ntypes; i++) {
        mp_datatype_t *t = c->types[i];
        if (!t->predefined && !mp_api_type_is_f90(t)) {
            /* The same object, as MPICH and Open MPI return it: one more handle to free. */
            mp_datatype_retain(t);
            t->user_refs++;
        }
        types[i] = (MPI_Datatype)t->handle;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_get_contents = PMPI_Type_get_contents
int PMPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses,
                           int max_datatypes, int array_of_integers[],
                           MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[])
{
    MP_API_LOCK();
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt != NULL && dt->contents.ncounts > 0) {
        return mp_api_error(NULL, "MPI_Type_get_contents", MPI_ERR_TYPE,
                            "the datatype was built by a large-count (_c) constructor; use "
                            "MPI_Type_get_contents_c");
    }
    return contents("MPI_Type_get_contents", datatype, max_integers, max_addresses, 0,
                    max_datatypes, array_of_integers, array_of_addresses, NULL, array_of_datatypes);
}

#pragma weak MPI_Type_get_contents_c = PMPI_Type_get_contents_c
int PMPI_Type_get_contents_c(MPI_Datatype datatype, MPI_Count max_integers, MPI_Count max_addresses,
                             MPI_Count max_large_counts, MPI_Count max_datatypes,
                             int array_of_integers[], MPI_Aint array_of_addresses[],
                             MPI_Count array_of_large_counts[], MPI_Datatype array_of_datatypes[])
{
    MP_API_LOCK();
    return contents("MPI_Type_get_contents_c", datatype, max_integers, max_addresses,
                    max_large_counts, max_datatypes, array_of_integers, array_of_addresses,
                    array_of_large_counts, array_of_datatypes);
}

/* ---- Names ---- */

#pragma weak MPI_Type_get_name = PMPI_Type_get_name
int PMPI_Type_get_name(MPI_Datatype datatype, char *type_name, int *resultlen)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_get_name", datatype, type_name != NULL ? resultlen : NULL, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t len = strlen(dt->name);
    memcpy(type_name, dt->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

#pragma weak MPI_Type_set_name = PMPI_Type_set_name
int PMPI_Type_set_name(MPI_Datatype datatype, const char *type_name)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    int rc = type_lookup("MPI_Type_set_name", datatype, type_name, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t len = strlen(type_name);
    if (len >= MPI_MAX_OBJECT_NAME) {
        return mp_api_error(NULL, "MPI_Type_set_name", MPI_ERR_ARG,
                            "the name has %zu characters; at most %d fit (MPI_MAX_OBJECT_NAME - 1)",
                            len, MPI_MAX_OBJECT_NAME - 1);
    }
    mp_datatype_t *d = (mp_datatype_t *)dt;
    memcpy(d->name_buf, type_name, len + 1);
    d->name = d->name_buf;
    return MPI_SUCCESS;
}

/* ---- Addresses ---- */

#pragma weak MPI_Get_address = PMPI_Get_address
int PMPI_Get_address(const void *location, MPI_Aint *address)
{
    MP_API_LOCK();
    int rc = mp_api_check_ready("MPI_Get_address");
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (address == NULL) {
        return mp_api_error(NULL, "MPI_Get_address", MPI_ERR_ARG,
                            "address is NULL; pass the address of an MPI_Aint");
    }
    *address = (MPI_Aint)(intptr_t)location;
    return MPI_SUCCESS;
}

/* These two may be called before MPI_Init (the standard lists them among such calls). */
#pragma weak MPI_Aint_add = PMPI_Aint_add
MPI_Aint PMPI_Aint_add(MPI_Aint base, MPI_Aint disp)
{
    MP_API_LOCK();
    return (MPI_Aint)((uintptr_t)base + (uintptr_t)disp);
}

#pragma weak MPI_Aint_diff = PMPI_Aint_diff
MPI_Aint PMPI_Aint_diff(MPI_Aint addr1, MPI_Aint addr2)
{
    MP_API_LOCK();
    return (MPI_Aint)((uintptr_t)addr1 - (uintptr_t)addr2);
}

/* ---- Matching a size, pairing a value with an index ---- */

#pragma weak MPI_Type_match_size = PMPI_Type_match_size
int PMPI_Type_match_size(int typeclass, int size, MPI_Datatype *datatype)
{
    MP_API_LOCK();
    const char *call = "MPI_Type_match_size";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (datatype == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "datatype is NULL");
    }
    /* The sized Fortran types, as MPICH and Open MPI answer. */
    static const MPI_Datatype integers[] = {MPI_INTEGER1, MPI_INTEGER2, MPI_INTEGER4, MPI_INTEGER8,
                                            MPI_INTEGER16};
    static const MPI_Datatype reals[] = {MPI_REAL2, MPI_REAL4, MPI_REAL8, MPI_REAL16};
    static const MPI_Datatype complexes[] = {MPI_COMPLEX4, MPI_COMPLEX8, MPI_COMPLEX16,
                                             MPI_COMPLEX32};
    const MPI_Datatype *list;
    size_t n;
    switch (typeclass) {
    case MPI_TYPECLASS_INTEGER:
        list = integers;
        n = sizeof(integers) / sizeof(integers[0]);
        break;
    case MPI_TYPECLASS_REAL:
        list = reals;
        n = sizeof(reals) / sizeof(reals[0]);
        break;
    case MPI_TYPECLASS_COMPLEX:
        list = complexes;
        n = sizeof(complexes) / sizeof(complexes[0]);
        break;
    default:
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "typeclass %d is not MPI_TYPECLASS_INTEGER, MPI_TYPECLASS_REAL or "
                            "MPI_TYPECLASS_COMPLEX",
                            typeclass);
    }
    for (size_t i = 0; i < n; i++) {
        const mp_datatype_t *dt = mp_api_datatype_get(list[i]);
        if (dt != NULL && size >= 0 && dt->size == (size_t)size) {
            *datatype = list[i];
            return MPI_SUCCESS;
        }
    }
    return mp_api_error(NULL, call, MPI_ERR_ARG, "no type of this class has size %d", size);
}

#pragma weak MPI_Type_get_value_index = PMPI_Type_get_value_index
int PMPI_Type_get_value_index(MPI_Datatype value_type, MPI_Datatype index_type,
                              MPI_Datatype *pair_type)
{
    MP_API_LOCK();
    const char *call = "MPI_Type_get_value_index";
    const mp_datatype_t *v = NULL;
    const mp_datatype_t *ix = NULL;
    int rc = type_lookup(call, value_type, pair_type, &v);
    if (rc == MPI_SUCCESS) {
        rc = type_lookup(call, index_type, pair_type, &ix);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    static const struct {
        MPI_Datatype value, index, pair;
    } pairs[] = {
        {MPI_FLOAT, MPI_INT, MPI_FLOAT_INT},
        {MPI_DOUBLE, MPI_INT, MPI_DOUBLE_INT},
        {MPI_LONG, MPI_INT, MPI_LONG_INT},
        {MPI_INT, MPI_INT, MPI_2INT},
        {MPI_SHORT, MPI_INT, MPI_SHORT_INT},
        {MPI_LONG_DOUBLE, MPI_INT, MPI_LONG_DOUBLE_INT},
        {MPI_REAL, MPI_REAL, MPI_2REAL},
        {MPI_DOUBLE_PRECISION, MPI_DOUBLE_PRECISION, MPI_2DOUBLE_PRECISION},
        {MPI_INTEGER, MPI_INTEGER, MPI_2INTEGER},
    };
    /* The standard: the predefined pair type when one exists, else MPI_DATATYPE_NULL. */
    *pair_type = MPI_DATATYPE_NULL;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (pairs[i].value == value_type && pairs[i].index == index_type) {
            *pair_type = pairs[i].pair;
        }
    }
    return MPI_SUCCESS;
}
