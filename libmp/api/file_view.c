/*
 * MPI-IO views and individual file pointers: MPI_File_set_view/get_view, seek and position
 * (counted in etypes of the view), byte offsets, type extents in the file, and the registry of
 * user-defined data representations (MPI_Register_datarep).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/file.h"

void mp_api_file_view_release(mp_api_file_t *f)
{
    if (f->view.filetype != NULL) {
        mp_datatype_release(f->view.filetype);
        f->view.filetype = NULL;
    }
    if (f->etype != NULL) {
        mp_datatype_release(f->etype);
        f->etype = NULL;
    }
}

void mp_api_file_view_reset(mp_api_file_t *f)
{
    mp_api_file_view_release(f);
    const mp_datatype_t *byte = mp_datatype_predefined((uintptr_t)MPI_BYTE);
    f->view.disp = 0;
    f->view.filetype = byte;
    f->etype = byte;
    snprintf(f->datarep, sizeof(f->datarep), "native");
    f->external32 = false;
    f->user_rep = NULL;
}

/* ---- Data representations ---- */

/* The representations MPI_Register_datarep added: a fixed table, so that the files that use one
 * can point at its entry. */
#define MAX_DATAREPS 32
static mp_api_datarep_t datareps[MAX_DATAREPS];
static int ndatareps;

static const mp_api_datarep_t *datarep_find(const char *name)
{
    for (int i = 0; i < ndatareps; i++) {
        if (strcmp(datareps[i].name, name) == 0) {
            return &datareps[i];
        }
    }
    return NULL;
}

int mp_api_file_datarep_match(const mp_api_datarep_t *rep, const mp_datatype_t *dt)
{
    for (size_t i = 0; i < dt->nruns; i++) {
        const mp_datatype_t *basic = dt->runs[i].type;
        MPI_Aint extent = 0;
        int rc = rep->extent_fn((MPI_Datatype)basic->handle, &extent, rep->extra_state);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
        if (extent != (MPI_Aint)dt->runs[i].basic) {
            return MPI_ERR_UNSUPPORTED_DATAREP;
        }
    }
    return MPI_SUCCESS;
}

static int register_datarep(const char *call, const mp_api_datarep_t *rep)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const char *datarep = rep->name;
    if (datarep[0] == '\0' || strnlen(datarep, MPI_MAX_DATAREP_STRING) >= MPI_MAX_DATAREP_STRING) {
        return mp_api_file_null_error(call, MPI_ERR_ARG,
                                      "datarep must be a name of 1 to %d characters",
                                      MPI_MAX_DATAREP_STRING - 1);
    }
    if (rep->extent_fn == NULL) {
        return mp_api_file_null_error(call, MPI_ERR_ARG, "dtype_file_extent_fn is NULL");
    }
    if (strcmp(datarep, "native") == 0 || strcmp(datarep, "internal") == 0 ||
        strcmp(datarep, "external32") == 0 || datarep_find(datarep) != NULL) {
        return mp_api_file_null_error(call, MPI_ERR_DUP_DATAREP,
                                      "the data representation \"%s\" exists already", datarep);
    }
    if (ndatareps == MAX_DATAREPS) {
        return mp_api_file_null_error(call, MPI_ERR_NO_MEM,
                                      "at most %d data representations can be registered",
                                      MAX_DATAREPS);
    }
    datareps[ndatareps++] = *rep;
    return MPI_SUCCESS;
}

/* Copies the name given to MPI_Register_datarep into rep (an empty name when it is NULL or too
 * long, which register_datarep refuses). */
static void datarep_name(mp_api_datarep_t *rep, const char *datarep)
{
    if (datarep != NULL && strnlen(datarep, MPI_MAX_DATAREP_STRING) < MPI_MAX_DATAREP_STRING) {
        snprintf(rep->name, sizeof(rep->name), "%s", datarep);
    } else if (datarep != NULL) {
        memset(rep->name, 'x', sizeof(rep->name) - 1); /* too long: refused as such */
        rep->name[sizeof(rep->name) - 1] = '\0';
    }
}

#pragma weak MPI_Register_datarep = PMPI_Register_datarep
int PMPI_Register_datarep(const char *datarep, MPI_Datarep_conversion_function *read_conversion_fn,
                          MPI_Datarep_conversion_function *write_conversion_fn,
                          MPI_Datarep_extent_function *dtype_file_extent_fn, void *extra_state)
{
    MP_API_LOCK();
    mp_api_datarep_t rep = {.read_fn = read_conversion_fn,
                            .write_fn = write_conversion_fn,
                            .extent_fn = dtype_file_extent_fn,
                            .extra_state = extra_state};
    datarep_name(&rep, datarep);
    return register_datarep("MPI_Register_datarep", &rep);
}

