/*
 * MPI-IO data access through explicit offsets and individual file pointers: blocking,
 * collective (each rank does its own part: the result is what the standard asks, without
 * aggregation), split collective and nonblocking (done at once: the request is complete).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/file.h"

/* Packing and unpacking go through a buffer of at most this many bytes at a time. */
#define CHUNK_BYTES ((size_t)8 << 20)

int mp_api_file_check_buf(const char *call, mp_api_file_t *f, const void *buf, MPI_Count count,
                          MPI_Datatype datatype, bool write, MPI_Offset *etypes_p)
{
    if (count < 0) {
        return mp_api_error(f->c, call, MPI_ERR_COUNT, "count %lld is negative", (long long)count);
    }
    const mp_datatype_t *dt = NULL;
    int rc = mp_api_datatype_check(f->c, call, datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t bytes = mp_datatype_bytes(dt, (size_t)count);
    if (bytes % f->etype->size != 0) {
        return mp_api_error(f->c, call, MPI_ERR_TYPE,
                            "%lld of %s hold %zu bytes, not a whole number of etypes (%s, %zu "
                            "bytes)",
                            (long long)count, mp_api_datatype_name(dt), bytes,
                            mp_api_datatype_name(f->etype), f->etype->size);
    }
    if (f->external32 && mp_datatype_external32_size(dt) != dt->size) {
        return mp_api_error(f->c, call, MPI_ERR_UNSUPPORTED_DATAREP,
                            "%s has another size in external32 than in memory; libmp converts "
                            "only types of the same size (the view of \"%s\" is external32)",
                            mp_api_datatype_name(dt), f->path);
    }
    if (f->user_rep != NULL) {
        int rc2 = mp_api_file_datarep_match(f->user_rep, dt);
        if (rc2 != MPI_SUCCESS) {
            return mp_api_error(
                f->c, call, rc2,
                rc2 == MPI_ERR_UNSUPPORTED_DATAREP
                    ? "%s has basic types of another size in \"%s\" than in "
                      "memory; libmp converts only types of the same size"
                    : "the extent function of \"%s\" failed for %s",
                rc2 == MPI_ERR_UNSUPPORTED_DATAREP ? mp_api_datatype_name(dt) : f->datarep,
                rc2 == MPI_ERR_UNSUPPORTED_DATAREP ? f->datarep : mp_api_datatype_name(dt));
        }
    }
    if (buf == NULL && count > 0 && dt->size > 0) {
        return mp_api_error(f->c, call, MPI_ERR_BUFFER, "buf is NULL and count is %lld",
                            (long long)count);
    }
    if (write && (f->amode & MPI_MODE_RDONLY)) {
        return mp_api_error(f->c, call, MPI_ERR_READ_ONLY,
                            "\"%s\" was opened MPI_MODE_RDONLY; open it MPI_MODE_RDWR or "
                            "MPI_MODE_WRONLY to write",
                            f->path);
    }
    if (!write && (f->amode & MPI_MODE_WRONLY)) {
        return mp_api_error(f->c, call, MPI_ERR_ACCESS,
                            "\"%s\" was opened MPI_MODE_WRONLY; open it MPI_MODE_RDWR or "
                            "MPI_MODE_RDONLY to read",
                            f->path);
    }
    if (etypes_p != NULL) {
        *etypes_p = (MPI_Offset)(bytes / f->etype->size);
    }
    return MPI_SUCCESS;
}

static void fill_status(MPI_Status *status, size_t bytes)
{
    mp_msg_status_t msg = {.source = MPI_ANY_SOURCE, .tag = MPI_ANY_TAG, .bytes = bytes};
    mp_api_status_fill(status, &msg, MPI_SUCCESS);
}

/* Converts n_elems elements of dt from the program's buffer (first_elem on) into file data at
 * file (write), or back; MPI_Register_datarep's functions, or packing where one is NULL. The
 * functions count data items (basic elements) for both their count and their position into
 * the datatype tiled over the buffer, as MPI says. */
static int user_convert(const mp_api_datarep_t *rep, const mp_datatype_t *dt, void *buf,
                        size_t count, size_t first_elem, size_t n_elems, char *file, bool write)
{
    MPI_Datatype handle = (MPI_Datatype)dt->handle;
    size_t len = n_elems * dt->size;
    size_t at = first_elem * dt->size;
    size_t per_elem = (size_t)mp_datatype_elements(dt, dt->size);
    size_t items = n_elems * per_elem;
    size_t first_item = first_elem * per_elem;
    if (rep->large) {
        MPI_Datarep_conversion_function_c *fn = write ? rep->write_fn_c : rep->read_fn_c;
        if (fn != NULL) {
            return fn(buf, handle, (MPI_Count)items, file, (MPI_Offset)first_item,
                      rep->extra_state);
        }
    } else {
        MPI_Datarep_conversion_function *fn = write ? rep->write_fn : rep->read_fn;
        if (fn != NULL) {
            /* The int forms take at most INT_MAX items a call (whole elements). */
            size_t step = per_elem == 0 ? items : (INT_MAX / per_elem) * per_elem;
            for (size_t done = 0; done < items;) {
                size_t n = items - done < step ? items - done : step;
                int rc = fn(buf, handle, (int)n, file + done / per_elem * dt->size,
                            (MPI_Offset)(first_item + done), rep->extra_state);
                if (rc != MPI_SUCCESS) {
                    return rc;
                }
                done += n;
            }
            return MPI_SUCCESS;
        }
    }
    if (write) {
        mp_datatype_pack(dt, count, buf, at, file, len);
    } else {
        mp_datatype_unpack(dt, count, buf, at, file, len);
    }
    return MPI_SUCCESS;
}

/* Moves the packed bytes [0, len) of (count, dt) at buf to or from data offset off of the view,
 * through a bounce buffer when dt is not contiguous or the data changes representation (then in
 * whole elements, as conversions go by element). Sets *done_p. A failed conversion sets errno
 * to ERANGE (MPI_ERR_CONVERSION). */
static mp_status_t move(mp_api_file_t *f, uint64_t off, void *buf, size_t count,
                        const mp_datatype_t *dt, bool write, size_t *done_p)
{
    size_t len = mp_datatype_bytes(dt, count);
    bool converts = f->external32 || f->user_rep != NULL;
    *done_p = 0;
    if (dt->contiguous && !converts) {
        char *base = (char *)buf + dt->lb;
        if (write) {
            mp_status_t st = mp_io_view_write(f->fd, &f->view, off, base, len, f->atomic);
            *done_p = st == MP_OK ? len : 0;
            return st;
        }
        return mp_io_view_read(f->fd, &f->view, off, base, len, f->atomic, done_p);
    }
    size_t chunk = len < CHUNK_BYTES ? len : CHUNK_BYTES;
    if (converts && dt->size > 0) {
        chunk = chunk < dt->size ? dt->size : chunk - chunk % dt->size;
    }
    char *bounce = malloc(chunk > 0 ? 2 * chunk : 1);
    if (bounce == NULL) {
        errno = ENOMEM;
        return MP_ERR_SYSCALL;
    }
    char *conv = bounce + chunk; /* the file's representation, when it differs */
    mp_status_t st = MP_OK;
    for (size_t at = 0; at < len && st == MP_OK;) {
        size_t n = len - at < chunk ? len - at : chunk;
        size_t got = n;
        if (write) {
            const char *out = bounce;
            if (f->user_rep != NULL) {
                out = conv;
                if (user_convert(f->user_rep, dt, buf, count, at / dt->size, n / dt->size, conv,
                                 true) != MPI_SUCCESS) {
                    st = MP_ERR_SYSCALL;
                    errno = ERANGE;
                    break;
                }
            } else {
                mp_datatype_pack(dt, count, buf, at, bounce, n);
            }
            if (f->external32) {
                out = conv;
                if (mp_datatype_to_external32(dt, n / dt->size, bounce, conv) != MP_OK) {
                    st = MP_ERR_SYSCALL;
                    errno = ERANGE;
                    break;
                }
            }
            st = mp_io_view_write(f->fd, &f->view, off + at, out, n, f->atomic);
        } else {
            char *in = converts ? conv : bounce;
            st = mp_io_view_read(f->fd, &f->view, off + at, in, n, f->atomic, &got);
            if (converts) {
                got -= got % dt->size; /* a partial element at the end of the file is dropped */
            }
            if (f->user_rep != NULL) {
                if (got > 0 && user_convert(f->user_rep, dt, buf, count, at / dt->size,
                                            got / dt->size, conv, false) != MPI_SUCCESS) {
                    st = MP_ERR_SYSCALL;
                    errno = ERANGE;
                    break;
                }
            } else {
                if (f->external32) {
                    mp_datatype_from_external32(dt, got / dt->size, conv, bounce);
                }
                mp_datatype_unpack(dt, count, buf, at, bounce, got);
            }
        }
        if (st == MP_OK) {
            *done_p += got;
        }
        at += n;
        if (got < n) {
            break; /* the end of the file */
        }
    }
    free(bounce);
    return st;
}

int mp_api_file_access(const char *call, mp_api_file_t *f, MPI_Offset offset, void *buf,
                       MPI_Count count, MPI_Datatype datatype, bool write, MPI_Status *status,
                       size_t *bytes_p)
{
    int rc = mp_api_file_check_buf(call, f, buf, count, datatype, write, NULL);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (offset < 0) {
        return mp_api_error(f->c, call, MPI_ERR_ARG, "offset %lld is negative", (long long)offset);
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (mp_datatype_bytes(dt, (size_t)count) > 0 && f->view.filetype->size == 0) {
        return mp_api_error(f->c, call, MPI_ERR_ARG,
                            "the view's filetype holds no data, so nothing can be %s",
                            write ? "written" : "read");
    }
    size_t done = 0;
    mp_status_t st =
        move(f, (uint64_t)offset * f->etype->size, buf, (size_t)count, dt, write, &done);
    if (st != MP_OK) {
        int err = errno;
        return mp_api_error(
            f->c, call, mp_api_file_errno_class(err), "%s \"%s\" at %lld etypes of the view: %s",
            write ? "writing" : "reading", f->path, (long long)offset, strerror(err));
    }
    fill_status(status, done);
    if (bytes_p != NULL) {
        *bytes_p = done;
    }
    return MPI_SUCCESS;
}

/* ---- Requests complete at once ---- */

int mp_api_file_done_request(const char *call, mp_api_file_t *f, size_t bytes, MPI_Request *request)
{
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (req == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for a request");
    }
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->status.error = MP_OK;
    req->status.bytes = bytes;
    mp_request_complete(req);
    *request = (MPI_Request)req;
    return MPI_SUCCESS;
}

/* ---- The three ways to name where data goes ---- */

/* An access at an explicit offset (at true) or at the individual pointer, which then moves past
 * the data moved. */
static int rw(const char *call, MPI_File fh, bool at, MPI_Offset offset, void *buf, MPI_Count count,
              MPI_Datatype datatype, bool write, MPI_Status *status, size_t *bytes_p)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_check_not_sequential(call, f);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t bytes = 0;
    rc = mp_api_file_access(call, f, at ? offset : f->pos, buf, count, datatype, write, status,
                            &bytes);
    if (rc == MPI_SUCCESS && !at) {
        f->pos += (MPI_Offset)(bytes / f->etype->size);
    }
    if (bytes_p != NULL) {
        *bytes_p = bytes;
    }
    return rc;
}

int mp_api_file_check_nonblocking(const char *call, MPI_File fh, const MPI_Request *request,
                                  mp_api_file_t **f_p)
{
    int rc = mp_api_file_check(call, fh, f_p);
    if (rc == MPI_SUCCESS && request == NULL) {
        rc = mp_api_error((*f_p)->c, call, MPI_ERR_REQUEST, "request is NULL");
    }
    return rc;
}

/* The nonblocking forms: the access, then a complete request. */
static int irw(const char *call, MPI_File fh, bool at, MPI_Offset offset, void *buf,
               MPI_Count count, MPI_Datatype datatype, bool write, MPI_Request *request)
{
    mp_api_file_t *f = NULL;
    size_t bytes = 0;
    int rc = mp_api_file_check_nonblocking(call, fh, request, &f);
    if (rc == MPI_SUCCESS) {
        rc = rw(call, fh, at, offset, buf, count, datatype, write, MPI_STATUS_IGNORE, &bytes);
    }
    return rc == MPI_SUCCESS ? mp_api_file_done_request(call, f, bytes, request) : rc;
}

/* ---- Split collectives ---- */

int mp_api_file_split_begin(const char *call, MPI_File fh, mp_api_file_t **f_p)
{
    int rc = mp_api_file_check(call, fh, f_p);
    if (rc == MPI_SUCCESS && (*f_p)->split.active) {
        return mp_api_error((*f_p)->c, call, MPI_ERR_OTHER,
                            "a split collective is already in progress on \"%s\"; end it with "
                            "its _end call first",
                            (*f_p)->path);
    }
    return rc;
}

int mp_api_file_split_start(mp_api_file_t *f, const void *buf, int rc, const MPI_Status *status)
{
    f->split.active = true;
    f->split.buf = buf;
    f->split.rc = rc;
    f->split.status = *status;
    return rc;
}

int mp_api_file_split_end(const char *call, MPI_File fh, const void *buf, MPI_Status *status)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (!f->split.active) {
        return mp_api_error(f->c, call, MPI_ERR_OTHER, "no split collective was begun on \"%s\"",
                            f->path);
    }
    if (buf != f->split.buf) {
        return mp_api_error(f->c, call, MPI_ERR_BUFFER,
                            "buf %p is not the buffer %p that the _begin call was given", buf,
                            f->split.buf);
    }
    f->split.active = false;
    if (status != MPI_STATUS_IGNORE) {
        *status = f->split.status;
    }
    return f->split.rc;
}

