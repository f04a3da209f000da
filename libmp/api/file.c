/*
 * MPI-IO files: opening (collective, over a private dup of the communicator), closing,
 * deleting, sizes, the access mode, the group, hints, atomicity and sync. Views and data access
 * live in file_view.c, file_rw.c and file_shared.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/file.h"

/* The open files of this process: for the handler calls that start from a communicator. */
static mp_api_file_t *open_files;

/* Where file objects lie (their handles are their addresses). */
static mp_addr_span_t file_span = MP_ADDR_SPAN_EMPTY;

mp_api_file_t *mp_api_file_get(MPI_File fh)
{
    mp_api_file_t *f = (mp_api_file_t *)fh;
    if (!mp_addr_span_holds(&file_span, f, sizeof(*f))) {
        return NULL;
    }
    return f->magic == MP_API_FILE_MAGIC ? f : NULL;
}

mp_api_file_t *mp_api_file_of_comm(const mp_comm_t *comm)
{
    for (mp_api_file_t *f = open_files; f != NULL; f = f->next) {
        if (f->c == comm) {
            return f;
        }
    }
    return NULL;
}

int mp_api_file_null_error(const char *call, int errclass, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    MPI_Errhandler handler = mp_api_errhandler_file_default();
    if (mp_api_errhandler_is_user(handler)) {
        return mp_api_errhandler_call_file(handler, NULL, errclass);
    }
    /* The predefined handlers: mp_api_error decides through a stand-in holding this one. */
    mp_comm_t stand_in = {.errhandler = (uintptr_t)handler};
    return mp_api_error(&stand_in, call, errclass, "%s", reason);
}

int mp_api_file_check(const char *call, MPI_File fh, mp_api_file_t **f_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_file_t *f = mp_api_file_get(fh);
    if (f == NULL) {
        return mp_api_file_null_error(call, MPI_ERR_FILE,
                                      fh == MPI_FILE_NULL
                                          ? "MPI_FILE_NULL is not a file to use here"
                                          : "invalid file handle %p (closed, or never opened); "
                                            "use one from MPI_File_open",
                                      (void *)fh);
    }
    *f_p = f;
    return MPI_SUCCESS;
}

int mp_api_file_errno_class(int err)
{
    switch (err) {
    case ENOENT:
        return MPI_ERR_NO_SUCH_FILE;
    case EEXIST:
        return MPI_ERR_FILE_EXISTS;
    case EACCES:
    case EPERM:
        return MPI_ERR_ACCESS;
    case EROFS:
        return MPI_ERR_READ_ONLY;
    case ENOSPC:
        return MPI_ERR_NO_SPACE;
    case EDQUOT:
        return MPI_ERR_QUOTA;
    case ENAMETOOLONG:
    case ENOTDIR:
    case EISDIR:
    case ELOOP:
        return MPI_ERR_BAD_FILE;
    case ETXTBSY:
        return MPI_ERR_FILE_IN_USE;
    case ENOMEM:
        return MPI_ERR_NO_MEM;
    case ERANGE: /* set by file_rw.c: a value does not fit in its external32 size */
        return MPI_ERR_CONVERSION;
    default:
        return MPI_ERR_IO;
    }
}

/* ---- Opening ---- */

/* What is wrong with amode, or NULL: MPI_File_open's rules. */
static const char *amode_problem(int amode)
{
    const int known = MPI_MODE_APPEND | MPI_MODE_CREATE | MPI_MODE_DELETE_ON_CLOSE | MPI_MODE_EXCL |
                      MPI_MODE_RDONLY | MPI_MODE_RDWR | MPI_MODE_SEQUENTIAL | MPI_MODE_UNIQUE_OPEN |
                      MPI_MODE_WRONLY;
    if ((amode & ~known) != 0) {
        return "amode holds bits that are no MPI_MODE_* of MPI_File_open";
    }
    int access = (amode & MPI_MODE_RDONLY ? 1 : 0) + (amode & MPI_MODE_RDWR ? 1 : 0) +
                 (amode & MPI_MODE_WRONLY ? 1 : 0);
    if (access != 1) {
        return "amode must hold exactly one of MPI_MODE_RDONLY, MPI_MODE_RDWR and "
               "MPI_MODE_WRONLY";
    }
    if ((amode & MPI_MODE_RDONLY) && (amode & (MPI_MODE_CREATE | MPI_MODE_EXCL))) {
        return "MPI_MODE_RDONLY cannot go with MPI_MODE_CREATE or MPI_MODE_EXCL";
    }
    if ((amode & MPI_MODE_RDWR) && (amode & MPI_MODE_SEQUENTIAL)) {
        return "MPI_MODE_RDWR cannot go with MPI_MODE_SEQUENTIAL";
    }
    return NULL;
}