#pragma weak MPI_Register_datarep_c = PMPI_Register_datarep_c
int PMPI_Register_datarep_c(const char *datarep,
                            MPI_Datarep_conversion_function_c *read_conversion_fn,
                            MPI_Datarep_conversion_function_c *write_conversion_fn,
                            MPI_Datarep_extent_function *dtype_file_extent_fn, void *extra_state)
{
    MP_API_LOCK();
    mp_api_datarep_t rep = {.large = true,
                            .read_fn_c = read_conversion_fn,
                            .write_fn_c = write_conversion_fn,
                            .extent_fn = dtype_file_extent_fn,
                            .extra_state = extra_state};
    datarep_name(&rep, datarep);
    return register_datarep("MPI_Register_datarep_c", &rep);
}

/* ---- Views ---- */

/* The checks of MPI_File_set_view that each rank makes alone; returns the class and sets *why. */
static int view_problem(mp_api_file_t *f, MPI_Offset disp, const mp_datatype_t *et,
                        const mp_datatype_t *ft, const char *datarep, const char **why)
{
    if (disp == MPI_DISPLACEMENT_CURRENT) {
        if (!(f->amode & MPI_MODE_SEQUENTIAL)) {
            *why = "MPI_DISPLACEMENT_CURRENT is only for files opened MPI_MODE_SEQUENTIAL";
            return MPI_ERR_ARG;
        }
    } else if (disp < 0) {
        *why = "disp is negative";
        return MPI_ERR_ARG;
    }
    if (et->size == 0) {
        *why = "the etype holds no data";
        return MPI_ERR_TYPE;
    }
    /* MPI_BYTE (and MPI_PACKED) etypes take any filetype: bytes carry no type, and programs
     * (HDF5 among them) lay typed data out in byte views. */
    bool untyped = et->handle == (uintptr_t)MPI_BYTE || et->handle == (uintptr_t)MPI_PACKED;
    if (ft->size % et->size != 0 || (!untyped && et->elem_type != NULL && ft->elem_type != NULL &&
                                     et->elem_type != ft->elem_type)) {
        *why = "the filetype is not built from the etype (its size is no multiple of the "
               "etype's, or its basic types differ)";
        return MPI_ERR_TYPE;
    }
    if (!mp_io_filetype_is_monotonic(ft)) {
        *why = "the filetype's blocks must lie at non-negative displacements, in increasing "
               "order, without overlapping (also from one tile, extent apart, to the next)";
        return MPI_ERR_TYPE;
    }
    if (datarep == NULL) {
        *why = "datarep is NULL; use \"native\"";
        return MPI_ERR_ARG;
    }
    if (strcmp(datarep, "external32") == 0) {
        if (mp_datatype_external32_size(et) != et->size ||
            mp_datatype_external32_size(ft) != ft->size) {
            *why = "libmp writes \"external32\" only for types whose external32 size is their "
                   "native size (not long, unsigned long, wchar_t or long double here); use "
                   "fixed-size types such as int32_t's MPI_INT32_T, or \"native\"";
            return MPI_ERR_UNSUPPORTED_DATAREP;
        }
        return MPI_SUCCESS;
    }
    const mp_api_datarep_t *rep = datarep_find(datarep);
    if (rep != NULL) {
        int rc = mp_api_file_datarep_match(rep, et);
        if (rc == MPI_SUCCESS) {
            rc = mp_api_file_datarep_match(rep, ft);
        }
        if (rc != MPI_SUCCESS) {
            *why = rc == MPI_ERR_UNSUPPORTED_DATAREP
                       ? "the representation's extent function gives basic types of the etype or "
                         "filetype another size than in memory; libmp converts only types of "
                         "the same size"
                       : "the representation's extent function failed";
            return rc;
        }
        return MPI_SUCCESS;
    }
    if (strcmp(datarep, "native") != 0 && strcmp(datarep, "internal") != 0) {
        *why = "unknown data representation; use \"native\", \"internal\", \"external32\" "
               "or one registered with MPI_Register_datarep";
        return MPI_ERR_UNSUPPORTED_DATAREP;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_File_set_view = PMPI_File_set_view
int PMPI_File_set_view(MPI_File fh, MPI_Offset disp, MPI_Datatype etype, MPI_Datatype filetype,
                       const char *datarep, MPI_Info info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_set_view";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *et = NULL;
    const mp_datatype_t *ft = NULL;
    rc = mp_api_datatype_check(f->c, call, etype, &et);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_datatype_check(f->c, call, filetype, &ft);
    }
    if (rc == MPI_SUCCESS && info != MPI_INFO_NULL) {
        mp_info_t *hints = NULL;
        rc = mp_api_info_check(f->c, call, info, &hints);
        if (rc == MPI_SUCCESS && (f->hints == NULL ? mp_info_dup(hints, &f->hints)
                                                   : mp_info_merge(f->hints, hints)) != MP_OK) {
            rc = mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for the hints");
        }
    }
    const char *why = NULL;
    int mine = rc != MPI_SUCCESS ? rc : view_problem(f, disp, et, ft, datarep, &why);
    /* The view changes on every rank or on none, so that collectives on it stay matched; and
     * MPI_DISPLACEMENT_CURRENT is given everywhere or nowhere. */
    int current = disp == MPI_DISPLACEMENT_CURRENT;
    int any[3] = {mine, current, -current};
    int arc = PMPI_Allreduce(MPI_IN_PLACE, any, 3, MPI_INT, MPI_MAX, f->comm);
    if (arc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, arc, "agreeing over the file's ranks failed");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mine != MPI_SUCCESS) {
        return mp_api_error(f->c, call, mine, "%s", why);
    }
    if (any[0] != MPI_SUCCESS) {
        return mp_api_error(f->c, call, any[0],
                            "another rank's arguments were wrong; its own error names them");
    }
    if (any[1] != -any[2]) {
        return mp_api_error(f->c, call, MPI_ERR_NOT_SAME,
                            "MPI_DISPLACEMENT_CURRENT was given on some ranks only; give it on "
                            "all or none");
    }
    if (current) {
        /* Rank 0 reads the shared pointer before anyone resets it below, and tells the rest. */
        MPI_Offset sh = 0;
        if (f->c->rank == 0) {
            rc = PMPI_File_get_position_shared(fh, &sh);
            disp = mp_io_view_file_offset(&f->view, (uint64_t)sh * f->etype->size);
        }
        int brc = PMPI_Bcast(&disp, 1, MPI_OFFSET, 0, f->comm);
        if (rc == MPI_SUCCESS && brc != MPI_SUCCESS) {
            rc = mp_api_error(f->c, call, brc, "sharing the displacement failed");
        }
        int ok = rc == MPI_SUCCESS;
        PMPI_Bcast(&ok, 1, MPI_INT, 0, f->comm);
        if (!ok) {
            return rc != MPI_SUCCESS ? rc
                                     : mp_api_error(f->c, call, MPI_ERR_OTHER,
                                                    "rank 0 could not read the shared pointer");
        }
    }
    mp_datatype_retain(et);
    mp_datatype_retain(ft);
    mp_api_file_view_release(f);
    f->etype = et;
    f->view.filetype = ft;
    f->view.disp = disp;
    snprintf(f->datarep, sizeof(f->datarep), "%s", datarep);
    f->external32 = strcmp(datarep, "external32") == 0;
    f->user_rep = datarep_find(datarep);
    f->pos = 0;
    return mp_api_file_shared_reset(call, f, 0);
}

