/*
 * MPI-IO inside the api layer: the file object that an MPI_File handle points to, shared by
 * file.c (open, close, sizes, hints), file_view.c (views, pointers), file_rw.c (data access)
 * and file_shared.c (the shared file pointer).
 */
#ifndef MP_API_FILE_H
#define MP_API_FILE_H

#include <stdbool.h>

#include "api/api.h"
#include "core/info.h"
#include "io/io.h"

#define MP_API_FILE_MAGIC 0x6d70666cu /* "mpfl" */

/* A data representation that MPI_Register_datarep(_c) added (file_view.c keeps them until the
 * process ends, as MPI has no call to remove one). */
typedef struct mp_api_datarep {
    char name[MPI_MAX_DATAREP_STRING];
    bool large; /* from MPI_Register_datarep_c: the _c conversion functions are set */
    MPI_Datarep_conversion_function *read_fn, *write_fn;
    MPI_Datarep_conversion_function_c *read_fn_c, *write_fn_c;
    MPI_Datarep_extent_function *extent_fn;
    void *extra_state;
} mp_api_datarep_t;

typedef struct mp_api_file {
    uint32_t magic; /* MP_API_FILE_MAGIC while the file is open */
    /* A private dup of the communicator given to MPI_File_open: the file's collectives run on
     * its own context, and its errhandler slot holds the file's error handler. */
    MPI_Comm comm;
    mp_comm_t *c;
    int fd;
    int amode;
    char *path;
    bool atomic; /* MPI_File_set_atomicity: each access holds an fcntl lock on its bytes */
    /* The view. etype and filetype hold a reference each; datarep is "native", "internal",
     * "external32" or a registered one (user_rep). Data in external32 or a user representation is
     * converted on its way; only types whose size in that representation is their native size
     * are accepted, so that offsets and extents stay the same. */
    mp_io_view_t view;
    const mp_datatype_t *etype;
    char datarep[MPI_MAX_DATAREP_STRING];
    bool external32;
    const mp_api_datarep_t *user_rep;
    MPI_Offset pos; /* the individual file pointer, in etypes of the view */
    /* The shared file pointer (in etypes): an MPI_Offset in rank 0's part of this window,
     * changed only by MPI_Fetch_and_op, so that ranks never take the same data twice. */
    MPI_Win shared;
    MPI_Offset *shared_base; /* rank 0: the counter itself */
    mp_info_t *hints;        /* what MPI_File_open and MPI_File_set_info were given */
    struct {                 /* the split collective in progress (one at a time per file) */
        bool active;
        const void *buf;
        MPI_Status status;
        int rc;
    } split;
    struct mp_api_file *next; /* the open files of this process */
} mp_api_file_t;

/* The open file behind a handle, or NULL. */
mp_api_file_t *mp_api_file_get(MPI_File fh);

/* Checks that MPI is ready and fh is an open file; sets *f_p. An invalid handle is reported on
 * MPI_FILE_NULL's handler. */
int mp_api_file_check(const char *call, MPI_File fh, mp_api_file_t **f_p);

/* The open file whose private communicator is comm, or NULL (errhandler.c: a file's handler is
 * called with the file). */
mp_api_file_t *mp_api_file_of_comm(const mp_comm_t *comm);

/* Raises an error of class errclass on MPI_FILE_NULL (errors of MPI_File_open, MPI_File_delete
 * and of invalid file handles): its handler decides. Returns errclass. */
int mp_api_file_null_error(const char *call, int errclass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The MPI error class for a failed POSIX call (errno err) on a file. */
int mp_api_file_errno_class(int err);

/* errhandler.c: the handler of MPI_FILE_NULL (MPI_ERRORS_RETURN unless set), as a handle, and
 * attaching it to a new file's communicator. */
MPI_Errhandler mp_api_errhandler_file_default(void);
void mp_api_errhandler_file_attach_default(mp_comm_t *comm);

/* Calls a user-defined file error handler for an error of code errcode raised on f; returns
 * the code the handler left (errcode where it left MPI_SUCCESS). */
int mp_api_errhandler_call_file(MPI_Errhandler errhandler, mp_api_file_t *f, int errcode);

/* file_view.c: whether every basic type of dt has its native size in rep (asking rep's extent
 * function): MPI_SUCCESS, MPI_ERR_UNSUPPORTED_DATAREP, or the error code the function returned. */
int mp_api_file_datarep_match(const mp_api_datarep_t *rep, const mp_datatype_t *dt);

/* file_view.c: resets the view to MPI_File_open's (bytes, from 0, "native"); drops the old. */
void mp_api_file_view_reset(mp_api_file_t *f);
void mp_api_file_view_release(mp_api_file_t *f);

/* file_view.c: the position whence names plus offset, in etypes (MPI_File_seek and
 * _seek_shared), from the pointer's current position. */
int mp_api_file_seek_target(const char *call, mp_api_file_t *f, MPI_Offset current,
                            MPI_Offset offset, int whence, MPI_Offset *target_p);

/* file_view.c: refuses individual pointers and explicit offsets on MPI_MODE_SEQUENTIAL files. */
int mp_api_file_check_not_sequential(const char *call, mp_api_file_t *f);

/* file_rw.c: split collectives. begin checks fh (setting *f_p) and that no split collective is
 * in progress on it; start records the result of the access that the _begin call then did (rc,
 * and *status when rc is MPI_SUCCESS) and returns rc; end hands it to the _end call (checking
 * that one was begun, with the same buffer). */
int mp_api_file_split_begin(const char *call, MPI_File fh, mp_api_file_t **f_p);
int mp_api_file_split_start(mp_api_file_t *f, const void *buf, int rc, const MPI_Status *status);
int mp_api_file_split_end(const char *call, MPI_File fh, const void *buf, MPI_Status *status);

/* file_shared.c: creates the shared file pointer's window at open (collective; starts at
 * start etypes), and frees it at close (collective). */
int mp_api_file_shared_open(const char *call, mp_api_file_t *f, MPI_Offset start);
void mp_api_file_shared_close(mp_api_file_t *f);

/* file_shared.c: sets the shared pointer (collective calls only: rank 0 does it, the others
 * wait in the barrier that follows). */
int mp_api_file_shared_reset(const char *call, mp_api_file_t *f, MPI_Offset value);

/* file_rw.c: moves count elements of datatype between buf and the view's data at offset
 * (etypes), fills *status; checks the buffer arguments and the access mode. write: from buf.
 * Advances nothing: callers move the file pointers. *bytes_p (may be NULL): bytes moved. */
int mp_api_file_access(const char *call, mp_api_file_t *f, MPI_Offset offset, void *buf,
                       MPI_Count count, MPI_Datatype datatype, bool write, MPI_Status *status,
                       size_t *bytes_p);

/* file_rw.c: checks count and datatype of an access (the etypes it asks for in *etypes_p). */
int mp_api_file_check_buf(const char *call, mp_api_file_t *f, const void *buf, MPI_Count count,
                          MPI_Datatype datatype, bool write, MPI_Offset *etypes_p);

/* file_rw.c: the checks of a nonblocking call (fh, then request not NULL); sets *f_p. */
int mp_api_file_check_nonblocking(const char *call, MPI_File fh, const MPI_Request *request,
                                  mp_api_file_t **f_p);

/* file_rw.c: a request that is complete already and reports bytes moved (the nonblocking calls
 * do their work at once). */
int mp_api_file_done_request(const char *call, mp_api_file_t *f, size_t bytes,
                             MPI_Request *request);

#endif
