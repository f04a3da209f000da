/*
 * File access for MPI-IO: a view (a displacement and a file type tiled from it) maps positions
 * of the data a process sees to runs of bytes in the file, and POSIX calls move those runs.
 * Knows datatypes (core/) and file descriptors; nothing of communicators or MPI handles.
 */
#ifndef MP_IO_IO_H
#define MP_IO_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datatype.h"
#include "core/status.h"

/* A view: the file type's data, tiled from disp at its extent, is what the process sees of the
 * file. Positions in the view (data offsets) count bytes of that data only; holes are skipped. */
typedef struct mp_io_view {
    int64_t disp;                  /* bytes from the start of the file to the first tile */
    const mp_datatype_t *filetype; /* size > 0 and extent > 0 for any data to be reachable */
} mp_io_view_t;

/* Receives one run: len bytes of the file at file_off hold the data at buf_off (counted from the
 * start of the range being mapped). Returns MP_OK to go on; anything else stops the walk. */
typedef mp_status_t (*mp_io_run_fn)(int64_t file_off, size_t len, size_t buf_off, void *arg);

/* Walks the data offsets [off, off + len) of view in order, calling fn once per run of
 * consecutive file bytes (adjacent blocks of the file type are merged). Returns MP_OK,
 * MP_ERR_INVALID when len > 0 and the file type holds no data, or what fn returned. Pure. */
mp_status_t mp_io_view_map(const mp_io_view_t *view, uint64_t off, size_t len, mp_io_run_fn fn,
                           void *arg);

/* The absolute file offset of data offset off of view (MPI_File_get_byte_offset); off may be at
 * the end of the data of a tile, which gives the next tile's first data byte. Pure. */
int64_t mp_io_view_file_offset(const mp_io_view_t *view, uint64_t off);

/* The bytes of view data that lie before file offset file_off: where the file's end falls in the
 * view (MPI_SEEK_END). Pure. */
uint64_t mp_io_view_data_before(const mp_io_view_t *view, int64_t file_off);

/* Whether filetype can serve as a file type: its blocks lie at non-negative displacements in
 * increasing order without overlapping, as MPI asks of file types. Pure. */
bool mp_io_filetype_is_monotonic(const mp_datatype_t *filetype);

/* ---- POSIX access (posix.c). On MP_ERR_SYSCALL errno says why; the failing call is logged. ----
 */

/* How a file is opened: the parts of MPI's amode that reach open(2). */
typedef struct mp_io_open_mode {
    bool read, write; /* O_RDONLY, O_WRONLY or O_RDWR */
    bool create;      /* O_CREAT */
    bool excl;        /* O_EXCL */
} mp_io_open_mode_t;

/* Opens path (mode 0666 before the umask when created); sets *fd_p. */
mp_status_t mp_io_file_open(const char *path, const mp_io_open_mode_t *mode, int *fd_p);

/* Closes fd (errors of close are reported: they may be lost writes). */
mp_status_t mp_io_file_close(int fd);

/* Removes path. */
mp_status_t mp_io_file_delete(const char *path);

/* The size of the file in bytes. */
mp_status_t mp_io_file_size(int fd, int64_t *size_p);

/* Sets the size (truncates or extends with zeros). */
mp_status_t mp_io_file_resize(int fd, int64_t size);

/* Makes sure storage exists for the first size bytes; never shrinks the file. */
mp_status_t mp_io_file_preallocate(int fd, int64_t size);

/* Flushes the file's data to storage (fsync). */
mp_status_t mp_io_file_sync(int fd);

/* Takes (write: exclusive, else shared) or, with unlock, drops an fcntl lock on the bytes
 * [start, end) of fd's file; blocks until it is granted. */
mp_status_t mp_io_file_lock(int fd, int64_t start, int64_t end, bool write, bool unlock);

/* Writes the data offsets [off, off + len) of view from the packed bytes buf. The bytes the
 * write spans are locked (fcntl, exclusive) for its duration where the file system has locks:
 * so it is seen whole or not at all (atomic mode), and a scattered write may move its whole
 * span in one read-modify-write (data sieving) without losing concurrent writes of others. */
mp_status_t mp_io_view_write(int fd, const mp_io_view_t *view, uint64_t off, const void *buf,
                             size_t len, bool atomic);

/* Reads the data offsets [off, off + len) of view into the packed buffer buf, the span under a
 * shared lock in atomic mode; a scattered read may read its whole span at once (data sieving).
 * The end of the file ends the read early: *done_p gets the bytes read (all of len unless the
 * file ended). */
mp_status_t mp_io_view_read(int fd, const mp_io_view_t *view, uint64_t off, void *buf, size_t len,
                            bool atomic, size_t *done_p);

#endif