/* Opens the file on every rank of f->comm: rank 0 first (it alone creates, so that
 * MPI_MODE_EXCL lets exactly one open create the file), then the others. Every rank gets the
 * same result: 0 or the errno of the first failure. */
static int open_everywhere(mp_api_file_t *f, const char *filename, int *err_p)
{
    mp_io_open_mode_t mode = {
        .read = (f->amode & (MPI_MODE_RDONLY | MPI_MODE_RDWR)) != 0,
        .write = (f->amode & (MPI_MODE_WRONLY | MPI_MODE_RDWR)) != 0,
        .create = (f->amode & MPI_MODE_CREATE) != 0,
        .excl = (f->amode & MPI_MODE_EXCL) != 0,
    };
    int err = 0;
    if (f->c->rank == 0 && mp_io_file_open(filename, &mode, &f->fd) != MP_OK) {
        err = errno;
    }
    int rc = PMPI_Bcast(&err, 1, MPI_INT, 0, f->comm);
    if (rc == MPI_SUCCESS && err == 0 && f->c->rank != 0) {
        mode.excl = false; /* rank 0 made it: the others open what it made */
        if (mp_io_file_open(filename, &mode, &f->fd) != MP_OK) {
            err = errno;
        }
    }
    if (rc == MPI_SUCCESS) {
        rc = PMPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, f->comm);
    }
    if (err != 0 && f->fd >= 0) {
        mp_io_file_close(f->fd);
        f->fd = -1;
    }
    *err_p = err;
    return rc;
}

/* Checks what every rank can check alone, then agrees on it across comm, so that every rank
 * returns the same error. */
static int check_open_args(const char *call, MPI_Comm comm, const char *filename, int amode,
                           MPI_Info info, mp_info_t **hints_p)
{
    const char *why = amode_problem(amode);
    int mine = why != NULL ? MPI_ERR_AMODE : MPI_SUCCESS;
    if (filename == NULL || filename[0] == '\0') {
        mine = MPI_ERR_BAD_FILE;
        why = filename == NULL ? "filename is NULL" : "filename is the empty string";
    }
    *hints_p = NULL;
    if (mine == MPI_SUCCESS && info != MPI_INFO_NULL) {
        *hints_p = mp_api_info_get(info);
        if (*hints_p == NULL) {
            mine = MPI_ERR_INFO;
            why = "info is not a valid info object; pass MPI_INFO_NULL or one you created";
        }
    }
    int v[3] = {mine, amode, -amode};
    int rc = PMPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_INT, MPI_MAX, comm);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mine != MPI_SUCCESS) {
        return mp_api_file_null_error(call, mine, "%s (file \"%s\")", why,
                                      filename != NULL ? filename : "(null)");
    }
    if (v[1] != -v[2]) {
        return mp_api_file_null_error(call, MPI_ERR_AMODE,
                                      "the ranks passed different amodes (%d here) for \"%s\": "
                                      "MPI_File_open needs the same amode on every rank",
                                      amode, filename);
    }
    if (v[0] != MPI_SUCCESS) {
        return mp_api_file_null_error(call, v[0],
                                      "another rank of the communicator passed a wrong argument "
                                      "for \"%s\"; its own error names it",
                                      filename);
    }
    return MPI_SUCCESS;
}

static void file_destroy(mp_api_file_t *f)
{
    mp_api_file_view_release(f);
    if (f->hints != NULL) {
        mp_info_destroy(f->hints);
    }
    free(f->path);
    f->magic = 0;
    if (f->comm != MPI_COMM_NULL) {
        PMPI_Comm_free(&f->comm);
    }
    free(f);
}

