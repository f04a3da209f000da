/*
 * Buffered nonblocking I/O on an mpirun <-> daemon socket. Frames are read in any pieces the
 * network delivers and handed out whole; sends never block the loop.
 */
#define _GNU_SOURCE
#include "mpirun/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 65536

void mpirun_conn_init(mpirun_conn_t *conn, int fd, size_t max_payload)
{
    memset(conn, 0, sizeof(*conn));
    conn->fd = fd;
    conn->max_payload = max_payload;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void mpirun_conn_close(mpirun_conn_t *conn)
{
    if (conn->fd >= 0) {
        close(conn->fd);
        conn->fd = -1;
    }
    mpirun_wire_buf_fini(&conn->out);
    free(conn->in);
    conn->in = NULL;
    conn->in_len = conn->in_cap = conn->in_off = 0;
}

void mpirun_conn_tune(mpirun_conn_t *conn)
{
    int one = 1, idle = 10, intvl = 5, cnt = 4;
    setsockopt(conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(conn->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    setsockopt(conn->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(conn->fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    setsockopt(conn->fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

bool mpirun_conn_wants_write(const mpirun_conn_t *conn)
{
    return conn->fd >= 0 && conn->out.len > 0;
}

int mpirun_conn_flush(mpirun_conn_t *conn)
{
    if (conn->out.oom) {
        errno = ENOMEM;
        return -1;
    }
    while (conn->fd >= 0 && conn->out.len > 0) {
        ssize_t n = send(conn->fd, conn->out.data, conn->out.len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        }
        if (n < 0) {
            return -1;
        }
        mpirun_wire_consume(&conn->out, (size_t)n);
    }
    return conn->fd >= 0 ? 0 : -1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mpirun_conn_flush_wait(mpirun_conn_t *conn, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    while (mpirun_conn_flush(conn) == 0) {
        if (conn->out.len == 0) {
            return 0;
        }
        long long left = deadline - now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = {.fd = conn->fd, .events = POLLOUT};
        poll(&p, 1, (int)left);
    }
    return -1;
}

int mpirun_conn_read(mpirun_conn_t *conn)
{
    /* Frames handed out before are done with: drop them. */
    if (conn->in_off > 0) {
        memmove(conn->in, conn->in + conn->in_off, conn->in_len - conn->in_off);
        conn->in_len -= conn->in_off;
        conn->in_off = 0;
    }
    for (;;) {
        if (conn->in_cap - conn->in_len < READ_CHUNK) {
            uint8_t *grown = realloc(conn->in, conn->in_cap + READ_CHUNK);
            if (grown == NULL) {
                errno = ENOMEM;
                return -1;
            }
            conn->in = grown;
            conn->in_cap += READ_CHUNK;
        }
        ssize_t n = recv(conn->fd, conn->in + conn->in_len, conn->in_cap - conn->in_len, 0);
        if (n > 0) {
            conn->in_len += (size_t)n;
            /* One read per call keeps one busy peer from starving the others. */
            return 1;
        }
        if (n == 0) {
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
    }
}

int mpirun_conn_next(mpirun_conn_t *conn, uint16_t *type_p, const uint8_t **payload_p,
                     size_t *len_p, char *err, size_t errlen)
{
    size_t frame_len;
    if (conn->in == NULL) {
        return 0;
    }
    int rc =
        mpirun_wire_frame(conn->in + conn->in_off, conn->in_len - conn->in_off, conn->max_payload,
                          type_p, payload_p, len_p, &frame_len, err, errlen);
    if (rc == 1) {
        conn->in_off += frame_len;
    }
    return rc;
}

int mpirun_conn_connect_start(const char *addr, int port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        len = sizeof(*s4);
    } else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        len = sizeof(*s6);
    } else {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int mpirun_conn_connect_check(int fd)
{
    int soerr = 0;
    socklen_t soerr_len = sizeof(soerr);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) != 0) {
        return -1;
    }
    if (soerr != 0) {
        errno = soerr;
        return -1;
    }
    return 0;
}

int mpirun_conn_connect(const char *addr, int port, int timeout_ms)
{
    int fd = mpirun_conn_connect_start(addr, port);
    if (fd < 0) {
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int ready = poll(&p, 1, timeout_ms);
    if (ready != 1 || mpirun_conn_connect_check(fd) != 0) {
        int saved = ready == 0 ? ETIMEDOUT : errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int mpirun_conn_listen(int backlog, int *port_p, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    /* Dual stack first; a kernel without IPv6 refuses the socket or the address. */
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int off = 0;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_addr = in6addr_any;
    len = sizeof(*s6);
    if (fd >= 0 && (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) != 0 ||
                    bind(fd, (struct sockaddr *)&ss, len) != 0)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        memset(&ss, 0, sizeof(ss));
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_ANY);
        len = sizeof(*s4);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) != 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            fd = -1;
        }
    }
    char self[MPIRUN_ADDR_LEN];
    len = sizeof(ss);
    if (fd < 0 || listen(fd, backlog) != 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
        mpirun_addrs_from_sockaddr((struct sockaddr *)&ss, self, port_p) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

int mpirun_conn_accept(int listen_fd, char addr[MPIRUN_ADDR_LEN], int *port_p)
{
    struct sockaddr_storage ss;
    socklen_t salen = sizeof(ss);
    int fd = accept4(listen_fd, (struct sockaddr *)&ss, &salen, SOCK_CLOEXEC);
    if (fd >= 0) {
        int port = 0;
        mpirun_addrs_from_sockaddr((struct sockaddr *)&ss, addr, &port);
        if (port_p != NULL) {
            *port_p = port;
        }
    }
    return fd;
}