/* The _begin calls: the access now, its result kept for _end. */
static int rw_begin(const char *call, MPI_File fh, bool at, MPI_Offset offset, void *buf,
                    MPI_Count count, MPI_Datatype datatype, bool write)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_split_begin(call, fh, &f);
    MPI_Status status = {0};
    return rc != MPI_SUCCESS
               ? rc
               : mp_api_file_split_start(
                     f, buf, rw(call, fh, at, offset, buf, count, datatype, write, &status, NULL),
                     &status);
}

/* ---- The standard's calls: int counts and the large-count _c forms ---- */

#pragma weak MPI_File_read_at = PMPI_File_read_at
int PMPI_File_read_at(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype,
                      MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_at", fh, true, offset, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_at = PMPI_File_iread_at
int PMPI_File_iread_at(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype,
                       MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_at", fh, true, offset, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_at_all = PMPI_File_read_at_all
int PMPI_File_read_at_all(MPI_File fh, MPI_Offset offset, void *buf, int count,
                          MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_at_all", fh, true, offset, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_at_all = PMPI_File_iread_at_all
int PMPI_File_iread_at_all(MPI_File fh, MPI_Offset offset, void *buf, int count,
                           MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_at_all", fh, true, offset, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read = PMPI_File_read
int PMPI_File_read(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read", fh, false, 0, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread = PMPI_File_iread
int PMPI_File_iread(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread", fh, false, 0, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_all = PMPI_File_read_all
int PMPI_File_read_all(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_all", fh, false, 0, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_all = PMPI_File_iread_all
int PMPI_File_iread_all(MPI_File fh, void *buf, int count, MPI_Datatype datatype,
                        MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_all", fh, false, 0, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_at_all_begin = PMPI_File_read_at_all_begin
int PMPI_File_read_at_all_begin(MPI_File fh, MPI_Offset offset, void *buf, int count,
                                MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_read_at_all_begin", fh, true, offset, buf, count, datatype, false);
}

#pragma weak MPI_File_read_all_begin = PMPI_File_read_all_begin
int PMPI_File_read_all_begin(MPI_File fh, void *buf, int count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_read_all_begin", fh, false, 0, buf, count, datatype, false);
}

#pragma weak MPI_File_read_at_all_end = PMPI_File_read_at_all_end
int PMPI_File_read_at_all_end(MPI_File fh, void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_read_at_all_end", fh, buf, status);
}

#pragma weak MPI_File_read_all_end = PMPI_File_read_all_end
int PMPI_File_read_all_end(MPI_File fh, void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_read_all_end", fh, buf, status);
}

#pragma weak MPI_File_write_at = PMPI_File_write_at
int PMPI_File_write_at(MPI_File fh, MPI_Offset offset, const void *buf, int count,
                       MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_at", fh, true, offset, (void *)buf, count, datatype, true, status,
              NULL);
}

#pragma weak MPI_File_iwrite_at = PMPI_File_iwrite_at
int PMPI_File_iwrite_at(MPI_File fh, MPI_Offset offset, const void *buf, int count,
                        MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_at", fh, true, offset, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_at_all = PMPI_File_write_at_all
int PMPI_File_write_at_all(MPI_File fh, MPI_Offset offset, const void *buf, int count,
                           MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_at_all", fh, true, offset, (void *)buf, count, datatype, true, status,
              NULL);
}

#pragma weak MPI_File_iwrite_at_all = PMPI_File_iwrite_at_all
int PMPI_File_iwrite_at_all(MPI_File fh, MPI_Offset offset, const void *buf, int count,
                            MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_at_all", fh, true, offset, (void *)buf, count, datatype, true,
               request);
}

#pragma weak MPI_File_write = PMPI_File_write
int PMPI_File_write(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                    MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write", fh, false, 0, (void *)buf, count, datatype, true, status, NULL);
}

#pragma weak MPI_File_iwrite = PMPI_File_iwrite
int PMPI_File_iwrite(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                     MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite", fh, false, 0, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_all = PMPI_File_write_all
int PMPI_File_write_all(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                        MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_all", fh, false, 0, (void *)buf, count, datatype, true, status, NULL);
}

#pragma weak MPI_File_iwrite_all = PMPI_File_iwrite_all
int PMPI_File_iwrite_all(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                         MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_all", fh, false, 0, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_at_all_begin = PMPI_File_write_at_all_begin
int PMPI_File_write_at_all_begin(MPI_File fh, MPI_Offset offset, const void *buf, int count,
                                 MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_write_at_all_begin", fh, true, offset, (void *)buf, count, datatype,
                    true);
}

#pragma weak MPI_File_write_all_begin = PMPI_File_write_all_begin
int PMPI_File_write_all_begin(MPI_File fh, const void *buf, int count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_write_all_begin", fh, false, 0, (void *)buf, count, datatype, true);
}

#pragma weak MPI_File_write_at_all_end = PMPI_File_write_at_all_end
int PMPI_File_write_at_all_end(MPI_File fh, const void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_write_at_all_end", fh, buf, status);
}

#pragma weak MPI_File_write_all_end = PMPI_File_write_all_end
int PMPI_File_write_all_end(MPI_File fh, const void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_write_all_end", fh, buf, status);
}

#pragma weak MPI_File_read_at_c = PMPI_File_read_at_c
int PMPI_File_read_at_c(MPI_File fh, MPI_Offset offset, void *buf, MPI_Count count,
                        MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_at_c", fh, true, offset, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_at_c = PMPI_File_iread_at_c
int PMPI_File_iread_at_c(MPI_File fh, MPI_Offset offset, void *buf, MPI_Count count,
                         MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_at_c", fh, true, offset, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_at_all_c = PMPI_File_read_at_all_c
int PMPI_File_read_at_all_c(MPI_File fh, MPI_Offset offset, void *buf, MPI_Count count,
                            MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_at_all_c", fh, true, offset, buf, count, datatype, false, status,
              NULL);
}

#pragma weak MPI_File_iread_at_all_c = PMPI_File_iread_at_all_c
int PMPI_File_iread_at_all_c(MPI_File fh, MPI_Offset offset, void *buf, MPI_Count count,
                             MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_at_all_c", fh, true, offset, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_c = PMPI_File_read_c
int PMPI_File_read_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                     MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_c", fh, false, 0, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_c = PMPI_File_iread_c
int PMPI_File_iread_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                      MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_c", fh, false, 0, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_all_c = PMPI_File_read_all_c
int PMPI_File_read_all_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                         MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_read_all_c", fh, false, 0, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_all_c = PMPI_File_iread_all_c
int PMPI_File_iread_all_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                          MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iread_all_c", fh, false, 0, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_at_all_begin_c = PMPI_File_read_at_all_begin_c
int PMPI_File_read_at_all_begin_c(MPI_File fh, MPI_Offset offset, void *buf, MPI_Count count,
                                  MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_read_at_all_begin_c", fh, true, offset, buf, count, datatype, false);
}

#pragma weak MPI_File_read_all_begin_c = PMPI_File_read_all_begin_c
int PMPI_File_read_all_begin_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_read_all_begin_c", fh, false, 0, buf, count, datatype, false);
}

#pragma weak MPI_File_write_at_c = PMPI_File_write_at_c
int PMPI_File_write_at_c(MPI_File fh, MPI_Offset offset, const void *buf, MPI_Count count,
                         MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_at_c", fh, true, offset, (void *)buf, count, datatype, true, status,
              NULL);
}

#pragma weak MPI_File_iwrite_at_c = PMPI_File_iwrite_at_c
int PMPI_File_iwrite_at_c(MPI_File fh, MPI_Offset offset, const void *buf, MPI_Count count,
                          MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_at_c", fh, true, offset, (void *)buf, count, datatype, true,
               request);
}

#pragma weak MPI_File_write_at_all_c = PMPI_File_write_at_all_c
int PMPI_File_write_at_all_c(MPI_File fh, MPI_Offset offset, const void *buf, MPI_Count count,
                             MPI_Datatype datatype, MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_at_all_c", fh, true, offset, (void *)buf, count, datatype, true,
              status, NULL);
}

#pragma weak MPI_File_iwrite_at_all_c = PMPI_File_iwrite_at_all_c
int PMPI_File_iwrite_at_all_c(MPI_File fh, MPI_Offset offset, const void *buf, MPI_Count count,
                              MPI_Datatype datatype, MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_at_all_c", fh, true, offset, (void *)buf, count, datatype, true,
               request);
}

#pragma weak MPI_File_write_c = PMPI_File_write_c
int PMPI_File_write_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                      MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_c", fh, false, 0, (void *)buf, count, datatype, true, status, NULL);
}

#pragma weak MPI_File_iwrite_c = PMPI_File_iwrite_c
int PMPI_File_iwrite_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                       MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_c", fh, false, 0, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_all_c = PMPI_File_write_all_c
int PMPI_File_write_all_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                          MPI_Status *status)
{
    MP_API_LOCK();
    return rw("MPI_File_write_all_c", fh, false, 0, (void *)buf, count, datatype, true, status,
              NULL);
}

#pragma weak MPI_File_iwrite_all_c = PMPI_File_iwrite_all_c
int PMPI_File_iwrite_all_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                           MPI_Request *request)
{
    MP_API_LOCK();
    return irw("MPI_File_iwrite_all_c", fh, false, 0, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_at_all_begin_c = PMPI_File_write_at_all_begin_c
int PMPI_File_write_at_all_begin_c(MPI_File fh, MPI_Offset offset, const void *buf, MPI_Count count,
                                   MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_write_at_all_begin_c", fh, true, offset, (void *)buf, count, datatype,
                    true);
}

#pragma weak MPI_File_write_all_begin_c = PMPI_File_write_all_begin_c
int PMPI_File_write_all_begin_c(MPI_File fh, const void *buf, MPI_Count count,
                                MPI_Datatype datatype)
{
    MP_API_LOCK();
    return rw_begin("MPI_File_write_all_begin_c", fh, false, 0, (void *)buf, count, datatype, true);
}
