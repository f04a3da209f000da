/*
 * Line-whole stdio forwarding. Complete lines are written with one write (or writev when
 * tagged), which the kernel keeps whole on pipes and terminals; a line longer than
 * MAX_LINE is forwarded in pieces rather than held forever. Files of --output-filename are
 * opened for appending, so a merged stderr's lines fall between stdout's whole.
 */
#define _GNU_SOURCE
#include "mpirun/iof.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define MAX_LINE (1024 * 1024)

void mpirun_iof_init(mpirun_iof_t *iof, int fd, int out_fd, int rank, bool tag)
{
    memset(iof, 0, sizeof(*iof));
    iof->fd = fd;
    iof->out_fd = out_fd;
    iof->rank = rank;
    iof->job = 1;
    iof->tag = tag;
    iof->file_fd = -1;
}

/* Makes every directory of path up to its last '/' (mkdir -p of its parent). */
static int make_parents(char *path)
{
    for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        int rc = mkdir(path, 0755);
        *slash = '/';
        if (rc != 0 && errno != EEXIST) {
            return -1;
        }
    }
    return 0;
}

int mpirun_iof_output(mpirun_iof_t *iof, const mpirun_output_t *out, char *err, size_t errlen)
{
    bool is_err = iof->out_fd == STDERR_FILENO;
    if (is_err && out->merge_stderr) {
        iof->out_fd = STDOUT_FILENO;
    }
    iof->prefix_rank = out->prefix_rank;
    if (out->dir == NULL) {
        return 0;
    }
    bool to_stdout = iof->out_fd == STDOUT_FILENO;
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%d/rank.%d/%s", out->dir, iof->job, iof->rank,
                         to_stdout ? "stdout" : "stderr") >= sizeof(path)) {
        snprintf(err, errlen, "--output-filename %s: the path of rank %d's files is too long",
                 out->dir, iof->rank);
        return -1;
    }
    /* A merged stderr appends to the file its stdout emptied. */
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (is_err && to_stdout ? 0 : O_TRUNC);
    if (make_parents(path) != 0 || (iof->file_fd = open(path, flags, 0644)) < 0) {
        snprintf(err, errlen, "--output-filename: cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    iof->no_copy = out->no_copy;
    return 0;
}

/* Writes all of iov, waiting when the output is a full nonblocking pipe. Output that cannot
 * be written (reader gone) is dropped: the job goes on. */
static void write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                poll(&p, 1, -1);
                continue;
            }
            return;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
}

static void emit(mpirun_iof_t *iof, const char *data, size_t len)
{
    if (len == 0) {
        return;
    }
    if (iof->file_fd >= 0) {
        struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
        write_all(iof->file_fd, &iov, 1);
    }
    if (iof->no_copy) {
        return;
    }
    if (!iof->tag && !iof->prefix_rank) {
        struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
        write_all(iof->out_fd, &iov, 1);
        return;
    }
    char prefix[48];
    int plen;
    if (iof->tag) {
        plen = snprintf(prefix, sizeof(prefix), "[%d,%d]<%s>:", iof->job, iof->rank,
                        iof->out_fd == STDERR_FILENO ? "stderr" : "stdout");
    } else if (iof->job == 1) {
        plen = snprintf(prefix, sizeof(prefix), "[%d] ", iof->rank);
    } else {
        plen = snprintf(prefix, sizeof(prefix), "[%d,%d] ", iof->job, iof->rank);
    }
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t line = nl != NULL ? (size_t)(nl - data) + 1 : len;
        struct iovec iov[2] = {{.iov_base = prefix, .iov_len = (size_t)plen},
                               {.iov_base = (void *)data, .iov_len = line}};
        write_all(iof->out_fd, iov, 2);
        data += line;
        len -= line;
    }
}

/* Forwards the complete lines in the buffer, keeps the incomplete rest. */
static void forward_lines(mpirun_iof_t *iof)
{
    char *last = memrchr(iof->buf, '\n', iof->len);
    size_t done = last != NULL ? (size_t)(last - iof->buf) + 1 : 0;
    if (done == 0 && iof->len >= MAX_LINE) {
        done = iof->len;
    }
    emit(iof, iof->buf, done);
    memmove(iof->buf, iof->buf + done, iof->len - done);
    iof->len -= done;
}

bool mpirun_iof_read(mpirun_iof_t *iof)
{
    while (iof->fd >= 0) {
        if (iof->cap - iof->len < READ_CHUNK) {
            char *grown = realloc(iof->buf, iof->cap + READ_CHUNK);
            if (grown == NULL) {
                forward_lines(iof);
                return true;
            }
            iof->buf = grown;
            iof->cap += READ_CHUNK;
        }
        ssize_t n = read(iof->fd, iof->buf + iof->len, iof->cap - iof->len);
        if (n > 0) {
            iof->len += (size_t)n;
            forward_lines(iof);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return true;
        }
        mpirun_iof_fini(iof);
    }
    return false;
}

void mpirun_iof_push(mpirun_iof_t *iof, const char *data, size_t len)
{
    if (len == 0) {
        return;
    }
    if (iof->cap - iof->len < len) {
        char *grown = realloc(iof->buf, iof->len + len);
        if (grown == NULL) {
            forward_lines(iof);
            emit(iof, data, len); /* out of memory: forward unbuffered rather than lose it */
            return;
        }
        iof->buf = grown;
        iof->cap = iof->len + len;
    }
    memcpy(iof->buf + iof->len, data, len);
    iof->len += len;
    forward_lines(iof);
}

void mpirun_iof_fini(mpirun_iof_t *iof)
{
    if (iof->fd >= 0) {
        close(iof->fd);
        iof->fd = -1;
    }
    /* A last line without its newline gets one, or the next rank's output would join it. */
    if (iof->len > 0) {
        char *room = iof->len < iof->cap ? iof->buf : realloc(iof->buf, iof->len + 1);
        if (room != NULL) {
            iof->buf = room;
            iof->buf[iof->len++] = '\n';
        }
    }
    emit(iof, iof->buf, iof->len);
    free(iof->buf);
    iof->buf = NULL;
    iof->len = iof->cap = 0;
    if (iof->file_fd >= 0) {
        close(iof->file_fd);
        iof->file_fd = -1;
    }
}