static int file_open(MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh)
{
    static const char call[] = "MPI_File_open";
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (c->is_inter) {
        return mp_api_error(c, call, MPI_ERR_COMM,
                            "files open over intracommunicators; %s is an intercommunicator",
                            c->name);
    }
    if (fh == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "fh is NULL");
    }
    mp_info_t *hints = NULL;
    rc = check_open_args(call, comm, filename, amode, info, &hints);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_file_t *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->path = strdup(filename)) == NULL ||
        (hints != NULL && mp_info_dup(hints, &f->hints) != MP_OK)) {
        /* Out of memory on one rank: the others would wait in the collectives below. */
        if (f != NULL) {
            free(f->path);
            free(f);
        }
        return mp_api_file_null_error(call, MPI_ERR_NO_MEM, "no memory to open \"%s\"", filename);
    }
    mp_addr_span_note(&file_span, f, sizeof(*f));
    f->magic = MP_API_FILE_MAGIC;
    f->fd = -1;
    f->amode = amode;
    f->comm = MPI_COMM_NULL;
    mp_api_file_view_reset(f);
    rc = PMPI_Comm_dup(comm, &f->comm);
    if (rc != MPI_SUCCESS) {
        f->comm = MPI_COMM_NULL;
        file_destroy(f);
        return rc;
    }
    f->c = mp_api_comm_get(f->comm);
    /* Failures of the file's own collectives come back as codes while it is being set up. */
    mp_api_errhandler_release(f->c->errhandler);
    f->c->errhandler = (uintptr_t)MPI_ERRORS_RETURN;
    int err = 0;
    rc = open_everywhere(f, filename, &err);
    if (rc == MPI_SUCCESS && err != 0) {
        int cls = mp_api_file_errno_class(err);
        file_destroy(f);
        return mp_api_file_null_error(call, cls, "cannot open \"%s\"%s: %s", filename,
                                      cls == MPI_ERR_NO_SUCH_FILE && !(amode & MPI_MODE_CREATE)
                                          ? " (add MPI_MODE_CREATE to create it)"
                                          : "",
                                      strerror(err));
    }
    MPI_Offset start = 0;
    if (rc == MPI_SUCCESS && (amode & MPI_MODE_APPEND)) {
        /* MPI_MODE_APPEND: both pointers start at the end of the file (etypes are bytes now). */
        int64_t size = 0;
        if (mp_io_file_size(f->fd, &size) == MP_OK) {
            start = size;
        }
        rc = PMPI_Bcast(&start, 1, MPI_OFFSET, 0, f->comm);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_shared_open(call, f, start);
    }
    if (rc != MPI_SUCCESS) {
        if (f->fd >= 0) {
            mp_io_file_close(f->fd);
        }
        file_destroy(f);
        return mp_api_file_null_error(call, rc, "setting up \"%s\" over the communicator failed",
                                      filename);
    }
    f->pos = start;
    f->c->errhandler = 0;
    mp_api_errhandler_file_attach_default(f->c);
    f->next = open_files;
    open_files = f;
    *fh = (MPI_File)f;
    return MPI_SUCCESS;
}

/* A failed open returns the code the default file handler left, MPI_SUCCESS included (a
 * program may decide that a missing file is no error); fh is MPI_FILE_NULL then. */
#pragma weak MPI_File_open = PMPI_File_open
int PMPI_File_open(MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh)
{
    MP_API_LOCK();
    mp_api_errhandler_outcome_begin();
    int rc = file_open(comm, filename, amode, info, fh);
    if (rc != MPI_SUCCESS && fh != NULL) {
        *fh = MPI_FILE_NULL;
    }
    return mp_api_errhandler_outcome(rc);
}

