/*
 * Line-whole stdio forwarding. Complete lines are written with one write (or writev when
 * tagged), which the kernel keeps whole on pipes and terminals; a line longer than
 * MAX_LINE is forwarded in pieces rather than held forever.
 */
#define _GNU_SOURCE
#include "mpirun/iof.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    if (!iof->tag) {
        struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
        write_all(iof->out_fd, &iov, 1);
        return;
    }
    char prefix[48];
    int plen = snprintf(prefix, sizeof(prefix), "[%d,%d]<%s>:", iof->job, iof->rank,
                        iof->out_fd == STDERR_FILENO ? "stderr" : "stdout");
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
}
