/*
 * The POSIX side of MPI-IO: opening, sizing and syncing files, byte-range locks, and moving the
 * runs of a view with pread/pwrite. Failures come back as MP_ERR_SYSCALL with errno kept, and
 * are not logged here: the api layer's error message names the file and strerror(errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/io.h"

mp_status_t mp_io_file_open(const char *path, const mp_io_open_mode_t *mode, int *fd_p)
{
    int flags = mode->read && mode->write ? O_RDWR : mode->write ? O_WRONLY : O_RDONLY;
    if (mode->create) {
        flags |= O_CREAT;
    }
    if (mode->excl) {
        flags |= O_EXCL;
    }
    int fd = open(path, flags | O_CLOEXEC, 0666);
    if (fd < 0) {
        return MP_ERR_SYSCALL;
    }
    /* A directory opens read-only on Linux: MPI files are regular files. */
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        errno = EISDIR;
        return MP_ERR_SYSCALL;
    }
    *fd_p = fd;
    return MP_OK;
}

mp_status_t mp_io_file_close(int fd)
{
    return close(fd) == 0 ? MP_OK : MP_ERR_SYSCALL;
}

mp_status_t mp_io_file_delete(const char *path)
{
    return unlink(path) == 0 ? MP_OK : MP_ERR_SYSCALL;
}

mp_status_t mp_io_file_size(int fd, int64_t *size_p)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        return MP_ERR_SYSCALL;
    }
    *size_p = (int64_t)sb.st_size;
    return MP_OK;
}

mp_status_t mp_io_file_resize(int fd, int64_t size)
{
    return ftruncate(fd, (off_t)size) == 0 ? MP_OK : MP_ERR_SYSCALL;
}

mp_status_t mp_io_file_preallocate(int fd, int64_t size)
{
    if (size == 0) {
        return MP_OK;
    }
    int rc = posix_fallocate(fd, 0, (off_t)size);
    if (rc == EOPNOTSUPP || rc == EINVAL) {
        /* File systems without allocation: extending the size is what remains visible. */
        int64_t now = 0;
        if (mp_io_file_size(fd, &now) != MP_OK) {
            return MP_ERR_SYSCALL;
        }
        return now >= size ? MP_OK : mp_io_file_resize(fd, size);
    }
    if (rc != 0) {
        errno = rc;
        return MP_ERR_SYSCALL;
    }
    return MP_OK;
}

mp_status_t mp_io_file_sync(int fd)
{
    return fsync(fd) == 0 ? MP_OK : MP_ERR_SYSCALL;
}

mp_status_t mp_io_file_lock(int fd, int64_t start, int64_t end, bool write, bool unlock)
{
    struct flock fl = {0};
    fl.l_type = unlock ? F_UNLCK : write ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = (off_t)start;
    fl.l_len = (off_t)(end - start);
    while (fcntl(fd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            return MP_ERR_SYSCALL;
        }
    }
    return MP_OK;
}

/* ---- Moving the runs of a view ---- */

typedef struct transfer {
    int fd;
    char *buf;   /* the packed data of the range */
    size_t done; /* bytes moved so far; a read stops at the end of the file */
    bool eof;
} transfer_t;

static mp_status_t write_run(int64_t file_off, size_t len, size_t buf_off, void *arg)
{
    transfer_t *t = arg;
    size_t moved = 0;
    while (moved < len) {
        ssize_t n = pwrite(t->fd, t->buf + buf_off + moved, len - moved,
                           (off_t)(file_off + (int64_t)moved));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return MP_ERR_SYSCALL;
        }
        moved += (size_t)n;
    }
    t->done += len;
    return MP_OK;
}

static mp_status_t read_run(int64_t file_off, size_t len, size_t buf_off, void *arg)
{
    transfer_t *t = arg;
    size_t moved = 0;
    while (moved < len) {
        ssize_t n =
            pread(t->fd, t->buf + buf_off + moved, len - moved, (off_t)(file_off + (int64_t)moved));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return MP_ERR_SYSCALL;
        }
        if (n == 0) {
            /* The file ends here; later runs lie further on, so nothing more can come. */
            t->done += moved;
            t->eof = true;
            return MP_ERR_NOT_FOUND;
        }
        moved += (size_t)n;
    }
    t->done += len;
    return MP_OK;
}

/* The file bytes [*start_p, *end_p) that the data offsets [off, off + len) span. */
static void span(const mp_io_view_t *view, uint64_t off, size_t len, int64_t *start_p,
                 int64_t *end_p)
{
    *start_p = mp_io_view_file_offset(view, off);
    *end_p = mp_io_view_file_offset(view, off + len - 1) + 1;
}

static mp_status_t move(int fd, const mp_io_view_t *view, uint64_t off, transfer_t *t, size_t len,
                        bool atomic, bool write)
{
    if (len == 0) {
        return MP_OK;
    }
    int64_t start = 0;
    int64_t end = 0;
    if (atomic) {
        span(view, off, len, &start, &end);
        if (mp_io_file_lock(fd, start, end, write, false) != MP_OK) {
            return MP_ERR_SYSCALL;
        }
    }
    mp_status_t st = mp_io_view_map(view, off, len, write ? write_run : read_run, t);
    if (st == MP_ERR_NOT_FOUND && t->eof) {
        st = MP_OK;
    }
    if (atomic) {
        int saved = errno;
        mp_io_file_lock(fd, start, end, write, true);
        errno = saved;
    }
    return st;
}

mp_status_t mp_io_view_write(int fd, const mp_io_view_t *view, uint64_t off, const void *buf,
                             size_t len, bool atomic)
{
    transfer_t t = {.fd = fd, .buf = (char *)buf};
    return move(fd, view, off, &t, len, atomic, true);
}

mp_status_t mp_io_view_read(int fd, const mp_io_view_t *view, uint64_t off, void *buf, size_t len,
                            bool atomic, size_t *done_p)
{
    transfer_t t = {.fd = fd, .buf = buf};
    mp_status_t st = move(fd, view, off, &t, len, atomic, false);
    *done_p = t.done;
    return st;
}