#pragma weak MPI_File_close = PMPI_File_close
int PMPI_File_close(MPI_File *fh)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_close";
    mp_api_file_t *f = NULL;
    if (fh == NULL) {
        return mp_api_file_null_error(call, MPI_ERR_ARG, "fh is NULL");
    }
    int rc = mp_api_file_check(call, *fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_api_file_shared_close(f);
    int err = mp_io_file_close(f->fd) == MP_OK ? 0 : errno;
    f->fd = -1;
    /* Every rank has closed before the file goes (MPI_MODE_DELETE_ON_CLOSE). */
    PMPI_Barrier(f->comm);
    int del_err = 0;
    if ((f->amode & MPI_MODE_DELETE_ON_CLOSE) && f->c->rank == 0 &&
        mp_io_file_delete(f->path) != MP_OK) {
        del_err = errno;
    }
    for (mp_api_file_t **p = &open_files; *p != NULL; p = &(*p)->next) {
        if (*p == f) {
            *p = f->next;
            break;
        }
    }
    char path[256];
    snprintf(path, sizeof(path), "%s", f->path);
    /* Errors after this point are raised on MPI_FILE_NULL: the file is gone. */
    file_destroy(f);
    *fh = MPI_FILE_NULL;
    if (err != 0 || del_err != 0) {
        int e = err != 0 ? err : del_err;
        return mp_api_file_null_error(call, mp_api_file_errno_class(e), "%s \"%s\" failed: %s",
                                      err != 0 ? "closing" : "deleting (MPI_MODE_DELETE_ON_CLOSE)",
                                      path, strerror(e));
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_File_delete = PMPI_File_delete
int PMPI_File_delete(const char *filename, MPI_Info info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_delete";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (filename == NULL || filename[0] == '\0') {
        return mp_api_file_null_error(call, MPI_ERR_BAD_FILE, "filename is %s",
                                      filename == NULL ? "NULL" : "the empty string");
    }
    if (info != MPI_INFO_NULL && mp_api_info_get(info) == NULL) {
        return mp_api_file_null_error(call, MPI_ERR_INFO,
                                      "info is not a valid info object; pass MPI_INFO_NULL or "
                                      "one you created");
    }
    if (mp_io_file_delete(filename) != MP_OK) {
        int err = errno;
        return mp_api_file_null_error(call, mp_api_file_errno_class(err),
                                      "cannot delete \"%s\": %s", filename, strerror(err));
    }
    return MPI_SUCCESS;
}

/* ---- Size ---- */

/* Checks that size is the same non-negative value on every rank of f (collective). */
static int check_same_size(const char *call, mp_api_file_t *f, MPI_Offset size)
{
    MPI_Offset v[2] = {size, -size};
    int rc = PMPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_OFFSET, MPI_MAX, f->comm);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "agreeing on the size over the file's ranks failed");
    }
    if (size < 0) {
        return mp_api_error(f->c, call, MPI_ERR_ARG, "size %lld is negative", (long long)size);
    }
    if (v[0] != -v[1]) {
        return mp_api_error(f->c, call, MPI_ERR_NOT_SAME,
                            "the ranks passed different sizes (%lld here); pass the same one",
                            (long long)size);
    }
    if (!(f->amode & (MPI_MODE_WRONLY | MPI_MODE_RDWR))) {
        return mp_api_error(f->c, call, MPI_ERR_READ_ONLY, "\"%s\" was opened MPI_MODE_RDONLY",
                            f->path);
    }
    if (f->amode & MPI_MODE_SEQUENTIAL) {
        return mp_api_error(f->c, call, MPI_ERR_UNSUPPORTED_OPERATION,
                            "\"%s\" was opened MPI_MODE_SEQUENTIAL", f->path);
    }
    return MPI_SUCCESS;
}

/* Rank 0 changes the size (resize: exactly; else preallocate), and every rank returns its
 * result once it is done. */
static int change_size(const char *call, MPI_File fh, MPI_Offset size, bool resize)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc == MPI_SUCCESS) {
        rc = check_same_size(call, f, size);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int err = 0;
    if (f->c->rank == 0) {
        mp_status_t st =
            resize ? mp_io_file_resize(f->fd, size) : mp_io_file_preallocate(f->fd, size);
        err = st == MP_OK ? 0 : errno;
    }
    rc = PMPI_Bcast(&err, 1, MPI_INT, 0, f->comm);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "sharing the result over the file's ranks failed");
    }
    if (err != 0) {
        return mp_api_error(f->c, call, mp_api_file_errno_class(err),
                            "cannot %s \"%s\" to %lld bytes: %s", resize ? "resize" : "preallocate",
                            f->path, (long long)size, strerror(err));
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_File_set_size = PMPI_File_set_size
int PMPI_File_set_size(MPI_File fh, MPI_Offset size)
{
    MP_API_LOCK();
    return change_size("MPI_File_set_size", fh, size, true);
}

#pragma weak MPI_File_preallocate = PMPI_File_preallocate
int PMPI_File_preallocate(MPI_File fh, MPI_Offset size)
{
    MP_API_LOCK();
    return change_size("MPI_File_preallocate", fh, size, false);
}

#pragma weak MPI_File_get_size = PMPI_File_get_size
int PMPI_File_get_size(MPI_File fh, MPI_Offset *size)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_size";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (size == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_ARG, "size is NULL");
    }
    int64_t bytes = 0;
    if (mp_io_file_size(f->fd, &bytes) != MP_OK) {
        int err = errno;
        return mp_api_error(f->c, call, mp_api_file_errno_class(err), "fstat of \"%s\": %s",
                            f->path, strerror(err));
    }
    *size = bytes;
    return MPI_SUCCESS;
}