/* A handle for the caller to hold: predefined types as they are, derived ones as new dups. */
static int view_type_handle(const char *call, mp_api_file_t *f, const mp_datatype_t *dt,
                            MPI_Datatype *out)
{
    if (dt->predefined) {
        *out = (MPI_Datatype)dt->handle;
        return MPI_SUCCESS;
    }
    mp_datatype_t *dup = NULL;
    if (mp_datatype_create_dup(dt, &dup) != MP_OK) {
        return mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for a copy of the view's type");
    }
    mp_datatype_t *types[1] = {(mp_datatype_t *)dt};
    mp_dt_contents_t c = {.combiner = MPI_COMBINER_DUP, .ntypes = 1, .types = types};
    return mp_api_type_new_handle(call, dup, &c, out);
}

#pragma weak MPI_File_get_view = PMPI_File_get_view
int PMPI_File_get_view(MPI_File fh, MPI_Offset *disp, MPI_Datatype *etype, MPI_Datatype *filetype,
                       char *datarep)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_view";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (disp == NULL || etype == NULL || filetype == NULL || datarep == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_ARG, "%s is NULL",
                            disp == NULL       ? "disp"
                            : etype == NULL    ? "etype"
                            : filetype == NULL ? "filetype"
                                               : "datarep");
    }
    MPI_Datatype et = MPI_DATATYPE_NULL;
    rc = view_type_handle(call, f, f->etype, &et);
    if (rc == MPI_SUCCESS) {
        rc = view_type_handle(call, f, f->view.filetype, filetype);
        if (rc != MPI_SUCCESS && !f->etype->predefined) {
            PMPI_Type_free(&et);
        }
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *etype = et;
    *disp = f->view.disp;
    snprintf(datarep, MPI_MAX_DATAREP_STRING, "%s", f->datarep);
    return MPI_SUCCESS;
}

