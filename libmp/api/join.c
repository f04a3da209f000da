/*
 * MPI_Comm_join: two processes connected by a socket tell each other who they are over it (job
 * and job rank, both ways); two processes of one job then build the intercommunicator of their
 * MPI_COMM_SELFs on the hidden port communicator. The socket stays the program's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "comm/comm_create.h"
#include "comm/port.h"
#include "core/runtime.h"

#define JOIN_MAGIC "libmpJN1"
#define JOIN_VERSION 1u

/* What each side writes (wire format; integers in network order). */
typedef struct join_hello {
    char magic[8];      /* JOIN_MAGIC, no NUL */
    uint32_t version;   /* JOIN_VERSION */
    uint32_t rank;      /* the writer's job rank */
    uint32_t conn;      /* the writer's connection number (the lower rank's gives the tag) */
    char job_name[256]; /* the writer's job (wireup's job_name), NUL-terminated */
} join_hello_t;

/* Waits until fd is ready for events (a nonblocking socket). */
static bool wait_fd(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n;
    do {
        n = poll(&p, 1, -1);
    } while (n < 0 && errno == EINTR);
    return n > 0;
}

/* Writes all of buf; returns 0 or an errno value. Never raises SIGPIPE on a socket. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) {
            n = write(fd, p, len);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(fd, POLLOUT)) {
            continue;
        }
        if (n < 0) {
            return errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads all of buf; returns 0, an errno value, or -1 at the end of the stream. */
static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(fd, POLLIN)) {
            continue;
        }
        if (n < 0) {
            return errno;
        }
        if (n == 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Swaps hellos over fd; fills *peer. Reports for call and returns an MPI error class. */
static int swap_hellos(const char *call, int fd, uint32_t conn, join_hello_t *peer)
{
    join_hello_t mine;
    memset(&mine, 0, sizeof(mine));
    memcpy(mine.magic, JOIN_MAGIC, sizeof(mine.magic));
    mine.version = htonl(JOIN_VERSION);
    mine.rank = htonl((uint32_t)mp_runtime.rank);
    mine.conn = htonl(conn);
    snprintf(mine.job_name, sizeof(mine.job_name), "%s", mp_runtime.wireup.job_name);
    int err = write_all(fd, &mine, sizeof(mine));
    if (err != 0) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER, "cannot write to fd %d: %s", fd,
                            strerror(err));
    }
    err = read_all(fd, peer, sizeof(*peer));
    if (err != 0) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER, "cannot read from fd %d: %s", fd,
                            err < 0 ? "the other end closed it before it said who it is"
                                    : strerror(err));
    }
    if (memcmp(peer->magic, JOIN_MAGIC, sizeof(peer->magic)) != 0 ||
        ntohl(peer->version) != JOIN_VERSION ||
        memchr(peer->job_name, '\0', sizeof(peer->job_name)) == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER,
                            "the other end of fd %d is not a libmp process in MPI_Comm_join "
                            "(it wrote something else)",
                            fd);
    }
    peer->rank = ntohl(peer->rank);
    peer->conn = ntohl(peer->conn);
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_join = PMPI_Comm_join
int PMPI_Comm_join(int fd, MPI_Comm *intercomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Comm_join";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (intercomm == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "intercomm is NULL");
    }
    *intercomm = MPI_COMM_NULL;
    if (fd < 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "fd %d is not a file descriptor; pass a connected socket", fd);
    }
    uint32_t conn = mp_comm_port_next_conn();
    join_hello_t peer;
    rc = swap_hellos(call, fd, conn, &peer);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (strcmp(peer.job_name, mp_runtime.wireup.job_name) != 0) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER,
                            "the other end of fd %d is job rank %u of job \"%.64s\", not of this "
                            "job (\"%.64s\"): libmp connects processes of one job only",
                            fd, peer.rank, peer.job_name, mp_runtime.wireup.job_name);
    }
    int me = mp_runtime.rank;
    if (peer.rank >= (uint32_t)mp_runtime.size || (int)peer.rank == me) {
        return mp_api_error(NULL, call, MPI_ERR_OTHER,
                            "the other end of fd %d says it is job rank %u; this is job rank %d "
                            "of %d: join two different processes",
                            fd, peer.rank, me, mp_runtime.size);
    }
    int other = (int)peer.rank;
    int tag =
        me < other ? mp_comm_port_tag(conn, me, other) : mp_comm_port_tag(peer.conn, other, me);
    mp_comm_t *self = mp_api_comm_get(MPI_COMM_SELF);
    mp_comm_t *n = NULL;
    mp_status_t st = mp_comm_intercomm_create(self, 0, mp_comm_port_wire(), other, tag, &n);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, self, st);
    }
    mp_api_comm_publish(n, intercomm);
    return MPI_SUCCESS;
}