/* ---- Mode, group, hints ---- */

#pragma weak MPI_File_get_amode = PMPI_File_get_amode
int PMPI_File_get_amode(MPI_File fh, int *amode)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check("MPI_File_get_amode", fh, &f);
    if (rc == MPI_SUCCESS && amode == NULL) {
        rc = mp_api_error(f->c, "MPI_File_get_amode", MPI_ERR_ARG, "amode is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *amode = f->amode;
    }
    return rc;
}

#pragma weak MPI_File_get_group = PMPI_File_get_group
int PMPI_File_get_group(MPI_File fh, MPI_Group *group)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check("MPI_File_get_group", fh, &f);
    if (rc == MPI_SUCCESS && group == NULL) {
        rc = mp_api_error(f->c, "MPI_File_get_group", MPI_ERR_ARG, "group is NULL");
    }
    if (rc == MPI_SUCCESS) {
        rc = PMPI_Comm_group(f->comm, group);
    }
    return rc;
}

#pragma weak MPI_File_set_info = PMPI_File_set_info
int PMPI_File_set_info(MPI_File fh, MPI_Info info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_set_info";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS || info == MPI_INFO_NULL) {
        return rc;
    }
    mp_info_t *hints = NULL;
    rc = mp_api_info_check(f->c, call, info, &hints);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_status_t st =
        f->hints == NULL ? mp_info_dup(hints, &f->hints) : mp_info_merge(f->hints, hints);
    if (st != MP_OK) {
        return mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for the hints");
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_File_get_info = PMPI_File_get_info
int PMPI_File_get_info(MPI_File fh, MPI_Info *info_used)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_info";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (info_used == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_ARG, "info_used is NULL");
    }
    mp_info_t *out = NULL;
    mp_status_t st = f->hints != NULL ? mp_info_dup(f->hints, &out) : mp_info_create(&out);
    /* What libmp itself uses: the file's permissions, and how many ranks opened it. */
    struct stat sb;
    char value[32];
    if (st == MP_OK && fstat(f->fd, &sb) == 0) {
        snprintf(value, sizeof(value), "%o", (unsigned)(sb.st_mode & 07777));
        st = mp_info_set(out, "file_perm", value);
    }
    if (st == MP_OK) {
        snprintf(value, sizeof(value), "%d", f->c->size);
        st = mp_info_set(out, "nb_proc", value);
    }
    if (st == MP_OK) {
        st = mp_info_set(out, "filename", f->path);
    }
    if (st != MP_OK) {
        if (out != NULL) {
            mp_info_destroy(out);
        }
        return mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for the hints");
    }
    *info_used = (MPI_Info)out;
    return MPI_SUCCESS;
}

/* ---- Consistency ---- */

#pragma weak MPI_File_set_atomicity = PMPI_File_set_atomicity
int PMPI_File_set_atomicity(MPI_File fh, int flag)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_set_atomicity";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int v[2] = {flag != 0, -(flag != 0)};
    rc = PMPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MAX, f->comm);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "agreeing over the file's ranks failed");
    }
    if (v[0] != -v[1]) {
        return mp_api_error(f->c, call, MPI_ERR_NOT_SAME,
                            "the ranks passed different flags; pass the same one on every rank");
    }
    f->atomic = flag != 0;
    return MPI_SUCCESS;
}

#pragma weak MPI_File_get_atomicity = PMPI_File_get_atomicity
int PMPI_File_get_atomicity(MPI_File fh, int *flag)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check("MPI_File_get_atomicity", fh, &f);
    if (rc == MPI_SUCCESS && flag == NULL) {
        rc = mp_api_error(f->c, "MPI_File_get_atomicity", MPI_ERR_ARG, "flag is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *flag = f->atomic;
    }
    return rc;
}

#pragma weak MPI_File_sync = PMPI_File_sync
int PMPI_File_sync(MPI_File fh)
{
    MP_API_LOCK();
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check("MPI_File_sync", fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_io_file_sync(f->fd) != MP_OK) {
        int err = errno;
        return mp_api_error(f->c, "MPI_File_sync", mp_api_file_errno_class(err),
                            "fsync of \"%s\": %s", f->path, strerror(err));
    }
    return MPI_SUCCESS;
}