/* ---- The individual file pointer ---- */

int mp_api_file_check_not_sequential(const char *call, mp_api_file_t *f)
{
    if (f->amode & MPI_MODE_SEQUENTIAL) {
        return mp_api_error(f->c, call, MPI_ERR_UNSUPPORTED_OPERATION,
                            "\"%s\" was opened MPI_MODE_SEQUENTIAL: only the shared file pointer "
                            "may be used",
                            f->path);
    }
    return MPI_SUCCESS;
}

int mp_api_file_seek_target(const char *call, mp_api_file_t *f, MPI_Offset current,
                            MPI_Offset offset, int whence, MPI_Offset *target_p)
{
    MPI_Offset base = 0;
    switch (whence) {
    case MPI_SEEK_SET:
        break;
    case MPI_SEEK_CUR:
        base = current;
        break;
    case MPI_SEEK_END: {
        int64_t size = 0;
        if (mp_io_file_size(f->fd, &size) != MP_OK) {
            int err = errno;
            return mp_api_error(f->c, call, mp_api_file_errno_class(err), "fstat of \"%s\": %s",
                                f->path, strerror(err));
        }
        uint64_t data = mp_io_view_data_before(&f->view, size);
        base = (MPI_Offset)((data + f->etype->size - 1) / f->etype->size);
        break;
    }
    default:
        return mp_api_error(f->c, call, MPI_ERR_ARG,
                            "whence %d is not MPI_SEEK_SET, MPI_SEEK_CUR or MPI_SEEK_END", whence);
    }
    if (base + offset < 0) {
        return mp_api_error(f->c, call, MPI_ERR_ARG,
                            "the position would be %lld etypes, before the start of the view",
                            (long long)(base + offset));
    }
    *target_p = base + offset;
    return MPI_SUCCESS;
}

#pragma weak MPI_File_seek = PMPI_File_seek
int PMPI_File_seek(MPI_File fh, MPI_Offset offset, int whence)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_seek";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_check_not_sequential(call, f);
    }
    MPI_Offset target = 0;
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_seek_target(call, f, f->pos, offset, whence, &target);
    }
    if (rc == MPI_SUCCESS) {
        f->pos = target;
    }
    return rc;
}

#pragma weak MPI_File_get_position = PMPI_File_get_position
int PMPI_File_get_position(MPI_File fh, MPI_Offset *offset)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_position";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_check_not_sequential(call, f);
    }
    if (rc == MPI_SUCCESS && offset == NULL) {
        rc = mp_api_error(f->c, call, MPI_ERR_ARG, "offset is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *offset = f->pos;
    }
    return rc;
}

#pragma weak MPI_File_get_byte_offset = PMPI_File_get_byte_offset
int PMPI_File_get_byte_offset(MPI_File fh, MPI_Offset offset, MPI_Offset *disp)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_byte_offset";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (offset < 0 || disp == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_ARG,
                            disp == NULL ? "disp is NULL" : "offset %lld is negative",
                            (long long)offset);
    }
    *disp = mp_io_view_file_offset(&f->view, (uint64_t)offset * f->etype->size);
    return MPI_SUCCESS;
}

/* MPI_File_get_type_extent: in the native representation, and in external32 for the types that
 * libmp accepts there (external32 size = native size), a type's extent in the file is its
 * extent in memory. */
static int type_extent(const char *call, MPI_File fh, MPI_Datatype datatype, MPI_Count *extent_p)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_lookup(f->c, call, datatype, &dt);
    if (rc == MPI_SUCCESS) {
        *extent_p = dt->extent;
    }
    return rc;
}

#pragma weak MPI_File_get_type_extent = PMPI_File_get_type_extent
int PMPI_File_get_type_extent(MPI_File fh, MPI_Datatype datatype, MPI_Aint *extent)
{
    MP_API_LOCK();
    MPI_Count e = 0;
    if (extent == NULL) {
        return mp_api_file_null_error("MPI_File_get_type_extent", MPI_ERR_ARG, "extent is NULL");
    }
    int rc = type_extent("MPI_File_get_type_extent", fh, datatype, &e);
    if (rc == MPI_SUCCESS) {
        *extent = (MPI_Aint)e;
    }
    return rc;
}

#pragma weak MPI_File_get_type_extent_c = PMPI_File_get_type_extent_c
int PMPI_File_get_type_extent_c(MPI_File fh, MPI_Datatype datatype, MPI_Count *extent)
{
    MP_API_LOCK();
    if (extent == NULL) {
        return mp_api_file_null_error("MPI_File_get_type_extent_c", MPI_ERR_ARG, "extent is NULL");
    }
    return type_extent("MPI_File_get_type_extent_c", fh, datatype, extent);
}
