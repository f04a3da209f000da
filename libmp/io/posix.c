/*
 * The POSIX side of MPI-IO: opening, sizing and syncing files, byte-range locks, and moving the
 * runs of a view with pread/pwrite (one call per run, or data sieving for dense scatters). Failures
 * come back as MP_ERR_SYSCALL with errno kept, and are not logged here: the api layer's error
 * message names the file and strerror(errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

/* Data sieving: an access whose runs are scattered over a span at most this large, and not much
 * larger than its data, moves the whole span with one pread (and, writing, one pwrite of the
 * span read, changed and written back), rather than one call per run. */
#define SIEVE_MAX ((int64_t)16 << 20)
#define SIEVE_SLACK ((int64_t)64 << 10)

static bool worth_sieving(int64_t start, int64_t end, size_t len)
{
    int64_t width = end - start;
    return width > (int64_t)len && width <= SIEVE_MAX && width <= 4 * (int64_t)len + SIEVE_SLACK;
}

/* Whether fcntl locks work here; cleared (for the process) the first time a file system refuses
 * them, after which writes are not sieved, since their read-modify-write needs the lock. */
static bool locks_work = true;

static bool lock_unsupported(int err)
{
    return err == ENOLCK || err == EINVAL || err == EOPNOTSUPP || err == ENOSYS;
}

/* The span in memory, for the runs to be copied into or out of. */
typedef struct sieve {
    char *span; /* the file bytes [start, start + avail) */
    int64_t start;
    size_t avail; /* bytes of the span the file holds (reads stop at the end of the file) */
    char *buf;    /* the packed data */
    bool write;
    size_t done;
    bool eof;
} sieve_t;

static mp_status_t sieve_run(int64_t file_off, size_t len, size_t buf_off, void *arg)
{
    sieve_t *v = arg;
    size_t at = (size_t)(file_off - v->start);
    if (v->write) {
        memcpy(v->span + at, v->buf + buf_off, len);
        v->done += len;
        return MP_OK;
    }
    size_t n = at >= v->avail ? 0 : v->avail - at < len ? v->avail - at : len;
    memcpy(v->buf + buf_off, v->span + at, n);
    v->done += n;
    if (n < len) {
        v->eof = true;
        return MP_ERR_NOT_FOUND;
    }
    return MP_OK;
}

/* Reads up to len bytes at off into buf, stopping at the end of the file; *got_p: bytes read. */
static mp_status_t pread_full(int fd, char *buf, size_t len, int64_t off, size_t *got_p)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + (int64_t)got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return MP_ERR_SYSCALL;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    *got_p = got;
    return MP_OK;
}

/* The span [start, end) in one piece: read it, copy the runs in or out, write it back. Returns
 * MP_ERR_NOMEM (nothing done) when the span cannot be buffered, or cannot be read because fd is
 * open for writing only (MPI_MODE_WRONLY): the caller then moves the runs one by one. */
static mp_status_t sieve(int fd, const mp_io_view_t *view, uint64_t off, transfer_t *t, size_t len,
                         int64_t start, int64_t end, bool write)
{
    size_t width = (size_t)(end - start);
    char *span_buf = malloc(width);
    if (span_buf == NULL) {
        return MP_ERR_NOMEM;
    }
    size_t got = 0;
    mp_status_t st = pread_full(fd, span_buf, width, start, &got);
    if (st == MP_ERR_SYSCALL && errno == EBADF && write) {
        free(span_buf);
        return MP_ERR_NOMEM;
    }
    if (st == MP_OK && write && got < width) {
        memset(span_buf + got, 0, width - got); /* beyond the end: holes read as zeros */
    }
    sieve_t v = {.span = span_buf, .start = start, .avail = got, .buf = t->buf, .write = write};
    if (st == MP_OK) {
        st = mp_io_view_map(view, off, len, sieve_run, &v);
        if (st == MP_ERR_NOT_FOUND && v.eof) {
            st = MP_OK;
        }
    }
    if (st == MP_OK && write) {
        transfer_t whole = {.fd = fd, .buf = span_buf};
        st = write_run(start, width, 0, &whole);
    }
    t->done = st == MP_OK ? v.done : 0;
    free(span_buf);
    return st;
}

static mp_status_t move(int fd, const mp_io_view_t *view, uint64_t off, transfer_t *t, size_t len,
                        bool atomic, bool write)
{
    if (len == 0) {
        return MP_OK;
    }
    int64_t start = 0;
    int64_t end = 0;
    span(view, off, len, &start, &end);
    /* Every write locks the bytes it spans, whether it sieves or not: a sieving writer puts back
     * the bytes between its runs, which must not be someone else's write in flight. Reads lock
     * only in atomic mode. */
    bool locked = false;
    if (atomic || (write && locks_work)) {
        if (mp_io_file_lock(fd, start, end, write, false) == MP_OK) {
            locked = true;
        } else if (atomic || !lock_unsupported(errno)) {
            return MP_ERR_SYSCALL;
        } else {
            locks_work = false;
        }
    }
    mp_status_t st = MP_ERR_NOMEM;
    if (worth_sieving(start, end, len) && (!write || locked)) {
        st = sieve(fd, view, off, t, len, start, end, write);
    }
    if (st == MP_ERR_NOMEM) {
        st = mp_io_view_map(view, off, len, write ? write_run : read_run, t);
        if (st == MP_ERR_NOT_FOUND && t->eof) {
            st = MP_OK;
        }
    }
    if (locked) {
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
