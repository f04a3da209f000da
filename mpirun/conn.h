/*
 * One mpirun <-> daemon TCP connection: a nonblocking socket with a buffer of frames to send
 * and a buffer of bytes received, cut into frames by wire.h. Single-threaded: the owner's
 * loop polls fd (POLLOUT only while mpirun_conn_wants_write).
 */
#ifndef MPIRUN_CONN_H
#define MPIRUN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpirun/addrs.h"
#include "mpirun/wire.h"

typedef struct mpirun_conn {
    int fd;                /* -1 once closed */
    mpirun_wire_buf_t out; /* frames queued to send: append with wire.h, then flush */
    uint8_t *in;           /* bytes received */
    size_t in_len, in_cap;
    size_t in_off;      /* bytes of in already handed out as frames */
    size_t max_payload; /* longest payload accepted from the peer */
} mpirun_conn_t;

/* Takes over fd (made nonblocking here). */
void mpirun_conn_init(mpirun_conn_t *conn, int fd, size_t max_payload);
void mpirun_conn_close(mpirun_conn_t *conn);

/* For a connection that proved itself: small messages go out at once (no Nagle delay), and
 * TCP keepalive notices a peer host that died within about 30 s. */
void mpirun_conn_tune(mpirun_conn_t *conn);

bool mpirun_conn_wants_write(const mpirun_conn_t *conn);

/* Sends what the socket takes now. Returns -1 (errno set) when the peer is gone. */
int mpirun_conn_flush(mpirun_conn_t *conn);

/* Sends everything, waiting at most timeout_ms in all. Returns -1 on error or timeout. */
int mpirun_conn_flush_wait(mpirun_conn_t *conn, int timeout_ms);

/* Reads what the socket has. Returns 1 after reading (or nothing to read), 0 at end of
 * stream, -1 on error (errno set). */
int mpirun_conn_read(mpirun_conn_t *conn);

/* The next whole frame received: 1 with the fields set (payload valid until the next read),
 * 0 when none is complete, -1 with a message in err when the peer sent something invalid. */
int mpirun_conn_next(mpirun_conn_t *conn, uint16_t *type_p, const uint8_t **payload_p,
                     size_t *len_p, char *err, size_t errlen);

/* Listens on every address of this host on an ephemeral port: IPv6 and IPv4 on one socket,
 * or IPv4 alone where the kernel has no IPv6. Returns the nonblocking socket with its port in
 * *port_p, or -1 with a message in err. */
int mpirun_conn_listen(int backlog, int *port_p, char *err, size_t errlen);

/* Accepts one waiting connection on listen_fd (nonblocking): its descriptor, with the peer's
 * address as text in addr (an IPv4 peer as plain IPv4) and, if port_p is not NULL, its port;
 * -1 when none waits. */
int mpirun_conn_accept(int listen_fd, char addr[MPIRUN_ADDR_LEN], int *port_p);

/* A blocking connect to addr:port (IPv4 or IPv6 text) within timeout_ms: the new nonblocking
 * socket, or -1 with errno set (EINVAL for an address that is neither, ETIMEDOUT). */
int mpirun_conn_connect(const char *addr, int port, int timeout_ms);

/* The same without waiting, for a loop: the new nonblocking socket with the connection under
 * way (poll it for POLLOUT, then check it), or -1 with errno set. */
int mpirun_conn_connect_start(const char *addr, int port);

/* Whether the connection of a socket from connect_start that polled writable was made: 0, or
 * -1 with errno set to why not (ECONNREFUSED, EHOSTUNREACH, ...). */
int mpirun_conn_connect_check(int fd);

#endif
